//! Shortlinks: `/tina` → `/profile?user=tina`, `/t/jpn25` →
//! `/join?trip=jpn25`, `/o/pd12a` → `/order?product=pd12a`, `/u/jpn25` →
//! `/unsubscribe?trip=jpn25`. Reserved paths are never profiles.

use crate::domain::slug::is_reserved;
use crate::web::html::encode_component;

/// Where a path redirects to, or `None` when it is not a shortlink. `query`
/// is the original query string, kept (unsubscribe links carry their token).
pub fn resolve(segments: &[&str], query: Option<&str>) -> Option<String> {
    let target = match segments {
        [slug] if !is_reserved(slug) && plausible(slug) => {
            format!("/profile?user={}", encode_component(slug))
        }
        [prefix, slug] if plausible(slug) => {
            let page = match *prefix {
                "t" => "/join?trip=",
                "o" => "/order?product=",
                "u" => "/unsubscribe?trip=",
                _ => return None,
            };
            format!("{page}{}", encode_component(slug))
        }
        _ => return None,
    };
    Some(match query.filter(|q| !q.is_empty()) {
        Some(q) => format!("{target}&{q}"),
        None => target,
    })
}

/// Anything that could be a slug someone typed; the page decides if it exists.
fn plausible(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && !s.contains('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_shortlinks() {
        assert_eq!(resolve(&["tina"], None).as_deref(), Some("/profile?user=tina"));
        assert_eq!(resolve(&["t", "jpn25"], None).as_deref(), Some("/join?trip=jpn25"));
        assert_eq!(resolve(&["o", "pd12a"], None).as_deref(), Some("/order?product=pd12a"));
        assert_eq!(resolve(&["u", "jpn25"], Some("p=1&t=x")).as_deref(), Some("/unsubscribe?trip=jpn25&p=1&t=x"));
    }

    #[test]
    fn reserved_paths_are_never_profiles() {
        for path in [
            "api",
            "join",
            "order",
            "profile",
            "dashboard",
            "auth",
            "login",
            "register",
            "invite",
            "unsubscribe",
            "assets",
            "favicon.ico",
            "robots.txt",
            "sitemap.xml",
            "_next",
            "media",
            "Login",
        ] {
            assert_eq!(resolve(&[path], None), None, "{path}");
        }
    }

    #[test]
    fn slugs_are_url_encoded_in_the_target() {
        assert_eq!(resolve(&["tína rosa"], None).as_deref(), Some("/profile?user=t%C3%ADna%20rosa"));
        assert_eq!(resolve(&["t", "a&b=c"], None).as_deref(), Some("/join?trip=a%26b%3Dc"));
    }

    #[test]
    fn other_paths_are_not_shortlinks() {
        assert_eq!(resolve(&[], None), None);
        assert_eq!(resolve(&["x", "jpn25"], None), None);
        assert_eq!(resolve(&["t", "a", "b"], None), None);
        assert_eq!(resolve(&["index.html"], None), None);
    }
}
