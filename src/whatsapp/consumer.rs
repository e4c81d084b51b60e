//! The queue consumers: inbound deliveries, the four outbound queues (paced
//! sends with retry and backoff), the dead-letter queue, and the cron that
//! re-queues outbox rows whose queue message was lost.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Value};
use worker::{Delay, Message, MessageBatch, MessageExt, QueueRetryOptionsBuilder};

use super::outbox::{enqueue, Job};
use super::webhook::InboundJob;
use super::{client, inbound, Queue, REPLY_KINDS};
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::whatsapp::{backoff_seconds, in_window, Outbound, SendOutcome};
use crate::http::app::App;
use crate::store::outbox::{self, OutboxRow};
use crate::store::participants;

/// How long a consumer holds a row it is sending.
const CLAIM_SECONDS: i64 = 60;

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn log(level: &str, msg: &str, detail: Value) {
    let line = json!({"level": level, "msg": msg, "detail": detail});
    if level == "error" {
        worker::console_error!("{line}");
    } else {
        worker::console_log!("{line}");
    }
}

pub async fn handle(batch: MessageBatch<Value>, app: &App) -> ApiResult<()> {
    let name = batch.queue();
    let messages = batch.messages().map_err(|e| ApiError::internal(format!("queue batch: {e}")))?;
    match Queue::from_name(&name) {
        Some(Queue::Inbound) => {
            for m in messages {
                match serde_json::from_value::<InboundJob>(m.body().clone()) {
                    Ok(job) => match inbound::process(app, job).await {
                        Ok(()) => m.ack(),
                        Err(e) => {
                            log("error", "inbound failed, will retry", json!({"error": e.to_string()}));
                            m.retry();
                        }
                    },
                    Err(e) => {
                        log("error", "malformed inbound job dropped", json!({"error": e.to_string()}));
                        m.ack();
                    }
                }
            }
        }
        Some(Queue::DeadLetter) => {
            for m in messages {
                dead_letter(app, &m).await;
                m.ack();
            }
        }
        Some(queue) => send_all(app, queue, messages).await,
        None => {
            log("error", "messages from an unknown queue dropped", json!({"queue": name}));
            batch.ack_all();
        }
    }
    Ok(())
}

/// A message that used up its retries: its outbox row (if still queued) becomes failed.
async fn dead_letter(app: &App, m: &Message<Value>) {
    log("error", "dead letter", json!({"body": m.body()}));
    if let Ok(job) = serde_json::from_value::<Job>(m.body().clone()) {
        if let Ok(Some(row)) =
            outbox::claim(&app.db, &job.outbox_id, Utc::now().timestamp(), Utc::now().timestamp() + CLAIM_SECONDS).await
        {
            let error = format!("gave up: {}", row.last_error.as_deref().unwrap_or("retries exhausted"));
            let _ = outbox::finish(&app.db, &row.id, "failed", None, Some(&error), &iso(Utc::now())).await;
        }
    }
}

/// Sends a batch one message at a time, paced to `WA_RATE_PER_SEC`, acking
/// or retrying each message on its own.
async fn send_all(app: &App, queue: Queue, messages: Vec<Message<Value>>) {
    let interval_ms = (1000.0 / app.config.wa.rate_per_sec) as u64;
    let mut last_send: Option<u64> = None;
    for m in messages {
        let Ok(job) = serde_json::from_value::<Job>(m.body().clone()) else {
            log("error", "malformed outbound job dropped", json!({"queue": queue.name(), "body": m.body()}));
            m.ack();
            continue;
        };
        match send_row(app, &job.outbox_id, interval_ms, &mut last_send).await {
            Ok(Step::Done) => m.ack(),
            Ok(Step::RetryIn(seconds)) => {
                m.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(seconds).build())
            }
            Err(e) => {
                log("error", "outbound failed, will retry", json!({"outboxId": job.outbox_id, "error": e.to_string()}));
                m.retry();
            }
        }
    }
}

enum Step {
    Done,
    RetryIn(u32),
}

fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

