//! The binding file of a framework layer (`react.tsx`, `vue.ts`, `svelte.svelte.ts`): per
//! context, its binding, provider and accessors; per read, its query hooks; per plain function
//! or mutation, its mutation hook. One loop for every layer: [`Layer`] gives the words (helper
//! names, result types, the binding's methods). The file computes its own import list, so
//! nothing unused is imported (`noUnusedLocals`).

use super::context::context_file_name;
use crate::emit::file::HEADER;
use crate::emit::layer::Layer;
use crate::emit::lexical::{doc_lines, string_literal, DocLines};
use crate::emit::order::{self, Order, OrderedContext};
use crate::emit::prettier;
use crate::emit::signature::{args_param, input_type, output_expr, paged_params};
use crate::emit::syntax::{
    Const, Data, Decl, Expr, Function as FunctionDecl, Param, Stmt, TupleMember, TypeExpr,
};
use crate::emit::typing::Printer;
use crate::ir::names::{ContextNames, FunctionNames, FunctionRole};
use crate::ir::{Function, FunctionKind, Ir, Transport};

/// What a binding file's template prints.
pub struct Binding {
    pub header: &'static str,
    /// `"use client";` after the header (React).
    pub use_client: bool,
    /// Every import, laid out; nothing unused (noUnusedLocals).
    pub imports: Vec<String>,
    /// `export { ... } from "./runtime/<binding>";`, laid out.
    pub reexport: String,
    /// Per context: its binding, provider and accessors, laid out.
    pub contexts: Vec<Vec<String>>,
    /// Per plain function or mutation: its query hooks and its mutation hook, laid out.
    pub hooks: Vec<String>,
}

/// What the declarations use, which decides the imports.
#[derive(Default)]
struct Uses {
    /// `T.` from `./types`.
    types: bool,
    /// `merge` and `MutateOptions`.
    merges: bool,
    /// The infinite query hooks and their types.
    infinite: bool,
    /// The factories the query hooks take from `server.ts`, in the hooks' order.
    factories: Vec<String>,
}

/// The binding file of `layer`; `kernel`: where the kernel is imported from.
pub fn binding(ir: &Ir, order: &Order<'_>, kernel: &str, layer: Layer) -> Binding {
    let printer = Printer::new(ir, "T.");
    let mut uses = Uses::default();
    let mut context_imports = Vec::new();
    let mut contexts = Vec::new();
    for oc in &order.contexts {
        let (import, decls) = context_decls(&printer, oc, &mut uses, layer);
        context_imports.push(prettier::format(&import));
        contexts.push(decls.iter().map(prettier::format).collect());
    }
    let fns: Vec<&Function> = order
        .functions
        .iter()
        .copied()
        .filter(|f| f.is_read() || f.role() == FunctionRole::Call)
        .collect();
    let mut hooks = Vec::new();
    for f in &fns {
        hooks.extend(query_hooks(&printer, f, &mut uses, layer));
        hooks.push(mutation_hook(ir, &printer, f, &mut uses, layer));
    }
    let has_mutations = !fns.is_empty();
    let has_queries = !uses.factories.is_empty();
    let has_contexts = !contexts.is_empty();
    let has_slots = order.contexts.iter().any(|oc| !oc.slots.is_empty());
    let reactive_params = order.contexts.iter().any(|oc| !oc.params.is_empty());
    let mut imports = Vec::new();
    if has_contexts || has_queries {
        let mut tanstack = vec![layer.query_result()];
        if uses.infinite {
            tanstack.extend(["InfiniteData", layer.infinite_result()]);
            if layer == Layer::React {
                tanstack.push("UseSuspenseInfiniteQueryResult");
            }
        }
        imports.push(Decl::import(
            &order::import_names(tanstack),
            layer.adapter(),
            true,
        ));
    }
    if layer == Layer::Vue {
        let vue = order::import_names(
            [
                ("ComputedRef", has_slots),
                ("MaybeRefOrGetter", reactive_params || has_queries),
            ]
            .into_iter()
            .filter_map(|(name, used)| used.then_some(name)),
        );
        if !vue.is_empty() {
            imports.push(Decl::import(&vue, "vue", true));
        }
    }
    if has_contexts || has_queries {
        imports.push(Decl::import(&["MizanError"], kernel, true));
    }
    // React's providers take their options through `ProviderProps`; the other layers' provide
    // functions take them as an argument.
    let options_used = has_queries || (has_contexts && layer != Layer::React);
    let runtime = order::import_names(
        [
            ("defineContext", has_contexts),
            ("merge", uses.merges),
            (layer.infinite_helper(), uses.infinite),
            (layer.mutation_helper(), has_mutations),
            (layer.query_helper(), has_queries),
            (
                "useSuspenseMizanInfiniteQuery",
                uses.infinite && layer == Layer::React,
            ),
            ("type MutateOptions", uses.merges),
            ("type MutationState", has_mutations),
            ("type ProviderProps", has_contexts && layer == Layer::React),
        ]
        .into_iter()
        .filter(|(_, used)| *used)
        .map(|(name, _)| name.to_owned())
        .chain(options_used.then(|| format!("type {}", layer.options_type()))),
    );
    if !runtime.is_empty() {
        imports.push(Decl::import(&runtime, &layer.binding_module(), false));
    }
    if uses.infinite {
        imports.push(Decl::import(&["InfinitePages"], "./runtime/query", true));
    }
    if has_queries {
        imports.push(Decl::import(&uses.factories, "./server", false));
    }
    if uses.types {
        imports.push(Decl::import_types("./types"));
    }
    let mut imports: Vec<String> = imports.iter().map(prettier::format).collect();
    imports.extend(context_imports);
    Binding {
        header: HEADER,
        use_client: layer.use_client(),
        imports,
        reexport: super::reexport(layer.reexports().binding, order),
        contexts,
        hooks,
    }
}

