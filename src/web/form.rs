//! One way to build a form, for the penitip's pages and the dashboard alike:
//!
//! - `Posted`: what a form carried, as the `Input` its use case parses and
//!   the text typed into each field (to show again);
//! - `Posted::answer`: runs the use case; a refusal a person can fix shows
//!   the same form again (`FormState`), every typed value kept, every field's
//!   problem next to it, with the refusal's status (and `Retry-After`);
//! - `Field`: the one field component (a maud `Render` type), whose
//!   `maxlength` comes from the same limits the parser checks
//!   (`domain::fields`);
//! - `problem` and `FormState::refused`: the Indonesian words for every field
//!   and every refusal.
//!
//! docs/ARCHITECTURE.md, "How to add a form", walks through one.

use std::collections::BTreeMap;

use maud::{html, Markup, Render};
use serde_json::Value;
use worker::Response;

use super::respond;
use crate::domain::fields::{self, TextLimit};
use crate::domain::password;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::input::Input;

/// What was typed into a form and what was wrong with it. The default is a
/// fresh form (status 200, nothing typed).
#[derive(Default)]
pub struct FormState {
    values: BTreeMap<String, String>,
    errors: BTreeMap<String, String>,
    /// A problem of the whole form (not of one field).
    problem: Option<String>,
    status: Option<u16>,
}

impl FormState {
    /// What to show in field `name`: what was typed, else what is stored.
    pub fn value<'a>(&'a self, name: &str, stored: Option<&'a str>) -> &'a str {
        self.values.get(name).map(String::as_str).or(stored).unwrap_or("")
    }

    /// Whether field `name` was sent (a checkbox left unticked is not).
    pub fn sent(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// Whether this is a form sent back (rather than a fresh one).
    pub fn is_refused(&self) -> bool {
        self.status.is_some()
    }

    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }

    /// The page's status: 200 for a fresh form, the refusal's otherwise.
    pub fn status(&self) -> u16 {
        self.status.unwrap_or(200)
    }

    /// Moves a problem to the field the page shows it under (an upload's
    /// `image` is the profile form's `avatar-image`).
    pub fn rename_error(&mut self, from: &str, to: &str) {
        if let Some(e) = self.errors.remove(from) {
            self.errors.insert(to.to_string(), e);
        }
    }

    /// Field `name` shows `words` unless it already has a problem.
    pub fn ensure_error(&mut self, name: &str, words: String) {
        self.errors.entry(name.to_string()).or_insert(words);
    }

    /// A request refused, explained field by field; `None` when it is not a
    /// person's mistake to fix in the form (a stale or cross-site form, a
    /// failure of ours): the page edge's error page answers it.
    pub fn refused(values: BTreeMap<String, String>, e: &ApiError) -> Option<FormState> {
        if e.status() >= 500 {
            return None;
        }
        let mut errors: BTreeMap<String, String> = e.fields.keys().map(|f| (f.clone(), problem(f))).collect();
        let mut general = None;
        match e.code {
            ErrorCode::ValidationFailed | ErrorCode::TripClosed | ErrorCode::PriceConflict => {}
            ErrorCode::AlreadyExists | ErrorCode::SlugUnavailable => {
                errors.clear();
                let taken: Vec<String> = e.fields.keys().cloned().collect();
                for field in if taken.is_empty() { vec!["slug".to_string()] } else { taken } {
                    let words = if field == "email" {
                        "Email ini sudah terdaftar. Masuk saja."
                    } else {
                        "Link ini sudah dipakai. Pilih yang lain."
                    };
                    errors.insert(field, words.into());
                }
            }
            ErrorCode::Forbidden if values.contains_key("currentPassword") => {
                errors.insert("currentPassword".into(), "Kata sandi sekarang salah.".into());
            }
            ErrorCode::Forbidden => return None,
            ErrorCode::Unauthorized => general = Some("Email atau kata sandi salah."),
            ErrorCode::TooManyRequests => {
                general = Some("Terlalu banyak percobaan. Tunggu beberapa menit lalu coba lagi.")
            }
            ErrorCode::PayloadTooLarge => {
                errors.insert("image".into(), "File terlalu besar (maks. 5 MB).".into());
            }
            ErrorCode::UnsupportedMediaType | ErrorCode::InvalidMultipart | ErrorCode::UnreadableBody => {
                errors.insert("image".into(), problem("image"));
            }
            ErrorCode::OutOfStock => general = Some("Maaf, stok tidak cukup untuk jumlah ini."),
            ErrorCode::LimitPerBuyer => general = Some("Maaf, jumlah ini melebihi batas per pembeli untuk produk ini."),
            ErrorCode::TooManyPendingOrders => {
                general = Some("Kamu masih punya beberapa pesanan yang belum dibayar di trip ini. Bayar dulu ya.")
            }
            ErrorCode::ProductUnavailable => general = Some("Maaf, produk ini sudah tidak tersedia."),
            ErrorCode::ProductHasOrders => {
                general = Some("Produk ini sudah dipesan, jadi tidak bisa dihapus. Ubah statusnya ke Dihentikan.")
            }
            ErrorCode::InvalidTransition => general = Some("Status pesanan ini sudah berubah. Muat ulang halaman."),
            ErrorCode::NotFailed => general = Some("Pesan ini tidak gagal, jadi tidak perlu dikirim ulang."),
            _ => general = Some("Ada yang belum benar. Periksa isian lalu coba lagi."),
        }
        Some(FormState { values, errors, problem: general.map(String::from), status: Some(e.status()) })
    }
}

