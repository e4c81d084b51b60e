//! The jastiper's side of WhatsApp: broadcasts, their cost, and the outbox.

use serde_json::{json, Map};
use worker::{Request, Response};

use super::views::{self, OutboxMessage};
use crate::ctx::Ctx;
use crate::domain::cost::Category;
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
    let category = match q.get("category").map(String::as_str) {
        None | Some("") => Category::Marketing,
        Some(c) => Category::parse(c).ok_or_else(|| ApiError::field("category", "must be marketing or utility"))?,
    };
    let e = messages::estimate_cost(ctx, &trip, category).await?;
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
        &json!({ "counts": counts, "messages": views::all::<_, OutboxMessage>(&rows), "nextCursor": next }),
    )
}

/// `POST /api/messages/:id/resend`: a failed message back into its queue.
pub async fn resend(ctx: &Ctx, req: &Request, id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let row = messages::resend(ctx, &me, id).await?;
    respond::json(200, &json!({ "message": OutboxMessage::from(&row) }))
}
