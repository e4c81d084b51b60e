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
use crate::domain::money;
use crate::domain::money::rupiah;
use crate::domain::pricing::{FEE_PLACES, RATE_PLACES, ROUND_TO};
use crate::domain::product::ProductStatus;
use crate::error::ApiResult;
use crate::input::Input;
use crate::platform::r2::Upload;
use crate::service::accounts::PageSession;
use crate::service::dashboard::{self, all_totals};
use crate::service::orders::{self, OrderForm};
use crate::service::products::{self, NewProductForm, FIELDS, NUMERIC};
use crate::service::trips::{self, NewTripForm};
use crate::store::products::ProductRow;
use crate::store::trips::TripRow;
use crate::web::form::{
    answer_read, cart_errors, cart_field, cart_input, drop_empty, notice, Field, FormState, Posted,
};
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

/// The trip form's pricing as the service reads it: a kurs and a fee typed
/// the Indonesian way ("105,5", "10") become the JSON numbers the API takes,
/// a field left empty is left out (or, editing a rate, removed), and the
/// rounding select a number.
fn pricing_input(mut input: Input, editing: bool) -> Input {
    for (key, places) in [("exchangeRate", RATE_PLACES), ("feePercent", FEE_PLACES)] {
        let Some(text) = input.map().get(key).and_then(Value::as_str).map(str::to_string) else { continue };
        if text.trim().is_empty() {
            if editing && key == "exchangeRate" {
                input.insert(key, Value::Null);
            } else {
                input.retain(|k| k != key);
            }
        } else if let Some(v) = money::parse_scaled(&text, places) {
            input.insert(key, Value::Number(money::json_decimal(v, places)));
        }
    }
    drop_empty(&mut input, "feePerItem");
    if let Some(n) = input.map().get("roundTo").and_then(Value::as_str).and_then(|r| r.parse::<i64>().ok()) {
        input.insert("roundTo", Value::from(n));
    }
    // An ongkir left empty is none (per bill); the reminder days a number.
    if input.map().get("shippingFlat").and_then(Value::as_str).is_some_and(|t| t.trim().is_empty()) {
        input.insert("shippingFlat", Value::Null);
    }
    if let Some(n) = input.map().get("reminderDays").and_then(Value::as_str).and_then(|r| r.trim().parse::<i64>().ok())
    {
        input.insert("reminderDays", Value::from(n));
    }
    // "50" or "50%": the DP percent; empty is no DP.
    if let Some(text) = input.map().get("dpPercent").and_then(Value::as_str).map(str::to_string) {
        match text.trim().trim_end_matches('%').trim() {
            "" => input.insert("dpPercent", Value::from(0)),
            t => {
                if let Ok(n) = t.parse::<i64>() {
                    input.insert("dpPercent", Value::from(n));
                }
            }
        }
    }
    input
}

