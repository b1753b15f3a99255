//! Reading the `x-mizan-*` extensions field by field: `x-mizan-version`, the functions, the
//! contexts with their params, and the channels. Each entry comes out as it was written (names
//! still names); [`super::resolve`] turns them into ids. Forms are read in [`super::forms`].

use indexmap::IndexMap;

use super::args::collect_properties;
use super::Builder;
use crate::diagnostics;
use crate::ir::fields::ReadFields;
use crate::ir::{
    names, Additional, Auth, CachePolicy, Channel, ObjectType, Transport, Type, TypeKind,
};
use crate::openapi::json::{Node, Value};
use crate::span::Span;

/// The keys of an `x-mizan-functions` entry.
pub const FUNCTION_KEYS: &[&str] = &[
    "name",
    "input",
    "output",
    "outputNullable",
    "context",
    "affects",
    "merge",
    "transport",
    "auth",
    "rev",
    "cache",
    "private",
    "route",
    "upload",
    "description",
];
const CONTEXT_KEYS: &[&str] = &["functions", "params", "rev", "cache", "description"];
const PARAM_KEYS: &[&str] = &["schema", "required", "sharedBy", "description"];
const CHANNEL_KEYS: &[&str] = &[
    "name",
    "params",
    "serverMessage",
    "clientMessage",
    "auth",
    "description",
];
const TARGET_KEYS: &[&str] = &["context", "function"];
const MERGE_KEYS: &[&str] = &["context", "slot"];
const AUTH_VALUES: &[&str] = &["authenticated", "staff", "superuser", "custom"];
const TRANSPORT_VALUES: &[&str] = &["http", "websocket"];
/// An entry of an `x-mizan-*` array whose name has been checked.
pub(super) struct Named<'a> {
    pub(super) node: &'a Node,
    pub(super) name: &'a str,
    pub(super) span: Span,
    pub(super) ident: String,
}

