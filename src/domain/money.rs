//! Money as people write and read it, in integers only: rupiah as
//! `Rp 1.250.000`, foreign amounts in their minor units (`¥1.200`,
//! `US$12,50`), and the ways a price is typed (`125.000`, `Rp125.000,00`,
//! `12,50`). Decimal text is read digit by digit, never through a float.

pub fn rupiah(amount: i64) -> String {
    format!("{}Rp {}", if amount < 0 { "-" } else { "" }, grouped(amount.unsigned_abs()))
}

/// `1250000` → `1.250.000` (Indonesian thousands dots).
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A decimal written with at most `places` decimals, as an integer scaled
/// by 10^places: `"105,5"` with 4 places is `1_055_000`. Accepts the
/// Indonesian way (dots group thousands, a comma starts the decimals) and
/// the English one (commas group, a dot starts the decimals): the last
/// separator starts the decimals unless exactly three digits follow it,
/// which are thousands (`1.200`, `125,000`); with more than two decimal
/// places (a rate) a comma always starts the decimals (`105,125`), as an
/// Indonesian writes a kurs. `None` for anything else.
pub fn parse_scaled(raw: &str, places: u32) -> Option<i64> {
    let s: String = raw.trim().chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\'' | '_')).collect();
    if s.is_empty() || s.len() > 30 || !s.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return None;
    }
    let (int_part, frac) = match s.rfind(['.', ',']) {
        None => (s.as_str(), ""),
        Some(at) => {
            let (head, tail) = (&s[..at], &s[at + 1..]);
            let decimal = tail.len() != 3 || (s.as_bytes()[at] == b',' && places > 2);
            if decimal {
                (head, tail)
            } else {
                (s.as_str(), "")
            }
        }
    };
    if frac.len() > places as usize || (frac.is_empty() && int_part.ends_with(['.', ','])) {
        return None;
    }
    let whole = thousands(int_part)?;
    let mut scaled = whole.checked_mul(10_i64.checked_pow(places)?)?;
    if !frac.is_empty() {
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let f: i64 = frac.parse().ok()?;
        scaled = scaled.checked_add(f.checked_mul(10_i64.pow(places - frac.len() as u32))?)?;
    }
    Some(scaled)
}

/// Digits, optionally grouped by one kind of separator in threes: `1200`,
/// `1.200`, `1,200,000`. `None` for `1.20`, `12.00.0`, `1.200,000`.
fn thousands(s: &str) -> Option<i64> {
    if s.is_empty() {
        return None;
    }
    let seps: Vec<char> = s.chars().filter(|c| !c.is_ascii_digit()).collect();
    if let Some(&sep) = seps.first() {
        if seps.iter().any(|&c| c != sep) {
            return None;
        }
        let groups: Vec<&str> = s.split(sep).collect();
        if groups[0].is_empty() || groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3) {
            return None;
        }
    }
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if digits.len() > 15 {
        return None;
    }
    digits.parse().ok()
}

/// Whitespace as `str::trim` removes it (the OpenAPI patterns name the same set).
fn trim(s: &str) -> &str {
    s.trim()
}

/// Digits grouped the Indonesian way or not at all: `125000`, `125.000`,
/// `1.250.000` (at most 999.999.999).
fn rupiah_digits(s: &str) -> Option<i64> {
    let plain = !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit());
    let grouped = {
        let groups: Vec<&str> = s.split('.').collect();
        (2..=3).contains(&groups.len())
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
    };
    (plain || grouped).then(|| s.replace('.', "").parse().ok()).flatten()
}

/// Rupiah as text in an API body, exactly the language of the OpenAPI
/// document's pattern (`RUPIAH_PATTERN` there): an optional `Rp`, `Rp.` or
/// `IDR` and one space, the digits (plain, or grouped by dots), an optional
/// `,00`. `125000`, `125.000`, `Rp 125.000`, `Rp125.000,00`.
pub fn parse_rupiah_text(raw: &str) -> Result<i64, String> {
    let t = trim(raw);
    let t =
        ["Rp.", "rp.", "RP.", "rP.", "Rp", "rp", "RP", "rP", "IDR"].iter().find_map(|p| t.strip_prefix(p)).unwrap_or(t);
    let t = t.strip_prefix(' ').unwrap_or(t);
    let (digits, cents) = match t.rsplit_once(',') {
        Some((d, c)) if c.len() == 2 && c.bytes().all(|b| b.is_ascii_digit()) => (d, c),
        _ => (t, "00"),
    };
    match rupiah_digits(digits) {
        Some(_) if cents != "00" => Err("must be whole rupiah (no sen)".into()),
        Some(v) => Ok(v),
        None => Err("must be rupiah, e.g. 125000, 125.000, Rp 125.000 or Rp125.000,00".into()),
    }
}