/// What to tell a person about a field the service refused; the lengths
/// are the parsers' own (`domain::fields`).
pub fn problem(field: &str) -> String {
    let max = |what: &str, l: TextLimit| format!("{what} maks. {} karakter.", l.max);
    match field {
        "name" | "buyerName" => "Isi nama kamu.".into(),
        "items" => "Pilih minimal satu barang (jumlah 1 atau lebih).".into(),
        q if q.starts_with("qty-") => "Jumlah harus angka bulat 0 atau lebih.".into(),
        "buyerNotes" => max("Catatan", fields::NOTES),
        "phone" | "buyerPhone" => {
            "Nomor WhatsApp tidak valid (contoh: 08123456789, atau +65 9123 4567 untuk nomor luar negeri).".into()
        }
        "quantity" => "Jumlah minimal 1.".into(),
        "notes" => max("Catatan", fields::NOTES),
        "email" => "Email tidak valid.".into(),
        "password" | "newPassword" => format!("Kata sandi minimal {} karakter.", password::MIN_LEN),
        "currentPassword" => "Isi kata sandi sekarang.".into(),
        "fullName" | "profileName" => format!("Isi nama (maks. {} karakter).", fields::NAME.max),
        "profileBio" => max("Bio", fields::PROFILE_BIO),
        "slug" => format!(
            "Link hanya huruf kecil, angka dan tanda minus (trip {}–{}, profil {}–{} karakter).",
            fields::TRIP_SLUG.0,
            fields::TRIP_SLUG.1,
            fields::PROFILE_SLUG.0,
            fields::PROFILE_SLUG.1
        ),
        "title" => format!("Isi judul (maks. {} karakter).", fields::TITLE.max),
        "description" => max("Deskripsi", fields::DESCRIPTION),
        "deadline" => "Batas waktu harus tanggal yang belum lewat.".into(),
        "price" => "Harga dalam Rupiah, mis. 125000, 125.000 atau Rp 125.000.".into(),
        "priceOriginal" => "Harga di toko, mis. 1.200 atau 12,50 (sesuai mata uang trip).".into(),
        "currency" => "Pilih mata uang.".into(),
        "exchangeRate" => "Kurs dalam Rupiah per 1 satuan, mis. 105,5 (wajib untuk mata uang selain IDR).".into(),
        "feePercent" => "Fee jastip 0–100 %, mis. 10 atau 7,5.".into(),
        "feePerItem" => "Fee per barang dalam Rupiah, mis. 5.000.".into(),
        "roundTo" => "Pembulatan 1, 100, 500 atau 1.000.".into(),
        "stock" => "Stok angka bulat 0 atau lebih.".into(),
        "maxPerBuyer" => "Batas per pembeli 1 sampai 100.".into(),
        "status" => "Pilih status yang tersedia.".into(),
        "gopay" | "ovo" | "dana" | "shopeepay" => "Nomor HP Indonesia tidak valid (contoh: 08123456789).".into(),
        "bankName" => format!("Nama bank {}–{} karakter.", fields::BANK_NAME.min, fields::BANK_NAME.max),
        "bankAccount" => format!("Nomor rekening {}–{} angka.", fields::ACCOUNT_DIGITS.0, fields::ACCOUNT_DIGITS.1),
        "bankHolder" => {
            format!("Nama pemilik rekening {}–{} karakter.", fields::BANK_HOLDER.min, fields::BANK_HOLDER.max)
        }
        "image" | "avatar-image" | "cover-image" | "qris-image" => {
            "Gambar harus JPEG, PNG atau WebP, maks. 5 MB dan 4096 px per sisi.".into()
        }
        "message" => format!("Tulis pesan (maks. {} karakter).", fields::MESSAGE.max),
        "reason" => max("Alasan", fields::REASON),
        _ => "Isian ini belum benar.".into(),
    }
}

