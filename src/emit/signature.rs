//! How a function's inputs and result are typed wherever it is exposed (its call, its query
//! factory, its hooks, its context slot), and a cache policy as a `staleTime`.

use super::lexical::{number_literal, string_literal};
use super::order;
use super::syntax::{Param, TypeExpr};
use super::typing::{Mode, Printer};
use crate::ir::{CachePolicy, Function, TypeKind};

/// A function's result type: its output, `| null` when the result may be null.
pub fn output_expr(printer: &Printer<'_>, f: &Function) -> TypeExpr {
    let e = printer.expr(&f.output, Mode::Output);
    if f.output_nullable {
        e.or_null()
    } else {
        e
    }
}

/// The first parameter of a function's call, query factory and query hook: its arguments,
/// defaulting to `{}` when none is required (`Record<string, never>` when it takes none).
pub fn args_param(printer: &Printer<'_>, f: &Function) -> Param {
    let all_optional = f.args.iter().all(|a| !a.required);
    Param {
        name: "args".to_owned(),
        ty: Some(
            input_type(printer, f).unwrap_or_else(|| TypeExpr::reference("Record<string, never>")),
        ),
        default: all_optional.then(|| "{}".to_owned()),
    }
}

/// A paged read's arguments without its page (`Omit<T.X, "cursor">`, or inline), and the type
/// of its page param; `None` for a function without a paging argument.
pub fn paged_params(printer: &Printer<'_>, f: &Function) -> Option<(Param, TypeExpr)> {
    let page = f.paging()?;
    let mut page_ty = printer.expr(&page.ty, Mode::Input);
    if !page.required {
        page_ty = TypeExpr::union(vec![page_ty, TypeExpr::atom("undefined")]);
    }
    let rest: Vec<&crate::ir::Arg> = order::args(f)
        .into_iter()
        .filter(|a| a.wire_name != page.wire_name)
        .collect();
    let ty = match &f.input {
        Some(t) if matches!(t.kind, TypeKind::Ref { .. }) => TypeExpr::generic(
            "Omit",
            vec![
                printer.expr(t, Mode::Input),
                TypeExpr::atom(string_literal(&page.wire_name)),
            ],
        ),
        _ if rest.is_empty() => TypeExpr::reference("Record<string, never>"),
        _ => TypeExpr::Object(
            printer.input_fields(
                rest.iter()
                    .map(|a| (a.wire_name.as_str(), &a.ty, a.required)),
            ),
        ),
    };
    let args = Param {
        name: "args".to_owned(),
        ty: Some(ty),
        default: rest.iter().all(|a| !a.required).then(|| "{}".to_owned()),
    };
    Some((args, page_ty))
}

/// The argument type of a call: the named input model as it is, otherwise the arguments
/// inline; `None` for a function without arguments.
pub fn input_type(printer: &Printer<'_>, f: &Function) -> Option<TypeExpr> {
    match &f.input {
        Some(t) if matches!(t.kind, TypeKind::Ref { .. }) => Some(printer.expr(t, Mode::Input)),
        _ if f.args.is_empty() => None,
        _ => Some(inline_args(printer, f)),
    }
}

/// `{ a: A; b?: B }` from a function's arguments.
pub fn inline_args(printer: &Printer<'_>, f: &Function) -> TypeExpr {
    TypeExpr::Object(
        printer.input_fields(
            order::args(f)
                .into_iter()
                .map(|a| (a.wire_name.as_str(), &a.ty, a.required)),
        ),
    )
}

/// A `staleTime` in milliseconds, from a `cache` policy, as a TypeScript literal: `false` or
/// unsaid is 0 (always refetched when used again), `true` is never stale by time.
pub fn stale_time(cache: CachePolicy) -> String {
    match cache {
        CachePolicy::Default | CachePolicy::NoStore => "0".to_owned(),
        CachePolicy::Enabled => "Infinity".to_owned(),
        CachePolicy::Seconds(s) => number_literal(&(u128::from(s) * 1000).to_string()),
    }
}
