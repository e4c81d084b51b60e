//! Query-string parameters and pagination.

use std::collections::HashMap;

use worker::Request;

use crate::domain::page::{parse_limit, Cursor};
use crate::error::{ApiError, ApiResult, FieldErrors};

pub fn params(req: &Request) -> HashMap<String, String> {
    req.url().map(|u| u.query_pairs().into_owned().collect()).unwrap_or_default()
}

pub struct Paging {
    pub after: Option<Cursor>,
    pub limit: i64,
}

impl Paging {
    pub fn from(q: &HashMap<String, String>) -> ApiResult<Paging> {
        let mut errors = FieldErrors::new();
        let limit = parse_limit(q.get("limit").map(String::as_str)).map_err(|e| errors.insert("limit".into(), e)).ok();
        let after = match q.get("cursor").filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Cursor::decode(c).map_err(|e| errors.insert("cursor".into(), e)).ok(),
        };
        match limit {
            Some(limit) if errors.is_empty() => Ok(Paging { after, limit }),
            _ => Err(ApiError::validation(errors)),
        }
    }

    /// The cursor of the next page, when this one was full.
    pub fn next<T>(&self, items: &[T], key: impl Fn(&T) -> (String, String)) -> Option<String> {
        crate::domain::page::next_after(items, self.limit, key)
    }
}

/// One query parameter, or "" when absent.
pub fn param<'a>(q: &'a HashMap<String, String>, key: &str) -> &'a str {
    q.get(key).map_or("", String::as_str)
}
