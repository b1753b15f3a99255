//! TypeScript spelling of IR types, and the small string rules the templates rely on (doc
//! comments, property names, string literals). Everything TypeScript-specific lives here.

use std::collections::BTreeSet;

use crate::ir::names::is_identifier;
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

/// How tightly a printed type binds, to know when to parenthesise it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    Union,
    Intersection,
    Atom,
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

    pub fn ty(&self, t: &Type, mode: Mode) -> String {
        self.typed(t, mode).0
    }

    fn typed(&self, t: &Type, mode: Mode) -> (String, Prec) {
        let (text, prec) = self.kind(&t.kind, mode);
        if t.nullable && t.kind != TypeKind::Null {
            (
                format!("{} | null", paren(text, prec, Prec::Union)),
                Prec::Union,
            )
        } else {
            (text, prec)
        }
    }

    fn global(&self, name: &str) -> String {
        if self.shadowed.contains(name) {
            format!("globalThis.{name}")
        } else {
            name.to_owned()
        }
    }

    fn kind(&self, k: &TypeKind, mode: Mode) -> (String, Prec) {
        let atom = |s: &str| (s.to_owned(), Prec::Atom);
        match k {
            TypeKind::Unknown => atom("unknown"),
            TypeKind::Never => atom("never"),
            TypeKind::Null => atom("null"),
            TypeKind::Boolean => atom("boolean"),
            // date, date-time, uuid, decimal, email... are strings on the wire and stay strings.
            TypeKind::String { format, .. } if format.as_deref() == Some("binary") => {
                (self.global("Blob"), Prec::Atom)
            }
            TypeKind::String { .. } => atom("string"),
            // One int64 policy: JSON numbers are JavaScript numbers, int64 included.
            TypeKind::Integer { .. } | TypeKind::Number { .. } => atom("number"),
            TypeKind::Literal { value } => (literal(value), Prec::Atom),
            TypeKind::Enum { values } => (
                values.iter().map(literal).collect::<Vec<_>>().join(" | "),
                if values.len() > 1 {
                    Prec::Union
                } else {
                    Prec::Atom
                },
            ),
            TypeKind::Array { items } => {
                let (inner, prec) = self.typed(items, mode);
                (format!("{}[]", paren(inner, prec, Prec::Atom)), Prec::Atom)
            }
            TypeKind::Tuple { items, rest } => {
                let mut parts: Vec<String> = items.iter().map(|i| self.ty(i, mode)).collect();
                if let Some(rest) = rest {
                    let (inner, prec) = self.typed(rest, mode);
                    parts.push(format!("...{}[]", paren(inner, prec, Prec::Atom)));
                }
                (format!("[{}]", parts.join(", ")), Prec::Atom)
            }
            TypeKind::Object(o) => (self.inline_object(o, mode), Prec::Atom),
            TypeKind::Union {
                variants,
                discriminator,
            } => {
                let parts: Vec<String> = variants
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let (text, prec) = self.typed(v, mode);
                        // Members that do not carry their tag themselves get it added, so that
                        // TypeScript narrows on the discriminator.
                        let missing: Vec<&str> = discriminator
                            .iter()
                            .flat_map(|d| {
                                d.mapping
                                    .iter()
                                    .filter(move |(_, idx)| *idx as usize == i)
                                    .filter(move |(tag, _)| !self.has_tag(v, &d.property, tag))
                                    .map(|(tag, _)| tag.as_str())
                            })
                            .collect();
                        match (discriminator, missing.is_empty()) {
                            (Some(d), false) => {
                                let tags: Vec<String> =
                                    missing.iter().map(|t| string_literal(t)).collect();
                                format!(
                                    "({} & {{ {}: {} }})",
                                    paren(text, prec, Prec::Intersection),
                                    property_name(&d.property),
                                    tags.join(" | ")
                                )
                            }
                            _ => paren(text, prec, Prec::Union),
                        }
                    })
                    .collect();
                (parts.join(" | "), Prec::Union)
            }
            TypeKind::Intersection { members } => {
                let parts: Vec<String> = members
                    .iter()
                    .map(|m| {
                        let (text, prec) = self.typed(m, mode);
                        paren(text, prec, Prec::Intersection)
                    })
                    .collect();
                (parts.join(" & "), Prec::Intersection)
            }
            TypeKind::Ref { id } => (
                format!("{}{}", self.qualifier, self.ir.type_def(*id).ident),
                Prec::Atom,
            ),
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

    fn inline_object(&self, o: &ObjectType, mode: Mode) -> String {
        let members = self.members(o, mode);
        if members.is_empty() {
            return "{}".to_owned();
        }
        let body: Vec<&str> = members.iter().map(|m| m.text.as_str()).collect();
        format!("{{ {} }}", body.join("; "))
    }

    /// The members of an object type, properties sorted by name, then the index signature.
    pub fn members(&self, o: &ObjectType, mode: Mode) -> Vec<Member> {
        let mut props: Vec<&crate::ir::Property> = o
            .properties
            .iter()
            .filter(|p| {
                !(mode == Mode::Input && p.ty.read_only || mode == Mode::Output && p.ty.write_only)
            })
            .collect();
        props.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
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
                    doc: doc_comment(p.ty.description.as_deref(), p.ty.deprecated, "  "),
                    text: format!(
                        "{}{}{}: {}",
                        if p.ty.read_only { "readonly " } else { "" },
                        property_name(&p.wire_name),
                        if required { "" } else { "?" },
                        self.ty(&p.ty, mode)
                    ),
                }
            })
            .collect();
        let index = match &o.additional {
            Additional::Any => Some("unknown".to_owned()),
            Additional::Unspecified if o.properties.is_empty() => Some("unknown".to_owned()),
            Additional::Typed(t) => {
                // An index signature must admit every declared property's type too.
                let mut types: Vec<String> = vec![self.ty(t, mode)];
                for p in &props {
                    let text = self.ty(&p.ty, mode);
                    if !types.contains(&text) {
                        types.push(text);
                    }
                }
                if types.len() > 1 {
                    for t in &mut types {
                        if t.contains(" | ") || t.contains(" & ") {
                            *t = format!("({t})");
                        }
                    }
                }
                Some(types.join(" | "))
            }
            Additional::Unspecified | Additional::Forbidden => None,
        };
        if let Some(index) = index {
            out.push(Member {
                doc: String::new(),
                text: format!("[key: string]: {index}"),
            });
        }
        out
    }

    /// `name?: Type` members for values the client sends (arguments, context params), sorted by
    /// name: `(wire name, type, required)`.
    pub fn input_fields<'t>(
        &self,
        fields: impl IntoIterator<Item = (&'t str, &'t Type, bool)>,
    ) -> Vec<String> {
        let mut fields: Vec<(&str, &Type, bool)> = fields.into_iter().collect();
        fields.sort_by(|a, b| a.0.cmp(b.0));
        fields
            .into_iter()
            .map(|(name, ty, required)| {
                format!(
                    "{}{}: {}",
                    property_name(name),
                    if required { "" } else { "?" },
                    self.ty(ty, Mode::Input)
                )
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

pub struct Member {
    /// Doc comment lines, indented, ending in a newline; empty when there is none.
    pub doc: String,
    /// `readonly name?: Type`, without the trailing semicolon.
    pub text: String,
}

fn paren(text: String, prec: Prec, needed: Prec) -> String {
    if prec < needed {
        format!("({text})")
    } else {
        text
    }
}

fn literal(value: &Literal) -> String {
    match value {
        Literal::String(s) => string_literal(s),
        Literal::Bool(b) => b.to_string(),
        Literal::Number(raw) => raw.clone(),
        Literal::Null(()) => "null".to_owned(),
    }
}

/// A TypeScript string literal: JSON's encoding is one (quotes, backslashes, control characters
/// escaped; `${` is inert in a double-quoted string).
pub fn string_literal(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// A property key: bare when it is an identifier, quoted otherwise.
pub fn property_name(name: &str) -> String {
    if is_identifier(name) {
        name.to_owned()
    } else {
        string_literal(name)
    }
}

/// A JSDoc comment (with `indent` before each line and a final newline), or `""`. `*/` in the
/// text is neutralised so it cannot end the comment early.
pub fn doc_comment(text: Option<&str>, deprecated: bool, indent: &str) -> String {
    let mut lines: Vec<String> = text
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.lines()
                .map(|l| l.trim_end().replace("*/", "*\\/"))
                .collect()
        })
        .unwrap_or_default();
    if deprecated {
        lines.push("@deprecated".to_owned());
    }
    match lines.len() {
        0 => String::new(),
        1 => format!("{indent}/** {} */\n", lines[0]),
        _ => {
            let mut out = format!("{indent}/**\n");
            for l in lines {
                if l.is_empty() {
                    out.push_str(&format!("{indent} *\n"));
                } else {
                    out.push_str(&format!("{indent} * {l}\n"));
                }
            }
            out.push_str(&format!("{indent} */\n"));
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_comments_cannot_be_closed_from_inside() {
        assert_eq!(
            doc_comment(Some("ends */ early"), false, ""),
            "/** ends *\\/ early */\n"
        );
        assert_eq!(
            doc_comment(Some("two\n\nlines"), true, "  "),
            "  /**\n   * two\n   *\n   * lines\n   * @deprecated\n   */\n"
        );
        assert_eq!(doc_comment(Some("  "), false, ""), "");
    }

    #[test]
    fn property_names_are_quoted_when_needed() {
        assert_eq!(property_name("user_id"), "user_id");
        assert_eq!(property_name("content-type"), "\"content-type\"");
        assert_eq!(property_name("2fa"), "\"2fa\"");
        assert_eq!(
            string_literal("say \"hi\" ${x} \\"),
            r#""say \"hi\" ${x} \\""#
        );
    }
}
