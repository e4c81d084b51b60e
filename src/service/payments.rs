//! Payments: a penitip's transfer proof with the amount she says she sent,
//! and the jastiper's verdict: confirmed with the amount she received, or
//! rejected with a reason (taken back within `PAYMENT_UNDO_SECONDS`). A
//! bill's `paid` is the sum of its confirmed payments.

use sha2::{Digest, Sha256};

use crate::ctx::Ctx;
use crate::domain::encoding::hex;
use crate::domain::fields;
use crate::domain::ids::new_id;
use crate::domain::payment::PaymentStatus;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::input::{Input, Patch};
use crate::platform::r2::Upload;
use crate::store::bills::BillRow;
use crate::store::payments::{self, NewPayment, PaymentRow};
use crate::store::trips::TripRow;

use super::{notify, AuthUser};

/// The largest single transfer taken (Rp 1.000.000.000).
pub const MAX_AMOUNT: i64 = 1_000_000_000;

/// A rupiah amount more than 0: a JSON whole number, or text as people write it.
fn amount(input: &mut Input, key: &str, required: bool) -> Option<i64> {
    match input.patch_rupiah(key, MAX_AMOUNT) {
        Patch::Set(0) => {
            input.error(key, "must be more than 0");
            None
        }
        Patch::Set(v) => Some(v),
        Patch::Null | Patch::Absent if required && !input.has_errors_on(&[key]) => {
            input.error(key, "is required: the amount you transferred");
            None
        }
        _ => None,
    }
}

/// `amount`: what the penitip says she sent.
pub struct Claim {
    pub amount: i64,
}

impl Claim {
    pub fn parse(mut input: Input) -> ApiResult<Claim> {
        input.only(&["amount"]);
        let amount = amount(&mut input, "amount", true);
        input.finish()?;
        amount.map(|amount| Claim { amount }).ok_or_else(|| ApiError::field("amount", "is required"))
    }
}

/// `{ amount? }`: what the jastiper received (default: the amount claimed).
pub struct ConfirmForm {
    pub amount: Option<i64>,
}

impl ConfirmForm {
    pub fn parse(mut input: Input) -> ApiResult<ConfirmForm> {
        input.only(&["amount"]);
        let amount = amount(&mut input, "amount", false);
        input.finish()?;
        Ok(ConfirmForm { amount })
    }
}

/// `{ reason }`: why the jastiper rejects (the penitip is told).
pub struct RejectForm {
    pub reason: String,
}

impl RejectForm {
    pub fn parse(mut input: Input) -> ApiResult<RejectForm> {
        input.only(&["reason"]);
        let reason = input.required_with("reason", |s| fields::REASON.clean(s));
        input.finish()?;
        reason.map(|reason| RejectForm { reason }).ok_or_else(|| ApiError::field("reason", "is required"))
    }
}

fn takes_no_payment() -> ApiError {
    ApiError::new(ErrorCode::InvalidTransition, "This bill takes no payment now: nothing is left to pay")
}

/// Refuses a payment for a bill that takes none, before its upload is read.
pub fn check_takes_payment(bill: &BillRow) -> ApiResult<()> {
    match bill.status.takes_payment() && bill.balance() > 0 {
        true => Ok(()),
        false => Err(takes_no_payment()),
    }
}

/// The SHA-256 of a proof's bytes: the same image sent twice has the same one.
pub fn proof_hash(upload: &Upload) -> String {
    hex(&Sha256::digest(&upload.bytes))
}

/// A proof with its claimed amount for a bill that takes payment: stored
/// privately, pending, flagged when its bytes came before; the jastiper is told.
pub async fn create(ctx: &Ctx, bill: &BillRow, claim: Claim, upload: Upload) -> ApiResult<PaymentRow> {
    check_takes_payment(bill)?;
    let proof_hash = proof_hash(&upload);
    let key = ctx.media().put(&format!("payments/{}", bill.id), upload).await?;
    create_stored(ctx, bill, claim, key, &proof_hash).await
}

/// `create` with the proof already in R2 (`key`; a photo from the chat);
/// the key is deleted when the bill no longer takes payment.
pub async fn create_stored(
    ctx: &Ctx,
    bill: &BillRow,
    claim: Claim,
    key: String,
    proof_hash: &str,
) -> ApiResult<PaymentRow> {
    let (id, now) = (new_id(), ctx.now_iso());
    let new = NewPayment { id: &id, bill, claimed: claim.amount, proof_key: &key, proof_hash, now: &now };
    if !payments::insert(&ctx.db, &new).await? {
        ctx.media().delete_quietly(&[key]).await;
        return Err(takes_no_payment());
    }
    let lines = crate::store::orders::of_bill(&ctx.db, &bill.id).await?;
    if let Some(line) = lines.iter().find(|o| o.status.takes_proof()) {
        notify::proof_uploaded(ctx, line).await?;
    }
    ctx.db.first(payments::by_id_query(&ctx.db, &id)?).await?.ok_or_else(|| ApiError::not_found("Payment"))
}

