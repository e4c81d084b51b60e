//! Keyset pagination: `?limit=` (1–100, default 50) and a `cursor` naming
//! the last item seen (newest first: `created_at DESC, id DESC`), written
//! `<created_at>~<id>` so its exact shape can be documented (openapi.json):
//! every string of that shape is a cursor, every other string is refused.

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 100;

/// The cursor of the page after `items` when they fill a page of `limit`
/// (`key`: the last item's `created_at` and id); `None` on the last page.
pub fn next_after<T>(items: &[T], limit: i64, key: impl Fn(&T) -> (String, String)) -> Option<String> {
    if (items.len() as i64) < limit {
        return None;
    }
    items.last().map(|last| {
        let (created_at, id) = key(last);
        Cursor { created_at, id }.encode()
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: String,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}~{}", self.created_at, self.id)
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ~<id>` (id: 1–64 of `[A-Za-z0-9-]`).
    pub fn decode(raw: &str) -> Result<Cursor, String> {
        let refuse = || "is not a valid cursor".to_string();
        let (created_at, id) = raw.split_once('~').ok_or_else(refuse)?;
        let shape = created_at.len() == 24
            && created_at.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                10 => b == b'T',
                13 | 16 => b == b':',
                19 => b == b'.',
                23 => b == b'Z',
                _ => b.is_ascii_digit(),
            });
        let id_ok = (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !(shape && id_ok) {
            return Err(refuse());
        }
        Ok(Cursor { created_at: created_at.into(), id: id.into() })
    }
}

pub fn parse_limit(raw: Option<&str>) -> Result<i64, String> {
    match raw {
        None => Ok(DEFAULT_LIMIT),
        Some(s) => match s.parse::<i64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(format!("must be a whole number from 1 to {MAX_LIMIT}")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips() {
        let c = Cursor { created_at: "2026-11-28T12:00:00.000Z".into(), id: "abc".into() };
        assert_eq!(c.encode(), "2026-11-28T12:00:00.000Z~abc");
        assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
        for bad in
            ["!!", "__main__", "2026-11-28T12:00:00.000Z", "2026-11-28 12:00:00.000Z~a", "2026-11-28T12:00:00.000Z~a|b"]
        {
            assert!(Cursor::decode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn limits_are_bounded() {
        assert_eq!(parse_limit(None), Ok(50));
        assert_eq!(parse_limit(Some("100")), Ok(100));
        assert!(parse_limit(Some("101")).is_err());
        assert!(parse_limit(Some("0")).is_err());
        assert!(parse_limit(Some("ten")).is_err());
    }
}
