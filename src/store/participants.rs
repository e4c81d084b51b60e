//! SQL for `participants`: one row per (trip, phone).

use serde::Deserialize;

use super::Db;
use crate::domain::page::Cursor;
use crate::domain::phone::Phone;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Deserialize)]
pub struct ParticipantRow {
    pub id: String,
    pub trip_id: String,
    pub phone: Phone,
    pub name: String,
    pub joined_at: String,
    pub unsubscribed_at: Option<String>,
    pub last_inbound_at: Option<String>,
}

const COLUMNS: &str = "id, trip_id, phone, name, joined_at, unsubscribed_at, last_inbound_at";

/// Joins `phone` to a trip, or finds them there already (and re-subscribes
/// them: joining again means they want messages again). One statement, so
/// concurrent joins of one phone can never make two rows.
pub async fn join(db: &Db, id: &str, trip_id: &str, phone: &Phone, name: &str, now: &str) -> ApiResult<ParticipantRow> {
    let row: Option<ParticipantRow> = db
        .one(
            &format!(
                "INSERT INTO participants (id, trip_id, phone, name, joined_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (trip_id, phone) DO UPDATE SET unsubscribed_at = NULL
                 RETURNING {COLUMNS}"
            ),
            &[id.into(), trip_id.into(), phone.into(), name.into(), now.into()],
        )
        .await?;
    row.ok_or_else(|| ApiError::internal("participant upsert returned no row"))
}

/// A participant of a trip that `owner` owns.
pub async fn owned(db: &Db, id: &str, owner: &str) -> ApiResult<Option<ParticipantRow>> {
    db.one(
        "SELECT p.id, p.trip_id, p.phone, p.name, p.joined_at, p.unsubscribed_at, p.last_inbound_at
         FROM participants p JOIN trips t ON t.id = p.trip_id WHERE p.id = ?1 AND t.jastiper_id = ?2",
        &[id.into(), owner.into()],
    )
    .await
}

pub async fn by_id(db: &Db, id: &str) -> ApiResult<Option<ParticipantRow>> {
    db.one(&format!("SELECT {COLUMNS} FROM participants WHERE id = ?1"), &[id.into()]).await
}

/// One page of a trip's participants, newest first.
pub async fn page(db: &Db, trip_id: &str, after: Option<&Cursor>, limit: i64) -> ApiResult<Vec<ParticipantRow>> {
    let (after_at, after_id) = after.map_or(("\u{10FFFF}", ""), |c| (c.created_at.as_str(), c.id.as_str()));
    db.many(
        &format!(
            "SELECT {COLUMNS} FROM participants WHERE trip_id = ?1 AND (joined_at, id) < (?2, ?3)
             ORDER BY joined_at DESC, id DESC LIMIT ?4"
        ),
        &[trip_id.into(), after_at.into(), after_id.into(), limit.into()],
    )
    .await
}

pub async fn of_trip(db: &Db, trip_id: &str) -> ApiResult<Vec<ParticipantRow>> {
    db.many(
        &format!("SELECT {COLUMNS} FROM participants WHERE trip_id = ?1 ORDER BY joined_at DESC, id DESC"),
        &[trip_id.into()],
    )
    .await
}

pub async fn unsubscribe(db: &Db, id: &str, now: &str) -> ApiResult<()> {
    db.exec(
        "UPDATE participants SET unsubscribed_at = COALESCE(unsubscribed_at, ?2) WHERE id = ?1",
        &[id.into(), now.into()],
    )
    .await?;
    Ok(())
}

/// Records that `phone` just wrote to us (every trip they are in).
pub async fn touch_inbound(db: &Db, phone: &Phone, user_id: Option<&str>, now: &str) -> ApiResult<()> {
    db.exec(
        "UPDATE participants SET last_inbound_at = ?2, wa_user_id = COALESCE(?3, wa_user_id) WHERE phone = ?1",
        &[phone.into(), now.into(), user_id.into()],
    )
    .await?;
    Ok(())
}

/// Unsubscribes `phone` from one trip; false when they were not in it.
pub async fn unsubscribe_phone(db: &Db, trip_id: &str, phone: &Phone, now: &str) -> ApiResult<bool> {
    let n = db
        .exec(
            "UPDATE participants SET unsubscribed_at = COALESCE(unsubscribed_at, ?3) WHERE trip_id = ?1 AND phone = ?2",
            &[trip_id.into(), phone.into(), now.into()],
        )
        .await?;
    Ok(n == 1)
}

/// How many subscribed participants a trip has, and how many wrote to us since `since`.
pub async fn audience(db: &Db, trip_id: &str, since: &str) -> ApiResult<(i64, i64)> {
    #[derive(Deserialize)]
    struct Row {
        total: i64,
        recent: Option<i64>,
    }
    let row: Option<Row> = db
        .one(
            "SELECT COUNT(*) AS total, SUM(CASE WHEN last_inbound_at >= ?2 THEN 1 ELSE 0 END) AS recent
             FROM participants WHERE trip_id = ?1 AND unsubscribed_at IS NULL",
            &[trip_id.into(), since.into()],
        )
        .await?;
    Ok(row.map_or((0, 0), |r| (r.total, r.recent.unwrap_or(0))))
}
