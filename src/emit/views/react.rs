//! `react.tsx`: the React layer's binding file (`binding` builds it; `"use client";` first).

use askama::Template;

use super::binding::{binding, Binding};
use crate::emit::layer::Layer;
use crate::emit::order::Order;
use crate::ir::Ir;

#[derive(Template)]
#[template(path = "react.tsx", escape = "none")]
pub struct ReactTsx {
    b: Binding,
}

/// `kernel`: where the kernel is imported from.
pub fn react_tsx(ir: &Ir, order: &Order<'_>, kernel: &str) -> ReactTsx {
    ReactTsx {
        b: binding(ir, order, kernel, Layer::React),
    }
}
