//! `robots.txt` and `sitemap.xml` of public profiles.

use worker::Response;

use super::html::escape;
use crate::domain::error::{ApiError, ApiResult};
use crate::http::app::App;
use crate::http::respond;
use crate::store::users;

pub fn robots(app: &App) -> ApiResult<Response> {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /order/\nDisallow: /unsubscribe\nSitemap: {}/sitemap.xml\n",
        app.config.public_base_url
    );
    let resp = respond::text(200, &body)?;
    let mut resp = resp;
    resp.headers_mut().set("cache-control", "public, max-age=3600").map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(resp)
}

/// Jastipers with an open trip (at most 5,000, well under the 50,000 limit).
pub async fn sitemap(app: &App) -> ApiResult<Response> {
    let slugs = users::public_slugs(&app.db, 5000).await?;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for slug in slugs {
        xml.push_str("<url><loc>");
        escape(&format!("{}/{slug}", app.config.public_base_url), &mut xml);
        xml.push_str("</loc></url>\n");
    }
    xml.push_str("</urlset>\n");
    respond::raw(&xml, "application/xml; charset=utf-8", "public, max-age=3600")
}
