//! SQL for `trips` (and the products shown with them on a profile).

use serde::Deserialize;

use super::Db;
use crate::domain::error::ApiResult;

#[derive(Debug, Clone, Deserialize)]
pub struct TripRow {
    pub id: String,
    pub jastiper_id: String,
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub deadline: Option<String>,
    pub is_active: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProductRow {
    pub id: String,
    pub trip_id: String,
    pub slug: String,
    pub title: String,
    pub price: i64,
    pub stock: i64,
    pub image: Option<String>,
    pub description: Option<String>,
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
}

const TRIP_COLUMNS: &str =
    "id, jastiper_id, slug, title, description, deadline, is_active, created_at, updated_at";
const PRODUCT_COLUMNS: &str =
    "p.id, p.trip_id, p.slug, p.title, p.price, p.stock, p.image, p.description, p.status, p.created_at, p.updated_at";

pub async fn by_jastiper(db: &Db, jastiper_id: &str, active_only: bool) -> ApiResult<Vec<TripRow>> {
    let filter = if active_only {
        " AND is_active = 1"
    } else {
        ""
    };
    db.many(
        &format!("SELECT {TRIP_COLUMNS} FROM trips WHERE jastiper_id = ?1{filter} ORDER BY created_at DESC"),
        &[jastiper_id.into()],
    )
    .await
}

/// Products of a jastiper's active trips that a penitip may see (not discontinued).
pub async fn public_products_of_active_trips(
    db: &Db,
    jastiper_id: &str,
) -> ApiResult<Vec<ProductRow>> {
    db.many(
        &format!(
            "SELECT {PRODUCT_COLUMNS} FROM products p JOIN trips t ON t.id = p.trip_id
             WHERE t.jastiper_id = ?1 AND t.is_active = 1 AND p.status != 'discontinued'
             ORDER BY p.created_at DESC"
        ),
        &[jastiper_id.into()],
    )
    .await
}
