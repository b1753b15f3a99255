//! JSON Pointer (RFC 6901) references into one document: `#/components/schemas/Pet`,
//! `#/paths/~1pets/get/responses/200/content/application~1json/schema`, `#/$defs/X`.
//!
//! A `$ref`'s fragment is percent-decoded first (it is a URI fragment), then split on `/` and each
//! token unescaped (`~1` → `/`, `~0` → `~`). Resolution walks a [`Node`] tree and, when it fails,
//! says which token failed and what was there, so a diagnostic can point at the mistake. Pure:
//! the document resolved against is an argument, and nothing here knows what a schema is.

use std::fmt;

use super::json::{Node, Value};

/// A parsed local reference: the decoded tokens of `#/a/b/c`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Pointer {
    pub tokens: Vec<String>,
}

/// Why a reference string is not a local JSON Pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Another document (`common.json#/X`, `https://...`): not followed.
    External,
    /// A fragment that is not a JSON Pointer (`#Pet`, a plain-name anchor).
    NotAPointer,
    /// `~` followed by anything but `0` or `1`, in the given (decoded) token.
    InvalidEscape { token: String },
    /// Percent-encoding that does not decode to UTF-8.
    InvalidPercent,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::External => f.write_str("it names another document"),
            ParseError::NotAPointer => {
                f.write_str("the part after `#` must be empty or start with `/`")
            }
            ParseError::InvalidEscape { token } => write!(
                f,
                "`{token}` has a `~` not followed by `0` or `1` (write `~0` for `~`, `~1` for `/`)"
            ),
            ParseError::InvalidPercent => f.write_str("its percent-encoding is not UTF-8"),
        }
    }
}

impl Pointer {
    /// Parses a `$ref` value. Only same-document references (starting with `#`) are pointers.
    pub fn parse_ref(reference: &str) -> Result<Pointer, ParseError> {
        let fragment = reference.strip_prefix('#').ok_or(ParseError::External)?;
        let decoded = percent_decode(fragment)?;
        if decoded.is_empty() {
            return Ok(Pointer { tokens: Vec::new() });
        }
        let rest = decoded.strip_prefix('/').ok_or(ParseError::NotAPointer)?;
        let tokens = rest
            .split('/')
            .map(unescape)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Pointer { tokens })
    }

    /// The pointer from tokens.
    pub fn new(tokens: impl IntoIterator<Item = impl Into<String>>) -> Pointer {
        Pointer {
            tokens: tokens.into_iter().map(Into::into).collect(),
        }
    }

    /// `#/a/b` with `~` and `/` escaped: one spelling per location.
    pub fn canonical(&self) -> String {
        prefix_of(&self.tokens)
    }

    /// A name for what the pointer points at, when it has none of its own: its last token that
    /// is not a keyword, an index or a media type (`#/components/schemas/A/$defs/Node` →
    /// `Node`, `#/paths/~1pets/get/responses/200/content/application~1json/schema` → `get`).
    pub fn name_hint(&self) -> Option<&str> {
        const STRUCTURAL: &[&str] = &[
            "schema",
            "schemas",
            "items",
            "properties",
            "additionalProperties",
            "allOf",
            "anyOf",
            "oneOf",
            "not",
            "prefixItems",
            "content",
            "$defs",
            "definitions",
            "components",
            "parameters",
            "responses",
            "requestBodies",
            "headers",
            "paths",
            "patternProperties",
        ];
        self.tokens
            .iter()
            .rev()
            .find(|t| {
                !t.is_empty()
                    && !STRUCTURAL.contains(&t.as_str())
                    && !t.contains('/')
                    && !t.bytes().all(|b| b.is_ascii_digit())
            })
            .map(String::as_str)
    }

    /// The name `X` when the pointer is exactly `#/components/schemas/X`.
    pub fn component_schema(&self) -> Option<&str> {
        match self.tokens.as_slice() {
            [c, s, name] if c == "components" && s == "schemas" => Some(name),
            _ => None,
        }
    }

    /// The node the pointer names in `root`, or where and why the walk stopped.
    pub fn resolve<'n>(&self, root: &'n Node) -> Result<&'n Node, Unresolved<'n>> {
        let mut node = root;
        for (i, token) in self.tokens.iter().enumerate() {
            let fail = |missing| Unresolved {
                segment: i,
                parent: node,
                missing,
            };
            node = match &node.value {
                Value::Object(_) => node.get(token).ok_or_else(|| fail(Missing::NoMember))?,
                Value::Array(items) => match array_index(token) {
                    Some(index) => items.get(index).ok_or_else(|| fail(Missing::NoIndex))?,
                    None => return Err(fail(Missing::NotAnIndex)),
                },
                _ => return Err(fail(Missing::Scalar)),
            };
        }
        Ok(node)
    }
}

