//! SQL for `processed_webhook_messages`: each WhatsApp message id once.

use serde::Deserialize;

use super::Db;
use crate::error::ApiResult;

/// Claims the ids not seen before, atomically; answers those it claimed.
/// Concurrent re-deliveries of one message race on the primary key: one wins.
pub async fn claim(db: &Db, wamids: &[&str], now: &str) -> ApiResult<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        wamid: String,
    }
    let mut statements = Vec::with_capacity(wamids.len());
    for w in wamids {
        statements.push(db.stmt(
            "INSERT INTO processed_webhook_messages (wamid, received_at) VALUES (?1, ?2)
             ON CONFLICT (wamid) DO NOTHING RETURNING wamid",
            &[(*w).into(), now.into()],
        )?);
    }
    if statements.is_empty() {
        return Ok(Vec::new());
    }
    let mut claimed = Vec::new();
    for result in db.batch(statements).await? {
        let rows: Vec<Row> = result.results().unwrap_or_default();
        claimed.extend(rows.into_iter().map(|r| r.wamid));
    }
    Ok(claimed)
}

/// Gives claims back (the queue could not take the work), so Meta's retry is processed.
pub async fn unclaim(db: &Db, wamids: &[String]) -> ApiResult<()> {
    let ids = serde_json::to_string(wamids).unwrap_or_else(|_| "[]".into());
    db.exec(
        "DELETE FROM processed_webhook_messages
         WHERE wamid IN (SELECT value FROM json_each(?1)) AND processed_at IS NULL",
        &[ids.as_str().into()],
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
