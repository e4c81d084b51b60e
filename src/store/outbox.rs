//! SQL for `outbox`: every outbound WhatsApp message, one row per recipient.

use serde::Deserialize;

use super::{Arg, Db};
use crate::domain::outbox::OutboxStatus;
use crate::domain::page::Cursor;
use crate::domain::whatsapp::StatusUpdate;
use crate::error::ApiResult;

#[derive(Debug, Clone, Deserialize)]
pub struct OutboxRow {
    pub id: String,
    pub idempotency_key: String,
    pub queue: String,
    pub kind: String,
    pub recipient: String,
    pub trip_id: Option<String>,
    pub participant_id: Option<String>,
    pub body: Option<String>,
    pub template_name: Option<String>,
    pub template_language: Option<String>,
    pub template_params: Option<String>,
    pub status: OutboxStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub wamid: Option<String>,
    #[serde(deserialize_with = "super::optional_flag")]
    pub billable: Option<bool>,
    pub pricing_category: Option<String>,
    pub pricing_type: Option<String>,
    /// The category it went out as (`service` for free-form text).
    pub sent_as: Option<String>,
    /// Reply buttons, JSON `[[id, title], …]`.
    pub buttons: Option<String>,
    pub sent_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

pub const COLUMNS: &str = "id, idempotency_key, queue, kind, recipient, trip_id, participant_id, body, template_name, \
                       template_language, template_params, status, attempts, last_error, wamid, billable, \
                       pricing_category, pricing_type, sent_as, buttons, sent_at, created_at, updated_at";

/// What a message says, in both forms (see `domain::messages`).
pub struct Content<'a> {
    pub kind: &'a str,
    pub queue: &'a str,
    pub body: &'a str,
    pub template_name: Option<&'a str>,
    pub template_language: &'a str,
    pub template_params: &'a str,
    /// Reply buttons (JSON), for a free-form reply only.
    pub buttons: Option<&'a str>,
}

pub struct To<'a> {
    pub key: &'a str,
    pub recipient: &'a str,
    pub trip_id: Option<&'a str>,
    pub participant_id: Option<&'a str>,
}

#[derive(Deserialize)]
struct Id {
    id: String,
}

/// One message; `None` when its idempotency key was already used.
pub async fn insert(db: &Db, id: &str, to: &To<'_>, c: &Content<'_>, now: &str) -> ApiResult<Option<String>> {
    let row: Option<Id> = db
        .one(
            "INSERT INTO outbox (id, idempotency_key, queue, kind, recipient, trip_id, participant_id, body,
                                 template_name, template_language, template_params, created_at, updated_at, buttons)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13)
             ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
            &[
                id.into(),
                to.key.into(),
                c.queue.into(),
                c.kind.into(),
                to.recipient.into(),
                to.trip_id.into(),
                to.participant_id.into(),
                c.body.into(),
                c.template_name.into(),
                c.template_language.into(),
                c.template_params.into(),
                now.into(),
                c.buttons.into(),
            ],
        )
        .await?;
    Ok(row.map(|r| r.id))
}

