//! `/dashboard/profile`: name, bio, payment details, avatar, cover and QRIS images,
//! the password.

use maud::html;
use worker::{Request, Response};

use super::view::{csrf, field, notice, shell, FormState};
use super::{account, session, Form};
use crate::ctx::Ctx;
use crate::domain::payment::WALLETS;
use crate::error::{ApiError, ApiResult};
use crate::web::html::SafeUrl;
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
            (field(f, &name, i.label, "file", None, true, &[("accept", "image/jpeg,image/png,image/webp"), ("data-resize", i.side)]))
            button.btn.alt type="submit" { (i.button) }
        }
    }
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
