//! Stage 2 view models: `react.tsx` (providers and hooks), `forms.ts` (Zod schemas and form
//! hooks) and `channels.ts` (channel hooks).

use askama::Template;

use super::doc::{concat, text};
use super::layout::{self, Expr, Js, Param, TupleMember, TypeExpr};
use super::ts::{doc_lines, property_name, string_literal, Mode, Printer};
use super::{context_file_name, output_expr, slot_functions, HEADER};
use crate::ir::names::{
    ChannelNames, ContextNames, FormNames, FunctionNames, FunctionRole, CHANNELS_REEXPORTS,
    FORMS_REEXPORTS, REACT_REEXPORTS,
};
use crate::ir::{Channel, FieldType, Form, FormField, Function, FunctionKind, Ir, Transport};

// ---- react.tsx -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "react.tsx", escape = "none")]
pub struct ReactTsx {
    header: &'static str,
    /// Every import, laid out; nothing unused (noUnusedLocals).
    imports: Vec<String>,
    /// `export { MizanContext, ... } from "./runtime/react";`, laid out.
    reexport: String,
    /// Per context: its binding, props, provider and hooks, laid out.
    contexts: Vec<Vec<String>>,
    /// Per plain function or mutation: its query hook and its mutation hook, laid out.
    hooks: Vec<String>,
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// `UseQueryResult<D, MizanError>`.
fn query_result(data: TypeExpr) -> TypeExpr {
    TypeExpr::generic(
        "UseQueryResult",
        vec![data, TypeExpr::reference("MizanError")],
    )
}

/// `export function name(): returns { return callee(args); }` with a doc comment.
fn hook(
    doc: &str,
    name: &str,
    params: &[Param],
    returns: TypeExpr,
    callee: &str,
    args: Vec<Expr>,
) -> super::doc::Doc {
    layout::function(
        &doc_lines(Some(doc), false),
        name,
        params,
        Some(&returns),
        vec![layout::return_statement(&Expr::call(
            callee,
            Vec::new(),
            args,
        ))],
    )
}

/// A description, then a note on its own line.
fn described(f: &Function, note: &str) -> String {
    match &f.description {
        Some(d) if !d.is_empty() => format!("{d}\n{note}"),
        _ => note.to_owned(),
    }
}

pub fn react_tsx(ir: &Ir, kernel: &str) -> ReactTsx {
    let printer = Printer::new(ir, "T.");
    let mut sorted: Vec<&crate::ir::Context> = ir.contexts.iter().collect();
    sorted.sort_by(|a, b| a.ident.cmp(&b.ident));
    let mut context_imports = Vec::new();
    let mut uses_types = false;
    let mut contexts = Vec::new();
    for c in sorted {
        let names = ContextNames::new(&c.ident);
        let has_params = !c.params.is_empty();
        let mut imported = vec![names.query.clone(), format!("type {}", names.data)];
        if has_params {
            imported.push(format!("type {}", names.params));
        }
        context_imports.push(layout::render(layout::import(
            &imported,
            &string_literal(&format!("./contexts/{}", context_file_name(c))),
            false,
        )));
        let mut binding_args = vec![
            Expr::atom(names.query.clone()),
            Expr::atom(string_literal(&names.provider)),
        ];
        let mut param_names: Vec<&str> = c.params.iter().map(|p| p.wire_name.as_str()).collect();
        param_names.sort_unstable();
        binding_args.extend(param_names.iter().map(|p| Expr::atom(string_literal(p))));
        let mut decls = vec![layout::const_decl(
            false,
            &names.binding,
            &Expr::call("defineContext", Vec::new(), binding_args),
        )];
        let props = if has_params {
            decls.push(layout::type_alias(
                &[],
                &names.props,
                &TypeExpr::intersection(vec![
                    TypeExpr::reference(names.params.clone()),
                    TypeExpr::reference("ProviderProps"),
                ]),
            ));
            names.props.clone()
        } else {
            "ProviderProps".to_owned()
        };
        let provider_doc = if has_params {
            format!("Provides the `{}` context bundle to its children: one query, shared by every hook below it. Its props are the context's params and query options.", c.wire_name)
        } else {
            format!("Sets query options for the `{}` context bundle below it. Optional: its hooks work anywhere under `<MizanContext>`.", c.wire_name)
        };
        decls.push(layout::function(
            &doc_lines(Some(&provider_doc), false),
            &names.provider,
            &[Param::new("props", TypeExpr::reference(props))],
            None,
            vec![layout::return_statement(&Expr::call(
                &format!("{}.provide", names.binding),
                Vec::new(),
                vec![Expr::atom("props")],
            ))],
        ));
        decls.push(layout::const_decl(
            true,
            &names.provider_alias,
            &Expr::atom(names.provider.clone()),
        ));
        decls.push(hook(
            &format!("The `{}` bundle's query result (`data`, `status`, `error`, `isPending`, `refetch`, ...).", c.wire_name),
            &names.use_context,
            &[],
            query_result(TypeExpr::reference(names.data.clone())),
            &format!("{}.useContext", names.binding),
            Vec::new(),
        ));
        for f in slot_functions(ir, c) {
            let fnames = FunctionNames::new(&f.ident);
            let ty = output_expr(&printer, f);
            uses_types |= ty.mentions("T.");
            let slot = vec![Expr::atom(string_literal(&f.wire_name))];
            let what = format!(
                "the `{}` slot of the `{}` context",
                f.wire_name, c.wire_name
            );
            decls.push(hook(
                &described(
                    f,
                    &format!("The value of {what}: `undefined` until it has loaded."),
                ),
                &fnames.hook,
                &[],
                TypeExpr::union(vec![ty.clone(), TypeExpr::atom("undefined")]),
                &format!("{}.useSlot", names.binding),
                slot.clone(),
            ));
            decls.push(hook(
                &format!("The query result of {what}."),
                &fnames.use_query,
                &[],
                query_result(ty.clone()),
                &format!("{}.useSlotQuery", names.binding),
                slot.clone(),
            ));
            decls.push(hook(
                &format!("The value of {what}; suspends while it loads, and throws its error to the nearest error boundary."),
                &fnames.use_suspense,
                &[],
                ty,
                &format!("{}.useSuspenseSlot", names.binding),
                slot,
            ));
        }
        contexts.push(decls.into_iter().map(layout::render).collect());
    }
    let mut fns: Vec<&Function> = ir
        .public_functions()
        .filter(|f| f.is_read() || f.role() == FunctionRole::Call)
        .collect();
    fns.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
    let mut has_merges = false;
    let mut has_infinite = false;
    // The factories the query hooks take from `server.ts`.
    let mut factories = Vec::new();
    let mut hooks = Vec::new();
    for f in &fns {
        let fnames = FunctionNames::new(&f.ident);
        if f.is_read() {
            factories.push(fnames.query.clone());
            let ty = output_expr(&printer, f);
            let args = super::args_param(&printer, f);
            uses_types |= ty.mentions("T.") || mentions_types(&args);
            hooks.push(layout::render(hook(
                &described(f, &format!("Reads `{}` as a query: fetched when used, cached by its arguments, cancelled when no longer needed.", f.wire_name)),
                &fnames.use_query,
                &[args, Param::new("options?", TypeExpr::reference("QueryHookOptions"))],
                query_result(ty),
                "useMizanQuery",
                vec![Expr::atom(fnames.query.clone()), Expr::atom("args"), Expr::atom("options")],
            )));
        }
        if let (Some(page), Some((args, page_ty))) = (f.paging(), super::paged_params(&printer, f))
        {
            has_infinite = true;
            factories.push(fnames.infinite_query.clone());
            let result = output_expr(&printer, f);
            uses_types |= result.mentions("T.") || page_ty.mentions("T.") || mentions_types(&args);
            let data = TypeExpr::generic("InfiniteData", vec![result.clone(), page_ty.clone()]);
            let pages = Param::new(
                "pages",
                TypeExpr::generic("InfinitePages", vec![result, page_ty]),
            );
            let factory = || Expr::atom(fnames.infinite_query.clone());
            hooks.push(layout::render(hook(
                &described(f, &format!("Reads `{}` page by page (its `{}` argument) as an infinite query: `fetchNextPage()` loads the next one.", f.wire_name, page.wire_name)),
                &fnames.use_infinite,
                &[args.clone(), pages.clone(), Param::new("options?", TypeExpr::reference("QueryHookOptions"))],
                TypeExpr::generic("UseInfiniteQueryResult", vec![data.clone(), TypeExpr::reference("MizanError")]),
                "useMizanInfiniteQuery",
                vec![factory(), Expr::atom("args"), Expr::atom("pages"), Expr::atom("options")],
            )));
            hooks.push(layout::render(hook(
                &format!(
                    "`{}()` that suspends while the first page loads.",
                    fnames.use_infinite
                ),
                &fnames.use_suspense_infinite,
                &[args, pages],
                TypeExpr::generic(
                    "UseSuspenseInfiniteQueryResult",
                    vec![data, TypeExpr::reference("MizanError")],
                ),
                "useSuspenseMizanInfiniteQuery",
                vec![factory(), Expr::atom("args"), Expr::atom("pages")],
            )));
        }
        let (hook, merges, mentions) = mutation_view(ir, &printer, f);
        has_merges |= merges;
        uses_types |= mentions;
        hooks.push(hook);
    }
    let has_mutations = !fns.is_empty();
    let has_queries = !factories.is_empty();
    let has_contexts = !contexts.is_empty();
    let mut imports = Vec::new();
    if has_contexts || has_queries {
        let mut tanstack = vec!["UseQueryResult"];
        if has_infinite {
            tanstack = vec![
                "InfiniteData",
                "UseInfiniteQueryResult",
                "UseQueryResult",
                "UseSuspenseInfiniteQueryResult",
            ];
        }
        imports.push(layout::render(layout::import(
            &strings(&tanstack),
            "\"@tanstack/react-query\"",
            true,
        )));
        imports.push(layout::render(layout::import(
            &strings(&["MizanError"]),
            &string_literal(kernel),
            true,
        )));
    }
    // Values first, then types, each in name order (the runtime's import list).
    let runtime: Vec<&str> = [
        ("defineContext", has_contexts),
        ("merge", has_merges),
        ("useMizanInfiniteQuery", has_infinite),
        ("useMizanMutation", has_mutations),
        ("useMizanQuery", has_queries),
        ("useSuspenseMizanInfiniteQuery", has_infinite),
        ("type MutateOptions", has_merges),
        ("type MutationState", has_mutations),
        ("type ProviderProps", has_contexts),
        ("type QueryHookOptions", has_queries),
    ]
    .into_iter()
    .filter_map(|(name, used)| used.then_some(name))
    .collect();
    if !runtime.is_empty() {
        imports.push(layout::render(layout::import(
            &strings(&runtime),
            "\"./runtime/react\"",
            false,
        )));
    }
    if has_infinite {
        imports.push(layout::render(layout::import(
            &strings(&["InfinitePages"]),
            "\"./runtime/query\"",
            true,
        )));
    }
    if has_queries {
        imports.push(layout::render(layout::import(
            &factories,
            "\"./server\"",
            false,
        )));
    }
    if uses_types {
        imports.push("import type * as T from \"./types\";".to_owned());
    }
    imports.extend(context_imports);
    ReactTsx {
        header: HEADER,
        imports,
        reexport: layout::render(layout::export_from(
            &strings(REACT_REEXPORTS),
            "\"./runtime/react\"",
        )),
        contexts,
        hooks,
    }
}

/// Whether a parameter's type refers to `types.ts` (decided from the type, never from text: a
/// description may say "T.").
fn mentions_types(p: &Param) -> bool {
    p.ty.as_ref().is_some_and(|t| t.mentions("T."))
}

/// The hook of a plain function or mutation, laid out; whether it merges; whether its types
/// refer to `types.ts`.
fn mutation_view(ir: &Ir, printer: &Printer<'_>, f: &Function) -> (String, bool, bool) {
    let result = output_expr(printer, f);
    let input = super::input_type(printer, f);
    let mentions = result.mentions("T.") || input.as_ref().is_some_and(|t| t.mentions("T."));
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
    let mut doc = format!("Calls `{}`: `mutate(args)` resolves to its result, with status fields; what the call invalidates or merges is applied to the cache.", f.wire_name);
    if !merges.is_empty() {
        doc.push_str("\n`mutate(args, { optimistic })` shows a predicted result at once and rolls it back if the call fails.");
    }
    let hook = layout::render(layout::function(
        &doc_lines(Some(&described(f, &doc)), false),
        &FunctionNames::new(&f.ident).hook,
        &[],
        Some(&TypeExpr::generic(
            "MutationState",
            vec![TypeExpr::Tuple(args_tuple), result],
        )),
        vec![layout::return_statement(&Expr::call(
            "useMizanMutation",
            Vec::new(),
            call_args,
        ))],
    ));
    (hook, !merges.is_empty(), mentions)
}

// ---- channels.ts ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "channels.ts", escape = "none")]
pub struct ChannelsTs {
    header: &'static str,
    imports: Vec<String>,
    /// `export { ... } from "./runtime/channels";`, laid out.
    reexport: String,
    /// One hook per channel, laid out.
    channels: Vec<String>,
}

pub fn channels_ts(ir: &Ir) -> ChannelsTs {
    let printer = Printer::new(ir, "T.");
    let mut chans: Vec<&Channel> = ir.channels.iter().collect();
    chans.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
    let mut uses_types = false;
    let channels: Vec<String> = chans
        .into_iter()
        .map(|ch| {
            let message = printer.expr(&ch.server_message, Mode::Output);
            let params = printer.expr(&ch.params, Mode::Input);
            uses_types |= message.mentions("T.") || params.mentions("T.");
            let (returns, helper) = match &ch.client_message {
                Some(m) => {
                    let client = printer.expr(m, Mode::Input);
                    uses_types |= client.mentions("T.");
                    (
                        TypeExpr::generic("ChannelWithSend", vec![message, client]),
                        "useChannel",
                    )
                }
                None => (
                    TypeExpr::generic("ChannelState", vec![message]),
                    "useChannelMessages",
                ),
            };
            layout::render(layout::function(
                &doc_lines(
                    Some(&format!(
                        "Subscribes to the `{}` channel while mounted: the last `max` messages (default 500) in order, the last one, and the subscription's status.{}",
                        ch.wire_name,
                        if ch.client_message.is_some() { "\n`send()` posts a message on the channel." } else { "" }
                    )),
                    false,
                ),
                &ChannelNames::new(&ch.ident).hook,
                &[
                    Param::new("params", params),
                    Param::new("options?", TypeExpr::reference("ChannelOptions")),
                ],
                Some(&returns),
                vec![layout::return_statement(&Expr::call(
                    helper,
                    Vec::new(),
                    vec![
                        Expr::atom(string_literal(&ch.wire_name)),
                        Expr::atom("params"),
                        Expr::atom("options"),
                    ],
                ))],
            ))
        })
        .collect();
    let mut runtime = Vec::new();
    if ir.channels.iter().any(|c| c.client_message.is_some()) {
        runtime.push("useChannel");
    }
    if ir.channels.iter().any(|c| c.client_message.is_none()) {
        runtime.push("useChannelMessages");
    }
    runtime.push("type ChannelOptions");
    if ir.channels.iter().any(|c| c.client_message.is_none()) {
        runtime.push("type ChannelState");
    }
    if ir.channels.iter().any(|c| c.client_message.is_some()) {
        runtime.push("type ChannelWithSend");
    }
    let mut imports = vec![layout::render(layout::import(
        &strings(&runtime),
        "\"./runtime/channels\"",
        false,
    ))];
    if uses_types {
        imports.push("import type * as T from \"./types\";".to_owned());
    }
    ChannelsTs {
        header: HEADER,
        imports,
        reexport: layout::render(layout::export_from(
            &strings(CHANNELS_REEXPORTS),
            "\"./runtime/channels\"",
        )),
        channels,
    }
}

// ---- forms.ts ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "forms.ts", escape = "none")]
pub struct FormsTs {
    header: &'static str,
    imports: Vec<String>,
    /// `export type { ... } from "./runtime/forms";`, laid out.
    reexport: String,
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

pub fn forms_ts(ir: &Ir) -> FormsTs {
    let printer = Printer::new(ir, "T.");
    let mut sorted: Vec<&Form> = ir.forms.iter().collect();
    sorted.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
    let mut uses_types = false;
    let forms: Vec<Vec<String>> = sorted
        .into_iter()
        .map(|form| {
            let submit = form.submit_fn.map(|id| ir.function(id));
            let names = FormNames::new(&form.ident);
            let title = form.title.clone().unwrap_or_else(|| form.wire_name.clone());
            let data = names.data.clone();
            let fields_name = names.fields.clone();
            let initial_name = names.initial.clone();
            let schema_name = names.schema.clone();
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
                    // The wire name goes through the doc-comment escaper like every other.
                    text(super::ts::doc_comment(
                        Some(&format!("Zod schema of the `{}` form's data, from its field list.", form.wire_name)),
                        false,
                        "",
                    ).trim_end().to_owned()),
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
                    &names.hook,
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
    let mut imports = vec![layout::render(layout::import(
        &strings(&["formSchema", "useForm", "type FieldsOf", "type FormState"]),
        "\"./runtime/forms\"",
        false,
    ))];
    if uses_types {
        imports.push("import type * as T from \"./types\";".to_owned());
    }
    FormsTs {
        header: HEADER,
        imports,
        reexport: layout::render(layout::export_from(
            &strings(FORMS_REEXPORTS),
            "\"./runtime/forms\"",
        )),
        forms,
    }
}
