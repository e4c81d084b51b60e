//! `GET /api/health`: answers ok only after a real D1 query against the schema.

use serde_json::json;
use worker::Response;

use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::web::respond;

pub async fn get(ctx: &Ctx) -> ApiResult<Response> {
    crate::service::health(ctx).await?;
    respond::json(200, &json!({ "status": "ok" }))
}

/// One password hash at the OWASP setting of `digest` (`sha256`, `sha512`,
/// or `none` for the baseline), so a benchmark can time it inside workerd.
pub fn hash_once(digest: &str) -> ApiResult<Response> {
    use crate::domain::password::{hash_with, Digest, Params};
    let digest = match digest {
        "sha256" => Digest::Sha256,
        "sha512" => Digest::Sha512,
        "none" => return respond::json(200, &json!({ "hash": null })),
        _ => return Err(ApiError::not_found("Digest")),
    };
    let hash = hash_with(Params { digest, iterations: digest.owasp_iterations() }, "benchmark-password");
    respond::json(200, &json!({ "hash": hash }))
}
