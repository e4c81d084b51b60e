//! Every parser that reads what a stranger sends (a WhatsApp text, a form
//! field, a query parameter, a token, a webhook body) is fed arbitrary
//! Unicode and must answer — accept or refuse — never panic. A panic aborts
//! the Worker's wasm instance and every request in flight with it.

use chrono::{TimeZone, Utc};
use jastipin::domain::{command, page, password, phone, slug, text, time, token, user, whatsapp};
use proptest::prelude::*;

/// Strings weighted towards what broke parsers before: letters whose case
/// changes their UTF-8 length (K U+212A, İ U+0130, Ω U+2126, ß, ﬃ), separators
/// the parsers look for, and anything else.
fn nasty() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "JOIN ", "INFO ", "STOP ", "join", "jpn25", " | ", "|", "Nama", "nama:", "Name :", ":", "\u{212A}", "\u{0130}",
        "\u{2126}", "ß", "\u{FB03}", "\u{202E}", "\u{200B}", "\u{0000}", "\n", "\t", " ", "0812", "+62", "@", ".", "%",
        "🙂", "a", "Z", "-", "_",
    ]);
    prop_oneof![
        any::<String>(),
        prop::collection::vec(pieces, 0..12).prop_map(|v| v.concat()),
        (prop::collection::vec(any::<char>(), 0..8), prop::collection::vec(pieces_again(), 0..6))
            .prop_map(|(a, b)| a.into_iter().collect::<String>() + &b.concat()),
    ]
}

fn pieces_again() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["JOIN jpn25 | Nama:", "\u{212A}", "\u{0130}", "Nama:\u{212A}", " "])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn whatsapp_commands(s in nasty()) {
        let _ = command::parse(&s);
    }

    #[test]
    fn form_fields(s in nasty()) {
        let _ = phone::normalize_phone(&s);
        let _ = phone::Phone::from_wa_id(&s);
        let _ = user::parse_email(&s);
        let _ = user::parse_full_name(&s);
        let _ = slug::parse_user_slug(&s);
        let _ = slug::parse_trip_slug(&s);
        let _ = slug::parse_product_slug(&s);
        let _ = slug::derive_user_slug(&s);
        let _ = slug::is_reserved(&s);
        let _ = text::clean(&s, 1, 100, false);
        let _ = text::clean(&s, 0, 2000, true);
        let _ = password::check_policy(&s);
        let _ = password::needs_rehash(&s);
    }

    #[test]
    fn query_parameters_and_tokens(s in nasty()) {
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
        let _ = page::Cursor::decode(&s);
        let _ = page::parse_limit(Some(&s));
        let _ = time::parse_deadline(&s, now);
        let _ = time::countdown(&s, now);
        let key = [7u8; 32];
        let _ = token::verify_access(&key, &s, now);
        let _ = token::check_unsubscribe_token(&key, "p1", &s);
        let _ = token::check_order_link_token(&key, "o1", &s);
        let _ = jastipin::pages::shortlink::resolve(&[&s], Some(&s));
        let _ = jastipin::pages::shortlink::resolve(&["t", &s], None);
    }

    #[test]
    fn webhook_bodies(s in nasty(), bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = whatsapp::read_delivery(s.as_bytes());
        let _ = whatsapp::read_delivery(&bytes);
        let _ = whatsapp::verify_signature(b"secret", &bytes, Some(&s));
        let _ = whatsapp::classify_response(400, &s);
    }

    /// A delivery shaped like Meta's, with the text of the message arbitrary.
    #[test]
    fn webhook_texts(s in nasty()) {
        let body = serde_json::json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp", "metadata": {"phone_number_id": "1"},
            "contacts": [{"wa_id": "628123456789", "profile": {"name": s}}],
            "messages": [{"from": "628123456789", "id": "wamid.x", "timestamp": "1", "type": "text", "text": {"body": s}}]}}]}]});
        let events = whatsapp::read_delivery(body.to_string().as_bytes()).expect("a well-formed delivery");
        for m in events.messages {
            let _ = m.text.as_deref().and_then(command::parse);
        }
    }
}
