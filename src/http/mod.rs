//! The HTTP edge for the API: `handle` gives every request an id, routes it
//! (pages go to `pages::route`), turns any `ApiError` into the JSON error (or
//! the Indonesian error page for a page path) and logs one JSON line.

pub mod accounts;
pub mod health;
pub mod media;
pub mod messages;
pub mod orders;
pub mod participants;
pub mod products;
pub mod profile;
pub mod router;
pub mod trips;
pub mod views;

use serde_json::json;
use worker::{Context, Date, Env, Request, Response};

use crate::ctx::Ctx;
use crate::domain::ids::new_id;
use crate::error::ApiError;
use crate::platform::edge_cache;
use crate::web::respond;

pub async fn handle(mut req: Request, env: Env, worker_ctx: Context) -> Response {
    let started = Date::now().as_millis();
    // Cloudflare's cf-ray (worker/entry.mjs uses it too, for panic reports).
    let request_id = req.headers().get("cf-ray").ok().flatten().unwrap_or_else(|| new_id()[..16].to_string());
    let (method, path) = (req.method().to_string(), req.path());

    let is_page = router::is_page_path(&path);
    let (mut resp, failure, rows_read, benchmark) = match Ctx::new(env, request_id.clone()) {
        Ok(ctx) => {
            let cache_key = public_cache_key(&ctx, &req);
            let hit = match &cache_key {
                Some(key) => edge_cache::lookup(key).await,
                None => None,
            };
            let answered = match (ctx.config.check_links(), hit) {
                (Err(e), _) => Err(e),
                (Ok(()), Some(hit)) => Ok(hit),
                (Ok(()), None) => match non_canonical(&req, &path) {
                    Some(location) => respond::permanent_redirect(&location),
                    None => router::route(&ctx, &mut req).await,
                },
            };
            let answered = match (answered, cache_key) {
                (Ok(mut resp), Some(key)) if resp.headers().get("x-cache").ok().flatten().is_none() => {
                    if let Some(storing) = edge_cache::store(key, &mut resp) {
                        worker_ctx.wait_until(storing);
                    }
                    Ok(resp)
                }
                (answered, _) => answered,
            };
            let (resp, failure) = match answered {
                Ok(resp) => (resp, None),
                // A page answers a person: in Indonesian, as HTML.
                Err(e) if is_page => (crate::pages::error_page(&ctx, &e), Some(e)),
                Err(e) => (respond::error(&e), Some(e)),
            };
            if resp.status_code() >= 500 {
                let what = failure.as_ref().map_or_else(
                    || format!("status {}", resp.status_code()),
                    |e| e.internal.clone().unwrap_or_else(|| e.message.clone()),
                );
                ctx.report("http_5xx", &format!("{method} {path}"), what);
            }
            // Never delays the answer: sent after it.
            worker_ctx.wait_until(ctx.flush_reports());
            (resp, failure, ctx.db.rows_read(), ctx.config.benchmark)
        }
        Err(e) => (respond::error(&e), Some(e), 0, false),
    };
    let headers = resp.headers_mut();
    let _ = headers.set("x-request-id", &request_id);
    if benchmark {
        let _ = headers.set("x-d1-rows-read", &rows_read.to_string());
    }

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
        line["code"] = code.as_str().into();
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

/// A GET or HEAD of another spelling of a path (`/media//x`, `/join/`):
/// where its one spelling is, with the query as sent. Every path has one
/// spelling, so the edge cache only ever holds (and purges) that one.
fn non_canonical(req: &Request, path: &str) -> Option<String> {
    if edge_cache::is_canonical(path) || !matches!(req.method(), worker::Method::Get | worker::Method::Head) {
        return None;
    }
    let canonical = edge_cache::canonical_path(path);
    Some(match req.url().ok()?.query() {
        Some(q) if !q.is_empty() => format!("{canonical}?{q}"),
        _ => canonical,
    })
}

/// The Cache API key of a public GET (see `platform::edge_cache`).
fn public_cache_key(ctx: &Ctx, req: &Request) -> Option<String> {
    if req.method() != worker::Method::Get {
        return None;
    }
    let url = req.url().ok()?;
    edge_cache::key(&ctx.config.public_base_url, url.path(), url.query())
}
