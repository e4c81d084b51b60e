//! SQL for `orders`, including the atomic stock reservation.

use serde::Deserialize;

use super::bills::{BillRow, OPEN};
use super::participants::ParticipantRow;
use super::{Arg, Db, Paired, Select, Write, Writes};
use crate::domain::order::{OrderRefusal, OrderStatus, MAX_PENDING_PER_BUYER};
use crate::domain::page::Cursor;
use crate::domain::phone::Phone;
use crate::error::{ApiResult, ConstraintKind};

#[derive(Debug, Clone, Deserialize)]
pub struct OrderRow {
    pub id: String,
    pub trip_id: String,
    pub participant_id: String,
    pub product_id: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub total_price: i64,
    pub status: OrderStatus,
    pub reject_reason: Option<String>,
    pub notes: Option<String>,
    pub proof_key: Option<String>,
    /// When the cron deleted the proof of this shipped order (90 days after shipping).
    pub proof_archived_at: Option<String>,
    /// The name typed with the order (anonymous orders): what the order's own
    /// links show, never the name stored for the phone.
    pub buyer_name: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// The bill this line belongs to, and the checkout that placed it.
    pub bill_id: Option<String>,
    pub checkout_id: Option<String>,
}

pub const COLUMNS: &str = "o.id, o.trip_id, o.participant_id, o.product_id, o.quantity, o.unit_price, o.total_price, \
                       o.status, o.reject_reason, o.notes, o.proof_key, o.proof_archived_at, o.buyer_name, o.created_at, o.updated_at, \
                       o.bill_id, o.checkout_id";

/// One line of a checkout.
pub struct CartLine<'a> {
    pub order_id: &'a str,
    pub product_id: &'a str,
    pub quantity: i64,
    pub notes: Option<&'a str>,
    pub access_token_hash: &'a str,
}

/// A submitted cart: its lines join the buyer's open bill in the trip (one
/// is opened with `new_bill_id` when there is none).
pub struct NewCheckout<'a> {
    pub id: &'a str,
    pub trip_id: &'a str,
    pub new_bill_id: &'a str,
    /// The hash of the form's one-time key with the trip, buyer and cart.
    pub key: Option<&'a str>,
    /// The name typed with the checkout (anonymous orders).
    pub buyer_name: Option<&'a str>,
    pub lines: Vec<CartLine<'a>>,
    pub now: &'a str,
}

/// Who the order is for: an existing participant (the owner's choice) or a
/// penitip found or created by phone in the same transaction.
pub enum Buyer<'a> {
    Existing(&'a str),
    ByPhone { new_id: &'a str, phone: &'a Phone, name: &'a str, code: &'a str },
}

impl Buyer<'_> {
    /// The buyer's id in SQL whose `?1` is the trip and `?2` this key.
    fn sql(&self) -> &'static str {
        match self {
            Buyer::Existing(_) => "?2",
            Buyer::ByPhone { .. } => "(SELECT id FROM participants WHERE trip_id = ?1 AND phone = ?2)",
        }
    }

    fn key(&self) -> Arg<'_> {
        match self {
            Buyer::Existing(id) => Arg::Text(id),
            Buyer::ByPhone { phone, .. } => (*phone).into(),
        }
    }
}

