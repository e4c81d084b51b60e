//! SQL for the inbox: `inbox_threads` (one row per jastiper and sender,
//! with its unread count) and `inbox_messages`.

use serde::Deserialize;

use super::{Db, Select, Write};
use crate::domain::page::Cursor;
use crate::error::ApiResult;

#[derive(Debug, Clone, Deserialize)]
pub struct ThreadRow {
    pub id: String,
    pub jastiper_id: String,
    pub sender: String,
    pub trip_id: Option<String>,
    /// The trip's title (NULL: "tanpa trip").
    pub trip_title: Option<String>,
    pub name: String,
    pub last_body: String,
    pub last_at: String,
    pub last_inbound_at: Option<String>,
    pub unread: i64,
}

const THREAD: &str = "SELECT h.id, h.jastiper_id, h.sender, h.trip_id, t.title AS trip_title, h.name, h.last_body, \
                      h.last_at, h.last_inbound_at, h.unread FROM inbox_threads h LEFT JOIN trips t ON t.id = h.trip_id";

#[derive(Debug, Clone, Deserialize)]
pub struct MessageRow {
    pub id: String,
    pub direction: String,
    pub body: String,
    pub created_at: String,
}

/// Where a sender's words go: the jastiper and trip of her latest order or
/// join, or of the conversation she last wrote in, whichever is newer.
#[derive(Debug, Deserialize)]
pub struct Route {
    pub jastiper_id: String,
    pub trip_id: Option<String>,
    pub name: Option<String>,
}

pub async fn route(db: &Db, sender: &str) -> ApiResult<Option<Route>> {
    db.one(
        "SELECT jastiper_id, trip_id, name FROM (
           SELECT t.jastiper_id, p.trip_id, p.name,
                  COALESCE((SELECT MAX(b.updated_at) FROM bills b WHERE b.participant_id = p.id), p.joined_at) AS at
           FROM participants p JOIN trips t ON t.id = p.trip_id WHERE p.phone = ?1
           UNION ALL
           SELECT jastiper_id, trip_id, name, last_inbound_at AS at FROM inbox_threads
           WHERE sender = ?1 AND last_inbound_at IS NOT NULL
         ) ORDER BY at DESC LIMIT 1",
        &[sender.into()],
    )
    .await
}

pub struct NewMessage<'a> {
    pub new_thread_id: &'a str,
    pub message_id: &'a str,
    pub jastiper_id: &'a str,
    pub sender: &'a str,
    pub trip_id: Option<&'a str>,
    pub name: &'a str,
    pub body: &'a str,
    /// The inbound message's id, or the reply's outbox id: written once.
    pub reference: &'a str,
    pub inbound: bool,
    pub now: &'a str,
}

/// One message in its conversation (made on the first), in one batch: the
/// conversation's last words, unread count (inbound) and trip move with
/// it; a message already written (`reference`) changes nothing.
pub async fn add(db: &Db, m: &NewMessage<'_>) -> ApiResult<()> {
    let inbound = i64::from(m.inbound);
    db.batch(vec![
        db.stmt(
            "INSERT INTO inbox_threads (id, jastiper_id, sender, trip_id, name, last_body, last_at, last_inbound_at, unread)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, CASE WHEN ?8 = 1 THEN ?7 END, ?8
             WHERE NOT EXISTS (SELECT 1 FROM inbox_messages WHERE ref = ?9)
             ON CONFLICT (jastiper_id, sender) DO UPDATE SET
               trip_id = CASE WHEN ?8 = 1 THEN excluded.trip_id ELSE inbox_threads.trip_id END,
               name = CASE WHEN ?8 = 1 THEN excluded.name ELSE inbox_threads.name END,
               last_body = excluded.last_body, last_at = excluded.last_at,
               last_inbound_at = COALESCE(excluded.last_inbound_at, inbox_threads.last_inbound_at),
               unread = inbox_threads.unread + excluded.unread",
            &[
                m.new_thread_id.into(),
                m.jastiper_id.into(),
                m.sender.into(),
                m.trip_id.into(),
                m.name.into(),
                m.body.into(),
                m.now.into(),
                inbound.into(),
                m.reference.into(),
            ],
        )?,
        db.stmt(
            "INSERT INTO inbox_messages (id, thread_id, direction, body, ref, created_at)
             SELECT ?1, id, CASE WHEN ?5 = 1 THEN 'in' ELSE 'out' END, ?4, ?6, ?7
             FROM inbox_threads WHERE jastiper_id = ?2 AND sender = ?3
             ON CONFLICT (ref) DO NOTHING",
            &[
                m.message_id.into(),
                m.jastiper_id.into(),
                m.sender.into(),
                m.body.into(),
                inbound.into(),
                m.reference.into(),
                m.now.into(),
            ],
        )?,
    ])
    .await?;
    Ok(())
}

