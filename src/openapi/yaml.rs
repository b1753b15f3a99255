//! YAML input: a YAML 1.2 document read into the very tree the JSON parser builds
//! ([`Node`], [`Value`], [`Member`]), with the byte span of every value and every key.
//!
//! `saphyr-parser` turns the text into events; this module builds the tree from them without
//! recursion, so hostile nesting ends in [`ErrorKind::TooDeep`] at [`MAX_DEPTH`], never in a
//! stack overflow. Scalars are resolved by the YAML 1.2 core schema (`yes`/`no`/`on`/`off` stay
//! strings; numbers are kept as JSON number text); keys are their text (`200:` is `"200"`);
//! aliases are copied in full, within [`MAX_ALIAS_COST`] so a "billion laughs" ends in an
//! error rather than in exhausted memory.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Tag};

use super::json::{Keys, Member, Node, Value, MAX_DEPTH};
use crate::span::Span;

/// What anchored values and the copies aliases make of them may cost in all, in bytes as
/// [`cost`] estimates them (each value 32 bytes plus its text): 64 MiB.
pub const MAX_ALIAS_COST: usize = 64 << 20;

/// The estimated cost of one value without its text.
const VALUE_COST: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// No document, only comments or whitespace.
    Empty,
    /// The parser's message, made readable: what is wrong, and what would fit.
    Syntax {
        problem: String,
        expected: String,
    },
    TooDeep,
    DuplicateKey {
        key: String,
        first: Span,
    },
    /// A second document in the stream (`---` after a first one).
    MultipleDocuments,
    /// A mapping or sequence used as a key.
    ComplexKey,
    /// A YAML 1.1 merge key (`<<: *base`).
    MergeKey,
    /// `.inf`, `-.inf`, `.nan`: numbers JSON has no spelling for.
    NotFinite {
        text: String,
    },
    /// An integer beyond what 128 bits hold, written in hex or octal.
    IntegerTooLarge,
    /// A tag this reader does not know (`!!binary`, `!custom`).
    UnsupportedTag {
        tag: String,
    },
    /// A core tag on text it cannot describe (`!!int abc`, `!!map` on a scalar).
    TagMismatch {
        tag: String,
    },
    /// Aliases would copy more than [`MAX_ALIAS_COST`].
    AliasLimit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub kind: ErrorKind,
    pub span: Span,
}

/// Parses a YAML stream holding one document. A leading byte order mark is skipped.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    Builder::new().run(text)
}

/// Turns the parser's character indices into byte offsets of the whole text. The markers
/// arrive almost in order, so a cursor that walks on from the last position makes the whole
/// conversion one linear pass.
struct Offsets<'a> {
    /// The text the parser reads: the whole text after a byte order mark.
    body: &'a str,
    /// Where `body` starts in the whole text.
    base: usize,
    ascii: bool,
    chars: usize,
    bytes: usize,
}

impl<'a> Offsets<'a> {
    fn new(body: &'a str, base: usize) -> Self {
        Offsets {
            body,
            base,
            ascii: body.is_ascii(),
            chars: 0,
            bytes: 0,
        }
    }

    fn byte(&mut self, chars: usize) -> usize {
        if self.ascii {
            return self.base + chars.min(self.body.len());
        }
        while self.chars < chars {
            let Some(c) = self.body[self.bytes..].chars().next() else {
                break;
            };
            self.bytes += c.len_utf8();
            self.chars += 1;
        }
        while self.chars > chars {
            let Some(c) = self.body[..self.bytes].chars().next_back() else {
                break;
            };
            self.bytes -= c.len_utf8();
            self.chars -= 1;
        }
        self.base + self.bytes
    }

    fn span(&mut self, span: saphyr_parser::Span) -> Span {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index());
        Span::new(start, end.max(start))
    }

    /// The character at a marker, or the empty span at the end of the text.
    fn at(&mut self, mark: Marker) -> Span {
        let start = self.byte(mark.index());
        let len = self.body[start - self.base..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        Span::new(start, start + len)
    }
}

