//! `robots.txt` and `sitemap.xml` of public profiles.

use worker::Response;

use crate::ctx::Ctx;
use crate::error::ApiResult;
use crate::service::public;
use crate::web::html::escape;
use crate::web::respond;

pub fn robots(ctx: &Ctx) -> ApiResult<Response> {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /order/\nDisallow: /unsubscribe\nSitemap: {}/sitemap.xml\n",
        ctx.config.public_base_url
    );
    respond::header(respond::text(200, &body)?, "cache-control", "public, max-age=3600")
}

/// Jastipers with an open trip (at most 5,000, well under the 50,000 limit).
pub async fn sitemap(ctx: &Ctx) -> ApiResult<Response> {
    let slugs = public::sitemap_slugs(ctx, 5000).await?;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for slug in slugs {
        xml.push_str("<url><loc>");
        escape(&format!("{}/{slug}", ctx.config.public_base_url), &mut xml);
        xml.push_str("</loc></url>\n");
    }
    xml.push_str("</urlset>\n");
    respond::raw(&xml, "application/xml; charset=utf-8", "public, max-age=3600")
}
