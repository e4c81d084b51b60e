//! `GET|POST /api/webhooks/whatsapp` (spec §5 Webhook, DESIGN.md "The webhook").

use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::{BatchMessageBuilder, Request, Response};

use super::Queue;
use crate::domain::encoding::constant_time_eq;
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::whatsapp::{read_delivery, verify_signature, Inbound, StatusUpdate};
use crate::http::app::App;
use crate::http::query::params;
use crate::http::{body, respond};
use crate::store::webhook_messages;

/// Meta's deliveries are small; anything this large is not one.
const DELIVERY_LIMIT: usize = 1024 * 1024;

/// What the inbound queue carries: one message or one status callback.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum InboundJob {
    Message(Inbound),
    Status(StatusUpdate),
}

/// `GET`: Meta's verification handshake; the challenge as plain text, else 403.
pub fn verify(app: &App, req: &Request) -> ApiResult<Response> {
    let q = params(req);
    let expected = app.config.wa.verify_token.as_deref().unwrap_or_default();
    let given = q.get("hub.verify_token").map(String::as_str).unwrap_or_default();
    let ok = q.get("hub.mode").map(String::as_str) == Some("subscribe")
        && !expected.is_empty()
        && constant_time_eq(expected.as_bytes(), given.as_bytes());
    match (ok, q.get("hub.challenge")) {
        (true, Some(challenge)) => respond::text(200, challenge),
        _ => Err(ApiError::new(403, "forbidden", "Verification failed")),
    }
}

/// `POST`: checks the signature over the raw bytes before anything else,
/// claims each message id once, hands the work to the inbound queue and
/// answers 200 at once.
pub async fn receive(app: &App, req: &mut Request) -> ApiResult<Response> {
    let raw = body::bytes(req, DELIVERY_LIMIT).await?;
    let secret =
        app.config.wa.app_secret.as_deref().ok_or_else(|| ApiError::internal("WA_APP_SECRET is not configured"))?;
    let header = req.headers().get("x-hub-signature-256").ok().flatten();
    if !verify_signature(secret.as_bytes(), &raw, header.as_deref()) {
        return Err(ApiError::unauthorized("Invalid or missing X-Hub-Signature-256"));
    }
    let events = read_delivery(&raw).map_err(|e| ApiError::bad_request("invalid_body", e))?;

    let wamids: Vec<String> = events.messages.iter().map(|m| m.wamid.clone()).collect();
    let ids: Vec<&str> = wamids.iter().map(String::as_str).collect();
    let claimed = webhook_messages::claim(&app.db, &ids, &app.now_iso()).await?;
    let mut jobs: Vec<InboundJob> =
        events.messages.into_iter().filter(|m| claimed.contains(&m.wamid)).map(InboundJob::Message).collect();
    jobs.extend(events.statuses.into_iter().map(InboundJob::Status));
    let duplicates = wamids.len() - claimed.len();

    if !jobs.is_empty() {
        let queued = async {
            let producer = app.env.queue(Queue::Inbound.binding())?;
            producer.send_batch(BatchMessageBuilder::new().messages(jobs).build()).await
        };
        if let Err(e) = queued.await {
            // Give the ids back so Meta's retry of this delivery is processed.
            webhook_messages::unclaim(&app.db, &claimed).await?;
            return Err(ApiError::internal(format!("inbound queue: {e}")));
        }
    }
    worker::console_log!(
        "{}",
        json!({"level": "info", "msg": "webhook", "requestId": app.request_id, "accepted": claimed.len(), "duplicates": duplicates})
    );
    respond::json(200, &json!({ "message": "OK" }))
}
