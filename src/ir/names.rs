//! The identifiers generated code gives to schema items, decided once, here.
//!
//! Rules (also in docs/PROTOCOL.md, "Names"):
//! - Functions, contexts, forms and channels get a PascalCase *stem* from their wire name
//!   (`contact.submit` → `ContactSubmit`, `user` → `User`); generated names are built from it
//!   (`callContactSubmit`, `useUserContext`). A stem starting with a digit gets a `_` prefix.
//!   Two items whose generated names coincide are an error, never renamed: those names are the
//!   client's public API.
//! - Schemas keep their component name when it is a valid identifier and not taken; otherwise
//!   dashes, dots and other separators are removed with the next letter upper-cased
//!   (`TreeNode-Input` → `TreeNodeInput`). Names that are already identifiers are claimed first,
//!   then the rest in name order (never document order: output must not depend on key order); a name that is a reserved word, one of the generated API
//!   names, a kernel export, or already claimed gets the lowest free numeric suffix (`Record2`
//!   is never produced for `Record`: TypeScript globals are handled by the emitter, see
//!   ARCHITECTURE.md).

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;

/// Words that cannot name a type or a binding in TypeScript (strict mode, modules), plus the
/// built-in type names that a type alias may not take.
pub const RESERVED: &[&str] = &[
    "any",
    "as",
    "await",
    "bigint",
    "boolean",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "declare",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "infer",
    "instanceof",
    "interface",
    "is",
    "keyof",
    "let",
    "never",
    "new",
    "null",
    "number",
    "object",
    "package",
    "private",
    "protected",
    "public",
    "readonly",
    "return",
    "satisfies",
    "static",
    "string",
    "super",
    "switch",
    "symbol",
    "this",
    "throw",
    "true",
    "try",
    "type",
    "typeof",
    "undefined",
    "unique",
    "unknown",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// Names the React layer exports (re-exported by `index.ts`); a schema may not take them.
pub const STAGE2_EXPORTS: &[&str] = &[
    "ChannelState",
    "ChannelStatus",
    "ChannelWithSend",
    "ContextValue",
    "FieldsOf",
    "FormField",
    "FormFieldError",
    "FormState",
    "MizanContext",
    "MizanContextProps",
    "MutateOptions",
    "MutationState",
    "ProviderProps",
    "useMizan",
];

/// The generated files' own helpers, which are not exported: no generated name may take them.
pub const FILE_HELPERS: &[&str] = &[
    "Merge",
    "REQUIRED",
    "createHandle",
    "fieldSchema",
    "formSchema",
    "merge",
    "provide",
    "useChannel",
    "useChannelMessages",
    "useForm",
    "useHandle",
    "useMutation",
    "useRegistered",
];

/// Names the generated files export from the kernel; a schema may not take them.
pub const KERNEL_EXPORTS: &[&str] = &[
    "CallOptions",
    "ChannelListener",
    "ChannelSubscription",
    "ContextHandle",
    "ContextObserver",
    "ContextState",
    "ContextStatus",
    "MizanConfig",
    "MizanError",
    "MizanTransport",
    "configure",
    "disconnect",
    "hydrate",
    "initSession",
    "invalidate",
    "mizanCall",
    "mizanFetch",
    "observeContext",
    "registerContext",
    "spliceSlot",
    "stableKey",
    "subscribeChannel",
];

pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c == '$' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c == '$' || c.is_alphanumeric())
}

/// The PascalCase stem of a function, context, form or channel name; `None` when the name has
/// no letter or digit to build one from.
pub fn stem(wire_name: &str) -> Option<String> {
    let pascal = wire_name.to_upper_camel_case();
    let cleaned: String = pascal.chars().filter(|c| c.is_alphanumeric()).collect();
    match cleaned.chars().next() {
        None => None,
        Some(c) if c.is_ascii_digit() => Some(format!("_{cleaned}")),
        Some(_) => Some(cleaned),
    }
}

/// The camelCase form of a stem (`ProfilePage` → `profilePage`), for value names built from it.
pub fn lower_first(stem: &str) -> String {
    let mut chars = stem.chars();
    match chars.next() {
        Some('_') => stem.to_owned(),
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A schema name made into an identifier, before collisions are considered.
pub fn type_ident_base(wire_name: &str) -> String {
    if is_identifier(wire_name) {
        return wire_name.to_owned();
    }
    let mut out = String::with_capacity(wire_name.len());
    let mut upper_next = false;
    for c in wire_name.chars() {
        if c == '_' || c == '$' || c.is_alphanumeric() {
            if upper_next {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            upper_next = false;
        } else {
            upper_next = !out.is_empty();
        }
    }
    match out.chars().next() {
        None => "Schema".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("_{out}"),
        Some(_) => out,
    }
}

/// Assigns identifiers to schema names (in document order) that avoid each other and every name
/// in `taken`.
pub fn assign_type_idents(wire_names: &[&str], taken: &BTreeSet<String>) -> Vec<String> {
    let mut used: BTreeSet<String> = taken.clone();
    used.extend(RESERVED.iter().map(|s| (*s).to_owned()));
    used.extend(KERNEL_EXPORTS.iter().map(|s| (*s).to_owned()));
    used.extend(STAGE2_EXPORTS.iter().map(|s| (*s).to_owned()));
    let mut out: Vec<Option<String>> = vec![None; wire_names.len()];
    // First pass: names that are already identifiers keep them when free.
    for (slot, name) in out.iter_mut().zip(wire_names) {
        if is_identifier(name) && used.insert((*name).to_owned()) {
            *slot = Some((*name).to_owned());
        }
    }
    // Second pass: everything else, in name order, so that the result does not depend on the
    // order of the document's keys.
    let mut rest: Vec<usize> = (0..wire_names.len())
        .filter(|&i| out[i].is_none())
        .collect();
    rest.sort_by_key(|&i| wire_names[i]);
    for i in rest {
        let (slot, name) = (&mut out[i], wire_names[i]);
        {
            let base = type_ident_base(name);
            let mut candidate = base.clone();
            let mut n = 2;
            while !used.insert(candidate.clone()) {
                candidate = format!("{base}{n}");
                n += 1;
            }
            *slot = Some(candidate);
        }
    }
    out.into_iter().map(Option::unwrap_or_default).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        assert_eq!(stem("contact.submit").as_deref(), Some("ContactSubmit"));
        assert_eq!(stem("user_profile").as_deref(), Some("UserProfile"));
        assert_eq!(stem("2fa_verify").as_deref(), Some("_2faVerify"));
        assert_eq!(stem("ws_whoami").as_deref(), Some("WsWhoami"));
        assert_eq!(stem("..."), None);
        assert_eq!(stem(""), None);
    }

    #[test]
    fn type_idents_are_identifiers_and_unique() {
        let names = [
            "TreeNode-Input",
            "TreeNodeInput",
            "delete",
            "2FA",
            "a.b.c",
            "MizanError",
            "-",
        ];
        let taken = BTreeSet::from(["UserContextData".to_owned()]);
        let idents = assign_type_idents(&names, &taken);
        assert_eq!(
            idents,
            [
                "TreeNodeInput2",
                "TreeNodeInput",
                "delete2",
                "_2FA",
                "aBC",
                "MizanError2",
                "Schema"
            ]
        );
        assert!(idents.iter().all(|i| is_identifier(i)));
    }

    #[test]
    fn generated_api_names_win_over_schema_names() {
        let idents = assign_type_idents(
            &["UserContextData"],
            &BTreeSet::from(["UserContextData".to_owned()]),
        );
        assert_eq!(idents, ["UserContextData2"]);
    }
}
