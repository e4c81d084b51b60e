//! The one error type of the service. Every use case and handler returns
//! `ApiResult<_>`; the HTTP edge turns an `ApiError` into the JSON error
//! `{ "error": "...", "code": "snake_case", "fields": { name: problem } }`
//! (see docs/ARCHITECTURE.md), and page routes into an Indonesian HTML page.
//!
//! Codes are an enum, so a page can `match` on what went wrong, and each code
//! has exactly one HTTP status. Domain refusals (`domain::order::OrderRefusal`,
//! `domain::image::ImageProblem`) become errors through `From`.

use std::collections::BTreeMap;
use std::fmt;

use crate::domain::image::ImageProblem;
use crate::domain::order::OrderRefusal;

pub type FieldErrors = BTreeMap<String, String>;

/// Every `code` the API can answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    ValidationFailed,
    InvalidJson,
    InvalidBody,
    InvalidMultipart,
    UnreadableBody,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    AlreadyExists,
    OutOfStock,
    ProductUnavailable,
    InvalidTransition,
    SlugUnavailable,
    NotFailed,
    ProductHasOrders,
    LimitPerBuyer,
    TooManyPendingOrders,
    TripClosed,
    /// A price the trip's currency or kurs cannot take (state the body cannot know).
    PriceConflict,
    /// A free-form answer after the buyer's 24-hour window closed.
    WindowClosed,
    PayloadTooLarge,
    UnsupportedMediaType,
    TooManyRequests,
    InternalError,
    DatabaseNotMigrated,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            ValidationFailed => "validation_failed",
            InvalidJson => "invalid_json",
            InvalidBody => "invalid_body",
            InvalidMultipart => "invalid_multipart",
            UnreadableBody => "unreadable_body",
            Unauthorized => "unauthorized",
            Forbidden => "forbidden",
            NotFound => "not_found",
            MethodNotAllowed => "method_not_allowed",
            AlreadyExists => "already_exists",
            OutOfStock => "out_of_stock",
            ProductUnavailable => "product_unavailable",
            InvalidTransition => "invalid_transition",
            SlugUnavailable => "slug_unavailable",
            NotFailed => "not_failed",
            ProductHasOrders => "product_has_orders",
            LimitPerBuyer => "limit_per_buyer",
            TooManyPendingOrders => "too_many_pending_orders",
            TripClosed => "trip_closed",
            PriceConflict => "price_conflict",
            WindowClosed => "window_closed",
            PayloadTooLarge => "payload_too_large",
            UnsupportedMediaType => "unsupported_media_type",
            TooManyRequests => "too_many_requests",
            InternalError => "internal_error",
            DatabaseNotMigrated => "database_not_migrated",
        }
    }

    pub fn status(self) -> u16 {
        use ErrorCode::*;
        match self {
            ValidationFailed | InvalidJson | InvalidBody | InvalidMultipart | UnreadableBody => 400,
            Unauthorized => 401,
            Forbidden => 403,
            NotFound => 404,
            MethodNotAllowed => 405,
            AlreadyExists | OutOfStock | ProductUnavailable | InvalidTransition | SlugUnavailable | NotFailed
            | ProductHasOrders | LimitPerBuyer | TooManyPendingOrders | TripClosed | PriceConflict | WindowClosed => {
                409
            }
            PayloadTooLarge => 413,
            UnsupportedMediaType => 415,
            TooManyRequests => 429,
            InternalError => 500,
            DatabaseNotMigrated => 503,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub fields: FieldErrors,
    /// Seconds, sent as `Retry-After` (429).
    pub retry_after: Option<u64>,
    /// Logged, never shown to the caller.
    pub internal: Option<String>,
    /// The methods a path takes, sent as `Allow` with a 405.
    pub allow: Option<&'static str>,
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The kinds of constraint SQLite enforces on a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstraintKind {
    Unique,
    NotNull,
    Check,
}

/// A constraint a write broke: its kind, table and column. Code that
/// expects one (a taken email, the order insert's "no stock" NULL) matches
/// on this, never on the database's wording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constraint {
    pub kind: ConstraintKind,
    pub table: String,
    pub column: String,
}

impl Constraint {
    /// SQLite's report ("UNIQUE constraint failed: users.email", inside
    /// D1's "D1_ERROR: …: SQLITE_CONSTRAINT") read into its parts: the one
    /// place its format is known. The first column names a composite one.
    pub fn parse(message: &str) -> Option<Constraint> {
        let (kind, rest) = [
            (ConstraintKind::Unique, "UNIQUE constraint failed: "),
            (ConstraintKind::NotNull, "NOT NULL constraint failed: "),
            (ConstraintKind::Check, "CHECK constraint failed: "),
        ]
        .into_iter()
        .find_map(|(kind, marker)| message.split_once(marker).map(|(_, rest)| (kind, rest)))?;
        let name = rest.split([',', ' ', ':']).next()?;
        let (table, column) = name.split_once('.').unwrap_or(("", name));
        Some(Constraint { kind, table: table.to_string(), column: column.to_string() })
    }

    pub fn is(&self, kind: ConstraintKind, table: &str, column: &str) -> bool {
        self.kind == kind && self.table == table && self.column == column
    }
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            fields: FieldErrors::new(),
            retry_after: None,
            internal: None,
            allow: None,
        }
    }

    pub fn status(&self) -> u16 {
        self.code.status()
    }

    pub fn validation(fields: FieldErrors) -> Self {
        let mut e = Self::new(ErrorCode::ValidationFailed, "Some fields are invalid");
        e.fields = fields;
        e
    }

    /// 409 naming the field: the value is well formed but the trip's
    /// currency or kurs cannot take it.
    pub fn price_conflict(name: &str, problem: impl Into<String>) -> Self {
        let problem = problem.into();
        let mut e = Self::new(ErrorCode::PriceConflict, format!("{name} {problem}"));
        e.fields.insert(name.to_string(), problem);
        e
    }

    pub fn field(name: &str, problem: impl Into<String>) -> Self {
        let mut fields = FieldErrors::new();
        fields.insert(name.to_string(), problem.into());
        Self::validation(fields)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthorized, message)
    }

    /// 404 for a missing thing and for somebody else's thing alike.
    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    pub fn too_large(limit_bytes: usize) -> Self {
        Self::new(ErrorCode::PayloadTooLarge, format!("The request body is larger than {limit_bytes} bytes"))
    }

    pub fn unsupported_media(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::UnsupportedMediaType, message)
    }

    pub fn too_many(retry_after: u64) -> Self {
        let mut e = Self::new(ErrorCode::TooManyRequests, "Too many attempts, try again later");
        e.retry_after = Some(retry_after);
        e
    }

    pub fn method_not_allowed() -> Self {
        Self::new(ErrorCode::MethodNotAllowed, "This method is not allowed on this path")
    }

    /// The methods the path does take (for the `Allow` header of a 405).
    pub fn allowing(mut self, methods: &'static str) -> Self {
        self.allow = Some(methods);
        self
    }

    /// An unexpected failure: the caller sees a generic 500, the detail goes to the log.
    pub fn internal(detail: impl Into<String>) -> Self {
        let mut e = Self::new(ErrorCode::InternalError, "Something went wrong on our side");
        e.internal = Some(detail.into());
        e
    }

    /// A database failure: a broken unique constraint is the caller's
    /// conflict (409, naming the field); anything else is ours (500). The
    /// database's report stays in `internal` (logged), where `constraint`
    /// reads it for the code that expects one.
    pub fn from_db_message(message: &str) -> Self {
        match Constraint::parse(message) {
            Some(c) if c.kind == ConstraintKind::Unique => {
                let field = snake_to_camel(&c.column);
                let mut e = Self::new(ErrorCode::AlreadyExists, format!("{field} is already taken"));
                e.fields.insert(field, "already taken".into());
                e.internal = Some(message.to_string());
                e
            }
            _ => Self::internal(message.to_string()),
        }
    }

    /// The database constraint this failure broke, if that is what it was.
    pub fn constraint(&self) -> Option<Constraint> {
        self.internal.as_deref().and_then(Constraint::parse)
    }

    /// Whether this failure is the write breaking that constraint.
    pub fn broke(&self, kind: ConstraintKind, table: &str, column: &str) -> bool {
        self.constraint().is_some_and(|c| c.is(kind, table, column))
    }

    pub fn to_json(&self) -> serde_json::Value {
        let mut body = serde_json::json!({ "error": self.message, "code": self.code.as_str() });
        if !self.fields.is_empty() {
            body["fields"] = serde_json::to_value(&self.fields).unwrap_or_default();
        }
        body
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status(), self.code.as_str(), self.message)?;
        if let Some(detail) = &self.internal {
            write!(f, " ({detail})")?;
        }
        Ok(())
    }
}

