//! A trip's products, with their image in R2. Adding one to an open trip
//! tells every subscribed participant.

use crate::ctx::Ctx;
use crate::domain::fields;
use crate::domain::ids::{new_id, random_alnum};
use crate::domain::money::Currency;
use crate::domain::order::{DEFAULT_MAX_PER_BUYER, MAX_QUANTITY};
use crate::domain::pricing::MAX_ORIGINAL_MAJOR;
use crate::domain::product::ProductStatus;
use crate::domain::slug::Slug;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::input::{Input, Patch};
use crate::platform::r2::Upload;
use crate::store::products::{self, NewProduct, ProductChange, ProductRow};
use crate::store::trips::{self, TripRow};

use super::{notify, AuthUser};

pub const MAX_PRICE: i64 = 1_000_000_000;
const MAX_STOCK: i64 = 100_000;
/// The fields of a product body (JSON, or the text fields of a multipart form).
pub const FIELDS: &[&str] =
    &["slug", "title", "price", "priceOriginal", "stock", "description", "status", "maxPerBuyer"];
/// Which of `FIELDS` are whole numbers (a form sends them as text).
pub const NUMERIC: &[&str] = &["price", "stock", "maxPerBuyer"];

fn status(input: &mut Input) -> Option<ProductStatus> {
    match input.patch_str("status") {
        Patch::Set(s) => {
            let parsed = ProductStatus::parse(&s);
            if parsed.is_none() {
                input.error("status", "must be active, sold_out or discontinued");
            }
            parsed
        }
        Patch::Absent => None,
        Patch::Null => {
            input.error("status", "must be active, sold_out or discontinued");
            None
        }
    }
}

fn int(input: &mut Input, key: &str, max: i64) -> Option<i64> {
    int_within(input, key, 0, max)
}

fn int_within(input: &mut Input, key: &str, min: i64, max: i64) -> Option<i64> {
    match input.patch_int(key, min, max) {
        Patch::Set(v) => Some(v),
        Patch::Null => {
            input.error(key, "must be a whole number");
            None
        }
        Patch::Absent => None,
    }
}

/// The price a product form names: rupiah in a rupiah trip (`price`), the
/// shop's price in a foreign one (`priceOriginal`, in its minor units).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceInput {
    Rupiah(i64),
    Original(i64),
}

/// `price` (rupiah, money formats) or `priceOriginal` (the trip's
/// currency), whichever the trip takes. Which one that is, and how many
/// decimals its currency has, the body cannot know: sending the other one
/// is a 409 naming it (`PriceConflict`), a malformed one a 400.
fn price_input(input: &mut Input, currency: Currency) -> (Patch<PriceInput>, Option<ApiError>) {
    let (rupiah, original) =
        (input.patch_rupiah("price", MAX_PRICE), input.patch_amount("priceOriginal", MAX_ORIGINAL_MAJOR));
    let sent = |p: &Patch<i64>| !matches!(p, Patch::Absent);
    if currency.is_idr() && sent(&original) {
        let e = ApiError::price_conflict(
            "priceOriginal",
            "is only for a trip that buys in another currency: send price in rupiah",
        );
        return (Patch::Absent, Some(e));
    }
    if !currency.is_idr() && sent(&rupiah) {
        let e = ApiError::price_conflict(
            "price",
            format!(
                "is computed from priceOriginal (in {}), the kurs and the fee: send priceOriginal",
                currency.code()
            ),
        );
        return (Patch::Absent, Some(e));
    }
    if currency.is_idr() {
        return (map_patch(rupiah, PriceInput::Rupiah), None);
    }
    // Thousandths of the major unit, down to the currency's minor units.
    let per_minor = 10_i64.pow(3 - currency.minor_digits());
    match original {
        Patch::Set(th) if th % per_minor != 0 => {
            let places = currency.minor_digits();
            let e = ApiError::price_conflict("priceOriginal", format!("{} has {places} decimals", currency.code()));
            (Patch::Absent, Some(e))
        }
        other => (map_patch(other, |th| PriceInput::Original(th / per_minor)), None),
    }
}

fn map_patch<T, U>(p: Patch<T>, f: impl FnOnce(T) -> U) -> Patch<U> {
    match p {
        Patch::Set(v) => Patch::Set(f(v)),
        Patch::Null => Patch::Null,
        Patch::Absent => Patch::Absent,
    }
}

/// The name of the price field a trip's products take.
fn price_key(currency: Currency) -> &'static str {
    if currency.is_idr() {
        "price"
    } else {
        "priceOriginal"
    }
}

