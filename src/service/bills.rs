//! Bills (tagihan): who may see one, a trip's list, cancelling one. A bill
//! is made and changed by the batches that place and move its lines
//! (`orders::place`, `orders::transition`).

use crate::ctx::Ctx;
use crate::domain::bill::{BillStatus, COURIERS};
use crate::domain::fields;
use crate::domain::page::Cursor;
use crate::domain::token::check_bill_token;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::input::Input;
use crate::input::Patch;
use crate::store::bills::{self, BillRow, LineRow, ShippingChange};
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

/// One page of a trip's bills (one round trip after the trip).
pub async fn of_trip(ctx: &Ctx, trip: &TripRow, after: Option<&Cursor>, limit: i64) -> ApiResult<BillPage> {
    let (bills, buyers, lines, payments) = bills::page_of_trip(&ctx.db, &trip.id, after, limit).await?;
    Ok(BillPage { bills, buyers, lines, payments })
}

/// `{ shippingCost?, address?, pickup? }` (the owner), `{ address?, pickup? }` (the buyer's link).
pub fn parse_shipping(mut input: Input, owner: bool) -> ApiResult<ShippingChange> {
    input.only(if owner { &["shippingCost", "address", "pickup"] } else { &["address", "pickup"] });
    let cost = match input.patch_rupiah("shippingCost", MAX_SHIPPING) {
        Patch::Set(v) => Some(v),
        Patch::Null => Some(0),
        Patch::Absent => None,
    };
    let address = match input.patch_str("address") {
        Patch::Set(s) if s.trim().is_empty() => Some(None),
        Patch::Set(s) => input.check("address", fields::ADDRESS.clean(&s)).map(Some),
        Patch::Null => Some(None),
        Patch::Absent => None,
    };
    let pickup = match input.patch_bool("pickup") {
        Patch::Set(b) => Some(b),
        Patch::Null => Some(false),
        Patch::Absent => None,
    };
    input.finish()?;
    Ok(ShippingChange { cost, address, pickup })
}

/// The most ongkir one bill takes (what rupiah text can say: Rp 999.999.999).
pub const MAX_SHIPPING: i64 = 999_999_999;

fn not_open(b: &BillRow) -> ApiError {
    ApiError::new(ErrorCode::InvalidTransition, format!("A {} bill's shipping cannot change", b.status.as_str()))
}

/// Changes the ongkir, address or pickup of an open bill `v` (read with
/// `visible` for `access`: its owner, or the buyer's link for the address
/// and pickup), and answers it after (its lines and payments do not change).
pub async fn set_shipping(ctx: &Ctx, v: BillView, access: &BillAccess, change: ShippingChange) -> ApiResult<BillView> {
    if !v.bill.status.is_open() {
        return Err(not_open(&v.bill));
    }
    let owner = match access {
        BillAccess::Owner(me) => Some(me.id.as_str()),
        BillAccess::Token(_) => None,
    };
    let (changed, after) = bills::set_shipping(&ctx.db, &v.bill.id, owner, &change, &ctx.now_iso()).await?;
    match after {
        Some(bill) if changed => Ok(BillView { bill, ..v }),
        after => Err(not_open(after.as_ref().unwrap_or(&v.bill))),
    }
}

/// `{ courier, trackingNumber }`: how a lunas bill went (a resi is needed
/// unless the courier is "other").
pub struct ShipForm {
    pub courier: &'static str,
    pub tracking: Option<String>,
}

impl ShipForm {
    pub fn parse(mut input: Input) -> ApiResult<ShipForm> {
        input.only(&["courier", "trackingNumber"]);
        let courier = input.required_with("courier", |c| {
            let c = c.trim().to_ascii_lowercase();
            COURIERS.iter().find(|(code, _)| *code == c).map(|(code, _)| *code).ok_or_else(|| {
                format!("must be one of {}", COURIERS.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", "))
            })
        });
        let tracking = match input.patch_str("trackingNumber") {
            Patch::Set(s) if !s.trim().is_empty() => input.check("trackingNumber", fields::TRACKING.clean(&s)),
            _ => None,
        };
        if tracking.is_none() && courier.is_some_and(|c| c != "other") && !input.has_errors_on(&["trackingNumber"]) {
            input.error("trackingNumber", "is required: the resi the penitip tracks her parcel with");
        }
        input.finish()?;
        let courier = courier.ok_or_else(|| ApiError::field("courier", "is required"))?;
        Ok(ShipForm { courier, tracking })
    }
}

/// One of `me`'s bills; 404 otherwise.
pub async fn owned(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<BillRow> {
    bills::owned(&ctx.db, id, &me.id).await?.ok_or_else(|| ApiError::not_found("Bill"))
}

/// Ships a lunas bill of `me` (read with `owned`); the penitip hears the courier and the resi once.
pub async fn ship(ctx: &Ctx, me: &AuthUser, bill: &BillRow, form: ShipForm) -> ApiResult<BillRow> {
    if bill.status != BillStatus::Paid {
        let why = match bill.status {
            BillStatus::Unpaid | BillStatus::DpPaid => {
                format!("This bill is not paid in full yet: {} is left", crate::domain::money::rupiah(bill.balance()))
            }
            s => format!("A {} bill cannot be shipped", s.as_str()),
        };
        return Err(ApiError::new(ErrorCode::InvalidTransition, why));
    }
    let (shipped, after) =
        bills::ship(&ctx.db, &bill.id, &me.id, form.courier, form.tracking.as_deref(), &ctx.now_iso()).await?;
    let after = after.ok_or_else(|| ApiError::not_found("Bill"))?;
    if !shipped {
        return Err(ApiError::new(ErrorCode::InvalidTransition, "This bill changed meanwhile: reload it"));
    }
    super::public_cache::profile_changed(ctx, &me.slug).await;
    super::notify::bill_shipped(ctx, &after).await?;
    Ok(after)
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
    let bill = owned(ctx, me, id).await?;
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
