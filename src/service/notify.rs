//! The events that tell people something on WhatsApp. Every use case that
//! should tell somebody calls one function here; each writes outbox rows
//! (idempotency keys below) and queues them.

use serde_json::json;

use super::outbox::{fan_out, send_one, Draft};
use crate::ctx::Ctx;
use crate::domain::messages::{self, OrderInfo};
use crate::domain::product::ProductStatus;
use crate::domain::token::{order_link_token, unsubscribe_token};
use crate::error::ApiResult;
use crate::platform::queues::Queue;
use crate::store::orders::{self, OrderRow};
use crate::store::outbox::To;
use crate::store::participants::{self, ParticipantRow};
use crate::store::products::{self, ProductRow};
use crate::store::trips::{self, TripRow};
use crate::store::users;

fn event(ctx: &Ctx, name: &str, detail: serde_json::Value) {
    worker::console_log!(
        "{}",
        json!({"level": "info", "msg": "event", "event": name, "requestId": ctx.request_id, "detail": detail})
    );
}

/// The order's page, with a signed link token (the access token is stored hashed).
pub fn order_link(ctx: &Ctx, order_id: &str) -> ApiResult<String> {
    let token = order_link_token(ctx.config.jwt_key()?, order_id);
    Ok(format!("{}/order/{order_id}?token={token}", ctx.config.public_base_url))
}

/// What an order message names: the product's title and the order's page.
async fn title_and_link(ctx: &Ctx, order: &OrderRow) -> ApiResult<(String, String)> {
    let product = products::by_id_or_slug(&ctx.db, &order.product_id).await?;
    Ok((product.map_or_else(|| "pesanan".into(), |p| p.title), order_link(ctx, &order.id)?))
}

/// A product was added to an open trip: every subscribed participant hears
/// of it once (`product_new:{productId}:{participantId}`).
pub async fn product_created(ctx: &Ctx, trip: &TripRow, product: &ProductRow) -> ApiResult<()> {
    if !trip.is_active || product.status != ProductStatus::Active {
        return Ok(());
    }
    let link = format!("{}/o/{}", ctx.config.public_base_url, product.slug);
    let draft = Draft {
        kind: "product_new",
        queue: Queue::Notifications,
        message: messages::product_new(&product.title, product.price, &link),
        template: Some(&ctx.config.wa.template_product),
    };
    let queued = fan_out(ctx, &trip.id, &format!("product_new:{}", product.id), &draft).await?;
    event(ctx, "product_created", json!({"tripId": trip.id, "productId": product.id, "queued": queued}));
    Ok(())
}

/// A phone confirmed a web join or order with its code: a welcome, once
/// (`welcome:{participantId}`), and a receipt for each of its pending orders
/// (`receipt:{orderId}`). Answers whether anything new was queued. (A JOIN
/// on WhatsApp is answered by the inbound consumer instead.)
pub async fn participant_confirmed(ctx: &Ctx, trip: &TripRow, p: &ParticipantRow) -> ApiResult<bool> {
    let base = &ctx.config.public_base_url;
    let link = format!("{base}/t/{}", trip.slug);
    let stop = format!("{base}/u/{}?p={}&t={}", trip.slug, p.id, unsubscribe_token(ctx.config.jwt_key()?, &p.id));
    let key = format!("welcome:{}", p.id);
    let to = To { key: &key, recipient: p.phone.as_str(), trip_id: Some(&trip.id), participant_id: Some(&p.id) };
    let draft = Draft {
        kind: "welcome",
        queue: Queue::Notifications,
        message: messages::welcome(&p.name, &trip.title, &link, &stop),
        template: Some(&ctx.config.wa.template_welcome),
    };
    let mut queued = send_one(ctx, &to, &draft).await?;
    for (order, title) in orders::pending_of_participant(&ctx.db, &p.id).await? {
        queued |= receipt(ctx, &order, &title, p).await?;
    }
    event(ctx, "participant_confirmed", json!({"tripId": trip.id, "participantId": p.id, "queued": queued}));
    Ok(queued)
}

/// The receipt of a pending order, once (`receipt:{orderId}`).
async fn receipt(ctx: &Ctx, order: &OrderRow, title: &str, p: &ParticipantRow) -> ApiResult<bool> {
    let link = order_link(ctx, &order.id)?;
    let info = OrderInfo { product: title, quantity: order.quantity, total: order.total_price, link: &link };
    let key = format!("receipt:{}", order.id);
    let to = To { key: &key, recipient: p.phone.as_str(), trip_id: Some(&order.trip_id), participant_id: Some(&p.id) };
    let draft = Draft {
        kind: "order_receipt",
        queue: Queue::Confirmation,
        message: messages::order_receipt(&info),
        template: Some(&ctx.config.wa.template_order),
    };
    send_one(ctx, &to, &draft).await
}

