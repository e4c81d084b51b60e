//! The bounds of every text field people type, in one place: the parsers
//! (`service` forms, `domain` checks), the `maxlength` of the page forms
//! (`web::form::Field::limit`) and the Indonesian messages
//! (`web::form::problem`) all read them, so they cannot disagree.

use super::text;

/// Free text of `min..=max` characters; newlines only where `multiline`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextLimit {
    pub min: usize,
    pub max: usize,
    pub multiline: bool,
}

impl TextLimit {
    const fn line(min: usize, max: usize) -> TextLimit {
        TextLimit { min, max, multiline: false }
    }

    const fn lines(min: usize, max: usize) -> TextLimit {
        TextLimit { min, max, multiline: true }
    }

    /// Trimmed and checked (`text::clean`).
    pub fn clean(self, raw: &str) -> Result<String, String> {
        text::clean(raw, self.min, self.max, self.multiline)
    }
}

/// A person's or a shop's name: a penitip, a jastiper's account and profile.
pub const NAME: TextLimit = TextLimit::line(1, 100);
/// A buyer's note on an order ("warna, ukuran, varian…").
pub const NOTES: TextLimit = TextLimit::lines(1, 500);
/// Why the jastiper refused an order (sent to the buyer).
pub const REASON: TextLimit = TextLimit::lines(1, 500);
pub const PROFILE_BIO: TextLimit = TextLimit::lines(0, 500);
/// A broadcast to a trip's penitip.
pub const MESSAGE: TextLimit = TextLimit::lines(1, 1000);
/// A trip's or a product's title.
pub const TITLE: TextLimit = TextLimit::line(1, 120);
/// A shipping address (street, kelurahan, kota, kode pos: several lines).
pub const ADDRESS: TextLimit = TextLimit::lines(10, 500);
/// A courier's tracking number (resi).
pub const TRACKING: TextLimit = TextLimit::line(4, 40);
/// A trip's or a product's description.
pub const DESCRIPTION: TextLimit = TextLimit::lines(1, 2000);
pub const BANK_NAME: TextLimit = TextLimit::line(2, 40);
pub const BANK_HOLDER: TextLimit = TextLimit::line(2, 80);

/// Digits of a bank account number (separators are dropped first).
pub const ACCOUNT_DIGITS: (usize, usize) = (5, 20);
/// Slugs: a trip's and a product's (`/t/jpn25`, `/o/pd12a`), a profile's.
pub const TRIP_SLUG: (usize, usize) = (3, 10);
pub const PROFILE_SLUG: (usize, usize) = (3, 30);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_what_the_parsers_enforce() {
        assert!(REASON.clean(&"x".repeat(500)).is_ok());
        assert!(REASON.clean(&"x".repeat(501)).is_err());
        assert!(REASON.clean("a\nb").is_ok(), "a reason may have lines");
        assert!(NAME.clean("a\nb").is_err());
        assert!(PROFILE_BIO.clean("").is_ok(), "a bio may be emptied");
        assert!(BANK_NAME.clean("B").is_err());
    }
}
