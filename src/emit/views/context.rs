//! `contexts/<context>.ts`: a context's bundle type, its params, its fetch function and its
//! query options.

use askama::Template;
use heck::ToSnakeCase;

use crate::emit::file::HEADER;
use crate::emit::lexical::{doc_lines, property_name, string_literal, DocLines};
use crate::emit::order::{self, OrderedContext};
use crate::emit::prettier;
use crate::emit::signature::{output_expr, stale_time};
use crate::emit::syntax::{Decl, Expr, Function, Member, Param, Stmt, TypeExpr};
use crate::emit::typing::Printer;
use crate::ir::names::ContextNames;
use crate::ir::{Context, Ir};

#[derive(Template)]
#[template(path = "contexts/context.ts", escape = "none")]
pub struct ContextTs {
    header: &'static str,
    /// The kernel, query and types imports, laid out.
    imports: Vec<String>,
    /// `<C>ContextData`, `<C>ContextParams`, `fetch<C>Context` and `<c>ContextQuery`, laid out.
    declarations: Vec<String>,
}

/// The file a context's declarations go to: `contexts/<snake_case>.ts`.
pub fn context_file_name(c: &Context) -> String {
    c.ident.trim_start_matches('_').to_snake_case()
}

/// `kernel`: where the kernel is imported from, seen from `contexts/`.
pub fn context_ts(ir: &Ir, oc: &OrderedContext<'_>, kernel: &str, with_queries: bool) -> ContextTs {
    let c = oc.context;
    let printer = Printer::new(ir, "T.");
    let names = ContextNames::new(&c.ident);
    let slots: Vec<Member> = oc
        .slots
        .iter()
        .map(|f| Member {
            doc: doc_lines(f.description.as_deref(), false),
            key: property_name(&f.wire_name),
            ty: output_expr(&printer, f),
        })
        .collect();
    let params = printer.input_fields(
        oc.params
            .iter()
            .map(|p| (p.wire_name.as_str(), &p.ty, p.required)),
    );
    let uses_types =
        slots.iter().any(|s| s.ty.mentions("T.")) || params.iter().any(|p| p.ty.mentions("T."));
    let has_required = c.params.iter().any(|p| p.required);
    let mut declarations = vec![Decl::Interface {
        doc: doc_lines(
            Some(&format!(
                "The `{}` context bundle: one key per context function, as sent on the wire.",
                c.wire_name
            )),
            false,
        ),
        name: names.data.clone(),
        members: slots,
    }];
    declarations.push(if params.is_empty() {
        Decl::TypeAlias {
            doc: DocLines::none(),
            name: names.params.clone(),
            ty: TypeExpr::reference("Record<string, never>"),
        }
    } else {
        Decl::Interface {
            doc: DocLines::none(),
            name: names.params.clone(),
            members: params,
        }
    });
    let wire = string_literal(&c.wire_name);
    let params_param = Param {
        name: "params".to_owned(),
        ty: Some(TypeExpr::reference(names.params.clone())),
        default: (!has_required).then(|| "{}".to_owned()),
    };
    declarations.push(Decl::Function(Function {
        doc: doc_lines(Some(&format!("Fetches the {wire} context bundle.")), false),
        name: names.fetch.clone(),
        params: vec![
            params_param.clone(),
            Param::new("options?", TypeExpr::reference("ClientOptions")),
        ],
        returns: Some(TypeExpr::generic(
            "Promise",
            vec![TypeExpr::reference(names.data.clone())],
        )),
        body: vec![Stmt::Return(Expr::call(
            "mizanFetch",
            Vec::new(),
            vec![
                Expr::atom(wire.clone()),
                Expr::atom("params"),
                Expr::atom("options"),
            ],
        ))],
    }));
    let mut kernel_names = vec!["mizanFetch", "type ClientOptions"];
    let mut imports = Vec::new();
    if with_queries {
        kernel_names.push("type MizanClient");
        declarations.push(Decl::Function(Function {
            doc: doc_lines(
                Some(&format!(
                    "Query options of the {wire} context bundle, keyed `[\"mizan\", \"ctx\", {wire}, params]`, for `useQuery`, `queryClient.fetchQuery` and the like."
                )),
                false,
            ),
            name: names.query.clone(),
            params: vec![
                params_param,
                Param::new("client?", TypeExpr::reference("MizanClient")),
            ],
            returns: Some(TypeExpr::generic(
                "ContextQueryOptions",
                vec![TypeExpr::reference(names.data.clone())],
            )),
            body: vec![Stmt::Return(Expr::call(
                "contextQuery",
                Vec::new(),
                vec![
                    Expr::atom(wire),
                    Expr::atom("params"),
                    Expr::atom(stale_time(c.cache)),
                    Expr::atom("client"),
                ],
            ))],
        }));
    }
    imports.push(Decl::import(
        &order::import_names(kernel_names),
        kernel,
        false,
    ));
    if with_queries {
        imports.push(Decl::import(
            &order::import_names(["contextQuery", "type ContextQueryOptions"]),
            "../runtime/query",
            false,
        ));
    }
    if uses_types {
        imports.push(Decl::import_types("../types"));
    }
    ContextTs {
        header: HEADER,
        imports: imports.iter().map(prettier::format).collect(),
        declarations: declarations.iter().map(prettier::format).collect(),
    }
}
