//! Keyset pagination: `?limit=` (1–100, default 50) and an opaque `cursor`
//! naming the last item seen (newest first: `created_at DESC, id DESC`).

use super::encoding::{b64url, b64url_decode};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: String,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        b64url(format!("{}|{}", self.created_at, self.id).as_bytes())
    }

    pub fn decode(raw: &str) -> Result<Cursor, String> {
        let bytes = b64url_decode(raw).ok_or("is not a valid cursor")?;
        let text = String::from_utf8(bytes).map_err(|_| "is not a valid cursor")?;
        let (created_at, id) = text.split_once('|').ok_or("is not a valid cursor")?;
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
        assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
        assert!(Cursor::decode("!!").is_err());
        assert!(Cursor::decode(&b64url(b"no-separator")).is_err());
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
