//! The auth extractor: a valid `Authorization: Bearer <JWT>` or 401.

use worker::Request;

use super::app::App;
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::token::{verify_access, AccessClaims};

/// The signed-in jastiper, as the access token names them.
pub struct AuthUser {
    pub id: String,
    pub slug: String,
    pub email: String,
}

pub fn require_user(app: &App, req: &Request) -> ApiResult<AuthUser> {
    let header = req.headers().get("authorization").ok().flatten().unwrap_or_default();
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unauthorized("Missing token: send Authorization: Bearer <token>"))?;
    let AccessClaims { sub, slug, email } = verify_access(app.config.jwt_key()?, token, app.now)
        .map_err(|_| ApiError::unauthorized("Invalid or expired token"))?;
    Ok(AuthUser { id: sub, slug, email })
}
