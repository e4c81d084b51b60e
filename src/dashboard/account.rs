//! Register, log in, log out, change the password: the account in the browser.

use std::collections::{BTreeMap, HashMap};

use maud::html;
use worker::{Request, Response};

use super::session::{self, clear_cookie, set_cookie};
use super::view::{csrf, field, notice, shell, FormState};
use super::Form;
use crate::ctx::Ctx;
use crate::error::ApiResult;
use crate::platform::limits::Limit;
use crate::service::accounts::{self, ChangePasswordForm, LoginForm, PageSession, RegisterForm};
use crate::web::auth::{client_address, limit_address, public_address};
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

pub fn login_page(ctx: &Ctx, q: &HashMap<String, String>, form: FormState, status: u16) -> ApiResult<Response> {
    let action = format!("/login?next={}", crate::web::html::encode_component(&next(q)));
    let body = html! {
        h1.mt2 { "Masuk ke dashboard" }
        form.card method="post" action=(action) {
            (notice(&form))
            (field(&form, "email", "Email", "email", None, true, &[("autocomplete", "email")]))
            (field(&form, "password", "Kata sandi", "password", None, true, &[("autocomplete", "current-password")]))
            button.btn type="submit" { "Masuk" }
        }
        p { "Belum punya akun? " a href="/register" { "Daftar gratis" } }
    };
    shell(ctx, None, "Masuk", status, body)
}

pub async fn login_submit(ctx: &Ctx, req: &mut Request, q: &HashMap<String, String>) -> ApiResult<Response> {
    session::same_site(req)?;
    // The same per-address limit as the API's login (the page shows a 429 page).
    limit_address(ctx, req, Limit::Auth, "login").await?;
    let Form { input, values, .. } = Form::read(req, &[]).await?;
    let result = match LoginForm::parse(input) {
        Ok(f) => accounts::login(ctx, f, &client_address(req)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(s) => signed_in(&next(q), &accounts::begin_page_session(ctx, &s.user.id).await?),
        Err(e) if e.status() < 500 => {
            let values: BTreeMap<_, _> = values.into_iter().filter(|(k, _)| k == "email").collect();
            let status = e.status();
            login_page(ctx, q, FormState::refused(values, &e), status)
        }
        Err(e) => Err(e),
    }
}

pub fn register_page(ctx: &Ctx, form: FormState, status: u16) -> ApiResult<Response> {
    let body = html! {
        h1.mt2 { "Daftar sebagai jastiper" }
        p.mute { "Buka trip, bagikan satu link, terima pesanan lewat WhatsApp." }
        form.card method="post" action="/register" {
            (notice(&form))
            (field(&form, "fullName", "Nama toko / nama kamu", "text", None, true, &[("autocomplete", "name"), ("maxlength", "100")]))
            (field(&form, "email", "Email", "email", None, true, &[("autocomplete", "email")]))
            (field(&form, "password", "Kata sandi (min. 8 karakter)", "password", None, true, &[("autocomplete", "new-password"), ("minlength", "8")]))
            (field(&form, "slug", "Link profil (opsional): jastipin.me/…", "text", None, false, &[("placeholder", "tinajastip"), ("maxlength", "30")]))
            button.btn type="submit" { "Daftar" }
        }
        p { "Sudah punya akun? " a href="/login" { "Masuk" } }
    };
    shell(ctx, None, "Daftar", status, body)
}

pub async fn register_submit(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    session::same_site(req)?;
    limit_address(ctx, req, Limit::Auth, "register").await?;
    let Form { mut input, values, .. } = Form::read(req, &[]).await?;
    if values.get("slug").is_some_and(|s| s.trim().is_empty()) {
        input.retain(|k| k != "slug");
    }
    let result = match RegisterForm::parse(input) {
        Ok(f) => accounts::register(ctx, f, public_address(req).as_deref()).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(s) => signed_in("/dashboard", &accounts::begin_page_session(ctx, &s.user.id).await?),
        Err(e) if e.status() < 500 => {
            let values = values.into_iter().filter(|(k, _)| k != "password").collect();
            let status = e.status();
            register_page(ctx, FormState::refused(values, &e), status)
        }
        Err(e) => Err(e),
    }
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
            @if form.values.contains_key("currentPassword") { (notice(form)) }
            (field(form, "currentPassword", "Kata sandi sekarang", "password", None, true, &[("autocomplete", "current-password")]))
            (field(form, "newPassword", "Kata sandi baru (min. 8 karakter)", "password", None, true, &[("autocomplete", "new-password"), ("minlength", "8")]))
            button.btn.alt type="submit" { "Simpan kata sandi" }
        }
        form.card method="post" action="/dashboard/logout-everywhere" {
            (csrf(s))
            button.btn.alt type="submit" { "Keluar dari semua perangkat" }
        }
    }
}

/// `POST /dashboard/password`: every session ends, this browser gets a new one.
pub async fn change_password(ctx: &Ctx, s: &PageSession, form: Form) -> ApiResult<Response> {
    let result = match ChangePasswordForm::parse(form.input) {
        Ok(f) => accounts::change_password(ctx, &s.user, f).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            let secret = accounts::begin_page_session(ctx, &s.user.id).await?;
            respond::set_cookie(respond::see_other("/dashboard/profile?saved=password")?, &set_cookie(&secret))
        }
        Err(e) if e.status() < 500 => {
            let mut values = BTreeMap::new();
            values.insert("currentPassword".to_string(), String::new());
            let status = e.status();
            super::profile::page(ctx, s, FormState::refused(values, &e), None, status).await
        }
        Err(e) => Err(e),
    }
}