/// One row per subscribed participant of a trip (confirmed by their own
/// message, not stopped), in one statement, keys
/// `{key_prefix}:{participantId}`; answers the ids of the rows it created.
pub async fn fan_out(db: &Db, trip_id: &str, key_prefix: &str, c: &Content<'_>, now: &str) -> ApiResult<Vec<String>> {
    let rows: Vec<Id> = db
        .many(
            "INSERT INTO outbox (id, idempotency_key, queue, kind, recipient, trip_id, participant_id, body,
                                 template_name, template_language, template_params, created_at, updated_at)
             SELECT lower(hex(randomblob(16))), ?2 || ':' || p.id, ?3, ?4, p.phone, p.trip_id, p.id, ?5, ?6, ?7, ?8, ?9, ?9
             FROM participants p WHERE p.trip_id = ?1 AND p.unsubscribed_at IS NULL AND p.confirmed_at IS NOT NULL
             ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
            &[
                trip_id.into(),
                key_prefix.into(),
                c.queue.into(),
                c.kind.into(),
                c.body.into(),
                c.template_name.into(),
                c.template_language.into(),
                c.template_params.into(),
                now.into(),
            ],
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Takes a queued row for sending until `until` (Unix seconds). `None` when
/// it is already sent, failed, or held by another delivery of the same message.
pub async fn claim(db: &Db, id: &str, now: i64, until: i64) -> ApiResult<Option<OutboxRow>> {
    db.one(
        &format!(
            "UPDATE outbox SET claimed_until = ?3, attempts = attempts + 1
             WHERE id = ?1 AND status = 'queued' AND (claimed_until IS NULL OR claimed_until < ?2)
             RETURNING {COLUMNS}"
        ),
        &[id.into(), now.into(), until.into()],
    )
    .await
}

/// What a send needs before it goes, claimed and read in one batch (one D1
/// round trip instead of three, issue 21's send ceiling): the row, claimed;
/// its participant; whether its number ever wrote to us; and, when the claim
/// is this call's, the next slot of the shared pacer (`send_pacer`: at least
/// the gap after the previous slot of any consumer of any outbound queue).
pub struct ClaimedSend {
    pub row: Option<OutboxRow>,
    pub participant: Option<super::participants::ParticipantRow>,
    pub has_written: bool,
    /// When this send may go (Unix milliseconds).
    pub slot: Option<i64>,
}

pub async fn claim_for_send(
    db: &Db,
    id: &str,
    now: i64,
    until: i64,
    pacer: (&str, i64, i64),
) -> ApiResult<ClaimedSend> {
    #[derive(Deserialize)]
    struct Hit {}
    let (key, now_ms, gap_ms) = pacer;
    // Each statement after the claim reads the row only if the claim is this call's (its `until`).
    let ours = "(SELECT {col} FROM outbox WHERE id = ?1 AND claimed_until = ?2)";
    let (row, participant, written, slot) = db
        .read((
            super::Select::<OutboxRow>::new(
                db,
                &format!(
                    "UPDATE outbox SET claimed_until = ?3, attempts = attempts + 1
                     WHERE id = ?1 AND status = 'queued' AND (claimed_until IS NULL OR claimed_until < ?2)
                     RETURNING {COLUMNS}"
                ),
                &[id.into(), now.into(), until.into()],
            )?,
            super::Select::<super::participants::ParticipantRow>::new(
                db,
                &format!(
                    "SELECT {} FROM participants WHERE id = {}",
                    super::participants::COLUMNS,
                    ours.replace("{col}", "participant_id")
                ),
                &[id.into(), until.into()],
            )?,
            super::Select::<Hit>::new(
                db,
                &format!("SELECT 1 AS hit FROM wa_contacts WHERE phone = {}", ours.replace("{col}", "recipient")),
                &[id.into(), until.into()],
            )?,
            super::Select::<super::pacer::Slot>::new(
                db,
                &format!(
                    "INSERT INTO send_pacer (id, next_at_ms) SELECT ?3, ?4 + ?5 WHERE EXISTS {}
                     ON CONFLICT (id) DO UPDATE SET next_at_ms = MAX(next_at_ms, ?4) + ?5
                     RETURNING next_at_ms - ?5 AS slot",
                    ours.replace("{col}", "1")
                ),
                &[id.into(), until.into(), key.into(), now_ms.into(), gap_ms.into()],
            )?,
        ))
        .await?;
    Ok(ClaimedSend {
        row: row.into_iter().next(),
        participant: participant.into_iter().next(),
        has_written: !written.is_empty(),
        slot: slot.into_iter().next().map(|s| s.slot),
    })
}

/// How a send ended: its status, Meta's id, the error, the category it went out as.
pub struct Finished<'a> {
    pub status: OutboxStatus,
    pub wamid: Option<&'a str>,
    pub error: Option<&'a str>,
    pub sent_as: Option<&'a str>,
}

