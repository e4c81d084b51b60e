//! A jastiper's trips: open, change, list, delete (with their files).

use crate::ctx::Ctx;
use crate::domain::ids::new_id;
use crate::domain::money::Currency;
use crate::domain::page::Cursor;
use crate::domain::pricing::{FEE_PLACES, MAX_FEE, MAX_FEE_PER_ITEM, MAX_RATE, RATE_PLACES, ROUND_TO};
use crate::domain::slug::Slug;
use crate::domain::{fields, time};
use crate::error::{ApiError, ApiResult};
use crate::input::{Input, Patch};
use crate::store::orders;
use crate::store::participants::ParticipantRow;
use crate::store::products::{self, ProductRow};
use crate::store::trips::{self, NewTrip, PricingChange, TripChange, TripRow};

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

/// The pricing fields of a trip's body, every problem reported on its field.
pub const PRICING_FIELDS: [&str; 5] = ["currency", "exchangeRate", "feePercent", "feePerItem", "roundTo"];

/// `shippingFlat`: one ongkir for every bill (`null`: set per bill).
fn parse_flat(input: &mut Input) -> Option<Option<i64>> {
    match input.patch_rupiah("shippingFlat", super::bills::MAX_SHIPPING) {
        Patch::Set(v) => Some(Some(v)),
        Patch::Null => Some(None),
        Patch::Absent => None,
    }
}

/// `reminderDays`: days after the arrival until one reminder (`null`: the default 3).
fn parse_reminder(input: &mut Input) -> Option<i64> {
    match input.patch_int("reminderDays", 1, 30) {
        Patch::Set(v) => Some(v),
        Patch::Null => Some(3),
        Patch::Absent => None,
    }
}

/// `dpPercent`: the DP a trip asks, whole percent 0–100 (`null`: none).
fn parse_dp(input: &mut Input) -> Option<i64> {
    match input.patch_int("dpPercent", 0, 100) {
        Patch::Set(v) => Some(v),
        Patch::Null => Some(0),
        Patch::Absent => None,
    }
}

fn parse_pricing(input: &mut Input) -> PricingChange {
    let currency = match input.patch_str("currency") {
        Patch::Set(c) => {
            let parsed = Currency::parse(&c).ok_or_else(|| {
                format!("must be one of {}", Currency::all().map(Currency::code).collect::<Vec<_>>().join(", "))
            });
            input.check("currency", parsed)
        }
        Patch::Null => {
            input.error("currency", "must be a currency code such as IDR or JPY");
            None
        }
        Patch::Absent => None,
    };
    let exchange_rate = match input.patch_decimal("exchangeRate", RATE_PLACES, 1, MAX_RATE) {
        Patch::Set(v) => Some(Some(v)),
        Patch::Null => Some(None),
        Patch::Absent => None,
    };
    let fee_percent = match input.patch_decimal("feePercent", FEE_PLACES, 0, MAX_FEE) {
        Patch::Set(v) => Some(v),
        Patch::Null => Some(0),
        Patch::Absent => None,
    };
    let fee_per_item = match input.patch_rupiah("feePerItem", MAX_FEE_PER_ITEM) {
        Patch::Set(v) => Some(v),
        Patch::Null => Some(0),
        Patch::Absent => None,
    };
    let round_to = match input.patch_int("roundTo", 1, 1000) {
        Patch::Set(v) if ROUND_TO.contains(&v) => Some(v),
        Patch::Set(_) | Patch::Null => {
            input.error("roundTo", "must be 1, 100, 500 or 1000");
            None
        }
        Patch::Absent => None,
    };
    PricingChange { currency, exchange_rate, fee_percent, fee_per_item, round_to }
}

/// A trip buying abroad needs its kurs; a rupiah trip has none.
fn check_pricing(currency: Currency, rate: Option<i64>) -> ApiResult<()> {
    match (currency.is_idr(), rate) {
        (false, None) => Err(ApiError::field("exchangeRate", "is required unless currency is IDR")),
        (true, Some(_)) => Err(ApiError::field("exchangeRate", "is only for a trip that buys in another currency")),
        _ => Ok(()),
    }
}

/// `{ title, description?, slug, deadline?, isActive?, currency?, exchangeRate?, feePercent?, feePerItem?, roundTo? }`.
pub struct NewTripForm {
    pub title: String,
    pub slug: Slug,
    pub description: Option<String>,
    pub deadline: Option<String>,
    pub is_active: bool,
    pub pricing: PricingChange,
    pub dp_percent: Option<i64>,
    pub shipping_flat: Option<i64>,
    pub reminder_days: Option<i64>,
}

