//! The jastiper's dashboard: server-rendered pages (the penitip pages'
//! templates and look) behind a cookie session, every form protected
//! against cross-site posts. Each page reads its data in one D1 batch
//! (`service::dashboard`) after the session lookup: two round trips.

pub mod account;
pub mod bills;
pub mod home;
pub mod inbox;
pub mod invoice;
pub mod orders;
pub mod people;
pub mod profile;
pub mod recap;
pub mod session;
pub mod trips;
pub mod view;

use worker::{Method, Request, Response};

use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::service::accounts::PageSession;
use crate::web::body;
use crate::web::form::{FormState, Posted};
use crate::web::query::Paging;

/// A signed-in, same-site urlencoded form carrying this session's token
/// (`csrf`, which is not passed on).
async fn checked_form(req: &mut Request, s: &PageSession) -> ApiResult<Posted> {
    session::same_site(req)?;
    let form = read_form(req).await?;
    session::check_token(s, &form.1)?;
    Ok(form.0)
}

/// A posted urlencoded form and the `csrf` token it carried; passwords are
/// never shown again.
pub async fn read_form(req: &mut Request) -> ApiResult<(Posted, String)> {
    let mut input = body::form(req, &[]).await?;
    let token = input.map().get("csrf").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    input.retain(|k| k != "csrf");
    Ok((Posted::new(input, &["password", "currentPassword", "newPassword"]), token))
}

