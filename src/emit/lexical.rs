//! The spelling of single tokens in generated TypeScript, as Prettier writes them: string
//! literals, number literals, property names, the text inside a template literal, and JSDoc
//! comments. Nothing here knows about layout or about the IR beyond the identifier rule.
//!
//! This is the one place schema text (names, descriptions, titles, labels, enum values,
//! routes, defaults...) is made safe for generated code; views never print it any other way.
//! Whatever the text holds, the token it becomes is one token: a string or template literal
//! cannot be ended or interpolated from inside, a comment cannot be closed from inside, and no
//! generated file holds a carriage return, a raw control character, a line or paragraph
//! separator (U+2028, U+2029) or an invisible bidirectional control. A string literal never
//! holds `</` or `<!` either, so generated code can be inlined in an HTML `<script>`.

use crate::ir::names::is_identifier;
use crate::text::is_unprintable;

/// What delimits a literal's text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Delimiter {
    Quote(char),
    Backtick,
}

/// The text of a string or template literal: every character that could end the literal,
/// interpolate, break a line or hide is escaped.
fn literal_text(s: &str, delimiter: Delimiter) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            // `</script>` and `<!--` would end or confuse an HTML script element.
            '<' if matches!(next, Some('/' | '!')) => out.push_str("\\u003c"),
            c if delimiter == Delimiter::Quote(c) => {
                out.push('\\');
                out.push(c);
            }
            '`' if delimiter == Delimiter::Backtick => out.push_str("\\`"),
            '$' if delimiter == Delimiter::Backtick && next == Some('{') => out.push_str("\\$"),
            c if is_unprintable(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A TypeScript string literal as Prettier writes it: double quotes unless the text holds more
/// double than single quotes; backslashes, the quote, control characters, line and paragraph
/// separators, bidirectional controls and the `<` of `</` and `<!` escaped (`${` and backticks
/// are inert in a quoted string).
pub fn string_literal(s: &str) -> String {
    let doubles = s.matches('"').count();
    let singles = s.matches('\'').count();
    let quote = if doubles > singles { '\'' } else { '"' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    out.push_str(&literal_text(s, Delimiter::Quote(quote)));
    out.push(quote);
    out
}

/// A string literal in a data value: only [`Quoted::new`] makes one, from the text it stands
/// for, so a value in the syntax tree cannot hold unescaped text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quoted(String);

impl Quoted {
    /// The literal of `text`, spelled by [`string_literal`].
    pub fn new(text: &str) -> Quoted {
        Quoted(string_literal(text))
    }

    /// The literal as written, quotes included.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Prettier's spelling of a JSON number literal: lower-case, no `+` in the exponent, no
/// trailing zeros after the first decimal digit, no trailing dot.
pub fn number_literal(raw: &str) -> String {
    let s = raw.to_ascii_lowercase().replace("e+", "e");
    let (mut m, exponent) = match s.find('e') {
        Some(i) => (s[..i].to_owned(), &s[i..]),
        None => (s.clone(), ""),
    };
    if let Some(dot) = m.find('.') {
        // (\.\d+?)0+ → keep at least one decimal digit.
        while m.len() > dot + 2 && m.ends_with('0') {
            m.pop();
        }
        if m.len() == dot + 1 {
            m.pop();
        }
    }
    if exponent != "e0" && exponent != "e-0" {
        m.push_str(exponent);
    }
    m
}

/// A property key in a type (interface or object type member): bare when it is an identifier
/// name (reserved words included: `class: string` is a property), quoted otherwise.
pub fn property_name(name: &str) -> String {
    if is_identifier(name) {
        name.to_owned()
    } else {
        string_literal(name)
    }
}

/// A property key in an object literal (a value): as [`property_name`], except `__proto__`,
/// which written plainly or quoted would set the object's prototype instead of defining a
/// property; computed, it is an own property like any other.
pub fn object_key(name: &str) -> String {
    if name == "__proto__" {
        format!("[{}]", string_literal(name))
    } else {
        property_name(name)
    }
}

/// Text inside a template literal: backslashes, backticks and `${` escaped, and every
/// character [`string_literal`] escapes besides quotes (line breaks included: the literal
/// stays on one line).
pub fn template_text(s: &str) -> String {
    literal_text(s, Delimiter::Backtick)
}

/// The lines of a JSDoc comment, unindented. Only [`doc_lines`] makes one from text, so a
/// comment in the syntax tree has always been through it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocLines(Vec<String>);

impl DocLines {
    /// No comment.
    pub fn none() -> DocLines {
        DocLines(Vec::new())
    }

    pub fn lines(&self) -> &[String] {
        &self.0
    }
}

/// The lines of schema text as a comment shows them: every line break (CRLF, CR, U+2028,
/// U+2029) one LF, a tab two spaces, other unprintable characters spelled out (`\u0007`), `*/`,
/// `</` and `<!` broken (`*\/`, `<\/`, `<\!`) so the text can neither end the comment nor
/// disturb an HTML script it is inlined in; trimmed, and each line without trailing space.
fn comment_text(text: &str) -> Vec<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        match c {
            '\r' if next == Some('\n') => {}
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\t' => out.push_str("  "),
            '*' if next == Some('/') => out.push_str("*\\"),
            '<' if matches!(next, Some('/' | '!')) => out.push_str("<\\"),
            c if is_unprintable(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    let trimmed = out.trim();
    if trimmed.is_empty() {
        return Vec::new();
    }
    trimmed
        .split('\n')
        .map(|l| l.trim_end().to_owned())
        .collect()
}

/// A JSDoc comment's lines, unindented (`/** text */` for one line), or none. The text goes
/// through [`comment_text`]: it cannot end the comment, and holds no CR.
pub fn doc_lines(text: Option<&str>, deprecated: bool) -> DocLines {
    let mut lines = text.map(comment_text).unwrap_or_default();
    if deprecated {
        lines.push("@deprecated".to_owned());
    }
    DocLines(match lines.len() {
        0 => Vec::new(),
        1 => vec![format!("/** {} */", lines[0])],
        _ => std::iter::once("/**".to_owned())
            .chain(lines.iter().map(|l| {
                if l.is_empty() {
                    " *".to_owned()
                } else {
                    format!(" * {l}")
                }
            }))
            .chain(std::iter::once(" */".to_owned()))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text holding every hostile class: comment and literal terminators, interpolation,
    /// quotes, backslashes, every line break, controls, separators, bidirectional controls, an
    /// HTML script end, and code meant to run.
    const HOSTILE: &str = "*/ console.log(\"PWNED\") /* `${process.exit(1)}` 'q' \\ \\u0041 \
                           a\nb\rc\r\nd\u{2028}e\u{2029}f \u{0}\u{7}\u{1b}\u{7f}\u{85}\t \
                           \u{202e}evil\u{2066} \u{feff} </script><script>alert(1)</script> <!-- x";

    /// The value of a string or template literal's text, decoded as JavaScript would, for the
    /// escapes the escapers write; `None` on anything else (an escape they never write).
    fn decode(body: &str) -> Option<String> {
        let mut out = String::new();
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            out.push(match chars.next()? {
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'b' => '\u{8}',
                'f' => '\u{c}',
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
                }
                c @ ('\\' | '"' | '\'' | '`' | '$') => c,
                _ => return None,
            });
        }
        Some(out)
    }

    /// Whether the raw text of a token is safe anywhere: nothing unprintable, no CR, and no
    /// `</` or `<!` for an HTML parser to see.
    fn printable(token: &str) -> bool {
        !token.chars().any(is_unprintable) && !token.contains("</") && !token.contains("<!")
    }

    /// The delimiter is only at the ends: every inner one is escaped.
    fn closes_only_at_the_end(token: &str, delimiter: char) -> bool {
        let inner = &token[1..token.len() - 1];
        let mut escaped = false;
        for c in inner.chars() {
            if !escaped && c == delimiter {
                return false;
            }
            escaped = !escaped && c == '\\';
        }
        !escaped
    }

    #[test]
    fn string_literals_keep_every_hostile_text_inside_one_token() {
        for text in [
            HOSTILE,
            "\"",
            "'",
            "\\",
            "\\\"",
            "a\r\nb",
            "</SCRIPT>",
            "\u{2028}",
        ] {
            let lit = string_literal(text);
            let quote = lit.chars().next().expect("quoted");
            assert!(matches!(quote, '"' | '\''), "{lit}");
            assert!(lit.ends_with(quote), "{lit}");
            assert!(closes_only_at_the_end(&lit, quote), "{lit}");
            assert!(printable(&lit), "{lit:?}");
            assert!(!lit.contains('\n'), "{lit:?}");
            assert_eq!(
                decode(&lit[1..lit.len() - 1]).as_deref(),
                Some(text),
                "{lit}"
            );
        }
    }

    #[test]
    fn string_literals_are_spelled_as_prettier_spells_them() {
        assert_eq!(
            string_literal("say \"hi\" ${x} \\"),
            r#"'say "hi" ${x} \\'"#
        );
        assert_eq!(string_literal("it's"), r#""it's""#);
        assert_eq!(string_literal("a\u{1}b\n"), r#""a\u0001b\n""#);
        assert_eq!(string_literal("a\rb"), r#""a\rb""#);
        assert_eq!(string_literal("\u{2028}\u{2029}"), r#""\u2028\u2029""#);
        assert_eq!(string_literal("\u{202e}\u{85}"), r#""\u202e\u0085""#);
        // `\<` would be unescaped by Prettier: `<` is written as a code point escape.
        assert_eq!(
            string_literal("</script><!--"),
            r#""\u003c/script>\u003c!--""#
        );
        assert_eq!(string_literal("a < b"), r#""a < b""#);
        assert_eq!(string_literal("*/`"), "\"*/`\"");
    }

    #[test]
    fn template_text_cannot_interpolate_or_end_the_literal() {
        assert_eq!(template_text("a`b${c}\\"), "a\\`b\\${c}\\\\");
        assert_eq!(template_text("$a {b} $"), "$a {b} $");
        assert_eq!(template_text("a\nb\r\u{2028}"), "a\\nb\\r\\u2028");
        assert_eq!(template_text("'\"</p>"), "'\"\\u003c/p>");
        for text in [HOSTILE, "`", "${", "$${", "\\${", "\\`"] {
            let t = template_text(text);
            let token = format!("`{t}`");
            assert!(closes_only_at_the_end(&token, '`'), "{token}");
            assert!(!token.contains('\n') && printable(&token), "{token:?}");
            // No `${` opens a substitution: each one is preceded by an escaping backslash.
            let mut escaped = false;
            let mut chars = t.chars().peekable();
            while let Some(c) = chars.next() {
                assert!(
                    escaped || !(c == '$' && chars.peek() == Some(&'{')),
                    "{token}"
                );
                escaped = !escaped && c == '\\';
            }
            assert_eq!(decode(&t).as_deref(), Some(text), "{token}");
        }
    }

    #[test]
    fn property_names_are_quoted_when_needed() {
        assert_eq!(property_name("user_id"), "user_id");
        assert_eq!(property_name("$ref"), "$ref");
        assert_eq!(property_name("café"), "café");
        // Reserved words are property names.
        for word in [
            "class",
            "delete",
            "default",
            "new",
            "__proto__",
            "constructor",
        ] {
            assert_eq!(property_name(word), word);
        }
        assert_eq!(property_name("content-type"), "\"content-type\"");
        assert_eq!(property_name("2fa"), "\"2fa\"");
        assert_eq!(property_name(""), "\"\"");
        // Alphanumeric to Rust, not an identifier to TypeScript.
        assert_eq!(property_name("x²"), "\"x²\"");
        assert_eq!(property_name("٣d"), "\"٣d\"");
        assert_eq!(property_name("a */ b: PWNED; /*"), "\"a */ b: PWNED; /*\"");
        assert_eq!(property_name("a\nb"), "\"a\\nb\"");
        assert_eq!(property_name("x\u{2028}"), "\"x\\u2028\"");
        assert_eq!(property_name("</script>"), "\"\\u003c/script>\"");
    }

    #[test]
    fn object_literal_keys_never_set_the_prototype() {
        assert_eq!(object_key("__proto__"), "[\"__proto__\"]");
        assert_eq!(object_key("constructor"), "constructor");
        assert_eq!(object_key("a-b"), "\"a-b\"");
        assert_eq!(object_key("class"), "class");
    }

    fn comment(text: &str) -> Vec<String> {
        doc_lines(Some(text), false).lines().to_vec()
    }

    #[test]
    fn doc_comments_cannot_be_closed_from_inside() {
        assert_eq!(comment("ends */ early"), ["/** ends *\\/ early */"]);
        assert_eq!(comment("**/ and */*/"), ["/** **\\/ and *\\/*\\/ */"]);
        assert_eq!(
            doc_lines(Some("two\n\nlines"), true).lines(),
            ["/**", " * two", " *", " * lines", " * @deprecated", " */"]
        );
        assert_eq!(doc_lines(Some("  "), false), DocLines::none());
        assert_eq!(doc_lines(None, true).lines(), ["/** @deprecated */"]);
    }

    #[test]
    fn doc_comments_break_lines_on_every_line_break_and_hold_no_cr() {
        let expected = ["/**", " * a", " * b", " * c", " * d", " * e", " */"];
        assert_eq!(comment("a\r\nb\rc\u{2028}d\u{2029}e"), expected);
        assert_eq!(comment("a \r\n\r\nb"), ["/**", " * a", " *", " * b", " */"]);
    }

    #[test]
    fn doc_comments_spell_out_what_they_cannot_show() {
        assert_eq!(
            comment("a\u{0}b\u{1b}[31m"),
            ["/** a\\u0000b\\u001b[31m */"]
        );
        assert_eq!(
            comment("x\u{202e}y\u{feff}z\u{85}"),
            ["/** x\\u202ey\\ufeffz\\u0085 */"]
        );
        assert_eq!(comment("a\tb"), ["/** a  b */"]);
        assert_eq!(
            comment("</script><script>PWNED()</script>"),
            ["/** <\\/script><script>PWNED()<\\/script> */"]
        );
        // No line of any comment may end it early or hold a raw control.
        for line in doc_lines(Some(HOSTILE), true).lines() {
            let inner = line
                .trim_start_matches("/**")
                .trim_end_matches("*/")
                .trim_start_matches(" *");
            assert!(!inner.contains("*/"), "{line}");
            assert!(printable(line), "{line:?}");
        }
    }

    #[test]
    fn numbers_are_spelled_as_prettier_spells_them() {
        assert_eq!(number_literal("1.50"), "1.5");
        assert_eq!(number_literal("1.0"), "1.0");
        assert_eq!(number_literal("1E+5"), "1e5");
        assert_eq!(number_literal("10"), "10");
        assert_eq!(number_literal("1.5e-7"), "1.5e-7");
    }
}