/// The query result type of `layer` over `data`: `UseQueryResult<D, MizanError>` and the like.
fn query_result(layer: Layer, data: TypeExpr) -> TypeExpr {
    TypeExpr::generic(
        layer.query_result(),
        vec![data, TypeExpr::reference("MizanError")],
    )
}

/// `export function name(params): returns { return callee(args); }` with a doc comment.
fn hook(
    doc: &str,
    name: &str,
    params: Vec<Param>,
    returns: TypeExpr,
    callee: &str,
    args: Vec<Expr>,
) -> Decl {
    Decl::Function(FunctionDecl {
        doc: doc_lines(Some(doc), false),
        name: name.to_owned(),
        params,
        returns: Some(returns),
        body: vec![Stmt::Return(Expr::call(callee, Vec::new(), args))],
    })
}

/// A description, then a note on its own line.
fn described(f: &Function, note: &str) -> String {
    match &f.description {
        Some(d) if !d.is_empty() => format!("{d}\n{note}"),
        _ => note.to_owned(),
    }
}

/// Whether a parameter's type refers to `types.ts` (decided from the type, never from text: a
/// description may say "T.").
fn mentions_types(p: &Param) -> bool {
    p.ty.as_ref().is_some_and(|t| t.mentions("T."))
}

/// A context's import from its file, and its binding, provider and accessors.
fn context_decls(
    printer: &Printer<'_>,
    oc: &OrderedContext<'_>,
    uses: &mut Uses,
    layer: Layer,
) -> (Decl, Vec<Decl>) {
    let c = oc.context;
    let names = ContextNames::of(&c.ident, layer.framework());
    let methods = layer.binding_methods();
    let has_params = !c.params.is_empty();
    let mut imported = vec![names.query.clone(), format!("type {}", names.data)];
    if has_params {
        imported.push(format!("type {}", names.params));
    }
    let import = Decl::import(
        &imported,
        &format!("./contexts/{}", context_file_name(c)),
        false,
    );
    let mut binding_args = vec![
        Expr::atom(names.query.clone()),
        Expr::atom(string_literal(&names.provider)),
    ];
    binding_args.extend(
        oc.params
            .iter()
            .map(|p| Expr::atom(string_literal(&p.wire_name))),
    );
    let mut decls = vec![Decl::Const(Const {
        doc: DocLines::none(),
        export: false,
        name: names.binding.clone(),
        ty: None,
        value: Expr::call("defineContext", Vec::new(), binding_args),
    })];
    let bound = |method: &str| format!("{}.{method}", names.binding);
    let data = || TypeExpr::reference(names.data.clone());
    match (&names.provider_alias, &names.props) {
        (Some(alias), Some(props_name)) => {
            // React: a provider component, its props, and its alias.
            let props = if has_params {
                decls.push(Decl::TypeAlias {
                    doc: DocLines::none(),
                    name: props_name.clone(),
                    ty: TypeExpr::intersection(vec![
                        TypeExpr::reference(names.params.clone()),
                        TypeExpr::reference("ProviderProps"),
                    ]),
                });
                props_name.clone()
            } else {
                "ProviderProps".to_owned()
            };
            let provider_doc = if has_params {
                format!("Provides the `{}` context bundle to its children: one query, shared by every hook below it. Its props are the context's params and query options.", c.wire_name)
            } else {
                format!("Sets query options for the `{}` context bundle below it. Optional: its hooks work anywhere under `<MizanContext>`.", c.wire_name)
            };
            decls.push(Decl::Function(FunctionDecl {
                doc: doc_lines(Some(&provider_doc), false),
                name: names.provider.clone(),
                params: vec![Param::new("props", TypeExpr::reference(props))],
                returns: None,
                body: vec![Stmt::Return(Expr::call(
                    &bound(methods.provide),
                    Vec::new(),
                    vec![Expr::atom("props")],
                ))],
            }));
            decls.push(Decl::Const(Const {
                doc: DocLines::none(),
                export: true,
                name: alias.clone(),
                ty: None,
                value: Expr::atom(names.provider.clone()),
            }));
        }
        _ => {
            // Vue and Svelte: a function the parent component calls in its setup.
            let (root, caller, below) = match layer {
                Layer::Svelte => (
                    "`setMizanContext()`",
                    "Call it in a parent component's script",
                    "its children",
                ),
                _ => (
                    "`app.use(MizanPlugin)`",
                    "Call it in a parent component's `setup`",
                    "its descendants",
                ),
            };
            let provider_doc = if has_params {
                format!("Provides the `{}` context bundle to {below}: one query, shared by every accessor below it, for the given params (reactive) and query options. {caller}; it returns the bundle's query result.", c.wire_name)
            } else {
                format!("Sets query options for the `{}` context bundle below it. Optional: its accessors work anywhere under {root}.", c.wire_name)
            };
            let mut params = Vec::new();
            let mut args = Vec::new();
            if has_params {
                params.push(Param::new(
                    "params",
                    layer.reactive(TypeExpr::reference(names.params.clone())),
                ));
                args.push(Expr::atom("params"));
            } else {
                args.push(Expr::atom(match layer {
                    Layer::Svelte => "() => ({})",
                    _ => "{}",
                }));
            }
            params.push(Param::new("options?", layer.options_param()));
            args.push(Expr::atom("options"));
            decls.push(hook(
                &provider_doc,
                &names.provider,
                params,
                query_result(layer, data()),
                &bound(methods.provide),
                args,
            ));
        }
    }
    decls.push(hook(
        &format!("The `{}` bundle's query result (`data`, `status`, `error`, `isPending`, `refetch`, ...).", c.wire_name),
        &names.use_context,
        Vec::new(),
        query_result(layer, data()),
        &bound(methods.context),
        Vec::new(),
    ));
    for f in &oc.slots {
        let fnames = FunctionNames::of(&f.ident, layer.framework());
        let ty = output_expr(printer, f);
        uses.types |= ty.mentions("T.");
        let slot = vec![Expr::atom(string_literal(&f.wire_name))];
        let what = format!(
            "the `{}` slot of the `{}` context",
            f.wire_name, c.wire_name
        );
        let value_note = match layer {
            Layer::React => format!("The value of {what}: `undefined` until it has loaded."),
            Layer::Vue => {
                format!("The value of {what}, as a computed ref: `undefined` until it has loaded.")
            }
            Layer::Svelte => format!(
                "The value of {what}, reactive in `.current`: `undefined` until it has loaded."
            ),
        };
        decls.push(hook(
            &described(f, &value_note),
            &fnames.slot,
            Vec::new(),
            layer.slot_value(ty.clone()),
            &bound(methods.slot),
            slot.clone(),
        ));
        decls.push(hook(
            &format!("The query result of {what}."),
            &fnames.slot_query,
            Vec::new(),
            query_result(layer, ty.clone()),
            &bound(methods.slot_query),
            slot.clone(),
        ));
        if let (Some(name), Some(returns)) = (&fnames.use_suspense, layer.suspense_value(ty)) {
            let doc = match layer {
                Layer::Vue => format!("The value of {what}, for an async `setup` under `<Suspense>`: resolves once it has loaded, rejects with its error."),
                _ => format!("The value of {what}; suspends while it loads, and throws its error to the nearest error boundary."),
            };
            decls.push(hook(
                &doc,
                name,
                Vec::new(),
                returns,
                &bound("useSuspenseSlot"),
                slot,
            ));
        }
    }
    (import, decls)
}

