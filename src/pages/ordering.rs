//! Ordering a product (`/order?product=`), and the links of single orders
//! (`/order/<id>?token=`), which lead to the order's bill.

use std::collections::HashMap;

use maud::html;
use serde_json::Value;
use worker::{Request, Response};

use crate::ctx::Ctx;
use crate::domain::fields;
use crate::domain::money::rupiah;
use crate::domain::token::bill_token;
use crate::error::ApiResult;
use crate::platform::limits::Limit;
use crate::service::orders::{self, BuyerForm, OrderAccess, OrderForm};
use crate::service::public;
use crate::web::auth::{limit_address, limit_phone};
use crate::web::form::{notice, Field, FormState, Posted};
use crate::web::html::{encode_component, Query, SafeUrl};
use crate::web::page::{html_response, not_found, page, Meta};
use crate::web::query::{param, params};
use crate::web::{body, respond};

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
                respond::see_other(&format!("/b/{}?token={}", p.bill.id, encode_component(&p.bill_token)))
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

/// The bill of the order a link's token opens (`None` for a wrong or missing token).
async fn bill_of_order(ctx: &Ctx, id: &str, token: &str) -> ApiResult<Option<String>> {
    if token.is_empty() {
        return Ok(None);
    }
    let order = super::found(orders::visible(ctx, id, &OrderAccess::Token(token.to_string())).await)?;
    Ok(order.and_then(|o| o.bill_id))
}

/// The bill's own link, with its token.
fn bill_url(ctx: &Ctx, bill_id: &str) -> ApiResult<String> {
    let token = bill_token(ctx.config.jwt_key()?, bill_id);
    Ok(format!("/b/{bill_id}?token={}", encode_component(&token)))
}

/// `/order/<id>?token=`: an order's link leads to its bill, the one page a
/// penitip pays and follows her orders on (every link sent before bills existed still works).
pub async fn status(ctx: &Ctx, id: &str, token: &str) -> ApiResult<Response> {
    match bill_of_order(ctx, id, token).await? {
        Some(bill) => respond::see_other(&bill_url(ctx, &bill)?),
        None => order_not_found(ctx),
    }
}

/// A proof posted from an order page opened before bills existed: the same
/// upload, kept whole, goes to the bill's proof form (307 repeats the POST).
pub async fn proof_submit(ctx: &Ctx, req: &Request, id: &str) -> ApiResult<Response> {
    let token = params(req).get("token").cloned().unwrap_or_default();
    match bill_of_order(ctx, id, &token).await? {
        Some(bill) => {
            let target = bill_url(ctx, &bill)?.replacen("?token=", "/proof?token=", 1);
            respond::repeat_post_at(&target)
        }
        None => order_not_found(ctx),
    }
}
