//! `/api/profile/*` (spec §5 Profile): the owner's account and public profiles.

use serde_json::{json, Value};
use worker::{Request, Response};

use super::app::App;
use super::auth::require_user;
use super::{body, media, respond, views};
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::input::Patch;
use crate::domain::{image, phone, slug, text};
use crate::store::users::{self, ProfileChange, UserRow};
use crate::store::{products, trips};

async fn current_user(app: &App, req: &Request) -> ApiResult<UserRow> {
    let me = require_user(app, req)?;
    users::by_id(&app.db, &me.id).await?.ok_or_else(|| ApiError::unauthorized("Account no longer exists"))
}

async fn private_view(app: &App, u: &UserRow) -> ApiResult<Value> {
    let trips = trips::by_jastiper(&app.db, &u.id, false).await?;
    Ok(json!({ "user": views::user_private(u), "trips": trips.iter().map(views::trip).collect::<Vec<_>>() }))
}

/// `GET /api/profile/me`.
pub async fn me(app: &App, req: &Request) -> ApiResult<Response> {
    let u = current_user(app, req).await?;
    respond::json(200, &private_view(app, &u).await?)
}

/// Checks a nullable text field; an empty string clears it like `null`.
fn patch_text(
    p: Patch<String>,
    check: impl Fn(&str) -> Result<String, String>,
) -> Result<Option<Option<String>>, String> {
    match p {
        Patch::Set(s) if s.trim().is_empty() => Ok(Some(None)),
        Patch::Set(s) => check(&s).map(|v| Some(Some(v))),
        other => Ok(other.into_change()),
    }
}

/// `PATCH /api/profile/me` `{ profileName?, profileBio?, avatar?, coverImage?, phone? }`.
pub async fn update_me(app: &App, req: &mut Request) -> ApiResult<Response> {
    let me = require_user(app, req)?;
    let mut input = body::json(req).await?;
    input.only(&["profileName", "profileBio", "avatar", "coverImage", "phone"]);
    let name = input.patch_str("profileName");
    let bio = input.patch_str("profileBio");
    let avatar = input.patch_str("avatar");
    let cover = input.patch_str("coverImage");
    let phone_in = input.patch_str("phone");
    let change = ProfileChange {
        profile_name: input.check("profileName", patch_text(name, |s| text::clean(s, 1, 100, false))).flatten(),
        profile_bio: input.check("profileBio", patch_text(bio, |s| text::clean(s, 0, 500, true))).flatten(),
        avatar: input.check("avatar", patch_text(avatar, text::image_url)).flatten(),
        cover_image: input.check("coverImage", patch_text(cover, text::image_url)).flatten(),
        phone: input.check("phone", patch_text(phone_in, phone::normalize_phone)).flatten(),
    };
    input.finish()?;
    users::update_profile(&app.db, &me.id, &change, &app.now_iso()).await?;
    let u = users::by_id(&app.db, &me.id).await?.ok_or_else(|| ApiError::unauthorized("Account no longer exists"))?;
    respond::json(200, &json!({ "user": views::user_private(&u) }))
}

/// `GET /api/profile/:slug`: public, active trips with their products, never the email.
pub async fn public(app: &App, raw_slug: &str) -> ApiResult<Response> {
    let not_found = || ApiError::not_found("Profile");
    let slug = slug::parse_user_slug(raw_slug).map_err(|_| not_found())?;
    let u = users::by_slug(&app.db, &slug).await?.ok_or_else(not_found)?;
    let trips = trips::by_jastiper(&app.db, &u.id, true).await?;
    let products = if trips.is_empty() { Vec::new() } else { products::public_of_active_trips(&app.db, &u.id).await? };
    let body = json!({
        "user": views::user_public(&u),
        "trips": trips.iter().map(|t| views::trip_with_products(t, &products)).collect::<Vec<_>>(),
    });
    respond::json_cached(200, &body, "public, max-age=60, s-maxage=300")
}

/// `POST /api/profile/me/avatar` and `/cover` (multipart `image`): stores the
/// image in R2 and points the profile at it; the previous one is removed.
pub async fn upload_image(app: &App, req: &mut Request, which: ProfileImage) -> ApiResult<Response> {
    let me = require_user(app, req)?;
    let (dir, max) = match which {
        ProfileImage::Avatar => ("avatars", image::AVATAR_MAX),
        ProfileImage::Cover => ("covers", image::COVER_MAX),
    };
    let (bytes, kind) = media::required_image(req, max).await?;
    let before =
        users::by_id(&app.db, &me.id).await?.ok_or_else(|| ApiError::unauthorized("Account no longer exists"))?;
    let key = media::new_key(&format!("{dir}/{}", me.id), kind);
    media::put(app, &key, bytes, kind).await?;
    let url = Some(Some(media::public_url(app, &key)));
    let (change, old) = match which {
        ProfileImage::Avatar => (ProfileChange { avatar: url, ..Default::default() }, before.avatar),
        ProfileImage::Cover => (ProfileChange { cover_image: url, ..Default::default() }, before.cover_image),
    };
    users::update_profile(&app.db, &me.id, &change, &app.now_iso()).await?;
    if let Some(old_key) = old.as_deref().and_then(|u| media::key_of_url(app, u)) {
        media::delete_quietly(app, &[old_key]).await;
    }
    let u = users::by_id(&app.db, &me.id).await?.ok_or_else(|| ApiError::unauthorized("Account no longer exists"))?;
    respond::json(200, &json!({ "user": views::user_private(&u) }))
}

#[derive(Clone, Copy)]
pub enum ProfileImage {
    Avatar,
    Cover,
}
