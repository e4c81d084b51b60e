//! Public answers cached at the edge with the Cache API: the profile, trip
//! and product pages, their API twins and public media. Only the canonical
//! URL of each (under `PUBLIC_BASE_URL`, the query exactly as links write
//! it) is stored, so a change can purge exactly what it made stale
//! (`service::public_cache`). The Cache API is per data centre: a purge
//! clears this one at once; elsewhere a copy lives at most its `max-age`
//! (60 s for pages, the same as browsers may keep them).

use worker::{Cache, Response};

/// The cache key of a GET for `path` + `query`, when it is one of the
/// public answers; `None` for everything else. The key is always under
/// `base` (`PUBLIC_BASE_URL`), whichever host the request came in on
/// (wrangler dev rewrites it to the route's), so a purge names it exactly.
pub fn key(base: &str, path: &str, query: Option<&str>) -> Option<String> {
    // Only the one spelling of a path is ever a key: `//`, a trailing `/`
    // or an empty query would store copies no purge names.
    if !is_canonical(path) || query == Some("") {
        return None;
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let slug_ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 64
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    };
    let cacheable = match (segments.as_slice(), query) {
        (["profile"], Some(q)) => q.strip_prefix("user=").is_some_and(slug_ok),
        (["join"], Some(q)) => q.strip_prefix("trip=").is_some_and(slug_ok),
        (["order"], Some(q)) => q.strip_prefix("product=").is_some_and(slug_ok),
        (["api", "profile", slug], None) => *slug != "me" && slug_ok(slug),
        (["api", "trips", trip, "products"], None) => slug_ok(trip),
        (["media", ..], None) => !path.contains("/orders/"),
        _ => false,
    };
    cacheable.then(|| match query {
        Some(q) => format!("{base}{path}?{q}"),
        None => format!("{base}{path}"),
    })
}

/// Whether `path` is already its one spelling (no `//`, no trailing `/`
/// but the root): checked on every request without allocating.
pub fn is_canonical(path: &str) -> bool {
    !path.contains("//") && (path == "/" || !path.ends_with('/'))
}

/// The one spelling of `path`: empty segments dropped (`//`, a trailing
/// `/`), `/` for the root. The router redirects GETs of any other spelling here.
pub fn canonical_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        out.push_str(segment);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// A stored answer for `key`, marked `x-cache: HIT`.
pub async fn lookup(key: &str) -> Option<Response> {
    Cache::default().get(key, false).await.ok().flatten()
}

/// Stores a copy of `resp` (a 200 the caller may cache publicly) under `key`;
/// `resp` itself is marked `x-cache: MISS`. The returned future is `'static`
/// (for `wait_until`).
pub fn store(key: String, resp: &mut Response) -> Option<impl std::future::Future<Output = ()> + 'static> {
    let cacheable = resp.status_code() == 200
        && resp.headers().get("cache-control").ok().flatten().is_some_and(|c| c.starts_with("public"));
    if !cacheable {
        return None;
    }
    let mut copy = resp.cloned().ok()?;
    copy.headers_mut().set("x-cache", "HIT").ok()?;
    let _ = copy.headers_mut().delete("x-request-id");
    resp.headers_mut().set("x-cache", "MISS").ok()?;
    Some(async move {
        let _ = Cache::default().put(key.as_str(), copy).await;
    })
}

/// Deletes the stored answers of `urls` (this data centre's copies).
pub async fn purge(urls: &[String]) {
    let cache = Cache::default();
    for url in urls {
        let _ = cache.delete(url.as_str(), false).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://jastipin.me";

    #[test]
    fn only_canonical_public_urls_are_keys() {
        assert_eq!(key(BASE, "/join", Some("trip=jpn25")), Some("https://jastipin.me/join?trip=jpn25".into()));
        assert_eq!(key(BASE, "/api/profile/tina", None), Some("https://jastipin.me/api/profile/tina".into()));
        assert!(key(BASE, "/api/profile/me", None).is_none());
        assert!(key(BASE, "/join", Some("trip=JPN25")).is_none(), "not the canonical form");
        assert!(key(BASE, "/join", Some("trip=jpn25&x=1")).is_none());
        assert!(key(BASE, "/api/trips/jpn25/products", Some("limit=5")).is_none());
        assert!(key(BASE, "/order/abc", Some("token=x")).is_none(), "an order's own page is private");
        assert!(key(BASE, "/media/orders/x/proof.png", None).is_none(), "proofs are private");
        assert!(key(BASE, "/dashboard", None).is_none());
    }

    #[test]
    fn other_spellings_of_a_public_url_are_never_keys() {
        assert!(key(BASE, "/media//avatars/u/a.png", None).is_none());
        assert!(key(BASE, "/media/avatars/u/a.png/", None).is_none());
        assert!(key(BASE, "/join/", Some("trip=jpn25")).is_none());
        assert!(key(BASE, "//join", Some("trip=jpn25")).is_none());
        assert!(key(BASE, "/api/profile/tina/", None).is_none());
        assert!(key(BASE, "/api/profile/tina", Some("")).is_none());
        assert_eq!(key(BASE, "/media/avatars/u/a.png", None), Some(format!("{BASE}/media/avatars/u/a.png")));
    }

    #[test]
    fn canonical_paths_drop_empty_segments() {
        assert_eq!(canonical_path("/media//avatars/x.png"), "/media/avatars/x.png");
        assert_eq!(canonical_path("/join/"), "/join");
        assert_eq!(canonical_path("//"), "/");
        assert_eq!(canonical_path("/"), "/");
        assert_eq!(canonical_path("/t/jpn25"), "/t/jpn25");
        for p in ["/", "/t/jpn25", "/media//x", "/join/", "//", "/a/b/"] {
            assert_eq!(is_canonical(p), canonical_path(p) == p, "{p}");
        }
    }
}
