//! Type expressions as Prettier prints them: unions (hugged, indented after `=` or `:`,
//! parenthesised where they nest), intersections, type arguments, tuples, object type literals
//! and their members.

use super::layout::{delimited, Layout};
use crate::emit::doc::{
    align, concat, empty, group, if_break, indent, join, line, softline, text, Doc,
};
use crate::emit::syntax::{Member, TypeExpr};

/// Where a type expression sits, which decides its parentheses and indentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// After `: ` or `= `: a broken union is indented.
    Annotation,
    ArrayElement,
    IntersectionMember,
    UnionMember,
    /// A member of a tuple (`many`: of one with more than one member).
    TupleMember {
        many: bool,
    },
    TypeArgument,
}

/// The doc of a type after `: ` or `= `.
pub(super) fn type_doc(cx: &mut Layout, t: &TypeExpr) -> Doc {
    doc_in(cx, t, Place::Annotation)
}

pub(super) fn is_object(t: &TypeExpr) -> bool {
    matches!(t, TypeExpr::Object(_))
}

/// Whether an object type literal with members appears anywhere in the type.
pub(super) fn has_object(t: &TypeExpr) -> bool {
    match t {
        TypeExpr::Object(m) => !m.is_empty(),
        TypeExpr::Atom { .. } => false,
        TypeExpr::Generic { args, .. } => args.iter().any(has_object),
        TypeExpr::Union(m) | TypeExpr::Intersection(m) => m.iter().any(has_object),
        TypeExpr::Array(t) | TypeExpr::Getter(t) => has_object(t),
        TypeExpr::Tuple(m) => m.iter().any(|t| has_object(&t.ty)),
    }
}

/// Prettier's `isSimpleType`: keywords and references without type arguments.
pub(super) fn is_simple(t: &TypeExpr) -> bool {
    matches!(t, TypeExpr::Atom { .. })
}

fn is_object_like(t: &TypeExpr) -> bool {
    matches!(
        t,
        TypeExpr::Object(_)
            | TypeExpr::Generic { .. }
            | TypeExpr::Atom {
                reference: true,
                ..
            }
    )
}

fn is_null(t: &TypeExpr) -> bool {
    matches!(t, TypeExpr::Atom { text, reference: false } if text == "null")
}

/// Prettier's `shouldHugType`.
fn should_hug(t: &TypeExpr) -> bool {
    is_simple(t) || is_object(t) || matches!(t, TypeExpr::Union(m) if hug_union(m))
}

/// Prettier's `shouldHugUnionType`: one object-like member, the others `null`.
pub(super) fn hug_union(members: &[TypeExpr]) -> bool {
    let objects = members.iter().filter(|m| is_object_like(m)).count();
    objects == 1 && members.iter().all(|m| is_object_like(m) || is_null(m))
}

fn doc_in(cx: &mut Layout, t: &TypeExpr, place: Place) -> Doc {
    match t {
        TypeExpr::Atom { text: t, .. } => text(t.clone()),
        TypeExpr::Generic { name, args } => concat(vec![text(name.clone()), type_args(cx, args)]),
        TypeExpr::Array(inner) => concat(vec![doc_in(cx, inner, Place::ArrayElement), text("[]")]),
        TypeExpr::Object(members) => object_type(cx, members, true),
        TypeExpr::Tuple(members) => {
            if members.is_empty() {
                return text("[]");
            }
            let many = members.len() > 1;
            let items: Vec<Doc> = members
                .iter()
                .map(|m| {
                    let ty = doc_in(cx, &m.ty, Place::TupleMember { many });
                    group(concat(vec![
                        text(if m.rest { "..." } else { "" }),
                        match &m.label {
                            Some(l) => text(format!("{l}: ")),
                            None => empty(),
                        },
                        ty,
                    ]))
                })
                .collect();
            group(delimited(text("["), items, ",", false, text("]")))
        }
        TypeExpr::Intersection(members) => {
            let doc = intersection(cx, members);
            if matches!(place, Place::ArrayElement | Place::UnionMember) {
                concat(vec![text("("), doc, text(")")])
            } else {
                doc
            }
        }
        TypeExpr::Union(members) => union(cx, members, place),
        TypeExpr::Getter(returns) => {
            let doc = concat(vec![text("() => "), doc_in(cx, returns, Place::Annotation)]);
            if matches!(
                place,
                Place::ArrayElement | Place::IntersectionMember | Place::UnionMember
            ) {
                concat(vec![text("("), doc, text(")")])
            } else {
                doc
            }
        }
    }
}

