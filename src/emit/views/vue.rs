//! `vue.ts`: the Vue layer's binding file (`binding` builds it): `provideXContext` and
//! `useXContext` per context, `useFn`/`useFnQuery`/`useSuspenseFn` per slot, query and
//! mutation composables per function, on `runtime/vue.ts`.

use askama::Template;

use super::binding::{binding, Binding};
use crate::emit::layer::Layer;
use crate::emit::order::Order;
use crate::ir::Ir;

#[derive(Template)]
#[template(path = "vue.ts", escape = "none")]
pub struct VueTs {
    b: Binding,
}

/// `kernel`: where the kernel is imported from.
pub fn vue_ts(ir: &Ir, order: &Order<'_>, kernel: &str) -> VueTs {
    VueTs {
        b: binding(ir, order, kernel, Layer::Vue),
    }
}
