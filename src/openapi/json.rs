//! A JSON parser that keeps the byte span of every value and every object key.
//!
//! serde_json throws positions away once a value is built, but every diagnostic this tool prints
//! points at the offending value, so the document is parsed into a [`Node`] tree instead. The
//! parser is recursive with an explicit depth bound ([`MAX_DEPTH`]): absurdly nested input ends in
//! an error, never in a stack overflow.

use std::collections::HashSet;

use crate::span::Span;

/// Nesting deeper than this is rejected. Real OpenAPI documents stay far below it (GitHub's
/// description nests about 20 deep); the bound exists so hostile input cannot exhaust the stack.
pub const MAX_DEPTH: usize = 192;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: Box<str>,
    pub key_span: Span,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number's source text, kept exact (no float round trip for `1e400` or big int64s).
    Number(Box<str>),
    String(Box<str>),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.member(key).map(|m| &m.value)
    }

    pub fn member(&self, key: &str) -> Option<&Member> {
        match &self.value {
            Value::Object(members) => members.iter().find(|m| &*m.key == key),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The value as an `i64` when it is an integer literal (`3`, also `3.0` and `3e0`).
    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Number(raw) => number_as_i64(raw),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// "a string", "an object", ...: how diagnostics name what they found.
    pub fn kind_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// Moves every span (values' and keys') `by` bytes on: a document that is not the first
    /// file of a description lives at an offset of its own (see `diagnostics::SourceMap`).
    pub fn shift(&mut self, by: u32) {
        if by == 0 {
            return;
        }
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            node.span.start += by;
            node.span.end += by;
            match &mut node.value {
                Value::Array(items) => stack.extend(items.iter_mut()),
                Value::Object(members) => {
                    for m in members.iter_mut() {
                        m.key_span.start += by;
                        m.key_span.end += by;
                        stack.push(&mut m.value);
                    }
                }
                _ => {}
            }
        }
    }

    /// Converts to a `serde_json::Value` (member order kept), for defaults and examples.
    pub fn to_serde(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(raw) => serde_json::from_str::<serde_json::Number>(raw)
                .map(serde_json::Value::Number)
                .unwrap_or_else(|_| serde_json::Value::String(raw.to_string())),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Array(items) => items.iter().map(Node::to_serde).collect(),
            Value::Object(members) => serde_json::Value::Object(
                members
                    .iter()
                    .map(|m| (m.key.to_string(), m.value.to_serde()))
                    .collect(),
            ),
        }
    }
}

pub fn number_as_i64(raw: &str) -> Option<i64> {
    if let Ok(n) = raw.parse::<i64>() {
        return Some(n);
    }
    let f: f64 = raw.parse().ok()?;
    // 2^63 is exact in f64; anything at or beyond it does not fit an i64.
    if f.fract() == 0.0 && f.abs() < 2f64.powi(63) {
        #[allow(clippy::cast_possible_truncation)]
        Some(f as i64)
    } else {
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    Empty,
    UnexpectedEnd {
        expected: &'static str,
    },
    Unexpected {
        found: String,
        expected: &'static str,
    },
    InvalidEscape,
    InvalidUnicodeEscape,
    ControlCharacter,
    InvalidNumber,
    TrailingContent,
    TooDeep,
    DuplicateKey {
        key: String,
        first: Span,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub kind: ErrorKind,
    pub span: Span,
}

/// The keys of an object being read, for its duplicate check (the JSON and the YAML reader's).
/// Large objects (`paths`, `components.schemas`) check through a set; small ones scan, which is
/// cheaper than hashing.
#[derive(Debug, Default)]
pub(super) struct Keys(Option<HashSet<Box<str>>>);

impl Keys {
    /// Claims `key` (at `span`) for the member that follows `members`: `Some` with the span of
    /// the member that already has it.
    pub(super) fn claim(&mut self, members: &[Member], key: &str, span: Span) -> Option<Span> {
        let duplicate = match &mut self.0 {
            Some(set) => !set.insert(key.into()),
            None => members.iter().any(|m| &*m.key == key),
        };
        if duplicate {
            let first = members.iter().find(|m| &*m.key == key);
            return Some(first.map_or(span, |m| m.key_span));
        }
        if self.0.is_none() && members.len() + 1 >= 16 {
            let keys = members.iter().map(|m| m.key.clone());
            self.0 = Some(keys.chain([key.into()]).collect());
        }
        None
    }
}

/// Parses a whole JSON document. A leading UTF-8 byte order mark is skipped.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    let mut p = Parser {
        src: text.as_bytes(),
        text,
        pos: 0,
    };
    if text.starts_with('\u{feff}') {
        p.pos = 3;
    }
    p.skip_ws();
    if p.pos >= p.src.len() {
        return Err(ParseError {
            kind: ErrorKind::Empty,
            span: Span::new(0, 0),
        });
    }
    let node = p.value(0)?;
    p.skip_ws();
    if p.pos < p.src.len() {
        return Err(p.error_here(ErrorKind::TrailingContent, 1));
    }
    Ok(node)
}

