//! Penitip who joined a trip: join (public), the owner's list, unsubscribe.

use serde::Serialize;
use serde_json::json;
use worker::{Request, Response};

use super::views::{self, Order, Participant};
use crate::ctx::Ctx;
use crate::error::ApiResult;
use crate::platform::limits::Limit;
use crate::service::participants::{self, JoinForm, UnsubscribeBy};
use crate::web::auth::{limit_address, limit_phone, optional_user, require_user};
use crate::web::query::{params, Paging};
use crate::web::{body, respond};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Joined<'a> {
    id: &'a str,
    phone: &'a str,
    name: &'a str,
    joined_at: &'a str,
    confirmed: bool,
}

/// How the phone confirms: `KONFIRMASI <code>` sent from it, one tap away.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Confirm<'a> {
    pub code: &'a str,
    pub whatsapp_url: String,
}

/// `POST /api/trips/:tripId/join` `{ phone, name }` (trip id or slug).
/// Anonymous: always 202 with the confirmation link and nothing else — no
/// stored name, nothing that tells whether this phone joined before.
/// The trip's owner: the participant (201 new, 200 already there).
pub async fn join(ctx: &Ctx, req: &mut Request, trip_key: &str) -> ApiResult<Response> {
    let owner = optional_user(ctx, req)?;
    limit_address(ctx, req, Limit::Public, "join").await?;
    let form = JoinForm::parse(body::json(req).await?)?;
    limit_phone(ctx, "join", &form.phone).await?;
    let joined = participants::join(ctx, owner.as_ref(), trip_key, form).await?;
    let confirm = Confirm { code: &joined.code, whatsapp_url: participants::confirm_link(ctx, &joined.code) };
    if owner.is_some_and(|o| o.id == joined.trip.jastiper_id) {
        let p = &joined.participant;
        let view = Joined {
            id: &p.id,
            phone: &p.phone,
            name: &p.name,
            joined_at: &p.joined_at,
            confirmed: p.confirmed_at.is_some(),
        };
        return respond::json(
            if joined.created { 201 } else { 200 },
            &json!({ "participant": view, "confirm": confirm }),
        );
    }
    respond::json(202, &json!({ "status": "waiting_for_confirmation", "confirm": confirm }))
}

#[derive(Serialize)]
struct WithOrders<'a> {
    #[serde(flatten)]
    participant: Participant<'a>,
    orders: Vec<Order<'a>>,
}

/// `GET /api/trips/:tripId/participants`: owner only, with each one's orders.
pub async fn list(ctx: &Ctx, req: &Request, trip_id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let paging = Paging::from(&params(req))?;
    let rows = participants::of_trip(ctx, &me, trip_id, paging.after.as_ref(), paging.limit).await?;
    let list: Vec<WithOrders> = rows
        .iter()
        .map(|(p, orders)| WithOrders { participant: Participant::from(p), orders: views::all(orders) })
        .collect();
    let next = paging.next(&rows, |(p, _)| (p.joined_at.clone(), p.id.clone()));
    respond::json(200, &json!({ "participants": list, "nextCursor": next }))
}

/// `PATCH /api/participants/:id/unsubscribe`: the trip's owner, or anybody
/// holding the signed token of the participant's unsubscribe link (`?token=`).
pub async fn unsubscribe(ctx: &Ctx, req: &Request, id: &str) -> ApiResult<Response> {
    let token = params(req).get("token").cloned().filter(|t| !t.is_empty());
    match token {
        Some(t) => participants::unsubscribe(ctx, id, UnsubscribeBy::Link(&t)).await?,
        None => participants::unsubscribe(ctx, id, UnsubscribeBy::Owner(&require_user(ctx, req)?)).await?,
    };
    respond::json(200, &json!({ "message": "Unsubscribed" }))
}