/// Whose position a checkout reads: a participant (the owner ordering for
/// one) or a phone (a penitip, who may not have joined yet).
pub enum BuyerKey<'a> {
    Participant(&'a str),
    Phone(&'a Phone),
}

/// How much of a product the buyer already holds (open orders).
#[derive(Debug, Deserialize)]
pub struct Held {
    pub product_id: String,
    pub held: i64,
}

/// What a checkout reads before it writes (`cart_position`).
pub struct CartPosition {
    pub products: Vec<super::products::ProductRow>,
    pub held: Vec<Held>,
    pub trip: Option<super::trips::TripRow>,
    /// How many of the buyer's checkouts in the trip wait for payment.
    pub pending: i64,
    /// The names of the public pages the checkout makes stale (the trip's,
    /// its jastiper's and the cart's products'), for the edge-cache purge.
    pub pages: Option<super::public::TripKeys>,
}

/// Before a checkout, in one batch: its products (by id or slug), what the
/// buyer holds of each, their trip, how many of the buyer's checkouts in it
/// wait for payment, and the public pages it will change.
pub async fn cart_position(db: &Db, keys: &[&str], buyer: &BuyerKey<'_>) -> ApiResult<CartPosition> {
    let keys = serde_json::to_string(keys)?;
    const PRODUCTS: &str =
        "(SELECT id FROM products WHERE id IN (SELECT value FROM json_each(?1)) OR slug IN (SELECT lower(value) FROM json_each(?1)))";
    let trip = format!("(SELECT trip_id FROM products WHERE id IN {PRODUCTS} LIMIT 1)");
    let (holder, key): (String, Arg<'_>) = match buyer {
        BuyerKey::Participant(id) => ("?2".into(), Arg::Text(id)),
        BuyerKey::Phone(phone) => {
            (format!("(SELECT id FROM participants WHERE trip_id = {trip} AND phone = ?2)"), (*phone).into())
        }
    };
    let (products, held, trips, pending, pages) = db
        .read((
            Select::<super::products::ProductRow>::new(
                db,
                &format!("SELECT {} FROM products p WHERE p.id IN {PRODUCTS}", super::products::COLUMNS),
                &[keys.as_str().into()],
            )?,
            Select::<Held>::new(
                db,
                &format!(
                    "SELECT o.product_id, COALESCE(SUM(o.quantity), 0) AS held FROM orders o
                     WHERE o.participant_id = {holder} AND o.status IN ('pending', 'confirmed') AND o.product_id IN {PRODUCTS}
                     GROUP BY o.product_id"
                ),
                &[keys.as_str().into(), key],
            )?,
            Select::<super::trips::TripRow>::new(
                db,
                &format!("SELECT {} FROM trips WHERE id = {trip}", super::trips::COLUMNS),
                &[keys.as_str().into()],
            )?,
            Select::<super::Count>::new(
                db,
                &format!(
                    "SELECT COUNT(DISTINCT checkout_id) AS n FROM orders
                     WHERE participant_id = {holder} AND status = 'pending'"
                ),
                &[keys.as_str().into(), key],
            )?,
            Select::<super::public::TripKeys>::new(
                db,
                &format!(
                    "SELECT t.slug AS trip_slug, u.slug AS owner_slug,
                       (SELECT json_group_array(slug) FROM products WHERE id IN {PRODUCTS}) AS product_slugs
                     FROM trips t JOIN users u ON u.id = t.jastiper_id WHERE t.id = {trip}"
                ),
                &[keys.as_str().into()],
            )?,
        ))
        .await?;
    Ok(CartPosition {
        products,
        held,
        trip: trips.into_iter().next(),
        pending: pending.into_iter().next().map_or(0, |p| p.n),
        pages: pages.into_iter().next(),
    })
}

/// A bill's lines, in the order they were placed.
pub async fn of_bill(db: &Db, bill_id: &str) -> ApiResult<Vec<OrderRow>> {
    db.many(
        &format!("SELECT {COLUMNS} FROM orders o WHERE o.bill_id = ?1 ORDER BY o.created_at, o.rowid"),
        &[bill_id.into()],
    )
    .await
}

/// A kode unik no open bill of the trip's jastiper (`t`) has, chosen at
/// random (0 once all 999 are taken). Two checkouts choosing the same one at
/// once break `bills_unique_code`; the use case tries again.
const FREE_CODE: &str = "COALESCE((WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 999)
      SELECT x FROM n WHERE x NOT IN (SELECT unique_code FROM bills WHERE jastiper_id = t.jastiper_id
        AND unique_code > 0 AND status IN ('unpaid', 'dp_paid', 'paid'))
      ORDER BY random() LIMIT 1), 0)";

/// What a checkout did: placed its lines, or found the same form already placed.
pub enum Checkout {
    Placed {
        bill: Box<BillRow>,
        orders: Vec<OrderRow>,
        participant: Box<ParticipantRow>,
        /// The trip's new-order notice, claimed in the same transaction: `Some`
        /// when this checkout schedules it (with when the last one went).
        digest: Option<Option<String>>,
    },
    Repeat {
        bill_id: String,
    },
}

