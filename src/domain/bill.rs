//! A bill (tagihan): one penitip's lines in one trip, and its money state.
//! Its status is derived from its lines by the batch that changes them
//! (`store::bills::settle`): `unpaid → paid → shipped`, or `cancelled`
//! (`dp_paid` comes with down payments).

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

#[cfg(test)]
mod tests {
    use super::*;

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
