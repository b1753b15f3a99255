//! The TypeScript syntax the generator emits, as [`Doc`]s built the way Prettier builds its own
//! docs for the same syntax, so that [`doc::print`](super::doc::print) lays generated code out
//! exactly as Prettier's defaults would. Only the constructs the generator emits are covered.

use super::doc::{
    concat, conditional_group, empty, fill, group, group_broken, group_with_id, hardline, if_break,
    if_break_of, indent, indent_if_break, join, line, softline, text, Doc, GroupId,
};

/// A type expression, with what Prettier's layout rules need to know about it.
#[derive(Debug, Clone)]
pub enum TypeExpr {
    /// A keyword, literal or reference without type arguments: never breaks.
    Atom {
        text: String,
        reference: bool,
    },
    /// `name<args>`.
    Generic {
        name: String,
        args: Vec<TypeExpr>,
    },
    Union(Vec<TypeExpr>),
    Intersection(Vec<TypeExpr>),
    Array(Box<TypeExpr>),
    Tuple(Vec<TupleMember>),
    Object(Vec<Member>),
}

#[derive(Debug, Clone)]
pub struct TupleMember {
    /// `label` or `label?` for named members.
    pub label: Option<String>,
    pub rest: bool,
    pub ty: TypeExpr,
}

/// A member of an object type or interface.
#[derive(Debug, Clone)]
pub struct Member {
    /// Doc comment lines (without indentation), printed above the member in interfaces.
    pub doc: Vec<String>,
    /// `readonly name?` or `[key: string]`, everything before `: `.
    pub key: String,
    pub ty: TypeExpr,
}

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

impl TypeExpr {
    pub fn atom(text: impl Into<String>) -> TypeExpr {
        TypeExpr::Atom {
            text: text.into(),
            reference: false,
        }
    }

    pub fn reference(text: impl Into<String>) -> TypeExpr {
        TypeExpr::Atom {
            text: text.into(),
            reference: true,
        }
    }

    /// A union, flattened (TypeScript does not nest unions without parentheses) and with
    /// duplicate members removed.
    pub fn union(members: Vec<TypeExpr>) -> TypeExpr {
        let mut flat = flatten(members, |m| match m {
            TypeExpr::Union(inner) => Ok(inner),
            other => Err(other),
        });
        let mut seen = std::collections::BTreeSet::new();
        flat.retain(|m| {
            seen.insert(match m {
                TypeExpr::Atom { text, .. } => text.clone(),
                other => other.flat(),
            })
        });
        if flat.len() == 1 {
            flat.pop().unwrap_or_else(|| TypeExpr::atom("never"))
        } else {
            TypeExpr::Union(flat)
        }
    }

    pub fn intersection(members: Vec<TypeExpr>) -> TypeExpr {
        let mut flat = flatten(members, |m| match m {
            TypeExpr::Intersection(inner) => Ok(inner),
            other => Err(other),
        });
        if flat.len() == 1 {
            flat.pop().unwrap_or_else(|| TypeExpr::atom("unknown"))
        } else {
            TypeExpr::Intersection(flat)
        }
    }

    /// `name<args>`.
    pub fn generic(name: &str, args: Vec<TypeExpr>) -> TypeExpr {
        TypeExpr::Generic {
            name: name.to_owned(),
            args,
        }
    }

    /// `T | null`.
    pub fn or_null(self) -> TypeExpr {
        TypeExpr::union(vec![self, TypeExpr::atom("null")])
    }

    /// The type on one line.
    pub fn flat(&self) -> String {
        self.doc().flat_text()
    }

