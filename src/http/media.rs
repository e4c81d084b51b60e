//! `GET /media/<key>`: public images from R2, cached for a year. Payment
//! proofs (private prefixes) are served only through the order routes.

use worker::Response;

use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::platform::r2::PRIVATE_PREFIXES;
use crate::web::respond;

/// Streams an object with its type; `cache` is the Cache-Control to send.
pub async fn object(ctx: &Ctx, key: &str, cache: &str) -> ApiResult<Response> {
    respond::stored_object(ctx, key, cache).await
}

pub async fn serve_public(ctx: &Ctx, key: &str) -> ApiResult<Response> {
    if PRIVATE_PREFIXES.iter().any(|p| key.starts_with(p)) {
        return Err(ApiError::not_found("File"));
    }
    object(ctx, key, "public, max-age=31536000, immutable").await
}
