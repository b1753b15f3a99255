//! The order of everything in generated files, decided here and nowhere else.
//!
//! The IR keeps the document's order (its snapshots show it); output never depends on it, so
//! that neither hash order nor the input's key order reaches a generated file. [`Order`] holds
//! the IR's top-level items in output order, built once per generation; the functions below
//! order the lists inside an item. Every sort is stable, and every key is documented where it is
//! applied:
//!
//! - named types and contexts: by identifier (a context's file name follows its identifier);
//! - functions, channels, forms, properties, arguments, context params, form fields in a form's
//!   data type: by wire name;
//! - discriminator tags: by their text;
//! - imported names: values, then types, each by name ignoring case;
//! - files: by path.
//!
//! Some lists keep the document's order on purpose, because their order is their meaning: a
//! form's field list (the order to render fields in), tuple items, enum values and union
//! variants, a route's segments, a merge's scope arguments.

use std::collections::BTreeSet;

use crate::emit::file::GeneratedFile;
use crate::ir::{
    Arg, Channel, Context, ContextParam, Form, FormField, Function, Ir, ObjectType, Property,
    TypeDef,
};

/// The IR's items in output order.
pub struct Order<'ir> {
    /// Named types that reach output, each with its index in [`Ir::types`], by identifier.
    pub types: Vec<(usize, &'ir TypeDef)>,
    /// Contexts by identifier.
    pub contexts: Vec<OrderedContext<'ir>>,
    /// Public functions by wire name.
    pub functions: Vec<&'ir Function>,
    /// Channels by wire name.
    pub channels: Vec<&'ir Channel>,
    /// Forms by wire name.
    pub forms: Vec<&'ir Form>,
}

/// A context with its lists in output order.
pub struct OrderedContext<'ir> {
    pub context: &'ir Context,
    /// The functions that fill its bundle (its public members), by wire name: the bundle's slot
    /// order.
    pub slots: Vec<&'ir Function>,
    /// Its params by wire name.
    pub params: Vec<&'ir ContextParam>,
}

impl<'ir> Order<'ir> {
    /// The identifiers `types.ts` declares.
    pub fn type_idents(&self) -> BTreeSet<&'ir str> {
        self.types.iter().map(|(_, t)| t.ident.as_str()).collect()
    }

    pub fn new(ir: &'ir Ir) -> Order<'ir> {
        let types = by_key(
            ir.types.iter().enumerate().filter(|(_, t)| t.reachable),
            |(_, t)| t.ident.as_str(),
        );
        let contexts = by_key(ir.contexts.iter(), |c| c.ident.as_str())
            .into_iter()
            .map(|context| OrderedContext {
                context,
                slots: by_key(
                    context
                        .functions
                        .iter()
                        .map(|id| ir.function(*id))
                        .filter(|f| !f.private),
                    |f| f.wire_name.as_str(),
                ),
                params: by_key(context.params.iter(), |p| p.wire_name.as_str()),
            })
            .collect();
        Order {
            types,
            contexts,
            functions: by_key(ir.public_functions(), |f| f.wire_name.as_str()),
            channels: by_key(ir.channels.iter(), |c| c.wire_name.as_str()),
            forms: by_key(ir.forms.iter(), |f| f.wire_name.as_str()),
        }
    }
}

/// An object type's properties by wire name.
pub fn properties(o: &ObjectType) -> Vec<&Property> {
    by_key(o.properties.iter(), |p| p.wire_name.as_str())
}

/// A function's arguments by wire name.
pub fn args(f: &Function) -> Vec<&Arg> {
    by_key(f.args.iter(), |a| a.wire_name.as_str())
}

/// A form's fields by wire name, as its data type and initial values list them (its field list
/// keeps the form's order).
pub fn form_fields(form: &Form) -> Vec<&FormField> {
    by_key(form.fields.iter(), |f| f.wire_name.as_str())
}

/// Discriminator tags by their text.
pub fn tags<'a>(tags: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    by_key(tags, |t| *t)
}

/// Names imported from one module: values, then types (`type X`), each by name ignoring case.
pub fn import_names<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Vec<String> {
    let mut names: Vec<String> = names.into_iter().map(|n| n.as_ref().to_owned()).collect();
    names.sort_by_cached_key(|n| (n.starts_with("type "), n.to_lowercase()));
    names
}

/// Generated files by path.
pub fn files(files: &mut [GeneratedFile]) {
    files.sort_by(|a, b| a.path.cmp(&b.path));
}

/// `items` sorted by `key`, stably.
fn by_key<T>(items: impl IntoIterator<Item = T>, key: impl Fn(&T) -> &str) -> Vec<T> {
    let mut items: Vec<T> = items.into_iter().collect();
    items.sort_by(|a, b| key(a).cmp(key(b)));
    items
}
