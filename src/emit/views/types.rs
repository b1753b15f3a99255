//! `types.ts`: every named type that reaches output, as an interface or a type alias.

use askama::Template;

use crate::emit::file::HEADER;
use crate::emit::lexical::doc_lines;
use crate::emit::order::Order;
use crate::emit::prettier;
use crate::emit::syntax::Decl;
use crate::emit::typing::{Mode, Printer};
use crate::ir::Ir;

#[derive(Template)]
#[template(path = "types.ts", escape = "none")]
pub struct TypesTs {
    header: &'static str,
    /// Each declaration, laid out, with its doc comment.
    types: Vec<String>,
}

/// `modes`: the direction of each named type, by index in `Ir::types`.
pub fn types_ts(ir: &Ir, order: &Order<'_>, modes: &[Mode]) -> TypesTs {
    let printer = Printer::new(ir, "");
    let types = order
        .types
        .iter()
        .map(|&(i, def)| {
            let mode = modes[i];
            let doc = doc_lines(def.ty.description.as_deref(), def.ty.deprecated);
            let name = def.ident.clone();
            prettier::format(&match printer.interface_members(def, mode) {
                Some(members) => Decl::Interface { doc, name, members },
                None => Decl::TypeAlias {
                    doc,
                    name,
                    ty: printer.expr(&def.ty, mode),
                },
            })
        })
        .collect();
    TypesTs {
        header: HEADER,
        types,
    }
}
