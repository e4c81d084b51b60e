//! Random identifiers and secrets. `getrandom` reads `crypto.getRandomValues`
//! in the Worker and the OS generator on the host.

use super::encoding::{b64url, hex};

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // The platform generator failing is not recoverable; the Worker would be broken.
    getrandom::fill(&mut buf).expect("random generator unavailable");
    buf
}

/// A new row id: 16 random bytes as 32 hex characters.
pub fn new_id() -> String {
    hex(&random_bytes::<16>())
}

/// A bearer secret (refresh token, order access token): 32 random bytes, base64url.
pub fn new_secret() -> String {
    b64url(&random_bytes::<32>())
}

/// Short random lower-case alphanumeric string, e.g. generated product slugs.
pub fn random_alnum(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    // 32 symbols: one random byte's low 5 bits pick one uniformly.
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in random_bytes::<16>() {
            if out.len() == len {
                break;
            }
            out.push(ALPHABET[(b & 31) as usize] as char);
        }
    }
    out
}

/// The symbols of codes people type or send from a `wa.me` link: upper
/// case without look-alikes (no 0/O, 1/I/L, 5/S, 8/B, 2/Z).
pub const CODE_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";

fn code_of(len: usize) -> String {
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in random_bytes::<16>() {
            // 25 symbols: bytes below 250 (10 × 25) pick one uniformly.
            if b < 250 && out.len() < len {
                out.push(CODE_ALPHABET[(b % 25) as usize] as char);
            }
        }
    }
    out
}

/// A penitip's confirmation code (a web join or order): six symbols. It
/// grants nothing by itself: only a message from the phone it was made for
/// confirms with it.
pub fn confirm_code() -> String {
    code_of(super::command::CONFIRM_CODE_LEN)
}

/// A jastiper's connect code: ten symbols (46 bits), because it is matched
/// across every account and whoever sends it becomes her notification
/// number. The first four name the code (`connect_code_handle`), so a wrong
/// guess at a live code counts against that code.
pub fn connect_code() -> String {
    code_of(super::command::CONNECT_CODE_LEN)
}

/// The part of a connect code that names it.
pub fn connect_code_handle(code: &str) -> &str {
    code.get(..4).unwrap_or(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirm_codes_are_six_unambiguous_symbols() {
        for _ in 0..50 {
            let c = confirm_code();
            assert_eq!(c.len(), 6);
            assert!(c.bytes().all(|b| b"ACDEFGHJKMNPQRTUVWXY34679".contains(&b)), "{c}");
            assert_eq!(
                crate::domain::command::parse(&format!("KONFIRMASI {c}")),
                Some(crate::domain::command::Command::Confirm { code: c })
            );
        }
    }

    #[test]
    fn connect_codes_are_ten_unambiguous_symbols_a_message_carries() {
        let c = connect_code();
        assert_eq!(c.len(), 10);
        assert!(c.bytes().all(|b| CODE_ALPHABET.contains(&b)), "{c}");
        assert_eq!(connect_code_handle(&c), &c[..4]);
        assert_eq!(
            crate::domain::command::parse(&format!("konfirmasi {}", c.to_lowercase())),
            Some(crate::domain::command::Command::Confirm { code: c })
        );
    }

    #[test]
    fn ids_are_unique_and_well_formed() {
        let a = new_id();
        let b = new_id();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn secrets_carry_256_bits() {
        let s = new_secret();
        assert_eq!(s.len(), 43);
        assert_ne!(s, new_secret());
    }

    #[test]
    fn random_alnum_has_requested_length_and_alphabet() {
        let s = random_alnum(5);
        assert_eq!(s.len(), 5);
        assert!(s.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
    }
}
