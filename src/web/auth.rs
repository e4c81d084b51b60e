//! Who is calling: a valid `Authorization: Bearer <JWT>` (or 401), and how a
//! request may see an order (its token, or as the trip's owner).

use worker::Request;

use super::query::params;
use crate::ctx::Ctx;
use crate::domain::token::{verify_access, AccessClaims};
use crate::error::{ApiError, ApiResult};
use crate::service::orders::OrderAccess;
use crate::service::AuthUser;

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

/// The order token of `?token=` or `X-Order-Token`, else the signed-in owner.
pub fn order_access(ctx: &Ctx, req: &Request) -> ApiResult<OrderAccess> {
    let token = params(req)
        .get("token")
        .cloned()
        .or_else(|| req.headers().get("x-order-token").ok().flatten())
        .filter(|t| !t.is_empty());
    match token {
        Some(t) => Ok(OrderAccess::Token(t)),
        None => require_user(ctx, req).map(OrderAccess::Owner),
    }
}
