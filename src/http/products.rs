//! Products of a trip, JSON or multipart with an `image` (stored in R2).

use serde_json::json;
use worker::{Request, Response};

use super::views::Product;
use crate::ctx::Ctx;
use crate::domain::image::PRODUCT_MAX;
use crate::error::{ApiError, ApiResult};
use crate::input::Input;
use crate::platform::r2::Upload;
use crate::service::products::{self, NewProductForm, FIELDS, NUMERIC};
use crate::service::{public, trips};
use crate::web::auth::require_user;
use crate::web::query::{params, Paging};
use crate::web::{body, respond, upload};

/// The body as fields plus an optional image: JSON, or multipart with `image`.
async fn read_body(req: &mut Request) -> ApiResult<(Input, Option<Upload>)> {
    if upload::is_multipart(req) {
        let allowed: Vec<&str> = FIELDS.iter().copied().chain(["image"]).collect();
        let form = upload::form(req, PRODUCT_MAX, &allowed).await?;
        let image = upload::image_field(&form, "image", PRODUCT_MAX).await?;
        Ok((Input::from_map(upload::text_fields(&form, FIELDS, NUMERIC)), image))
    } else {
        Ok((body::json(req).await?, None))
    }
}

/// `POST /api/trips/:tripId/products` (JSON or multipart with `image`).
pub async fn create(ctx: &Ctx, req: &mut Request, trip_id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let trip = trips::owned(ctx, &me, trip_id).await?;
    let (input, image) = read_body(req).await?;
    let form = NewProductForm::parse(input, trip.currency())?;
    let product = products::create(ctx, &me, &trip, form, image).await?;
    respond::json(201, &json!({ "product": Product::in_trip(&product, &trip) }))
}

/// `GET /api/trips/:tripId/products`: public (trip id or slug), open trips only.
pub async fn list_public(ctx: &Ctx, req: &Request, trip_key: &str) -> ApiResult<Response> {
    let paging = Paging::from(&params(req))?;
    let (trip, rows) = public::trip_products(ctx, trip_key, paging.after.as_ref(), paging.limit)
        .await?
        .ok_or_else(|| ApiError::not_found("Trip"))?;
    let next = paging.next(&rows, |p| (p.created_at.clone(), p.id.clone()));
    let products: Vec<Product<'_>> = rows.iter().map(|p| Product::in_trip(p, &trip)).collect();
    let body = json!({ "products": products, "nextCursor": next });
    respond::json_cached(200, &body, "public, max-age=60")
}

/// `PATCH /api/products/:id` `{ title?, price?, stock?, status?, description? }`
/// (or multipart, to replace the image).
pub async fn update(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let (product, trip) = products::owned_with_trip(ctx, &me, id).await?;
    let (input, image) = read_body(req).await?;
    let change = products::parse_change(input, trip.currency())?;
    let product = products::update(ctx, &me, (product, &trip), change, image).await?;
    respond::json(200, &json!({ "product": Product::in_trip(&product, &trip) }))
}

/// `DELETE /api/products/:id`: only a product nobody ordered; otherwise 409.
pub async fn delete(ctx: &Ctx, req: &Request, id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    products::delete(ctx, &me, id).await?;
    respond::json(200, &json!({ "message": "Product deleted" }))
}