/// Places a cart in one D1 batch (one transaction): the participant (by
/// phone), the open bill, the checkout, then for each line a conditional
/// stock update and the order, then the bill settled. A line whose stock,
/// per-buyer limit or the buyer's unpaid checkouts refuse it makes its
/// insert write NULL into `quantity`, whose NOT NULL constraint aborts the
/// whole batch: all lines or none, never half a cart (`OutOfStock`).
pub async fn place(db: &Db, c: &NewCheckout<'_>, buyer: &Buyer<'_>) -> ApiResult<Checkout> {
    let b = buyer.sql();
    let open_bill = format!("(SELECT id FROM bills WHERE trip_id = ?1 AND participant_id = {b} AND status IN {OPEN})");
    // Every statement below reads ?1 as the trip, ?2 as the buyer's key, ?3 as now.
    let base = || vec![Arg::Text(c.trip_id), buyer.key(), Arg::Text(c.now)];
    // What each write returns is what the answer shows: no statement reads back
    // (each statement of a batch costs D1's one writer, which a war order queues on).
    let who = match buyer {
        // A new participant waits for their phone to confirm; an existing one is left as it is.
        Buyer::ByPhone { new_id, phone, name, code } => Select::<ParticipantRow>::new(
            db,
            &format!(
                "INSERT INTO participants (id, trip_id, phone, name, joined_at, confirm_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (trip_id, phone) DO UPDATE SET
                   confirm_code = COALESCE(participants.confirm_code, excluded.confirm_code)
                 RETURNING {}",
                super::participants::COLUMNS
            ),
            &[(*new_id).into(), c.trip_id.into(), (*phone).into(), (*name).into(), c.now.into(), (*code).into()],
        )?,
        Buyer::Existing(id) => Select::<ParticipantRow>::new(
            db,
            &format!("SELECT {} FROM participants WHERE id = ?1", super::participants::COLUMNS),
            &[(*id).into()],
        )?,
    };
    let mut first = Vec::new();
    first.push(db.stmt(
        &format!(
            "INSERT INTO bills (id, trip_id, participant_id, status, created_at, updated_at, jastiper_id, unique_code,
                                shipping_cost)
             SELECT ?4, ?1, {b}, 'unpaid', ?3, ?3, t.jastiper_id,
                    CASE WHEN u.unique_codes = 1 THEN {FREE_CODE} ELSE 0 END, COALESCE(t.shipping_flat, 0)
             FROM trips t JOIN users u ON u.id = t.jastiper_id
             WHERE t.id = ?1
               AND NOT EXISTS (SELECT 1 FROM bills WHERE trip_id = ?1 AND participant_id = {b} AND status IN {OPEN})"
        ),
        &base().into_iter().chain([c.new_bill_id.into()]).collect::<Vec<_>>(),
    )?);
    first.push(db.stmt(
        &format!("INSERT INTO checkouts (id, trip_id, bill_id, idempotency_key, created_at) VALUES (?4, ?1, {open_bill}, ?5, ?3)"),
        &base().into_iter().chain([c.id.into(), c.key.into()]).collect::<Vec<_>>(),
    )?);
    // The buyer's limits are part of the same condition, so concurrent
    // checkouts of one phone cannot pass them together. Both guards start
    // from the buyer (`orders_by_buyer`), not the product's or trip's orders.
    let reserve = format!(
        "UPDATE products SET stock = stock - ?5,
             status = CASE WHEN stock - ?5 = 0 THEN 'sold_out' ELSE status END, updated_at = ?3
         WHERE id = ?4 AND trip_id = ?1 AND status = 'active' AND stock >= ?5
           AND ?5 + (SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE participant_id = {b}
                     AND status IN ('pending', 'confirmed') AND product_id = ?4) <= max_per_buyer
           AND (SELECT COUNT(DISTINCT checkout_id) FROM orders WHERE participant_id = {b}
                AND status = 'pending' AND checkout_id != ?7) < ?6"
    );
    let insert = format!(
        "INSERT INTO orders (id, trip_id, participant_id, product_id, quantity, unit_price, total_price,
                             status, notes, access_token_hash, created_at, updated_at, buyer_name, bill_id, checkout_id)
         SELECT ?4, ?1, {b}, p.id, CASE WHEN changes() = 1 THEN ?6 END, p.price, p.price * ?6,
                'pending', ?7, ?8, ?3, ?3, ?9, {open_bill}, ?10
         FROM products p WHERE p.id = ?5
         RETURNING {}",
        COLUMNS.replace("o.", "")
    );
    let mut lines = Vec::new();
    for l in &c.lines {
        let mut args = base();
        let more: [Arg<'_>; 4] = [l.product_id.into(), l.quantity.into(), MAX_PENDING_PER_BUYER.into(), c.id.into()];
        args.extend(more);
        let reserve = db.stmt(&reserve, &args)?;
        let mut args = base();
        let more: [Arg<'_>; 7] = [
            l.order_id.into(),
            l.product_id.into(),
            l.quantity.into(),
            l.notes.into(),
            l.access_token_hash.into(),
            c.buyer_name.into(),
            c.id.into(),
        ];
        args.extend(more);
        lines.push((reserve, Select::<OrderRow>::new(db, &insert, &args)?));
    }
    let settled = format!(
        "{} RETURNING {}",
        super::bills::settle_sql(&open_bill, "?3"),
        super::bills::COLUMNS.replace("b.", "bills.")
    );
    let placed = db
        .read((
            who,
            Writes(first),
            Paired(lines),
            Select::<BillRow>::new(db, &settled, &base())?,
            super::trips::claim_order_digest(db, c.trip_id)?,
        ))
        .await;
    match placed {
        Ok((participant, _, orders, bill, digest)) => match (bill.into_iter().next(), participant.into_iter().next()) {
            (Some(bill), Some(participant)) => Ok(Checkout::Placed {
                bill: Box::new(bill),
                orders,
                participant: Box::new(participant),
                digest: digest.into_iter().next().map(|d| d.order_digest_sent_at),
            }),
            _ => Err(crate::error::ApiError::internal("a placed checkout has no bill or buyer")),
        },
        // The insert writes a NULL quantity when a line's stock update changed nothing.
        Err(e) if e.broke(ConstraintKind::NotNull, "orders", "quantity") => {
            Err(OrderRefusal::OutOfStock { left: 0 }.into())
        }
        // The same form again (back button, double tap, a retry): the bill it made.
        Err(e) if e.broke(ConstraintKind::Unique, "checkouts", "idempotency_key") => {
            #[derive(Deserialize)]
            struct Found {
                bill_id: Option<String>,
            }
            let found: Option<Found> =
                db.one("SELECT bill_id FROM checkouts WHERE idempotency_key = ?1", &[c.key.into()]).await?;
            let bill_id = found.and_then(|f| f.bill_id).ok_or(e)?;
            Ok(Checkout::Repeat { bill_id })
        }
        Err(e) => Err(e),
    }
}

