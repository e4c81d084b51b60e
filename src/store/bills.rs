//! SQL for `bills`: one penitip's lines (orders) in one trip. A bill's sums
//! and status are never recomputed per request: every batch that changes a
//! bill's lines ends with `settle`, in the same transaction.

use serde::Deserialize;

use super::participants::ParticipantRow;
use super::{Db, Select, Write};
use crate::domain::bill::{BillStatus, Due};
use crate::domain::page::Cursor;
use crate::error::ApiResult;

#[derive(Debug, Clone, Deserialize)]
pub struct BillRow {
    pub id: String,
    pub trip_id: String,
    pub participant_id: String,
    pub status: BillStatus,
    pub subtotal: i64,
    pub total: i64,
    pub paid: i64,
    pub proof_key: Option<String>,
    pub proof_at: Option<String>,
    pub cancel_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// The DP asked (its items' total × the trip's DP percent, rounded up
    /// to Rp 1.000; 0 when the trip asks none), the ongkir and the kode
    /// unik: the last two are in `total`.
    pub dp_due: i64,
    pub shipping_cost: i64,
    pub unique_code: i64,
    pub address: Option<String>,
    #[serde(deserialize_with = "super::flag")]
    pub pickup: bool,
    pub courier: Option<String>,
    pub tracking_number: Option<String>,
    pub shipped_at: Option<String>,
}

impl BillRow {
    /// What is left to pay.
    pub fn balance(&self) -> i64 {
        (self.total - self.paid).max(0)
    }

    /// What was paid beyond the total (a line not found, an overpayment): owed back.
    pub fn refund_due(&self) -> i64 {
        (self.paid - self.total).max(0)
    }

    /// What the penitip is asked to transfer now.
    pub fn due(&self) -> Due {
        Due::of(self.status, self.total, self.paid, self.dp_due, self.unique_code)
    }
}

pub const COLUMNS: &str = "b.id, b.trip_id, b.participant_id, b.status, b.subtotal, b.total, b.paid, b.proof_key, \
                           b.proof_at, b.cancel_reason, b.created_at, b.updated_at, b.dp_due, b.shipping_cost, \
                           b.unique_code, b.address, b.pickup, b.courier, b.tracking_number, b.shipped_at";

/// The statuses of a bill that still takes lines.
pub const OPEN: &str = "('unpaid', 'dp_paid', 'paid')";

/// Recomputes a bill's sums and status from its lines and payments; `bill`
/// is SQL naming its id (`?1`, or a subquery), `now_arg` the placeholder of
/// the time. Rejected lines count for nothing; `paid` is the sum of the
/// confirmed payments; the DP is the items' total × the trip's percent,
/// rounded up to Rp 1.000 (never more than the items); the total adds the
/// ongkir and the kode unik. A bill whose every line was rejected is
/// cancelled (its total 0, so whatever was paid is owed back); one whose
/// every other line shipped is shipped; then lunas, DP paid, or unpaid.
pub fn settle_sql(bill: &str, now_arg: &str) -> String {
    settle_where_sql(&format!("x.id = {bill}"), now_arg)
}

