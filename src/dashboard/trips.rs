//! Trips and their products: create, edit (deadline, shown on the profile),
//! delete with confirmation, the reminder text for WhatsApp groups, and
//! products with a photo (resized in the browser, checked again here).

use maud::{html, Markup};
use serde_json::Value;
use worker::{Request, Response};

use super::view::{csrf, field, notice, shell, wib_date_value, wib_time, FormState};
use super::{session, Form};
use crate::ctx::Ctx;
use crate::domain::image::PRODUCT_MAX;
use crate::domain::money::rupiah;
use crate::domain::product::ProductStatus;
use crate::error::{ApiError, ApiResult};
use crate::input::Input;
use crate::web::html::{Query, SafeUrl};
use crate::service::accounts::PageSession;
use crate::service::dashboard::{self, all_totals};
use crate::service::products::{self, NewProductForm, FIELDS, NUMERIC};
use crate::service::trips::{self, NewTripForm};
use crate::store::products::ProductRow;
use crate::store::trips::TripRow;
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
    let active = f.values.contains_key("isActive") || (f.values.is_empty() && t.is_none_or(|t| t.is_active));
    html! {
        (field(f, "title", "Judul trip", "text", t.map(|t| t.title.as_str()), true, &[("maxlength", "120"), ("placeholder", "Jastip Jepang Desember")]))
        @if t.is_none() {
            (field(f, "slug", "Kode trip (3–10 huruf/angka, untuk link dan JOIN)", "text", None, true, &[("maxlength", "10"), ("placeholder", "jpn25")]))
        }
        (field(f, "description", "Deskripsi", "textarea", t.and_then(|t| t.description.as_deref()), false, &[("rows", "3"), ("maxlength", "2000")]))
        (field(f, "deadline", "Batas pesan (tanggal, tutup 23:59 WIB)", "date", deadline.as_deref(), false, &[]))
        label.check for="isActive" {
            input #isActive type="checkbox" name="isActive" value="on" checked[active];
            " Tampilkan di profil (trip terbuka)"
        }
    }
}

pub fn new_page(ctx: &Ctx, s: &PageSession, form: FormState, status: u16) -> ApiResult<Response> {
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
    shell(ctx, Some(s), "Buat trip", status, body)
}

pub async fn create(ctx: &Ctx, s: &PageSession, form: Form) -> ApiResult<Response> {
    let Form { input, values, .. } = form;
    let input = without_empty_deadline(with_active_flag(input), false);
    let result = match NewTripForm::parse(input, ctx) {
        Ok(f) => trips::create(ctx, &s.user, f).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(t) => respond::see_other(&format!("/dashboard/trips/{}", t.id)),
        Err(e) if e.status() < 500 => {
            let status = e.status();
            new_page(ctx, s, FormState::refused(values, &e), status)
        }
        Err(e) => Err(e),
    }
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

pub async fn page(ctx: &Ctx, s: &PageSession, id: &str, form: FormState, status: u16) -> ApiResult<Response> {
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
    shell(ctx, Some(s), &t.title, status, body)
}

pub async fn update(ctx: &Ctx, s: &PageSession, id: &str, form: Form) -> ApiResult<Response> {
    let trip = dashboard::trip_only(ctx, &s.user, id).await?;
    let Form { input, values, .. } = form;
    let input = without_empty_deadline(with_active_flag(input), true);
    let result = match trips::parse_change(input, ctx) {
        Ok(change) => trips::update(ctx, &s.user, trip, change).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(t) => respond::see_other(&format!("/dashboard/trips/{}", t.id)),
        Err(e) if e.status() < 500 => {
            let status = e.status();
            page(ctx, s, id, FormState::refused(values, &e), status).await
        }
        Err(e) => Err(e),
    }
}

pub async fn delete(ctx: &Ctx, s: &PageSession, id: &str) -> ApiResult<Response> {
    trips::delete(ctx, &s.user, id).await?;
    respond::see_other("/dashboard")
}

/// The add form (`product` = None) or the edit form of a product.
pub async fn product_page(
    ctx: &Ctx,
    s: &PageSession,
    trip_id: &str,
    product: Option<ProductRow>,
    form: FormState,
    status: u16,
) -> ApiResult<Response> {
    let trip = dashboard::trip_only(ctx, &s.user, trip_id).await?;
    let p = product.as_ref();
    let action = match p {
        Some(p) => format!("/dashboard/products/{}", p.id),
        None => format!("/dashboard/trips/{}/products/new", trip.id),
    };
    let (price, stock, max) = (
        p.map(|p| p.price.to_string()),
        p.map(|p| p.stock.to_string()),
        p.map_or_else(|| "10".to_string(), |p| p.max_per_buyer.to_string()),
    );
    let chosen = form.values.get("status").cloned().or_else(|| p.map(|p| p.status.as_str().to_string()));
    let f = &form;
    let title = if p.is_some() { "Ubah produk" } else { "Tambah produk" };
    let body = html! {
        p.mt1 { a href={ "/dashboard/trips/" (Query(&trip.id)) } { "← " (trip.title) } }
        h1 { (title) }
        form.card method="post" action=(action) enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(s.csrf);
            (notice(f))
            @if let Some(img) = p.and_then(|p| p.image.as_deref()) { img.hero alt="Foto produk sekarang" src=(SafeUrl(img)); }
            (field(f, "image", if p.is_some() { "Ganti foto" } else { "Foto produk" }, "file", None, false, &[("accept", "image/jpeg,image/png,image/webp"), ("data-resize", "1600")]))
            p.mute { "Foto dikecilkan otomatis (maks. 1600 px) sebelum diunggah." }
            (field(f, "title", "Nama produk", "text", p.map(|p| p.title.as_str()), true, &[("maxlength", "120")]))
            (field(f, "price", "Harga (Rp)", "number", price.as_deref(), true, &[("inputmode", "numeric"), ("min", "0")]))
            (field(f, "stock", "Stok", "number", stock.as_deref(), true, &[("inputmode", "numeric"), ("min", "0")]))
            (field(f, "maxPerBuyer", "Maks. per pembeli", "number", Some(max.as_str()), true, &[("inputmode", "numeric"), ("min", "1"), ("max", "100")]))
            (field(f, "description", "Deskripsi", "textarea", p.and_then(|p| p.description.as_deref()), false, &[("rows", "3"), ("maxlength", "2000")]))
            label for="status" { "Status" }
            select #status name="status" {
                @for st in ProductStatus::ALL {
                    option value=(st.as_str()) selected[chosen.as_deref() == Some(st.as_str())] { (status_label(st)) }
                }
            }
            @if let Some(e) = f.error("status") { p.err { (e) } }
            button.btn type="submit" { (if p.is_some() { "Simpan produk" } else { "Tambah produk" }) }
        }
        @if let Some(p) = p {
            p.mute { "Link produk: " a href={ "/o/" (Query(&p.slug)) } { (ctx.config.public_base_url) "/o/" (p.slug) } }
        }
    };
    shell(ctx, Some(s), title, status, body)
}

