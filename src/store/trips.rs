//! SQL for `trips`. Every private query names the owner in its WHERE clause.

use serde::Deserialize;

use super::{Arg, Changes, Db, Select};
use crate::domain::money::Currency;
use crate::domain::page::Cursor;
use crate::domain::pricing::Pricing;
use crate::domain::slug::Slug;
use crate::error::ApiResult;

#[derive(Debug, Clone, Deserialize)]
pub struct TripRow {
    pub id: String,
    pub jastiper_id: String,
    pub slug: Slug,
    pub title: String,
    pub description: Option<String>,
    pub deadline: Option<String>,
    #[serde(deserialize_with = "super::flag")]
    pub is_active: bool,
    pub created_at: String,
    pub updated_at: String,
    /// How the trip prices (`domain::pricing`): the currency it buys in
    /// (a rupiah trip has prices typed in rupiah), the kurs and the fee.
    /// Plain fields, not a flattened struct: a flattened row decodes
    /// through serde's buffering path, several KB of wasm per row type.
    pub currency: String,
    /// Rupiah per unit × 10^4, and when it was set.
    pub exchange_rate: Option<i64>,
    pub exchange_rate_at: Option<String>,
    /// 1/100 of a percent.
    pub fee_percent: i64,
    pub fee_per_item: i64,
    pub round_to: i64,
    /// The DP asked, in whole percent of a bill's items (0: pay in full),
    /// and one ongkir for every shipped bill (`None`: set per bill).
    pub dp_percent: i64,
    pub shipping_flat: Option<i64>,
    /// When the goods arrived (the penitip with a balance were told), and
    /// after how many days a bill still not lunas gets its one reminder.
    pub arrived_at: Option<String>,
    pub reminder_days: i64,
    /// Kept by a trigger on `participants` (0010_trip_counters.sql).
    #[serde(default)]
    pub participant_count: i64,
}

impl TripRow {
    pub fn currency(&self) -> Currency {
        Currency::parse(&self.currency).unwrap_or(Currency::IDR)
    }

    /// The pricing of a foreign trip; `None` for a rupiah trip.
    pub fn pricing(&self) -> Option<Pricing> {
        let currency = self.currency();
        match (currency.is_idr(), self.exchange_rate) {
            (false, Some(rate)) => Some(Pricing {
                currency,
                rate,
                fee: self.fee_percent,
                fee_per_item: self.fee_per_item,
                round_to: self.round_to,
            }),
            _ => None,
        }
    }
}

impl TripRow {
    /// Joining and ordering have closed: the deadline passed.
    pub fn closed(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        crate::domain::time::is_past(self.deadline.as_deref(), now)
    }
}

pub const COLUMNS: &str = "id, jastiper_id, slug, title, description, deadline, is_active, created_at, updated_at, \
     currency, exchange_rate, exchange_rate_at, fee_percent, fee_per_item, round_to, dp_percent, shipping_flat, \
     arrived_at, reminder_days, participant_count";

pub struct NewTrip<'a> {
    pub id: &'a str,
    pub jastiper_id: &'a str,
    pub slug: &'a Slug,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub deadline: Option<&'a str>,
    pub is_active: bool,
    pub pricing: &'a PricingChange,
    pub dp_percent: Option<i64>,
    pub shipping_flat: Option<i64>,
    pub reminder_days: Option<i64>,
    pub now: &'a str,
}

/// What a trip's pricing is set to: every field, or (a PATCH) those named.
#[derive(Debug, Default, Clone)]
pub struct PricingChange {
    pub currency: Option<Currency>,
    pub exchange_rate: Option<Option<i64>>,
    pub fee_percent: Option<i64>,
    pub fee_per_item: Option<i64>,
    pub round_to: Option<i64>,
}

