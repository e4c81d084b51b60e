//! The pages a penitip opens, rendered by the Worker with maud templates,
//! and the shortlinks that lead to them. Every failure of a page answers an
//! Indonesian HTML page (`error_page`), never JSON.

pub mod html;
pub mod layout;
pub mod ordering;
pub mod public;
pub mod seo;
pub mod shortlink;
pub mod unsubscribe;

use maud::html;
use worker::{Method, Request, Response};

use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::web::query::{param, params};
use crate::web::respond;
use layout::Meta;

/// Every page path; anything else that looks like a shortlink redirects.
pub async fn route(ctx: &Ctx, req: &mut Request, segments: &[String]) -> ApiResult<Response> {
    let q = params(req);
    // HEAD is answered like GET (the runtime drops the body).
    let method = match (req.method(), req.inner().method().as_str()) {
        (Method::Head, _) => Method::Get,
        // An unknown method is read as GET by workers-rs: refuse it.
        (_, "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "TRACE") => req.method(),
        _ => Method::Connect,
    };
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    if let Some(answer) = crate::dashboard::route(ctx, req, method.clone(), &s, &q).await? {
        return Ok(answer);
    }
    match (method, s.as_slice()) {
        (Method::Get, []) => public::home(ctx),
        (Method::Get, ["profile"]) => public::profile(ctx, param(&q, "user")).await,
        (Method::Get, ["join"]) => public::join(ctx, &q, None).await,
        (Method::Post, ["join"]) => public::join_submit(ctx, req, &q).await,
        (Method::Get, ["order"]) => ordering::product(ctx, &q, None).await,
        (Method::Post, ["order"]) => ordering::product_submit(ctx, req, &q).await,
        (Method::Get, ["order", id]) => {
            let notice =
                (param(&q, "uploaded") == "1").then_some((200, "Bukti bayar terkirim. Jastiper akan mengeceknya."));
            ordering::status(ctx, req, id, notice).await
        }
        (Method::Post, ["order", id, "proof"]) => ordering::proof_submit(ctx, req, id).await,
        (Method::Get, ["unsubscribe"]) => unsubscribe::confirm(ctx, &q),
        (Method::Post, ["unsubscribe"]) => unsubscribe::submit(ctx, &q).await,
        (Method::Get, ["robots.txt"]) => seo::robots(ctx),
        (Method::Get, ["sitemap.xml"]) => seo::sitemap(ctx).await,
        (Method::Get, _) => {
            let query = req.url().ok().and_then(|u| u.query().map(String::from));
            match shortlink::resolve(&s, query.as_deref()) {
                Some(target) => respond::redirect(&target),
                None => not_found(ctx, "Halaman tidak ditemukan", "Link ini tidak ada. Cek lagi alamatnya ya."),
            }
        }
        (_, ["join"] | ["order"] | ["order", _, "proof"] | ["unsubscribe"]) => {
            Err(ApiError::method_not_allowed().allowing("GET, HEAD, POST"))
        }
        _ => Err(ApiError::method_not_allowed().allowing("GET, HEAD")),
    }
}

/// `'sha256-…'` of an inline block, as a CSP source.
fn csp_hash(block: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("'sha256-{}'", crate::domain::encoding::b64(&Sha256::digest(block.as_bytes())))
}

/// Only our own inline style and script run (by their hashes, so an injected
/// one would not); images only from this service (uploads), never a third
/// party that could track visitors; forms post here or to WhatsApp.
fn csp() -> &'static str {
    static CSP: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    CSP.get_or_init(|| {
        format!(
            "default-src 'none'; img-src 'self' data:; style-src {}; script-src {} {}; \
             form-action 'self' https://wa.me; base-uri 'none'; frame-ancestors 'none'",
            csp_hash(layout::STYLE),
            csp_hash(public::JOIN_SCRIPT),
            csp_hash(crate::dashboard::view::SCRIPT)
        )
    })
}

pub fn html_response(status: u16, body: String, cache: &str) -> ApiResult<Response> {
    let mut resp = Response::from_html(body)?.with_status(status);
    let headers = resp.headers_mut();
    for (k, v) in [
        ("cache-control", cache),
        ("content-security-policy", csp()),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
    ] {
        headers.set(k, v)?;
    }
    Ok(resp)
}

fn message_page(ctx: &Ctx, status: u16, title: &str, message: &str) -> ApiResult<Response> {
    let body = html! {
        h1.mt2 { (title) }
        p { (message) }
        a.btn.alt href="/" { "Ke beranda Jastipin" }
    };
    let url = format!("{}/", ctx.config.public_base_url);
    let meta = Meta { title, description: message, image: None, url: &url };
    html_response(status, layout::page(&meta, body), "no-store")
}

/// The friendly 404 page.
pub fn not_found(ctx: &Ctx, title: &str, message: &str) -> ApiResult<Response> {
    message_page(ctx, 404, title, message)
}

/// What a page answers when it fails: the same status as the API would,
/// with an Indonesian explanation. Never fails itself.
pub fn error_page(ctx: &Ctx, e: &ApiError) -> Response {
    let (title, message) = match e.code {
        ErrorCode::NotFound => ("Halaman tidak ditemukan", "Link ini tidak ada. Cek lagi alamatnya ya."),
        ErrorCode::MethodNotAllowed => {
            ("Tidak bisa dibuka begini", "Halaman ini tidak menerima permintaan seperti itu.")
        }
        ErrorCode::PayloadTooLarge => {
            ("Terlalu besar", "Kiriman ini terlalu besar. Coba lagi dengan file yang lebih kecil.")
        }
        ErrorCode::TooManyRequests => ("Terlalu sering", "Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi."),
        c if c.status() < 500 => ("Permintaan tidak bisa diproses", "Ada yang belum benar. Kembali lalu coba lagi."),
        _ => ("Maaf, ada gangguan", "Ada masalah di sisi kami. Coba lagi sebentar lagi."),
    };
    let page = message_page(ctx, e.status(), title, message);
    let page = match (page, e.retry_after) {
        (Ok(resp), Some(secs)) => respond::header(resp, "retry-after", &secs.to_string()),
        (page, _) => page,
    };
    let page = match (page, e.allow) {
        (Ok(resp), Some(methods)) => respond::header(resp, "allow", methods),
        (page, _) => page,
    };
    page.unwrap_or_else(|_| respond::error(e))
}
