//! The landing page, a jastiper's profile and a trip's join page.

use std::collections::HashMap;

use worker::{Request, Response};

use super::html::Html;
use super::layout::{page, Meta};
use super::{form_fields, html_response, not_found, param};
use crate::domain::error::ApiResult;
use crate::domain::input::Input;
use crate::domain::money::rupiah;
use crate::domain::time::countdown;
use crate::http::app::App;
use crate::http::participants::join_trip;
use crate::store::products::{self, ProductRow};
use crate::store::trips::{self, TripRow};
use crate::store::users::{self, UserRow};

const CACHE: &str = "public, max-age=60";

pub fn home(app: &App) -> ApiResult<Response> {
    let mut b = Html::new();
    b.raw("<div class=\"cover\"></div><h1>Jastipin</h1>")
        .raw("<p>Titip belanja dari Jepang, Korea dan mana saja, cukup lewat WhatsApp.</p>")
        .raw("<div class=\"card\"><p><b>Untuk penitip:</b> buka link trip dari jastiper-mu, pilih produk, pesan, lalu unggah bukti bayar. Kabar pesanan datang lewat WhatsApp.</p></div>")
        .raw("<div class=\"card\"><p><b>Untuk jastiper:</b> buka trip, daftar produk, bagikan satu link ke grup WhatsApp-mu.</p></div>");
    let url = format!("{}/", app.config.public_base_url);
    let meta =
        Meta { title: "Jastipin", description: "Jasa titip lewat WhatsApp, jadi gampang.", image: None, url: &url };
    html_response(200, page(&meta, &b), "public, max-age=300")
}

fn display_name(u: &UserRow) -> &str {
    u.profile_name.as_deref().unwrap_or(&u.slug)
}

/// A product card linking to its order page.
fn product_card(b: &mut Html, p: &ProductRow) {
    b.raw("<a class=\"item\" href=\"/o/").query(&p.slug).raw("\">");
    match &p.image {
        Some(img) => b.raw("<img loading=\"lazy\" alt=\"").text(&p.title).raw("\" src=\"").url(img).raw("\">"),
        None => b.raw("<span class=\"ph\"></span>"),
    };
    b.raw("<div><div>").text(&p.title).raw("</div><div class=\"price\">").text(&rupiah(p.price)).raw("</div>");
    if p.status != "active" || p.stock == 0 {
        b.raw("<span class=\"badge\">Habis</span>");
    }
    b.raw("</div></a>");
}

fn deadline_badge(app: &App, b: &mut Html, t: &TripRow) {
    if let Some(text) = t.deadline.as_deref().and_then(|d| countdown(d, app.now)) {
        b.raw("<span class=\"badge\">⏳ ").text(&text).raw("</span>");
    }
}

/// `/profile?user=<slug>`: avatar, cover, bio, stats, open trips with products.
pub async fn profile(app: &App, slug: &str) -> ApiResult<Response> {
    let slug = slug.trim().to_ascii_lowercase();
    let Some(u) = users::by_slug(&app.db, &slug).await? else {
        return not_found(app, "Jastiper tidak ditemukan", "Profil ini tidak ada. Cek lagi link dari jastiper-mu ya.");
    };
    let open = trips::by_jastiper(&app.db, &u.id, true).await?;
    let items = if open.is_empty() { Vec::new() } else { products::public_of_active_trips(&app.db, &u.id).await? };
    let (trip_count, fulfilled) = users::stats(&app.db, &u.id).await?;

    let mut b = Html::new();
    match &u.cover_image {
        Some(c) => {
            b.raw("<img class=\"cover\" style=\"width:100%;object-fit:cover\" alt=\"\" src=\"").url(c).raw("\">")
        }
        None => b.raw("<div class=\"cover\"></div>"),
    };
    match &u.avatar {
        Some(a) => b.raw("<img class=\"avatar\" alt=\"").text(display_name(&u)).raw("\" src=\"").url(a).raw("\">"),
        None => b.raw("<div class=\"avatar\"></div>"),
    };
    b.raw("<h1>").text(display_name(&u)).raw("</h1>");
    if let Some(bio) = &u.profile_bio {
        b.raw("<p style=\"white-space:pre-line\">").text(bio).raw("</p>");
    }
    b.raw("<div class=\"stats\"><span><b>")
        .int(trip_count)
        .raw("</b> trip aktif</span><span><b>")
        .int(fulfilled)
        .raw("</b> pesanan selesai</span></div>");
    if open.is_empty() {
        b.raw("<div class=\"card\"><p>Belum ada trip yang buka. Cek lagi nanti ya!</p></div>");
    }
    for t in &open {
        b.raw("<section class=\"card\"><h2 style=\"margin-top:0\">").text(&t.title).raw("</h2>");
        deadline_badge(app, &mut b, t);
        if let Some(d) = &t.description {
            b.raw("<p style=\"white-space:pre-line\">").text(d).raw("</p>");
        }
        b.raw("<div class=\"grid\">");
        for p in items.iter().filter(|p| p.trip_id == t.id).take(6) {
            product_card(&mut b, p);
        }
        b.raw("</div><a class=\"btn\" href=\"/t/")
            .query(&t.slug)
            .raw("\">Ikut trip ")
            .text(&t.slug)
            .raw("</a></section>");
    }
    let url = format!("{}/{}", app.config.public_base_url, u.slug);
    let description = u.profile_bio.clone().unwrap_or_else(|| format!("Jastip by {} di Jastipin", display_name(&u)));
    let image = u.cover_image.as_deref().or(u.avatar.as_deref()).or(items.iter().find_map(|p| p.image.as_deref()));
    let meta = Meta { title: display_name(&u), description: &description, image, url: &url };
    html_response(200, page(&meta, &b), CACHE)
}