/// `{ slug?, title, price | priceOriginal, stock, description?, status? }`.
pub struct NewProductForm {
    pub slug: Option<Slug>,
    pub title: String,
    pub price: PriceInput,
    pub stock: i64,
    pub description: Option<String>,
    pub status: ProductStatus,
    pub max_per_buyer: i64,
}

impl NewProductForm {
    /// `currency` is the trip's: it decides which price field is taken.
    pub fn parse(mut input: Input, currency: Currency) -> ApiResult<NewProductForm> {
        input.only(FIELDS);
        let slug = input.optional_str("slug").and_then(|s| input.check("slug", Slug::product(&s)));
        let title = input.required_with("title", |s| fields::TITLE.clean(s));
        let (price, conflict) = price_input(&mut input, currency);
        let price = match price {
            Patch::Set(p) => Some(p),
            _ => None,
        };
        let stock = int(&mut input, "stock", MAX_STOCK);
        if price.is_none() && conflict.is_none() && !input.has_errors_on(&["price", "priceOriginal"]) {
            input.error(price_key(currency), "is required");
        }
        if stock.is_none() {
            input.error("stock", "is required");
        }
        let description = input.optional_str("description").filter(|s| !s.trim().is_empty());
        let description = description.and_then(|s| input.check("description", fields::DESCRIPTION.clean(&s)));
        let status = status(&mut input).unwrap_or(ProductStatus::Active);
        let max_per_buyer = int_within(&mut input, "maxPerBuyer", 1, MAX_QUANTITY).unwrap_or(DEFAULT_MAX_PER_BUYER);
        input.finish()?;
        if let Some(e) = conflict {
            return Err(e);
        }
        match (title, price, stock) {
            (Some(title), Some(price), Some(stock)) => {
                Ok(NewProductForm { slug, title, price, stock, description, status, max_per_buyer })
            }
            _ => Err(ApiError::field("title", "is required")),
        }
    }
}

/// `{ title?, price? | priceOriginal?, stock?, status?, description? }`: only what is named changes.
pub fn parse_change(mut input: Input, currency: Currency) -> ApiResult<(ProductChange, Option<PriceInput>)> {
    input.only(FIELDS);
    if input.optional_str("slug").is_some() {
        input.error("slug", "cannot be changed: links to it are already shared");
    }
    let title = input.patch_required_with("title", |s| fields::TITLE.clean(s));
    let (price, conflict) = price_input(&mut input, currency);
    let price = match price {
        Patch::Set(p) => Some(p),
        Patch::Null => {
            input.error(price_key(currency), "cannot be empty");
            None
        }
        Patch::Absent => None,
    };
    let stock = int(&mut input, "stock", MAX_STOCK);
    let description = match input.patch_str("description") {
        Patch::Set(s) if s.trim().is_empty() => Some(None),
        Patch::Set(s) => input.check("description", fields::DESCRIPTION.clean(&s)).map(Some),
        Patch::Null => Some(None),
        Patch::Absent => None,
    };
    let status = status(&mut input);
    let max_per_buyer = int_within(&mut input, "maxPerBuyer", 1, MAX_QUANTITY);
    input.finish()?;
    if let Some(e) = conflict {
        return Err(e);
    }
    let change = ProductChange {
        title,
        price: None,
        price_original: None,
        stock,
        status,
        max_per_buyer,
        description,
        image: None,
    };
    Ok((change, price))
}

/// The rupiah price (and the original) a price input makes in `trip`.
fn priced(trip: &TripRow, p: PriceInput) -> ApiResult<(i64, Option<i64>)> {
    match (p, trip.pricing()) {
        (PriceInput::Rupiah(rp), _) => Ok((rp, None)),
        (PriceInput::Original(o), Some(pricing)) => match pricing.price(o) {
            Some(rp) if rp <= MAX_PRICE => Ok((rp, Some(o))),
            _ => Err(ApiError::price_conflict("priceOriginal", "makes a rupiah price too large at this kurs")),
        },
        (PriceInput::Original(_), None) => {
            Err(ApiError::price_conflict("priceOriginal", "cannot be priced: the trip has no kurs"))
        }
    }
}

