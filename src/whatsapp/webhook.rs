//! `GET|POST /api/webhooks/whatsapp`: Meta's verification handshake and
//! signed deliveries (docs/ARCHITECTURE.md walks one through).

use serde_json::json;
use worker::{Request, Response};

use crate::ctx::Ctx;
use crate::domain::encoding::constant_time_eq;
use crate::domain::whatsapp::{read_delivery, verify_signature};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::service::inbound;
use crate::web::query::params;
use crate::web::{body, respond};

/// Meta's deliveries are small; anything this large is not one.
const DELIVERY_LIMIT: usize = 1024 * 1024;

/// `GET`: Meta's verification handshake; the challenge as plain text, else 403.
pub fn verify(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    let q = params(req);
    let expected = ctx.config.wa.verify_token.as_deref().unwrap_or_default();
    let given = q.get("hub.verify_token").map(String::as_str).unwrap_or_default();
    let ok = q.get("hub.mode").map(String::as_str) == Some("subscribe")
        && !expected.is_empty()
        && constant_time_eq(expected.as_bytes(), given.as_bytes());
    match (ok, q.get("hub.challenge")) {
        (true, Some(challenge)) => respond::text(200, challenge),
        _ => Err(ApiError::new(ErrorCode::Forbidden, "Verification failed")),
    }
}

/// `POST`: checks the signature over the raw bytes before anything else,
/// claims each message id once, hands the work to the inbound queue and
/// answers 200 at once.
pub async fn receive(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    let raw = body::bytes(req, DELIVERY_LIMIT).await?;
    let secret =
        ctx.config.wa.app_secret.as_deref().ok_or_else(|| ApiError::internal("WA_APP_SECRET is not configured"))?;
    let header = req.headers().get("x-hub-signature-256").ok().flatten();
    if !verify_signature(secret.as_bytes(), &raw, header.as_deref()) {
        return Err(ApiError::unauthorized("Invalid or missing X-Hub-Signature-256"));
    }
    let events = read_delivery(&raw).map_err(|e| ApiError::new(ErrorCode::InvalidBody, e))?;

    let (messages, statuses) = inbound::accept(ctx, events).await?;
    worker::console_log!(
        "{}",
        json!({"level": "info", "msg": "webhook", "requestId": ctx.request_id, "messages": messages, "statuses": statuses})
    );
    respond::json(200, &json!({ "message": "OK" }))
}
