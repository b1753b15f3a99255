//! IR types as TypeScript type expressions: the direction each named type travels in (which
//! decides defaults and `readOnly`/`writeOnly` properties), the tags added to discriminated
//! union members, object members and index signatures, references to named types.

use std::collections::BTreeSet;

use super::lexical::{doc_lines, number_literal, property_name, string_literal, DocLines};
use super::order;
use super::syntax::{Member, TupleMember, TypeExpr};
use crate::ir::{Additional, Ir, Literal, ObjectType, Type, TypeDef, TypeId, TypeKind};

/// Which direction a type's values travel, which decides how defaults and
/// `readOnly`/`writeOnly` properties are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Sent to the server only: defaulted properties optional, `readOnly` ones left out.
    Input,
    /// Received only: defaulted properties present, `writeOnly` ones left out.
    Output,
    /// Both ways, or neither (types-only documents): as written; `readOnly`/`writeOnly`
    /// properties are optional, since one direction lacks them.
    Both,
}

/// The mode of every named type, from where the public API uses it.
pub fn usage(ir: &Ir) -> Vec<Mode> {
    let n = ir.types.len();
    let mut input = vec![false; n];
    let mut output = vec![false; n];
    let mut inputs: Vec<&Type> = Vec::new();
    let mut outputs: Vec<&Type> = Vec::new();
    for f in ir.public_functions() {
        inputs.extend(f.input.iter());
        inputs.extend(f.args.iter().map(|a| &a.ty));
        outputs.push(&f.output);
    }
    for c in &ir.contexts {
        inputs.extend(c.params.iter().map(|p| &p.ty));
    }
    for ch in &ir.channels {
        inputs.push(&ch.params);
        inputs.extend(ch.client_message.iter());
        outputs.push(&ch.server_message);
    }
    mark(ir, &inputs, &mut input);
    mark(ir, &outputs, &mut output);
    input
        .into_iter()
        .zip(output)
        .map(|(i, o)| match (i, o) {
            (true, false) => Mode::Input,
            (false, true) => Mode::Output,
            _ => Mode::Both,
        })
        .collect()
}

fn mark(ir: &Ir, roots: &[&Type], seen: &mut [bool]) {
    let mut work = Vec::new();
    for t in roots {
        crate::ir::refs_in(t, &mut work);
    }
    while let Some(TypeId(i)) = work.pop() {
        let i = i as usize;
        if !std::mem::replace(&mut seen[i], true) {
            crate::ir::refs_in(&ir.types[i].ty, &mut work);
        }
    }
}

pub struct Printer<'a> {
    pub ir: &'a Ir,
    /// Prefix of named types: `""` inside types.ts, `"T."` in files that import it as `T`.
    pub qualifier: &'a str,
    /// Global names a schema identifier shadows in types.ts; printed as `globalThis.<name>`.
    pub shadowed: BTreeSet<&'a str>,
}

impl<'a> Printer<'a> {
    pub fn new(ir: &'a Ir, qualifier: &'a str) -> Self {
        let shadowed = if qualifier.is_empty() {
            ir.types
                .iter()
                .map(|t| t.ident.as_str())
                .filter(|i| *i == "Blob")
                .collect()
        } else {
            BTreeSet::new()
        };
        Printer {
            ir,
            qualifier,
            shadowed,
        }
    }

    /// The type as a [`TypeExpr`], for layout.
    pub fn expr(&self, t: &Type, mode: Mode) -> TypeExpr {
        let e = self.kind(&t.kind, mode);
        if t.nullable && t.kind != TypeKind::Null {
            e.or_null()
        } else {
            e
        }
    }

    fn global(&self, name: &str) -> TypeExpr {
        if self.shadowed.contains(name) {
            TypeExpr::reference(format!("globalThis.{name}"))
        } else {
            TypeExpr::reference(name)
        }
    }

