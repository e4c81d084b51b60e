//! Configuration read once per invocation from vars and secrets (the table
//! in README.md). Pure: the Worker glue passes a lookup function.

use crate::domain::cost::{parse_micro_usd, Category, Rates};
use crate::domain::token::MIN_SECRET_LEN;
use crate::error::ApiError;

#[derive(Debug, Clone)]
pub struct Config {
    pub jwt_secret: Option<String>,
    pub public_base_url: String,
    pub wa: WhatsApp,
    /// `ENABLE_TEST_ROUTES=1` adds routes that only the test suite uses
    /// (a deliberate panic). Never set it in production.
    pub test_routes: bool,
    /// `BENCHMARK=1` adds `x-d1-rows-read` to every answer. Off by default:
    /// the count tells a registered email from an unknown one, and another
    /// tenant's object from a missing one.
    pub benchmark: bool,
    /// Unpaid pending orders expire after this many hours (`ORDER_EXPIRY_HOURS`, default 48).
    pub order_expiry_hours: i64,
    /// Where errors are reported (`SENTRY_DSN`); none: only the log.
    pub sentry: Option<Dsn>,
    /// `ENVIRONMENT`: `production` unless set (`.dev.vars` sets `development`).
    pub environment: String,
    /// The git commit the bundle was built from (scripts/build.sh).
    pub release: &'static str,
}

/// The commit of this build, baked in at compile time.
pub const RELEASE: &str = match option_env!("JASTIPIN_RELEASE") {
    Some(r) => r,
    None => "unknown",
};

/// WhatsApp Cloud API settings.
#[derive(Debug, Clone)]
pub struct WhatsApp {
    /// Without it nothing is sent: outbox rows become `simulated`.
    pub access_token: Option<String>,
    pub app_secret: Option<String>,
    pub verify_token: Option<String>,
    pub phone_id: String,
    pub api_base: String,
    /// The number penitip write to (`wa.me/<number>` links).
    pub business_number: String,
    pub rate_per_sec: f64,
    /// Attempts per message before it is failed and dead-lettered (default 6:
    /// the first try plus wrangler.toml's max_retries = 5).
    pub max_attempts: i64,
    pub template_product: String,
    pub template_order: String,
    pub template_broadcast: String,
    pub template_welcome: String,
    pub template_proof: String,
    /// An authentication template (one-time code with a copy-code button).
    pub template_auth: String,
    /// A trip closed at its deadline: a penitip's open orders and what happens next.
    pub template_trip_closed: String,
    /// A trip closed: its totals, for the jastiper.
    pub template_trip_totals: String,
    /// New orders of a trip, coalesced, for the jastiper.
    pub template_new_orders: String,
    /// New messages in the jastiper's inbox, coalesced.
    pub template_inbox: String,
    /// A security notice to a jastiper's number (another number was connected).
    pub template_security: String,
    /// Approved templates without parameters a jastiper may broadcast by name
    /// (`WA_BROADCAST_TEMPLATES`, comma-separated; none by default).
    pub broadcast_templates: Vec<String>,
    /// How long new orders are gathered before the jastiper is told (seconds; at most one notice per 5 minutes).
    pub order_digest_delay_secs: u32,
    /// How long a rejected payment can be taken back (seconds); the penitip
    /// is told of the rejection once it can no longer be.
    pub payment_undo_secs: u32,
    pub template_language: String,
    pub rates: Rates,
}

impl WhatsApp {
    /// Every template this service is configured with, and those a broadcast may name.
    /// The category Meta prices a template of ours in: the one-time code is
    /// authentication, broadcasts and new-product notices marketing, the
    /// rest (orders, bills, notices) utility.
    pub fn template_category(&self, name: &str) -> Category {
        if name == self.template_auth {
            Category::Authentication
        } else if name == self.template_broadcast
            || name == self.template_product
            || self.broadcast_templates.iter().any(|t| t == name)
        {
            Category::Marketing
        } else {
            Category::Utility
        }
    }

    pub fn known_templates(&self) -> Vec<String> {
        let mut all = self.broadcast_templates.clone();
        all.extend(
            [
                &self.template_product,
                &self.template_order,
                &self.template_broadcast,
                &self.template_welcome,
                &self.template_proof,
                &self.template_auth,
                &self.template_trip_closed,
                &self.template_trip_totals,
                &self.template_new_orders,
                &self.template_security,
                &self.template_inbox,
            ]
            .map(String::clone),
        );
        all
    }
}

/// Meta's Indonesia rates in USD per message, marketing, utility,
/// authentication, service (the README says where they come from); each
/// overridable by its variable.
const DEFAULT_MICRO_USD: [(&str, i64); 4] = [
    ("WA_RATE_MARKETING_USD", 41_100),
    ("WA_RATE_UTILITY_USD", 20_000),
    ("WA_RATE_AUTHENTICATION_USD", 30_000),
    ("WA_RATE_SERVICE_USD", 19_000),
];

