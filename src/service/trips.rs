//! A jastiper's trips: open, change, list, delete (with their files).

use crate::ctx::Ctx;
use crate::domain::ids::new_id;
use crate::domain::page::Cursor;
use crate::domain::slug::Slug;
use crate::domain::{fields, time};
use crate::error::{ApiError, ApiResult};
use crate::input::{Input, Patch};
use crate::store::orders;
use crate::store::participants::{self, ParticipantRow};
use crate::store::products::{self, ProductRow};
use crate::store::trips::{self, NewTrip, TripChange, TripRow};

use super::AuthUser;

/// The trip if `me` owns it; somebody else's trip is as absent as a missing one (404).
pub async fn owned(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<TripRow> {
    trips::owned(&ctx.db, id, &me.id).await?.ok_or_else(|| ApiError::not_found("Trip"))
}

fn description(p: Patch<String>) -> Result<Option<Option<String>>, String> {
    match p {
        Patch::Set(s) if s.trim().is_empty() => Ok(Some(None)),
        Patch::Set(s) => fields::DESCRIPTION.clean(&s).map(|v| Some(Some(v))),
        other => Ok(other.into_change()),
    }
}

/// `{ title, description?, slug, deadline?, isActive? }`.
pub struct NewTripForm {
    pub title: String,
    pub slug: Slug,
    pub description: Option<String>,
    pub deadline: Option<String>,
    pub is_active: bool,
}

impl NewTripForm {
    pub fn parse(mut input: Input, ctx: &Ctx) -> ApiResult<NewTripForm> {
        input.only(&["title", "description", "slug", "deadline", "isActive"]);
        let title = input.required_with("title", |s| fields::TITLE.clean(s));
        let slug = input.required_with("slug", Slug::trip);
        let desc = input.patch_str("description");
        let description = input.check("description", description(desc)).flatten().flatten();
        let deadline =
            input.optional_str("deadline").and_then(|s| input.check("deadline", time::parse_deadline(&s, ctx.now)));
        let is_active = matches!(input.patch_bool("isActive"), Patch::Set(true));
        input.finish()?;
        match (title, slug) {
            (Some(title), Some(slug)) => Ok(NewTripForm { title, slug, description, deadline, is_active }),
            _ => Err(ApiError::field("title", "is required")),
        }
    }
}

pub async fn create(ctx: &Ctx, me: &AuthUser, f: NewTripForm) -> ApiResult<TripRow> {
    let id = new_id();
    let new = NewTrip {
        id: &id,
        jastiper_id: &me.id,
        slug: &f.slug,
        title: &f.title,
        description: f.description.as_deref(),
        deadline: f.deadline.as_deref(),
        is_active: f.is_active,
        now: &ctx.now_iso(),
    };
    trips::insert(&ctx.db, &new).await?;
    super::public_cache::profile_changed(ctx, &me.slug).await;
    owned(ctx, me, &id).await
}

/// `{ title?, description?, isActive?, deadline? }`: only what is named changes.
pub fn parse_change(mut input: Input, ctx: &Ctx) -> ApiResult<TripChange> {
    input.only(&["title", "description", "isActive", "deadline"]);
    let title = input.patch_required_with("title", |s| fields::TITLE.clean(s));
    let desc = input.patch_str("description");
    let description = input.check("description", description(desc)).flatten();
    let deadline = match input.patch_str("deadline") {
        Patch::Set(s) => input.check("deadline", time::parse_deadline(&s, ctx.now)).map(Some),
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
    Ok(TripChange { title, description, deadline, is_active })
}

/// Changes an owned trip (see `owned`).
pub async fn update(ctx: &Ctx, me: &AuthUser, trip: TripRow, change: TripChange) -> ApiResult<TripRow> {
    trips::update(&ctx.db, &trip.id, &me.id, &change, &ctx.now_iso()).await?;
    super::public_cache::trip_changed(ctx, &trip.id, None).await;
    owned(ctx, me, &trip.id).await
}

/// A trip with everybody in it and everything on it.
pub async fn details(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<(TripRow, Vec<ParticipantRow>, Vec<ProductRow>)> {
    let trip = owned(ctx, me, id).await?;
    let (people, items) =
        futures::future::try_join(participants::of_trip(&ctx.db, &trip.id), products::of_trip(&ctx.db, &trip.id))
            .await?;
    Ok((trip, people, items))
}

pub async fn page(
    ctx: &Ctx,
    me: &AuthUser,
    active_only: bool,
    after: Option<&Cursor>,
    limit: i64,
) -> ApiResult<Vec<TripRow>> {
    trips::page(&ctx.db, &me.id, active_only, after, limit).await
}

/// The trip, its products, participants, orders and their files.
pub async fn delete(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<()> {
    let trip = owned(ctx, me, id).await?;
    let mut keys: Vec<String> = products::images_of_trip(&ctx.db, &trip.id)
        .await?
        .into_iter()
        .flatten()
        .filter_map(|url| ctx.media().key_of_url(&url))
        .collect();
    keys.extend(orders::proofs_of_trip(&ctx.db, &trip.id).await?);
    let pages = super::public_cache::trip_keys(ctx, &trip.id).await;
    if trips::delete(&ctx.db, &trip.id, &me.id).await? == 0 {
        return Err(ApiError::not_found("Trip"));
    }
    if let Some(pages) = pages {
        super::public_cache::purge_trip(ctx, &trip.id, &pages, None).await;
    }
    ctx.media().delete_quietly(&keys).await;
    Ok(())
}
