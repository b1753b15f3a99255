//! `channels.ts`: one hook per channel, on the runtime's `useChannel`/`useChannelMessages`.

use askama::Template;

use crate::emit::file::HEADER;
use crate::emit::lexical::{doc_lines, string_literal};
use crate::emit::order::{self, Order};
use crate::emit::prettier;
use crate::emit::syntax::{Decl, Expr, Function, Param, Stmt, TypeExpr};
use crate::emit::typing::{Mode, Printer};
use crate::ir::names::{ChannelNames, CHANNELS_REEXPORTS};
use crate::ir::{Channel, Ir};

#[derive(Template)]
#[template(path = "channels.ts", escape = "none")]
pub struct ChannelsTs {
    header: &'static str,
    imports: Vec<String>,
    /// `export { ... } from "./runtime/channels";`, laid out.
    reexport: String,
    /// One hook per channel, laid out.
    channels: Vec<String>,
}

pub fn channels_ts(ir: &Ir, order: &Order<'_>) -> ChannelsTs {
    let printer = Printer::new(ir, "T.");
    let mut uses_types = false;
    let channels: Vec<String> = order
        .channels
        .iter()
        .map(|ch| {
            let (decl, mentions) = channel_hook(&printer, ch);
            uses_types |= mentions;
            prettier::format(&decl)
        })
        .collect();
    let sends = ir.channels.iter().any(|c| c.client_message.is_some());
    let listens = ir.channels.iter().any(|c| c.client_message.is_none());
    let runtime = order::import_names(
        [
            ("useChannel", sends),
            ("type ChannelWithSend", sends),
            ("useChannelMessages", listens),
            ("type ChannelState", listens),
            ("type ChannelOptions", true),
        ]
        .into_iter()
        .filter_map(|(name, used)| used.then_some(name)),
    );
    let mut imports = vec![Decl::import(&runtime, "./runtime/channels", false)];
    if uses_types {
        imports.push(Decl::import_types("./types"));
    }
    ChannelsTs {
        header: HEADER,
        imports: imports.iter().map(prettier::format).collect(),
        reexport: super::reexport(CHANNELS_REEXPORTS, "./runtime/channels", order),
        channels,
    }
}

/// A channel's hook, and whether its types refer to `types.ts`.
fn channel_hook(printer: &Printer<'_>, ch: &Channel) -> (Decl, bool) {
    let message = printer.expr(&ch.server_message, Mode::Output);
    let params = printer.expr(&ch.params, Mode::Input);
    let mut mentions = message.mentions("T.") || params.mentions("T.");
    let (returns, helper) = match &ch.client_message {
        Some(m) => {
            let client = printer.expr(m, Mode::Input);
            mentions |= client.mentions("T.");
            (
                TypeExpr::generic("ChannelWithSend", vec![message, client]),
                "useChannel",
            )
        }
        None => (
            TypeExpr::generic("ChannelState", vec![message]),
            "useChannelMessages",
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
        name: ChannelNames::new(&ch.ident).hook,
        params: vec![
            Param::new("params", params),
            Param::new("options?", TypeExpr::reference("ChannelOptions")),
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