    /// Whether the type refers to a name starting with `prefix` (`T.` for the generated types).
    pub fn mentions(&self, prefix: &str) -> bool {
        match self {
            TypeExpr::Atom { text, .. } => text.contains(prefix),
            TypeExpr::Generic { name, args } => {
                name.contains(prefix) || args.iter().any(|a| a.mentions(prefix))
            }
            TypeExpr::Union(m) | TypeExpr::Intersection(m) => m.iter().any(|t| t.mentions(prefix)),
            TypeExpr::Array(t) => t.mentions(prefix),
            TypeExpr::Tuple(m) => m.iter().any(|t| t.ty.mentions(prefix)),
            TypeExpr::Object(m) => m.iter().any(|t| t.ty.mentions(prefix)),
        }
    }

    /// The doc of this type after `: ` or `= `.
    pub fn doc(&self) -> Doc {
        self.doc_in(Place::Annotation)
    }

    fn is_object(&self) -> bool {
        matches!(self, TypeExpr::Object(_))
    }

    /// Whether an object type literal appears anywhere in the type.
    fn has_object(&self) -> bool {
        match self {
            TypeExpr::Object(m) => !m.is_empty(),
            TypeExpr::Atom { .. } => false,
            TypeExpr::Generic { args, .. } => args.iter().any(TypeExpr::has_object),
            TypeExpr::Union(m) | TypeExpr::Intersection(m) => m.iter().any(TypeExpr::has_object),
            TypeExpr::Array(t) => t.has_object(),
            TypeExpr::Tuple(m) => m.iter().any(|t| t.ty.has_object()),
        }
    }

    /// Prettier's `isSimpleType`: keywords and references without type arguments.
    fn is_simple(&self) -> bool {
        matches!(self, TypeExpr::Atom { .. })
    }

    fn is_object_like(&self) -> bool {
        matches!(
            self,
            TypeExpr::Object(_)
                | TypeExpr::Generic { .. }
                | TypeExpr::Atom {
                    reference: true,
                    ..
                }
        )
    }

    fn is_null(&self) -> bool {
        matches!(self, TypeExpr::Atom { text, reference: false } if text == "null")
    }

    /// Prettier's `shouldHugType`.
    fn should_hug(&self) -> bool {
        self.is_simple() || self.is_object() || matches!(self, TypeExpr::Union(m) if hug_union(m))
    }

