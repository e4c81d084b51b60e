//! Attempt throttles. Every attempt is counted *before* it is checked (so
//! parallel attempts cannot pass together); after `max` attempts within
//! `window` seconds a key is locked for `lock` seconds (429 with
//! Retry-After). A success clears its key where the policy says so.
//!
//! Keys name what is limited: a login is keyed by email *and* address, so a
//! stranger guessing an email cannot lock its owner out; the checks that a
//! stolen session or a guessing phone could repeat are keyed by the account
//! or the phone alone.

/// How many attempts a key gets in a window, and how long it is then locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub max: i64,
    pub window: i64,
    pub lock: i64,
}

/// Logins per (email, address): five in 15 minutes, then 15 minutes locked.
pub const LOGIN: Policy = Policy { max: 5, window: 15 * 60, lock: 15 * 60 };
/// The current-password check of a password change, per account: the same
/// as a login, so a stolen session guesses no faster than a stranger.
pub const PASSWORD_CHECK: Policy = LOGIN;
/// `KONFIRMASI` messages, per sending phone, whatever they carry (a right
/// code does not clear the count: an own code between guesses would): five an hour.
pub const CODE_TRIES: Policy = Policy { max: 5, window: 3600, lock: 3600 };
/// Password-reset codes tried, per email, whatever code is live: five an hour.
pub const RESET_TRIES: Policy = Policy { max: 5, window: 3600, lock: 3600 };
/// Password-reset codes sent, per account: three an hour.
pub const RESET_SENDS: Policy = Policy { max: 3, window: 3600, lock: 3600 };
/// Accounts created per client address: five an hour.
pub const ACCOUNTS: Policy = Policy { max: 5, window: 3600, lock: 3600 };

/// The longest window or lock of any policy: rows older than this are done.
pub const LONGEST_SECS: i64 = 3600;

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

/// An email as a key part: no email is longer than 254 characters, so a
/// 60 KB "email" is stored as its first 254 (it can never sign in anyway).
fn bounded(email: &str) -> &str {
    match email.char_indices().nth(254) {
        Some((end, _)) => &email[..end],
        None => email,
    }
}

/// The login key of an email tried from an address.
pub fn key(email: &str, client: &str) -> String {
    format!("{}|{client}", bounded(email))
}

/// The key of the current-password check of an account.
pub fn password_check_key(user_id: &str) -> String {
    format!("password|{user_id}")
}

/// The key of `KONFIRMASI` tries from a phone (or a username, BSUID).
pub fn code_key(sender: &str) -> String {
    format!("code|{sender}")
}

/// The key of reset-code tries for an email (counted before it is looked up).
pub fn reset_tries_key(email: &str) -> String {
    format!("reset-try|{}", bounded(email))
}

/// The key of reset codes sent to an account.
pub fn reset_sends_key(user_id: &str) -> String {
    format!("reset-send|{user_id}")
}

/// The key of accounts created from an address.
pub fn accounts_key(client: &str) -> String {
    format!("register|{client}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_tells_how_long_it_lasts() {
        let a = Attempt { failures: 6, locked_until: Some(1000 + LOGIN.lock) };
        assert_eq!(a.locked_for(1000), Some(LOGIN.lock as u64));
        assert_eq!(a.locked_for(1000 + LOGIN.lock), None);
        assert_eq!(Attempt { failures: 3, locked_until: None }.locked_for(1000), None);
    }

    #[test]
    fn keys_differ_by_address() {
        assert_ne!(key("tina@example.com", "198.51.100.7"), key("tina@example.com", "203.0.113.9"));
    }

    #[test]
    fn a_huge_email_makes_a_bounded_key() {
        let huge = "a".repeat(60 * 1024);
        assert_eq!(key(&huge, "198.51.100.7").len(), 254 + 1 + "198.51.100.7".len());
        let wide = "é".repeat(300);
        assert_eq!(key(&wide, "x").chars().count(), 254 + 2);
        assert_eq!(key("tina@example.com", "x"), "tina@example.com|x");
    }

    #[test]
    fn every_window_fits_the_pruning_horizon() {
        for p in [LOGIN, PASSWORD_CHECK, CODE_TRIES, RESET_TRIES, RESET_SENDS, ACCOUNTS] {
            assert!(p.window <= LONGEST_SECS && p.lock <= LONGEST_SECS, "{p:?}");
        }
    }
}
