//! Stage 2 view models: `react.tsx` (providers and hooks), `forms.ts` (Zod schemas and form
//! hooks) and `channels.ts` (channel hooks).

use askama::Template;

use super::doc::{concat, text};
use super::layout::{self, Expr, Js, Param, TupleMember, TypeExpr};
use super::ts::{doc_lines, property_name, string_literal, Mode, Printer};
use super::{context_file_name, output_expr, slot_functions, HEADER};
use crate::ir::{Channel, FieldType, Form, FormField, Function, FunctionKind, Ir, Transport};

// ---- react.tsx -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "react.tsx", escape = "none")]
pub struct ReactTsx {
    header: &'static str,
    /// The `react` and kernel imports, laid out; nothing unused (noUnusedLocals).
    react_import: String,
    kernel_import: String,
    uses_types: bool,
    /// `import type { <C>ContextData, ... } from "./contexts/<c>";`, laid out.
    context_imports: Vec<String>,
    has_contexts: bool,
    has_global: bool,
    has_mutations: bool,
    has_merges: bool,
    /// Per context: its handle, props, provider and hooks, laid out.
    contexts: Vec<Vec<String>>,
    /// Per plain function or mutation: its hook, laid out.
    mutations: Vec<String>,
}

pub fn react_tsx(ir: &Ir, kernel: &str) -> ReactTsx {
    let printer = Printer::new(ir, "T.");
    let mut sorted: Vec<&crate::ir::Context> = ir.contexts.iter().collect();
    sorted.sort_by(|a, b| a.ident.cmp(&b.ident));
    let mut context_imports = Vec::new();
    let mut uses_types = false;
    let mut contexts = Vec::new();
    for c in sorted {
        let data = format!("{}ContextData", c.ident);
        let has_params = !c.params.is_empty();
        let mut names = vec![data.clone()];
        if has_params {
            names.push(format!("{}ContextParams", c.ident));
        }
        context_imports.push(layout::render(layout::import(
            &names,
            &string_literal(&format!("./contexts/{}", context_file_name(c))),
            true,
        )));
        let handle = format!("{}Handle", c.ident);
        let mut decls = vec![layout::const_decl(
            false,
            &handle,
            &Expr::call(
                "createHandle",
                vec![TypeExpr::reference(data.clone())],
                Vec::new(),
            ),
        )];
        let props = if has_params {
            let props = format!("{}ContextProps", c.ident);
            decls.push(layout::type_alias(
                &[],
                &props,
                &TypeExpr::intersection(vec![
                    TypeExpr::reference(format!("{}ContextParams", c.ident)),
                    TypeExpr::reference("ProviderProps"),
                ]),
            ));
            props
        } else {
            "ProviderProps".to_owned()
        };
        let register = layout::const_decl(
            false,
            "handle",
            &Expr::call(
                "useRegistered",
                vec![TypeExpr::reference(data.clone())],
                vec![
                    Expr::atom(string_literal(&c.wire_name)),
                    Expr::atom(if has_params { "params" } else { "{}" }),
                ],
            ),
        );
        let mut body = Vec::new();
        if has_params {
            body.push(text("const { children, ...params } = props;"));
        }
        body.push(register);
        body.push(layout::return_statement(&Expr::call(
            "provide",
            Vec::new(),
            vec![
                Expr::atom(handle.clone()),
                Expr::atom("handle"),
                Expr::atom(if has_params {
                    "children"
                } else {
                    "props.children"
                }),
            ],
        )));
        let provider = format!("{}Context", c.ident);
        decls.push(layout::function(
            &doc_lines(
                Some(&format!(
                    "Provides the `{}` context bundle to its children: one request, shared by every hook below it.",
                    c.wire_name
                )),
                false,
            ),
            &provider,
            &[Param::new("props", TypeExpr::reference(props))],
            None,
            body,
        ));
        decls.push(layout::const_decl(
            true,
            &format!("{provider}Provider"),
            &Expr::atom(provider.clone()),
        ));
        let missing = if c.is_global {
            "<MizanContext> (or <GlobalContext>)".to_owned()
        } else {
            format!("<{provider}>")
        };
        let context_hook = format!("use{}Context", c.ident);
        decls.push(layout::function(
            &doc_lines(
                Some(&format!("The state of the nearest `{provider}` bundle.")),
                false,
            ),
            &context_hook,
            &[],
            Some(&TypeExpr::generic("ContextValue", vec![TypeExpr::reference(data)])),
            vec![layout::return_statement(&Expr::call(
                "useHandle",
                Vec::new(),
                vec![
                    Expr::atom(handle),
                    Expr::atom(string_literal(&format!(
                        "{context_hook}() must be used inside {missing}: add the provider above this component"
                    ))),
                ],
            ))],
        ));
        for f in slot_functions(ir, c) {
            let ty = output_expr(&printer, f).or_null();
            uses_types |= ty.mentions("T.");
            let access = if crate::ir::names::is_identifier(&f.wire_name) {
                format!("?.{}", f.wire_name)
            } else {
                format!("?.[{}]", string_literal(&f.wire_name))
            };
            let mut doc = f.description.clone().unwrap_or_default();
            if !doc.is_empty() {
                doc.push('\n');
            }
            doc.push_str(&format!(
                "The `{}` slot of the `{}` context; `null` until it has loaded.",
                f.wire_name, c.wire_name
            ));
            decls.push(layout::function(
                &doc_lines(Some(&doc), false),
                &format!("use{}", f.ident),
                &[],
                Some(&ty),
                vec![layout::return_statement(&Expr::Binary {
                    left: Box::new(Expr::Chain {
                        call: context_hook.clone(),
                        props: vec![".data".to_owned(), access],
                    }),
                    op: "??",
                    right: Box::new(Expr::atom("null")),
                })],
            ));
        }
        contexts.push(decls.into_iter().map(layout::render).collect());
    }
    let mut fns: Vec<&Function> = ir
        .public_functions()
        .filter(|f| matches!(f.kind, FunctionKind::Plain | FunctionKind::Mutation { .. }))
        .collect();
    fns.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
    let mut has_merges = false;
    let mutations: Vec<String> = fns
        .into_iter()
        .map(|f| {
            let (hook, merges) = mutation_view(ir, &printer, f);
            uses_types |= hook.contains("T.");
            has_merges |= merges;
            hook
        })
        .collect();
    let has_contexts = !contexts.is_empty();
    let has_mutations = !mutations.is_empty();
    let mut react: Vec<&str> = Vec::new();
    let mut kernel_imports: Vec<&'static str> = vec!["configure"];
    if has_contexts {
        react.extend([
            "createContext",
            "useContext",
            "useEffect",
            "useSyncExternalStore",
        ]);
        kernel_imports.extend(["observeContext", "registerContext", "stableKey"]);
    }
    if has_mutations {
        react.push("useCallback");
        kernel_imports.push("MizanError");
    }
    if has_contexts || has_mutations {
        react.extend(["useMemo", "useState"]);
    }
    kernel_imports.extend(["mizanCall", "mizanFetch"]);
    if has_mutations {
        kernel_imports.push("spliceSlot");
        kernel_imports.push("type CallOptions");
    }
    if has_contexts {
        kernel_imports.push("type ContextHandle");
    }
    kernel_imports.extend(["type ContextState", "type MizanConfig"]);
    react.sort_unstable();
    if has_contexts {
        react.push("type Context");
    }
    react.push("type ReactNode");
    let react: Vec<String> = react.into_iter().map(str::to_owned).collect();
    let kernel_imports: Vec<String> = kernel_imports.into_iter().map(str::to_owned).collect();
    ReactTsx {
        header: HEADER,
        react_import: layout::render(layout::import(&react, "\"react\"", false)),
        kernel_import: layout::render(layout::import(
            &kernel_imports,
            &string_literal(kernel),
            false,
        )),
        uses_types,
        context_imports,
        has_contexts,
        has_global: ir.contexts.iter().any(|c| c.is_global),
        has_mutations,
        has_merges,
        contexts,
        mutations,
    }
}

