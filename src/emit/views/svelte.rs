//! `svelte.svelte.ts`: the Svelte 5 layer's binding file (`binding` builds it):
//! `setXContext` and `getXContext` per context, `getFn`/`getFnQuery` per slot, `createFnQuery`
//! and `createFn` per function, on `runtime/svelte.svelte.ts`.

use askama::Template;

use super::binding::{binding, Binding};
use crate::emit::layer::Layer;
use crate::emit::order::Order;
use crate::ir::Ir;

#[derive(Template)]
#[template(path = "svelte.svelte.ts", escape = "none")]
pub struct SvelteTs {
    b: Binding,
}

/// `kernel`: where the kernel is imported from.
pub fn svelte_ts(ir: &Ir, order: &Order<'_>, kernel: &str) -> SvelteTs {
    SvelteTs {
        b: binding(ir, order, kernel, Layer::Svelte),
    }
}