/// A failure of the runtime (a binding, a JS call): ours, a 500.
impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        ApiError::internal(e.to_string())
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::internal(format!("json: {e}"))
    }
}

impl From<OrderRefusal> for ApiError {
    fn from(r: OrderRefusal) -> Self {
        let code = match r {
            OrderRefusal::OutOfStock { .. } | OrderRefusal::SoldOut => ErrorCode::OutOfStock,
            OrderRefusal::Unavailable => ErrorCode::ProductUnavailable,
            OrderRefusal::TotalTooLarge => return ApiError::field("quantity", r.to_string()),
            OrderRefusal::WrongStatus { .. } | OrderRefusal::ChangedMeanwhile | OrderRefusal::NoProofNow(_) => {
                ErrorCode::InvalidTransition
            }
            OrderRefusal::LimitPerBuyer { .. } => ErrorCode::LimitPerBuyer,
            OrderRefusal::TooManyPending { .. } => ErrorCode::TooManyPendingOrders,
        };
        ApiError::new(code, r.to_string())
    }
}

impl From<(&str, ImageProblem)> for ApiError {
    /// An upload in form field `field` that is not an acceptable image.
    fn from((field, problem): (&str, ImageProblem)) -> Self {
        match problem {
            ImageProblem::TooLarge { max } => ApiError::too_large(max),
            ImageProblem::NotAnImage => ApiError::unsupported_media(problem.to_string()),
            ImageProblem::Empty | ImageProblem::TooManyPixels => ApiError::field(field, problem.to_string()),
        }
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
        assert_eq!((e.status(), e.code), (409, ErrorCode::AlreadyExists));
        assert_eq!(e.fields.get("email").map(String::as_str), Some("already taken"));
        let e = ApiError::from_db_message("UNIQUE constraint failed: users.profile_name");
        assert!(e.fields.contains_key("profileName"));
        assert!(e.broke(ConstraintKind::Unique, "users", "profile_name"));
    }

