//! Reading an OpenAPI 3.0/3.1 document: JSON with spans ([`json`]) and the document-level
//! checks (a JSON object, OpenAPI 3.0.x or 3.1.x; YAML and Swagger 2.0 recognised and refused
//! with a hint). What the document means is worked out by `ir`, which reads the tree this
//! module returns.
//!
//! The `openapiv3` crate is not used: it models 3.0 only and drops source positions, and both
//! matter here. Instead the document stays a spanned JSON tree.

pub mod json;
pub mod pointer;

use crate::diagnostics::{self, Diagnostic};
use crate::span::Span;
use json::Node;

/// The OpenAPI version a document is written in. Both spell JSON Schema differently; the IR
/// records which one was read, and nothing after the lowering depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum OpenApiDialect {
    #[serde(rename = "3.0")]
    V30,
    #[serde(rename = "3.1")]
    V31,
}

/// A parsed document whose version is supported.
#[derive(Debug)]
pub struct Document {
    pub root: Node,
    pub dialect: OpenApiDialect,
}

/// The diagnostic for a document that is not JSON.
fn syntax_error(e: json::ParseError) -> Diagnostic {
    use json::ErrorKind;
    let (problem, expected) = match e.kind {
        ErrorKind::Empty => return diagnostics::json_empty(e.span),
        ErrorKind::TooDeep => return diagnostics::json_too_deep(e.span, json::MAX_DEPTH),
        ErrorKind::DuplicateKey { key, first } => {
            return diagnostics::json_duplicate_key(e.span, &key, first)
        }
        ErrorKind::UnexpectedEnd { expected } => (
            "the JSON ends too early".to_owned(),
            format!("expected {expected} before the end"),
        ),
        ErrorKind::Unexpected { found, expected } => (
            format!("unexpected {found} in JSON"),
            format!("expected {expected}"),
        ),
        ErrorKind::InvalidEscape => (
            "invalid escape sequence in a JSON string".to_owned(),
            "JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX".to_owned(),
        ),
        ErrorKind::InvalidUnicodeEscape => (
            "invalid \\u escape in a JSON string".to_owned(),
            "expected four hex digits, surrogates in pairs".to_owned(),
        ),
        ErrorKind::ControlCharacter => (
            "control character inside a JSON string".to_owned(),
            "write it as an escape, such as \\n or \\t".to_owned(),
        ),
        ErrorKind::InvalidNumber => ("invalid number".to_owned(), "not a JSON number".to_owned()),
        ErrorKind::TrailingContent => (
            "unexpected content after the JSON document".to_owned(),
            "the document should end here".to_owned(),
        ),
    };
    diagnostics::json_syntax(e.span, problem, expected)
}

/// Parses the text and checks that it is an OpenAPI 3.0.x or 3.1.x document.
pub fn parse_document(text: &str) -> Result<Document, Diagnostic> {
    let root = json::parse(text).map_err(|e| {
        if looks_like_yaml(text) {
            diagnostics::yaml_document(e.span)
        } else {
            syntax_error(e)
        }
    })?;
    if root.as_object().is_none() {
        return Err(diagnostics::root_not_object(root.span, root.kind_name()));
    }
    if let Some(swagger) = root.get("swagger") {
        return Err(diagnostics::swagger_2(swagger.span));
    }
    let Some(version) = root.get("openapi") else {
        // Point at the opening brace: the whole document would be an unreadable label.
        let head = Span::new(root.span.start as usize, root.span.start as usize + 1);
        return Err(diagnostics::missing_openapi_version(head));
    };
    let Some(text) = version.as_str() else {
        return Err(diagnostics::wrong_type(
            version.span,
            "openapi",
            "a version string such as \"3.1.0\"",
            version.kind_name(),
        ));
    };
    let dialect = if is_version(text, "3.0") {
        OpenApiDialect::V30
    } else if is_version(text, "3.1") {
        OpenApiDialect::V31
    } else if text.starts_with("2.") {
        return Err(diagnostics::swagger_2(version.span));
    } else {
        return Err(diagnostics::unsupported_openapi_version(version.span, text));
    };
    Ok(Document { root, dialect })
}

/// A YAML OpenAPI document starts with a `openapi:`/`swagger:` key or a `---` marker.
fn looks_like_yaml(text: &str) -> bool {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    ["openapi:", "swagger:", "---", "info:", "components:"]
        .iter()
        .any(|p| first.starts_with(p))
}

/// `3.1`, `3.1.0`, `3.1.1-rc1` match `3.1`; `3.10` does not.
fn is_version(text: &str, minor: &str) -> bool {
    text.strip_prefix(minor)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_matched_by_minor() {
        assert!(is_version("3.1.0", "3.1"));
        assert!(is_version("3.1", "3.1"));
        assert!(!is_version("3.10.0", "3.1"));
        assert!(is_version("3.0.3", "3.0"));
    }

    #[test]
    fn reports_the_version_problem() {
        let code = |t: &str| parse_document(t).expect_err(t).code;
        assert_eq!(
            code(r#"{"swagger": "2.0"}"#),
            "mizan::schema::unsupported-version"
        );
        assert_eq!(
            code(r#"{"openapi": "4.0.0"}"#),
            "mizan::schema::unsupported-version"
        );
        assert_eq!(
            code(r#"{"info": {}}"#),
            "mizan::schema::unsupported-version"
        );
        assert_eq!(code(r#"{"openapi": 3.1}"#), "mizan::schema::wrong-type");
        assert_eq!(code("[]"), "mizan::schema::not-an-object");
        assert!(parse_document(r#"{"openapi": "3.1.0"}"#).is_ok());
    }

    #[test]
    fn syntax_errors_name_the_character_and_where_the_text_stopped() {
        let err = |t: &str| parse_document(t).expect_err(t);
        assert_eq!(
            err("{\"openapi\": \u{0}}").message,
            "unexpected character U+0000 in JSON"
        );
        assert_eq!(err("{\"openapi\": }").message, "unexpected '}' in JSON");
        // Just after the last character that is not whitespace, trailing lines or not.
        for text in ["{\"openapi\":", "{\"openapi\":  \n\n"] {
            let d = err(text);
            assert_eq!(d.message, "the JSON ends too early");
            assert_eq!(d.labels[0].span, Span::new(11, 11), "{text:?}");
        }
    }
}
