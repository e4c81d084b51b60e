//! A bill for its jastiper: the lines and the money (DP, ongkir, kode unik,
//! paid, sisa or kelebihan bayar), and its payments to check: confirm with
//! the amount that came in, reject with a reason after a confirmation step,
//! take a rejection back for a few minutes. A trip's payments waiting, and
//! finding a bill by the amount a line of her bank statement shows.

use std::collections::HashMap;

use maud::{html, Markup};
use worker::Response;

use super::orders::status_label;
use super::view::{csrf, shell, wib_time};
use crate::ctx::Ctx;
use crate::domain::bill::{courier_name, BillStatus, COURIERS};
use crate::domain::fields;
use crate::domain::money::{parse_rupiah_text, rupiah};
use crate::domain::payment::PaymentStatus;
use crate::error::{ApiError, ApiResult};
use crate::service::accounts::PageSession;
use crate::service::bills::{self, BillAccess, ShipForm};
use crate::service::payments::{self, ConfirmForm, RejectForm};
use crate::store::bills::BillRow;
use crate::store::participants::ParticipantRow;
use crate::store::payments::PaymentRow;
use crate::web::form::{notice, Field, FormState, Posted};
use crate::web::html::{Query, SafeUrl};
use crate::web::query::param;
use crate::web::respond;

fn money_rows(b: &BillRow) -> Markup {
    let row = |id: &str, label: &str, amount: i64| {
        html! { tr { th scope="row" { (label) } td id=(id) { (rupiah(amount)) } } }
    };
    html! {
        table.totals #money {
            tbody {
                (row("m-subtotal", "Barang", b.subtotal))
                @if b.shipping_cost > 0 { (row("m-shipping", "Ongkir", b.shipping_cost)) }
                @if b.unique_code > 0 { (row("m-code", "Kode unik", b.unique_code)) }
                (row("m-total", "Total", b.total))
                @if b.dp_due > 0 { (row("m-dp", "DP", b.dp_due + b.unique_code)) }
                (row("m-paid", "Sudah dibayar", b.paid))
                @if b.refund_due() > 0 {
                    (row("m-refund", "Kelebihan bayar (dikembalikan)", b.refund_due()))
                } @else {
                    (row("m-balance", "Sisa", b.balance()))
                }
            }
        }
    }
}

fn payment_card(ctx: &Ctx, s: &PageSession, p: &PaymentRow, form: &FormState) -> Markup {
    let action = |name: &str| format!("/dashboard/payments/{}/{name}", p.id);
    let claimed = p.claimed.to_string();
    html! {
        li.card id={ "payment-" (p.id) } data-status=(p.status.as_str()) {
            p { b { (rupiah(p.shown_amount())) } " · " span.badge { (p.status.label()) } " · " (wib_time(&p.created_at)) }
            @if p.status == PaymentStatus::Confirmed && p.amount != Some(p.claimed) {
                p.mute { "Penitip menulis " (rupiah(p.claimed)) }
            }
            @if p.reused_proof {
                p.err.reused { "⚠️ Bukti ini sama persis dengan bukti pembayaran lain: cek mutasi rekening sebelum konfirmasi." }
            }
            @if p.proof_key.is_some() {
                a href=(action("proof")) { img.proof alt="Bukti transfer" src=(action("proof")); }
            }
            @if let Some(r) = &p.reject_reason { p.mute { "Alasan: " (r) } }
            @match p.status {
                PaymentStatus::Pending => {
                    form method="post" action=(action("confirm")) {
                        (csrf(s))
                        (notice(form))
                        (Field::text("amount", "Jumlah yang masuk ke rekening (Rp)").inputmode("numeric").required().of(form, Some(&claimed)))
                        button.btn type="submit" { "Konfirmasi pembayaran" }
                    }
                    a.btn.danger href=(action("reject")) { "Tolak…" }
                }
                PaymentStatus::Rejected if payments::can_undo(ctx, p) => {
                    form method="post" action=(action("undo")) {
                        (csrf(s))
                        button.btn.alt type="submit" { "Batalkan penolakan" }
                    }
                }
                _ => {}
            }
        }
    }
}

