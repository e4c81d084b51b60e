//! WhatsApp numbers, stored as digits with the country code (`628…`, what Meta sends as `wa_id`).

use super::newtype::checked_text;

checked_text!(
    /// A WhatsApp number, digits only with the country code. One typed into
    /// a form follows `normalize_phone` (`parse`); one that WhatsApp itself
    /// reports (`wa_id`) is taken as Meta gives it (`from_wa_id`).
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

    /// A user known only by username: Meta's business-scoped user id
    /// (`ID.1234…`: a country code, a dot, up to 128 letters and digits)
    /// stands where the number would, so their participants, bills and
    /// inbox are keyed by it and replies go to it (`recipient`).
    pub fn from_bsuid(id: &str) -> Option<Phone> {
        is_bsuid(id).then(|| Phone(id.to_string()))
    }

    /// Whether this is a BSUID rather than a number (no wa.me link, no `+`).
    pub fn is_bsuid(&self) -> bool {
        is_bsuid(&self.0)
    }
}

pub fn is_bsuid(id: &str) -> bool {
    match id.split_once('.') {
        Some((country, rest)) => {
            country.len() == 2
                && country.bytes().all(|b| b.is_ascii_uppercase())
                && (1..=128).contains(&rest.len())
                && rest.bytes().all(|b| b.is_ascii_alphanumeric())
        }
        None => false,
    }
}

/// The one rule for a number typed anywhere (API, pages, WhatsApp forms):
/// Indonesian forms (`08…`, `+62 8…`, `62 8…`) become `628…`; another
/// country is accepted in international form (`+65 9123 4567` → `6591234567`,
/// 8 to 15 digits). Spaces, dots, dashes and brackets are tolerated.
pub fn normalize_phone(raw: &str) -> Result<String, String> {
    let compact: String = raw.trim().chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
    let refused = || {
        "must be a WhatsApp number: 08123456789, +62 812 3456 789, or another country with + (+65 9123 4567)"
            .to_string()
    };
    if !compact.trim_start_matches('+').bytes().all(|b| b.is_ascii_digit()) {
        return Err(refused());
    }
    let international = compact.strip_prefix('+');
    let digits = match (international, compact.strip_prefix('0')) {
        (Some(rest), _) => rest.to_string(),
        (None, Some(rest)) => format!("62{rest}"),
        (None, None) => compact.clone(),
    };
    let indonesian_mobile = digits.starts_with("628") && (10..=15).contains(&digits.len());
    let other_country = international.is_some()
        && !digits.starts_with("62")
        && !digits.starts_with('0')
        && (8..=15).contains(&digits.len());
    if indonesian_mobile || other_country {
        Ok(digits)
    } else {
        Err(refused())
    }
}

/// An Indonesian mobile only (e-wallet numbers), as `628…`.
pub fn normalize_indonesian(raw: &str) -> Result<String, String> {
    normalize_phone(raw)
        .ok()
        .filter(|d| d.starts_with("628"))
        .ok_or_else(|| "must be an Indonesian mobile number such as 08123456789".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bsuid_stands_for_a_number() {
        for ok in ["ID.1234567890123456", "US.424242", "ID.abcDEF123"] {
            let p = Phone::from_bsuid(ok).unwrap();
            assert!(p.is_bsuid(), "{ok}");
        }
        for bad in ["628123456789", "id.123", "IDN.123", "ID.", "ID.12-3", "ID.12.3", "", "ID"] {
            assert!(Phone::from_bsuid(bad).is_none(), "{bad}");
        }
        assert!(!Phone::from_wa_id("628123456789").unwrap().is_bsuid());
    }

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
    fn other_countries_in_international_form() {
        assert_eq!(normalize_phone("+65 9123 4567").unwrap(), "6591234567");
        assert_eq!(normalize_phone("+1 (650) 555-1234").unwrap(), "16505551234");
    }

    #[test]
    fn refuses_the_rest() {
        for raw in [
            "",
            "12345",
            "6591234567",
            "+0812345678",
            "0212345678",
            "+62212345678",
            "08abc456789",
            "0812345678901234",
            "+",
            "+1234567",
            "0060123456789",
        ] {
            assert!(normalize_phone(raw).is_err(), "{raw}");
        }
        assert!(normalize_indonesian("+65 9123 4567").is_err());
    }
}
