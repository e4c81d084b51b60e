//! A bill (tagihan): one penitip's lines in one trip, and its money state.
//! Its status is derived from its lines and confirmed payments by the batch
//! that changes them (`store::bills::settle_sql`): `unpaid → dp_paid →
//! paid (lunas) → shipped`, or `cancelled`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BillStatus {
    Unpaid,
    DpPaid,
    Paid,
    Shipped,
    Cancelled,
}

impl BillStatus {
    pub const ALL: [BillStatus; 5] =
        [BillStatus::Unpaid, BillStatus::DpPaid, BillStatus::Paid, BillStatus::Shipped, BillStatus::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            BillStatus::Unpaid => "unpaid",
            BillStatus::DpPaid => "dp_paid",
            BillStatus::Paid => "paid",
            BillStatus::Shipped => "shipped",
            BillStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<BillStatus> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Still collecting lines and money: a new order joins it.
    pub fn is_open(self) -> bool {
        matches!(self, BillStatus::Unpaid | BillStatus::DpPaid | BillStatus::Paid)
    }

    /// Something is left to pay: the page shows how, and takes a proof.
    pub fn takes_payment(self) -> bool {
        matches!(self, BillStatus::Unpaid | BillStatus::DpPaid)
    }

    /// As a jastiper and her penitip say it.
    pub fn label(self) -> &'static str {
        match self {
            BillStatus::Unpaid => "Belum dibayar",
            BillStatus::DpPaid => "DP masuk",
            BillStatus::Paid => "Lunas",
            BillStatus::Shipped => "Dikirim",
            BillStatus::Cancelled => "Dibatalkan",
        }
    }
}

/// The couriers a jastiper ships with, as she names them.
pub const COURIERS: [(&str, &str); 8] = [
    ("jne", "JNE"),
    ("jnt", "J&T"),
    ("sicepat", "SiCepat"),
    ("anteraja", "AnterAja"),
    ("pos", "Pos Indonesia"),
    ("gosend", "GoSend"),
    ("grabexpress", "GrabExpress"),
    ("other", "Lainnya"),
];

/// A courier's code (`jne`, `jnt`, …) as its name; `None` for an unknown one.
pub fn courier_name(code: &str) -> Option<&'static str> {
    COURIERS.iter().find(|(c, _)| *c == code).map(|(_, name)| *name)
}

/// What a penitip is asked to transfer now: the DP until it is in (with the
/// bill's kode unik, so the transfer names the bill), then the balance
/// (pelunasan); nothing once it is settled, shipped or cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    Nothing,
    Dp(i64),
    Balance(i64),
}

impl Due {
    pub fn of(status: BillStatus, total: i64, paid: i64, dp_due: i64, unique_code: i64) -> Due {
        let balance = total - paid;
        if !status.is_open() || balance <= 0 {
            Due::Nothing
        } else if dp_due > 0 && paid < dp_due {
            Due::Dp((dp_due + unique_code - paid).min(balance))
        } else {
            Due::Balance(balance)
        }
    }

    pub fn amount(self) -> i64 {
        match self {
            Due::Nothing => 0,
            Due::Dp(n) | Due::Balance(n) => n,
        }
    }

    /// As the penitip reads it; `dp_due` says whether the bill asked a DP
    /// (its balance is then the pelunasan).
    pub fn label(self, dp_due: i64) -> &'static str {
        match self {
            Due::Nothing => "Tidak ada yang perlu dibayar",
            Due::Dp(_) => "Bayar DP",
            Due::Balance(_) if dp_due > 0 => "Pelunasan",
            Due::Balance(_) => "Bayar sekarang",
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            Due::Nothing => "nothing",
            Due::Dp(_) => "dp",
            Due::Balance(_) => "balance",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dp_is_asked_first_with_its_code_then_the_balance() {
        use BillStatus::*;
        // Rp 250.000 of items, DP 50 % = 125.000, kode unik 123: total 250.123.
        assert_eq!(Due::of(Unpaid, 250_123, 0, 125_000, 123), Due::Dp(125_123));
        assert_eq!(Due::of(Unpaid, 250_123, 100_000, 125_000, 123), Due::Dp(25_123), "a DP paid short asks the rest");
        assert_eq!(Due::of(DpPaid, 250_123, 125_123, 125_000, 123), Due::Balance(125_000));
        assert_eq!(Due::of(Paid, 250_123, 250_123, 125_000, 123), Due::Nothing);
        assert_eq!(Due::of(Unpaid, 250_000, 0, 0, 0), Due::Balance(250_000), "no DP: the whole bill");
        assert_eq!(Due::of(Unpaid, 1_000, 0, 1_000, 500), Due::Dp(1_000), "never more than the bill");
        assert_eq!(Due::of(Paid, 240_000, 250_000, 0, 0), Due::Nothing, "overpaid: a refund, not a payment");
        for s in [Shipped, Cancelled] {
            assert_eq!(Due::of(s, 250_000, 0, 0, 0), Due::Nothing, "{s:?}");
        }
    }

    #[test]
    fn only_an_unpaid_bill_asks_for_money() {
        for s in BillStatus::ALL {
            assert_eq!(BillStatus::parse(s.as_str()), Some(s));
        }
        assert!(BillStatus::Unpaid.takes_payment() && BillStatus::DpPaid.takes_payment());
        for s in [BillStatus::Paid, BillStatus::Shipped, BillStatus::Cancelled] {
            assert!(!s.takes_payment(), "{s:?}");
        }
        assert!(BillStatus::Paid.is_open() && !BillStatus::Shipped.is_open());
    }
}
