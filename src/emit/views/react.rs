//! `react.tsx`: per context, its binding, provider and hooks; per read, its query hooks; per
//! plain function or mutation, its mutation hook. The file computes its own import list, so
//! nothing unused is imported (`noUnusedLocals`).

use askama::Template;

use super::context::context_file_name;
use crate::emit::file::HEADER;
use crate::emit::lexical::{doc_lines, string_literal, DocLines};
use crate::emit::order::{self, Order, OrderedContext};
use crate::emit::prettier;
use crate::emit::signature::{args_param, input_type, output_expr, paged_params};
use crate::emit::syntax::{
    Const, Data, Decl, Expr, Function as FunctionDecl, Param, Stmt, TupleMember, TypeExpr,
};
use crate::emit::typing::Printer;
use crate::ir::names::{ContextNames, FunctionNames, FunctionRole, REACT_REEXPORTS};
use crate::ir::{Function, FunctionKind, Ir, Transport};

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

/// `kernel`: where the kernel is imported from.
pub fn react_tsx(ir: &Ir, order: &Order<'_>, kernel: &str) -> ReactTsx {
    let printer = Printer::new(ir, "T.");
    let mut uses = Uses::default();
    let mut context_imports = Vec::new();
    let mut contexts = Vec::new();
    for oc in &order.contexts {
        let (import, decls) = context_decls(&printer, oc, &mut uses);
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
        hooks.extend(query_hooks(&printer, f, &mut uses));
        hooks.push(mutation_hook(ir, &printer, f, &mut uses));
    }
    let has_mutations = !fns.is_empty();
    let has_queries = !uses.factories.is_empty();
    let has_contexts = !contexts.is_empty();
    let mut imports = Vec::new();
    if has_contexts || has_queries {
        let tanstack = if uses.infinite {
            vec![
                "InfiniteData",
                "UseInfiniteQueryResult",
                "UseQueryResult",
                "UseSuspenseInfiniteQueryResult",
            ]
        } else {
            vec!["UseQueryResult"]
        };
        imports.push(Decl::import(
            &order::import_names(tanstack),
            "@tanstack/react-query",
            true,
        ));
        imports.push(Decl::import(&["MizanError"], kernel, true));
    }
    let runtime = order::import_names(
        [
            ("defineContext", has_contexts),
            ("merge", uses.merges),
            ("useMizanInfiniteQuery", uses.infinite),
            ("useMizanMutation", has_mutations),
            ("useMizanQuery", has_queries),
            ("useSuspenseMizanInfiniteQuery", uses.infinite),
            ("type MutateOptions", uses.merges),
            ("type MutationState", has_mutations),
            ("type ProviderProps", has_contexts),
            ("type QueryHookOptions", has_queries),
        ]
        .into_iter()
        .filter_map(|(name, used)| used.then_some(name)),
    );
    if !runtime.is_empty() {
        imports.push(Decl::import(&runtime, "./runtime/react", false));
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
    ReactTsx {
        header: HEADER,
        imports,
        reexport: super::reexport(REACT_REEXPORTS, "./runtime/react", order),
        contexts,
        hooks,
    }
}

/// `UseQueryResult<D, MizanError>`.
fn query_result(data: TypeExpr) -> TypeExpr {
    TypeExpr::generic(
        "UseQueryResult",
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

/// A context's import from its file, and its binding, props, provider and hooks.
fn context_decls(
    printer: &Printer<'_>,
    oc: &OrderedContext<'_>,
    uses: &mut Uses,
) -> (Decl, Vec<Decl>) {
    let c = oc.context;
    let names = ContextNames::new(&c.ident);
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
    let props = if has_params {
        decls.push(Decl::TypeAlias {
            doc: DocLines::none(),
            name: names.props.clone(),
            ty: TypeExpr::intersection(vec![
                TypeExpr::reference(names.params.clone()),
                TypeExpr::reference("ProviderProps"),
            ]),
        });
        names.props.clone()
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
            &format!("{}.provide", names.binding),
            Vec::new(),
            vec![Expr::atom("props")],
        ))],
    }));
    decls.push(Decl::Const(Const {
        doc: DocLines::none(),
        export: true,
        name: names.provider_alias.clone(),
        ty: None,
        value: Expr::atom(names.provider.clone()),
    }));
    decls.push(hook(
        &format!("The `{}` bundle's query result (`data`, `status`, `error`, `isPending`, `refetch`, ...).", c.wire_name),
        &names.use_context,
        Vec::new(),
        query_result(TypeExpr::reference(names.data.clone())),
        &format!("{}.useContext", names.binding),
        Vec::new(),
    ));
    for f in &oc.slots {
        let fnames = FunctionNames::new(&f.ident);
        let ty = output_expr(printer, f);
        uses.types |= ty.mentions("T.");
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
            Vec::new(),
            TypeExpr::union(vec![ty.clone(), TypeExpr::atom("undefined")]),
            &format!("{}.useSlot", names.binding),
            slot.clone(),
        ));
        decls.push(hook(
            &format!("The query result of {what}."),
            &fnames.use_query,
            Vec::new(),
            query_result(ty.clone()),
            &format!("{}.useSlotQuery", names.binding),
            slot.clone(),
        ));
        decls.push(hook(
            &format!("The value of {what}; suspends while it loads, and throws its error to the nearest error boundary."),
            &fnames.use_suspense,
            Vec::new(),
            ty,
            &format!("{}.useSuspenseSlot", names.binding),
            slot,
        ));
    }
    (import, decls)
}