/// The dashboard's pages and its account pages (`crate::router::Edge::Dashboard`).
pub async fn route(ctx: &Ctx, req: &mut Request, method: Method, s: &[&str]) -> ApiResult<Response> {
    use Method::{Get, Post};
    let q = &crate::web::query::params(req);
    let public = match (&method, s) {
        (Get, ["login"]) => Some(account::login_page(ctx, q, FormState::default())),
        (Post, ["login"]) => Some(account::login_submit(ctx, req, q).await),
        (Get, ["register"]) => Some(account::register_page(ctx, FormState::default())),
        (Post, ["register"]) => Some(account::register_submit(ctx, req).await),
        (Post, ["logout"]) => Some(account::logout(ctx, req).await),
        (Get, ["invoice", id]) => Some(invoice::page_for(ctx, req, id, q).await),
        (_, ["invoice", _]) => Some(Err(ApiError::method_not_allowed().allowing("GET, HEAD"))),
        (_, ["login"] | ["register"]) => Some(Err(ApiError::method_not_allowed().allowing("GET, HEAD, POST"))),
        (_, ["logout"]) => Some(Err(ApiError::method_not_allowed().allowing("POST"))),
        (_, ["dashboard", ..]) => None,
        (Get, _) => Some(Err(ApiError::not_found("Page"))),
        _ => Some(Err(ApiError::method_not_allowed().allowing("GET, HEAD"))),
    };
    if let Some(answer) = public {
        return answer;
    }
    let Some(me) = session::current(ctx, req).await? else {
        return session::to_login(req);
    };
    let me = &me;
    let status = || crate::domain::order::OrderStatus::parse(q.get("status").map_or("", String::as_str));
    let answer = match (method, &s[1..]) {
        (Get, []) => home::page(ctx, me, None).await,
        (Post, ["whatsapp"]) => {
            checked_form(req, me).await?;
            home::new_connect_code(ctx, me).await
        }
        (Post, ["whatsapp", "undo"]) => {
            checked_form(req, me).await?;
            home::undo_number_change(ctx, me).await
        }
        (Get, ["profile"]) => {
            let saved = q.get("saved").map(String::as_str);
            profile::page(ctx, me, FormState::default(), saved).await
        }
        (Post, ["profile"]) => {
            let form = checked_form(req, me).await?;
            profile::submit(ctx, me, form).await
        }
        (Post, ["profile", which @ ("avatar" | "cover" | "qris")]) => profile::upload(ctx, req, me, which).await,
        (Post, ["password"]) => {
            let form = checked_form(req, me).await?;
            account::change_password(ctx, me, form).await
        }
        (Post, ["logout-everywhere"]) => {
            checked_form(req, me).await?;
            account::logout_everywhere(ctx, me).await
        }
        (Get, ["trips", "new"]) => trips::new_page(ctx, me, FormState::default()),
        (Post, ["trips", "new"]) => {
            let form = checked_form(req, me).await?;
            trips::create(ctx, me, form).await
        }
        (Get, ["trips", id]) => trips::page(ctx, me, id, FormState::default()).await,
        (Post, ["trips", id]) => {
            let form = checked_form(req, me).await?;
            trips::update(ctx, me, id, form).await
        }
        (Post, ["trips", id, "delete"]) => {
            checked_form(req, me).await?;
            trips::delete(ctx, me, id).await
        }
        (Get, ["trips", id, "products", "new"]) => {
            let trip = crate::service::trips::owned(ctx, &me.user, id).await?;
            trips::product_page(ctx, me, &trip, None, FormState::default())
        }
        (Post, ["trips", id, "products", "new"]) => trips::product_create(ctx, req, me, id).await,
        (Get, ["products", id]) => {
            let (product, trip) = crate::service::products::owned_with_trip(ctx, &me.user, id).await?;
            trips::product_page(ctx, me, &trip, Some(&product), FormState::default())
        }
        (Post, ["products", id]) => trips::product_update(ctx, req, me, id).await,
        (Get, ["trips", id, "orders"]) => orders::list(ctx, me, id, status(), &Paging::from(q)?).await,
        (Post, ["trips", id, "bills"]) => {
            let form = checked_form(req, me).await?;
            trips::keyed_in(ctx, me, id, form).await
        }
        (Get, ["bills"]) => bills::find(ctx, me, q).await,
        (Get, ["bills", id]) => bills::page(ctx, me, id, FormState::default(), q).await,
        (Post, ["bills", id, action @ ("shipping" | "ship")]) => {
            let form = checked_form(req, me).await?;
            bills::act_on_bill(ctx, me, id, action, form).await
        }
        (Get, ["trips", id, "recap"]) => recap::page(ctx, me, id, q).await,
        (Post, ["trips", id, "recap", action @ ("ship" | "remind" | "labels")]) => {
            let form = checked_form(req, me).await?;
            recap::bulk(ctx, me, id, action, form).await
        }
        (Post, ["trips", id, "arrived"]) => {
            checked_form(req, me).await?;
            recap::arrived(ctx, me, id).await
        }
        (Get, ["trips", id, which @ ("rekap.csv" | "belanja.csv")]) => recap::csv(ctx, me, id, which).await,
        (Get, ["trips", id, "shopping"]) => recap::shopping(ctx, me, id, FormState::default()).await,
        (Post, ["orders", id, "found"]) => {
            let form = checked_form(req, me).await?;
            recap::found(ctx, me, id, form).await
        }
        (Get, ["trips", id, "payments"]) => bills::trip_payments(ctx, me, id).await,
        (Get, ["payments", id, "reject"]) => bills::reject_page(ctx, me, id, FormState::default()).await,
        (Get, ["payments", id, "proof"]) => bills::proof(ctx, me, id).await,
        (Post, ["payments", id, action @ ("confirm" | "reject" | "undo")]) => {
            let form = checked_form(req, me).await?;
            bills::act(ctx, me, id, action, form).await
        }
        (Get, ["orders", id]) => orders::page(ctx, me, id, FormState::default()).await,
        (Get, ["orders", id, "proof"]) => orders::proof(ctx, me, id).await,
        (Post, ["orders", id, action @ ("confirm" | "reject" | "ship")]) => {
            let form = checked_form(req, me).await?;
            orders::act(ctx, me, id, action, form).await
        }
        (Get, ["inbox"]) => inbox::list(ctx, me, &Paging::from(q)?).await,
        (Get, ["inbox", id]) => inbox::page(ctx, me, id, FormState::default()).await,
        (Post, ["inbox", id, "reply"]) => {
            let form = checked_form(req, me).await?;
            inbox::reply(ctx, me, id, form).await
        }
        (Get, ["trips", id, "participants"]) => people::participants(ctx, me, id, &Paging::from(q)?).await,
        (Get, ["trips", id, "messages"]) => people::messages(ctx, me, id, FormState::default(), None).await,
        (Post, ["trips", id, "messages"]) => {
            let form = checked_form(req, me).await?;
            people::broadcast(ctx, me, id, form).await
        }
        (Post, ["messages", id, "resend"]) => {
            checked_form(req, me).await?;
            people::resend(ctx, me, id).await
        }
        (Get, _) => Err(ApiError::not_found("Page")),
        _ => Err(ApiError::method_not_allowed().allowing("GET, HEAD, POST")),
    };
    answer
}