/// A payment to one of `me`'s trips; 404 otherwise.
pub async fn owned(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<PaymentRow> {
    payments::owned(&ctx.db, id, &me.id).await?.ok_or_else(|| ApiError::not_found("Payment"))
}

fn already(p: &PaymentRow) -> ApiError {
    ApiError::new(ErrorCode::InvalidTransition, format!("This payment is already {}", p.status.as_str()))
}

/// Decides `p` (already read as one of the caller's payments): one batch
/// that moves it, settles its bill and reads both back.
async fn decide(
    ctx: &Ctx,
    p: &PaymentRow,
    to: PaymentStatus,
    amount: Option<i64>,
    reason: Option<&str>,
) -> ApiResult<(PaymentRow, BillRow)> {
    if p.status != PaymentStatus::Pending {
        return Err(already(p));
    }
    let (moved, after, bill) = payments::decide(&ctx.db, &p.id, to, amount, reason, &ctx.now_iso()).await?;
    let after = after.ok_or_else(|| ApiError::not_found("Payment"))?;
    if !moved {
        return Err(already(&after));
    }
    Ok((after, bill.ok_or_else(|| ApiError::not_found("Bill"))?))
}

/// Confirms a pending payment (`owned` first) with the amount received
/// (default: the amount claimed); the bill is settled and its penitip told.
pub async fn confirm(ctx: &Ctx, p: &PaymentRow, form: ConfirmForm) -> ApiResult<(PaymentRow, BillRow)> {
    let (p, bill) = decide(ctx, p, PaymentStatus::Confirmed, form.amount, None).await?;
    notify::payment_confirmed(ctx, &bill, &p).await?;
    Ok((p, bill))
}

/// Rejects a pending payment (`owned` first) with a reason; the penitip
/// hears of it once it can no longer be taken back.
pub async fn reject(ctx: &Ctx, p: &PaymentRow, form: RejectForm) -> ApiResult<(PaymentRow, BillRow)> {
    let (p, bill) = decide(ctx, p, PaymentStatus::Rejected, None, Some(&form.reason)).await?;
    notify::schedule_payment_rejected(ctx, &p).await?;
    Ok((p, bill))
}

/// The oldest rejection time that may still be taken back.
fn undo_since(ctx: &Ctx) -> String {
    let window = chrono::Duration::seconds(i64::from(ctx.config.wa.payment_undo_secs));
    (ctx.now - window).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Whether a rejected payment can still be taken back.
pub fn can_undo(ctx: &Ctx, p: &PaymentRow) -> bool {
    p.status == PaymentStatus::Rejected && p.decided_at.as_deref().is_some_and(|at| at >= undo_since(ctx).as_str())
}

/// Takes a recent rejection of `p` (`owned` first) back: the payment waits
/// again, nobody is told.
pub async fn undo_reject(ctx: &Ctx, p: &PaymentRow) -> ApiResult<PaymentRow> {
    match payments::undo_reject(&ctx.db, &p.id, &undo_since(ctx), &ctx.now_iso()).await? {
        (true, Some(after)) => Ok(after),
        _ => Err(ApiError::new(
            ErrorCode::InvalidTransition,
            "Only a rejection of the last few minutes can be taken back",
        )),
    }
}

/// One of `me`'s trips and its payments waiting to be checked, with their
/// bills and buyers (one batch); 404 for anybody else's trip.
pub async fn waiting_of_trip(
    ctx: &Ctx,
    me: &AuthUser,
    trip_id: &str,
) -> ApiResult<(TripRow, Vec<PaymentRow>, Vec<BillRow>, Vec<crate::store::participants::ParticipantRow>)> {
    let (trip, waiting, bills, buyers) =
        payments::of_trip_with_bills(&ctx.db, trip_id, &me.id, PaymentStatus::Pending, 100).await?;
    let trip = trip.into_iter().next().ok_or_else(|| ApiError::not_found("Trip"))?;
    Ok((trip, waiting, bills, buyers))
}

/// One of `me`'s trips' payments, oldest first, of one status or all (one batch).
pub async fn of_trip(
    ctx: &Ctx,
    me: &AuthUser,
    trip_id: &str,
    status: Option<PaymentStatus>,
    limit: i64,
) -> ApiResult<Vec<PaymentRow>> {
    let (trip, rows) = payments::of_trip(&ctx.db, trip_id, &me.id, status, limit).await?;
    trip.into_iter().next().ok_or_else(|| ApiError::not_found("Trip"))?;
    Ok(rows)
}
