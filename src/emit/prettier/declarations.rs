//! Top-level declarations as Prettier prints them: interfaces, type aliases (the
//! "break-after-operator" layout of a long union), `const` declarations (the "fluid" and
//! "break-after-operator" assignments), function declarations (signatures, hugged object
//! parameters, return types that will break), imports and re-exports.

use std::collections::BTreeSet;

use super::layout::{comment_lines, delimited, fluid, Layout};
use super::types::{
    has_object, hug_union, is_object, is_simple, member_doc, object_type, type_doc, union_main,
};
use super::values::expr_doc;
use crate::emit::doc::{concat, group, group_broken, hardline, indent, line, text, Doc};
use crate::emit::lexical::DocLines;
use crate::emit::printer::{print, print_with_modes};
use crate::emit::syntax::{Const, Decl, Expr, Function, Member, Param, Stmt, TypeExpr};

/// The declaration as Prettier prints it, without a final newline.
pub fn format(decl: &Decl) -> String {
    print(decl_doc(&mut Layout::default(), decl))
}

fn decl_doc(cx: &mut Layout, decl: &Decl) -> Doc {
    match decl {
        Decl::Interface { doc, name, members } => interface(cx, doc, name, members),
        Decl::TypeAlias { doc, name, ty } => type_alias(cx, doc, name, ty),
        Decl::Function(f) => function(cx, f),
        Decl::Const(c) => const_decl(cx, c),
        Decl::Import {
            names,
            source,
            type_only,
        } => braced_from(
            if *type_only {
                "import type "
            } else {
                "import "
            },
            names,
            source,
        ),
        Decl::ImportTypesAs { name, source } => {
            text(format!("import type * as {name} from {source};"))
        }
        Decl::ExportFrom { names, source } => braced_from("export ", names, source),
    }
}

fn interface(cx: &mut Layout, doc: &DocLines, name: &str, members: &[Member]) -> Doc {
    let mut parts = comment_lines(doc);
    parts.push(text(format!("export interface {name} ")));
    if members.is_empty() {
        parts.push(text("{}"));
        return concat(parts);
    }
    let mut body = Vec::new();
    for (i, m) in members.iter().enumerate() {
        body.push(hardline());
        body.extend(comment_lines(&m.doc));
        body.push(member_doc(cx, m));
        if i + 1 < members.len() {
            body.push(text(";"));
        }
    }
    parts.push(group_broken(
        concat(vec![
            text("{"),
            indent(concat(body)),
            text(";"),
            hardline(),
            text("}"),
        ]),
        true,
    ));
    concat(parts)
}

/// A union goes on its own lines after `=` when it does not fit (Prettier's
/// "break-after-operator" layout); anything else follows `=` and breaks itself ("fluid").
fn type_alias(cx: &mut Layout, doc: &DocLines, name: &str, ty: &TypeExpr) -> Doc {
    let mut parts = comment_lines(doc);
    let left = text(format!("export type {name} ="));
    parts.push(match ty {
        TypeExpr::Union(members) if !hug_union(members) => {
            let main = union_main(cx, members);
            group(concat(vec![
                left,
                group(indent(concat(vec![line(), main]))),
            ]))
        }
        _ => {
            let right = type_doc(cx, ty);
            fluid(cx, left, right)
        }
    });
    parts.push(text(";"));
    concat(parts)
}

fn const_decl(cx: &mut Layout, c: &Const) -> Doc {
    let mut parts = comment_lines(&c.doc);
    let left = text(format!(
        "{}const {}{} =",
        if c.export { "export " } else { "" },
        c.name,
        c.ty.as_ref().map(|t| format!(": {t}")).unwrap_or_default(),
    ));
    // A call without arguments, or with one short identifier, breaks poorly: it moves to the
    // next line whole.
    let lone_short = |args: &[Expr]| match args {
        [] => true,
        [Expr::Atom(a)] => crate::ir::names::is_identifier(a) && a.chars().count() <= 20,
        _ => false,
    };
    let poorly_breakable = matches!(&c.value, Expr::Call { args, type_args, .. }
        if lone_short(args) && type_args.len() <= 1 && type_args.iter().all(is_simple));
    let value = expr_doc(cx, &c.value);
    let assignment = if poorly_breakable {
        group(concat(vec![
            left,
            group(indent(concat(vec![line(), value]))),
        ]))
    } else {
        fluid(cx, left, value)
    };
    parts.push(group(concat(vec![assignment, text(";")])));
    concat(parts)
}

