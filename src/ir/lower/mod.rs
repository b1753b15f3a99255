//! Lowering JSON Schema (as OpenAPI 3.0 and 3.1 spell it) into IR [`Type`]s.
//!
//! One pass handles both dialects, so nothing downstream knows which one the document used:
//!
//! | meaning | 3.0 | 3.1 |
//! |---|---|---|
//! | nullable | `nullable: true` | `type: [T, "null"]`, `anyOf: [T, {type: null}]` |
//! | literal | one-value `enum` | `const` |
//! | tuple | `items: [..]` | `prefixItems` (+ `items`/`maxItems` for the rest) |
//! | exclusive bound | `exclusiveMinimum: true` + `minimum` | `exclusiveMinimum: <n>` |
//!
//! Either spelling is accepted in either dialect: exporters mix them (django-ninja emits
//! `anyOf`-nulls in 3.0 documents), and rejecting a meaning we understand helps nobody.
//! `$ref`s become [`TypeKind::Ref`] by name, so recursion costs nothing here. Unions and their
//! discriminators are in [`union`].

use indexmap::IndexMap;

use super::fields::ReadFields;
use super::{
    index_u32, Additional, Constraints, Literal, ObjectType, Property, Type, TypeId, TypeKind,
};
use crate::diagnostics::{self, Diagnostic};
use crate::openapi::json::{Member, Node, Value};
use crate::span::Span;

mod union;

const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// Lowers schemas, resolving `$ref`s against `components.schemas`.
pub struct Lowerer<'a> {
    components: IndexMap<&'a str, (TypeId, &'a Node)>,
    pub diagnostics: Vec<Diagnostic>,
}

impl ReadFields for Lowerer<'_> {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