impl PricingChange {
    /// The pricing `trip` has once this change is saved (`None`: rupiah prices).
    pub fn applied_to(&self, trip: &TripRow) -> Option<Pricing> {
        let mut after = trip.clone();
        if let Some(c) = self.currency {
            after.currency = c.code().to_string();
        }
        if let Some(rate) = self.exchange_rate {
            after.exchange_rate = rate;
        }
        after.fee_percent = self.fee_percent.unwrap_or(after.fee_percent);
        after.fee_per_item = self.fee_per_item.unwrap_or(after.fee_per_item);
        after.round_to = self.round_to.unwrap_or(after.round_to);
        after.pricing()
    }

    pub fn is_empty(&self) -> bool {
        self.currency.is_none()
            && self.exchange_rate.is_none()
            && self.fee_percent.is_none()
            && self.fee_per_item.is_none()
            && self.round_to.is_none()
    }
}

pub async fn insert(db: &Db, t: &NewTrip<'_>) -> ApiResult<()> {
    let p = t.pricing;
    let currency = p.currency.unwrap_or(Currency::IDR);
    db.exec(
        "INSERT INTO trips (id, jastiper_id, slug, title, description, deadline, is_active, created_at, updated_at,
                            currency, exchange_rate, exchange_rate_at, fee_percent, fee_per_item, round_to, dp_percent, shipping_flat, reminder_days)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, CASE WHEN ?10 IS NULL THEN NULL ELSE ?8 END, ?11, ?12, ?13, ?14, ?15, ?16)",
        &[
            t.id.into(),
            t.jastiper_id.into(),
            t.slug.into(),
            t.title.into(),
            t.description.into(),
            t.deadline.into(),
            t.is_active.into(),
            t.now.into(),
            currency.code().into(),
            p.exchange_rate.flatten().map_or(Arg::Null, Arg::Int),
            p.fee_percent.unwrap_or(0).into(),
            p.fee_per_item.unwrap_or(0).into(),
            p.round_to.unwrap_or(if currency.is_idr() { 1 } else { 1000 }).into(),
            t.dp_percent.unwrap_or(0).into(),
            t.shipping_flat.map_or(Arg::Null, Arg::Int),
            t.reminder_days.unwrap_or(3).into(),
        ],
    )
    .await?;
    Ok(())
}

/// The trip if `owner` owns it; somebody else's trip is as absent as a
/// missing one. The one owned-trip read, alone (`owned`) or in a batch.
pub fn owned_query(db: &Db, id: &str, owner: &str) -> ApiResult<Select<TripRow>> {
    Select::new(
        db,
        &format!("SELECT {COLUMNS} FROM trips WHERE id = ?1 AND jastiper_id = ?2"),
        &[id.into(), owner.into()],
    )
}

/// The trip of a product, if `owner` owns it (read in one batch with the product).
pub fn owned_query_of_product(db: &Db, product_id: &str, owner: &str) -> ApiResult<Select<TripRow>> {
    Select::new(
        db,
        &format!(
            "SELECT {COLUMNS} FROM trips WHERE id = (SELECT trip_id FROM products WHERE id = ?1) AND jastiper_id = ?2"
        ),
        &[product_id.into(), owner.into()],
    )
}

/// The trip of a bill.
pub fn of_bill_query(db: &Db, bill_id: &str) -> ApiResult<Select<TripRow>> {
    Select::new(
        db,
        &format!("SELECT {COLUMNS} FROM trips WHERE id = (SELECT trip_id FROM bills WHERE id = ?1)"),
        &[bill_id.into()],
    )
}

pub async fn owned(db: &Db, id: &str, owner: &str) -> ApiResult<Option<TripRow>> {
    db.first(owned_query(db, id, owner)?).await
}

/// A trip by id or by slug, for public routes (`/t/jpn25` names it by slug).
pub async fn by_id_or_slug(db: &Db, key: &str) -> ApiResult<Option<TripRow>> {
    db.one(&format!("SELECT {COLUMNS} FROM trips WHERE id = ?1 OR slug = lower(?1) LIMIT 1"), &[key.into()]).await
}

