//! `/api/trips*` (spec §5 Trip Management). Owner only; someone else's trip is 404.

use serde_json::json;
use worker::{Request, Response};

use super::app::App;
use super::auth::require_user;
use super::query::{params, Paging};
use super::{body, media, respond, views};
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::ids::new_id;
use crate::domain::input::Patch;
use crate::domain::{slug, text, time};
use crate::store::trips::{self, NewTrip, TripChange, TripRow};
use crate::store::{orders, participants, products};

pub async fn owned_or_404(app: &App, id: &str, owner: &str) -> ApiResult<TripRow> {
    trips::owned(&app.db, id, owner).await?.ok_or_else(|| ApiError::not_found("Trip"))
}

fn description(p: Patch<String>) -> Result<Option<Option<String>>, String> {
    match p {
        Patch::Set(s) if s.trim().is_empty() => Ok(Some(None)),
        Patch::Set(s) => text::clean(&s, 1, 2000, true).map(|v| Some(Some(v))),
        other => Ok(other.into_change()),
    }
}

/// `POST /api/trips` `{ title, description?, slug, deadline?, isActive? }`.
pub async fn create(app: &App, req: &mut Request) -> ApiResult<Response> {
    let me = require_user(app, req)?;
    let mut input = body::json(req).await?;
    input.only(&["title", "description", "slug", "deadline", "isActive"]);
    let title = input.required_with("title", |s| text::clean(s, 1, 120, false));
    let slug = input.required_str("slug").and_then(|s| input.check("slug", slug::parse_trip_slug(&s)));
    let desc = input.patch_str("description");
    let desc = input.check("description", description(desc)).flatten().flatten();
    let deadline =
        input.optional_str("deadline").and_then(|s| input.check("deadline", time::parse_deadline(&s, app.now)));
    let is_active = match input.patch_bool("isActive") {
        Patch::Set(b) => b,
        _ => false,
    };
    input.finish()?;
    let (Some(title), Some(slug)) = (title, slug) else {
        return Err(ApiError::internal("validated fields missing"));
    };
    let id = new_id();
    let now = app.now_iso();
    trips::insert(
        &app.db,
        &NewTrip {
            id: &id,
            jastiper_id: &me.id,
            slug: &slug,
            title: &title,
            description: desc.as_deref(),
            deadline: deadline.as_deref(),
            is_active,
            now: &now,
        },
    )
    .await?;
    let trip = owned_or_404(app, &id, &me.id).await?;
    respond::json(201, &json!({ "trip": views::trip(&trip) }))
}

/// `GET /api/trips/:id`: the trip with its participants and products.
pub async fn get(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    let me = require_user(app, req)?;
    let trip = owned_or_404(app, id, &me.id).await?;
    let (people, items) =
        futures::future::try_join(participants::of_trip(&app.db, &trip.id), products::of_trip(&app.db, &trip.id))
            .await?;
    let mut body = views::trip(&trip);
    body["participants"] = people.iter().map(views::participant).collect();
    body["products"] = items.iter().map(views::product).collect();
    respond::json(200, &json!({ "trip": body }))
}

/// `GET /api/trips?filter=active&limit=&cursor=`: the caller's trips, newest first.
pub async fn list(app: &App, req: &Request) -> ApiResult<Response> {
    let me = require_user(app, req)?;
    let q = params(req);
    let active_only = match q.get("filter").map(String::as_str) {
        None | Some("all") | Some("") => false,
        Some("active") => true,
        Some(_) => return Err(ApiError::field("filter", "must be active or all")),
    };
    let paging = Paging::from(&q)?;
    let rows = trips::page(&app.db, &me.id, active_only, paging.after.as_ref(), paging.limit).await?;
    let next = paging.next(&rows, |t| (t.created_at.clone(), t.id.clone()));
    respond::json(200, &json!({ "trips": rows.iter().map(views::trip).collect::<Vec<_>>(), "nextCursor": next }))
}

/// `PATCH /api/trips/:id` `{ title?, description?, isActive?, deadline? }`.
pub async fn update(app: &App, req: &mut Request, id: &str) -> ApiResult<Response> {
    let me = require_user(app, req)?;
    let trip = owned_or_404(app, id, &me.id).await?;
    let mut input = body::json(req).await?;
    input.only(&["title", "description", "isActive", "deadline"]);
    let title = input.patch_required_with("title", |s| text::clean(s, 1, 120, false));
    let desc = input.patch_str("description");
    let description = input.check("description", description(desc)).flatten();
    let deadline = match input.patch_str("deadline") {
        Patch::Set(s) => {
            input.check("deadline", time::parse_deadline(&s, app.now)).map(|d| Some(Some(d))).unwrap_or(None)
        }
        Patch::Null => Some(None),
        Patch::Absent => None,
    };
    let is_active = match input.patch_bool("isActive") {
        Patch::Set(b) => Some(b),
        Patch::Null => {
            input.error("isActive", "must be true or false");
            None
        }
        Patch::Absent => None,
    };
    input.finish()?;
    let change = TripChange { title, description, deadline, is_active };
    trips::update(&app.db, &trip.id, &me.id, &change, &app.now_iso()).await?;
    let trip = owned_or_404(app, &trip.id, &me.id).await?;
    respond::json(200, &json!({ "trip": views::trip(&trip) }))
}

/// `DELETE /api/trips/:id`: the trip, its products, participants, orders and their files.
pub async fn delete(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    let me = require_user(app, req)?;
    let trip = owned_or_404(app, id, &me.id).await?;
    let mut keys: Vec<String> = products::images_of_trip(&app.db, &trip.id)
        .await?
        .into_iter()
        .flatten()
        .filter_map(|url| media::key_of_url(app, &url))
        .collect();
    keys.extend(orders::proofs_of_trip(&app.db, &trip.id).await?);
    if trips::delete(&app.db, &trip.id, &me.id).await? == 0 {
        return Err(ApiError::not_found("Trip"));
    }
    media::delete_quietly(app, &keys).await;
    respond::json(200, &json!({ "message": "Trip deleted" }))
}
