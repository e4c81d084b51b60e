//! The WhatsApp command parser, made tolerant of how people type:
//! `JOIN jpn25 | Nama: Siti`, `join  JPN25|nama :siti`, `JOIN jpn25 Siti`,
//! `INFO jpn25`, `STOP jpn25`, and `KONFIRMASI K7Q2MX` (the code a web join
//! or web order shows, sent from the phone it names); and ordering in the
//! chat: `PESAN tkbnn 2, kitkat 3 | catatan: pink` (also `ORDER`, one item per
//! line or comma), `REKAP jpn25` / `TAGIHAN jpn25`, `BATAL tkbnn`. Anything
//! else is not a command.

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
    /// Orders by product code: every item, or `bad` names the first part not
    /// understood (answered with how to write it); no item is "how do I order?".
    Order {
        items: Vec<(String, i64)>,
        notes: Option<String>,
        bad: Option<String>,
    },
    /// The sender's bill in a trip.
    Bill {
        trip: String,
    },
    /// Removes the sender's unpaid line of a product.
    Cancel {
        product: String,
    },
}

/// The most items one chat order takes (the web cart's limit).
pub const MAX_CHAT_ITEMS: usize = 20;

/// A product code as the pages show it (`/o/<code>`): 3–30 letters, digits, `_`, `-`.
fn product_code(word: &str) -> Option<String> {
    let ok = (3..=30).contains(&word.len()) && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    ok.then(|| word.to_ascii_lowercase())
}

/// A quantity as people type it: `2`, `x2`, `2x`, `2pcs`, `2 pcs`.
fn quantity(word: &str) -> Option<i64> {
    let w = word.to_ascii_lowercase();
    let w = w.trim_start_matches('x').trim_end_matches("pcs").trim_end_matches('x');
    (!w.is_empty() && w.len() <= 4 && w.bytes().all(|b| b.is_ascii_digit())).then(|| w.parse().ok()).flatten()
}

/// `tkbnn 2`, `2 tkbnn`, `tkbnn x2`, `tkbnn` (one): the code and how many.
fn order_item(part: &str) -> Result<(String, i64), String> {
    let words: Vec<&str> = part.split_whitespace().filter(|w| !w.eq_ignore_ascii_case("pcs")).collect();
    let (code, count) = match words.as_slice() {
        [one] => (product_code(one), Some(1)),
        [a, b] => match (quantity(a), quantity(b)) {
            (_, Some(q)) => (product_code(a), Some(q)),
            (Some(q), None) => (product_code(b), Some(q)),
            (None, None) => (None, None),
        },
        _ => (None, None),
    };
    match (code, count) {
        (Some(code), Some(q)) if (1..=1000).contains(&q) => Ok((code, q)),
        _ => Err(part.trim().chars().take(40).collect()),
    }
}

fn parse_order(rest: &str) -> Command {
    let (list, notes) = match rest.split_once('|') {
        Some((list, notes)) => (list, name_part_labelled(notes, &["catatan", "notes", "note"])),
        None => (rest, None),
    };
    let mut items: Vec<(String, i64)> = Vec::new();
    let mut bad = None;
    for part in list.split([',', ';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        match order_item(part) {
            Ok((code, q)) => match items.iter_mut().find(|(c, _)| *c == code) {
                Some(item) => item.1 += q,
                None => items.push((code, q)),
            },
            Err(what) => {
                bad.get_or_insert(what);
            }
        }
    }
    if items.len() > MAX_CHAT_ITEMS {
        bad.get_or_insert(format!("lebih dari {MAX_CHAT_ITEMS} barang"));
    }
    Command::Order { items, notes, bad }
}

/// Text after an optional label (`Catatan:`), cleaned like a name but up to 500 characters.
fn name_part_labelled(rest: &str, labels: &[&str]) -> Option<String> {
    let rest = rest.trim();
    let value =
        labels.iter().find_map(|label| strip_label(rest, label)?.trim_start().strip_prefix(':')).unwrap_or(rest);
    let value: String = value.split_whitespace().collect::<Vec<_>>().join(" ");
    let value: String = value.chars().filter(|c| !c.is_control()).take(500).collect();
    (!value.is_empty()).then_some(value)
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
    if matches!(verb.to_ascii_uppercase().as_str(), "PESAN" | "ORDER") {
        return Some(parse_order(rest));
    }
    if verb.eq_ignore_ascii_case("BATAL") {
        let word = rest.trim();
        return product_code(word).map(|product| Command::Cancel { product });
    }
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
        "REKAP" | "TAGIHAN" if tail.trim().is_empty() => Some(Command::Bill { trip }),
        _ => None,
    }
}

