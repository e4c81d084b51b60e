//! The reads of the jastiper's dashboard, as statements every page runs in
//! one batch (one D1 round trip). Every statement is scoped to the owner:
//! another jastiper's id finds nothing.

use serde::Deserialize;

use super::{orders, outbox, participants, products, trips, Arg, Db, Select};
use crate::domain::order::OrderStatus;
use crate::domain::outbox::OutboxStatus;
use crate::domain::page::Cursor;
use crate::error::ApiResult;

/// A trip in the dashboard's list, with its numbers.
#[derive(Debug, Deserialize)]
pub struct TripSummary {
    #[serde(flatten)]
    pub trip: trips::TripRow,
    pub participants: i64,
    pub pending: i64,
    pub revenue: i64,
}

pub fn trip_summaries(db: &Db, owner: &str) -> ApiResult<Select<TripSummary>> {
    Select::new(
        db,
        &format!(
            "SELECT {},
               participant_count AS participants,
               (SELECT COALESCE(SUM(s.n), 0) FROM trip_order_totals s WHERE s.trip_id = trips.id AND s.status = 'pending') AS pending,
               (SELECT COALESCE(SUM(s.total), 0) FROM trip_order_totals s
                 WHERE s.trip_id = trips.id AND s.status IN ('confirmed', 'shipped')) AS revenue
             FROM trips WHERE jastiper_id = ?1 ORDER BY created_at DESC LIMIT 100",
            trips::COLUMNS
        ),
        &[owner.into()],
    )
}

/// The last 7 days against the 7 before them.
#[derive(Debug, Default, Deserialize)]
pub struct Analytics {
    pub revenue_now: i64,
    pub revenue_before: i64,
    pub orders_now: i64,
    pub orders_before: i64,
    pub people_now: i64,
    pub people_before: i64,
    /// What her open bills still ask, all trips together.
    pub to_collect: i64,
}

/// `week` and `fortnight` are the ISO times 7 and 14 days ago. Revenue is
/// confirmed and shipped orders, by the day they were placed.
pub fn analytics(db: &Db, owner: &str, week: &str, fortnight: &str) -> ApiResult<Select<Analytics>> {
    Select::new(
        db,
        "SELECT
           COALESCE(SUM(CASE WHEN o.created_at >= ?2 AND o.status IN ('confirmed', 'shipped') THEN o.total_price END), 0) AS revenue_now,
           COALESCE(SUM(CASE WHEN o.created_at < ?2 AND o.status IN ('confirmed', 'shipped') THEN o.total_price END), 0) AS revenue_before,
           COUNT(CASE WHEN o.created_at >= ?2 THEN 1 END) AS orders_now,
           COUNT(CASE WHEN o.created_at < ?2 THEN 1 END) AS orders_before,
           (SELECT COUNT(*) FROM participants p JOIN trips t2 ON t2.id = p.trip_id
             WHERE t2.jastiper_id = ?1 AND p.joined_at >= ?2) AS people_now,
           (SELECT COUNT(*) FROM participants p JOIN trips t2 ON t2.id = p.trip_id
             WHERE t2.jastiper_id = ?1 AND p.joined_at >= ?3 AND p.joined_at < ?2) AS people_before,
           (SELECT COALESCE(SUM(b.total - b.paid), 0) FROM bills b
             WHERE b.jastiper_id = ?1 AND b.status IN ('unpaid', 'dp_paid') AND b.total > b.paid) AS to_collect
         FROM orders o JOIN trips t ON t.id = o.trip_id
         WHERE t.jastiper_id = ?1 AND o.created_at >= ?3",
        &[owner.into(), week.into(), fortnight.into()],
    )
}

/// A product's last 7 days: units ordered (not refused) and their rupiah.
#[derive(Debug, Deserialize)]
pub struct ProductSales {
    pub title: String,
    pub units: i64,
    pub revenue: i64,
}

/// The ten products most ordered since `week`, across her trips.
pub fn top_products(db: &Db, owner: &str, week: &str) -> ApiResult<Select<ProductSales>> {
    Select::new(
        db,
        "SELECT pr.title AS title, SUM(o.quantity) AS units, SUM(o.total_price) AS revenue
         FROM orders o JOIN trips t ON t.id = o.trip_id JOIN products pr ON pr.id = o.product_id
         WHERE t.jastiper_id = ?1 AND o.created_at >= ?2 AND o.status != 'rejected'
         GROUP BY o.product_id ORDER BY units DESC, revenue DESC LIMIT 10",
        &[owner.into(), week.into()],
    )
}