impl Config {
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Config {
        let non_empty = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let number = |name: &str, default: f64| {
            non_empty(name)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|n| n.is_finite() && *n >= 0.0)
                .unwrap_or(default)
        };
        let whole = |name: &str, default: i64| {
            non_empty(name).and_then(|v| v.trim().parse::<i64>().ok()).filter(|n| *n >= 0).unwrap_or(default)
        };
        Config {
            jwt_secret: non_empty("JWT_SECRET"),
            public_base_url: non_empty("PUBLIC_BASE_URL")
                .unwrap_or_else(|| "http://127.0.0.1:8787".into())
                .trim_end_matches('/')
                .to_string(),
            test_routes: non_empty("ENABLE_TEST_ROUTES").as_deref() == Some("1"),
            benchmark: non_empty("BENCHMARK").as_deref() == Some("1"),
            order_expiry_hours: number("ORDER_EXPIRY_HOURS", 48.0).clamp(1.0, 24.0 * 30.0) as i64,
            sentry: non_empty("SENTRY_DSN").and_then(|d| Dsn::parse(&d)),
            environment: non_empty("ENVIRONMENT").unwrap_or_else(|| "production".into()),
            release: RELEASE,
            wa: WhatsApp {
                access_token: non_empty("WA_ACCESS_TOKEN"),
                app_secret: non_empty("WA_APP_SECRET"),
                verify_token: non_empty("WA_VERIFY_TOKEN"),
                phone_id: non_empty("WA_PHONE_ID").unwrap_or_default(),
                api_base: non_empty("WA_API_BASE")
                    .unwrap_or_else(|| "https://graph.facebook.com/v26.0".into())
                    .trim_end_matches('/')
                    .to_string(),
                business_number: non_empty("WA_BUSINESS_NUMBER").unwrap_or_default(),
                rate_per_sec: number("WA_RATE_PER_SEC", 10.0).clamp(0.1, 1000.0),
                max_attempts: number("WA_MAX_ATTEMPTS", 6.0).clamp(1.0, 6.0) as i64,
                template_product: non_empty("WA_TEMPLATE_PRODUCT").unwrap_or_else(|| "jastipin_product_new".into()),
                template_order: non_empty("WA_TEMPLATE_ORDER").unwrap_or_else(|| "jastipin_order_update".into()),
                template_broadcast: non_empty("WA_TEMPLATE_BROADCAST").unwrap_or_else(|| "jastipin_broadcast".into()),
                template_welcome: non_empty("WA_TEMPLATE_WELCOME").unwrap_or_else(|| "jastipin_welcome".into()),
                template_proof: non_empty("WA_TEMPLATE_PROOF").unwrap_or_else(|| "jastipin_proof_uploaded".into()),
                template_auth: non_empty("WA_TEMPLATE_AUTH").unwrap_or_else(|| "jastipin_auth_code".into()),
                template_trip_closed: non_empty("WA_TEMPLATE_TRIP_CLOSED")
                    .unwrap_or_else(|| "jastipin_trip_closed".into()),
                template_trip_totals: non_empty("WA_TEMPLATE_TRIP_TOTALS")
                    .unwrap_or_else(|| "jastipin_trip_totals".into()),
                template_new_orders: non_empty("WA_TEMPLATE_NEW_ORDERS")
                    .unwrap_or_else(|| "jastipin_new_orders".into()),
                template_inbox: non_empty("WA_TEMPLATE_INBOX").unwrap_or_else(|| "jastipin_inbox_new".into()),
                template_security: non_empty("WA_TEMPLATE_SECURITY")
                    .unwrap_or_else(|| "jastipin_security_notice".into()),
                broadcast_templates: non_empty("WA_BROADCAST_TEMPLATES")
                    .map(|list| list.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect())
                    .unwrap_or_default(),
                order_digest_delay_secs: number("ORDER_DIGEST_DELAY_SECONDS", 120.0).clamp(0.0, 300.0) as u32,
                payment_undo_secs: number("PAYMENT_UNDO_SECONDS", 300.0).clamp(0.0, 900.0) as u32,
                template_language: non_empty("WA_TEMPLATE_LANGUAGE").unwrap_or_else(|| "id".into()),
                rates: Rates {
                    micro_usd: DEFAULT_MICRO_USD
                        .map(|(name, default)| non_empty(name).and_then(|v| parse_micro_usd(&v)).unwrap_or(default)),
                    idr_per_usd: whole("USD_TO_IDR", 15_500).clamp(1, 1_000_000),
                    free_per_month: whole("WA_FREE_MESSAGES_PER_MONTH", 0).clamp(0, 100_000_000),
                },
            },
        }
    }

    /// Links to a loopback address are wrong anywhere but on a developer's
    /// machine: outside `ENVIRONMENT=development` the service refuses to run
    /// with such a `PUBLIC_BASE_URL` (an error in the log and in Sentry).
    pub fn check_links(&self) -> Result<(), ApiError> {
        let host = self.public_base_url.split("://").nth(1).unwrap_or("").split(['/', ':']).next().unwrap_or("");
        let loopback = host == "localhost" || host.starts_with("127.") || self.public_base_url.contains("://[::1]");
        if loopback && self.environment != "development" {
            return Err(ApiError::internal(format!(
                "PUBLIC_BASE_URL is {} (a loopback address) in {}: links would point at nobody's machine. \
                 Set it to the public address (wrangler.toml), or ENVIRONMENT=development for local use",
                self.public_base_url, self.environment
            )));
        }
        Ok(())
    }

    /// The signing key; a missing or short secret is an operator's mistake (500, logged).
    pub fn jwt_key(&self) -> Result<&[u8], ApiError> {
        match &self.jwt_secret {
            Some(s) if s.len() >= MIN_SECRET_LEN => Ok(s.as_bytes()),
            Some(_) => Err(ApiError::internal(format!("JWT_SECRET is shorter than {MIN_SECRET_LEN} bytes"))),
            None => Err(ApiError::internal("JWT_SECRET is not configured")),
        }
    }
}