fn union(cx: &mut Layout, members: &[TypeExpr], place: Place) -> Doc {
    let needs_parens = matches!(place, Place::ArrayElement | Place::IntersectionMember);
    if hug_union(members) {
        let docs = members
            .iter()
            .map(|m| doc_in(cx, m, Place::UnionMember))
            .collect();
        let doc = join(&text(" | "), docs);
        return if needs_parens {
            concat(vec![text("("), doc, text(")")])
        } else {
            doc
        };
    }
    let main = union_main(cx, members);
    match place {
        Place::ArrayElement | Place::IntersectionMember => concat(vec![
            text("("),
            group(concat(vec![
                indent(concat(vec![softline(), main])),
                softline(),
            ])),
            text(")"),
        ]),
        Place::TupleMember { many: true } => group(concat(vec![
            indent(concat(vec![
                if_break(concat(vec![text("("), softline()]), empty()),
                main,
            ])),
            softline(),
            if_break(text(")"), empty()),
        ])),
        Place::TupleMember { many: false } | Place::TypeArgument | Place::UnionMember => main,
        Place::Annotation => group(indent(concat(vec![softline(), main]))),
    }
}

/// `A | B | C`, or one member per line, each after `| `.
pub(super) fn union_main(cx: &mut Layout, members: &[TypeExpr]) -> Doc {
    let printed: Vec<Doc> = members
        .iter()
        .map(|m| align(2, doc_in(cx, m, Place::UnionMember)))
        .collect();
    group(concat(vec![
        if_break(text("| "), empty()),
        join(&concat(vec![line(), text("| ")]), printed),
    ]))
}

fn intersection(cx: &mut Layout, members: &[TypeExpr]) -> Doc {
    let mut parts = Vec::new();
    let mut was_indented = false;
    for (i, m) in members.iter().enumerate() {
        let doc = doc_in(cx, m, Place::IntersectionMember);
        if i == 0 {
            parts.push(doc);
            continue;
        }
        let prev_obj = is_object(&members[i - 1]);
        let cur_obj = is_object(m);
        if prev_obj && cur_obj {
            parts.push(concat(vec![
                text(" & "),
                if was_indented { indent(doc) } else { doc },
            ]));
        } else if !prev_obj && !cur_obj {
            parts.push(indent(concat(vec![text(" &"), line(), doc])));
        } else {
            if i > 1 {
                was_indented = true;
            }
            parts.push(concat(vec![
                text(" & "),
                if i > 1 { indent(doc) } else { doc },
            ]));
        }
    }
    group(concat(parts))
}

/// Type arguments `<...>` (Prettier's `printTypeParameters` for an instantiation).
pub(super) fn type_args(cx: &mut Layout, args: &[TypeExpr]) -> Doc {
    if args.is_empty() {
        return text("<>");
    }
    if args.len() == 1 && should_hug(&args[0]) {
        return concat(vec![
            text("<"),
            doc_in(cx, &args[0], Place::TypeArgument),
            text(">"),
        ]);
    }
    let docs = args
        .iter()
        .map(|a| doc_in(cx, a, Place::TypeArgument))
        .collect();
    group(concat(vec![
        text("<"),
        indent(concat(vec![
            softline(),
            join(&concat(vec![text(","), line()]), docs),
        ])),
        softline(),
        text(">"),
    ]))
}

/// `key: type`, as a member of an object type or interface (its doc comment is the caller's).
pub(super) fn member_doc(cx: &mut Layout, m: &Member) -> Doc {
    let key = match m.key.strip_prefix("[key: string]") {
        // Prettier groups an index signature's parameter list.
        Some(rest) => concat(vec![
            text("["),
            group(concat(vec![
                indent(concat(vec![softline(), text("key: string")])),
                softline(),
            ])),
            text(format!("]{rest}")),
        ]),
        None => text(m.key.clone()),
    };
    group(concat(vec![key, text(": "), type_doc(cx, &m.ty)]))
}

/// An object type literal; `grouped` is false when it is hugged by a function's only
/// parameter (its lines then belong to the signature's group).
pub(super) fn object_type(cx: &mut Layout, members: &[Member], grouped: bool) -> Doc {
    if members.is_empty() {
        return text("{}");
    }
    let docs = members.iter().map(|m| member_doc(cx, m)).collect();
    let content = delimited(text("{"), docs, ";", true, text("}"));
    if grouped {
        cx.object_group(content)
    } else {
        content
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(t: &TypeExpr) -> String {
        type_doc(&mut Layout::default(), t).flat_text()
    }

    #[test]
    fn a_reference_or_null_union_hugs() {
        let t = TypeExpr::reference("T.X").or_null();
        assert_eq!(flat(&t), "T.X | null");
        let arr = TypeExpr::Array(Box::new(t));
        assert_eq!(flat(&arr), "(T.X | null)[]");
    }
}