impl<'a> Lowerer<'a> {
    /// `components` is the `components.schemas` object, in document order.
    pub fn new(components: &'a [Member]) -> Self {
        let components = components
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let id = TypeId(index_u32(i));
                (&*m.key, (id, &m.value))
            })
            .collect();
        Lowerer {
            components,
            diagnostics: Vec::new(),
        }
    }

    pub fn component_names(&self) -> Vec<&'a str> {
        self.components.keys().copied().collect()
    }

    /// The component a reference string names, if any.
    pub fn resolve_ref(&self, target: &str) -> Option<(TypeId, &'a Node)> {
        let name = target.strip_prefix(COMPONENT_PREFIX)?;
        self.components
            .get(decode_pointer_token(name).as_ref())
            .copied()
    }

    pub fn lower(&mut self, node: &Node) -> Type {
        match &node.value {
            Value::Bool(true) => Type::new(TypeKind::Unknown),
            Value::Bool(false) => Type::new(TypeKind::Never),
            Value::Object(_) => self.lower_object_schema(node),
            _ => {
                self.diagnostics.push(diagnostics::invalid_schema(
                    node.span,
                    format!(
                        "a schema must be an object (or a boolean in 3.1), found {}",
                        node.kind_name()
                    ),
                ));
                Type::new(TypeKind::Unknown)
            }
        }
    }

    fn lower_object_schema(&mut self, node: &Node) -> Type {
        let mut ty = self.lower_kind(node);
        self.annotate(&mut ty, node);
        ty
    }

    /// Description, default, readOnly/writeOnly, deprecated, 3.0 `nullable`.
    fn annotate(&mut self, ty: &mut Type, node: &Node) {
        if let Some((d, _)) = self.string(node, "description") {
            ty.description = Some(d.to_owned());
        }
        if let Some(d) = node.get("default") {
            ty.default = Some(d.to_serde());
        }
        ty.read_only |= self.boolean(node, "readOnly").unwrap_or(false);
        ty.write_only |= self.boolean(node, "writeOnly").unwrap_or(false);
        ty.deprecated |= self.boolean(node, "deprecated").unwrap_or(false);
        ty.nullable |= self.boolean(node, "nullable").unwrap_or(false);
    }

    fn lower_kind(&mut self, node: &Node) -> Type {
        if let Some(r) = node.get("$ref") {
            return Type::new(self.lower_ref(r));
        }
        if let Some(c) = node.get("const") {
            return literal_type(literal(c));
        }
        if let Some(e) = node.get("enum") {
            return self.lower_enum(e);
        }
        if let Some(all) = node.get("allOf") {
            return self.lower_all_of(node, all);
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(variants) = node.get(key) {
                return self.lower_union(node, variants);
            }
        }
        self.lower_typed(node)
    }

    fn lower_ref(&mut self, r: &Node) -> TypeKind {
        let Some(target) = r.as_str() else {
            self.diagnostics.push(diagnostics::wrong_type(
                r.span,
                "$ref",
                "a string",
                r.kind_name(),
            ));
            return TypeKind::Unknown;
        };
        if let Some((id, _)) = self.resolve_ref(target) {
            return TypeKind::Ref { id };
        }
        if target.starts_with(COMPONENT_PREFIX) {
            let known = self.component_names();
            self.diagnostics
                .push(diagnostics::dangling_ref(r.span, target, &known));
        } else {
            self.diagnostics
                .push(diagnostics::unsupported_ref(r.span, target));
        }
        TypeKind::Unknown
    }

    fn lower_enum(&mut self, e: &Node) -> Type {
        let Some(items) = e.as_array() else {
            self.diagnostics.push(diagnostics::wrong_type(
                e.span,
                "enum",
                "an array",
                e.kind_name(),
            ));
            return Type::new(TypeKind::Unknown);
        };
        let mut values: Vec<Literal> = Vec::with_capacity(items.len());
        let mut nullable = false;
        for item in items {
            match literal(item) {
                Some(Literal::Null(())) => nullable = true,
                Some(l) => {
                    if !values.contains(&l) {
                        values.push(l);
                    }
                }
                None => self.diagnostics.push(diagnostics::invalid_schema(
                    item.span,
                    "enum values must be strings, numbers, booleans or null",
                )),
            }
        }
        let mut ty = match values.len() {
            0 if nullable => Type::new(TypeKind::Null),
            0 => Type::new(TypeKind::Never),
            1 => Type::new(TypeKind::Literal {
                value: values.remove(0),
            }),
            _ => Type::new(TypeKind::Enum { values }),
        };
        ty.nullable = nullable && ty.kind != TypeKind::Null;
        ty
    }

    pub(super) fn schema_list<'n>(&mut self, node: &'n Node, key: &str) -> &'n [Node] {
        match node.as_array() {
            Some(items) if !items.is_empty() => items,
            _ => {
                self.diagnostics.push(diagnostics::wrong_type(
                    node.span,
                    key,
                    "a non-empty array of schemas",
                    node.kind_name(),
                ));
                &[]
            }
        }
    }

    fn lower_all_of(&mut self, node: &Node, all: &Node) -> Type {
        let mut members: Vec<Type> = self
            .schema_list(all, "allOf")
            .iter()
            .map(|m| self.lower(m))
            .collect();
        // Properties written beside `allOf` are one more member.
        if node.get("properties").is_some() || node.get("additionalProperties").is_some() {
            members.push(self.lower_typed(node));
        }
        match members.len() {
            0 => Type::new(TypeKind::Unknown),
            // Pydantic wraps a `$ref` in a one-member `allOf` to attach a description or default.
            1 => members.remove(0),
            _ => Type::new(TypeKind::Intersection { members }),
        }
    }

    /// A schema described by `type` (or by the keywords that imply one).
    fn lower_typed(&mut self, node: &Node) -> Type {
        let mut nullable = false;
        let names: Vec<(&str, Span)> = match node.get("type") {
            None => Vec::new(),
            Some(t) => match &t.value {
                Value::String(s) => vec![(&**s, t.span)],
                Value::Array(items) => items
                    .iter()
                    .filter_map(|i| match i.as_str() {
                        Some(s) => Some((s, i.span)),
                        None => {
                            self.diagnostics.push(diagnostics::wrong_type(
                                i.span,
                                "type",
                                "a type name",
                                i.kind_name(),
                            ));
                            None
                        }
                    })
                    .collect(),
                _ => {
                    self.diagnostics.push(diagnostics::wrong_type(
                        t.span,
                        "type",
                        "a type name or an array of them",
                        t.kind_name(),
                    ));
                    Vec::new()
                }
            },
        };
        let mut kinds = Vec::with_capacity(names.len());
        for (name, span) in names {
            if name == "null" {
                nullable = true;
            } else if let Some(kind) = self.lower_type_name(node, name, span) {
                kinds.push(kind);
            }
        }
        let mut ty = match kinds.len() {
            0 if nullable => Type::new(TypeKind::Null),
            0 => Type::new(self.lower_untyped(node)),
            1 => Type::new(kinds.remove(0)),
            _ => Type::new(TypeKind::Union {
                variants: kinds.into_iter().map(Type::new).collect(),
                discriminator: None,
            }),
        };
        ty.nullable = nullable && ty.kind != TypeKind::Null;
        ty
    }

    /// No `type`: infer from the keywords present; none at all means any value.
    fn lower_untyped(&mut self, node: &Node) -> TypeKind {
        if [
            "properties",
            "additionalProperties",
            "required",
            "patternProperties",
        ]
        .iter()
        .any(|k| node.get(k).is_some())
        {
            self.lower_object(node)
        } else if node.get("items").is_some() || node.get("prefixItems").is_some() {
            self.lower_array(node)
        } else {
            TypeKind::Unknown
        }
    }

    fn lower_type_name(&mut self, node: &Node, name: &str, span: Span) -> Option<TypeKind> {
        let format = || node.get("format").and_then(Node::as_str).map(str::to_owned);
        // OpenAPI 3.1 describes raw file content with `contentMediaType` instead of
        // `format: binary` (FastAPI does so for `UploadFile`); text and JSON media types, and
        // encoded content (`contentEncoding: base64`), stay strings.
        let binary_media = || {
            let media = node.get("contentMediaType").and_then(Node::as_str)?;
            let textual = media.starts_with("text/") || media.contains("json");
            (node.get("contentEncoding").is_none() && !textual).then(|| "binary".to_owned())
        };
        Some(match name {
            "string" => TypeKind::String {
                format: format().or_else(binary_media),
                constraints: self.constraints(node),
            },
            "integer" => TypeKind::Integer {
                format: format(),
                constraints: self.constraints(node),
            },
            "number" => TypeKind::Number {
                format: format(),
                constraints: self.constraints(node),
            },
            "boolean" => TypeKind::Boolean,
            "object" => self.lower_object(node),
            "array" => self.lower_array(node),
            other => {
                self.diagnostics.push(diagnostics::invalid_schema(
                    span,
                    format!("unknown type `{other}`; JSON Schema types are string, integer, number, boolean, object, array and null"),
                ));
                return None;
            }
        })
    }

    fn constraints(&mut self, node: &Node) -> Constraints {
        let count = |key: &str| {
            node.get(key)
                .and_then(Node::as_i64)
                .and_then(|n| u64::try_from(n).ok())
        };
        let number = |key: &str| match node.get(key).map(|n| &n.value) {
            Some(Value::Number(raw)) => Some(raw.to_string()),
            _ => None,
        };
        let mut c = Constraints {
            min_length: count("minLength"),
            max_length: count("maxLength"),
            pattern: node
                .get("pattern")
                .and_then(Node::as_str)
                .map(str::to_owned),
            minimum: number("minimum"),
            maximum: number("maximum"),
            ..Constraints::default()
        };
        // 3.0: boolean flags on minimum/maximum. 3.1: the bounds themselves.
        for (key, bound, flag) in [
            ("exclusiveMinimum", &mut c.minimum, &mut c.exclusive_minimum),
            ("exclusiveMaximum", &mut c.maximum, &mut c.exclusive_maximum),
        ] {
            match node.get(key).map(|n| &n.value) {
                Some(Value::Bool(b)) => *flag = *b,
                Some(Value::Number(raw)) => {
                    *bound = Some(raw.to_string());
                    *flag = true;
                }
                _ => {}
            }
        }
        c
    }

    fn lower_object(&mut self, node: &Node) -> TypeKind {
        let required: Vec<&str> = match node.get("required") {
            None => Vec::new(),
            Some(r) => match r.as_array() {
                Some(items) => items.iter().filter_map(Node::as_str).collect(),
                // 3.0 allowed no boolean `required` on schemas; Swagger-era exporters wrote one.
                None => {
                    self.diagnostics.push(diagnostics::wrong_type(
                        r.span,
                        "required",
                        "an array of property names",
                        r.kind_name(),
                    ));
                    Vec::new()
                }
            },
        };
        let mut properties = Vec::new();
        if let Some(props) = node.get("properties") {
            match props.as_object() {
                Some(members) => {
                    properties.reserve(members.len());
                    for m in members {
                        properties.push(Property {
                            wire_name: m.key.to_string(),
                            ty: self.lower(&m.value),
                            required: required.contains(&&*m.key),
                        });
                    }
                }
                None => self.diagnostics.push(diagnostics::wrong_type(
                    props.span,
                    "properties",
                    "an object of schemas",
                    props.kind_name(),
                )),
            }
        }
        let additional = match node.get("additionalProperties") {
            None if node.get("patternProperties").is_some() => Additional::Any,
            None => Additional::Unspecified,
            Some(a) => match &a.value {
                Value::Bool(true) => Additional::Any,
                Value::Bool(false) => Additional::Forbidden,
                Value::Object(members) if members.is_empty() => Additional::Any,
                _ => {
                    let ty = self.lower(a);
                    if ty.kind == TypeKind::Unknown && !ty.nullable {
                        Additional::Any
                    } else {
                        Additional::Typed(Box::new(ty))
                    }
                }
            },
        };
        TypeKind::Object(ObjectType {
            properties,
            additional,
        })
    }

    fn lower_array(&mut self, node: &Node) -> TypeKind {
        let max_items = node.get("maxItems").and_then(Node::as_i64);
        let tuple_rest = |this: &mut Self, len: usize, rest: Option<&Node>| -> Option<Box<Type>> {
            let closed_by_max =
                max_items.is_some_and(|m| usize::try_from(m).is_ok_and(|m| m <= len));
            match rest {
                Some(Node {
                    value: Value::Bool(false),
                    ..
                }) => None,
                _ if closed_by_max => None,
                Some(r) => Some(Box::new(this.lower(r))),
                None => Some(Box::new(Type::new(TypeKind::Unknown))),
            }
        };
        if let Some(prefix) = node.get("prefixItems") {
            let items: Vec<Type> = self
                .schema_list(prefix, "prefixItems")
                .iter()
                .map(|i| self.lower(i))
                .collect();
            let rest = tuple_rest(self, items.len(), node.get("items"));
            return TypeKind::Tuple { items, rest };
        }
        match node.get("items") {
            None => TypeKind::Array {
                items: Box::new(Type::new(TypeKind::Unknown)),
            },
            Some(Node {
                value: Value::Array(list),
                ..
            }) => {
                let items: Vec<Type> = list.iter().map(|i| self.lower(i)).collect();
                let rest = tuple_rest(self, items.len(), node.get("additionalItems"));
                TypeKind::Tuple { items, rest }
            }
            Some(items) => TypeKind::Array {
                items: Box::new(self.lower(items)),
            },
        }
    }
}

fn literal(node: &Node) -> Option<Literal> {
    Some(match &node.value {
        Value::Null => Literal::Null(()),
        Value::Bool(b) => Literal::Bool(*b),
        Value::Number(raw) => Literal::Number(raw.to_string()),
        Value::String(s) => Literal::String(s.to_string()),
        Value::Array(_) | Value::Object(_) => return None,
    })
}

fn literal_type(value: Option<Literal>) -> Type {
    match value {
        Some(Literal::Null(())) => Type::new(TypeKind::Null),
        Some(value) => Type::new(TypeKind::Literal { value }),
        // An object or array `const` has no literal type; it is any value of that shape.
        None => Type::new(TypeKind::Unknown),
    }
}

/// JSON Pointer unescaping (`~1` → `/`, `~0` → `~`) and percent-decoding of a reference token.
fn decode_pointer_token(token: &str) -> std::borrow::Cow<'_, str> {
    if !token.contains(['~', '%']) {
        return token.into();
    }
    let mut bytes = Vec::with_capacity(token.len());
    let raw = token.as_bytes();
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
    String::from_utf8_lossy(&bytes)
        .replace("~1", "/")
        .replace("~0", "~")
        .into()
}
