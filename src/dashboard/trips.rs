//! Trips and their products: create, edit (deadline, shown on the profile),
//! delete with confirmation, the reminder text for WhatsApp groups, and
//! products with a photo (resized in the browser, checked again here).

use maud::{html, Markup};
use serde_json::Value;
use worker::{Request, Response};

use super::session;
use super::view::{csrf, shell, wib_date_value, wib_time};
use crate::ctx::Ctx;
use crate::domain::fields;
use crate::domain::image::PRODUCT_MAX;
use crate::domain::money::rupiah;
use crate::domain::product::ProductStatus;
use crate::error::ApiResult;
use crate::input::Input;
use crate::platform::r2::Upload;
use crate::service::accounts::PageSession;
use crate::service::dashboard::{self, all_totals};
use crate::service::products::{self, NewProductForm, FIELDS, NUMERIC};
use crate::service::trips::{self, NewTripForm};
use crate::store::products::ProductRow;
use crate::store::trips::TripRow;
use crate::web::form::{answer_read, drop_empty, notice, Field, FormState, Posted};
use crate::web::html::{Query, SafeUrl};
use crate::web::{respond, upload};

fn status_label(s: ProductStatus) -> &'static str {
    match s {
        ProductStatus::Active => "Dijual",
        ProductStatus::SoldOut => "Habis",
        ProductStatus::Discontinued => "Dihentikan",
    }
}

/// The checkbox "shown on my profile" as the boolean the service reads.
fn with_active_flag(mut input: Input) -> Input {
    let on = input.map().get("isActive").is_some();
    input.insert("isActive", Value::Bool(on));
    input
}

/// A date input left empty: no deadline (creating) or remove it (editing).
fn without_empty_deadline(mut input: Input, editing: bool) -> Input {
    if input.map().get("deadline").and_then(Value::as_str).is_some_and(|d| d.trim().is_empty()) {
        if editing {
            input.insert("deadline", Value::Null);
        } else {
            input.retain(|k| k != "deadline");
        }
    }
    input
}

fn trip_fields(f: &FormState, t: Option<&TripRow>) -> Markup {
    let deadline = t.and_then(|t| t.deadline.as_deref()).map(wib_date_value);
    let active = f.sent("isActive") || (!f.is_refused() && t.is_none_or(|t| t.is_active));
    html! {
        (Field::text("title", "Judul trip").limit(fields::TITLE).required().placeholder("Jastip Jepang Desember").of(f, t.map(|t| t.title.as_str())))
        @if t.is_none() {
            (Field::text("slug", "Kode trip (3–10 huruf/angka, untuk link dan JOIN)").maxlength(fields::TRIP_SLUG.1).required().placeholder("jpn25").of(f, None))
        }
        (Field::textarea("description", "Deskripsi", "3").limit(fields::DESCRIPTION).of(f, t.and_then(|t| t.description.as_deref())))
        (Field::new("deadline", "Batas pesan (tanggal, tutup 23:59 WIB)", "date").of(f, deadline.as_deref()))
        label.check for="isActive" {
            input #isActive type="checkbox" name="isActive" value="on" checked[active];
            " Tampilkan di profil (trip terbuka)"
        }
    }
}

pub fn new_page(ctx: &Ctx, s: &PageSession, form: FormState) -> ApiResult<Response> {
    let body = html! {
        p.mt1 { a href="/dashboard" { "← Dashboard" } }
        h1 { "Buat trip" }
        form.card method="post" action="/dashboard/trips/new" {
            (csrf(s))
            (notice(&form))
            (trip_fields(&form, None))
            button.btn type="submit" { "Buat trip" }
        }
    };
    shell(ctx, Some(s), "Buat trip", form.status(), body)
}

pub async fn create(ctx: &Ctx, s: &PageSession, form: Posted) -> ApiResult<Response> {
    form.answer(
        async |input| {
            let f = NewTripForm::parse(without_empty_deadline(with_active_flag(input), false), ctx)?;
            let t = trips::create(ctx, &s.user, f).await?;
            respond::see_other(&format!("/dashboard/trips/{}", t.id))
        },
        async |state| new_page(ctx, s, state),
    )
    .await
}

/// The message a jastiper pastes into her WhatsApp groups.
fn reminder(ctx: &Ctx, t: &TripRow, items: &[ProductRow]) -> String {
    let mut text = format!("✈️ {}\n", t.title);
    if let Some(d) = &t.deadline {
        text.push_str(&format!("⏰ Pesan sebelum {}\n", wib_time(d)));
    }
    text.push('\n');
    for p in items.iter().filter(|p| p.status.orderable(p.stock)) {
        text.push_str(&format!("• {} — {}\n", p.title, rupiah(p.price)));
    }
    text.push_str(&format!("\nPesan di sini: {}/t/{}", ctx.config.public_base_url, t.slug));
    text
}

