//! `/unsubscribe?trip=<slug>&p=<participant>&t=<signed token>` (the link in
//! messages): confirm, then done. Without a valid link: how to send STOP.

use std::collections::HashMap;

use worker::Response;

use super::html::Html;
use super::layout::{page, Meta};
use super::{html_response, param};
use crate::domain::error::ApiResult;
use crate::domain::token::check_unsubscribe_token;
use crate::http::app::App;
use crate::store::participants;
use crate::store::trips;

fn shell(app: &App, status: u16, b: &Html) -> ApiResult<Response> {
    let url = format!("{}/unsubscribe", app.config.public_base_url);
    let meta = Meta {
        title: "Berhenti menerima pesan",
        description: "Berhenti menerima pesan WhatsApp dari sebuah trip",
        image: None,
        url: &url,
    };
    html_response(status, page(&meta, b), "no-store")
}

/// The participant a valid link names, in the trip it names.
async fn linked(app: &App, q: &HashMap<String, String>) -> ApiResult<Option<(String, String)>> {
    let (slug, pid, token) = (param(q, "trip").to_ascii_lowercase(), param(q, "p"), param(q, "t"));
    if pid.is_empty() || token.is_empty() || !check_unsubscribe_token(app.config.jwt_key()?, pid, token) {
        return Ok(None);
    }
    let Some(p) = participants::by_id(&app.db, pid).await? else {
        return Ok(None);
    };
    let trip = trips::by_id_or_slug(&app.db, &p.trip_id).await?.filter(|t| t.slug == slug);
    Ok(trip.map(|t| (p.id, t.title)))
}

fn how_to_stop(app: &App, b: &mut Html, slug: &str) {
    b.raw("<p>Kirim <b>STOP ")
        .text(slug)
        .raw("</b> ke WhatsApp Jastipin untuk berhenti menerima pesan dari trip ini.</p>");
    let text = format!("STOP {slug}");
    b.raw("<a class=\"btn\" href=\"https://wa.me/")
        .query(&app.config.wa.business_number)
        .raw("?text=")
        .query(&text)
        .raw("\">Kirim STOP lewat WhatsApp</a>");
}

pub fn confirm(app: &App, q: &HashMap<String, String>) -> ApiResult<Response> {
    let slug = param(q, "trip").to_ascii_lowercase();
    let mut b = Html::new();
    b.raw("<h1 style=\"margin-top:2rem\">Berhenti menerima pesan?</h1>");
    if param(q, "p").is_empty() {
        how_to_stop(app, &mut b, &slug);
    } else {
        b.raw("<p>Kamu tidak akan menerima kabar produk dan pesan dari trip <b>")
            .text(&slug)
            .raw("</b> lagi. Kamu bisa ikut lagi kapan saja.</p><form method=\"post\" action=\"/unsubscribe?trip=")
            .query(&slug)
            .raw("&amp;p=")
            .query(param(q, "p"))
            .raw("&amp;t=")
            .query(param(q, "t"))
            .raw("\"><button class=\"btn\" type=\"submit\">Ya, berhenti</button></form>");
    }
    shell(app, 200, &b)
}

pub async fn submit(app: &App, q: &HashMap<String, String>) -> ApiResult<Response> {
    let slug = param(q, "trip").to_ascii_lowercase();
    let mut b = Html::new();
    match linked(app, q).await? {
        Some((pid, title)) => {
            participants::unsubscribe(&app.db, &pid, &app.now_iso()).await?;
            b.raw("<h1 style=\"margin-top:2rem\">Selesai</h1><p class=\"ok\" id=\"done\">Kamu sudah berhenti menerima pesan dari ")
                .text(&title)
                .raw(".</p><p>Ketik <b>JOIN ")
                .text(&slug)
                .raw("</b> di WhatsApp kalau mau ikut lagi.</p>");
            shell(app, 200, &b)
        }
        None => {
            b.raw("<h1 style=\"margin-top:2rem\">Link tidak berlaku</h1>");
            how_to_stop(app, &mut b, &slug);
            shell(app, 400, &b)
        }
    }
}
