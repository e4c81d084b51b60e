//! A trip's participants with their orders, and its messages: a broadcast
//! (previewed with its cost before it goes) and the outbox with each
//! message's status, Meta's error and a resend button for failed ones.

use maud::html;
use worker::Response;

use super::orders::status_label;
use super::view::{contact, csrf, next_page, shell, wib_time};
use crate::ctx::Ctx;
use crate::domain::cost::{whole_rupiah, Estimate};
use crate::domain::fields;
use crate::domain::money::rupiah;
use crate::domain::outbox::OutboxStatus;
use crate::error::ApiResult;
use crate::service::accounts::PageSession;
use crate::service::dashboard;
use crate::service::messages::{self, BroadcastForm};
use crate::service::trips;
use crate::store::outbox::OutboxRow;
use crate::web::form::{notice, Field, FormState, Posted};
use crate::web::html::Query;
use crate::web::query::Paging;
use crate::web::respond;

/// One page of a trip's participants with their orders (`cursor=` for the next).
pub async fn participants(ctx: &Ctx, s: &PageSession, trip_id: &str, paging: &Paging) -> ApiResult<Response> {
    let d = dashboard::people(ctx, &s.user, trip_id, paging.after.as_ref()).await?;
    let body = html! {
        p.mt1 { a href={ "/dashboard/trips/" (Query(&d.trip.id)) } { "← " (d.trip.title) } }
        h1 { "Penitip (" (d.trip.participant_count) ")" }
        @if d.people.is_empty() { p.card { "Belum ada penitip. Bagikan link trip di grup WhatsApp." } }
        ul.list #participants {
            @for p in &d.people {
                li.card {
                    b { (p.name) } " · " (contact(p.phone.as_str()))
                    p.mute {
                        "Ikut " (wib_time(&p.joined_at))
                        @if p.confirmed_at.is_none() { " · " span.badge { "Belum konfirmasi WhatsApp" } }
                        @if p.unsubscribed_at.is_some() { " · " span.badge.stop { "Berhenti langganan (STOP)" } }
                    }
                    ul {
                        @for o in d.orders.iter().filter(|o| o.order.participant_id == p.id) {
                            li { a href={ "/dashboard/orders/" (Query(&o.order.id)) } { (o.product_title) " × " (o.order.quantity) }
                                 " · " (rupiah(o.order.total_price)) " · " (status_label(o.order.status)) }
                        }
                    }
                }
            }
        }
        (next_page(&format!("/dashboard/trips/{}/participants", d.trip.id), d.next.as_deref()))
    };
    shell(ctx, Some(s), "Penitip", 200, body)
}

fn outbox_label(s: OutboxStatus) -> &'static str {
    match s {
        OutboxStatus::Queued => "Antre",
        OutboxStatus::Sent => "Terkirim",
        OutboxStatus::Delivered => "Diterima",
        OutboxStatus::Read => "Dibaca",
        OutboxStatus::Failed => "Gagal",
        OutboxStatus::Simulated => "Simulasi",
    }
}

/// "60 × layanan (chat 24 jam) @ Rp 295 + 40 × marketing @ Rp 637", with
/// the free allowance when some is left.
fn parts(e: &Estimate) -> String {
    let mut words: Vec<String> =
        e.parts.iter().map(|p| format!("{} × {} @ {}", p.count, p.category.label(), p.each())).collect();
    if words.is_empty() {
        words.push("0 pesan".into());
    }
    let mut s = words.join(" + ");
    if e.free_count > 0 {
        s.push_str(&format!(" (gratis dari kuota bulan ini: {})", e.free_count));
    }
    s
}

/// What one message cost, or will cost.
fn cost_words(ctx: &Ctx, m: &OutboxRow) -> String {
    match messages::row_cost(ctx, m) {
        None => "Rp 0".into(),
        Some((c, milli)) => {
            let known = m.pricing_category.is_some();
            let said = if known {
                "menurut Meta"
            } else if m.sent_as.is_some() {
                "terkirim sebagai"
            } else {
                "perkiraan"
            };
            format!("{} · {} {}", rupiah(whole_rupiah(milli)), said, c.label())
        }
    }
}

