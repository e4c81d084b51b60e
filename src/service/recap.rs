//! A trip after its deadline: the rekap (every bill and its money), its CSV,
//! the shopping list (what to buy, for whom, walking the shop) and its CSV.

use crate::ctx::Ctx;
use crate::domain::bill::{courier_name, BillStatus};
use crate::domain::csv::{Cell, Csv};
use crate::domain::order::OrderStatus;
use crate::error::ApiResult;
use crate::store::bills::{self, RecapRow};
use crate::store::trips::TripRow;

/// One of `me`'s trips with every bill and line of it, in one batch; 404 otherwise.
pub async fn owned(
    ctx: &Ctx,
    me: &crate::domain::user::AuthUser,
    trip_id: &str,
) -> ApiResult<(TripRow, Vec<crate::store::bills::BillRow>, Vec<RecapRow>)> {
    let (trip, bills, lines) = bills::recap_batch(&ctx.db, trip_id, &me.id).await?;
    let trip = trip.into_iter().next().ok_or_else(|| crate::error::ApiError::not_found("Trip"))?;
    Ok((trip, bills, lines))
}

/// `bills.csv`: one row per bill line, with the bill's money and shipping.
pub fn bills_csv(rows: &[RecapRow]) -> String {
    let mut csv = Csv::new(&[
        "Penitip",
        "WhatsApp",
        "Barang",
        "Jumlah",
        "Harga satuan",
        "Subtotal barang",
        "Status barang",
        "Total tagihan",
        "Sudah dibayar",
        "Sisa",
        "Status tagihan",
        "Kurir",
        "Resi",
        "Alamat",
        "Catatan",
    ]);
    for r in rows {
        let phone = format!("+{}", r.buyer_phone);
        csv.row(&[
            Cell::Text(&r.buyer_name),
            Cell::Text(&phone),
            Cell::Text(&r.product_title),
            Cell::Num(r.quantity),
            Cell::Num(r.unit_price),
            Cell::Num(r.line_total),
            Cell::Text(line_label(r.line_status)),
            Cell::Num(r.bill_total),
            Cell::Num(r.bill_paid),
            Cell::Num((r.bill_total - r.bill_paid).max(0)),
            Cell::Text(r.bill_status.label()),
            Cell::Text(r.courier.as_deref().and_then(courier_name).unwrap_or("")),
            Cell::Text(r.tracking_number.as_deref().unwrap_or("")),
            Cell::Text(r.address.as_deref().unwrap_or("")),
            Cell::Text(r.notes.as_deref().unwrap_or("")),
        ]);
    }
    csv.finish()
}

fn line_label(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Pending => "Menunggu bayar",
        OrderStatus::Confirmed => "Dibeli",
        OrderStatus::Rejected => "Tidak dapat / ditolak",
        OrderStatus::Shipped => "Dikirim",
    }
}

/// One product to buy: the units, and who they are for with their notes.
pub struct ToBuy<'a> {
    pub product_id: &'a str,
    pub title: &'a str,
    pub units: i64,
    pub lines: Vec<&'a RecapRow>,
}

/// What to buy: every line still to be bought (waiting or DP'd/paid, of a
/// bill not cancelled), by product, products in alphabetical order (a shop
/// is walked aisle by aisle; the jastiper prints it or reads it on her phone).
pub fn shopping_list(rows: &[RecapRow]) -> Vec<ToBuy<'_>> {
    let mut list: Vec<ToBuy<'_>> = Vec::new();
    let wanted = rows.iter().filter(|r| {
        matches!(r.line_status, OrderStatus::Pending | OrderStatus::Confirmed) && r.bill_status != BillStatus::Cancelled
    });
    for r in wanted {
        match list.iter_mut().find(|t| t.product_id == r.product_id) {
            Some(t) => {
                t.units += r.quantity;
                t.lines.push(r);
            }
            None => list.push(ToBuy {
                product_id: &r.product_id,
                title: &r.product_title,
                units: r.quantity,
                lines: vec![r],
            }),
        }
    }
    list.sort_by_key(|a| a.title.to_lowercase());
    list
}

/// `shopping-list.csv`: one row per buyer line, grouped by product.
pub fn shopping_csv(list: &[ToBuy<'_>]) -> String {
    let mut csv = Csv::new(&["Barang", "Total dibeli", "Penitip", "Jumlah", "Catatan", "Sudah bayar"]);
    for t in list {
        for l in &t.lines {
            let paid = if l.line_status == OrderStatus::Confirmed { "ya" } else { "belum" };
            csv.row(&[
                Cell::Text(t.title),
                Cell::Num(t.units),
                Cell::Text(&l.buyer_name),
                Cell::Num(l.quantity),
                Cell::Text(l.notes.as_deref().unwrap_or("")),
                Cell::Text(paid),
            ]);
        }
    }
    csv.finish()
}

/// The text to paste into the trip's WhatsApp group: first names and items,
/// no phone numbers, no amounts beyond what each owes.
pub fn group_text(trip: &TripRow, rows: &[RecapRow]) -> String {
    let mut text = format!("📋 Rekap {}\n", trip.title);
    let mut current: Option<&str> = None;
    for r in rows.iter().filter(|r| r.bill_status != BillStatus::Cancelled && r.line_status != OrderStatus::Rejected) {
        if current != Some(r.bill_id.as_str()) {
            current = Some(&r.bill_id);
            let first = r.buyer_name.split_whitespace().next().unwrap_or("Penitip");
            text.push_str(&format!("\n{first} — {}\n", r.bill_status.label()));
        }
        text.push_str(&format!("  • {} ×{}\n", r.product_title, r.quantity));
    }
    text
}
