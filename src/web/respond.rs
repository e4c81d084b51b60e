//! Building responses: JSON bodies, the JSON error, redirects, cookies.

use serde::Serialize;
use worker::{Headers, Response};

use crate::error::{ApiError, ApiResult};

fn with_headers(mut resp: Response, headers: &[(&str, &str)]) -> ApiResult<Response> {
    let h: &mut Headers = resp.headers_mut();
    for (k, v) in headers {
        h.set(k, v)?;
    }
    Ok(resp)
}

/// A JSON answer that must not be cached (private data, tokens).
pub fn json(status: u16, body: &impl Serialize) -> ApiResult<Response> {
    json_cached(status, body, "no-store")
}

pub fn json_cached(status: u16, body: &impl Serialize, cache_control: &str) -> ApiResult<Response> {
    let resp = Response::from_json(body)?.with_status(status);
    with_headers(resp, &[("cache-control", cache_control), ("x-content-type-options", "nosniff")])
}

pub fn set_cookie(resp: Response, cookie: &str) -> ApiResult<Response> {
    let mut resp = resp;
    resp.headers_mut().append("set-cookie", cookie)?;
    Ok(resp)
}

pub fn text(status: u16, body: &str) -> ApiResult<Response> {
    let resp = Response::ok(body)?.with_status(status);
    with_headers(resp, &[("content-type", "text/plain; charset=utf-8"), ("cache-control", "no-store")])
}

/// A CSV download named `filename` (private: a trip's buyers and money).
pub fn csv(body: String, filename: &str) -> ApiResult<Response> {
    let resp = Response::ok(body)?;
    let disposition = format!("attachment; filename=\"{filename}\"");
    with_headers(
        resp,
        &[
            ("content-type", "text/csv; charset=utf-8"),
            ("content-disposition", &disposition),
            ("cache-control", "private, no-store"),
            ("x-content-type-options", "nosniff"),
        ],
    )
}

/// The JSON error (docs/ARCHITECTURE.md, "Errors"). Never fails: if even this cannot be built,
/// an empty 500 is returned.
pub fn error(e: &ApiError) -> Response {
    let build = || -> ApiResult<Response> {
        let mut resp = json(e.status(), &e.to_json())?;
        if let Some(secs) = e.retry_after {
            resp = with_headers(resp, &[("retry-after", &secs.to_string())])?;
        }
        if let Some(methods) = e.allow {
            resp = with_headers(resp, &[("allow", methods)])?;
        }
        Ok(resp)
    };
    // Creating an empty JS Response cannot fail in practice.
    build().unwrap_or_else(|_| Response::empty().expect("empty response").with_status(500))
}

/// Reads one cookie from the request's `Cookie` header.
pub fn cookie(header: Option<String>, name: &str) -> Option<String> {
    header?.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// A prepared body of a given type.
pub fn raw(body: &str, content_type: &str, cache_control: &str) -> ApiResult<Response> {
    let resp = Response::ok(body)?;
    with_headers(resp, &[("content-type", content_type), ("cache-control", cache_control)])
}

/// 302 to `location`, cacheable for five minutes (shortlinks).
pub fn redirect(location: &str) -> ApiResult<Response> {
    with_headers(
        Response::empty()?.with_status(302),
        &[("location", location), ("cache-control", "public, max-age=300")],
    )
}

/// 308 to the one spelling of a URL (`http::non_canonical`).
pub fn permanent_redirect(location: &str) -> ApiResult<Response> {
    with_headers(
        Response::empty()?.with_status(308),
        &[("location", location), ("cache-control", "public, max-age=3600")],
    )
}

/// 303 after a form post, so a reload does not post again.
pub fn see_other(location: &str) -> ApiResult<Response> {
    with_headers(Response::empty()?.with_status(303), &[("location", location), ("cache-control", "no-store")])
}

/// 307 to where a POST belongs now: the browser repeats it there, body and all.
pub fn repeat_post_at(location: &str) -> ApiResult<Response> {
    with_headers(Response::empty()?.with_status(307), &[("location", location), ("cache-control", "no-store")])
}

/// Sets one header on a response already built.
pub fn header(mut resp: Response, name: &str, value: &str) -> ApiResult<Response> {
    resp.headers_mut().set(name, value)?;
    Ok(resp)
}

/// Streams an object with its type; `cache` is the Cache-Control to send.
pub async fn stored_object(ctx: &crate::ctx::Ctx, key: &str, cache: &str) -> ApiResult<Response> {
    let not_found = || crate::error::ApiError::not_found("File");
    let (object, content_type) = ctx.media().get(key).await?.ok_or_else(not_found)?;
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
