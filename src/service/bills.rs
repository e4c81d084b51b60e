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
use crate::store::payments::{self, PaymentRow};
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
    pub payments: Vec<PaymentRow>,
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
    let (bill, lines, buyer, trip, owner, payments) = db
        .read((
            bill,
            bills::lines_query(db, id)?,
            participants::of_bill_query(db, id)?,
            trips::of_bill_query(db, id)?,
            users::owner_of_bill_query(db, id)?,
            payments::of_bill_query(db, id)?,
        ))
        .await?;
    let bill = bill.into_iter().next().ok_or_else(not_found)?;
    Ok(BillView {
        bill,
        lines,
        buyer: buyer.into_iter().next(),
        trip: trip.into_iter().next(),
        owner: owner.into_iter().next(),
        payments,
    })
}

/// One page of a trip's bills with their buyers, lines and payments.
pub struct BillPage {
    pub bills: Vec<BillRow>,
    pub buyers: Vec<ParticipantRow>,
    pub lines: Vec<LineRow>,
    pub payments: Vec<PaymentRow>,
}

impl BillPage {
    pub fn buyer_name(&self, b: &BillRow) -> &str {
        self.buyers.iter().find(|p| p.id == b.participant_id).map_or("", |p| p.name.as_str())
    }

    pub fn lines_of<'a>(&'a self, b: &'a BillRow) -> impl Iterator<Item = &'a LineRow> {
        self.lines.iter().filter(move |l| l.order.bill_id.as_deref() == Some(b.id.as_str()))
    }

    pub fn payments_of<'a>(&'a self, b: &'a BillRow) -> impl Iterator<Item = &'a PaymentRow> {
        self.payments.iter().filter(move |p| p.bill_id == b.id)
    }
}

/// One page of a trip's bills (two round trips after the trip).
pub async fn of_trip(ctx: &Ctx, trip: &TripRow, after: Option<&Cursor>, limit: i64) -> ApiResult<BillPage> {
    let db = &ctx.db;
    let (bills, buyers) = bills::page_of_trip(db, &trip.id, after, limit).await?;
    let ids: Vec<&str> = bills.iter().map(|b| b.id.as_str()).collect();
    let ids = serde_json::to_string(&ids)?;
    let (lines, payments) = db.read((bills::lines_of_query(db, &ids)?, payments::of_bills_query(db, &ids)?)).await?;
    Ok(BillPage { bills, buyers, lines, payments })
}

/// `me`'s open bills asking `amount` (a line of her bank statement), with their buyers.
pub async fn asking(ctx: &Ctx, me: &AuthUser, amount: i64) -> ApiResult<(Vec<BillRow>, Vec<ParticipantRow>)> {
    bills::asking(&ctx.db, &me.id, amount).await
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
