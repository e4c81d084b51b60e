//! SQL for `send_pacer`: the next free send slot of a business number,
//! shared by every consumer of every outbound queue.

use serde::Deserialize;

use super::Db;
use crate::error::ApiResult;

/// A reserved send slot (Unix milliseconds).
#[derive(Deserialize)]
pub struct Slot {
    pub slot: i64,
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
