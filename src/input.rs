//! Reading a request body (JSON, or a form turned into the same map) into
//! typed values, collecting one problem per field so the caller learns
//! everything that is wrong at once. Each use case's form type
//! (`service::orders::OrderForm` …) is parsed from an `Input` in one step. Only the
//! fields a handler names are accepted: anything else is refused, so a caller
//! can never set a column it may not set (mass assignment).

use crate::error::{ApiError, ApiResult, ErrorCode, FieldErrors};
use serde_json::{Map, Value};

pub struct Input {
    map: Map<String, Value>,
    errors: FieldErrors,
}

/// A field of a PATCH body: left out, explicitly `null` (clear it), or a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Patch<T> {
    Absent,
    Null,
    Set(T),
}

impl<T> Patch<T> {
    /// `Some(None)` clears the column, `Some(Some(v))` sets it, `None` keeps it.
    pub fn into_change(self) -> Option<Option<T>> {
        match self {
            Patch::Absent => None,
            Patch::Null => Some(None),
            Patch::Set(v) => Some(Some(v)),
        }
    }
}

impl Input {
    /// Parses a body that must be a JSON object; an empty body is an empty object.
    pub fn parse(body: &[u8]) -> ApiResult<Input> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::from_map(Map::new()));
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => Ok(Self::from_map(map)),
            Ok(_) => Err(ApiError::new(ErrorCode::InvalidBody, "The body must be a JSON object")),
            Err(_) => Err(ApiError::new(ErrorCode::InvalidJson, "The body is not valid JSON")),
        }
    }

    pub fn from_map(map: Map<String, Value>) -> Input {
        Input { map, errors: FieldErrors::new() }
    }

    /// The fields as sent.
    pub fn map(&self) -> &Map<String, Value> {
        &self.map
    }

    /// Keeps only the fields `keep` accepts (a page form posts more than its use case reads).
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.map.retain(|k, _| keep(k));
    }

    /// Sets a field the edge knows (e.g. the product slug of the page's URL).
    pub fn insert(&mut self, key: &str, value: Value) {
        self.map.insert(key.to_string(), value);
    }

    /// Refuses every key not in `allowed`.
    pub fn only(&mut self, allowed: &[&str]) {
        let unknown: Vec<String> = self.map.keys().filter(|k| !allowed.contains(&k.as_str())).cloned().collect();
        for key in unknown {
            self.errors.insert(key, "is not a field that can be set here".into());
        }
    }

    pub fn error(&mut self, key: &str, problem: impl Into<String>) {
        self.errors.entry(key.to_string()).or_insert_with(|| problem.into());
    }

    /// Runs a parser over a value and records its complaint under `key`.
    pub fn check<T>(&mut self, key: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(problem) => {
                self.error(key, problem);
                None
            }
        }
    }

    fn raw(&self, key: &str) -> Option<&Value> {
        self.map.get(key)
    }

    pub fn required_str(&mut self, key: &str) -> Option<String> {
        match self.raw(key) {
            None | Some(Value::Null) => {
                self.error(key, "is required");
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.error(key, "must be a string");
                None
            }
        }
    }

    pub fn optional_str(&mut self, key: &str) -> Option<String> {
        match self.patch_str(key) {
            Patch::Set(s) => Some(s),
            _ => None,
        }
    }

    pub fn patch_str(&mut self, key: &str) -> Patch<String> {
        match self.raw(key) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::String(s)) => Patch::Set(s.clone()),
            Some(_) => {
                self.error(key, "must be a string");
                Patch::Absent
            }
        }
    }

    pub fn patch_bool(&mut self, key: &str) -> Patch<bool> {
        match self.raw(key) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::Bool(b)) => Patch::Set(*b),
            Some(_) => {
                self.error(key, "must be true or false");
                Patch::Absent
            }
        }
    }

    /// A whole number (no fraction, no string) within `min..=max`.
    pub fn patch_int(&mut self, key: &str, min: i64, max: i64) -> Patch<i64> {
        match self.raw(key) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            // 62.0 is a whole number too (JSON Schema's integer).
            Some(Value::Number(n)) => {
                match n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9e15).map(|f| f as i64))
                {
                    Some(v) if (min..=max).contains(&v) => Patch::Set(v),
                    Some(_) => {
                        self.error(key, format!("must be between {min} and {max}"));
                        Patch::Absent
                    }
                    None => {
                        self.error(key, "must be a whole number");
                        Patch::Absent
                    }
                }
            }
            Some(_) => {
                self.error(key, "must be a whole number");
                Patch::Absent
            }
        }
    }

    /// Rupiah as a JSON whole number or as people write it (`"125.000"`,
    /// `"Rp 125.000"`, `"Rp125.000,00"`: `money::parse_rupiah_text`), within `0..=max`.
    pub fn patch_rupiah(&mut self, key: &str, max: i64) -> Patch<i64> {
        let parsed = match self.raw(key) {
            None => return Patch::Absent,
            Some(Value::Null) => return Patch::Null,
            Some(Value::Number(_)) => return self.patch_int(key, 0, max),
            Some(Value::String(s)) => crate::domain::money::parse_rupiah_text(s),
            Some(_) => Err("must be an amount in rupiah".to_string()),
        };
        match parsed {
            Ok(v) if v <= max => Patch::Set(v),
            Ok(_) => {
                self.error(key, format!("must be at most {max}"));
                Patch::Absent
            }
            Err(e) => {
                self.error(key, e);
                Patch::Absent
            }
        }
    }

    /// A JSON number (`105.5`, `10`) as an integer scaled by 10^places,
    /// rounded half up to `places` decimals, within `min..=max` (scaled).
    pub fn patch_decimal(&mut self, key: &str, places: u32, min: i64, max: i64) -> Patch<i64> {
        let parsed = match self.raw(key) {
            None => return Patch::Absent,
            Some(Value::Null) => return Patch::Null,
            Some(Value::Number(n)) => crate::domain::money::number_scaled(&n.to_string(), places),
            Some(_) => None,
        };
        match parsed {
            Some(v) if (min..=max).contains(&v) => Patch::Set(v),
            Some(_) => {
                let show = |v: i64| crate::domain::money::show_scaled(v, places).replace('.', "").replace(',', ".");
                self.error(key, format!("must be between {} and {}", show(min), show(max)));
                Patch::Absent
            }
            None => {
                self.error(key, "must be a number");
                Patch::Absent
            }
        }
    }

    /// An amount in a currency's major unit (a JSON number such as `12.5`,
    /// or text such as `"12,50"`: `money::parse_amount_text`), in
    /// thousandths of that unit (the caller fits it to the currency's
    /// minor units), at most `max_major` whole units.
    pub fn patch_amount(&mut self, key: &str, max_major: i64) -> Patch<i64> {
        let parsed = match self.raw(key) {
            None => return Patch::Absent,
            Some(Value::Null) => return Patch::Null,
            Some(Value::Number(n)) => crate::domain::money::number_scaled(&n.to_string(), 3),
            Some(Value::String(s)) => crate::domain::money::parse_amount_text(s).map(|h| h * 10),
            Some(_) => None,
        };
        match parsed {
            Some(v) if (0..=max_major * 1000).contains(&v) => Patch::Set(v),
            Some(_) => {
                self.error(key, format!("must be between 0 and {max_major}"));
                Patch::Absent
            }
            None => {
                self.error(key, "must be an amount such as 1200, 12.50 or \"12,50\"");
                Patch::Absent
            }
        }
    }

    /// A required string field run through `parse`.
    pub fn required_with<T>(&mut self, key: &str, parse: impl Fn(&str) -> Result<T, String>) -> Option<T> {
        let raw = self.required_str(key)?;
        self.check(key, parse(&raw))
    }

    /// A PATCH field that may be left out but not cleared: `null` is refused.
    pub fn patch_required_with<T>(&mut self, key: &str, parse: impl Fn(&str) -> Result<T, String>) -> Option<T> {
        match self.patch_str(key) {
            Patch::Set(raw) => self.check(key, parse(&raw)),
            Patch::Null => {
                self.error(key, "cannot be empty");
                None
            }
            Patch::Absent => None,
        }
    }

    /// Whether any of `keys` already has a problem.
    pub fn has_errors_on(&self, keys: &[&str]) -> bool {
        keys.iter().any(|k| self.errors.contains_key(*k))
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Ends the reading: every problem found becomes one 400.
    pub fn finish(self) -> ApiResult<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(json: &str) -> Input {
        Input::parse(json.as_bytes()).unwrap()
    }

    #[test]
    fn malformed_and_non_object_bodies_are_400() {
        assert_eq!(Input::parse(b"{").err().unwrap().code, ErrorCode::InvalidJson);
        assert_eq!(Input::parse(b"[1]").err().unwrap().code, ErrorCode::InvalidBody);
        assert!(Input::parse(b"  ").is_ok(), "empty body is an empty object");
    }

    #[test]
    fn unknown_fields_are_refused_by_name() {
        let mut i = input(r#"{"profileName":"x","email":"a@b.c","isAdmin":true}"#);
        i.only(&["profileName"]);
        let e = i.finish().unwrap_err();
        assert_eq!(e.status(), 400);
        assert!(e.fields.contains_key("email"));
        assert!(e.fields.contains_key("isAdmin"));
        assert!(!e.fields.contains_key("profileName"));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut i = input(r#"{"a":1,"c":"x","d":1.5}"#);
        i.required_str("a");
        i.required_str("b");
        i.patch_bool("c");
        i.patch_int("d", 0, 10);
        let e = i.finish().unwrap_err();
        assert_eq!(e.fields["a"], "must be a string");
        assert_eq!(e.fields["b"], "is required");
        assert_eq!(e.fields["c"], "must be true or false");
        assert_eq!(e.fields["d"], "must be a whole number");
    }

    #[test]
    fn parsed_fields_report_their_problems() {
        let mut i = input(r#"{"a":"  x ","b":null,"c":"bad"}"#);
        assert_eq!(i.required_with("a", |s| Ok::<_, String>(s.trim().to_string())), Some("x".into()));
        assert_eq!(i.patch_required_with("b", |s| Ok::<_, String>(s.to_string())), None);
        assert_eq!(i.patch_required_with("missing", |s| Ok::<_, String>(s.to_string())), None);
        assert_eq!(i.required_with("c", |_| Err::<(), _>("is wrong".to_string())), None);
        let e = i.finish().unwrap_err();
        assert_eq!(e.fields["b"], "cannot be empty");
        assert_eq!(e.fields["c"], "is wrong");
        assert!(!e.fields.contains_key("missing"));
    }

    #[test]
    fn a_whole_number_written_with_a_zero_fraction_is_whole() {
        let mut i = input(r#"{"q":62.0,"r":2.5}"#);
        assert_eq!(i.patch_int("q", 1, 100), Patch::Set(62));
        assert_eq!(i.patch_int("r", 1, 100), Patch::Absent);
        assert!(i.has_errors());
    }

    #[test]
    fn money_and_decimals_are_read_as_people_write_them() {
        let mut i = input(
            r#"{"a":"Rp 125.000","b":125000,"c":"125.000,50","r":105.5,"s":"105,5","t":105.12345,"u":"12,50","v":12.5}"#,
        );
        assert_eq!(i.patch_rupiah("a", 1_000_000), Patch::Set(125_000));
        assert_eq!(i.patch_rupiah("b", 1_000_000), Patch::Set(125_000));
        assert_eq!(i.patch_rupiah("c", 1_000_000), Patch::Absent, "no sen");
        assert_eq!(i.patch_decimal("r", 4, 1, i64::MAX), Patch::Set(1_055_000));
        assert_eq!(i.patch_decimal("s", 4, 1, i64::MAX), Patch::Absent, "a rate is a JSON number");
        assert_eq!(i.patch_decimal("t", 4, 1, i64::MAX), Patch::Set(1_051_235), "rounded to four decimals");
        assert_eq!(i.patch_amount("u", 1000), Patch::Set(12_500));
        assert_eq!(i.patch_amount("v", 1000), Patch::Set(12_500));
        let e = i.finish().unwrap_err();
        assert!(e.fields["c"].contains("sen"));
        assert!(e.fields["s"].contains("number"));
    }

    #[test]
    fn patch_distinguishes_absent_null_and_value() {
        let mut i = input(r#"{"a":null,"b":"v","n":5}"#);
        assert_eq!(i.patch_str("a"), Patch::Null);
        assert_eq!(i.patch_str("b"), Patch::Set("v".into()));
        assert_eq!(i.patch_str("c"), Patch::Absent);
        assert_eq!(i.patch_int("n", 0, 4), Patch::Absent);
        assert!(i.has_errors(), "5 is out of range");
    }
}
