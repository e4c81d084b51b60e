//! WhatsApp Cloud API logic without I/O: webhook signatures, reading
//! deliveries, building outbound messages, classifying send errors, the
//! status order and the 24-hour window.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::Sha256;

use super::encoding::{constant_time_eq, hex};

/// Checks `X-Hub-Signature-256: sha256=<hex>` against the raw body bytes, in
/// constant time. Meta signs exactly the bytes it sends (non-ASCII escaped
/// as `\uXXXX`), so the body must never be re-serialised before this.
pub fn verify_signature(app_secret: &[u8], raw_body: &[u8], header: Option<&str>) -> bool {
    let Some(given) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(app_secret).expect("HMAC takes any key length");
    mac.update(raw_body);
    let expected = hex(&mac.finalize().into_bytes());
    constant_time_eq(expected.as_bytes(), given.to_ascii_lowercase().as_bytes())
}

// ---- reading a delivery ------------------------------------------------------

#[derive(Debug, Deserialize, Default)]
struct Delivery {
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Debug, Deserialize, Default)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Debug, Deserialize, Default)]
struct Change {
    #[serde(default)]
    value: ChangeValue,
}

#[derive(Debug, Deserialize, Default)]
struct ChangeValue {
    #[serde(default)]
    contacts: Vec<Contact>,
    #[serde(default)]
    messages: Vec<Value>,
    #[serde(default)]
    statuses: Vec<Value>,
}

#[derive(Debug, Deserialize, Default, Clone)]
struct Contact {
    wa_id: Option<String>,
    user_id: Option<String>,
    #[serde(default)]
    profile: Profile,
}

#[derive(Debug, Deserialize, Default, Clone)]
struct Profile {
    name: Option<String>,
}

/// One inbound message, reduced to what Jastipin uses.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize)]
pub struct Inbound {
    pub wamid: String,
    /// The sender's phone (`wa_id`), absent for users known only by username.
    pub phone: Option<String>,
    /// Meta's newer business-scoped user id, when present.
    pub user_id: Option<String>,
    pub profile_name: Option<String>,
    pub kind: String,
    /// The text of a text message; commands come only from these.
    pub text: Option<String>,
    pub timestamp: Option<i64>,
    /// An image message: Meta's media id (downloaded through the media
    /// endpoint) and its caption.
    #[serde(default)]
    pub media_id: Option<String>,
    #[serde(default)]
    pub caption: Option<String>,
    /// The id of a reply button (or list row, or template quick reply) tapped.
    #[serde(default)]
    pub reply_id: Option<String>,
}

/// One status callback for a message we sent.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize)]
pub struct StatusUpdate {
    pub wamid: String,
    pub status: String,
    pub billable: Option<bool>,
    pub category: Option<String>,
    /// Meta's `pricing.type`: `regular`, `free_customer_service`, `free_entry_point`…
    #[serde(default)]
    pub pricing_type: Option<String>,
    pub error: Option<String>,
    /// When Meta says it happened (Unix seconds): the month a charge falls in.
    #[serde(default)]
    pub timestamp: Option<i64>,
}

#[derive(Debug, Default, PartialEq)]
pub struct Events {
    pub messages: Vec<Inbound>,
    pub statuses: Vec<StatusUpdate>,
}

fn str_of(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(String::from).filter(|s| !s.is_empty())
}

