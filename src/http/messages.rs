//! The jastiper's side of WhatsApp: broadcasts, their cost, and the outbox
//! (counts per status, failures with Meta's error, re-send).

use chrono::SecondsFormat;
use serde_json::{json, Value};
use worker::{Request, Response};

use super::app::App;
use super::auth::require_user;
use super::query::{params, Paging};
use super::trips::owned_or_404;
use super::{body, respond};
use crate::domain::cost::{estimate, Category};
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::ids::new_id;
use crate::domain::messages;
use crate::domain::text;
use crate::domain::whatsapp::WINDOW;
use crate::store::outbox::{self, OutboxRow};
use crate::store::participants;
use crate::whatsapp::outbox::{enqueue, fan_out, Draft};
use crate::whatsapp::Queue;

const STATUSES: &[&str] = &["queued", "sent", "delivered", "read", "failed", "simulated"];

fn template_name(raw: &str) -> Result<String, String> {
    let ok = (1..=512).contains(&raw.len())
        && raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(raw.to_string())
    } else {
        Err("must be an approved template name (a-z, 0-9, _)".into())
    }
}

/// `POST /api/trips/:tripId/broadcast` `{ message }` or `{ template }`: one
/// outbox row per subscribed participant; answers how many were queued.
pub async fn broadcast(app: &App, req: &mut Request, trip_id: &str) -> ApiResult<Response> {
    let me = require_user(app, req)?;
    let trip = owned_or_404(app, trip_id, &me.id).await?;
    let mut input = body::json(req).await?;
    input.only(&["message", "template"]);
    let message = input.optional_str("message").and_then(|m| input.check("message", text::clean(&m, 1, 1000, true)));
    let template = input.optional_str("template").and_then(|t| input.check("template", template_name(&t)));
    if !input.has_errors() {
        match (&message, &template) {
            (Some(_), Some(_)) => input.error("message", "send a message or a template, not both"),
            (None, None) => input.error("message", "is required (or template)"),
            _ => {}
        }
    }
    input.finish()?;
    let broadcast_id = new_id();
    let (msg, template) = match (message, template) {
        // Free-form inside each penitip's window; the broadcast template outside it.
        (Some(m), _) => (messages::broadcast(&m), app.config.wa.template_broadcast.clone()),
        (None, Some(t)) => (messages::Message { body: String::new(), params: vec![] }, t),
        (None, None) => return Err(ApiError::internal("validated fields missing")),
    };
    let draft = Draft { kind: "broadcast", queue: Queue::Broadcast, message: msg, template: Some(&template) };
    let queued = fan_out(app, &trip.id, &format!("broadcast:{broadcast_id}"), &draft).await?;
    respond::json(202, &json!({ "broadcastId": broadcast_id, "queued": queued }))
}

/// `GET /api/trips/:tripId/broadcast/estimate?template=&category=` (spec §12).
pub async fn estimate_cost(app: &App, req: &Request, trip_id: &str) -> ApiResult<Response> {
    let me = require_user(app, req)?;
    let trip = owned_or_404(app, trip_id, &me.id).await?;
    let q = params(req);
    if let Some(t) = q.get("template") {
        template_name(t).map_err(|e| ApiError::field("template", e))?;
    }
    let category = match q.get("category").map(String::as_str) {
        None | Some("") => Category::Marketing,
        Some(c) => Category::parse(c).ok_or_else(|| ApiError::field("category", "must be marketing or utility"))?,
    };
    let since = (app.now - WINDOW).to_rfc3339_opts(SecondsFormat::Millis, true);
    let (total, recent) = participants::audience(&app.db, &trip.id, &since).await?;
    let e = estimate(total, recent, category, app.config.wa.rates);
    respond::json(
        200,
        &json!({
            "participantCount": e.participant_count,
            "costPerMessage": e.cost_per_message(),
            "totalCostIDR": e.total_cost(),
            "recommendation": e.recommendation,
            "category": category.as_str(),
            "template": q.get("template"),
            "freeCount": e.free_count,
            "billableCount": e.billable_count,
            "costPerMessageValue": e.cost_per_message_idr,
            "totalCostValue": e.total_cost_idr,
        }),
    )
}

fn view(m: &OutboxRow) -> Value {
    json!({
        "id": m.id,
        "kind": m.kind,
        "queue": m.queue,
        "recipient": m.recipient,
        "participantId": m.participant_id,
        "status": m.status,
        "attempts": m.attempts,
        "error": m.last_error,
        "wamid": m.wamid,
        "billable": m.billable.map(|b| b != 0),
        "pricingCategory": m.pricing_category,
        "sentAt": m.sent_at,
        "createdAt": m.created_at,
        "updatedAt": m.updated_at,
    })
}

/// `GET /api/trips/:tripId/messages?status=`: counts per status and one page of messages.
pub async fn list(app: &App, req: &Request, trip_id: &str) -> ApiResult<Response> {
    let me = require_user(app, req)?;
    let trip = owned_or_404(app, trip_id, &me.id).await?;
    let q = params(req);
    let status = q.get("status").filter(|s| !s.is_empty()).map(String::as_str);
    if status.is_some_and(|s| !STATUSES.contains(&s)) {
        return Err(ApiError::field("status", "must be queued, sent, delivered, read, failed or simulated"));
    }
    let paging = Paging::from(&q)?;
    let rows = outbox::page(&app.db, &trip.id, status, paging.after.as_ref(), paging.limit).await?;
    let mut counts = serde_json::Map::new();
    for s in STATUSES {
        counts.insert((*s).into(), 0.into());
    }
    for c in outbox::counts(&app.db, &trip.id).await? {
        counts.insert(c.status, c.n.into());
    }
    let next = paging.next(&rows, |m| (m.created_at.clone(), m.id.clone()));
    respond::json(
        200,
        &json!({ "counts": counts, "messages": rows.iter().map(view).collect::<Vec<_>>(), "nextCursor": next }),
    )
}

/// `POST /api/messages/:id/resend`: a failed message back into its queue.
pub async fn resend(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    let me = require_user(app, req)?;
    let row = outbox::owned(&app.db, id, &me.id).await?.ok_or_else(|| ApiError::not_found("Message"))?;
    if !outbox::requeue_failed(&app.db, &row.id, &app.now_iso()).await? {
        return Err(ApiError::conflict(
            "not_failed",
            format!("Only failed messages can be re-sent; this one is {}", row.status),
        ));
    }
    let queue = Queue::from_name(&row.queue).ok_or_else(|| ApiError::internal("outbox row of an unknown queue"))?;
    enqueue(app, queue, std::slice::from_ref(&row.id)).await?;
    let row = outbox::owned(&app.db, id, &me.id).await?.ok_or_else(|| ApiError::not_found("Message"))?;
    respond::json(200, &json!({ "message": view(&row) }))
}
