//! `/api/bills*` and a trip's bills: one penitip's lines in one trip and
//! their money. Each handler: parse → service → view.

use serde_json::json;
use worker::{Request, Response};

use super::views::{Bill, BillBuyer, Payment};
use crate::ctx::Ctx;
use crate::domain::payment::PaymentStatus;
use crate::error::{ApiError, ApiResult};
use crate::input::Input;
use crate::platform::limits::Limit;
use crate::service::bills::{self, BillAccess, BillView, CancelForm, ShipForm};
use crate::service::orders::PROOF_LIMIT;
use crate::service::payments::{self, Claim, ConfirmForm, RejectForm};
use crate::service::{recap, trips};
use crate::web::auth::{limit_address, link_token, require_user};
use crate::web::query::{params, Paging};
use crate::web::{body, respond, upload};

/// The bill token of `?token=` or `X-Bill-Token`, else the signed-in owner.
fn bill_access(ctx: &Ctx, req: &Request) -> ApiResult<BillAccess> {
    match link_token(req, "x-bill-token") {
        Some(t) => Ok(BillAccess::Token(t)),
        None => require_user(ctx, req).map(BillAccess::Owner),
    }
}

/// `GET /api/bills/:id` (the bill's token, or its owner).
pub async fn get(ctx: &Ctx, req: &Request, id: &str) -> ApiResult<Response> {
    let v = bills::visible(ctx, id, &bill_access(ctx, req)?).await?;
    respond::json(200, &json!({ "bill": bill_json(&v) }))
}

/// `GET /api/trips/:tripId/bills` (owner, paged, newest first).
pub async fn list_for_trip(ctx: &Ctx, req: &Request, trip_id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let paging = Paging::from(&params(req))?;
    let trip = trips::owned(ctx, &me, trip_id).await?;
    let page = bills::of_trip(ctx, &trip, paging.after.as_ref(), paging.limit).await?;
    let views: Vec<Bill<'_>> = page
        .bills
        .iter()
        .map(|b| {
            let buyer = BillBuyer { id: &b.participant_id, name: page.buyer_name(b) };
            Bill::new(b, buyer, page.lines_of(b), page.payments_of(b))
        })
        .collect();
    let next = paging.next(&page.bills, |b| (b.created_at.clone(), b.id.clone()));
    respond::json(200, &json!({ "bills": views, "nextCursor": next }))
}

/// `POST /api/bills/:id/cancel` `{ reason }` (owner): releases its stock.
pub async fn cancel(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let form = CancelForm::parse(body::json(req).await?)?;
    let bill = bills::cancel(ctx, &me, id, form).await?;
    let v = bills::visible(ctx, &bill.id, &BillAccess::Owner(me)).await?;
    respond::json(200, &json!({ "bill": bill_json(&v) }))
}

fn bill_json(v: &BillView) -> serde_json::Value {
    let buyer = BillBuyer { id: &v.bill.participant_id, name: v.buyer.as_ref().map_or("", |p| p.name.as_str()) };
    json!(Bill::new(&v.bill, buyer, v.lines.iter(), v.payments.iter()))
}

/// `POST /api/bills/:id/payments` (the bill's token, or its owner): multipart
/// `image` (the transfer proof) and `amount` (what she sent); 201, pending.
pub async fn pay(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let v = bills::visible(ctx, id, &bill_access(ctx, req)?).await?;
    payments::check_takes_payment(&v.bill)?;
    limit_address(ctx, req, Limit::Public, "proof").await?;
    let form = upload::form(req, PROOF_LIMIT, &["image", "amount"]).await?;
    let claim = Claim::parse(Input::from_map(upload::text_fields(&form, &["amount"], &["amount"])))?;
    let image = upload::image_field(&form, "image", PROOF_LIMIT)
        .await?
        .ok_or_else(|| ApiError::field("image", "is required"))?;
    let payment = payments::create(ctx, &v.bill, claim, image).await?;
    let after = bills::visible(ctx, id, &bill_access(ctx, req)?).await?;
    respond::json(201, &json!({ "payment": Payment::from(&payment), "bill": bill_json(&after) }))
}

/// `GET /api/trips/:tripId/payments?status=pending&limit=` (owner): oldest first.
pub async fn list_for_trip_payments(ctx: &Ctx, req: &Request, trip_id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let q = params(req);
    let status = match q.get("status").map(String::as_str) {
        None | Some("") => None,
        Some(s) => Some(
            PaymentStatus::parse(s)
                .ok_or_else(|| ApiError::field("status", "must be pending, confirmed or rejected"))?,
        ),
    };
    let limit = match q.get("limit") {
        None => 100,
        Some(l) => l
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| ApiError::field("limit", "must be a whole number from 1 to 100"))?,
    };
    let rows = payments::of_trip(ctx, &me, trip_id, status, limit).await?;
    let list: Vec<Payment<'_>> = rows.iter().map(Payment::from).collect();
    respond::json(200, &json!({ "payments": list }))
}

