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
//! - `layer`: what differs between the framework layers (files, runtime modules, helpers);
//! - `views`: one view model per generated file;
//! - this module: which files a generation writes.
//!
//! Output never depends on the order of the input document's keys (`order`).

mod doc;
mod file;
mod layer;
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
pub use layer::Layer;
pub use prettier::PRETTIER_VERSION;
pub use runtime::{
    runtime_module, CHANNELS_SOURCE, CHANNEL_CORE_SOURCE, FORMS_SOURCE, FORM_CORE_SOURCE,
    KERNEL_SOURCE, QUERY_SOURCE, REACT_SOURCE, SVELTE_CHANNELS_SOURCE, SVELTE_FORMS_SOURCE,
    SVELTE_SOURCE, VUE_CHANNELS_SOURCE, VUE_FORMS_SOURCE, VUE_SOURCE,
};

pub use crate::ir::names::Framework;
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
    /// Stage 2: the framework layer (`react.tsx`, `vue.ts` or `svelte.svelte.ts`), or none.
    /// Forms and channels are bindings of the same framework, so they need one.
    pub framework: Framework,
    /// The forms file (when the schema has forms).
    pub forms: bool,
    /// The channels file (when the schema has channels).
    pub channels: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            kernel: KernelSource::Bundled,
            framework: Framework::React,
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
    let framework = options.framework;
    // Query keys and option factories exist where a framework layer will use them; Stage 1
    // alone stays free of TanStack Query.
    let with_queries = framework.has_layer();
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
    if let Some(layer) = Layer::of(framework) {
        let copy = |name: &str, source: &str| {
            runtime_module(name, source, &kernel_nested, layer.adapter())
        };
        files.push(copy("query.ts", QUERY_SOURCE));
        let (name, source) = layer.binding_runtime();
        files.push(copy(name, source));
        let binding = layer.binding_file();
        files.push(match layer {
            Layer::React => render(binding, &views::react::react_tsx(ir, &order, &kernel_root)),
            Layer::Vue => render(binding, &views::vue::vue_ts(ir, &order, &kernel_root)),
            Layer::Svelte => render(binding, &views::svelte::svelte_ts(ir, &order, &kernel_root)),
        });
        modules.push(module_of(binding));
        if options.forms && !ir.forms.is_empty() {
            files.push(copy("form-core.ts", FORM_CORE_SOURCE));
            let (name, source) = layer.forms_runtime();
            files.push(copy(name, source));
            let file = layer.forms_file();
            files.push(render(file, &views::forms::forms_ts(ir, &order, layer)));
            modules.push(module_of(file));
        }
        if options.channels && !ir.channels.is_empty() {
            files.push(copy("channel-core.ts", CHANNEL_CORE_SOURCE));
            let (name, source) = layer.channels_runtime();
            files.push(copy(name, source));
            let file = layer.channels_file();
            files.push(render(
                file,
                &views::channels::channels_ts(ir, &order, layer),
            ));
            modules.push(module_of(file));
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

/// How a file at the output's root is imported: `./svelte.svelte` for `svelte.svelte.ts`.
fn module_of(file: &str) -> String {
    format!("./{}", layer::module_stem(file))
}
