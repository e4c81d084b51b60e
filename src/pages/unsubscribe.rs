//! `/unsubscribe?trip=<slug>&p=<participant>&t=<signed token>` (the link in
//! messages): confirm, then done. Without a valid link: how to send STOP.

use std::collections::HashMap;

use maud::{html, Markup};
use worker::Response;

use crate::ctx::Ctx;
use crate::error::ApiResult;
use crate::service::participants;
use crate::web::html::Query;
use crate::web::page::html_response;
use crate::web::page::{page, Meta};
use crate::web::query::param;

fn shell(ctx: &Ctx, status: u16, body: Markup) -> ApiResult<Response> {
    let url = format!("{}/unsubscribe", ctx.config.public_base_url);
    let meta = Meta {
        title: "Berhenti menerima pesan",
        description: "Berhenti menerima pesan WhatsApp dari sebuah trip",
        image: None,
        url: &url,
    };
    html_response(status, page(&meta, body), "no-store")
}

fn how_to_stop(ctx: &Ctx, slug: &str) -> Markup {
    let text = format!("STOP {slug}");
    html! {
        p { "Kirim " b { "STOP " (slug) } " ke WhatsApp Jastipin untuk berhenti menerima pesan dari trip ini." }
        a.btn href={ "https://wa.me/" (Query(&ctx.config.wa.business_number)) "?text=" (Query(&text)) } {
            "Kirim STOP lewat WhatsApp"
        }
    }
}

pub fn confirm(ctx: &Ctx, q: &HashMap<String, String>) -> ApiResult<Response> {
    let slug = param(q, "trip").to_ascii_lowercase();
    let body = html! {
        h1.mt2 { "Berhenti menerima pesan?" }
        @if param(q, "p").is_empty() {
            (how_to_stop(ctx, &slug))
        } @else {
            p { "Kamu tidak akan menerima kabar produk dan pesan dari trip " b { (slug) } " lagi. Kamu bisa ikut lagi kapan saja." }
            form method="post" action={ "/unsubscribe?trip=" (Query(&slug)) "&p=" (Query(param(q, "p"))) "&t=" (Query(param(q, "t"))) } {
                button.btn type="submit" { "Ya, berhenti" }
            }
        }
    };
    shell(ctx, 200, body)
}

pub async fn submit(ctx: &Ctx, q: &HashMap<String, String>) -> ApiResult<Response> {
    let slug = param(q, "trip").to_ascii_lowercase();
    match participants::linked(ctx, &slug, param(q, "p"), param(q, "t")).await? {
        Some((p, title)) => {
            participants::unsubscribe_linked(ctx, &p).await?;
            let body = html! {
                h1.mt2 { "Selesai" }
                p.ok #done { "Kamu sudah berhenti menerima pesan dari " (title) "." }
                p { "Ketik " b { "JOIN " (slug) } " di WhatsApp kalau mau ikut lagi." }
            };
            shell(ctx, 200, body)
        }
        None => {
            let body = html! {
                h1.mt2 { "Link tidak berlaku" }
                (how_to_stop(ctx, &slug))
            };
            shell(ctx, 400, body)
        }
    }
}
