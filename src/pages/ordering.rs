//! Ordering a product (`/order?product=`) and the order's own page
//! (`/order/<id>?token=`): status timeline, payment, proof upload.

use std::collections::HashMap;

use maud::{html, Markup};
use serde_json::Value;
use worker::{Request, Response};

use crate::ctx::Ctx;
use crate::domain::fields;
use crate::domain::money::rupiah;
use crate::domain::order::OrderStatus;
use crate::error::ApiResult;
use crate::platform::limits::Limit;
use crate::service::orders::{self, BuyerForm, OrderAccess, OrderForm, PROOF_LIMIT};
use crate::service::public;
use crate::store::orders::OrderRow;
use crate::web::auth::{limit_address, limit_phone};
use crate::web::form::{notice, Field, FormState, Posted};
use crate::web::html::{encode_component, Query, SafeUrl};
use crate::web::page::{html_response, not_found, page, payment_details, Meta};
use crate::web::query::{param, params};
use crate::web::{body, respond, upload};

fn product_not_found(ctx: &Ctx) -> ApiResult<Response> {
    not_found(ctx, "Produk tidak ditemukan", "Produk ini tidak ada atau sudah tidak dijual.")
}

/// `/order?product=<slug>`: the product and the order form.
pub async fn product(ctx: &Ctx, q: &HashMap<String, String>, form: FormState) -> ApiResult<Response> {
    let slug = param(q, "product").trim().to_ascii_lowercase();
    let Some((p, trip, owner)) = public::product_page(ctx, &slug).await? else {
        return product_not_found(ctx);
    };
    let available = p.status.orderable(p.stock);
    let closed = trip.closed(ctx.now);
    let stock = p.stock.to_string();
    let f = &form;
    let body = html! {
        p.mute.mt1 { a href={ "/t/" (Query(&trip.slug)) } { "← " (trip.title) } }
        @match &p.image {
            Some(img) => img.hero alt=(p.title) src=(SafeUrl(img));,
            None => div.hero {},
        }
        h1 { (p.title) }
        p.price.big { (rupiah(p.price)) }
        @if let (Some(pricing), Some(original)) = (trip.pricing(), p.price_original) {
            p.mute #breakdown { (pricing.breakdown(original)) }
        }
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
                (notice(f))
                (Field::text("name", "Nama").autocomplete("name").limit(fields::NAME).required().of(f, None))
                (Field::tel("phone", "Nomor WhatsApp").autocomplete("tel").required().of(f, None))
                (Field::number("quantity", "Jumlah").range("1", Some(&stock)).required().of(f, Some("1")))
                (Field::textarea("notes", "Catatan (opsional)", "2").limit(fields::NOTES).placeholder("warna, ukuran, varian…").of(f, None))
                button.btn type="submit" { "Pesan sekarang" }
            }
        }
    };
    let url = format!("{}/o/{}", ctx.config.public_base_url, p.slug);
    let description = format!("{} · {} · {}", p.title, rupiah(p.price), trip.title);
    let meta = Meta { title: &p.title, description: &description, image: p.image.as_deref(), url: &url };
    let cache = if form.is_refused() { "no-store" } else { "public, max-age=60" };
    html_response(form.status(), page(&meta, body), cache)
}

/// The order form posted: placed by the same use case as `POST /api/orders`, then the order's page.
pub async fn product_submit(ctx: &Ctx, req: &mut Request, q: &HashMap<String, String>) -> ApiResult<Response> {
    let slug = param(q, "product").trim().to_ascii_lowercase();
    limit_address(ctx, req, Limit::Public, "order").await?;
    let mut input = body::form(req, &["quantity"]).await?;
    input.retain(|k| ["name", "phone", "quantity", "notes"].contains(&k));
    Posted::new(input, &[])
        .answer(
            async |mut input| {
                input.insert("productSlug", Value::from(slug));
                let form = OrderForm::parse(input, false)?;
                if let BuyerForm::Person { phone, .. } = &form.buyer {
                    limit_phone(ctx, "order", phone).await?;
                }
                let p = orders::place(ctx, None, form).await?;
                let first =
                    p.orders.first().ok_or_else(|| crate::error::ApiError::internal("a checkout without lines"))?;
                match &p.access_token {
                    Some(token) => {
                        respond::see_other(&format!("/order/{}?token={}", first.id, encode_component(token)))
                    }
                    None => respond::see_other(&format!("/b/{}?token={}", p.bill.id, encode_component(&p.bill_token))),
                }
            },
            async |state| product(ctx, q, state).await,
        )
        .await
}

