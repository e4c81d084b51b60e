//! `/dashboard`: the numbers of the last 7 days, WhatsApp notifications,
//! the public link and every trip with its participants, pending orders and revenue.

use maud::html;
use worker::Response;

use super::view::{change, csrf, shell, wib_time};
use crate::ctx::Ctx;
use crate::domain::money::rupiah;
use crate::error::ApiResult;
use crate::service::accounts::PageSession;
use crate::service::profile::NUMBER_UNDO_DAYS;
use crate::service::{dashboard, participants};
use crate::store::users::UserRow;
use crate::web::html::{Query, SafeUrl};
use crate::web::respond;

fn count(n: i64) -> String {
    n.to_string()
}

pub async fn page(ctx: &Ctx, s: &PageSession, _notice: Option<&str>) -> ApiResult<Response> {
    let home = dashboard::home(ctx, &s.user).await?;
    let a = &home.analytics;
    let link = format!("{}/{}", ctx.config.public_base_url, home.user.slug);
    let body = html! {
        h1.mt15 { "Halo, " (s.name) }
        div.card {
            h2 { "Link profilmu" }
            p { input #profile-link readonly aria-label="Link profil" value=(link); }
            div.row {
                button.btn.alt type="button" data-copy="profile-link" { "Salin link" }
                button.btn.alt type="button" data-share=(link) { "Bagikan" }
            }
        }
        h2 { "7 hari terakhir" }
        div.kpis #analytics {
            div.kpi { span.mute { "Pendapatan" } b #kpi-revenue { (rupiah(a.revenue_now)) } span.mute { (change(a.revenue_now, a.revenue_before, rupiah)) } }
            div.kpi { span.mute { "Pesanan" } b #kpi-orders { (a.orders_now) } span.mute { (change(a.orders_now, a.orders_before, count)) } }
            div.kpi { span.mute { "Penitip baru" } b #kpi-people { (a.people_now) } span.mute { (change(a.people_now, a.people_before, count)) } }
            div.kpi { span.mute { "Inbox" } b #kpi-unread { a href="/dashboard/inbox" { (home.unread) " belum dibaca" } } span.mute { "pesan penitip di WhatsApp" } }
            div.kpi { span.mute { "Masih harus ditagih" } b #kpi-to-collect { (rupiah(a.to_collect)) } span.mute { "dari tagihan yang belum lunas" } }
        }
        @if !home.top_products.is_empty() {
            table.totals #top-products {
                caption.mute { "Barang paling laku, 7 hari terakhir" }
                thead { tr { th scope="col" { "Barang" } th scope="col" { "Terjual" } th scope="col" { "Pendapatan" } } }
                tbody { @for p in &home.top_products { tr { td { (p.title) } td { (p.units) } td { (rupiah(p.revenue)) } } } }
            }
        }
        (whatsapp(ctx, s, &home.user))
        div.between {
            h2 { "Trip kamu" }
            a.btn.small href="/dashboard/trips/new" { "+ Buat trip" }
        }
        @if home.trips.is_empty() {
            p.card { "Belum ada trip. Buat trip pertamamu, tambahkan produk, lalu bagikan link-nya di grup WhatsApp." }
        }
        ul.list #trips {
            @for t in &home.trips {
                li.card {
                    a href={ "/dashboard/trips/" (Query(&t.trip.id)) } { b { (t.trip.title) } }
                    p.mute {
                        "/" (t.trip.slug)
                        @if let Some(d) = &t.trip.deadline { " · tutup " (wib_time(d)) }
                        @if !t.trip.is_active { " · " span.badge { "Tidak tampil" } }
                        @if t.trip.closed(ctx.now) { " · " span.badge { "Sudah tutup" } }
                    }
                    p { (t.participants) " penitip · " (t.pending) " pesanan menunggu · " (rupiah(t.revenue)) }
                }
            }
        }
    };
    shell(ctx, Some(s), "Dashboard", 200, body)
}

/// Notifications go to a number that proved itself by sending the code.
fn whatsapp(ctx: &Ctx, s: &PageSession, u: &UserRow) -> maud::Markup {
    let connected = u.phone_connected_at.is_some() && u.phone.is_some();
    let live_code = u.connect_code.as_deref().filter(|_| u.connect_code_expires_at.is_some_and(|t| t > ctx.now_secs()));
    let undo_since =
        (ctx.now - chrono::Duration::days(NUMBER_UNDO_DAYS)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let changed = match (&u.previous_phone, &u.phone_changed_at) {
        (Some(old), Some(at)) if at.as_str() >= undo_since.as_str() => Some((old, at)),
        _ => None,
    };
    html! {
        div.card #whatsapp {
            h2 { "Notifikasi WhatsApp" }
            @if let Some((old, at)) = changed {
                div.notice.err role="alert" #number-changed {
                    p { "Nomor notifikasi diganti dari +" (old.as_str()) " ke +" (u.phone.as_deref().unwrap_or_default()) " pada " (wib_time(at)) "." }
                    p { "Bukan kamu? Kembalikan nomor lama, lalu ganti kata sandi." }
                    form method="post" action="/dashboard/whatsapp/undo" {
                        (csrf(s))
                        button.btn type="submit" { "Kembalikan ke +" (old.as_str()) }
                    }
                }
            }
            @if connected {
                p.ok { "Aktif: kabar bukti bayar dikirim ke +" (u.phone.as_deref().unwrap_or_default()) "." }
            } @else {
                p.err { "Notifikasi belum aktif." }
                p { "Hubungkan nomor WhatsApp-mu: kirim kode di bawah dari HP-mu ke nomor Jastipin. Nomor itu yang akan menerima kabar bukti bayar." }
            }
            @if let Some(code) = live_code {
                a.btn href=(SafeUrl(&participants::confirm_link(ctx, code))) { "Hubungkan via WhatsApp" }
                p.mute { "Atau kirim " b #connect-code { (crate::domain::messages::confirm_text(code)) } " ke WhatsApp Jastipin. Kode berlaku 10 menit." }
            } @else {
                form method="post" action="/dashboard/whatsapp" {
                    (csrf(s))
                    button.btn.alt type="submit" { @if connected { "Ganti nomor" } @else { "Buat kode" } }
                }
            }
        }
    }
}

/// `POST /dashboard/whatsapp`: a fresh connect code, live for ten minutes.
pub async fn new_connect_code(ctx: &Ctx, s: &PageSession) -> ApiResult<Response> {
    crate::service::profile::new_connect_code(ctx, &s.user).await?;
    respond::see_other("/dashboard#whatsapp")
}

/// `POST /dashboard/whatsapp/undo`: the number a recent connection replaced is connected again.
pub async fn undo_number_change(ctx: &Ctx, s: &PageSession) -> ApiResult<Response> {
    crate::service::profile::undo_number_change(ctx, &s.user).await?;
    respond::see_other("/dashboard#whatsapp")
}
