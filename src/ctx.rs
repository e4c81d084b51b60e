//! What every invocation gets, whichever edge it came through (a request, a
//! queue batch, the cron): the bindings, the configuration, the clock and the
//! database. Built once per invocation by `lib.rs`.

use chrono::{DateTime, SecondsFormat, Utc};
use worker::{Bucket, Env, Queue as Producer};

use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use crate::platform::queues::Queue;
use crate::store::Db;

pub struct Ctx {
    pub env: Env,
    pub config: Config,
    pub db: Db,
    pub now: DateTime<Utc>,
    /// The request id (`cf-ray`), or `queue:<name>` / `cron`, for the logs.
    pub request_id: String,
}

impl Ctx {
    pub fn new(env: Env, request_id: String) -> ApiResult<Ctx> {
        let config = Config::from_lookup(|name| {
            env.secret(name).map(|s| s.to_string()).or_else(|_| env.var(name).map(|v| v.to_string())).ok()
        });
        let db = Db::new(env.d1("DB").map_err(|e| ApiError::internal(format!("D1 binding: {e}")))?);
        Ok(Ctx { env, config, db, now: Utc::now(), request_id })
    }

    /// Now as ISO-8601 UTC with milliseconds, the format of every stored timestamp.
    pub fn now_iso(&self) -> String {
        self.now.to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    pub fn now_secs(&self) -> i64 {
        self.now.timestamp()
    }

    pub fn bucket(&self) -> ApiResult<Bucket> {
        self.env.bucket("BUCKET").map_err(|e| ApiError::internal(format!("R2 binding: {e}")))
    }

    pub fn producer(&self, queue: Queue) -> ApiResult<Producer> {
        self.env.queue(queue.binding()).map_err(|e| ApiError::internal(format!("queue binding {}: {e}", queue.name())))
    }
}
