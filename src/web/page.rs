//! The HTML kit both page edges (the penitip's pages and the dashboard)
//! build with: the page shell (head with Open Graph and Twitter tags, the
//! one stylesheet, the one script), the response with its CSP, the
//! Indonesian error page, and the components both show (payment details).

use maud::{html, Markup, PreEscaped, DOCTYPE};
use worker::Response;

use super::html::SafeUrl;
use super::respond;
use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::store::users::Payment;

/// The one stylesheet, written in `style.css` and inlined at build time
/// (one request per page; the CSP allows no other origin).
pub const STYLE: &str = include_str!("style.css");

/// The one script: copy and share buttons, printing, photos resized in the
/// browser before upload, the join page's WhatsApp text. Pages work without
/// it; it is allowed by its hash in the CSP.
pub const SCRIPT: &str = include_str!("script.js");

pub struct Meta<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// Absolute URL of the preview image, if any.
    pub image: Option<&'a str>,
    /// Absolute URL of the page.
    pub url: &'a str,
}

/// A whole page around `body`.
pub fn page(meta: &Meta<'_>, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="id" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                meta name="theme-color" content="#FB923C";
                link rel="icon" href="data:,";
                title { (meta.title) " · Jastipin" }
                meta name="description" content=(meta.description);
                meta property="og:site_name" content="Jastipin";
                meta property="og:type" content="website";
                meta property="og:title" content=(meta.title);
                meta property="og:description" content=(meta.description);
                meta property="og:url" content=(SafeUrl(meta.url));
                meta name="twitter:title" content=(meta.title);
                meta name="twitter:description" content=(meta.description);
                @if let Some(img) = meta.image {
                    meta property="og:image" content=(SafeUrl(img));
                    meta name="twitter:image" content=(SafeUrl(img));
                    meta name="twitter:card" content="summary_large_image";
                } @else {
                    meta name="twitter:card" content="summary";
                }
                style { (PreEscaped(STYLE)) }
            }
            body {
                main {
                    (body)
                    footer { "Jastipin · jasa titip jadi gampang" }
                }
            }
        }
    }
    .into_string()
}

/// The script element, for pages that use it.
pub fn script() -> Markup {
    html! { script { (PreEscaped(SCRIPT)) } }
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
            "default-src 'none'; img-src 'self' data:; style-src {}; script-src {}; \
             form-action 'self' https://wa.me; base-uri 'none'; frame-ancestors 'none'",
            csp_hash(STYLE),
            csp_hash(SCRIPT)
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
    html_response(status, page(&meta, body), "no-store")
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

/// How to pay the jastiper: bank transfer, e-wallets, QRIS (what she set in
/// her dashboard), or a note to ask her when she set nothing yet.
pub fn payment_details(payment: Option<&Payment>) -> Markup {
    html! {
        div #payment-details {
            @match payment.filter(|p| !p.is_empty()) {
                Some(p) => {
                    @if let Some(account) = &p.pay_bank_account {
                        p.pay { "Transfer " (p.pay_bank_name.as_deref().unwrap_or("bank")) ": " b.acct { (account) }
                            @if let Some(h) = &p.pay_bank_holder { " a.n. " (h) } }
                    }
                    @for (label, number) in p.wallets() {
                        p.pay { (label) ": " b.acct { (number) } }
                    }
                    @if let Some(q) = &p.qris_image {
                        img.qris alt="QRIS untuk membayar" src=(SafeUrl(q));
                    }
                }
                None => p { "Jastiper belum mengisi cara pembayaran. Tanyakan lewat WhatsApp." }
            }
        }
    }
}
