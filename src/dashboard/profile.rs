//! `/dashboard/profile`: name, bio, payment details, avatar, cover and QRIS images,
//! the password.

use maud::html;
use worker::{Request, Response};

use super::view::{csrf, field, notice, shell, FormState};
use super::{account, session, Form};
use crate::ctx::Ctx;
use crate::domain::payment::WALLETS;
use crate::error::{ApiError, ApiResult};
use crate::pages::html::SafeUrl;
use crate::service::accounts::PageSession;
use crate::service::dashboard;
use crate::service::profile::{self, ProfileImage};
use crate::web::{respond, upload};

pub async fn page(
    ctx: &Ctx,
    s: &PageSession,
    form: FormState,
    saved: Option<&str>,
    status: u16,
) -> ApiResult<Response> {
    let u = dashboard::user(ctx, &s.user).await?;
    let p = &u.payment;
    let text = |v: &Option<String>| v.clone();
    let wallets = [&p.pay_gopay, &p.pay_ovo, &p.pay_dana, &p.pay_shopeepay];
    let (profile_form, password_state) = if form.values.contains_key("currentPassword") {
        (FormState::default(), form)
    } else {
        (form, FormState::default())
    };
    let f = &profile_form;
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
            (field(f, "profileName", "Nama toko", "text", text(&u.profile_name).as_deref(), true, &[("maxlength", "100")]))
            (field(f, "profileBio", "Bio", "textarea", text(&u.profile_bio).as_deref(), false, &[("maxlength", "500"), ("rows", "3")]))
            h2 { "Transfer bank" }
            (field(f, "bankName", "Nama bank", "text", text(&p.pay_bank_name).as_deref(), false, &[("placeholder", "BCA"), ("maxlength", "40")]))
            (field(f, "bankAccount", "Nomor rekening", "text", text(&p.pay_bank_account).as_deref(), false, &[("inputmode", "numeric"), ("maxlength", "24")]))
            (field(f, "bankHolder", "Atas nama", "text", text(&p.pay_bank_holder).as_deref(), false, &[("maxlength", "80")]))
            h2 { "E-wallet" }
            @for ((name, label), stored) in WALLETS.iter().zip(wallets) {
                (field(f, name, &format!("Nomor {label}"), "tel", stored.as_deref(), false, &[("inputmode", "tel"), ("placeholder", "08123456789")]))
            }
            button.btn type="submit" { "Simpan profil" }
        }
        form.card method="post" action="/dashboard/profile/avatar" enctype="multipart/form-data" {
            h2 { "Foto profil" }
            @if let Some(a) = &u.avatar { img.avatar.inline alt="Foto profil sekarang" src=(SafeUrl(a)); }
            input type="hidden" name="csrf" value=(s.csrf);
            (field(f, "avatar-image", "Pilih foto", "file", None, true, &[("accept", "image/jpeg,image/png,image/webp"), ("data-resize", "800")]))
            button.btn.alt type="submit" { "Unggah foto profil" }
        }
        form.card method="post" action="/dashboard/profile/cover" enctype="multipart/form-data" {
            h2 { "Foto sampul" }
            @if let Some(c) = &u.cover_image { img.cover alt="Foto sampul sekarang" src=(SafeUrl(c)); }
            input type="hidden" name="csrf" value=(s.csrf);
            (field(f, "cover-image", "Pilih foto sampul", "file", None, true, &[("accept", "image/jpeg,image/png,image/webp"), ("data-resize", "1600")]))
            button.btn.alt type="submit" { "Unggah foto sampul" }
        }
        form.card method="post" action="/dashboard/profile/qris" enctype="multipart/form-data" {
            h2 { "QRIS (opsional)" }
            @if let Some(q) = &p.qris_image { img.qris alt="QRIS sekarang" src=(SafeUrl(q)); }
            input type="hidden" name="csrf" value=(s.csrf);
            (field(f, "qris-image", "Gambar QRIS", "file", None, true, &[("accept", "image/jpeg,image/png,image/webp"), ("data-resize", "1600")]))
            button.btn.alt type="submit" { "Unggah QRIS" }
        }
        (account::password_form(s, &password_state))
    };
    shell(ctx, Some(s), "Profil", status, body)
}

pub async fn submit(ctx: &Ctx, s: &PageSession, form: Form) -> ApiResult<Response> {
    let Form { input, values, .. } = form;
    let result = match profile::parse_change(input) {
        Ok(change) => profile::update(ctx, &s.user, change).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => respond::see_other("/dashboard/profile?saved=profile"),
        Err(e) if e.status() < 500 => {
            let status = e.status();
            page(ctx, s, FormState::refused(values, &e), None, status).await
        }
        Err(e) => Err(e),
    }
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
    let stored = async {
        let form = upload::form(req, kind.limit(), &["csrf", &field_name]).await?;
        session::check_token(s, &upload::text_field(&form, "csrf"))?;
        let image = upload::image_field(&form, &field_name, kind.limit())
            .await?
            .ok_or_else(|| ApiError::field("image", "is required"))?;
        profile::set_image(ctx, &s.user, kind, image).await
    }
    .await;
    match stored {
        Ok(_) => respond::see_other("/dashboard/profile?saved=image"),
        Err(e) if e.status() < 500 && e.code != crate::error::ErrorCode::Forbidden => {
            let mut state = FormState::refused(Default::default(), &e);
            if let Some(msg) = state.errors.remove("image").or_else(|| state.errors.remove(&field_name)) {
                state.errors.insert(field_name, msg);
            } else {
                state.errors.insert(field_name, super::view::problem("image").into());
            }
            let status = e.status();
            page(ctx, s, state, None, status).await
        }
        Err(e) => Err(e),
    }
}
