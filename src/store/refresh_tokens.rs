//! SQL for `refresh_tokens`: stored as hashes, rotated, revoked by family.

use serde::Deserialize;
use worker::D1PreparedStatement;

use super::Db;
use crate::error::ApiResult;

pub struct NewRefresh<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub family_id: &'a str,
    pub token_hash: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

pub fn insert_stmt(db: &Db, r: &NewRefresh<'_>) -> ApiResult<D1PreparedStatement> {
    db.stmt(
        "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[r.id.into(), r.user_id.into(), r.family_id.into(), r.token_hash.into(), r.now.into(), r.expires_at.into()],
    )
}

pub async fn insert(db: &Db, r: &NewRefresh<'_>) -> ApiResult<()> {
    db.batch(vec![insert_stmt(db, r)?]).await?;
    Ok(())
}

#[derive(Debug, Deserialize)]
pub struct Rotated {
    pub user_id: String,
    pub family_id: String,
}

/// Marks a live token used, atomically: of two concurrent refreshes with the
/// same token only one gets the row back.
pub async fn consume(db: &Db, token_hash: &str, now: i64) -> ApiResult<Option<Rotated>> {
    db.one(
        "UPDATE refresh_tokens SET revoked_at = ?2
         WHERE token_hash = ?1 AND revoked_at IS NULL AND expires_at > ?2
         RETURNING user_id, family_id",
        &[token_hash.into(), now.into()],
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct Known {
    pub family_id: String,
    pub revoked_at: Option<i64>,
}

pub async fn find(db: &Db, token_hash: &str) -> ApiResult<Option<Known>> {
    db.one("SELECT family_id, revoked_at FROM refresh_tokens WHERE token_hash = ?1", &[token_hash.into()]).await
}

pub async fn revoke_family(db: &Db, family_id: &str, now: i64) -> ApiResult<usize> {
    db.exec(
        "UPDATE refresh_tokens SET revoked_at = ?2 WHERE family_id = ?1 AND revoked_at IS NULL",
        &[family_id.into(), now.into()],
    )
    .await
}

/// Logout everywhere, password change and reset: every session of the account ends.
pub async fn revoke_user(db: &Db, user_id: &str, now: i64) -> ApiResult<usize> {
    db.exec(
        "UPDATE refresh_tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL",
        &[user_id.into(), now.into()],
    )
    .await
}

/// Housekeeping: tokens past their expiry can neither be used nor tell a replay.
pub async fn prune(db: &Db, now: i64) -> ApiResult<usize> {
    db.exec("DELETE FROM refresh_tokens WHERE expires_at < ?1", &[now.into()]).await
}
