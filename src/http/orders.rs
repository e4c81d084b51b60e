//! Orders (spec §5 Order Management, DESIGN.md points 4–6).

use serde_json::json;
use worker::{Request, Response};

use super::app::App;
use super::auth::{require_user, AuthUser};
use super::query::{params, Paging};
use super::trips::owned_or_404;
use super::{body, media, respond, views};
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::ids::{new_id, new_secret};
use crate::domain::image::PROOF_MAX;
use crate::domain::input::{Input, Patch};
use crate::domain::order::{total_price, Action, Status, MAX_QUANTITY};
use crate::domain::token::{check_order_link_token, hash_secret};
use crate::domain::{phone, text};
use crate::notify;
use crate::store::orders::{self, Buyer, NewOrder, OrderRow};
use crate::store::{participants, products, trips};

fn optional_user(app: &App, req: &Request) -> ApiResult<Option<AuthUser>> {
    match req.headers().get("authorization").ok().flatten() {
        Some(_) => require_user(app, req).map(Some),
        None => Ok(None),
    }
}

/// `POST /api/orders`: the public form `{ productId | productSlug, phone, name,
/// quantity, notes? }`, or the trip's owner with `{ productId, participantId, quantity, notes? }`.
pub async fn create(app: &App, req: &mut Request) -> ApiResult<Response> {
    let caller = optional_user(app, req)?;
    let input = body::json(req).await?;
    let (order, access_token) = place(app, caller.as_ref(), input).await?;
    let mut body = views::order(&order);
    body["accessToken"] = access_token.clone().into();
    body["statusUrl"] = format!("{}/order/{}?token={}", app.config.public_base_url, order.id, access_token).into();
    respond::json(201, &json!({ "order": body }))
}

/// Validates an order form and places it: the order and its access token
/// (shown once). Shared by the API and the order page's form.
pub async fn place(app: &App, caller: Option<&AuthUser>, mut input: Input) -> ApiResult<(OrderRow, String)> {
    input.only(&["productId", "productSlug", "participantId", "phone", "name", "quantity", "notes"]);
    let product_key = match (input.optional_str("productId"), input.optional_str("productSlug")) {
        (Some(id), None) => Some(id),
        (None, Some(slug)) => Some(slug),
        (Some(_), Some(_)) => {
            input.error("productId", "send productId or productSlug, not both");
            None
        }
        (None, None) => {
            input.error("productId", "is required (or productSlug)");
            None
        }
    };
    let participant_id = input.optional_str("participantId");
    let (phone, name) = if participant_id.is_some() {
        if caller.is_none() {
            input.error("participantId", "only the trip's owner may order for a participant; send phone and name");
        }
        for key in ["phone", "name"] {
            if input.optional_str(key).is_some() {
                input.error(key, "send either participantId or phone and name");
            }
        }
        (None, None)
    } else {
        let phone = input.required_with("phone", phone::normalize_phone);
        let name = input.required_with("name", |s| text::clean(s, 1, 100, false));
        (phone, name)
    };
    let quantity = match input.patch_int("quantity", 1, MAX_QUANTITY) {
        Patch::Set(q) => Some(q),
        Patch::Absent | Patch::Null => {
            input.error("quantity", "is required");
            None
        }
    };
    let notes = input.optional_str("notes").filter(|s| !s.trim().is_empty());
    let notes = notes.and_then(|s| input.check("notes", text::clean(&s, 1, 500, true)));
    input.finish()?;
    let (Some(product_key), Some(quantity)) = (product_key, quantity) else {
        return Err(ApiError::internal("validated fields missing"));
    };

    let product =
        products::by_id_or_slug(&app.db, &product_key).await?.ok_or_else(|| ApiError::not_found("Product"))?;
    let trip = trips::by_id_or_slug(&app.db, &product.trip_id).await?.ok_or_else(|| ApiError::not_found("Product"))?;
    let is_owner = caller.is_some_and(|c| c.id == trip.jastiper_id);
    if trip.is_active != 1 && !is_owner {
        return Err(ApiError::not_found("Product"));
    }
    match product.status.as_str() {
        "active" => {}
        "sold_out" => return Err(ApiError::conflict("out_of_stock", "This product is sold out")),
        _ => return Err(ApiError::conflict("product_unavailable", "This product is no longer available")),
    }
    if product.stock < quantity {
        return Err(ApiError::conflict("out_of_stock", format!("Only {} left in stock", product.stock)));
    }
    if total_price(product.price, quantity).is_none() {
        return Err(ApiError::field("quantity", "makes the total too large"));
    }

    let (participant_new_id, access_token, order_id) = (new_id(), new_secret(), new_id());
    let existing = match (&participant_id, caller) {
        // Only a signed-in caller gets here; the participant must be theirs and in this product's trip.
        (Some(pid), Some(owner)) => {
            let p = participants::owned(&app.db, pid, &owner.id).await?.filter(|p| p.trip_id == trip.id);
            Some(p.ok_or_else(|| ApiError::not_found("Participant"))?)
        }
        _ => None,
    };
    let buyer = match &existing {
        Some(p) => Buyer::Existing(&p.id),
        None => Buyer::ByPhone {
            new_id: &participant_new_id,
            phone: phone.as_deref().unwrap_or_default(),
            name: name.as_deref().unwrap_or_default(),
        },
    };
    orders::place(
        &app.db,
        &NewOrder {
            id: &order_id,
            trip_id: &trip.id,
            product_id: &product.id,
            quantity,
            notes: notes.as_deref(),
            access_token_hash: &hash_secret(&access_token),
            now: &app.now_iso(),
        },
        &buyer,
    )
    .await?;
    let order = orders::by_id(&app.db, &order_id).await?.ok_or_else(|| ApiError::internal("order vanished"))?;
    Ok((order, access_token))
}