/// A value and what it weighs: its cost (see [`MAX_ALIAS_COST`]) and how many levels of
/// collections it holds.
#[derive(Clone)]
struct Built {
    node: Node,
    cost: usize,
    height: usize,
}

enum Items {
    Seq(Vec<Node>),
    Map {
        members: Vec<Member>,
        key: Option<(Box<str>, Span)>,
        keys: Keys,
    },
}

/// A collection being read.
struct Frame {
    items: Items,
    start: usize,
    last_end: usize,
    anchor: usize,
    cost: usize,
    height: usize,
}

struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Built>,
    /// What anchors and aliases have copied so far.
    copied: usize,
    root: Option<Node>,
    documents: usize,
}

fn error(kind: ErrorKind, span: Span) -> ParseError {
    ParseError { kind, span }
}

impl Builder {
    fn new() -> Self {
        Builder {
            stack: Vec::new(),
            anchors: HashMap::new(),
            copied: 0,
            root: None,
            documents: 0,
        }
    }

    fn run(mut self, text: &str) -> Result<Node, ParseError> {
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut offsets = Offsets::new(body, text.len() - body.len());
        let mut parser = Parser::new_from_str(body);
        loop {
            let (event, marks) = match parser.next_event() {
                None => break,
                Some(Ok(e)) => e,
                Some(Err(e)) => {
                    let span = offsets.at(*e.marker());
                    return Err(error(readable(e.info()), span));
                }
            };
            let span = offsets.span(marks);
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    self.documents += 1;
                    if self.documents > 1 {
                        return Err(error(ErrorKind::MultipleDocuments, span));
                    }
                }
                Event::Scalar(value, style, anchor, tag) => {
                    self.scalar(&value, style, anchor, tag.as_deref(), span)?;
                }
                Event::Alias(id) => self.alias(id, span)?,
                Event::SequenceStart(anchor, tag) => {
                    self.open(Items::Seq(Vec::new()), anchor, tag.as_deref(), span)?;
                }
                Event::MappingStart(anchor, tag) => {
                    let items = Items::Map {
                        members: Vec::new(),
                        key: None,
                        keys: Keys::default(),
                    };
                    self.open(items, anchor, tag.as_deref(), span)?;
                }
                Event::SequenceEnd | Event::MappingEnd => self.close(span)?,
            }
        }
        self.root.ok_or(error(ErrorKind::Empty, Span::new(0, 0)))
    }

    /// Whether the next value completes a key of the innermost mapping.
    fn wants_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                items: Items::Map { key: None, .. },
                ..
            })
        )
    }

    fn check_depth(&self, height: usize, span: Span) -> Result<(), ParseError> {
        if self.stack.len() + height > MAX_DEPTH {
            Err(error(ErrorKind::TooDeep, span))
        } else {
            Ok(())
        }
    }

    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), ParseError> {
        self.check_depth(0, span)?;
        let value = if self.wants_key() {
            // A key is its text, whatever it would resolve to: `200:` is the key "200".
            if style == ScalarStyle::Plain && text == "<<" && tag.is_none() {
                return Err(error(ErrorKind::MergeKey, span));
            }
            check_key_tag(tag).map_err(|kind| error(kind, span))?;
            Value::String(text.into())
        } else {
            resolve(text, style, tag).map_err(|kind| error(kind, span))?
        };
        let cost = VALUE_COST + text.len();
        let built = Built {
            node: Node { value, span },
            cost,
            height: 0,
        };
        self.complete(built, anchor)
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), ParseError> {
        let Some(target) = self.anchors.get(&id) else {
            // An anchor whose collection is still open: the alias would contain itself.
            return Err(error(
                ErrorKind::Syntax {
                    problem: "an alias refers to a collection that contains it".to_owned(),
                    expected: "a value cannot contain itself".to_owned(),
                },
                span,
            ));
        };
        self.check_depth(target.height, span)?;
        self.copied = self.copied.saturating_add(target.cost);
        if self.copied > MAX_ALIAS_COST {
            return Err(error(ErrorKind::AliasLimit, span));
        }
        let mut built = target.clone();
        built.node.span = span;
        if self.wants_key() {
            let key = match &built.node.value {
                Value::String(s) | Value::Number(s) => s.clone(),
                Value::Bool(b) => b.to_string().into(),
                Value::Null => "null".into(),
                Value::Array(_) | Value::Object(_) => {
                    return Err(error(ErrorKind::ComplexKey, span))
                }
            };
            built.node.value = Value::String(key);
        }
        self.complete(built, 0)
    }

    fn open(
        &mut self,
        items: Items,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), ParseError> {
        if self.wants_key() {
            return Err(error(ErrorKind::ComplexKey, span));
        }
        self.check_depth(1, span)?;
        let expected = match items {
            Items::Seq(_) => "seq",
            Items::Map { .. } => "map",
        };
        if let Some(tag) = tag {
            if !(is_core(tag, expected) || is_non_specific(tag)) {
                return Err(error(tag_error(tag), span));
            }
        }
        self.stack.push(Frame {
            items,
            start: span.start as usize,
            last_end: span.end as usize,
            anchor,
            cost: VALUE_COST,
            height: 1,
        });
        Ok(())
    }

    fn close(&mut self, span: Span) -> Result<(), ParseError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        // A flow collection ends at its bracket; a block one at its last value.
        let end = if span.end > span.start {
            span.end as usize
        } else {
            frame.last_end
        };
        let value = match frame.items {
            Items::Seq(items) => Value::Array(items),
            Items::Map { members, .. } => Value::Object(members),
        };
        let built = Built {
            node: Node {
                value,
                span: Span::new(frame.start, end.max(frame.start)),
            },
            cost: frame.cost,
            height: frame.height,
        };
        self.complete(built, frame.anchor)
    }

    /// Puts a finished value where it belongs: the root, an item, a key or a member's value.
    fn complete(&mut self, built: Built, anchor: usize) -> Result<(), ParseError> {
        if anchor != 0 {
            // The anchor keeps a copy for its aliases; the copy counts against the bound too.
            self.copied = self.copied.saturating_add(built.cost);
            if self.copied > MAX_ALIAS_COST {
                return Err(error(ErrorKind::AliasLimit, built.node.span));
            }
            self.anchors.insert(anchor, built.clone());
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(built.node);
            return Ok(());
        };
        frame.cost = frame.cost.saturating_add(built.cost);
        frame.height = frame.height.max(built.height + 1);
        frame.last_end = frame.last_end.max(built.node.span.end as usize);
        match &mut frame.items {
            Items::Seq(items) => items.push(built.node),
            Items::Map { members, key, keys } => match key.take() {
                Some((key, key_span)) => members.push(Member {
                    key,
                    key_span,
                    value: built.node,
                }),
                None => {
                    let Value::String(name) = built.node.value else {
                        return Err(error(ErrorKind::ComplexKey, built.node.span));
                    };
                    let key_span = built.node.span;
                    if let Some(first) = keys.claim(members, &name, key_span) {
                        return Err(error(
                            ErrorKind::DuplicateKey {
                                key: name.into(),
                                first,
                            },
                            key_span,
                        ));
                    }
                    *key = Some((name, key_span));
                }
            },
        }
        Ok(())
    }
}

