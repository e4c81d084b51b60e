//! What an error report may not carry: phone numbers, tokens, cookies,
//! email addresses. Applied to every text sent to Sentry.

/// `text` with phone-like digit runs, bearer tokens, `token=`/`code=` values,
/// JWT-like strings, cookies and email addresses replaced by placeholders.
pub fn scrub(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_inclusive(|c: char| c.is_whitespace() || matches!(c, '&' | '?' | ',' | '"' | ';')) {
        out.push_str(&scrub_word(word));
    }
    out
}

fn scrub_word(word: &str) -> String {
    let (core, sep) = match word.char_indices().last() {
        Some((at, c)) if c.is_whitespace() || matches!(c, '&' | '?' | ',' | '"' | ';') => (&word[..at], &word[at..]),
        _ => (word, ""),
    };
    let lowered = core.to_ascii_lowercase();
    // `name=value` pairs whose value is a secret.
    if let Some((name, _)) = core.split_once('=') {
        let n = name.to_ascii_lowercase();
        if ["token", "code", "key", "secret", "password", "cookie", "__host-jastipin", "jastipin_refresh", "p", "t"]
            .iter()
            .any(|s| n.ends_with(s))
        {
            return format!("{name}=[scrubbed]{sep}");
        }
    }
    if lowered.starts_with("eyj") && core.matches('.').count() == 2 {
        return format!("[token]{sep}");
    }
    if core.contains('@') && core.contains('.') {
        return format!("[email]{sep}");
    }
    // Digit runs of 8 or more (a phone number, with or without +, spaces aside) anywhere in the word.
    let mut cleaned = String::with_capacity(core.len());
    let mut run = String::new();
    let flush = |run: &mut String, cleaned: &mut String| {
        if run.chars().filter(char::is_ascii_digit).count() >= 8 {
            cleaned.push_str("[phone]");
        } else {
            cleaned.push_str(run);
        }
        run.clear();
    };
    for c in core.chars() {
        if c.is_ascii_digit() || (c == '+' && run.is_empty()) {
            run.push(c);
        } else {
            flush(&mut run, &mut cleaned);
            cleaned.push(c);
        }
    }
    flush(&mut run, &mut cleaned);
    format!("{cleaned}{sep}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_tokens_cookies_and_emails_go() {
        let s = scrub("send to 6281234567890 failed: +6281299990000 GET /order/ab12?token=secret123&x=1 Bearer eyJhbGc.eyJzdWIi.sig cookie __Host-jastipin=abcdef; tina@example.com");
        for leak in ["6281234567890", "6281299990000", "secret123", "eyJhbGc", "abcdef", "tina@example.com"] {
            assert!(!s.contains(leak), "{leak} in {s}");
        }
        assert!(s.contains("[phone]"));
        assert!(s.contains("token=[scrubbed]"));
    }

    #[test]
    fn ordinary_text_stays() {
        assert_eq!(scrub("D1 error: no such table orders (500)"), "D1 error: no such table orders (500)");
        assert_eq!(scrub("order 1234567 of 2026"), "order 1234567 of 2026", "short numbers are not phones");
    }

    #[test]
    fn ids_keep_their_shape_but_lose_long_digit_runs() {
        assert_eq!(scrub("wamid.HBgN6281234567890FQ"), "wamid.HBgN[phone]FQ");
    }
}
