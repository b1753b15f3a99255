//! Building the IR from a parsed document: lower `components.schemas`, read the `x-mizan-*`
//! extensions field by field ([`extensions`], [`forms`]), resolve every cross-reference
//! ([`resolve`]), claim every exported name ([`exports`]), and keep going after a problem so
//! that one run reports all of them. Every IR value is built once, complete.

mod args;
mod exports;
mod extensions;
mod forms;
mod resolve;
mod routes;

pub use extensions::FUNCTION_KEYS;
pub use routes::{parse_route, RouteError};

use super::fields::ReadFields;
use super::lower::Lowerer;
use super::names::Framework;
use super::{validate, Ir, Type, TypeDef};
use crate::diagnostics::{self, Diagnostic};
use crate::openapi::json::{Member, Node};
use crate::openapi::Document;
use crate::span::Span;

/// Builds the IR, with the exported names `framework`'s layer will have. Returns it only when
/// no error was found; warnings come back either way.
pub fn build(doc: &Document, framework: Framework) -> (Option<Ir>, Vec<Diagnostic>) {
    let root = &doc.root;
    let mut early = Vec::new();
    let components = component_schemas(root, &mut early);
    let mut b = Builder {
        lowerer: Lowerer::new(root, components),
        diags: early,
    };
    let mut types: Vec<Type> = components
        .iter()
        .map(|m| b.lowerer.lower(&m.value))
        .collect();
    // Named types after the components: unnamed schemas that refer to themselves.
    let mut names: Vec<(String, Span)> = components
        .iter()
        .map(|m| (m.key.to_string(), m.key_span))
        .collect();
    let mut take_recursive = |b: &mut Builder, types: &mut Vec<Type>| {
        for (name, span, ty) in b.lowerer.take_recursive(types.len() - components.len()) {
            names.push((name, span));
            types.push(ty);
        }
    };

    b.check_mizan_version(root);
    let has_functions = root.get("x-mizan-functions").is_some();
    let functions = b.read_functions(root);
    let contexts = b.read_contexts(root, &functions);
    take_recursive(&mut b, &mut types);
    let channels = b.read_channels(root, &types);
    let forms = b.read_forms(root);
    take_recursive(&mut b, &mut types);

    let type_names: Vec<&str> = names.iter().map(|(n, _)| n.as_str()).collect();
    let resolve::Resolved {
        functions,
        contexts,
        forms,
    } = resolve::resolve(
        &mut b.diags,
        functions,
        contexts,
        forms,
        &types,
        &type_names,
    );
    let type_spans: Vec<_> = components.iter().map(|m| m.key_span).collect();
    let idents = exports::type_idents(
        &mut b.diags,
        framework,
        &type_names,
        &type_spans,
        &functions,
        &contexts,
        &forms,
        &channels,
    );
    let reachable = validate::reachable(&types, &functions, &contexts, &channels, !has_functions);
    let types = names
        .iter()
        .zip(types)
        .zip(idents)
        .zip(reachable)
        .map(|((((name, span), ty), ident), reachable)| TypeDef {
            wire_name: name.clone(),
            ident,
            ty,
            reachable,
            span: *span,
        })
        .collect();
    let ir = Ir {
        openapi: doc.dialect,
        types,
        functions,
        contexts,
        channels,
        forms,
    };
    validate::alias_cycles(&ir.types, &mut b.diags);

    let mut diags = b.diags;
    diags.append(&mut b.lowerer.diagnostics);
    diags.sort_by(|a, b| a.offset().cmp(&b.offset()).then_with(|| a.code.cmp(b.code)));
    diags.dedup();
    if diags.iter().any(Diagnostic::is_error) {
        (None, diags)
    } else {
        (Some(ir), diags)
    }
}

/// `components.schemas`, in document order; reported and read as empty when not an object.
fn component_schemas<'a>(root: &'a Node, diags: &mut Vec<Diagnostic>) -> &'a [Member] {
    let Some(components) = root.get("components").filter(|c| !c.is_null()) else {
        return &[];
    };
    if components.as_object().is_none() {
        diags.push(diagnostics::wrong_type(
            components.span,
            "components",
            "an object",
            components.kind_name(),
        ));
        return &[];
    }
    let Some(schemas) = components.get("schemas").filter(|s| !s.is_null()) else {
        return &[];
    };
    schemas.as_object().unwrap_or_else(|| {
        diags.push(diagnostics::wrong_type(
            schemas.span,
            "components.schemas",
            "an object of named schemas",
            schemas.kind_name(),
        ));
        &[]
    })
}

/// Reads the extensions: the schema lowering (for schema-valued fields) and what was found wrong.
struct Builder<'a> {
    lowerer: Lowerer<'a>,
    diags: Vec<Diagnostic>,
}

impl ReadFields for Builder<'_> {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }
}
