//! What each dashboard page shows, read in one D1 batch (one round trip),
//! every statement scoped to the signed-in jastiper (`store::dashboard`).
//! A trip, product or order of anybody else is `NotFound`.

use chrono::{Duration, SecondsFormat};

use super::AuthUser;
use crate::ctx::Ctx;
use crate::domain::cost::{estimate, Category, Estimate};
use crate::domain::order::OrderStatus;
use crate::domain::outbox::OutboxStatus;
use crate::error::{ApiError, ApiResult};
use crate::store::dashboard::{self as q, Analytics, Audience, OrderView, OutboxCount, StatusTotal, TripSummary};
use crate::store::orders::OrderDetailRow;
use crate::store::outbox::OutboxRow;
use crate::store::participants::ParticipantRow;
use crate::store::products::ProductRow;
use crate::store::rows;
use crate::store::trips::TripRow;
use crate::store::users::UserRow;

fn iso_days_ago(ctx: &Ctx, days: i64) -> String {
    (ctx.now - Duration::days(days)).to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn first<T>(found: Vec<T>, what: &str) -> ApiResult<T> {
    found.into_iter().next().ok_or_else(|| ApiError::not_found(what))
}

pub struct Home {
    pub user: UserRow,
    pub trips: Vec<TripSummary>,
    pub analytics: Analytics,
}

pub async fn home(ctx: &Ctx, me: &AuthUser) -> ApiResult<Home> {
    let (week, fortnight) = (iso_days_ago(ctx, 7), iso_days_ago(ctx, 14));
    let db = &ctx.db;
    let r = db
        .batch(vec![q::user(db, &me.id)?, q::trip_summaries(db, &me.id)?, q::analytics(db, &me.id, &week, &fortnight)?])
        .await?;
    Ok(Home {
        user: first(rows(&r[0])?, "Account")?,
        trips: rows(&r[1])?,
        analytics: rows(&r[2])?.into_iter().next().unwrap_or_default(),
    })
}

pub async fn user(ctx: &Ctx, me: &AuthUser) -> ApiResult<UserRow> {
    let r = ctx.db.batch(vec![q::user(&ctx.db, &me.id)?]).await?;
    first(rows(&r[0])?, "Account")
}

pub struct TripPage {
    pub trip: TripRow,
    pub products: Vec<ProductRow>,
    pub totals: Vec<StatusTotal>,
}

pub async fn trip(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<TripPage> {
    let db = &ctx.db;
    let r = db
        .batch(vec![q::trip(db, id, &me.id)?, q::products_of_trip(db, id, &me.id)?, q::order_totals(db, id, &me.id)?])
        .await?;
    Ok(TripPage { trip: first(rows(&r[0])?, "Trip")?, products: rows(&r[1])?, totals: rows(&r[2])? })
}

/// Only the trip (forms that add to it).
pub async fn trip_only(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<TripRow> {
    let r = ctx.db.batch(vec![q::trip(&ctx.db, id, &me.id)?]).await?;
    first(rows(&r[0])?, "Trip")
}

pub async fn product(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<ProductRow> {
    let r = ctx.db.batch(vec![q::product(&ctx.db, id, &me.id)?]).await?;
    first(rows(&r[0])?, "Product")
}

pub struct OrdersPage {
    pub trip: TripRow,
    pub orders: Vec<OrderDetailRow>,
    /// Count and sum of every status, zero included, in the order of `OrderStatus::ALL`.
    pub totals: Vec<(OrderStatus, i64, i64)>,
}

pub fn all_totals(found: &[StatusTotal]) -> Vec<(OrderStatus, i64, i64)> {
    OrderStatus::ALL
        .into_iter()
        .map(|s| found.iter().find(|t| t.status == s).map_or((s, 0, 0), |t| (s, t.n, t.total)))
        .collect()
}

pub async fn orders(ctx: &Ctx, me: &AuthUser, trip_id: &str, status: Option<OrderStatus>) -> ApiResult<OrdersPage> {
    let db = &ctx.db;
    let r = db
        .batch(vec![
            q::trip(db, trip_id, &me.id)?,
            q::orders_of_trip(db, trip_id, &me.id, status)?,
            q::order_totals(db, trip_id, &me.id)?,
        ])
        .await?;
    let totals: Vec<StatusTotal> = rows(&r[2])?;
    Ok(OrdersPage { trip: first(rows(&r[0])?, "Trip")?, orders: rows(&r[1])?, totals: all_totals(&totals) })
}

/// One order with its trip and the owner's account (payment details for the invoice).
pub async fn order(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<(OrderView, UserRow)> {
    let db = &ctx.db;
    let r = db.batch(vec![q::order(db, id, &me.id)?, q::user(db, &me.id)?]).await?;
    Ok((first(rows(&r[0])?, "Order")?, first(rows(&r[1])?, "Account")?))
}

pub struct PeoplePage {
    pub trip: TripRow,
    pub people: Vec<ParticipantRow>,
    pub orders: Vec<OrderDetailRow>,
}

pub async fn people(ctx: &Ctx, me: &AuthUser, trip_id: &str) -> ApiResult<PeoplePage> {
    let db = &ctx.db;
    let r = db
        .batch(vec![
            q::trip(db, trip_id, &me.id)?,
            q::participants_of_trip(db, trip_id, &me.id)?,
            q::orders_of_trip(db, trip_id, &me.id, None)?,
        ])
        .await?;
    Ok(PeoplePage { trip: first(rows(&r[0])?, "Trip")?, people: rows(&r[1])?, orders: rows(&r[2])? })
}

pub struct MessagesPage {
    pub trip: TripRow,
    /// A broadcast's price: utility inside the window, the template outside it.
    pub estimate: Estimate,
    pub counts: Vec<(OutboxStatus, i64)>,
    pub latest: Vec<OutboxRow>,
}

pub async fn messages(ctx: &Ctx, me: &AuthUser, trip_id: &str) -> ApiResult<MessagesPage> {
    let db = &ctx.db;
    let since = iso_days_ago(ctx, 1);
    let r = db
        .batch(vec![
            q::trip(db, trip_id, &me.id)?,
            q::audience(db, trip_id, &me.id, &since)?,
            q::outbox_counts(db, trip_id, &me.id)?,
            q::outbox_latest(db, trip_id, &me.id)?,
        ])
        .await?;
    let trip = first(rows(&r[0])?, "Trip")?;
    let audience: Audience = first(rows(&r[1])?, "Trip")?;
    let found: Vec<OutboxCount> = rows(&r[2])?;
    let counts =
        OutboxStatus::ALL.into_iter().map(|s| (s, found.iter().find(|c| c.status == s).map_or(0, |c| c.n))).collect();
    let estimate = estimate(audience.total, audience.recent.unwrap_or(0), Category::Utility, ctx.config.wa.rates);
    Ok(MessagesPage { trip, estimate, counts, latest: rows(&r[3])? })
}
