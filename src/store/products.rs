//! SQL for `products`. Private queries join `trips` to check the owner.

use serde::Deserialize;

use super::{Arg, Changes, Db, Select};
use crate::domain::page::Cursor;
use crate::domain::product::ProductStatus;
use crate::domain::slug::Slug;
use crate::error::ApiResult;

#[derive(Debug, Clone, Deserialize)]
pub struct ProductRow {
    pub id: String,
    pub trip_id: String,
    pub slug: Slug,
    pub title: String,
    pub price: i64,
    pub stock: i64,
    pub image: Option<String>,
    pub description: Option<String>,
    pub status: ProductStatus,
    /// How many one buyer may hold in open orders.
    pub max_per_buyer: i64,
    pub created_at: String,
    pub updated_at: String,
    /// The shop's price in the trip's currency (minor units); `price` is
    /// computed from it (NULL in a rupiah trip).
    pub price_original: Option<i64>,
}

pub const COLUMNS: &str =
    "p.id, p.trip_id, p.slug, p.title, p.price, p.stock, p.image, p.description, p.status, p.max_per_buyer, \
     p.created_at, p.updated_at, p.price_original";

pub struct NewProduct<'a> {
    pub id: &'a str,
    pub trip_id: &'a str,
    pub slug: &'a Slug,
    pub title: &'a str,
    pub price: i64,
    pub stock: i64,
    pub image: Option<&'a str>,
    pub description: Option<&'a str>,
    pub status: ProductStatus,
    pub max_per_buyer: i64,
    pub price_original: Option<i64>,
    pub now: &'a str,
}

pub async fn insert(db: &Db, p: &NewProduct<'_>) -> ApiResult<()> {
    db.exec(
        "INSERT INTO products (id, trip_id, slug, title, price, stock, image, description, status, max_per_buyer,
                               created_at, updated_at, price_original)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?11, ?10, ?10, ?12)",
        &[
            p.id.into(),
            p.trip_id.into(),
            p.slug.into(),
            p.title.into(),
            p.price.into(),
            p.stock.into(),
            p.image.into(),
            p.description.into(),
            p.status.into(),
            p.now.into(),
            p.max_per_buyer.into(),
            p.price_original.map_or(Arg::Null, Arg::Int),
        ],
    )
    .await?;
    Ok(())
}

pub async fn slug_taken(db: &Db, slug: &str) -> ApiResult<bool> {
    #[derive(Deserialize)]
    struct Hit {}
    Ok(db.one::<Hit>("SELECT 1 AS hit FROM products WHERE slug = ?1", &[slug.into()]).await?.is_some())
}

/// The product if `owner` owns its trip: the one owned-product read, alone
/// (`owned`) or in a batch.
pub fn owned_query(db: &Db, id: &str, owner: &str) -> ApiResult<Select<ProductRow>> {
    Select::new(
        db,
        &format!(
            "SELECT {COLUMNS} FROM products p JOIN trips t ON t.id = p.trip_id WHERE p.id = ?1 AND t.jastiper_id = ?2"
        ),
        &[id.into(), owner.into()],
    )
}

pub async fn owned(db: &Db, id: &str, owner: &str) -> ApiResult<Option<ProductRow>> {
    db.first(owned_query(db, id, owner)?).await
}

/// A product by id or slug, with its trip's activity, for public ordering.
pub async fn by_id_or_slug(db: &Db, key: &str) -> ApiResult<Option<ProductRow>> {
    db.one(&format!("SELECT {COLUMNS} FROM products p WHERE p.id = ?1 OR p.slug = lower(?1) LIMIT 1"), &[key.into()])
        .await
}

/// All products of one trip (the owner's view), newest first.
/// The products with these codes (slugs), whatever their trips.
pub async fn by_slugs(db: &Db, slugs: &[&str]) -> ApiResult<Vec<ProductRow>> {
    let list = serde_json::to_string(slugs)?;
    db.many(
        &format!("SELECT {COLUMNS} FROM products p WHERE p.slug IN (SELECT value FROM json_each(?1))"),
        &[list.as_str().into()],
    )
    .await
}

pub async fn count_of_trip(db: &Db, trip_id: &str) -> ApiResult<i64> {
    #[derive(Deserialize)]
    struct Row {
        n: i64,
    }
    Ok(db
        .one::<Row>("SELECT COUNT(*) AS n FROM products WHERE trip_id = ?1", &[trip_id.into()])
        .await?
        .map_or(0, |r| r.n))
}

