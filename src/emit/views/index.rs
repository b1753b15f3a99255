//! `index.ts`: re-exports `./server` and the framework layer's modules.

use askama::Template;

use crate::emit::file::HEADER;
use crate::emit::lexical::string_literal;

#[derive(Template)]
#[template(path = "index.ts", escape = "none")]
pub struct IndexTs {
    header: &'static str,
    /// `"./server"`, then the framework layer's modules (`"./react"`, `"./forms"`,
    /// `"./channels"`), quoted.
    modules: Vec<String>,
}

pub fn index_ts(modules: Vec<String>) -> IndexTs {
    IndexTs {
        header: HEADER,
        modules: modules.iter().map(|m| string_literal(m)).collect(),
    }
}