/// `GET /api/orders/:tripId`: the owner's orders of a trip with product and participant.
pub async fn list_for_trip(app: &App, req: &Request, trip_id: &str) -> ApiResult<Response> {
    let me = require_user(app, req)?;
    let trip = owned_or_404(app, trip_id, &me.id).await?;
    let paging = Paging::from(&params(req))?;
    let rows = orders::page_detailed(&app.db, &trip.id, paging.after.as_ref(), paging.limit).await?;
    let list: Vec<_> = rows
        .iter()
        .map(|d| {
            let mut v = views::order(&d.order);
            v["product"] = json!({ "id": d.order.product_id, "slug": d.product_slug, "title": d.product_title, "image": d.product_image });
            v["participant"] = json!({ "id": d.order.participant_id, "name": d.participant_name, "phone": d.participant_phone });
            v
        })
        .collect();
    let next = paging.next(&rows, |d| (d.order.created_at.clone(), d.order.id.clone()));
    respond::json(200, &json!({ "orders": list, "nextCursor": next }))
}

/// `PATCH /api/orders/:id/{confirm|reject|ship}`: only the allowed transitions; 409 otherwise.
pub async fn transition(app: &App, req: &mut Request, id: &str, action: Action) -> ApiResult<Response> {
    let me = require_user(app, req)?;
    let order = orders::owned(&app.db, id, &me.id).await?.ok_or_else(|| ApiError::not_found("Order"))?;
    let mut input = body::json(req).await?;
    let reason = if action == Action::Reject {
        input.only(&["reason"]);
        let r = input.optional_str("reason").filter(|s| !s.trim().is_empty());
        r.and_then(|s| input.check("reason", text::clean(&s, 1, 500, true)))
    } else {
        input.only(&[]);
        None
    };
    input.finish()?;
    let current = Status::parse(&order.status).ok_or_else(|| ApiError::internal("unknown order status"))?;
    let next = action.apply(current).map_err(|m| ApiError::conflict("invalid_transition", m))?;
    let moved =
        orders::transition(&app.db, &order, current.as_str(), next.as_str(), reason.as_deref(), &app.now_iso()).await?;
    if !moved {
        return Err(ApiError::conflict("invalid_transition", "The order changed meanwhile: reload it"));
    }
    let order = orders::owned(&app.db, id, &me.id).await?.ok_or_else(|| ApiError::not_found("Order"))?;
    notify::order_status_changed(app, &order).await?;
    respond::json(200, &json!({ "order": views::order(&order) }))
}

