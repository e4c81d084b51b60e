//! Pieces the penitip's pages share: the form field and the product card.

use maud::{html, Markup};

use crate::web::html::{Query, SafeUrl};
use crate::domain::money::rupiah;
use crate::store::products::ProductRow;

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