    #[test]
    fn a_broken_constraint_is_known_by_kind_table_and_column() {
        let e = ApiError::from_db_message("D1_ERROR: NOT NULL constraint failed: orders.quantity: SQLITE_CONSTRAINT");
        assert_eq!(e.status(), 500, "not the caller's conflict unless the code that expects it says so");
        assert!(e.broke(ConstraintKind::NotNull, "orders", "quantity"));
        assert!(!e.broke(ConstraintKind::NotNull, "orders", "unit_price"));
        assert!(!e.broke(ConstraintKind::Unique, "orders", "quantity"));
        let composite =
            Constraint::parse("UNIQUE constraint failed: participants.trip_id, participants.phone").unwrap();
        assert_eq!((composite.table.as_str(), composite.column.as_str()), ("participants", "trip_id"));
        assert_eq!(ApiError::from_db_message("no such table: users").constraint(), None);
        assert_eq!(ApiError::internal("UNIQUE constraint failed: users.email").code, ErrorCode::InternalError);
    }

    #[test]
    fn other_db_errors_are_internal_and_hide_details() {
        let e = ApiError::from_db_message("no such table: users");
        assert_eq!(e.status(), 500);
        let json = e.to_json();
        assert!(!json.to_string().contains("no such table"));
        assert!(e.to_string().contains("no such table"), "detail kept for the log");
    }

    #[test]
    fn too_many_carries_retry_after() {
        let e = ApiError::too_many(90);
        assert_eq!((e.status(), e.retry_after), (429, Some(90)));
    }

    #[test]
    fn refusals_keep_their_code_and_status() {
        let e = ApiError::from(OrderRefusal::OutOfStock { left: 2 });
        assert_eq!((e.status(), e.code, e.message.as_str()), (409, ErrorCode::OutOfStock, "Only 2 left in stock"));
        assert_eq!(ApiError::from(OrderRefusal::TotalTooLarge).fields["quantity"], "makes the total too large");
        assert_eq!(ApiError::from(("image", ImageProblem::TooLarge { max: 10 })).status(), 413);
        assert_eq!(ApiError::from(("image", ImageProblem::NotAnImage)).status(), 415);
        assert!(ApiError::from(("image", ImageProblem::Empty)).fields.contains_key("image"));
    }

    #[test]
    fn every_code_has_one_status_and_a_snake_case_name() {
        use ErrorCode::*;
        for c in [ValidationFailed, NotFound, OutOfStock, PayloadTooLarge, TooManyRequests, InternalError] {
            assert!(c.as_str().bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
            assert!((400..600).contains(&c.status()));
        }
    }
}
