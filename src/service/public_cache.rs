//! Which cached public answers a change makes stale (`platform::edge_cache`).
//! A purge never fails the change that asked for it: a copy left behind
//! lives at most its max-age (60 s).

use crate::ctx::Ctx;
use crate::platform::edge_cache;
use crate::store::public::{self, TripKeys};

fn profile_urls(base: &str, owner: &str) -> Vec<String> {
    vec![format!("{base}/profile?user={owner}"), format!("{base}/api/profile/{owner}")]
}

fn trip_urls(base: &str, trip_id: &str, keys: &TripKeys, products: &[String]) -> Vec<String> {
    let mut urls = profile_urls(base, &keys.owner_slug);
    urls.push(format!("{base}/join?trip={}", keys.trip_slug));
    urls.push(format!("{base}/api/trips/{}/products", keys.trip_slug));
    urls.push(format!("{base}/api/trips/{trip_id}/products"));
    urls.extend(products.iter().map(|p| format!("{base}/order?product={p}")));
    urls
}

/// The profile's name, bio or images changed.
pub async fn profile_changed(ctx: &Ctx, owner_slug: &str) {
    edge_cache::purge(&profile_urls(&ctx.config.public_base_url, owner_slug)).await;
}

/// Read what names a trip's pages, every product's included (before deleting it).
pub async fn trip_keys(ctx: &Ctx, trip_id: &str) -> Option<TripKeys> {
    public::trip_keys(&ctx.db, trip_id, true).await.ok().flatten()
}

/// A trip, or one of its products (`product`), or the stock of one changed:
/// the trip's pages, its jastiper's profile and the product's page (every
/// product's page when `product` is `None`).
pub async fn trip_changed(ctx: &Ctx, trip_id: &str, product: Option<&str>) {
    if let Ok(Some(keys)) = public::trip_keys(&ctx.db, trip_id, product.is_none()).await {
        purge_trip(ctx, trip_id, &keys, product).await;
    }
}

/// As `trip_changed`, with the names read earlier (the trip is gone).
pub async fn purge_trip(ctx: &Ctx, trip_id: &str, keys: &TripKeys, product: Option<&str>) {
    let products = match product {
        Some(p) => vec![p.to_string()],
        None => keys.products(),
    };
    edge_cache::purge(&trip_urls(&ctx.config.public_base_url, trip_id, keys, &products)).await;
}