/// What a posted form carried: its fields for the use case, and the text
/// typed into each (passwords are never shown again).
pub struct Posted {
    pub input: Input,
    pub typed: BTreeMap<String, String>,
}

impl Posted {
    /// `input` as read from the body; `typed` keeps every field, those named
    /// in `secret` (passwords) as sent but empty.
    pub fn new(input: Input, secret: &[&str]) -> Posted {
        let typed = input
            .map()
            .iter()
            .map(|(k, v)| {
                let text = if secret.contains(&k.as_str()) {
                    String::new()
                } else {
                    v.as_str().map_or_else(|| v.to_string(), String::from)
                };
                (k.clone(), text)
            })
            .collect();
        Posted { input, typed }
    }

    /// Runs `attempt` (parse the form, call the use case, answer: usually a
    /// 303) on the fields; when it is refused for something the person can
    /// fix, `again` renders the same form with the refusal
    /// (`FormState::refused`). Anything else is the edge's error page.
    pub async fn answer(
        self,
        attempt: impl AsyncFnOnce(Input) -> ApiResult<Response>,
        again: impl AsyncFnOnce(FormState) -> ApiResult<Response>,
    ) -> ApiResult<Response> {
        let Posted { input, typed } = self;
        settle(typed, attempt(input).await, again).await
    }

    /// A form with nothing typed (an upload of one file).
    pub fn empty() -> Posted {
        Posted { input: Input::from_map(serde_json::Map::new()), typed: BTreeMap::new() }
    }
}

/// A refused form cannot hand a chosen photo back to the browser: it says so.
pub const PHOTO_AGAIN: &str = "Foto belum tersimpan: pilih fotonya lagi sebelum menyimpan.";

/// `Posted::answer` for a form whose reading can itself be refused (a
/// multipart upload too large, of the wrong type …): `read` is the form and
/// what came with it (the photo), or why it could not be read.
pub async fn answer_read<X>(
    read: ApiResult<(Posted, X)>,
    attempt: impl AsyncFnOnce(Input, X) -> ApiResult<Response>,
    again: impl AsyncFnOnce(FormState) -> ApiResult<Response>,
) -> ApiResult<Response> {
    match read {
        Ok((Posted { input, typed }, extra)) => settle(typed, attempt(input, extra).await, again).await,
        Err(e) => settle(BTreeMap::new(), Err(e), again).await,
    }
}

async fn settle(
    typed: BTreeMap<String, String>,
    done: ApiResult<Response>,
    again: impl AsyncFnOnce(FormState) -> ApiResult<Response>,
) -> ApiResult<Response> {
    let e = match done {
        Ok(done) => return Ok(done),
        Err(e) => e,
    };
    let Some(state) = FormState::refused(typed, &e) else {
        return Err(e);
    };
    let page = again(state).await?;
    match e.retry_after {
        Some(secs) => respond::header(page, "retry-after", &secs.to_string()),
        None => Ok(page),
    }
}

/// A cart form's buyer fields and the order body's names for them (the
/// trip page has a join form with a name and phone too, so the cart's own
/// have their own names).
const CART_FIELDS: [(&str, &str); 3] = [("buyerName", "name"), ("buyerPhone", "phone"), ("buyerNotes", "notes")];

/// The quantity field of a cart's `position`-th product: `qty-<position>-<id>`,
/// so the lines keep the page's order (a posted form is read sorted by name).
pub fn cart_field(position: usize, product_id: &str) -> String {
    format!("qty-{position:03}-{product_id}")
}