pub async fn page(ctx: &Ctx, s: &PageSession, id: &str, form: FormState) -> ApiResult<Response> {
    let d = dashboard::trip(ctx, &s.user, id).await?;
    let t = &d.trip;
    let totals = all_totals(&d.totals);
    let orders: i64 = totals.iter().map(|(_, n, _)| n).sum();
    let base = format!("/dashboard/trips/{}", t.id);
    let body = html! {
        p.mt1 { a href="/dashboard" { "← Dashboard" } }
        h1 { (t.title) }
        p.mute {
            "Link: " a href={ "/t/" (Query(&t.slug)) } { (ctx.config.public_base_url) "/t/" (t.slug) }
            @if t.closed(ctx.now) { " · " span.badge { "Sudah tutup" } }
        }
        nav.tabs aria-label="Bagian trip" {
            a href={ (base) "/orders" } { "Pesanan (" (orders) ")" }
            a href={ (base) "/participants" } { "Penitip" }
            a href={ (base) "/messages" } { "Broadcast" }
        }
        div.between {
            h2 { "Produk" }
            a.btn.small href={ (base) "/products/new" } { "+ Tambah produk" }
        }
        @if d.products.is_empty() { p.card { "Belum ada produk." } }
        ul.list #products {
            @for p in &d.products {
                li.card.prod {
                    @if let Some(img) = &p.image { img alt="" src=(SafeUrl(img)); } @else { span.ph {} }
                    div {
                        a href={ "/dashboard/products/" (Query(&p.id)) } { b { (p.title) } }
                        p { (rupiah(p.price)) " · stok " (p.stock) " · " span.badge { (status_label(if p.status == ProductStatus::Active && p.stock == 0 { ProductStatus::SoldOut } else { p.status })) } }
                    }
                }
            }
        }
        div.card {
            h2 { "Teks pengingat untuk grup WhatsApp" }
            textarea #reminder readonly rows="8" aria-label="Teks pengingat" { (reminder(ctx, t, &d.products)) }
            button.btn.alt type="button" data-copy="reminder" { "Salin teks" }
        }
        form.card method="post" action=(base) {
            h2 { "Ubah trip" }
            (csrf(s))
            (notice(&form))
            (trip_fields(&form, Some(t)))
            button.btn type="submit" { "Simpan trip" }
        }
        details.card {
            summary { "Hapus trip" }
            form method="post" action={ (base) "/delete" } {
                (csrf(s))
                p { "Trip, produk, penitip, pesanan dan bukti bayarnya akan dihapus. Tidak bisa dibatalkan." }
                label.check for="sure" { input #sure type="checkbox" name="sure" required; " Ya, hapus trip ini" }
                button.btn.danger type="submit" { "Hapus trip selamanya" }
            }
        }
    };
    shell(ctx, Some(s), &t.title, form.status(), body)
}

pub async fn update(ctx: &Ctx, s: &PageSession, id: &str, form: Posted) -> ApiResult<Response> {
    let trip = trips::owned(ctx, &s.user, id).await?;
    form.answer(
        async |input| {
            let change = trips::parse_change(without_empty_deadline(with_active_flag(input), true), ctx)?;
            let t = trips::update(ctx, &s.user, trip, change).await?;
            respond::see_other(&format!("/dashboard/trips/{}", t.id))
        },
        async |state| page(ctx, s, id, state).await,
    )
    .await
}

pub async fn delete(ctx: &Ctx, s: &PageSession, id: &str) -> ApiResult<Response> {
    trips::delete(ctx, &s.user, id).await?;
    respond::see_other("/dashboard")
}

