//! A product's status: on sale, sold out (stock reached 0, or the jastiper
//! said so), or discontinued (hidden from penitip, kept for its orders).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    Active,
    SoldOut,
    Discontinued,
}

impl ProductStatus {
    pub const ALL: [ProductStatus; 3] = [ProductStatus::Active, ProductStatus::SoldOut, ProductStatus::Discontinued];

    pub fn parse(s: &str) -> Option<ProductStatus> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Active => "active",
            ProductStatus::SoldOut => "sold_out",
            ProductStatus::Discontinued => "discontinued",
        }
    }

    /// Whether a penitip can order it now.
    pub fn orderable(self, stock: i64) -> bool {
        self == ProductStatus::Active && stock > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for s in ProductStatus::ALL {
            assert_eq!(ProductStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!(ProductStatus::parse("gone"), None);
    }

    #[test]
    fn only_active_with_stock_is_orderable() {
        assert!(ProductStatus::Active.orderable(1));
        assert!(!ProductStatus::Active.orderable(0));
        assert!(!ProductStatus::SoldOut.orderable(5));
    }
}