fn order_not_found(ctx: &Ctx) -> ApiResult<Response> {
    not_found(
        ctx,
        "Pesanan tidak ditemukan",
        "Link pesanan ini tidak berlaku. Pakai link yang kamu terima saat memesan.",
    )
}

/// The order a page link may show (by its token only); `None` for a wrong or missing token.
async fn visible_order(ctx: &Ctx, id: &str, token: &str) -> ApiResult<Option<OrderRow>> {
    if token.is_empty() {
        return Ok(None);
    }
    super::found(orders::visible(ctx, id, &OrderAccess::Token(token.to_string())).await)
}

/// `/order/<id>?token=`: the penitip's order; `uploaded` after a proof was stored.
pub async fn status(ctx: &Ctx, id: &str, token: &str, form: FormState, uploaded: bool) -> ApiResult<Response> {
    let Some(order) = visible_order(ctx, id, token).await? else {
        return order_not_found(ctx);
    };
    let around = orders::context(ctx, &order, true).await?;
    let secret = ctx.config.jwt_key()?;
    let bill_token = order.bill_id.as_deref().map(|b| crate::domain::token::bill_token(secret, b)).unwrap_or_default();
    let title = around.product.as_ref().map_or("Pesanan", |p| p.title.as_str());
    let jastiper_phone = around.owner.as_ref().and_then(|o| o.phone.as_deref());
    let body = html! {
        h1.mt15 { "Pesanan " (title) }
        p.mute { "No. " (&order.id[..8]) " · " (order.quantity) " × " (rupiah(order.unit_price)) }
        p.price.big { "Total " (rupiah(order.total_price)) }
        @if uploaded { p.ok #notice { "Bukti bayar terkirim. Jastiper akan mengeceknya." } }
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
            p { a href={ "/invoice/" (Query(&order.id)) "?token=" (Query(token)) } { "Lihat invoice" } }
            @if let Some(bill) = &order.bill_id {
                p #bill-link { (super::bill::bill_link(bill, &bill_token)) " (semua pesananmu di trip ini)" }
            }
            @if let Some(phone) = jastiper_phone {
                a.btn.alt href={ "https://wa.me/" (Query(phone)) } { "Tanya jastiper lewat WhatsApp" }
            }
        }
        @if order.status.takes_proof() {
            form.card method="post" enctype="multipart/form-data" action={ "/order/" (Query(&order.id)) "/proof?token=" (Query(token)) } {
                (notice(&form))
                (Field::image("image", if order.proof_key.is_some() { "Ganti bukti bayar" } else { "Unggah bukti bayar" }, None).required().of(&form, None))
                p.mute { "JPEG, PNG atau WebP, maks. 5 MB." }
                button.btn type="submit" { "Kirim bukti bayar" }
            }
        }
        p.mute { "Simpan link halaman ini untuk cek status pesananmu." }
    };
    let url = format!("{}/order/{}", ctx.config.public_base_url, order.id);
    let meta =
        Meta { title: &format!("Pesanan {title}"), description: "Status pesanan jastip", image: None, url: &url };
    html_response(form.status(), page(&meta, body), "private, no-store")
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
    let token = params(req).get("token").cloned().unwrap_or_default();
    let Some(order) = visible_order(ctx, id, &token).await? else {
        return order_not_found(ctx);
    };
    limit_address(ctx, req, Limit::Public, "proof").await?;
    Posted::empty()
        .answer(
            async |_| {
                orders::check_takes_proof(&order)?;
                let image = upload::required_image(req, PROOF_LIMIT).await?;
                let o = orders::attach_proof(ctx, order, image).await?;
                respond::see_other(&format!("/order/{}?token={}&uploaded=1", o.id, encode_component(&token)))
            },
            async |state| status(ctx, id, &token, state, false).await,
        )
        .await
}
