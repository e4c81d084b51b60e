//! Sending what the outbox holds: one row at a time, paced, free-form inside
//! the 24-hour window (or as a reply) and the row's template outside it;
//! retried with backoff on transient failures, failed and dead-lettered when
//! out of attempts. Also the dead letters and the cron's re-queue.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Value};
use worker::Delay;

use super::outbox::{PASSWORD_RESET_KIND, REPLY_KINDS, RESET_CODE_PLACEHOLDER};
use crate::ctx::Ctx;
use crate::domain::cost::Category;
use crate::domain::outbox::OutboxStatus;
use crate::domain::token::reset_code;
use crate::domain::whatsapp::{backoff_seconds, in_window, Outbound, SendOutcome};
use crate::error::ApiResult;
use crate::platform::graph_api;
use crate::platform::queues::{enqueue_outbox, Queue};
use crate::store::outbox::{self, Finished, OutboxRow};
use crate::store::pacer;

/// How long a consumer holds a row it is sending.
const CLAIM_SECONDS: i64 = 60;

/// No send for this long while rows are queued: the consumers stalled.
const STALLED_AFTER: Duration = Duration::seconds(60);

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn log(level: &str, msg: &str, detail: Value) {
    let line = json!({"level": level, "msg": msg, "detail": detail});
    if level == "error" {
        worker::console_error!("{line}");
    } else {
        worker::console_log!("{line}");
    }
}

/// What the queue should do with the message of a row.
pub enum Step {
    Done,
    RetryIn(u32),
}

/// Paces sends to `WA_RATE_PER_SEC` per business number across every
/// consumer of the four outbound queues: each send reserves the next slot in
/// D1 (`store::pacer`) and waits for it.
pub struct Pacer {
    interval_ms: i64,
}

impl Pacer {
    pub fn new(rate_per_sec: f64) -> Pacer {
        Pacer { interval_ms: (1000.0 / rate_per_sec).ceil() as i64 }
    }

    /// One pace per business number.
    fn key(&self, ctx: &Ctx) -> String {
        format!("wa:{}", ctx.config.wa.phone_id)
    }

    /// The pacer's row, its now and its gap, for `outbox::claim_for_send`.
    fn slot_args<'a>(&self, key: &'a str) -> (&'a str, i64, i64) {
        (key, now_ms() as i64, self.interval_ms)
    }

    /// Waits until `slot` (reserved with the claim).
    async fn wait_for(&self, slot: i64) {
        let wait = slot - now_ms() as i64;
        if wait > 0 {
            Delay::from(StdDuration::from_millis(wait as u64)).await;
        }
    }
}

fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// The kinds of message a STOP ends.
pub const STOPPED_BY_STOP: &[&str] = &["broadcast", "product_new"];

/// Sends the outbox row `id` if it is still queued and nobody holds it.
pub async fn send_row(ctx: &Ctx, id: &str, pacer: &Pacer) -> ApiResult<Step> {
    let now = Utc::now();
    // One round trip: the claim, what it needs to know, and its send slot.
    let key = pacer.key(ctx);
    let claimed =
        outbox::claim_for_send(&ctx.db, id, now.timestamp(), now.timestamp() + CLAIM_SECONDS, pacer.slot_args(&key))
            .await?;
    let Some(row) = claimed.row else {
        return Ok(Step::Done); // already sent or failed, or another delivery holds it
    };
    let reply = REPLY_KINDS.contains(&row.kind.as_str());
    let (last_inbound, refusal) = match (&row.participant_id, claimed.participant) {
        (Some(_), Some(p)) => {
            let refusal = if p.unsubscribed_at.is_some() && STOPPED_BY_STOP.contains(&row.kind.as_str()) {
                Some("skipped: the participant unsubscribed")
            } else if p.confirmed_at.is_none() {
                Some("skipped: the phone has not confirmed yet (no message from it)")
            } else {
                None
            };
            (p.last_inbound_at.and_then(|t| t.parse::<DateTime<Utc>>().ok()), refusal)
        }
        (Some(_), None) => (None, Some("skipped: the participant is gone")),
        (None, _) if claimed.has_written => (None, None),
        (None, _) => (None, Some("skipped: this number never wrote to the business number")),
    };
    if let (Some(why), false) = (refusal, reply) {
        outbox::finish(&ctx.db, &row.id, &Finished::failed(why), &iso(now)).await?;
        return Ok(Step::Done);
    }
    // A reset code exists only here, derived from the row (never stored).
    let code = match row.kind == PASSWORD_RESET_KIND {
        true => Some(reset_code(ctx.config.jwt_key()?, &row.id)),
        false => None,
    };
    let message = choose(&row, reply || in_window(last_inbound, now), code.as_deref());
    let sent_as = Some(match &message {
        Outbound::Template { name, .. } => ctx.config.wa.template_category(name).as_str(),
        Outbound::Text { .. } | Outbound::Buttons { .. } => Category::Service.as_str(),
    });

    let Some(token) = ctx.config.wa.access_token.as_deref() else {
        let simulated = Finished { status: OutboxStatus::Simulated, wamid: None, error: None, sent_as };
        outbox::finish(&ctx.db, &row.id, &simulated, &iso(now)).await?;
        log(
            "info",
            "whatsapp simulated",
            json!({"outboxId": row.id, "to": row.recipient, "payload": message.payload()}),
        );
        return Ok(Step::Done);
    };

    pacer.wait_for(claimed.slot.unwrap_or(0)).await;
    let finished = iso(Utc::now());
    match graph_api::send(&ctx.config.wa, token, &message).await {
        SendOutcome::Sent { wamid } => {
            let sent = Finished { status: OutboxStatus::Sent, wamid: Some(&wamid), error: None, sent_as };
            outbox::finish(&ctx.db, &row.id, &sent, &finished).await?;
            Ok(Step::Done)
        }
        SendOutcome::Permanent(error) => {
            log("error", "whatsapp send failed permanently", json!({"outboxId": row.id, "error": error}));
            ctx.report("whatsapp_failed", &format!("queue:{}", row.queue), format!("{} {}: {error}", row.kind, row.id));
            outbox::finish(&ctx.db, &row.id, &Finished::failed(&error), &finished).await?;
            Ok(Step::Done)
        }
        SendOutcome::Transient(error) if row.attempts >= ctx.config.wa.max_attempts => {
            let error = format!("gave up after {} attempts: {error}", row.attempts);
            log("error", "whatsapp send gave up", json!({"outboxId": row.id, "error": error}));
            ctx.report("whatsapp_failed", &format!("queue:{}", row.queue), format!("{} {}: {error}", row.kind, row.id));
            outbox::finish(&ctx.db, &row.id, &Finished::failed(&error), &finished).await?;
            enqueue_outbox(&ctx.env, Queue::DeadLetter, std::slice::from_ref(&row.id)).await?;
            Ok(Step::Done)
        }
        SendOutcome::Transient(error) => {
            outbox::release(&ctx.db, &row.id, &error, &finished).await?;
            Ok(Step::RetryIn(backoff_seconds(row.attempts as u32)))
        }
    }
}