pub async fn by_jastiper(db: &Db, jastiper_id: &str, active_only: bool) -> ApiResult<Vec<TripRow>> {
    let filter = if active_only { " AND is_active = 1" } else { "" };
    db.many(
        &format!("SELECT {COLUMNS} FROM trips WHERE jastiper_id = ?1{filter} ORDER BY created_at DESC, id DESC"),
        &[jastiper_id.into()],
    )
    .await
}

/// One page of the owner's trips, newest first.
pub async fn page(
    db: &Db,
    owner: &str,
    active_only: bool,
    after: Option<&Cursor>,
    limit: i64,
) -> ApiResult<Vec<TripRow>> {
    let filter = if active_only { " AND is_active = 1" } else { "" };
    let (after_at, after_id) = after.map_or(("\u{10FFFF}", ""), |c| (c.created_at.as_str(), c.id.as_str()));
    db.many(
        &format!(
            "SELECT {COLUMNS} FROM trips WHERE jastiper_id = ?1{filter} AND (created_at, id) < (?2, ?3)
             ORDER BY created_at DESC, id DESC LIMIT ?4"
        ),
        &[owner.into(), after_at.into(), after_id.into(), limit.into()],
    )
    .await
}

#[derive(Default)]
pub struct TripChange {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub deadline: Option<Option<String>>,
    pub is_active: Option<bool>,
    pub pricing: PricingChange,
    pub dp_percent: Option<i64>,
    /// One ongkir for every bill not picked up (`Some(None)`: set per bill).
    pub shipping_flat: Option<Option<i64>>,
    pub reminder_days: Option<i64>,
}

/// The trip's change as one statement, and its products' new rupiah prices
/// (a kurs or fee changed) in the same batch: either all of it or nothing.
pub async fn update(
    db: &Db,
    id: &str,
    owner: &str,
    c: &TripChange,
    prices: &[(String, i64)],
    now: &str,
) -> ApiResult<()> {
    let mut changes = Changes::new(vec![id.into(), owner.into()]);
    changes.set("updated_at", now.into());
    if let Some(title) = &c.title {
        changes.set("title", title.into());
    }
    changes.change("description", &c.description);
    changes.change("deadline", &c.deadline);
    if let Some(active) = c.is_active {
        changes.set("is_active", active.into());
    }
    let p = &c.pricing;
    if let Some(currency) = p.currency {
        changes.set("currency", currency.code().into());
    }
    if let Some(rate) = p.exchange_rate {
        changes.set("exchange_rate", rate.map_or(Arg::Null, Arg::Int));
        changes.set("exchange_rate_at", now.into());
    }
    if let Some(v) = p.fee_percent {
        changes.set("fee_percent", v.into());
    }
    if let Some(v) = p.fee_per_item {
        changes.set("fee_per_item", v.into());
    }
    if let Some(v) = p.round_to {
        changes.set("round_to", v.into());
    }
    if let Some(v) = c.dp_percent {
        changes.set("dp_percent", v.into());
    }
    if let Some(v) = c.shipping_flat {
        changes.set("shipping_flat", v.map_or(Arg::Null, Arg::Int));
    }
    if let Some(v) = c.reminder_days {
        changes.set("reminder_days", v.into());
    }
    let trip = db.stmt(&changes.sql("trips", "id = ?1 AND jastiper_id = ?2"), &changes.args)?;
    let open = super::bills::OPEN;
    let mut bills = Vec::new();
    // A flat ongkir (or none any more) goes on every open bill that is not picked up.
    if let Some(flat) = c.shipping_flat.flatten() {
        bills.push(db.stmt(
            &format!("UPDATE bills SET shipping_cost = ?2 WHERE trip_id = ?1 AND status IN {open} AND pickup = 0"),
            &[id.into(), flat.into()],
        )?);
    }
    // A new DP percent or ongkir changes what each open bill asks.
    if c.dp_percent.is_some() || c.shipping_flat.is_some() {
        let settle = super::bills::settle_where_sql(&format!("x.trip_id = ?1 AND x.status IN {open}"), "?2");
        bills.push(db.stmt(&settle, &[id.into(), now.into()])?);
    }
    db.read((super::Write(trip), super::products::set_prices(db, prices, now)?, super::Writes(bills))).await?;
    Ok(())
}

