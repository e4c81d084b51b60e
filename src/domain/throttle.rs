//! Login throttling. Every attempt is counted before its password is
//! checked; after `MAX_ATTEMPTS` within `WINDOW_SECS` for one email from one
//! client address, that pair is locked for `LOCK_SECS` (429 with
//! Retry-After). Keyed by address too, so a stranger guessing an email
//! cannot lock its owner out; per-address rate limits bound the guessing.

pub const MAX_ATTEMPTS: i64 = 5;
pub const WINDOW_SECS: i64 = 15 * 60;
pub const LOCK_SECS: i64 = 15 * 60;

/// The state of one key after an attempt was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    pub failures: i64,
    pub locked_until: Option<i64>,
}

impl Attempt {
    /// Seconds until this key may try again; `None` when this attempt may be checked.
    pub fn locked_for(&self, now: i64) -> Option<u64> {
        self.locked_until.filter(|until| *until > now).map(|until| (until - now) as u64)
    }
}

/// The throttle key of an email tried from an address.
pub fn key(email: &str, client: &str) -> String {
    format!("{email}|{client}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_tells_how_long_it_lasts() {
        let a = Attempt { failures: 6, locked_until: Some(1000 + LOCK_SECS) };
        assert_eq!(a.locked_for(1000), Some(LOCK_SECS as u64));
        assert_eq!(a.locked_for(1000 + LOCK_SECS), None);
        assert_eq!(Attempt { failures: 3, locked_until: None }.locked_for(1000), None);
    }

    #[test]
    fn keys_differ_by_address() {
        assert_ne!(key("tina@example.com", "198.51.100.7"), key("tina@example.com", "203.0.113.9"));
    }
}
