//! The one way a field of the document is read, for schema keywords and `x-mizan-*` extensions
//! alike. A field of the wrong JSON type is reported and read as absent, so one mistake yields
//! one diagnostic and the reading goes on; `null` is absent too, as the protocol writes every
//! optional field's default (`"route": null`, `"minLength": null`).

use crate::diagnostics::{self, Diagnostic};
use crate::openapi::json::{Member, Node, Value};
use crate::span::Span;

/// Field readers for whatever collects the diagnostics (the schema lowering, the extension
/// reader): each implementor says only where a problem goes.
pub(super) trait ReadFields {
    fn report(&mut self, diagnostic: Diagnostic);

    /// An object whose keys are all `known` (or `x-` extensions); unknown keys are reported.
    fn object<'n>(&mut self, node: &'n Node, what: &str, known: &[&str]) -> Option<&'n [Member]> {
        let Some(members) = node.as_object() else {
            self.report(diagnostics::wrong_type(
                node.span,
                what,
                "an object",
                node.kind_name(),
            ));
            return None;
        };
        for m in members {
            if !known.contains(&&*m.key) && !m.key.starts_with("x-") {
                self.report(diagnostics::unknown_field(m.key_span, what, &m.key, known));
            }
        }
        Some(members)
    }

    /// An array; anything else is reported and read as empty.
    fn array<'n>(&mut self, node: &'n Node, what: &str) -> &'n [Node] {
        node.as_array().unwrap_or_else(|| {
            self.report(diagnostics::wrong_type(
                node.span,
                what,
                "an array",
                node.kind_name(),
            ));
            &[]
        })
    }

    fn string<'n>(&mut self, node: &'n Node, key: &str) -> Option<(&'n str, Span)> {
        let v = node.get(key)?;
        match &v.value {
            Value::Null => None,
            Value::String(s) => Some((s, v.span)),
            _ => {
                self.report(diagnostics::wrong_type(
                    v.span,
                    key,
                    "a string",
                    v.kind_name(),
                ));
                None
            }
        }
    }

    /// A string field that must be there; its absence is reported at the object's opening brace.
    fn required_string<'n>(
        &mut self,
        node: &'n Node,
        key: &str,
        what: &str,
    ) -> Option<(&'n str, Span)> {
        if node.get(key).is_none_or(Node::is_null) {
            self.report(diagnostics::missing_field(head(node.span), what, key));
            return None;
        }
        self.string(node, key)
    }

    fn boolean(&mut self, node: &Node, key: &str) -> Option<bool> {
        let v = node.get(key)?;
        match v.value {
            Value::Null => None,
            Value::Bool(b) => Some(b),
            _ => {
                self.report(diagnostics::wrong_type(
                    v.span,
                    key,
                    "a boolean",
                    v.kind_name(),
                ));
                None
            }
        }
    }

    fn integer(&mut self, node: &Node, key: &str) -> Option<i64> {
        let v = node.get(key)?;
        if v.is_null() {
            return None;
        }
        let n = v.as_i64();
        if n.is_none() {
            self.report(diagnostics::wrong_type(
                v.span,
                key,
                "an integer",
                v.kind_name(),
            ));
        }
        n
    }

    fn count(&mut self, node: &Node, key: &str) -> Option<u64> {
        let v = node.get(key)?;
        let n = self.integer(node, key)?;
        u64::try_from(n).ok().or_else(|| {
            self.report(diagnostics::wrong_type(
                v.span,
                key,
                "a non-negative integer",
                "a negative number",
            ));
            None
        })
    }

    /// An array of strings, each with its span; other items are reported and skipped.
    fn string_list<'n>(&mut self, node: &'n Node, key: &str) -> Option<Vec<(&'n str, Span)>> {
        let v = node.get(key)?;
        let mut out = Vec::new();
        for item in self.array(v, key) {
            match item.as_str() {
                Some(s) => out.push((s, item.span)),
                None => self.report(diagnostics::wrong_type(
                    item.span,
                    key,
                    "an array of strings",
                    "an array with other values",
                )),
            }
        }
        Some(out)
    }
}

/// The first character of a span: where a label points at a whole object.
fn head(span: Span) -> Span {
    Span {
        start: span.start,
        end: span.start + 1.min(span.end - span.start),
    }
}
