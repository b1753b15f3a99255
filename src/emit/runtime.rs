//! The static TypeScript the output runs on, embedded in the binary: the kernel and the runtime
//! modules, and how each is copied into the output.

use super::file::{GeneratedFile, HEADER};
use super::lexical::string_literal;

/// The kernel's TypeScript source, embedded in the binary.
pub const KERNEL_SOURCE: &str = include_str!("../../runtime/kernel.ts");

/// The runtime modules copied into `runtime/` of the output when a framework layer is on: the
/// TanStack Query glue (framework-free) and the framework's binding modules. Each imports the kernel as
/// `"./kernel"`, rewritten on copy ([`runtime_module`]).
pub const QUERY_SOURCE: &str = include_str!("../../runtime/query.ts");
pub const REACT_SOURCE: &str = include_str!("../../runtime/react.tsx");
pub const FORMS_SOURCE: &str = include_str!("../../runtime/forms.ts");
pub const CHANNELS_SOURCE: &str = include_str!("../../runtime/channels.ts");
/// The Vue binding and its forms and channels.
pub const VUE_SOURCE: &str = include_str!("../../runtime/vue.ts");
pub const VUE_FORMS_SOURCE: &str = include_str!("../../runtime/vue-forms.ts");
pub const VUE_CHANNELS_SOURCE: &str = include_str!("../../runtime/vue-channels.ts");
/// The Svelte 5 binding and its forms and channels (runes need the `.svelte.ts` suffix).
pub const SVELTE_SOURCE: &str = include_str!("../../runtime/svelte.svelte.ts");
pub const SVELTE_FORMS_SOURCE: &str = include_str!("../../runtime/forms.svelte.ts");
pub const SVELTE_CHANNELS_SOURCE: &str = include_str!("../../runtime/channels.svelte.ts");
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
/// TanStack's core types taken from the framework adapter the app installs (`adapter`:
/// `@tanstack/react-query`, `@tanstack/vue-query` and `@tanstack/svelte-query` all re-export
/// them), so the app needs no direct dependency on `@tanstack/query-core` (which pnpm would not
/// hoist).
pub fn runtime_module(name: &str, source: &str, kernel: &str, adapter: &str) -> GeneratedFile {
    let source = source
        .replace(
            "from \"./kernel\";",
            &format!("from {};", string_literal(kernel)),
        )
        .replace(
            "from \"@tanstack/query-core\";",
            &format!("from {};", string_literal(adapter)),
        );
    GeneratedFile {
        path: format!("runtime/{name}"),
        contents: format!("{HEADER}\n{source}"),
    }
}
