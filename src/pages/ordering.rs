//! Ordering a product (`/order?product=`) and the order's own page
//! (`/order/<id>?token=`): status timeline, payment, proof upload.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use worker::{Request, Response};

use super::html::Html;
use super::layout::{page, Meta};
use super::{form_fields, html_response, not_found, param, see_other};
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::input::Input;
use crate::domain::money::rupiah;
use crate::http::app::App;
use crate::http::orders::{order_for, place, store_proof};
use crate::http::query::params;
use crate::store::orders::OrderRow;
use crate::store::products::{self, ProductRow};
use crate::store::{trips, users};

/// What the penitip typed and what was wrong with it, to show the form again.
#[derive(Default)]
pub struct Attempt {
    pub values: BTreeMap<String, String>,
    pub errors: Vec<&'static str>,
    pub status: u16,
}

fn field_problem(field: &str) -> &'static str {
    match field {
        "name" => "Isi nama kamu.",
        "phone" => "Nomor WhatsApp tidak valid (contoh: 08123456789).",
        "quantity" => "Jumlah minimal 1.",
        "notes" => "Catatan maksimal 500 karakter.",
        _ => "Ada isian yang belum benar.",
    }
}

async fn product_or_404(app: &App, slug: &str) -> ApiResult<Option<(ProductRow, crate::store::trips::TripRow)>> {
    let slug = slug.trim().to_ascii_lowercase();
    let Some(p) =
        products::by_id_or_slug(&app.db, &slug).await?.filter(|p| p.slug == slug && p.status != "discontinued")
    else {
        return Ok(None);
    };
    let trip = trips::by_id_or_slug(&app.db, &p.trip_id).await?.filter(|t| t.is_active == 1);
    Ok(trip.map(|t| (p, t)))
}

/// `/order?product=<slug>`: the product and the order form.
pub async fn product(app: &App, q: &HashMap<String, String>, attempt: Option<Attempt>) -> ApiResult<Response> {
    let Some((p, trip)) = product_or_404(app, param(q, "product")).await? else {
        return not_found(app, "Produk tidak ditemukan", "Produk ini tidak ada atau sudah tidak dijual.");
    };
    let owner = users::by_id(&app.db, &trip.jastiper_id).await?;
    let a = attempt.unwrap_or_default();
    let value = |k: &str| a.values.get(k).cloned().unwrap_or_default();

    let mut b = Html::new();
    b.raw("<p class=\"mute\" style=\"margin-top:1rem\"><a href=\"/t/")
        .query(&trip.slug)
        .raw("\">← ")
        .text(&trip.title)
        .raw("</a></p>");
    match &p.image {
        Some(img) => b
            .raw("<img alt=\"")
            .text(&p.title)
            .raw("\" src=\"")
            .url(img)
            .raw("\" style=\"width:100%;border-radius:14px;aspect-ratio:1;object-fit:cover\">"),
        None => b.raw("<div class=\"ph\" style=\"border-radius:14px\"></div>"),
    };
    b.raw("<h1>")
        .text(&p.title)
        .raw("</h1><p class=\"price\" style=\"font-size:1.3rem\">")
        .text(&rupiah(p.price))
        .raw("</p>");
    let available = p.status == "active" && p.stock > 0;
    if available {
        b.raw("<p class=\"mute\" id=\"stock\">Sisa stok: ").int(p.stock).raw("</p>");
    } else {
        b.raw("<p><span class=\"badge\">Stok habis</span></p>");
    }
    if let Some(o) = &owner {
        b.raw("<p class=\"mute\">Jastip oleh <a href=\"/")
            .query(&o.slug)
            .raw("\">")
            .text(o.profile_name.as_deref().unwrap_or(&o.slug))
            .raw("</a></p>");
    }
    if let Some(d) = &p.description {
        b.raw("<p style=\"white-space:pre-line\">").text(d).raw("</p>");
    }
    if available {
        b.raw("<form class=\"card\" method=\"post\" action=\"/order?product=").query(&p.slug).raw("\">");
        for e in &a.errors {
            b.raw("<p class=\"err\">").text(e).raw("</p>");
        }
        b.raw("<label for=\"name\">Nama</label><input id=\"name\" name=\"name\" autocomplete=\"name\" maxlength=\"100\" required value=\"")
            .text(&value("name"))
            .raw("\"><label for=\"phone\">Nomor WhatsApp</label><input id=\"phone\" name=\"phone\" type=\"tel\" inputmode=\"tel\" autocomplete=\"tel\" placeholder=\"08123456789\" required value=\"")
            .text(&value("phone"))
            .raw("\"><label for=\"quantity\">Jumlah</label><input id=\"quantity\" name=\"quantity\" type=\"number\" inputmode=\"numeric\" min=\"1\" max=\"")
            .int(p.stock)
            .raw("\" required value=\"")
            .text(&a.values.get("quantity").cloned().unwrap_or_else(|| "1".into()))
            .raw("\"><label for=\"notes\">Catatan (opsional)</label><textarea id=\"notes\" name=\"notes\" rows=\"2\" maxlength=\"500\" placeholder=\"warna, ukuran, varian…\">")
            .text(&value("notes"))
            .raw("</textarea><button class=\"btn\" type=\"submit\">Pesan sekarang</button></form>");
    }
    let url = format!("{}/o/{}", app.config.public_base_url, p.slug);
    let description = format!("{} · {} · {}", p.title, rupiah(p.price), trip.title);
    let meta = Meta { title: &p.title, description: &description, image: p.image.as_deref(), url: &url };
    let status = if a.status == 0 { 200 } else { a.status };
    html_response(
        status,
        page(&meta, &b),
        if status == 200 && a.values.is_empty() { "public, max-age=60" } else { "no-store" },
    )
}