pub fn products_of_trip(db: &Db, trip_id: &str, owner: &str) -> ApiResult<Select<products::ProductRow>> {
    Select::new(
        db,
        &format!(
            "SELECT {} FROM products p JOIN trips t ON t.id = p.trip_id
             WHERE p.trip_id = ?1 AND t.jastiper_id = ?2 ORDER BY p.created_at, p.id",
            products::COLUMNS
        ),
        &[trip_id.into(), owner.into()],
    )
}

const DETAIL: &str = "pr.slug AS product_slug, pr.title AS product_title, pr.image AS product_image, \
     pa.name AS participant_name, pa.phone AS participant_phone";

/// How many rows one page of a dashboard list shows.
pub const PAGE: i64 = 50;

/// The `(created_at, id)` a page starts below: the cursor, or past every row (the first page).
fn before(after: Option<&Cursor>) -> (&str, &str) {
    after.map_or(("\u{10FFFF}", ""), |c| (c.created_at.as_str(), c.id.as_str()))
}

/// One page of a trip's orders (newest first), optionally of one status:
/// found through `orders_by_trip` or `orders_by_trip_status`, so it reads the
/// rows it shows, however many the trip has.
pub fn orders_of_trip(
    db: &Db,
    trip_id: &str,
    owner: &str,
    status: Option<OrderStatus>,
    after: Option<&Cursor>,
) -> ApiResult<Select<orders::OrderDetailRow>> {
    let (at, id) = before(after);
    let mut args: Vec<Arg<'_>> = vec![trip_id.into(), owner.into(), at.into(), id.into(), PAGE.into()];
    let filter = match status {
        Some(s) => {
            args.push(s.into());
            " AND o.status = ?6"
        }
        None => "",
    };
    Select::new(
        db,
        &format!(
            "SELECT {}, {DETAIL} FROM orders o JOIN trips t ON t.id = o.trip_id
               JOIN products pr ON pr.id = o.product_id JOIN participants pa ON pa.id = o.participant_id
             WHERE o.trip_id = ?1 AND t.jastiper_id = ?2{filter} AND (o.created_at, o.id) < (?3, ?4)
             ORDER BY o.created_at DESC, o.id DESC LIMIT ?5",
            orders::COLUMNS
        ),
        &args,
    )
}

/// The page of a trip's participants (newest first) that `page_of_people` reads, as SQL naming their ids.
/// The trip's ownership is part of it (a scalar subquery, read once); the
/// orders are found from these ids, never from the trip's every order.
const PEOPLE_PAGE: &str = "SELECT x.id FROM participants x
     WHERE x.trip_id = (SELECT id FROM trips WHERE id = ?1 AND jastiper_id = ?2) AND (x.joined_at, x.id) < (?3, ?4)
     ORDER BY x.joined_at DESC, x.id DESC LIMIT ?5";

/// One page of a trip's participants, newest first (`participants_by_trip_joined`).
pub fn participants_of_trip(
    db: &Db,
    trip_id: &str,
    owner: &str,
    after: Option<&Cursor>,
    limit: i64,
) -> ApiResult<Select<participants::ParticipantRow>> {
    let (at, id) = before(after);
    let columns = participants::COLUMNS.split(", ").map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", ");
    Select::new(
        db,
        &format!(
            "SELECT {columns} FROM participants p
             WHERE p.trip_id = (SELECT id FROM trips WHERE id = ?1 AND jastiper_id = ?2) AND (p.joined_at, p.id) < (?3, ?4)
             ORDER BY p.joined_at DESC, p.id DESC LIMIT ?5"
        ),
        &[trip_id.into(), owner.into(), at.into(), id.into(), limit.into()],
    )
}

/// The orders of the participants `participants_of_trip` shows (by `orders_by_buyer`).
pub fn orders_of_people(
    db: &Db,
    trip_id: &str,
    owner: &str,
    after: Option<&Cursor>,
    limit: i64,
) -> ApiResult<Select<orders::OrderDetailRow>> {
    let (at, id) = before(after);
    Select::new(
        db,
        &format!(
            "SELECT {}, {DETAIL} FROM orders o
               JOIN products pr ON pr.id = o.product_id JOIN participants pa ON pa.id = o.participant_id
             WHERE o.participant_id IN ({PEOPLE_PAGE})
             ORDER BY o.created_at DESC, o.id DESC",
            orders::COLUMNS
        ),
        &[trip_id.into(), owner.into(), at.into(), id.into(), limit.into()],
    )
}