/// An order of a trip that `owner` owns: the one owned-order read, alone
/// (`owned`) or in a batch.
pub fn owned_query(db: &Db, id: &str, owner: &str) -> ApiResult<super::Select<OrderRow>> {
    super::Select::new(
        db,
        &format!(
            "SELECT {COLUMNS} FROM orders o JOIN trips t ON t.id = o.trip_id WHERE o.id = ?1 AND t.jastiper_id = ?2"
        ),
        &[id.into(), owner.into()],
    )
}

pub async fn owned(db: &Db, id: &str, owner: &str) -> ApiResult<Option<OrderRow>> {
    db.first(owned_query(db, id, owner)?).await
}

/// An order whose access token hashes to `token_hash`.
pub async fn by_token(db: &Db, id: &str, token_hash: &str) -> ApiResult<Option<OrderRow>> {
    db.one(
        &format!("SELECT {COLUMNS} FROM orders o WHERE o.id = ?1 AND o.access_token_hash = ?2"),
        &[id.into(), token_hash.into()],
    )
    .await
}

/// An order with what its owner's list shows of its product and participant.
#[derive(Debug, Clone, Deserialize)]
pub struct OrderDetailRow {
    #[serde(flatten)]
    pub order: OrderRow,
    pub product_slug: String,
    pub product_title: String,
    pub product_image: Option<String>,
    pub participant_name: String,
    pub participant_phone: Phone,
}

/// One page of a trip's orders, newest first, joined with product and participant.
pub async fn page_detailed(
    db: &Db,
    trip_id: &str,
    after: Option<&Cursor>,
    limit: i64,
) -> ApiResult<Vec<OrderDetailRow>> {
    let (after_at, after_id) = after.map_or(("\u{10FFFF}", ""), |c| (c.created_at.as_str(), c.id.as_str()));
    db.many(
        &format!(
            "SELECT {COLUMNS}, pr.slug AS product_slug, pr.title AS product_title, pr.image AS product_image,
                    pa.name AS participant_name, pa.phone AS participant_phone
             FROM orders o JOIN products pr ON pr.id = o.product_id JOIN participants pa ON pa.id = o.participant_id
             WHERE o.trip_id = ?1 AND (o.created_at, o.id) < (?2, ?3)
             ORDER BY o.created_at DESC, o.id DESC LIMIT ?4"
        ),
        &[trip_id.into(), after_at.into(), after_id.into(), limit.into()],
    )
    .await
}

