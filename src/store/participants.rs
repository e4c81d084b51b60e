//! SQL for `participants`: one row per (trip, phone).

use serde::Deserialize;

use super::Db;
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
    /// When a message from this phone confirmed it (JOIN, or the code of a
    /// web join or order). Until then nobody messages it first.
    pub confirmed_at: Option<String>,
    /// The code a `KONFIRMASI <code>` message from this phone must carry.
    pub confirm_code: Option<String>,
}

pub const COLUMNS: &str =
    "id, trip_id, phone, name, joined_at, unsubscribed_at, last_inbound_at, confirmed_at, confirm_code";

/// Who asked to join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinedBy {
    /// The web or the API: anybody could have typed the number. Nothing of an
    /// existing row changes (no rename, no lifted STOP) and nothing is confirmed.
    Form,
    /// A JOIN sent from the phone itself: its own consent. Confirms, and lifts
    /// an earlier STOP.
    Message,
}

/// Joins `phone` to a trip, or finds them there already, in one statement
/// (concurrent joins of one phone make one row).
pub async fn join(
    db: &Db,
    by: JoinedBy,
    new: (&str, &str, &Phone, &str),
    code: &str,
    now: &str,
) -> ApiResult<ParticipantRow> {
    let (id, trip_id, phone, name) = new;
    let (confirmed, on_conflict) = match by {
        JoinedBy::Form => ("NULL, NULL", ""),
        JoinedBy::Message => (
            "?5, ?5",
            "unsubscribed_at = NULL, confirmed_at = COALESCE(participants.confirmed_at, excluded.confirmed_at),",
        ),
    };
    let row: Option<ParticipantRow> = db
        .one(
            &format!(
                "INSERT INTO participants (id, trip_id, phone, name, joined_at, confirm_code, confirmed_at, last_inbound_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, {confirmed})
                 ON CONFLICT (trip_id, phone) DO UPDATE SET {on_conflict}
                   confirm_code = COALESCE(participants.confirm_code, excluded.confirm_code)
                 RETURNING {COLUMNS}"
            ),
            &[id.into(), trip_id.into(), phone.into(), name.into(), now.into(), code.into()],
        )
        .await?;
    row.ok_or_else(|| ApiError::internal("participant upsert returned no row"))
}

/// `KONFIRMASI <code>` from `phone`: confirms the participant that code and
/// phone name together (and lifts a STOP); `None` when they do not match.
/// The answer tells whether this message was the one that confirmed it.
pub async fn confirm_by_code(
    db: &Db,
    code: &str,
    phone: &Phone,
    now: &str,
) -> ApiResult<Option<(ParticipantRow, bool)>> {
    let row: Option<ParticipantRow> = db
        .one(
            &format!(
                "UPDATE participants SET confirmed_at = COALESCE(confirmed_at, ?3), unsubscribed_at = NULL, last_inbound_at = ?3
                 WHERE confirm_code = ?1 AND phone = ?2 RETURNING {COLUMNS}"
            ),
            &[code.into(), phone.into(), now.into()],
        )
        .await?;
    Ok(row.map(|p| {
        let first = p.confirmed_at.as_deref() == Some(now);
        (p, first)
    }))
}

/// A participant of a trip that `owner` owns.
pub async fn owned(db: &Db, id: &str, owner: &str) -> ApiResult<Option<ParticipantRow>> {
    db.one(
        "SELECT p.id, p.trip_id, p.phone, p.name, p.joined_at, p.unsubscribed_at, p.last_inbound_at, p.confirmed_at,
                p.confirm_code
         FROM participants p JOIN trips t ON t.id = p.trip_id WHERE p.id = ?1 AND t.jastiper_id = ?2",
        &[id.into(), owner.into()],
    )
    .await
}

pub async fn by_id(db: &Db, id: &str) -> ApiResult<Option<ParticipantRow>> {
    db.one(&format!("SELECT {COLUMNS} FROM participants WHERE id = ?1"), &[id.into()]).await
}

pub async fn unsubscribe(db: &Db, id: &str, now: &str) -> ApiResult<()> {
    db.exec(
        "UPDATE participants SET unsubscribed_at = COALESCE(unsubscribed_at, ?2) WHERE id = ?1",
        &[id.into(), now.into()],
    )
    .await?;
    Ok(())
}

/// Records that `phone` just wrote to us: every trip they are in (the
/// 24-hour window), and the contacts that may be messaged (consent).
pub async fn touch_inbound(db: &Db, phone: &Phone, user_id: Option<&str>, now: &str) -> ApiResult<()> {
    db.batch(vec![
        db.stmt(
            "UPDATE participants SET last_inbound_at = ?2, wa_user_id = COALESCE(?3, wa_user_id) WHERE phone = ?1",
            &[phone.into(), now.into(), user_id.into()],
        )?,
        db.stmt(
            "INSERT INTO wa_contacts (phone, first_inbound_at, last_inbound_at) VALUES (?1, ?2, ?2)
             ON CONFLICT (phone) DO UPDATE SET last_inbound_at = excluded.last_inbound_at",
            &[phone.into(), now.into()],
        )?,
    ])
    .await?;
    Ok(())
}

/// The number a user known by `user_id` (BSUID) gave in an earlier message.
pub async fn phone_of_user(db: &Db, user_id: &str) -> ApiResult<Option<Phone>> {
    #[derive(Deserialize)]
    struct Row {
        phone: Phone,
    }
    let row: Option<Row> = db
        .one(
            "SELECT phone FROM participants WHERE wa_user_id = ?1 AND phone <> ?1 ORDER BY joined_at DESC LIMIT 1",
            &[user_id.into()],
        )
        .await?;
    Ok(row.map(|r| r.phone))
}

/// Whether `phone` ever wrote to the business number (the consent to be
/// messaged first, for numbers that are not participants).
pub async fn has_written(db: &Db, phone: &str) -> ApiResult<bool> {
    #[derive(Deserialize)]
    struct Hit {}
    Ok(db.one::<Hit>("SELECT 1 AS hit FROM wa_contacts WHERE phone = ?1", &[phone.into()]).await?.is_some())
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

/// How many subscribed (confirmed, not stopped) participants a trip has, and how many wrote to us since `since`.
pub async fn audience(db: &Db, trip_id: &str, since: &str) -> ApiResult<(i64, i64)> {
    #[derive(Deserialize)]
    struct Row {
        total: i64,
        recent: Option<i64>,
    }
    let row: Option<Row> = db
        .one(
            "SELECT COUNT(*) AS total, SUM(CASE WHEN last_inbound_at >= ?2 THEN 1 ELSE 0 END) AS recent
             FROM participants WHERE trip_id = ?1 AND unsubscribed_at IS NULL AND confirmed_at IS NOT NULL",
            &[trip_id.into(), since.into()],
        )
        .await?;
    Ok(row.map_or((0, 0), |r| (r.total, r.recent.unwrap_or(0))))
}

/// The buyer of a bill.
pub fn of_bill_query(db: &Db, bill_id: &str) -> ApiResult<super::Select<ParticipantRow>> {
    super::Select::new(
        db,
        &format!("SELECT {COLUMNS} FROM participants WHERE id = (SELECT participant_id FROM bills WHERE id = ?1)"),
        &[bill_id.into()],
    )
}
