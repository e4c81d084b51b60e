//! Accounts and sessions: register, log in (throttled), rotate the refresh
//! token, log out. The edge puts the refresh secret in a cookie.

use crate::ctx::Ctx;
use crate::domain::encoding::constant_time_eq;
use crate::domain::ids::{new_id, new_secret, random_alnum};
use crate::domain::messages;
use crate::domain::slug::{self, Slug};
use crate::domain::token::{hash_secret, issue_access, reset_code, reset_code_hash, AccessClaims, REFRESH_TTL_SECS};
use crate::domain::user::{self, Email};
use crate::domain::{password, throttle};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::input::Input;
use crate::platform::queues::{enqueue_inbound, InboundJob, Queue};
use crate::store::outbox::To;
use crate::store::sessions::{self, NewSession};
use crate::store::{login_throttle, password_resets};

use super::outbox::{send_one_as, Draft, PASSWORD_RESET_KIND, RESET_CODE_PLACEHOLDER};
use super::AuthUser;
use crate::store::refresh_tokens::{self, NewRefresh};
use crate::store::users::{self, NewUser, UserRow};

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

    fn row<'a>(&'a self, ctx: &Ctx, user_id: &'a str, family_id: &'a str) -> NewRefresh<'a> {
        NewRefresh {
            id: &self.id,
            user_id,
            family_id,
            token_hash: &self.hash,
            now: ctx.now_secs(),
            expires_at: ctx.now_secs() + REFRESH_TTL_SECS,
        }
    }
}

/// A session just begun: the account, a short-lived access token and the
/// refresh secret (for the cookie).
pub struct Session {
    pub user: UserRow,
    pub access_token: String,
    pub refresh_secret: String,
}

fn access_token(ctx: &Ctx, u: &UserRow) -> ApiResult<String> {
    let claims = AccessClaims { sub: u.id.clone(), slug: u.slug.to_string(), email: u.email.to_string() };
    Ok(issue_access(ctx.config.jwt_key()?, &claims, ctx.now))
}

/// `{ email, password, fullName, slug? }`.
pub struct RegisterForm {
    pub email: Email,
    pub password: String,
    pub full_name: String,
    pub slug: Option<Slug>,
}

impl RegisterForm {
    pub fn parse(mut input: Input) -> ApiResult<RegisterForm> {
        input.only(&["email", "password", "fullName", "slug"]);
        let email = input.required_with("email", Email::parse);
        let pw = input.required_with("password", |s| password::check_policy(s).map(|_| s.to_string()));
        let full_name = input.required_with("fullName", user::parse_full_name);
        let slug = input.optional_str("slug").and_then(|s| input.check("slug", Slug::user(&s)));
        input.finish()?;
        match (email, pw, full_name) {
            (Some(email), Some(password), Some(full_name)) => Ok(RegisterForm { email, password, full_name, slug }),
            _ => Err(ApiError::field("email", "is required")),
        }
    }
}

/// Counts one attempt of `key` under `policy` (before it is checked); 429 when locked.
async fn count_attempt(ctx: &Ctx, key: &str, policy: throttle::Policy) -> ApiResult<()> {
    let now = ctx.now_secs();
    match login_throttle::reserve(&ctx.db, key, now, policy).await?.locked_for(now) {
        Some(wait) => Err(ApiError::too_many(wait)),
        None => Ok(()),
    }
}

/// Creates the account and its first session in one transaction.
/// `client` is the caller's public address (`None` locally): at most five
/// accounts an hour are made from one address, every attempt counted, so
/// registering is no way to sweep emails either.
pub async fn register(ctx: &Ctx, f: RegisterForm, client: Option<&str>) -> ApiResult<Session> {
    if let Some(address) = client {
        count_attempt(ctx, &throttle::accounts_key(address), throttle::ACCOUNTS).await?;
    }
    let slug = match f.slug {
        Some(s) => s,
        None => available_slug(ctx, &slug::derive_user_slug(&f.full_name)).await?,
    };
    let hash = password::hash(&f.password);
    let (id, family) = (new_id(), new_id());
    let now = ctx.now_iso();
    let refresh = Refresh::new();
    let new =
        NewUser { id: &id, email: &f.email, password_hash: &hash, slug: &slug, profile_name: &f.full_name, now: &now };
    let statements = vec![
        users::insert_stmt(&ctx.db, &new)?,
        refresh_tokens::insert_stmt(&ctx.db, &refresh.row(ctx, &id, &family))?,
    ];
    ctx.db.batch(statements).await?;
    let user = UserRow {
        id,
        email: f.email,
        password_hash: hash,
        slug,
        profile_name: Some(f.full_name),
        profile_bio: None,
        avatar: None,
        cover_image: None,
        avatar_key: None,
        cover_key: None,
        phone: None,
        phone_connected_at: None,
        connect_code: None,
        connect_code_expires_at: None,
        previous_phone: None,
        phone_changed_at: None,
        unique_codes: false,
        payment: Default::default(),
    };
    Ok(Session { access_token: access_token(ctx, &user)?, user, refresh_secret: refresh.secret })
}

