//! IR → TypeScript files. Each output file has a view model (`views`: ready-to-print strings)
//! and an Askama template named after the file (`templates/`); templates only print.
//!
//! The layers, each depending only on those listed before it:
//!
//! - `lexical`: the spelling of single tokens (string and number literals, property names,
//!   template-literal text, doc comments);
//! - `doc`: Prettier's document algebra; `printer`: its printing algorithm;
//! - `syntax`: the TypeScript syntax tree views build;
//! - `prettier`: Prettier's layout rules, from syntax to docs to text;
//! - `order`: the order of everything in output;
//! - `typing`: IR types as TypeScript type expressions; `signature`: how a function's inputs
//!   and result are typed wherever it is exposed;
//! - `file`, `runtime`: generated files, the header, the embedded runtime modules;
//! - `views`: one view model per generated file;
//! - this module: which files a generation writes.
//!
//! Output never depends on the order of the input document's keys (`order`).

mod doc;
mod file;
mod lexical;
mod order;
mod prettier;
mod printer;
mod runtime;
mod signature;
mod syntax;
mod typing;
mod views;

pub use file::{is_plain, GeneratedFile, HEADER};
pub use prettier::PRETTIER_VERSION;
pub use runtime::{
    runtime_module, CHANNELS_SOURCE, CHANNEL_CORE_SOURCE, FORMS_SOURCE, FORM_CORE_SOURCE,
    KERNEL_SOURCE, QUERY_SOURCE, REACT_SOURCE,
};

use crate::ir::Ir;
use file::render;
use order::Order;
use views::context::{context_file_name, context_ts};

/// Where generated code imports the kernel from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KernelSource {
    /// `kernel.ts`, written into the output directory.
    Bundled,
    /// An installed package exporting the same API (e.g. `@mizan/base`).
    Package(String),
}

#[derive(Debug, Clone)]
pub struct Options {
    pub kernel: KernelSource,
    /// Stage 2: `react.tsx`. Forms and channels are React hooks too, so they need it.
    pub react: bool,
    /// `forms.ts` (when the schema has forms).
    pub forms: bool,
    /// `channels.ts` (when the schema has channels).
    pub channels: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            kernel: KernelSource::Bundled,
            react: true,
            forms: true,
            channels: true,
        }
    }
}

/// Generates every file, sorted by path.
pub fn generate(ir: &Ir, options: &Options) -> Vec<GeneratedFile> {
    let order = Order::new(ir);
    let modes = typing::usage(ir);
    let (kernel_root, kernel_nested) = match &options.kernel {
        KernelSource::Bundled => ("./kernel".to_owned(), "../kernel".to_owned()),
        KernelSource::Package(name) => (name.clone(), name.clone()),
    };
    // Query keys and option factories exist where a framework layer will use them; Stage 1
    // alone stays free of TanStack Query.
    let with_queries = options.react;
    let mut files = vec![render(
        "types.ts",
        &views::types::types_ts(ir, &order, &modes),
    )];
    if options.kernel == KernelSource::Bundled {
        files.push(runtime::kernel_file());
    }
    let mut context_files = Vec::new();
    for oc in &order.contexts {
        let name = context_file_name(oc.context);
        files.push(render(
            &format!("contexts/{name}.ts"),
            &context_ts(ir, oc, &kernel_nested, with_queries),
        ));
        context_files.push(name);
    }
    let mut modules = vec!["./server".to_owned()];
    if options.react {
        files.push(runtime_module("query.ts", QUERY_SOURCE, &kernel_nested));
        files.push(runtime_module("react.tsx", REACT_SOURCE, &kernel_nested));
        files.push(render(
            "react.tsx",
            &views::react::react_tsx(ir, &order, &kernel_root),
        ));
        modules.push("./react".to_owned());
        if options.forms && !ir.forms.is_empty() {
            files.push(runtime_module(
                "form-core.ts",
                FORM_CORE_SOURCE,
                &kernel_nested,
            ));
            files.push(runtime_module("forms.ts", FORMS_SOURCE, &kernel_nested));
            files.push(render("forms.ts", &views::forms::forms_ts(ir, &order)));
            modules.push("./forms".to_owned());
        }
        if options.channels && !ir.channels.is_empty() {
            files.push(runtime_module(
                "channel-core.ts",
                CHANNEL_CORE_SOURCE,
                &kernel_nested,
            ));
            files.push(runtime_module(
                "channels.ts",
                CHANNELS_SOURCE,
                &kernel_nested,
            ));
            files.push(render(
                "channels.ts",
                &views::channels::channels_ts(ir, &order),
            ));
            modules.push("./channels".to_owned());
        }
    }
    files.push(render(
        "server.ts",
        &views::server::server_ts(ir, &order, &kernel_root, context_files, with_queries),
    ));
    files.push(render("index.ts", &views::index::index_ts(modules)));
    order::files(&mut files);
    debug_assert!(
        files.iter().all(|f| file::is_plain(&f.contents)),
        "a generated file holds a CR or another unprintable character: {:?}",
        files
            .iter()
            .find(|f| !file::is_plain(&f.contents))
            .map(|f| &f.path)
    );
    files
}
