//! `/api/trips*`: the owner's trips. Someone else's trip is 404.

use serde::Serialize;
use serde_json::json;
use worker::{Request, Response};

use super::views::{self, Participant, Product, Trip};
use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::service::trips::{self, NewTripForm};
use crate::web::auth::require_user;
use crate::web::query::{params, Paging};
use crate::web::{body, respond};

/// `POST /api/trips` `{ title, description?, slug, deadline?, isActive? }`.
pub async fn create(ctx: &Ctx, req: &mut Request) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let form = NewTripForm::parse(body::json(req).await?, ctx)?;
    let trip = trips::create(ctx, &me, form).await?;
    respond::json(201, &json!({ "trip": Trip::from(&trip) }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TripDetails<'a> {
    #[serde(flatten)]
    trip: Trip<'a>,
    /// The newest page of participants; `participants_next_cursor` goes on.
    participants: Vec<Participant<'a>>,
    participant_count: i64,
    participants_next_cursor: Option<String>,
    products: Vec<Product<'a>>,
}

/// `GET /api/trips/:id`: the trip with its products and its newest participants.
pub async fn get(ctx: &Ctx, req: &Request, id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let (trip, people, items) = trips::details(ctx, &me, id).await?;
    let page = Paging { after: None, limit: crate::store::dashboard::PAGE };
    let next = page.next(&people, |p| (p.joined_at.clone(), p.id.clone()));
    let view = TripDetails {
        trip: Trip::from(&trip),
        participants: views::all(&people),
        participant_count: trip.participant_count,
        participants_next_cursor: next,
        products: views::all(&items),
    };
    respond::json(200, &json!({ "trip": view }))
}

/// `GET /api/trips?filter=active&limit=&cursor=`: the caller's trips, newest first.
pub async fn list(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let q = params(req);
    let active_only = match q.get("filter").map(String::as_str) {
        None | Some("all") | Some("") => false,
        Some("active") => true,
        Some(_) => return Err(ApiError::field("filter", "must be active or all")),
    };
    let paging = Paging::from(&q)?;
    let rows = trips::page(ctx, &me, active_only, paging.after.as_ref(), paging.limit).await?;
    let next = paging.next(&rows, |t| (t.created_at.clone(), t.id.clone()));
    respond::json(200, &json!({ "trips": views::all::<_, Trip>(&rows), "nextCursor": next }))
}

/// `PATCH /api/trips/:id` `{ title?, description?, isActive?, deadline? }`.
pub async fn update(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let trip = trips::owned(ctx, &me, id).await?;
    let change = trips::parse_change(body::json(req).await?, ctx)?;
    let trip = trips::update(ctx, &me, trip, change).await?;
    respond::json(200, &json!({ "trip": Trip::from(&trip) }))
}

/// `DELETE /api/trips/:id`: the trip, its products, participants, orders and their files.
pub async fn delete(ctx: &Ctx, req: &Request, id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    trips::delete(ctx, &me, id).await?;
    respond::json(200, &json!({ "message": "Trip deleted" }))
}

/// `POST /api/trips/:id/arrived` (owner): `{ told }`, how many penitip still owing were told.
pub async fn arrived(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let mut input = body::json(req).await?;
    input.only(&[]);
    input.finish()?;
    let told = trips::arrived(ctx, &me, id).await?;
    respond::json(200, &serde_json::json!({ "told": told }))
}