fn shipping_card(s: &PageSession, b: &BillRow, form: &FormState) -> Markup {
    let action = |name: &str| format!("/dashboard/bills/{}/{name}", b.id);
    let cost = b.shipping_cost.to_string();
    let chosen = form.value("courier", b.courier.as_deref()).to_string();
    html! {
        div.card #shipping {
            h2 { "Pengiriman" }
            @if b.pickup { p #pickup-note { "Penitip ambil sendiri." } }
            @match &b.address {
                Some(a) => p.pre #ship-address { (a) },
                None if !b.pickup => p.mute { "Penitip belum menulis alamat." },
                None => {},
            }
            @if b.status == BillStatus::Shipped {
                p #shipped { "Dikirim lewat " b { (b.courier.as_deref().and_then(courier_name).unwrap_or("kurir")) }
                    @if let Some(t) = &b.tracking_number { " · resi " b { (t) } } }
            }
            @if b.status.is_open() && !b.pickup {
                form method="post" action=(action("shipping")) {
                    (csrf(s))
                    @if form.sent("shippingCost") { (notice(form)) }
                    (Field::text("shippingCost", "Ongkir (Rp)").inputmode("numeric").of(form, Some(&cost)))
                    button.btn.alt type="submit" { "Simpan ongkir" }
                }
            }
            @if b.status == BillStatus::Paid {
                form method="post" action=(action("ship")) {
                    (csrf(s))
                    @if form.sent("courier") { (notice(form)) }
                    label for="courier" { "Kurir" }
                    select #courier name="courier" {
                        @for (code, name) in COURIERS { option value=(code) selected[chosen == code] { (name) } }
                    }
                    @if let Some(e) = form.error("courier") { p.err { (e) } }
                    (Field::text("trackingNumber", "No. resi").limit(fields::TRACKING).of(form, None))
                    button.btn type="submit" { "Tandai sudah dikirim" }
                }
            } @else if b.status.takes_payment() {
                p.mute { "Bisa dikirim setelah lunas." }
            }
        }
    }
}

/// `/dashboard/bills/<id>`: one bill (session + one batch).
pub async fn page(
    ctx: &Ctx,
    s: &PageSession,
    id: &str,
    form: FormState,
    q: &HashMap<String, String>,
) -> ApiResult<Response> {
    let v = bills::visible(ctx, id, &BillAccess::Owner(s.user.clone())).await?;
    let b = &v.bill;
    let name = v.buyer.as_ref().map_or("Penitip", |p| p.name.as_str());
    let done = match param(q, "done") {
        "confirmed" => Some("Pembayaran dikonfirmasi. Penitip diberi tahu."),
        "rejected" => Some("Pembayaran ditolak. Penitip diberi tahu beberapa menit lagi, kecuali kamu membatalkannya."),
        "undone" => Some("Penolakan dibatalkan: pembayaran menunggu dicek lagi."),
        "shipping" => Some("Ongkir disimpan."),
        "shipped" => Some("Ditandai sudah dikirim. Penitip menerima kurir dan resinya."),
        _ => None,
    };
    let body = html! {
        p.mt1 { a href={ "/dashboard/trips/" (Query(&b.trip_id)) "/payments" } { "← Pembayaran " (v.trip.as_ref().map_or("trip", |t| t.title.as_str())) } }
        h1 { "Tagihan " (name) }
        p #bill-status data-status=(b.status.as_str()) { span.badge { (b.status.label()) } " · No. " (b.id[..8].to_ascii_uppercase()) }
        @if let Some(text) = done { p.ok #notice { (text) } }
        @if let Some(p) = &v.buyer {
            p { a.btn.alt href=(SafeUrl(&format!("https://wa.me/{}", p.phone.as_str()))) { "Chat +" (p.phone.as_str()) " di WhatsApp" } }
        }
        (money_rows(b))
        h2 { "Barang" }
        ul.list #lines {
            @for l in &v.lines {
                li.card data-status=(l.order.status.as_str()) {
                    a href={ "/dashboard/orders/" (Query(&l.order.id)) } { b { (l.product_title) } " × " (l.order.quantity) }
                    " · " (rupiah(l.order.total_price)) " · " span.badge { (status_label(l.order.status)) }
                    @if let Some(n) = &l.order.notes { p.mute.pre { "Catatan: " (n) } }
                }
            }
        }
        h2 { "Pembayaran" }
        @if v.payments.is_empty() { p.card { "Belum ada bukti bayar." } }
        ul.list #payments { @for p in &v.payments { (payment_card(ctx, s, p, &form)) } }
        (shipping_card(s, b, &form))
    };
    shell(ctx, Some(s), "Tagihan", form.status(), body)
}

