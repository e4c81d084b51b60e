//! Errors reach someone: every 5xx, failed queue message, dead letter and
//! permanent WhatsApp failure becomes a Sentry event, sent as an envelope
//! over HTTP (`SENTRY_DSN`) after the answer (`wait_until`) or at the end of a
//! queue batch or cron run. Every text is scrubbed (`domain::scrub`). Panics
//! are reported by worker/entry.mjs, which outlives the crashed instance.

use serde_json::{json, Value};
use worker::{Fetch, Headers, Method, Request, RequestInit};

pub use crate::config::Dsn;
use crate::domain::ids::new_id;
use crate::domain::scrub::scrub;

/// One thing that went wrong.
#[derive(Debug, Clone)]
pub struct Report {
    /// `http_5xx`, `queue_retry`, `dead_letter`, `whatsapp_failed`, `cron_failed`, `config`.
    pub kind: &'static str,
    pub message: String,
    /// `GET /api/orders/…` or `queue:jastipin-broadcast`.
    pub route: String,
    pub request_id: String,
}

/// The envelope of one event: a header line, an item header, the event.
pub fn envelope(dsn: &Dsn, r: &Report, environment: &str, release: &str, now: &str) -> String {
    let event_id = new_id();
    let event = json!({
        "event_id": event_id,
        "timestamp": now,
        "platform": "other",
        "level": "error",
        "logger": r.kind,
        "environment": environment,
        "release": release,
        "transaction": scrub(&r.route),
        "message": { "formatted": scrub(&r.message) },
        "tags": { "kind": r.kind, "request_id": r.request_id, "route": scrub(&r.route) },
    });
    let header = json!({ "event_id": event_id, "sent_at": now, "dsn": dsn.raw });
    let item = json!({ "type": "event", "content_type": "application/json" });
    format!("{header}\n{item}\n{event}\n")
}

/// Sends every report; failures to reach Sentry are only logged.
pub async fn send(dsn: Dsn, envelopes: Vec<String>) {
    for body in envelopes {
        let sent = async {
            let headers = Headers::new();
            headers.set("content-type", "application/x-sentry-envelope")?;
            headers.set(
                "x-sentry-auth",
                &format!("Sentry sentry_version=7, sentry_key={}, sentry_client=jastipin/1", dsn.key),
            )?;
            let mut init = RequestInit::new();
            init.with_method(Method::Post).with_headers(headers).with_body(Some(body.into()));
            Fetch::Request(Request::new_with_init(&dsn.endpoint, &init)?).send().await
        }
        .await;
        if let Err(e) = sent {
            worker::console_error!(
                "{}",
                json!({"level": "error", "msg": "sentry unreachable", "error": e.to_string()})
            );
        }
    }
}

/// The envelopes of `reports`, ready to send.
pub fn envelopes(dsn: &Dsn, reports: &[Report], environment: &str, release: &str, now: &str) -> Vec<String> {
    reports.iter().map(|r| envelope(dsn, r, environment, release, now)).collect()
}

/// A report as a log line (the same scrubbing).
pub fn log_value(r: &Report) -> Value {
    json!({"kind": r.kind, "message": scrub(&r.message), "route": scrub(&r.route), "requestId": r.request_id})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_dsn() {
        let d = Dsn::parse("https://abc123@o1.ingest.sentry.io/4505").unwrap();
        assert_eq!(d.endpoint, "https://o1.ingest.sentry.io/api/4505/envelope/");
        assert_eq!(d.key, "abc123");
        assert!(Dsn::parse("not a dsn").is_none());
        assert!(Dsn::parse("https://o1.ingest.sentry.io/4505").is_none());
    }

    #[test]
    fn an_envelope_carries_the_request_id_and_no_phone() {
        let d = Dsn::parse("http://k@127.0.0.1:9/42").unwrap();
        let r = Report {
            kind: "http_5xx",
            message: "send to 6281234567890 failed".into(),
            route: "POST /api/orders?token=abc".into(),
            request_id: "req-1".into(),
        };
        let e = envelope(&d, &r, "production", "abc1234", "2026-11-29T00:00:00.000Z");
        let lines: Vec<&str> = e.lines().collect();
        assert_eq!(lines.len(), 3);
        let event: Value = serde_json::from_str(lines[2]).unwrap();
        assert_eq!(event["tags"]["request_id"], "req-1");
        assert_eq!(event["release"], "abc1234");
        assert!(!e.contains("6281234567890") && !e.contains("abc\""));
    }
}
