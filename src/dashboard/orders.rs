//! A trip's orders (filter by status, totals per status) and one order:
//! the buyer, the payment proof (served only to the owner), confirm /
//! reject with a reason / mark shipped.

use maud::{html, Markup};
use worker::Response;

use super::view::{csrf, next_page, shell, wib_time};
use crate::ctx::Ctx;
use crate::domain::fields;
use crate::domain::money::rupiah;
use crate::domain::order::{Action, OrderStatus};
use crate::error::{ApiError, ApiResult};
use crate::service::accounts::PageSession;
use crate::service::dashboard;
use crate::service::orders::{self, TransitionForm};
use crate::store::orders::OrderDetailRow;
use crate::web::form::{notice, Field, FormState, Posted};
use crate::web::html::{Query, SafeUrl};
use crate::web::query::Paging;
use crate::web::respond;

pub fn status_label(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Pending => "Menunggu",
        OrderStatus::Confirmed => "Dikonfirmasi",
        OrderStatus::Rejected => "Ditolak",
        OrderStatus::Shipped => "Dikirim",
    }
}

fn wa_link(phone: &str) -> String {
    format!("https://wa.me/{phone}")
}

fn order_card(o: &OrderDetailRow) -> Markup {
    let r = &o.order;
    html! {
        li.card data-status=(r.status.as_str()) {
            a href={ "/dashboard/orders/" (Query(&r.id)) } { b { (o.product_title) } " × " (r.quantity) }
            p { (o.participant_name) " · " (super::view::contact(&o.participant_phone)) }
            p { b { (rupiah(r.total_price)) } " · " span.badge { (status_label(r.status)) }
                @if r.proof_key.is_some() { " · bukti bayar ✓" } }
            @if let Some(n) = &r.notes { p.mute.pre { "Catatan: " (n) } }
        }
    }
}

/// One page of a trip's orders (`cursor=` for the next), optionally of one status.
pub async fn list(
    ctx: &Ctx,
    s: &PageSession,
    trip_id: &str,
    status: Option<OrderStatus>,
    paging: &Paging,
) -> ApiResult<Response> {
    let d = dashboard::orders(ctx, &s.user, trip_id, status, paging.after.as_ref()).await?;
    let base = format!("/dashboard/trips/{}/orders", d.trip.id);
    let this = match status {
        Some(st) => format!("{base}?status={}", st.as_str()),
        None => base.clone(),
    };
    let body = html! {
        p.mt1 { a href={ "/dashboard/trips/" (Query(&d.trip.id)) } { "← " (d.trip.title) } }
        h1 { "Pesanan" }
        table.totals #totals {
            caption.mute { "Total per status" }
            thead { tr { th scope="col" { "Status" } th scope="col" { "Pesanan" } th scope="col" { "Jumlah" } } }
            tbody {
                @for (st, n, total) in &d.totals {
                    tr data-status=(st.as_str()) { th scope="row" { (status_label(*st)) } td.n { (n) } td.sum { (rupiah(*total)) } }
                }
            }
        }
        nav.tabs aria-label="Saring status" {
            a href=(base) aria-current=[status.is_none().then_some("page")] { "Semua" }
            @for st in OrderStatus::ALL {
                a href={ (base) "?status=" (st.as_str()) } aria-current=[(status == Some(st)).then_some("page")] { (status_label(st)) }
            }
        }
        @if d.orders.is_empty() { p.card { "Belum ada pesanan di sini." } }
        ul.list #orders { @for o in &d.orders { (order_card(o)) } }
        (next_page(&this, d.next.as_deref()))
    };
    shell(ctx, Some(s), "Pesanan", 200, body)
}

/// One order as it stands now: after an action that could not be taken
/// (its status changed meanwhile) too, so it answers 200 with why.
pub async fn page(ctx: &Ctx, s: &PageSession, id: &str, form: FormState) -> ApiResult<Response> {
    let v = dashboard::order(ctx, &s.user, id).await?;
    let o = &v.detail;
    let r = &o.order;
    let action = |name: &str| format!("/dashboard/orders/{}/{name}", r.id);
    let body = html! {
        p.mt1 { a href={ "/dashboard/trips/" (Query(&r.trip_id)) "/orders" } { "← Pesanan " (v.trip_title) } }
        h1 { (o.product_title) " × " (r.quantity) }
        p #order-status { span.badge { (status_label(r.status)) }
            @if let Some(reason) = &r.reject_reason { " · Alasan: " (reason) } }
        (notice(&form))
        div.card {
            p { "Pemesan: " b { (o.participant_name) } }
            p { a.btn.alt href=(SafeUrl(&wa_link(&o.participant_phone))) { "Chat +" (o.participant_phone) " di WhatsApp" } }
            p { (r.quantity) " × " (rupiah(r.unit_price)) " = " b { (rupiah(r.total_price)) } }
            @if let Some(n) = &r.notes { p.pre { "Catatan: " (n) } }
            p.mute { "Dipesan " (wib_time(&r.created_at)) }
            a href={ "/invoice/" (Query(&r.id)) } { "Lihat invoice" }
        }
        div.card {
            h2 { "Bukti bayar" }
            @if r.proof_key.is_some() {
                img.proof #proof alt="Bukti bayar dari pemesan" src={ "/dashboard/orders/" (Query(&r.id)) "/proof" };
            } @else if r.proof_archived_at.is_some() {
                p.mute { "Bukti bayar sudah diarsipkan (dihapus 90 hari setelah dikirim)." }
            } @else {
                p.mute { "Belum ada bukti bayar." }
            }
        }
        @match r.status {
            OrderStatus::Pending => {
                form.card method="post" action=(action("confirm")) {
                    (csrf(s))
                    button.btn type="submit" { "Konfirmasi pembayaran" }
                }
                form.card method="post" action=(action("reject")) {
                    (csrf(s))
                    (Field::text("reason", "Alasan menolak (dikirim ke pemesan)").limit(fields::REASON).placeholder("Stok di toko habis").of(&form, None))
                    button.btn.danger type="submit" { "Tolak pesanan" }
                }
            }
            OrderStatus::Confirmed => {
                form.card method="post" action=(action("ship")) {
                    (csrf(s))
                    button.btn type="submit" { "Tandai sudah dikirim" }
                }
            }
            _ => {}
        }
    };
    shell(ctx, Some(s), "Pesanan", 200, body)
}

/// The proof image, only for the trip's owner.
pub async fn proof(ctx: &Ctx, s: &PageSession, id: &str) -> ApiResult<Response> {
    let v = dashboard::order(ctx, &s.user, id).await?;
    let key = v.detail.order.proof_key.ok_or_else(|| ApiError::not_found("Proof"))?;
    respond::stored_object(ctx, &key, "private, no-store").await
}

pub async fn act(ctx: &Ctx, s: &PageSession, id: &str, action: &str, form: Posted) -> ApiResult<Response> {
    let action = match action {
        "confirm" => Action::Confirm,
        "reject" => Action::Reject,
        _ => Action::Ship,
    };
    let order = orders::owned(ctx, &s.user, id).await?;
    form.answer(
        async |input| {
            let o = orders::transition(ctx, &s.user, order, action, TransitionForm::parse(input, action)?).await?;
            respond::see_other(&format!("/dashboard/orders/{}", o.id))
        },
        async |state| page(ctx, s, id, state).await,
    )
    .await
}