impl Finished<'_> {
    pub fn failed(error: &str) -> Finished<'_> {
        Finished { status: OutboxStatus::Failed, wamid: None, error: Some(error), sent_as: None }
    }
}

/// The end of a send: `sent` (with Meta's id), `simulated` or `failed`.
pub async fn finish(db: &Db, id: &str, f: &Finished<'_>, now: &str) -> ApiResult<()> {
    db.exec(
        "UPDATE outbox SET status = ?2, wamid = COALESCE(?3, wamid), last_error = ?4, claimed_until = NULL,
                sent_at = CASE WHEN ?2 IN ('sent', 'simulated') THEN ?5 ELSE sent_at END, updated_at = ?5,
                sent_as = COALESCE(?6, sent_as)
         WHERE id = ?1",
        &[id.into(), f.status.into(), f.wamid.into(), f.error.into(), now.into(), f.sent_as.into()],
    )
    .await?;
    Ok(())
}

/// A transient failure: the row stays queued for the next attempt.
pub async fn release(db: &Db, id: &str, error: &str, now: &str) -> ApiResult<()> {
    db.exec(
        "UPDATE outbox SET claimed_until = NULL, last_error = ?2, updated_at = ?3 WHERE id = ?1 AND status = 'queued'",
        &[id.into(), error.into(), now.into()],
    )
    .await?;
    Ok(())
}

/// Applies a status callback as outbox `status`: only ever forwards (in
/// `OutboxStatus::rank` order, repeated in the SQL below), recording Meta's
/// pricing when given and its error when the message failed. The first
/// priced callback of a message counts it in `message_costs` for `month`
/// (the same batch, so a re-delivered callback never counts twice).
pub async fn apply_status(db: &Db, s: &StatusUpdate, status: OutboxStatus, month: &str, now: &str) -> ApiResult<()> {
    let billable = s.billable.map_or(Arg::Null, |b| Arg::Int(i64::from(b)));
    let count = db.stmt(
        "INSERT INTO message_costs (jastiper_id, month, category, messages, billable)
         SELECT COALESCE(t.jastiper_id, ''), ?2, ?3, 1, ?4 FROM outbox o LEFT JOIN trips t ON t.id = o.trip_id
         WHERE o.wamid = ?1 AND o.billable IS NULL AND ?4 IS NOT NULL AND ?3 IS NOT NULL
         ON CONFLICT (jastiper_id, month, category)
         DO UPDATE SET messages = messages + 1, billable = billable + excluded.billable",
        &[s.wamid.as_str().into(), month.into(), s.category.as_deref().into(), billable],
    )?;
    let update = db.stmt(
        "UPDATE outbox SET
             status = CASE WHEN (CASE status WHEN 'sent' THEN 1 WHEN 'failed' THEN 2 WHEN 'delivered' THEN 3
                                              WHEN 'read' THEN 4 ELSE 0 END) < ?3 THEN ?2 ELSE status END,
             billable = COALESCE(?4, billable), pricing_category = COALESCE(?5, pricing_category),
             pricing_type = COALESCE(?8, pricing_type),
             last_error = CASE WHEN ?2 = 'failed' AND ?6 IS NOT NULL AND
                                    (CASE status WHEN 'sent' THEN 1 WHEN 'failed' THEN 2 WHEN 'delivered' THEN 3
                                                 WHEN 'read' THEN 4 ELSE 0 END) < ?3 THEN ?6 ELSE last_error END,
             updated_at = ?7
         WHERE wamid = ?1",
        &[
            s.wamid.as_str().into(),
            status.into(),
            i64::from(status.rank()).into(),
            billable,
            s.category.as_deref().into(),
            s.error.as_deref().into(),
            now.into(),
            s.pricing_type.as_deref().into(),
        ],
    )?;
    db.batch(vec![count, update]).await?;
    Ok(())
}

#[derive(Debug, Deserialize)]
pub struct CategoryCount {
    pub category: String,
    pub billable: i64,
}

