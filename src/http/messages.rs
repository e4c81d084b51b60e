//! The jastiper's side of WhatsApp: broadcasts, their cost, and the outbox.

use serde_json::{json, Map};
use worker::{Request, Response};

use super::views::OutboxMessage;
use crate::ctx::Ctx;
use crate::domain::cost::{Category, Send};
use crate::domain::outbox::OutboxStatus;
use crate::error::{ApiError, ApiResult};
use crate::service::messages::{self, broadcast_template, BroadcastForm};
use crate::service::trips;
use crate::web::auth::require_user;
use crate::web::query::{params, Paging};
use crate::web::{body, respond};

/// `POST /api/trips/:tripId/broadcast` `{ message }` or `{ template }`.
pub async fn broadcast(ctx: &Ctx, req: &mut Request, trip_id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let trip = trips::owned(ctx, &me, trip_id).await?;
    let form = BroadcastForm::parse(body::json(req).await?, &ctx.config.wa.broadcast_templates)?;
    let (broadcast_id, queued) = messages::broadcast(ctx, &trip, form).await?;
    respond::json(202, &json!({ "broadcastId": broadcast_id, "queued": queued }))
}

/// `GET /api/trips/:tripId/broadcast/estimate?template=&category=`.
pub async fn estimate_cost(ctx: &Ctx, req: &Request, trip_id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let trip = trips::owned(ctx, &me, trip_id).await?;
    let q = params(req);
    if let Some(t) = q.get("template") {
        // Any template this service sends (the estimate prices a category, not a name).
        broadcast_template(t, &ctx.config.wa.known_templates()).map_err(|e| ApiError::field("template", e))?;
    }
    let template = q.get("template").filter(|t| !t.is_empty());
    let send = match (q.get("category").map(String::as_str), template) {
        (None | Some(""), None) => messages::text_broadcast(ctx),
        (None | Some(""), Some(t)) => Send::Template(ctx.config.wa.template_category(t)),
        (Some(c), _) => match Category::parse(c) {
            Some(c) if c != Category::Service => Send::Template(c),
            _ => return Err(ApiError::field("category", "must be marketing, utility or authentication")),
        },
    };
    let e = messages::estimate_cost(ctx, &trip, send).await?;
    let category = match send {
        Send::Template(c) => c.as_str(),
        Send::Text { .. } => "message",
    };
    let parts: Vec<_> = e
        .parts
        .iter()
        .map(|p| {
            json!({
                "category": p.category.as_str(),
                "count": p.count,
                "costPerMessage": p.each(),
                "costPerMessageMilliIDR": p.each_milli,
            })
        })
        .collect();
    respond::json(
        200,
        &json!({
            "participantCount": e.participant_count,
            "costPerMessage": e.cost_per_message(),
            "totalCostIDR": e.total_cost(),
            "recommendation": e.recommendation,
            "category": category,
            "template": template,
            "inWindowCount": e.in_window,
            "freeCount": e.free_count,
            "billableCount": e.billable_count,
            "parts": parts,
            "costPerMessageValue": e.cost_per_message_idr(),
            "totalCostValue": e.total_cost_idr,
        }),
    )
}

/// `GET /api/trips/:tripId/messages?status=`: counts per status and one page of messages.
pub async fn list(ctx: &Ctx, req: &Request, trip_id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let trip = trips::owned(ctx, &me, trip_id).await?;
    let q = params(req);
    let status =
        match q.get("status").filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(OutboxStatus::parse(s).ok_or_else(|| {
                ApiError::field("status", "must be queued, sent, delivered, read, failed or simulated")
            })?),
        };
    let paging = Paging::from(&q)?;
    let (counts, rows) = messages::outbox_page(ctx, &trip, status, paging.after.as_ref(), paging.limit).await?;
    let counts: Map<_, _> = counts.into_iter().map(|(s, n)| (s.as_str().to_string(), n.into())).collect();
    let next = paging.next(&rows, |m| (m.created_at.clone(), m.id.clone()));
    respond::json(
        200,
        &json!({ "counts": counts, "messages": rows.iter().map(|r| OutboxMessage::priced(ctx, r)).collect::<Vec<_>>(), "nextCursor": next }),
    )
}

/// `POST /api/messages/:id/resend`: a failed message back into its queue.
pub async fn resend(ctx: &Ctx, req: &Request, id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let row = messages::resend(ctx, &me, id).await?;
    respond::json(200, &json!({ "message": OutboxMessage::priced(ctx, &row) }))
}