/// The derived slug, or it with a short random suffix when taken.
async fn available_slug(ctx: &Ctx, base: &str) -> ApiResult<Slug> {
    if !users::slug_taken(&ctx.db, base).await? {
        return Ok(Slug::generated(base.to_string()));
    }
    for _ in 0..5 {
        let candidate = format!("{}-{}", &base[..base.len().min(25)], random_alnum(4));
        if !users::slug_taken(&ctx.db, &candidate).await? {
            return Ok(Slug::generated(candidate));
        }
    }
    Err(ApiError::new(ErrorCode::SlugUnavailable, "Could not find a free profile slug: choose one"))
}

/// `{ email, password }`: the email as typed (trimmed, lower-cased), not checked further.
pub struct LoginForm {
    pub email: String,
    pub password: String,
}

impl LoginForm {
    pub fn parse(mut input: Input) -> ApiResult<LoginForm> {
        input.only(&["email", "password"]);
        let email = input.required_str("email").map(|e| e.trim().to_lowercase());
        let password = input.required_str("password");
        input.finish()?;
        match (email, password) {
            (Some(email), Some(password)) => Ok(LoginForm { email, password }),
            _ => Err(ApiError::field("email", "is required")),
        }
    }
}

/// Counts the attempt for (email, client address) first, in one atomic
/// statement, then checks the password (an unknown email costs the same
/// work) and begins a session. A locked key is refused without checking.
pub async fn login(ctx: &Ctx, f: LoginForm, client: &str) -> ApiResult<Session> {
    let now = ctx.now_secs();
    let key = throttle::key(&f.email, client);
    let attempt = login_throttle::reserve(&ctx.db, &key, now, throttle::LOGIN).await?;
    if let Some(wait) = attempt.locked_for(now) {
        return Err(ApiError::too_many(wait));
    }
    let found = users::by_email(&ctx.db, &f.email).await?;
    let stored = found.as_ref().map_or_else(password::decoy_hash, |u| u.password_hash.clone());
    let valid = password::verify(&f.password, &stored);
    let Some(mut u) = found.filter(|_| valid) else {
        return Err(ApiError::unauthorized("Wrong email or password"));
    };
    login_throttle::clear(&ctx.db, &key).await?;
    if password::needs_rehash(&u.password_hash) {
        u.password_hash = password::hash(&f.password);
        users::set_password_hash(&ctx.db, &u.id, &u.password_hash, &ctx.now_iso()).await?;
    }
    let refresh = Refresh::new();
    refresh_tokens::insert(&ctx.db, &refresh.row(ctx, &u.id, &new_id())).await?;
    Ok(Session { access_token: access_token(ctx, &u)?, user: u, refresh_secret: refresh.secret })
}

/// Rotates a refresh token. A token that was already rotated coming back
/// means it was stolen or replayed: its whole family is revoked.
pub async fn refresh(ctx: &Ctx, presented: &str) -> ApiResult<Session> {
    let hash = hash_secret(presented);
    let now = ctx.now_secs();
    let Some(rotated) = refresh_tokens::consume(&ctx.db, &hash, now).await? else {
        if let Some(known) = refresh_tokens::find(&ctx.db, &hash).await? {
            if known.revoked_at.is_some() {
                refresh_tokens::revoke_family(&ctx.db, &known.family_id, now).await?;
            }
        }
        return Err(ApiError::unauthorized("Refresh token is invalid or expired: sign in again"));
    };
    let u = users::by_id(&ctx.db, &rotated.user_id)
        .await?
        .ok_or_else(|| ApiError::unauthorized("Account no longer exists"))?;
    let next = Refresh::new();
    refresh_tokens::insert(&ctx.db, &next.row(ctx, &u.id, &rotated.family_id)).await?;
    Ok(Session { access_token: access_token(ctx, &u)?, user: u, refresh_secret: next.secret })
}

/// Ends the session a refresh secret belongs to.
pub async fn logout(ctx: &Ctx, presented: Option<&str>) -> ApiResult<()> {
    if let Some(presented) = presented {
        if let Some(known) = refresh_tokens::find(&ctx.db, &hash_secret(presented)).await? {
            refresh_tokens::revoke_family(&ctx.db, &known.family_id, ctx.now_secs()).await?;
        }
    }
    Ok(())
}

