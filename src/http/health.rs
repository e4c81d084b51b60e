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
    match app
        .db
        .one::<Row>("SELECT 1 AS ok FROM users LIMIT 1", &[])
        .await
    {
        Ok(_) => respond::json(200, &json!({ "status": "ok" })),
        Err(e)
            if e.internal
                .as_deref()
                .is_some_and(|d| d.contains("no such table")) =>
        {
            Err(ApiError::new(
                503,
                "database_not_migrated",
                "The database has no schema: apply the migrations",
            ))
        }
        Err(e) => Err(e),
    }
}
