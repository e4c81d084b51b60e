//! The order state machine (DESIGN.md point 5):
//! `pending → confirmed → shipped` and `pending → rejected`; nothing else.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Confirmed,
    Rejected,
    Shipped,
}

impl Status {
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "pending" => Some(Status::Pending),
            "confirmed" => Some(Status::Confirmed),
            "rejected" => Some(Status::Rejected),
            "shipped" => Some(Status::Shipped),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Confirmed => "confirmed",
            Status::Rejected => "rejected",
            Status::Shipped => "shipped",
        }
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
    pub fn transition(self) -> (Status, Status) {
        match self {
            Action::Confirm => (Status::Pending, Status::Confirmed),
            Action::Reject => (Status::Pending, Status::Rejected),
            Action::Ship => (Status::Confirmed, Status::Shipped),
        }
    }

    /// The status after `self` from `current`, or why not.
    pub fn apply(self, current: Status) -> Result<Status, String> {
        let (from, to) = self.transition();
        if current == from {
            Ok(to)
        } else {
            Err(format!("An order that is {} cannot become {}", current.as_str(), to.as_str()))
        }
    }
}

pub const MAX_QUANTITY: i64 = 1_000;

/// Total price in rupiah, refusing overflow instead of wrapping.
pub fn total_price(unit_price: i64, quantity: i64) -> Option<i64> {
    unit_price.checked_mul(quantity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use Status::*;

    #[test]
    fn allowed_transitions() {
        assert_eq!(Confirm.apply(Pending), Ok(Confirmed));
        assert_eq!(Reject.apply(Pending), Ok(Rejected));
        assert_eq!(Ship.apply(Confirmed), Ok(Shipped));
    }

    #[test]
    fn every_other_transition_is_refused() {
        let all = [Pending, Confirmed, Rejected, Shipped];
        let mut allowed = 0;
        for action in [Confirm, Reject, Ship] {
            for status in all {
                if action.apply(status).is_ok() {
                    allowed += 1;
                }
            }
        }
        assert_eq!(allowed, 3);
        assert_eq!(Ship.apply(Pending).unwrap_err(), "An order that is pending cannot become shipped");
        assert!(Confirm.apply(Rejected).is_err());
        assert!(Reject.apply(Confirmed).is_err());
    }

    #[test]
    fn status_round_trips() {
        for s in [Pending, Confirmed, Rejected, Shipped] {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("cancelled"), None);
    }

    #[test]
    fn totals_do_not_overflow() {
        assert_eq!(total_price(125_000, 3), Some(375_000));
        assert_eq!(total_price(i64::MAX, 2), None);
    }
}
