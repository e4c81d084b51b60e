//! What WhatsApp messages cost, with Meta's per-message pricing: since
//! 1 October 2026 every message is charged by its category — a template by
//! its own (marketing, utility, authentication), free-form text inside the
//! 24-hour window as `service` — after a monthly free allowance.
//!
//! Money stays integer: rates are micro-dollars (1e-6 USD) per message, the
//! kurs whole rupiah per dollar, and a message's price milli-rupiah (exact:
//! micro-USD × IDR / 1000), rounded to rupiah only for a total.

use super::money::rupiah;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Marketing,
    Utility,
    Authentication,
    Service,
}

impl Category {
    pub const ALL: [Category; 4] =
        [Category::Marketing, Category::Utility, Category::Authentication, Category::Service];

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Marketing => "marketing",
            Category::Utility => "utility",
            Category::Authentication => "authentication",
            Category::Service => "service",
        }
    }

    /// The word in the dashboard.
    pub fn label(self) -> &'static str {
        match self {
            Category::Marketing => "marketing",
            Category::Utility => "utilitas",
            Category::Authentication => "autentikasi",
            Category::Service => "layanan (chat 24 jam)",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    /// Micro-dollars per message, in `Category::ALL` order.
    pub micro_usd: [i64; 4],
    /// Rupiah per dollar.
    pub idr_per_usd: i64,
    /// Messages a month Meta does not charge (0 unless the account has some).
    pub free_per_month: i64,
}

impl Rates {
    /// One message of `category`, in milli-rupiah.
    pub fn milli_idr(&self, category: Category) -> i64 {
        self.micro_usd[category.index()] * self.idr_per_usd / 1000
    }
}

/// Milli-rupiah as whole rupiah, half up.
pub fn whole_rupiah(milli: i64) -> i64 {
    (milli + 500).div_euclid(1000)
}

/// Reads a dollar rate such as `0.0411` into micro-dollars (at most six
/// decimals, at most $10 a message); `None` for anything else.
pub fn parse_micro_usd(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let (whole, frac) = raw.split_once('.').unwrap_or((raw, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 2 || frac.len() > 6 || !digits(whole) || !digits(frac) {
        return None;
    }
    let micro = whole.parse::<i64>().ok()? * 1_000_000 + format!("{frac:0<6}").parse::<i64>().ok()?;
    (micro <= 10_000_000).then_some(micro)
}

/// Above this total the spec recommends asking for opt-in first.
pub const HIGH_COST_IDR: i64 = 50_000;

/// One group of messages sent as one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub category: Category,
    pub count: i64,
    pub each_milli: i64,
}

impl Part {
    pub fn each(&self) -> String {
        rupiah(whole_rupiah(self.each_milli))
    }
}

/// What a broadcast (or a month's messages) costs: the messages in each
/// category, the free allowance used, and the total.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub participant_count: i64,
    /// Of them, wrote to us in the last 24 hours (free-form reaches them).
    pub in_window: i64,
    /// Covered by what is left of the month's free allowance.
    pub free_count: i64,
    pub billable_count: i64,
    pub parts: Vec<Part>,
    pub total_cost_idr: i64,
    pub recommendation: &'static str,
}

impl Estimate {
    /// The price of one message of the estimate's main (largest) part.
    pub fn cost_per_message_idr(&self) -> i64 {
        self.parts.iter().max_by_key(|p| p.count).map_or(0, |p| whole_rupiah(p.each_milli))
    }

    pub fn cost_per_message(&self) -> String {
        rupiah(self.cost_per_message_idr())
    }

    pub fn total_cost(&self) -> String {
        rupiah(self.total_cost_idr)
    }
}

/// How a broadcast reaches its audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Send {
    /// `{ message }`: free-form (service) to whoever wrote in the last 24
    /// hours, the broadcast template (`outside`) to the rest.
    Text { outside: Category },
    /// One template of this category to everyone, inside the window too.
    Template(Category),
}

/// `participants` subscribed, `in_window` of them wrote in the last 24 h;
/// `allowance_left` free messages remain this month.
pub fn estimate(participants: i64, in_window: i64, send: Send, rates: &Rates, allowance_left: i64) -> Estimate {
    let in_window = in_window.clamp(0, participants);
    let groups = match send {
        Send::Text { outside } => vec![(Category::Service, in_window), (outside, participants - in_window)],
        Send::Template(c) => vec![(c, participants)],
    };
    // The allowance covers the first messages sent; price the cheapest last.
    let mut free_left = allowance_left.clamp(0, participants);
    let free_count = free_left;
    let mut parts = Vec::new();
    let mut total_milli = 0;
    for (category, count) in groups.into_iter().filter(|(_, n)| *n > 0) {
        let covered = free_left.min(count);
        free_left -= covered;
        let each_milli = rates.milli_idr(category);
        total_milli += (count - covered) * each_milli;
        parts.push(Part { category, count, each_milli });
    }
    let total = whole_rupiah(total_milli);
    Estimate {
        participant_count: participants,
        in_window,
        free_count,
        billable_count: participants - free_count,
        parts,
        total_cost_idr: total,
        recommendation: if total > HIGH_COST_IDR { "High cost - consider opt-in" } else { "OK" },
    }
}