/// A shop's price as text in an API body, exactly the OpenAPI pattern's
/// language: digits, optionally grouped in threes by dots (then a comma
/// starts at most two decimals) or by commas (then a dot does), or plain
/// digits with an optional `.`/`,` and at most two decimals. Answers
/// hundredths of the major unit: `"12,50"` is 1250, `"1.200"` is 120_000.
pub fn parse_amount_text(raw: &str) -> Option<i64> {
    let t = trim(raw);
    let digits =
        |s: &str, min: usize, max: usize| (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    let grouped = |s: &str, sep: char| {
        let g: Vec<&str> = s.split(sep).collect();
        (2..=3).contains(&g.len()) && digits(g[0], 1, 3) && g[1..].iter().all(|x| digits(x, 3, 3))
    };
    let (whole, frac) = if let Some((w, f)) = t.rsplit_once(',').filter(|(w, f)| grouped(w, '.') && digits(f, 1, 2)) {
        (w.replace('.', ""), f)
    } else if let Some((w, f)) = t.rsplit_once('.').filter(|(w, f)| grouped(w, ',') && digits(f, 1, 2)) {
        (w.replace(',', ""), f)
    } else if grouped(t, '.') || grouped(t, ',') {
        (t.replace(['.', ','], ""), "")
    } else if let Some((w, f)) = t.rsplit_once(['.', ',']).filter(|(w, f)| digits(w, 1, 9) && digits(f, 1, 2)) {
        (w.to_string(), f)
    } else if digits(t, 1, 9) {
        (t.to_string(), "")
    } else {
        return None;
    };
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().ok()? };
    Some(whole * 100 + frac)
}

/// A JSON number read as a decimal with `places` decimals, rounded half up
/// (`105.12345` with 4 places is 1_051_235): from its shortest spelling,
/// never computed with as a float, except for exponent forms.
pub fn number_scaled(text: &str, places: u32) -> Option<i64> {
    // serde_json spells very small or large floats with an exponent
    // (`1e-7`, `1.5e20`): shift the decimal point by hand, no float parsing.
    let (mantissa, exp) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (neg, m) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa),
    };
    let (whole, frac) = m.split_once('.').unwrap_or((m, ""));
    let digits = format!("{whole}{frac}");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // The position of the decimal point within `digits`, after the exponent and the scaling.
    let point = whole.len() as i32 + exp + places as i32;
    if point > 18 {
        return None;
    }
    let (kept, next) = match point {
        p if p <= 0 => (String::new(), if p == 0 { digits.bytes().next() } else { None }),
        p => {
            let p = p as usize;
            let kept: String = digits.chars().chain(std::iter::repeat('0')).take(p).collect();
            (kept, digits.as_bytes().get(p).copied())
        }
    };
    let mut v: i64 = if kept.is_empty() { 0 } else { kept.parse().ok()? };
    if next.is_some_and(|d| d >= b'5') {
        v += 1;
    }
    Some(if neg { -v } else { v })
}

/// A rupiah amount as people type it: `125000`, `125.000`, `Rp 125.000`,
/// `Rp125.000,00`, `IDR 125,000`. Rupiah have no sen: decimals must be zero.
pub fn parse_rupiah(raw: &str) -> Result<i64, String> {
    let t = raw.trim();
    let lower = t.to_ascii_lowercase();
    let t = ["rp.", "rp", "idr"].iter().find_map(|p| lower.strip_prefix(p)).unwrap_or(&lower);
    let t = t.trim().trim_end_matches(",-").trim_end_matches(".-");
    let invalid = || "must be an amount in rupiah, e.g. 125000, 125.000 or Rp 125.000".to_string();
    let cents = parse_scaled(t, 2).ok_or_else(invalid)?;
    if cents % 100 != 0 {
        return Err("must be whole rupiah (no sen)".into());
    }
    Ok(cents / 100)
}

/// An amount of `currency` as people type it (`12.50`, `12,50`, `1.200`, `¥1.200`,
/// `US$ 12,50`), in its minor units.
pub fn parse_amount(raw: &str, currency: Currency) -> Result<i64, String> {
    let mut t = raw.trim();
    for prefix in [currency.symbol(), currency.code()] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest;
        }
    }
    parse_scaled(t, currency.minor_digits()).ok_or_else(|| {
        format!(
            "must be an amount in {} with at most {} decimals, e.g. {}",
            currency.code(),
            currency.minor_digits(),
            currency.example()
        )
    })
}