/// `#` followed by each token escaped.
pub fn prefix_of(tokens: &[String]) -> String {
    let mut out = String::from("#");
    for t in tokens {
        out.push('/');
        out.push_str(&escape(t));
    }
    out
}

/// A token written into a pointer: `~` → `~0`, `/` → `~1`.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Where a pointer stopped resolving.
#[derive(Debug, Clone, Copy)]
pub struct Unresolved<'n> {
    /// The index of the token that named nothing.
    pub segment: usize,
    /// The value that token was looked up in.
    pub parent: &'n Node,
    pub missing: Missing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// An object without that member.
    NoMember,
    /// An array shorter than the index.
    NoIndex,
    /// An array, and the token is not an index (`-` names no element either).
    NotAnIndex,
    /// A string, number, boolean or null, which has no members.
    Scalar,
}

impl Unresolved<'_> {
    /// What was wrong, in words: "`properties` has no member `usr`", "`allOf` has 2 items, not
    /// an index 5". `pointer` is the pointer that failed.
    pub fn describe(&self, pointer: &Pointer) -> String {
        let token = &pointer.tokens[self.segment];
        let parent = match self.segment {
            0 => "the document".to_owned(),
            n => format!("`{}`", pointer.tokens[n - 1]),
        };
        match (self.missing, &self.parent.value) {
            (Missing::NoIndex, Value::Array(items)) => format!(
                "{parent} has {} item{}, no index {token}",
                items.len(),
                if items.len() == 1 { "" } else { "s" }
            ),
            (Missing::NotAnIndex, _) => {
                format!("{parent} is an array; `{token}` is not an index")
            }
            (Missing::Scalar, _) => format!(
                "{parent} is {}, which has no member `{token}`",
                self.parent.kind_name()
            ),
            _ => format!("{parent} has no member `{token}`"),
        }
    }

    /// The member names of the object the failing token was looked up in (for "did you mean").
    pub fn keys(&self) -> Vec<&str> {
        match &self.parent.value {
            Value::Object(members) if self.missing == Missing::NoMember => {
                members.iter().map(|m| &*m.key).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// An array index as RFC 6901 spells it: `0`, or digits without a leading zero.
fn array_index(token: &str) -> Option<usize> {
    let digits = token.bytes().all(|b| b.is_ascii_digit());
    if !digits || token.is_empty() || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    token.parse().ok()
}

fn unescape(token: &str) -> Result<String, ParseError> {
    if !token.contains('~') {
        return Ok(token.to_owned());
    }
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => {
                    return Err(ParseError::InvalidEscape {
                        token: token.to_owned(),
                    })
                }
            }
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// Percent-decoding of a URI fragment; a `%` not followed by two hex digits stays as it is.
pub fn percent_decode(text: &str) -> Result<String, ParseError> {
    if !text.contains('%') {
        return Ok(text.to_owned());
    }
    let raw = text.as_bytes();
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' {
            let hex = raw
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                bytes.push(b);
                i += 3;
                continue;
            }
        }
        bytes.push(raw[i]);
        i += 1;
    }
    String::from_utf8(bytes).map_err(|_| ParseError::InvalidPercent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::json::parse;

    fn tokens(r: &str) -> Vec<String> {
        Pointer::parse_ref(r).expect(r).tokens
    }

    #[test]
    fn parses_escapes_and_percent_encoding() {
        assert_eq!(tokens("#"), Vec::<String>::new());
        assert_eq!(tokens("#/"), [""]);
        assert_eq!(
            tokens("#/components/schemas/Pet"),
            ["components", "schemas", "Pet"]
        );
        assert_eq!(
            tokens("#/paths/~1pets~1{id}/get"),
            ["paths", "/pets/{id}", "get"]
        );
        assert_eq!(tokens("#/a~0b/~01"), ["a~b", "~1"]);
        assert_eq!(tokens("#/a%20b/caf%C3%A9"), ["a b", "café"]);
        // Percent-decoding comes first: an encoded `~` still escapes.
        assert_eq!(tokens("#/a%7E1b"), ["a/b"]);
        // A `%` that is no escape stays.
        assert_eq!(tokens("#/100%/x%zz"), ["100%", "x%zz"]);
    }

    #[test]
    fn refuses_what_is_not_a_local_pointer() {
        assert_eq!(
            Pointer::parse_ref("common.json#/X"),
            Err(ParseError::External)
        );
        assert_eq!(
            Pointer::parse_ref("https://example.com/s.json"),
            Err(ParseError::External)
        );
        assert_eq!(Pointer::parse_ref("#Pet"), Err(ParseError::NotAPointer));
        assert_eq!(
            Pointer::parse_ref("#/a~2b"),
            Err(ParseError::InvalidEscape {
                token: "a~2b".to_owned()
            })
        );
        assert!(matches!(
            Pointer::parse_ref("#/a~"),
            Err(ParseError::InvalidEscape { .. })
        ));
        assert_eq!(Pointer::parse_ref("#/%FF"), Err(ParseError::InvalidPercent));
    }

    #[test]
    fn canonical_spelling_escapes_again() {
        let p = Pointer::parse_ref("#/paths/%7E1pets/a~0b").expect("pointer");
        assert_eq!(p.canonical(), "#/paths/~1pets/a~0b");
        assert_eq!(
            Pointer::parse_ref("#/components/schemas/P%65t")
                .expect("pointer")
                .component_schema(),
            Some("Pet")
        );
        assert_eq!(
            Pointer::parse_ref("#/components/schemas/Pet/properties")
                .expect("pointer")
                .component_schema(),
            None
        );
    }

    #[test]
    fn resolves_through_objects_and_arrays() {
        let doc =
            parse(r#"{"a": {"b/c": [10, {"d": true}], "e~f": 1}, "": {"": 2}}"#).expect("json");
        let at = |r: &str| {
            Pointer::parse_ref(r)
                .expect(r)
                .resolve(&doc)
                .ok()
                .map(Node::to_serde)
        };
        assert_eq!(at("#/a/b~1c/0"), Some(serde_json::json!(10)));
        assert_eq!(at("#/a/b~1c/1/d"), Some(serde_json::json!(true)));
        assert_eq!(at("#/a/e~0f"), Some(serde_json::json!(1)));
        assert_eq!(at("#//"), Some(serde_json::json!(2)));
        assert_eq!(at("#").map(|v| v.is_object()), Some(true));
    }

    #[test]
    fn says_which_segment_failed_and_what_was_there() {
        let doc = parse(r#"{"s": {"properties": {"user": {}}, "allOf": [{}, {}], "type": "x"}}"#)
            .expect("json");
        let failure = |r: &str| {
            let p = Pointer::parse_ref(r).expect(r);
            let u = p.resolve(&doc).expect_err(r);
            (u.segment, u.describe(&p), u.keys().join(","))
        };
        assert_eq!(
            failure("#/s/properties/usr"),
            (
                2,
                "`properties` has no member `usr`".to_owned(),
                "user".to_owned()
            )
        );
        assert_eq!(
            failure("#/s/allOf/5"),
            (
                2,
                "`allOf` has 2 items, no index 5".to_owned(),
                String::new()
            )
        );
        assert_eq!(
            failure("#/s/allOf/01").1,
            "`allOf` is an array; `01` is not an index"
        );
        assert_eq!(
            failure("#/s/allOf/-").1,
            "`allOf` is an array; `-` is not an index"
        );
        assert_eq!(
            failure("#/s/type/x").1,
            "`type` is a string, which has no member `x`"
        );
        assert_eq!(failure("#/t").1, "the document has no member `t`");
        assert_eq!(failure("#/t").0, 0);
    }
}
