//! The channels file of a framework layer (`channels.ts`, Svelte's `channels.svelte.ts`, both
//! printed by `templates/channels.ts`): one hook per channel, on the runtime's
//! `useChannel`/`useChannelMessages` (Svelte's `createChannel`/`createChannelMessages`).

use askama::Template;

use crate::emit::file::HEADER;
use crate::emit::layer::Layer;
use crate::emit::lexical::{doc_lines, string_literal};
use crate::emit::order::{self, Order};
use crate::emit::prettier;
use crate::emit::syntax::{Decl, Expr, Function, Param, Stmt, TypeExpr};
use crate::emit::typing::{Mode, Printer};
use crate::ir::names::ChannelNames;
use crate::ir::{Channel, Ir};

#[derive(Template)]
#[template(path = "channels.ts", escape = "none")]
pub struct ChannelsTs {
    header: &'static str,
    /// `"use client";` after the header (React).
    use_client: bool,
    imports: Vec<String>,
    /// `export { ... } from "./runtime/channels";`, laid out.
    reexport: String,
    /// One hook per channel, laid out.
    channels: Vec<String>,
}

pub fn channels_ts(ir: &Ir, order: &Order<'_>, layer: Layer) -> ChannelsTs {
    let printer = Printer::new(ir, "T.");
    let mut uses_types = false;
    let channels: Vec<String> = order
        .channels
        .iter()
        .map(|ch| {
            let (decl, mentions) = channel_hook(&printer, ch, layer);
            uses_types |= mentions;
            prettier::format(&decl)
        })
        .collect();
    let sends = ir.channels.iter().any(|c| c.client_message.is_some());
    let listens = ir.channels.iter().any(|c| c.client_message.is_none());
    let (send_helper, listen_helper) = layer.channel_helpers();
    let (options, options_module) = layer.channel_options();
    let options = format!("type {options}");
    // Each name with the module it comes from; a module's names are imported together, in
    // the order the modules are first named.
    let (binding_module, core_module) = (layer.channels_module(), layer.channel_core_module());
    let wanted = [
        (send_helper, binding_module.as_str(), sends),
        ("type ChannelWithSend", core_module.as_str(), sends),
        (listen_helper, binding_module.as_str(), listens),
        ("type ChannelState", core_module.as_str(), listens),
        (options.as_str(), options_module.as_str(), true),
    ];
    let mut modules: Vec<&str> = Vec::new();
    for module in [
        binding_module.as_str(),
        core_module.as_str(),
        options_module.as_str(),
    ] {
        if !modules.contains(&module) {
            modules.push(module);
        }
    }
    let mut imports: Vec<Decl> = modules
        .iter()
        .filter_map(|module| {
            let names = order::import_names(
                wanted
                    .iter()
                    .filter(|(_, m, used)| m == module && *used)
                    .map(|(name, _, _)| *name),
            );
            (!names.is_empty()).then(|| Decl::import_either(&names, module))
        })
        .collect();
    if layer == Layer::Vue {
        imports.insert(0, Decl::import(&["MaybeRefOrGetter"], "vue", true));
    }
    if uses_types {
        imports.push(Decl::import_types("./types"));
    }
    ChannelsTs {
        header: HEADER,
        use_client: layer.use_client(),
        imports: imports.iter().map(prettier::format).collect(),
        reexport: super::reexport(layer.reexports().channels, order),
        channels,
    }
}

/// A channel's hook, and whether its types refer to `types.ts`.
fn channel_hook(printer: &Printer<'_>, ch: &Channel, layer: Layer) -> (Decl, bool) {
    let message = printer.expr(&ch.server_message, Mode::Output);
    let params = printer.expr(&ch.params, Mode::Input);
    let (send_helper, listen_helper) = layer.channel_helpers();
    let mut mentions = message.mentions("T.") || params.mentions("T.");
    let (returns, helper) = match &ch.client_message {
        Some(m) => {
            let client = printer.expr(m, Mode::Input);
            mentions |= client.mentions("T.");
            (
                TypeExpr::generic("ChannelWithSend", vec![message, client]),
                send_helper,
            )
        }
        None => (
            TypeExpr::generic("ChannelState", vec![message]),
            listen_helper,
        ),
    };
    let decl = Decl::Function(Function {
        doc: doc_lines(
            Some(&format!(
                "Subscribes to the `{}` channel while mounted: the last `max` messages (default 500) in order, the last one, and the subscription's status.{}",
                ch.wire_name,
                if ch.client_message.is_some() { "\n`send()` posts a message on the channel." } else { "" }
            )),
            false,
        ),
        name: ChannelNames::of(&ch.ident, layer.framework()).hook,
        params: vec![
            Param::new("params", layer.reactive(params)),
            Param::new("options?", TypeExpr::reference(layer.channel_options().0)),
        ],
        returns: Some(returns),
        body: vec![Stmt::Return(Expr::call(
            helper,
            Vec::new(),
            vec![
                Expr::atom(string_literal(&ch.wire_name)),
                Expr::atom("params"),
                Expr::atom("options"),
            ],
        ))],
    });
    (decl, mentions)
}
