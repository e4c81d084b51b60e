//! Access tokens (JWT, HS256 pinned) and hashing of bearer secrets.

use chrono::{DateTime, Duration, Utc};
use jwt_compact::alg::{Hs256, Hs256Key};
use jwt_compact::{AlgorithmExt, Claims, Header, TimeOptions, UntrustedToken};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::encoding::hex;

/// Short, so logout, logout everywhere and a password change (which revoke
/// every refresh token) end access within minutes without a database read
/// per request; the client refreshes with its cookie.
pub const ACCESS_TTL: Duration = Duration::minutes(10);
pub const REFRESH_TTL_SECS: i64 = 7 * 24 * 3600;

/// A shorter secret would make HS256 guessable offline.
pub const MIN_SECRET_LEN: usize = 32;

/// The claims of an access token besides `iat` and `exp`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    pub slug: String,
    pub email: String,
}

fn at(now: DateTime<Utc>) -> TimeOptions<impl Fn() -> DateTime<Utc>> {
    TimeOptions::new(Duration::seconds(0), move || now)
}

pub fn issue_access(secret: &[u8], claims: &AccessClaims, now: DateTime<Utc>) -> String {
    let claims = Claims::new(claims.clone()).set_duration_and_issuance(&at(now), ACCESS_TTL);
    let header = Header::empty().with_token_type("JWT");
    // HMAC signing of a serialisable struct cannot fail.
    Hs256.token(&header, &claims, &Hs256Key::new(secret)).expect("JWT signing")
}

/// Checks signature (HS256 only: `alg: none` or any other algorithm fails
/// validation) and expiry; returns the claims.
pub fn verify_access(secret: &[u8], token: &str, now: DateTime<Utc>) -> Result<AccessClaims, &'static str> {
    let untrusted = UntrustedToken::new(token).map_err(|_| "malformed token")?;
    if untrusted.algorithm() != "HS256" {
        return Err("unsupported algorithm");
    }
    let key = Hs256Key::new(secret);
    let token = Hs256.validator::<AccessClaims>(&key).validate(&untrusted).map_err(|_| "invalid signature")?;
    let claims = token.claims();
    claims.validate_expiration(&at(now)).map_err(|_| "token expired")?;
    if claims.custom.sub.is_empty() {
        return Err("token has no subject");
    }
    Ok(claims.custom.clone())
}

