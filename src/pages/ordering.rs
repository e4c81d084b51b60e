//! Ordering a product (`/order?product=`) and the order's own page
//! (`/order/<id>?token=`): status timeline, payment, proof upload.

use std::collections::{BTreeMap, HashMap};

use maud::{html, Markup};
use serde_json::Value;
use worker::{Request, Response};

use crate::web::html::{encode_component, Query, SafeUrl};
use super::layout::Field;
use crate::web::page::{page, payment_details, Meta};
use crate::web::page::{html_response, not_found};
use crate::ctx::Ctx;
use crate::domain::money::rupiah;
use crate::domain::order::OrderStatus;
use crate::error::{ApiResult, ErrorCode};
use crate::platform::limits::Limit;
use crate::service::orders::{self, BuyerForm, OrderAccess, OrderForm, PROOF_LIMIT};
use crate::service::public;
use crate::store::orders::OrderRow;
use crate::web::auth::{limit_address, limit_phone};
use crate::web::query::{param, params};
use crate::web::{body, respond, upload};

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
        "phone" => "Nomor WhatsApp tidak valid (contoh: 08123456789, atau +65 9123 4567 untuk nomor luar negeri).",
        "quantity" => "Jumlah minimal 1.",
        "notes" => "Catatan maksimal 500 karakter.",
        _ => "Ada isian yang belum benar.",
    }
}

fn product_not_found(ctx: &Ctx) -> ApiResult<Response> {
    not_found(ctx, "Produk tidak ditemukan", "Produk ini tidak ada atau sudah tidak dijual.")
}

/// `/order?product=<slug>`: the product and the order form.
pub async fn product(ctx: &Ctx, q: &HashMap<String, String>, attempt: Option<Attempt>) -> ApiResult<Response> {
    let slug = param(q, "product").trim().to_ascii_lowercase();
    let Some((p, trip, owner)) = public::product_page(ctx, &slug).await? else {
        return product_not_found(ctx);
    };
    let a = attempt.unwrap_or_default();
    let value = |k: &str| a.values.get(k).map_or("", String::as_str);
    let available = p.status.orderable(p.stock);
    let closed = trip.closed(ctx.now);
    let stock = p.stock.to_string();
    let fields = [
        Field {
            name: "name",
            label: "Nama",
            kind: "text",
            value: value("name"),
            required: true,
            attrs: &[("autocomplete", "name"), ("maxlength", "100")],
            error: None,
        },
        Field {
            name: "phone",
            label: "Nomor WhatsApp",
            kind: "tel",
            value: value("phone"),
            required: true,
            attrs: &[("inputmode", "tel"), ("autocomplete", "tel"), ("placeholder", "08123456789")],
            error: None,
        },
        Field {
            name: "quantity",
            label: "Jumlah",
            kind: "number",
            value: a.values.get("quantity").map_or("1", String::as_str),
            required: true,
            attrs: &[("inputmode", "numeric"), ("min", "1"), ("max", &stock)],
            error: None,
        },
        Field {
            name: "notes",
            label: "Catatan (opsional)",
            kind: "textarea",
            value: value("notes"),
            required: false,
            attrs: &[("rows", "2"), ("maxlength", "500"), ("placeholder", "warna, ukuran, varian…")],
            error: None,
        },
    ];
    let body = html! {
        p.mute.mt1 { a href={ "/t/" (Query(&trip.slug)) } { "← " (trip.title) } }
        @match &p.image {
            Some(img) => img.hero alt=(p.title) src=(SafeUrl(img));,
            None => div.hero {},
        }
        h1 { (p.title) }
        p.price.big { (rupiah(p.price)) }
        @if available {
            p.mute #stock { "Sisa stok: " (p.stock) }
        } @else {
            p { span.badge { "Stok habis" } }
        }
        @if let Some(o) = &owner {
            p.mute { "Jastip oleh " a href={ "/" (Query(&o.slug)) } { (o.profile_name.as_deref().unwrap_or(&o.slug)) } }
        }
        @if let Some(d) = &p.description {
            p.pre { (d) }
        }
        @if closed {
            p.err #closed { "Trip ini sudah tutup: batas waktunya sudah lewat, pesanan baru tidak diterima." }
        } @else if available {
            form.card method="post" action={ "/order?product=" (Query(&p.slug)) } {
                @for e in &a.errors {
                    p.err { (e) }
                }
                @for f in &fields {
                    (f.render())
                }
                button.btn type="submit" { "Pesan sekarang" }
            }
        }
    };
    let url = format!("{}/o/{}", ctx.config.public_base_url, p.slug);
    let description = format!("{} · {} · {}", p.title, rupiah(p.price), trip.title);
    let meta = Meta { title: &p.title, description: &description, image: p.image.as_deref(), url: &url };
    let status = if a.status == 0 { 200 } else { a.status };
    let cache = if status == 200 && a.values.is_empty() { "public, max-age=60" } else { "no-store" };
    html_response(status, page(&meta, body), cache)
}