/// Where Sentry events go (`SENTRY_DSN`, sent by `platform::sentry`): from a DSN `https://<key>@<host>/<project>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dsn {
    pub endpoint: String,
    pub key: String,
    pub raw: String,
}

impl Dsn {
    pub fn parse(raw: &str) -> Option<Dsn> {
        let (scheme, rest) = raw.trim().split_once("://")?;
        let (key, rest) = rest.split_once('@')?;
        let key = key.split(':').next()?;
        let (host, project) = rest.rsplit_once('/')?;
        let ok = matches!(scheme, "https" | "http") && !key.is_empty() && !host.is_empty() && !project.is_empty();
        ok.then(|| Dsn {
            endpoint: format!("{scheme}://{host}/api/{project}/envelope/"),
            key: key.into(),
            raw: raw.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_trimming() {
        let c = Config::from_lookup(|n| (n == "PUBLIC_BASE_URL").then(|| "https://jastipin.me/".to_string()));
        assert_eq!(c.public_base_url, "https://jastipin.me");
        assert!(c.jwt_key().is_err());
    }

    #[test]
    fn whatsapp_defaults_and_numbers() {
        let c = Config::from_lookup(|n| match n {
            "WA_RATE_PER_SEC" => Some("25".into()),
            "USD_TO_IDR" => Some("not a number".into()),
            "WA_API_BASE" => Some("http://127.0.0.1:9999/".into()),
            _ => None,
        });
        assert_eq!(c.wa.rate_per_sec, 25.0);
        assert_eq!(c.wa.rates.idr_per_usd, 15_500);
        assert_eq!(c.wa.rates.micro_usd, [41_100, 20_000, 30_000, 19_000]);
        assert_eq!(c.wa.rates.free_per_month, 0);
        assert_eq!(c.wa.api_base, "http://127.0.0.1:9999");
        assert!(c.wa.access_token.is_none());
        assert_eq!(c.wa.template_language, "id");
    }

    #[test]
    fn rates_per_category_and_the_allowance() {
        let c = Config::from_lookup(|n| match n {
            "WA_RATE_SERVICE_USD" => Some("0.0125".into()),
            "WA_RATE_MARKETING_USD" => Some("0.0411111".into()),
            "WA_FREE_MESSAGES_PER_MONTH" => Some("1000".into()),
            _ => None,
        });
        // Seven decimals are refused: the default stays.
        assert_eq!(c.wa.rates.micro_usd, [41_100, 20_000, 30_000, 12_500]);
        assert_eq!(c.wa.rates.free_per_month, 1000);
        assert_eq!(c.wa.template_category(&c.wa.template_auth), Category::Authentication);
        assert_eq!(c.wa.template_category(&c.wa.template_broadcast), Category::Marketing);
        assert_eq!(c.wa.template_category(&c.wa.template_order), Category::Utility);
    }

    #[test]
    fn the_graph_api_version_is_current_by_default() {
        // v19.0 and v20.0 have expired; v26.0 is current (late 2026). WA_API_BASE overrides.
        let c = Config::from_lookup(|_| None);
        assert_eq!(c.wa.api_base, "https://graph.facebook.com/v26.0");
        assert_eq!(c.order_expiry_hours, 48);
        assert!(!c.benchmark);
    }

    #[test]
    fn short_jwt_secret_is_refused() {
        let c = Config::from_lookup(|n| (n == "JWT_SECRET").then(|| "short".to_string()));
        assert_eq!(c.jwt_key().unwrap_err().status(), 500);
        let c = Config::from_lookup(|n| (n == "JWT_SECRET").then(|| "x".repeat(32)));
        assert!(c.jwt_key().is_ok());
    }
}
