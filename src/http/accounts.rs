//! `/api/auth/*`: register, login, refresh, logout (spec §5 Auth, §10).

use serde_json::json;
use worker::{Request, Response};

use super::app::App;
use super::{body, respond, views};
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::ids::{new_id, new_secret, random_alnum};
use crate::domain::token::{hash_secret, issue_access, AccessClaims, REFRESH_TTL_SECS};
use crate::domain::{password, slug, throttle, user};
use crate::store::login_attempts;
use crate::store::refresh_tokens::{self, NewRefresh};
use crate::store::users::{self, NewUser, UserRow};

const REFRESH_COOKIE: &str = "jastipin_refresh";

fn refresh_cookie(token: &str) -> String {
    format!("{REFRESH_COOKIE}={token}; HttpOnly; Secure; SameSite=Strict; Path=/api/auth; Max-Age={REFRESH_TTL_SECS}")
}

fn clear_cookie() -> String {
    format!("{REFRESH_COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path=/api/auth; Max-Age=0")
}

fn access_token(app: &App, u: &UserRow) -> ApiResult<String> {
    let claims = AccessClaims { sub: u.id.clone(), slug: u.slug.clone(), email: u.email.clone() };
    Ok(issue_access(app.config.jwt_key()?, &claims, app.now))
}

/// A new refresh token: the secret goes to the cookie, only its hash is stored.
struct Refresh {
    secret: String,
    id: String,
    hash: String,
}

impl Refresh {
    fn new() -> Refresh {
        let secret = new_secret();
        Refresh { hash: hash_secret(&secret), id: new_id(), secret }
    }

    fn row<'a>(&'a self, app: &App, user_id: &'a str, family_id: &'a str) -> NewRefresh<'a> {
        NewRefresh {
            id: &self.id,
            user_id,
            family_id,
            token_hash: &self.hash,
            now: app.now_secs(),
            expires_at: app.now_secs() + REFRESH_TTL_SECS,
        }
    }
}

fn signed_in(app: &App, status: u16, u: &UserRow, refresh: &str) -> ApiResult<Response> {
    let token = access_token(app, u)?;
    let resp = respond::json(status, &json!({ "user": views::user_brief(u), "token": token }))?;
    respond::set_cookie(resp, &refresh_cookie(refresh))
}

/// `POST /api/auth/register` `{ email, password, fullName, slug? }`.
pub async fn register(app: &App, req: &mut Request) -> ApiResult<Response> {
    let mut input = body::json(req).await?;
    input.only(&["email", "password", "fullName", "slug"]);
    let email = input.required_str("email").and_then(|s| input.check("email", user::parse_email(&s)));
    let pw =
        input.required_str("password").and_then(|s| input.check("password", password::check_policy(&s).map(|_| s)));
    let full_name = input.required_str("fullName").and_then(|s| input.check("fullName", user::parse_full_name(&s)));
    let chosen_slug = input.optional_str("slug").and_then(|s| input.check("slug", slug::parse_user_slug(&s)));
    input.finish()?;
    let (Some(email), Some(pw), Some(full_name)) = (email, pw, full_name) else {
        return Err(ApiError::internal("validated fields missing"));
    };

    let slug = match chosen_slug {
        Some(s) => s,
        None => available_slug(app, &slug::derive_user_slug(&full_name)).await?,
    };
    let hash = password::hash(&pw);
    let (id, family) = (new_id(), new_id());
    let now = app.now_iso();
    let refresh = Refresh::new();
    let statements = vec![
        users::insert_stmt(
            &app.db,
            &NewUser { id: &id, email: &email, password_hash: &hash, slug: &slug, profile_name: &full_name, now: &now },
        )?,
        refresh_tokens::insert_stmt(&app.db, &refresh.row(app, &id, &family))?,
    ];
    // One transaction: the account and its first session, or neither.
    app.db.batch(statements).await?;
    let u = UserRow {
        id,
        email,
        password_hash: hash,
        slug,
        profile_name: Some(full_name),
        profile_bio: None,
        avatar: None,
        cover_image: None,
        phone: None,
    };
    signed_in(app, 201, &u, &refresh.secret)
}

