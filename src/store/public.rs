//! The public reads (profile, trip, product pages and their API twins) as
//! one D1 batch each: every statement finds its rows from the slug itself
//! (a subquery on a unique index), so nothing waits for an earlier answer.

use serde::Deserialize;

use super::products::{self, ProductRow};
use super::trips::{self, TripRow};
use super::users::{UserRow, USER_COLUMNS};
use super::{Db, Select};
use crate::error::ApiResult;

const OWNER_OF_SLUG: &str = "(SELECT id FROM users WHERE slug = ?1)";

fn by_slug<T>(db: &Db, sql: &str, slug: &str) -> ApiResult<Select<T>> {
    Select::new(db, sql, &[slug.into()])
}

#[derive(Deserialize)]
struct Stats {
    trips: i64,
    fulfilled: i64,
}

/// A profile by slug: the account, its open trips, their products (not
/// discontinued), and its numbers when `with_stats`.
pub async fn profile(
    db: &Db,
    slug: &str,
    with_stats: bool,
) -> ApiResult<Option<(UserRow, Vec<TripRow>, Vec<ProductRow>, (i64, i64))>> {
    let user = by_slug::<UserRow>(db, &format!("SELECT {USER_COLUMNS} FROM users WHERE slug = ?1"), slug)?;
    let trips = by_slug::<TripRow>(
        db,
        &format!(
            "SELECT {} FROM trips WHERE jastiper_id = {OWNER_OF_SLUG} AND is_active = 1
             ORDER BY created_at DESC, id DESC",
            trips::COLUMNS
        ),
        slug,
    )?;
    let products = by_slug::<ProductRow>(
        db,
        &format!(
            // IN (…) reads each open trip once, not once per product as a join does.
            "SELECT {} FROM products p
             WHERE p.trip_id IN (SELECT id FROM trips WHERE jastiper_id = {OWNER_OF_SLUG} AND is_active = 1)
               AND p.status != 'discontinued'
             ORDER BY p.created_at DESC, p.id DESC",
            products::COLUMNS
        ),
        slug,
    )?;
    // Without stats the same batch asks for zeros (reading no row), so one
    // decoding serves both.
    let stats_sql = if with_stats {
        format!(
            "SELECT (SELECT COUNT(*) FROM trips WHERE jastiper_id = {OWNER_OF_SLUG} AND is_active = 1) AS trips,
                    (SELECT COUNT(*) FROM orders o JOIN trips t ON t.id = o.trip_id
                      WHERE t.jastiper_id = {OWNER_OF_SLUG} AND o.status = 'shipped') AS fulfilled"
        )
    } else {
        "SELECT 0 AS trips, 0 AS fulfilled WHERE ?1 IS NOT NULL".to_string()
    };
    let stats = by_slug::<Stats>(db, &stats_sql, slug)?;
    let (user, trips, products, stats) = db.read((user, trips, products, stats)).await?;
    let stats = stats.into_iter().next().map_or((0, 0), |s| (s.trips, s.fulfilled));
    Ok(user.into_iter().next().map(|user| (user, trips, products, stats)))
}

/// An open trip by its slug, its jastiper and its first `limit` products.
pub async fn trip(db: &Db, slug: &str, limit: i64) -> ApiResult<Option<(TripRow, Option<UserRow>, Vec<ProductRow>)>> {
    const TRIP: &str = "(SELECT id FROM trips WHERE slug = ?1 AND is_active = 1)";
    let (trip, owner, items) = db
        .read((
            by_slug::<TripRow>(db, &format!("SELECT {} FROM trips WHERE slug = ?1 AND is_active = 1", trips::COLUMNS), slug)?,
            by_slug::<UserRow>(
                db,
                &format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE id = (SELECT jastiper_id FROM trips WHERE slug = ?1 AND is_active = 1)"
                ),
                slug,
            )?,
            Select::<ProductRow>::new(
                db,
                &format!(
                    "SELECT {} FROM products p WHERE p.trip_id = {TRIP} AND p.status != 'discontinued'
                     ORDER BY p.created_at DESC, p.id DESC LIMIT ?2",
                    products::COLUMNS
                ),
                &[slug.into(), limit.into()],
            )?,
        ))
        .await?;
    Ok(trip.into_iter().next().map(|trip| (trip, owner.into_iter().next(), items)))
}

