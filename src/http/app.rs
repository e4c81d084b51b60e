//! What a handler gets: the bindings, the configuration, the clock and the
//! database of this request.

use chrono::{DateTime, SecondsFormat, Utc};
use worker::Env;

use crate::config::Config;
use crate::domain::error::{ApiError, ApiResult};
use crate::store::Db;

pub struct App {
    pub env: Env,
    pub config: Config,
    pub db: Db,
    pub now: DateTime<Utc>,
    pub request_id: String,
}

impl App {
    pub fn new(env: Env, request_id: String) -> ApiResult<App> {
        let config = Config::from_lookup(|name| {
            env.secret(name).map(|s| s.to_string()).or_else(|_| env.var(name).map(|v| v.to_string())).ok()
        });
        let db = Db::new(env.d1("DB").map_err(|e| ApiError::internal(format!("D1 binding: {e}")))?);
        Ok(App { env, config, db, now: Utc::now(), request_id })
    }

    /// Now as ISO-8601 UTC with milliseconds, the format of every stored timestamp.
    pub fn now_iso(&self) -> String {
        self.now.to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    pub fn now_secs(&self) -> i64 {
        self.now.timestamp()
    }
}