struct Parser<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while let Some(&b) = self.src.get(self.pos) {
            if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn error_here(&self, kind: ErrorKind, len: usize) -> ParseError {
        let end = (self.pos + len).min(self.src.len());
        ParseError {
            kind,
            span: Span::new(self.pos, self.char_end(self.pos, end)),
        }
    }

    /// Extends `end` to the next char boundary so spans never split a UTF-8 sequence.
    fn char_end(&self, start: usize, mut end: usize) -> usize {
        while end < self.src.len() && !self.text.is_char_boundary(end) {
            end += 1;
        }
        end.max(start)
    }

    fn unexpected(&self, expected: &'static str) -> ParseError {
        match self.text[self.pos.min(self.text.len())..].chars().next() {
            // Just after the last character that is not whitespace: where the text stopped.
            None => {
                let end = self.text.trim_end().len();
                ParseError {
                    kind: ErrorKind::UnexpectedEnd { expected },
                    span: Span::new(end, end),
                }
            }
            Some(c) => ParseError {
                kind: ErrorKind::Unexpected {
                    found: describe_char(c),
                    expected,
                },
                span: Span::new(self.pos, self.pos + c.len_utf8()),
            },
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error_here(ErrorKind::TooDeep, 1));
        }
        let start = self.pos;
        let value = match self.src.get(self.pos) {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::String(self.string()?.into()),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return Err(self.unexpected("a JSON value")),
        };
        Ok(Node {
            value,
            span: Span::new(start, self.pos),
        })
    }

    fn literal(&mut self, word: &'static str, value: Value) -> Result<Value, ParseError> {
        if self.src[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.unexpected("a JSON value"))
        }
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        let bad = |p: &Self| ParseError {
            kind: ErrorKind::InvalidNumber,
            span: Span::new(start, p.char_end(start, p.pos.max(start + 1))),
        };
        if self.src[self.pos] == b'-' {
            self.pos += 1;
        }
        match self.src.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(bad(self)),
        }
        if self.src.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !matches!(self.src.get(self.pos), Some(b'0'..=b'9')) {
                return Err(bad(self));
            }
            self.digits();
        }
        if matches!(self.src.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.src.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.src.get(self.pos), Some(b'0'..=b'9')) {
                return Err(bad(self));
            }
            self.digits();
        }
        Ok(Value::Number(self.text[start..self.pos].into()))
    }

    fn digits(&mut self) {
        while matches!(self.src.get(self.pos), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    /// Parses a string starting at the opening quote; returns its decoded contents.
    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1; // opening quote
        let start = self.pos;
        // Fast path: no escapes, the contents are a slice of the (already valid UTF-8) input.
        loop {
            match self.src.get(self.pos) {
                Some(b'"') => {
                    let s = self.text[start..self.pos].to_owned();
                    self.pos += 1;
                    return Ok(s);
                }
                Some(b'\\') => break,
                Some(&b) if b < 0x20 => return Err(self.error_here(ErrorKind::ControlCharacter, 1)),
                Some(_) => self.pos += 1,
                None => return Err(self.unexpected("a closing '\"'")),
            }
        }
        let mut out = String::from(&self.text[start..self.pos]);
        loop {
            match self.src.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let esc_start = self.pos;
                    self.pos += 1;
                    let c = match self.src.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let c = self.unicode_escape(esc_start)?;
                            out.push(c);
                            continue;
                        }
                        _ => {
                            return Err(ParseError {
                                kind: ErrorKind::InvalidEscape,
                                span: Span::new(esc_start, self.char_end(esc_start, self.pos + 1)),
                            })
                        }
                    };
                    out.push(c);
                    self.pos += 1;
                }
                Some(&b) if b < 0x20 => return Err(self.error_here(ErrorKind::ControlCharacter, 1)),
                Some(_) => {
                    let run_start = self.pos;
                    while let Some(&b) = self.src.get(self.pos) {
                        if b == b'"' || b == b'\\' || b < 0x20 {
                            break;
                        }
                        self.pos += 1;
                    }
                    out.push_str(&self.text[run_start..self.pos]);
                }
                None => return Err(self.unexpected("a closing '\"'")),
            }
        }
    }

    fn hex4(&mut self, esc_start: usize) -> Result<u32, ParseError> {
        let bad = ParseError {
            kind: ErrorKind::InvalidUnicodeEscape,
            span: Span::new(
                esc_start,
                self.char_end(esc_start, (self.pos + 4).min(self.src.len())),
            ),
        };
        let digits = self
            .src
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| bad.clone())?;
        let mut v = 0u32;
        for &d in digits {
            let n = (d as char).to_digit(16).ok_or_else(|| bad.clone())?;
            v = v * 16 + n;
        }
        self.pos += 4;
        Ok(v)
    }

    fn unicode_escape(&mut self, esc_start: usize) -> Result<char, ParseError> {
        let hi = self.hex4(esc_start)?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            // A high surrogate must be followed by an escaped low surrogate.
            if self.src.get(self.pos..self.pos + 2) != Some(b"\\u") {
                return Err(ParseError {
                    kind: ErrorKind::InvalidUnicodeEscape,
                    span: Span::new(esc_start, self.pos),
                });
            }
            self.pos += 2;
            let lo = self.hex4(esc_start)?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err(ParseError {
                    kind: ErrorKind::InvalidUnicodeEscape,
                    span: Span::new(esc_start, self.pos),
                });
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(code).ok_or(ParseError {
            kind: ErrorKind::InvalidUnicodeEscape,
            span: Span::new(esc_start, self.pos),
        })
    }

    fn array(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.src.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.src.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.unexpected("',' or ']'")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.pos += 1;
        let mut members: Vec<Member> = Vec::new();
        let mut keys = Keys::default();
        self.skip_ws();
        if self.src.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            if self.src.get(self.pos) != Some(&b'"') {
                return Err(self.unexpected("an object key in double quotes"));
            }
            let key_start = self.pos;
            let key: Box<str> = self.string()?.into();
            let key_span = Span::new(key_start, self.pos);
            if let Some(first) = keys.claim(&members, &key, key_span) {
                return Err(ParseError {
                    kind: ErrorKind::DuplicateKey {
                        key: key.into(),
                        first,
                    },
                    span: key_span,
                });
            }
            self.skip_ws();
            if self.src.get(self.pos) != Some(&b':') {
                return Err(self.unexpected("':'"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth + 1)?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_ws();
            match self.src.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.unexpected("',' or '}'")),
            }
        }
    }
}