fn is_core(tag: &Tag, suffix: &str) -> bool {
    tag.is_yaml_core_schema() && tag.suffix == suffix
}

/// `!` alone: "not resolved by content", which for a scalar means a string.
fn is_non_specific(tag: &Tag) -> bool {
    matches!(
        (tag.handle.as_str(), tag.suffix.as_str()),
        ("!", "") | ("", "!")
    )
}

fn tag_name(tag: &Tag) -> String {
    if tag.is_yaml_core_schema() {
        format!("!!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

fn tag_error(tag: &Tag) -> ErrorKind {
    let known = ["str", "int", "float", "bool", "null", "map", "seq"];
    if tag.is_yaml_core_schema() && known.contains(&tag.suffix.as_str()) {
        ErrorKind::TagMismatch { tag: tag_name(tag) }
    } else {
        ErrorKind::UnsupportedTag { tag: tag_name(tag) }
    }
}

fn check_key_tag(tag: Option<&Tag>) -> Result<(), ErrorKind> {
    match tag {
        None => Ok(()),
        Some(t) if is_core(t, "str") || is_non_specific(t) => Ok(()),
        Some(t) => Err(tag_error(t)),
    }
}

/// A scalar's value under the YAML 1.2 core schema, or under its tag.
fn resolve(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, ErrorKind> {
    let Some(tag) = tag else {
        return if style == ScalarStyle::Plain {
            core(text)
        } else {
            Ok(Value::String(text.into()))
        };
    };
    if is_non_specific(tag) || is_core(tag, "str") {
        return Ok(Value::String(text.into()));
    }
    let mismatch = || tag_error(tag);
    let value = if is_core(tag, "null") {
        core_null(text).then_some(Value::Null)
    } else if is_core(tag, "bool") {
        core_bool(text).map(Value::Bool)
    } else if is_core(tag, "int") {
        match integer(text) {
            Some(n) => Some(Value::Number(n?.into())),
            None => None,
        }
    } else if is_core(tag, "float") {
        match integer(text) {
            Some(n) => Some(Value::Number(n?.into())),
            None => match float(text) {
                Some(n) => Some(Value::Number(n?.into())),
                None => None,
            },
        }
    } else {
        return Err(mismatch());
    };
    value.ok_or_else(mismatch)
}

fn core_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn core_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// A plain scalar's value: null, a boolean, a number or a string.
fn core(text: &str) -> Result<Value, ErrorKind> {
    if core_null(text) {
        return Ok(Value::Null);
    }
    if let Some(b) = core_bool(text) {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = integer(text) {
        return Ok(Value::Number(n?.into()));
    }
    if let Some(n) = float(text) {
        return Ok(Value::Number(n?.into()));
    }
    Ok(Value::String(text.into()))
}

fn all_digits(s: &str, radix: u32) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_digit(radix))
}

/// Decimal digits without the leading zeros JSON forbids.
fn trim_zeros(digits: &str) -> &str {
    let t = digits.trim_start_matches('0');
    if t.is_empty() {
        "0"
    } else {
        t
    }
}

/// A core-schema integer (`[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`) as JSON number text;
/// `None` when the text is no integer.
fn integer(text: &str) -> Option<Result<String, ErrorKind>> {
    for (prefix, radix) in [("0x", 16), ("0o", 8)] {
        if let Some(digits) = text.strip_prefix(prefix) {
            if !all_digits(digits, radix) {
                return None;
            }
            return Some(
                u128::from_str_radix(digits, radix)
                    .map(|n| n.to_string())
                    .map_err(|_| ErrorKind::IntegerTooLarge),
            );
        }
    }
    let (sign, digits) = split_sign(text);
    all_digits(digits, 10).then(|| Ok(format!("{sign}{}", trim_zeros(digits))))
}

/// `-` for a negative number, nothing for `+` or no sign.
fn split_sign(text: &str) -> (&str, &str) {
    match text.as_bytes().first() {
        Some(b'-') => ("-", &text[1..]),
        Some(b'+') => ("", &text[1..]),
        _ => ("", text),
    }
}

/// A core-schema float as JSON number text (`.5` is `0.5`, `1.` is `1.0`); `None` when the
/// text is no float; an error for the infinities and not-a-number.
fn float(text: &str) -> Option<Result<String, ErrorKind>> {
    let (sign, rest) = split_sign(text);
    if matches!(rest, ".inf" | ".Inf" | ".INF")
        || (sign.is_empty() && !text.starts_with('+') && matches!(rest, ".nan" | ".NaN" | ".NAN"))
    {
        return Some(Err(ErrorKind::NotFinite {
            text: text.to_owned(),
        }));
    }
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i..])),
        None => (rest, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let whole_ok = whole.is_empty() || all_digits(whole, 10);
    let fraction_ok = fraction.is_none_or(|f| f.is_empty() || all_digits(f, 10));
    // `[0-9]+(\.[0-9]*)?` or `\.[0-9]+`
    let has_digits = !whole.is_empty() || fraction.is_some_and(|f| !f.is_empty());
    if !(whole_ok && fraction_ok && has_digits) {
        return None;
    }
    let mut out = format!("{sign}{}", trim_zeros(whole));
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(if f.is_empty() { "0" } else { f });
    }
    if let Some(e) = exponent {
        // `e` or `E` as written, then the sign and digits.
        let (marker, e) = e.split_at(1);
        let (esign, edigits) = match e.as_bytes().first() {
            Some(b'-' | b'+') => (&e[..1], &e[1..]),
            _ => ("", e),
        };
        if !all_digits(edigits, 10) {
            return None;
        }
        out.push_str(marker);
        out.push_str(esign);
        out.push_str(edigits);
    }
    Some(Ok(out))
}

