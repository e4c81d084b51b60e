//! Dates people type: trip deadlines.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

/// Accepts an RFC 3339 date-time or a plain date (end of that day, WIB =
/// UTC+7), returns RFC 3339 UTC with milliseconds.
pub fn parse_deadline(raw: &str, now: DateTime<Utc>) -> Result<String, String> {
    let s = raw.trim();
    let at = if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        dt.with_timezone(&Utc)
    } else if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        // 23:59:59 in Jakarta is 16:59:59 UTC.
        d.and_hms_opt(16, 59, 59).map(|n| n.and_utc()).ok_or("is not a valid date")?
    } else {
        return Err("must be a date (2025-05-31) or an ISO-8601 date-time".into());
    };
    if at <= now {
        return Err("must be in the future".into());
    }
    Ok(at.to_rfc3339_opts(SecondsFormat::Millis, true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap()
    }

    #[test]
    fn accepts_dates_and_date_times() {
        assert_eq!(parse_deadline("2026-12-31", now()).unwrap(), "2026-12-31T16:59:59.000Z");
        assert_eq!(parse_deadline("2026-12-01T10:00:00+07:00", now()).unwrap(), "2026-12-01T03:00:00.000Z");
    }

    #[test]
    fn refuses_past_and_garbage() {
        assert_eq!(parse_deadline("2020-01-01", now()).unwrap_err(), "must be in the future");
        assert!(parse_deadline("next week", now()).is_err());
        assert!(parse_deadline("2026-13-01", now()).is_err());
    }
}

/// Whether a trip's deadline (stored RFC 3339) has passed: joining and
/// ordering close then. No deadline, or one that cannot be read, is open.
pub fn is_past(deadline: Option<&str>, now: DateTime<Utc>) -> bool {
    deadline.and_then(|d| DateTime::parse_from_rfc3339(d).ok()).is_some_and(|at| at.with_timezone(&Utc) <= now)
}

/// How long until a trip closes, in Indonesian: "Tutup dalam 3 hari".
pub fn countdown(deadline: &str, now: DateTime<Utc>) -> Option<String> {
    let at = DateTime::parse_from_rfc3339(deadline).ok()?.with_timezone(&Utc);
    let left = at - now;
    Some(if left <= chrono::Duration::zero() {
        "Sudah tutup".into()
    } else if left.num_days() >= 1 {
        format!("Tutup dalam {} hari", left.num_days())
    } else if left.num_hours() >= 1 {
        format!("Tutup dalam {} jam", left.num_hours())
    } else {
        format!("Tutup dalam {} menit", left.num_minutes().max(1))
    })
}

#[cfg(test)]
mod countdown_tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn days_hours_minutes_and_closed() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        assert_eq!(countdown("2026-12-01T13:00:00Z", now).unwrap(), "Tutup dalam 3 hari");
        assert_eq!(countdown("2026-11-28T17:30:00Z", now).unwrap(), "Tutup dalam 5 jam");
        assert_eq!(countdown("2026-11-28T12:20:00Z", now).unwrap(), "Tutup dalam 20 menit");
        assert_eq!(countdown("2026-11-28T11:00:00Z", now).unwrap(), "Sudah tutup");
        assert_eq!(countdown("soon", now), None);
    }

    #[test]
    fn a_deadline_closes_at_its_moment() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        assert!(is_past(Some("2026-11-28T12:00:00.000Z"), now));
        assert!(!is_past(Some("2026-11-28T12:00:01.000Z"), now));
        assert!(!is_past(None, now));
    }
}
