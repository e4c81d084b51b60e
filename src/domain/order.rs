//! The order state machine: `pending → confirmed → shipped` and
//! `pending → rejected`; nothing else. Also why an order can be refused.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::product::ProductStatus;

/// An order's status, as stored in `orders.status` and shown in the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    Confirmed,
    Rejected,
    Shipped,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 4] =
        [OrderStatus::Pending, OrderStatus::Confirmed, OrderStatus::Rejected, OrderStatus::Shipped];

    pub fn parse(s: &str) -> Option<OrderStatus> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Pending => "pending",
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::Rejected => "rejected",
            OrderStatus::Shipped => "shipped",
        }
    }

    /// A payment proof may be sent (or replaced) until the order is shipped or rejected.
    pub fn takes_proof(self) -> bool {
        matches!(self, OrderStatus::Pending | OrderStatus::Confirmed)
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Confirm,
    Reject,
    Ship,
}

impl Action {
    /// The one status an action may start from, and where it leads.
    pub fn transition(self) -> (OrderStatus, OrderStatus) {
        match self {
            Action::Confirm => (OrderStatus::Pending, OrderStatus::Confirmed),
            Action::Reject => (OrderStatus::Pending, OrderStatus::Rejected),
            Action::Ship => (OrderStatus::Confirmed, OrderStatus::Shipped),
        }
    }

    /// The status after `self` from `current`, or why not.
    pub fn apply(self, current: OrderStatus) -> Result<OrderStatus, OrderRefusal> {
        let (from, to) = self.transition();
        if current == from {
            Ok(to)
        } else {
            Err(OrderRefusal::WrongStatus { from: current, to })
        }
    }
}

/// Why an order (or a change to one) was refused: the caller's situation,
/// not our failure. `error::ApiError` turns each into its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderRefusal {
    /// Fewer than the quantity asked for are left.
    OutOfStock {
        left: i64,
    },
    SoldOut,
    /// The product is discontinued.
    Unavailable,
    TotalTooLarge,
    /// The action does not start from the order's status.
    WrongStatus {
        from: OrderStatus,
        to: OrderStatus,
    },
    /// Another request moved the order between our read and our write.
    ChangedMeanwhile,
    NoProofNow(OrderStatus),
    /// One buyer may hold at most `max` of a product in open orders.
    LimitPerBuyer {
        max: i64,
        held: i64,
    },
    /// One buyer may have at most `max` unpaid orders waiting in a trip.
    TooManyPending {
        max: i64,
    },
}

impl fmt::Display for OrderRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OrderRefusal::OutOfStock { left } if *left > 0 => write!(f, "Only {left} left in stock"),
            OrderRefusal::OutOfStock { .. } => f.write_str("Not enough stock left for this quantity"),
            OrderRefusal::SoldOut => f.write_str("This product is sold out"),
            OrderRefusal::Unavailable => f.write_str("This product is no longer available"),
            OrderRefusal::TotalTooLarge => f.write_str("makes the total too large"),
            OrderRefusal::WrongStatus { from, to } => write!(f, "An order that is {from} cannot become {to}"),
            OrderRefusal::ChangedMeanwhile => f.write_str("The order changed meanwhile: reload it"),
            OrderRefusal::NoProofNow(s) => write!(f, "A {s} order takes no payment proof"),
            OrderRefusal::LimitPerBuyer { max, held } => {
                write!(f, "One buyer may order at most {max} of this product (already ordered: {held})")
            }
            OrderRefusal::TooManyPending { max } => {
                write!(f, "At most {max} orders may wait for payment at once in one trip: pay or cancel one first")
            }
        }
    }
}

pub const MAX_QUANTITY: i64 = 1_000;

/// The default of a product's `max_per_buyer`.
pub const DEFAULT_MAX_PER_BUYER: i64 = 10;

/// How many pending orders one phone may have in one trip.
pub const MAX_PENDING_PER_BUYER: i64 = 5;