/// The order form posted: placed with the API's rules, then the order's page.
pub async fn product_submit(app: &App, req: &mut Request, q: &HashMap<String, String>) -> ApiResult<Response> {
    let slug = param(q, "product").trim().to_ascii_lowercase();
    let mut fields = form_fields(req, &["quantity"]).await?;
    let values: BTreeMap<String, String> = fields
        .iter()
        .filter(|(k, _)| matches!(k.as_str(), "name" | "phone" | "quantity" | "notes"))
        .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), String::from)))
        .collect();
    fields.retain(|k, _| matches!(k.as_str(), "name" | "phone" | "quantity" | "notes"));
    fields.insert("productSlug".into(), Value::from(slug));
    match place(app, None, Input::from_map(fields)).await {
        Ok((order, token)) => {
            see_other(&format!("/order/{}?token={}", order.id, super::html::encode_component(&token)))
        }
        Err(e) if e.status == 400 => {
            let errors = e.fields.keys().map(|f| field_problem(f)).collect();
            product(app, q, Some(Attempt { values, errors, status: 400 })).await
        }
        Err(e) if e.status == 409 => {
            let message = if e.code == "out_of_stock" {
                "Maaf, stok tidak cukup untuk jumlah ini."
            } else {
                "Maaf, produk ini sudah tidak tersedia."
            };
            product(app, q, Some(Attempt { values, errors: vec![message], status: 409 })).await
        }
        Err(e) if e.status == 404 => {
            not_found(app, "Produk tidak ditemukan", "Produk ini tidak ada atau sudah tidak dijual.")
        }
        Err(e) => Err(e),
    }
}

fn order_not_found(app: &App) -> ApiResult<Response> {
    not_found(
        app,
        "Pesanan tidak ditemukan",
        "Link pesanan ini tidak berlaku. Pakai link yang kamu terima saat memesan.",
    )
}

/// The order a page link may show; `None` for a wrong or missing token.
async fn visible_order(app: &App, req: &Request, id: &str) -> ApiResult<Option<OrderRow>> {
    match order_for(app, req, id).await {
        Ok(o) => Ok(Some(o)),
        Err(e) if matches!(e.status, 401 | 404) => Ok(None),
        Err(e) => Err(e),
    }
}

fn step(b: &mut Html, done: bool, bad: bool, label: &str) {
    b.raw(match (done, bad) {
        (_, true) => "<li class=\"bad\">",
        (true, false) => "<li class=\"done\">",
        _ => "<li>",
    });
    b.text(label).raw("</li>");
}

