//! Reading request bodies within size limits.

use futures::StreamExt;
use worker::Request;

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::input::Input;

/// JSON bodies are small; anything larger is refused before it is read.
pub const JSON_LIMIT: usize = 64 * 1024;

/// Reads at most `limit` bytes: a declared or actual larger body is 413.
/// The body is read as a stream and dropped the moment it passes the limit,
/// so a chunked body without `Content-Length` is never buffered whole.
pub async fn bytes(req: &mut Request, limit: usize) -> ApiResult<Vec<u8>> {
    refuse_declared_over(req, limit)?;
    let Ok(mut stream) = req.stream() else {
        return Ok(Vec::new()); // no body at all
    };
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::new(ErrorCode::UnreadableBody, format!("The body could not be read: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::too_large(limit));
        }
        body.extend_from_slice(&chunk);
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

/// A urlencoded form body as the same map a JSON body gives (strings, and
/// numbers for the fields named in `numeric`), so one form type parses both.
pub async fn form(req: &mut Request, numeric: &[&str]) -> ApiResult<Input> {
    let bytes = bytes(req, JSON_LIMIT).await?;
    let mut map = serde_json::Map::new();
    for (k, v) in form_urlencoded::parse(&bytes) {
        let value = match v.trim().parse::<i64>() {
            Ok(n) if numeric.contains(&k.as_ref()) => serde_json::Value::from(n),
            _ => serde_json::Value::from(v.into_owned()),
        };
        map.insert(k.into_owned(), value);
    }
    Ok(Input::from_map(map))
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