/// The hook of a plain function or mutation, laid out; whether it merges.
fn mutation_view(ir: &Ir, printer: &Printer<'_>, f: &Function) -> (String, bool) {
    let result = output_expr(printer, f);
    let input = super::input_type(printer, f);
    let optional = f.args.iter().all(|a| !a.required);
    let merges: Vec<&crate::ir::MergeTarget> = match &f.kind {
        FunctionKind::Mutation { merge, .. } => merge.iter().collect(),
        _ => Vec::new(),
    };
    let mut args_tuple = Vec::new();
    if let Some(t) = &input {
        args_tuple.push(TupleMember {
            label: Some(format!("args{}", if optional { "?" } else { "" })),
            rest: false,
            ty: t.clone(),
        });
    }
    if !merges.is_empty() {
        if input.is_none() {
            // `mutate(undefined, { optimistic })` for a function without arguments.
            args_tuple.push(TupleMember {
                label: Some("args?".to_owned()),
                rest: false,
                ty: TypeExpr::atom("undefined"),
            });
        }
        args_tuple.push(TupleMember {
            label: Some("options?".to_owned()),
            rest: false,
            ty: TypeExpr::generic("MutateOptions", vec![result.clone()]),
        });
    }
    let mut options = Vec::new();
    if f.upload {
        options.push(("upload".to_owned(), Js::Bool(true)));
    }
    if f.transport == Transport::Websocket {
        options.push(("websocket".to_owned(), Js::Bool(true)));
    }
    let mut call_args = vec![Expr::atom(string_literal(&f.wire_name))];
    if !options.is_empty() || !merges.is_empty() {
        call_args.push(if options.is_empty() {
            Expr::Object(Vec::new())
        } else {
            Expr::Object(options)
        });
    }
    for m in &merges {
        let mut margs = vec![
            Expr::atom(string_literal(&ir.context(m.context).wire_name)),
            Expr::atom(string_literal(&ir.function(m.slot).wire_name)),
        ];
        margs.extend(m.scope.iter().map(|p| Expr::atom(string_literal(p))));
        call_args.push(Expr::call("merge", Vec::new(), margs));
    }
    let mut doc = f.description.clone().unwrap_or_default();
    if !doc.is_empty() {
        doc.push('\n');
    }
    doc.push_str(&format!("Calls `{}`; `mutate()` resolves to its result and the kernel applies what it invalidates or merges.", f.wire_name));
    if !merges.is_empty() {
        doc.push_str("\n`mutate(args, { optimistic })` shows a predicted result at once and rolls it back if the call fails.");
    }
    let hook = layout::render(layout::function(
        &doc_lines(Some(&doc), false),
        &format!("use{}", f.ident),
        &[],
        Some(&TypeExpr::generic(
            "MutationState",
            vec![TypeExpr::Tuple(args_tuple), result],
        )),
        vec![layout::return_statement(&Expr::call(
            "useMutation",
            Vec::new(),
            call_args,
        ))],
    ));
    (hook, !merges.is_empty())
}

