//! Products of a trip (spec §5 Product Management), with images in R2.

use serde_json::{json, Map, Value};
use worker::{FormData, FormEntry, Request, Response};

use super::app::App;
use super::auth::require_user;
use super::query::{params, Paging};
use super::trips::owned_or_404;
use super::{body, media, respond, views};
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::ids::{new_id, random_alnum};
use crate::domain::image::{ImageKind, PRODUCT_MAX};
use crate::domain::input::{Input, Patch};
use crate::domain::{slug, text};
use crate::notify;
use crate::store::products::{self, NewProduct, ProductChange, ProductRow};
use crate::store::trips;

const MAX_PRICE: i64 = 1_000_000_000;
const MAX_STOCK: i64 = 100_000;
const STATUSES: &[&str] = &["active", "sold_out", "discontinued"];
const FIELDS: &[&str] = &["slug", "title", "price", "stock", "description", "status"];

/// A multipart form's text fields as a JSON object, so one validator reads
/// both kinds of body; whole numbers are sent as numbers.
fn form_fields(form: &FormData, names: &[&str]) -> Map<String, Value> {
    let mut map = Map::new();
    for name in names {
        if let Some(FormEntry::Field(v)) = form.get(name) {
            let value = match v.trim().parse::<i64>() {
                Ok(n) if matches!(*name, "price" | "stock") => Value::from(n),
                _ => Value::from(v),
            };
            map.insert((*name).to_string(), value);
        }
    }
    map
}

/// The body as fields plus an optional image: JSON, or multipart with `image`.
async fn read_body(req: &mut Request) -> ApiResult<(Input, Option<(Vec<u8>, ImageKind)>)> {
    if media::is_multipart(req) {
        let form = media::form(req, PRODUCT_MAX).await?;
        let image = media::image_field(&form, "image", PRODUCT_MAX).await?;
        Ok((Input::from_map(form_fields(&form, FIELDS)), image))
    } else {
        let mut input = body::json(req).await?;
        input.only(FIELDS);
        Ok((input, None))
    }
}

fn status(input: &mut Input, p: Patch<String>) -> Option<String> {
    match p {
        Patch::Set(s) if STATUSES.contains(&s.as_str()) => Some(s),
        Patch::Absent => None,
        _ => {
            input.error("status", "must be active, sold_out or discontinued");
            None
        }
    }
}

fn int(input: &mut Input, key: &str, max: i64) -> Option<i64> {
    match input.patch_int(key, 0, max) {
        Patch::Set(v) => Some(v),
        Patch::Null => {
            input.error(key, "must be a whole number");
            None
        }
        Patch::Absent => None,
    }
}

/// `POST /api/trips/:tripId/products` (JSON or multipart with `image`).
pub async fn create(app: &App, req: &mut Request, trip_id: &str) -> ApiResult<Response> {
    let me = require_user(app, req)?;
    let trip = owned_or_404(app, trip_id, &me.id).await?;
    let (mut input, image) = read_body(req).await?;
    let chosen_slug = input.optional_str("slug").and_then(|s| input.check("slug", slug::parse_product_slug(&s)));
    let title = input.required_with("title", |s| text::clean(s, 1, 120, false));
    let price = int(&mut input, "price", MAX_PRICE);
    let stock = int(&mut input, "stock", MAX_STOCK);
    for (key, value) in [("price", price), ("stock", stock)] {
        if value.is_none() {
            input.error(key, "is required");
        }
    }
    let description = input.optional_str("description").filter(|s| !s.trim().is_empty());
    let description = description.and_then(|s| input.check("description", text::clean(&s, 1, 2000, true)));
    let st = input.patch_str("status");
    let status = status(&mut input, st).unwrap_or_else(|| "active".into());
    input.finish()?;
    let (Some(title), Some(price), Some(stock)) = (title, price, stock) else {
        return Err(ApiError::internal("validated fields missing"));
    };

    let slug = match chosen_slug {
        Some(s) => s,
        None => free_slug(app).await?,
    };
    let image_url = match image {
        Some((bytes, kind)) => {
            let key = media::new_key(&format!("products/{}", trip.slug), kind);
            media::put(app, &key, bytes, kind).await?;
            Some((key.clone(), media::public_url(app, &key)))
        }
        None => None,
    };
    let id = new_id();
    let inserted = products::insert(
        &app.db,
        &NewProduct {
            id: &id,
            trip_id: &trip.id,
            slug: &slug,
            title: &title,
            price,
            stock,
            image: image_url.as_ref().map(|(_, url)| url.as_str()),
            description: description.as_deref(),
            status: &status,
            now: &app.now_iso(),
        },
    )
    .await;
    if let Err(e) = inserted {
        // Nothing may be left behind by a refused request: not even the image.
        if let Some((key, _)) = image_url {
            media::delete_quietly(app, &[key]).await;
        }
        return Err(e);
    }
    let product = owned_or_404_product(app, &id, &me.id).await?;
    notify::product_created(app, &trip, &product).await?;
    respond::json(201, &json!({ "product": views::product(&product) }))
}