/// The product if `me` owns its trip; 404 otherwise.
pub async fn owned(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<ProductRow> {
    products::owned(&ctx.db, id, &me.id).await?.ok_or_else(|| ApiError::not_found("Product"))
}

/// The product and its trip if `me` owns them (one round trip); 404 otherwise.
pub async fn owned_with_trip(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<(ProductRow, TripRow)> {
    let db = &ctx.db;
    let (product, trip) =
        db.read((products::owned_query(db, id, &me.id)?, trips::owned_query_of_product(db, id, &me.id)?)).await?;
    match (product.into_iter().next(), trip.into_iter().next()) {
        (Some(p), Some(t)) => Ok((p, t)),
        _ => Err(ApiError::not_found("Product")),
    }
}

/// A generated 5-character slug nobody has (e.g. `pd12a`).
async fn free_slug(ctx: &Ctx) -> ApiResult<Slug> {
    for _ in 0..5 {
        let candidate = random_alnum(5);
        if !products::slug_taken(&ctx.db, &candidate).await? {
            return Ok(Slug::generated(candidate));
        }
    }
    Err(ApiError::new(ErrorCode::SlugUnavailable, "Could not generate a free product slug: choose one"))
}

/// Adds a product (with its image) to one of the caller's trips (see `trips::owned`).
pub async fn create(
    ctx: &Ctx,
    me: &AuthUser,
    trip: &TripRow,
    f: NewProductForm,
    image: Option<Upload>,
) -> ApiResult<ProductRow> {
    let (price, price_original) = priced(trip, f.price)?;
    let slug = match f.slug {
        Some(s) => s,
        None => free_slug(ctx).await?,
    };
    let key = match image {
        Some(upload) => Some(ctx.media().put(&format!("products/{}", trip.slug), upload).await?),
        None => None,
    };
    let url = key.as_ref().map(|k| ctx.media().public_url(k));
    let id = new_id();
    let new = NewProduct {
        id: &id,
        trip_id: &trip.id,
        slug: &slug,
        title: &f.title,
        price,
        stock: f.stock,
        image: url.as_deref(),
        description: f.description.as_deref(),
        status: f.status,
        max_per_buyer: f.max_per_buyer,
        price_original,
        now: &ctx.now_iso(),
    };
    if let Err(e) = products::insert(&ctx.db, &new).await {
        // Nothing may be left behind by a refused request: not even the image.
        if let Some(key) = key {
            ctx.media().delete_quietly(&[key]).await;
        }
        return Err(e);
    }
    let product = owned(ctx, me, &id).await?;
    super::public_cache::trip_changed(ctx, &trip.id, Some(product.slug.as_str())).await;
    notify::product_created(ctx, trip, &product).await?;
    Ok(product)
}

/// Changes an owned product of `trip` (see `owned_with_trip`); a new image
/// replaces (and removes) the old one.
pub async fn update(
    ctx: &Ctx,
    me: &AuthUser,
    (product, trip): (ProductRow, &TripRow),
    (mut change, price): (ProductChange, Option<PriceInput>),
    image: Option<Upload>,
) -> ApiResult<ProductRow> {
    if let Some(p) = price {
        let (rupiah, original) = priced(trip, p)?;
        change.price = Some(rupiah);
        change.price_original = original;
    }
    // New stock for a sold-out product puts it back on sale (unless a status is given).
    if product.status == ProductStatus::SoldOut && change.status.is_none() && change.stock.is_some_and(|s| s > 0) {
        change.status = Some(ProductStatus::Active);
    }
    let mut old_key = None;
    if let Some(upload) = image {
        let key = ctx.media().put(&format!("products/{}", trip.slug), upload).await?;
        old_key = product.image.as_deref().and_then(|u| ctx.media().key_of_url(u));
        change.image = Some(Some(ctx.media().public_url(&key)));
    }
    products::update(&ctx.db, &product.id, &change, &ctx.now_iso()).await?;
    if let Some(key) = old_key {
        ctx.media().delete_quietly(&[key]).await;
    }
    super::public_cache::trip_changed(ctx, &product.trip_id, Some(product.slug.as_str())).await;
    owned(ctx, me, &product.id).await
}

/// Deletes a product nobody ordered; otherwise 409 (discontinue it instead).
pub async fn delete(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<()> {
    let product = owned(ctx, me, id).await?;
    let refuse = || {
        ApiError::new(
            ErrorCode::ProductHasOrders,
            "This product has orders and cannot be deleted: set its status to discontinued instead",
        )
    };
    if products::has_orders(&ctx.db, &product.id).await? {
        return Err(refuse());
    }
    if products::delete_unordered(&ctx.db, &product.id).await? == 0 {
        return Err(refuse());
    }
    super::public_cache::trip_changed(ctx, &product.trip_id, Some(product.slug.as_str())).await;
    if let Some(key) = product.image.as_deref().and_then(|u| ctx.media().key_of_url(u)) {
        ctx.media().delete_quietly(&[key]).await;
    }
    Ok(())
}