/// The page; `preview` is a checked message waiting for "send".
pub async fn messages(
    ctx: &Ctx,
    s: &PageSession,
    trip_id: &str,
    form: FormState,
    preview: Option<&str>,
) -> ApiResult<Response> {
    let d = dashboard::messages(ctx, &s.user, trip_id).await?;
    let e = &d.estimate;
    let action = format!("/dashboard/trips/{}/messages", d.trip.id);
    let body = html! {
        p.mt1 { a href={ "/dashboard/trips/" (Query(&d.trip.id)) } { "← " (d.trip.title) } }
        h1 { "Broadcast & pesan" }
        @if let Some(message) = preview {
            form.card #preview method="post" action=(action) {
                h2 { "Cek sebelum kirim" }
                (csrf(s))
                input type="hidden" name="message" value=(message);
                input type="hidden" name="step" value="send";
                p.pre.quote { (message) }
                p #estimate { "Ke " b { (e.participant_count) " penitip" } ": " (parts(e)) " = " b { (e.total_cost()) } }
                button.btn type="submit" { "Kirim ke " (e.participant_count) " penitip" }
                a.btn.alt href=(action) { "Batal" }
            }
        } @else {
            form.card method="post" action=(action) {
                h2 { "Tulis broadcast" }
                (csrf(s))
                (notice(&form))
                input type="hidden" name="step" value="preview";
                (Field::textarea("message", "Pesan untuk semua penitip yang berlangganan", "4").limit(fields::MESSAGE).required().of(&form, None))
                p.mute #estimate { "Perkiraan: " (e.participant_count) " penitip: " (parts(e)) ", total " (e.total_cost()) "." }
                button.btn type="submit" { "Lihat biaya" }
            }
        }
        @let (month, charged, total) = &d.month;
        section.card #month-cost {
            h2 { "Biaya WhatsApp bulan ini (" (month) ")" }
            p { "Menurut Meta (laporan status tiap pesan), semua trip: " b { (rupiah(*total)) } }
            @if charged.is_empty() { p.mute { "Belum ada pesan berbayar bulan ini." } }
            ul { @for p in charged { li { (p.count) " × " (p.category.label()) " @ " (p.each()) } } }
        }
        h2 { "Kotak keluar" }
        p.mute #outbox-counts {
            @for (st, n) in &d.counts { @if *n > 0 { (outbox_label(*st)) ": " (n) " · " } }
        }
        ul.list #outbox {
            @for m in &d.latest {
                li.card data-status=(m.status.as_str()) {
                    p { b { (m.kind) } " ke " (contact(&m.recipient)) " · " span.badge { (outbox_label(m.status)) } }
                    p.mute.cost { (cost_words(ctx, m)) }
                    p.mute { (wib_time(&m.created_at)) }
                    @if let Some(err) = &m.last_error { p.err { "Meta: " (err) } }
                    @if m.status == OutboxStatus::Failed {
                        form method="post" action={ "/dashboard/messages/" (Query(&m.id)) "/resend" } {
                            (csrf(s))
                            button.btn.alt.small type="submit" { "Kirim ulang" }
                        }
                    }
                }
            }
        }
    };
    shell(ctx, Some(s), "Broadcast", form.status(), body)
}

/// `step=preview` shows the cost; `step=send` sends.
pub async fn broadcast(ctx: &Ctx, s: &PageSession, trip_id: &str, form: Posted) -> ApiResult<Response> {
    let trip = trips::owned(ctx, &s.user, trip_id).await?;
    let sending = form.typed.get("step").is_some_and(|v| v == "send");
    form.answer(
        async |mut input| {
            input.retain(|k| k == "message");
            match BroadcastForm::parse(input, &ctx.config.wa.broadcast_templates)? {
                BroadcastForm::Text(m) if !sending => messages(ctx, s, &trip.id, FormState::default(), Some(&m)).await,
                f => {
                    messages::broadcast(ctx, &trip, f).await?;
                    respond::see_other(&format!("/dashboard/trips/{}/messages", trip.id))
                }
            }
        },
        async |state| messages(ctx, s, &trip.id, state, None).await,
    )
    .await
}

pub async fn resend(ctx: &Ctx, s: &PageSession, id: &str) -> ApiResult<Response> {
    let row = messages::resend(ctx, &s.user, id).await?;
    let trip = row.trip_id.unwrap_or_default();
    respond::see_other(&format!("/dashboard/trips/{trip}/messages"))
}