/// The parser's message as a problem and what would fit, in the words the JSON errors use.
fn readable(info: &str) -> ErrorKind {
    let (problem, expected) = match info {
        // The scanner's own bound on `[`/`{` nesting, met before the tree reaches `MAX_DEPTH`.
        "recursion limit exceeded" => return ErrorKind::TooDeep,
        "mapping values are not allowed in this context" => (
            "a `key:` where no mapping can start",
            "check the indentation, or quote a value that holds \": \"",
        ),
        "while parsing a block mapping, did not find expected key" => (
            "a line that does not continue the mapping around it",
            "check the indentation of this line",
        ),
        "while parsing a block collection, did not find expected '-' indicator" => (
            "a line that does not continue the list around it",
            "expected `- ` and an item at this indentation",
        ),
        "tabs disallowed within this context (block indentation)"
        | "tab cannot be used as indentation"
        | "tabs disallowed in this context"
        | "while scanning a plain scalar, found a tab" => {
            ("a tab in YAML indentation", "YAML indents with spaces only")
        }
        "while parsing node, found unknown anchor" => (
            "an alias names no anchor defined before it",
            "define `&name` on a value before using `*name`",
        ),
        "while scanning a quoted scalar, found unexpected end of stream" => (
            "a quoted string is never closed",
            "expected its closing quote",
        ),
        "while parsing a flow sequence, expected ',' or ']'" => {
            ("unexpected text in a `[...]` list", "expected ',' or ']'")
        }
        "while parsing a flow mapping, did not find expected ',' or '}'" => (
            "unexpected text in a `{...}` mapping",
            "expected ',' or '}'",
        ),
        "while parsing a node, did not find expected node content" => {
            ("a value is missing here", "expected a value")
        }
        _ => {
            return ErrorKind::Syntax {
                problem: format!("invalid YAML: {info}"),
                expected: "the YAML parser stopped here".to_owned(),
            }
        }
    };
    ErrorKind::Syntax {
        problem: format!("invalid YAML: {problem}"),
        expected: expected.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> ErrorKind {
        parse(text).expect_err(text).kind
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn builds_the_json_tree_with_byte_spans() {
        let text = "é: 1\n\"ü\": [a, \"b\"]\n200: {x: ~}\n";
        let root = parse(text).expect("valid");
        let members = root.as_object().expect("mapping");
        assert_eq!(slice(text, members[0].key_span), "é");
        assert_eq!(slice(text, members[0].value.span), "1");
        assert_eq!(members[0].value.value, Value::Number("1".into()));
        assert_eq!(slice(text, members[1].key_span), "\"ü\"");
        assert_eq!(&*members[1].key, "ü");
        let items = members[1].value.as_array().expect("sequence");
        assert_eq!(slice(text, members[1].value.span), "[a, \"b\"]");
        assert_eq!(slice(text, items[1].span), "\"b\"");
        assert_eq!(&*members[2].key, "200");
        assert!(members[2].value.get("x").expect("x").is_null());
        // A block collection ends at its last value, not at the next line.
        let block = "a:\n  b: 1\n  c: [2]\nd: 3\n";
        let a = parse(block).expect("valid");
        assert_eq!(slice(block, a.get("a").expect("a").span), "b: 1\n  c: [2]");
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_spans_stay_in_the_text() {
        let text = "\u{feff}a: é\nb: 2\n";
        let root = parse(text).expect("valid");
        let b = root.member("b").expect("b");
        assert_eq!(slice(text, b.key_span), "b");
        assert_eq!(slice(text, b.value.span), "2");
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let value = |s: &str| {
            parse(&format!("k: {s}"))
                .expect(s)
                .get("k")
                .cloned()
                .expect("k")
                .value
        };
        let num = |s: &str| Value::Number(s.into());
        for s in [
            "yes", "no", "on", "off", "y", "0x", "1_000", "12:30", "0b1", ".5.5",
        ] {
            assert_eq!(value(s), Value::String(s.into()), "{s}");
        }
        for s in ["null", "Null", "NULL", "~", ""] {
            assert_eq!(value(s), Value::Null, "{s:?}");
        }
        assert_eq!(value("True"), Value::Bool(true));
        assert_eq!(value("FALSE"), Value::Bool(false));
        assert_eq!(value("\"true\""), Value::String("true".into()));
        assert_eq!(value("0x1F"), num("31"));
        assert_eq!(value("0o17"), num("15"));
        assert_eq!(value("+007"), num("7"));
        assert_eq!(value("-0"), num("-0"));
        assert_eq!(value("9007199254740993"), num("9007199254740993"));
        assert_eq!(value(".5"), num("0.5"));
        assert_eq!(value("-.5e3"), num("-0.5e3"));
        assert_eq!(value("1."), num("1.0"));
        assert_eq!(value("01.50E+02"), num("1.50E+02"));
        assert_eq!(value("!!str 12"), Value::String("12".into()));
        assert_eq!(value("!!int \"12\""), num("12"));
        assert_eq!(value("!!float 1"), num("1"));
        assert_eq!(value("! 12"), Value::String("12".into()));
        for s in [".inf", "-.Inf", "+.INF", ".nan", ".NaN", "!!float .nan"] {
            assert!(
                matches!(kind(&format!("k: {s}")), ErrorKind::NotFinite { .. }),
                "{s}"
            );
        }
        assert_eq!(
            kind("k: 0xffffffffffffffffffffffffffffffffff"),
            ErrorKind::IntegerTooLarge
        );
        assert!(matches!(
            kind("k: !!int abc"),
            ErrorKind::TagMismatch { .. }
        ));
        assert!(matches!(
            kind("k: !!map abc"),
            ErrorKind::TagMismatch { .. }
        ));
        assert!(matches!(
            kind("k: !!binary aGk="),
            ErrorKind::UnsupportedTag { .. }
        ));
        assert!(matches!(
            kind("k: !custom [1]"),
            ErrorKind::UnsupportedTag { .. }
        ));
    }

    #[test]
    fn keys_are_their_text() {
        let root = parse("200: a\ntrue: b\n~: c\n1.50: d\n!!str 3: e\n").expect("valid");
        let keys: Vec<&str> = root
            .as_object()
            .expect("map")
            .iter()
            .map(|m| &*m.key)
            .collect();
        assert_eq!(keys, ["200", "true", "~", "1.50", "3"]);
        assert_eq!(kind("? [1]\n: 2\n"), ErrorKind::ComplexKey);
        assert_eq!(kind("{[1]: 2}"), ErrorKind::ComplexKey);
        assert_eq!(kind("a: &a {b: 1}\n*a : 2\n"), ErrorKind::ComplexKey);
        assert_eq!(kind("a: &a {b: 1}\n<<: *a\n"), ErrorKind::MergeKey);
        assert!(parse("\"<<\": 1").is_ok());
    }

    #[test]
    fn aliases_copy_their_anchor() {
        let text = "a: &x {b: [1, 2]}\nc: *x\n";
        let root = parse(text).expect("valid");
        let c = root.get("c").expect("c");
        assert_eq!(slice(text, c.span), "*x");
        assert_eq!(c.get("b"), root.get("a").expect("a").get("b"));
        assert!(matches!(kind("a: &x [*x]"), ErrorKind::Syntax { .. }));
        assert!(matches!(kind("a: *nothing"), ErrorKind::Syntax { .. }));
    }

    #[test]
    fn a_billion_laughs_ends_in_an_error() {
        let mut text = String::from("a0: &a0 [\"lol lol lol lol lol lol lol lol\"]\n");
        for i in 1..40 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert_eq!(kind(&text), ErrorKind::AliasLimit);
        // Wide rather than deep: one big string copied many times.
        let big = format!(
            "a: &a \"{}\"\nb: [{}]\n",
            "x".repeat(1 << 20),
            "*a, ".repeat(100)
        );
        assert_eq!(kind(&big), ErrorKind::AliasLimit);
    }

    #[test]
    fn duplicate_keys_report_both_places() {
        let text = "a: 1\nb: 2\na: 3\n";
        let ErrorKind::DuplicateKey { key, first } = kind(text) else {
            panic!("not a duplicate")
        };
        assert_eq!(key, "a");
        assert_eq!(first, Span::new(0, 1));
        assert_eq!(parse(text).expect_err("dup").span, Span::new(10, 11));
        let mut large = String::new();
        for i in 0..40 {
            large.push_str(&format!("k{i}: {i}\n"));
        }
        large.push_str("\"k3\": 0\n");
        assert!(matches!(kind(&large), ErrorKind::DuplicateKey { .. }));
        // `200` and `"200"` are one key.
        assert!(matches!(
            kind("200: a\n\"200\": b\n"),
            ErrorKind::DuplicateKey { .. }
        ));
    }

    #[test]
    fn nesting_is_bounded_without_overflowing_the_stack() {
        assert_eq!(kind(&"[".repeat(100_000)), ErrorKind::TooDeep);
        assert_eq!(kind(&"{a: ".repeat(100_000)), ErrorKind::TooDeep);
        assert_eq!(
            kind(&format!("{}x", "- ".repeat(100_000))),
            ErrorKind::TooDeep
        );
        let mut block = String::new();
        for i in 0..100_000 {
            block.push_str(&" ".repeat(i.min(MAX_DEPTH * 2)));
            block.push_str("-\n");
        }
        assert_eq!(kind(&format!("k:\n{block}")), ErrorKind::TooDeep);
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        // An alias adds its anchor's depth where it is used.
        let inner = format!(
            "{}1{}",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert!(parse(&format!("- &a {inner}\n")).is_ok());
        assert_eq!(
            kind(&format!("- &a {inner}\n- [[*a]]\n")),
            ErrorKind::TooDeep
        );
    }

    #[test]
    fn one_document_only() {
        assert_eq!(kind("a: 1\n---\nb: 2\n"), ErrorKind::MultipleDocuments);
        assert!(parse("---\na: 1\n...\n").is_ok());
        assert_eq!(kind("# only a comment\n"), ErrorKind::Empty);
        assert_eq!(kind(""), ErrorKind::Empty);
    }

    #[test]
    fn syntax_errors_are_located_and_readable() {
        let err = parse("a:\n\tb: 1\n").expect_err("tab");
        assert_eq!(
            err.kind,
            ErrorKind::Syntax {
                problem: "invalid YAML: a tab in YAML indentation".to_owned(),
                expected: "YAML indents with spaces only".to_owned(),
            }
        );
        assert_eq!(err.span.start, 4);
        let err = parse("a: \"é").expect_err("unclosed");
        assert!(err.span.end as usize <= "a: \"é".len());
    }

    #[test]
    fn character_markers_become_byte_offsets() {
        let mut o = Offsets::new("aé😀b", 0);
        assert_eq!(o.byte(3), 7);
        assert_eq!(o.byte(1), 1);
        assert_eq!(o.byte(2), 3);
        assert_eq!(o.byte(4), 8);
        assert_eq!(o.byte(9), 8);
    }
}
