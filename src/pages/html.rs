//! HTML that escapes by construction: literal markup can only be a
//! `&'static str` written in this crate; every other value goes through
//! `text` (escaped), `url` (escaped, safe schemes only) or `query`
//! (percent-encoded). There is no way to append an unescaped runtime string.

#[derive(Default)]
pub struct Html(String);

pub fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// Percent-encodes one URL query component (`application/x-www-form-urlencoded`).
pub fn encode_component(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20")
}

impl Html {
    pub fn new() -> Html {
        Html(String::with_capacity(8 * 1024))
    }

    /// Markup written in the source code.
    pub fn raw(&mut self, markup: &'static str) -> &mut Html {
        self.0.push_str(markup);
        self
    }

    /// Any runtime text, escaped for element content and quoted attributes.
    pub fn text(&mut self, s: &str) -> &mut Html {
        escape(s, &mut self.0);
        self
    }

    pub fn int(&mut self, n: i64) -> &mut Html {
        self.0.push_str(&n.to_string());
        self
    }

    /// A URL for `href`/`src`: only `https:`, `http:`, `mailto:`-free relative
    /// paths and `https://wa.me` pass; anything else (`javascript:`, `data:`) becomes `#`.
    pub fn url(&mut self, u: &str) -> &mut Html {
        let safe =
            u.starts_with("https://") || u.starts_with("http://") || (u.starts_with('/') && !u.starts_with("//"));
        escape(if safe { u } else { "#" }, &mut self.0);
        self
    }

    /// One query-string value, percent-encoded (then escaped, harmlessly).
    pub fn query(&mut self, s: &str) -> &mut Html {
        escape(&encode_component(s), &mut self.0);
        self
    }

    /// Another fragment built the same way.
    pub fn html(&mut self, other: &Html) -> &mut Html {
        self.0.push_str(&other.0);
        self
    }

    pub fn into_string(self) -> String {
        self.0
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        let mut h = Html::new();
        h.raw("<p title=\"")
            .text("\" onmouseover=\"alert(1)")
            .raw("\">")
            .text("<script>alert('x')</script> & co")
            .raw("</p>");
        assert_eq!(
            h.as_str(),
            "<p title=\"&quot; onmouseover=&quot;alert(1)\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co</p>"
        );
    }

    #[test]
    fn only_safe_urls_pass() {
        for (input, out) in [
            ("https://cdn.example/a.jpg", "https://cdn.example/a.jpg"),
            ("/join?trip=jpn25&x=1", "/join?trip=jpn25&amp;x=1"),
            ("javascript:alert(1)", "#"),
            ("data:text/html,<b>", "#"),
            ("//evil.example/x", "#"),
            ("JaVaScRiPt:alert(1)", "#"),
        ] {
            let mut h = Html::new();
            h.url(input);
            assert_eq!(h.as_str(), out, "{input}");
        }
    }

    #[test]
    fn query_values_are_percent_encoded() {
        let mut h = Html::new();
        h.raw("/x?q=").query("JOIN jpn25 | Nama: Siti & \"Co\"");
        assert_eq!(h.as_str(), "/x?q=JOIN%20jpn25%20%7C%20Nama%3A%20Siti%20%26%20%22Co%22");
        assert_eq!(encode_component("a b/c"), "a%20b%2Fc");
    }
}