/// `/dashboard/payments/<id>/reject`: the confirmation step, with the reason.
pub async fn reject_page(ctx: &Ctx, s: &PageSession, id: &str, form: FormState) -> ApiResult<Response> {
    let p = payments::owned(ctx, &s.user, id).await?;
    let body = html! {
        p.mt1 { a href={ "/dashboard/bills/" (Query(&p.bill_id)) } { "← Kembali ke tagihan" } }
        h1 { "Tolak pembayaran " (rupiah(p.claimed)) "?" }
        p { "Penitip akan diberi tahu alasannya dan diminta mengirim bukti yang benar. Kamu masih bisa membatalkan penolakan selama beberapa menit." }
        form.card method="post" action={ "/dashboard/payments/" (Query(&p.id)) "/reject" } {
            (csrf(s))
            (notice(&form))
            (Field::text("reason", "Alasan menolak (dikirim ke penitip)").limit(fields::REASON).required().placeholder("Nominal di bukti tidak sama dengan mutasi").of(&form, None))
            button.btn.danger type="submit" { "Ya, tolak pembayaran" }
        }
    };
    shell(ctx, Some(s), "Tolak pembayaran", form.status(), body)
}

/// Confirm, reject or undo, then back to the bill saying what happened.
pub async fn act(ctx: &Ctx, s: &PageSession, id: &str, action: &str, form: Posted) -> ApiResult<Response> {
    let p = payments::owned(ctx, &s.user, id).await?;
    let back = |done: &str| respond::see_other(&format!("/dashboard/bills/{}?done={done}", p.bill_id));
    let action = action.to_string();
    form.answer(
        async |input| match action.as_str() {
            "confirm" => {
                payments::confirm(ctx, &p, ConfirmForm::parse(input)?).await?;
                back("confirmed")
            }
            "reject" => {
                payments::reject(ctx, &p, RejectForm::parse(input)?).await?;
                back("rejected")
            }
            _ => {
                payments::undo_reject(ctx, &p).await?;
                back("undone")
            }
        },
        async |state| match action.as_str() {
            "reject" => reject_page(ctx, s, id, state).await,
            _ => page(ctx, s, &p.bill_id, state, &HashMap::new()).await,
        },
    )
    .await
}

/// The ongkir set, or the bill shipped; then back to the bill.
pub async fn act_on_bill(ctx: &Ctx, s: &PageSession, id: &str, action: &str, form: Posted) -> ApiResult<Response> {
    let action = action.to_string();
    form.answer(
        async |input| {
            let done = if action == "ship" {
                let bill = bills::owned(ctx, &s.user, id).await?;
                bills::ship(ctx, &s.user, &bill, ShipForm::parse(input)?).await?;
                "shipped"
            } else {
                let access = BillAccess::Owner(s.user.clone());
                let v = bills::visible(ctx, id, &access).await?;
                bills::set_shipping(ctx, v, &access, bills::parse_shipping(input, true)?).await?;
                "shipping"
            };
            respond::see_other(&format!("/dashboard/bills/{id}?done={done}"))
        },
        async |state| page(ctx, s, id, state, &HashMap::new()).await,
    )
    .await
}

