//! Penitip who joined a trip: joining (from the web or the owner), the
//! owner's list, and unsubscribing.

use crate::ctx::Ctx;
use crate::domain::fields;
use crate::domain::ids::{confirm_code, new_id};
use crate::domain::page::Cursor;
use crate::domain::phone::Phone;
use crate::domain::token::check_unsubscribe_token;
use crate::error::{ApiError, ApiResult};
use crate::input::Input;
use crate::store::orders::OrderRow;
use crate::store::participants::{self, JoinedBy, ParticipantRow};
use crate::store::trips::{self, TripRow};

use super::AuthUser;

/// `{ phone, name }`.
pub struct JoinForm {
    pub phone: Phone,
    pub name: String,
}

impl JoinForm {
    pub fn parse(mut input: Input) -> ApiResult<JoinForm> {
        input.only(&["phone", "name"]);
        let phone = input.required_with("phone", Phone::parse);
        let name = input.required_with("name", |s| fields::NAME.clean(s));
        input.finish()?;
        match (phone, name) {
            (Some(phone), Some(name)) => Ok(JoinForm { phone, name }),
            _ => Err(ApiError::field("phone", "is required")),
        }
    }
}

pub struct Joined {
    pub trip: TripRow,
    /// The stored participant: shown only to the trip's owner, never to an
    /// anonymous caller (it would tell whether this phone joined before, and
    /// the name it joined with).
    pub participant: ParticipantRow,
    /// False when this phone was already in the trip.
    pub created: bool,
    /// The code the phone sends (`KONFIRMASI <code>`) to confirm.
    pub code: String,
}

/// Joins a trip by id or slug. The public may join only an open trip; its
/// owner may add people to any of theirs. Nobody is messaged yet: the
/// participant waits until their own phone confirms (then the welcome goes).
pub async fn join(ctx: &Ctx, owner: Option<&AuthUser>, trip_key: &str, form: JoinForm) -> ApiResult<Joined> {
    let trip = trips::by_id_or_slug(&ctx.db, trip_key)
        .await?
        .filter(|t| t.is_active || owner.is_some_and(|o| o.id == t.jastiper_id))
        .ok_or_else(|| ApiError::not_found("Trip"))?;
    let is_owner = owner.is_some_and(|o| o.id == trip.jastiper_id);
    if trip.closed(ctx.now) && !is_owner {
        return Err(trip_closed());
    }
    let (id, code) = (new_id(), confirm_code());
    let participant =
        participants::join(&ctx.db, JoinedBy::Form, (&id, &trip.id, &form.phone, &form.name), &code, &ctx.now_iso())
            .await?;
    let created = participant.id == id;
    let code = participant.confirm_code.clone().unwrap_or(code);
    Ok(Joined { trip, participant, created, code })
}

/// Past its deadline a trip takes no more joins or orders (its owner still may add them).
pub fn trip_closed() -> ApiError {
    ApiError::new(crate::error::ErrorCode::TripClosed, "This trip is closed: its deadline has passed")
}

/// The `wa.me` link that opens WhatsApp with the confirmation typed in.
pub fn confirm_link(ctx: &Ctx, code: &str) -> String {
    let text = crate::domain::messages::confirm_text(code);
    format!("https://wa.me/{}?text={}", ctx.config.wa.business_number, text.replace(' ', "%20"))
}

/// One page of an owned trip's participants, each with their orders, in one
/// batch (the trip's ownership, the page, the page's orders by buyer).
pub async fn of_trip(
    ctx: &Ctx,
    me: &AuthUser,
    trip_id: &str,
    after: Option<&Cursor>,
    limit: i64,
) -> ApiResult<Vec<(ParticipantRow, Vec<OrderRow>)>> {
    use crate::store::dashboard as q;
    let db = &ctx.db;
    let (trip, rows, their_orders) = db
        .read((
            crate::store::trips::owned_query(db, trip_id, &me.id)?,
            q::participants_of_trip(db, trip_id, &me.id, after, limit)?,
            q::orders_of_people(db, trip_id, &me.id, after, limit)?,
        ))
        .await?;
    if trip.is_empty() {
        return Err(ApiError::not_found("Trip"));
    }
    Ok(rows
        .into_iter()
        .map(|p| {
            let mine =
                their_orders.iter().filter(|o| o.order.participant_id == p.id).map(|o| o.order.clone()).collect();
            (p, mine)
        })
        .collect())
}

/// Who may unsubscribe a participant.
pub enum UnsubscribeBy<'a> {
    Owner(&'a AuthUser),
    /// The signed token of the link in every message.
    Link(&'a str),
}

/// Stops messages to a participant; 404 for a wrong token or another's participant.
pub async fn unsubscribe(ctx: &Ctx, id: &str, by: UnsubscribeBy<'_>) -> ApiResult<ParticipantRow> {
    let not_found = || ApiError::not_found("Participant");
    let participant = match by {
        UnsubscribeBy::Link(token) => {
            if !check_unsubscribe_token(ctx.config.jwt_key()?, id, token) {
                return Err(not_found());
            }
            participants::by_id(&ctx.db, id).await?.ok_or_else(not_found)?
        }
        UnsubscribeBy::Owner(me) => participants::owned(&ctx.db, id, &me.id).await?.ok_or_else(not_found)?,
    };
    participants::unsubscribe(&ctx.db, &participant.id, &ctx.now_iso()).await?;
    Ok(participant)
}

/// The participant and trip title an unsubscribe link names, when its token
/// is valid and the trip is the one in the link.
pub async fn linked(ctx: &Ctx, trip_slug: &str, id: &str, token: &str) -> ApiResult<Option<(ParticipantRow, String)>> {
    if id.is_empty() || token.is_empty() || !check_unsubscribe_token(ctx.config.jwt_key()?, id, token) {
        return Ok(None);
    }
    let Some(p) = participants::by_id(&ctx.db, id).await? else {
        return Ok(None);
    };
    let trip = trips::by_id_or_slug(&ctx.db, &p.trip_id).await?.filter(|t| t.slug.as_str() == trip_slug);
    Ok(trip.map(|t| (p, t.title)))
}

/// Unsubscribes a participant whose link was checked by `linked`.
pub async fn unsubscribe_linked(ctx: &Ctx, p: &ParticipantRow) -> ApiResult<()> {
    participants::unsubscribe(&ctx.db, &p.id, &ctx.now_iso()).await
}