/// Every refresh token of the account is revoked and every browser session
/// ends; access tokens already out end within `ACCESS_TTL` (ten minutes).
async fn end_every_session(ctx: &Ctx, user_id: &str) -> ApiResult<()> {
    refresh_tokens::revoke_user(&ctx.db, user_id, ctx.now_secs()).await?;
    sessions::delete_user(&ctx.db, user_id).await?;
    Ok(())
}

/// How long a dashboard session lasts without logging in again.
pub const PAGE_SESSION_SECS: i64 = 30 * 24 * 3600;

/// A signed-in browser: the account, its name for the page header, and the
/// token its forms carry.
pub struct PageSession {
    pub user: AuthUser,
    pub name: String,
    pub csrf: String,
}

/// A new browser session for `user_id`: the secret for its cookie.
pub async fn begin_page_session(ctx: &Ctx, user_id: &str) -> ApiResult<String> {
    let secret = new_secret();
    let (hash, csrf, id) = (hash_secret(&secret), new_secret(), new_id());
    let now = ctx.now_secs();
    let new = NewSession { id: &id, user_id, token_hash: &hash, csrf: &csrf, now, expires_at: now + PAGE_SESSION_SECS };
    sessions::insert(&ctx.db, &new).await?;
    Ok(secret)
}

/// The live session of a cookie's secret, if any.
pub async fn page_session(ctx: &Ctx, secret: &str) -> ApiResult<Option<PageSession>> {
    let row = sessions::live(&ctx.db, &hash_secret(secret), ctx.now_secs()).await?;
    Ok(row.map(|r| PageSession {
        name: r.profile_name.unwrap_or_else(|| r.slug.clone()),
        user: AuthUser { id: r.user_id, slug: r.slug, email: r.email },
        csrf: r.csrf,
    }))
}

/// Logout of one browser.
pub async fn end_page_session(ctx: &Ctx, secret: &str) -> ApiResult<()> {
    sessions::delete(&ctx.db, &hash_secret(secret)).await?;
    Ok(())
}

/// Logout everywhere: every refresh token and browser session of the
/// account ends; access tokens already out end within `ACCESS_TTL` (ten minutes).
pub async fn logout_everywhere(ctx: &Ctx, me: &AuthUser) -> ApiResult<()> {
    end_every_session(ctx, &me.id).await
}

/// `{ currentPassword, newPassword }`.
pub struct ChangePasswordForm {
    pub current: String,
    pub new: String,
}

impl ChangePasswordForm {
    pub fn parse(mut input: Input) -> ApiResult<ChangePasswordForm> {
        input.only(&["currentPassword", "newPassword"]);
        let current = input.required_str("currentPassword");
        let new = input.required_with("newPassword", |s| password::check_policy(s).map(|_| s.to_string()));
        input.finish()?;
        match (current, new) {
            (Some(current), Some(new)) => Ok(ChangePasswordForm { current, new }),
            _ => Err(ApiError::field("newPassword", "is required")),
        }
    }
}

/// Changes the password after checking the current one; every other session
/// ends, and this one continues with a new refresh token.
pub async fn change_password(ctx: &Ctx, me: &AuthUser, f: ChangePasswordForm) -> ApiResult<Session> {
    // Throttled like a login: a stolen session guesses no faster than a stranger.
    let key = throttle::password_check_key(&me.id);
    count_attempt(ctx, &key, throttle::PASSWORD_CHECK).await?;
    let mut u =
        users::by_id(&ctx.db, &me.id).await?.ok_or_else(|| ApiError::unauthorized("Account no longer exists"))?;
    if !password::verify(&f.current, &u.password_hash) {
        // Well-formed but not allowed: 403, like a wrong reset code.
        return Err(ApiError::new(ErrorCode::Forbidden, "The current password is wrong"));
    }
    login_throttle::clear(&ctx.db, &key).await?;
    u.password_hash = password::hash(&f.new);
    users::set_password_hash(&ctx.db, &u.id, &u.password_hash, &ctx.now_iso()).await?;
    end_every_session(ctx, &u.id).await?;
    let refresh = Refresh::new();
    refresh_tokens::insert(&ctx.db, &refresh.row(ctx, &u.id, &new_id())).await?;
    Ok(Session { access_token: access_token(ctx, &u)?, user: u, refresh_secret: refresh.secret })
}

/// How long a reset code lives.
const RESET_TTL_SECS: i64 = 10 * 60;

/// A number connected in place of another gets no reset code for a day:
/// a stranger who connected a number cannot take the account with it
/// before its owner sees the notice (and undoes it).
const RESET_AFTER_NUMBER_CHANGE_SECS: i64 = 24 * 3600;