/// Moves an order from `from` to `to` if it is still `from`; true when it did.
/// A rejection releases the reserved stock in the same transaction.
pub async fn transition(
    db: &Db,
    o: &OrderRow,
    from: OrderStatus,
    to: OrderStatus,
    reason: Option<&str>,
    now: &str,
) -> ApiResult<bool> {
    let moved = Write(db.stmt(
        "UPDATE orders SET status = ?3, reject_reason = ?4, updated_at = ?5 WHERE id = ?1 AND status = ?2",
        &[o.id.as_str().into(), from.into(), to.into(), reason.into(), now.into()],
    )?);
    let moved = if to == OrderStatus::Confirmed {
        // Confirming one line is the jastiper saying its money came: the
        // bill's pending payment that carries this line's proof is
        // confirmed as claimed, or (no such payment: cash, an old proof) the
        // line's total is recorded as received. Both only when the line moved.
        let bill = "(SELECT bill_id FROM orders WHERE id = ?1)";
        let payment_id = crate::domain::ids::new_id();
        let args = [o.id.as_str().into(), now.into(), payment_id.as_str().into()];
        let by_proof = Write(db.stmt(
            &format!(
                "UPDATE payments SET status = 'confirmed', amount = claimed, decided_at = ?2, updated_at = ?2
                 WHERE bill_id = {bill} AND status = 'pending' AND proof_key IS NOT NULL
                   AND proof_key = (SELECT proof_key FROM orders WHERE id = ?1) AND changes() = 1"
            ),
            &args[..2],
        )?);
        let recorded = Write(db.stmt(
            "INSERT INTO payments (id, bill_id, trip_id, jastiper_id, claimed, amount, status, proof_key,
                                   decided_at, created_at, updated_at)
             SELECT ?3, o.bill_id, o.trip_id, t.jastiper_id, o.total_price, o.total_price, 'confirmed', o.proof_key,
                    ?2, ?2, ?2
             FROM orders o JOIN trips t ON t.id = o.trip_id
             WHERE o.id = ?1 AND o.bill_id IS NOT NULL AND changes() = 0 AND o.status = 'confirmed' AND o.updated_at = ?2
               AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.bill_id = o.bill_id AND p.decided_at = ?2
                               AND p.proof_key IS o.proof_key AND p.status = 'confirmed')",
            &args,
        )?);
        // Once that money covers the DP (or everything), the bill's other waiting lines are bought too.
        let covered = Write(db.stmt(&super::bills::confirm_covered_lines_sql(bill, "?2"), &args[..2])?);
        db.read((moved, by_proof, recorded, super::bills::settle_of_order(db, &o.id, now)?, covered)).await?.0
    } else if to == OrderStatus::Rejected {
        let release = Write(db.stmt(
            "UPDATE products SET stock = stock + ?2,
                 status = CASE WHEN status = 'sold_out' THEN 'active' ELSE status END, updated_at = ?3
             WHERE id = ?1 AND changes() = 1",
            &[o.product_id.as_str().into(), o.quantity.into(), now.into()],
        )?);
        db.read((moved, release, super::bills::settle_of_order(db, &o.id, now)?)).await?.0
    } else {
        db.read((moved, super::bills::settle_of_order(db, &o.id, now)?)).await?.0
    };
    // `> 0`: D1 counts the counter triggers' rows too (`store::changes`).
    Ok(moved > 0)
}

/// A line found short in the shop: `quantity` of it (0: not found, the
/// line is refused), the rest of the stock back on sale, the bill settled;
/// one batch. False when the line changed meanwhile.
pub async fn found(db: &Db, o: &OrderRow, quantity: i64, now: &str) -> ApiResult<bool> {
    let args = [o.id.as_str().into(), o.quantity.into(), quantity.into(), now.into()];
    let line = if quantity == 0 {
        "UPDATE orders SET status = 'rejected', reject_reason = 'Tidak dapat di toko', updated_at = ?4
         WHERE id = ?1 AND quantity = ?2 AND status IN ('pending', 'confirmed')"
    } else {
        "UPDATE orders SET quantity = ?3, total_price = unit_price * ?3, updated_at = ?4
         WHERE id = ?1 AND quantity = ?2 AND status IN ('pending', 'confirmed')"
    };
    let (moved, _, _) = db
        .read((
            Write(db.stmt(line, &args)?),
            Write(db.stmt(
                "UPDATE products SET stock = stock + ?2,
                     status = CASE WHEN status = 'sold_out' THEN 'active' ELSE status END, updated_at = ?3
                 WHERE id = ?1 AND changes() = 1",
                &[o.product_id.as_str().into(), (o.quantity - quantity).into(), now.into()],
            )?),
            super::bills::settle_of_order(db, &o.id, now)?,
        ))
        .await?;
    // `> 0`: D1 counts the counter triggers' rows too (`store::changes`).
    Ok(moved > 0)
}