/// A read's query hook, and a paged read's infinite query hooks, laid out.
fn query_hooks(printer: &Printer<'_>, f: &Function, uses: &mut Uses, layer: Layer) -> Vec<String> {
    let fnames = FunctionNames::of(&f.ident, layer.framework());
    let reactive = |p: Param| Param {
        name: p.name,
        ty: p.ty.map(|t| layer.reactive(t)),
        default: p.default.map(|_| layer.reactive_default().to_owned()),
    };
    let options = || Param::new("options?", layer.options_param());
    let mut hooks = Vec::new();
    if f.is_read() {
        uses.factories.push(fnames.query.clone());
        let ty = output_expr(printer, f);
        let args = args_param(printer, f);
        uses.types |= ty.mentions("T.") || mentions_types(&args);
        let note = match layer {
            Layer::React => "fetched when used, cached by its arguments, cancelled when no longer needed.",
            _ => "fetched when used, cached by its arguments, fetched again when they change (the old request is cancelled).",
        };
        hooks.push(hook(
            &described(f, &format!("Reads `{}` as a query: {note}", f.wire_name)),
            &fnames.use_query,
            vec![reactive(args), options()],
            query_result(layer, ty),
            layer.query_helper(),
            vec![
                Expr::atom(fnames.query.clone()),
                Expr::atom("args"),
                Expr::atom("options"),
            ],
        ));
    }
    if let (Some(page), Some((args, page_ty))) = (f.paging(), paged_params(printer, f)) {
        uses.infinite = true;
        uses.factories.push(fnames.infinite_query.clone());
        let result = output_expr(printer, f);
        uses.types |= result.mentions("T.") || page_ty.mentions("T.") || mentions_types(&args);
        let data = TypeExpr::generic("InfiniteData", vec![result.clone(), page_ty.clone()]);
        let pages = Param::new(
            "pages",
            TypeExpr::generic("InfinitePages", vec![result, page_ty]),
        );
        let factory = || Expr::atom(fnames.infinite_query.clone());
        hooks.push(hook(
            &described(f, &format!("Reads `{}` page by page (its `{}` argument) as an infinite query: `fetchNextPage()` loads the next one.", f.wire_name, page.wire_name)),
            &fnames.use_infinite,
            vec![reactive(args.clone()), pages.clone(), options()],
            TypeExpr::generic(layer.infinite_result(), vec![data.clone(), TypeExpr::reference("MizanError")]),
            layer.infinite_helper(),
            vec![factory(), Expr::atom("args"), Expr::atom("pages"), Expr::atom("options")],
        ));
        if let Some(name) = &fnames.use_suspense_infinite {
            hooks.push(hook(
                &format!(
                    "`{}()` that suspends while the first page loads.",
                    fnames.use_infinite
                ),
                name,
                vec![args, pages],
                TypeExpr::generic(
                    "UseSuspenseInfiniteQueryResult",
                    vec![data, TypeExpr::reference("MizanError")],
                ),
                "useSuspenseMizanInfiniteQuery",
                vec![factory(), Expr::atom("args"), Expr::atom("pages")],
            ));
        }
    }
    hooks.iter().map(prettier::format).collect()
}

