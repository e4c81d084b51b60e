//! Register, log in, log out, change the password: the account in the browser.

use std::collections::HashMap;

use maud::html;
use worker::{Request, Response};

use super::read_form;
use super::session::{self, clear_cookie, set_cookie};
use super::view::{csrf, shell};
use crate::ctx::Ctx;
use crate::domain::{fields, password};
use crate::error::ApiResult;
use crate::platform::limits::Limit;
use crate::service::accounts::{self, ChangePasswordForm, LoginForm, PageSession, RegisterForm};
use crate::web::auth::{client_address, limit_address, public_address};
use crate::web::form::{drop_empty, notice, Field, FormState, Posted};
use crate::web::query::param;
use crate::web::respond;

/// Where to go after logging in: only a dashboard path of this site.
fn next(q: &HashMap<String, String>) -> String {
    let n = param(q, "next");
    // A plain path: printable ASCII only (a CR, LF or NUL would break the Location header).
    let plain = n.bytes().all(|b| b.is_ascii_graphic());
    if plain && n.starts_with("/dashboard") && !n.starts_with("//") && !n.contains('\\') {
        n.to_string()
    } else {
        "/dashboard".into()
    }
}

fn signed_in(location: &str, secret: &str) -> ApiResult<Response> {
    respond::set_cookie(respond::see_other(location)?, &set_cookie(secret))
}

pub fn login_page(ctx: &Ctx, q: &HashMap<String, String>, form: FormState) -> ApiResult<Response> {
    let action = format!("/login?next={}", crate::web::html::encode_component(&next(q)));
    let body = html! {
        h1.mt2 { "Masuk ke dashboard" }
        form.card method="post" action=(action) {
            (notice(&form))
            (Field::new("email", "Email", "email").autocomplete("email").required().of(&form, None))
            (Field::new("password", "Kata sandi", "password").autocomplete("current-password").required().of(&form, None))
            button.btn type="submit" { "Masuk" }
        }
        p { "Belum punya akun? " a href="/register" { "Daftar gratis" } }
    };
    shell(ctx, None, "Masuk", form.status(), body)
}

pub async fn login_submit(ctx: &Ctx, req: &mut Request, q: &HashMap<String, String>) -> ApiResult<Response> {
    session::same_site(req)?;
    // The same per-address limit as the API's login (the page shows a 429 page).
    limit_address(ctx, req, Limit::Auth, "login").await?;
    let (form, _) = read_form(req).await?;
    let address = client_address(req);
    form.answer(
        async |input| {
            let s = accounts::login(ctx, LoginForm::parse(input)?, &address).await?;
            signed_in(&next(q), &accounts::begin_page_session(ctx, &s.user.id).await?)
        },
        async |state| login_page(ctx, q, state),
    )
    .await
}

pub fn register_page(ctx: &Ctx, form: FormState) -> ApiResult<Response> {
    let body = html! {
        h1.mt2 { "Daftar sebagai jastiper" }
        p.mute { "Buka trip, bagikan satu link, terima pesanan lewat WhatsApp." }
        form.card method="post" action="/register" {
            (notice(&form))
            (Field::text("fullName", "Nama toko / nama kamu").autocomplete("name").limit(fields::NAME).required().of(&form, None))
            (Field::new("email", "Email", "email").autocomplete("email").required().of(&form, None))
            (Field::new("password", "Kata sandi (min. 8 karakter)", "password").autocomplete("new-password").minlength(password::MIN_LEN).required().of(&form, None))
            (Field::text("slug", "Link profil (opsional): jastipin.me/…").placeholder("tinajastip").maxlength(fields::PROFILE_SLUG.1).of(&form, None))
            button.btn type="submit" { "Daftar" }
        }
        p { "Sudah punya akun? " a href="/login" { "Masuk" } }
    };
    shell(ctx, None, "Daftar", form.status(), body)
}

pub async fn register_submit(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    session::same_site(req)?;
    limit_address(ctx, req, Limit::Auth, "register").await?;
    let (mut form, _) = read_form(req).await?;
    drop_empty(&mut form.input, "slug");
    let address = public_address(req);
    form.answer(
        async |input| {
            let s = accounts::register(ctx, RegisterForm::parse(input)?, address.as_deref()).await?;
            signed_in("/dashboard", &accounts::begin_page_session(ctx, &s.user.id).await?)
        },
        async |state| register_page(ctx, state),
    )
    .await
}

/// `POST /logout`: this browser's session ends (even without a valid token:
/// logging out is never refused).
pub async fn logout(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    session::same_site(req)?;
    if let Some(secret) = session::secret(req) {
        accounts::end_page_session(ctx, &secret).await?;
    }
    respond::set_cookie(respond::see_other("/login")?, &clear_cookie())
}

/// `POST /dashboard/logout-everywhere`.
pub async fn logout_everywhere(ctx: &Ctx, s: &PageSession) -> ApiResult<Response> {
    accounts::logout_everywhere(ctx, &s.user).await?;
    respond::set_cookie(respond::see_other("/login")?, &clear_cookie())
}

pub fn password_form(s: &PageSession, form: &FormState) -> maud::Markup {
    html! {
        form.card #password method="post" action="/dashboard/password" {
            h2 { "Ganti kata sandi" }
            p.mute { "Semua perangkat lain akan keluar." }
            (csrf(s))
            @if form.sent("currentPassword") { (notice(form)) }
            (Field::new("currentPassword", "Kata sandi sekarang", "password").autocomplete("current-password").required().of(form, None))
            (Field::new("newPassword", "Kata sandi baru (min. 8 karakter)", "password").autocomplete("new-password").minlength(password::MIN_LEN).required().of(form, None))
            button.btn.alt type="submit" { "Simpan kata sandi" }
        }
        form.card method="post" action="/dashboard/logout-everywhere" {
            (csrf(s))
            button.btn.alt type="submit" { "Keluar dari semua perangkat" }
        }
    }
}

/// `POST /dashboard/password`: every session ends, this browser gets a new one.
pub async fn change_password(ctx: &Ctx, s: &PageSession, form: Posted) -> ApiResult<Response> {
    form.answer(
        async |input| {
            accounts::change_password(ctx, &s.user, ChangePasswordForm::parse(input)?).await?;
            let secret = accounts::begin_page_session(ctx, &s.user.id).await?;
            respond::set_cookie(respond::see_other("/dashboard/profile?saved=password")?, &set_cookie(&secret))
        },
        async |state| super::profile::page(ctx, s, state, None).await,
    )
    .await
}
