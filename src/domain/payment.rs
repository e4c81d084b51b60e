//! How a buyer pays a jastiper: a bank transfer (bank, account number,
//! holder) and e-wallet numbers, each checked on its own. Pages show a bank
//! transfer once it has an account number.

use serde::{Deserialize, Serialize};

use super::fields;

/// A payment waits for the jastiper, who confirms it with the amount
/// received or rejects it with a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Pending,
    Confirmed,
    Rejected,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 3] = [PaymentStatus::Pending, PaymentStatus::Confirmed, PaymentStatus::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "pending",
            PaymentStatus::Confirmed => "confirmed",
            PaymentStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentStatus> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// As the penitip and the jastiper read it.
    pub fn label(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "Menunggu dicek jastiper",
            PaymentStatus::Confirmed => "Diterima",
            PaymentStatus::Rejected => "Ditolak",
        }
    }
}

/// The e-wallets Indonesian buyers use, as (field, label).
pub const WALLETS: [(&str, &str); 4] =
    [("gopay", "GoPay"), ("ovo", "OVO"), ("dana", "DANA"), ("shopeepay", "ShopeePay")];

/// A bank name as shown to buyers ("BCA", "Bank Mandiri").
pub fn bank_name(raw: &str) -> Result<String, String> {
    fields::BANK_NAME.clean(raw)
}

/// An account number: digits, 5 to 20 of them (spaces, dots and dashes dropped).
pub fn account_number(raw: &str) -> Result<String, String> {
    let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '.')).collect();
    let (min, max) = fields::ACCOUNT_DIGITS;
    if (min..=max).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(format!("must be {min} to {max} digits"))
    }
}

/// The account holder's name as the bank shows it.
pub fn account_holder(raw: &str) -> Result<String, String> {
    fields::BANK_HOLDER.clean(raw)
}

/// An e-wallet number: an Indonesian mobile, shown as buyers type it (`08…`).
pub fn wallet_number(raw: &str) -> Result<String, String> {
    let international = super::phone::normalize_indonesian(raw)?;
    Ok(format!("0{}", &international[2..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_numbers_keep_digits_only() {
        assert_eq!(account_number("123-456 7890").unwrap(), "1234567890");
        assert!(account_number("12ab5678").is_err());
        assert!(account_number("1234").is_err());
        assert!(account_number("123456789012345678901").is_err());
    }

    #[test]
    fn wallets_are_indonesian_mobiles_shown_local() {
        assert_eq!(wallet_number("+62 812-3456-789").unwrap(), "08123456789");
        assert_eq!(wallet_number("08123456789").unwrap(), "08123456789");
        assert!(wallet_number("021555123").is_err());
    }
}