/// `settle_sql` of every bill `x` that `filter` (SQL on `bills x`) picks.
pub fn settle_where_sql(filter: &str, now_arg: &str) -> String {
    const DP: &str = "CASE WHEN s.dp > 0 THEN MIN(s.subtotal, (s.subtotal * s.dp + 99999) / 100000 * 1000) ELSE 0 END";
    format!(
        "UPDATE bills SET
           subtotal = s.subtotal,
           dp_due = {DP},
           total = CASE WHEN s.subtotal = 0 THEN 0 ELSE s.subtotal + bills.shipping_cost + bills.unique_code END,
           paid = s.paid,
           status = CASE
             WHEN bills.status = 'cancelled' OR s.lines = 0 THEN 'cancelled'
             WHEN s.waiting = 0 THEN 'shipped'
             WHEN s.paid >= s.subtotal + bills.shipping_cost + bills.unique_code THEN 'paid'
             WHEN s.dp > 0 AND s.paid >= {DP} THEN 'dp_paid'
             ELSE 'unpaid' END,
           updated_at = {now_arg}
         FROM (SELECT x.id AS id,
             (SELECT COALESCE(SUM(total_price), 0) FROM orders WHERE bill_id = x.id AND status != 'rejected') AS subtotal,
             (SELECT COUNT(*) FROM orders WHERE bill_id = x.id AND status != 'rejected') AS lines,
             (SELECT COUNT(*) FROM orders WHERE bill_id = x.id AND status NOT IN ('rejected', 'shipped')) AS waiting,
             (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE bill_id = x.id AND status = 'confirmed') AS paid,
             (SELECT dp_percent FROM trips WHERE id = x.trip_id) AS dp
           FROM bills x WHERE {filter}) AS s
         WHERE bills.id = s.id"
    )
}

/// After a payment is confirmed: once the bill has its DP (or is lunas),
/// every line still waiting is confirmed (the jastiper will buy it).
pub fn confirm_covered_lines_sql(bill: &str, now_arg: &str) -> String {
    format!(
        "UPDATE orders SET status = 'confirmed', updated_at = {now_arg}
         WHERE bill_id = {bill} AND status = 'pending'
           AND EXISTS (SELECT 1 FROM bills WHERE id = {bill} AND status IN ('dp_paid', 'paid'))"
    )
}

/// `settle` of the bill an order belongs to.
pub fn settle_of_order(db: &Db, order_id: &str, now: &str) -> ApiResult<Write> {
    Ok(Write(db.stmt(&settle_sql("(SELECT bill_id FROM orders WHERE id = ?1)", "?2"), &[order_id.into(), now.into()])?))
}

pub fn by_id_query(db: &Db, id: &str) -> ApiResult<Select<BillRow>> {
    Select::new(db, &format!("SELECT {COLUMNS} FROM bills b WHERE b.id = ?1"), &[id.into()])
}

pub async fn by_id(db: &Db, id: &str) -> ApiResult<Option<BillRow>> {
    db.first(by_id_query(db, id)?).await
}

/// The bill if `owner` owns its trip: the one owned-bill read.
pub fn owned_query(db: &Db, id: &str, owner: &str) -> ApiResult<Select<BillRow>> {
    Select::new(
        db,
        &format!(
            "SELECT {COLUMNS} FROM bills b JOIN trips t ON t.id = b.trip_id WHERE b.id = ?1 AND t.jastiper_id = ?2"
        ),
        &[id.into(), owner.into()],
    )
}

pub async fn owned(db: &Db, id: &str, owner: &str) -> ApiResult<Option<BillRow>> {
    db.first(owned_query(db, id, owner)?).await
}

/// A bill's line: an order with its product and buyer (the row type the
/// dashboard's order lists decode already: one decoder, not another).
pub type LineRow = super::orders::OrderDetailRow;

const LINE_SQL: &str = "SELECT {orders}, pr.slug AS product_slug, pr.title AS product_title, pr.image AS product_image,
       pa.name AS participant_name, pa.phone AS participant_phone
     FROM orders o JOIN products pr ON pr.id = o.product_id JOIN participants pa ON pa.id = o.participant_id";

fn line_sql(filter: &str) -> String {
    format!("{} WHERE {filter} ORDER BY o.created_at, o.rowid", LINE_SQL.replace("{orders}", super::orders::COLUMNS))
}

pub fn lines_query(db: &Db, bill_id: &str) -> ApiResult<Select<LineRow>> {
    Select::new(db, &line_sql("o.bill_id = ?1"), &[bill_id.into()])
}