/// An order was placed: its receipt goes now when the buyer's phone has
/// confirmed this trip, else when it does (`participant_confirmed`).
pub async fn order_placed(ctx: &Ctx, order: &OrderRow, p: &ParticipantRow) -> ApiResult<()> {
    if p.confirmed_at.is_none() {
        event(ctx, "order_placed", json!({"orderId": order.id, "receipt": "after confirmation"}));
        return Ok(());
    }
    let (title, _) = title_and_link(ctx, order).await?;
    receipt(ctx, order, &title, p).await?;
    event(ctx, "order_placed", json!({"orderId": order.id, "receipt": "queued"}));
    Ok(())
}

/// An order was confirmed, rejected or shipped: its penitip is told once per
/// status (`order_{status}:{orderId}`).
pub async fn order_status_changed(ctx: &Ctx, order: &OrderRow) -> ApiResult<()> {
    let Some(p) = participants::by_id(&ctx.db, &order.participant_id).await? else {
        return Ok(());
    };
    let (title, link) = title_and_link(ctx, order).await?;
    let info = OrderInfo { product: &title, quantity: order.quantity, total: order.total_price, link: &link };
    let kind = format!("order_{}", order.status);
    let key = format!("{kind}:{}", order.id);
    let to = To { key: &key, recipient: p.phone.as_str(), trip_id: Some(&order.trip_id), participant_id: Some(&p.id) };
    let draft = Draft {
        kind: &kind,
        queue: Queue::Confirmation,
        message: messages::order_update(order.status, &info, order.reject_reason.as_deref()),
        template: Some(&ctx.config.wa.template_order),
    };
    send_one(ctx, &to, &draft).await?;
    event(ctx, "order_status_changed", json!({"orderId": order.id, "status": order.status}));
    Ok(())
}

/// A penitip uploaded a payment proof: the jastiper is told on their own
/// WhatsApp number, once she connected it from the dashboard, with a link to
/// the order in her dashboard (`proof:{orderId}:{proofKey}`),
/// at most once per order in ten minutes however often a proof is replaced.
pub async fn proof_uploaded(ctx: &Ctx, order: &OrderRow) -> ApiResult<()> {
    let since = (ctx.now - chrono::Duration::minutes(10)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    if !orders::claim_proof_notice(&ctx.db, &order.id, &since, &ctx.now_iso()).await? {
        event(ctx, "proof_uploaded", json!({"orderId": order.id, "notified": false, "why": "told within 10 minutes"}));
        return Ok(());
    }
    let Some(trip) = trips::by_id_or_slug(&ctx.db, &order.trip_id).await? else {
        return Ok(());
    };
    let owner = users::by_id(&ctx.db, &trip.jastiper_id).await?;
    let Some(phone) = owner.filter(|u| u.phone_connected_at.is_some()).and_then(|u| u.phone) else {
        event(
            ctx,
            "proof_uploaded",
            json!({"orderId": order.id, "notified": false, "why": "the jastiper has not connected WhatsApp"}),
        );
        return Ok(());
    };
    let penitip = participants::by_id(&ctx.db, &order.participant_id).await?.map(|p| p.name).unwrap_or_default();
    let (title, _) = title_and_link(ctx, order).await?;
    // The jastiper confirms in her dashboard, not on the buyer's page.
    let link = format!("{}/dashboard/orders/{}", ctx.config.public_base_url, order.id);
    let info = OrderInfo { product: &title, quantity: order.quantity, total: order.total_price, link: &link };
    let key = format!("proof:{}:{}", order.id, order.proof_key.as_deref().unwrap_or_default());
    let to = To { key: &key, recipient: phone.as_str(), trip_id: Some(&trip.id), participant_id: None };
    let draft = Draft {
        kind: "proof_uploaded",
        queue: Queue::ProofNotify,
        message: messages::proof_uploaded(&penitip, &info),
        template: Some(&ctx.config.wa.template_proof),
    };
    send_one(ctx, &to, &draft).await?;
    event(ctx, "proof_uploaded", json!({"orderId": order.id, "notified": true}));
    Ok(())
}