/// One order with its product, buyer and trip.
#[derive(Debug, Deserialize)]
pub struct OrderView {
    #[serde(flatten)]
    pub detail: orders::OrderDetailRow,
    pub trip_slug: String,
    pub trip_title: String,
}

pub fn order(db: &Db, id: &str, owner: &str) -> ApiResult<Select<OrderView>> {
    Select::new(
        db,
        &format!(
            "SELECT {}, {DETAIL}, t.slug AS trip_slug, t.title AS trip_title FROM orders o
               JOIN trips t ON t.id = o.trip_id JOIN products pr ON pr.id = o.product_id
               JOIN participants pa ON pa.id = o.participant_id
             WHERE o.id = ?1 AND t.jastiper_id = ?2",
            orders::COLUMNS
        ),
        &[id.into(), owner.into()],
    )
}

#[derive(Debug, Deserialize)]
pub struct StatusTotal {
    pub status: OrderStatus,
    pub n: i64,
    pub total: i64,
}

pub fn order_totals(db: &Db, trip_id: &str, owner: &str) -> ApiResult<Select<StatusTotal>> {
    Select::new(
        db,
        "SELECT s.status, s.n, s.total FROM trip_order_totals s
           JOIN trips t ON t.id = s.trip_id WHERE s.trip_id = ?1 AND t.jastiper_id = ?2 AND s.n > 0",
        &[trip_id.into(), owner.into()],
    )
}

/// How many of a trip's bills are open (they keep the prices they were placed at).
pub fn open_bills(db: &Db, trip_id: &str, owner: &str) -> ApiResult<Select<super::Count>> {
    Select::new(
        db,
        &format!(
            "SELECT COALESCE(SUM(s.n), 0) AS n FROM trip_bill_totals s JOIN trips t ON t.id = s.trip_id
             WHERE s.trip_id = ?1 AND t.jastiper_id = ?2 AND s.status IN {}",
            super::bills::OPEN
        ),
        &[trip_id.into(), owner.into()],
    )
}

/// Who a broadcast would reach: confirmed and subscribed, and how many wrote since `since`.
#[derive(Debug, Deserialize)]
pub struct Audience {
    pub total: i64,
    pub recent: Option<i64>,
}

pub fn audience(db: &Db, trip_id: &str, owner: &str, since: &str) -> ApiResult<Select<Audience>> {
    Select::new(
        db,
        "SELECT COUNT(*) AS total, SUM(CASE WHEN p.last_inbound_at >= ?3 THEN 1 ELSE 0 END) AS recent
         FROM participants p JOIN trips t ON t.id = p.trip_id
         WHERE p.trip_id = ?1 AND t.jastiper_id = ?2 AND p.unsubscribed_at IS NULL AND p.confirmed_at IS NOT NULL",
        &[trip_id.into(), owner.into(), since.into()],
    )
}

#[derive(Debug, Deserialize)]
pub struct OutboxCount {
    pub status: OutboxStatus,
    pub n: i64,
}

pub fn outbox_counts(db: &Db, trip_id: &str, owner: &str) -> ApiResult<Select<OutboxCount>> {
    Select::new(
        db,
        "SELECT m.status, COUNT(*) AS n FROM outbox m JOIN trips t ON t.id = m.trip_id
         WHERE m.trip_id = ?1 AND t.jastiper_id = ?2 GROUP BY m.status",
        &[trip_id.into(), owner.into()],
    )
}

/// The newest 100 messages of a trip.
pub fn outbox_latest(db: &Db, trip_id: &str, owner: &str) -> ApiResult<Select<outbox::OutboxRow>> {
    let columns = outbox::COLUMNS.split(", ").map(|c| format!("m.{}", c.trim())).collect::<Vec<_>>().join(", ");
    Select::new(
        db,
        &format!(
            "SELECT {columns} FROM outbox m JOIN trips t ON t.id = m.trip_id
             WHERE m.trip_id = ?1 AND t.jastiper_id = ?2 ORDER BY m.created_at DESC, m.id DESC LIMIT 100"
        ),
        &[trip_id.into(), owner.into()],
    )
}
