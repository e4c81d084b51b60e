//! The page shell (head with Open Graph and Twitter tags, the stylesheet,
//! no external requests) and the pieces pages share.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::html::{Query, SafeUrl};
use crate::domain::money::rupiah;
use crate::store::products::ProductRow;

/// The one stylesheet, written in `style.css` and inlined at build time
/// (one request per page; the CSP allows no other origin).
pub const STYLE: &str = include_str!("style.css");

pub struct Meta<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// Absolute URL of the preview image, if any.
    pub image: Option<&'a str>,
    /// Absolute URL of the page.
    pub url: &'a str,
}

/// A whole page around `body`.
pub fn page(meta: &Meta<'_>, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="id" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                meta name="theme-color" content="#FB923C";
                link rel="icon" href="data:,";
                title { (meta.title) " · Jastipin" }
                meta name="description" content=(meta.description);
                meta property="og:site_name" content="Jastipin";
                meta property="og:type" content="website";
                meta property="og:title" content=(meta.title);
                meta property="og:description" content=(meta.description);
                meta property="og:url" content=(SafeUrl(meta.url));
                meta name="twitter:title" content=(meta.title);
                meta name="twitter:description" content=(meta.description);
                @if let Some(img) = meta.image {
                    meta property="og:image" content=(SafeUrl(img));
                    meta name="twitter:image" content=(SafeUrl(img));
                    meta name="twitter:card" content="summary_large_image";
                } @else {
                    meta name="twitter:card" content="summary";
                }
                style { (PreEscaped(STYLE)) }
            }
            body {
                main {
                    (body)
                    footer { "Jastipin · jasa titip jadi gampang" }
                }
            }
        }
    }
    .into_string()
}

/// A labelled form field that keeps what was typed and shows its problem.
pub struct Field<'a> {
    pub name: &'a str,
    pub label: &'a str,
    /// `text`, `tel`, `number`, `file` … or `textarea`.
    pub kind: &'a str,
    pub value: &'a str,
    pub required: bool,
    /// Extra attributes as (name, value) pairs: `maxlength`, `placeholder`,
    /// `autocomplete`, `inputmode`, `min`, `max`, `accept`, `rows`, `form`, `minlength`,
    /// `data-resize` (the longest side a photo is resized to in the browser).
    pub attrs: &'a [(&'a str, &'a str)],
    pub error: Option<&'a str>,
}

impl Field<'_> {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }

    pub fn render(&self) -> Markup {
        let a = |n| self.attr(n);
        html! {
            label for=(self.name) { (self.label) }
            @if self.kind == "textarea" {
                textarea id=(self.name) name=(self.name) rows=[a("rows")] maxlength=[a("maxlength")]
                    placeholder=[a("placeholder")] required[self.required] { (self.value) }
            } @else {
                input id=(self.name) name=(self.name) type=(self.kind) value=[(!self.value.is_empty()).then_some(self.value)]
                    autocomplete=[a("autocomplete")] inputmode=[a("inputmode")] maxlength=[a("maxlength")]
                    placeholder=[a("placeholder")] min=[a("min")] max=[a("max")] accept=[a("accept")] form=[a("form")]
                    minlength=[a("minlength")] data-resize=[a("data-resize")]
                    required[self.required];
            }
            @if let Some(e) = self.error {
                p.err { (e) }
            }
        }
    }
}

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
                @if !p.status.orderable(p.stock) {
                    span.badge { "Habis" }
                }
            }
        }
    }
}

/// How to pay the jastiper: bank transfer, e-wallets, QRIS (what she set in
/// her dashboard), or a note to ask her when she set nothing yet.
pub fn payment_details(owner: Option<&crate::store::users::UserRow>) -> Markup {
    let p = owner.map(|u| &u.payment);
    html! {
        div #payment-details {
            @match p.filter(|p| !p.is_empty()) {
                Some(p) => {
                    @if let Some(account) = &p.pay_bank_account {
                        p.pay { "Transfer " (p.pay_bank_name.as_deref().unwrap_or("bank")) ": " b.acct { (account) }
                            @if let Some(h) = &p.pay_bank_holder { " a.n. " (h) } }
                    }
                    @for (label, number) in p.wallets() {
                        p.pay { (label) ": " b.acct { (number) } }
                    }
                    @if let Some(q) = &p.qris_image {
                        img.qris alt="QRIS untuk membayar" src=(SafeUrl(q));
                    }
                }
                None => p { "Jastiper belum mengisi cara pembayaran. Tanyakan lewat WhatsApp." }
            }
        }
    }
}
