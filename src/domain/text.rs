//! Free text typed by people: names, bios, descriptions.

/// Trims `raw` and checks its length in characters; control characters are
/// refused (newlines only where `multiline`).
pub fn clean(raw: &str, min: usize, max: usize, multiline: bool) -> Result<String, String> {
    let s = raw.trim();
    let len = s.chars().count();
    if len < min {
        return Err(if min <= 1 { "must not be empty".into() } else { format!("must be at least {min} characters") });
    }
    if len > max {
        return Err(format!("must be at most {max} characters"));
    }
    if s.chars().any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) {
        return Err("must not contain control characters".into());
    }
    Ok(s.to_string())
}

/// An image reference a profile may point at: an absolute https URL or one of
/// this service's own media paths.
pub fn image_url(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    let ok = (s.starts_with("https://") || s.starts_with("/media/"))
        && s.len() <= 500
        && !s.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
    if ok {
        Ok(s.to_string())
    } else {
        Err("must be an https:// URL or a /media/ path of at most 500 characters".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_bounds_length_in_characters() {
        assert_eq!(clean("  Siti  ", 1, 5, false).unwrap(), "Siti");
        assert!(clean("   ", 1, 5, false).is_err());
        assert!(clean("éééééé", 1, 5, false).is_err());
        assert!(clean("ééééé", 1, 5, false).is_ok(), "counted in characters, not bytes");
    }

    #[test]
    fn control_characters_refused_newlines_only_in_multiline() {
        assert!(clean("a\u{0}b", 1, 10, true).is_err());
        assert!(clean("a\nb", 1, 10, false).is_err());
        assert!(clean("a\nb", 1, 10, true).is_ok());
    }

    #[test]
    fn image_urls_must_be_https_or_own_media() {
        assert!(image_url("https://cdn.example/a.jpg").is_ok());
        assert!(image_url("/media/avatars/x.png").is_ok());
        assert!(image_url("http://x/a.jpg").is_err());
        assert!(image_url("javascript:alert(1)").is_err());
        assert!(image_url("https://x/a b.jpg").is_err());
    }
}
