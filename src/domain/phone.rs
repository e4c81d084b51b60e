//! Indonesian WhatsApp numbers, stored as `62…` (what Meta sends as `wa_id`).

use super::newtype::checked_text;

checked_text!(
    /// A WhatsApp number, digits only with the country code. One typed into
    /// a form must be an Indonesian mobile (`parse`); one that WhatsApp
    /// itself reports (`wa_id`) is taken as Meta gives it (`from_wa_id`).
    Phone
);

impl Phone {
    pub fn parse(raw: &str) -> Result<Phone, String> {
        normalize_phone(raw).map(Phone)
    }

    /// The sender of a webhook message: E.164 digits without `+`.
    pub fn from_wa_id(wa_id: &str) -> Option<Phone> {
        let ok = (1..=20).contains(&wa_id.len()) && wa_id.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| Phone(wa_id.to_string()))
    }
}

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
            assert_eq!(Phone::parse(raw).unwrap().as_str(), "628123456789");
        }
    }

    #[test]
    fn wa_ids_are_any_country_but_digits_only() {
        assert_eq!(Phone::from_wa_id("16505551234").unwrap().as_str(), "16505551234");
        assert!(Phone::from_wa_id("+628123").is_none());
        assert!(Phone::from_wa_id("").is_none());
    }

    #[test]
    fn refuses_what_is_not_an_indonesian_mobile() {
        for raw in ["", "12345", "+6512345678", "0212345678", "08abc456789", "0812345678901234", "+"] {
            assert!(normalize_phone(raw).is_err(), "{raw}");
        }
    }
}
