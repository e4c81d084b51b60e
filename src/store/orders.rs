//! SQL for `orders`, including the atomic stock reservation.

use serde::Deserialize;

use super::{Arg, Db, Write};
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
}

pub const COLUMNS: &str = "o.id, o.trip_id, o.participant_id, o.product_id, o.quantity, o.unit_price, o.total_price, \
                       o.status, o.reject_reason, o.notes, o.proof_key, o.proof_archived_at, o.buyer_name, o.created_at, o.updated_at";

pub struct NewOrder<'a> {
    pub id: &'a str,
    pub trip_id: &'a str,
    pub product_id: &'a str,
    pub quantity: i64,
    pub notes: Option<&'a str>,
    pub access_token_hash: &'a str,
    pub now: &'a str,
}

/// Who the order is for: an existing participant (the owner's choice) or a
/// penitip found or created by phone in the same transaction.
pub enum Buyer<'a> {
    Existing(&'a str),
    ByPhone { new_id: &'a str, phone: &'a Phone, name: &'a str, code: &'a str },
}

/// Reserves stock and inserts the order in one D1 batch (one transaction).
/// When the stock ran out (or the product stopped being active) between the
/// caller's check and this write, answers `OutOfStock`.
/// The stock update is conditional; when it changes no row, the order insert
/// writes NULL into `quantity`, whose NOT NULL constraint aborts the whole
/// batch, so nothing at all is written (not even a new participant).
pub async fn place(db: &Db, o: &NewOrder<'_>, buyer: &Buyer<'_>) -> ApiResult<()> {
    let mut statements = Vec::new();
    let participant: Arg<'_> = match buyer {
        Buyer::Existing(id) => Arg::Text(id),
        // A new participant waits for their phone to confirm; an existing one is left as it is.
        Buyer::ByPhone { new_id, phone, name, code } => {
            statements.push(db.stmt(
                "INSERT INTO participants (id, trip_id, phone, name, joined_at, confirm_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (trip_id, phone) DO UPDATE SET
                   confirm_code = COALESCE(participants.confirm_code, excluded.confirm_code)",
                &[(*new_id).into(), o.trip_id.into(), (*phone).into(), (*name).into(), o.now.into(), (*code).into()],
            )?);
            (*phone).into()
        }
    };
    let participant_sql = match buyer {
        Buyer::Existing(_) => "?7",
        Buyer::ByPhone { .. } => "(SELECT id FROM participants WHERE trip_id = ?2 AND phone = ?7)",
    };
    // The buyer's limits are part of the same condition, so concurrent
    // orders of one phone cannot pass them together.
    let buyer_sql = match buyer {
        Buyer::Existing(_) => "?6",
        Buyer::ByPhone { .. } => "(SELECT id FROM participants WHERE trip_id = ?4 AND phone = ?6)",
    };
    let buyer_arg: Arg<'_> = match buyer {
        Buyer::Existing(id) => Arg::Text(id),
        Buyer::ByPhone { phone, .. } => (*phone).into(),
    };
    statements.push(db.stmt(
        &format!(
            "UPDATE products SET stock = stock - ?2,
                 status = CASE WHEN stock - ?2 = 0 THEN 'sold_out' ELSE status END, updated_at = ?3
             WHERE id = ?1 AND status = 'active' AND stock >= ?2
               AND ?2 + (SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE product_id = ?1
                         AND participant_id = {buyer_sql} AND status IN ('pending', 'confirmed')) <= max_per_buyer
               AND (SELECT COUNT(*) FROM orders WHERE trip_id = ?4 AND participant_id = {buyer_sql}
                    AND status = 'pending') < ?5"
        ),
        &[
            o.product_id.into(),
            o.quantity.into(),
            o.now.into(),
            o.trip_id.into(),
            MAX_PENDING_PER_BUYER.into(),
            buyer_arg,
        ],
    )?);
    statements.push(db.stmt(
        &format!(
            "INSERT INTO orders (id, trip_id, participant_id, product_id, quantity, unit_price, total_price,
                                 status, notes, access_token_hash, created_at, updated_at, buyer_name)
             SELECT ?1, ?2, {participant_sql}, p.id, CASE WHEN changes() = 1 THEN ?4 END, p.price, p.price * ?4,
                    'pending', ?5, ?6, ?3, ?3, ?9
             FROM products p WHERE p.id = ?8"
        ),
        &[
            o.id.into(),
            o.trip_id.into(),
            o.now.into(),
            o.quantity.into(),
            o.notes.into(),
            o.access_token_hash.into(),
            participant,
            o.product_id.into(),
            match buyer {
                Buyer::ByPhone { name, .. } => Arg::Text(name),
                Buyer::Existing(_) => Arg::Null,
            },
        ],
    )?);
    match db.batch(statements).await {
        Ok(_) => Ok(()),
        // The insert writes a NULL quantity when the stock update changed nothing.
        Err(e) if e.broke(ConstraintKind::NotNull, "orders", "quantity") => {
            Err(OrderRefusal::OutOfStock { left: 0 }.into())
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

/// Orders of the given participants (for the participants list). The ids
/// travel as one JSON array: D1 allows 100 bound parameters per statement,
/// and a page holds up to 100 participants.
pub async fn of_participants(db: &Db, trip_id: &str, participant_ids: &[&str]) -> ApiResult<Vec<OrderRow>> {
    if participant_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(participant_ids)?;
    db.many(
        &format!(
            "SELECT {COLUMNS} FROM orders o WHERE o.trip_id = ?1 AND o.participant_id IN (SELECT value FROM json_each(?2))
             ORDER BY o.created_at DESC, o.id DESC"
        ),
        &[trip_id.into(), ids.as_str().into()],
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
    let moved = if to == OrderStatus::Rejected {
        let release = Write(db.stmt(
            "UPDATE products SET stock = stock + ?2,
                 status = CASE WHEN status = 'sold_out' THEN 'active' ELSE status END, updated_at = ?3
             WHERE id = ?1 AND changes() = 1",
            &[o.product_id.as_str().into(), o.quantity.into(), now.into()],
        )?);
        db.read((moved, release)).await?.0
    } else {
        db.read((moved,)).await?.0
    };
    Ok(moved == 1)
}

/// What a buyer already holds of a product (open orders) and how many of
/// their orders wait for payment in the trip; zeros for a new buyer.
pub async fn buyer_position(db: &Db, product_id: &str, trip_id: &str, buyer: &Buyer<'_>) -> ApiResult<(i64, i64)> {
    #[derive(Deserialize)]
    struct Row {
        held: i64,
        pending: i64,
    }
    let (buyer_sql, arg): (&str, Arg<'_>) = match buyer {
        Buyer::Existing(id) => ("?3", Arg::Text(id)),
        Buyer::ByPhone { phone, .. } => {
            ("(SELECT id FROM participants WHERE trip_id = ?2 AND phone = ?3)", (*phone).into())
        }
    };
    let row: Option<Row> = db
        .one(
            &format!(
                "SELECT (SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE product_id = ?1 AND participant_id = {buyer_sql}
                         AND status IN ('pending', 'confirmed')) AS held,
                        (SELECT COUNT(*) FROM orders WHERE trip_id = ?2 AND participant_id = {buyer_sql}
                         AND status = 'pending') AS pending"
            ),
            &[product_id.into(), trip_id.into(), arg],
        )
        .await?;
    Ok(row.map_or((0, 0), |r| (r.held, r.pending)))
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

/// A participant's pending orders with their product's title (for receipts).
pub async fn pending_of_participant(db: &Db, participant_id: &str) -> ApiResult<Vec<(OrderRow, String)>> {
    #[derive(Deserialize)]
    struct Row {
        #[serde(flatten)]
        order: OrderRow,
        product_title: String,
    }
    let rows: Vec<Row> = db
        .many(
            &format!(
                "SELECT {COLUMNS}, p.title AS product_title FROM orders o JOIN products p ON p.id = o.product_id
                 WHERE o.participant_id = ?1 AND o.status = 'pending' ORDER BY o.created_at"
            ),
            &[participant_id.into()],
        )
        .await?;
    Ok(rows.into_iter().map(|r| (r.order, r.product_title)).collect())
}

pub async fn set_proof(db: &Db, id: &str, key: &str, now: &str) -> ApiResult<()> {
    db.exec("UPDATE orders SET proof_key = ?2, updated_at = ?3 WHERE id = ?1", &[id.into(), key.into(), now.into()])
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
             WHERE o.trip_id = ?1 AND {filter} ORDER BY o.created_at, o.id LIMIT 1000"
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