/// Whether one more order of `quantity` fits a buyer's limits, given what they
/// already hold of the product and how many of their orders wait in the trip.
pub fn check_buyer_limits(quantity: i64, held: i64, max_per_buyer: i64, pending: i64) -> Result<(), OrderRefusal> {
    if held + quantity > max_per_buyer {
        return Err(OrderRefusal::LimitPerBuyer { max: max_per_buyer, held });
    }
    if pending >= MAX_PENDING_PER_BUYER {
        return Err(OrderRefusal::TooManyPending { max: MAX_PENDING_PER_BUYER });
    }
    Ok(())
}

/// Total price in rupiah, refusing overflow instead of wrapping.
pub fn total_price(unit_price: i64, quantity: i64) -> Option<i64> {
    unit_price.checked_mul(quantity)
}

/// Whether `quantity` of a product in this state may be ordered at `price`.
pub fn check_orderable(status: ProductStatus, stock: i64, price: i64, quantity: i64) -> Result<(), OrderRefusal> {
    match status {
        ProductStatus::Active => {}
        ProductStatus::SoldOut => return Err(OrderRefusal::SoldOut),
        ProductStatus::Discontinued => return Err(OrderRefusal::Unavailable),
    }
    if stock < quantity {
        return Err(OrderRefusal::OutOfStock { left: stock });
    }
    total_price(price, quantity).map(|_| ()).ok_or(OrderRefusal::TotalTooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use OrderStatus::*;

    #[test]
    fn allowed_transitions() {
        assert_eq!(Confirm.apply(Pending), Ok(Confirmed));
        assert_eq!(Reject.apply(Pending), Ok(Rejected));
        assert_eq!(Ship.apply(Confirmed), Ok(Shipped));
    }

    #[test]
    fn every_other_transition_is_refused() {
        let mut allowed = 0;
        for action in [Confirm, Reject, Ship] {
            for status in OrderStatus::ALL {
                if action.apply(status).is_ok() {
                    allowed += 1;
                }
            }
        }
        assert_eq!(allowed, 3);
        assert_eq!(Ship.apply(Pending).unwrap_err().to_string(), "An order that is pending cannot become shipped");
        assert!(Confirm.apply(Rejected).is_err());
        assert!(Reject.apply(Confirmed).is_err());
    }

    #[test]
    fn status_round_trips_through_text_and_serde() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
            assert_eq!(serde_json::from_value::<OrderStatus>(s.as_str().into()).unwrap(), s);
        }
        assert_eq!(OrderStatus::parse("cancelled"), None);
        assert!(serde_json::from_value::<OrderStatus>("cancelled".into()).is_err());
    }

    #[test]
    fn orderable_checks_status_stock_and_total() {
        assert_eq!(check_orderable(ProductStatus::Active, 5, 100, 5), Ok(()));
        assert_eq!(check_orderable(ProductStatus::Active, 2, 100, 3), Err(OrderRefusal::OutOfStock { left: 2 }));
        assert_eq!(check_orderable(ProductStatus::SoldOut, 5, 100, 1), Err(OrderRefusal::SoldOut));
        assert_eq!(check_orderable(ProductStatus::Discontinued, 5, 100, 1), Err(OrderRefusal::Unavailable));
        assert_eq!(check_orderable(ProductStatus::Active, 5, i64::MAX, 2), Err(OrderRefusal::TotalTooLarge));
    }

    #[test]
    fn buyer_limits() {
        assert_eq!(check_buyer_limits(3, 7, 10, 0), Ok(()));
        assert_eq!(check_buyer_limits(4, 7, 10, 0), Err(OrderRefusal::LimitPerBuyer { max: 10, held: 7 }));
        assert_eq!(check_buyer_limits(1, 0, 10, 5), Err(OrderRefusal::TooManyPending { max: 5 }));
    }

    #[test]
    fn totals_do_not_overflow() {
        assert_eq!(total_price(125_000, 3), Some(375_000));
        assert_eq!(total_price(i64::MAX, 2), None);
    }
}
