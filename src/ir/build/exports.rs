//! The names the generated client exports: every item claims its identifiers once (through
//! [`names`]), a name reserved by the generated files or claimed by two items is reported, and the
//! named types then get identifiers that collide with none of them.

use std::collections::BTreeSet;

use indexmap::IndexMap;

use crate::diagnostics::{self, Diagnostic};
use crate::ir::names::Framework;
use crate::ir::{names, Channel, Context, Form, Function};
use crate::span::Span;

/// Claims every exported name, reporting reserved and colliding ones, and returns the
/// identifiers of the named types (`type_names` is `components.schemas`' keys, in order, and
/// `type_spans` their spans). A type whose identifier had to be suffixed is reported with a
/// warning naming what holds the name. The names are `framework`'s: two items may share a name
/// in one framework and not in another.
#[allow(clippy::too_many_arguments)]
pub(super) fn type_idents(
    diags: &mut Vec<Diagnostic>,
    framework: Framework,
    type_names: &[&str],
    type_spans: &[Span],
    functions: &[Function],
    contexts: &[Context],
    forms: &[Form],
    channels: &[Channel],
) -> Vec<String> {
    // Every exported name the generated client will have, with who generates it.
    let mut api: IndexMap<String, (String, Span)> = IndexMap::new();
    // The names the generated files use for themselves come first; an item generating one
    // of them is refused, since it would redeclare it.
    let reserved: BTreeSet<&str> = names::reserved_api_names(framework).collect();
    // The module-level names that generated files declare without exporting them: items must
    // not share them, schemas (in `types.ts`) may.
    let mut private: BTreeSet<String> = BTreeSet::new();
    let mut claim = |diags: &mut Vec<Diagnostic>, ident: String, owner: String, span: Span| {
        if reserved.contains(ident.as_str()) {
            diags.push(diagnostics::name_reserved(span, &ident, &owner));
            return;
        }
        if let Some((first_owner, first_span)) = api.get(&ident) {
            if *first_owner != owner {
                diags.push(diagnostics::name_collision(
                    span,
                    *first_span,
                    &ident,
                    first_owner,
                    &owner,
                ));
            }
            return;
        }
        api.insert(ident, (owner, span));
    };
    for c in contexts {
        let owner = format!("context `{}`", c.wire_name);
        let n = names::ContextNames::of(&c.ident, framework);
        for ident in n.all() {
            claim(diags, ident.to_owned(), owner.clone(), c.span);
        }
        private.insert(n.binding);
    }
    for f in functions.iter().filter(|f| !f.private) {
        let owner = format!("function `{}`", f.wire_name);
        for ident in names::FunctionNames::of(&f.ident, framework).exported(f.role()) {
            claim(diags, ident.to_owned(), owner.clone(), f.span);
        }
    }
    for form in forms {
        let owner = format!("form `{}`", form.wire_name);
        let n = names::FormNames::of(&form.ident, framework);
        for ident in n.all() {
            claim(diags, ident.to_owned(), owner.clone(), form.span);
        }
        private.extend([n.fields, n.initial]);
    }
    for ch in channels {
        let n = names::ChannelNames::of(&ch.ident, framework);
        for ident in [n.hook, n.subscribe] {
            claim(diags, ident, format!("channel `{}`", ch.wire_name), ch.span);
        }
    }
    let taken: BTreeSet<String> = api
        .keys()
        .filter(|k| !private.contains(*k))
        .cloned()
        .collect();
    let (idents, renamed) = names::assign_type_idents(type_names, &taken);
    for r in renamed {
        let (held_by, other) = match r.held_by {
            names::HeldBy::Reserved => ("a reserved word of TypeScript".to_owned(), None),
            names::HeldBy::Api => {
                let (owner, span) = &api[&r.base];
                (format!("generated for {owner}"), Some(*span))
            }
            names::HeldBy::Schema(j) => (
                format!("the identifier of schema `{}`", type_names[j]),
                Some(type_spans[j]),
            ),
        };
        diags.push(diagnostics::name_renamed(
            type_spans[r.index],
            type_names[r.index],
            &idents[r.index],
            &r.base,
            &held_by,
            other,
        ));
    }
    idents
}