/// `{ email }`: the same work for any email (parsing, one queue message),
/// so neither the answer nor its time tells which emails have accounts.
/// The inbound consumer looks the account up and sends (`send_reset`).
pub async fn request_reset(ctx: &Ctx, mut input: Input) -> ApiResult<()> {
    input.only(&["email"]);
    let email = input.required_str("email").map(|e| e.trim().to_lowercase());
    input.finish()?;
    let email = email.unwrap_or_default();
    if email.len() > 254 {
        return Ok(()); // no account has such an email
    }
    enqueue_inbound(&ctx.env, vec![InboundJob::PasswordReset { email }]).await
}

/// Sends a one-time code to the account's *connected* WhatsApp number (the
/// one that sent her connect code) with the authentication template; at
/// most three codes an hour per account. Only an HMAC of the code is
/// stored; the delivery derives the code from the outbox row's id.
pub async fn send_reset(ctx: &Ctx, email: &str) -> ApiResult<()> {
    let Some(u) = users::by_email(&ctx.db, email).await? else {
        return Ok(());
    };
    let (Some(phone), Some(_)) = (u.phone.as_ref(), u.phone_connected_at.as_ref()) else {
        return Ok(());
    };
    let recent_change = u
        .phone_changed_at
        .as_deref()
        .and_then(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok())
        .is_some_and(|t| ctx.now_secs() - t.timestamp() < RESET_AFTER_NUMBER_CHANGE_SECS);
    if recent_change {
        return Ok(());
    }
    let now = ctx.now_secs();
    let sends = login_throttle::reserve(&ctx.db, &throttle::reset_sends_key(&u.id), now, throttle::RESET_SENDS).await?;
    if sends.locked_for(now).is_some() {
        return Ok(()); // three codes this hour already
    }
    let secret = ctx.config.jwt_key()?;
    let outbox_id = new_id();
    let code = reset_code(secret, &outbox_id);
    password_resets::put(&ctx.db, &u.id, &reset_code_hash(secret, &u.id, &code), ctx.now_secs() + RESET_TTL_SECS)
        .await?;
    let key = format!("{PASSWORD_RESET_KIND}:{}:{outbox_id}", u.id);
    let to = To { key: &key, recipient: phone.as_str(), trip_id: None, participant_id: None };
    let draft = Draft {
        kind: PASSWORD_RESET_KIND,
        queue: Queue::Confirmation,
        message: messages::password_reset_code(RESET_CODE_PLACEHOLDER),
        template: Some(&ctx.config.wa.template_auth),
    };
    send_one_as(ctx, &outbox_id, &to, &draft).await?;
    Ok(())
}

/// `{ email, code, newPassword }`.
pub struct ResetForm {
    pub email: String,
    pub code: String,
    pub new: String,
}

impl ResetForm {
    pub fn parse(mut input: Input) -> ApiResult<ResetForm> {
        input.only(&["email", "code", "newPassword"]);
        let email = input.required_str("email").map(|e| e.trim().to_lowercase());
        let code = input.required_str("code").map(|c| c.trim().to_string());
        let new = input.required_with("newPassword", |s| password::check_policy(s).map(|_| s.to_string()));
        input.finish()?;
        match (email, code, new) {
            (Some(email), Some(code), Some(new)) => Ok(ResetForm { email, code, new }),
            _ => Err(ApiError::field("code", "is required")),
        }
    }
}

/// Sets a new password with a valid code (ten minutes); every session
/// ends. Tries are counted per email before anything is looked up (five an
/// hour, whatever code is live), and an unknown email costs the same read.
pub async fn reset_password(ctx: &Ctx, f: ResetForm) -> ApiResult<()> {
    let refused = || ApiError::new(ErrorCode::Forbidden, "The code is wrong or expired: ask for a new one");
    let tries = throttle::reset_tries_key(&f.email);
    count_attempt(ctx, &tries, throttle::RESET_TRIES).await?;
    let target = password_resets::target(&ctx.db, &f.email).await?;
    let secret = ctx.config.jwt_key()?;
    // An unknown email, or an account without a code, compares against "": never equal.
    let (user_id, stored, expires) = match &target {
        Some(t) => (t.user_id.as_str(), t.code_hash.as_deref().unwrap_or(""), t.expires_at.unwrap_or(0)),
        None => ("", "", 0),
    };
    let presented = reset_code_hash(secret, user_id, &f.code);
    if !constant_time_eq(presented.as_bytes(), stored.as_bytes()) || expires <= ctx.now_secs() {
        return Err(refused());
    }
    users::set_password_hash(&ctx.db, user_id, &password::hash(&f.new), &ctx.now_iso()).await?;
    password_resets::delete(&ctx.db, user_id).await?;
    login_throttle::clear(&ctx.db, &tries).await?;
    end_every_session(ctx, user_id).await?;
    Ok(())
}
