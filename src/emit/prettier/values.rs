//! Expressions as Prettier prints them: data literals (objects, arrays, concisely filled number
//! arrays, the layout of each property) and calls (Prettier's `printCallArguments`, including
//! the hugged last object argument).

use super::layout::{delimited, Layout};
use super::types::type_args;
use crate::emit::doc::{
    concat, conditional_group, empty, fill, group, group_broken, group_with_id, if_break,
    if_break_of, indent, indent_if_break, line, softline, text, Doc,
};
use crate::emit::printer::text_width;
use crate::emit::syntax::{Data, Expr};

pub(super) fn expr_doc(cx: &mut Layout, e: &Expr) -> Doc {
    match e {
        Expr::Atom(s) => text(s.clone()),
        Expr::Data(d) => data_doc(cx, d),
        Expr::Call {
            callee,
            type_args: targs,
            args,
        } => {
            let targs = if targs.is_empty() {
                empty()
            } else {
                type_args(cx, targs)
            };
            concat(vec![text(callee.clone()), targs, call_args(cx, args)])
        }
    }
}

pub(super) fn data_doc(cx: &mut Layout, d: &Data) -> Doc {
    match d {
        Data::Str(s) => text(s.as_str().to_owned()),
        Data::Num(n) => text(n.clone()),
        Data::Bool(b) => text(b.to_string()),
        Data::Null => text("null"),
        Data::Array(items) => array(cx, items),
        Data::Object(props) => object(cx, props),
    }
}

fn object(cx: &mut Layout, props: &[(String, Data)]) -> Doc {
    if props.is_empty() {
        return text("{}");
    }
    let docs = props.iter().map(|(k, v)| property(cx, k, v)).collect();
    group(delimited(text("{"), docs, ",", true, text("}")))
}

/// `key: value`, in the assignment layout Prettier picks for an object property.
fn property(cx: &mut Layout, key: &str, value: &Data) -> Doc {
    // Keys narrower than the indent plus 3 columns gain nothing from a break after `:`.
    let short_key = text_width(key) < 5;
    let left = text(key.to_owned());
    match value {
        Data::Str(_) if !short_key => group(concat(vec![
            left,
            text(":"),
            group(indent(concat(vec![line(), data_doc(cx, value)]))),
        ])),
        Data::Null | Data::Array(_) | Data::Object(_) if !short_key => {
            let id = cx.fresh_id();
            group(concat(vec![
                left,
                text(":"),
                group_with_id(indent(line()), id),
                indent_if_break(id, data_doc(cx, value)),
            ]))
        }
        _ => group(concat(vec![left, text(": "), data_doc(cx, value)])),
    }
}

fn array(cx: &mut Layout, items: &[Data]) -> Doc {
    if items.is_empty() {
        return text("[]");
    }
    if items.len() > 1 && items.iter().all(|i| matches!(i, Data::Num(_))) {
        // Numbers fill the lines (Prettier's `isConciselyPrintedArray`).
        let id = cx.fresh_id();
        let mut parts = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let doc = data_doc(cx, item);
            if i + 1 < items.len() {
                parts.push(concat(vec![doc, text(",")]));
                parts.push(line());
            } else {
                parts.push(concat(vec![doc, if_break_of(id, text(","), empty())]));
            }
        }
        return group_with_id(
            concat(vec![
                text("["),
                indent(concat(vec![softline(), fill(parts)])),
                softline(),
                text("]"),
            ]),
            id,
        );
    }
    // Several objects (or arrays) with more than one entry each: one per line.
    let big = |d: &Data| match d {
        Data::Object(p) => p.len() > 1,
        Data::Array(a) => a.len() > 1,
        _ => false,
    };
    let same_kind = items.windows(2).all(|w| {
        matches!(
            (&w[0], &w[1]),
            (Data::Object(_), Data::Object(_)) | (Data::Array(_), Data::Array(_))
        )
    });
    let should_break = items.len() > 1 && items.iter().all(big) && same_kind;
    let docs = items.iter().map(|i| group(data_doc(cx, i))).collect();
    group_broken(
        delimited(text("["), docs, ",", false, text("]")),
        should_break,
    )
}

/// Prettier's `printCallArguments` for atoms, calls and a last object literal.
fn call_args(cx: &mut Layout, args: &[Expr]) -> Doc {
    if args.is_empty() {
        return text("()");
    }
    let n = args.len();
    let printed: Vec<Doc> = args
        .iter()
        .enumerate()
        .map(|(i, a)| {
            if i + 1 < n {
                concat(vec![expr_doc(cx, a), text(","), line()])
            } else {
                expr_doc(cx, a)
            }
        })
        .collect();
    let is_object = |e: &Expr| matches!(e, Expr::Data(Data::Object(_)));
    let last_expands = matches!(&args[n - 1], Expr::Data(Data::Object(p)) if !p.is_empty())
        && !(n > 1 && is_object(&args[n - 2]));
    if last_expands {
        let all_broken_out = group_broken(
            concat(vec![
                text("("),
                indent(concat(vec![line(), concat(printed.clone())])),
                text(","),
                line(),
                text(")"),
            ]),
            true,
        );
        let head: Vec<Doc> = printed[..n - 1].to_vec();
        let last = expr_doc(cx, &args[n - 1]);
        let mut flat = vec![text("(")];
        flat.extend(head.iter().cloned());
        flat.push(last.clone());
        flat.push(text(")"));
        let mut hugged = vec![text("(")];
        hugged.extend(head);
        hugged.push(group_broken(last, true));
        hugged.push(text(")"));
        return conditional_group(vec![concat(flat), concat(hugged), all_broken_out]);
    }
    group(concat(vec![
        text("("),
        indent(concat(vec![softline(), concat(printed)])),
        if_break(text(","), empty()),
        softline(),
        text(")"),
    ]))
}
