//! SQL for `password_resets`: one live code per account, stored as an HMAC
//! (`domain::token::reset_code_hash`); the code itself is never stored.

use serde::Deserialize;

use super::Db;
use crate::error::ApiResult;

/// An account found by email, with its live reset code if it has one.
#[derive(Debug, Deserialize)]
pub struct ResetTarget {
    pub user_id: String,
    pub code_hash: Option<String>,
    pub expires_at: Option<i64>,
}

/// A new code replaces any earlier one. Tries are limited per account
/// (`domain::throttle::RESET_TRIES`), not per code, so a new code gives no new tries.
pub async fn put(db: &Db, user_id: &str, code_hash: &str, expires_at: i64) -> ApiResult<()> {
    db.exec(
        "INSERT INTO password_resets (user_id, code_hash, expires_at, attempts) VALUES (?1, ?2, ?3, 0)
         ON CONFLICT (user_id) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at",
        &[user_id.into(), code_hash.into(), expires_at.into()],
    )
    .await?;
    Ok(())
}

/// The account of `email` and its code, in one read.
pub async fn target(db: &Db, email: &str) -> ApiResult<Option<ResetTarget>> {
    db.one(
        "SELECT u.id AS user_id, r.code_hash, r.expires_at FROM users u
         LEFT JOIN password_resets r ON r.user_id = u.id WHERE u.email = ?1",
        &[email.into()],
    )
    .await
}

pub async fn delete(db: &Db, user_id: &str) -> ApiResult<()> {
    db.exec("DELETE FROM password_resets WHERE user_id = ?1", &[user_id.into()]).await?;
    Ok(())
}

/// Housekeeping: expired codes.
pub async fn prune(db: &Db, now: i64) -> ApiResult<usize> {
    db.exec("DELETE FROM password_resets WHERE expires_at < ?1", &[now.into()]).await
}