/// What is stored for a bearer secret (refresh token, order token): its SHA-256.
/// The secrets carry 256 random bits, so a fast hash is enough.
pub fn hash_secret(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::encoding::b64url;
    use chrono::TimeZone;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn claims() -> AccessClaims {
        AccessClaims { sub: "u1".into(), slug: "tina".into(), email: "tina@example.com".into() }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
    }

    fn payload(token: &str) -> serde_json::Value {
        let part = token.split('.').nth(1).unwrap();
        serde_json::from_slice(&crate::domain::encoding::b64url_decode(part).unwrap()).unwrap()
    }

    #[test]
    fn token_carries_the_specified_claims_and_a_ten_minute_expiry() {
        let t = issue_access(SECRET, &claims(), now());
        let p = payload(&t);
        assert_eq!(p["sub"], "u1");
        assert_eq!(p["slug"], "tina");
        assert_eq!(p["email"], "tina@example.com");
        assert_eq!(p["iat"].as_i64().unwrap(), now().timestamp());
        assert_eq!(p["exp"].as_i64().unwrap() - p["iat"].as_i64().unwrap(), 600);
        assert_eq!(verify_access(SECRET, &t, now()).unwrap(), claims());
    }

    #[test]
    fn expired_token_is_refused() {
        let t = issue_access(SECRET, &claims(), now());
        assert!(verify_access(SECRET, &t, now() + Duration::minutes(10) - Duration::seconds(1)).is_ok());
        assert_eq!(
            verify_access(SECRET, &t, now() + Duration::minutes(10) + Duration::seconds(1)),
            Err("token expired")
        );
    }

    #[test]
    fn wrong_key_or_tampered_payload_is_refused() {
        let t = issue_access(SECRET, &claims(), now());
        assert!(verify_access(b"another-secret-another-secret-xx", &t, now()).is_err());
        let mut parts: Vec<String> = t.split('.').map(String::from).collect();
        let mut p = payload(&t);
        p["sub"] = "u2".into();
        parts[1] = b64url(p.to_string().as_bytes());
        assert!(verify_access(SECRET, &parts.join("."), now()).is_err());
    }

    #[test]
    fn alg_none_and_other_algorithms_are_refused() {
        let t = issue_access(SECRET, &claims(), now());
        let body = t.split('.').nth(1).unwrap();
        for alg in ["none", "HS512", "RS256"] {
            let header = b64url(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#).as_bytes());
            for sig in ["", "AAAA"] {
                let forged = format!("{header}.{body}.{sig}");
                assert!(verify_access(SECRET, &forged, now()).is_err(), "{alg}/{sig}");
            }
        }
        assert!(verify_access(SECRET, "garbage", now()).is_err());
    }

    #[test]
    fn secrets_hash_to_sha256_hex() {
        assert_eq!(hash_secret("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}

/// The token an unsubscribe link carries for one participant: an HMAC of
/// their id under the service's secret, so links cannot be forged.
pub fn unsubscribe_token(secret: &[u8], participant_id: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"unsubscribe:");
    mac.update(participant_id.as_bytes());
    crate::domain::encoding::b64url(&mac.finalize().into_bytes()[..16])
}

pub fn check_unsubscribe_token(secret: &[u8], participant_id: &str, token: &str) -> bool {
    crate::domain::encoding::constant_time_eq(unsubscribe_token(secret, participant_id).as_bytes(), token.as_bytes())
}

#[cfg(test)]
mod unsubscribe_tests {
    use super::*;

    #[test]
    fn unsubscribe_tokens_bind_the_participant_and_the_secret() {
        let t = unsubscribe_token(b"secret-one", "p1");
        assert!(check_unsubscribe_token(b"secret-one", "p1", &t));
        assert!(!check_unsubscribe_token(b"secret-one", "p2", &t));
        assert!(!check_unsubscribe_token(b"secret-two", "p1", &t));
        assert!(!check_unsubscribe_token(b"secret-one", "p1", ""));
    }
}

/// A link token for an order's page in WhatsApp messages: an HMAC of the
/// order id, so the message can link to the order without the stored
/// (hashed, never recoverable) access token.
pub fn order_link_token(secret: &[u8], order_id: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"order:");
    mac.update(order_id.as_bytes());
    format!("l.{}", crate::domain::encoding::b64url(&mac.finalize().into_bytes()[..18]))
}

pub fn check_order_link_token(secret: &[u8], order_id: &str, token: &str) -> bool {
    crate::domain::encoding::constant_time_eq(order_link_token(secret, order_id).as_bytes(), token.as_bytes())
}

/// The token of a bill's link (`/b/<id>?token=b.…`): an HMAC of its id, so
/// every answer and message can carry it and nothing is stored. 144 bits.
pub fn bill_token(secret: &[u8], bill_id: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"bill:");
    mac.update(bill_id.as_bytes());
    format!("b.{}", crate::domain::encoding::b64url(&mac.finalize().into_bytes()[..18]))
}

pub fn check_bill_token(secret: &[u8], bill_id: &str, token: &str) -> bool {
    crate::domain::encoding::constant_time_eq(bill_token(secret, bill_id).as_bytes(), token.as_bytes())
}

#[cfg(test)]
mod order_link_tests {

    #[test]
    fn bill_tokens_bind_the_bill_and_differ_from_order_links() {
        let t = bill_token(b"s", "b1");
        assert!(t.starts_with("b.") && check_bill_token(b"s", "b1", &t));
        assert!(!check_bill_token(b"s", "b2", &t) && !check_bill_token(b"other", "b1", &t));
        assert!(!check_order_link_token(b"s", "b1", &t.replacen("b.", "l.", 1)), "an order link is another purpose");
    }
    use super::*;

    #[test]
    fn order_link_tokens_bind_the_order() {
        let t = order_link_token(b"s", "o1");
        assert!(t.starts_with("l."));
        assert!(check_order_link_token(b"s", "o1", &t));
        assert!(!check_order_link_token(b"s", "o2", &t));
        assert_ne!(t, unsubscribe_token(b"s", "o1"));
    }
}

fn mac(secret: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// The six-digit password-reset code that the outbox row `outbox_id` sends:
/// derived when the message goes out from the row id and the service's
/// secret, so the code itself is never written anywhere.
pub fn reset_code(secret: &[u8], outbox_id: &str) -> String {
    let m = mac(secret, &[b"reset-code:", outbox_id.as_bytes()]);
    // 2^64 mod 10^6 is 551,616: the bias toward low codes is below 10^-13.
    let n = u64::from_be_bytes(m[..8].try_into().expect("8 bytes")) % 1_000_000;
    format!("{n:06}")
}

/// What is stored for a reset code: an HMAC under the service's secret (a
/// plain hash of a six-digit code is undone by trying all million).
pub fn reset_code_hash(secret: &[u8], user_id: &str, code: &str) -> String {
    hex(&mac(secret, &[b"reset-hash:", user_id.as_bytes(), b":", code.as_bytes()]))
}

#[cfg(test)]
mod reset_code_tests {
    use super::*;

    #[test]
    fn reset_codes_are_six_digits_bound_to_the_row_and_the_secret() {
        let c = reset_code(b"s", "row1");
        assert_eq!(c.len(), 6);
        assert!(c.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(c, reset_code(b"s", "row1"), "the same row sends the same code on a retry");
        assert_ne!(c, reset_code(b"s", "row2"));
        assert_ne!(c, reset_code(b"t", "row1"));
        let h = reset_code_hash(b"s", "u1", &c);
        assert_eq!(h.len(), 64);
        assert_ne!(h, reset_code_hash(b"s", "u2", &c), "bound to the account");
        assert_ne!(h, hash_secret(&c), "not a plain hash");
    }

    #[test]
    fn reset_codes_spread_over_all_digits() {
        let codes: std::collections::HashSet<String> = (0..2000).map(|i| reset_code(b"k", &i.to_string())).collect();
        assert!(codes.len() > 1990, "{} distinct of 2000", codes.len());
        assert!(codes.iter().any(|c| c.starts_with('0')), "leading zeros are kept");
    }
}