async fn send_row(app: &App, id: &str, interval_ms: u64, last_send: &mut Option<u64>) -> ApiResult<Step> {
    let now = Utc::now();
    let Some(row) = outbox::claim(&app.db, id, now.timestamp(), now.timestamp() + CLAIM_SECONDS).await? else {
        return Ok(Step::Done); // already sent or failed, or another delivery holds it
    };
    let reply = REPLY_KINDS.contains(&row.kind.as_str());
    let (last_inbound, unsubscribed) = match &row.participant_id {
        Some(pid) => match participants::by_id(&app.db, pid).await? {
            Some(p) => (p.last_inbound_at.and_then(|t| t.parse::<DateTime<Utc>>().ok()), p.unsubscribed_at.is_some()),
            None => (None, true),
        },
        None => (None, false),
    };
    if unsubscribed && !reply {
        outbox::finish(&app.db, &row.id, "failed", None, Some("skipped: the participant unsubscribed"), &iso(now))
            .await?;
        return Ok(Step::Done);
    }
    let message = choose(&row, reply || in_window(last_inbound, now));

    let Some(token) = app.config.wa.access_token.as_deref() else {
        outbox::finish(&app.db, &row.id, "simulated", None, None, &iso(now)).await?;
        log(
            "info",
            "whatsapp simulated",
            json!({"outboxId": row.id, "to": row.recipient, "payload": message.payload()}),
        );
        return Ok(Step::Done);
    };

    if let Some(last) = *last_send {
        let wait = (last + interval_ms).saturating_sub(now_ms());
        if wait > 0 {
            Delay::from(StdDuration::from_millis(wait)).await;
        }
    }
    *last_send = Some(now_ms());
    let finished = iso(Utc::now());
    match client::send(&app.config.wa, token, &message).await {
        SendOutcome::Sent { wamid } => {
            outbox::finish(&app.db, &row.id, "sent", Some(&wamid), None, &finished).await?;
            Ok(Step::Done)
        }
        SendOutcome::Permanent(error) => {
            log("error", "whatsapp send failed permanently", json!({"outboxId": row.id, "error": error}));
            outbox::finish(&app.db, &row.id, "failed", None, Some(&error), &finished).await?;
            Ok(Step::Done)
        }
        SendOutcome::Transient(error) if row.attempts >= app.config.wa.max_attempts => {
            let error = format!("gave up after {} attempts: {error}", row.attempts);
            log("error", "whatsapp send gave up", json!({"outboxId": row.id, "error": error}));
            outbox::finish(&app.db, &row.id, "failed", None, Some(&error), &finished).await?;
            enqueue(app, Queue::DeadLetter, std::slice::from_ref(&row.id)).await?;
            Ok(Step::Done)
        }
        SendOutcome::Transient(error) => {
            outbox::release(&app.db, &row.id, &error, &finished).await?;
            Ok(Step::RetryIn(backoff_seconds(row.attempts as u32)))
        }
    }
}

/// Free-form text inside the window (or as a reply), else the row's template.
fn choose(row: &OutboxRow, free_form: bool) -> Outbound {
    let to = row.recipient.clone();
    // A template-only message (e.g. a broadcast of a named template) has no text.
    let free_form = free_form && row.body.as_deref().is_some_and(|b| !b.is_empty());
    match (&row.template_name, free_form) {
        (Some(name), false) => Outbound::Template {
            to,
            name: name.clone(),
            language: row.template_language.clone().unwrap_or_else(|| "id".into()),
            params: row.template_params.as_deref().and_then(|p| serde_json::from_str(p).ok()).unwrap_or_default(),
        },
        _ => Outbound::Text { to, body: row.body.clone().unwrap_or_default() },
    }
}

/// Cron: queued rows untouched for 10 minutes lost their queue message
/// (a failed send after the row was written); queue them again.
pub async fn requeue_stale(app: &App) -> ApiResult<usize> {
    let now = Utc::now();
    let stale = outbox::stale(&app.db, &iso(now - Duration::minutes(10)), now.timestamp()).await?;
    for queue in Queue::OUTBOUND {
        let ids: Vec<String> = stale.iter().filter(|s| s.queue == queue.name()).map(|s| s.id.clone()).collect();
        for id in &ids {
            outbox::touch(&app.db, id, &iso(now)).await?;
        }
        enqueue(app, queue, &ids).await?;
    }
    Ok(stale.len())
}