/// What Meta charged `owner` in `month` (from status callbacks), per category.
pub fn month_costs_query(db: &Db, owner: &str, month: &str) -> ApiResult<super::Select<CategoryCount>> {
    super::Select::new(
        db,
        "SELECT category, billable FROM message_costs WHERE jastiper_id = ?1 AND month = ?2",
        &[owner.into(), month.into()],
    )
}

/// Messages charged on the whole business number in `month` (the free allowance is the number's).
pub async fn charged_in_month(db: &Db, month: &str) -> ApiResult<i64> {
    #[derive(Deserialize)]
    struct N {
        n: Option<i64>,
    }
    let row: Option<N> =
        db.one("SELECT SUM(billable) AS n FROM message_costs WHERE month = ?1", &[month.into()]).await?;
    Ok(row.and_then(|r| r.n).unwrap_or(0))
}

#[derive(Debug, Deserialize)]
pub struct StatusCount {
    pub status: OutboxStatus,
    pub n: i64,
}

pub async fn counts(db: &Db, trip_id: &str) -> ApiResult<Vec<StatusCount>> {
    db.many("SELECT status, COUNT(*) AS n FROM outbox WHERE trip_id = ?1 GROUP BY status", &[trip_id.into()]).await
}

pub async fn page(
    db: &Db,
    trip_id: &str,
    status: Option<OutboxStatus>,
    after: Option<&Cursor>,
    limit: i64,
) -> ApiResult<Vec<OutboxRow>> {
    let (after_at, after_id) = after.map_or(("\u{10FFFF}", ""), |c| (c.created_at.as_str(), c.id.as_str()));
    let filter = if status.is_some() { " AND status = ?5" } else { "" };
    let mut args: Vec<Arg<'_>> = vec![trip_id.into(), after_at.into(), after_id.into(), limit.into()];
    if let Some(s) = status {
        args.push(s.into());
    }
    db.many(
        &format!(
            "SELECT {COLUMNS} FROM outbox WHERE trip_id = ?1{filter} AND (created_at, id) < (?2, ?3)
             ORDER BY created_at DESC, id DESC LIMIT ?4"
        ),
        &args,
    )
    .await
}

/// A message of a trip that `owner` owns.
pub async fn owned(db: &Db, id: &str, owner: &str) -> ApiResult<Option<OutboxRow>> {
    db.one(
        &format!(
            "SELECT {} FROM outbox o JOIN trips t ON t.id = o.trip_id WHERE o.id = ?1 AND t.jastiper_id = ?2",
            COLUMNS.split(", ").map(|c| format!("o.{}", c.trim())).collect::<Vec<_>>().join(", ")
        ),
        &[id.into(), owner.into()],
    )
    .await
}

/// Puts a failed message back in the queue; false when it was not failed.
pub async fn requeue_failed(db: &Db, id: &str, now: &str) -> ApiResult<bool> {
    let n = db
        .exec(
            "UPDATE outbox SET status = 'queued', attempts = 0, last_error = NULL, claimed_until = NULL, updated_at = ?2
             WHERE id = ?1 AND status = 'failed'",
            &[id.into(), now.into()],
        )
        .await?;
    Ok(n == 1)
}

#[derive(Debug, Deserialize)]
pub struct Stale {
    pub id: String,
    pub queue: String,
}

/// Queued rows untouched since `before`: their queue message was lost.
pub async fn stale(db: &Db, before: &str, now: i64, limit: i64) -> ApiResult<Vec<Stale>> {
    db.many(
        "SELECT id, queue FROM outbox WHERE status = 'queued' AND updated_at < ?1
         AND (claimed_until IS NULL OR claimed_until < ?2) ORDER BY updated_at LIMIT ?3",
        &[before.into(), now.into(), limit.into()],
    )
    .await
}

/// Marks rows just re-queued, in one statement.
pub async fn touch_all(db: &Db, ids: &[String], now: &str) -> ApiResult<usize> {
    let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    db.exec(
        "UPDATE outbox SET updated_at = ?2 WHERE id IN (SELECT value FROM json_each(?1))",
        &[(&list).into(), now.into()],
    )
    .await
}
