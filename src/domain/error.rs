//! The one error type of the service. Every handler returns `Result<_, ApiError>`;
//! the HTTP layer turns it into the JSON error of DESIGN.md:
//! `{ "error": "...", "code": "snake_case", "fields": { name: problem } }`.

use std::collections::BTreeMap;
use std::fmt;

pub type FieldErrors = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub fields: FieldErrors,
    /// Seconds, sent as `Retry-After` (429).
    pub retry_after: Option<u64>,
    /// Logged, never shown to the caller.
    pub internal: Option<String>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.to_string(),
            message: message.into(),
            fields: FieldErrors::new(),
            retry_after: None,
            internal: None,
        }
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(400, code, message)
    }

    pub fn validation(fields: FieldErrors) -> Self {
        let mut e = Self::new(400, "validation_failed", "Some fields are invalid");
        e.fields = fields;
        e
    }

    pub fn field(name: &str, problem: impl Into<String>) -> Self {
        let mut fields = FieldErrors::new();
        fields.insert(name.to_string(), problem.into());
        Self::validation(fields)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(401, "unauthorized", message)
    }

    /// 404 for a missing thing and for somebody else's thing alike.
    pub fn not_found(what: &str) -> Self {
        Self::new(404, "not_found", format!("{what} not found"))
    }

    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        Self::new(409, code, message)
    }

    pub fn too_large(limit_bytes: usize) -> Self {
        Self::new(413, "payload_too_large", format!("The request body is larger than {limit_bytes} bytes"))
    }

    pub fn unsupported_media(message: impl Into<String>) -> Self {
        Self::new(415, "unsupported_media_type", message)
    }

    pub fn too_many(retry_after: u64) -> Self {
        let mut e = Self::new(429, "too_many_requests", "Too many attempts, try again later");
        e.retry_after = Some(retry_after);
        e
    }

    pub fn method_not_allowed() -> Self {
        Self::new(405, "method_not_allowed", "This method is not allowed on this path")
    }

    /// An unexpected failure: the caller sees a generic 500, the detail goes to the log.
    pub fn internal(detail: impl Into<String>) -> Self {
        let mut e = Self::new(500, "internal_error", "Something went wrong on our side");
        e.internal = Some(detail.into());
        e
    }

    /// Maps a database error message: a unique-constraint failure is the
    /// caller's conflict (409, naming the field); anything else is ours (500).
    pub fn from_db_message(message: &str) -> Self {
        if let Some(rest) = message.split("UNIQUE constraint failed: ").nth(1) {
            let column = rest.split([',', ' ', ':']).next().and_then(|tc| tc.split('.').nth(1)).unwrap_or("value");
            let field = snake_to_camel(column);
            let mut e = Self::conflict("already_exists", format!("{field} is already taken"));
            e.fields.insert(field, "already taken".into());
            return e;
        }
        Self::internal(message.to_string())
    }

    pub fn to_json(&self) -> serde_json::Value {
        let mut body = serde_json::json!({ "error": self.message, "code": self.code });
        if !self.fields.is_empty() {
            body["fields"] = serde_json::to_value(&self.fields).unwrap_or_default();
        }
        body
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)?;
        if let Some(detail) = &self.internal {
            write!(f, " ({detail})")?;
        }
        Ok(())
    }
}

pub fn snake_to_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut upper = false;
    for c in s.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_error_lists_fields() {
        let mut f = FieldErrors::new();
        f.insert("email".into(), "must be a valid email address".into());
        let json = ApiError::validation(f).to_json();
        assert_eq!(json["code"], "validation_failed");
        assert_eq!(json["fields"]["email"], "must be a valid email address");
    }

    #[test]
    fn plain_error_has_no_fields_key() {
        let json = ApiError::not_found("Trip").to_json();
        assert_eq!(json, serde_json::json!({"error": "Trip not found", "code": "not_found"}));
    }

    #[test]
    fn unique_violation_becomes_409_with_field() {
        let e = ApiError::from_db_message("D1_ERROR: UNIQUE constraint failed: users.email: SQLITE_CONSTRAINT");
        assert_eq!(e.status, 409);
        assert_eq!(e.fields.get("email").map(String::as_str), Some("already taken"));
        let e = ApiError::from_db_message("UNIQUE constraint failed: users.profile_name");
        assert!(e.fields.contains_key("profileName"));
    }

    #[test]
    fn other_db_errors_are_internal_and_hide_details() {
        let e = ApiError::from_db_message("no such table: users");
        assert_eq!(e.status, 500);
        let json = e.to_json();
        assert!(!json.to_string().contains("no such table"));
        assert!(e.to_string().contains("no such table"), "detail kept for the log");
    }

    #[test]
    fn too_many_carries_retry_after() {
        let e = ApiError::too_many(90);
        assert_eq!((e.status, e.retry_after), (429, Some(90)));
    }
}