pub(super) struct RawFunction<'a> {
    pub(super) name: &'a str,
    pub(super) ident: String,
    pub(super) name_span: Span,
    pub(super) input: Option<(Type, Span)>,
    pub(super) output: Type,
    pub(super) output_nullable: bool,
    pub(super) context: Option<(&'a str, Span)>,
    pub(super) affects: Vec<RawTarget<'a>>,
    pub(super) merge: Vec<RawMerge<'a>>,
    pub(super) mutation_span: Option<(Span, &'static str)>,
    pub(super) transport: Transport,
    pub(super) auth: Option<Auth>,
    pub(super) rev: i64,
    pub(super) cache: CachePolicy,
    pub(super) private: bool,
    pub(super) route: Option<(&'a str, Span)>,
    pub(super) upload: bool,
    pub(super) description: Option<String>,
}

pub(super) struct RawTarget<'a> {
    pub(super) context: (&'a str, Span),
    pub(super) function: Option<(&'a str, Span)>,
}

pub(super) struct RawMerge<'a> {
    pub(super) context: (&'a str, Span),
    pub(super) slot: (&'a str, Span),
    pub(super) span: Span,
}

pub(super) struct RawContext<'a> {
    pub(super) name: &'a str,
    pub(super) span: Span,
    /// `None` when `x-mizan-contexts` does not declare it (inferred from functions).
    pub(super) listed: Option<Vec<(&'a str, Span)>>,
    pub(super) params: Option<(Vec<RawParam<'a>>, Span)>,
    pub(super) rev: Option<i64>,
    pub(super) cache: Option<CachePolicy>,
}

pub(super) struct RawParam<'a> {
    pub(super) name: &'a str,
    pub(super) schema: Option<Type>,
    pub(super) required: Option<(bool, Span)>,
    pub(super) shared_by: Option<Vec<(&'a str, Span)>>,
}

impl<'a> Builder<'a> {
    /// `cache`: `false` (no-store), `true`, or whole seconds.
    fn cache(&mut self, node: &Node) -> Option<CachePolicy> {
        let v = node.get("cache")?;
        match &v.value {
            Value::Null => None,
            Value::Bool(false) => Some(CachePolicy::NoStore),
            Value::Bool(true) => Some(CachePolicy::Enabled),
            Value::Number(_) => match v.as_i64().map(u64::try_from) {
                Some(Ok(s)) => Some(CachePolicy::Seconds(s)),
                _ => {
                    self.diags.push(diagnostics::wrong_type(
                        v.span,
                        "cache",
                        "false, true or whole seconds",
                        "another number",
                    ));
                    None
                }
            },
            _ => {
                self.diags.push(diagnostics::wrong_type(
                    v.span,
                    "cache",
                    "a boolean or a number of seconds",
                    v.kind_name(),
                ));
                None
            }
        }
    }

    /// `auth`: one of the access rules the server enforces.
    fn auth(&mut self, node: &'a Node) -> Option<Auth> {
        let (value, span) = self.string(node, "auth")?;
        Some(match value {
            "authenticated" => Auth::Authenticated,
            "staff" => Auth::Staff,
            "superuser" => Auth::Superuser,
            "custom" => Auth::Custom,
            other => {
                self.diags
                    .push(diagnostics::invalid_value(span, "auth", other, AUTH_VALUES));
                return None;
            }
        })
    }

    /// A schema-valued field, lowered; absent or `null` is `None`.
    fn schema(&mut self, node: &'a Node, key: &str) -> Option<(Type, Span)> {
        let v = node.get(key)?;
        if v.is_null() {
            return None;
        }
        Some((self.lowerer.lower(v), v.span))
    }

    pub(super) fn check_mizan_version(&mut self, root: &Node) {
        let Some(v) = root.get("x-mizan-version") else {
            return;
        };
        match v.as_i64() {
            Some(1) => {}
            Some(_) => self.diags.push(diagnostics::unsupported_mizan_version(
                v.span,
                &number_text(v),
            )),
            None => self.diags.push(diagnostics::wrong_type(
                v.span,
                "x-mizan-version",
                "an integer",
                v.kind_name(),
            )),
        }
    }

    /// The entries of an `x-mizan-*` array of named objects: each must be an object, have a
    /// `name` of the registered shape ([`names::is_wire_name`]), and be the only one of that
    /// name. Entries that are not are reported and skipped.
    pub(super) fn named_entries(
        &mut self,
        root: &'a Node,
        key: &str,
        what: &'static str,
        known: &[&str],
    ) -> Vec<Named<'a>> {
        let Some(list) = root.get(key) else {
            return Vec::new();
        };
        let mut seen: IndexMap<&str, Span> = IndexMap::new();
        let mut out = Vec::new();
        for node in self.array(list, key) {
            if self.object(node, &format!("a {what}"), known).is_none() {
                continue;
            }
            let Some((name, span)) = self.required_string(node, "name", &format!("a {what}"))
            else {
                continue;
            };
            let Some(ident) = names::stem(name).filter(|_| names::is_wire_name(name)) else {
                self.diags.push(diagnostics::invalid_name(span, what, name));
                continue;
            };
            if let Some(first) = seen.get(name) {
                self.diags
                    .push(diagnostics::duplicate_name(span, *first, what, name));
                continue;
            }
            seen.insert(name, span);
            out.push(Named {
                node,
                name,
                span,
                ident,
            });
        }
        out
    }

    pub(super) fn read_functions(&mut self, root: &'a Node) -> Vec<RawFunction<'a>> {
        self.named_entries(root, "x-mizan-functions", "function", FUNCTION_KEYS)
            .into_iter()
            .filter_map(|e| self.read_function(e))
            .collect()
    }

    fn read_function(&mut self, entry: Named<'a>) -> Option<RawFunction<'a>> {
        let Named {
            node,
            name,
            span: name_span,
            ident,
        } = entry;
        let route = self.string(node, "route");
        let output = match self.schema(node, "output") {
            Some((ty, _)) => ty,
            None if route.is_some() => Type::new(TypeKind::Unknown),
            None if node.get("output").is_some_and(Node::is_null) => Type::new(TypeKind::Null),
            None => {
                self.diags.push(diagnostics::missing_field(
                    name_span,
                    &format!("function `{name}`"),
                    "output",
                ));
                Type::new(TypeKind::Unknown)
            }
        };
        let mut affects = Vec::new();
        let mut mutation_span = None;
        if let Some(list) = node.get("affects") {
            if !list.is_null() {
                for t in self.array(list, "affects") {
                    affects.extend(self.read_target(t));
                }
                if !affects.is_empty() {
                    mutation_span = Some((list.span, "affects"));
                }
            }
        }
        let mut merge = Vec::new();
        if let Some(list) = node.get("merge") {
            if !list.is_null() {
                for m in self.array(list, "merge") {
                    if self.object(m, "a merge entry", MERGE_KEYS).is_none() {
                        continue;
                    }
                    let context = self.required_string(m, "context", "a merge entry");
                    let slot = self.required_string(m, "slot", "a merge entry");
                    if let (Some(context), Some(slot)) = (context, slot) {
                        merge.push(RawMerge {
                            context,
                            slot,
                            span: m.span,
                        });
                    }
                }
                if !merge.is_empty() && mutation_span.is_none() {
                    mutation_span = Some((list.span, "merge"));
                }
            }
        }
        let transport = match self.string(node, "transport") {
            None | Some(("http", _)) => Transport::Http,
            Some(("websocket", _)) => Transport::Websocket,
            Some((other, span)) => {
                self.diags.push(diagnostics::invalid_value(
                    span,
                    "transport",
                    other,
                    TRANSPORT_VALUES,
                ));
                Transport::Http
            }
        };
        Some(RawFunction {
            name,
            ident,
            name_span,
            input: self.schema(node, "input"),
            output,
            output_nullable: self.boolean(node, "outputNullable").unwrap_or(false),
            context: self.string(node, "context"),
            affects,
            merge,
            mutation_span,
            transport,
            auth: self.auth(node),
            rev: self.integer(node, "rev").unwrap_or(0),
            cache: self.cache(node).unwrap_or(CachePolicy::Default),
            private: self.boolean(node, "private").unwrap_or(false),
            route,
            upload: self.boolean(node, "upload").unwrap_or(false),
            description: self.string(node, "description").map(|(d, _)| d.to_owned()),
        })
    }

    fn read_target(&mut self, t: &'a Node) -> Option<RawTarget<'a>> {
        // The wire's invalidate list allows a bare context name; accept it here too.
        if let Some(name) = t.as_str() {
            return Some(RawTarget {
                context: (name, t.span),
                function: None,
            });
        }
        self.object(t, "an affects target", TARGET_KEYS)?;
        let function = self.string(t, "function");
        let context = self.required_string(t, "context", "an affects target")?;
        Some(RawTarget { context, function })
    }

    pub(super) fn read_contexts(
        &mut self,
        root: &'a Node,
        functions: &[RawFunction<'a>],
    ) -> Vec<RawContext<'a>> {
        let Some(decl) = root.get("x-mizan-contexts") else {
            // Not declared: contexts are the ones functions name, in order of first mention.
            let mut out: Vec<RawContext<'a>> = Vec::new();
            for f in functions {
                if let Some((name, span)) = f.context {
                    if !out.iter().any(|c| c.name == name) {
                        if !names::is_wire_name(name) {
                            self.diags
                                .push(diagnostics::invalid_name(span, "context", name));
                        }
                        out.push(RawContext {
                            name,
                            span,
                            listed: None,
                            params: None,
                            rev: None,
                            cache: None,
                        });
                    }
                }
            }
            return out;
        };
        let Some(members) = decl.as_object() else {
            self.diags.push(diagnostics::wrong_type(
                decl.span,
                "x-mizan-contexts",
                "an object of contexts",
                decl.kind_name(),
            ));
            return Vec::new();
        };
        let mut out = Vec::new();
        for m in members {
            let node = &m.value;
            if self.object(node, "a context", CONTEXT_KEYS).is_none() {
                continue;
            }
            if !names::is_wire_name(&m.key) {
                self.diags
                    .push(diagnostics::invalid_name(m.key_span, "context", &m.key));
                continue;
            }
            let params = node
                .get("params")
                .filter(|p| !p.is_null())
                .map(|p| (self.read_params(p), p.span));
            out.push(RawContext {
                name: &m.key,
                span: m.key_span,
                listed: Some(self.string_list(node, "functions").unwrap_or_default()),
                params,
                rev: self.integer(node, "rev"),
                cache: self.cache(node),
            });
        }
        out
    }

    fn read_params(&mut self, node: &'a Node) -> Vec<RawParam<'a>> {
        let Some(members) = node.as_object() else {
            self.diags.push(diagnostics::wrong_type(
                node.span,
                "params",
                "an object of params",
                node.kind_name(),
            ));
            return Vec::new();
        };
        let mut out = Vec::new();
        for m in members {
            if self
                .object(&m.value, "a context param", PARAM_KEYS)
                .is_none()
            {
                continue;
            }
            if names::is_object_member(&m.key) {
                self.diags.push(diagnostics::object_member_name(
                    m.key_span,
                    "a context param",
                    &m.key,
                ));
            }
            let required = m.value.get("required").map(|r| r.span);
            out.push(RawParam {
                name: &m.key,
                schema: self.schema(&m.value, "schema").map(|(t, _)| t),
                required: self.boolean(&m.value, "required").zip(required),
                shared_by: self.string_list(&m.value, "sharedBy"),
            });
        }
        out
    }

    pub(super) fn read_channels(&mut self, root: &'a Node, types: &[Type]) -> Vec<Channel> {
        let mut out = Vec::new();
        for Named {
            node,
            name,
            span,
            ident,
        } in self.named_entries(root, "x-mizan-channels", "channel", CHANNEL_KEYS)
        {
            let server_message = self
                .schema(node, "serverMessage")
                .map(|(t, _)| t)
                .unwrap_or_else(|| {
                    self.diags.push(diagnostics::missing_field(
                        span,
                        &format!("channel `{name}`"),
                        "serverMessage",
                    ));
                    Type::new(TypeKind::Unknown)
                });
            out.push(Channel {
                wire_name: name.to_owned(),
                ident,
                params: self.channel_params(node, name, types),
                server_message,
                client_message: self.schema(node, "clientMessage").map(|(t, _)| t),
                auth: self.auth(node),
                span,
            });
        }
        out
    }

    /// A channel's `params`: an object schema (through references and `allOf`) whose properties
    /// are the params, as a function's `input` is. Absent, `null`, `{}` and `true` declare no
    /// params. Anything else is reported: the subscribe frame carries the params as an object.
    fn channel_params(&mut self, node: &'a Node, name: &str, types: &[Type]) -> Type {
        let Some((ty, span)) = self.schema(node, "params") else {
            return empty_object();
        };
        if matches!(ty.kind, TypeKind::Unknown) && !ty.nullable {
            return empty_object();
        }
        let mut props = Vec::new();
        if !collect_properties(&ty, types, &mut props, 0) {
            self.diags
                .push(diagnostics::channel_params_not_object(span, name));
        } else if let Some(p) = props.iter().find(|p| names::is_object_member(&p.wire_name)) {
            self.diags.push(diagnostics::object_member_name(
                span,
                &format!("a param of channel `{name}`"),
                &p.wire_name,
            ));
        }
        ty
    }
}

fn empty_object() -> Type {
    Type::new(TypeKind::Object(ObjectType {
        properties: Vec::new(),
        additional: Additional::Unspecified,
    }))
}

fn number_text(v: &Node) -> String {
    match &v.value {
        Value::Number(raw) => raw.to_string(),
        _ => v.kind_name().to_owned(),
    }
}