/// `/order/<id>?token=`: the penitip's order.
pub async fn status(app: &App, req: &Request, id: &str, notice: Option<(u16, &str)>) -> ApiResult<Response> {
    let Some(order) = visible_order(app, req, id).await? else {
        return order_not_found(app);
    };
    let token = params(req).get("token").cloned().unwrap_or_default();
    let product = products::by_id_or_slug(&app.db, &order.product_id).await?;
    let trip = trips::by_id_or_slug(&app.db, &order.trip_id).await?;
    let owner = match &trip {
        Some(t) => users::by_id(&app.db, &t.jastiper_id).await?,
        None => None,
    };
    let title = product.as_ref().map_or("Pesanan", |p| p.title.as_str());

    let mut b = Html::new();
    b.raw("<h1 style=\"margin-top:1.5rem\">Pesanan ").text(title).raw("</h1>");
    b.raw("<p class=\"mute\">No. ")
        .text(&order.id[..8])
        .raw(" · ")
        .int(order.quantity)
        .raw(" × ")
        .text(&rupiah(order.unit_price))
        .raw("</p>");
    b.raw("<p class=\"price\" style=\"font-size:1.3rem\">Total ").text(&rupiah(order.total_price)).raw("</p>");
    if let Some((code, message)) = notice {
        b.raw(if code < 300 { "<p class=\"ok\" id=\"notice\">" } else { "<p class=\"err\" id=\"notice\">" })
            .text(message)
            .raw("</p>");
    }
    timeline(&mut b, &order);
    payment(&mut b, &order, owner.as_ref().and_then(|o| o.phone.as_deref()));
    if matches!(order.status.as_str(), "pending" | "confirmed") {
        b.raw("<form class=\"card\" method=\"post\" enctype=\"multipart/form-data\" action=\"/order/")
            .query(&order.id)
            .raw("/proof?token=")
            .query(&token)
            .raw("\"><label for=\"image\">")
            .text(if order.proof_key.is_some() { "Ganti bukti bayar" } else { "Unggah bukti bayar" })
            .raw("</label><input id=\"image\" name=\"image\" type=\"file\" accept=\"image/jpeg,image/png,image/webp\" required>")
            .raw("<p class=\"mute\">JPEG, PNG atau WebP, maks. 5 MB.</p><button class=\"btn\" type=\"submit\">Kirim bukti bayar</button></form>");
    }
    b.raw("<p class=\"mute\">Simpan link halaman ini untuk cek status pesananmu.</p>");
    let url = format!("{}/order/{}", app.config.public_base_url, order.id);
    let meta =
        Meta { title: &format!("Pesanan {title}"), description: "Status pesanan jastip", image: None, url: &url };
    let status = notice.map_or(200, |(code, _)| if code < 300 { 200 } else { code });
    html_response(status, page(&meta, &b), "private, no-store")
}

fn timeline(b: &mut Html, o: &OrderRow) {
    let s = o.status.as_str();
    b.raw(
        "<div class=\"card\"><h2 style=\"margin-top:0\">Status</h2><ol class=\"steps\" id=\"timeline\" data-status=\"",
    )
    .text(s)
    .raw("\">");
    step(b, true, false, "Dipesan");
    if s == "rejected" {
        let label = match &o.reject_reason {
            Some(r) => format!("Ditolak: {r}"),
            None => "Ditolak".into(),
        };
        step(b, false, true, &label);
    } else {
        step(b, s == "confirmed" || s == "shipped", false, "Dikonfirmasi jastiper");
        step(b, s == "shipped", false, "Dikirim");
    }
    b.raw("</ol></div>");
}

fn payment(b: &mut Html, o: &OrderRow, jastiper_phone: Option<&str>) {
    b.raw("<div class=\"card\"><h2 style=\"margin-top:0\">Pembayaran</h2>");
    if o.proof_key.is_some() {
        b.raw("<p class=\"ok\" id=\"proof-ok\">Bukti bayar sudah diterima ✓</p>");
    }
    b.raw("<p>Transfer <b>")
        .text(&rupiah(o.total_price))
        .raw("</b> ke rekening yang diberikan jastiper, lalu unggah bukti bayarnya di bawah.</p>");
    if let Some(phone) = jastiper_phone {
        b.raw("<a class=\"btn alt\" href=\"https://wa.me/").query(phone).raw("\">Tanya jastiper lewat WhatsApp</a>");
    }
    b.raw("</div>");
}

/// The proof form posted: stored like `POST /api/orders/:id/proof`, then back to the page.
pub async fn proof_submit(app: &App, req: &mut Request, id: &str) -> ApiResult<Response> {
    let Some(order) = visible_order(app, req, id).await? else {
        return order_not_found(app);
    };
    let token = params(req).get("token").cloned().unwrap_or_default();
    match store_proof(app, req, order).await {
        Ok(o) => see_other(&format!("/order/{}?token={}&uploaded=1", o.id, super::html::encode_component(&token))),
        Err(ApiError { status: code @ (400 | 409 | 413 | 415), .. }) => {
            let message = match code {
                413 => "File terlalu besar (maks. 5 MB).",
                415 => "File harus berupa gambar JPEG, PNG atau WebP.",
                409 => "Pesanan ini tidak menerima bukti bayar lagi.",
                _ => "Pilih file gambar bukti bayar.",
            };
            status(app, req, id, Some((code, message))).await
        }
        Err(e) => Err(e),
    }
}