/// `/join?trip=<slug>`: the trip, its products, "Ikut via WhatsApp" and a web form.
pub async fn join(app: &App, q: &HashMap<String, String>, outcome: Option<JoinOutcome>) -> ApiResult<Response> {
    let slug = param(q, "trip").trim().to_ascii_lowercase();
    let trip = trips::by_id_or_slug(&app.db, &slug).await?.filter(|t| t.is_active == 1 && t.slug == slug);
    let Some(trip) = trip else {
        return not_found(app, "Trip tidak ditemukan", "Trip ini tidak ada atau sudah ditutup.");
    };
    let owner = users::by_id(&app.db, &trip.jastiper_id).await?;
    let items = products::public_page(&app.db, &trip.id, None, 100).await?;

    let mut b = Html::new();
    b.raw("<div class=\"cover\"></div><h1>").text(&trip.title).raw("</h1>");
    if let Some(o) = &owner {
        b.raw("<p class=\"mute\">oleh <a href=\"/").query(&o.slug).raw("\">").text(display_name(o)).raw("</a></p>");
    }
    deadline_badge(app, &mut b, &trip);
    if let Some(d) = &trip.description {
        b.raw("<p style=\"white-space:pre-line\">").text(d).raw("</p>");
    }
    let status = match &outcome {
        Some(JoinOutcome::Joined(name)) => {
            b.raw("<p class=\"ok\" id=\"joined\">Terima kasih ")
                .text(name)
                .raw("! Kamu sudah tergabung di trip ini. Kabar produk baru akan dikirim lewat WhatsApp.</p>");
            200
        }
        Some(JoinOutcome::Invalid(errors)) => {
            b.raw("<p class=\"err\" id=\"join-error\">").text(errors).raw("</p>");
            400
        }
        None => 200,
    };
    b.raw("<div class=\"card\"><label for=\"name\">Nama kamu</label><input id=\"name\" name=\"name\" form=\"webjoin\" autocomplete=\"name\" maxlength=\"100\" placeholder=\"mis. Siti\">");
    let wa_base = format!("https://wa.me/{}?text=", app.config.wa.business_number);
    b.raw("<a class=\"btn\" id=\"wa\" data-base=\"")
        .url(&wa_base)
        .raw("\" data-slug=\"")
        .text(&trip.slug)
        .raw("\" href=\"")
        .url(&wa_base)
        .query(&format!("JOIN {} | Nama: ", trip.slug))
        .raw("\">Ikut via WhatsApp</a>")
        .raw("<p class=\"mute\">Atau daftar di sini dengan nomor WhatsApp-mu:</p>")
        .raw("<form id=\"webjoin\" method=\"post\" action=\"/join?trip=")
        .query(&trip.slug)
        .raw("\"><label for=\"phone\">Nomor WhatsApp</label><input id=\"phone\" name=\"phone\" type=\"tel\" inputmode=\"tel\" autocomplete=\"tel\" placeholder=\"08123456789\" required>")
        .raw("<button class=\"btn alt\" type=\"submit\">Daftar lewat web</button></form></div>");
    b.raw("<h2>Produk</h2>");
    if items.is_empty() {
        b.raw("<p class=\"mute\">Belum ada produk. Ikut dulu, nanti dikabari!</p>");
    }
    b.raw("<div class=\"grid\">");
    for p in &items {
        product_card(&mut b, p);
    }
    b.raw("</div>");
    // Keeps the WhatsApp text in step with the name typed (no interpolation: data attributes).
    b.raw("<script>(function(){var a=document.getElementById('wa'),n=document.getElementById('name');")
        .raw(
            "function u(){a.href=a.dataset.base+encodeURIComponent('JOIN '+a.dataset.slug+' | Nama: '+n.value.trim())}",
        )
        .raw("n.addEventListener('input',u);u()})()</script>");
    let url = format!("{}/t/{}", app.config.public_base_url, trip.slug);
    let description =
        trip.description.clone().unwrap_or_else(|| format!("Ikut trip {} dan titip barang lewat WhatsApp", trip.slug));
    let image = items.iter().find_map(|p| p.image.as_deref());
    let meta = Meta { title: &trip.title, description: &description, image, url: &url };
    html_response(status, page(&meta, &b), if outcome.is_some() { "no-store" } else { CACHE })
}

pub enum JoinOutcome {
    Joined(String),
    Invalid(String),
}

/// The web join form: the same rules as `POST /api/trips/:tripId/join`.
pub async fn join_submit(app: &App, req: &mut Request, q: &HashMap<String, String>) -> ApiResult<Response> {
    let slug = param(q, "trip").trim().to_ascii_lowercase();
    let fields = form_fields(req, &[]).await?;
    match join_trip(app, None, &slug, Input::from_map(fields)).await {
        Ok((_, p, _)) => join(app, q, Some(JoinOutcome::Joined(p.name))).await,
        Err(e) if e.status == 400 => {
            let mut problems = Vec::new();
            if e.fields.contains_key("name") {
                problems.push("Isi nama kamu.");
            }
            if e.fields.contains_key("phone") {
                problems.push("Nomor WhatsApp tidak valid (contoh: 08123456789).");
            }
            join(app, q, Some(JoinOutcome::Invalid(problems.join(" ")))).await
        }
        Err(e) if e.status == 404 => not_found(app, "Trip tidak ditemukan", "Trip ini tidak ada atau sudah ditutup."),
        Err(e) => Err(e),
    }
}
