//! The spelling of single tokens in generated TypeScript, as Prettier writes them: string
//! literals, number literals, property names, the text inside a template literal, and JSDoc
//! comments. Nothing here knows about layout or about the IR beyond the identifier rule.

use crate::ir::names::is_identifier;

/// A TypeScript string literal as Prettier writes it: double quotes unless the text holds more
/// double than single quotes; backslashes, the quote and control characters escaped (`${` is
/// inert in a quoted string).
pub fn string_literal(s: &str) -> String {
    let doubles = s.matches('"').count();
    let singles = s.matches('\'').count();
    let quote = if doubles > singles { '\'' } else { '"' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
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

/// A property key: bare when it is an identifier, quoted otherwise.
pub fn property_name(name: &str) -> String {
    if is_identifier(name) {
        name.to_owned()
    } else {
        string_literal(name)
    }
}

/// Text inside a template literal: backslashes, backticks and `${` escaped.
pub fn template_text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('`', "\\`")
        .replace("${", "\\${")
}

/// The lines of a JSDoc comment, unindented (`/** text */` for one line), or none. `*/` in the
/// text is neutralised so it cannot end the comment early.
pub fn doc_lines(text: Option<&str>, deprecated: bool) -> Vec<String> {
    doc_comment(text, deprecated, "")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// A JSDoc comment (with `indent` before each line and a final newline), or `""`. `*/` in the
/// text is neutralised so it cannot end the comment early.
pub fn doc_comment(text: Option<&str>, deprecated: bool, indent: &str) -> String {
    let mut lines: Vec<String> = text
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.lines()
                .map(|l| l.trim_end().replace("*/", "*\\/"))
                .collect()
        })
        .unwrap_or_default();
    if deprecated {
        lines.push("@deprecated".to_owned());
    }
    match lines.len() {
        0 => String::new(),
        1 => format!("{indent}/** {} */\n", lines[0]),
        _ => {
            let mut out = format!("{indent}/**\n");
            for l in lines {
                if l.is_empty() {
                    out.push_str(&format!("{indent} *\n"));
                } else {
                    out.push_str(&format!("{indent} * {l}\n"));
                }
            }
            out.push_str(&format!("{indent} */\n"));
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_comments_cannot_be_closed_from_inside() {
        assert_eq!(
            doc_comment(Some("ends */ early"), false, ""),
            "/** ends *\\/ early */\n"
        );
        assert_eq!(
            doc_comment(Some("two\n\nlines"), true, "  "),
            "  /**\n   * two\n   *\n   * lines\n   * @deprecated\n   */\n"
        );
        assert_eq!(doc_comment(Some("  "), false, ""), "");
    }

    #[test]
    fn property_names_are_quoted_when_needed() {
        assert_eq!(property_name("user_id"), "user_id");
        assert_eq!(property_name("content-type"), "\"content-type\"");
        assert_eq!(property_name("2fa"), "\"2fa\"");
        assert_eq!(
            string_literal("say \"hi\" ${x} \\"),
            r#"'say "hi" ${x} \\'"#
        );
        assert_eq!(string_literal("it's"), r#""it's""#);
        assert_eq!(string_literal("a\u{1}b\n"), r#""a\u0001b\n""#);
    }

    #[test]
    fn numbers_are_spelled_as_prettier_spells_them() {
        assert_eq!(number_literal("1.50"), "1.5");
        assert_eq!(number_literal("1.0"), "1.0");
        assert_eq!(number_literal("1E+5"), "1e5");
        assert_eq!(number_literal("10"), "10");
        assert_eq!(number_literal("1.5e-7"), "1.5e-7");
    }

    #[test]
    fn template_text_cannot_interpolate_or_end_the_literal() {
        assert_eq!(template_text("a`b${c}\\"), "a\\`b\\${c}\\\\");
    }
}
