//! SQL for `payments`: a proof and the amount a penitip says she sent,
//! confirmed by the jastiper with the amount received or rejected with a
//! reason. Every change of a payment settles its bill in the same batch.

use serde::Deserialize;

use super::bills::{self, confirm_covered_lines_sql, settle_sql, BillRow};
use super::{Db, Select, Write};
use crate::domain::payment::PaymentStatus;
use crate::error::ApiResult;

#[derive(Debug, Clone, Deserialize)]
pub struct PaymentRow {
    pub id: String,
    pub bill_id: String,
    pub trip_id: String,
    pub claimed: i64,
    pub amount: Option<i64>,
    pub status: PaymentStatus,
    pub proof_key: Option<String>,
    pub reject_reason: Option<String>,
    pub decided_at: Option<String>,
    pub created_at: String,
    /// The same image bytes came with another payment to the same jastiper.
    #[serde(deserialize_with = "super::flag")]
    pub reused_proof: bool,
}

impl PaymentRow {
    /// What the payment counts for: the amount received once confirmed, the claim before.
    pub fn shown_amount(&self) -> i64 {
        self.amount.unwrap_or(self.claimed)
    }
}

pub const COLUMNS: &str = "p.id, p.bill_id, p.trip_id, p.claimed, p.amount, p.status, p.proof_key, p.reject_reason, \
     p.decided_at, p.created_at, \
     EXISTS (SELECT 1 FROM payments q WHERE q.jastiper_id = p.jastiper_id AND q.proof_hash = p.proof_hash \
     AND q.id != p.id) AS reused_proof";

pub struct NewPayment<'a> {
    pub id: &'a str,
    pub bill: &'a BillRow,
    pub claimed: i64,
    pub proof_key: &'a str,
    pub proof_hash: &'a str,
    pub now: &'a str,
}

/// A pending payment on an open bill (nothing when the bill stopped taking
/// payments meanwhile); the proof is also set on the bill's waiting lines
/// (the jastiper's order pages show it). Answers whether it was stored.
pub async fn insert(db: &Db, p: &NewPayment<'_>) -> ApiResult<bool> {
    let (inserted, _) = db
        .read((
            Write(db.stmt(
                "INSERT INTO payments (id, bill_id, trip_id, jastiper_id, claimed, status, proof_key, proof_hash,
                                       created_at, updated_at)
                 SELECT ?1, b.id, b.trip_id, b.jastiper_id, ?3, 'pending', ?4, ?5, ?6, ?6
                 FROM bills b WHERE b.id = ?2 AND b.status IN ('unpaid', 'dp_paid')",
                &[
                    p.id.into(),
                    p.bill.id.as_str().into(),
                    p.claimed.into(),
                    p.proof_key.into(),
                    p.proof_hash.into(),
                    p.now.into(),
                ],
            )?),
            bills::set_proof_writes(db, &p.bill.id, p.proof_key, p.now)?,
        ))
        .await?;
    Ok(inserted == 1)
}

pub fn by_id_query(db: &Db, id: &str) -> ApiResult<Select<PaymentRow>> {
    Select::new(db, &format!("SELECT {COLUMNS} FROM payments p WHERE p.id = ?1"), &[id.into()])
}

/// The payment if `owner` is its jastiper: the one owned-payment read.
pub async fn owned(db: &Db, id: &str, owner: &str) -> ApiResult<Option<PaymentRow>> {
    db.first(Select::new(
        db,
        &format!("SELECT {COLUMNS} FROM payments p WHERE p.id = ?1 AND p.jastiper_id = ?2"),
        &[id.into(), owner.into()],
    )?)
    .await
}

/// A bill's payments, oldest first.
pub fn of_bill_query(db: &Db, bill_id: &str) -> ApiResult<Select<PaymentRow>> {
    Select::new(
        db,
        &format!("SELECT {COLUMNS} FROM payments p WHERE p.bill_id = ?1 ORDER BY p.created_at, p.id"),
        &[bill_id.into()],
    )
}

/// An owned trip and its payments, oldest first, of one status or all, in one batch.
pub async fn of_trip(
    db: &Db,
    trip_id: &str,
    owner: &str,
    status: Option<PaymentStatus>,
    limit: i64,
) -> ApiResult<(Vec<super::trips::TripRow>, Vec<PaymentRow>)> {
    let status = status.map(PaymentStatus::as_str);
    db.read((
        super::trips::owned_query(db, trip_id, owner)?,
        Select::new(
            db,
            &format!(
                "SELECT {COLUMNS} FROM payments p WHERE p.trip_id = ?1 AND p.jastiper_id = ?4 AND (?2 IS NULL OR p.status = ?2)
                 ORDER BY p.created_at, p.id LIMIT ?3"
            ),
            &[trip_id.into(), status.into(), limit.into(), owner.into()],
        )?,
    ))
    .await
}