/// A product on sale by its slug, its open trip and the trip's jastiper.
pub async fn product(db: &Db, slug: &str) -> ApiResult<Option<(ProductRow, TripRow, Option<UserRow>)>> {
    const TRIP_OF: &str = "(SELECT trip_id FROM products WHERE slug = ?1 AND status != 'discontinued')";
    let (product, trip, owner) = db
        .read((
            by_slug::<ProductRow>(
                db,
                &format!("SELECT {} FROM products p WHERE p.slug = ?1 AND p.status != 'discontinued'", products::COLUMNS),
                slug,
            )?,
            by_slug::<TripRow>(db, &format!("SELECT {} FROM trips WHERE id = {TRIP_OF} AND is_active = 1", trips::COLUMNS), slug)?,
            by_slug::<UserRow>(
                db,
                &format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE id = (SELECT jastiper_id FROM trips WHERE id = {TRIP_OF} AND is_active = 1)"
                ),
                slug,
            )?,
        ))
        .await?;
    match (product.into_iter().next(), trip.into_iter().next()) {
        (Some(product), Some(trip)) => Ok(Some((product, trip, owner.into_iter().next()))),
        _ => Ok(None),
    }
}

/// An open trip (by id or slug) and one page of its products, newest first.
pub async fn trip_products(
    db: &Db,
    key: &str,
    after: Option<&crate::domain::page::Cursor>,
    limit: i64,
) -> ApiResult<Option<(TripRow, Vec<ProductRow>)>> {
    let (after_at, after_id) = after.map_or(("\u{10FFFF}", ""), |c| (c.created_at.as_str(), c.id.as_str()));
    let (trip, items) = db
        .read((
            Select::<TripRow>::new(
                db,
                &format!("SELECT {} FROM trips WHERE (id = ?1 OR slug = lower(?1)) AND is_active = 1", trips::COLUMNS),
                &[key.into()],
            )?,
            Select::<ProductRow>::new(
                db,
                &format!(
                    "SELECT {} FROM products p
                     WHERE p.trip_id = (SELECT id FROM trips WHERE (id = ?1 OR slug = lower(?1)) AND is_active = 1)
                       AND p.status != 'discontinued' AND (p.created_at, p.id) < (?2, ?3)
                     ORDER BY p.created_at DESC, p.id DESC LIMIT ?4",
                    products::COLUMNS
                ),
                &[key.into(), after_at.into(), after_id.into(), limit.into()],
            )?,
        ))
        .await?;
    Ok(trip.into_iter().next().map(|trip| (trip, items)))
}

/// What names a trip's public pages: its slug, its jastiper's slug and its products' slugs.
#[derive(Debug, Deserialize)]
pub struct TripKeys {
    pub trip_slug: String,
    pub owner_slug: String,
    /// A JSON array of the products' slugs.
    product_slugs: String,
}

impl TripKeys {
    pub fn products(&self) -> Vec<String> {
        serde_json::from_str(&self.product_slugs).unwrap_or_default()
    }
}

/// `with_products`: also every product's slug (reads them all; a change of
/// one product does not need them).
pub async fn trip_keys(db: &Db, trip_id: &str, with_products: bool) -> ApiResult<Option<TripKeys>> {
    let products =
        if with_products { "(SELECT json_group_array(p.slug) FROM products p WHERE p.trip_id = t.id)" } else { "'[]'" };
    db.one(
        &format!(
            "SELECT t.slug AS trip_slug, u.slug AS owner_slug, {products} AS product_slugs
             FROM trips t JOIN users u ON u.id = t.jastiper_id WHERE t.id = ?1"
        ),
        &[trip_id.into()],
    )
    .await
}
