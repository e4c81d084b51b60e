//! The page shell: head with Open Graph and Twitter tags, the palette, one
//! small inline stylesheet, no external requests.

use super::html::Html;

pub struct Meta<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// Absolute URL of the preview image, if any.
    pub image: Option<&'a str>,
    /// Absolute URL of the page.
    pub url: &'a str,
}

const STYLE: &str = "<style>\
:root{--cta:#FB923C;--cta-dark:#EA7A1F;--link:#7C3AED;--ink:#1F2937;--mute:#6B7280;--line:#E5E7EB;--bg:#FFF7ED}\
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ink);background:var(--bg);line-height:1.45}\
main{max-width:640px;margin:0 auto;padding:0 16px 48px}a{color:var(--link)}a:focus,button:focus,input:focus,textarea:focus{outline:3px solid var(--link);outline-offset:2px}\
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}p{margin:.4rem 0}.mute{color:var(--mute);font-size:.9rem}\
.cover{height:140px;background:linear-gradient(135deg,#FDBA74,#C4B5FD) center/cover;border-radius:0 0 16px 16px;margin:0 -16px}\
.avatar{width:84px;height:84px;border-radius:50%;border:4px solid #fff;margin-top:-42px;background:#FED7AA;object-fit:cover;display:block}\
.stats{display:flex;gap:16px;margin:.5rem 0}.stats b{font-size:1.1rem}\
.card{background:#fff;border:1px solid var(--line);border-radius:14px;padding:14px;margin:12px 0}\
.grid{display:grid;grid-template-columns:repeat(2,1fr);gap:10px}.item{background:#fff;border:1px solid var(--line);border-radius:12px;overflow:hidden;text-decoration:none;color:inherit;display:block}\
.item img,.ph{width:100%;aspect-ratio:1;object-fit:cover;background:#FFEDD5;display:block}.item>div{padding:8px}.price{font-weight:700}\
.btn{display:block;width:100%;text-align:center;background:var(--cta);color:#fff;border:0;border-radius:12px;padding:14px;font-size:1rem;font-weight:700;text-decoration:none;cursor:pointer;margin:10px 0}\
.btn:hover{background:var(--cta-dark)}.btn.alt{background:#fff;color:var(--link);border:2px solid var(--link)}\
label{display:block;font-weight:600;margin:10px 0 4px}input,textarea{width:100%;padding:12px;border:1px solid #D1D5DB;border-radius:10px;font-size:1rem;font-family:inherit;background:#fff}\
.err{color:#B91C1C;font-size:.9rem;margin:4px 0}.ok{background:#ECFDF5;border:1px solid #A7F3D0;color:#065F46;border-radius:10px;padding:10px}\
.badge{display:inline-block;background:#FFEDD5;color:#9A3412;border-radius:999px;padding:2px 10px;font-size:.8rem;font-weight:600}\
.steps{list-style:none;padding:0;margin:0}.steps li{padding:8px 0 8px 28px;position:relative;color:var(--mute)}\
.steps li:before{content:'';position:absolute;left:6px;top:13px;width:12px;height:12px;border-radius:50%;border:2px solid #D1D5DB;background:#fff}\
.steps li.done{color:var(--ink)}.steps li.done:before{background:var(--cta);border-color:var(--cta)}.steps li.bad{color:#B91C1C}.steps li.bad:before{background:#B91C1C;border-color:#B91C1C}\
footer{text-align:center;color:var(--mute);font-size:.8rem;padding:24px 0}\
</style>";

/// A whole page around `body`.
pub fn page(meta: &Meta<'_>, body: &Html) -> String {
    let mut h = Html::new();
    h.raw("<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
        .raw("<meta name=\"theme-color\" content=\"#FB923C\"><link rel=\"icon\" href=\"data:,\">")
        .raw("<title>")
        .text(meta.title)
        .raw(" · Jastipin</title><meta name=\"description\" content=\"")
        .text(meta.description)
        .raw("\"><meta property=\"og:site_name\" content=\"Jastipin\"><meta property=\"og:type\" content=\"website\">")
        .raw("<meta property=\"og:title\" content=\"")
        .text(meta.title)
        .raw("\"><meta property=\"og:description\" content=\"")
        .text(meta.description)
        .raw("\"><meta property=\"og:url\" content=\"")
        .url(meta.url)
        .raw("\"><meta name=\"twitter:title\" content=\"")
        .text(meta.title)
        .raw("\"><meta name=\"twitter:description\" content=\"")
        .text(meta.description)
        .raw("\">");
    match meta.image {
        Some(img) => {
            h.raw("<meta property=\"og:image\" content=\"")
                .url(img)
                .raw("\"><meta name=\"twitter:image\" content=\"")
                .url(img)
                .raw("\"><meta name=\"twitter:card\" content=\"summary_large_image\">");
        }
        None => {
            h.raw("<meta name=\"twitter:card\" content=\"summary\">");
        }
    }
    h.raw(STYLE)
        .raw("</head><body><main>")
        .html(body)
        .raw("<footer>Jastipin · jasa titip jadi gampang</footer></main></body></html>");
    h.into_string()
}
