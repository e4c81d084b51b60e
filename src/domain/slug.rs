//! Slugs name things in links (`/tina`, `/t/jpn25`, `/o/pd12a`) and in
//! WhatsApp commands (`JOIN jpn25`), so they are lower-case ASCII and unique.

use super::newtype::checked_text;

/// Words that are paths of the service itself and can never be a profile.
pub const RESERVED: &[&str] = &[
    "api",
    "t",
    "o",
    "u",
    "join",
    "order",
    "orders",
    "profile",
    "dashboard",
    "auth",
    "login",
    "logout",
    "register",
    "invite",
    "unsubscribe",
    "assets",
    "media",
    "admin",
    "me",
    "_next",
    "favicon.ico",
    "robots.txt",
    "sitemap.xml",
    "static",
    "public",
    "help",
    "about",
    "terms",
    "privacy",
    "settings",
    "www",
    "jastipin",
    "webhooks",
    "health",
    "null",
    "undefined",
];

pub fn is_reserved(slug: &str) -> bool {
    RESERVED.contains(&slug.to_ascii_lowercase().as_str())
}

fn allowed(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'
}

/// Checks a slug of `min..=max` characters of `[a-z0-9_-]` (after lower-casing).
fn parse(raw: &str, min: usize, max: usize) -> Result<String, String> {
    let s = raw.trim().to_ascii_lowercase();
    if s.len() < min || s.len() > max {
        return Err(format!("must be {min} to {max} characters"));
    }
    if !s.chars().all(allowed) {
        return Err("may contain only letters a-z, digits, '_' and '-'".into());
    }
    Ok(s)
}

checked_text!(
    /// A slug that passed its rules: a profile's, a trip's or a product's.
    Slug
);

impl Slug {
    pub fn user(raw: &str) -> Result<Slug, String> {
        parse_user_slug(raw).map(Slug)
    }

    pub fn trip(raw: &str) -> Result<Slug, String> {
        parse_trip_slug(raw).map(Slug)
    }

    pub fn product(raw: &str) -> Result<Slug, String> {
        parse_product_slug(raw).map(Slug)
    }

    /// A slug this code made itself (derived from a name, or random).
    pub fn generated(s: String) -> Slug {
        Slug(s)
    }
}

/// A jastiper's profile slug: 3–30 characters, starting with a letter or digit, not reserved.
pub fn parse_user_slug(raw: &str) -> Result<String, String> {
    let s = parse(raw, super::fields::PROFILE_SLUG.0, super::fields::PROFILE_SLUG.1)?;
    if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err("must start with a letter or digit".into());
    }
    if is_reserved(&s) {
        return Err("is reserved, choose another".into());
    }
    Ok(s)
}

/// A trip slug (`/t/jpn25`, `JOIN jpn25`): 3–10 characters of `[a-z0-9_-]`.
pub fn parse_trip_slug(raw: &str) -> Result<String, String> {
    parse(raw, super::fields::TRIP_SLUG.0, super::fields::TRIP_SLUG.1)
}

/// A product slug (`/o/pd12a`): 3–10 characters of `[a-z0-9_-]`.
pub fn parse_product_slug(raw: &str) -> Result<String, String> {
    parse(raw, super::fields::TRIP_SLUG.0, super::fields::TRIP_SLUG.1)
}

/// Derives a profile slug from a person's name: "Tina Wijaya" → "tina-wijaya".
/// Always returns something `parse_user_slug` accepts.
pub fn derive_user_slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 20 {
            break;
        }
    }
    let mut out = out.trim_matches('-').to_string();
    if out.len() < 3 || is_reserved(&out) {
        out = format!("jastip-{out}").trim_matches('-').to_string();
    }
    out
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_slugs_are_lowercased_and_checked() {
        assert_eq!(parse_user_slug("Tina").unwrap(), "tina");
        assert_eq!(parse_user_slug("jastip_by-tina2").unwrap(), "jastip_by-tina2");
        assert!(parse_user_slug("ti").is_err());
        assert!(parse_user_slug(&"a".repeat(31)).is_err());
        assert!(parse_user_slug("tina!").is_err());
        assert!(parse_user_slug("-tina").is_err());
        assert!(parse_user_slug("tína").is_err());
    }

    #[test]
    fn reserved_words_are_refused_in_any_case() {
        for word in ["api", "Login", "DASHBOARD", "unsubscribe", "admin", "sitemap.xml"] {
            assert!(is_reserved(word), "{word}");
        }
        assert_eq!(parse_user_slug("Admin").unwrap_err(), "is reserved, choose another");
        assert!(parse_user_slug("adminku").is_ok());
    }

    #[test]
    fn trip_slugs_follow_the_whatsapp_pattern() {
        assert_eq!(parse_trip_slug("JPN25").unwrap(), "jpn25");
        assert!(parse_trip_slug("jp").is_err());
        assert!(parse_trip_slug("japan-2025x").is_err(), "11 characters");
        assert!(parse_trip_slug("jpn 25").is_err());
    }

    #[test]
    fn derived_slugs_are_always_valid() {
        assert_eq!(derive_user_slug("Tina Wijaya"), "tina-wijaya");
        assert_eq!(derive_user_slug("  Dédé  "), "dede");
        assert_eq!(derive_user_slug("Jo"), "jastip-jo");
        assert_eq!(derive_user_slug("東京"), "jastip");
        assert_eq!(derive_user_slug("Admin"), "jastip-admin");
        for name in ["Tina Wijaya", "a", "!!!", "Ñandú's Shop", &"x".repeat(100), "api", "日本 Store"] {
            let s = derive_user_slug(name);
            assert!(parse_user_slug(&s).is_ok(), "{name:?} -> {s:?}");
        }
    }
}
