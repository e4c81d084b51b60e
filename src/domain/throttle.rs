//! Login throttling: after `MAX_FAILURES` wrong passwords for one email within
//! `WINDOW_SECS`, that email is locked for `LOCK_SECS` (429 with Retry-After).

pub const MAX_FAILURES: i64 = 5;
pub const WINDOW_SECS: i64 = 15 * 60;
pub const LOCK_SECS: i64 = 15 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempts {
    pub failures: i64,
    pub window_started_at: i64,
    pub locked_until: Option<i64>,
}

/// Seconds until a locked email may try again, or `None` when it may try now.
pub fn locked_for(a: Option<&Attempts>, now: i64) -> Option<u64> {
    let until = a?.locked_until?;
    (until > now).then(|| (until - now) as u64)
}

/// The record after one more failure at `now`.
pub fn record_failure(a: Option<&Attempts>, now: i64) -> Attempts {
    let fresh = Attempts { failures: 1, window_started_at: now, locked_until: None };
    let mut next = match a {
        Some(a) if now - a.window_started_at < WINDOW_SECS && a.locked_until.is_none_or(|u| u > now) => {
            Attempts { failures: a.failures + 1, ..*a }
        }
        _ => fresh,
    };
    if next.failures >= MAX_FAILURES {
        next.locked_until = Some(now + LOCK_SECS);
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifth_failure_locks_for_fifteen_minutes() {
        let mut a = None;
        for i in 0..4 {
            let next = record_failure(a.as_ref(), 1000 + i);
            assert_eq!(locked_for(Some(&next), 1000 + i), None);
            a = Some(next);
        }
        let locked = record_failure(a.as_ref(), 1010);
        assert_eq!(locked.failures, 5);
        assert_eq!(locked_for(Some(&locked), 1010), Some(LOCK_SECS as u64));
        assert_eq!(locked_for(Some(&locked), 1010 + LOCK_SECS), None);
    }

    #[test]
    fn failures_outside_the_window_start_over() {
        let a = Attempts { failures: 4, window_started_at: 0, locked_until: None };
        let next = record_failure(Some(&a), WINDOW_SECS + 1);
        assert_eq!(next.failures, 1);
        assert_eq!(next.locked_until, None);
    }

    #[test]
    fn an_expired_lock_starts_over() {
        let a = Attempts { failures: 5, window_started_at: 0, locked_until: Some(100) };
        assert_eq!(record_failure(Some(&a), 101).failures, 1);
    }
}
