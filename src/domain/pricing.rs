//! A foreign trip's rupiah prices: the price in the shop's currency, the
//! day's kurs and the jastip fee, rounded up the way jastipers round
//! ("¥1.200 · kurs Rp 105,5 · fee 10% → Rp 145.000"). Integers only: the
//! kurs is kept in 1/10,000 rupiah, the fee in 1/100 of a percent.

use super::money::{rupiah, show_scaled, Currency};

/// Decimals kept of a kurs (`105,5` is 1_055_000) and of a fee percent (`10,5` is 1_050).
pub const RATE_PLACES: u32 = 4;
pub const FEE_PLACES: u32 = 2;
/// The rupiah steps a price may be rounded up to.
pub const ROUND_TO: [i64; 4] = [1, 100, 500, 1000];
/// At most Rp 1.000.000 per unit of any currency (a pound is about 21.000).
pub const MAX_RATE: i64 = 1_000_000 * 10_000;
/// At most 100 % (in 1/100 of a percent).
pub const MAX_FEE: i64 = 100 * 100;
pub const MAX_FEE_PER_ITEM: i64 = 999_999_999;
/// A product's price in the shop's currency: at most 10^9 major units.
pub const MAX_ORIGINAL_MAJOR: i64 = 1_000_000_000;

/// How a trip turns a shop's price into rupiah.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pricing {
    pub currency: Currency,
    /// Rupiah per one unit of `currency`, × 10^4.
    pub rate: i64,
    /// The fee on top, in 1/100 of a percent (10 % is 1_000).
    pub fee: i64,
    /// Rupiah added to each unit after rounding.
    pub fee_per_item: i64,
    pub round_to: i64,
}

impl Pricing {
    /// `ceil(original × rate × (1 + fee/100) / roundTo) × roundTo + feePerItem`,
    /// in rupiah; `original` is in the currency's minor units. `None` when the
    /// result does not fit (the caller refuses the input).
    pub fn price(&self, original: i64) -> Option<i64> {
        if original < 0 || self.rate <= 0 || self.round_to <= 0 {
            return None;
        }
        let numerator = i128::from(original) * i128::from(self.rate) * i128::from(10_000 + self.fee);
        let denominator = 10_i128.pow(self.currency.minor_digits())
            * 10_i128.pow(RATE_PLACES)
            * 10_i128.pow(2 + FEE_PLACES)
            * i128::from(self.round_to);
        let steps = (numerator + denominator - 1) / denominator;
        let price = steps * i128::from(self.round_to) + i128::from(self.fee_per_item);
        i64::try_from(price).ok().filter(|p| *p <= 1_000_000_000_000)
    }

    /// "¥1.200 · kurs Rp 105,5 · fee 10% + Rp 5.000 → Rp 145.000".
    pub fn breakdown(&self, original: i64) -> String {
        let mut s = format!("{} · kurs Rp {}", self.currency.show(original), show_scaled(self.rate, RATE_PLACES));
        if self.fee > 0 {
            s.push_str(&format!(" · fee {}%", show_scaled(self.fee, FEE_PLACES)));
        }
        if self.fee_per_item > 0 {
            s.push_str(&format!(" + {}", rupiah(self.fee_per_item)));
        }
        if let Some(p) = self.price(original) {
            s.push_str(&format!(" → {}", rupiah(p)));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pricing(code: &str, rate: i64, fee: i64, fee_per_item: i64, round_to: i64) -> Pricing {
        Pricing { currency: Currency::parse(code).unwrap(), rate, fee, fee_per_item, round_to }
    }

    #[test]
    fn the_jastipers_example() {
        // ¥1.200 × 105,5 × 1,10 = 139.260 → up to 140.000, + 5.000 per item.
        let p = pricing("JPY", 1_055_000, 1_000, 5_000, 1000);
        assert_eq!(p.price(1200), Some(145_000));
        assert_eq!(p.breakdown(1200), "¥1.200 · kurs Rp 105,5 · fee 10% + Rp 5.000 → Rp 145.000");
    }

    #[test]
    fn every_round_to_rounds_up_and_an_exact_price_stays() {
        // ¥1.000 × 100 = 100.000 exactly: no step up for any roundTo.
        for r in ROUND_TO {
            assert_eq!(pricing("JPY", 1_000_000, 0, 0, r).price(1000), Some(100_000), "roundTo {r}");
        }
        // One yen more is 100.100: up to the next step of each roundTo.
        let up: Vec<i64> = ROUND_TO.iter().map(|r| pricing("JPY", 1_000_000, 0, 0, *r).price(1001).unwrap()).collect();
        assert_eq!(up, vec![100_100, 100_100, 100_500, 101_000]);
        // A fraction of a rupiah still rounds up to the next rupiah.
        assert_eq!(pricing("JPY", 1_055_001, 0, 0, 1).price(1), Some(106));
        assert_eq!(pricing("JPY", 1_050_000, 0, 0, 1).price(1), Some(105));
    }

    #[test]
    fn minor_units_of_each_currency() {
        // US$12,50 at 16.250: 203.125 → 204.000 (roundTo 1000).
        assert_eq!(pricing("USD", 162_500_000, 0, 0, 1000).price(1250), Some(204_000));
        assert_eq!(pricing("USD", 162_500_000, 0, 0, 1).price(1250), Some(203_125));
        // ₩15.000 at 11,5: 172.500.
        assert_eq!(pricing("KRW", 115_000, 0, 0, 1).price(15_000), Some(172_500));
        // €0,99 at 17.500,5 with a 7,5 % fee: 18.624,907… → 18.625.
        assert_eq!(pricing("EUR", 175_005_000, 750, 0, 1).price(99), Some(18_625));
        // Every currency: one major unit at Rp 1 is Rp 1.
        for c in Currency::all() {
            let one = 10_i64.pow(c.minor_digits());
            assert_eq!(
                Pricing { currency: c, rate: 10_000, fee: 0, fee_per_item: 0, round_to: 1 }.price(one),
                Some(1),
                "{}",
                c.code()
            );
        }
    }

    #[test]
    fn the_fee_is_on_the_converted_price_and_the_largest_input_fits() {
        // 100 % doubles; the fee per item is added after rounding.
        assert_eq!(pricing("JPY", 1_000_000, 10_000, 0, 1).price(1000), Some(200_000));
        assert_eq!(pricing("JPY", 1_000_000, 0, 2_500, 1000).price(1001), Some(103_500));
        let max = pricing("JPY", MAX_RATE, MAX_FEE, MAX_FEE_PER_ITEM, 1000);
        assert_eq!(max.price(MAX_ORIGINAL_MAJOR), None, "too large for a price: refused, not wrapped");
        assert!(pricing("USD", 162_500_000, MAX_FEE, 0, 1000).price(100_000 * 100).is_some());
        assert_eq!(pricing("JPY", 0, 0, 0, 1).price(1), None);
    }
}