fn param_doc(cx: &mut Layout, p: &Param, hugged: bool) -> Doc {
    let mut parts = vec![text(p.name.clone())];
    if let Some(ty) = &p.ty {
        parts.push(text(": "));
        parts.push(match ty {
            TypeExpr::Object(members) if hugged => object_type(cx, members, false),
            other => type_doc(cx, other),
        });
    }
    if let Some(d) = &p.default {
        parts.push(text(format!(" = {d}")));
    }
    concat(parts)
}

fn function(cx: &mut Layout, f: &Function) -> Doc {
    let Function {
        doc,
        name,
        params,
        returns,
        body,
    } = f;
    let hug = params.len() == 1
        && params[0].default.is_none()
        && params[0].ty.as_ref().is_some_and(is_object);
    let params_doc = if params.is_empty() {
        text("()")
    } else if hug {
        concat(vec![text("("), param_doc(cx, &params[0], true), text(")")])
    } else {
        let docs = params.iter().map(|p| param_doc(cx, p, false)).collect();
        delimited(text("("), docs, ",", false, text(")"))
    };
    // Prettier groups the parameters on their own when the return type will break, which it
    // decides from the source: an object type that our layout breaks counts as broken the next
    // time Prettier reads the file. So lay out, force the objects that broke, and again, until
    // that settles.
    let mut forced = BTreeSet::new();
    let mut signature;
    let mut passes = 0;
    loop {
        passes += 1;
        let (return_doc, ids) = match returns {
            Some(r) if has_object(r) => {
                let (d, ids) = cx.tracking_objects(forced.clone(), |cx| type_doc(cx, r));
                (Some(d), ids)
            }
            Some(r) => (Some(type_doc(cx, r)), Vec::new()),
            None => (None, Vec::new()),
        };
        let group_params = params.len() == 1
            && returns
                .as_ref()
                .is_some_and(|r| is_object(r) || return_doc.as_ref().is_some_and(Doc::will_break));
        let mut parts = vec![if group_params {
            group(params_doc.clone())
        } else {
            params_doc.clone()
        }];
        if let Some(r) = return_doc {
            parts.push(text(": "));
            parts.push(r);
        }
        signature = group(concat(parts));
        if ids.is_empty() || passes > 3 {
            break;
        }
        let probe = concat(vec![
            text(format!("export function {name}")),
            signature.clone(),
            text(" {"),
            hardline(),
        ]);
        let (_, modes) = print_with_modes(probe);
        let broken: BTreeSet<usize> = ids
            .iter()
            .enumerate()
            .filter(|(_, id)| modes.get(id).copied().unwrap_or(false))
            .map(|(i, _)| i)
            .collect();
        if broken.is_subset(&forced) {
            break;
        }
        forced.extend(broken);
    }
    let mut parts = comment_lines(doc);
    parts.push(text(format!("export function {name}")));
    parts.push(signature);
    parts.push(text(" {"));
    let mut inner = Vec::new();
    for stmt in body {
        inner.push(hardline());
        inner.push(match stmt {
            Stmt::Return(e) => concat(vec![text("return "), expr_doc(cx, e), text(";")]),
        });
    }
    parts.push(indent(concat(inner)));
    parts.push(hardline());
    parts.push(text("}"));
    concat(parts)
}

/// `keyword{ names } from source;`: one name stays on the line whatever its length.
fn braced_from(keyword: &str, names: &[String], source: &str) -> Doc {
    if names.len() == 1 {
        return text(format!("{keyword}{{ {} }} from {source};", names[0]));
    }
    group(delimited(
        text(format!("{keyword}{{")),
        names.iter().map(|n| text(n.clone())).collect(),
        ",",
        true,
        text(format!("}} from {source};")),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> TypeExpr {
        TypeExpr::atom(format!("\"{s}\""))
    }

    fn alias(ty: TypeExpr) -> String {
        format(&Decl::TypeAlias {
            doc: DocLines::none(),
            name: "Letters".to_owned(),
            ty,
        })
    }

    #[test]
    fn a_long_union_in_an_alias_moves_after_the_equals_sign_then_breaks() {
        let (a, b) = ("a".repeat(30), "b".repeat(30));
        let fits_below = TypeExpr::union(vec![lit(&a), lit(&b), lit("c")]);
        assert_eq!(
            alias(fits_below),
            format!("export type Letters =\n  \"{a}\" | \"{b}\" | \"c\";")
        );
        let too_long = TypeExpr::union(vec![lit(&a), lit(&b), lit(&a.replace('a', "c"))]);
        assert_eq!(
            alias(too_long),
            format!(
                "export type Letters =\n  | \"{a}\"\n  | \"{b}\"\n  | \"{}\";",
                "c".repeat(30)
            )
        );
    }
}
