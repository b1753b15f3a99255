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
//! A `$ref` to `#/components/schemas/X` becomes [`TypeKind::Ref`] by name, so recursion costs
//! nothing here; any other local JSON Pointer (into a schema's properties, a parameter, a
//! response, `$defs`...) is lowered to the type of what it points at, once per pointer. Keywords
//! TypeScript cannot express are typed more widely, with a `mizan::schema::approximated`
//! warning. Unions and their discriminators are in [`union`].

use std::collections::HashMap;

use indexmap::IndexMap;

use super::fields::ReadFields;
use super::{
    index_u32, Additional, Constraints, Literal, ObjectType, Property, Type, TypeId, TypeKind,
};
use crate::diagnostics::{self, Diagnostic};
use crate::openapi::json::{Member, Node, Value};
use crate::openapi::pointer::{self, Pointer, Unresolved};
use crate::span::Span;

mod union;

/// How many pointers to unnamed schemas may be followed inside one another. Real documents
/// stay at two or three; the bound keeps hostile chains from exhausting the stack.
const MAX_POINTER_DEPTH: usize = 64;

/// How many type nodes pointers to unnamed schemas may copy into a document's types, in all.
/// Each use of such a pointer copies its type, so pointers to pointers used twice each would
/// double it at every level; real documents copy a few thousand.
const MAX_POINTED_NODES: usize = 1_000_000;

/// Lowers schemas, resolving `$ref`s against the document they are in.
pub struct Lowerer<'a> {
    /// The document every `#/...` pointer is resolved against.
    root: &'a Node,
    components: IndexMap<&'a str, (TypeId, &'a Node)>,
    /// The type of every unnamed schema a pointer led to, by canonical pointer, with its size
    /// in type nodes.
    pointed: HashMap<String, (Type, usize)>,
    /// Type nodes copied from `pointed` so far (bounded by [`MAX_POINTED_NODES`]).
    copied: usize,
    /// The pointers being lowered, outermost first: one seen again is a recursive schema.
    following: Vec<String>,
    /// Unnamed schemas that refer to themselves, which become named types after the
    /// components (an inline type cannot refer to itself): canonical pointer, name, span,
    /// type once lowered.
    recursive: Vec<(String, String, Span, Option<Type>)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What a `$ref` names.
