//! The jastiper's side of WhatsApp: broadcasts, what they would cost, and
//! the outbox (counts per status, failures with Meta's error, re-send).

use chrono::SecondsFormat;

use crate::ctx::Ctx;
use crate::domain::cost::{estimate, Category, Estimate, Send};
use crate::domain::fields;
use crate::domain::ids::new_id;
use crate::domain::messages;
use crate::domain::outbox::OutboxStatus;
use crate::domain::page::Cursor;
use crate::domain::whatsapp::WINDOW;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::input::Input;
use crate::platform::queues::{enqueue_outbox, Queue};
use crate::store::outbox::{self, OutboxRow};
use crate::store::participants;
use crate::store::trips::TripRow;

use super::outbox::{fan_out, Draft};
use super::AuthUser;

pub fn template_name(raw: &str) -> Result<String, String> {
    let ok = (1..=512).contains(&raw.len())
        && raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(raw.to_string())
    } else {
        Err("must be an approved template name (a-z, 0-9, _)".into())
    }
}

/// A template a broadcast may name: one of `approved` (`WA_BROADCAST_TEMPLATES`).
pub fn broadcast_template(raw: &str, approved: &[String]) -> Result<String, String> {
    let name = template_name(raw)?;
    match approved.contains(&name) {
        true => Ok(name),
        false if approved.is_empty() => Err("no templates are approved for broadcasts: send a message".into()),
        false => Err(format!("must be one of the approved templates: {}", approved.join(", "))),
    }
}

/// `{ message }` (free-form inside each penitip's window, the broadcast
/// template outside it) or `{ template }` (a named approved template).
pub enum BroadcastForm {
    Text(String),
    Template(String),
}

impl BroadcastForm {
    /// `approved`: the templates a broadcast may name (config `broadcast_templates`).
    pub fn parse(mut input: Input, approved: &[String]) -> ApiResult<BroadcastForm> {
        input.only(&["message", "template"]);
        let message = input.optional_str("message").and_then(|m| input.check("message", fields::MESSAGE.clean(&m)));
        let template =
            input.optional_str("template").and_then(|t| input.check("template", broadcast_template(&t, approved)));
        let form = match (message, template) {
            (Some(m), None) => Some(BroadcastForm::Text(m)),
            (None, Some(t)) => Some(BroadcastForm::Template(t)),
            (Some(_), Some(_)) => {
                input.error("message", "send a message or a template, not both");
                None
            }
            (None, None) => {
                input.error("message", "is required (or template)");
                None
            }
        };
        input.finish()?;
        form.ok_or_else(|| ApiError::field("message", "is required (or template)"))
    }
}

/// One outbox row per subscribed participant of an owned trip (see
/// `trips::owned`); answers the broadcast's id and how many were queued.
pub async fn broadcast(ctx: &Ctx, trip: &TripRow, form: BroadcastForm) -> ApiResult<(String, usize)> {
    let broadcast_id = new_id();
    let (msg, template) = match form {
        BroadcastForm::Text(m) => (messages::broadcast(&m), ctx.config.wa.template_broadcast.clone()),
        BroadcastForm::Template(t) => (messages::Message { body: String::new(), params: vec![] }, t),
    };
    let draft = Draft { kind: "broadcast", queue: Queue::Broadcast, message: msg, template: Some(&template) };
    let queued = fan_out(ctx, &trip.id, &format!("broadcast:{broadcast_id}"), &draft).await?;
    Ok((broadcast_id, queued))
}

/// What a broadcast to an owned trip's subscribed participants would cost.
pub async fn estimate_cost(ctx: &Ctx, trip: &TripRow, send: Send) -> ApiResult<Estimate> {
    let since = (ctx.now - WINDOW).to_rfc3339_opts(SecondsFormat::Millis, true);
    let (total, recent) = participants::audience(&ctx.db, &trip.id, &since).await?;
    let left = allowance_left(ctx).await?;
    Ok(estimate(total, recent, send, &ctx.config.wa.rates, left))
}

/// What is left this month of the business number's free allowance (no
/// read at all when there is none, the default).
pub async fn allowance_left(ctx: &Ctx) -> ApiResult<i64> {
    let free = ctx.config.wa.rates.free_per_month;
    if free == 0 {
        return Ok(0);
    }
    let charged = outbox::charged_in_month(&ctx.db, &super::inbound::month_of(ctx.now)).await?;
    Ok((free - charged).max(0))
}

/// How a `{ message }` broadcast goes: free-form inside the window, the
/// broadcast template outside it.
pub fn text_broadcast(ctx: &Ctx) -> Send {
    Send::Text { outside: ctx.config.wa.template_category(&ctx.config.wa.template_broadcast) }
}

/// What one outbox row cost (Meta's category once it said, else the one it
/// went out as) or will cost (free-form for a reply, else its template's),
/// in milli-rupiah, with the category; `None` when it costs nothing (Meta
/// said not billable, or it was never sent).
pub fn row_cost(ctx: &Ctx, row: &OutboxRow) -> Option<(Category, i64)> {
    if row.billable == Some(false) || matches!(row.status, OutboxStatus::Failed | OutboxStatus::Simulated) {
        return None;
    }
    let category = row.pricing_category.as_deref().or(row.sent_as.as_deref()).and_then(Category::parse).unwrap_or_else(
        || match (&row.template_name, super::outbox::REPLY_KINDS.contains(&row.kind.as_str())) {
            (Some(t), false) => ctx.config.wa.template_category(t),
            _ => Category::Service,
        },
    );
    Some((category, ctx.config.wa.rates.milli_idr(category)))
}

/// Counts of every status (zero included) and one page of a trip's messages.
pub async fn outbox_page(
    ctx: &Ctx,
    trip: &TripRow,
    status: Option<OutboxStatus>,
    after: Option<&Cursor>,
    limit: i64,
) -> ApiResult<(Vec<(OutboxStatus, i64)>, Vec<OutboxRow>)> {
    let (rows, found) = futures::future::try_join(
        outbox::page(&ctx.db, &trip.id, status, after, limit),
        outbox::counts(&ctx.db, &trip.id),
    )
    .await?;
    let counts =
        OutboxStatus::ALL.into_iter().map(|s| (s, found.iter().find(|c| c.status == s).map_or(0, |c| c.n))).collect();
    Ok((counts, rows))
}

/// Puts a failed message back into its queue.
pub async fn resend(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<OutboxRow> {
    let row = outbox::owned(&ctx.db, id, &me.id).await?.ok_or_else(|| ApiError::not_found("Message"))?;
    if !outbox::requeue_failed(&ctx.db, &row.id, &ctx.now_iso()).await? {
        return Err(ApiError::new(
            ErrorCode::NotFailed,
            format!("Only failed messages can be re-sent; this one is {}", row.status.as_str()),
        ));
    }
    let queue = Queue::from_name(&row.queue).ok_or_else(|| ApiError::internal("outbox row of an unknown queue"))?;
    enqueue_outbox(&ctx.env, queue, std::slice::from_ref(&row.id)).await?;
    outbox::owned(&ctx.db, id, &me.id).await?.ok_or_else(|| ApiError::not_found("Message"))
}
