//! The HTTP edge: Workers types stop here. `handle` gives every request an id,
//! routes it, turns any `ApiError` into the JSON error and logs one JSON line.

pub mod accounts;
pub mod app;
pub mod auth;
pub mod body;
pub mod health;
pub mod media;
pub mod messages;
pub mod orders;
pub mod participants;
pub mod products;
pub mod profile;
pub mod query;
pub mod respond;
pub mod router;
pub mod trips;
pub mod views;

use serde_json::json;
use worker::{Context, Date, Env, Request, Response};

use crate::domain::error::ApiError;
use crate::domain::ids::new_id;
use app::App;

pub async fn handle(mut req: Request, env: Env, _ctx: Context) -> Response {
    let started = Date::now().as_millis();
    let request_id = req.headers().get("cf-ray").ok().flatten().unwrap_or_else(|| new_id()[..16].to_string());
    let (method, path) = (req.method().to_string(), req.path());

    let (outcome, rows_read) = match App::new(env, request_id.clone()) {
        Ok(app) => {
            let outcome = router::route(&app, &mut req).await;
            (outcome, app.db.rows_read())
        }
        Err(e) => (Err(e), 0),
    };
    let (mut resp, failure) = match outcome {
        Ok(resp) => (resp, None),
        Err(e) => (respond::error(&e), Some(e)),
    };
    let headers = resp.headers_mut();
    let _ = headers.set("x-request-id", &request_id);
    let _ = headers.set("x-d1-rows-read", &rows_read.to_string());

    let status = resp.status_code();
    let mut line = json!({
        "level": if status >= 500 { "error" } else { "info" },
        "msg": "request",
        "requestId": request_id,
        "method": method,
        "path": path,
        "status": status,
        "durationMs": Date::now().as_millis().saturating_sub(started),
        "d1RowsRead": rows_read,
    });
    if let Some(ApiError { code, internal, .. }) = failure {
        line["code"] = code.into();
        if let Some(detail) = internal {
            line["detail"] = detail.into();
        }
    }
    if status >= 500 {
        worker::console_error!("{line}");
    } else {
        worker::console_log!("{line}");
    }
    resp
}
