//! Pieces the penitip's pages share: the product card.

use maud::{html, Markup};

use crate::domain::money::rupiah;
use crate::store::products::ProductRow;
use crate::web::html::{Query, SafeUrl};

/// A product card linking to its order page.
pub fn product_card(p: &ProductRow) -> Markup {
    html! {
        a.item href={ "/o/" (Query(&p.slug)) } {
            @if let Some(img) = &p.image {
                img loading="lazy" alt=(p.title) src=(SafeUrl(img));
            } @else {
                span.ph {}
            }
            div {
                div { (p.title) }
                div.price { (rupiah(p.price)) }
                div.mute.code { "Kode " b { (p.slug) } }
                @if !p.status.orderable(p.stock) {
                    span.badge { "Habis" }
                }
            }
        }
    }
}