/// Pending orders with no payment proof placed before `before`: the cron expires them.
pub async fn unpaid_before(db: &Db, before: &str, limit: i64) -> ApiResult<Vec<OrderRow>> {
    db.many(
        &format!(
            "SELECT {COLUMNS} FROM orders o WHERE o.status = 'pending' AND o.proof_key IS NULL AND o.created_at < ?1
             ORDER BY o.created_at LIMIT ?2"
        ),
        &[before.into(), limit.into()],
    )
    .await
}

/// Claims the right to tell the jastiper about this order's proof: true at
/// most once per `since` window (the caller passes now minus ten minutes).
pub async fn claim_proof_notice(db: &Db, id: &str, since: &str, now: &str) -> ApiResult<bool> {
    let n = db
        .exec(
            "UPDATE orders SET proof_notified_at = ?3
             WHERE id = ?1 AND (proof_notified_at IS NULL OR proof_notified_at <= ?2)",
            &[id.into(), since.into(), now.into()],
        )
        .await?;
    Ok(n == 1)
}

/// An order with its product's title (for receipts).
#[derive(Deserialize)]
struct TitledRow {
    #[serde(flatten)]
    order: OrderRow,
    product_title: String,
}

fn titled(db: &Db, filter: &str, arg: &str) -> ApiResult<Select<TitledRow>> {
    Select::new(
        db,
        &format!(
            "SELECT {COLUMNS}, p.title AS product_title FROM orders o JOIN products p ON p.id = o.product_id
             WHERE {filter} ORDER BY o.created_at, o.rowid"
        ),
        &[arg.into()],
    )
}

fn untitle(rows: Vec<TitledRow>) -> Vec<(OrderRow, String)> {
    rows.into_iter().map(|r| (r.order, r.product_title)).collect()
}

/// A participant's pending orders with their product's title (for receipts).
pub async fn pending_of_participant(db: &Db, participant_id: &str) -> ApiResult<Vec<(OrderRow, String)>> {
    let (rows,) = db.read((titled(db, "o.participant_id = ?1 AND o.status = 'pending'", participant_id)?,)).await?;
    Ok(untitle(rows))
}

/// A checkout's receipt in one batch: its lines with their titles, its bill, its buyer.
pub async fn receipt_of(
    db: &Db,
    checkout_id: &str,
) -> ApiResult<(Vec<(OrderRow, String)>, Option<BillRow>, Option<ParticipantRow>)> {
    let (lines, bill, buyer) = db
        .read((
            // Through its bill (`orders_by_bill`): no index leads from a checkout to its lines.
            titled(
                db,
                "o.bill_id = (SELECT bill_id FROM checkouts WHERE id = ?1) AND o.checkout_id = ?1",
                checkout_id,
            )?,
            Select::<BillRow>::new(
                db,
                &format!(
                    "SELECT {} FROM bills b WHERE b.id = (SELECT bill_id FROM checkouts WHERE id = ?1)",
                    super::bills::COLUMNS
                ),
                &[checkout_id.into()],
            )?,
            Select::<ParticipantRow>::new(
                db,
                &format!(
                    "SELECT {} FROM participants WHERE id =
                       (SELECT participant_id FROM bills WHERE id = (SELECT bill_id FROM checkouts WHERE id = ?1))",
                    super::participants::COLUMNS
                ),
                &[checkout_id.into()],
            )?,
        ))
        .await?;
    Ok((untitle(lines), bill.into_iter().next(), buyer.into_iter().next()))
}

