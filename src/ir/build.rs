//! Building the IR from a parsed document: lower `components.schemas`, read the `x-mizan-*`
//! extensions field by field (type-checking each), resolve every cross-reference, and keep going
//! after a problem so that one run reports all of them.

use std::collections::BTreeSet;

use indexmap::IndexMap;

use super::fields::ReadFields;
use super::lower::Lowerer;
use super::validate;
use super::{index_u32, names};
use super::{
    AffectTarget, Arg, Auth, CachePolicy, Channel, Choice, Context, ContextId, ContextParam,
    FieldType, Form, FormField, Function, FunctionId, FunctionKind, Ir, MergeTarget, Route,
    RouteConverter, RouteSegment, Transport, Type, TypeDef, TypeKind,
};
use crate::diagnostics::{self, Diagnostic};
use crate::openapi::json::{Member, Node, Value};
use crate::openapi::Document;
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
const FORM_KEYS: &[&str] = &[
    "name",
    "title",
    "submitLabel",
    "fields",
    "functions",
    "description",
];
const FORM_FUNCTION_KEYS: &[&str] = &["schema", "validate", "submit"];
const FIELD_KEYS: &[&str] = &[
    "name",
    "label",
    "type",
    "widget",
    "required",
    "disabled",
    "helpText",
    "initial",
    "maxLength",
    "minLength",
    "choices",
];
const TARGET_KEYS: &[&str] = &["context", "function"];
const MERGE_KEYS: &[&str] = &["context", "slot"];
const AUTH_VALUES: &[&str] = &["authenticated", "staff", "superuser", "custom"];
const TRANSPORT_VALUES: &[&str] = &["http", "websocket"];

/// Builds the IR. Returns it only when no error was found; warnings come back either way.
pub fn build(doc: &Document) -> (Option<Ir>, Vec<Diagnostic>) {
    let root = &doc.root;
    let no_components: &[Member] = &[];
    let mut early = Vec::new();
    let components = match root.get("components").map(|c| (c, c.get("schemas"))) {
        Some((_, Some(schemas))) => match schemas.as_object() {
            Some(members) => members,
            None => {
                early.push(diagnostics::wrong_type(
                    schemas.span,
                    "components.schemas",
                    "an object of named schemas",
                    schemas.kind_name(),
                ));
                no_components
            }
        },
        _ => no_components,
    };
    let mut b = Builder {
        lowerer: Lowerer::new(components),
        diags: early,
    };
    let types: Vec<Type> = components
        .iter()
        .map(|m| b.lowerer.lower(&m.value))
        .collect();

    b.check_mizan_version(root);
    let has_functions = root.get("x-mizan-functions").is_some();
    let raw_functions = b.read_functions(root);
    let raw_contexts = b.read_contexts(root, &raw_functions);
    let channels_raw = b.read_channels(root);
    let forms_raw = b.read_forms(root, &raw_functions);

    let mut ir = b.assemble(doc, components, types, raw_functions, raw_contexts);
    ir.channels = channels_raw;
    ir.forms = forms_raw;

    b.assign_names(&mut ir, components);
    validate::alias_cycles(&ir, &mut b.diags);
    validate::mark_reachable(&mut ir, !has_functions);

    let mut diags = b.diags;
    diags.append(&mut b.lowerer.diagnostics);
    diags.sort_by(|a, b| a.offset().cmp(&b.offset()).then_with(|| a.code.cmp(b.code)));
    diags.dedup();
    if diags.iter().any(Diagnostic::is_error) {
        (None, diags)
    } else {
        (Some(ir), diags)
    }
}

struct Builder<'a> {
    lowerer: Lowerer<'a>,
    diags: Vec<Diagnostic>,
}

/// Names in document order (for "did you mean" suggestions) with a lookup index. The index is
/// only ever queried, never iterated, so hash order cannot reach any output.
struct NameIndex<'a> {
    names: Vec<&'a str>,
    index: std::collections::HashMap<&'a str, u32>,
}

impl<'a> NameIndex<'a> {
    fn new(names: impl IntoIterator<Item = &'a str>) -> Self {
        let names: Vec<&'a str> = names.into_iter().collect();
        let mut index = std::collections::HashMap::with_capacity(names.len());
        for (i, n) in names.iter().enumerate() {
            index.entry(*n).or_insert(index_u32(i));
        }
        NameIndex { names, index }
    }

