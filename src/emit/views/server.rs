//! `server.ts`: framework-free access to everything: a call per function, a URL builder per view
//! path, query options per read, infinite query options per paged read, a subscription per
//! channel; and the re-exports of the types, contexts, kernel and query glue.

use askama::Template;

use crate::emit::file::HEADER;
use crate::emit::lexical::{doc_lines, string_literal, template_text};
use crate::emit::order::{self, Order};
use crate::emit::prettier;
use crate::emit::signature::{
    args_param, inline_args, input_type, output_expr, paged_params, stale_time,
};
use crate::emit::syntax::{Data, Decl, Expr, Function as FunctionDecl, Param, Stmt, TypeExpr};
use crate::emit::typing::{Mode, Printer};
use crate::ir::names::{ChannelNames, FunctionNames, FunctionRole, KERNEL_EXPORTS};
use crate::ir::{Channel, Function, FunctionKind, Ir, RouteSegment, Transport};

#[derive(Template)]
#[template(path = "server.ts", escape = "none")]
pub struct ServerTs {
    header: &'static str,
    kernel: String,
    /// The kernel, query and types imports, laid out; nothing unused.
    imports: Vec<String>,
    /// `"./contexts/<file>"` per context, quoted.
    context_modules: Vec<String>,
    /// `export { type X } from "./types";` for the types named like a kernel or query export:
    /// a named re-export wins over `export *`, so the schema keeps its name; empty otherwise.
    types_by_name: String,
    /// Re-export `./runtime/query` (keys, factories, effects, hydrate).
    with_queries: bool,
    /// Every function, laid out with its doc comment.
    functions: Vec<String>,
}

/// One generated function before layout: its body returns one call or value.
struct FunctionView {
    doc: String,
    name: String,
    params: Vec<Param>,
    returns: TypeExpr,
    body: Expr,
}

impl FunctionView {
    fn render(self) -> String {
        prettier::format(&Decl::Function(FunctionDecl {
            doc: doc_lines(Some(&self.doc), false),
            name: self.name,
            params: self.params,
            returns: Some(self.returns),
            body: vec![Stmt::Return(self.body)],
        }))
    }

    fn mentions_types(&self) -> bool {
        self.returns.mentions("T.")
            || self
                .params
                .iter()
                .any(|p| p.ty.as_ref().is_some_and(|t| t.mentions("T.")))
    }

    fn calls(&self, callee: &str) -> bool {
        matches!(&self.body, Expr::Call { callee: c, .. } if c == callee)
    }
}

/// `kernel`: where the kernel is imported from; `context_files`: the files under `contexts/`,
/// in output order.
pub fn server_ts(
    ir: &Ir,
    order: &Order<'_>,
    kernel: &str,
    context_files: Vec<String>,
    with_queries: bool,
) -> ServerTs {
    let printer = Printer::new(ir, "T.");
    let mut functions: Vec<FunctionView> = Vec::new();
    for f in &order.functions {
        functions.extend(function_view(ir, &printer, f));
        if with_queries && f.is_read() {
            functions.push(query_view(&printer, f));
        }
        if with_queries && f.role() == FunctionRole::PagedRead {
            functions.extend(infinite_query_view(&printer, f));
        }
    }
    functions.extend(order.channels.iter().map(|ch| subscribe_view(&printer, ch)));
    let uses_types = functions.iter().any(FunctionView::mentions_types);
    let mut kernel_names = Vec::new();
    if functions.iter().any(|f| f.calls("mizanCall")) {
        kernel_names.extend(["mizanCall", "type ClientOptions"]);
    }
    if !ir.channels.is_empty() {
        kernel_names.extend([
            "subscribeChannel",
            "type ChannelListener",
            "type ChannelSubscription",
            "type SubscribeChannelOptions",
        ]);
    }
    let queries = functions.iter().any(|f| f.calls("functionQuery"));
    if queries {
        kernel_names.push("type MizanClient");
    }
    let kernel_literal = string_literal(kernel);
    let mut imports = Vec::new();
    if !kernel_names.is_empty() {
        imports.push(Decl::import(
            &order::import_names(kernel_names),
            kernel,
            false,
        ));
    }
    if queries {
        let mut names = vec!["functionQuery", "type FunctionQueryOptions"];
        if functions.iter().any(|f| f.calls("functionInfiniteQuery")) {
            names.extend([
                "functionInfiniteQuery",
                "type FunctionInfiniteQueryOptions",
                "type InfinitePages",
            ]);
        }
        imports.push(Decl::import(
            &order::import_names(names),
            "./runtime/query",
            false,
        ));
    }
    if uses_types {
        imports.push(Decl::import_types("./types"));
    }
    let shadowing: Vec<String> = order
        .type_idents()
        .into_iter()
        .filter(|t| KERNEL_EXPORTS.contains(t))
        .map(|t| format!("type {t}"))
        .collect();
    let types_by_name = if shadowing.is_empty() {
        String::new()
    } else {
        prettier::format(&Decl::export_from(&shadowing, "./types"))
    };
    ServerTs {
        header: HEADER,
        kernel: kernel_literal,
        types_by_name,
        imports: imports.iter().map(prettier::format).collect(),
        context_modules: context_files
            .iter()
            .map(|c| string_literal(&format!("./contexts/{c}")))
            .collect(),
        with_queries,
        functions: functions.into_iter().map(FunctionView::render).collect(),
    }
}

