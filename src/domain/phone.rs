//! Indonesian WhatsApp numbers, stored as `62…` (what Meta sends as `wa_id`).

/// Normalises `08…`, `+62…`, `62…` (spaces, dots, dashes and brackets
/// tolerated) to `628…`; anything that is not an Indonesian mobile is refused.
pub fn normalize_phone(raw: &str) -> Result<String, String> {
    let compact: String = raw.trim().chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
    let digits = if let Some(rest) = compact.strip_prefix('+') {
        rest.to_string()
    } else if let Some(rest) = compact.strip_prefix('0') {
        format!("62{rest}")
    } else {
        compact
    };
    let valid =
        digits.bytes().all(|b| b.is_ascii_digit()) && digits.starts_with("628") && (10..=15).contains(&digits.len());
    if valid {
        Ok(digits)
    } else {
        Err("must be an Indonesian WhatsApp number such as 08123456789 or +628123456789".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_three_common_forms() {
        for raw in ["08123456789", "+628123456789", "628123456789", "0812-345-6789", "+62 812 3456 789"] {
            assert_eq!(normalize_phone(raw).unwrap(), "628123456789", "{raw}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_indonesian_mobile() {
        for raw in ["", "12345", "+6512345678", "0212345678", "08abc456789", "0812345678901234", "+"] {
            assert!(normalize_phone(raw).is_err(), "{raw}");
        }
    }
}