    fn get(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }
}

/// An entry of an `x-mizan-*` array whose name has been checked.
struct Named<'a> {
    node: &'a Node,
    name: &'a str,
    span: Span,
    ident: String,
}

struct RawFunction<'a> {
    name: &'a str,
    name_span: Span,
    input: Option<(Type, Span)>,
    output: Type,
    output_nullable: bool,
    context: Option<(&'a str, Span)>,
    affects: Vec<RawTarget<'a>>,
    merge: Vec<RawMerge<'a>>,
    mutation_span: Option<(Span, &'static str)>,
    transport: Transport,
    auth: Option<Auth>,
    rev: i64,
    cache: CachePolicy,
    private: bool,
    route: Option<(&'a str, Span)>,
    upload: bool,
    description: Option<String>,
}

struct RawTarget<'a> {
    context: (&'a str, Span),
    function: Option<(&'a str, Span)>,
}

struct RawMerge<'a> {
    context: (&'a str, Span),
    slot: (&'a str, Span),
    span: Span,
}

struct RawContext<'a> {
    name: &'a str,
    span: Span,
    /// `None` when `x-mizan-contexts` does not declare it (inferred from functions).
    listed: Option<Vec<(&'a str, Span)>>,
    params: Option<(Vec<RawParam<'a>>, Span)>,
    rev: Option<i64>,
    cache: Option<CachePolicy>,
}

struct RawParam<'a> {
    name: &'a str,
    schema: Option<Type>,
    required: Option<(bool, Span)>,
    shared_by: Option<Vec<(&'a str, Span)>>,
}

impl ReadFields for Builder<'_> {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }
}

impl<'a> Builder<'a> {
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

    /// A schema-valued field; absent is `None`, `null` too when `nullable`.
    fn schema(&mut self, node: &'a Node, key: &str) -> Option<(Type, Span)> {
        let v = node.get(key)?;
        if v.is_null() {
            return None;
        }
        Some((self.lowerer.lower(v), v.span))
    }

    // ---- the extensions ----------------------------------------------------------------------

    fn check_mizan_version(&mut self, root: &Node) {
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
    /// `name` that can become an identifier, and be the only one of that name. Entries that are
    /// not are reported and skipped.
    fn named_entries(
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
            let Some(ident) = names::stem(name) else {
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

    fn read_functions(&mut self, root: &'a Node) -> Vec<RawFunction<'a>> {
        self.named_entries(root, "x-mizan-functions", "function", FUNCTION_KEYS)
            .into_iter()
            .filter_map(|e| self.read_function(e.node, e.name, e.span))
            .collect()
    }

    fn read_function(
        &mut self,
        node: &'a Node,
        name: &'a str,
        name_span: Span,
    ) -> Option<RawFunction<'a>> {
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

    fn read_contexts(
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
            if names::stem(&m.key).is_none() {
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

    fn read_channels(&mut self, root: &'a Node) -> Vec<Channel> {
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
                params: self
                    .schema(node, "params")
                    .map_or_else(empty_object, |(t, _)| t),
                server_message,
                client_message: self.schema(node, "clientMessage").map(|(t, _)| t),
                auth: self.auth(node),
                span,
            });
        }
        out
    }

    fn read_forms(&mut self, root: &'a Node, functions: &[RawFunction<'a>]) -> Vec<Form> {
        let fn_names = NameIndex::new(functions.iter().map(|f| f.name));
        let mut out = Vec::new();
        for Named {
            node,
            name,
            span,
            ident,
        } in self.named_entries(root, "x-mizan-forms", "form", FORM_KEYS)
        {
            let mut fns = [None, None, None];
            if let Some(f) = node.get("functions").filter(|f| !f.is_null()) {
                if self
                    .object(f, "a form's functions", FORM_FUNCTION_KEYS)
                    .is_some()
                {
                    for (slot, key) in fns.iter_mut().zip(FORM_FUNCTION_KEYS) {
                        if let Some((fn_name, fn_span)) = self.string(f, key) {
                            match fn_names.get(fn_name) {
                                Some(i) => *slot = Some(FunctionId(i)),
                                None => self.diags.push(diagnostics::unknown_function(
                                    fn_span,
                                    fn_name,
                                    &format!("form `{name}`'s `{key}`"),
                                    &fn_names.names,
                                )),
                            }
                        }
                    }
                }
            }
            let fields = match node.get("fields") {
                Some(f) => self
                    .array(f, "fields")
                    .iter()
                    .filter_map(|f| self.read_field(f))
                    .collect(),
                None => Vec::new(),
            };
            let [schema_fn, validate_fn, submit_fn] = fns;
            out.push(Form {
                wire_name: name.to_owned(),
                ident,
                title: self.string(node, "title").map(|(t, _)| t.to_owned()),
                submit_label: self.string(node, "submitLabel").map(|(t, _)| t.to_owned()),
                fields,
                schema_fn,
                validate_fn,
                submit_fn,
                span,
            });
        }
        out
    }

    fn read_field(&mut self, node: &'a Node) -> Option<FormField> {
        self.object(node, "a form field", FIELD_KEYS)?;
        let (name, _) = self.required_string(node, "name", "a form field")?;
        let (type_name, type_span) =
            self.required_string(node, "type", &format!("form field `{name}`"))?;
        let Some(field_type) = FieldType::ALL
            .iter()
            .find(|(n, _)| *n == type_name)
            .map(|(_, t)| *t)
        else {
            let allowed: Vec<&str> = FieldType::ALL.iter().map(|(n, _)| *n).collect();
            self.diags.push(diagnostics::invalid_value(
                type_span, "type", type_name, &allowed,
            ));
            return None;
        };
        let choices = match node.get("choices") {
            None => None,
            Some(c) if c.is_null() => None,
            Some(c) => Some(
                self.array(c, "choices")
                    .iter()
                    .filter_map(|c| self.read_choice(c))
                    .collect(),
            ),
        };
        Some(FormField {
            wire_name: name.to_owned(),
            label: self.string(node, "label").map(|(s, _)| s.to_owned()),
            field_type,
            widget: self.string(node, "widget").map(|(s, _)| s.to_owned()),
            required: self.boolean(node, "required").unwrap_or(false),
            disabled: self.boolean(node, "disabled").unwrap_or(false),
            help_text: self
                .string(node, "helpText")
                .map(|(s, _)| s.to_owned())
                .filter(|s| !s.is_empty()),
            initial: node
                .get("initial")
                .filter(|i| !i.is_null())
                .map(Node::to_serde),
            max_length: self.count(node, "maxLength"),
            min_length: self.count(node, "minLength"),
            choices,
        })
    }

    /// A choice is `[value, label]` (Django's pairs), `{"value", "label"}`, or a bare value.
    fn read_choice(&mut self, node: &Node) -> Option<Choice> {
        let label_of = |v: &Node| match &v.value {
            Value::String(s) => s.to_string(),
            _ => v.to_serde().to_string(),
        };
        match &node.value {
            Value::Array(pair) if pair.len() == 2 => Some(Choice {
                value: pair[0].to_serde(),
                label: label_of(&pair[1]),
            }),
            Value::Object(_) => match (node.get("value"), node.get("label")) {
                (Some(v), l) => Some(Choice {
                    value: v.to_serde(),
                    label: l.map_or_else(|| label_of(v), label_of),
                }),
                (None, _) => {
                    self.diags
                        .push(diagnostics::missing_field(node.span, "a choice", "value"));
                    None
                }
            },
            Value::Array(_) => {
                self.diags.push(diagnostics::wrong_type(
                    node.span,
                    "choices",
                    "[value, label] pairs",
                    "an array of another length",
                ));
                None
            }
            _ => Some(Choice {
                value: node.to_serde(),
                label: label_of(node),
            }),
        }
    }

    // ---- assembly ----------------------------------------------------------------------------

    fn assemble(
        &mut self,
        doc: &Document,
        components: &'a [Member],
        types: Vec<Type>,
        raw: Vec<RawFunction<'a>>,
        raw_contexts: Vec<RawContext<'a>>,
    ) -> Ir {
        let fn_names = NameIndex::new(raw.iter().map(|f| f.name));
        let ctx_names = NameIndex::new(raw_contexts.iter().map(|c| c.name));
        let ctx_id = |name: &str| ctx_names.get(name).map(ContextId);
        let fn_id = |name: &str| fn_names.get(name).map(FunctionId);

        let type_defs: Vec<TypeDef> = components
            .iter()
            .zip(types)
            .map(|(m, ty)| TypeDef {
                wire_name: m.key.to_string(),
                ident: String::new(),
                ty,
                reachable: false,
                span: m.key_span,
            })
            .collect();

        // Which context each function reads for (validated).
        let mut fn_context: Vec<Option<ContextId>> = Vec::with_capacity(raw.len());
        for f in &raw {
            let ctx = f.context.and_then(|(name, span)| {
                let id = ctx_id(name);
                if id.is_none() {
                    self.diags
                        .push(diagnostics::unknown_context(span, name, &ctx_names.names));
                }
                id
            });
            if let (Some((_, ctx_span)), Some((span, field))) = (f.context, f.mutation_span) {
                self.diags
                    .push(diagnostics::context_with_mutation(ctx_span, span, field));
            }
            if let (Some((_, ctx_span)), Some((_, route_span))) = (f.context, f.route) {
                self.diags.push(diagnostics::context_with_mutation(
                    ctx_span, route_span, "route",
                ));
            }
            fn_context.push(ctx);
        }

        // Context membership: the listed functions, then any function that names the context
        // without being listed (with a warning).
        let mut members: Vec<Vec<FunctionId>> = vec![Vec::new(); raw_contexts.len()];
        for (ci, c) in raw_contexts.iter().enumerate() {
            let Some(listed) = &c.listed else { continue };
            for &(name, span) in listed {
                match fn_id(name) {
                    None => self.diags.push(diagnostics::unknown_function(
                        span,
                        name,
                        &format!("context `{}`", c.name),
                        &fn_names.names,
                    )),
                    Some(id) => {
                        let declared = raw[id.0 as usize].context.map(|(n, _)| n);
                        // A function naming an unknown context is already reported; counting it
                        // as a member here keeps that one mistake from cascading.
                        let unknown = declared.is_some_and(|d| ctx_id(d).is_none());
                        if declared == Some(c.name) || unknown {
                            if !members[ci].contains(&id) {
                                members[ci].push(id);
                            }
                        } else {
                            self.diags.push(diagnostics::context_member_mismatch(
                                span, name, c.name, declared,
                            ));
                        }
                    }
                }
            }
        }
        for (fi, ctx) in fn_context.iter().enumerate() {
            let Some(ctx) = ctx else { continue };
            let id = FunctionId(index_u32(fi));
            let list = &mut members[ctx.0 as usize];
            if !list.contains(&id) {
                if raw_contexts[ctx.0 as usize].listed.is_some() {
                    if let Some((name, span)) = raw[fi].context {
                        self.diags.push(diagnostics::context_member_unlisted(
                            span,
                            raw[fi].name,
                            name,
                        ));
                    }
                }
                list.push(id);
            }
        }

        // Functions.
        let mut functions: Vec<Function> = Vec::with_capacity(raw.len());
        for (fi, f) in raw.iter().enumerate() {
            let mut args = match &f.input {
                Some((ty, span)) => self.args_of(ty, *span, f.name, &type_defs),
                None => Vec::new(),
            };
            let kind = if let Some((path, span)) = f.route {
                match parse_route(path) {
                    Ok(route) => {
                        for seg in &route.segments {
                            if let RouteSegment::Param { name, converter } = seg {
                                if !args.iter().any(|a| a.wire_name == *name) {
                                    args.push(route_arg(name, *converter));
                                }
                            }
                        }
                        FunctionKind::ViewPath { route }
                    }
                    Err(reason) => {
                        self.diags.push(diagnostics::invalid_route(span, &reason));
                        FunctionKind::Plain
                    }
                }
            } else if let Some(context) = fn_context[fi] {
                FunctionKind::ContextRead { context }
            } else if f.mutation_span.is_some() {
                FunctionKind::Mutation {
                    affects: Vec::new(),
                    merge: Vec::new(),
                }
            } else {
                FunctionKind::Plain
            };
            functions.push(Function {
                wire_name: f.name.to_owned(),
                ident: names::stem(f.name).unwrap_or_default(),
                kind,
                input: f.input.as_ref().map(|(t, _)| t.clone()),
                args,
                output: f.output.clone(),
                output_nullable: f.output_nullable,
                transport: f.transport,
                auth: f.auth,
                rev: f.rev,
                cache: f.cache,
                private: f.private,
                upload: f.upload,
                description: f.description.clone(),
                span: f.name_span,
            });
        }

        // Contexts, with elevated params.
        let mut contexts = Vec::with_capacity(raw_contexts.len());
        for (ci, c) in raw_contexts.iter().enumerate() {
            let member_ids = std::mem::take(&mut members[ci]);
            let params = self.context_params(c, &member_ids, &functions, &fn_names, &ctx_names);
            let member_fns = || member_ids.iter().map(|id| &functions[id.0 as usize]);
            contexts.push(Context {
                wire_name: c.name.to_owned(),
                ident: names::stem(c.name).unwrap_or_default(),
                is_global: c.name == "global",
                rev: c
                    .rev
                    .unwrap_or_else(|| member_fns().map(|f| f.rev).max().unwrap_or(0)),
                cache: c.cache.unwrap_or_else(|| {
                    member_fns()
                        .map(|f| f.cache)
                        .reduce(CachePolicy::min)
                        .unwrap_or(CachePolicy::Default)
                }),
                functions: member_ids,
                params,
                span: c.span,
            });
        }

        let mut ir = Ir {
            openapi: doc.dialect,
            types: type_defs,
            functions,
            contexts,
            channels: Vec::new(),
            forms: Vec::new(),
        };

        // Mutation targets, now that contexts and their params exist.
        for (fi, f) in raw.iter().enumerate() {
            if fn_context[fi].is_some() || f.route.is_some() || f.mutation_span.is_none() {
                continue;
            }
            let affects = f
                .affects
                .iter()
                .filter_map(|t| self.affect_target(t, &ir, &ctx_names, &fn_names))
                .collect();
            let merge = f
                .merge
                .iter()
                .filter_map(|m| {
                    self.merge_target(m, FunctionId(index_u32(fi)), &ir, &ctx_names, &fn_names)
                })
                .collect();
            ir.functions[fi].kind = FunctionKind::Mutation { affects, merge };
        }
        ir
    }

    /// The named arguments of a function: the properties of its input object schema.
    fn args_of(&mut self, input: &Type, span: Span, name: &str, types: &[TypeDef]) -> Vec<Arg> {
        let mut props = Vec::new();
        if !collect_properties(input, types, &mut props, 0) {
            self.diags.push(diagnostics::input_not_object(span, name));
        }
        props
            .into_iter()
            .map(|p| Arg {
                is_file: is_binary(&p.ty, types),
                required: p.required && !p.has_default(),
                wire_name: p.wire_name,
                ty: p.ty,
            })
            .collect()
    }

    fn context_params(
        &mut self,
        c: &RawContext<'a>,
        members: &[FunctionId],
        functions: &[Function],
        fn_names: &NameIndex<'_>,
        ctx_names: &NameIndex<'_>,
    ) -> Vec<ContextParam> {
        // Derived: the union of the members' arguments.
        let mut derived: IndexMap<&str, (Type, Vec<FunctionId>)> = IndexMap::new();
        for &id in members {
            for arg in &functions[id.0 as usize].args {
                derived
                    .entry(&arg.wire_name)
                    .or_insert_with(|| (arg.ty.clone(), Vec::new()))
                    .1
                    .push(id);
            }
        }
        let covers_all = |shared: &[FunctionId]| members.iter().all(|m| shared.contains(m));
        let global = c.name == "global";
        let Some((declared, params_span)) = &c.params else {
            if global && !derived.is_empty() {
                let first = derived
                    .values()
                    .next()
                    .and_then(|(_, s)| s.first())
                    .map_or(c.span, |id| functions[id.0 as usize].span);
                self.diags.push(diagnostics::global_with_params(first));
            }
            return derived
                .into_iter()
                .map(|(name, (ty, shared_by))| ContextParam {
                    wire_name: name.to_owned(),
                    ty,
                    required: covers_all(&shared_by),
                    shared_by,
                })
                .collect();
        };
        if global && !declared.is_empty() {
            self.diags
                .push(diagnostics::global_with_params(*params_span));
        }
        let mut out = Vec::with_capacity(declared.len());
        for p in declared {
            let shared_by = match &p.shared_by {
                Some(list) => list
                    .iter()
                    .filter_map(|&(name, span)| {
                        let id = fn_names.get(name).map(FunctionId);
                        match id {
                            Some(id) if members.contains(&id) => Some(id),
                            Some(other) => {
                                let actual = match functions[other.0 as usize].kind {
                                    FunctionKind::ContextRead { context } => {
                                        ctx_names.names.get(context.0 as usize).copied()
                                    }
                                    _ => None,
                                };
                                self.diags.push(diagnostics::function_not_in_context(
                                    span, name, c.name, actual,
                                ));
                                None
                            }
                            None => {
                                self.diags.push(diagnostics::unknown_function(
                                    span,
                                    name,
                                    &format!("param `{}`'s `sharedBy`", p.name),
                                    &fn_names.names,
                                ));
                                None
                            }
                        }
                    })
                    .collect(),
                None => derived
                    .get(p.name)
                    .map(|(_, s)| s.clone())
                    .unwrap_or_default(),
            };
            let required = covers_all(&shared_by) && !members.is_empty();
            if let Some((said, span)) = p.required {
                if said != required {
                    self.diags.push(diagnostics::param_required_mismatch(
                        span, c.name, p.name, said,
                    ));
                }
            }
            let ty = p
                .schema
                .clone()
                .or_else(|| derived.get(p.name).map(|(t, _)| t.clone()))
                .unwrap_or_else(|| Type::new(TypeKind::Unknown));
            out.push(ContextParam {
                wire_name: p.name.to_owned(),
                ty,
                required,
                shared_by,
            });
        }
        out
    }

    fn affect_target(
        &mut self,
        t: &RawTarget<'a>,
        ir: &Ir,
        ctx_names: &NameIndex<'_>,
        fn_names: &NameIndex<'_>,
    ) -> Option<AffectTarget> {
        let (ctx_name, ctx_span) = t.context;
        let Some(ci) = ctx_names.get(ctx_name) else {
            self.diags.push(diagnostics::unknown_context(
                ctx_span,
                ctx_name,
                &ctx_names.names,
            ));
            return None;
        };
        let context = ContextId(ci);
        let Some((fn_name, fn_span)) = t.function else {
            return Some(AffectTarget::Context { context });
        };
        let function =
            self.context_function(fn_name, fn_span, context, ir, fn_names, "an affects target")?;
        Some(AffectTarget::Function { function, context })
    }

    /// Resolves `name` as a function of `context`, reporting why it is not.
    fn context_function(
        &mut self,
        name: &str,
        span: Span,
        context: ContextId,
        ir: &Ir,
        fn_names: &NameIndex<'_>,
        role: &str,
    ) -> Option<FunctionId> {
        let Some(fi) = fn_names.get(name) else {
            self.diags.push(diagnostics::unknown_function(
                span,
                name,
                role,
                &fn_names.names,
            ));
            return None;
        };
        let id = FunctionId(fi);
        let ctx = ir.context(context);
        if ctx.functions.contains(&id) {
            return Some(id);
        }
        let actual = match ir.function(id).kind {
            FunctionKind::ContextRead { context } => Some(ir.context(context).wire_name.as_str()),
            _ => None,
        };
        self.diags.push(diagnostics::function_not_in_context(
            span,
            name,
            &ctx.wire_name,
            actual,
        ));
        None
    }

    fn merge_target(
        &mut self,
        m: &RawMerge<'a>,
        mutation: FunctionId,
        ir: &Ir,
        ctx_names: &NameIndex<'_>,
        fn_names: &NameIndex<'_>,
    ) -> Option<MergeTarget> {
        let (ctx_name, ctx_span) = m.context;
        let Some(ci) = ctx_names.get(ctx_name) else {
            self.diags.push(diagnostics::unknown_context(
                ctx_span,
                ctx_name,
                &ctx_names.names,
            ));
            return None;
        };
        let context = ContextId(ci);
        let (slot_name, slot_span) = m.slot;
        let slot =
            self.context_function(slot_name, slot_span, context, ir, fn_names, "a merge slot")?;
        let mutation_fn = ir.function(mutation);
        let slot_fn = ir.function(slot);
        if !validate::same_output(&mutation_fn.output, &slot_fn.output, &ir.types) {
            self.diags.push(diagnostics::merge_type_mismatch(
                m.span,
                &mutation_fn.wire_name,
                slot_name,
                &validate::describe(&mutation_fn.output, &ir.types),
                &validate::describe(&slot_fn.output, &ir.types),
            ));
            return None;
        }
        let ctx = ir.context(context);
        let required: Vec<&ContextParam> = ctx.params.iter().filter(|p| p.required).collect();
        let scoped = !required.is_empty()
            && required
                .iter()
                .all(|p| mutation_fn.args.iter().any(|a| a.wire_name == p.wire_name));
        let scope = if scoped {
            required.iter().map(|p| p.wire_name.clone()).collect()
        } else {
            Vec::new()
        };
        Some(MergeTarget {
            context,
            slot,
            scope,
        })
    }

    // ---- names -------------------------------------------------------------------------------

    fn assign_names(&mut self, ir: &mut Ir, components: &[Member]) {
        // Every exported name the generated client will have, with who generates it.
        let mut api: IndexMap<String, (String, Span)> = IndexMap::new();
        // The names the generated files use for themselves come first; an item generating one
        // of them is refused, since it would redeclare it.
        let reserved: BTreeSet<&str> = names::reserved_api_names().collect();
        let mut claim = |diags: &mut Vec<Diagnostic>, ident: String, owner: String, span: Span| {
            if reserved.contains(ident.as_str()) {
                diags.push(diagnostics::name_reserved(span, &ident, &owner));
                return;
            }
            if let Some((first_owner, first_span)) = api.get(&ident) {
                if *first_owner != owner {
                    diags.push(diagnostics::name_collision(
                        span,
                        *first_span,
                        &ident,
                        first_owner,
                        &owner,
                    ));
                }
                return;
            }
            api.insert(ident, (owner, span));
        };
        for c in &ir.contexts {
            let owner = format!("context `{}`", c.wire_name);
            for ident in names::ContextNames::new(&c.ident).all() {
                claim(&mut self.diags, ident.to_owned(), owner.clone(), c.span);
            }
        }
        for f in ir.functions.iter().filter(|f| !f.private) {
            let owner = format!("function `{}`", f.wire_name);
            for ident in names::FunctionNames::new(&f.ident).exported(f.role()) {
                claim(&mut self.diags, ident.to_owned(), owner.clone(), f.span);
            }
        }
        for form in &ir.forms {
            let owner = format!("form `{}`", form.wire_name);
            for ident in names::FormNames::new(&form.ident).all() {
                claim(&mut self.diags, ident.to_owned(), owner.clone(), form.span);
            }
        }
        for ch in &ir.channels {
            let n = names::ChannelNames::new(&ch.ident);
            for ident in [n.hook, n.subscribe] {
                claim(
                    &mut self.diags,
                    ident,
                    format!("channel `{}`", ch.wire_name),
                    ch.span,
                );
            }
        }
        let taken: BTreeSet<String> = api.into_keys().collect();
        let wire: Vec<&str> = components.iter().map(|m| &*m.key).collect();
        for (def, ident) in ir
            .types
            .iter_mut()
            .zip(names::assign_type_idents(&wire, &taken))
        {
            def.ident = ident;
        }
    }
}

fn empty_object() -> Type {
    Type::new(TypeKind::Object(super::ObjectType {
        properties: Vec::new(),
        additional: super::Additional::Unspecified,
    }))
}

fn number_text(v: &Node) -> String {
    match &v.value {
        Value::Number(raw) => raw.to_string(),
        _ => v.kind_name().to_owned(),
    }
}

/// Collects an object schema's properties, following `$ref`s and `allOf`. `false` when the type
/// is not an object.
fn collect_properties(
    ty: &Type,
    types: &[TypeDef],
    out: &mut Vec<super::Property>,
    depth: usize,
) -> bool {
    if depth > 32 {
        return false;
    }
    match &ty.kind {
        TypeKind::Object(o) => {
            for p in &o.properties {
                if let Some(existing) = out.iter_mut().find(|e| e.wire_name == p.wire_name) {
                    existing.required |= p.required;
                } else {
                    out.push(p.clone());
                }
            }
            true
        }
        TypeKind::Ref { id } => collect_properties(&types[id.0 as usize].ty, types, out, depth + 1),
        TypeKind::Intersection { members } => members
            .iter()
            .all(|m| collect_properties(m, types, out, depth + 1)),
        // `{}` as an input: no declared arguments.
        TypeKind::Unknown => true,
        _ => false,
    }
}

fn is_binary(ty: &Type, types: &[TypeDef]) -> bool {
    let mut ty = ty;
    for _ in 0..8 {
        match &ty.kind {
            TypeKind::String {
                format: Some(f), ..
            } => return f == "binary",
            TypeKind::Array { items } => ty = items,
            TypeKind::Ref { id } => ty = &types[id.0 as usize].ty,
            _ => return false,
        }
    }
    false
}

fn route_arg(name: &str, converter: RouteConverter) -> Arg {
    let kind = match converter {
        RouteConverter::Int => TypeKind::Integer {
            format: None,
            constraints: super::Constraints::default(),
        },
        RouteConverter::Uuid => TypeKind::String {
            format: Some("uuid".to_owned()),
            constraints: super::Constraints::default(),
        },
        _ => TypeKind::String {
            format: None,
            constraints: super::Constraints::default(),
        },
    };
    Arg {
        wire_name: name.to_owned(),
        ty: Type::new(kind),
        required: true,
        is_file: false,
    }
}

/// Parses a Django-style route (`/profile/<int:user_id>/`).
pub fn parse_route(path: &str) -> Result<Route, String> {
    let mut segments = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        match rest.find('<') {
            None => {
                if rest.contains('>') {
                    return Err("`>` without a matching `<`".to_owned());
                }
                segments.push(RouteSegment::Literal {
                    text: rest.to_owned(),
                });
                break;
            }
            Some(open) => {
                if open > 0 {
                    let text = &rest[..open];
                    if text.contains('>') {
                        return Err("`>` without a matching `<`".to_owned());
                    }
                    segments.push(RouteSegment::Literal {
                        text: text.to_owned(),
                    });
                }
                let after = &rest[open + 1..];
                let close = after
                    .find('>')
                    .ok_or_else(|| "`<` without a closing `>`".to_owned())?;
                let inner = &after[..close];
                let (conv, name) = inner.split_once(':').unwrap_or(("str", inner));
                let converter = match conv {
                    "str" => RouteConverter::Str,
                    "int" => RouteConverter::Int,
                    "slug" => RouteConverter::Slug,
                    "uuid" => RouteConverter::Uuid,
                    "path" => RouteConverter::Path,
                    other => return Err(format!("unknown converter `{other}`")),
                };
                if !names::is_identifier(name) {
                    return Err(format!("`{name}` is not a parameter name"));
                }
                if segments
                    .iter()
                    .any(|s| matches!(s, RouteSegment::Param { name: n, .. } if n == name))
                {
                    return Err(format!("parameter `{name}` appears twice"));
                }
                segments.push(RouteSegment::Param {
                    name: name.to_owned(),
                    converter,
                });
                rest = &after[close + 1..];
            }
        }
    }
    Ok(Route {
        path: path.to_owned(),
        segments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let r = parse_route("/profile/<int:user_id>/").expect("valid");
        assert_eq!(
            r.segments,
            [
                RouteSegment::Literal {
                    text: "/profile/".into()
                },
                RouteSegment::Param {
                    name: "user_id".into(),
                    converter: RouteConverter::Int
                },
                RouteSegment::Literal { text: "/".into() },
            ]
        );
        assert_eq!(parse_route("a/<slug>/").expect("bare").segments.len(), 3);
        for bad in [
            "/<int:id",
            "/<float:x>/",
            "/<int:a b>/",
            "/<a>/<a>/",
            "/a>/",
        ] {
            assert!(parse_route(bad).is_err(), "{bad}");
        }
    }
}
