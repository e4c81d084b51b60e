//! `/api/profile/*`: the owner's account and public profiles.

use serde::Serialize;
use serde_json::json;
use worker::{Request, Response};

use super::views::{self, Product, Trip, UserPrivate, UserPublic};
use crate::ctx::Ctx;
use crate::domain::slug;
use crate::error::{ApiError, ApiResult};
use crate::service::profile::{self, ProfileImage};
use crate::service::public;
use crate::web::auth::require_user;
use crate::web::{body, respond, upload};

/// `GET /api/profile/me`.
pub async fn me(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let (u, trips) = profile::with_trips(ctx, &me).await?;
    respond::json(200, &json!({ "user": UserPrivate::from(&u), "trips": views::all::<_, Trip>(&trips) }))
}

/// `PATCH /api/profile/me` `{ profileName?, profileBio?, avatar?, coverImage?, phone? }`.
pub async fn update_me(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let change = profile::parse_change(body::json(req).await?)?;
    let u = profile::update(ctx, &me, change).await?;
    respond::json(200, &json!({ "user": UserPrivate::from(&u) }))
}

/// `POST /api/profile/me/whatsapp`: a connect code to send from her phone
/// (`KONFIRMASI <code>`), live ten minutes; the old one stops working.
pub async fn new_connect_code(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let c = profile::new_connect_code(ctx, &me).await?;
    let expires = chrono::DateTime::from_timestamp(c.expires_at, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    let url = crate::service::participants::confirm_link(ctx, &c.code);
    respond::json(201, &json!({ "connect": { "code": c.code, "whatsappUrl": url, "expiresAt": expires } }))
}

/// `POST /api/profile/me/whatsapp/undo`: connects again the number the last connection replaced.
pub async fn undo_number_change(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let u = profile::undo_number_change(ctx, &me).await?;
    respond::json(200, &json!({ "user": UserPrivate::from(&u) }))
}

#[derive(Serialize)]
struct TripWithProducts<'a> {
    #[serde(flatten)]
    trip: Trip<'a>,
    products: Vec<Product<'a>>,
}

/// `GET /api/profile/:slug`: public, open trips with their products, never the email.
pub async fn public(ctx: &Ctx, raw_slug: &str) -> ApiResult<Response> {
    let not_found = || ApiError::not_found("Profile");
    let slug = slug::parse_user_slug(raw_slug).map_err(|_| not_found())?;
    let p = public::profile(ctx, &slug, false).await?.ok_or_else(not_found)?;
    let trips: Vec<TripWithProducts> = p
        .trips
        .iter()
        .map(|t| TripWithProducts {
            trip: Trip::from(t),
            products: p.products.iter().filter(|x| x.trip_id == t.id).map(|x| Product::in_trip(x, t)).collect(),
        })
        .collect();
    let body = json!({ "user": UserPublic::from(&p.user), "trips": trips });
    respond::json_cached(200, &body, "public, max-age=60, s-maxage=300")
}

/// `POST /api/profile/me/avatar` and `/cover` (multipart `image`).
pub async fn upload_image(ctx: &Ctx, req: &mut Request, which: ProfileImage) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let image = upload::required_image(req, which.limit()).await?;
    let u = profile::set_image(ctx, &me, which, image).await?;
    respond::json(200, &json!({ "user": UserPrivate::from(&u) }))
}
