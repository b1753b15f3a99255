//! The static TypeScript the output runs on, embedded in the binary: the kernel and the runtime
//! modules, and how each is copied into the output.

use super::file::{GeneratedFile, HEADER};
use super::lexical::string_literal;

/// The kernel's TypeScript source, embedded in the binary.
pub const KERNEL_SOURCE: &str = include_str!("../../runtime/kernel.ts");

/// The runtime modules copied into `runtime/` of the output when a framework layer is on: the
/// TanStack Query glue (framework-free) and the React helpers. Each imports the kernel as
/// `"./kernel"`, rewritten on copy ([`runtime_module`]).
pub const QUERY_SOURCE: &str = include_str!("../../runtime/query.ts");
pub const REACT_SOURCE: &str = include_str!("../../runtime/react.tsx");
pub const FORMS_SOURCE: &str = include_str!("../../runtime/forms.ts");
pub const CHANNELS_SOURCE: &str = include_str!("../../runtime/channels.ts");
/// The framework-free cores of forms and channels, which every framework's bindings render.
pub const FORM_CORE_SOURCE: &str = include_str!("../../runtime/form-core.ts");
pub const CHANNEL_CORE_SOURCE: &str = include_str!("../../runtime/channel-core.ts");

/// `kernel.ts` as written into the output directory when the kernel is bundled.
pub fn kernel_file() -> GeneratedFile {
    GeneratedFile {
        path: "kernel.ts".to_owned(),
        contents: format!("{HEADER}\n{KERNEL_SOURCE}"),
    }
}

/// A runtime module as written into `runtime/`: the header, then its source with the kernel
/// import pointed at where the kernel is (`../kernel`, or the package that provides it), and
/// TanStack's core types taken from the framework adapter the app installs
/// (`@tanstack/react-query` re-exports them), so the app needs no direct dependency on
/// `@tanstack/query-core` (which pnpm would not hoist).
pub fn runtime_module(name: &str, source: &str, kernel: &str) -> GeneratedFile {
    let source = source
        .replace(
            "from \"./kernel\";",
            &format!("from {};", string_literal(kernel)),
        )
        .replace(
            "from \"@tanstack/query-core\";",
            "from \"@tanstack/react-query\";",
        );
    GeneratedFile {
        path: format!("runtime/{name}"),
        contents: format!("{HEADER}\n{source}"),
    }
}
