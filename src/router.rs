//! The outermost HTTP edge: `handle` gives every request an id, answers
//! from the edge cache or redirects to a URL's one spelling, and `route`
//! chooses the edge: the API (`http`), the penitip's pages (`pages`) or the
//! dashboard (`dashboard`). No edge routes into another.

use serde_json::json;
use worker::{Context, Date, Env, Method, Request, Response};

use crate::ctx::Ctx;
use crate::domain::ids::new_id;
use crate::error::{ApiError, ApiResult};
use crate::platform::edge_cache;
use crate::web::respond;

/// Which edge answers a path.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Edge {
    /// `/api/…` and `/media/…`: JSON (and public images), errors as JSON.
    Api,
    /// The jastiper's dashboard and its account pages (`/dashboard…`,
    /// `/login`, `/register`, `/logout`, `/invoice/…`).
    Dashboard,
    /// Everything else: the penitip's pages and the shortlinks.
    Pages,
}

pub fn edge_of(path: &str) -> Edge {
    if path == "/api" || path.starts_with("/api/") || path.starts_with("/media/") {
        return Edge::Api;
    }
    match path.split('/').find(|s| !s.is_empty()).unwrap_or_default() {
        "dashboard" | "login" | "register" | "logout" | "invoice" => Edge::Dashboard,
        _ => Edge::Pages,
    }
}

/// The request's method; one workers-rs does not know (QUERY, PROPFIND …),
/// which it would read as GET, becomes CONNECT, a method no route takes, so
/// it is a 405.
pub fn method(req: &Request) -> Method {
    match req.inner().method().as_str() {
        "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "TRACE" => req.method(),
        _ => Method::Connect,
    }
}

/// Hands the request to its edge. The page edges get the path's segments
/// percent-decoded and HEAD as GET (the runtime drops the body).
async fn route(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    let path = req.path();
    let method = method(req);
    let edge = edge_of(&path);
    if edge == Edge::Api {
        return crate::http::router::route(ctx, req, method).await;
    }
    let decoded: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    let segments: Vec<&str> = decoded.iter().map(String::as_str).collect();
    let method = if method == Method::Head { Method::Get } else { method };
    if edge == Edge::Dashboard {
        crate::dashboard::route(ctx, req, method, &segments).await
    } else {
        crate::pages::route(ctx, req, method, &segments).await
    }
}

/// Every request: an id, the edge cache, one spelling per URL, the edge's
/// answer (an `ApiError` becomes the JSON error, or the Indonesian error
/// page on a page path), a report of any 5xx, and one JSON log line.
pub async fn handle(mut req: Request, env: Env, worker_ctx: Context) -> Response {
    let started = Date::now().as_millis();
    // Cloudflare's cf-ray (worker/entry.mjs uses it too, for panic reports).
    let request_id = req.headers().get("cf-ray").ok().flatten().unwrap_or_else(|| new_id()[..16].to_string());
    let (method, path) = (req.method().to_string(), req.path());

    let is_page = edge_of(&path) != Edge::Api;
    let (mut resp, failure, d1, benchmark) = match Ctx::new(env, request_id.clone()) {
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
                    None => route(&ctx, &mut req).await,
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
                Err(e) if is_page => (crate::web::page::error_page(&ctx, &e), Some(e)),
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
            (resp, failure, (ctx.db.rows_read(), ctx.db.round_trips()), ctx.config.benchmark)
        }
        Err(e) => (respond::error(&e), Some(e), (0, 0), false),
    };
    let (rows_read, round_trips) = d1;
    let headers = resp.headers_mut();
    let _ = headers.set("x-request-id", &request_id);
    if benchmark {
        let _ = headers.set("x-d1-rows-read", &rows_read.to_string());
        let _ = headers.set("x-d1-round-trips", &round_trips.to_string());
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
        "d1RoundTrips": round_trips,
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

#[cfg(test)]
mod tests {
    use super::{edge_of, Edge};

    #[test]
    fn each_path_has_one_edge() {
        for (path, edge) in [
            ("/api/health", Edge::Api),
            ("/api", Edge::Api),
            ("/media", Edge::Pages),
            ("/media/products/x.jpg", Edge::Api),
            ("/dashboard", Edge::Dashboard),
            ("/dashboard/trips/1", Edge::Dashboard),
            ("/login", Edge::Dashboard),
            ("/invoice/abc", Edge::Dashboard),
            ("/", Edge::Pages),
            ("/t/jpn25", Edge::Pages),
            ("/tina", Edge::Pages),
            ("/apix", Edge::Pages),
            ("/order/1", Edge::Pages),
        ] {
            assert_eq!(edge_of(path), edge, "{path}");
        }
    }
}
