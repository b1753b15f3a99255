//! The TypeScript the generator writes, as a syntax tree: type expressions, data literals,
//! expressions, parameters and the top-level declarations of a generated file. Views build these
//! trees; the Prettier rules (`emit::prettier`) lay them out. The tree holds tokens already spelled
//! ([`super::lexical`]) and knows nothing of line widths.

use super::lexical::{number_literal, object_key, string_literal, DocLines, Quoted};

/// A type expression.
#[derive(Debug, Clone)]
pub enum TypeExpr {
    /// A keyword, literal or reference without type arguments: never breaks.
    Atom {
        text: String,
        /// A reference to a named type (`T.User`, `Blob`) rather than a keyword or literal.
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
    /// `() => T`: a function without parameters (a getter the Svelte layer reads reactively).
    Getter(Box<TypeExpr>),
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
    pub doc: DocLines,
    /// `readonly name?` or `[key: string]`, everything before `: `.
    pub key: String,
    pub ty: TypeExpr,
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
    /// members that spell the same type as an earlier one removed.
    pub fn union(members: Vec<TypeExpr>) -> TypeExpr {
        let flat = flatten(members, |m| match m {
            TypeExpr::Union(inner) => Ok(inner),
            other => Err(other),
        });
        let mut kept: Vec<TypeExpr> = Vec::with_capacity(flat.len());
        let mut atoms = std::collections::BTreeSet::new();
        for m in flat {
            let seen = match &m {
                TypeExpr::Atom { text, .. } => !atoms.insert(text.clone()),
                other => kept.iter().any(|k| k.same_as(other)),
            };
            if !seen {
                kept.push(m);
            }
        }
        if kept.len() == 1 {
            kept.pop().unwrap_or_else(|| TypeExpr::atom("never"))
        } else {
            TypeExpr::Union(kept)
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

    /// `() => T`.
    pub fn getter(self) -> TypeExpr {
        TypeExpr::Getter(Box::new(self))
    }

    /// `T | null`.
    pub fn or_null(self) -> TypeExpr {
        TypeExpr::union(vec![self, TypeExpr::atom("null")])
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
            TypeExpr::Getter(t) => t.mentions(prefix),
        }
    }

    /// Whether both spell the same type: the same tree, atoms compared by their text, object
    /// members by key and type (a member's doc comment is not part of the type).
    fn same_as(&self, other: &TypeExpr) -> bool {
        fn all(a: &[TypeExpr], b: &[TypeExpr]) -> bool {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_as(y))
        }
        match (self, other) {
            (TypeExpr::Atom { text: a, .. }, TypeExpr::Atom { text: b, .. }) => a == b,
            (TypeExpr::Generic { name: a, args: x }, TypeExpr::Generic { name: b, args: y }) => {
                a == b && all(x, y)
            }
            (TypeExpr::Union(a), TypeExpr::Union(b))
            | (TypeExpr::Intersection(a), TypeExpr::Intersection(b)) => all(a, b),
            (TypeExpr::Array(a), TypeExpr::Array(b))
            | (TypeExpr::Getter(a), TypeExpr::Getter(b)) => a.same_as(b),
            (TypeExpr::Tuple(a), TypeExpr::Tuple(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|(x, y)| x.label == y.label && x.rest == y.rest && x.ty.same_as(&y.ty))
            }
            (TypeExpr::Object(a), TypeExpr::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|(x, y)| x.key == y.key && x.ty.same_as(&y.ty))
            }
            _ => false,
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

/// A JavaScript value literal: data the generator writes into code.
#[derive(Debug, Clone)]
pub enum Data {
    /// A string literal.
    Str(Quoted),
    /// A number, as written.
    Num(String),
    Bool(bool),
    Null,
    Array(Vec<Data>),
    /// Properties: the key as written (quoted when needed), and the value.
    Object(Vec<(String, Data)>),
}

impl Data {
    /// The value of a JSON document.
    pub fn from_json(v: &serde_json::Value) -> Data {
        match v {
            serde_json::Value::Null => Data::Null,
            serde_json::Value::Bool(b) => Data::Bool(*b),
            serde_json::Value::Number(n) => Data::Num(number_literal(&n.to_string())),
            serde_json::Value::String(s) => Data::Str(Quoted::new(s)),
            serde_json::Value::Array(items) => {
                Data::Array(items.iter().map(Data::from_json).collect())
            }
            serde_json::Value::Object(map) => Data::Object(
                map.iter()
                    .map(|(k, v)| (object_key(k), Data::from_json(v)))
                    .collect(),
            ),
        }
    }
}

/// An expression.
#[derive(Debug, Clone)]
pub enum Expr {
    /// Text that never breaks: identifiers, literals, member chains without calls, template
    /// literals.
    Atom(String),
    Call {
        callee: String,
        type_args: Vec<TypeExpr>,
        args: Vec<Expr>,
    },
    Data(Data),
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

    /// `{ key: value, ... }`.
    pub fn object(props: Vec<(String, Data)>) -> Expr {
        Expr::Data(Data::Object(props))
    }
}

/// A function parameter: `name?: Type = default`.
#[derive(Debug, Clone)]
pub struct Param {
    /// The name, with `?` when optional.
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
}

/// A statement in a function body.
#[derive(Debug, Clone)]
pub enum Stmt {
    /// `return expr;`
    Return(Expr),
}

/// `export function name(params): returns { body }`.
#[derive(Debug, Clone)]
pub struct Function {
    /// Doc comment lines.
    pub doc: DocLines,
    pub name: String,
    pub params: Vec<Param>,
    pub returns: Option<TypeExpr>,
    pub body: Vec<Stmt>,
}

/// `const name: ty = value;`.
#[derive(Debug, Clone)]
pub struct Const {
    /// Doc comment lines.
    pub doc: DocLines,
    pub export: bool,
    pub name: String,
    /// The type annotation, when there is one.
    pub ty: Option<String>,
    pub value: Expr,
}

/// A top-level statement of a generated file.
#[derive(Debug, Clone)]
pub enum Decl {
    /// `export interface Name { members }`, each member's doc comment above it.
    Interface {
        doc: DocLines,
        name: String,
        members: Vec<Member>,
    },
    /// `export type Name = ty;`.
    TypeAlias {
        doc: DocLines,
        name: String,
        ty: TypeExpr,
    },
    Function(Function),
    Const(Const),
    /// `import { a, b } from "source";` (`import type` when `type_only`).
    Import {
        names: Vec<String>,
        source: String,
        type_only: bool,
    },
    /// `import type * as name from "source";`.
    ImportTypesAs {
        name: String,
        source: String,
    },
    /// `export { a, b } from "source";`.
    ExportFrom {
        names: Vec<String>,
        source: String,
    },
}

impl Decl {
    /// `import { names } from "source"` (`source` unquoted).
    pub fn import<S: AsRef<str>>(names: &[S], source: &str, type_only: bool) -> Decl {
        Decl::Import {
            names: names.iter().map(|n| n.as_ref().to_owned()).collect(),
            source: string_literal(source),
            type_only,
        }
    }

    /// `import { names } from "source"`, or `import type { ... }` when every name is a type
    /// (`type X`): an import of types alone says so once.
    pub fn import_either<S: AsRef<str>>(names: &[S], source: &str) -> Decl {
        let types: Option<Vec<&str>> = names
            .iter()
            .map(|n| n.as_ref().strip_prefix("type "))
            .collect();
        match types {
            Some(types) => Decl::import(&types, source, true),
            None => Decl::import(names, source, false),
        }
    }

    /// `import type * as T from "source"`: the generated types, as files other than
    /// `types.ts` refer to them (`T.User`).
    pub fn import_types(source: &str) -> Decl {
        Decl::ImportTypesAs {
            name: "T".to_owned(),
            source: string_literal(source),
        }
    }

    /// `export { names } from "source"` (`source` unquoted).
    pub fn export_from<S: AsRef<str>>(names: &[S], source: &str) -> Decl {
        Decl::ExportFrom {
            names: names.iter().map(|n| n.as_ref().to_owned()).collect(),
            source: string_literal(source),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unions_are_flat_and_without_repeats() {
        let u = TypeExpr::union(vec![
            TypeExpr::atom("string"),
            TypeExpr::union(vec![TypeExpr::atom("null"), TypeExpr::reference("string")]),
            TypeExpr::Array(Box::new(TypeExpr::atom("number"))),
            TypeExpr::Array(Box::new(TypeExpr::atom("number"))),
        ]);
        let TypeExpr::Union(members) = u else {
            panic!("a union");
        };
        assert_eq!(members.len(), 3);
        assert!(matches!(
            TypeExpr::atom("x").or_null().or_null(),
            TypeExpr::Union(m) if m.len() == 2
        ));
    }
}