/// The currencies a trip may buy in: ISO 4217 code, symbol, minor digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Currency(usize);

const CURRENCIES: [(&str, &str, u32); 13] = [
    ("IDR", "Rp", 0),
    ("JPY", "¥", 0),
    ("KRW", "₩", 0),
    ("CNY", "CN¥", 2),
    ("HKD", "HK$", 2),
    ("TWD", "NT$", 2),
    ("SGD", "S$", 2),
    ("MYR", "RM", 2),
    ("THB", "฿", 2),
    ("USD", "US$", 2),
    ("AUD", "A$", 2),
    ("EUR", "€", 2),
    ("GBP", "£", 2),
];

impl Currency {
    pub const IDR: Currency = Currency(0);

    /// Every code, for the OpenAPI document and the dashboard's select.
    pub fn all() -> impl Iterator<Item = Currency> {
        (0..CURRENCIES.len()).map(Currency)
    }

    pub fn parse(code: &str) -> Option<Currency> {
        CURRENCIES.iter().position(|(c, _, _)| c.eq_ignore_ascii_case(code.trim())).map(Currency)
    }

    pub fn code(self) -> &'static str {
        CURRENCIES[self.0].0
    }

    pub fn symbol(self) -> &'static str {
        CURRENCIES[self.0].1
    }

    pub fn minor_digits(self) -> u32 {
        CURRENCIES[self.0].2
    }

    pub fn is_idr(self) -> bool {
        self.0 == 0
    }

    fn example(self) -> &'static str {
        if self.minor_digits() == 0 {
            "1200 or 1.200"
        } else {
            "12.50 or 12,50"
        }
    }

    /// `¥1.200`, `US$12,50`, `€0,99`: as an Indonesian reads an amount.
    pub fn show(self, minor: i64) -> String {
        let scale = 10_i64.pow(self.minor_digits());
        let (whole, frac) = (minor.unsigned_abs() / scale as u64, minor.unsigned_abs() % scale as u64);
        let sign = if minor < 0 { "-" } else { "" };
        match self.minor_digits() {
            0 => format!("{sign}{}{}", self.symbol(), grouped(whole)),
            d => format!("{sign}{}{},{:0width$}", self.symbol(), grouped(whole), frac, width = d as usize),
        }
    }
}

/// A decimal kept scaled by 10^places, as the JSON number people typed
/// (`105.5`, `10`): for showing only; every computation uses the integer.
pub fn json_decimal(v: i64, places: u32) -> serde_json::Number {
    let scale = 10_i64.pow(places);
    if v % scale == 0 {
        serde_json::Number::from(v / scale)
    } else {
        serde_json::Number::from_f64(v as f64 / scale as f64).unwrap_or_else(|| serde_json::Number::from(v / scale))
    }
}