/// A character as "unexpected ... in JSON" names it.
fn describe_char(c: char) -> String {
    if c.is_control() || c == '\u{fffd}' {
        format!("character U+{:04X}", c as u32)
    } else {
        format!("'{c}'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_of_values_and_keys() {
        let text = r#"{"a": [1, "x\n", true], "b": null}"#;
        let node = parse(text).expect("valid");
        let a = node.member("a").expect("a");
        assert_eq!(
            &text[a.key_span.start as usize..a.key_span.end as usize],
            "\"a\""
        );
        let items = a.value.as_array().expect("array");
        assert_eq!(
            &text[items[1].span.start as usize..items[1].span.end as usize],
            "\"x\\n\""
        );
        assert_eq!(items[1].as_str(), Some("x\n"));
        assert!(node.get("b").expect("b").is_null());
    }

    #[test]
    fn decodes_surrogate_pairs_and_rejects_lone_ones() {
        assert_eq!(
            parse(r#""\ud83d\ude00""#).expect("pair").as_str(),
            Some("😀")
        );
        let err = parse(r#""\ud83d x""#).expect_err("lone high surrogate");
        assert_eq!(err.kind, ErrorKind::InvalidUnicodeEscape);
    }

    #[test]
    fn rejects_what_json_does_not_allow() {
        for (text, kind) in [
            ("", ErrorKind::Empty),
            ("  \n", ErrorKind::Empty),
            ("01", ErrorKind::TrailingContent),
            ("1.", ErrorKind::InvalidNumber),
            ("-", ErrorKind::InvalidNumber),
            ("\"a\tb\"", ErrorKind::ControlCharacter),
            ("\"\\x\"", ErrorKind::InvalidEscape),
            ("{} {}", ErrorKind::TrailingContent),
        ] {
            assert_eq!(parse(text).expect_err(text).kind, kind, "{text:?}");
        }
        assert!(matches!(
            parse("[1,]").expect_err("trailing comma").kind,
            ErrorKind::Unexpected { .. }
        ));
        assert!(matches!(
            parse("{\"a\": 1").expect_err("unterminated").kind,
            ErrorKind::UnexpectedEnd { .. }
        ));
    }

    #[test]
    fn reports_both_places_of_a_duplicate_key() {
        let text = r#"{"a": 1, "b": 2, "a": 3}"#;
        let err = parse(text).expect_err("duplicate");
        let ErrorKind::DuplicateKey { key, first } = err.kind else {
            panic!("wrong kind: {:?}", err.kind)
        };
        assert_eq!(key, "a");
        assert_eq!(first.start, 1);
        assert_eq!(err.span.start, 17);
    }

    #[test]
    fn duplicate_keys_in_large_objects_are_found_too() {
        let mut text = String::from("{");
        for i in 0..40 {
            text.push_str(&format!("\"k{i}\": {i},"));
        }
        text.push_str("\"k3\": 0}");
        assert!(matches!(
            parse(&text).expect_err("duplicate").kind,
            ErrorKind::DuplicateKey { .. }
        ));
    }

    #[test]
    fn nesting_is_bounded_without_overflowing_the_stack() {
        let deep = "[".repeat(100_000);
        assert_eq!(parse(&deep).expect_err("too deep").kind, ErrorKind::TooDeep);
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn integers_read_exactly() {
        assert_eq!(
            parse("9007199254740993").expect("n").as_i64(),
            Some(9_007_199_254_740_993)
        );
        assert_eq!(parse("3.0").expect("n").as_i64(), Some(3));
        assert_eq!(parse("3.5").expect("n").as_i64(), None);
        assert_eq!(parse("1e400").expect("n").as_i64(), None);
    }
}