/// A cart form (`qty-<position>-<productId>` or `qty-<productId>` fields and the buyer's) as the order
/// body `service::orders::OrderForm` parses: `items` and the buyer.
pub fn cart_input(mut input: Input) -> ApiResult<Input> {
    let mut items = Vec::new();
    for (k, v) in input.map() {
        let Some(rest) = k.strip_prefix("qty-") else { continue };
        let id = match rest.split_once('-') {
            Some((position, id)) if position.bytes().all(|b| b.is_ascii_digit()) => id,
            _ => rest,
        };
        let text = v.as_str().map(str::trim).map_or_else(|| v.to_string(), String::from);
        match text.parse::<i64>() {
            Ok(0) => {}
            Ok(q) => items.push(serde_json::json!({ "productId": id, "quantity": q })),
            Err(_) if text.is_empty() => {}
            Err(_) => return Err(ApiError::field(k, "must be a whole number")),
        }
    }
    if items.is_empty() {
        return Err(ApiError::field("items", "choose at least one product"));
    }
    input.retain(|k| !k.starts_with("qty-"));
    input.insert("items", Value::from(items));
    for (form, body) in CART_FIELDS {
        if let Some(v) = input.map().get(form).cloned() {
            input.retain(|k| k != form);
            input.insert(body, v);
        }
    }
    Ok(input)
}

/// A refused cart's problems under the cart's own field names.
pub fn cart_errors(state: &mut FormState) {
    for (form, body) in CART_FIELDS {
        state.rename_error(body, form);
    }
}

/// Whether a posted field belongs to a cart form.
pub fn is_cart_field(name: &str) -> bool {
    name.starts_with("qty-") || CART_FIELDS.iter().any(|(form, _)| *form == name) || name == "checkoutKey"
}

/// Drops a field sent empty (an optional field left blank means "not set").
pub fn drop_empty(input: &mut Input, name: &str) {
    if input.map().get(name).and_then(Value::as_str).is_some_and(|v| v.trim().is_empty()) {
        input.retain(|k| k != name);
    }
}

/// A labelled form field that shows what was typed (or is stored) and its
/// problem: `(Field::text("title", "Judul").limit(fields::TITLE).of(&form, stored))`.
pub struct Field<'a> {
    name: &'a str,
    label: &'a str,
    /// `text`, `tel`, `number`, `file`, `email`, `password`, `date` … or `textarea`.
    kind: &'a str,
    value: &'a str,
    error: Option<&'a str>,
    required: bool,
    maxlength: Option<usize>,
    minlength: Option<usize>,
    placeholder: Option<&'a str>,
    autocomplete: Option<&'a str>,
    inputmode: Option<&'a str>,
    min: Option<&'a str>,
    max: Option<&'a str>,
    accept: Option<&'a str>,
    rows: Option<&'a str>,
    /// The id of the form it belongs to, when it stands outside it.
    form: Option<&'a str>,
    /// The longest side a photo is resized to in the browser (`script.js`).
    resize: Option<&'a str>,
}

impl<'a> Field<'a> {
    pub fn new(name: &'a str, label: &'a str, kind: &'a str) -> Field<'a> {
        Field {
            name,
            label,
            kind,
            value: "",
            error: None,
            required: false,
            maxlength: None,
            minlength: None,
            placeholder: None,
            autocomplete: None,
            inputmode: None,
            min: None,
            max: None,
            accept: None,
            rows: None,
            form: None,
            resize: None,
        }
    }

    pub fn text(name: &'a str, label: &'a str) -> Field<'a> {
        Field::new(name, label, "text")
    }

    pub fn textarea(name: &'a str, label: &'a str, rows: &'a str) -> Field<'a> {
        Field { rows: Some(rows), ..Field::new(name, label, "textarea") }
    }

    /// A whole number typed on a phone's number pad.
    pub fn number(name: &'a str, label: &'a str) -> Field<'a> {
        Field { inputmode: Some("numeric"), ..Field::new(name, label, "number") }
    }