/// The order form posted: placed by the same use case as `POST /api/orders`, then the order's page.
pub async fn product_submit(ctx: &Ctx, req: &mut Request, q: &HashMap<String, String>) -> ApiResult<Response> {
    let slug = param(q, "product").trim().to_ascii_lowercase();
    limit_address(ctx, req, Limit::Public, "order").await?;
    let mut input = body::form(req, &["quantity"]).await?;
    let typed = ["name", "phone", "quantity", "notes"];
    let values: BTreeMap<String, String> = input
        .map()
        .iter()
        .filter(|(k, _)| typed.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), String::from)))
        .collect();
    input.retain(|k| typed.contains(&k));
    input.insert("productSlug", Value::from(slug));
    let placed = match OrderForm::parse(input, false) {
        Ok(form) => {
            let phone_ok = match &form.buyer {
                BuyerForm::Person { phone, .. } => limit_phone(ctx, "order", phone).await,
                BuyerForm::Participant(_) => Ok(()),
            };
            match phone_ok {
                Ok(()) => orders::place(ctx, None, form).await,
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    };
    let refused = |errors: Vec<&'static str>, status| Attempt { values: values.clone(), errors, status };
    match placed {
        Ok(p) => respond::see_other(&format!("/order/{}?token={}", p.order.id, encode_component(&p.access_token))),
        Err(e) if e.code == ErrorCode::ValidationFailed => {
            let errors = e.fields.keys().map(|f| field_problem(f)).collect();
            product(ctx, q, Some(refused(errors, 400))).await
        }
        Err(e) if e.code == ErrorCode::OutOfStock => {
            product(ctx, q, Some(refused(vec!["Maaf, stok tidak cukup untuk jumlah ini."], 409))).await
        }
        Err(e) if e.code == ErrorCode::LimitPerBuyer => {
            product(ctx, q, Some(refused(vec!["Maaf, jumlah ini melebihi batas per pembeli untuk produk ini."], 409)))
                .await
        }
        Err(e) if e.code == ErrorCode::TooManyPendingOrders => {
            let message = "Kamu masih punya beberapa pesanan yang belum dibayar di trip ini. Bayar dulu ya.";
            product(ctx, q, Some(refused(vec![message], 409))).await
        }
        Err(e) if e.code == ErrorCode::TripClosed => product(ctx, q, Some(refused(vec![], 409))).await,
        Err(e) if e.code == ErrorCode::ProductUnavailable => {
            product(ctx, q, Some(refused(vec!["Maaf, produk ini sudah tidak tersedia."], 409))).await
        }
        Err(e) if e.code == ErrorCode::NotFound => product_not_found(ctx),
        Err(e) => Err(e),
    }
}

fn order_not_found(ctx: &Ctx) -> ApiResult<Response> {
    not_found(
        ctx,
        "Pesanan tidak ditemukan",
        "Link pesanan ini tidak berlaku. Pakai link yang kamu terima saat memesan.",
    )
}

/// The order a page link may show (by its token only); `None` for a wrong or missing token.
async fn visible_order(ctx: &Ctx, req: &Request, id: &str) -> ApiResult<Option<OrderRow>> {
    let token = params(req).get("token").cloned().unwrap_or_default();
    if token.is_empty() {
        return Ok(None);
    }
    match orders::visible(ctx, id, &OrderAccess::Token(token)).await {
        Ok(o) => Ok(Some(o)),
        Err(e) if e.code == ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// `/order/<id>?token=`: the penitip's order.
pub async fn status(ctx: &Ctx, req: &Request, id: &str, notice: Option<(u16, &str)>) -> ApiResult<Response> {
    let Some(order) = visible_order(ctx, req, id).await? else {
        return order_not_found(ctx);
    };
    let token = params(req).get("token").cloned().unwrap_or_default();
    let around = orders::context(ctx, &order, true).await?;
    let title = around.product.as_ref().map_or("Pesanan", |p| p.title.as_str());
    let jastiper_phone = around.owner.as_ref().and_then(|o| o.phone.as_deref());
    let body = html! {
        h1.mt15 { "Pesanan " (title) }
        p.mute { "No. " (&order.id[..8]) " · " (order.quantity) " × " (rupiah(order.unit_price)) }
        p.price.big { "Total " (rupiah(order.total_price)) }
        @if let Some((code, message)) = notice {
            @if code < 300 { p.ok #notice { (message) } } @else { p.err #notice { (message) } }
        }
        (timeline(&order))
        @if let (true, Some(code)) = (order.status.takes_proof(), around.buyer.as_ref().and_then(|b| b.confirm_code.as_deref())) {
            div.card #confirm-card {
                h2 { "Kabar lewat WhatsApp" }
                p { "Kirim kode ini dari nomor WhatsApp-mu untuk menerima kabar pesanan ini." }
                (super::public::confirm_button(ctx, code))
            }
        }
        div.card {
            h2 { "Pembayaran" }
            @if order.proof_key.is_some() {
                p.ok #proof-ok { "Bukti bayar sudah diterima ✓" }
            }
            @if order.proof_archived_at.is_some() {
                p.mute #proof-archived { "Bukti bayar sudah diarsipkan (dihapus 90 hari setelah pesanan dikirim)." }
            }
            p { "Bayar " b { (rupiah(order.total_price)) } " ke salah satu cara di bawah, lalu unggah bukti bayarnya." }
            (payment_details(around.owner.as_ref().map(|u| &u.payment)))
            p { a href={ "/invoice/" (Query(&order.id)) "?token=" (Query(&token)) } { "Lihat invoice" } }
            @if let Some(phone) = jastiper_phone {
                a.btn.alt href={ "https://wa.me/" (Query(phone)) } { "Tanya jastiper lewat WhatsApp" }
            }
        }
        @if order.status.takes_proof() {
            form.card method="post" enctype="multipart/form-data" action={ "/order/" (Query(&order.id)) "/proof?token=" (Query(&token)) } {
                (Field {
                    name: "image",
                    label: if order.proof_key.is_some() { "Ganti bukti bayar" } else { "Unggah bukti bayar" },
                    kind: "file",
                    value: "",
                    required: true,
                    attrs: &[("accept", "image/jpeg,image/png,image/webp")],
                    error: None,
                }.render())
                p.mute { "JPEG, PNG atau WebP, maks. 5 MB." }
                button.btn type="submit" { "Kirim bukti bayar" }
            }
        }
        p.mute { "Simpan link halaman ini untuk cek status pesananmu." }
    };
    let url = format!("{}/order/{}", ctx.config.public_base_url, order.id);
    let meta =
        Meta { title: &format!("Pesanan {title}"), description: "Status pesanan jastip", image: None, url: &url };
    let status = notice.map_or(200, |(code, _)| if code < 300 { 200 } else { code });
    html_response(status, page(&meta, body), "private, no-store")
}

fn timeline(o: &OrderRow) -> Markup {
    let step = |done: bool, bad: bool, label: &str| {
        html! {
            @if bad { li.bad { (label) } } @else if done { li.done { (label) } } @else { li { (label) } }
        }
    };
    let s = o.status;
    html! {
        div.card {
            h2 { "Status" }
            ol.steps #timeline data-status=(s.as_str()) {
                (step(true, false, "Dipesan"))
                @if s == OrderStatus::Rejected {
                    @let label = match &o.reject_reason { Some(r) => format!("Ditolak: {r}"), None => "Ditolak".into() };
                    (step(false, true, &label))
                } @else {
                    (step(matches!(s, OrderStatus::Confirmed | OrderStatus::Shipped), false, "Dikonfirmasi jastiper"))
                    (step(s == OrderStatus::Shipped, false, "Dikirim"))
                }
            }
        }
    }
}

/// The proof form posted: stored like `POST /api/orders/:id/proof`, then back to the page.
pub async fn proof_submit(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let Some(order) = visible_order(ctx, req, id).await? else {
        return order_not_found(ctx);
    };
    let token = params(req).get("token").cloned().unwrap_or_default();
    limit_address(ctx, req, Limit::Public, "proof").await?;
    let stored = match orders::check_takes_proof(&order) {
        Ok(()) => match upload::required_image(req, PROOF_LIMIT).await {
            Ok(image) => orders::attach_proof(ctx, order, image).await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    match stored {
        Ok(o) => respond::see_other(&format!("/order/{}?token={}&uploaded=1", o.id, encode_component(&token))),
        Err(e) => {
            let message = match e.code {
                ErrorCode::PayloadTooLarge => "File terlalu besar (maks. 5 MB).",
                ErrorCode::UnsupportedMediaType => "File harus berupa gambar JPEG, PNG atau WebP.",
                ErrorCode::InvalidTransition => "Pesanan ini tidak menerima bukti bayar lagi.",
                ErrorCode::ValidationFailed | ErrorCode::InvalidMultipart | ErrorCode::UnreadableBody => {
                    "Pilih file gambar bukti bayar."
                }
                _ => return Err(e),
            };
            status(ctx, req, id, Some((e.status(), message))).await
        }
    }
}
