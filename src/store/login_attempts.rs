//! SQL for `login_attempts`: failed logins per email.

use serde::Deserialize;

use super::Db;
use crate::domain::throttle::Attempts;
use crate::error::ApiResult;

#[derive(Deserialize)]
struct Row {
    failures: i64,
    window_started_at: i64,
    locked_until: Option<i64>,
}

pub async fn get(db: &Db, email: &str) -> ApiResult<Option<Attempts>> {
    let row: Option<Row> = db
        .one("SELECT failures, window_started_at, locked_until FROM login_attempts WHERE email = ?1", &[email.into()])
        .await?;
    Ok(row.map(|r| Attempts {
        failures: r.failures,
        window_started_at: r.window_started_at,
        locked_until: r.locked_until,
    }))
}

pub async fn put(db: &Db, email: &str, a: &Attempts) -> ApiResult<()> {
    db.exec(
        "INSERT INTO login_attempts (email, failures, window_started_at, locked_until) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (email) DO UPDATE SET failures = ?2, window_started_at = ?3, locked_until = ?4",
        &[
            email.into(),
            a.failures.into(),
            a.window_started_at.into(),
            a.locked_until.map_or(super::Arg::Null, super::Arg::Int),
        ],
    )
    .await?;
    Ok(())
}

pub async fn clear(db: &Db, email: &str) -> ApiResult<()> {
    db.exec("DELETE FROM login_attempts WHERE email = ?1", &[email.into()]).await?;
    Ok(())
}