/// One page of a trip's bills, newest first, with their buyers, their lines
/// and their payments, in one batch: every statement starts from the page's
/// ids (`bills_by_trip`), so it reads what it shows however many bills the trip has.
pub async fn page_of_trip(
    db: &Db,
    trip_id: &str,
    after: Option<&Cursor>,
    limit: i64,
) -> ApiResult<(Vec<BillRow>, Vec<ParticipantRow>, Vec<LineRow>, Vec<super::payments::PaymentRow>)> {
    let (after_at, after_id) = after.map_or(("\u{10FFFF}", ""), |c| (c.created_at.as_str(), c.id.as_str()));
    let page = "SELECT b.id FROM bills b WHERE b.trip_id = ?1 AND (b.created_at, b.id) < (?2, ?3)
                ORDER BY b.created_at DESC, b.id DESC LIMIT ?4";
    let args = [trip_id.into(), after_at.into(), after_id.into(), limit.into()];
    db.read((
        Select::new(
            db,
            &format!("SELECT {COLUMNS} FROM bills b WHERE b.id IN ({page}) ORDER BY b.created_at DESC, b.id DESC"),
            &args,
        )?,
        Select::new(
            db,
            &format!(
                "SELECT {} FROM participants WHERE id IN (SELECT b2.participant_id FROM bills b2 WHERE b2.id IN ({page}))",
                super::participants::COLUMNS
            ),
            &args,
        )?,
        Select::new(db, &line_sql(&format!("o.bill_id IN ({page})")), &args)?,
        Select::new(
            db,
            &format!(
                "SELECT {} FROM payments p WHERE p.bill_id IN ({page}) ORDER BY p.created_at, p.id",
                super::payments::COLUMNS
            ),
            &args,
        )?,
    ))
    .await
}

/// `owner`'s open bills that ask, or add up to, `amount`: its total, its
/// balance, or its DP with the kode unik (what a line of her bank statement
/// shows), newest first, with their buyers. Reads her open bills.
pub async fn asking(db: &Db, owner: &str, amount: i64) -> ApiResult<(Vec<BillRow>, Vec<ParticipantRow>)> {
    let matching = format!(
        "SELECT b.id FROM bills b WHERE b.jastiper_id = ?1 AND b.status IN {OPEN}
           AND (b.total = ?2 OR b.total - b.paid = ?2 OR (b.dp_due > 0 AND b.dp_due + b.unique_code - b.paid = ?2))
         ORDER BY b.created_at DESC LIMIT 20"
    );
    let args = [owner.into(), amount.into()];
    db.read((
        Select::new(db, &format!("SELECT {COLUMNS} FROM bills b WHERE b.id IN ({matching}) ORDER BY b.created_at DESC"), &args)?,
        Select::new(
            db,
            &format!(
                "SELECT {} FROM participants WHERE id IN (SELECT b2.participant_id FROM bills b2 WHERE b2.id IN ({matching}))",
                super::participants::COLUMNS
            ),
            &args,
        )?,
    ))
    .await
}

/// What a bill's shipping becomes (a PATCH: only what is named). Pickup
/// (ambil sendiri) has no ongkir.
#[derive(Debug, Default)]
pub struct ShippingChange {
    pub cost: Option<i64>,
    pub address: Option<Option<String>>,
    pub pickup: Option<bool>,
}

