//! `/invoice/<id>`: a printable invoice, for the buyer (the order's link
//! token) and for the trip's owner (her session). Anybody else: not found.

use std::collections::HashMap;

use maud::html;
use worker::{Request, Response};

use super::orders::status_label;
use super::session;
use super::view::wib_time;
use crate::ctx::Ctx;
use crate::domain::money::rupiah;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::service::orders::{self, OrderAccess};
use crate::web::page::html_response;
use crate::web::page::{page, payment_details, script, Meta};
use crate::web::query::param;

pub async fn page_for(ctx: &Ctx, req: &Request, id: &str, q: &HashMap<String, String>) -> ApiResult<Response> {
    let token = param(q, "token");
    let access = if !token.is_empty() {
        OrderAccess::Token(token.to_string())
    } else {
        match session::current(ctx, req).await? {
            Some(s) => OrderAccess::Owner(s.user),
            None => return Err(ApiError::not_found("Invoice")),
        }
    };
    let order = match orders::visible(ctx, id, &access).await {
        Ok(o) => o,
        Err(e) if e.code == ErrorCode::NotFound => return Err(ApiError::not_found("Invoice")),
        Err(e) => return Err(e),
    };
    let around = orders::context(ctx, &order, true).await?;
    // Somebody with the order's link sees the name typed with the order;
    // only the trip's owner sees the name stored for the buyer.
    let buyer = match access {
        OrderAccess::Owner(_) => around.buyer.as_ref().map(|b| b.name.as_str()),
        OrderAccess::Token(_) => order.buyer_name.as_deref(),
    };
    let title = around.product.as_ref().map_or("Produk", |p| p.title.as_str());
    let seller = around.owner.as_ref().map(|u| u.profile_name.clone().unwrap_or_else(|| u.slug.to_string()));
    let body = html! {
        article.invoice #invoice {
            h1.mt15 { "Invoice" }
            p.mute { "No. " (order.id[..8].to_uppercase()) " · " (wib_time(&order.created_at)) }
            div.between {
                div { p.mute { "Dari" } p { b { (seller.as_deref().unwrap_or("Jastiper")) } } }
                div { p.mute { "Untuk" } p { b { (buyer.unwrap_or("Penitip")) } } }
            }
            @if let Some(t) = &around.trip { p { "Trip: " (t.title) } }
            table.totals {
                thead { tr { th scope="col" { "Barang" } th scope="col" { "Jumlah" } th scope="col" { "Harga" } th scope="col" { "Subtotal" } } }
                tbody { tr { td { (title) } td { (order.quantity) } td { (rupiah(order.unit_price)) } td { (rupiah(order.total_price)) } } }
                tfoot { tr { th scope="row" colspan="3" { "Total" } td #invoice-total { b { (rupiah(order.total_price)) } } } }
            }
            p { "Status: " span.badge #invoice-status { (status_label(order.status)) } }
            @if let Some(n) = &order.notes { p.pre { "Catatan: " (n) } }
            h2 { "Cara bayar" }
            (payment_details(around.owner.as_ref().map(|u| &u.payment)))
            button.btn.alt.noprint type="button" data-print="1" { "Cetak / simpan PDF" }
        }
        (script())
    };
    let url = format!("{}/invoice/{}", ctx.config.public_base_url, order.id);
    let meta = Meta { title: "Invoice", description: "Invoice pesanan jastip", image: None, url: &url };
    html_response(200, page(&meta, body), "private, no-store")
}