/// New rupiah prices (a trip's kurs or fee changed), for the trip's own batch.
pub fn set_prices(db: &Db, prices: &[(String, i64)], now: &str) -> ApiResult<super::Writes> {
    let writes = prices
        .iter()
        .map(|(id, price)| {
            db.stmt(
                "UPDATE products SET price = ?2, updated_at = ?3 WHERE id = ?1",
                &[id.into(), (*price).into(), now.into()],
            )
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(super::Writes(writes))
}

/// An owned trip's products, newest first (the API's trip view), for a batch.
pub fn newest_of_owned_trip(db: &Db, trip_id: &str, owner: &str) -> ApiResult<super::Select<ProductRow>> {
    super::Select::new(
        db,
        &format!(
            "SELECT {COLUMNS} FROM products p WHERE p.trip_id = (SELECT id FROM trips WHERE id = ?1 AND jastiper_id = ?2)
             ORDER BY p.created_at DESC, p.id DESC"
        ),
        &[trip_id.into(), owner.into()],
    )
}

pub async fn of_trip(db: &Db, trip_id: &str) -> ApiResult<Vec<ProductRow>> {
    db.many(
        &format!("SELECT {COLUMNS} FROM products p WHERE p.trip_id = ?1 ORDER BY p.created_at DESC, p.id DESC"),
        &[trip_id.into()],
    )
    .await
}

/// One page of what a penitip may see of a trip: everything but discontinued.
pub async fn public_page(db: &Db, trip_id: &str, after: Option<&Cursor>, limit: i64) -> ApiResult<Vec<ProductRow>> {
    let (after_at, after_id) = after.map_or(("\u{10FFFF}", ""), |c| (c.created_at.as_str(), c.id.as_str()));
    db.many(
        &format!(
            "SELECT {COLUMNS} FROM products p WHERE p.trip_id = ?1 AND p.status != 'discontinued'
             AND (p.created_at, p.id) < (?2, ?3) ORDER BY p.created_at DESC, p.id DESC LIMIT ?4"
        ),
        &[trip_id.into(), after_at.into(), after_id.into(), limit.into()],
    )
    .await
}

/// Products of a jastiper's active trips that a penitip may see (not discontinued).
pub async fn public_of_active_trips(db: &Db, jastiper_id: &str) -> ApiResult<Vec<ProductRow>> {
    db.many(
        &format!(
            "SELECT {COLUMNS} FROM products p JOIN trips t ON t.id = p.trip_id
             WHERE t.jastiper_id = ?1 AND t.is_active = 1 AND p.status != 'discontinued'
             ORDER BY p.created_at DESC, p.id DESC"
        ),
        &[jastiper_id.into()],
    )
    .await
}

#[derive(Default)]
pub struct ProductChange {
    pub title: Option<String>,
    pub price: Option<i64>,
    pub price_original: Option<i64>,
    pub stock: Option<i64>,
    pub status: Option<ProductStatus>,
    pub max_per_buyer: Option<i64>,
    pub description: Option<Option<String>>,
    pub image: Option<Option<String>>,
}

pub async fn update(db: &Db, id: &str, c: &ProductChange, now: &str) -> ApiResult<()> {
    let mut changes = Changes::new(vec![id.into()]);
    changes.set("updated_at", now.into());
    if let Some(v) = &c.title {
        changes.set("title", v.into());
    }
    if let Some(v) = c.price {
        changes.set("price", v.into());
    }
    if let Some(v) = c.price_original {
        changes.set("price_original", v.into());
    }
    if let Some(v) = c.stock {
        changes.set("stock", v.into());
    }
    if let Some(v) = c.max_per_buyer {
        changes.set("max_per_buyer", v.into());
    }
    if let Some(v) = c.status {
        changes.set("status", v.into());
    }
    changes.change("description", &c.description);
    changes.change("image", &c.image);
    db.exec(&changes.sql("products", "id = ?1"), &changes.args).await?;
    Ok(())
}

pub async fn has_orders(db: &Db, id: &str) -> ApiResult<bool> {
    #[derive(Deserialize)]
    struct Hit {}
    Ok(db.one::<Hit>("SELECT 1 AS hit FROM orders WHERE product_id = ?1 LIMIT 1", &[id.into()]).await?.is_some())
}

/// Deletes a product that has no orders (checked in the same statement).
pub async fn delete_unordered(db: &Db, id: &str) -> ApiResult<usize> {
    db.exec(
        "DELETE FROM products WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM orders WHERE product_id = ?1)",
        &[Arg::Text(id)],
    )
    .await
}

/// Image keys of a trip's products, to remove from R2 when the trip goes.
pub async fn images_of_trip(db: &Db, trip_id: &str) -> ApiResult<Vec<Option<String>>> {
    #[derive(Deserialize)]
    struct Row {
        image: Option<String>,
    }
    let rows: Vec<Row> = db.many("SELECT image FROM products WHERE trip_id = ?1", &[trip_id.into()]).await?;
    Ok(rows.into_iter().map(|r| r.image).collect())
}