/// The amount in a proof photo's caption, as people write it: `250.000`,
/// `Rp 250.000`, `rp250000`, `250rb`, `250k`, `1,2jt` (the first amount of at
/// least Rp 1.000 in the text); `None` when there is none.
pub fn caption_amount(caption: &str) -> Option<i64> {
    let lower = caption.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        let mut w = words[i].trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '.' && c != ',');
        w = w.trim_end_matches(['.', ',']);
        if matches!(w, "rp" | "rp." | "idr") {
            i += 1;
            continue;
        }
        let w = w.strip_prefix("rp.").or_else(|| w.strip_prefix("rp")).or_else(|| w.strip_prefix("idr")).unwrap_or(w);
        let (number, scale) = [("jt", 1_000_000), ("rb", 1_000), ("k", 1_000)]
            .iter()
            .find_map(|(suffix, scale)| w.strip_suffix(suffix).map(|n| (n, *scale)))
            .unwrap_or((w, 1));
        let amount = if scale == 1 {
            super::money::parse_rupiah(number).ok()
        } else {
            // "1,2jt" / "1.5jt" / "250rb": a decimal of the unit.
            let (whole, frac) = number.split_once([',', '.']).unwrap_or((number, ""));
            let ok = !whole.is_empty()
                && whole.len() <= 4
                && frac.len() <= 3
                && whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit());
            ok.then(|| {
                let f = if frac.is_empty() { 0 } else { frac.parse::<i64>().unwrap_or(0) };
                whole.parse::<i64>().unwrap_or(0) * scale + f * scale / 10_i64.pow(frac.len() as u32)
            })
        };
        if let Some(a) = amount.filter(|a| (1_000..=1_000_000_000).contains(a)) {
            return Some(a);
        }
        i += 1;
    }
    None
}

/// A bare number answering a numbered question (`1`, `2.`, ` 3 `): 1–9.
pub fn choice_number(text: &str) -> Option<usize> {
    let t = text.trim().trim_end_matches(['.', ')']);
    match t.len() == 1 {
        true => t.parse::<usize>().ok().filter(|n| (1..=9).contains(n)),
        false => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_in_a_caption() {
        use super::caption_amount;
        for (caption, want) in [
            ("tf 250.000 ya kak", Some(250_000)),
            ("Rp 125.000", Some(125_000)),
            ("rp125000", Some(125_000)),
            ("udah transfer 250rb", Some(250_000)),
            ("dp 1,2jt kak", Some(1_200_000)),
            ("150k", Some(150_000)),
            ("bukti tf tagihan 2", None),
            ("", None),
            ("5 pcs", None),
        ] {
            assert_eq!(caption_amount(caption), want, "{caption}");
        }
    }

    #[test]
    fn a_bare_choice() {
        use super::choice_number;
        assert_eq!(choice_number(" 2 "), Some(2));
        assert_eq!(choice_number("1."), Some(1));
        assert_eq!(choice_number("0"), None);
        assert_eq!(choice_number("12"), None);
        assert_eq!(choice_number("halo"), None);
    }

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

    fn order(items: &[(&str, i64)], notes: Option<&str>, bad: Option<&str>) -> Option<Command> {
        Some(Command::Order {
            items: items.iter().map(|(c, q)| (c.to_string(), *q)).collect(),
            notes: notes.map(String::from),
            bad: bad.map(String::from),
        })
    }

    #[test]
    fn an_order_in_the_chat_is_read_the_ways_people_write_it() {
        assert_eq!(parse("PESAN tkbnn 2"), order(&[("tkbnn", 2)], None, None));
        assert_eq!(
            parse("pesan TKBNN 2, kitkat 3 | catatan: pink"),
            order(&[("tkbnn", 2), ("kitkat", 3)], Some("pink"), None)
        );
        assert_eq!(
            parse("ORDER tkbnn x2\nkitkat 3pcs\n2 royce"),
            order(&[("tkbnn", 2), ("kitkat", 3), ("royce", 2)], None, None)
        );
        assert_eq!(parse("Pesan tkbnn"), order(&[("tkbnn", 1)], None, None), "one when no number");
        assert_eq!(
            parse("PESAN tkbnn 1, tkbnn 2"),
            order(&[("tkbnn", 3)], None, None),
            "the same code twice is one line"
        );
        assert_eq!(parse("PESAN tkbnn dua"), order(&[], None, Some("tkbnn dua")), "a word for a number is named back");
        assert_eq!(parse("PESAN"), order(&[], None, None));
        assert_eq!(parse("PESAN tkbnn 0"), order(&[], None, Some("tkbnn 0")));
        assert_eq!(parse("REKAP jpn25"), Some(Command::Bill { trip: "jpn25".into() }));
        assert_eq!(parse("tagihan JPN25"), Some(Command::Bill { trip: "jpn25".into() }));
        assert_eq!(parse("BATAL tkbnn"), Some(Command::Cancel { product: "tkbnn".into() }));
        assert_eq!(parse("BATAL"), None);
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
