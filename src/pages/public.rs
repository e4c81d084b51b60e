//! The landing page, a jastiper's profile and a trip's join page.

use std::collections::HashMap;

use maud::{html, Markup};
use worker::{Request, Response};

use super::layout::product_card;
use crate::ctx::Ctx;
use crate::domain::fields;
use crate::domain::time::countdown;
use crate::error::ApiResult;
use crate::platform::limits::Limit;
use crate::service::participants::{self, JoinForm};
use crate::service::public;
use crate::store::trips::TripRow;
use crate::store::users::UserRow;
use crate::web::auth::{limit_address, limit_phone};
use crate::web::body;
use crate::web::form::{notice, Field, FormState, Posted};
use crate::web::html::{Query, SafeUrl};
use crate::web::page::{html_response, not_found, page, script, Meta};
use crate::web::query::param;

const CACHE: &str = "public, max-age=60";

pub fn home(ctx: &Ctx) -> ApiResult<Response> {
    let body = html! {
        div.cover {}
        h1 { "Jastipin" }
        p { "Titip belanja dari Jepang, Korea dan mana saja, cukup lewat WhatsApp." }
        div.card { p { b { "Untuk penitip:" } " buka link trip dari jastiper-mu, pilih produk, pesan, lalu unggah bukti bayar. Kabar pesanan datang lewat WhatsApp." } }
        div.card { p { b { "Untuk jastiper:" } " buka trip, daftar produk, bagikan satu link ke grup WhatsApp-mu." } }
    };
    let url = format!("{}/", ctx.config.public_base_url);
    let meta =
        Meta { title: "Jastipin", description: "Jasa titip lewat WhatsApp, jadi gampang.", image: None, url: &url };
    html_response(200, page(&meta, body), "public, max-age=300")
}

fn display_name(u: &UserRow) -> &str {
    u.profile_name.as_deref().unwrap_or(&u.slug)
}

fn deadline_badge(ctx: &Ctx, t: &TripRow) -> Markup {
    html! {
        @if let Some(text) = t.deadline.as_deref().and_then(|d| countdown(d, ctx.now)) {
            span.badge { "⏳ " (text) }
        }
    }
}

/// `/profile?user=<slug>`: avatar, cover, bio, stats, open trips with products.
pub async fn profile(ctx: &Ctx, slug: &str) -> ApiResult<Response> {
    let slug = slug.trim().to_ascii_lowercase();
    let Some(p) = public::profile(ctx, &slug, true).await? else {
        return not_found(ctx, "Jastiper tidak ditemukan", "Profil ini tidak ada. Cek lagi link dari jastiper-mu ya.");
    };
    let u = &p.user;
    let body = html! {
        @match &u.cover_image {
            Some(c) => img.cover alt="" src=(SafeUrl(c));,
            None => div.cover {},
        }
        @match &u.avatar {
            Some(a) => img.avatar alt=(display_name(u)) src=(SafeUrl(a));,
            None => div.avatar {},
        }
        h1 { (display_name(u)) }
        @if let Some(bio) = &u.profile_bio {
            p.pre { (bio) }
        }
        div.stats {
            span { b { (p.open_trips) } " trip aktif" }
            span { b { (p.fulfilled_orders) } " pesanan selesai" }
        }
        @if p.trips.is_empty() {
            div.card { p { "Belum ada trip yang buka. Cek lagi nanti ya!" } }
        }
        @for t in &p.trips {
            section.card {
                h2 { (t.title) }
                (deadline_badge(ctx, t))
                @if let Some(d) = &t.description {
                    p.pre { (d) }
                }
                div.grid {
                    @for item in p.products.iter().filter(|x| x.trip_id == t.id).take(6) {
                        (product_card(item))
                    }
                }
                a.btn href={ "/t/" (Query(&t.slug)) } { "Ikut trip " (t.slug) }
            }
        }
    };
    let url = format!("{}/{}", ctx.config.public_base_url, u.slug);
    let description = u.profile_bio.clone().unwrap_or_else(|| format!("Jastip by {} di Jastipin", display_name(u)));
    let image = u.cover_image.as_deref().or(u.avatar.as_deref()).or(p.products.iter().find_map(|x| x.image.as_deref()));
    let meta = Meta { title: display_name(u), description: &description, image, url: &url };
    html_response(200, page(&meta, body), CACHE)
}

/// A web join that went through: the name as typed (never the stored
/// one) and the confirmation code.
pub struct Joined {
    pub name: String,
    pub code: String,
}