/// Changes an open bill's shipping (`owner`: only hers; `None`: the buyer's
/// link, already checked) and settles it; one batch. Answers the bill after
/// it, and whether it was open.
pub async fn set_shipping(
    db: &Db,
    id: &str,
    owner: Option<&str>,
    c: &ShippingChange,
    now: &str,
) -> ApiResult<(bool, Option<BillRow>)> {
    let mut changes = super::Changes::new(vec![id.into(), owner.into()]);
    changes.set("updated_at", now.into());
    changes.change("address", &c.address);
    if let Some(pickup) = c.pickup {
        changes.set("pickup", pickup.into());
    }
    match (c.cost, c.pickup) {
        (_, Some(true)) => changes.set("shipping_cost", 0.into()),
        (Some(cost), _) => changes.set("shipping_cost", cost.into()),
        // Back from pickup: the trip's flat ongkir, if it has one.
        (None, Some(false)) => changes.raw(
            "shipping_cost = COALESCE((SELECT t.shipping_flat FROM trips t WHERE t.id = bills.trip_id), shipping_cost)",
        ),
        (None, None) => {}
    }
    let filter = format!("id = ?1 AND (?2 IS NULL OR jastiper_id = ?2) AND status IN {OPEN}");
    let (changed, _, after) = db
        .read((
            Write(db.stmt(&changes.sql("bills", &filter), &changes.args)?),
            Write(db.stmt(&settle_sql("?1", "?2"), &[id.into(), now.into()])?),
            by_id_query(db, id)?,
        ))
        .await?;
    Ok((changed == 1, after.into_iter().next()))
}

/// Ships a lunas bill of `owner` with its courier and resi: its waiting
/// lines are shipped and it is settled; one batch. Answers whether it was
/// lunas (false: nothing changed) and the bill after it.
pub async fn ship(
    db: &Db,
    id: &str,
    owner: &str,
    courier: &str,
    tracking: Option<&str>,
    now: &str,
) -> ApiResult<(bool, Option<BillRow>)> {
    let (shipped, _, _, after) = db
        .read((
            Write(db.stmt(
                "UPDATE bills SET courier = ?3, tracking_number = ?4, shipped_at = ?5, updated_at = ?5
                 WHERE id = ?1 AND jastiper_id = ?2 AND status = 'paid'",
                &[id.into(), owner.into(), courier.into(), tracking.into(), now.into()],
            )?),
            Write(db.stmt(
                "UPDATE orders SET status = 'shipped', updated_at = ?2
                 WHERE bill_id = ?1 AND status IN ('pending', 'confirmed') AND changes() = 1",
                &[id.into(), now.into()],
            )?),
            Write(db.stmt(&settle_sql("?1", "?2"), &[id.into(), now.into()])?),
            by_id_query(db, id)?,
        ))
        .await?;
    Ok((shipped == 1, after.into_iter().next()))
}

/// One line of a trip's recap: the line, its buyer and its bill's money.
#[derive(Debug, Deserialize)]
pub struct RecapRow {
    pub order_id: String,
    pub bill_id: String,
    pub buyer_name: String,
    pub buyer_phone: String,
    pub product_id: String,
    pub product_title: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub line_total: i64,
    pub line_status: crate::domain::order::OrderStatus,
    pub notes: Option<String>,
    pub bill_total: i64,
    pub bill_paid: i64,
    pub bill_status: BillStatus,
    pub courier: Option<String>,
    pub tracking_number: Option<String>,
    pub address: Option<String>,
}

const RECAP_COLUMNS: &str = "o.id AS order_id, b.id AS bill_id, pa.name AS buyer_name, pa.phone AS buyer_phone, \
     o.product_id AS product_id, pr.title AS product_title, o.quantity AS quantity, o.unit_price AS unit_price, \
     o.total_price AS line_total, o.status AS line_status, o.notes AS notes, b.total AS bill_total, \
     b.paid AS bill_paid, b.status AS bill_status, b.courier AS courier, b.tracking_number AS tracking_number, \
     b.address AS address";

/// Every line of a trip's bills (cancelled ones too), bill by bill in the
/// order they were opened: the rekap, its CSV and the shopping list.
pub async fn recap_of_trip(db: &Db, trip_id: &str) -> ApiResult<Vec<RecapRow>> {
    db.many(
        &format!(
            "SELECT {RECAP_COLUMNS} FROM orders o JOIN bills b ON b.id = o.bill_id
               JOIN products pr ON pr.id = o.product_id JOIN participants pa ON pa.id = b.participant_id
             WHERE o.trip_id = ?1 ORDER BY b.created_at, b.id, o.created_at, o.rowid"
        ),
        &[trip_id.into()],
    )
    .await
}