fn digits_only(s: Option<String>) -> Option<String> {
    s.filter(|p| !p.is_empty() && p.len() <= 20 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Reads every message and status of a delivery. Unknown fields and shapes
/// are ignored, never an error: Meta adds fields over time.
pub fn read_delivery(body: &[u8]) -> Result<Events, String> {
    let delivery: Delivery = serde_json::from_slice(body).map_err(|e| format!("not a webhook delivery: {e}"))?;
    let mut events = Events::default();
    for change in delivery.entry.into_iter().flat_map(|e| e.changes) {
        let v = change.value;
        for m in &v.messages {
            let Some(wamid) = str_of(m, "id") else {
                continue;
            };
            let from = str_of(m, "from");
            let user_id = str_of(m, "from_user_id");
            let contact = v
                .contacts
                .iter()
                .find(|c| (from.is_some() && c.wa_id == from) || (user_id.is_some() && c.user_id == user_id))
                .or(v.contacts.first())
                .cloned()
                .unwrap_or_default();
            events.messages.push(Inbound {
                wamid,
                phone: digits_only(from.or(contact.wa_id)),
                user_id: user_id.or(contact.user_id),
                profile_name: contact.profile.name,
                kind: str_of(m, "type").unwrap_or_else(|| "unknown".into()),
                text: m.pointer("/text/body").and_then(Value::as_str).map(String::from),
                timestamp: str_of(m, "timestamp").and_then(|t| t.parse().ok()),
                media_id: m.get("image").and_then(|i| str_of(i, "id")),
                caption: m.get("image").and_then(|i| str_of(i, "caption")),
                reply_id: ["/interactive/button_reply/id", "/interactive/list_reply/id", "/button/payload"]
                    .iter()
                    .find_map(|p| m.pointer(p).and_then(Value::as_str))
                    .map(String::from),
            });
        }
        for s in &v.statuses {
            let (Some(wamid), Some(status)) = (str_of(s, "id"), str_of(s, "status")) else {
                continue;
            };
            let error = s.pointer("/errors/0").map(|e| {
                let code = e.get("code").map(Value::to_string).unwrap_or_default();
                let title = e.get("title").or_else(|| e.get("message")).and_then(Value::as_str).unwrap_or("error");
                format!("{code} {title}").trim().to_string()
            });
            events.statuses.push(StatusUpdate {
                wamid,
                status,
                billable: s.pointer("/pricing/billable").and_then(Value::as_bool),
                category: s.pointer("/pricing/category").and_then(Value::as_str).map(String::from),
                pricing_type: s.pointer("/pricing/type").and_then(Value::as_str).map(String::from),
                error,
                timestamp: str_of(s, "timestamp").and_then(|t| t.parse().ok()),
            });
        }
    }
    Ok(events)
}

// ---- the 24-hour window and what to send ----------------------------------------

pub const WINDOW: Duration = Duration::hours(24);

/// Free-form text is allowed within 24 h of the penitip's last message to us.
pub fn in_window(last_inbound: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last_inbound.is_some_and(|t| now - t < WINDOW && t <= now + Duration::minutes(5))
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outbound {
    Text {
        to: String,
        body: String,
    },
    /// Free-form text with up to three reply buttons (`[id, title]`); a
    /// tap comes back as an `interactive` message carrying the id.
    Buttons {
        to: String,
        body: String,
        buttons: Vec<(String, String)>,
    },
    /// `copy_code`: an authentication template's one-time code, repeated as
    /// the parameter of its copy-code button (Meta requires both).
    Template {
        to: String,
        name: String,
        language: String,
        params: Vec<String>,
        copy_code: Option<String>,
    },
}

/// Who a message is addressed to: a phone number (digits) goes in `to`; a
/// business-scoped user id (`ID.1234…`, a user known only by username) goes
/// in `recipient`, Meta's field for BSUIDs (`to` would be read as a number).
fn address(to: &str) -> (&'static str, &str) {
    if !to.is_empty() && to.bytes().all(|b| b.is_ascii_digit()) {
        ("to", to)
    } else {
        ("recipient", to)
    }
}

impl Outbound {
    /// The body of `POST /{phone-id}/messages`.
    pub fn payload(&self) -> Value {
        let mut body = match self {
            Outbound::Text { body, .. } => json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "type": "text",
                "text": { "preview_url": true, "body": body },
            }),
            Outbound::Buttons { body, buttons, .. } => {
                let buttons: Vec<Value> = buttons
                    .iter()
                    .take(3)
                    .map(|(id, title)| json!({ "type": "reply", "reply": { "id": id, "title": button_title(title) } }))
                    .collect();
                json!({
                    "messaging_product": "whatsapp",
                    "recipient_type": "individual",
                    "type": "interactive",
                    "interactive": { "type": "button", "body": { "text": body }, "action": { "buttons": buttons } },
                })
            }
            Outbound::Template { name, language, params, copy_code, .. } => {
                let parameters: Vec<Value> =
                    params.iter().map(|p| json!({ "type": "text", "text": template_param(p) })).collect();
                let mut template = json!({ "name": name, "language": { "code": language } });
                let mut components = Vec::new();
                if !parameters.is_empty() {
                    components.push(json!({ "type": "body", "parameters": parameters }));
                }
                if let Some(code) = copy_code {
                    components.push(json!({ "type": "button", "sub_type": "url", "index": "0",
                                            "parameters": [{ "type": "text", "text": code }] }));
                }
                if !components.is_empty() {
                    template["components"] = Value::Array(components);
                }
                json!({ "messaging_product": "whatsapp", "recipient_type": "individual", "type": "template", "template": template })
            }
        };
        let (Outbound::Text { to, .. } | Outbound::Buttons { to, .. } | Outbound::Template { to, .. }) = self;
        let (field, value) = address(to);
        body[field] = value.into();
        body
    }
}

/// A reply button's title: Meta takes at most 20 characters.
fn button_title(title: &str) -> String {
    title.chars().take(20).collect()
}

/// A template parameter as Meta accepts it: no newlines or tabs, and no more
/// than four spaces in a row.
pub fn template_param(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut spaces = 0;
    for c in text.chars() {
        let c = if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c };
        if c == ' ' {
            spaces += 1;
            if spaces > 4 {
                continue;
            }
        } else {
            spaces = 0;
        }
        out.push(c);
    }
    out.trim().to_string()
}

