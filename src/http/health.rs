//! `GET /api/health`: answers ok only after a real D1 query against the schema.

use serde::Deserialize;
use serde_json::json;
use worker::Response;

use super::app::App;
use super::respond;
use crate::domain::error::{ApiError, ApiResult};

pub async fn get(app: &App) -> ApiResult<Response> {
    #[derive(Deserialize)]
    struct Row {}
    // Reads at most one row, and fails when the migrations were not applied.
    match app.db.one::<Row>("SELECT 1 AS ok FROM users LIMIT 1", &[]).await {
        Ok(_) => respond::json(200, &json!({ "status": "ok" })),
        Err(e) if e.internal.as_deref().is_some_and(|d| d.contains("no such table")) => {
            Err(ApiError::new(503, "database_not_migrated", "The database has no schema: apply the migrations"))
        }
        Err(e) => Err(e),
    }
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
