//! A trip's rekap for its jastiper: every bill with its status (belum
//! bayar, DP, lunas, dikirim), filters and totals, bulk "mark shipped" and
//! reminders, A6 shipping labels, the group's recap text, the CSV exports,
//! "barang sudah sampai"; and the shopping list, with "tidak dapat".

use std::collections::HashMap;

use maud::{html, Markup};
use worker::Response;

use super::view::{csrf, shell};
use crate::ctx::Ctx;
use crate::domain::bill::{BillStatus, COURIERS};
use crate::domain::money::rupiah;
use crate::domain::order::OrderStatus;
use crate::error::ApiResult;
use crate::service::accounts::PageSession;
use crate::service::bills::{self as bill_service, ShipForm};
use crate::service::{notify, orders, recap, trips};
use crate::store::bills::{BillRow, RecapRow};
use crate::store::trips::TripRow;
use crate::web::form::{FormState, Posted};
use crate::web::html::Query;
use crate::web::query::param;
use crate::web::respond;

fn status_filter(q: &HashMap<String, String>) -> Option<BillStatus> {
    BillStatus::parse(param(q, "status"))
}

/// The money of a trip's bills: to collect, collected, owed back.
struct Totals {
    to_collect: i64,
    collected: i64,
    refunds: i64,
}

fn totals(bills: &[BillRow]) -> Totals {
    Totals {
        to_collect: bills.iter().filter(|b| b.status.is_open()).map(BillRow::balance).sum(),
        collected: bills.iter().map(|b| b.paid).sum(),
        refunds: bills.iter().map(BillRow::refund_due).sum(),
    }
}

/// Units per product, of lines still bought or shipped.
fn units(rows: &[RecapRow]) -> Vec<(&str, i64, i64)> {
    let mut out: Vec<(&str, i64, i64)> = Vec::new();
    for r in rows.iter().filter(|r| r.line_status != OrderStatus::Rejected && r.bill_status != BillStatus::Cancelled) {
        match out.iter_mut().find(|(t, _, _)| *t == r.product_title) {
            Some(u) => {
                u.1 += r.quantity;
                u.2 += r.line_total;
            }
            None => out.push((&r.product_title, r.quantity, r.line_total)),
        }
    }
    out
}

fn bill_row(b: &BillRow, lines: &[&RecapRow]) -> Markup {
    let name = lines.first().map_or("Penitip", |l| l.buyer_name.as_str());
    html! {
        tr data-status=(b.status.as_str()) {
            td data-label="Pilih" { input type="checkbox" name={ "sel-" (b.id) } aria-label={ "Pilih tagihan " (name) }; }
            td data-label="Penitip" { a href={ "/dashboard/bills/" (Query(&b.id)) } { b { (name) } } }
            td data-label="Barang" {
                @for l in lines.iter().filter(|l| l.line_status != OrderStatus::Rejected) { (l.product_title) " ×" (l.quantity) br; }
            }
            td.n data-label="Total" { (rupiah(b.total)) }
            td.n data-label="Dibayar" { (rupiah(b.paid)) }
            td.n data-label="Sisa" { (rupiah(b.balance()))
                @if b.refund_due() > 0 { br; span.err { "lebih " (rupiah(b.refund_due())) } } }
            td data-label="Status" { span.badge { (b.status.label()) } }
            td data-label="Resi" {
                @if b.status == BillStatus::Paid {
                    input name={ "resi-" (b.id) } aria-label={ "Resi untuk " (name) } placeholder="No. resi" size="14";
                } @else if let Some(t) = &b.tracking_number { (t) }
            }
        }
    }
}

