//! One view model per generated file: the ready-to-print strings its Askama template (of the
//! same name, under `templates/`) prints. Templates only loop over strings and test booleans;
//! every decision is taken here.

pub mod channels;
pub mod context;
pub mod forms;
pub mod index;
pub mod react;
pub mod server;
pub mod types;

use crate::emit::order::Order;
use crate::emit::prettier;
use crate::emit::syntax::Decl;
use crate::ir::names::public_reexports;

/// `export { ... } from "<module>";` for a runtime module's re-export list, without the names
/// a schema's type takes (`ir::names::public_reexports`); empty when none is left.
fn reexport(list: &[&str], module: &str, order: &Order<'_>) -> String {
    let names = public_reexports(list, &order.type_idents());
    if names.is_empty() {
        String::new()
    } else {
        prettier::format(&Decl::export_from(&names, module))
    }
}