impl NewTripForm {
    pub fn parse(mut input: Input, ctx: &Ctx) -> ApiResult<NewTripForm> {
        let allowed: Vec<&str> =
            ["title", "description", "slug", "deadline", "isActive", "dpPercent", "shippingFlat", "reminderDays"]
                .into_iter()
                .chain(PRICING_FIELDS)
                .collect();
        input.only(&allowed);
        let title = input.required_with("title", |s| fields::TITLE.clean(s));
        let slug = input.required_with("slug", Slug::trip);
        let desc = input.patch_str("description");
        let description = input.check("description", description(desc)).flatten().flatten();
        let deadline =
            input.optional_str("deadline").and_then(|s| input.check("deadline", time::parse_deadline(&s, ctx.now)));
        let is_active = matches!(input.patch_bool("isActive"), Patch::Set(true));
        let pricing = parse_pricing(&mut input);
        let dp_percent = parse_dp(&mut input);
        let shipping_flat = parse_flat(&mut input).flatten();
        let reminder_days = parse_reminder(&mut input);
        input.finish()?;
        check_pricing(pricing.currency.unwrap_or(Currency::IDR), pricing.exchange_rate.flatten())?;
        match (title, slug) {
            (Some(title), Some(slug)) => Ok(NewTripForm {
                title,
                slug,
                description,
                deadline,
                is_active,
                pricing,
                dp_percent,
                shipping_flat,
                reminder_days,
            }),
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
        pricing: &f.pricing,
        dp_percent: f.dp_percent,
        shipping_flat: f.shipping_flat,
        reminder_days: f.reminder_days,
        now: &ctx.now_iso(),
    };
    trips::insert(&ctx.db, &new).await?;
    super::public_cache::profile_changed(ctx, &me.slug).await;
    owned(ctx, me, &id).await
}

/// `{ title?, description?, isActive?, deadline?, currency?, exchangeRate?, feePercent?, feePerItem?, roundTo? }`:
/// only what is named changes.
pub fn parse_change(mut input: Input, ctx: &Ctx) -> ApiResult<TripChange> {
    let allowed: Vec<&str> =
        ["title", "description", "isActive", "deadline", "dpPercent", "shippingFlat", "reminderDays"]
            .into_iter()
            .chain(PRICING_FIELDS)
            .collect();
    input.only(&allowed);
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
    let pricing = parse_pricing(&mut input);
    let dp_percent = parse_dp(&mut input);
    let shipping_flat = parse_flat(&mut input);
    let reminder_days = parse_reminder(&mut input);
    input.finish()?;
    Ok(TripChange { title, description, deadline, is_active, pricing, dp_percent, shipping_flat, reminder_days })
}

/// Changes an owned trip (see `owned`). A new kurs or fee re-prices its
/// products for new orders; every order keeps the unit price it was placed at.
pub async fn update(ctx: &Ctx, me: &AuthUser, trip: TripRow, change: TripChange) -> ApiResult<TripRow> {
    let p = &change.pricing;
    let currency = p.currency.unwrap_or(trip.currency());
    let rate = p.exchange_rate.unwrap_or(trip.exchange_rate);
    // What the trip already is decides these: a conflict, not a malformed body.
    check_pricing(currency, rate)
        .map_err(|e| ApiError::price_conflict("exchangeRate", e.fields.values().next().cloned().unwrap_or_default()))?;
    if p.currency.is_some_and(|c| c != trip.currency()) && products::count_of_trip(&ctx.db, &trip.id).await? > 0 {
        return Err(ApiError::price_conflict("currency", "cannot change once the trip has products: open a new trip"));
    }
    let prices = match change.pricing.is_empty() {
        true => Vec::new(),
        false => new_prices(ctx, &trip, &change.pricing).await?,
    };
    let now = ctx.now_iso();
    trips::update(&ctx.db, &trip.id, &me.id, &change, &prices, &now).await?;
    let updated = owned(ctx, me, &trip.id).await?;
    super::public_cache::trip_changed(ctx, &trip.id, None).await;
    Ok(updated)
}

/// The rupiah price each foreign-priced product of `trip` has under the new
/// pricing; refused, before anything is written, when one would pass the
/// highest price a product may have.
async fn new_prices(ctx: &Ctx, trip: &TripRow, change: &PricingChange) -> ApiResult<Vec<(String, i64)>> {
    let Some(pricing) = change.applied_to(trip) else {
        return Ok(Vec::new());
    };
    let items = products::of_trip(&ctx.db, &trip.id).await?;
    let mut prices = Vec::new();
    for item in &items {
        let Some(original) = item.price_original else { continue };
        match pricing.price(original).filter(|p| *p <= super::products::MAX_PRICE) {
            Some(price) => prices.push((item.id.clone(), price)),
            None => {
                return Err(ApiError::price_conflict(
                    "exchangeRate",
                    format!("{} would cost more than Rp 1.000.000.000 at this rate and fee", item.title),
                ))
            }
        }
    }
    Ok(prices)
}

/// The goods of an owned trip arrived: every penitip still owing is told
/// once what is left. Answers how many were told.
pub async fn arrived(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<usize> {
    let trip = owned(ctx, me, id).await?;
    trips::mark_arrived(&ctx.db, &trip.id, &me.id, &ctx.now_iso()).await?;
    super::notify::arrived(ctx, &trip).await
}

/// A trip with its products and its newest participants (one page: the rest
/// page through `participants::of_trip`), in one batch; how many joined is
/// the trip's counter, so a trip of thousands reads what it shows.
pub async fn details(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<(TripRow, Vec<ParticipantRow>, Vec<ProductRow>)> {
    use crate::store::dashboard as q;
    let db = &ctx.db;
    let (trip, items, people) = db
        .read((
            trips::owned_query(db, id, &me.id)?,
            products::newest_of_owned_trip(db, id, &me.id)?,
            q::participants_of_trip(db, id, &me.id, None, q::PAGE)?,
        ))
        .await?;
    let trip = trip.into_iter().next().ok_or_else(|| ApiError::not_found("Trip"))?;
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
