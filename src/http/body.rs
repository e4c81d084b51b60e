//! Reading request bodies within size limits.

use worker::Request;

use crate::domain::error::{ApiError, ApiResult};
use crate::domain::input::Input;

/// JSON bodies are small; anything larger is refused before it is read.
pub const JSON_LIMIT: usize = 64 * 1024;

/// Reads at most `limit` bytes: a declared or actual larger body is 413.
pub async fn bytes(req: &mut Request, limit: usize) -> ApiResult<Vec<u8>> {
    refuse_declared_over(req, limit)?;
    let body = req
        .bytes()
        .await
        .map_err(|e| ApiError::bad_request("unreadable_body", format!("The body could not be read: {e}")))?;
    if body.len() > limit {
        return Err(ApiError::too_large(limit));
    }
    Ok(body)
}

/// 413 before reading when the declared `Content-Length` is over `limit`.
pub fn refuse_declared_over(req: &Request, limit: usize) -> ApiResult<()> {
    let declared = req.headers().get("content-length").ok().flatten().and_then(|v| v.trim().parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::too_large(limit));
    }
    Ok(())
}

/// A JSON object body (`Content-Type: application/json` when not empty).
pub async fn json(req: &mut Request) -> ApiResult<Input> {
    let body = bytes(req, JSON_LIMIT).await?;
    if !body.iter().all(u8::is_ascii_whitespace) {
        let content_type = req.headers().get("content-type").ok().flatten().unwrap_or_default();
        if !content_type.to_ascii_lowercase().starts_with("application/json") {
            return Err(ApiError::unsupported_media("Send the body as application/json"));
        }
    }
    Input::parse(&body)
}