fn trip_fields(f: &FormState, t: Option<&TripRow>) -> Markup {
    let deadline = t.and_then(|t| t.deadline.as_deref()).map(wib_date_value);
    let active = f.sent("isActive") || (!f.is_refused() && t.is_none_or(|t| t.is_active));
    let currency = f.value("currency", t.map(|t| t.currency.as_str())).to_string();
    let rate = t.and_then(|t| t.exchange_rate).map(|r| money::show_scaled(r, RATE_PLACES).replace('.', ""));
    let fee = t.map(|t| money::show_scaled(t.fee_percent, FEE_PLACES));
    let per_item = t.map(|t| t.fee_per_item.to_string());
    let dp = t.filter(|t| t.dp_percent > 0).map(|t| t.dp_percent.to_string());
    let flat = t.and_then(|t| t.shipping_flat).map(|v| v.to_string());
    let days = t.map_or(3, |t| t.reminder_days).to_string();
    let round = f.value("roundTo", None).parse::<i64>().ok().or(t.map(|t| t.round_to)).unwrap_or(1000);
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
        h2 { "Harga, kurs & fee jastip" }
        label for="currency" { "Mata uang belanja" }
        select #currency name="currency" {
            @for c in money::Currency::all() {
                option value=(c.code()) selected[currency == c.code() || (currency.is_empty() && c.is_idr())] { (c.code()) " (" (c.symbol()) ")" }
            }
        }
        @if let Some(e) = f.error("currency") { p.err { (e) } }
        (Field::text("exchangeRate", "Kurs: Rupiah per 1 satuan (kosongkan untuk IDR)").inputmode("decimal").placeholder("105,5").of(f, rate.as_deref()))
        (Field::text("feePercent", "Fee jastip (%)").inputmode("decimal").placeholder("10").of(f, fee.as_deref()))
        (Field::text("feePerItem", "Fee per barang (Rp)").inputmode("numeric").placeholder("5.000").of(f, per_item.as_deref()))
        label for="roundTo" { "Bulatkan harga ke atas ke" }
        select #roundTo name="roundTo" {
            @for r in ROUND_TO {
                option value=(r) selected[round == r] { (rupiah(r)) }
            }
        }
        p.mute { "Harga = harga toko × kurs × (1 + fee%), dibulatkan ke atas, + fee per barang." }
        h2 { "Pembayaran" }
        (Field::text("dpPercent", "DP (%) — kosongkan atau 0 untuk bayar lunas di depan").inputmode("numeric").placeholder("50").of(f, dp.as_deref()))
        p.mute { "Penitip membayar DP dulu (dibulatkan ke atas ke Rp 1.000), lalu pelunasan saat barang sampai." }
        (Field::text("shippingFlat", "Ongkir sama untuk semua (Rp, opsional)").inputmode("numeric").placeholder("20.000").of(f, flat.as_deref()))
        (Field::number("reminderDays", "Pengingat bayar setelah barang sampai (hari)").range("1", Some("30")).of(f, Some(&days)))
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
            let f =
                NewTripForm::parse(pricing_input(without_empty_deadline(with_active_flag(input), false), false), ctx)?;
            let t = trips::create(ctx, &s.user, f).await?;
            respond::see_other(&format!("/dashboard/trips/{}", t.id))
        },
        async |state| new_page(ctx, s, state),
    )
    .await
}

/// "Catat pesanan dari chat": a bill keyed in for a penitip who ordered in
/// the jastiper's own chat. Its phone is messaged only once it confirms,
/// as for any order placed on her behalf.
fn keyed_in_form(s: &PageSession, base: &str, items: &[ProductRow], f: &FormState) -> Markup {
    let on_sale: Vec<&ProductRow> = items.iter().filter(|p| p.status.orderable(p.stock)).collect();
    html! {
        @if !on_sale.is_empty() {
            form.card #keyed-in method="post" action={ (base) "/bills" } {
                h2 { "Catat pesanan dari chat" }
                p.mute { "Untuk penitip yang memesan lewat chat: satu tagihan, kabar WhatsApp setelah nomornya konfirmasi." }
                (csrf(s))
                (notice(f))
                @if let Some(e) = f.error("items") { p.err { (e) } }
                @for (i, p) in on_sale.iter().enumerate() {
                    @let name = cart_field(i, &p.id);
                    (Field::number(&name, &format!("{} · {}", p.title, rupiah(p.price))).range("0", None).of(f, Some("0")))
                }
                (Field::text("buyerName", "Nama penitip").autocomplete("off").limit(fields::NAME).required().of(f, None))
                (Field::tel("buyerPhone", "Nomor WhatsApp penitip").required().of(f, None))
                (Field::textarea("buyerNotes", "Catatan (opsional)", "2").limit(fields::NOTES).of(f, None))
                button.btn type="submit" { "Simpan tagihan" }
            }
        }
    }
}

/// `POST /dashboard/trips/<id>/bills`: the keyed-in lines as one checkout for that penitip.
pub async fn keyed_in(ctx: &Ctx, s: &PageSession, id: &str, form: Posted) -> ApiResult<Response> {
    let trip = trips::owned(ctx, &s.user, id).await?;
    form.answer(
        async |input| {
            let form = OrderForm::parse(cart_input(input)?, true)?;
            orders::place(ctx, Some(&s.user), form).await?;
            respond::see_other(&format!("/dashboard/trips/{}/orders", trip.id))
        },
        async |mut state| {
            cart_errors(&mut state);
            page(ctx, s, &trip.id, state).await
        },
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
        text.push_str(&format!("• {} — {} (kode {})\n", p.title, rupiah(p.price), p.slug));
    }
    text.push_str(&format!("\nPesan di sini: {}/t/{}", ctx.config.public_base_url, t.slug));
    if let Some(p) = items.iter().find(|p| p.status.orderable(p.stock)) {
        text.push_str(&format!("\nAtau kirim WhatsApp: PESAN <kode> <jumlah>, mis. PESAN {} 2", p.slug));
    }
    text
}

