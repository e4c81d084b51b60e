//! Broadcast cost estimate, with Meta's per-message pricing:
//! marketing templates are always charged; utility templates and free-form
//! replies are free inside a penitip's open 24-hour window.

use super::money::rupiah;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Marketing,
    Utility,
}

impl Category {
    pub fn parse(s: &str) -> Option<Category> {
        match s {
            "marketing" => Some(Category::Marketing),
            "utility" => Some(Category::Utility),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Marketing => "marketing",
            Category::Utility => "utility",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Rates {
    pub marketing_usd: f64,
    pub utility_usd: f64,
    pub usd_to_idr: f64,
}

/// Above this total the spec recommends asking for opt-in first.
pub const HIGH_COST_IDR: i64 = 50_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub participant_count: i64,
    pub free_count: i64,
    pub billable_count: i64,
    pub cost_per_message_idr: i64,
    pub total_cost_idr: i64,
    pub recommendation: &'static str,
}

impl Estimate {
    pub fn cost_per_message(&self) -> String {
        rupiah(self.cost_per_message_idr)
    }

    pub fn total_cost(&self) -> String {
        rupiah(self.total_cost_idr)
    }
}

/// `participants` subscribed, `in_window` of them messaged us in the last 24 h.
pub fn estimate(participants: i64, in_window: i64, category: Category, rates: Rates) -> Estimate {
    let free = match category {
        Category::Marketing => 0,
        Category::Utility => in_window.min(participants),
    };
    let usd = match category {
        Category::Marketing => rates.marketing_usd,
        Category::Utility => rates.utility_usd,
    };
    let per_message = (usd * rates.usd_to_idr).round() as i64;
    let billable = participants - free;
    let total = per_message * billable;
    Estimate {
        participant_count: participants,
        free_count: free,
        billable_count: billable,
        cost_per_message_idr: per_message,
        total_cost_idr: total,
        recommendation: if total > HIGH_COST_IDR { "High cost - consider opt-in" } else { "OK" },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATES: Rates = Rates { marketing_usd: 0.0411, utility_usd: 0.025, usd_to_idr: 15_500.0 };

    #[test]
    fn marketing_charges_everyone() {
        let e = estimate(100, 40, Category::Marketing, RATES);
        assert_eq!(e.cost_per_message_idr, 637);
        assert_eq!((e.free_count, e.billable_count, e.total_cost_idr), (0, 100, 63_700));
        assert_eq!(e.recommendation, "High cost - consider opt-in");
        assert_eq!(e.total_cost(), "Rp 63.700");
    }

    #[test]
    fn utility_is_free_inside_the_window() {
        let e = estimate(100, 40, Category::Utility, RATES);
        assert_eq!(e.cost_per_message_idr, 388);
        assert_eq!((e.free_count, e.billable_count, e.total_cost_idr), (40, 60, 23_280));
        assert_eq!(e.recommendation, "OK");
    }

    #[test]
    fn the_specs_own_figures() {
        let spec = Rates { marketing_usd: 0.0055, utility_usd: 0.0055, usd_to_idr: 15_500.0 };
        let e = estimate(10, 0, Category::Marketing, spec);
        assert_eq!(e.cost_per_message(), "Rp 85");
        assert_eq!(e.total_cost_idr, 850);
    }
}
