//! `GET /media/<key>`: public images from R2, cached for a year. Payment
//! proofs (private prefixes) are served only through the order routes.

use worker::Response;

use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::platform::r2::{self, PRIVATE_PREFIXES};

/// Streams an object with its type; `cache` is the Cache-Control to send.
pub async fn object(ctx: &Ctx, key: &str, cache: &str) -> ApiResult<Response> {
    let not_found = || ApiError::not_found("File");
    let (object, content_type) = r2::get(ctx, key).await?.ok_or_else(not_found)?;
    let body = object.body().ok_or_else(not_found)?.response_body()?;
    let mut resp = Response::from_body(body)?;
    let headers = resp.headers_mut();
    for (k, v) in [
        ("content-type", content_type),
        ("cache-control", cache),
        ("x-content-type-options", "nosniff"),
        ("etag", &object.http_etag()),
    ] {
        headers.set(k, v)?;
    }
    Ok(resp)
}

pub async fn serve_public(ctx: &Ctx, key: &str) -> ApiResult<Response> {
    if PRIVATE_PREFIXES.iter().any(|p| key.starts_with(p)) {
        return Err(ApiError::not_found("File"));
    }
    object(ctx, key, "public, max-age=31536000, immutable").await
}