/// Free-form text inside the window (or as a reply), else the row's
/// template; `code` takes the place of the reset code's placeholder.
fn choose(row: &OutboxRow, free_form: bool, code: Option<&str>) -> Outbound {
    let to = row.recipient.clone();
    let fill = |s: String| match code {
        Some(code) => s.replace(RESET_CODE_PLACEHOLDER, code),
        None => s,
    };
    // A template-only message (e.g. a broadcast of a named template) has no text.
    let free_form = free_form && row.body.as_deref().is_some_and(|b| !b.is_empty());
    let params: Vec<String> = row
        .template_params
        .as_deref()
        .and_then(|p| serde_json::from_str::<Vec<String>>(p).ok())
        .unwrap_or_default()
        .into_iter()
        .map(fill)
        .collect();
    match (&row.template_name, free_form) {
        (Some(name), false) => Outbound::Template {
            to,
            name: name.clone(),
            language: row.template_language.clone().unwrap_or_else(|| "id".into()),
            params: params.clone(),
            // An authentication template repeats its code on the copy-code button.
            copy_code: (row.kind == PASSWORD_RESET_KIND).then(|| params.first().cloned()).flatten(),
        },
        _ => {
            let body = fill(row.body.clone().unwrap_or_default());
            let buttons: Vec<(String, String)> =
                row.buttons.as_deref().and_then(|b| serde_json::from_str(b).ok()).unwrap_or_default();
            match buttons.is_empty() {
                true => Outbound::Text { to, body },
                false => Outbound::Buttons { to, body, buttons },
            }
        }
    }
}

/// A message that used up its retries: its outbox row (if still queued) becomes failed.
pub async fn dead_letter(ctx: &Ctx, outbox_id: &str) -> ApiResult<()> {
    let now = Utc::now();
    if let Some(row) = outbox::claim(&ctx.db, outbox_id, now.timestamp(), now.timestamp() + CLAIM_SECONDS).await? {
        let error = format!("gave up: {}", row.last_error.as_deref().unwrap_or("retries exhausted"));
        outbox::finish(&ctx.db, &row.id, &Finished::failed(&error), &iso(now)).await?;
    }
    Ok(())
}

/// Cron: queued rows untouched for 10 minutes lost their queue message
/// (a failed send after the row was written); queue them again.
pub async fn requeue_stale(ctx: &Ctx) -> ApiResult<usize> {
    let now = Utc::now();
    let pacer = Pacer::new(ctx.config.wa.rate_per_sec);
    let last_send = pacer::last_slot(&ctx.db, &pacer.key(ctx), pacer.interval_ms).await?;
    let sending = last_send.is_some_and(|at| now.timestamp_millis() - at < STALLED_AFTER.num_milliseconds());
    // While sends are going out, a queued row may just be waiting its turn
    // in a long fan-out: only a row untouched for 10 minutes is lost. When
    // nothing was sent for a minute (a crash, a lost batch), anything queued
    // for a minute goes back at once.
    let age = if sending { Duration::minutes(10) } else { STALLED_AFTER };
    let stale = outbox::stale(&ctx.db, &iso(now - age), now.timestamp(), 5000).await?;
    for queue in Queue::OUTBOUND {
        let ids: Vec<String> = stale.iter().filter(|s| s.queue == queue.name()).map(|s| s.id.clone()).collect();
        for chunk in ids.chunks(500) {
            outbox::touch_all(&ctx.db, chunk, &iso(now)).await?;
        }
        enqueue_outbox(&ctx.env, queue, &ids).await?;
    }
    Ok(stale.len())
}
