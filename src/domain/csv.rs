//! CSV that Excel and Google Sheets open as it is: UTF-8 with a BOM (so
//! "Rp" and names with accents stay intact), CRLF rows, RFC 4180 quoting, and
//! every cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
//! a tab or a carriage return first) neutralised with a leading `'`.

/// A CSV document being written.
pub struct Csv {
    out: String,
}

impl Csv {
    /// A document starting with its BOM and its header row.
    pub fn new(header: &[&str]) -> Csv {
        let mut csv = Csv { out: String::from('\u{feff}') };
        csv.row(&header.iter().map(|h| Cell::Text(h)).collect::<Vec<_>>());
        csv
    }

    pub fn row(&mut self, cells: &[Cell<'_>]) {
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            match c {
                Cell::Text(t) => self.out.push_str(&cell(t)),
                Cell::Num(n) => self.out.push_str(&n.to_string()),
            }
        }
        self.out.push_str("\r\n");
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// One cell, safe to open: a would-be formula gets a leading `'`, and a
/// cell with a comma, quote or line break is quoted.
pub fn cell(value: &str) -> String {
    let neutral = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// A cell: text (neutralised and quoted as needed) or a whole number (a
/// negative number is a number, not a formula).
pub enum Cell<'a> {
    Text(&'a str),
    Num(i64),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_cells_quoted() {
        assert_eq!(cell("=HYPERLINK(\"http://x\",\"klik\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\"");
        for bad in ["+62812", "-1+1", "@SUM(A1)", "\tx"] {
            assert!(cell(bad).trim_start_matches('"').starts_with('\''), "{bad}");
        }
        assert_eq!(cell("Siti, Jakarta"), "\"Siti, Jakarta\"");
        assert_eq!(cell("baris\nkedua"), "\"baris\nkedua\"");
        assert_eq!(cell("Tokyo Banana"), "Tokyo Banana");
    }

    #[test]
    fn a_document_starts_with_its_bom_and_ends_rows_with_crlf() {
        let mut c = Csv::new(&["a", "b"]);
        c.row(&[Cell::Text("1"), Cell::Num(-5)]);
        let text = c.finish();
        assert!(text.starts_with('\u{feff}'));
        assert_eq!(&text[3..], "a,b\r\n1,-5\r\n");
    }
}