/// One page of a jastiper's conversations, latest first.
pub fn threads_query(db: &Db, owner: &str, after: Option<&Cursor>, limit: i64) -> ApiResult<Select<ThreadRow>> {
    let (after_at, after_id) = after.map_or(("\u{10FFFF}", ""), |c| (c.created_at.as_str(), c.id.as_str()));
    Select::new(
        db,
        &format!(
            "{THREAD} WHERE h.jastiper_id = ?1 AND (h.last_at, h.id) < (?2, ?3) ORDER BY h.last_at DESC, h.id DESC LIMIT ?4"
        ),
        &[owner.into(), after_at.into(), after_id.into(), limit.into()],
    )
}

pub fn thread_query(db: &Db, id: &str, owner: &str) -> ApiResult<Select<ThreadRow>> {
    Select::new(db, &format!("{THREAD} WHERE h.id = ?1 AND h.jastiper_id = ?2"), &[id.into(), owner.into()])
}

/// A conversation's latest `limit` messages, oldest first.
pub fn messages_query(db: &Db, thread_id: &str, owner: &str, limit: i64) -> ApiResult<Select<MessageRow>> {
    Select::new(
        db,
        "SELECT id, direction, body, created_at FROM (
           SELECT m.id, m.direction, m.body, m.created_at FROM inbox_messages m
           JOIN inbox_threads h ON h.id = m.thread_id
           WHERE m.thread_id = ?1 AND h.jastiper_id = ?2 ORDER BY m.created_at DESC, m.id DESC LIMIT ?3
         ) ORDER BY created_at, id",
        &[thread_id.into(), owner.into(), limit.into()],
    )
}

/// Unread messages of every conversation of `owner`.
#[derive(Debug, Deserialize, Default)]
pub struct Unread {
    pub n: Option<i64>,
}

pub fn unread_query(db: &Db, owner: &str) -> ApiResult<Select<Unread>> {
    // A counter kept by triggers on inbox_threads (0010_trip_counters.sql): one row, not one per conversation.
    Select::new(db, "SELECT inbox_unread AS n FROM users WHERE id = ?1", &[owner.into()])
}

/// The conversation was read (in the batch that reads it).
pub fn mark_read(db: &Db, id: &str, owner: &str) -> ApiResult<Write> {
    Ok(Write(db.stmt(
        "UPDATE inbox_threads SET unread = 0 WHERE id = ?1 AND jastiper_id = ?2 AND unread > 0",
        &[id.into(), owner.into()],
    )?))
}

/// The coalesced notice: claims it (false when one is on its way) and
/// answers when the last one went.
pub async fn claim_digest(db: &Db, owner: &str) -> ApiResult<Option<Option<String>>> {
    #[derive(Deserialize)]
    struct Row {
        inbox_digest_sent_at: Option<String>,
    }
    let row: Option<Row> = db
        .one(
            "UPDATE users SET inbox_digest_pending = 1 WHERE id = ?1 AND inbox_digest_pending = 0
             RETURNING inbox_digest_sent_at",
            &[owner.into()],
        )
        .await?;
    Ok(row.map(|r| r.inbox_digest_sent_at))
}

/// Takes the pending notice; false when none was pending.
pub async fn take_digest(db: &Db, owner: &str, now: &str) -> ApiResult<bool> {
    let n = db
        .exec(
            "UPDATE users SET inbox_digest_pending = 0, inbox_digest_sent_at = ?2
             WHERE id = ?1 AND inbox_digest_pending = 1",
            &[owner.into(), now.into()],
        )
        .await?;
    Ok(n == 1)
}

/// The conversations with unread messages, for the notice.
pub async fn unread_threads(db: &Db, owner: &str, limit: i64) -> ApiResult<Vec<ThreadRow>> {
    db.many(
        &format!("{THREAD} WHERE h.jastiper_id = ?1 AND h.unread > 0 ORDER BY h.last_at DESC LIMIT ?2"),
        &[owner.into(), limit.into()],
    )
    .await
}