/// `subscribe<Channel>(params, listener, options?)`.
fn subscribe_view(printer: &Printer<'_>, ch: &Channel) -> FunctionView {
    let message = printer.expr(&ch.server_message, Mode::Output);
    let client = ch
        .client_message
        .as_ref()
        .map_or_else(|| TypeExpr::atom("never"), |m| printer.expr(m, Mode::Input));
    let mut doc = format!(
        "Subscribes to the `{}` channel; `close()` the subscription when done.",
        ch.wire_name
    );
    if ch.client_message.is_none() {
        doc.push_str("\nThe channel takes no client messages.");
    }
    FunctionView {
        doc,
        name: ChannelNames::new(&ch.ident).subscribe,
        params: vec![
            Param::new("params", printer.expr(&ch.params, Mode::Input)),
            Param::new(
                "listener",
                TypeExpr::generic("ChannelListener", vec![message.clone()]),
            ),
            Param::new("options?", TypeExpr::reference("SubscribeChannelOptions")),
        ],
        returns: TypeExpr::generic("ChannelSubscription", vec![client.clone()]),
        body: Expr::call(
            "subscribeChannel",
            vec![message, client],
            vec![
                Expr::atom(string_literal(&ch.wire_name)),
                Expr::atom("params"),
                Expr::atom("listener"),
                Expr::atom("options"),
            ],
        ),
    }
}

/// `{ websocket: true }`, the option of a call over the WebSocket.
fn websocket_option() -> Expr {
    Expr::object(vec![("websocket".to_owned(), Data::Bool(true))])
}

/// `<fn>InfiniteQuery(args, pages, client?)`: the infinite query options of a paged read.
fn infinite_query_view(printer: &Printer<'_>, f: &Function) -> Option<FunctionView> {
    let page = f.paging()?;
    let (args, page_ty) = paged_params(printer, f)?;
    let result = output_expr(printer, f);
    let mut call = vec![
        Expr::atom(string_literal(&f.wire_name)),
        Expr::atom(string_literal(&page.wire_name)),
        Expr::atom("args"),
        Expr::atom("pages"),
        Expr::atom(stale_time(f.cache)),
        Expr::atom("client"),
    ];
    if f.transport == Transport::Websocket {
        call.push(websocket_option());
    }
    Some(FunctionView {
        doc: format!(
            "Infinite query options of `{}`, one page per `{}`, keyed `[\"mizan\", \"fn\", {}, args, \"infinite\"]` (`args` without `{}`).",
            f.wire_name,
            page.wire_name,
            string_literal(&f.wire_name),
            page.wire_name
        ),
        name: FunctionNames::new(&f.ident).infinite_query,
        params: vec![
            args,
            Param::new(
                "pages",
                TypeExpr::generic("InfinitePages", vec![result.clone(), page_ty.clone()]),
            ),
            Param::new("client?", TypeExpr::reference("MizanClient")),
        ],
        returns: TypeExpr::generic("FunctionInfiniteQueryOptions", vec![result, page_ty]),
        body: Expr::call("functionInfiniteQuery", Vec::new(), call),
    })
}

/// `<fn>Query(args, client?)`: the query options of a plain read function.
fn query_view(printer: &Printer<'_>, f: &Function) -> FunctionView {
    let names = FunctionNames::new(&f.ident);
    let mut args = vec![
        Expr::atom(string_literal(&f.wire_name)),
        Expr::atom("args"),
        Expr::atom(stale_time(f.cache)),
        Expr::atom("client"),
    ];
    if f.transport == Transport::Websocket {
        args.push(websocket_option());
    }
    FunctionView {
        doc: format!(
            "Query options of `{}`, keyed `[\"mizan\", \"fn\", {}, args]`, for `useQuery`, `queryClient.fetchQuery` and the like.",
            f.wire_name,
            string_literal(&f.wire_name)
        ),
        name: names.query,
        params: vec![
            args_param(printer, f),
            Param::new("client?", TypeExpr::reference("MizanClient")),
        ],
        returns: TypeExpr::generic("FunctionQueryOptions", vec![output_expr(printer, f)]),
        body: Expr::call("functionQuery", Vec::new(), args),
    }
}