/// An owned trip and its payments of one status with each one's bill and
/// buyer, in one batch; every statement is scoped to `owner`.
pub async fn of_trip_with_bills(
    db: &Db,
    trip_id: &str,
    owner: &str,
    status: PaymentStatus,
    limit: i64,
) -> ApiResult<(Vec<super::trips::TripRow>, Vec<PaymentRow>, Vec<BillRow>, Vec<super::participants::ParticipantRow>)> {
    let page = "SELECT p.id FROM payments p WHERE p.trip_id = ?1 AND p.jastiper_id = ?4 AND p.status = ?2
                ORDER BY p.created_at, p.id LIMIT ?3";
    let bills_of = format!("SELECT p2.bill_id FROM payments p2 WHERE p2.id IN ({page})");
    let args = [trip_id.into(), status.as_str().into(), limit.into(), owner.into()];
    db.read((
        super::trips::owned_query(db, trip_id, owner)?,
        Select::new(db, &format!("SELECT {COLUMNS} FROM payments p WHERE p.id IN ({page}) ORDER BY p.created_at, p.id"), &args)?,
        Select::new(db, &format!("SELECT {} FROM bills b WHERE b.id IN ({bills_of})", bills::COLUMNS), &args)?,
        Select::new(
            db,
            &format!(
                "SELECT {} FROM participants WHERE id IN (SELECT b3.participant_id FROM bills b3 WHERE b3.id IN ({bills_of}))",
                super::participants::COLUMNS
            ),
            &args,
        )?,
    ))
    .await
}

/// Decides a pending payment: confirmed with the amount received, or
/// rejected with a reason; the bill is settled and, once it has its DP or
/// is lunas, its waiting lines are confirmed. Answers whether it was still
/// pending (false: nothing changed), the payment and the bill after it.
pub async fn decide(
    db: &Db,
    id: &str,
    to: PaymentStatus,
    amount: Option<i64>,
    reason: Option<&str>,
    now: &str,
) -> ApiResult<(bool, Option<PaymentRow>, Option<BillRow>)> {
    let bill = "(SELECT bill_id FROM payments WHERE id = ?1)";
    let (moved, _, _, payment, after) = db
        .read((
            Write(db.stmt(
                "UPDATE payments SET status = ?2, amount = CASE WHEN ?2 = 'confirmed' THEN COALESCE(?3, claimed) END,
                        reject_reason = ?4, decided_at = ?5, updated_at = ?5
                 WHERE id = ?1 AND status = 'pending'",
                &[id.into(), to.as_str().into(), amount.into(), reason.into(), now.into()],
            )?),
            Write(db.stmt(&settle_sql(bill, "?2"), &[id.into(), now.into()])?),
            Write(db.stmt(&confirm_covered_lines_sql(bill, "?2"), &[id.into(), now.into()])?),
            by_id_query(db, id)?,
            Select::<BillRow>::new(
                db,
                &format!("SELECT {} FROM bills b WHERE b.id = {bill}", bills::COLUMNS),
                &[id.into()],
            )?,
        ))
        .await?;
    Ok((moved == 1, payment.into_iter().next(), after.into_iter().next()))
}

/// Takes a rejection back while it is recent (`since`: the oldest decision
/// time that may be undone): the payment waits again. Answers whether it
/// was taken back and the payment after it, in one batch.
pub async fn undo_reject(db: &Db, id: &str, since: &str, now: &str) -> ApiResult<(bool, Option<PaymentRow>)> {
    let (n, after) = db
        .read((
            Write(db.stmt(
                "UPDATE payments SET status = 'pending', reject_reason = NULL, decided_at = NULL, updated_at = ?3
                 WHERE id = ?1 AND status = 'rejected' AND decided_at >= ?2
                   AND EXISTS (SELECT 1 FROM bills b WHERE b.id = payments.bill_id
                               AND b.status IN ('unpaid', 'dp_paid', 'paid'))",
                &[id.into(), since.into(), now.into()],
            )?),
            by_id_query(db, id)?,
        ))
        .await?;
    Ok((n == 1, after.into_iter().next()))
}