/// The product form's fields and photo; the `csrf` field is checked here.
async fn product_form(
    req: &mut Request,
    s: &PageSession,
) -> ApiResult<(Input, Option<crate::platform::r2::Upload>, FormState)> {
    session::same_site(req)?;
    let allowed: Vec<&str> = FIELDS.iter().copied().chain(["image", "csrf"]).collect();
    let form = upload::form(req, PRODUCT_MAX, &allowed).await?;
    session::check_token(s, &upload::text_field(&form, "csrf"))?;
    let fields = upload::text_fields(&form, FIELDS, NUMERIC);
    let values =
        fields.iter().map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), String::from))).collect();
    let state = FormState { values, ..Default::default() };
    // A file input left empty arrives as an empty file: no new photo.
    let image = match upload::image_field(&form, "image", PRODUCT_MAX).await {
        Ok(image) => image,
        Err(e) if e.fields.contains_key("image") && upload::file_is_empty(&form, "image") => None,
        Err(e) => return Err(e),
    };
    let mut input = Input::from_map(fields);
    if input.map().get("description").and_then(Value::as_str).is_some_and(|d| d.trim().is_empty()) {
        input.retain(|k| k != "description");
    }
    Ok((input, image, state))
}

fn refused_product(state: FormState, e: &ApiError) -> FormState {
    FormState::refused(state.values, e)
}

pub async fn product_create(ctx: &Ctx, req: &mut Request, s: &PageSession, trip_id: &str) -> ApiResult<Response> {
    let trip = dashboard::trip_only(ctx, &s.user, trip_id).await?;
    let (input, image, state) = match product_form(req, s).await {
        Ok(read) => read,
        Err(e) if e.status() < 500 && e.code != crate::error::ErrorCode::Forbidden => {
            let status = e.status();
            return product_page(ctx, s, trip_id, None, FormState::refused(Default::default(), &e), status).await;
        }
        Err(e) => return Err(e),
    };
    let result = match NewProductForm::parse(input) {
        Ok(f) => products::create(ctx, &s.user, &trip, f, image).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => respond::see_other(&format!("/dashboard/trips/{}", trip.id)),
        Err(e) if e.status() < 500 => {
            let status = e.status();
            product_page(ctx, s, trip_id, None, refused_product(state, &e), status).await
        }
        Err(e) => Err(e),
    }
}

pub async fn product_update(ctx: &Ctx, req: &mut Request, s: &PageSession, id: &str) -> ApiResult<Response> {
    let product = dashboard::product(ctx, &s.user, id).await?;
    let trip_id = product.trip_id.clone();
    let (input, image, state) = match product_form(req, s).await {
        Ok(read) => read,
        Err(e) if e.status() < 500 && e.code != crate::error::ErrorCode::Forbidden => {
            let status = e.status();
            let state = FormState::refused(Default::default(), &e);
            return product_page(ctx, s, &trip_id, Some(product), state, status).await;
        }
        Err(e) => return Err(e),
    };
    // The form always sends the status select: an unchanged one is left out,
    // so new stock for a sold-out product puts it back on sale (the service's rule).
    let mut input = input;
    if input.map().get("status").and_then(Value::as_str) == Some(product.status.as_str()) {
        input.retain(|k| k != "status");
    }
    let result = match products::parse_change(input) {
        Ok(change) => products::update(ctx, &s.user, product.clone(), change, image).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => respond::see_other(&format!("/dashboard/trips/{trip_id}")),
        Err(e) if e.status() < 500 => {
            let status = e.status();
            product_page(ctx, s, &trip_id, Some(product), refused_product(state, &e), status).await
        }
        Err(e) => Err(e),
    }
}