/// "Konfirmasi via WhatsApp": opens WhatsApp with `KONFIRMASI <code>` typed in.
pub fn confirm_button(ctx: &Ctx, code: &str) -> Markup {
    html! {
        a.btn #confirm href=(SafeUrl(&participants::confirm_link(ctx, code))) { "Konfirmasi via WhatsApp" }
        p.mute { "Atau kirim " b { (crate::domain::messages::confirm_text(code)) } " ke WhatsApp Jastipin." }
    }
}

/// `/join?trip=<slug>`: the trip, its products, "Ikut via WhatsApp" and a web form.
pub async fn join(
    ctx: &Ctx,
    q: &HashMap<String, String>,
    form: FormState,
    joined: Option<Joined>,
) -> ApiResult<Response> {
    let slug = param(q, "trip").trim().to_ascii_lowercase();
    let Some((trip, owner, items)) = public::trip_page(ctx, &slug).await? else {
        return not_found(ctx, "Trip tidak ditemukan", "Trip ini tidak ada atau sudah ditutup.");
    };
    let closed = trip.closed(ctx.now);
    let wa_base = format!("https://wa.me/{}?text=", ctx.config.wa.business_number);
    let join_text = format!("JOIN {} | Nama: ", trip.slug);
    let body = html! {
        div.cover {}
        h1 { (trip.title) }
        @if let Some(o) = &owner {
            p.mute { "oleh " a href={ "/" (Query(&o.slug)) } { (display_name(o)) } }
        }
        (deadline_badge(ctx, &trip))
        @if let Some(d) = &trip.description {
            p.pre { (d) }
        }
        @if let Some(Joined { name, code }) = &joined {
            div.card #joined {
                p.ok { "Terima kasih " (name) "! Satu langkah lagi: konfirmasi lewat WhatsApp dari nomor yang kamu isi." }
                (confirm_button(ctx, code))
                p.mute { "Setelah pesan itu terkirim, kabar produk baru dan pesananmu dikirim ke WhatsApp-mu." }
            }
        }
        @if closed {
            p.err #closed { "Trip ini sudah tutup: batas waktunya sudah lewat. Pendaftaran dan pemesanan ditutup." }
        } @else {
        div.card {
            (notice(&form))
            (Field::text("name", "Nama kamu").in_form("webjoin").autocomplete("name").limit(fields::NAME).placeholder("mis. Siti").of(&form, None))
            a.btn #wa data-base=(SafeUrl(&wa_base)) data-slug=(trip.slug) href={ (SafeUrl(&wa_base)) (Query(&join_text)) } {
                "Ikut via WhatsApp"
            }
            p.mute { "Atau daftar di sini dengan nomor WhatsApp-mu:" }
            form #webjoin method="post" action={ "/join?trip=" (Query(&trip.slug)) } {
                (Field::tel("phone", "Nomor WhatsApp").autocomplete("tel").required().of(&form, None))
                button.btn.alt type="submit" { "Daftar lewat web" }
            }
        }
        }
        h2 { "Produk" }
        @if items.is_empty() {
            p.mute { "Belum ada produk. Ikut dulu, nanti dikabari!" }
        }
        div.grid {
            @for p in &items {
                (product_card(p))
            }
        }
        @if !closed {
            (super::bill::cart(&trip.slug, &items, &form))
        }
        @if !closed {
            (script())
        }
    };
    let url = format!("{}/t/{}", ctx.config.public_base_url, trip.slug);
    let description =
        trip.description.clone().unwrap_or_else(|| format!("Ikut trip {} dan titip barang lewat WhatsApp", trip.slug));
    let image = items.iter().find_map(|p| p.image.as_deref());
    let meta = Meta { title: &trip.title, description: &description, image, url: &url };
    let cache = if form.is_refused() || joined.is_some() { "no-store" } else { CACHE };
    html_response(form.status(), page(&meta, body), cache)
}

/// The web join form: the same form and use case as `POST /api/trips/:tripId/join`.
pub async fn join_submit(ctx: &Ctx, req: &mut Request, q: &HashMap<String, String>) -> ApiResult<Response> {
    let slug = param(q, "trip").trim().to_ascii_lowercase();
    limit_address(ctx, req, Limit::Public, "join").await?;
    let form = Posted::new(body::form(req, &[]).await?, &[]);
    let typed_name = form.typed.get("name").map_or("", |n| n.trim()).to_string();
    form.answer(
        async |input| {
            let form = JoinForm::parse(input)?;
            limit_phone(ctx, "join", &form.phone).await?;
            let j = participants::join(ctx, None, &slug, form).await?;
            join(ctx, q, FormState::default(), Some(Joined { name: typed_name, code: j.code })).await
        },
        async |state| join(ctx, q, state, None).await,
    )
    .await
}
