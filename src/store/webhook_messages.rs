//! SQL for `processed_webhook_messages`: each WhatsApp message id processed once (claimed by the inbound consumer).

use serde::Deserialize;

use super::Db;
use crate::error::ApiResult;

/// How long a consumer holds a message it is processing.
const CLAIM_SECONDS: i64 = 60;

/// What claiming a message id found.
pub enum Claim {
    /// New, or its earlier attempt gave up or died (the claim ran out): process it.
    Claimed,
    /// Processed before: a re-delivery, dropped.
    Done,
    /// Another attempt holds it right now.
    Busy,
}

/// Claims a message id for processing. Concurrent deliveries of one message
/// race on the primary key: one wins.
pub async fn claim(db: &Db, wamid: &str, now: &str, now_secs: i64) -> ApiResult<Claim> {
    #[derive(Deserialize)]
    struct Row {
        #[allow(dead_code)]
        wamid: String,
    }
    #[derive(Deserialize)]
    struct Seen {
        processed_at: Option<String>,
    }
    let row: Option<Row> = db
        .one(
            "INSERT INTO processed_webhook_messages (wamid, received_at, claimed_until) VALUES (?1, ?2, ?3 + ?4)
             ON CONFLICT (wamid) DO UPDATE SET claimed_until = ?3 + ?4
               WHERE processed_at IS NULL AND (claimed_until IS NULL OR claimed_until < ?3)
             RETURNING wamid",
            &[wamid.into(), now.into(), now_secs.into(), CLAIM_SECONDS.into()],
        )
        .await?;
    if row.is_some() {
        return Ok(Claim::Claimed);
    }
    let seen: Option<Seen> =
        db.one("SELECT processed_at FROM processed_webhook_messages WHERE wamid = ?1", &[wamid.into()]).await?;
    Ok(if seen.and_then(|s| s.processed_at).is_some() { Claim::Done } else { Claim::Busy })
}

/// Gives a claim back (processing failed), so the queue's retry processes it.
pub async fn release(db: &Db, wamid: &str) -> ApiResult<()> {
    db.exec(
        "UPDATE processed_webhook_messages SET claimed_until = NULL WHERE wamid = ?1 AND processed_at IS NULL",
        &[wamid.into()],
    )
    .await?;
    Ok(())
}

pub async fn done(db: &Db, wamid: &str, outcome: &str, now: &str) -> ApiResult<()> {
    db.exec(
        "UPDATE processed_webhook_messages SET processed_at = ?2, outcome = ?3 WHERE wamid = ?1",
        &[wamid.into(), now.into(), outcome.into()],
    )
    .await?;
    Ok(())
}

/// Housekeeping: ids received before `before` (Meta re-delivers for up to 7 days).
pub async fn prune(db: &Db, before: &str) -> ApiResult<usize> {
    db.exec("DELETE FROM processed_webhook_messages WHERE received_at < ?1", &[before.into()]).await
}
