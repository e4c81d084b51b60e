//! Password hashing: PBKDF2 at OWASP strength, stored as a self-describing
//! string `$pbkdf2-<digest>$i=<iterations>$<salt>$<hash>` (base64url), so the
//! cost can be raised later and old hashes upgraded at the next login.
//!
//! PBKDF2-HMAC-SHA512 at 210,000 iterations is used for new hashes: inside the
//! Worker it costs about half the CPU of PBKDF2-HMAC-SHA256 at 600,000 (the
//! equivalent OWASP setting; see BENCHMARKS.md). SHA-256 hashes still verify.

use super::encoding::{b64url, b64url_decode, constant_time_eq};
use super::ids::random_bytes;
use pbkdf2::pbkdf2_hmac;
use sha2::{Sha256, Sha512};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Digest {
    Sha256,
    Sha512,
}

impl Digest {
    fn name(self) -> &'static str {
        match self {
            Digest::Sha256 => "pbkdf2-sha256",
            Digest::Sha512 => "pbkdf2-sha512",
        }
    }

    fn from_name(name: &str) -> Option<Digest> {
        match name {
            "pbkdf2-sha256" => Some(Digest::Sha256),
            "pbkdf2-sha512" => Some(Digest::Sha512),
            _ => None,
        }
    }

    /// OWASP Password Storage Cheat Sheet minimums.
    pub fn owasp_iterations(self) -> u32 {
        match self {
            Digest::Sha256 => 600_000,
            Digest::Sha512 => 210_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    pub digest: Digest,
    pub iterations: u32,
}

/// What new passwords are hashed with.
pub const CURRENT: Params = Params { digest: Digest::Sha512, iterations: 210_000 };

const SALT_LEN: usize = 16;
const HASH_LEN: usize = 32;

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

/// Password policy: 8–128 characters. No composition rules (NIST SP 800-63B).
pub fn check_policy(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err(format!("must be at least {MIN_LEN} characters"));
    }
    if n > MAX_LEN {
        return Err(format!("must be at most {MAX_LEN} characters"));
    }
    Ok(())
}

fn derive(params: Params, password: &str, salt: &[u8]) -> [u8; HASH_LEN] {
    let mut out = [0u8; HASH_LEN];
    match params.digest {
        Digest::Sha256 => pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, params.iterations, &mut out),
        Digest::Sha512 => pbkdf2_hmac::<Sha512>(password.as_bytes(), salt, params.iterations, &mut out),
    }
    out
}

pub fn hash_with(params: Params, password: &str) -> String {
    let salt = random_bytes::<SALT_LEN>();
    let hash = derive(params, password, &salt);
    format!("${}$i={}${}${}", params.digest.name(), params.iterations, b64url(&salt), b64url(&hash))
}

pub fn hash(password: &str) -> String {
    hash_with(CURRENT, password)
}

struct Stored {
    params: Params,
    salt: Vec<u8>,
    hash: Vec<u8>,
}

fn parse_stored(stored: &str) -> Option<Stored> {
    let mut parts = stored.strip_prefix('$')?.split('$');
    let digest = Digest::from_name(parts.next()?)?;
    let iterations: u32 = parts.next()?.strip_prefix("i=")?.parse().ok()?;
    let salt = b64url_decode(parts.next()?)?;
    let hash = b64url_decode(parts.next()?)?;
    if parts.next().is_some() || iterations == 0 || salt.is_empty() || hash.is_empty() {
        return None;
    }
    Some(Stored { params: Params { digest, iterations }, salt, hash })
}

/// Checks `password` against a stored string; a malformed stored string never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    let Some(s) = parse_stored(stored) else {
        return false;
    };
    let mut out = vec![0u8; s.hash.len()];
    match s.params.digest {
        Digest::Sha256 => pbkdf2_hmac::<Sha256>(password.as_bytes(), &s.salt, s.params.iterations, &mut out),
        Digest::Sha512 => pbkdf2_hmac::<Sha512>(password.as_bytes(), &s.salt, s.params.iterations, &mut out),
    }
    constant_time_eq(&out, &s.hash)
}

/// True when a stored hash was made with weaker settings than `CURRENT`.
pub fn needs_rehash(stored: &str) -> bool {
    match parse_stored(stored) {
        Some(s) => s.params.digest != CURRENT.digest || s.params.iterations < CURRENT.iterations,
        None => true,
    }
}

/// A hash of a random password, verified against when the email is unknown so
/// that a login for a missing account costs the same time as a wrong password.
pub fn decoy_hash() -> String {
    let salt = [7u8; SALT_LEN];
    let hash = [0u8; HASH_LEN];
    format!("${}$i={}${}${}", CURRENT.digest.name(), CURRENT.iterations, b64url(&salt), b64url(&hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: Params = Params { digest: Digest::Sha512, iterations: 1_000 };

    #[test]
    fn current_settings_meet_owasp() {
        assert!(CURRENT.iterations >= CURRENT.digest.owasp_iterations());
    }

    #[test]
    fn hash_is_self_describing_and_salted() {
        let a = hash_with(FAST, "rahasia123");
        let b = hash_with(FAST, "rahasia123");
        assert!(a.starts_with("$pbkdf2-sha512$i=1000$"), "{a}");
        assert_eq!(a.split('$').count(), 5);
        assert_ne!(a, b, "a fresh salt every time");
    }

    #[test]
    fn verify_accepts_right_and_refuses_wrong() {
        let h = hash_with(FAST, "rahasia123");
        assert!(verify("rahasia123", &h));
        assert!(!verify("rahasia124", &h));
        assert!(!verify("", &h));
    }

    #[test]
    fn sha256_hashes_still_verify_and_need_rehash() {
        let h = hash_with(Params { digest: Digest::Sha256, iterations: 1_000 }, "pw-sha256!");
        assert!(h.starts_with("$pbkdf2-sha256$"));
        assert!(verify("pw-sha256!", &h));
        assert!(needs_rehash(&h));
    }

    #[test]
    fn weaker_iterations_need_rehash_current_do_not() {
        assert!(needs_rehash(&hash_with(FAST, "x")));
        let current = format!("$pbkdf2-sha512$i={}$AAAAAAAAAAAAAAAAAAAAAA$AAAA", CURRENT.iterations);
        assert!(!needs_rehash(&current));
    }

    #[test]
    fn known_vector_pbkdf2_hmac_sha256() {
        // RFC 7914 §11: PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1, dkLen=64 (first 32 bytes).
        let mut out = [0u8; 32];
        pbkdf2_hmac::<Sha256>(b"passwd", b"salt", 1, &mut out);
        assert_eq!(
            crate::domain::encoding::hex(&out),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        );
    }

    #[test]
    fn malformed_stored_strings_never_match() {
        for bad in [
            "",
            "plain",
            "$md5$i=1$AA$AA",
            "$pbkdf2-sha512$i=0$AA$AA",
            "$pbkdf2-sha512$i=x$AA$AA",
            "$pbkdf2-sha512$i=10$!!$AA",
        ] {
            assert!(!verify("x", bad), "{bad}");
            assert!(needs_rehash(bad));
        }
        assert!(!verify("x", &decoy_hash()));
    }

    #[test]
    fn policy_bounds() {
        assert!(check_policy("1234567").is_err());
        assert!(check_policy("12345678").is_ok());
        assert!(check_policy(&"x".repeat(129)).is_err());
    }
}