/// The transfer proof, only for the trip's owner.
pub async fn proof(ctx: &Ctx, s: &PageSession, id: &str) -> ApiResult<Response> {
    let p = payments::owned(ctx, &s.user, id).await?;
    let key = p.proof_key.ok_or_else(|| ApiError::not_found("Proof"))?;
    respond::stored_object(ctx, &key, "private, no-store").await
}

fn buyer_of<'a>(bill: &BillRow, buyers: &'a [ParticipantRow]) -> &'a str {
    buyers.iter().find(|p| p.id == bill.participant_id).map_or("Penitip", |p| p.name.as_str())
}

fn find_form(amount: &str) -> Markup {
    html! {
        form.card.inline method="get" action="/dashboard/bills" {
            label for="find-amount" { "Cari tagihan dari jumlah transfer di mutasi rekening" }
            input #find-amount name="amount" inputmode="numeric" placeholder="340.123" value=(amount);
            button.btn.alt type="submit" { "Cari" }
        }
    }
}

/// `/dashboard/trips/<id>/payments`: what waits to be checked, oldest first.
pub async fn trip_payments(ctx: &Ctx, s: &PageSession, trip_id: &str) -> ApiResult<Response> {
    let (trip, waiting, of_bills, buyers) = payments::waiting_of_trip(ctx, &s.user, trip_id).await?;
    let body = html! {
        p.mt1 { a href={ "/dashboard/trips/" (Query(&trip.id)) } { "← " (trip.title) } }
        h1 { "Pembayaran menunggu dicek" }
        (find_form(""))
        @if waiting.is_empty() { p.card #none-waiting { "Tidak ada bukti bayar yang menunggu." } }
        ul.list #waiting {
            @for p in &waiting {
                @if let Some(b) = of_bills.iter().find(|b| b.id == p.bill_id) {
                    li.card data-status="pending" {
                        a href={ "/dashboard/bills/" (Query(&b.id)) } { b { (buyer_of(b, &buyers)) } " · " (rupiah(p.claimed)) }
                        p.mute { "Tagihan " (rupiah(b.total)) " · sudah dibayar " (rupiah(b.paid)) " · " (wib_time(&p.created_at)) }
                        @if p.reused_proof { p.err.reused { "⚠️ Bukti sama dengan pembayaran lain" } }
                    }
                }
            }
        }
    };
    shell(ctx, Some(s), "Pembayaran", 200, body)
}

/// `/dashboard/bills?amount=`: her open bills asking that amount.
pub async fn find(ctx: &Ctx, s: &PageSession, q: &HashMap<String, String>) -> ApiResult<Response> {
    let typed = param(q, "amount");
    let (found, problem) = match parse_rupiah_text(typed.trim()) {
        _ if typed.trim().is_empty() => (None, None),
        Ok(amount) => (Some((amount, bills::asking(ctx, &s.user, amount).await?)), None),
        Err(_) => (None, Some("Tulis jumlahnya seperti di mutasi: 340123 atau 340.123")),
    };
    let body = html! {
        h1.mt15 { "Cari tagihan" }
        (find_form(typed))
        @if let Some(p) = problem { p.err #find-problem { (p) } }
        @if let Some((amount, (bills, buyers))) = &found {
            @if bills.is_empty() { p.card #none-found { "Tidak ada tagihan terbuka yang meminta " (rupiah(*amount)) "." } }
            ul.list #found {
                @for b in bills {
                    li.card {
                        a href={ "/dashboard/bills/" (Query(&b.id)) } { b { (buyer_of(b, buyers)) } " · " (rupiah(b.total)) }
                        p.mute { (b.status.label()) " · sisa " (rupiah(b.balance()))
                            @if b.unique_code > 0 { " · kode unik " (b.unique_code) } }
                    }
                }
            }
        }
    };
    shell(ctx, Some(s), "Cari tagihan", if problem.is_some() { 400 } else { 200 }, body)
}