/// A function's call, or its URL builder for a view path; `None` for a context read (its
/// context's fetch covers it).
fn function_view(ir: &Ir, printer: &Printer<'_>, f: &Function) -> Option<FunctionView> {
    let mut notes: Vec<String> = Vec::new();
    if let Some(auth) = f.auth {
        notes.push(format!(
            "Requires auth: `{}`.",
            serde_json::to_value(auth).ok()?.as_str()?
        ));
    }
    let (name, params, returns, body) = match &f.kind {
        FunctionKind::ContextRead { .. } => return None,
        FunctionKind::ViewPath { route } => {
            // A template literal: Prettier never breaks one.
            let mut url = String::from("`");
            for seg in &route.segments {
                match seg {
                    RouteSegment::Literal { text } => url.push_str(&template_text(text)),
                    RouteSegment::Param { name, converter } => {
                        let encode = if *converter == crate::ir::RouteConverter::Path {
                            "encodeURI"
                        } else {
                            "encodeURIComponent"
                        };
                        let access = if crate::ir::names::is_identifier(name) {
                            format!("args.{name}")
                        } else {
                            format!("args[{}]", string_literal(name))
                        };
                        url.push_str(&format!("${{{encode}(String({access}))}}"));
                    }
                }
            }
            url.push('`');
            notes.push(format!(
                "The URL of the `{}` page (`{}`).",
                f.wire_name, route.path
            ));
            let params = if f.args.is_empty() {
                Vec::new()
            } else {
                vec![Param::new("args", inline_args(printer, f))]
            };
            (
                FunctionNames::new(&f.ident).url,
                params,
                TypeExpr::atom("string"),
                Expr::atom(url),
            )
        }
        FunctionKind::Plain | FunctionKind::Mutation { .. } => {
            if let FunctionKind::Mutation { affects, merge } = &f.kind {
                for a in affects {
                    notes.push(match a {
                        crate::ir::AffectTarget::Context { context } => {
                            format!(
                                "Refetches the `{}` context.",
                                ir.context(*context).wire_name
                            )
                        }
                        crate::ir::AffectTarget::Function { function, context } => format!(
                            "Refetches the `{}` context (its `{}`).",
                            ir.context(*context).wire_name,
                            ir.function(*function).wire_name
                        ),
                    });
                }
                for m in merge {
                    notes.push(format!(
                        "Merges its result into `{}.{}` without a refetch.",
                        ir.context(m.context).wire_name,
                        ir.function(m.slot).wire_name
                    ));
                }
            }
            // A function without input takes only `options`.
            let has_args = input_type(printer, f).is_some();
            let mut params = if has_args {
                vec![args_param(printer, f)]
            } else {
                Vec::new()
            };
            params.push(Param::new("options?", TypeExpr::reference("ClientOptions")));
            let mut options = Vec::new();
            if f.upload {
                options.push(("upload".to_owned(), Data::Bool(true)));
                notes.push(
                    "Sent as multipart/form-data: `Blob` arguments are uploaded as files."
                        .to_owned(),
                );
            }
            if f.transport == Transport::Websocket {
                options.push(("websocket".to_owned(), Data::Bool(true)));
                notes.push("Called over the WebSocket.".to_owned());
            }
            let mut args = vec![
                Expr::atom(string_literal(&f.wire_name)),
                if has_args {
                    Expr::atom("args")
                } else {
                    Expr::object(Vec::new())
                },
                Expr::atom("options"),
            ];
            if !options.is_empty() {
                args.push(Expr::object(options));
            }
            (
                FunctionNames::new(&f.ident).call,
                params,
                TypeExpr::generic("Promise", vec![output_expr(printer, f)]),
                Expr::call("mizanCall", Vec::new(), args),
            )
        }
    };
    let mut doc = f.description.clone().unwrap_or_default();
    for n in notes {
        if !doc.is_empty() {
            doc.push('\n');
        }
        doc.push_str(&n);
    }
    Some(FunctionView {
        doc,
        name,
        params,
        returns,
        body,
    })
}