    fn doc_in(&self, place: Place) -> Doc {
        match self {
            TypeExpr::Atom { text: t, .. } => text(t.clone()),
            TypeExpr::Generic { name, args } => concat(vec![text(name.clone()), type_args(args)]),
            TypeExpr::Array(inner) => concat(vec![inner.doc_in(Place::ArrayElement), text("[]")]),
            TypeExpr::Object(members) => object_type(members, true),
            TypeExpr::Tuple(members) => {
                if members.is_empty() {
                    return text("[]");
                }
                let many = members.len() > 1;
                let items: Vec<Doc> = members
                    .iter()
                    .map(|m| {
                        let ty = m.ty.doc_in(Place::TupleMember { many });
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
                let doc = intersection(members);
                if matches!(place, Place::ArrayElement | Place::UnionMember) {
                    concat(vec![text("("), doc, text(")")])
                } else {
                    doc
                }
            }
            TypeExpr::Union(members) => union(members, place),
        }
    }
}

/// Members of the same kind spliced into the list (`inner` gives a member's own members, or
/// gives it back when it is of another kind): TypeScript does not nest unions or intersections
/// without parentheses.
fn flatten(
    members: Vec<TypeExpr>,
    inner: impl Fn(TypeExpr) -> Result<Vec<TypeExpr>, TypeExpr>,
) -> Vec<TypeExpr> {
    let mut flat = Vec::new();
    for m in members {
        match inner(m) {
            Ok(nested) => flat.extend(nested),
            Err(other) => flat.push(other),
        }
    }
    flat
}

/// A bracketed list as Prettier prints one: `open`, the items separated by `sep` and a line,
/// `sep` once more when broken, `close`. `spaced` lists (objects, imports) have a space inside
/// the brackets when flat. Not grouped: callers decide.
fn delimited(open: Doc, items: Vec<Doc>, sep: &'static str, spaced: bool, close: Doc) -> Doc {
    let edge = || if spaced { line() } else { softline() };
    concat(vec![
        open,
        indent(concat(vec![
            edge(),
            join(&concat(vec![text(sep), line()]), items),
        ])),
        if_break(text(sep), empty()),
        edge(),
        close,
    ])
}

/// Prettier's `shouldHugUnionType`: one object-like member, the others `null`.
fn hug_union(members: &[TypeExpr]) -> bool {
    let objects = members.iter().filter(|m| m.is_object_like()).count();
    objects == 1 && members.iter().all(|m| m.is_object_like() || m.is_null())
}

fn union(members: &[TypeExpr], place: Place) -> Doc {
    let needs_parens = matches!(place, Place::ArrayElement | Place::IntersectionMember);
    if hug_union(members) {
        let doc = join(
            &text(" | "),
            members
                .iter()
                .map(|m| m.doc_in(Place::UnionMember))
                .collect(),
        );
        return if needs_parens {
            concat(vec![text("("), doc, text(")")])
        } else {
            doc
        };
    }
    let main = union_main(members);
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
fn union_main(members: &[TypeExpr]) -> Doc {
    let printed: Vec<Doc> = members
        .iter()
        .map(|m| super::doc::align(2, m.doc_in(Place::UnionMember)))
        .collect();
    group(concat(vec![
        if_break(text("| "), empty()),
        join(&concat(vec![line(), text("| ")]), printed),
    ]))
}

fn intersection(members: &[TypeExpr]) -> Doc {
    let mut parts = Vec::new();
    let mut was_indented = false;
    for (i, m) in members.iter().enumerate() {
        let doc = m.doc_in(Place::IntersectionMember);
        if i == 0 {
            parts.push(doc);
            continue;
        }
        let prev_obj = members[i - 1].is_object();
        let cur_obj = m.is_object();
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
fn type_args(args: &[TypeExpr]) -> Doc {
    if args.is_empty() {
        return text("<>");
    }
    if args.len() == 1 && args[0].should_hug() {
        return concat(vec![
            text("<"),
            args[0].doc_in(Place::TypeArgument),
            text(">"),
        ]);
    }
    group(concat(vec![
        text("<"),
        indent(concat(vec![
            softline(),
            join(
                &concat(vec![text(","), line()]),
                args.iter().map(|a| a.doc_in(Place::TypeArgument)).collect(),
            ),
        ])),
        softline(),
        text(">"),
    ]))
}

fn member_doc(m: &Member) -> Doc {
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
    group(concat(vec![key, text(": "), m.ty.doc()]))
}

/// An object type literal; `grouped` is false when it is hugged by a function's only
/// parameter (its lines then belong to the signature's group).
fn object_type(members: &[Member], grouped: bool) -> Doc {
    if members.is_empty() {
        return text("{}");
    }
    let content = delimited(
        text("{"),
        members.iter().map(member_doc).collect(),
        ";",
        true,
        text("}"),
    );
    if !grouped {
        return content;
    }
    OBJECTS.with(|t| match t.borrow_mut().as_mut() {
        Some(tracker) => {
            let ordinal = tracker.ids.len();
            let id = GroupId::fresh();
            tracker.ids.push(id);
            super::doc::group_with_id_broken(content, id, tracker.forced.contains(&ordinal))
        }
        None => group(content),
    })
}

/// Object type literals built while a function's return type is laid out: Prettier keeps an
/// object broken when its source has a line break after `{`, so an object this printer breaks
/// is one Prettier will treat as broken from then on (see [`function`]).
struct ObjectTracker {
    /// The group id of each object literal, in the order they were built.
    ids: Vec<GroupId>,
    /// Ordinals of the objects to build broken.
    forced: std::collections::BTreeSet<usize>,
}

thread_local! {
    static OBJECTS: std::cell::RefCell<Option<ObjectTracker>> = const { std::cell::RefCell::new(None) };
}

/// Builds `t`'s doc with the objects in `forced` broken; returns the ids of all its objects.
fn tracked_doc(t: &TypeExpr, forced: std::collections::BTreeSet<usize>) -> (Doc, Vec<GroupId>) {
    OBJECTS.with(|o| {
        *o.borrow_mut() = Some(ObjectTracker {
            ids: Vec::new(),
            forced,
        })
    });
    let doc = t.doc();
    let ids = OBJECTS.with(|o| o.borrow_mut().take().map(|t| t.ids).unwrap_or_default());
    (doc, ids)
}

fn comment_lines(doc: &[String]) -> Vec<Doc> {
    doc.iter()
        .flat_map(|l| [text(l.clone()), hardline()])
        .collect()
}

// ---- declarations --------------------------------------------------------------------------

/// `export interface Name { members }`, with each member's doc comment above it.
pub fn interface(doc: &[String], name: &str, members: &[Member]) -> Doc {
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
        body.push(member_doc(m));
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

/// `export type Name = type;`: a union goes on its own lines after `=` when it does not fit
/// (Prettier's "break-after-operator" layout), anything else follows `=` and breaks itself
/// ("fluid").
pub fn type_alias(doc: &[String], name: &str, ty: &TypeExpr) -> Doc {
    let mut parts = comment_lines(doc);
    let left = text(format!("export type {name} ="));
    parts.push(match ty {
        TypeExpr::Union(members) if !hug_union(members) => group(concat(vec![
            left,
            group(indent(concat(vec![line(), union_main(members)]))),
        ])),
        _ => fluid(left, ty.doc()),
    });
    parts.push(text(";"));
    concat(parts)
}

/// Prettier's "fluid" assignment layout: the right side stays after the operator when its first
/// line fits there, and moves to the next line otherwise.
fn fluid(left: Doc, right: Doc) -> Doc {
    let id = GroupId::fresh();
    group(concat(vec![
        left,
        group_with_id(indent(line()), id),
        indent_if_break(id, right),
    ]))
}

/// A JavaScript value literal (data the generator writes into code).
#[derive(Debug, Clone)]
pub enum Js {
    /// A string literal, already quoted.
    Str(String),
    /// A number, boolean or `null`, as written.
    Num(String),
    Bool(bool),
    Null,
    Array(Vec<Js>),
    /// Properties: the key as written (quoted when needed), and the value.
    Object(Vec<(String, Js)>),
}

impl Js {
    /// The value of a JSON document.
    pub fn from_json(v: &serde_json::Value) -> Js {
        match v {
            serde_json::Value::Null => Js::Null,
            serde_json::Value::Bool(b) => Js::Bool(*b),
            serde_json::Value::Number(n) => Js::Num(number_literal(&n.to_string())),
            serde_json::Value::String(s) => Js::Str(super::ts::string_literal(s)),
            serde_json::Value::Array(items) => Js::Array(items.iter().map(Js::from_json).collect()),
            serde_json::Value::Object(map) => Js::Object(
                map.iter()
                    .map(|(k, v)| (super::ts::property_name(k), Js::from_json(v)))
                    .collect(),
            ),
        }
    }

    fn doc(&self) -> Doc {
        match self {
            Js::Str(s) | Js::Num(s) => text(s.clone()),
            Js::Bool(b) => text(b.to_string()),
            Js::Null => text("null"),
            Js::Array(items) => js_array(items),
            Js::Object(props) => js_object(props),
        }
    }

    /// Prettier's `isConciselyPrintedArray` element.
    fn is_number(&self) -> bool {
        matches!(self, Js::Num(_))
    }
}

fn js_object(props: &[(String, Js)]) -> Doc {
    if props.is_empty() {
        return text("{}");
    }
    group(delimited(
        text("{"),
        props.iter().map(|(k, v)| js_property(k, v)).collect(),
        ",",
        true,
        text("}"),
    ))
}

/// `key: value`, in the assignment layout Prettier picks for an object property.
fn js_property(key: &str, value: &Js) -> Doc {
    // Keys narrower than the indent plus 3 columns gain nothing from a break after `:`.
    let short_key = super::doc::text_width(key) < 5;
    let left = text(key.to_owned());
    match value {
        Js::Str(_) if !short_key => group(concat(vec![
            left,
            text(":"),
            group(indent(concat(vec![line(), value.doc()]))),
        ])),
        Js::Null | Js::Array(_) | Js::Object(_) if !short_key => {
            let id = GroupId::fresh();
            group(concat(vec![
                left,
                text(":"),
                group_with_id(indent(line()), id),
                indent_if_break(id, value.doc()),
            ]))
        }
        _ => group(concat(vec![left, text(": "), value.doc()])),
    }
}

fn js_array(items: &[Js]) -> Doc {
    if items.is_empty() {
        return text("[]");
    }
    if items.len() > 1 && items.iter().all(Js::is_number) {
        // Numbers fill the lines.
        let id = GroupId::fresh();
        let mut parts = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if i + 1 < items.len() {
                parts.push(concat(vec![item.doc(), text(",")]));
                parts.push(line());
            } else {
                parts.push(concat(vec![
                    item.doc(),
                    if_break_of(id, text(","), empty()),
                ]));
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
    let big = |j: &Js| match j {
        Js::Object(p) => p.len() > 1,
        Js::Array(a) => a.len() > 1,
        _ => false,
    };
    let same_kind = items.windows(2).all(|w| {
        matches!(
            (&w[0], &w[1]),
            (Js::Object(_), Js::Object(_)) | (Js::Array(_), Js::Array(_))
        )
    });
    let should_break = items.len() > 1 && items.iter().all(big) && same_kind;
    group_broken(
        delimited(
            text("["),
            items.iter().map(|i| group(i.doc())).collect(),
            ",",
            false,
            text("]"),
        ),
        should_break,
    )
}

/// `const name: Type = value;` for a data literal (`export const` when `export`).
pub fn const_data(export: bool, name: &str, ty: &str, value: &Js) -> Doc {
    let left = text(format!(
        "{}const {name}: {ty} =",
        if export { "export " } else { "" }
    ));
    group(concat(vec![fluid(left, value.doc()), text(";")]))
}

/// `const name = value;` (`export const` when `export`).
pub fn const_decl(export: bool, name: &str, value: &Expr) -> Doc {
    let left = text(format!(
        "{}const {name} =",
        if export { "export " } else { "" }
    ));
    // A call without arguments, or with one short identifier, breaks poorly: it moves to the
    // next line whole.
    let lone_short = |args: &[Expr]| match args {
        [] => true,
        [Expr::Atom(a)] => crate::ir::names::is_identifier(a) && a.chars().count() <= 20,
        _ => false,
    };
    let poorly_breakable = matches!(value, Expr::Call { args, type_args, .. }
        if lone_short(args) && type_args.len() <= 1 && type_args.iter().all(TypeExpr::is_simple));
    let assignment = if poorly_breakable {
        group(concat(vec![
            left,
            group(indent(concat(vec![line(), value.doc()]))),
        ]))
    } else {
        fluid(left, value.doc())
    };
    group(concat(vec![assignment, text(";")]))
}

/// A function parameter: `name?: Type = default`.
#[derive(Clone)]
pub struct Param {
    pub name: String,
    pub ty: Option<TypeExpr>,
    pub default: Option<String>,
}

impl Param {
    pub fn new(name: &str, ty: TypeExpr) -> Param {
        Param {
            name: name.to_owned(),
            ty: Some(ty),
            default: None,
        }
    }

    fn doc(&self, hugged: bool) -> Doc {
        let mut parts = vec![text(self.name.clone())];
        if let Some(ty) = &self.ty {
            parts.push(text(": "));
            parts.push(match ty {
                TypeExpr::Object(members) if hugged => object_type(members, false),
                other => other.doc(),
            });
        }
        if let Some(d) = &self.default {
            parts.push(text(format!(" = {d}")));
        }
        concat(parts)
    }
}

/// An expression the generator emits.
#[derive(Debug, Clone)]
pub enum Expr {
    /// Text that never breaks: identifiers, literals, member chains without calls.
    Atom(String),
    Call {
        callee: String,
        type_args: Vec<TypeExpr>,
        args: Vec<Expr>,
    },
    /// `{ key: value, ... }`.
    Object(Vec<(String, Js)>),
}

impl Expr {
    pub fn atom(s: impl Into<String>) -> Expr {
        Expr::Atom(s.into())
    }

    pub fn call(callee: &str, type_args: Vec<TypeExpr>, args: Vec<Expr>) -> Expr {
        Expr::Call {
            callee: callee.to_owned(),
            type_args,
            args,
        }
    }

    fn doc(&self) -> Doc {
        match self {
            Expr::Atom(s) => text(s.clone()),
            Expr::Object(props) => js_object(props),
            Expr::Call {
                callee,
                type_args: targs,
                args,
            } => concat(vec![
                text(callee.clone()),
                if targs.is_empty() {
                    empty()
                } else {
                    type_args(targs)
                },
                call_args(args),
            ]),
        }
    }
}

/// Prettier's `printCallArguments` for atoms, calls and a last object literal.
fn call_args(args: &[Expr]) -> Doc {
    if args.is_empty() {
        return text("()");
    }
    let n = args.len();
    let printed: Vec<Doc> = args
        .iter()
        .enumerate()
        .map(|(i, a)| {
            if i + 1 < n {
                concat(vec![a.doc(), text(","), line()])
            } else {
                a.doc()
            }
        })
        .collect();
    let all_broken_out = || {
        group_broken(
            concat(vec![
                text("("),
                indent(concat(vec![line(), concat(printed.clone())])),
                text(","),
                line(),
                text(")"),
            ]),
            true,
        )
    };
    let last_expands = matches!(&args[n - 1], Expr::Object(p) if !p.is_empty())
        && !(n > 1 && matches!(&args[n - 2], Expr::Object(_)));
    if last_expands {
        let head: Vec<Doc> = printed[..n - 1].to_vec();
        let last = args[n - 1].doc();
        let mut flat = vec![text("(")];
        flat.extend(head.iter().cloned());
        flat.push(last.clone());
        flat.push(text(")"));
        let mut hugged = vec![text("(")];
        hugged.extend(head);
        hugged.push(group_broken(last, true));
        hugged.push(text(")"));
        return conditional_group(vec![concat(flat), concat(hugged), all_broken_out()]);
    }
    group(concat(vec![
        text("("),
        indent(concat(vec![softline(), concat(printed)])),
        if_break(text(","), empty()),
        softline(),
        text(")"),
    ]))
}

/// `return expr;`
pub fn return_statement(e: &Expr) -> Doc {
    concat(vec![text("return "), e.doc(), text(";")])
}

/// `export function name(params): returns { body }`.
pub fn function(
    doc: &[String],
    name: &str,
    params: &[Param],
    returns: Option<&TypeExpr>,
    body: Vec<Doc>,
) -> Doc {
    let hug = params.len() == 1
        && params[0].default.is_none()
        && params[0].ty.as_ref().is_some_and(TypeExpr::is_object);
    let params_doc = if params.is_empty() {
        text("()")
    } else if hug {
        concat(vec![text("("), params[0].doc(true), text(")")])
    } else {
        delimited(
            text("("),
            params.iter().map(|p| p.doc(false)).collect(),
            ",",
            false,
            text(")"),
        )
    };
    // Prettier groups the parameters on their own when the return type will break, which it
    // decides from the source: an object type that our layout breaks counts as broken the next
    // time Prettier reads the file. So lay out, force the objects that broke, and again, until
    // that settles.
    let mut forced = std::collections::BTreeSet::new();
    let mut signature;
    let mut passes = 0;
    loop {
        passes += 1;
        let (return_doc, ids) = match returns {
            Some(r) if r.has_object() => {
                let (d, ids) = tracked_doc(r, forced.clone());
                (Some(d), ids)
            }
            Some(r) => (Some(r.doc()), Vec::new()),
            None => (None, Vec::new()),
        };
        let group_params = params.len() == 1
            && returns
                .is_some_and(|r| r.is_object() || return_doc.as_ref().is_some_and(Doc::will_break));
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
        let (_, modes) = super::doc::print_with_modes(probe);
        let broken: std::collections::BTreeSet<usize> = ids
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
        inner.push(stmt);
    }
    parts.push(indent(concat(inner)));
    parts.push(hardline());
    parts.push(text("}"));
    concat(parts)
}

/// `import { a, b } from "source";` (`type` for a type-only import).
pub fn import(names: &[String], source: &str, type_only: bool) -> Doc {
    braced_from(
        if type_only { "import type " } else { "import " },
        names,
        source,
    )
}

/// `export { a, b } from "source";`
pub fn export_from(names: &[String], source: &str) -> Doc {
    braced_from("export ", names, source)
}

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

/// Prints one top-level statement (or a run of them) as Prettier would, without a final
/// newline.
pub fn render(doc: Doc) -> String {
    super::doc::print(doc)
}

/// Prettier's spelling of a JSON number literal: lower-case, no `+` in the exponent, no
/// trailing zeros after the first decimal digit, no trailing dot.
pub fn number_literal(raw: &str) -> String {
    let s = raw.to_ascii_lowercase().replace("e+", "e");
    let (mut m, exponent) = match s.find('e') {
        Some(i) => (s[..i].to_owned(), &s[i..]),
        None => (s.clone(), ""),
    };
    if let Some(dot) = m.find('.') {
        // (\.\d+?)0+ → keep at least one decimal digit.
        while m.len() > dot + 2 && m.ends_with('0') {
            m.pop();
        }
        if m.len() == dot + 1 {
            m.pop();
        }
    }
    if exponent != "e0" && exponent != "e-0" {
        m.push_str(exponent);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> TypeExpr {
        TypeExpr::atom(format!("\"{s}\""))
    }

    #[test]
    fn a_long_union_in_an_alias_moves_after_the_equals_sign_then_breaks() {
        let (a, b) = ("a".repeat(30), "b".repeat(30));
        let fits_below = TypeExpr::union(vec![lit(&a), lit(&b), lit("c")]);
        assert_eq!(
            render(type_alias(&[], "Letters", &fits_below)),
            format!("export type Letters =\n  \"{a}\" | \"{b}\" | \"c\";")
        );
        let too_long = TypeExpr::union(vec![lit(&a), lit(&b), lit(&a.replace('a', "c"))]);
        assert_eq!(
            render(type_alias(&[], "Letters", &too_long)),
            format!(
                "export type Letters =\n  | \"{a}\"\n  | \"{b}\"\n  | \"{}\";",
                "c".repeat(30)
            )
        );
    }

    #[test]
    fn a_reference_or_null_union_hugs() {
        let t = TypeExpr::reference("T.X").or_null();
        assert_eq!(t.flat(), "T.X | null");
        let arr = TypeExpr::Array(Box::new(t));
        assert_eq!(arr.flat(), "(T.X | null)[]");
    }

    #[test]
    fn numbers_are_spelled_as_prettier_spells_them() {
        assert_eq!(number_literal("1.50"), "1.5");
        assert_eq!(number_literal("1.0"), "1.0");
        assert_eq!(number_literal("1E+5"), "1e5");
        assert_eq!(number_literal("10"), "10");
        assert_eq!(number_literal("1.5e-7"), "1.5e-7");
    }
}