/// The add form (`product` = None) or the edit form of a product.
pub fn product_page(
    ctx: &Ctx,
    s: &PageSession,
    trip: &TripRow,
    p: Option<&ProductRow>,
    form: FormState,
) -> ApiResult<Response> {
    let action = match p {
        Some(p) => format!("/dashboard/products/{}", p.id),
        None => format!("/dashboard/trips/{}/products/new", trip.id),
    };
    let (price, stock, max) = (
        p.map(|p| p.price.to_string()),
        p.map(|p| p.stock.to_string()),
        p.map_or_else(|| "10".to_string(), |p| p.max_per_buyer.to_string()),
    );
    let chosen = Some(form.value("status", p.map(|p| p.status.as_str()))).filter(|v| !v.is_empty());
    let f = &form;
    let title = if p.is_some() { "Ubah produk" } else { "Tambah produk" };
    let body = html! {
        p.mt1 { a href={ "/dashboard/trips/" (Query(&trip.id)) } { "← " (trip.title) } }
        h1 { (title) }
        form.card method="post" action=(action) enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(s.csrf);
            (notice(f))
            @if let Some(img) = p.and_then(|p| p.image.as_deref()) { img.hero alt="Foto produk sekarang" src=(SafeUrl(img)); }
            (Field::image("image", if p.is_some() { "Ganti foto" } else { "Foto produk" }, Some("1600")).of(f, None))
            p.mute { "Foto dikecilkan otomatis (maks. 1600 px) sebelum diunggah." }
            (Field::text("title", "Nama produk").limit(fields::TITLE).required().of(f, p.map(|p| p.title.as_str())))
            (Field::number("price", "Harga (Rp)").range("0", None).required().of(f, price.as_deref()))
            (Field::number("stock", "Stok").range("0", None).required().of(f, stock.as_deref()))
            (Field::number("maxPerBuyer", "Maks. per pembeli").range("1", Some("100")).required().of(f, Some(max.as_str())))
            (Field::textarea("description", "Deskripsi", "3").limit(fields::DESCRIPTION).of(f, p.and_then(|p| p.description.as_deref())))
            label for="status" { "Status" }
            select #status name="status" {
                @for st in ProductStatus::ALL {
                    option value=(st.as_str()) selected[chosen == Some(st.as_str())] { (status_label(st)) }
                }
            }
            @if let Some(e) = f.error("status") { p.err { (e) } }
            button.btn type="submit" { (if p.is_some() { "Simpan produk" } else { "Tambah produk" }) }
        }
        @if let Some(p) = p {
            p.mute { "Link produk: " a href={ "/o/" (Query(&p.slug)) } { (ctx.config.public_base_url) "/o/" (p.slug) } }
        }
    };
    shell(ctx, Some(s), title, form.status(), body)
}

/// The product form's fields and photo; the `csrf` field is checked here.
async fn product_form(req: &mut Request, s: &PageSession) -> ApiResult<(Posted, Option<Upload>)> {
    session::same_site(req)?;
    let allowed: Vec<&str> = FIELDS.iter().copied().chain(["image", "csrf"]).collect();
    let form = upload::form(req, PRODUCT_MAX, &allowed).await?;
    session::check_token(s, &upload::text_field(&form, "csrf"))?;
    let mut posted = Posted::new(Input::from_map(upload::text_fields(&form, FIELDS, NUMERIC)), &[]);
    // A file input left empty arrives as an empty file: no new photo.
    let image = match upload::image_field(&form, "image", PRODUCT_MAX).await {
        Ok(image) => image,
        Err(e) if e.fields.contains_key("image") && upload::file_is_empty(&form, "image") => None,
        Err(e) => return Err(e),
    };
    drop_empty(&mut posted.input, "description");
    Ok((posted, image))
}

pub async fn product_create(ctx: &Ctx, req: &mut Request, s: &PageSession, trip_id: &str) -> ApiResult<Response> {
    let trip = trips::owned(ctx, &s.user, trip_id).await?;
    answer_read(
        product_form(req, s).await,
        async |input, image| {
            products::create(ctx, &s.user, &trip, NewProductForm::parse(input, trip.currency())?, image).await?;
            respond::see_other(&format!("/dashboard/trips/{}", trip.id))
        },
        async |state| product_page(ctx, s, &trip, None, state),
    )
    .await
}

pub async fn product_update(ctx: &Ctx, req: &mut Request, s: &PageSession, id: &str) -> ApiResult<Response> {
    let (product, trip) = products::owned_with_trip(ctx, &s.user, id).await?;
    answer_read(
        product_form(req, s).await,
        async |mut input, image| {
            // The form always sends the status select: an unchanged one is left out,
            // so new stock for a sold-out product puts it back on sale (the service's rule).
            if input.map().get("status").and_then(Value::as_str) == Some(product.status.as_str()) {
                input.retain(|k| k != "status");
            }
            let change = products::parse_change(input, trip.currency())?;
            products::update(ctx, &s.user, (product.clone(), &trip), change, image).await?;
            respond::see_other(&format!("/dashboard/trips/{}", trip.id))
        },
        async |state| product_page(ctx, s, &trip, Some(&product), state),
    )
    .await
}
