//! The WhatsApp command parser, made tolerant of how people type:
//! `JOIN jpn25 | Nama: Siti`, `join  JPN25|nama :siti`, `JOIN jpn25 Siti`,
//! `INFO jpn25`, `STOP jpn25`, and `KONFIRMASI K7Q2MX` (the code a web join
//! or web order shows, sent from the phone it names). Anything else is not a
//! command.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Join {
        trip: String,
        name: Option<String>,
    },
    Info {
        trip: String,
    },
    Stop {
        trip: String,
    },
    /// Confirms a web join or order: only a message from its phone carries this code.
    Confirm {
        code: String,
    },
}

/// The length of a penitip's confirmation code (`domain::ids::confirm_code`).
pub const CONFIRM_CODE_LEN: usize = 6;
/// The length of a jastiper's connect code (`domain::ids::connect_code`).
pub const CONNECT_CODE_LEN: usize = 10;

fn slug(word: &str) -> Option<String> {
    let ok = (3..=10).contains(&word.len()) && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    ok.then(|| word.to_ascii_lowercase())
}

/// `rest` without a leading ASCII `label` in any case. Compares on the
/// original text: lower-casing first would change byte offsets (`K` → `k`,
/// `İ` → `i̇`), and slicing by them panicked.
fn strip_label<'a>(rest: &'a str, label: &str) -> Option<&'a str> {
    let head = rest.get(..label.len())?;
    head.eq_ignore_ascii_case(label).then(|| &rest[label.len()..])
}

/// Strips an optional `Nama:` / `Name:` label (any case, spaces around the colon).
fn name_part(rest: &str) -> Option<String> {
    let rest = rest.trim().trim_start_matches('|').trim();
    let value = ["nama", "name"]
        .iter()
        .find_map(|label| strip_label(rest, label)?.trim_start().strip_prefix(':'))
        .unwrap_or(rest);
    let value: String = value.split_whitespace().collect::<Vec<_>>().join(" ");
    let value: String = value.chars().filter(|c| !c.is_control()).take(100).collect();
    (!value.is_empty()).then_some(value)
}

pub fn parse(text: &str) -> Option<Command> {
    let text = text.trim();
    let (verb, rest) = text.split_once(|c: char| c.is_whitespace()).unwrap_or((text, ""));
    let rest = rest.trim_start();
    // The slug ends at whitespace or at the `|` that starts the name.
    let end = rest.find(|c: char| c.is_whitespace() || c == '|').unwrap_or(rest.len());
    let (word, tail) = rest.split_at(end);
    if matches!(verb.to_ascii_uppercase().as_str(), "KONFIRMASI" | "CONFIRM") && tail.trim().is_empty() {
        let ok = [CONFIRM_CODE_LEN, CONNECT_CODE_LEN].contains(&word.len())
            && word.bytes().all(|b| b.is_ascii_alphanumeric());
        return ok.then(|| Command::Confirm { code: word.to_ascii_uppercase() });
    }
    let trip = slug(word)?;
    match verb.to_ascii_uppercase().as_str() {
        "JOIN" => Some(Command::Join { trip, name: name_part(tail) }),
        "INFO" if tail.trim().is_empty() => Some(Command::Info { trip }),
        "STOP" if tail.trim().is_empty() => Some(Command::Stop { trip }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(trip: &str, name: Option<&str>) -> Option<Command> {
        Some(Command::Join { trip: trip.into(), name: name.map(String::from) })
    }

    #[test]
    fn letters_that_change_length_when_lower_cased_do_not_panic() {
        // Before: the name's offset was taken from the lower-cased copy, where K is 1 byte, not 3.
        assert_eq!(parse("JOIN jpn25 | Nama:\u{212A}"), join("jpn25", Some("\u{212A}")));
        for text in ["JOIN x | Nama:K", "JOIN jpn25 | İİİİ:Siti", "JOIN jpn25 ΩΩ Nama: x", "JOIN jpn25 KKKK: Kelvin"]
        {
            let _ = parse(text);
        }
        assert_eq!(parse("JOIN jpn25 | Nama:Kelvin"), join("jpn25", Some("Kelvin")));
        assert_eq!(parse("JOIN jpn25 | İstanbul"), join("jpn25", Some("İstanbul")));
    }

    #[test]
    fn a_confirmation_carries_its_code() {
        assert_eq!(parse("KONFIRMASI K7Q2MX"), Some(Command::Confirm { code: "K7Q2MX".into() }));
        assert_eq!(parse(" konfirmasi  k7q2mx "), Some(Command::Confirm { code: "K7Q2MX".into() }));
        assert_eq!(parse("KONFIRMASI K7Q2"), None);
        assert_eq!(parse("KONFIRMASI K7Q2MX lagi"), None);
    }

    #[test]
    fn the_specs_examples() {
        assert_eq!(parse("JOIN jpn25 | Nama: Siti"), join("jpn25", Some("Siti")));
        assert_eq!(parse("INFO jpn25"), Some(Command::Info { trip: "jpn25".into() }));
        assert_eq!(parse("STOP jpn25"), Some(Command::Stop { trip: "jpn25".into() }));
    }

    #[test]
    fn tolerant_of_case_spacing_and_labels() {
        assert_eq!(parse("  join   JPN25|nama :  Siti   Aminah "), join("jpn25", Some("Siti Aminah")));
        assert_eq!(parse("Join jpn25 | Name: Budi"), join("jpn25", Some("Budi")));
        assert_eq!(parse("JOIN jpn25 Siti"), join("jpn25", Some("Siti")));
        assert_eq!(parse("JOIN jpn25"), join("jpn25", None));
        assert_eq!(parse("JOIN jpn25 |"), join("jpn25", None));
        assert_eq!(parse("info\tKOR-1"), Some(Command::Info { trip: "kor-1".into() }));
        assert_eq!(parse("stop jpn25\n"), Some(Command::Stop { trip: "jpn25".into() }));
        assert_eq!(parse("JOIN jpn25 | Nama: Dédé 🌸"), join("jpn25", Some("Dédé 🌸")));
    }

    #[test]
    fn everything_else_is_not_a_command() {
        for text in [
            "",
            "halo kak",
            "JOIN",
            "JOIN jp",
            "JOIN japan-2025x",
            "JOIN jpn!5",
            "INFO jpn25 please",
            "STOPjpn25",
            "Body Text",
            "BELI jpn25",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }
}
