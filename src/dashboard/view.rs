//! The dashboard's page shell (the penitip pages' look, with a navigation
//! bar), the form state a refused form is shown again with, and the
//! Indonesian words for every field problem.

use std::collections::BTreeMap;

use maud::{html, Markup};
use worker::Response;

use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::web::page::html_response;
use crate::pages::layout::Field;
use crate::web::page::{page, script, Meta};
use crate::service::accounts::PageSession;

/// What was typed into a form and what was wrong with it.
#[derive(Default)]
pub struct FormState {
    pub values: BTreeMap<String, String>,
    pub errors: BTreeMap<String, String>,
    /// A problem of the whole form (not of one field).
    pub problem: Option<String>,
}

impl FormState {
    pub fn value<'a>(&'a self, name: &str, stored: Option<&'a str>) -> &'a str {
        self.values.get(name).map(String::as_str).or(stored).unwrap_or("")
    }

    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }

    /// A refused request, explained field by field.
    pub fn refused(values: BTreeMap<String, String>, e: &ApiError) -> FormState {
        let mut errors: BTreeMap<String, String> =
            e.fields.keys().map(|f| (f.clone(), problem(f).to_string())).collect();
        let mut general = None;
        match e.code {
            ErrorCode::ValidationFailed => {}
            ErrorCode::AlreadyExists | ErrorCode::SlugUnavailable => {
                let field = if e.message.to_lowercase().contains("email") { "email" } else { "slug" };
                errors.insert(field.into(), taken(field).into());
            }
            ErrorCode::Forbidden if values.contains_key("currentPassword") => {
                errors.insert("currentPassword".into(), "Kata sandi sekarang salah.".into());
            }
            ErrorCode::Unauthorized => general = Some("Email atau kata sandi salah.".into()),
            ErrorCode::TooManyRequests => {
                general = Some("Terlalu banyak percobaan. Tunggu beberapa menit lalu coba lagi.".into())
            }
            ErrorCode::PayloadTooLarge => {
                errors.insert("image".into(), "File terlalu besar (maks. 5 MB).".into());
            }
            ErrorCode::UnsupportedMediaType | ErrorCode::InvalidMultipart => {
                errors.insert("image".into(), problem("image").into());
            }
            ErrorCode::ProductHasOrders => {
                general =
                    Some("Produk ini sudah dipesan, jadi tidak bisa dihapus. Ubah statusnya ke Dihentikan.".into())
            }
            ErrorCode::InvalidTransition => {
                general = Some("Status pesanan ini sudah berubah. Muat ulang halaman.".into())
            }
            ErrorCode::NotFailed => general = Some("Pesan ini tidak gagal, jadi tidak perlu dikirim ulang.".into()),
            _ => general = Some("Ada yang belum benar. Periksa isian lalu coba lagi.".into()),
        }
        FormState { values, errors, problem: general }
    }
}

fn taken(field: &str) -> &'static str {
    match field {
        "email" => "Email ini sudah terdaftar. Masuk saja.",
        _ => "Link ini sudah dipakai. Pilih yang lain.",
    }
}

/// What to tell a jastiper about a field the service refused.
pub fn problem(field: &str) -> &'static str {
    match field {
        "email" => "Email tidak valid.",
        "password" | "newPassword" => "Kata sandi minimal 8 karakter.",
        "currentPassword" => "Isi kata sandi sekarang.",
        "fullName" | "profileName" => "Isi nama (maks. 100 karakter).",
        "profileBio" => "Bio maks. 500 karakter.",
        "slug" => "Link hanya huruf kecil, angka dan tanda minus (trip 3–10, profil 3–30 karakter).",
        "title" => "Isi judul (maks. 120 karakter).",
        "description" => "Deskripsi terlalu panjang.",
        "deadline" => "Batas waktu harus tanggal yang belum lewat.",
        "price" => "Harga dalam Rupiah, angka bulat 0 atau lebih.",
        "stock" => "Stok angka bulat 0 atau lebih.",
        "maxPerBuyer" => "Batas per pembeli 1 sampai 100.",
        "status" => "Pilih status yang tersedia.",
        "phone" | "gopay" | "ovo" | "dana" | "shopeepay" => "Nomor HP Indonesia tidak valid (contoh: 08123456789).",
        "bankName" => "Nama bank 2–40 karakter.",
        "bankAccount" => "Nomor rekening 5–20 angka.",
        "bankHolder" => "Nama pemilik rekening 2–80 karakter.",
        "image" => "Gambar harus JPEG, PNG atau WebP, maks. 5 MB dan 4096 px per sisi.",
        "message" => "Tulis pesan (maks. 1000 karakter).",
        "reason" => "Alasan maks. 200 karakter.",
        _ => "Isian ini belum benar.",
    }
}

/// A labelled input bound to the form state.
pub fn field(
    form: &FormState,
    name: &str,
    label: &str,
    kind: &str,
    stored: Option<&str>,
    required: bool,
    attrs: &[(&str, &str)],
) -> Markup {
    Field { name, label, kind, value: form.value(name, stored), required, attrs, error: form.error(name) }.render()
}

/// The hidden token every dashboard form carries.
pub fn csrf(s: &PageSession) -> Markup {
    html! { input type="hidden" name="csrf" value=(s.csrf); }
}

pub fn notice(form: &FormState) -> Markup {
    html! {
        @if let Some(p) = &form.problem { p.err role="alert" { (p) } }
        @if !form.errors.is_empty() && form.problem.is_none() {
            p.err role="alert" { "Ada isian yang belum benar, lihat di bawah." }
        }
    }
}

/// A whole dashboard page.
pub fn shell(ctx: &Ctx, s: Option<&PageSession>, title: &str, status: u16, body: Markup) -> ApiResult<Response> {
    let url = format!("{}/dashboard", ctx.config.public_base_url);
    let meta = Meta { title, description: "Dashboard jastiper Jastipin", image: None, url: &url };
    let body = html! {
        @if let Some(s) = s {
            nav.dash aria-label="Menu dashboard" {
                a href="/dashboard" { "Dashboard" }
                a href="/dashboard/profile" { "Profil" }
                form method="post" action="/logout" {
                    (csrf(s))
                    button.link type="submit" { "Keluar" }
                }
            }
        }
        (body)
        (script())
    };
    html_response(status, page(&meta, body), "private, no-store")
}

fn wib(iso: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let at = chrono::DateTime::parse_from_rfc3339(iso).ok()?;
    Some(at.with_timezone(&chrono::FixedOffset::east_opt(7 * 3600)?))
}

/// A stored time as Jakarta time ("05/12/2026 23:59 WIB").
pub fn wib_time(iso: &str) -> String {
    wib(iso).map_or_else(|| iso.to_string(), |t| t.format("%d/%m/%Y %H:%M WIB").to_string())
}

/// A stored deadline as the `YYYY-MM-DD` of a date input (Jakarta's day).
pub fn wib_date_value(iso: &str) -> String {
    wib(iso).map_or_else(String::new, |t| t.format("%Y-%m-%d").to_string())
}

/// "+12%" / "−3" style change against the previous period; `show` writes an amount.
pub fn change(now: i64, before: i64, show: fn(i64) -> String) -> String {
    match now - before {
        0 => "sama seperti 7 hari sebelumnya".into(),
        d if before == 0 => format!("{}{} dari 7 hari sebelumnya", if d > 0 { "+" } else { "−" }, show(d.abs())),
        d => format!("{}{}% dari 7 hari sebelumnya", if d > 0 { "+" } else { "−" }, (d.abs() * 100) / before),
    }
}