/// `/dashboard/trips/<id>/recap?status=`: session + trip + one batch.
pub async fn page(ctx: &Ctx, s: &PageSession, trip_id: &str, q: &HashMap<String, String>) -> ApiResult<Response> {
    let (trip, bills, rows) = recap::owned(ctx, &s.user, trip_id).await?;
    let filter = status_filter(q);
    let t = totals(&bills);
    let base = format!("/dashboard/trips/{}", trip.id);
    let shown: Vec<&BillRow> = bills.iter().filter(|b| filter.is_none_or(|f| b.status == f)).collect();
    let done = match param(q, "done") {
        "shipped" => Some(format!("{} tagihan ditandai dikirim.", param(q, "n"))),
        "reminded" => Some(format!("{} pengingat dikirim.", param(q, "n"))),
        "arrived" => Some(format!("{} penitip dikabari barang sudah sampai.", param(q, "n"))),
        _ => None,
    };
    let skipped = param(q, "skipped");
    let body = html! {
        div.wide {
            p.mt1 { a href=(base) { "← " (trip.title) } }
            h1 { "Rekap " (trip.title) }
            @if let Some(text) = &done { p.ok #notice { (text) @if !skipped.is_empty() && skipped != "0" { " " (skipped) " dilewati (belum lunas atau tanpa resi)." } } }
            div.kpis {
                div.kpi { p.mute { "Harus ditagih" } p.big #to-collect { (rupiah(t.to_collect)) } }
                div.kpi { p.mute { "Sudah masuk" } p.big #collected { (rupiah(t.collected)) } }
                div.kpi { p.mute { "Kelebihan bayar" } p.big #refunds { (rupiah(t.refunds)) } }
            }
            p.row {
                a.btn.alt href={ (base) "/rekap.csv" } download { "Unduh rekap (CSV)" }
                a.btn.alt href={ (base) "/belanja.csv" } download { "Unduh daftar belanja (CSV)" }
                a.btn.alt href={ (base) "/shopping" } { "Daftar belanja" }
            }
            form.card method="post" action={ (base) "/arrived" } {
                (csrf(s))
                p { "Barang sudah sampai? Setiap penitip yang belum lunas menerima satu pesan: barangnya, ongkir, dan sisa tagihan. "
                    "Yang belum bayar setelah " (trip.reminder_days) " hari menerima satu pengingat." }
                @if let Some(at) = &trip.arrived_at { p.mute { "Sudah dikabari " (super::view::wib_time(at)) "." } }
                button.btn type="submit" { "Barang sudah sampai — kabari penitip" }
            }
            nav.tabs aria-label="Saring status tagihan" {
                a href={ (base) "/recap" } aria-current=[filter.is_none().then_some("page")] { "Semua (" (bills.len()) ")" }
                @for st in BillStatus::ALL {
                    @let n = bills.iter().filter(|b| b.status == st).count();
                    a href={ (base) "/recap?status=" (st.as_str()) } aria-current=[(filter == Some(st)).then_some("page")] { (st.label()) " (" (n) ")" }
                }
            }
            form method="post" action={ (base) "/recap/ship" } {
                (csrf(s))
                @if shown.is_empty() { p.card { "Belum ada tagihan di sini." } }
                table.recap #recap {
                    thead { tr { th scope="col" { "Pilih" } th scope="col" { "Penitip" } th scope="col" { "Barang" } th scope="col" { "Total" }
                        th scope="col" { "Dibayar" } th scope="col" { "Sisa" } th scope="col" { "Status" } th scope="col" { "Resi" } } }
                    tbody {
                        @for b in &shown {
                            @let lines: Vec<&RecapRow> = rows.iter().filter(|r| r.bill_id == b.id).collect();
                            (bill_row(b, &lines))
                        }
                    }
                }
                div.card {
                    label for="courier" { "Kurir untuk yang dipilih" }
                    select #courier name="courier" { @for (code, name) in COURIERS { option value=(code) { (name) } } }
                    p.row {
                        button.btn type="submit" { "Tandai dikirim" }
                        button.btn.alt type="submit" formaction={ (base) "/recap/remind" } { "Kirim pengingat bayar" }
                        button.btn.alt type="submit" formaction={ (base) "/recap/labels" } { "Cetak label A6" }
                    }
                }
            }
            h2 { "Per barang" }
            table.totals #per-product {
                thead { tr { th scope="col" { "Barang" } th scope="col" { "Jumlah" } th scope="col" { "Pendapatan" } } }
                tbody { @for (title, n, sum) in units(&rows) { tr { td { (title) } td { (n) } td { (rupiah(sum)) } } } }
            }
            h2 { "Teks rekap untuk grup WhatsApp" }
            p.mute { "Nama depan dan barangnya saja, tanpa nomor WhatsApp." }
            textarea #group-text readonly rows="8" aria-label="Teks rekap untuk grup" { (recap::group_text(&trip, &rows)) }
            button.btn.alt type="button" data-copy="group-text" { "Salin teks rekap" }
        }
    };
    shell(ctx, Some(s), "Rekap", 200, body)
}

/// The bills a bulk form picked (`sel-<id>` checkboxes).
fn picked(form: &Posted) -> Vec<String> {
    form.input.map().keys().filter_map(|k| k.strip_prefix("sel-")).map(str::to_string).collect()
}

/// Bulk "mark shipped": each picked lunas bill with its own resi (or the
/// courier "other"); the rest are skipped and counted.
pub async fn bulk(ctx: &Ctx, s: &PageSession, trip_id: &str, action: &str, form: Posted) -> ApiResult<Response> {
    let (trip, bills, rows) = recap::owned(ctx, &s.user, trip_id).await?;
    let ids = picked(&form);
    let back = |done: &str, n: usize, skipped: usize| {
        respond::see_other(&format!("/dashboard/trips/{}/recap?done={done}&n={n}&skipped={skipped}", trip.id))
    };
    match action {
        "ship" => {
            let courier = form.input.map().get("courier").and_then(|v| v.as_str()).unwrap_or("").to_string();
            let (mut n, mut skipped) = (0, 0);
            for id in &ids {
                let resi = form.input.map().get(&format!("resi-{id}")).and_then(|v| v.as_str()).unwrap_or("");
                let body = serde_json::json!({ "courier": courier, "trackingNumber": resi });
                let input = crate::input::Input::from_map(body.as_object().cloned().unwrap_or_default());
                // A bill that cannot go (not hers, not lunas, no resi) is skipped and
                // counted; a failure on our side still fails the request.
                let shipped = match (bills.iter().find(|b| b.id == *id), ShipForm::parse(input)) {
                    (Some(bill), Ok(f)) => match bill_service::ship(ctx, &s.user, bill, f).await {
                        Ok(_) => true,
                        Err(e) if e.status() >= 500 => return Err(e),
                        Err(_) => false,
                    },
                    _ => false,
                };
                if shipped {
                    n += 1;
                } else {
                    skipped += 1;
                }
            }
            back("shipped", n, skipped)
        }
        "remind" => {
            let mut n = 0;
            for b in bills.iter().filter(|b| ids.contains(&b.id) && b.status.takes_payment() && b.balance() > 0) {
                if notify::manual_reminder(ctx, b).await? {
                    n += 1;
                }
            }
            back("reminded", n, ids.len() - n)
        }
        _ => labels(ctx, s, &trip, &bills, &rows, &ids),
    }
}

/// A6 shipping labels of the picked bills, one per page.
fn labels(
    ctx: &Ctx,
    s: &PageSession,
    trip: &TripRow,
    bills: &[BillRow],
    rows: &[RecapRow],
    ids: &[String],
) -> ApiResult<Response> {
    let chosen: Vec<&BillRow> = bills.iter().filter(|b| ids.contains(&b.id)).collect();
    let body = html! {
        p.mt1.noprint { a href={ "/dashboard/trips/" (Query(&trip.id)) "/recap" } { "← Rekap" } }
        h1.noprint { "Label pengiriman (" (chosen.len()) ")" }
        @if chosen.is_empty() { p.card { "Pilih tagihan dulu di rekap." } }
        button.btn.alt.noprint type="button" data-print="1" { "Cetak / simpan PDF" }
        @for b in &chosen {
            @let lines: Vec<&RecapRow> = rows.iter().filter(|r| r.bill_id == b.id && r.line_status != OrderStatus::Rejected).collect();
            @if let Some(first) = lines.first() {
                section.label {
                    p.mute { (trip.title) " · No. " (b.id[..8].to_ascii_uppercase()) }
                    h2 { (first.buyer_name) }
                    p { "+" (first.buyer_phone) }
                    @if b.pickup { p { b { "Ambil sendiri" } } }
                    @if let Some(a) = &b.address { p.pre { (a) } }
                    @for l in &lines { p { (l.product_title) " ×" (l.quantity) } }
                }
            }
        }
    };
    shell(ctx, Some(s), "Label pengiriman", 200, body)
}

/// `POST /dashboard/trips/<id>/arrived`: every penitip still owing told once.
pub async fn arrived(ctx: &Ctx, s: &PageSession, trip_id: &str) -> ApiResult<Response> {
    let told = trips::arrived(ctx, &s.user, trip_id).await?;
    respond::see_other(&format!("/dashboard/trips/{trip_id}/recap?done=arrived&n={told}"))
}

/// The rekap or the shopping list as CSV, for her session.
pub async fn csv(ctx: &Ctx, s: &PageSession, trip_id: &str, which: &str) -> ApiResult<Response> {
    let (trip, _, rows) = recap::owned(ctx, &s.user, trip_id).await?;
    match which {
        "rekap.csv" => respond::csv(recap::bills_csv(&rows), &format!("rekap-{}.csv", trip.slug)),
        _ => respond::csv(recap::shopping_csv(&recap::shopping_list(&rows)), &format!("belanja-{}.csv", trip.slug)),
    }
}

/// `/dashboard/trips/<id>/shopping`: what to buy, product by product, with
/// "dapat n" and "tidak dapat" for each line; printable.
pub async fn shopping(ctx: &Ctx, s: &PageSession, trip_id: &str, form: FormState) -> ApiResult<Response> {
    let (trip, _, rows) = recap::owned(ctx, &s.user, trip_id).await?;
    let list = recap::shopping_list(&rows);
    let body = html! {
        p.mt1.noprint { a href={ "/dashboard/trips/" (Query(&trip.id)) "/recap" } { "← Rekap" } }
        h1 { "Daftar belanja " (trip.title) }
        (crate::web::form::notice(&form))
        @if list.is_empty() { p.card { "Belum ada yang perlu dibeli." } }
        button.btn.alt.noprint type="button" data-print="1" { "Cetak" }
        ul.list #shopping {
            @for t in &list {
                li.card {
                    h2 { (t.title) " — " span.units { (t.units) } " pcs" }
                    ul.list {
                        @for l in &t.lines {
                            li id={ "line-" (l.order_id) } {
                                b { (l.buyer_name) } " ×" (l.quantity)
                                @if l.line_status == OrderStatus::Pending { " · " span.badge { "belum bayar" } }
                                @if let Some(n) = &l.notes { br; span.mute { (n) } }
                                form.inline.noprint method="post" action={ "/dashboard/orders/" (Query(&l.order_id)) "/found" } {
                                    (csrf(s))
                                    label for={ "found-" (l.order_id) } { "Dapat" }
                                    input id={ "found-" (l.order_id) } name="quantity" type="number" min="0" max=(l.quantity) value=(l.quantity) inputmode="numeric";
                                    button.btn.alt.small type="submit" { "Simpan" }
                                    button.btn.danger.small type="submit" name="none" value="1" { "Tidak dapat" }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    shell(ctx, Some(s), "Daftar belanja", form.status(), body)
}

/// A line found short, from the shopping list; then back to it.
pub async fn found(ctx: &Ctx, s: &PageSession, order_id: &str, form: Posted) -> ApiResult<Response> {
    let order = orders::owned(ctx, &s.user, order_id).await?;
    let trip_id = order.trip_id.clone();
    form.answer(
        async |mut input| {
            // "Tidak dapat" is none found; otherwise the number typed.
            let typed = input.map().get("quantity").and_then(|v| v.as_str()).map(|t| t.trim().parse::<i64>());
            match (input.map().contains_key("none"), typed) {
                (true, _) => input.insert("quantity", serde_json::Value::from(0)),
                (false, Some(Ok(n))) => input.insert("quantity", serde_json::Value::from(n)),
                _ => {}
            }
            input.retain(|k| k != "none");
            orders::found(ctx, &s.user, order, orders::FoundForm::parse(input)?).await?;
            respond::see_other(&format!("/dashboard/trips/{trip_id}/shopping"))
        },
        async |state| shopping(ctx, s, &trip_id, state).await,
    )
    .await
}