// ---- channels.ts ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "channels.ts", escape = "none")]
pub struct ChannelsTs {
    header: &'static str,
    kernel_import: String,
    uses_types: bool,
    /// Some channel takes no client messages (its hook has no `send`).
    has_receive_only: bool,
    /// One hook per channel, laid out.
    channels: Vec<String>,
}

pub fn channels_ts(ir: &Ir, kernel: &str) -> ChannelsTs {
    let printer = Printer::new(ir, "T.");
    let mut chans: Vec<&Channel> = ir.channels.iter().collect();
    chans.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
    let channels: Vec<String> = chans
        .into_iter()
        .map(|ch| {
            let message = printer.expr(&ch.server_message, Mode::Output);
            let (returns, helper) = match &ch.client_message {
                Some(m) => (
                    TypeExpr::generic("ChannelWithSend", vec![message, printer.expr(m, Mode::Input)]),
                    "useChannel",
                ),
                None => (
                    TypeExpr::generic("ChannelState", vec![message]),
                    "useChannelMessages",
                ),
            };
            layout::render(layout::function(
                &doc_lines(
                    Some(&format!(
                        "Subscribes to the `{}` channel while mounted: messages in order, the last one, and the subscription's status.{}",
                        ch.wire_name,
                        if ch.client_message.is_some() { "\n`send()` posts a message on the channel." } else { "" }
                    )),
                    false,
                ),
                &format!("use{}Channel", ch.ident),
                &[Param::new("params", printer.expr(&ch.params, Mode::Input))],
                Some(&returns),
                vec![layout::return_statement(&Expr::call(
                    helper,
                    Vec::new(),
                    vec![Expr::atom(string_literal(&ch.wire_name)), Expr::atom("params")],
                ))],
            ))
        })
        .collect();
    let imports: Vec<String> = [
        "MizanError",
        "stableKey",
        "subscribeChannel",
        "type ChannelSubscription",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    ChannelsTs {
        header: HEADER,
        kernel_import: layout::render(layout::import(&imports, &string_literal(kernel), false)),
        uses_types: channels.iter().any(|c| c.contains("T.")),
        has_receive_only: ir.channels.iter().any(|c| c.client_message.is_none()),
        channels,
    }
}

// ---- forms.ts ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "forms.ts", escape = "none")]
pub struct FormsTs {
    header: &'static str,
    kernel_import: String,
    uses_types: bool,
    /// Per form: its data type, field list, initial values, Zod schema and hook, laid out.
    forms: Vec<Vec<String>>,
}

/// The TypeScript type of a field's value in the form's data.
fn field_type(f: &FormField) -> TypeExpr {
    let choices = || -> Vec<TypeExpr> {
        f.choices
            .iter()
            .flatten()
            .map(|c| match &c.value {
                serde_json::Value::String(s) => TypeExpr::atom(string_literal(s)),
                serde_json::Value::Number(n) => {
                    TypeExpr::atom(layout::number_literal(&n.to_string()))
                }
                serde_json::Value::Bool(b) => TypeExpr::atom(b.to_string()),
                _ => TypeExpr::atom("unknown"),
            })
            .collect()
    };
    match f.field_type {
        FieldType::Integer | FieldType::Number => TypeExpr::atom("number"),
        FieldType::Boolean => TypeExpr::atom("boolean"),
        FieldType::File => TypeExpr::reference("Blob"),
        FieldType::Choice if f.choices.as_ref().is_some_and(|c| !c.is_empty()) => {
            let mut members = choices();
            if !f.required {
                // An optional choice may be left unselected.
                members.insert(0, TypeExpr::atom("\"\""));
            }
            TypeExpr::union(members)
        }
        FieldType::MultipleChoice => {
            let members = choices();
            TypeExpr::Array(Box::new(if members.is_empty() {
                TypeExpr::atom("string")
            } else {
                TypeExpr::union(members)
            }))
        }
        _ => TypeExpr::atom("string"),
    }
}

/// The value a field starts with: its declared `initial`, else empty text, `false` or `[]`.
fn initial_value(f: &FormField) -> Option<Js> {
    if let Some(v) = &f.initial {
        return Some(Js::from_json(v));
    }
    match f.field_type {
        FieldType::Text
        | FieldType::Textarea
        | FieldType::Password
        | FieldType::Email
        | FieldType::Url
        | FieldType::Date
        | FieldType::Datetime => Some(Js::Str("\"\"".to_owned())),
        // Nothing selected: `""` where the field may stay empty, no value where it may not.
        FieldType::Choice if !f.required => Some(Js::Str("\"\"".to_owned())),
        FieldType::Choice => None,
        FieldType::Boolean => Some(Js::Bool(false)),
        FieldType::MultipleChoice => Some(Js::Array(Vec::new())),
        FieldType::Integer | FieldType::Number | FieldType::File => None,
    }
}

/// A field's declaration, as the form hook's `fields` lists it.
fn field_meta(f: &FormField) -> Js {
    let opt = |s: &Option<String>| {
        s.as_deref()
            .map_or(Js::Null, |s| Js::Str(string_literal(s)))
    };
    let num = |n: Option<u64>| n.map_or(Js::Null, |n| Js::Num(n.to_string()));
    let choices = match &f.choices {
        None => Js::Null,
        Some(cs) => Js::Array(
            cs.iter()
                .map(|c| {
                    Js::Object(vec![
                        ("value".to_owned(), Js::from_json(&c.value)),
                        ("label".to_owned(), Js::Str(string_literal(&c.label))),
                    ])
                })
                .collect(),
        ),
    };
    let kind = serde_json::to_value(f.field_type)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    Js::Object(vec![
        ("name".to_owned(), Js::Str(string_literal(&f.wire_name))),
        (
            "label".to_owned(),
            Js::Str(string_literal(f.label.as_deref().unwrap_or(&f.wire_name))),
        ),
        ("type".to_owned(), Js::Str(string_literal(&kind))),
        ("widget".to_owned(), opt(&f.widget)),
        ("required".to_owned(), Js::Bool(f.required)),
        ("disabled".to_owned(), Js::Bool(f.disabled)),
        ("helpText".to_owned(), opt(&f.help_text)),
        ("maxLength".to_owned(), num(f.max_length)),
        ("minLength".to_owned(), num(f.min_length)),
        ("choices".to_owned(), choices),
    ])
}

pub fn forms_ts(ir: &Ir, kernel: &str) -> FormsTs {
    let printer = Printer::new(ir, "T.");
    let mut sorted: Vec<&Form> = ir.forms.iter().collect();
    sorted.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
    let mut uses_types = false;
    let forms: Vec<Vec<String>> = sorted
        .into_iter()
        .map(|form| {
            let submit = form.submit_fn.map(|id| ir.function(id));
            let camel = crate::ir::names::lower_first(&form.ident);
            let title = form.title.clone().unwrap_or_else(|| form.wire_name.clone());
            let data = format!("{}FormData", form.ident);
            let fields_name = format!("{camel}FormFields");
            let initial_name = format!("{camel}FormInitial");
            let schema_name = format!("{camel}FormSchema");
            let mut by_name: Vec<&FormField> = form.fields.iter().collect();
            by_name.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
            let members: Vec<layout::Member> = by_name
                .iter()
                .map(|f| layout::Member {
                    doc: doc_lines(f.label.as_deref(), false),
                    key: format!(
                        "{}{}",
                        property_name(&f.wire_name),
                        if f.required { "" } else { "?" }
                    ),
                    ty: field_type(f),
                })
                .collect();
            let initial: Vec<(String, Js)> = by_name
                .iter()
                .filter_map(|f| initial_value(f).map(|v| (property_name(&f.wire_name), v)))
                .collect();
            let result = submit.map_or_else(|| TypeExpr::atom("unknown"), |f| output_expr(&printer, f));
            uses_types |= result.mentions("T.");
            let decls = [
                layout::interface(
                    &doc_lines(Some(&format!("The values of the `{}` form.", form.wire_name)), false),
                    &data,
                    &members,
                ),
                // Fields keep the form's order: it is the order to render them in.
                layout::const_data(
                    false,
                    &fields_name,
                    &format!("FieldsOf<{data}>"),
                    &Js::Array(form.fields.iter().map(field_meta).collect()),
                ),
                layout::const_data(
                    false,
                    &initial_name,
                    &format!("Partial<{data}>"),
                    &Js::Object(initial),
                ),
                concat(vec![
                    text(format!(
                        "/** Zod schema of the `{}` form's data, from its field list. */",
                        form.wire_name
                    )),
                    super::doc::hardline(),
                    layout::const_decl(
                        true,
                        &schema_name,
                        &Expr::call(
                            "formSchema",
                            vec![TypeExpr::reference(data.clone())],
                            vec![Expr::atom(fields_name.clone())],
                        ),
                    ),
                ]),
                layout::function(
                    &doc_lines(
                        Some(&format!(
                            "The `{}` form ({title}): values, client-side validation with Zod, and submission{}.",
                            form.wire_name,
                            submit.map(|f| format!(" through `{}`", f.wire_name)).unwrap_or_default()
                        )),
                        false,
                    ),
                    &format!("use{}Form", form.ident),
                    &[],
                    Some(&TypeExpr::generic("FormState", vec![TypeExpr::reference(data.clone()), result])),
                    vec![layout::return_statement(&Expr::call(
                        "useForm",
                        Vec::new(),
                        vec![
                            Expr::atom(schema_name),
                            Expr::atom(initial_name),
                            Expr::atom(fields_name),
                            Expr::atom(submit.map_or_else(|| "null".to_owned(), |f| string_literal(&f.wire_name))),
                        ],
                    ))],
                ),
            ];
            decls.into_iter().map(layout::render).collect()
        })
        .collect();
    FormsTs {
        header: HEADER,
        kernel_import: layout::render(layout::import(
            &["MizanError".to_owned(), "mizanCall".to_owned()],
            &string_literal(kernel),
            false,
        )),
        uses_types,
        forms,
    }
}