/// A proof for one line (`POST /api/orders/:id/proof`): set on the line,
/// and a pending payment of the line's total on its bill (while the bill
/// takes payment), replacing the pending one its previous proof made; one batch.
pub async fn set_proof(db: &Db, o: &OrderRow, key: &str, hash: &str, now: &str) -> ApiResult<()> {
    let payment_id = crate::domain::ids::new_id();
    let old = o.proof_key.as_deref().unwrap_or_default();
    db.read((
        Write(db.stmt("UPDATE orders SET proof_key = ?2, updated_at = ?3 WHERE id = ?1", &[o.id.as_str().into(), key.into(), now.into()])?),
        Write(db.stmt(
            "DELETE FROM payments WHERE bill_id = ?1 AND status = 'pending' AND proof_key = ?2",
            &[(&o.bill_id).into(), old.into()],
        )?),
        Write(db.stmt(
            "INSERT INTO payments (id, bill_id, trip_id, jastiper_id, claimed, status, proof_key, proof_hash, created_at, updated_at)
             SELECT ?1, b.id, b.trip_id, b.jastiper_id, ?3, 'pending', ?4, ?5, ?6, ?6
             FROM bills b WHERE b.id = ?2 AND b.status IN ('unpaid', 'dp_paid')",
            &[payment_id.as_str().into(), (&o.bill_id).into(), o.total_price.into(), key.into(), hash.into(), now.into()],
        )?),
    ))
    .await?;
    Ok(())
}

/// Proof objects of a trip's orders, to remove from R2 when the trip goes.
pub async fn proofs_of_trip(db: &Db, trip_id: &str) -> ApiResult<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        proof_key: String,
    }
    let rows: Vec<Row> =
        db.many("SELECT proof_key FROM orders WHERE trip_id = ?1 AND proof_key IS NOT NULL", &[trip_id.into()]).await?;
    Ok(rows.into_iter().map(|r| r.proof_key).collect())
}

pub async fn by_id(db: &Db, id: &str) -> ApiResult<Option<OrderRow>> {
    db.one(&format!("SELECT {COLUMNS} FROM orders o WHERE o.id = ?1"), &[id.into()]).await
}

/// A trip's orders with product and buyer: the open ones (pending,
/// confirmed), or those placed after `after` (any status).
pub async fn of_trip_detailed(db: &Db, trip_id: &str, open_only: bool, after: &str) -> ApiResult<Vec<OrderDetailRow>> {
    // Both filters name ?2, so both bind the same arguments.
    let filter = if open_only { "o.status IN ('pending', 'confirmed') AND ?2 = ?2" } else { "o.created_at > ?2" };
    db.many(
        &format!(
            "SELECT {COLUMNS}, pr.slug AS product_slug, pr.title AS product_title, pr.image AS product_image,
                    pa.name AS participant_name, pa.phone AS participant_phone
             FROM orders o JOIN products pr ON pr.id = o.product_id JOIN participants pa ON pa.id = o.participant_id
             WHERE o.trip_id = ?1 AND {filter} ORDER BY o.created_at, o.rowid LIMIT 1000"
        ),
        &[trip_id.into(), after.into()],
    )
    .await
}

/// Count and sum of a trip's orders per status.
pub async fn totals_of_trip(db: &Db, trip_id: &str) -> ApiResult<Vec<(OrderStatus, i64, i64)>> {
    #[derive(Deserialize)]
    struct Row {
        status: OrderStatus,
        n: i64,
        total: i64,
    }
    let rows: Vec<Row> = db
        .many(
            "SELECT status, COUNT(*) AS n, COALESCE(SUM(total_price), 0) AS total FROM orders
             WHERE trip_id = ?1 GROUP BY status",
            &[trip_id.into()],
        )
        .await?;
    Ok(rows.into_iter().map(|r| (r.status, r.n, r.total)).collect())
}

/// Shipped orders whose proof is older than `before` (by the time they were shipped).
pub async fn proofs_to_archive(db: &Db, before: &str, limit: i64) -> ApiResult<Vec<(String, String)>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        proof_key: String,
    }
    let rows: Vec<Row> = db
        .many(
            "SELECT id, proof_key FROM orders WHERE status = 'shipped' AND proof_key IS NOT NULL AND updated_at < ?1
             ORDER BY updated_at LIMIT ?2",
            &[before.into(), limit.into()],
        )
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.proof_key)).collect())
}

/// The proof is gone from R2: the order keeps when it was archived.
pub async fn archive_proof(db: &Db, id: &str, now: &str) -> ApiResult<()> {
    db.exec("UPDATE orders SET proof_key = NULL, proof_archived_at = ?2 WHERE id = ?1", &[id.into(), now.into()])
        .await?;
    Ok(())
}
