//! `/api/orders*`: place, list, confirm/reject/ship, the penitip's status,
//! payment proofs. Each handler: parse → service → view.

use serde_json::json;
use worker::{Request, Response};

use super::participants::Confirm;
use super::views::{self, BillLink, Order, OrderInList, OrderStatusView, PlacedOrder, ProductLink, TripLink};
use crate::ctx::Ctx;
use crate::domain::order::Action;
use crate::error::{ApiError, ApiResult};
use crate::platform::limits::Limit;
use crate::service::orders::{self, BuyerForm, OrderAccess, OrderForm, TransitionForm, PROOF_LIMIT};
use crate::service::participants;
use crate::web::auth::{limit_address, limit_phone, link_token, optional_user, require_user};
use crate::web::query::{params, Paging};
use crate::web::{body, respond, upload};

/// `POST /api/orders`.
pub async fn create(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    let caller = optional_user(ctx, req)?;
    limit_address(ctx, req, Limit::Public, "order").await?;
    let form = OrderForm::parse(body::json(req).await?, caller.is_some())?;
    if let BuyerForm::Person { phone, .. } = &form.buyer {
        limit_phone(ctx, "order", phone).await?;
    }
    let placed = orders::place(ctx, caller.as_ref(), form).await?;
    let base = &ctx.config.public_base_url;
    let bill = BillLink::new(base, &placed.bill, &placed.bill_token);
    let first = placed.orders.first().ok_or_else(|| ApiError::internal("a checkout without lines"))?;
    let status_url = match &placed.access_token {
        Some(token) => format!("{base}/order/{}?token={token}", first.id),
        None => bill.url.clone(),
    };
    let order = PlacedOrder { order: Order::from(first), access_token: placed.access_token.as_deref(), status_url };
    let confirm = placed
        .confirm_code
        .as_deref()
        .map(|code| Confirm { code, whatsapp_url: participants::confirm_link(ctx, code) });
    let body = json!({
        "order": order,
        "orders": views::all::<_, Order>(&placed.orders),
        "bill": bill,
        "confirm": confirm,
        "repeated": placed.repeated,
    });
    // The same checkout again is answered with what it made, not made twice.
    respond::json(if placed.repeated { 200 } else { 201 }, &body)
}

/// `GET /api/orders/:tripId`: the owner's orders of a trip with product and participant.
pub async fn list_for_trip(ctx: &Ctx, req: &Request, trip_id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let paging = Paging::from(&params(req))?;
    let rows = orders::of_trip(ctx, &me, trip_id, paging.after.as_ref(), paging.limit).await?;
    let next = paging.next(&rows, |d| (d.order.created_at.clone(), d.order.id.clone()));
    respond::json(200, &json!({ "orders": views::all::<_, OrderInList>(&rows), "nextCursor": next }))
}

/// `PATCH /api/orders/:id/{confirm|reject|ship}`: only the allowed transitions; 409 otherwise.
pub async fn transition(ctx: &Ctx, req: &mut Request, id: &str, action: Action) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let order = orders::owned(ctx, &me, id).await?;
    let form = TransitionForm::parse(body::json(req).await?, action)?;
    let order = orders::transition(ctx, &me, order, action, form).await?;
    respond::json(200, &json!({ "order": Order::from(&order) }))
}

/// `POST /api/orders/:id/found` `{ quantity }` (owner): fewer units found in the shop, or none.
pub async fn found(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let order = orders::owned(ctx, &me, id).await?;
    let form = orders::FoundForm::parse(body::json(req).await?)?;
    let order = orders::found(ctx, &me, order, form).await?;
    respond::json(200, &json!({ "order": Order::from(&order) }))
}

/// `GET /api/orders/:id/status?token=`: the penitip's view of their order.
pub async fn status(ctx: &Ctx, req: &Request, id: &str) -> ApiResult<Response> {
    let order = orders::visible(ctx, id, &order_access(ctx, req)?).await?;
    let around = orders::context(ctx, &order, false).await?;
    let view = OrderStatusView {
        order: Order::from(&order),
        product: around.product.as_ref().map(|p| ProductLink {
            slug: &p.slug,
            title: &p.title,
            image: p.image.as_deref(),
        }),
        trip: around.trip.as_ref().map(|t| TripLink { slug: &t.slug, title: &t.title }),
    };
    respond::json(200, &json!({ "order": view }))
}

/// `POST /api/orders/:id/proof` (multipart `image`): order token or owner.
pub async fn upload_proof(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let order = orders::visible(ctx, id, &order_access(ctx, req)?).await?;
    orders::check_takes_proof(&order)?;
    limit_address(ctx, req, Limit::Public, "proof").await?;
    let image = upload::required_image(req, PROOF_LIMIT).await?;
    let order = orders::attach_proof(ctx, order, image).await?;
    respond::json(200, &json!({ "order": Order::from(&order) }))
}

/// `GET /api/orders/:id/proof`: the private proof, for the order's token holder or owner.
pub async fn proof(ctx: &Ctx, req: &Request, id: &str) -> ApiResult<Response> {
    let order = orders::visible(ctx, id, &order_access(ctx, req)?).await?;
    let key = order.proof_key.ok_or_else(|| ApiError::not_found("Proof"))?;
    super::media::object(ctx, &key, "private, no-store").await
}

/// The order token of `?token=` or `X-Order-Token`, else the signed-in owner.
fn order_access(ctx: &Ctx, req: &Request) -> ApiResult<OrderAccess> {
    match link_token(req, "x-order-token") {
        Some(t) => Ok(OrderAccess::Token(t)),
        None => require_user(ctx, req).map(OrderAccess::Owner),
    }
}