    /// A WhatsApp or e-wallet number.
    pub fn tel(name: &'a str, label: &'a str) -> Field<'a> {
        Field { inputmode: Some("tel"), placeholder: Some("08123456789"), ..Field::new(name, label, "tel") }
    }

    /// A photo (JPEG, PNG or WebP), resized in the browser to `side` px when given.
    pub fn image(name: &'a str, label: &'a str, side: Option<&'a str>) -> Field<'a> {
        Field { accept: Some("image/jpeg,image/png,image/webp"), resize: side, ..Field::new(name, label, "file") }
    }

    /// What was typed into this field, else `stored`, and its problem.
    pub fn of(self, form: &'a FormState, stored: Option<&'a str>) -> Field<'a> {
        Field { value: form.value(self.name, stored), error: form.error(self.name), ..self }
    }

    pub fn required(self) -> Field<'a> {
        Field { required: true, ..self }
    }

    /// The parser's own bound as `maxlength` (and `minlength` above 1).
    pub fn limit(self, l: TextLimit) -> Field<'a> {
        Field { maxlength: Some(l.max), minlength: (l.min > 1).then_some(l.min), ..self }
    }

    pub fn maxlength(self, n: usize) -> Field<'a> {
        Field { maxlength: Some(n), ..self }
    }

    pub fn minlength(self, n: usize) -> Field<'a> {
        Field { minlength: Some(n), ..self }
    }

    pub fn placeholder(self, p: &'a str) -> Field<'a> {
        Field { placeholder: Some(p), ..self }
    }

    pub fn autocomplete(self, a: &'a str) -> Field<'a> {
        Field { autocomplete: Some(a), ..self }
    }

    pub fn inputmode(self, m: &'a str) -> Field<'a> {
        Field { inputmode: Some(m), ..self }
    }

    pub fn range(self, min: &'a str, max: Option<&'a str>) -> Field<'a> {
        Field { min: Some(min), max, ..self }
    }

    pub fn in_form(self, id: &'a str) -> Field<'a> {
        Field { form: Some(id), ..self }
    }
}

impl Render for Field<'_> {
    fn render(&self) -> Markup {
        let value = (!self.value.is_empty()).then_some(self.value);
        html! {
            label for=(self.name) { (self.label) }
            @if self.kind == "textarea" {
                textarea id=(self.name) name=(self.name) rows=[self.rows] maxlength=[self.maxlength]
                    placeholder=[self.placeholder] required[self.required] { (self.value) }
            } @else {
                input id=(self.name) name=(self.name) type=(self.kind) value=[value]
                    autocomplete=[self.autocomplete] inputmode=[self.inputmode] maxlength=[self.maxlength]
                    placeholder=[self.placeholder] min=[self.min] max=[self.max] accept=[self.accept] form=[self.form]
                    minlength=[self.minlength] data-resize=[self.resize]
                    required[self.required];
            }
            @if let Some(e) = self.error {
                p.err { (e) }
            }
        }
    }
}

/// The line above a refused form: its general problem, or a pointer to the
/// fields' own.
pub fn notice(form: &FormState) -> Markup {
    html! {
        @if let Some(p) = &form.problem { p.err role="alert" { (p) } }
        @if !form.errors.is_empty() && form.problem.is_none() {
            p.err role="alert" { "Ada isian yang belum benar, lihat di bawah." }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(code: ErrorCode, fields: &[&str]) -> FormState {
        let mut e = ApiError::new(code, "x");
        for f in fields {
            e.fields.insert((*f).to_string(), "bad".into());
        }
        let values = [("name".to_string(), "<Siti>".to_string())].into_iter().collect();
        FormState::refused(values, &e).expect("a refusal to show")
    }

    #[test]
    fn a_refusal_keeps_what_was_typed_and_names_each_field() {
        let f = refused(ErrorCode::ValidationFailed, &["phone", "reason"]);
        assert_eq!((f.status(), f.value("name", Some("stored"))), (400, "<Siti>"));
        assert!(f.error("phone").unwrap().contains("Nomor WhatsApp"));
        assert_eq!(f.error("reason"), Some("Alasan maks. 500 karakter."), "the parser's own limit");
        let html = Field::text("name", "Nama").limit(fields::NAME).of(&f, None).render().into_string();
        assert!(html.contains(r#"value="&lt;Siti&gt;""#) && html.contains(r#"maxlength="100""#), "{html}");
    }

    #[test]
    fn a_taken_value_is_named_by_its_field_and_a_stale_form_is_no_form_problem() {
        assert!(refused(ErrorCode::AlreadyExists, &["email"]).error("email").unwrap().contains("sudah terdaftar"));
        assert!(refused(ErrorCode::SlugUnavailable, &[]).error("slug").unwrap().contains("sudah dipakai"));
        assert!(FormState::refused(BTreeMap::new(), &ApiError::new(ErrorCode::Forbidden, "stale")).is_none());
        assert!(FormState::refused(BTreeMap::new(), &ApiError::internal("boom")).is_none());
        assert_eq!(FormState::default().status(), 200);
    }

    #[test]
    fn every_limit_in_a_message_is_the_parsers() {
        assert!(problem("notes").contains(&fields::NOTES.max.to_string()));
        assert!(problem("message").contains(&fields::MESSAGE.max.to_string()));
        assert!(problem("title").contains(&fields::TITLE.max.to_string()));
        assert!(problem("bankAccount").contains("5–20"));
    }
}