pub async fn page(ctx: &Ctx, s: &PageSession, id: &str, form: FormState) -> ApiResult<Response> {
    let d = dashboard::trip(ctx, &s.user, id).await?;
    let t = &d.trip;
    let totals = all_totals(&d.totals);
    let orders: i64 = totals.iter().map(|(_, n, _)| n).sum();
    let base = format!("/dashboard/trips/{}", t.id);
    // One page, two forms: a refusal shows on the form it came from.
    let status = form.status();
    let (form, keyed) =
        if form.sent("buyerName") { (FormState::default(), form) } else { (form, FormState::default()) };
    let body = html! {
        p.mt1 { a href="/dashboard" { "← Dashboard" } }
        h1 { (t.title) }
        p.mute {
            "Link: " a href={ "/t/" (Query(&t.slug)) } { (ctx.config.public_base_url) "/t/" (t.slug) }
            @if t.closed(ctx.now) { " · " span.badge { "Sudah tutup" } }
        }
        nav.tabs aria-label="Bagian trip" {
            a href={ (base) "/orders" } { "Pesanan (" (orders) ")" }
            a href={ (base) "/payments" } { "Pembayaran" }
            a href={ (base) "/recap" } { "Rekap & kirim" }
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
        (keyed_in_form(s, &base, &d.products, &keyed))
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
            @if d.open_bills > 0 {
                p.mute #open-bills { (d.open_bills) " tagihan terbuka tetap memakai harga saat dipesan; kurs atau fee baru berlaku untuk pesanan baru." }
            }
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

pub async fn update(ctx: &Ctx, s: &PageSession, id: &str, form: Posted) -> ApiResult<Response> {
    let trip = trips::owned(ctx, &s.user, id).await?;
    form.answer(
        async |input| {
            let change =
                trips::parse_change(pricing_input(without_empty_deadline(with_active_flag(input), true), true), ctx)?;
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
    let original = p.and_then(|p| p.price_original).map(|o| money::show_scaled(o, trip.currency().minor_digits()));
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
            @if trip.currency().is_idr() {
                (Field::text("price", "Harga (Rp)").inputmode("numeric").placeholder("125.000").required().of(f, price.as_deref()))
            } @else {
                (Field::text("priceOriginal", &format!("Harga di toko ({})", trip.currency().symbol())).inputmode("decimal").required().of(f, original.as_deref()))
                @if let (Some(pricing), Some(o)) = (trip.pricing(), p.and_then(|p| p.price_original)) {
                    p.mute #breakdown { (pricing.breakdown(o)) }
                }
            }
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
    // A file input left empty: no new photo.
    let image = upload::chosen_image(&form, "image", PRODUCT_MAX).await?;
    drop_empty(&mut posted.input, "description");
    Ok((posted, image))
}

pub async fn product_create(ctx: &Ctx, req: &mut Request, s: &PageSession, trip_id: &str) -> ApiResult<Response> {
    let trip = trips::owned(ctx, &s.user, trip_id).await?;
    let read = product_form(req, s).await;
    // A refused form cannot hand the chosen photo back to the browser: say so.
    let had_photo = read.as_ref().is_ok_and(|(_, image)| image.is_some());
    answer_read(
        read,
        async |input, image| {
            products::create(ctx, &s.user, &trip, NewProductForm::parse(input, trip.currency())?, image).await?;
            respond::see_other(&format!("/dashboard/trips/{}", trip.id))
        },
        async |mut state| {
            if had_photo {
                state.ensure_error("image", crate::web::form::PHOTO_AGAIN.into());
            }
            product_page(ctx, s, &trip, None, state)
        },
    )
    .await
}

pub async fn product_update(ctx: &Ctx, req: &mut Request, s: &PageSession, id: &str) -> ApiResult<Response> {
    let (product, trip) = products::owned_with_trip(ctx, &s.user, id).await?;
    let read = product_form(req, s).await;
    // A refused form cannot hand the chosen photo back to the browser: say so.
    let had_photo = read.as_ref().is_ok_and(|(_, image)| image.is_some());
    answer_read(
        read,
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
        async |mut state| {
            if had_photo {
                state.ensure_error("image", crate::web::form::PHOTO_AGAIN.into());
            }
            product_page(ctx, s, &trip, Some(&product), state)
        },
    )
    .await
}