/// The derived slug, or it with a short random suffix when taken.
async fn available_slug(app: &App, base: &str) -> ApiResult<String> {
    if !users::slug_taken(&app.db, base).await? {
        return Ok(base.to_string());
    }
    for _ in 0..5 {
        let candidate = format!("{}-{}", &base[..base.len().min(25)], random_alnum(4));
        if !users::slug_taken(&app.db, &candidate).await? {
            return Ok(candidate);
        }
    }
    Err(ApiError::conflict("slug_unavailable", "Could not find a free profile slug: choose one"))
}

/// `POST /api/auth/login` `{ email, password }`.
pub async fn login(app: &App, req: &mut Request) -> ApiResult<Response> {
    let mut input = body::json(req).await?;
    input.only(&["email", "password"]);
    let email = input.required_str("email").map(|e| e.trim().to_lowercase());
    let pw = input.required_str("password");
    input.finish()?;
    let (Some(email), Some(pw)) = (email, pw) else {
        return Err(ApiError::internal("validated fields missing"));
    };

    let now = app.now_secs();
    let attempts = login_attempts::get(&app.db, &email).await?;
    if let Some(wait) = throttle::locked_for(attempts.as_ref(), now) {
        return Err(ApiError::too_many(wait));
    }
    let found = users::by_email(&app.db, &email).await?;
    // An unknown email costs the same hashing work as a wrong password.
    let stored = found.as_ref().map_or_else(password::decoy_hash, |u| u.password_hash.clone());
    let valid = password::verify(&pw, &stored);
    let Some(mut u) = found.filter(|_| valid) else {
        login_attempts::put(&app.db, &email, &throttle::record_failure(attempts.as_ref(), now)).await?;
        return Err(ApiError::unauthorized("Wrong email or password"));
    };
    if attempts.is_some() {
        login_attempts::clear(&app.db, &email).await?;
    }
    if password::needs_rehash(&u.password_hash) {
        u.password_hash = password::hash(&pw);
        users::set_password_hash(&app.db, &u.id, &u.password_hash, &app.now_iso()).await?;
    }
    let refresh = Refresh::new();
    refresh_tokens::insert(&app.db, &refresh.row(app, &u.id, &new_id())).await?;
    signed_in(app, 200, &u, &refresh.secret)
}

/// `POST /api/auth/refresh`: rotates the refresh cookie, answers `{ token }`.
pub async fn refresh(app: &App, req: &Request) -> ApiResult<Response> {
    let presented = respond::cookie(req.headers().get("cookie").ok().flatten(), REFRESH_COOKIE)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unauthorized("No refresh token: sign in again"))?;
    let hash = hash_secret(&presented);
    let now = app.now_secs();
    let Some(rotated) = refresh_tokens::consume(&app.db, &hash, now).await? else {
        if let Some(known) = refresh_tokens::find(&app.db, &hash).await? {
            if known.revoked_at.is_some() {
                // A rotated token came back: it was stolen or replayed. End the whole session.
                refresh_tokens::revoke_family(&app.db, &known.family_id, now).await?;
            }
        }
        return Err(ApiError::unauthorized("Refresh token is invalid or expired: sign in again"));
    };
    let u = users::by_id(&app.db, &rotated.user_id)
        .await?
        .ok_or_else(|| ApiError::unauthorized("Account no longer exists"))?;
    let next = Refresh::new();
    refresh_tokens::insert(&app.db, &next.row(app, &u.id, &rotated.family_id)).await?;
    let resp = respond::json(200, &json!({ "token": access_token(app, &u)? }))?;
    respond::set_cookie(resp, &refresh_cookie(&next.secret))
}

/// `GET|POST /api/auth/logout`: revokes the session's refresh tokens, clears the cookie.
pub async fn logout(app: &App, req: &Request) -> ApiResult<Response> {
    if let Some(presented) = respond::cookie(req.headers().get("cookie").ok().flatten(), REFRESH_COOKIE) {
        if let Some(known) = refresh_tokens::find(&app.db, &hash_secret(&presented)).await? {
            refresh_tokens::revoke_family(&app.db, &known.family_id, app.now_secs()).await?;
        }
    }
    let resp = respond::json(200, &json!({ "message": "Logged out" }))?;
    respond::set_cookie(resp, &clear_cookie())
}
