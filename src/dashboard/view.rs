//! The dashboard's page shell (the kit's page with a navigation bar and the
//! script), the CSRF field, and how times and changes are written.

use maud::{html, Markup};
use worker::Response;

use crate::ctx::Ctx;
use crate::error::ApiResult;
use crate::service::accounts::PageSession;
use crate::web::page::html_response;
use crate::web::page::{page, script, Meta};

/// The hidden token every dashboard form carries.
pub fn csrf(s: &PageSession) -> Markup {
    html! { input type="hidden" name="csrf" value=(s.csrf); }
}

/// A whole dashboard page.
pub fn shell(ctx: &Ctx, s: Option<&PageSession>, title: &str, status: u16, body: Markup) -> ApiResult<Response> {
    let url = format!("{}/dashboard", ctx.config.public_base_url);
    let meta = Meta { title, description: "Dashboard jastiper Jastipin", image: None, url: &url };
    let body = html! {
        @if let Some(s) = s {
            nav.dash aria-label="Menu dashboard" {
                a href="/dashboard" { "Dashboard" }
                a href="/dashboard/inbox" { "Inbox" }
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

/// A buyer's WhatsApp: `+628…` linking to wa.me, or, for a user known only
/// by username, the id Meta gave (no number to link to).
pub fn contact(phone: &str) -> Markup {
    match crate::domain::phone::is_bsuid(phone) {
        true => html! { span title="Pengguna WhatsApp dengan username (tanpa nomor)" { (phone) } },
        false => html! { a href=(crate::web::html::SafeUrl(&format!("https://wa.me/{phone}"))) { "+" (phone) } },
    }
}

/// The link to a list's next page (`cursor=`), when there is one; `base`
/// is the list's own address with its other parameters.
pub fn next_page(base: &str, next: Option<&str>) -> Markup {
    let join = if base.contains('?') { '&' } else { '?' };
    html! {
        @if let Some(cursor) = next {
            p.pager { a.btn.alt rel="next" href={ (base) (join) "cursor=" (crate::web::html::Query(cursor)) } { "Berikutnya →" } }
        }
    }
}