/// An owned trip with every bill and every line of them, in one batch (the
/// rekap); every statement is scoped to `owner`, so another jastiper's trip
/// reads as nothing.
pub async fn recap_batch(
    db: &Db,
    trip_id: &str,
    owner: &str,
) -> ApiResult<(Vec<super::trips::TripRow>, Vec<BillRow>, Vec<RecapRow>)> {
    let args = [trip_id.into(), owner.into()];
    db.read((
        super::trips::owned_query(db, trip_id, owner)?,
        Select::new(
            db,
            &format!(
                "SELECT {COLUMNS} FROM bills b WHERE b.trip_id = ?1 AND b.jastiper_id = ?2 ORDER BY b.created_at, b.id"
            ),
            &args,
        )?,
        Select::new(
            db,
            &format!(
                "SELECT {RECAP_COLUMNS} FROM orders o JOIN bills b ON b.id = o.bill_id
                   JOIN products pr ON pr.id = o.product_id JOIN participants pa ON pa.id = b.participant_id
                 WHERE o.trip_id = ?1 AND b.jastiper_id = ?2 ORDER BY b.created_at, b.id, o.created_at, o.rowid"
            ),
            &args,
        )?,
    ))
    .await
}

/// The bill of the phone `phone` in a trip (the open one, else the newest), with its lines; one batch.
pub async fn of_phone(db: &Db, trip_id: &str, phone: &str) -> ApiResult<(Vec<BillRow>, Vec<LineRow>)> {
    let bill = format!(
        "SELECT b.id FROM bills b JOIN participants pa ON pa.id = b.participant_id
         WHERE b.trip_id = ?1 AND pa.phone = ?2 ORDER BY b.status IN {OPEN} DESC, b.created_at DESC LIMIT 1"
    );
    let args = [trip_id.into(), phone.into()];
    db.read((
        Select::new(db, &format!("SELECT {COLUMNS} FROM bills b WHERE b.id = ({bill})"), &args)?,
        Select::new(db, &line_sql(&format!("o.bill_id = ({bill})")), &args)?,
    ))
    .await
}

/// A bill asking money, with its trip's title (a chat photo asks which).
#[derive(Debug, Clone, Deserialize)]
pub struct Owing {
    pub bill_id: String,
    pub trip_title: String,
}

/// The bills of a sender (phone or BSUID) across trips that still ask
/// money, newest first, at most `limit`, and their trips' titles; one batch.
pub async fn owing_of_phone(db: &Db, phone: &str, limit: i64) -> ApiResult<(Vec<BillRow>, Vec<Owing>)> {
    let filter = "FROM bills b JOIN participants pa ON pa.id = b.participant_id JOIN trips t ON t.id = b.trip_id
                  WHERE pa.phone = ?1 AND b.status IN ('unpaid', 'dp_paid') AND b.total > b.paid
                  ORDER BY b.updated_at DESC, b.id LIMIT ?2";
    let args = [phone.into(), limit.into()];
    db.read((
        Select::new(db, &format!("SELECT {COLUMNS} {filter}"), &args)?,
        Select::new(db, &format!("SELECT b.id AS bill_id, t.title AS trip_title {filter}"), &args)?,
    ))
    .await
}

/// A trip's open bills with something left to pay.
pub async fn owing_of_trip(db: &Db, trip_id: &str) -> ApiResult<Vec<BillRow>> {
    db.many(
        &format!("SELECT {COLUMNS} FROM bills b WHERE b.trip_id = ?1 AND b.status IN ('unpaid', 'dp_paid') AND b.total > b.paid"),
        &[trip_id.into()],
    )
    .await
}