/// `POST /api/payments/:id/confirm` `{ amount? }` (owner): the amount received.
pub async fn confirm_payment(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let p = payments::owned(ctx, &me, id).await?;
    let form = ConfirmForm::parse(body::json(req).await?)?;
    let (payment, _) = payments::confirm(ctx, &p, form).await?;
    decided(ctx, me, &payment).await
}

/// `POST /api/payments/:id/reject` `{ reason }` (owner).
pub async fn reject_payment(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let p = payments::owned(ctx, &me, id).await?;
    let form = RejectForm::parse(body::json(req).await?)?;
    let (payment, _) = payments::reject(ctx, &p, form).await?;
    decided(ctx, me, &payment).await
}

/// `POST /api/payments/:id/undo` (owner): a recent rejection taken back.
pub async fn undo_payment(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let p = payments::owned(ctx, &me, id).await?;
    let mut input = body::json(req).await?;
    input.only(&[]);
    input.finish()?;
    let payment = payments::undo_reject(ctx, &p).await?;
    decided(ctx, me, &payment).await
}

/// `GET /api/payments/:id/proof` (owner): the transfer proof.
pub async fn payment_proof(ctx: &Ctx, req: &Request, id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let payment = payments::owned(ctx, &me, id).await?;
    let key = payment.proof_key.ok_or_else(|| ApiError::not_found("Proof"))?;
    super::media::object(ctx, &key, "private, no-store").await
}

async fn decided(
    ctx: &Ctx,
    me: crate::domain::user::AuthUser,
    payment: &crate::store::payments::PaymentRow,
) -> ApiResult<Response> {
    let v = bills::visible(ctx, &payment.bill_id, &BillAccess::Owner(me)).await?;
    respond::json(200, &json!({ "payment": Payment::from(payment), "bill": bill_json(&v) }))
}

/// `PATCH /api/bills/:id` `{ shippingCost?, address?, pickup? }` (the owner),
/// `{ address?, pickup? }` (the bill's token).
pub async fn update(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let access = bill_access(ctx, req)?;
    let v = bills::visible(ctx, id, &access).await?;
    let change = bills::parse_shipping(body::json(req).await?, matches!(access, BillAccess::Owner(_)))?;
    let v = bills::set_shipping(ctx, v, &access, change).await?;
    respond::json(200, &json!({ "bill": bill_json(&v) }))
}

/// `POST /api/bills/:id/ship` `{ courier, trackingNumber }` (owner): a lunas bill on its way.
pub async fn ship(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let bill = bills::owned(ctx, &me, id).await?;
    let form = ShipForm::parse(body::json(req).await?)?;
    let bill = bills::ship(ctx, &me, &bill, form).await?;
    let v = bills::visible(ctx, &bill.id, &BillAccess::Owner(me)).await?;
    respond::json(200, &json!({ "bill": bill_json(&v) }))
}

/// `GET /api/trips/:id/bills.csv` (owner): one row per bill line.
pub async fn csv_for_trip(ctx: &Ctx, req: &Request, trip_id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let (trip, _, rows) = recap::owned(ctx, &me, trip_id).await?;
    respond::csv(recap::bills_csv(&rows), &format!("rekap-{}.csv", trip.slug))
}

/// `GET /api/trips/:id/shopping-list` (or `.csv`, `csv`) (owner).
pub async fn shopping_list(ctx: &Ctx, req: &Request, trip_id: &str, csv: bool) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let (trip, _, rows) = recap::owned(ctx, &me, trip_id).await?;
    let list = recap::shopping_list(&rows);
    if csv {
        return respond::csv(recap::shopping_csv(&list), &format!("belanja-{}.csv", trip.slug));
    }
    let items: Vec<serde_json::Value> = list
        .iter()
        .map(|t| {
            let buyers: Vec<serde_json::Value> = t
                .lines
                .iter()
                .map(|l| {
                    json!({ "orderId": l.order_id, "billId": l.bill_id, "name": l.buyer_name, "quantity": l.quantity,
                            "notes": l.notes, "paid": l.line_status == crate::domain::order::OrderStatus::Confirmed })
                })
                .collect();
            json!({ "productId": t.product_id, "title": t.title, "units": t.units, "buyers": buyers })
        })
        .collect();
    respond::json(200, &json!({ "items": items }))
}
