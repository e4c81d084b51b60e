//! Writing outbound messages: an outbox row first (idempotency key), then a
//! queue message carrying its id. A queue delivered twice finds the row
//! already sent and sends nothing.

use serde::{Deserialize, Serialize};
use worker::BatchMessageBuilder;

use super::Queue;
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::ids::new_id;
use crate::domain::messages::Message;
use crate::http::app::App;
use crate::store::outbox::{self, Content, To};

/// What a queue message of an outbound queue carries.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub outbox_id: String,
}

/// A message to be written: its kind, queue, words and template.
pub struct Draft<'a> {
    pub kind: &'a str,
    pub queue: Queue,
    pub message: Message,
    /// The approved template used outside the 24-hour window.
    pub template: Option<&'a str>,
}

fn content<'a>(app: &'a App, d: &'a Draft<'a>, params: &'a str) -> Content<'a> {
    Content {
        kind: d.kind,
        queue: d.queue.name(),
        body: &d.message.body,
        template_name: d.template,
        template_language: &app.config.wa.template_language,
        template_params: params,
    }
}

/// Queue messages for rows already written, 100 per send (the Queues limit).
pub async fn enqueue(app: &App, queue: Queue, ids: &[String]) -> ApiResult<()> {
    let producer = app.env.queue(queue.binding()).map_err(|e| ApiError::internal(format!("queue binding: {e}")))?;
    for chunk in ids.chunks(100) {
        let jobs: Vec<Job> = chunk.iter().map(|id| Job { outbox_id: id.clone() }).collect();
        producer
            .send_batch(BatchMessageBuilder::new().messages(jobs).build())
            .await
            .map_err(|e| ApiError::internal(format!("queue send: {e}")))?;
    }
    Ok(())
}

/// One message to one recipient; false when `to.key` was used before.
pub async fn send_one(app: &App, to: &To<'_>, draft: &Draft<'_>) -> ApiResult<bool> {
    let params = serde_json::to_string(&draft.message.params).unwrap_or_else(|_| "[]".into());
    let inserted = outbox::insert(&app.db, &new_id(), to, &content(app, draft, &params), &app.now_iso()).await?;
    match inserted {
        Some(id) => {
            enqueue(app, draft.queue, &[id]).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// One message per subscribed participant of a trip; answers how many were queued.
pub async fn fan_out(app: &App, trip_id: &str, key_prefix: &str, draft: &Draft<'_>) -> ApiResult<usize> {
    let params = serde_json::to_string(&draft.message.params).unwrap_or_else(|_| "[]".into());
    let ids = outbox::fan_out(&app.db, trip_id, key_prefix, &content(app, draft, &params), &app.now_iso()).await?;
    enqueue(app, draft.queue, &ids).await?;
    Ok(ids.len())
}
