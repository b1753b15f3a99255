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
