//! Who is calling: a valid `Authorization: Bearer <JWT>` (or 401), the
//! caller's address, and the abuse limits counted per address or phone.

use worker::Request;

use crate::ctx::Ctx;
use crate::domain::token::{verify_access, AccessClaims};
use crate::domain::user::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::platform::limits::{self, Limit};

pub fn require_user(ctx: &Ctx, req: &Request) -> ApiResult<AuthUser> {
    let header = req.headers().get("authorization").ok().flatten().unwrap_or_default();
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unauthorized("Missing token: send Authorization: Bearer <token>"))?;
    let AccessClaims { sub, slug, email } = verify_access(ctx.config.jwt_key()?, token, ctx.now)
        .map_err(|_| ApiError::unauthorized("Invalid or expired token"))?;
    Ok(AuthUser { id: sub, slug, email })
}

/// The signed-in user when an `Authorization` header is sent (an invalid one
/// is still 401); `None` for an anonymous request.
pub fn optional_user(ctx: &Ctx, req: &Request) -> ApiResult<Option<AuthUser>> {
    match req.headers().get("authorization").ok().flatten() {
        Some(_) => require_user(ctx, req).map(Some),
        None => Ok(None),
    }
}

/// A link's token, from `?token=` or `header` (`x-order-token`,
/// `x-bill-token`); `None` when neither carries one (the caller may be the owner).
pub fn link_token(req: &Request, header: &str) -> Option<String> {
    super::query::params(req)
        .get("token")
        .cloned()
        .or_else(|| req.headers().get(header).ok().flatten())
        .filter(|t| !t.is_empty())
}

/// The caller's address as Cloudflare saw it (`CF-Connecting-IP`, which a
/// client cannot set through Cloudflare); "local" where there is none.
pub fn client_address(req: &Request) -> String {
    req.headers().get("cf-connecting-ip").ok().flatten().filter(|a| !a.is_empty()).unwrap_or_else(|| "local".into())
}

/// One call of this client address against `limit`, keyed by what it does.
/// Cloudflare sets `CF-Connecting-IP` to the visitor's public address on
/// every request it forwards; only local development (wrangler dev and the
/// test harness, which set it to the loopback address, or leave it out) has
/// none or a loopback one, and is not limited by address (per-phone limits
/// still apply).
pub async fn limit_address(ctx: &Ctx, req: &Request, limit: Limit, action: &str) -> ApiResult<()> {
    let address = client_address(req);
    if is_local(&address) {
        return Ok(());
    }
    limits::check(&ctx.env, limit, &format!("{action}:{address}")).await
}

/// The caller's public address, `None` in local development (as `limit_address`).
pub fn public_address(req: &Request) -> Option<String> {
    Some(client_address(req)).filter(|a| !is_local(a))
}

fn is_local(address: &str) -> bool {
    address == "local" || address == "::1" || address.starts_with("127.")
}

/// One join or order naming `phone`, whoever sends it.
pub async fn limit_phone(ctx: &Ctx, action: &str, phone: &str) -> ApiResult<()> {
    limits::check(&ctx.env, Limit::Phone, &format!("{action}:{phone}")).await
}
