//! Participants (spec §5 Participant Management): penitip who joined a trip.

use serde_json::json;
use worker::{Request, Response};

use super::app::App;
use super::auth::{require_user, AuthUser};
use super::query::{params, Paging};
use super::trips::owned_or_404;
use super::{body, respond, views};
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::ids::new_id;
use crate::domain::input::Input;
use crate::domain::token::check_unsubscribe_token;
use crate::domain::{phone, text};
use crate::notify;
use crate::store::participants::ParticipantRow;
use crate::store::trips::TripRow;
use crate::store::{orders, participants, trips};

/// `POST /api/trips/:tripId/join` `{ phone, name }`: public (trip id or slug).
/// The same phone again answers the same participant (200 instead of 201).
pub async fn join(app: &App, req: &mut Request, trip_key: &str) -> ApiResult<Response> {
    let has_token = req.headers().get("authorization").ok().flatten().is_some();
    let owner = if has_token { Some(require_user(app, req)?) } else { None };
    let input = body::json(req).await?;
    let (_, p, created) = join_trip(app, owner.as_ref(), trip_key, input).await?;
    let body = json!({ "participant": {
        "id": p.id, "phone": p.phone, "name": p.name, "joinedAt": p.joined_at,
    }});
    respond::json(if created { 201 } else { 200 }, &body)
}

/// Validates `{ phone, name }` and joins the trip: the trip, the participant
/// and whether they are new. Shared by the API and the join page's form.
pub async fn join_trip(
    app: &App,
    owner: Option<&AuthUser>,
    trip_key: &str,
    mut input: Input,
) -> ApiResult<(TripRow, ParticipantRow, bool)> {
    input.only(&["phone", "name"]);
    let phone = input.required_with("phone", phone::normalize_phone);
    let name = input.required_with("name", |s| text::clean(s, 1, 100, false));
    input.finish()?;
    let (Some(phone), Some(name)) = (phone, name) else {
        return Err(ApiError::internal("validated fields missing"));
    };

    // The public may join only an open (active) trip; its owner may add people to any of theirs.
    let trip = trips::by_id_or_slug(&app.db, trip_key)
        .await?
        .filter(|t| t.is_active == 1 || owner.is_some_and(|o| o.id == t.jastiper_id))
        .ok_or_else(|| ApiError::not_found("Trip"))?;
    let id = new_id();
    let p = participants::join(&app.db, &id, &trip.id, &phone, &name, &app.now_iso()).await?;
    let created = p.id == id;
    notify::participant_joined(app, &trip, &p, created).await?;
    Ok((trip, p, created))
}

/// `GET /api/trips/:tripId/participants`: owner only, with each one's orders.
pub async fn list(app: &App, req: &Request, trip_id: &str) -> ApiResult<Response> {
    let me = require_user(app, req)?;
    let trip = owned_or_404(app, trip_id, &me.id).await?;
    let paging = Paging::from(&params(req))?;
    let rows = participants::page(&app.db, &trip.id, paging.after.as_ref(), paging.limit).await?;
    let ids: Vec<&str> = rows.iter().map(|p| p.id.as_str()).collect();
    let their_orders = orders::of_participants(&app.db, &trip.id, &ids).await?;
    let list: Vec<_> = rows
        .iter()
        .map(|p| {
            let mut v = views::participant(p);
            v["orders"] = their_orders.iter().filter(|o| o.participant_id == p.id).map(views::order).collect();
            v
        })
        .collect();
    let next = paging.next(&rows, |p| (p.joined_at.clone(), p.id.clone()));
    respond::json(200, &json!({ "participants": list, "nextCursor": next }))
}

/// `PATCH /api/participants/:id/unsubscribe`: the trip's owner, or anybody
/// holding the signed token of the participant's unsubscribe link (`?token=`).
pub async fn unsubscribe(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    let not_found = || ApiError::not_found("Participant");
    let token = params(req).get("token").cloned();
    let participant = match token {
        Some(t) if !t.is_empty() => {
            if !check_unsubscribe_token(app.config.jwt_key()?, id, &t) {
                return Err(not_found());
            }
            participants::by_id(&app.db, id).await?.ok_or_else(not_found)?
        }
        _ => {
            let me = require_user(app, req)?;
            participants::owned(&app.db, id, &me.id).await?.ok_or_else(not_found)?
        }
    };
    participants::unsubscribe(&app.db, &participant.id, &app.now_iso()).await?;
    respond::json(200, &json!({ "message": "Unsubscribed" }))
}
