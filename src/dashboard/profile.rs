//! `/dashboard/profile`: name, bio, payment details, avatar, cover and QRIS images,
//! the password.

use maud::html;
use worker::{Request, Response};

use super::view::{csrf, shell};
use super::{account, session};
use crate::ctx::Ctx;
use crate::domain::fields;
use crate::domain::payment::WALLETS;
use crate::error::{ApiError, ApiResult};
use crate::service::accounts::PageSession;
use crate::service::profile::{self, ProfileImage};
use crate::web::form::{answer_read, notice, problem, Field, FormState, Posted};
use crate::web::html::SafeUrl;
use crate::web::{respond, upload};

pub async fn page(ctx: &Ctx, s: &PageSession, form: FormState, saved: Option<&str>) -> ApiResult<Response> {
    let u = profile::current(ctx, &s.user).await?;
    let p = &u.payment;
    let wallets = [&p.pay_gopay, &p.pay_ovo, &p.pay_dana, &p.pay_shopeepay];
    let status = form.status();
    let (profile_form, password_state) =
        if form.sent("currentPassword") { (FormState::default(), form) } else { (form, FormState::default()) };
    let f = &profile_form;
    let codes = if f.is_refused() { f.sent("uniqueCodes") } else { u.unique_codes };
    let body = html! {
        h1.mt15 { "Profil & pembayaran" }
        @match saved {
            Some("password") => p.ok role="status" { "Kata sandi diganti. Perangkat lain sudah keluar." },
            Some(_) => p.ok role="status" { "Tersimpan ✓" },
            None => {},
        }
        form.card method="post" action="/dashboard/profile" {
            (csrf(s))
            (notice(f))
            h2 { "Profil publik" }
            p.mute { "Link: " a href={ "/" (u.slug) } { (ctx.config.public_base_url) "/" (u.slug) } }
            (Field::text("profileName", "Nama toko").limit(fields::NAME).required().of(f, u.profile_name.as_deref()))
            (Field::textarea("profileBio", "Bio", "3").limit(fields::PROFILE_BIO).of(f, u.profile_bio.as_deref()))
            h2 { "Transfer bank" }
            (Field::text("bankName", "Nama bank").placeholder("BCA").limit(fields::BANK_NAME).of(f, p.pay_bank_name.as_deref()))
            // Room for the separators people type between the digits (dropped when saved).
            (Field::text("bankAccount", "Nomor rekening").inputmode("numeric").maxlength(fields::ACCOUNT_DIGITS.1 + 4).of(f, p.pay_bank_account.as_deref()))
            (Field::text("bankHolder", "Atas nama").limit(fields::BANK_HOLDER).of(f, p.pay_bank_holder.as_deref()))
            label.check for="uniqueCodes" {
                input #uniqueCodes type="checkbox" name="uniqueCodes" value="on" checked[codes];
                " Kode unik: tambahkan Rp 1–999 ke setiap tagihan baru, supaya tiap transfer di mutasi rekening menunjuk tagihannya"
            }
            h2 { "E-wallet" }
            @for ((name, label), stored) in WALLETS.iter().zip(wallets) {
                (Field::tel(name, &format!("Nomor {label}")).of(f, stored.as_deref()))
            }
            button.btn type="submit" { "Simpan profil" }
        }
        (image_form(s, f, ImageForm { which: "avatar", title: "Foto profil", class: "avatar inline", alt: "Foto profil sekarang", current: u.avatar.as_deref(), label: "Pilih foto", button: "Unggah foto profil", side: "800" }))
        (image_form(s, f, ImageForm { which: "cover", title: "Foto sampul", class: "cover", alt: "Foto sampul sekarang", current: u.cover_image.as_deref(), label: "Pilih foto sampul", button: "Unggah foto sampul", side: "1600" }))
        (image_form(s, f, ImageForm { which: "qris", title: "QRIS (opsional)", class: "qris", alt: "QRIS sekarang", current: p.qris_image.as_deref(), label: "Gambar QRIS", button: "Unggah QRIS", side: "1600" }))
        (account::password_form(s, &password_state))
    };
    shell(ctx, Some(s), "Profil", status, body)
}

/// One of the profile's image uploads (avatar, cover, QRIS).
struct ImageForm<'a> {
    which: &'a str,
    title: &'a str,
    /// The `class` and the alternative text of the current image.
    class: &'a str,
    alt: &'a str,
    current: Option<&'a str>,
    label: &'a str,
    button: &'a str,
    /// The longest side the browser resizes the photo to.
    side: &'a str,
}

fn image_form(s: &PageSession, f: &FormState, i: ImageForm<'_>) -> maud::Markup {
    let name = format!("{}-image", i.which);
    html! {
        form.card method="post" action={ "/dashboard/profile/" (i.which) } enctype="multipart/form-data" {
            h2 { (i.title) }
            @if let Some(src) = i.current { img class=(i.class) alt=(i.alt) src=(SafeUrl(src)); }
            input type="hidden" name="csrf" value=(s.csrf);
            (Field::image(&name, i.label, Some(i.side)).required().of(f, None))
            button.btn.alt type="submit" { (i.button) }
        }
    }
}

pub async fn submit(ctx: &Ctx, s: &PageSession, form: Posted) -> ApiResult<Response> {
    form.answer(
        async |mut input| {
            // The checkbox is sent only when ticked.
            let on = input.map().get("uniqueCodes").is_some();
            input.insert("uniqueCodes", serde_json::Value::Bool(on));
            profile::update(ctx, &s.user, profile::parse_change(input)?).await?;
            respond::see_other("/dashboard/profile?saved=profile")
        },
        async |state| page(ctx, s, state, None).await,
    )
    .await
}

/// `POST /dashboard/profile/{avatar|cover|qris}` (multipart with `csrf` and `image`).
pub async fn upload(ctx: &Ctx, req: &mut Request, s: &PageSession, which: &str) -> ApiResult<Response> {
    session::same_site(req)?;
    let kind = match which {
        "avatar" => ProfileImage::Avatar,
        "cover" => ProfileImage::Cover,
        _ => ProfileImage::Qris,
    };
    let field_name = format!("{which}-image");
    let read = async {
        let form = upload::form(req, kind.limit(), &["csrf", &field_name]).await?;
        session::check_token(s, &upload::text_field(&form, "csrf"))?;
        let image = upload::image_field(&form, &field_name, kind.limit())
            .await?
            .ok_or_else(|| ApiError::field("image", "is required"))?;
        Ok((Posted::empty(), image))
    }
    .await;
    answer_read(
        read,
        async |_, image| {
            profile::set_image(ctx, &s.user, kind, image).await?;
            respond::see_other("/dashboard/profile?saved=image")
        },
        async |mut state| {
            // The upload's problem shows under the form it came from.
            state.rename_error("image", &field_name);
            state.ensure_error(&field_name, problem("image"));
            page(ctx, s, state, None).await
        },
    )
    .await
}