/// The hook of a plain function or mutation, laid out.
fn mutation_hook(
    ir: &Ir,
    printer: &Printer<'_>,
    f: &Function,
    uses: &mut Uses,
    layer: Layer,
) -> String {
    let result = output_expr(printer, f);
    let input = input_type(printer, f);
    uses.types |= result.mentions("T.") || input.as_ref().is_some_and(|t| t.mentions("T."));
    let optional = f.args.iter().all(|a| !a.required);
    let merges: Vec<&crate::ir::MergeTarget> = match &f.kind {
        FunctionKind::Mutation { merge, .. } => merge.iter().collect(),
        _ => Vec::new(),
    };
    uses.merges |= !merges.is_empty();
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
        options.push(("upload".to_owned(), Data::Bool(true)));
    }
    if f.transport == Transport::Websocket {
        options.push(("websocket".to_owned(), Data::Bool(true)));
    }
    let mut call_args = vec![Expr::atom(string_literal(&f.wire_name))];
    if !options.is_empty() || !merges.is_empty() {
        call_args.push(Expr::object(options));
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
    prettier::format(&hook(
        &described(f, &doc),
        &FunctionNames::of(&f.ident, layer.framework()).hook,
        Vec::new(),
        TypeExpr::generic("MutationState", vec![TypeExpr::Tuple(args_tuple), result]),
        layer.mutation_helper(),
        call_args,
    ))
}