/// The goods of an owned trip arrived (kept from the first time).
pub async fn mark_arrived(db: &Db, id: &str, owner: &str, now: &str) -> ApiResult<()> {
    db.exec(
        "UPDATE trips SET arrived_at = COALESCE(arrived_at, ?3), updated_at = ?3 WHERE id = ?1 AND jastiper_id = ?2",
        &[id.into(), owner.into(), now.into()],
    )
    .await?;
    Ok(())
}

pub async fn delete(db: &Db, id: &str, owner: &str) -> ApiResult<usize> {
    db.exec("DELETE FROM trips WHERE id = ?1 AND jastiper_id = ?2", &[id.into(), owner.into()]).await
}

/// Trips whose deadline passed and that were not closed at that deadline yet.
pub async fn due_to_close(db: &Db, now: &str, limit: i64) -> ApiResult<Vec<TripRow>> {
    db.many(
        &format!(
            "SELECT {COLUMNS} FROM trips WHERE deadline IS NOT NULL AND deadline <= ?1
               AND closed_at_deadline IS NOT deadline ORDER BY deadline LIMIT ?2"
        ),
        &[now.into(), limit.into()],
    )
    .await
}

/// Marks the trip closed at `deadline`, once: false when another run did it
/// or the deadline changed meanwhile.
pub async fn claim_close(db: &Db, id: &str, deadline: &str) -> ApiResult<bool> {
    let changed = db
        .exec(
            "UPDATE trips SET closed_at_deadline = deadline
             WHERE id = ?1 AND deadline = ?2 AND closed_at_deadline IS NOT deadline",
            &[id.into(), deadline.into()],
        )
        .await?;
    Ok(changed == 1)
}

/// A claimed order notice: when the last one went (`None`: never).
#[derive(Deserialize)]
pub struct DigestClaim {
    pub order_digest_sent_at: Option<String>,
}

/// The coalesced new-order notice: a row (with when the last one went) when
/// this statement may schedule it — none pending, and the trip's jastiper has
/// a connected WhatsApp number. One statement, in the checkout's batch.
pub fn claim_order_digest(db: &Db, id: &str) -> ApiResult<Select<DigestClaim>> {
    Select::new(
        db,
        "UPDATE trips SET order_digest_pending = 1 WHERE id = ?1 AND order_digest_pending = 0
           AND EXISTS (SELECT 1 FROM users u WHERE u.id = trips.jastiper_id
                         AND u.phone IS NOT NULL AND u.phone_connected_at IS NOT NULL)
         RETURNING order_digest_sent_at",
        &[id.into()],
    )
}

/// Ends the pending notice: answers the time of the last order already told
/// (orders after it are new), and records this notice.
pub async fn take_order_digest(db: &Db, id: &str, now: &str) -> ApiResult<Option<Option<String>>> {
    #[derive(Deserialize)]
    struct Row {
        through: Option<String>,
    }
    let row: Option<Row> = db
        .one(
            "UPDATE trips SET order_digest_pending = 0, order_digest_sent_at = ?2
             WHERE id = ?1 RETURNING order_digest_through AS through",
            &[id.into(), now.into()],
        )
        .await?;
    Ok(row.map(|r| r.through))
}

pub async fn set_order_digest_through(db: &Db, id: &str, through: &str) -> ApiResult<()> {
    db.exec("UPDATE trips SET order_digest_through = ?2 WHERE id = ?1", &[id.into(), through.into()]).await?;
    Ok(())
}
