//! The pages a penitip opens, rendered by the Worker with maud templates
//! (the kit in `web::page`), and the shortlinks that lead to them. Every
//! failure of a page answers an Indonesian HTML page (`web::page::error_page`),
//! never JSON.

pub mod bill;
pub mod layout;
pub mod ordering;
pub mod public;
pub mod seo;
pub mod shortlink;
pub mod unsubscribe;

use worker::{Method, Request, Response};

use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::web::form::FormState;
use crate::web::page::not_found;
use crate::web::query::{param, params};
use crate::web::respond;

/// What a link may show, or `None` when its token opens nothing (a 404 of
/// the service becomes the page's own friendly "not found").
pub fn found<T>(result: ApiResult<T>) -> ApiResult<Option<T>> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.code == crate::error::ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Every page path (`crate::router` sends the dashboard's elsewhere);
/// anything else that looks like a shortlink redirects.
pub async fn route(ctx: &Ctx, req: &mut Request, method: Method, s: &[&str]) -> ApiResult<Response> {
    let q = params(req);
    match (method, s) {
        (Method::Get, []) => public::home(ctx),
        (Method::Get, ["profile"]) => public::profile(ctx, param(&q, "user")).await,
        (Method::Get, ["join"]) => public::join(ctx, &q, FormState::default(), None).await,
        (Method::Post, ["join"]) => public::join_submit(ctx, req, &q).await,
        (Method::Get, ["order"]) => ordering::product(ctx, &q, FormState::default()).await,
        (Method::Post, ["order"]) => ordering::product_submit(ctx, req, &q).await,
        (Method::Get, ["order", id]) => ordering::status(ctx, id, param(&q, "token")).await,
        (Method::Post, ["order", id, "proof"]) => ordering::proof_submit(ctx, req, id).await,
        (Method::Get, ["b", id]) => {
            bill::page_for(ctx, id, param(&q, "token"), FormState::default(), param(&q, "uploaded") == "1").await
        }
        (Method::Post, ["b", id, "proof"]) => bill::proof_submit(ctx, req, id, param(&q, "token")).await,
        (Method::Post, ["b", id, "address"]) => bill::address_submit(ctx, req, id, param(&q, "token")).await,
        (Method::Post, ["checkout"]) => bill::checkout_submit(ctx, req, &q).await,
        (Method::Get, ["unsubscribe"]) => unsubscribe::confirm(ctx, &q),
        (Method::Post, ["unsubscribe"]) => unsubscribe::submit(ctx, &q).await,
        (Method::Get, ["robots.txt"]) => seo::robots(ctx),
        (Method::Get, ["sitemap.xml"]) => seo::sitemap(ctx).await,
        (Method::Get, _) => {
            let query = req.url().ok().and_then(|u| u.query().map(String::from));
            match shortlink::resolve(s, query.as_deref()) {
                Some(target) => respond::redirect(&target),
                None => not_found(ctx, "Halaman tidak ditemukan", "Link ini tidak ada. Cek lagi alamatnya ya."),
            }
        }
        (_, ["checkout"] | ["b", _, "proof"] | ["b", _, "address"]) => {
            Err(ApiError::method_not_allowed().allowing("POST"))
        }
        (_, ["join"] | ["order"] | ["order", _, "proof"] | ["unsubscribe"]) => {
            Err(ApiError::method_not_allowed().allowing("GET, HEAD, POST"))
        }
        _ => Err(ApiError::method_not_allowed().allowing("GET, HEAD")),
    }
}
