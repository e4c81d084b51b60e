//! SQL for `login_throttle`: attempts per key (`domain::throttle`): logins,
//! password checks, codes, resets, accounts created.

use serde::Deserialize;

use super::Db;
use crate::domain::throttle::{Attempt, Policy, LONGEST_SECS};
use crate::error::ApiResult;

/// Counts one more attempt for `key` at `now` in one statement, before the
/// attempt is checked, and answers the state after it. Concurrent attempts
/// each get their own count, so at most `policy.max` are ever checked per
/// window: the rest find the key locked.
pub async fn reserve(db: &Db, key: &str, now: i64, policy: Policy) -> ApiResult<Attempt> {
    #[derive(Deserialize)]
    struct Row {
        failures: i64,
        locked_until: Option<i64>,
    }
    // A window that ended (and is not locked) starts over at 1.
    let row: Option<Row> = db
        .one(
            "INSERT INTO login_throttle (key, failures, window_started_at, locked_until) VALUES (?1, 1, ?2, NULL)
             ON CONFLICT (key) DO UPDATE SET
               failures = CASE WHEN ?2 - window_started_at >= ?3 AND COALESCE(locked_until, 0) <= ?2
                               THEN 1 ELSE failures + 1 END,
               window_started_at = CASE WHEN ?2 - window_started_at >= ?3 AND COALESCE(locked_until, 0) <= ?2
                                        THEN ?2 ELSE window_started_at END,
               locked_until = CASE WHEN COALESCE(locked_until, 0) > ?2 THEN locked_until
                                   WHEN ?2 - window_started_at < ?3 AND failures + 1 > ?4 THEN ?2 + ?5
                                   ELSE NULL END
             RETURNING failures, locked_until",
            &[key.into(), now.into(), policy.window.into(), policy.max.into(), policy.lock.into()],
        )
        .await?;
    Ok(row.map_or(Attempt { failures: 1, locked_until: None }, |r| Attempt {
        failures: r.failures,
        locked_until: r.locked_until,
    }))
}

/// A success forgets the attempts.
pub async fn clear(db: &Db, key: &str) -> ApiResult<()> {
    db.exec("DELETE FROM login_throttle WHERE key = ?1", &[key.into()]).await?;
    Ok(())
}

/// Housekeeping: rows whose window and lock are over (every policy's fit in `LONGEST_SECS`).
pub async fn prune(db: &Db, now: i64) -> ApiResult<usize> {
    db.exec(
        "DELETE FROM login_throttle WHERE window_started_at < ?1 AND COALESCE(locked_until, 0) < ?2",
        &[(now - LONGEST_SECS).into(), now.into()],
    )
    .await
}