// ---- classifying send results ------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
pub enum SendOutcome {
    Sent {
        wamid: String,
    },
    /// Worth trying again later (5xx, 429, throughput limits, network).
    Transient(String),
    /// Trying again will not help (invalid recipient, re-engagement, bad parameters).
    Permanent(String),
}

/// Meta error codes that mean "slow down" rather than "this will never work".
const TRANSIENT_CODES: &[i64] = &[4, 80007, 130429, 131016, 131048, 131056, 133004, 2];

pub fn classify_response(status: u16, body: &str) -> SendOutcome {
    let parsed: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    if (200..300).contains(&status) {
        return match parsed.pointer("/messages/0/id").and_then(Value::as_str) {
            Some(id) => SendOutcome::Sent { wamid: id.to_string() },
            None => SendOutcome::Transient(format!("{status}: answer without a message id")),
        };
    }
    let code = parsed.pointer("/error/code").and_then(Value::as_i64);
    let message = parsed
        .pointer("/error/error_data/details")
        .or_else(|| parsed.pointer("/error/message"))
        .and_then(Value::as_str)
        .unwrap_or("no details");
    let described = match code {
        Some(c) => format!("{status} (code {c}): {message}"),
        None => format!("{status}: {message}"),
    };
    if status >= 500 || status == 429 || code.is_some_and(|c| TRANSIENT_CODES.contains(&c)) {
        SendOutcome::Transient(described)
    } else {
        SendOutcome::Permanent(described)
    }
}