/// A generated 5-character slug nobody has (e.g. `pd12a`).
async fn free_slug(app: &App) -> ApiResult<String> {
    for _ in 0..5 {
        let candidate = random_alnum(5);
        if !products::slug_taken(&app.db, &candidate).await? {
            return Ok(candidate);
        }
    }
    Err(ApiError::conflict("slug_unavailable", "Could not generate a free product slug: choose one"))
}

async fn owned_or_404_product(app: &App, id: &str, owner: &str) -> ApiResult<ProductRow> {
    products::owned(&app.db, id, owner).await?.ok_or_else(|| ApiError::not_found("Product"))
}

/// `GET /api/trips/:tripId/products`: public (trip id or slug), active trips only.
pub async fn list_public(app: &App, req: &Request, trip_key: &str) -> ApiResult<Response> {
    let paging = Paging::from(&params(req))?;
    let trip = trips::by_id_or_slug(&app.db, trip_key)
        .await?
        .filter(|t| t.is_active == 1)
        .ok_or_else(|| ApiError::not_found("Trip"))?;
    let rows = products::public_page(&app.db, &trip.id, paging.after.as_ref(), paging.limit).await?;
    let next = paging.next(&rows, |p| (p.created_at.clone(), p.id.clone()));
    let body = json!({ "products": rows.iter().map(views::product).collect::<Vec<_>>(), "nextCursor": next });
    respond::json_cached(200, &body, "public, max-age=60")
}

/// `PATCH /api/products/:id` `{ title?, price?, stock?, status?, description? }`
/// (or multipart, to replace the image).
pub async fn update(app: &App, req: &mut Request, id: &str) -> ApiResult<Response> {
    let me = require_user(app, req)?;
    let product = owned_or_404_product(app, id, &me.id).await?;
    let (mut input, image) = read_body(req).await?;
    if input.optional_str("slug").is_some() {
        input.error("slug", "cannot be changed: links to it are already shared");
    }
    let title = input.patch_required_with("title", |s| text::clean(s, 1, 120, false));
    let price = int(&mut input, "price", MAX_PRICE);
    let stock = int(&mut input, "stock", MAX_STOCK);
    let description = match input.patch_str("description") {
        Patch::Set(s) if s.trim().is_empty() => Some(None),
        Patch::Set(s) => input.check("description", text::clean(&s, 1, 2000, true)).map(Some),
        Patch::Null => Some(None),
        Patch::Absent => None,
    };
    let st = input.patch_str("status");
    let status = status(&mut input, st);
    input.finish()?;

    let trip = owned_or_404(app, &product.trip_id, &me.id).await?;
    let mut old_key = None;
    let image_change = match image {
        Some((bytes, kind)) => {
            let key = media::new_key(&format!("products/{}", trip.slug), kind);
            media::put(app, &key, bytes, kind).await?;
            old_key = product.image.as_deref().and_then(|u| media::key_of_url(app, u));
            Some(Some(media::public_url(app, &key)))
        }
        None => None,
    };
    let change = ProductChange { title, price, stock, status, description, image: image_change };
    products::update(&app.db, &product.id, &change, &app.now_iso()).await?;
    if let Some(key) = old_key {
        media::delete_quietly(app, &[key]).await;
    }
    let product = owned_or_404_product(app, id, &me.id).await?;
    respond::json(200, &json!({ "product": views::product(&product) }))
}

/// `DELETE /api/products/:id`: only a product nobody ordered; otherwise 409.
pub async fn delete(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    let me = require_user(app, req)?;
    let product = owned_or_404_product(app, id, &me.id).await?;
    let refuse = || {
        ApiError::conflict(
            "product_has_orders",
            "This product has orders and cannot be deleted: set its status to discontinued instead",
        )
    };
    if products::has_orders(&app.db, &product.id).await? {
        return Err(refuse());
    }
    if products::delete_unordered(&app.db, &product.id).await? == 0 {
        return Err(refuse());
    }
    if let Some(key) = product.image.as_deref().and_then(|u| media::key_of_url(app, u)) {
        media::delete_quietly(app, &[key]).await;
    }
    respond::json(200, &json!({ "message": "Product deleted" }))
}
