//! What pages may put into markup besides maud's own escaped text: a URL
//! for `href`/`src` that passed the scheme check (`SafeUrl`), and a
//! percent-encoded query value (`Query`). maud escapes every `(expr)`; markup
//! can only come from the template source itself.

use maud::Render;

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

/// A URL for `href`/`src`: only `https:`, `http:` and same-site paths pass;
/// anything else (`javascript:`, `data:`, `//host`) becomes `#`.
pub struct SafeUrl<'a>(pub &'a str);

impl SafeUrl<'_> {
    pub fn is_safe(u: &str) -> bool {
        u.starts_with("https://") || u.starts_with("http://") || (u.starts_with('/') && !u.starts_with("//"))
    }
}

impl Render for SafeUrl<'_> {
    fn render_to(&self, buffer: &mut String) {
        escape(if SafeUrl::is_safe(self.0) { self.0 } else { "#" }, buffer);
    }
}

/// One query-string (or path) value, percent-encoded, then escaped (harmlessly).
pub struct Query<'a>(pub &'a str);

impl Render for Query<'_> {
    fn render_to(&self, buffer: &mut String) {
        escape(&encode_component(self.0), buffer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use maud::html;

    #[test]
    fn text_is_escaped() {
        let title = "\" onmouseover=\"alert(1)";
        let body = "<script>alert('x')</script> & co";
        let h = html! { p title=(title) { (body) } };
        assert_eq!(
            h.into_string(),
            "<p title=\"&quot; onmouseover=&quot;alert(1)\">&lt;script&gt;alert('x')&lt;/script&gt; &amp; co</p>"
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
            assert_eq!(
                html! { a href=(SafeUrl(input)) {} }.into_string(),
                format!("<a href=\"{out}\"></a>"),
                "{input}"
            );
        }
    }

    #[test]
    fn query_values_are_percent_encoded() {
        let h = html! { a href={ "/x?q=" (Query("JOIN jpn25 | Nama: Siti & \"Co\"")) } {} };
        assert_eq!(h.into_string(), "<a href=\"/x?q=JOIN%20jpn25%20%7C%20Nama%3A%20Siti%20%26%20%22Co%22\"></a>");
        assert_eq!(encode_component("a b/c"), "a%20b%2Fc");
    }
}
