//! One view model per generated file: the ready-to-print strings its Askama template (of the
//! same name, under `templates/`) prints. Templates only loop over strings and test booleans;
//! every decision is taken here.

mod binding;
pub mod channels;
pub mod context;
pub mod forms;
pub mod index;
pub mod react;
pub mod server;
pub mod svelte;
pub mod types;
pub mod vue;

use crate::emit::order::Order;
use crate::emit::prettier;
use crate::emit::syntax::Decl;
use crate::ir::names::{public_reexports, ReexportList};

/// `export { ... } from "<module>";` for each runtime module of a file's re-export list,
/// without the names a schema's type takes (`ir::names::public_reexports`); empty when none
/// is left.
fn reexport(list: ReexportList, order: &Order<'_>) -> String {
    let types = order.type_idents();
    list.iter()
        .filter_map(|(module, list)| {
            let names = public_reexports(list, &types);
            (!names.is_empty()).then(|| prettier::format(&Decl::export_from(&names, module)))
        })
        .collect::<Vec<_>>()
        .join("\n")
}
