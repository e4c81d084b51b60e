//! The dashboard's browser session: an `HttpOnly; Secure; SameSite=Lax`
//! cookie holding a secret (only its hash is stored), and the two checks
//! every state-changing form passes: the request comes from this site
//! (`Sec-Fetch-Site` / `Origin`) and carries the session's CSRF token.

use worker::{Request, Response};

use crate::ctx::Ctx;
use crate::domain::encoding::constant_time_eq;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::service::accounts::{self, PageSession, PAGE_SESSION_SECS};
use crate::web::respond;

/// `__Host-`: the browser keeps it only when Secure, on this host, for `/`.
pub const COOKIE: &str = "__Host-jastipin";

pub fn set_cookie(secret: &str) -> String {
    format!("{COOKIE}={secret}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age={PAGE_SESSION_SECS}")
}

pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0")
}

pub fn secret(req: &Request) -> Option<String> {
    respond::cookie(req.headers().get("cookie").ok().flatten(), COOKIE).filter(|s| !s.is_empty())
}

/// The signed-in jastiper, if the cookie names a live session.
pub async fn current(ctx: &Ctx, req: &Request) -> ApiResult<Option<PageSession>> {
    match secret(req) {
        Some(s) => accounts::page_session(ctx, &s).await,
        None => Ok(None),
    }
}

/// To the login page, coming back to this page afterwards.
pub fn to_login(req: &Request) -> ApiResult<Response> {
    let url = req.url()?;
    let back = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let back = if req.inner().method() == "GET" { back } else { "/dashboard".into() };
    respond::see_other(&format!("/login?next={}", crate::web::html::encode_component(&back)))
}

/// A form posted from another site is refused before anything is read:
/// browsers send `Sec-Fetch-Site` (and `Origin`) with every form post.
pub fn same_site(req: &Request) -> ApiResult<()> {
    let header = |name: &str| req.headers().get(name).ok().flatten();
    let cross = ApiError::new(ErrorCode::Forbidden, "This form was sent from another site");
    if let Some(site) = header("sec-fetch-site") {
        return match site.as_str() {
            "same-origin" | "none" => Ok(()),
            _ => Err(cross),
        };
    }
    match header("origin") {
        Some(origin) if origin != "null" => {
            let url = req.url()?;
            let own = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
            let own = match url.port() {
                Some(p) => format!("{own}:{p}"),
                None => own,
            };
            if origin == own {
                Ok(())
            } else {
                Err(cross)
            }
        }
        Some(_) => Err(cross),
        None => Ok(()),
    }
}

/// The form's `csrf` field must be this session's token.
pub fn check_token(session: &PageSession, sent: &str) -> ApiResult<()> {
    if !sent.is_empty() && constant_time_eq(sent.as_bytes(), session.csrf.as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::Forbidden, "The form's token is missing or stale: reload the page"))
    }
}