/// Bills still owing `reminder_days` after their trip's goods arrived that
/// had no reminder yet (`now` as ISO text), at most `limit`.
pub async fn due_for_reminder(db: &Db, now: &str, limit: i64) -> ApiResult<Vec<BillRow>> {
    db.many(
        &format!(
            "SELECT {COLUMNS} FROM bills b JOIN trips t ON t.id = b.trip_id
             WHERE t.arrived_at IS NOT NULL AND b.reminded_at IS NULL AND b.status IN ('unpaid', 'dp_paid')
               AND b.total > b.paid
               AND strftime('%Y-%m-%dT%H:%M:%fZ', t.arrived_at, '+' || t.reminder_days || ' days') <= ?1
             LIMIT ?2"
        ),
        &[now.into(), limit.into()],
    )
    .await
}

/// Claims a bill's one reminder: true at most once.
pub async fn claim_reminder(db: &Db, id: &str, now: &str) -> ApiResult<bool> {
    Ok(db
        .exec("UPDATE bills SET reminded_at = ?2 WHERE id = ?1 AND reminded_at IS NULL", &[id.into(), now.into()])
        .await?
        == 1)
}

/// Cancels an open bill: its goods go back on sale, its lines are refused
/// with the reason, and it is settled; all in one transaction. Answers the
/// bill after it, and whether it was open (false: nothing changed).
pub async fn cancel(db: &Db, id: &str, reason: &str, now: &str) -> ApiResult<(bool, Option<BillRow>)> {
    let open = format!("EXISTS (SELECT 1 FROM bills WHERE id = ?1 AND status IN {OPEN})");
    let (_, _, cancelled, _, bill) = db
        .read((
            Write(db.stmt(
                &format!(
                    "UPDATE products SET stock = stock + (SELECT COALESCE(SUM(o.quantity), 0) FROM orders o
                       WHERE o.bill_id = ?1 AND o.product_id = products.id AND o.status IN ('pending', 'confirmed')),
                       status = CASE WHEN status = 'sold_out' THEN 'active' ELSE status END, updated_at = ?2
                     WHERE id IN (SELECT product_id FROM orders WHERE bill_id = ?1 AND status IN ('pending', 'confirmed'))
                       AND {open}"
                ),
                &[id.into(), now.into()],
            )?),
            Write(db.stmt(
                &format!(
                    "UPDATE orders SET status = 'rejected', reject_reason = ?3, updated_at = ?2
                     WHERE bill_id = ?1 AND status IN ('pending', 'confirmed') AND {open}"
                ),
                &[id.into(), now.into(), reason.into()],
            )?),
            Write(db.stmt(
                &format!(
                    "UPDATE bills SET status = 'cancelled', cancel_reason = ?3, updated_at = ?2
                     WHERE id = ?1 AND status IN {OPEN}"
                ),
                &[id.into(), now.into(), reason.into()],
            )?),
            Write(db.stmt(&settle_sql("?1", "?2"), &[id.into(), now.into()])?),
            by_id_query(db, id)?,
        ))
        .await?;
    // `> 0`: D1 counts the counter triggers' rows too (`store::changes`).
    Ok((cancelled > 0, bill.into_iter().next()))
}

/// The latest payment's proof, on the bill and on its lines waiting for
/// payment (the jastiper's order pages show it; a line with a proof does not
/// expire); only once that payment was stored in the same batch.
pub fn set_proof_writes(db: &Db, id: &str, key: &str, now: &str) -> ApiResult<super::Writes> {
    const STORED: &str = "EXISTS (SELECT 1 FROM payments WHERE bill_id = ?1 AND proof_key = ?2)";
    Ok(super::Writes(vec![
        db.stmt(
            &format!("UPDATE bills SET proof_key = ?2, proof_at = ?3, updated_at = ?3 WHERE id = ?1 AND {STORED}"),
            &[id.into(), key.into(), now.into()],
        )?,
        db.stmt(
            &format!(
                "UPDATE orders SET proof_key = ?2, updated_at = ?3
                 WHERE bill_id = ?1 AND status IN ('pending', 'confirmed') AND {STORED}"
            ),
            &[id.into(), key.into(), now.into()],
        )?,
    ]))
}
