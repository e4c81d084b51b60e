//! What every invocation gets, whichever edge it came through (a request, a
//! queue batch, the cron): the bindings, the configuration, the clock and the
//! database. Built once per invocation by `lib.rs`.

use std::cell::RefCell;

use chrono::{DateTime, SecondsFormat, Utc};
use worker::Env;

use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use crate::platform::r2::Media;
use crate::platform::sentry::{self, Report};
use crate::store::Db;

pub struct Ctx {
    pub env: Env,
    pub config: Config,
    pub db: Db,
    pub now: DateTime<Utc>,
    /// The request id (Cloudflare's `cf-ray`), or
    /// `queue:<name>` / `cron`, for the logs and error reports.
    pub request_id: String,
    /// What went wrong during this invocation, for Sentry (`flush_reports`).
    reports: RefCell<Vec<Report>>,
}

impl Ctx {
    pub fn new(env: Env, request_id: String) -> ApiResult<Ctx> {
        let config = Config::from_lookup(|name| {
            env.secret(name).map(|s| s.to_string()).or_else(|_| env.var(name).map(|v| v.to_string())).ok()
        });
        let db = Db::new(env.d1("DB").map_err(|e| ApiError::internal(format!("D1 binding: {e}")))?);
        Ok(Ctx { env, config, db, now: Utc::now(), request_id, reports: RefCell::new(Vec::new()) })
    }

    /// Something went wrong that a person should hear of: logged now, sent to
    /// Sentry when the invocation ends (`flush_reports`).
    pub fn report(&self, kind: &'static str, route: &str, message: impl Into<String>) {
        let r = Report { kind, message: message.into(), route: route.into(), request_id: self.request_id.clone() };
        worker::console_error!(
            "{}",
            serde_json::json!({"level": "error", "msg": "reported", "report": sentry::log_value(&r)})
        );
        self.reports.borrow_mut().push(r);
    }

    /// The reports of this invocation as a future that sends them (nothing
    /// without `SENTRY_DSN`); `'static`, so it can go to `wait_until`.
    pub fn flush_reports(&self) -> impl std::future::Future<Output = ()> + 'static {
        let reports = std::mem::take(&mut *self.reports.borrow_mut());
        let sending = self.config.sentry.clone().filter(|_| !reports.is_empty()).map(|dsn| {
            let envelopes =
                sentry::envelopes(&dsn, &reports, &self.config.environment, self.config.release, &self.now_iso());
            (dsn, envelopes)
        });
        async move {
            if let Some((dsn, envelopes)) = sending {
                sentry::send(dsn, envelopes).await;
            }
        }
    }

    /// Now as ISO-8601 UTC with milliseconds, the format of every stored timestamp.
    pub fn now_iso(&self) -> String {
        self.now.to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    pub fn now_secs(&self) -> i64 {
        self.now.timestamp()
    }

    /// Images and proofs in R2, and their public addresses.
    pub fn media(&self) -> Media<'_> {
        Media { env: &self.env, base: &self.config.public_base_url }
    }
}
