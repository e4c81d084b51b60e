//! SQL for `send_pacer`: the next free send slot of a business number,
//! shared by every consumer of every outbound queue.

use serde::Deserialize;

use super::Db;
use crate::error::ApiResult;

/// Reserves the next slot at least `gap_ms` after the previous one (and not
/// before `now_ms`), atomically; answers when this send may go.
pub async fn reserve(db: &Db, key: &str, now_ms: i64, gap_ms: i64) -> ApiResult<i64> {
    #[derive(Deserialize)]
    struct Slot {
        slot: i64,
    }
    let row: Option<Slot> = db
        .one(
            "INSERT INTO send_pacer (id, next_at_ms) VALUES (?1, ?2 + ?3)
             ON CONFLICT (id) DO UPDATE SET next_at_ms = MAX(next_at_ms, ?2) + ?3
             RETURNING next_at_ms - ?3 AS slot",
            &[key.into(), now_ms.into(), gap_ms.into()],
        )
        .await?;
    Ok(row.map_or(now_ms, |r| r.slot))
}

/// When the last send of `key` was due (Unix milliseconds), if any.
pub async fn last_slot(db: &Db, key: &str, gap_ms: i64) -> ApiResult<Option<i64>> {
    #[derive(Deserialize)]
    struct Row {
        last: i64,
    }
    let row: Option<Row> =
        db.one("SELECT next_at_ms - ?2 AS last FROM send_pacer WHERE id = ?1", &[key.into(), gap_ms.into()]).await?;
    Ok(row.map(|r| r.last))
}
