//! Account fields: email and display name.

use super::newtype::checked_text;

checked_text!(
    /// A lower-cased, well-formed email address.
    Email
);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, String> {
        parse_email(raw).map(Email)
    }
}

/// Lower-cased, trimmed address with one `@`, a dotted domain and no spaces.
pub fn parse_email(raw: &str) -> Result<String, String> {
    let s = raw.trim().to_lowercase();
    let problem = || Err("must be a valid email address".to_string());
    if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return problem();
    }
    let Some((local, domain)) = s.split_once('@') else {
        return problem();
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !domain.contains('@');
    if local.is_empty() || local.len() > 64 || !domain_ok {
        return problem();
    }
    Ok(s)
}

pub fn parse_full_name(raw: &str) -> Result<String, String> {
    super::fields::NAME.clean(raw)
}

/// The signed-in jastiper, as their access token (or page session) names them.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: String,
    pub slug: String,
    pub email: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(parse_email("  Tina@Example.COM ").unwrap(), "tina@example.com");
    }

    #[test]
    fn bad_emails_are_refused() {
        for raw in ["", "tina", "tina@", "@x.com", "tina@localhost", "ti na@x.com", "a@b@c.com", "a@.com", "a@x..com"] {
            assert!(parse_email(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_full_name(" Tina ").unwrap(), "Tina");
        assert!(parse_full_name("").is_err());
        assert!(parse_full_name(&"x".repeat(101)).is_err());
    }
}