    fn kind(&self, k: &TypeKind, mode: Mode) -> TypeExpr {
        match k {
            TypeKind::Unknown => TypeExpr::atom("unknown"),
            TypeKind::Never => TypeExpr::atom("never"),
            TypeKind::Null => TypeExpr::atom("null"),
            TypeKind::Boolean => TypeExpr::atom("boolean"),
            // date, date-time, uuid, decimal, email... are strings on the wire and stay strings.
            TypeKind::String { format, .. } if format.as_deref() == Some("binary") => {
                self.global("Blob")
            }
            TypeKind::String { .. } => TypeExpr::atom("string"),
            // One int64 policy: JSON numbers are JavaScript numbers, int64 included.
            TypeKind::Integer { .. } | TypeKind::Number { .. } => TypeExpr::atom("number"),
            TypeKind::Literal { value } => TypeExpr::atom(literal(value)),
            TypeKind::Enum { values } => {
                TypeExpr::union(values.iter().map(|v| TypeExpr::atom(literal(v))).collect())
            }
            TypeKind::Array { items } => TypeExpr::Array(Box::new(self.expr(items, mode))),
            TypeKind::Tuple { items, rest } => {
                let mut members: Vec<TupleMember> = items
                    .iter()
                    .map(|i| TupleMember {
                        label: None,
                        rest: false,
                        ty: self.expr(i, mode),
                    })
                    .collect();
                if let Some(rest) = rest {
                    members.push(TupleMember {
                        label: None,
                        rest: true,
                        ty: TypeExpr::Array(Box::new(self.expr(rest, mode))),
                    });
                }
                TypeExpr::Tuple(members)
            }
            TypeKind::Object(o) => self.inline_object(o, mode),
            TypeKind::Union {
                variants,
                discriminator,
            } => TypeExpr::union(
                variants
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let member = self.expr(v, mode);
                        // Members that do not carry their tag themselves get it added, so that
                        // TypeScript narrows on the discriminator.
                        // Ordered: the mapping is a JSON object, whose key order must not
                        // matter.
                        let missing = order::tags(discriminator.iter().flat_map(|d| {
                            d.mapping
                                .iter()
                                .filter(move |(_, idx)| *idx as usize == i)
                                .filter(move |(tag, _)| !self.has_tag(v, &d.property, tag))
                                .map(|(tag, _)| tag.as_str())
                        }));
                        match discriminator {
                            Some(d) if !missing.is_empty() => {
                                let tags = TypeExpr::union(
                                    missing
                                        .iter()
                                        .map(|t| TypeExpr::atom(string_literal(t)))
                                        .collect(),
                                );
                                TypeExpr::intersection(vec![
                                    member,
                                    TypeExpr::Object(vec![Member {
                                        doc: DocLines::none(),
                                        key: property_name(&d.property),
                                        ty: tags,
                                    }]),
                                ])
                            }
                            _ => member,
                        }
                    })
                    .collect(),
            ),
            TypeKind::Intersection { members } => {
                TypeExpr::intersection(members.iter().map(|m| self.expr(m, mode)).collect())
            }
            TypeKind::Ref { id } => {
                TypeExpr::reference(format!("{}{}", self.qualifier, self.ir.type_def(*id).ident))
            }
        }
    }

    /// Whether a union member already has `property` typed as the literal `tag`.
    fn has_tag(&self, member: &Type, property: &str, tag: &str) -> bool {
        let mut t = member;
        for _ in 0..16 {
            match &t.kind {
                TypeKind::Ref { id } => t = &self.ir.type_def(*id).ty,
                TypeKind::Object(o) => {
                    return o.properties.iter().any(|p| {
                        p.wire_name == property
                            && p.required
                            && match &p.ty.kind {
                                TypeKind::Literal { value } => {
                                    *value == Literal::String(tag.to_owned())
                                }
                                _ => false,
                            }
                    })
                }
                TypeKind::Intersection { members } => {
                    return members.iter().any(|m| self.has_tag(m, property, tag));
                }
                _ => return false,
            }
        }
        false
    }

    fn inline_object(&self, o: &ObjectType, mode: Mode) -> TypeExpr {
        let mut members = self.members(o, mode);
        // Doc comments are kept on named types' members only.
        for m in &mut members {
            m.doc = DocLines::none();
        }
        TypeExpr::Object(members)
    }

    /// The members of an object type, properties sorted by name, then the index signature.
    pub fn members(&self, o: &ObjectType, mode: Mode) -> Vec<Member> {
        let props: Vec<&crate::ir::Property> = order::properties(o)
            .into_iter()
            .filter(|p| {
                !(mode == Mode::Input && p.ty.read_only || mode == Mode::Output && p.ty.write_only)
            })
            .collect();
        let mut out: Vec<Member> = props
            .iter()
            .map(|p| {
                let one_way = mode == Mode::Both && (p.ty.read_only || p.ty.write_only);
                let required = match mode {
                    Mode::Output => p.required || p.has_default(),
                    Mode::Input => p.required && !p.has_default(),
                    Mode::Both => p.required && !one_way,
                };
                Member {
                    doc: doc_lines(p.ty.description.as_deref(), p.ty.deprecated),
                    key: format!(
                        "{}{}{}",
                        if p.ty.read_only { "readonly " } else { "" },
                        property_name(&p.wire_name),
                        if required { "" } else { "?" },
                    ),
                    ty: self.expr(&p.ty, mode),
                }
            })
            .collect();
        let index = match &o.additional {
            Additional::Any => Some(TypeExpr::atom("unknown")),
            Additional::Unspecified if o.properties.is_empty() => Some(TypeExpr::atom("unknown")),
            // An index signature must admit every declared property's type too.
            Additional::Typed(t) => Some(TypeExpr::union(
                std::iter::once(self.expr(t, mode))
                    .chain(props.iter().map(|p| self.expr(&p.ty, mode)))
                    .collect(),
            )),
            Additional::Unspecified | Additional::Forbidden => None,
        };
        if let Some(ty) = index {
            out.push(Member {
                doc: DocLines::none(),
                key: "[key: string]".to_owned(),
                ty,
            });
        }
        out
    }

    /// `name?: Type` members for values the client sends (arguments, context params), in the
    /// order given: `(wire name, type, required)`.
    pub fn input_fields<'t>(
        &self,
        fields: impl IntoIterator<Item = (&'t str, &'t Type, bool)>,
    ) -> Vec<Member> {
        fields
            .into_iter()
            .map(|(name, ty, required)| Member {
                doc: DocLines::none(),
                key: format!("{}{}", property_name(name), if required { "" } else { "?" }),
                ty: self.expr(ty, Mode::Input),
            })
            .collect()
    }

    /// `interface` body members for a named object type, or `None` when the type is not an
    /// object (it becomes a `type` alias).
    pub fn interface_members(&self, def: &TypeDef, mode: Mode) -> Option<Vec<Member>> {
        match &def.ty.kind {
            TypeKind::Object(o) if !def.ty.nullable => Some(self.members(o, mode)),
            _ => None,
        }
    }
}

fn literal(value: &Literal) -> String {
    match value {
        Literal::String(s) => string_literal(s),
        Literal::Bool(b) => b.to_string(),
        Literal::Number(raw) => number_literal(raw),
        Literal::Null(()) => "null".to_owned(),
    }
}
