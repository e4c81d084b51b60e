//! Bills (tagihan): who may see one, a trip's list, cancelling one. A bill
//! is made and changed by the batches that place and move its lines
//! (`orders::place`, `orders::transition`).

use crate::ctx::Ctx;
use crate::domain::fields;
use crate::domain::page::Cursor;
use crate::domain::token::check_bill_token;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::input::Input;
use crate::store::bills::{self, BillRow, LineRow};
use crate::store::participants::{self, ParticipantRow};
use crate::store::trips::TripRow;
use crate::store::users::UserRow;
use crate::store::{trips, users};

use super::AuthUser;

/// How a request may see a bill: its link's token, or as the trip's owner.
pub enum BillAccess {
    Token(String),
    Owner(AuthUser),
}

/// A bill with its lines, its buyer and (for its page) the trip and jastiper.
pub struct BillView {
    pub bill: BillRow,
    pub lines: Vec<LineRow>,
    pub buyer: Option<ParticipantRow>,
    pub trip: Option<TripRow>,
    pub owner: Option<UserRow>,
}

/// The bill `access` may see (404 otherwise, whether it exists or not), in
/// one D1 batch: the bill, its lines, its buyer, its trip and jastiper.
pub async fn visible(ctx: &Ctx, id: &str, access: &BillAccess) -> ApiResult<BillView> {
    let not_found = || ApiError::not_found("Bill");
    let db = &ctx.db;
    let bill = match access {
        BillAccess::Token(t) if check_bill_token(ctx.config.jwt_key()?, id, t) => bills::by_id_query(db, id)?,
        BillAccess::Token(_) => return Err(not_found()),
        BillAccess::Owner(me) => bills::owned_query(db, id, &me.id)?,
    };
    let (bill, lines, buyer, trip, owner) = db
        .read((
            bill,
            bills::lines_query(db, id)?,
            participants::of_bill_query(db, id)?,
            trips::of_bill_query(db, id)?,
            users::owner_of_bill_query(db, id)?,
        ))
        .await?;
    let bill = bill.into_iter().next().ok_or_else(not_found)?;
    Ok(BillView {
        bill,
        lines,
        buyer: buyer.into_iter().next(),
        trip: trip.into_iter().next(),
        owner: owner.into_iter().next(),
    })
}

/// One page of a trip's bills with their lines (two round trips after the trip).
pub async fn of_trip(
    ctx: &Ctx,
    trip: &TripRow,
    after: Option<&Cursor>,
    limit: i64,
) -> ApiResult<(Vec<BillRow>, Vec<ParticipantRow>, Vec<LineRow>)> {
    let (page, buyers) = bills::page_of_trip(&ctx.db, &trip.id, after, limit).await?;
    let ids: Vec<&str> = page.iter().map(|b| b.id.as_str()).collect();
    let lines = bills::lines_of(&ctx.db, &ids).await?;
    Ok((page, buyers, lines))
}

/// `{ reason }`: why the jastiper cancels (the penitip is told).
pub struct CancelForm {
    pub reason: String,
}

impl CancelForm {
    pub fn parse(mut input: Input) -> ApiResult<CancelForm> {
        input.only(&["reason"]);
        let reason = input.required_with("reason", |s| fields::REASON.clean(s));
        input.finish()?;
        reason.map(|reason| CancelForm { reason }).ok_or_else(|| ApiError::field("reason", "is required"))
    }
}

/// Cancels an owned open bill: its stock goes back on sale, its lines are
/// refused with the reason (each line's buyer message follows), 409 when it
/// is already shipped or cancelled.
pub async fn cancel(ctx: &Ctx, me: &AuthUser, id: &str, form: CancelForm) -> ApiResult<BillRow> {
    let bill = bills::owned(&ctx.db, id, &me.id).await?.ok_or_else(|| ApiError::not_found("Bill"))?;
    if !bill.status.is_open() {
        return Err(ApiError::new(
            ErrorCode::InvalidTransition,
            format!("A {} bill cannot be cancelled", bill.status.as_str()),
        ));
    }
    let (cancelled, after) = bills::cancel(&ctx.db, &bill.id, &form.reason, &ctx.now_iso()).await?;
    let after = after.ok_or_else(|| ApiError::not_found("Bill"))?;
    if !cancelled {
        return Err(ApiError::new(ErrorCode::InvalidTransition, "This bill changed meanwhile: reload it"));
    }
    super::public_cache::trip_changed(ctx, &bill.trip_id, None).await;
    super::notify::bill_cancelled(ctx, &after).await?;
    Ok(after)
}

/// A payment proof for the whole bill: stored privately, set on the bill and
/// on each of its lines waiting for payment (the jastiper checks them there),
/// and the jastiper told once.
pub async fn attach_proof(ctx: &Ctx, bill: &BillRow, upload: crate::platform::r2::Upload) -> ApiResult<()> {
    let key = ctx.media().put(&format!("orders/bill-{}", bill.id), upload).await?;
    let old = bills::set_proof(&ctx.db, &bill.id, &key, &ctx.now_iso()).await?;
    if let Some(old) = old.filter(|o| *o != key) {
        ctx.media().delete_quietly(&[old]).await;
    }
    let lines = crate::store::orders::of_bill(&ctx.db, &bill.id).await?;
    if let Some(line) = lines.iter().find(|o| o.status.takes_proof()) {
        super::notify::proof_uploaded(ctx, line).await?;
    }
    Ok(())
}
