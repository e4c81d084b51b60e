//! The pages a penitip opens, rendered by the Worker (spec §8 and the public
//! side of the product), and the shortlinks that lead to them.

pub mod html;
pub mod layout;
pub mod ordering;
pub mod public;
pub mod seo;
pub mod shortlink;
pub mod unsubscribe;

use std::collections::HashMap;

use worker::{Method, Request, Response};

use crate::domain::error::{ApiError, ApiResult};
use crate::http::app::App;
use crate::http::query::params;
use html::Html;
use layout::Meta;

/// Every page path; anything else that looks like a shortlink redirects.
pub async fn route(app: &App, req: &mut Request, segments: &[String]) -> ApiResult<Response> {
    let q = params(req);
    // HEAD is answered like GET (the runtime drops the body).
    let method = match req.method() {
        Method::Head => Method::Get,
        m => m,
    };
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (method, s.as_slice()) {
        (Method::Get, []) => public::home(app),
        (Method::Get, ["profile"]) => public::profile(app, q.get("user").map_or("", String::as_str)).await,
        (Method::Get, ["join"]) => public::join(app, &q, None).await,
        (Method::Post, ["join"]) => public::join_submit(app, req, &q).await,
        (Method::Get, ["order"]) => ordering::product(app, &q, None).await,
        (Method::Post, ["order"]) => ordering::product_submit(app, req, &q).await,
        (Method::Get, ["order", id]) => {
            let notice =
                (param(&q, "uploaded") == "1").then_some((200, "Bukti bayar terkirim. Jastiper akan mengeceknya."));
            ordering::status(app, req, id, notice).await
        }
        (Method::Post, ["order", id, "proof"]) => ordering::proof_submit(app, req, id).await,
        (Method::Get, ["unsubscribe"]) => unsubscribe::confirm(app, &q),
        (Method::Post, ["unsubscribe"]) => unsubscribe::submit(app, &q).await,
        (Method::Get, ["robots.txt"]) => seo::robots(app),
        (Method::Get, ["sitemap.xml"]) => seo::sitemap(app).await,
        (Method::Get, _) => {
            let query = req.url().ok().and_then(|u| u.query().map(String::from));
            match shortlink::resolve(&s, query.as_deref()) {
                Some(target) => redirect(&target),
                None => not_found(app, "Halaman tidak ditemukan", "Link ini tidak ada. Cek lagi alamatnya ya."),
            }
        }
        _ => Err(ApiError::method_not_allowed()),
    }
}

pub fn redirect(location: &str) -> ApiResult<Response> {
    let mut resp = Response::empty().map_err(|e| ApiError::internal(e.to_string()))?.with_status(302);
    set(&mut resp, "location", location)?;
    set(&mut resp, "cache-control", "public, max-age=300")?;
    Ok(resp)
}

/// 303 after a form post, so a reload does not post again.
pub fn see_other(location: &str) -> ApiResult<Response> {
    let mut resp = Response::empty().map_err(|e| ApiError::internal(e.to_string()))?.with_status(303);
    set(&mut resp, "location", location)?;
    set(&mut resp, "cache-control", "no-store")?;
    Ok(resp)
}

fn set(resp: &mut Response, k: &str, v: &str) -> ApiResult<()> {
    resp.headers_mut().set(k, v).map_err(|e| ApiError::internal(e.to_string()))
}

/// Inline scripts and styles only; images from here or https; forms post here.
const CSP: &str = "default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; \
                   script-src 'unsafe-inline'; form-action 'self' https://wa.me; base-uri 'none'; frame-ancestors 'none'";

pub fn html_response(status: u16, body: String, cache: &str) -> ApiResult<Response> {
    let mut resp = Response::from_html(body).map_err(|e| ApiError::internal(e.to_string()))?.with_status(status);
    for (k, v) in [
        ("cache-control", cache),
        ("content-security-policy", CSP),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
    ] {
        set(&mut resp, k, v)?;
    }
    Ok(resp)
}

/// The friendly 404 page.
pub fn not_found(app: &App, title: &str, message: &str) -> ApiResult<Response> {
    let mut b = Html::new();
    b.raw("<h1 style=\"margin-top:2rem\">").text(title).raw("</h1><p>").text(message).raw("</p>");
    b.raw("<a class=\"btn alt\" href=\"/\">Ke beranda Jastipin</a>");
    let url = format!("{}/", app.config.public_base_url);
    let meta = Meta { title, description: message, image: None, url: &url };
    html_response(404, layout::page(&meta, &b), "no-store")
}

/// A urlencoded form body as a JSON object of strings (numbers where a field
/// is numeric), so the API's validators read it.
pub async fn form_fields(req: &mut Request, numeric: &[&str]) -> ApiResult<serde_json::Map<String, serde_json::Value>> {
    let bytes = crate::http::body::bytes(req, crate::http::body::JSON_LIMIT).await?;
    let mut map = serde_json::Map::new();
    for (k, v) in form_urlencoded::parse(&bytes) {
        let value = match v.trim().parse::<i64>() {
            Ok(n) if numeric.contains(&k.as_ref()) => serde_json::Value::from(n),
            _ => serde_json::Value::from(v.into_owned()),
        };
        map.insert(k.into_owned(), value);
    }
    Ok(map)
}

pub fn param<'a>(q: &'a HashMap<String, String>, key: &str) -> &'a str {
    q.get(key).map_or("", String::as_str)
}
