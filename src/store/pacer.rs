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
