//! SQL for `password_resets`: one live code per account, stored hashed.

use serde::Deserialize;

use super::Db;
use crate::error::ApiResult;

#[derive(Debug, Deserialize)]
pub struct ResetRow {
    pub code_hash: String,
    pub expires_at: i64,
    pub attempts: i64,
}

/// A new code replaces any earlier one.
pub async fn put(db: &Db, user_id: &str, code_hash: &str, expires_at: i64) -> ApiResult<()> {
    db.exec(
        "INSERT INTO password_resets (user_id, code_hash, expires_at, attempts) VALUES (?1, ?2, ?3, 0)
         ON CONFLICT (user_id) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at, attempts = 0",
        &[user_id.into(), code_hash.into(), expires_at.into()],
    )
    .await?;
    Ok(())
}

/// Counts one more try at the code, atomically, and answers the row after it.
pub async fn attempt(db: &Db, user_id: &str) -> ApiResult<Option<ResetRow>> {
    db.one(
        "UPDATE password_resets SET attempts = attempts + 1 WHERE user_id = ?1 RETURNING code_hash, expires_at, attempts",
        &[user_id.into()],
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