/// A month's charged messages per category, priced.
pub fn month_cost(counts: &[(Category, i64)], rates: &Rates) -> (Vec<Part>, i64) {
    let parts: Vec<Part> = Category::ALL
        .into_iter()
        .filter_map(|c| {
            let n: i64 = counts.iter().filter(|(k, _)| *k == c).map(|(_, n)| n).sum();
            (n > 0).then(|| Part { category: c, count: n, each_milli: rates.milli_idr(c) })
        })
        .collect();
    let total = whole_rupiah(parts.iter().map(|p| p.count * p.each_milli).sum());
    (parts, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Meta's Indonesia card (USD), at 15.500 rupiah a dollar.
    const RATES: Rates = Rates { micro_usd: [41_100, 20_000, 30_000, 19_000], idr_per_usd: 15_500, free_per_month: 0 };

    #[test]
    fn rates_are_read_exactly() {
        assert_eq!(parse_micro_usd("0.0411"), Some(41_100));
        assert_eq!(parse_micro_usd("0.02"), Some(20_000));
        assert_eq!(parse_micro_usd("1"), Some(1_000_000));
        assert_eq!(parse_micro_usd("0.000001"), Some(1));
        for bad in ["", ".5", "0.0000001", "-0.1", "abc", "11", "0,04", "1e-3"] {
            assert_eq!(parse_micro_usd(bad), None, "{bad}");
        }
    }

    #[test]
    fn one_message_of_each_category() {
        // By hand: 0.0411 × 15.500 = 637,05; 0.02 × 15.500 = 310;
        // 0.03 × 15.500 = 465; 0.019 × 15.500 = 294,5.
        let each: Vec<i64> = Category::ALL.into_iter().map(|c| RATES.milli_idr(c)).collect();
        assert_eq!(each, [637_050, 310_000, 465_000, 294_500]);
    }

    #[test]
    fn marketing_charges_everyone() {
        let e = estimate(100, 40, Send::Template(Category::Marketing), &RATES, 0);
        assert_eq!(e.cost_per_message(), "Rp 637");
        // 100 × 637,05 = 63.705.
        assert_eq!((e.free_count, e.billable_count, e.total_cost_idr), (0, 100, 63_705));
        assert_eq!(e.recommendation, "High cost - consider opt-in");
    }

    #[test]
    fn utility_is_charged_inside_the_window_too() {
        let e = estimate(100, 60, Send::Template(Category::Utility), &RATES, 0);
        assert_eq!((e.billable_count, e.total_cost_idr, e.recommendation), (100, 31_000, "OK"));
    }

    #[test]
    fn free_form_inside_the_window_is_a_service_message() {
        // 60 × 294,5 + 40 × 637,05 = 17.670 + 25.482 = 43.152.
        let e = estimate(100, 60, Send::Text { outside: Category::Marketing }, &RATES, 0);
        assert_eq!(e.parts.len(), 2);
        assert_eq!((e.parts[0].category, e.parts[0].count), (Category::Service, 60));
        assert_eq!(e.parts[0].each(), "Rp 295");
        assert_eq!(e.total_cost_idr, 43_152);
        assert_eq!(e.cost_per_message(), "Rp 295");
    }

    #[test]
    fn the_free_allowance_covers_the_first_messages() {
        // 50 free: the 60 service messages are 10 charged, the 40 marketing all:
        // 10 × 294,5 + 40 × 637,05 = 2.945 + 25.482 = 28.427.
        let e = estimate(100, 60, Send::Text { outside: Category::Marketing }, &RATES, 50);
        assert_eq!((e.free_count, e.billable_count, e.total_cost_idr), (50, 50, 28_427));
        let all_free = estimate(10, 0, Send::Template(Category::Marketing), &RATES, 500);
        assert_eq!((all_free.free_count, all_free.billable_count, all_free.total_cost_idr), (10, 0, 0));
    }

    #[test]
    fn a_month_of_messages() {
        let (parts, total) =
            month_cost(&[(Category::Service, 3), (Category::Utility, 2), (Category::Service, 1)], &RATES);
        assert_eq!(parts.len(), 2);
        // 2 × 310 + 4 × 294,5 = 620 + 1.178.
        assert_eq!(total, 1_798);
        assert_eq!(month_cost(&[], &RATES), (vec![], 0));
    }
}