/// The order a request may see: by its access token (`?token=` or
/// `X-Order-Token`) or as the trip's owner; anything else is 404.
pub async fn order_for(app: &App, req: &Request, id: &str) -> ApiResult<OrderRow> {
    let not_found = || ApiError::not_found("Order");
    let token = params(req)
        .get("token")
        .cloned()
        .or_else(|| req.headers().get("x-order-token").ok().flatten())
        .filter(|t| !t.is_empty());
    match token {
        // A link from a WhatsApp message carries a signed token instead.
        Some(t) if t.starts_with("l.") => {
            if !check_order_link_token(app.config.jwt_key()?, id, &t) {
                return Err(not_found());
            }
            orders::by_id(&app.db, id).await?.ok_or_else(not_found)
        }
        Some(t) => orders::by_token(&app.db, id, &hash_secret(&t)).await?.ok_or_else(not_found),
        None => {
            let me = require_user(app, req)?;
            orders::owned(&app.db, id, &me.id).await?.ok_or_else(not_found)
        }
    }
}

/// `GET /api/orders/:id/status?token=`: the penitip's view of their order.
pub async fn status(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    let order = order_for(app, req, id).await?;
    let product = products::by_id_or_slug(&app.db, &order.product_id).await?;
    let trip = trips::by_id_or_slug(&app.db, &order.trip_id).await?;
    let mut body = views::order(&order);
    body["product"] =
        product.map(|p| json!({ "slug": p.slug, "title": p.title, "image": p.image })).unwrap_or_default();
    body["trip"] = trip.map(|t| json!({ "slug": t.slug, "title": t.title })).unwrap_or_default();
    respond::json(200, &json!({ "order": body }))
}

/// `POST /api/orders/:id/proof` (multipart `image`): order token or owner.
pub async fn upload_proof(app: &App, req: &mut Request, id: &str) -> ApiResult<Response> {
    let order = order_for(app, req, id).await?;
    let order = store_proof(app, req, order).await?;
    respond::json(200, &json!({ "order": views::order(&order) }))
}

/// Stores the proof image of `req` for `order` and tells the jastiper.
pub async fn store_proof(app: &App, req: &mut Request, order: OrderRow) -> ApiResult<OrderRow> {
    if !matches!(order.status.as_str(), "pending" | "confirmed") {
        return Err(ApiError::conflict(
            "invalid_transition",
            format!("A {} order takes no payment proof", order.status),
        ));
    }
    let (bytes, kind) = media::required_image(req, PROOF_MAX).await?;
    let key = media::new_key(&format!("orders/{}", order.id), kind);
    media::put(app, &key, bytes, kind).await?;
    orders::set_proof(&app.db, &order.id, &key, &app.now_iso()).await?;
    if let Some(old) = &order.proof_key {
        media::delete_quietly(app, std::slice::from_ref(old)).await;
    }
    let order = orders::by_id(&app.db, &order.id).await?.ok_or_else(|| ApiError::not_found("Order"))?;
    notify::proof_uploaded(app, &order).await?;
    Ok(order)
}

/// `GET /api/orders/:id/proof`: the private proof, for the order's token holder or owner.
pub async fn proof(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    let order = order_for(app, req, id).await?;
    let key = order.proof_key.ok_or_else(|| ApiError::not_found("Proof"))?;
    media::respond_object(app, &key, "private, no-store").await
}
