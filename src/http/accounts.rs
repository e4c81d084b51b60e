//! `/api/auth/*`: register, login, refresh, logout. The refresh token lives
//! in an HttpOnly cookie scoped to `/api/auth`.

use serde_json::json;
use worker::{Request, Response};

use super::views::UserBrief;
use crate::ctx::Ctx;
use crate::domain::token::REFRESH_TTL_SECS;
use crate::error::{ApiError, ApiResult};
use crate::platform::limits::Limit;
use crate::service::accounts::{self, ChangePasswordForm, LoginForm, RegisterForm, ResetForm, Session};
use crate::web::auth::{client_address, limit_address, public_address, require_user};
use crate::web::{body, respond};

const REFRESH_COOKIE: &str = "jastipin_refresh";

fn refresh_cookie(token: &str) -> String {
    format!("{REFRESH_COOKIE}={token}; HttpOnly; Secure; SameSite=Strict; Path=/api/auth; Max-Age={REFRESH_TTL_SECS}")
}

fn clear_cookie() -> String {
    format!("{REFRESH_COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path=/api/auth; Max-Age=0")
}

fn presented(req: &Request) -> Option<String> {
    respond::cookie(req.headers().get("cookie").ok().flatten(), REFRESH_COOKIE)
}

fn signed_in(status: u16, s: &Session) -> ApiResult<Response> {
    let resp = respond::json(status, &json!({ "user": UserBrief::from(&s.user), "token": s.access_token }))?;
    respond::set_cookie(resp, &refresh_cookie(&s.refresh_secret))
}

/// `POST /api/auth/register` `{ email, password, fullName, slug? }`.
pub async fn register(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    limit_address(ctx, req, Limit::Auth, "register").await?;
    let form = RegisterForm::parse(body::json(req).await?)?;
    signed_in(201, &accounts::register(ctx, form, public_address(req).as_deref()).await?)
}

/// `POST /api/auth/login` `{ email, password }`.
pub async fn login(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    limit_address(ctx, req, Limit::Auth, "login").await?;
    let form = LoginForm::parse(body::json(req).await?)?;
    signed_in(200, &accounts::login(ctx, form, &client_address(req)).await?)
}

/// `POST /api/auth/refresh`: rotates the refresh cookie, answers `{ token }`.
pub async fn refresh(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    let token = presented(req)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unauthorized("No refresh token: sign in again"))?;
    let s = accounts::refresh(ctx, &token).await?;
    let resp = respond::json(200, &json!({ "token": s.access_token }))?;
    respond::set_cookie(resp, &refresh_cookie(&s.refresh_secret))
}

/// `GET|POST /api/auth/logout`: revokes the session's refresh tokens, clears the cookie.
pub async fn logout(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    accounts::logout(ctx, presented(req).as_deref()).await?;
    let resp = respond::json(200, &json!({ "message": "Logged out" }))?;
    respond::set_cookie(resp, &clear_cookie())
}

/// `POST /api/auth/logout-everywhere` (bearer): every session ends.
pub async fn logout_everywhere(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    accounts::logout_everywhere(ctx, &me).await?;
    let resp = respond::json(200, &json!({ "message": "Logged out everywhere" }))?;
    respond::set_cookie(resp, &clear_cookie())
}

/// `POST /api/auth/password` `{ currentPassword, newPassword }` (bearer).
pub async fn change_password(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let form = ChangePasswordForm::parse(body::json(req).await?)?;
    signed_in(200, &accounts::change_password(ctx, &me, form).await?)
}

/// `POST /api/auth/password-reset` `{ email }`: always 202.
pub async fn request_reset(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    limit_address(ctx, req, Limit::Auth, "reset").await?;
    accounts::request_reset(ctx, body::json(req).await?).await?;
    let message = "If this email has an account with a WhatsApp number, a code is on its way";
    respond::json(202, &json!({ "message": message }))
}

/// `POST /api/auth/password-reset/confirm` `{ email, code, newPassword }`.
pub async fn reset_password(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    limit_address(ctx, req, Limit::Auth, "reset").await?;
    let form = ResetForm::parse(body::json(req).await?)?;
    accounts::reset_password(ctx, form).await?;
    let resp = respond::json(200, &json!({ "message": "Password changed: sign in again" }))?;
    respond::set_cookie(resp, &clear_cookie())
}
