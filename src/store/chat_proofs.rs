//! SQL for `chat_proofs`: a photo sent in the chat by a penitip with
//! several open bills, stored, until she says which bill it pays.

use serde::Deserialize;

use super::Db;
use crate::error::ApiResult;

#[derive(Debug, Clone, Deserialize)]
pub struct ChatProofRow {
    pub id: String,
    pub sender: String,
    pub proof_key: String,
    pub proof_hash: String,
    pub claimed: Option<i64>,
    /// JSON array of the bill ids offered, in the order numbered.
    pub bill_ids: String,
    pub created_at: String,
}

impl ChatProofRow {
    pub fn bills(&self) -> Vec<String> {
        serde_json::from_str(&self.bill_ids).unwrap_or_default()
    }
}

const COLUMNS: &str = "id, sender, proof_key, proof_hash, claimed, bill_ids, created_at";

pub struct NewChatProof<'a> {
    pub id: &'a str,
    pub sender: &'a str,
    pub proof_key: &'a str,
    pub proof_hash: &'a str,
    pub claimed: Option<i64>,
    pub bill_ids: &'a str,
    pub now: &'a str,
}

pub async fn insert(db: &Db, p: &NewChatProof<'_>) -> ApiResult<()> {
    db.exec(
        "INSERT INTO chat_proofs (id, sender, proof_key, proof_hash, claimed, bill_ids, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        &[
            p.id.into(),
            p.sender.into(),
            p.proof_key.into(),
            p.proof_hash.into(),
            p.claimed.into(),
            p.bill_ids.into(),
            p.now.into(),
        ],
    )
    .await?;
    Ok(())
}

/// The sender's photo still waiting for a choice, sent after `since`:
/// the one named by `id`, or her latest.
pub async fn waiting(db: &Db, sender: &str, id: Option<&str>, since: &str) -> ApiResult<Option<ChatProofRow>> {
    db.one(
        &format!(
            "SELECT {COLUMNS} FROM chat_proofs WHERE sender = ?1 AND used_at IS NULL AND created_at >= ?2
             AND (?3 IS NULL OR id = ?3) ORDER BY created_at DESC LIMIT 1"
        ),
        &[sender.into(), since.into(), id.into()],
    )
    .await
}

/// Takes the photo for a bill; false when another message took it first.
pub async fn take(db: &Db, id: &str, now: &str) -> ApiResult<bool> {
    let n = db
        .exec("UPDATE chat_proofs SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL", &[id.into(), now.into()])
        .await?;
    Ok(n == 1)
}

#[derive(Debug, Deserialize)]
pub struct Stale {
    pub id: String,
    pub proof_key: String,
}

/// Photos nobody chose a bill for, sent before `before`, at most `limit`.
pub async fn unchosen_before(db: &Db, before: &str, limit: i64) -> ApiResult<Vec<Stale>> {
    db.many(
        "SELECT id, proof_key FROM chat_proofs WHERE used_at IS NULL AND created_at < ?1 ORDER BY created_at LIMIT ?2",
        &[before.into(), limit.into()],
    )
    .await
}

/// Forgets photos (their R2 objects are deleted first); and the rows of used ones older than `before`.
pub async fn delete(db: &Db, ids: &[String], before: &str) -> ApiResult<usize> {
    let list = serde_json::to_string(ids)?;
    db.exec(
        "DELETE FROM chat_proofs WHERE id IN (SELECT value FROM json_each(?1)) OR (used_at IS NOT NULL AND used_at < ?2)",
        &[(&list).into(), before.into()],
    )
    .await
}
