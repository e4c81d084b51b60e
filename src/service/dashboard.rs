//! What each dashboard page shows, read in one D1 batch (one round trip),
//! every statement scoped to the signed-in jastiper (`store::dashboard`, and
//! each resource's own owned read: `trips::owned_query` …).
//! A trip, product or order of anybody else is `NotFound`.

use chrono::{Duration, SecondsFormat};

use super::AuthUser;
use crate::ctx::Ctx;
use crate::domain::cost::{estimate, month_cost, Category, Estimate, Part};
use crate::domain::order::OrderStatus;
use crate::domain::outbox::OutboxStatus;
use crate::domain::page::{next_after, Cursor};
use crate::error::{ApiError, ApiResult};
use crate::store::dashboard::{self as q, Analytics, Audience, OrderView, StatusTotal, TripSummary};
use crate::store::orders::OrderDetailRow;
use crate::store::outbox::{self, OutboxRow};
use crate::store::participants::ParticipantRow;
use crate::store::products::ProductRow;
use crate::store::trips::{self, TripRow};
use crate::store::users::{self, UserRow};

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
    pub top_products: Vec<q::ProductSales>,
    /// Unread messages in her inbox.
    pub unread: i64,
}

pub async fn home(ctx: &Ctx, me: &AuthUser) -> ApiResult<Home> {
    let (week, fortnight) = (iso_days_ago(ctx, 7), iso_days_ago(ctx, 14));
    let db = &ctx.db;
    let (user, trips, analytics, top_products, unread) = db
        .read((
            users::by_id_query(db, &me.id)?,
            q::trip_summaries(db, &me.id)?,
            q::analytics(db, &me.id, &week, &fortnight)?,
            q::top_products(db, &me.id, &week)?,
            crate::store::inbox::unread_query(db, &me.id)?,
        ))
        .await?;
    let analytics = analytics.into_iter().next().unwrap_or_default();
    let unread = unread.into_iter().next().and_then(|u| u.n).unwrap_or(0);
    Ok(Home { user: first(user, "Account")?, trips, analytics, top_products, unread })
}

pub struct TripPage {
    pub trip: TripRow,
    pub products: Vec<ProductRow>,
    pub totals: Vec<StatusTotal>,
    /// Open bills: they keep their prices when the kurs or fee changes.
    pub open_bills: i64,
}

pub async fn trip(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<TripPage> {
    let db = &ctx.db;
    let (trip, products, totals, open) = db
        .read((
            trips::owned_query(db, id, &me.id)?,
            q::products_of_trip(db, id, &me.id)?,
            q::order_totals(db, id, &me.id)?,
            q::open_bills(db, id, &me.id)?,
        ))
        .await?;
    let open_bills = open.into_iter().next().map_or(0, |c| c.n);
    Ok(TripPage { trip: first(trip, "Trip")?, products, totals, open_bills })
}

pub struct OrdersPage {
    pub trip: TripRow,
    /// One page, newest first.
    pub orders: Vec<OrderDetailRow>,
    /// Count and sum of every status, zero included, in the order of `OrderStatus::ALL`.
    pub totals: Vec<(OrderStatus, i64, i64)>,
    /// The next page's cursor, when this one was full.
    pub next: Option<String>,
}

pub fn all_totals(found: &[StatusTotal]) -> Vec<(OrderStatus, i64, i64)> {
    OrderStatus::ALL
        .into_iter()
        .map(|s| found.iter().find(|t| t.status == s).map_or((s, 0, 0), |t| (s, t.n, t.total)))
        .collect()
}

/// One page of a trip's orders; the totals come from the trip's counters.
pub async fn orders(
    ctx: &Ctx,
    me: &AuthUser,
    trip_id: &str,
    status: Option<OrderStatus>,
    after: Option<&Cursor>,
) -> ApiResult<OrdersPage> {
    let db = &ctx.db;
    let (trip, orders, totals) = db
        .read((
            trips::owned_query(db, trip_id, &me.id)?,
            q::orders_of_trip(db, trip_id, &me.id, status, after)?,
            q::order_totals(db, trip_id, &me.id)?,
        ))
        .await?;
    let next = next_after(&orders, q::PAGE, |o| (o.order.created_at.clone(), o.order.id.clone()));
    Ok(OrdersPage { trip: first(trip, "Trip")?, orders, totals: all_totals(&totals), next })
}

/// One order with its product, buyer and trip.
pub async fn order(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<OrderView> {
    first(ctx.db.first(q::order(&ctx.db, id, &me.id)?).await?.into_iter().collect(), "Order")
}

pub struct PeoplePage {
    pub trip: TripRow,
    /// One page, newest first, and their orders.
    pub people: Vec<ParticipantRow>,
    pub orders: Vec<OrderDetailRow>,
    pub next: Option<String>,
}

/// One page of a trip's participants with their orders; how many there are
/// is the trip's counter.
pub async fn people(ctx: &Ctx, me: &AuthUser, trip_id: &str, after: Option<&Cursor>) -> ApiResult<PeoplePage> {
    let db = &ctx.db;
    let (trip, people, orders) = db
        .read((
            trips::owned_query(db, trip_id, &me.id)?,
            q::participants_of_trip(db, trip_id, &me.id, after, q::PAGE)?,
            q::orders_of_people(db, trip_id, &me.id, after, q::PAGE)?,
        ))
        .await?;
    let next = next_after(&people, q::PAGE, |p| (p.joined_at.clone(), p.id.clone()));
    Ok(PeoplePage { trip: first(trip, "Trip")?, people, orders, next })
}

pub struct MessagesPage {
    pub trip: TripRow,
    /// A `{ message }` broadcast's price: service inside the window, the
    /// broadcast template outside it.
    pub estimate: Estimate,
    pub counts: Vec<(OutboxStatus, i64)>,
    pub latest: Vec<OutboxRow>,
    /// This month (UTC), every trip of hers: what Meta said it charged
    /// (status callbacks), per category, and the total in rupiah.
    pub month: (String, Vec<Part>, i64),
}

pub async fn messages(ctx: &Ctx, me: &AuthUser, trip_id: &str) -> ApiResult<MessagesPage> {
    let db = &ctx.db;
    let since = iso_days_ago(ctx, 1);
    let month = crate::service::inbound::month_of(ctx.now);
    let (trip, audience, found, latest, charged) = db
        .read((
            trips::owned_query(db, trip_id, &me.id)?,
            q::audience(db, trip_id, &me.id, &since)?,
            q::outbox_counts(db, trip_id, &me.id)?,
            q::outbox_latest(db, trip_id, &me.id)?,
            outbox::month_costs_query(db, &me.id, &month)?,
        ))
        .await?;
    let trip = first(trip, "Trip")?;
    let audience: Audience = first(audience, "Trip")?;
    let counts =
        OutboxStatus::ALL.into_iter().map(|s| (s, found.iter().find(|c| c.status == s).map_or(0, |c| c.n))).collect();
    let rates = &ctx.config.wa.rates;
    let left = crate::service::messages::allowance_left(ctx).await?;
    let send = crate::service::messages::text_broadcast(ctx);
    let estimate = estimate(audience.total, audience.recent.unwrap_or(0), send, rates, left);
    let charged: Vec<(Category, i64)> =
        charged.iter().filter_map(|c| Category::parse(&c.category).map(|k| (k, c.billable))).collect();
    let (parts, total) = month_cost(&charged, rates);
    Ok(MessagesPage { trip, estimate, counts, latest, month: (month, parts, total) })
}