/// Exponential backoff: 2 s, 4 s, 8 s … for attempt 1, 2, 3 …, at most 5 minutes.
pub fn backoff_seconds(attempt: u32) -> u32 {
    2u32.saturating_pow(attempt.clamp(1, 9)).min(300)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sign(secret: &[u8], body: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap();
        mac.update(body);
        format!("sha256={}", hex(&mac.finalize().into_bytes()))
    }

    #[test]
    fn signature_over_raw_bytes() {
        let body =
            br#"{"entry":[{"changes":[{"value":{"messages":[{"text":{"body":"Halo \u00e9 \ud83d\ude00"}}]}}]}]}"#;
        let header = sign(b"secret", body);
        assert!(verify_signature(b"secret", body, Some(&header)));
        assert!(verify_signature(b"secret", body, Some(&header.to_uppercase().replace("SHA256=", "sha256="))));
        assert!(!verify_signature(b"other", body, Some(&header)));
        assert!(!verify_signature(b"secret", b"{}", Some(&header)));
        assert!(!verify_signature(b"secret", body, None));
        assert!(!verify_signature(b"secret", body, Some("sha1=abc")));
        // The same JSON re-serialised with raw UTF-8 is different bytes: refused.
        let reserialised =
            "{\"entry\":[{\"changes\":[{\"value\":{\"messages\":[{\"text\":{\"body\":\"Halo é 😀\"}}]}}]}]}";
        assert!(!verify_signature(b"secret", reserialised.as_bytes(), Some(&header)));
    }

    #[test]
    fn reads_text_messages_with_contact_and_user_ids() {
        let body = br#"{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{
            "contacts":[{"profile":{"name":"Siti"},"wa_id":"628123456789","user_id":"US.1"}],
            "messages":[{"from":"628123456789","id":"wamid.A","timestamp":"1700000000","type":"text","text":{"body":"JOIN jpn25"}}]},"field":"messages"}]}]}"#;
        let e = read_delivery(body).unwrap();
        assert_eq!(
            e.messages,
            vec![Inbound {
                wamid: "wamid.A".into(),
                phone: Some("628123456789".into()),
                user_id: Some("US.1".into()),
                profile_name: Some("Siti".into()),
                kind: "text".into(),
                text: Some("JOIN jpn25".into()),
                timestamp: Some(1_700_000_000),
                media_id: None,
                caption: None,
                reply_id: None,
            }]
        );
    }

    #[test]
    fn reads_images_and_button_taps() {
        let body = br#"{"entry":[{"changes":[{"value":{"contacts":[{"profile":{"name":"Siti"},"wa_id":"628123456789"}],
            "messages":[{"from":"628123456789","id":"wamid.I","type":"image","image":{"id":"777","mime_type":"image/jpeg","caption":"tf 250rb"}},
                        {"from":"628123456789","id":"wamid.J","type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"bukti:x:2","title":"Trip B"}}},
                        {"from":"628123456789","id":"wamid.K","type":"button","button":{"payload":"p1","text":"Ya"}}]}}]}]}"#;
        let e = read_delivery(body).unwrap();
        assert_eq!(
            (e.messages[0].media_id.as_deref(), e.messages[0].caption.as_deref()),
            (Some("777"), Some("tf 250rb"))
        );
        assert_eq!(e.messages[1].reply_id.as_deref(), Some("bukti:x:2"));
        assert_eq!(e.messages[2].reply_id.as_deref(), Some("p1"));
        assert_eq!(e.messages[0].text, None);
    }

    #[test]
    fn reply_buttons_are_an_interactive_message() {
        let m = Outbound::Buttons {
            to: "628123".into(),
            body: "Untuk tagihan yang mana?".into(),
            buttons: vec![("bukti:a:1".into(), "1. Trip Jepang Desember".into()), ("bukti:a:2".into(), "2".into())],
        };
        let p = m.payload();
        assert_eq!(p["type"], "interactive");
        assert_eq!(p["to"], "628123");
        assert_eq!(p["interactive"]["action"]["buttons"][0]["reply"]["id"], "bukti:a:1");
        assert_eq!(p["interactive"]["action"]["buttons"][0]["reply"]["title"], "1. Trip Jepang Desem");
    }

    #[test]
    fn a_user_known_only_by_username_has_no_phone() {
        let body = br#"{"entry":[{"changes":[{"value":{"contacts":[{"profile":{"name":"anon"},"user_id":"US.9"}],
            "messages":[{"from_user_id":"US.9","id":"wamid.B","type":"text","text":{"body":"JOIN jpn25"}}]}}]}]}"#;
        let m = &read_delivery(body).unwrap().messages[0];
        assert_eq!(m.phone, None);
        assert_eq!(m.user_id.as_deref(), Some("US.9"));
    }

    #[test]
    fn reads_statuses_with_pricing_and_errors() {
        let body = br#"{"entry":[{"changes":[{"value":{"statuses":[
            {"id":"wamid.S","status":"delivered","pricing":{"billable":true,"pricing_model":"PMP","category":"utility"}},
            {"id":"wamid.F","status":"failed","errors":[{"code":131047,"title":"Re-engagement message"}]}]}}]}]}"#;
        let e = read_delivery(body).unwrap();
        assert_eq!(e.statuses[0].billable, Some(true));
        assert_eq!(e.statuses[0].category.as_deref(), Some("utility"));
        assert_eq!(e.statuses[1].error.as_deref(), Some("131047 Re-engagement message"));
    }

    #[test]
    fn odd_deliveries_are_empty_not_errors() {
        assert_eq!(read_delivery(b"{}").unwrap(), Events::default());
        assert_eq!(
            read_delivery(br#"{"entry":[{"changes":[{"value":{"messages":[{"type":"text"}]}}]}]}"#).unwrap(),
            Events::default()
        );
        assert!(read_delivery(b"not json").is_err());
    }

    #[test]
    fn the_window_is_24_hours() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        assert!(in_window(Some(now - Duration::hours(23)), now));
        assert!(!in_window(Some(now - Duration::hours(24)), now));
        assert!(!in_window(None, now));
    }

    #[test]
    fn payloads_match_the_cloud_api() {
        let t = Outbound::Text { to: "628".into(), body: "hi".into() }.payload();
        assert_eq!(t["type"], "text");
        assert_eq!(t["text"]["body"], "hi");
        assert_eq!(t["to"], "628");
        let template = |to: &str, copy_code: Option<String>| Outbound::Template {
            to: to.into(),
            name: "n".into(),
            language: "id".into(),
            params: vec!["a\nb".into()],
            copy_code,
        };
        let p = template("628", None).payload();
        assert_eq!(p["template"]["language"]["code"], "id");
        assert_eq!(p["template"]["components"][0]["parameters"][0]["text"], "a b");
        assert_eq!(p["template"]["components"].as_array().unwrap().len(), 1);
        let auth = template("628", Some("123456".into())).payload();
        assert_eq!(auth["template"]["components"][1]["sub_type"], "url");
        assert_eq!(auth["template"]["components"][1]["parameters"][0]["text"], "123456");
    }

    #[test]
    fn a_user_known_only_by_username_is_addressed_by_recipient() {
        let p = Outbound::Text { to: "ID.1234567890123".into(), body: "hi".into() }.payload();
        assert_eq!(p["recipient"], "ID.1234567890123");
        assert!(p.get("to").is_none(), "a BSUID is never put in `to`");
        assert_eq!(Outbound::Text { to: "628123".into(), body: "x".into() }.payload()["to"], "628123");
    }

    #[test]
    fn template_parameters_follow_metas_rule() {
        assert_eq!(template_param("Halo semua!\nBesok\tberangkat      ya"), "Halo semua! Besok berangkat    ya");
        assert!(!template_param("a\n\n\n\n\n\nb").contains("     "));
    }

    #[test]
    fn classifies_send_results() {
        assert_eq!(
            classify_response(200, r#"{"messages":[{"id":"wamid.X"}]}"#),
            SendOutcome::Sent { wamid: "wamid.X".into() }
        );
        assert!(matches!(classify_response(503, "oops"), SendOutcome::Transient(_)));
        assert!(matches!(classify_response(429, "{}"), SendOutcome::Transient(_)));
        assert!(matches!(
            classify_response(400, r#"{"error":{"code":130429,"message":"Rate limit hit"}}"#),
            SendOutcome::Transient(_)
        ));
        let p = classify_response(400, r#"{"error":{"code":131047,"message":"Re-engagement message"}}"#);
        assert_eq!(p, SendOutcome::Permanent("400 (code 131047): Re-engagement message".into()));
        assert!(matches!(
            classify_response(400, r#"{"error":{"code":131026,"message":"Undeliverable"}}"#),
            SendOutcome::Permanent(_)
        ));
    }

    #[test]
    fn backoff_doubles_from_two_seconds() {
        assert_eq!([1, 2, 3, 4].map(backoff_seconds), [2, 4, 8, 16]);
        assert_eq!(backoff_seconds(20), 300);
    }
}
