//! What anybody may see: a jastiper's public profile, an open trip with its
//! products, a product on sale, the sitemap's profiles. Closed trips and
//! discontinued products are as absent as missing ones.

use crate::ctx::Ctx;
use crate::domain::page::Cursor;
use crate::error::ApiResult;
use crate::store::products::{self, ProductRow};
use crate::store::public;
use crate::store::trips::{self, TripRow};
use crate::store::users::{self, UserRow};

pub struct Profile {
    pub user: UserRow,
    /// Open trips, newest first.
    pub trips: Vec<TripRow>,
    /// Their products (not discontinued), newest first.
    pub products: Vec<ProductRow>,
    pub open_trips: i64,
    pub fulfilled_orders: i64,
}

/// A profile by its (already lower-cased) slug: one D1 round trip.
pub async fn profile(ctx: &Ctx, slug: &str, with_stats: bool) -> ApiResult<Option<Profile>> {
    let found = public::profile(&ctx.db, slug, with_stats).await?;
    Ok(found.map(|(user, trips, products, (open_trips, fulfilled_orders))| Profile {
        user,
        trips,
        products,
        open_trips,
        fulfilled_orders,
    }))
}

/// An open trip by id or slug.
pub async fn open_trip(ctx: &Ctx, key: &str) -> ApiResult<Option<TripRow>> {
    Ok(trips::by_id_or_slug(&ctx.db, key).await?.filter(|t| t.is_active))
}

/// An open trip named by exactly this slug (links and commands use slugs).
pub async fn open_trip_by_slug(ctx: &Ctx, slug: &str) -> ApiResult<Option<TripRow>> {
    Ok(open_trip(ctx, slug).await?.filter(|t| t.slug.as_str() == slug))
}

/// An open trip (id or slug) and one page of its products: one round trip.
pub async fn trip_products(
    ctx: &Ctx,
    key: &str,
    after: Option<&Cursor>,
    limit: i64,
) -> ApiResult<Option<(TripRow, Vec<ProductRow>)>> {
    public::trip_products(&ctx.db, key, after, limit).await
}

/// One page of what a penitip may see of a trip.
pub async fn products_of(ctx: &Ctx, trip: &TripRow, after: Option<&Cursor>, limit: i64) -> ApiResult<Vec<ProductRow>> {
    products::public_page(&ctx.db, &trip.id, after, limit).await
}

/// An open trip's page: the trip, its jastiper and its products (one round trip).
pub async fn trip_page(ctx: &Ctx, slug: &str) -> ApiResult<Option<(TripRow, Option<UserRow>, Vec<ProductRow>)>> {
    public::trip(&ctx.db, slug, 100).await
}

/// A product a penitip may open (by slug): not discontinued, in an open trip (one round trip).
pub async fn product_page(ctx: &Ctx, slug: &str) -> ApiResult<Option<(ProductRow, TripRow, Option<UserRow>)>> {
    public::product(&ctx.db, slug).await
}

/// Slugs of jastipers with an open trip (at most `limit`).
pub async fn sitemap_slugs(ctx: &Ctx, limit: i64) -> ApiResult<Vec<String>> {
    users::public_slugs(&ctx.db, limit).await
}
