//! Every route of the service, in one place.

use worker::{Method, Request, Response};

use super::app::App;
use super::{accounts, health, profile};
use crate::domain::error::{ApiError, ApiResult};

pub async fn route(app: &App, req: &mut Request) -> ApiResult<Response> {
    let path = req.path();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let method = req.method();
    use Method::*;
    match segments.as_slice() {
        // GET /api/health — ok after a real D1 query
        ["api", "health"] => match method {
            Get => health::get(app).await,
            _ => Err(ApiError::method_not_allowed()),
        },
        // POST /api/auth/register — create an account, signed in
        ["api", "auth", "register"] => match method {
            Post => accounts::register(app, req).await,
            _ => Err(ApiError::method_not_allowed()),
        },
        // POST /api/auth/login — access token + refresh cookie
        ["api", "auth", "login"] => match method {
            Post => accounts::login(app, req).await,
            _ => Err(ApiError::method_not_allowed()),
        },
        // POST /api/auth/refresh — rotate the refresh cookie, new access token
        ["api", "auth", "refresh"] => match method {
            Post => accounts::refresh(app, req).await,
            _ => Err(ApiError::method_not_allowed()),
        },
        // GET|POST /api/auth/logout — revoke the session
        ["api", "auth", "logout"] => match method {
            Get | Post => accounts::logout(app, req).await,
            _ => Err(ApiError::method_not_allowed()),
        },
        // GET|PATCH /api/profile/me — the signed-in jastiper's account
        ["api", "profile", "me"] => match method {
            Get => profile::me(app, req).await,
            Patch => profile::update_me(app, req).await,
            _ => Err(ApiError::method_not_allowed()),
        },
        // GET /api/profile/:slug — a public profile
        ["api", "profile", slug] => match method {
            Get => profile::public(app, slug).await,
            _ => Err(ApiError::method_not_allowed()),
        },
        // GET /api/__test/panic — only with ENABLE_TEST_ROUTES=1: proves a panic becomes a JSON 500
        ["api", "__test", "panic"] if app.config.test_routes => {
            panic!("deliberate panic from the test route")
        }
        // POST /api/__test/hash/:digest — only with ENABLE_TEST_ROUTES=1: one password hash, for the benchmark
        ["api", "__test", "hash", digest] if app.config.test_routes => health::hash_once(digest),
        ["api", ..] => Err(ApiError::new(404, "not_found", "No such API route")),
        _ => Err(ApiError::new(404, "not_found", "Page not found")),
    }
}
