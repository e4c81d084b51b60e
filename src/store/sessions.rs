//! SQL for `sessions`: the dashboard's browser sessions, stored by the hash
//! of the cookie's secret, each with its CSRF token.

use serde::Deserialize;

use super::Db;
use crate::error::ApiResult;

pub struct NewSession<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub token_hash: &'a str,
    pub csrf: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

pub async fn insert(db: &Db, s: &NewSession<'_>) -> ApiResult<()> {
    db.exec(
        "INSERT INTO sessions (id, user_id, token_hash, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[s.id.into(), s.user_id.into(), s.token_hash.into(), s.csrf.into(), s.now.into(), s.expires_at.into()],
    )
    .await?;
    Ok(())
}

/// A live session with what every dashboard page shows of its account.
#[derive(Debug, Deserialize)]
pub struct SessionRow {
    pub user_id: String,
    pub csrf: String,
    pub slug: String,
    pub email: String,
    pub profile_name: Option<String>,
}

pub async fn live(db: &Db, token_hash: &str, now: i64) -> ApiResult<Option<SessionRow>> {
    db.one(
        "SELECT s.user_id, s.csrf, u.slug, u.email, u.profile_name FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ?1 AND s.expires_at > ?2",
        &[token_hash.into(), now.into()],
    )
    .await
}

pub async fn delete(db: &Db, token_hash: &str) -> ApiResult<usize> {
    db.exec("DELETE FROM sessions WHERE token_hash = ?1", &[token_hash.into()]).await
}

/// Logout everywhere, a password change or reset: every browser session ends.
pub async fn delete_user(db: &Db, user_id: &str) -> ApiResult<usize> {
    db.exec("DELETE FROM sessions WHERE user_id = ?1", &[user_id.into()]).await
}

/// Housekeeping: expired sessions.
pub async fn prune(db: &Db, now: i64) -> ApiResult<usize> {
    db.exec("DELETE FROM sessions WHERE expires_at < ?1", &[now.into()]).await
}