/// A read's query hook, and a paged read's infinite query hooks, laid out.
fn query_hooks(printer: &Printer<'_>, f: &Function, uses: &mut Uses) -> Vec<String> {
    let fnames = FunctionNames::new(&f.ident);
    let mut hooks = Vec::new();
    if f.is_read() {
        uses.factories.push(fnames.query.clone());
        let ty = output_expr(printer, f);
        let args = args_param(printer, f);
        uses.types |= ty.mentions("T.") || mentions_types(&args);
        hooks.push(hook(
            &described(f, &format!("Reads `{}` as a query: fetched when used, cached by its arguments, cancelled when no longer needed.", f.wire_name)),
            &fnames.use_query,
            vec![args, Param::new("options?", TypeExpr::reference("QueryHookOptions"))],
            query_result(ty),
            "useMizanQuery",
            vec![Expr::atom(fnames.query.clone()), Expr::atom("args"), Expr::atom("options")],
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
            vec![args.clone(), pages.clone(), Param::new("options?", TypeExpr::reference("QueryHookOptions"))],
            TypeExpr::generic("UseInfiniteQueryResult", vec![data.clone(), TypeExpr::reference("MizanError")]),
            "useMizanInfiniteQuery",
            vec![factory(), Expr::atom("args"), Expr::atom("pages"), Expr::atom("options")],
        ));
        hooks.push(hook(
            &format!(
                "`{}()` that suspends while the first page loads.",
                fnames.use_infinite
            ),
            &fnames.use_suspense_infinite,
            vec![args, pages],
            TypeExpr::generic(
                "UseSuspenseInfiniteQueryResult",
                vec![data, TypeExpr::reference("MizanError")],
            ),
            "useSuspenseMizanInfiniteQuery",
            vec![factory(), Expr::atom("args"), Expr::atom("pages")],
        ));
    }
    hooks.iter().map(prettier::format).collect()
}

/// The hook of a plain function or mutation, laid out.
fn mutation_hook(ir: &Ir, printer: &Printer<'_>, f: &Function, uses: &mut Uses) -> String {
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
        &FunctionNames::new(&f.ident).hook,
        Vec::new(),
        TypeExpr::generic("MutationState", vec![TypeExpr::Tuple(args_tuple), result]),
        "useMizanMutation",
        call_args,
    ))
}
