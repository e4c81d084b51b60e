//! Abuse limits on Cloudflare's rate-limiting binding (`[[ratelimits]]` in
//! wrangler.toml; Miniflare emulates it locally). A refused call is a 429
//! with `Retry-After`.

use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Copy)]
pub enum Limit {
    /// Per client address: register, login, password reset (10 a minute).
    Auth,
    /// Per client address: join, order, proof upload (30 a minute).
    Public,
    /// Per phone number: joins and orders naming it (10 a minute).
    Phone,
}

impl Limit {
    fn binding(self) -> &'static str {
        match self {
            Limit::Auth => "RL_AUTH",
            Limit::Public => "RL_PUBLIC",
            Limit::Phone => "RL_PHONE",
        }
    }
}

/// The binding's period: a caller refused now may try again within it.
const PERIOD_SECS: u64 = 60;

/// Counts one call for `key` against `limit`; 429 when over.
pub async fn check(env: &worker::Env, limit: Limit, key: &str) -> ApiResult<()> {
    let limiter = env.rate_limiter(limit.binding())?;
    if limiter.limit(key.to_string()).await?.success {
        Ok(())
    } else {
        Err(ApiError::too_many(PERIOD_SECS))
    }
}