/// A decimal kept as an integer scaled by 10^places (a rate `105,5` with 4
/// places is 1_055_000), shown the Indonesian way: `105,5`.
pub fn show_scaled(v: i64, places: u32) -> String {
    let scale = 10_i64.pow(places);
    let (whole, frac) = (v / scale, v % scale);
    if frac == 0 {
        return grouped(whole as u64);
    }
    let frac = format!("{:0width$}", frac, width = places as usize);
    format!("{},{}", grouped(whole as u64), frac.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands_with_dots() {
        assert_eq!(rupiah(0), "Rp 0");
        assert_eq!(rupiah(950), "Rp 950");
        assert_eq!(rupiah(1_000), "Rp 1.000");
        assert_eq!(rupiah(125_000), "Rp 125.000");
        assert_eq!(rupiah(1_250_000), "Rp 1.250.000");
        assert_eq!(rupiah(-5_000), "-Rp 5.000");
    }

    #[test]
    fn rupiah_is_read_the_ways_people_write_it() {
        for raw in [
            "125000",
            "125.000",
            "Rp 125.000",
            "Rp125.000,00",
            "rp 125.000",
            "IDR 125,000",
            "Rp. 125.000,-",
            " 125 000 ",
        ] {
            assert_eq!(parse_rupiah(raw), Ok(125_000), "{raw}");
        }
        assert_eq!(parse_rupiah("1.250.000"), Ok(1_250_000));
        assert_eq!(parse_rupiah("0"), Ok(0));
        assert_eq!(parse_rupiah("125.00"), Ok(125), "the English decimals of a small amount");
        for bad in ["", "Rp", "12.5.0", "abc", "1.2345", "-5000", "125.000,50", "1e5", "１２３", "1.20.000"] {
            assert!(parse_rupiah(bad).is_err(), "{bad}");
        }
        assert!(parse_rupiah("125.000,50").unwrap_err().contains("sen"));
    }

    #[test]
    fn foreign_amounts_are_read_in_minor_units() {
        let (jpy, usd) = (Currency::parse("JPY").unwrap(), Currency::parse("usd").unwrap());
        assert_eq!(parse_amount("1200", jpy), Ok(1200));
        assert_eq!(parse_amount("1.200", jpy), Ok(1200));
        assert_eq!(parse_amount("¥1.200", jpy), Ok(1200));
        assert!(parse_amount("1200,5", jpy).is_err(), "yen have no decimals");
        assert_eq!(parse_amount("12.50", usd), Ok(1250));
        assert_eq!(parse_amount("12,50", usd), Ok(1250));
        assert_eq!(parse_amount("12,5", usd), Ok(1250));
        assert_eq!(parse_amount("US$ 1.200,50", usd), Ok(120_050));
        assert_eq!(parse_amount("1,200.50", usd), Ok(120_050));
        assert_eq!(parse_amount("1.200", usd), Ok(120_000), "a group of three after a dot is thousands");
        assert_eq!(parse_amount("12.505", usd), Ok(1_250_500), "three digits after a separator are thousands");
        assert!(parse_amount("12.5050", usd).is_err());
    }

    #[test]
    fn scaled_decimals_keep_every_digit() {
        assert_eq!(parse_scaled("105,5", 4), Some(1_055_000));
        assert_eq!(parse_scaled("105.5", 4), Some(1_055_000));
        assert_eq!(parse_scaled("10", 2), Some(1_000));
        assert_eq!(parse_scaled("0,1234", 4), Some(1_234));
        assert_eq!(parse_scaled("0,12345", 4), None);
        assert_eq!(parse_scaled("105,125", 4), Some(1_051_250), "a kurs's comma starts its decimals");
        assert_eq!(parse_scaled("16.250", 4), Some(162_500_000), "a kurs's dot groups thousands");
        assert_eq!(show_scaled(1_055_000, 4), "105,5");
        assert_eq!(show_scaled(1_000, 2), "10");
        assert_eq!(show_scaled(10_500_000, 4), "1.050");
    }

    #[test]
    fn api_text_is_exactly_the_documented_language() {
        for raw in ["125000", "125.000", "Rp 125.000", "Rp125.000,00", "IDR 125.000", "Rp.125.000", " 125.000 "] {
            assert_eq!(parse_rupiah_text(raw), Ok(125_000), "{raw}");
        }
        assert_eq!(parse_rupiah_text("999.999.999"), Ok(999_999_999));
        for bad in ["1.000.000.000", "1234567890", "125,000", "12.50", "Rp  1", "abc", "", "1.20", "+5"] {
            assert!(parse_rupiah_text(bad).is_err(), "{bad}");
        }
        assert!(parse_rupiah_text("125.000,50").unwrap_err().contains("sen"));
        assert_eq!(parse_amount_text("12,50"), Some(1250));
        assert_eq!(parse_amount_text("12.5"), Some(1250));
        assert_eq!(parse_amount_text("1.200"), Some(120_000));
        assert_eq!(parse_amount_text("1.200,50"), Some(120_050));
        assert_eq!(parse_amount_text("1,200.50"), Some(120_050));
        assert_eq!(parse_amount_text("1200"), Some(120_000));
        for bad in ["1.200,000", "1,2,3", "12.", ".5", "1.20.0", "abc", "1e5"] {
            assert_eq!(parse_amount_text(bad), None, "{bad}");
        }
        assert_eq!(number_scaled("105.5", 4), Some(1_055_000));
        assert_eq!(number_scaled("105.12345", 4), Some(1_051_235), "rounded half up");
        assert_eq!(number_scaled("10", 2), Some(1_000));
        assert_eq!(number_scaled("1e-7", 4), Some(0));
        assert_eq!(number_scaled("1.5e3", 2), Some(150_000));
        assert_eq!(number_scaled("5e-324", 3), Some(0));
        assert_eq!(number_scaled("0.00005", 4), Some(1), "half up");
        assert_eq!(number_scaled("1e300", 4), None);
    }

    #[test]
    fn amounts_are_shown_with_their_symbol() {
        assert_eq!(Currency::parse("JPY").unwrap().show(1200), "¥1.200");
        assert_eq!(Currency::parse("USD").unwrap().show(1250), "US$12,50");
        assert_eq!(Currency::parse("EUR").unwrap().show(99), "€0,99");
        assert_eq!(Currency::parse("KRW").unwrap().show(15_000), "₩15.000");
        assert!(Currency::parse("XYZ").is_none());
        assert_eq!(Currency::all().count(), 13);
    }
}