pub enum Target<'a> {
    /// A schema of `components.schemas`, however the pointer spelled it.
    Named(TypeId, &'a Node),
    /// Any other value of the document, with its canonical pointer.
    Schema(&'a Node, String),
}

/// Why a `$ref` names nothing.
pub enum RefError<'a> {
    Malformed(pointer::ParseError),
    Unresolved(Pointer, Unresolved<'a>),
}

impl ReadFields for Lowerer<'_> {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

impl<'a> Lowerer<'a> {
    /// `root` is the document; `components` its `components.schemas` object, in document order.
    pub fn new(root: &'a Node, components: &'a [Member]) -> Self {
        let components = components
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let id = TypeId(index_u32(i));
                (&*m.key, (id, &m.value))
            })
            .collect();
        Lowerer {
            root,
            components,
            pointed: HashMap::new(),
            copied: 0,
            following: Vec::new(),
            recursive: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// What a reference string names: the one resolution every reference follower uses.
    pub fn resolve_ref(&self, target: &str) -> Result<Target<'a>, RefError<'a>> {
        let pointer = Pointer::parse_ref(target).map_err(RefError::Malformed)?;
        if let Some(&(id, node)) = pointer
            .component_schema()
            .and_then(|name| self.components.get(name))
        {
            return Ok(Target::Named(id, node));
        }
        match pointer.resolve(self.root) {
            Ok(node) => Ok(Target::Schema(node, pointer.canonical())),
            Err(u) => Err(RefError::Unresolved(pointer, u)),
        }
    }

    /// The named types made of recursive unnamed schemas since the last call, in the order they
    /// were found: name, span, type. Their ids follow the components' and the ones taken before.
    pub fn take_recursive(&mut self, from: usize) -> Vec<(String, Span, Type)> {
        self.recursive[from..]
            .iter_mut()
            .map(|(_, name, span, ty)| {
                let ty = ty.take().unwrap_or_else(|| Type::new(TypeKind::Unknown));
                (name.clone(), *span, ty)
            })
            .collect()
    }

    fn recursive_id(&self, canonical: &str) -> Option<TypeId> {
        self.recursive
            .iter()
            .position(|(p, ..)| p == canonical)
            .map(|i| TypeId(index_u32(self.components.len() + i)))
    }

    /// The value a reference string names, named schema or not.
    pub fn ref_node(&self, target: &str) -> Option<&'a Node> {
        match self.resolve_ref(target).ok()? {
            Target::Named(_, node) | Target::Schema(node, _) => Some(node),
        }
    }

    fn ref_diagnostic(span: Span, target: &str, error: &RefError<'_>) -> Diagnostic {
        match error {
            RefError::Malformed(pointer::ParseError::External) => {
                diagnostics::unsupported_ref(span, target)
            }
            RefError::Malformed(e) => diagnostics::malformed_ref(span, target, &e.to_string()),
            RefError::Unresolved(p, u) => diagnostics::dangling_ref(
                span,
                target,
                &u.describe(p),
                &pointer::prefix_of(&p.tokens[..u.segment]),
                &p.tokens[u.segment],
                &u.keys(),
            ),
        }
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
        self.approximate(&mut ty, node);
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
            return self.lower_ref(r);
        }
        if let Some(c) = node.get("const") {
            return value_type(c);
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

    fn lower_ref(&mut self, r: &Node) -> Type {
        let Some(target) = r.as_str() else {
            self.diagnostics.push(diagnostics::wrong_type(
                r.span,
                "$ref",
                "a string",
                r.kind_name(),
            ));
            return Type::new(TypeKind::Unknown);
        };
        match self.resolve_ref(target) {
            Ok(Target::Named(id, _)) => Type::new(TypeKind::Ref { id }),
            Ok(Target::Schema(node, canonical)) => self.lower_pointed(r.span, node, canonical),
            Err(e) => {
                self.diagnostics
                    .push(Self::ref_diagnostic(r.span, target, &e));
                Type::new(TypeKind::Unknown)
            }
        }
    }

    /// The type of an unnamed schema a pointer leads to, lowered once per pointer. A pointer met
    /// again while its own target is being lowered is a cycle no named type breaks.
    fn lower_pointed(&mut self, span: Span, node: &'a Node, canonical: String) -> Type {
        if let Some((ty, size)) = self.pointed.get(&canonical) {
            // Checked before the copy is made.
            let ty = if self.copied.saturating_add(*size) <= MAX_POINTED_NODES {
                ty.clone()
            } else {
                Type::new(TypeKind::Unknown)
            };
            let size = *size;
            return self.copy(span, ty, size);
        }
        if let Some(id) = self.recursive_id(&canonical) {
            return Type::new(TypeKind::Ref { id });
        }
        if self.following.contains(&canonical) {
            // The schema refers to itself: it becomes a named type, referred to by id.
            let name = recursive_name(&canonical);
            self.recursive
                .push((canonical.clone(), name, node.span, None));
            let id = self.recursive_id(&canonical);
            return Type::new(id.map_or(TypeKind::Unknown, |id| TypeKind::Ref { id }));
        }
        if self.following.len() >= MAX_POINTER_DEPTH {
            self.diagnostics.push(diagnostics::ref_limit(
                span,
                &format!("nest more than {MAX_POINTER_DEPTH} deep"),
            ));
            return Type::new(TypeKind::Unknown);
        }
        self.following.push(canonical);
        let ty = self.lower(node);
        let canonical = self.following.pop().unwrap_or_default();
        if let Some(id) = self.recursive_id(&canonical) {
            let i = id.0 as usize - self.components.len();
            self.recursive[i].3 = Some(ty);
            let named = Type::new(TypeKind::Ref { id });
            self.pointed.insert(canonical, (named.clone(), 1));
            return named;
        }
        let size = type_size(&ty);
        let ty = self.copy(span, ty, size);
        self.pointed
            .insert(canonical, (ty.clone(), size.min(type_size(&ty))));
        ty
    }

    /// `ty` (of `size` nodes) where a pointer is used, counted against [`MAX_POINTED_NODES`];
    /// past the budget, reported and `unknown`.
    fn copy(&mut self, span: Span, ty: Type, size: usize) -> Type {
        self.copied = self.copied.saturating_add(size);
        if self.copied <= MAX_POINTED_NODES {
            return ty;
        }
        self.diagnostics.push(diagnostics::ref_limit(
            span,
            &format!("would copy more than {MAX_POINTED_NODES} type nodes"),
        ));
        Type::new(TypeKind::Unknown)
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
        // Each distinct value once, compared as JSON values (member order does not matter).
        let mut seen: Vec<serde_json::Value> = Vec::with_capacity(items.len());
        let mut values: Vec<&Node> = Vec::with_capacity(items.len());
        let mut nullable = false;
        for item in items {
            if item.is_null() {
                nullable = true;
                continue;
            }
            let value = item.to_serde();
            if !seen.contains(&value) {
                seen.push(value);
                values.push(item);
            }
        }
        let scalars: Option<Vec<Literal>> = values.iter().map(|v| literal(v)).collect();
        let mut ty = match (values.len(), scalars) {
            (0, _) if nullable => Type::new(TypeKind::Null),
            (0, _) => Type::new(TypeKind::Never),
            (1, _) => value_type(values[0]),
            (_, Some(values)) => Type::new(TypeKind::Enum { values }),
            // Objects and arrays among the values: a union of each value's type.
            (_, None) => Type::new(TypeKind::Union {
                variants: values.into_iter().map(value_type).collect(),
                discriminator: None,
            }),
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
        if ["properties", "additionalProperties", "patternProperties"]
            .iter()
            .any(|k| node.get(k).is_some())
        {
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
            "unevaluatedProperties",
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
        // With nothing else evaluating properties, `unevaluatedProperties` means what
        // `additionalProperties` would.
        let rest = node.get("additionalProperties").or_else(|| {
            (!has_applicator(node))
                .then(|| node.get("unevaluatedProperties"))
                .flatten()
        });
        let mut additional = match rest {
            None => Additional::Unspecified,
            Some(a) => self.additional(a),
        };
        if let Some(patterns) = node.member("patternProperties") {
            additional = self.pattern_properties(patterns, additional);
        }
        TypeKind::Object(ObjectType {
            properties,
            additional,
        })
    }

    fn additional(&mut self, a: &Node) -> Additional {
        match &a.value {
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
        }
    }

    /// `patternProperties`: an index signature whose value is any of the pattern schemas (and
    /// the `additionalProperties` schema), since TypeScript cannot type keys by a pattern.
    fn pattern_properties(&mut self, patterns: &Member, additional: Additional) -> Additional {
        let Some(members) = patterns.value.as_object() else {
            self.diagnostics.push(diagnostics::wrong_type(
                patterns.value.span,
                "patternProperties",
                "an object of schemas",
                patterns.value.kind_name(),
            ));
            return additional;
        };
        let mut variants: Vec<Type> = Vec::with_capacity(members.len() + 1);
        let mut any = false;
        // In pattern order: the union must not depend on the document's key order.
        let mut sorted: Vec<&Member> = members.iter().collect();
        sorted.sort_by(|a, b| a.key.cmp(&b.key));
        for m in sorted {
            let ty = self.lower(&m.value);
            any |= ty.kind == TypeKind::Unknown && !ty.nullable;
            if !variants.iter().any(|v| v.shape_eq(&ty)) {
                variants.push(ty);
            }
        }
        match additional {
            Additional::Any => any = true,
            Additional::Typed(t) if !variants.iter().any(|v| v.shape_eq(&t)) => variants.push(*t),
            Additional::Typed(_) | Additional::Forbidden | Additional::Unspecified => {}
        }
        if members.is_empty() {
            return Additional::Unspecified;
        }
        self.diagnostics.push(diagnostics::approximated(
            patterns.key_span,
            "patternProperties",
            "an index signature over every string key, whose values are any of the pattern \
             schemas' types (keys are not checked against the patterns)",
        ));
        if any {
            return Additional::Any;
        }
        Additional::Typed(Box::new(if variants.len() == 1 {
            variants.remove(0)
        } else {
            let nullable = variants
                .iter()
                .any(|v| v.nullable || v.kind == TypeKind::Null);
            variants.retain(|v| v.kind != TypeKind::Null);
            for v in &mut variants {
                v.nullable = false;
            }
            let mut ty = match variants.len() {
                0 => Type::new(TypeKind::Null),
                1 => variants.remove(0),
                _ => Type::new(TypeKind::Union {
                    variants,
                    discriminator: None,
                }),
            };
            ty.nullable = nullable && ty.kind != TypeKind::Null;
            ty
        }))
    }

    /// Keywords whose meaning TypeScript cannot carry: the type is kept as the other keywords
    /// make it (or, for `if`/`then`/`else`, narrowed by what always holds), with a warning
    /// naming what was lost. `patternProperties` is warned about where it is typed.
    fn approximate(&mut self, ty: &mut Type, node: &Node) {
        let Some(members) = node.as_object() else {
            return;
        };
        let trivial = |n: &Node| {
            matches!(&n.value, Value::Bool(true))
                || matches!(&n.value, Value::Object(m) if m.is_empty())
        };
        // Beside these, `unevaluated*` cannot be read as `additionalProperties`/`items`.
        let composed = has_applicator(node);
        const COMPOSED: &str =
            "what the other keywords say: it is not applied through `allOf`, `anyOf`, `oneOf`, \
             `$ref` or `if`";
        for m in members {
            let meaningful = !trivial(&m.value);
            let became = match &*m.key {
                "not" => "the schema without its `not`: values it excludes still type-check",
                "propertyNames" if meaningful => {
                    "the schema without `propertyNames`: keys are typed as any string"
                }
                "dependentRequired" | "dependentSchemas" | "dependencies" => {
                    "the schema without its dependencies: what they require stays optional"
                }
                "contains" => {
                    "an array of its `items` type: that some item must match `contains` is not \
                     typed"
                }
                "unevaluatedProperties"
                    if meaningful && composed && node.get("additionalProperties").is_none() =>
                {
                    COMPOSED
                }
                "unevaluatedItems" if meaningful && composed => COMPOSED,
                _ => continue,
            };
            self.diagnostics
                .push(diagnostics::approximated(m.key_span, &m.key, became));
        }
        self.conditional(ty, node);
    }

    /// `if`/`then`/`else`: a value matches `then` or `else` whatever the `if`, so with both the
    /// type is `T & (Then | Else)`; with one of them, `T`.
    fn conditional(&mut self, ty: &mut Type, node: &Node) {
        let Some(condition) = node.member("if") else {
            return;
        };
        let (then, otherwise) = (node.get("then"), node.get("else"));
        if then.is_none() && otherwise.is_none() {
            return; // `if` alone validates nothing.
        }
        let branch = |this: &mut Self, n: Option<&Node>| {
            n.map_or_else(|| Type::new(TypeKind::Unknown), |n| this.lower(n))
        };
        let then = branch(self, then);
        let otherwise = branch(self, otherwise);
        let open = |t: &Type| t.kind == TypeKind::Unknown && !t.nullable;
        let became = if open(&then) || open(&otherwise) {
            "the schema without `if`/`then`/`else`: what a branch adds is not typed"
        } else {
            let either = if then.shape_eq(&otherwise) {
                then
            } else {
                Type::new(TypeKind::Union {
                    variants: vec![then, otherwise],
                    discriminator: None,
                })
            };
            let base = std::mem::replace(ty, Type::new(TypeKind::Unknown));
            *ty = if open(&base) {
                either
            } else {
                Type::new(TypeKind::Intersection {
                    members: vec![base, either],
                })
            };
            "the schema's type `&` (the `then` type `|` the `else` type): which branch applies is not typed"
        };
        self.diagnostics
            .push(diagnostics::approximated(condition.key_span, "if", became));
    }

    fn lower_array(&mut self, node: &Node) -> TypeKind {
        let max_items = node.get("maxItems").and_then(Node::as_i64);
        // With nothing else evaluating items, `unevaluatedItems` means what the rest would.
        let unevaluated = (!has_applicator(node))
            .then(|| node.get("unevaluatedItems"))
            .flatten();
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
            let rest = tuple_rest(self, items.len(), node.get("items").or(unevaluated));
            return TypeKind::Tuple { items, rest };
        }
        match node.get("items") {
            None => TypeKind::Array {
                items: Box::new(
                    unevaluated
                        .map_or_else(|| Type::new(TypeKind::Unknown), |rest| self.lower(rest)),
                ),
            },
            Some(Node {
                value: Value::Array(list),
                ..
            }) => {
                let items: Vec<Type> = list.iter().map(|i| self.lower(i)).collect();
                let rest = tuple_rest(
                    self,
                    items.len(),
                    node.get("additionalItems").or(unevaluated),
                );
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

/// The type of exactly one JSON value (a `const`, an `enum` member): a literal, `null`, an
/// object of required literal-typed properties and nothing else, or a closed tuple.
fn value_type(node: &Node) -> Type {
    Type::new(match &node.value {
        Value::Null => TypeKind::Null,
        Value::Array(items) => TypeKind::Tuple {
            items: items.iter().map(value_type).collect(),
            rest: None,
        },
        Value::Object(members) => TypeKind::Object(ObjectType {
            properties: members
                .iter()
                .map(|m| Property {
                    wire_name: m.key.to_string(),
                    ty: value_type(&m.value),
                    required: true,
                })
                .collect(),
            // `{}` is written `{ [key: string]: never }`: TypeScript's `{}` is any non-null value.
            additional: if members.is_empty() {
                Additional::Typed(Box::new(Type::new(TypeKind::Never)))
            } else {
                Additional::Forbidden
            },
        }),
        _ => match literal(node) {
            Some(value) => TypeKind::Literal { value },
            None => TypeKind::Unknown,
        },
    })
}

/// The name of a recursive unnamed schema: its pointer's [`Pointer::name_hint`].
fn recursive_name(canonical: &str) -> String {
    Pointer::parse_ref(canonical)
        .ok()
        .and_then(|p| p.name_hint().map(str::to_owned))
        .unwrap_or_else(|| "Recursive".to_owned())
}

/// The number of type nodes in a type.
fn type_size(ty: &Type) -> usize {
    1 + match &ty.kind {
        TypeKind::Array { items } => type_size(items),
        TypeKind::Tuple { items, rest } => {
            items.iter().map(type_size).sum::<usize>() + rest.as_deref().map_or(0, type_size)
        }
        TypeKind::Object(o) => {
            o.properties.iter().map(|p| type_size(&p.ty)).sum::<usize>()
                + match &o.additional {
                    Additional::Typed(t) => type_size(t),
                    _ => 0,
                }
        }
        TypeKind::Union {
            variants: members, ..
        }
        | TypeKind::Intersection { members } => members.iter().map(type_size).sum(),
        _ => 0,
    }
}

/// Keywords that evaluate properties or items of the same value besides the schema's own, so
/// `unevaluatedProperties`/`unevaluatedItems` cannot be read as `additionalProperties`/`items`.
fn has_applicator(node: &Node) -> bool {
    [
        "allOf",
        "anyOf",
        "oneOf",
        "$ref",
        "if",
        "then",
        "else",
        "dependentSchemas",
    ]
    .iter()
    .any(|k| node.get(k).is_some())
}
