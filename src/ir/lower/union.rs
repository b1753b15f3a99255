//! Unions (`anyOf`/`oneOf`) and their discriminators: null members folded into nullability, an
//! explicit `discriminator` resolved against the members, or one inferred from tag properties
//! every member carries (Pydantic's `Literal` tags).

use super::{Lowerer, Target};
use crate::diagnostics;
use crate::ir::index_u32;
use crate::ir::{Discriminator, Type, TypeKind};
use crate::openapi::json::Node;

impl<'a> Lowerer<'a> {
    pub(super) fn lower_union(&mut self, node: &Node, variants_node: &Node) -> Type {
        let key = if node.get("anyOf").is_some() {
            "anyOf"
        } else {
            "oneOf"
        };
        let nodes = self.schema_list(variants_node, key);
        let mut variants = Vec::with_capacity(nodes.len());
        let mut variant_nodes = Vec::with_capacity(nodes.len());
        let mut nullable = false;
        for n in nodes {
            let ty = self.lower(n);
            if ty.kind == TypeKind::Null {
                nullable = true;
                continue;
            }
            nullable |= ty.nullable;
            variants.push(ty);
            variant_nodes.push(n);
        }
        let mut ty = match variants.len() {
            0 => Type::new(TypeKind::Null),
            1 => {
                let mut only = variants.remove(0);
                only.nullable = false;
                only
            }
            _ => {
                for v in &mut variants {
                    v.nullable = false;
                }
                let discriminator = match node.get("discriminator") {
                    Some(d) => self.explicit_discriminator(d, &variants, &variant_nodes),
                    None => self.inferred_discriminator(&variants, &variant_nodes),
                };
                Type::new(TypeKind::Union {
                    variants,
                    discriminator,
                })
            }
        };
        ty.nullable = nullable && ty.kind != TypeKind::Null;
        ty
    }

    /// The object schema a union variant stands for (following `$ref`s, a bounded number of
    /// times so reference cycles cannot loop).
    fn variant_object<'n>(&self, node: &'n Node) -> Option<&'n Node>
    where
        'a: 'n,
    {
        let mut node = node;
        for _ in 0..16 {
            match node.get("$ref").and_then(Node::as_str) {
                Some(target) => node = self.ref_node(target)?,
                None => return Some(node),
            }
        }
        None
    }

    /// The tag a variant carries in `property`: a `const` or one-value `enum`, directly or in an
    /// `allOf` member.
    fn variant_tag(&self, node: &Node, property: &str, depth: usize) -> Option<String> {
        if depth > 4 {
            return None;
        }
        let object = self.variant_object(node)?;
        if let Some(prop) = object.get("properties").and_then(|p| p.get(property)) {
            let prop = self.variant_object(prop)?;
            let tag = match (prop.get("const"), prop.get("enum").and_then(Node::as_array)) {
                (Some(c), _) => c.as_str(),
                (None, Some([one])) => one.as_str(),
                _ => None,
            };
            if let Some(tag) = tag {
                return Some(tag.to_owned());
            }
        }
        object
            .get("allOf")
            .and_then(Node::as_array)?
            .iter()
            .find_map(|m| self.variant_tag(m, property, depth + 1))
    }

    fn explicit_discriminator(
        &mut self,
        d: &Node,
        variants: &[Type],
        variant_nodes: &[&Node],
    ) -> Option<Discriminator> {
        let Some(property) = d.get("propertyName").and_then(Node::as_str) else {
            self.diagnostics.push(diagnostics::invalid_discriminator(
                d.span,
                "a discriminator needs a `propertyName` string",
            ));
            return None;
        };
        let mut mapping = Vec::new();
        if let Some(map) = d.get("mapping") {
            let Some(entries) = map.as_object() else {
                self.diagnostics.push(diagnostics::wrong_type(
                    map.span,
                    "mapping",
                    "an object of tag → $ref",
                    map.kind_name(),
                ));
                return None;
            };
            for entry in entries {
                let Some(target) = entry.value.as_str() else {
                    self.diagnostics.push(diagnostics::wrong_type(
                        entry.value.span,
                        "mapping",
                        "a $ref string",
                        entry.value.kind_name(),
                    ));
                    continue;
                };
                // A mapping value is a reference or, per OpenAPI, a bare component name.
                let resolved = match self.components.get(target) {
                    Some(&(id, node)) if !target.starts_with('#') => Some(Target::Named(id, node)),
                    _ => self.resolve_ref(target).ok(),
                };
                let index = match resolved {
                    Some(Target::Named(id, _)) => {
                        variants.iter().position(|v| v.kind == TypeKind::Ref { id })
                    }
                    // A pointer to an unnamed schema names the member that refers to it.
                    Some(Target::Schema(node, _)) => variant_nodes.iter().position(|n| {
                        self.variant_object(n)
                            .is_some_and(|object| std::ptr::eq(object, node))
                    }),
                    None => None,
                };
                match index {
                    Some(i) => mapping.push((entry.key.to_string(), index_u32(i))),
                    None => self.diagnostics.push(diagnostics::invalid_discriminator(
                        entry.value.span,
                        format!(
                            "mapping `{}` → `{target}` names no member of this union",
                            entry.key
                        ),
                    )),
                }
            }
        } else {
            // No mapping: each member's tag is its `const`, else (per OpenAPI) its schema name.
            for (i, (v, n)) in variants.iter().zip(variant_nodes).enumerate() {
                let tag = self.variant_tag(n, property, 0).or_else(|| match v.kind {
                    TypeKind::Ref { id } => {
                        Some(self.components.get_index(id.0 as usize)?.0.to_string())
                    }
                    _ => None,
                });
                match tag {
                    Some(tag) => mapping.push((tag, index_u32(i))),
                    None => self.diagnostics.push(diagnostics::invalid_discriminator(
                        n.span,
                        format!("this member has no `{property}` tag the discriminator can use"),
                    )),
                }
            }
        }
        Some(Discriminator {
            property: property.to_owned(),
            mapping,
            explicit: true,
        })
    }

    /// A union whose members all carry a distinct string literal under one shared property is
    /// discriminated even when the document does not say so (Pydantic's `Literal` tags).
    fn inferred_discriminator(
        &self,
        variants: &[Type],
        variant_nodes: &[&Node],
    ) -> Option<Discriminator> {
        let first = self.variant_object(variant_nodes.first()?)?;
        // Candidates in name order: the choice must not depend on the document's key order.
        let mut candidates: Vec<&str> = first
            .get("properties")
            .and_then(Node::as_object)?
            .iter()
            .map(|m| &*m.key)
            .collect();
        candidates.sort_unstable();
        'candidates: for property in candidates {
            let mut mapping: Vec<(String, u32)> = Vec::with_capacity(variants.len());
            for (i, n) in variant_nodes.iter().enumerate() {
                match self.variant_tag(n, property, 0) {
                    Some(tag) if !mapping.iter().any(|(t, _)| *t == tag) => {
                        mapping.push((tag, index_u32(i)));
                    }
                    _ => continue 'candidates,
                }
            }
            return Some(Discriminator {
                property: property.to_owned(),
                mapping,
                explicit: false,
            });
        }
        None
    }
}
