//! Free text typed by people: names, bios, descriptions.

/// Characters that change how text around them is shown without being seen:
/// bidirectional overrides and isolates (a name could reverse what follows
/// it), zero-width characters and other invisible format characters.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
        | '\u{E0000}'..='\u{E007F}')
}

/// Trims `raw` and checks its length in characters; control characters are
/// refused (newlines only where `multiline`), and so are invisible and
/// bidirectional formatting characters.
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
    if s.chars().any(is_invisible) {
        return Err("must not contain invisible or text-direction characters".into());
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_direction_characters_are_refused() {
        for raw in ["Siti\u{202E}gnp.exe", "a\u{200B}b", "\u{2066}x\u{2069}", "\u{FEFF}Tina", "x\u{061C}y"] {
            assert!(clean(raw, 1, 100, false).is_err(), "{raw:?}");
            assert!(clean(raw, 1, 100, true).is_err(), "{raw:?}");
        }
        assert_eq!(clean("Siti Aminah 🙂 東京", 1, 100, false).unwrap(), "Siti Aminah 🙂 東京");
    }

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
}
