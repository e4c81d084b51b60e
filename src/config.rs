//! Configuration read once per request from vars and secrets (DESIGN.md
//! "Configuration"). Pure: the Worker glue passes a lookup function.

use crate::domain::error::ApiError;
use crate::domain::token::MIN_SECRET_LEN;

#[derive(Debug, Clone)]
pub struct Config {
    pub jwt_secret: Option<String>,
    pub public_base_url: String,
    /// `ENABLE_TEST_ROUTES=1` adds routes that only the test suite uses
    /// (a deliberate panic). Never set it in production.
    pub test_routes: bool,
}

impl Config {
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Config {
        let non_empty = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        Config {
            jwt_secret: non_empty("JWT_SECRET"),
            public_base_url: non_empty("PUBLIC_BASE_URL")
                .unwrap_or_else(|| "http://127.0.0.1:8787".into())
                .trim_end_matches('/')
                .to_string(),
            test_routes: non_empty("ENABLE_TEST_ROUTES").as_deref() == Some("1"),
        }
    }

    /// The signing key; a missing or short secret is an operator's mistake (500, logged).
    pub fn jwt_key(&self) -> Result<&[u8], ApiError> {
        match &self.jwt_secret {
            Some(s) if s.len() >= MIN_SECRET_LEN => Ok(s.as_bytes()),
            Some(_) => Err(ApiError::internal(format!(
                "JWT_SECRET is shorter than {MIN_SECRET_LEN} bytes"
            ))),
            None => Err(ApiError::internal("JWT_SECRET is not configured")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_trimming() {
        let c = Config::from_lookup(|n| {
            (n == "PUBLIC_BASE_URL").then(|| "https://jastipin.me/".to_string())
        });
        assert_eq!(c.public_base_url, "https://jastipin.me");
        assert!(c.jwt_key().is_err());
    }

    #[test]
    fn short_jwt_secret_is_refused() {
        let c = Config::from_lookup(|n| (n == "JWT_SECRET").then(|| "short".to_string()));
        assert_eq!(c.jwt_key().unwrap_err().status, 500);
        let c = Config::from_lookup(|n| (n == "JWT_SECRET").then(|| "x".repeat(32)));
        assert!(c.jwt_key().is_ok());
    }
}
