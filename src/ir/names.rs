//! The identifiers generated code gives to schema items, decided once, here.
//!
//! Rules (also in docs/PROTOCOL.md, "Names"):
//! - Functions, contexts, forms and channels get a PascalCase *stem* from their wire name
//!   (`contact.submit` → `ContactSubmit`, `user` → `User`); generated names are built from it
//!   (`callContactSubmit`, `useUserContext`). A stem starting with a digit gets a `_` prefix.
//!   Two items whose generated names coincide are an error, never renamed: those names are the
//!   client's public API.
//! - Schemas keep their component name when it is a valid identifier; otherwise
//!   dashes, dots and other separators are removed with the next letter upper-cased
//!   (`TreeNode-Input` → `TreeNodeInput`). Names that are already identifiers are claimed first,
//!   then the rest in name order (never document order: output must not depend on key order).
//!   A name that is a reserved word, a name generated for an item, or already claimed by
//!   another schema gets the lowest free numeric suffix, and the caller warns about it. Runtime
//!   exports (`FormField`, `MizanError`) are no reason: the generated files refer to schemas as
//!   `T.<Name>` and leave such names out of their re-exports ([`public_reexports`]); TypeScript
//!   globals (`Record`, `Date`) are no reason either (see ARCHITECTURE.md).

use std::collections::{BTreeMap, BTreeSet};

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

/// What `react.tsx` re-exports from the React runtime (`runtime/react.tsx`); `type ` marks a
/// type-only export. A test ties these lists to the runtime modules' real exports.
pub const REACT_REEXPORTS: &[&str] = &[
    "MizanContext",
    "useMizan",
    "type ContextBinding",
    "type Merge",
    "type MizanContextProps",
    "type MutateOptions",
    "type MutationState",
    "type ProviderProps",
    "type QueryHookOptions",
];

/// What `vue.ts` re-exports from the Vue runtime (`runtime/vue.ts`).
pub const VUE_REEXPORTS: &[&str] = &[
    "MizanPlugin",
    "useMizan",
    "type ContextBinding",
    "type Merge",
    "type MizanPluginOptions",
    "type MutateOptions",
    "type MutationState",
    "type QueryHookOptions",
];

/// What `svelte.svelte.ts` re-exports from the Svelte runtime (`runtime/svelte.svelte.ts`).
pub const SVELTE_REEXPORTS: &[&str] = &[
    "getMizan",
    "setMizanContext",
    "type ContextBinding",
    "type Merge",
    "type MizanContextOptions",
    "type MutateOptions",
    "type MutationState",
    "type QueryOptions",
];

/// What `forms.ts` re-exports from `runtime/forms.ts` (React), and Vue's `forms.ts` and
/// Svelte's `forms.svelte.ts` from `runtime/form-core.ts`.
pub const FORMS_REEXPORTS: &[&str] = &[
    "readFieldErrors",
    "type FieldsOf",
    "type FormErrors",
    "type FormField",
    "type FormFieldError",
    "type FormState",
];

/// What `channels.ts` re-exports from `runtime/channels.ts` (React), and Vue's `channels.ts`
/// and Svelte's `channels.svelte.ts` from `runtime/channel-core.ts`.
pub const CHANNELS_REEXPORTS: &[&str] = &[
    "type ChannelOptions",
    "type ChannelState",
    "type ChannelWithSend",
];

/// What Vue's `channels.ts` re-exports from `runtime/vue-channels.ts`, besides the core's.
pub const VUE_CHANNELS_REEXPORTS: &[&str] = &["type VueChannelOptions"];

/// What Svelte's `channels.svelte.ts` re-exports from `runtime/channels.svelte.ts`, besides
/// the core's.
pub const SVELTE_CHANNELS_REEXPORTS: &[&str] = &["type SvelteChannelOptions"];

/// The runtime names React's generated files import for their own use without exporting them
/// (and `T`, the types namespace): no generated name may take them.
pub const FILE_HELPERS: &[&str] = &[
    "InfiniteData",
    "T",
    "UseInfiniteQueryResult",
    "UseQueryResult",
    "UseSuspenseInfiniteQueryResult",
    "contextQuery",
    "defineContext",
    "formSchema",
    "functionQuery",
    "merge",
    "useChannel",
    "useChannelMessages",
    "useForm",
    "useMizanInfiniteQuery",
    "useMizanMutation",
    "useMizanQuery",
    "useSuspenseMizanInfiniteQuery",
];

/// [`FILE_HELPERS`] of the Vue files.
pub const VUE_FILE_HELPERS: &[&str] = &[
    "ComputedRef",
    "InfiniteData",
    "MaybeRefOrGetter",
    "T",
    "UseInfiniteQueryReturnType",
    "UseQueryReturnType",
    "contextQuery",
    "defineContext",
    "formSchema",
    "functionQuery",
    "merge",
    "useChannel",
    "useChannelMessages",
    "useForm",
    "useMizanInfiniteQuery",
    "useMizanMutation",
    "useMizanQuery",
];

/// [`FILE_HELPERS`] of the Svelte files.
pub const SVELTE_FILE_HELPERS: &[&str] = &[
    "CreateInfiniteQueryResult",
    "CreateQueryResult",
    "InfiniteData",
    "T",
    "contextQuery",
    "createChannel",
    "createChannelMessages",
    "createForm",
    "createMizanInfiniteQuery",
    "createMizanMutation",
    "createMizanQuery",
    "defineContext",
    "formSchema",
    "functionQuery",
    "merge",
];

/// Everything `server.ts` re-exports with `export *` from the kernel and `runtime/query.ts`;
/// a schema may not take these names. Kept equal to the modules' exports by a test.
pub const KERNEL_EXPORTS: &[&str] = &[
    "CachedQuery",
    "CallEnvelope",
    "CallOptions",
    "ChannelListener",
    "ChannelStatus",
    "ChannelSubscription",
    "ClientOptions",
    "ContextKey",
    "ContextQueryOptions",
    "Effects",
    "EffectTarget",
    "FunctionInfiniteQueryOptions",
    "FunctionKey",
    "FunctionQueryOptions",
    "InfiniteKey",
    "InfinitePages",
    "Invalidation",
    "Merge",
    "MergeEntry",
    "MizanClient",
    "MizanConfig",
    "MizanError",
    "MizanQueryOptions",
    "MizanTransport",
    "MutateOptions",
    "ObserverSettings",
    "Params",
    "QueryFnContext",
    "RequestOptions",
    "SubscribeChannelOptions",
    "SubscribeOptions",
    "asMizanError",
    "configure",
    "contextKey",
    "contextQuery",
    "createMizanClient",
    "defaultClient",
    "disconnect",
    "effectApplier",
    "functionInfiniteQuery",
    "functionKey",
    "functionQuery",
    "hydrate",
    "infiniteKey",
    "initSession",
    "merge",
    "mizanCall",
    "mizanFetch",
    "mutationOptions",
    "observerOptions",
    "pickParams",
    "queryString",
    "spliceOptimistic",
    "stableKey",
    "subscribeChannel",
];

/// A re-export entry's name, without its `type ` marker.
pub fn export_name(entry: &str) -> &str {
    entry.strip_prefix("type ").unwrap_or(entry)
}

/// Every name the framework's generated files declare or import for themselves: an item
/// generating one of them is refused.
pub fn reserved_api_names(framework: Framework) -> impl Iterator<Item = &'static str> {
    framework
        .reexports()
        .names()
        .chain(KERNEL_EXPORTS.iter().copied())
        .chain(framework.file_helpers().iter().copied())
}

/// A stem after a prefix (`use`, `call`, `fetch`, `subscribe`): without the `_` that only keeps
/// a leading digit from starting an identifier, so `2fa_verify` gives `use2faVerify`, which
/// React's rules of hooks recognise (`use` then a capital or a digit).
fn prefixed(stem: &str) -> &str {
    match stem.strip_prefix('_') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => stem,
    }
}

/// The framework layer a generation writes (`[output] framework`, `--framework`): which
/// binding files are emitted and so which names the client exports. `None` is Stage 1 only; its
/// names are checked as React's, so that turning React on later renames nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, PartialOrd, Ord)]
pub enum Framework {
    #[default]
    React,
    Vue,
    Svelte,
    None,
}

impl Framework {
    /// Every framework, in the order `--help` and diagnostics list them.
    pub const ALL: [Framework; 4] = [
        Framework::React,
        Framework::Vue,
        Framework::Svelte,
        Framework::None,
    ];

    /// The value `[output] framework` and `--framework` take.
    pub fn name(self) -> &'static str {
        match self {
            Framework::React => "react",
            Framework::Vue => "vue",
            Framework::Svelte => "svelte",
            Framework::None => "none",
        }
    }

    pub fn from_name(name: &str) -> Option<Framework> {
        Framework::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether a framework layer (and with it the query factories) is written.
    pub fn has_layer(self) -> bool {
        self != Framework::None
    }

    /// The framework whose names the collision check claims: `None` checks React's.
    fn naming(self) -> Framework {
        if self == Framework::None {
            Framework::React
        } else {
            self
        }
    }

    /// The verb of hooks that create something: `use` (React, Vue), `create` (Svelte).
    fn verb(self) -> &'static str {
        if self == Framework::Svelte {
            "create"
        } else {
            "use"
        }
    }

    /// What the framework's binding, forms and channels files re-export, each as the
    /// runtime modules it re-exports from with their lists.
    pub fn reexports(self) -> Reexports {
        match self.naming() {
            Framework::Vue => Reexports {
                binding: &[("./runtime/vue", VUE_REEXPORTS)],
                forms: &[("./runtime/form-core", FORMS_REEXPORTS)],
                channels: &[
                    ("./runtime/channel-core", CHANNELS_REEXPORTS),
                    ("./runtime/vue-channels", VUE_CHANNELS_REEXPORTS),
                ],
            },
            Framework::Svelte => Reexports {
                binding: &[("./runtime/svelte.svelte", SVELTE_REEXPORTS)],
                forms: &[("./runtime/form-core", FORMS_REEXPORTS)],
                channels: &[
                    ("./runtime/channel-core", CHANNELS_REEXPORTS),
                    ("./runtime/channels.svelte", SVELTE_CHANNELS_REEXPORTS),
                ],
            },
            _ => Reexports {
                binding: &[("./runtime/react", REACT_REEXPORTS)],
                forms: &[("./runtime/forms", FORMS_REEXPORTS)],
                channels: &[("./runtime/channels", CHANNELS_REEXPORTS)],
            },
        }
    }

    /// The runtime names the framework's generated files import for their own use.
    pub fn file_helpers(self) -> &'static [&'static str] {
        match self.naming() {
            Framework::Vue => VUE_FILE_HELPERS,
            Framework::Svelte => SVELTE_FILE_HELPERS,
            _ => FILE_HELPERS,
        }
    }
}

/// A file's re-exports: each runtime module with the names re-exported from it.
pub type ReexportList = &'static [(&'static str, &'static [&'static str])];

/// What a framework's generated files re-export from the runtime.
#[derive(Debug, Clone, Copy)]
pub struct Reexports {
    pub binding: ReexportList,
    pub forms: ReexportList,
    pub channels: ReexportList,
}

impl Reexports {
    /// Every name re-exported, without `type ` markers.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        [self.binding, self.forms, self.channels]
            .into_iter()
            .flatten()
            .flat_map(|(_, list)| list.iter())
            .map(|e| export_name(e))
    }
}

/// The exported names generated for one context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextNames {
    /// What provides the bundle: `<UserContext user_id={5}>` (React),
    /// `provideUserContext(params)` (Vue), `setUserContext(() => params)` (Svelte).
    pub provider: String,
    /// `UserContextProvider`, an alias of the provider (React).
    pub provider_alias: Option<String>,
    /// `UserContextProps`, the provider's props (React).
    pub props: Option<String>,
    pub data: String,
    pub params: String,
    /// `useUserContext()` (`getUserContext()` in Svelte): the bundle's query result.
    pub use_context: String,
    /// `fetchUserContext(params, options?)`.
    pub fetch: String,
    /// `userContextQuery(params, client?)`: the bundle's query options.
    pub query: String,
    /// The module-level binding the framework layer's hooks share (not exported).
    pub binding: String,
}

impl ContextNames {
    /// React's names.
    pub fn new(stem: &str) -> Self {
        Self::of(stem, Framework::React)
    }

    pub fn of(stem: &str, framework: Framework) -> Self {
        let camel = lower_first(stem);
        let bare = prefixed(stem);
        let react = framework.naming() == Framework::React;
        let (provider, use_context) = match framework.naming() {
            Framework::Vue => (format!("provide{bare}Context"), format!("use{bare}Context")),
            Framework::Svelte => (format!("set{bare}Context"), format!("get{bare}Context")),
            _ => (format!("{stem}Context"), format!("use{bare}Context")),
        };
        ContextNames {
            provider,
            provider_alias: react.then(|| format!("{stem}ContextProvider")),
            props: react.then(|| format!("{stem}ContextProps")),
            data: format!("{stem}ContextData"),
            params: format!("{stem}ContextParams"),
            use_context,
            fetch: format!("fetch{bare}Context"),
            query: format!("{camel}ContextQuery"),
            binding: format!("{camel}Binding"),
        }
    }

    /// Every name generated for the context, the binding included.
    pub fn all(&self) -> Vec<&str> {
        let mut all = vec![self.provider.as_str()];
        all.extend(self.provider_alias.as_deref());
        all.extend(self.props.as_deref());
        all.extend([
            self.data.as_str(),
            &self.params,
            &self.use_context,
            &self.fetch,
            &self.query,
            &self.binding,
        ]);
        all
    }
}

/// The exported names generated for one function; which of them exist depends on its kind
/// (`FunctionNames::exported`) and on the framework.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionNames {
    /// `callEcho(args, options?)`.
    pub call: String,
    /// `useEcho()`: a mutation hook (`createEcho()` in Svelte).
    pub hook: String,
    /// `useUserProfile()`: a context slot's value (`getUserProfile()` in Svelte).
    pub slot: String,
    /// `useUserProfileQuery()`: a context slot's query result (`getUserProfileQuery()` in
    /// Svelte).
    pub slot_query: String,
    /// `useEchoQuery(args)` for a plain read (`createEchoQuery(() => args)` in Svelte).
    pub use_query: String,
    /// `useSuspenseUserProfile()` for a slot (React and Vue).
    pub use_suspense: Option<String>,
    /// `echoQuery(args, client?)`: query options of a plain read.
    pub query: String,
    /// `profilePageUrl(args)` for a view path.
    pub url: String,
    /// `orderHistoryInfiniteQuery(args, pages, client?)`: infinite query options of a paged read.
    pub infinite_query: String,
    /// `useOrderHistoryInfiniteQuery(args, pages, options?)`
    /// (`createOrderHistoryInfiniteQuery` in Svelte).
    pub use_infinite: String,
    /// Its Suspense twin (React).
    pub use_suspense_infinite: Option<String>,
}

/// Which generated names a function has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionRole {
    /// A context function: its slot hooks.
    Slot,
    /// A plain function that can be read as a query (not an upload).
    PlainRead,
    /// A plain read with a paging argument: also an infinite query.
    PagedRead,
    /// A mutation, or a plain upload.
    Call,
    ViewPath,
}

impl FunctionNames {
    /// React's names.
    pub fn new(stem: &str) -> Self {
        Self::of(stem, Framework::React)
    }

    pub fn of(stem: &str, framework: Framework) -> Self {
        let camel = lower_first(stem);
        let bare = prefixed(stem);
        let framework = framework.naming();
        let (get, create) = match framework {
            Framework::Svelte => ("get", "create"),
            _ => ("use", "use"),
        };
        FunctionNames {
            call: format!("call{bare}"),
            hook: format!("{create}{bare}"),
            slot: format!("{get}{bare}"),
            slot_query: format!("{get}{bare}Query"),
            use_query: format!("{create}{bare}Query"),
            use_suspense: (framework != Framework::Svelte).then(|| format!("useSuspense{bare}")),
            query: format!("{camel}Query"),
            url: format!("{camel}Url"),
            infinite_query: format!("{camel}InfiniteQuery"),
            use_infinite: format!("{create}{bare}InfiniteQuery"),
            use_suspense_infinite: (framework == Framework::React)
                .then(|| format!("useSuspense{bare}InfiniteQuery")),
        }
    }

    /// The names a function of this role exports.
    pub fn exported(&self, role: FunctionRole) -> Vec<&str> {
        let mut names: Vec<&str> = match role {
            FunctionRole::Slot => vec![&self.slot, &self.slot_query],
            FunctionRole::PlainRead => vec![&self.call, &self.hook, &self.use_query, &self.query],
            FunctionRole::PagedRead => vec![
                &self.call,
                &self.hook,
                &self.use_query,
                &self.query,
                &self.infinite_query,
                &self.use_infinite,
            ],
            FunctionRole::Call => vec![&self.call, &self.hook],
            FunctionRole::ViewPath => vec![&self.url],
        };
        match role {
            FunctionRole::Slot => names.extend(self.use_suspense.as_deref()),
            FunctionRole::PagedRead => names.extend(self.use_suspense_infinite.as_deref()),
            _ => {}
        }
        names
    }
}

/// The names generated for one form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormNames {
    pub hook: String,
    pub data: String,
    pub schema: String,
    /// Module-level constants of `forms.ts` (not exported).
    pub fields: String,
    pub initial: String,
}

impl FormNames {
    /// React's names.
    pub fn new(stem: &str) -> Self {
        Self::of(stem, Framework::React)
    }

    /// `useContactForm()`, `createContactForm()` in Svelte.
    pub fn of(stem: &str, framework: Framework) -> Self {
        let camel = lower_first(stem);
        let bare = prefixed(stem);
        FormNames {
            hook: format!("{}{bare}Form", framework.naming().verb()),
            data: format!("{stem}FormData"),
            schema: format!("{camel}FormSchema"),
            fields: format!("{camel}FormFields"),
            initial: format!("{camel}FormInitial"),
        }
    }

    pub fn all(&self) -> [&str; 5] {
        [
            &self.hook,
            &self.data,
            &self.schema,
            &self.fields,
            &self.initial,
        ]
    }
}

/// The names generated for one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelNames {
    pub hook: String,
    pub subscribe: String,
}

impl ChannelNames {
    /// React's names.
    pub fn new(stem: &str) -> Self {
        Self::of(stem, Framework::React)
    }

    /// `useChatChannel(params)`, `createChatChannel(() => params)` in Svelte.
    pub fn of(stem: &str, framework: Framework) -> Self {
        let bare = prefixed(stem);
        ChannelNames {
            hook: format!("{}{bare}Channel", framework.naming().verb()),
            subscribe: format!("subscribe{bare}Channel"),
        }
    }
}

/// Whether `c` may start an identifier: `$`, `_`, or a character with Unicode's `ID_Start`
/// (XID, its normalisation-stable subset, which is what `unicode-ident` answers for).
pub fn is_identifier_start(c: char) -> bool {
    c == '$' || c == '_' || unicode_ident::is_xid_start(c)
}

/// Whether `c` may continue an identifier: `$`, `ID_Continue` (digits, `_`, combining marks),
/// and the zero-width joiners ECMAScript allows.
pub fn is_identifier_part(c: char) -> bool {
    c == '$' || c == '\u{200c}' || c == '\u{200d}' || unicode_ident::is_xid_continue(c)
}

/// Whether `s` is an ECMAScript IdentifierName (reserved words included: they are property
/// names). Not Rust's `is_alphanumeric`: `x²` and `٣d` are alphanumeric but no identifiers.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(is_identifier_start) && chars.all(is_identifier_part)
}

/// The names every JavaScript object already answers to: `__proto__` (which an object literal
/// cannot even hold as a key: `{__proto__: x}` sets the prototype) and `Object.prototype`'s
/// members. A form field, argument or param of one of these names would read as set when it is
/// absent (`data.constructor` is `Object`), Zod would validate that member as its value, and
/// TypeScript refuses an object literal that leaves such an optional key out. `prototype` is
/// not among them: plain objects have no such member.
pub const OBJECT_MEMBERS: &[&str] = &[
    "__proto__",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
    "constructor",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "toString",
    "valueOf",
];

/// Whether a key name is one of [`OBJECT_MEMBERS`].
pub fn is_object_member(name: &str) -> bool {
    OBJECT_MEMBERS.contains(&name)
}

/// Whether a registered name (of a function, context, form or channel) has the shape every
/// Mizan backend registers: letters, digits, `_` and `.`, with at least one letter. Anything
/// else (spaces, dashes, quotes, comment markers) would reach generated strings and comments.
pub fn is_wire_name(name: &str) -> bool {
    name.chars().any(char::is_alphabetic)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
}

/// The PascalCase stem of a function, context, form or channel name; `None` when the name has
/// no letter or digit to build one from.
pub fn stem(wire_name: &str) -> Option<String> {
    let pascal = wire_name.to_upper_camel_case();
    let cleaned: String = pascal
        .chars()
        .filter(|&c| c != '_' && c != '$' && is_identifier_part(c))
        .collect();
    match cleaned.chars().next() {
        None => None,
        Some(c) if !is_identifier_start(c) => Some(format!("_{cleaned}")),
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
        if is_identifier_part(c) {
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
        Some(c) if !is_identifier_start(c) => format!("_{out}"),
        Some(_) => out,
    }
}

/// What holds the identifier a schema would have had, when it gets a suffixed one instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeldBy {
    /// A TypeScript reserved word or built-in type name ([`RESERVED`]).
    Reserved,
    /// A name the generated client exports for an item (`taken`).
    Api,
    /// Another schema, by index.
    Schema(usize),
}

/// A schema whose identifier is not the one its name asks for: `base` was held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    pub index: usize,
    pub base: String,
    pub held_by: HeldBy,
}

/// Assigns identifiers to schema names (in document order) that avoid each other, the reserved
/// words and every name in `taken` (the names generated for items). The runtime's exports are
/// not avoided: a schema keeps such a name and the generated files step aside (see
/// [`public_reexports`]). Every identifier that had to be suffixed is listed in the second
/// result, so the caller can say so.
pub fn assign_type_idents(
    wire_names: &[&str],
    taken: &BTreeSet<String>,
) -> (Vec<String>, Vec<Renamed>) {
    let holder = |ident: &str, schemas: &BTreeMap<String, usize>| {
        if let Some(&i) = schemas.get(ident) {
            Some(HeldBy::Schema(i))
        } else if RESERVED.contains(&ident) {
            Some(HeldBy::Reserved)
        } else if taken.contains(ident) {
            Some(HeldBy::Api)
        } else {
            None
        }
    };
    let mut schemas: BTreeMap<String, usize> = BTreeMap::new();
    let mut out: Vec<Option<String>> = vec![None; wire_names.len()];
    // First pass: names that are already identifiers keep them when free.
    for (i, name) in wire_names.iter().enumerate() {
        if is_identifier(name) && holder(name, &schemas).is_none() {
            schemas.insert((*name).to_owned(), i);
            out[i] = Some((*name).to_owned());
        }
    }
    // Second pass: everything else, in name order, so that the result does not depend on the
    // order of the document's keys.
    let mut rest: Vec<usize> = (0..wire_names.len())
        .filter(|&i| out[i].is_none())
        .collect();
    rest.sort_by_key(|&i| wire_names[i]);
    let mut renamed = Vec::new();
    for i in rest {
        let base = type_ident_base(wire_names[i]);
        let mut candidate = base.clone();
        let mut n = 2;
        while holder(&candidate, &schemas).is_some() {
            candidate = format!("{base}{n}");
            n += 1;
        }
        if let Some(held_by) = holder(&base, &schemas) {
            renamed.push(Renamed {
                index: i,
                base,
                held_by,
            });
        }
        schemas.insert(candidate.clone(), i);
        out[i] = Some(candidate);
    }
    renamed.sort_by_key(|r| r.index);
    (
        out.into_iter().map(Option::unwrap_or_default).collect(),
        renamed,
    )
}

/// A runtime module's re-export list without the names `types.ts` declares: a schema keeps its
/// name in the public API, and the runtime's export of that name stays importable from its own
/// module (`./runtime/forms`, `./kernel`...).
pub fn public_reexports<'a>(list: &[&'a str], type_idents: &BTreeSet<&str>) -> Vec<&'a str> {
    list.iter()
        .copied()
        .filter(|e| !type_idents.contains(export_name(e)))
        .collect()
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
    fn identifiers_are_what_typescript_accepts() {
        for ok in [
            "a",
            "_",
            "$",
            "café",
            "a1",
            "x\u{200d}y",
            "class",
            "__proto__",
        ] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in [
            "",
            "1a",
            "x²",
            "½",
            "٣d",
            "a-b",
            "a b",
            "a\u{2028}",
            "a*/",
            "\u{301}a",
        ] {
            assert!(!is_identifier(bad), "{bad}");
        }
        // Stems and schema identifiers start with `_` where the name cannot start one.
        assert_eq!(stem("x²_y").as_deref(), Some("XY"));
        assert_eq!(stem("٣_d").as_deref(), Some("_٣D"));
        let (idents, _) = assign_type_idents(&["x²", "new", "default", "½"], &BTreeSet::new());
        assert_eq!(idents, ["x", "new2", "default2", "Schema"]);
        assert!(idents.iter().all(|i| is_identifier(i)));
    }

    #[test]
    fn wire_names() {
        for good in [
            "contact.submit",
            "user_profile",
            "2fa_verify",
            "Ünïcode",
            "_x",
        ] {
            assert!(is_wire_name(good), "{good}");
        }
        for bad in [
            "",
            "_",
            "123",
            "...",
            "chat room",
            "chat-room",
            "a*/b",
            "a\"b",
            "x\n",
        ] {
            assert!(!is_wire_name(bad), "{bad}");
        }
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
        let (idents, renamed) = assign_type_idents(&names, &taken);
        assert_eq!(
            idents,
            [
                "TreeNodeInput2",
                "TreeNodeInput",
                "delete2",
                "_2FA",
                "aBC",
                "MizanError",
                "Schema"
            ]
        );
        assert!(idents.iter().all(|i| is_identifier(i)));
        // Each suffix is reported with what held the name; a runtime export holds none.
        assert_eq!(
            renamed,
            [
                Renamed {
                    index: 0,
                    base: "TreeNodeInput".to_owned(),
                    held_by: HeldBy::Schema(1),
                },
                Renamed {
                    index: 2,
                    base: "delete".to_owned(),
                    held_by: HeldBy::Reserved,
                },
            ]
        );
    }

    /// The names a runtime module exports, read from its (Prettier-formatted) source.
    fn exports(source: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut lines = source.lines();
        while let Some(line) = lines.next() {
            let Some(rest) = line.strip_prefix("export ") else {
                continue;
            };
            // `export { a, type B } from "...";` (on one line or, as Prettier lays out a long
            // one, over several): the names as exported.
            if let Some(list) = rest.strip_prefix('{') {
                let mut list = list.to_owned();
                while !list.contains('}') {
                    let Some(next) = lines.next() else { break };
                    list.push_str(next);
                }
                let list = list.split('}').next().unwrap_or_default();
                for item in list.split(',') {
                    let item = item.trim();
                    let item = item.strip_prefix("type ").unwrap_or(item);
                    let name = item.rsplit(" as ").next().unwrap_or(item).trim();
                    if !name.is_empty() {
                        out.insert(name.to_owned());
                    }
                }
                continue;
            }
            let rest = rest.strip_prefix("async ").unwrap_or(rest);
            for kw in ["function ", "class ", "const ", "interface ", "type "] {
                if let Some(decl) = rest.strip_prefix(kw) {
                    let name: String = decl
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        out.insert(name);
                    }
                }
            }
        }
        out
    }

    fn listed(entries: &[&str]) -> BTreeSet<String> {
        entries.iter().map(|e| export_name(e).to_owned()).collect()
    }

    #[test]
    fn reserved_names_are_the_runtime_modules_real_exports() {
        let kernel = exports(include_str!("../../runtime/kernel.ts"));
        let query = exports(include_str!("../../runtime/query.ts"));
        let all: BTreeSet<String> = kernel.union(&query).cloned().collect();
        assert_eq!(
            listed(KERNEL_EXPORTS),
            all,
            "KERNEL_EXPORTS vs kernel.ts + query.ts"
        );
        // Every framework's re-export lists against the modules they re-export from, and the
        // framework's own modules: what they export is re-exported or one of the files' own
        // helpers. A module still a placeholder (its source not yet written) is skipped.
        for framework in [Framework::React, Framework::Vue, Framework::Svelte] {
            let helpers = listed(framework.file_helpers());
            let r = framework.reexports();
            let mut reexported_by_module: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
            for (module, list) in [r.binding, r.forms, r.channels].into_iter().flatten() {
                reexported_by_module
                    .entry(module)
                    .or_default()
                    .extend(listed(list));
            }
            for (module, reexported) in &reexported_by_module {
                let Some(source) = runtime_source(module) else {
                    continue;
                };
                let real = exports(source);
                assert!(
                    reexported.is_subset(&real),
                    "{}: {reexported:?} not all in {module}'s {real:?}",
                    framework.name()
                );
            }
            let own = match framework {
                Framework::Vue => [
                    "./runtime/vue",
                    "./runtime/vue-forms",
                    "./runtime/vue-channels",
                ],
                Framework::Svelte => [
                    "./runtime/svelte.svelte",
                    "./runtime/forms.svelte",
                    "./runtime/channels.svelte",
                ],
                _ => ["./runtime/react", "./runtime/forms", "./runtime/channels"],
            };
            for module in own {
                let Some(source) = runtime_source(module) else {
                    continue;
                };
                // A name the framework's files re-export from any module counts: a binding may
                // pass on a core's names that the generated files take from the core itself.
                let reexported: BTreeSet<&String> =
                    reexported_by_module.values().flatten().collect();
                let rest: Vec<String> = exports(source)
                    .into_iter()
                    .filter(|n| !reexported.contains(n) && !helpers.contains(n))
                    .collect();
                assert!(
                    rest.is_empty(),
                    "{}: {module} exports, neither re-exported nor a helper: {rest:?}",
                    framework.name()
                );
            }
        }
    }

    /// The source of a runtime module as the generated files name it; `None` while it is a
    /// placeholder.
    fn runtime_source(module: &str) -> Option<&'static str> {
        let source = match module {
            "./runtime/react" => include_str!("../../runtime/react.tsx"),
            "./runtime/forms" => include_str!("../../runtime/forms.ts"),
            "./runtime/channels" => include_str!("../../runtime/channels.ts"),
            "./runtime/vue" => include_str!("../../runtime/vue.ts"),
            "./runtime/vue-forms" => include_str!("../../runtime/vue-forms.ts"),
            "./runtime/vue-channels" => include_str!("../../runtime/vue-channels.ts"),
            "./runtime/svelte.svelte" => include_str!("../../runtime/svelte.svelte.ts"),
            "./runtime/forms.svelte" => include_str!("../../runtime/forms.svelte.ts"),
            "./runtime/channels.svelte" => include_str!("../../runtime/channels.svelte.ts"),
            "./runtime/form-core" => include_str!("../../runtime/form-core.ts"),
            "./runtime/channel-core" => include_str!("../../runtime/channel-core.ts"),
            other => panic!("no runtime module {other}"),
        };
        (source.trim() != "// placeholder").then_some(source)
    }

    #[test]
    fn each_framework_names_with_its_verbs() {
        let c = |f| ContextNames::of("User", f);
        assert_eq!(
            (
                c(Framework::React).provider,
                c(Framework::React).use_context
            ),
            ("UserContext".to_owned(), "useUserContext".to_owned())
        );
        assert_eq!(c(Framework::Vue).provider, "provideUserContext");
        assert_eq!(c(Framework::Vue).use_context, "useUserContext");
        assert_eq!(c(Framework::Vue).provider_alias, None);
        assert_eq!(c(Framework::Svelte).provider, "setUserContext");
        assert_eq!(c(Framework::Svelte).use_context, "getUserContext");
        assert_eq!(c(Framework::None), c(Framework::React));
        let svelte = FunctionNames::of("OrderHistory", Framework::Svelte);
        assert_eq!(
            svelte.exported(FunctionRole::PagedRead),
            [
                "callOrderHistory",
                "createOrderHistory",
                "createOrderHistoryQuery",
                "orderHistoryQuery",
                "orderHistoryInfiniteQuery",
                "createOrderHistoryInfiniteQuery"
            ]
        );
        assert_eq!(
            svelte.exported(FunctionRole::Slot),
            ["getOrderHistory", "getOrderHistoryQuery"]
        );
        let vue = FunctionNames::of("_2fa", Framework::Vue);
        assert_eq!(
            vue.exported(FunctionRole::Slot),
            ["use2fa", "use2faQuery", "useSuspense2fa"]
        );
        assert_eq!(vue.use_suspense_infinite, None);
        assert_eq!(
            FormNames::of("Contact", Framework::Svelte).hook,
            "createContactForm"
        );
        assert_eq!(
            ChannelNames::of("Chat", Framework::Svelte).hook,
            "createChatChannel"
        );
        assert_eq!(
            ChannelNames::of("Chat", Framework::Vue).hook,
            "useChatChannel"
        );
        for f in Framework::ALL {
            assert_eq!(Framework::from_name(f.name()), Some(f));
        }
    }

    #[test]
    fn generated_api_names_win_over_schema_names() {
        let (idents, renamed) = assign_type_idents(
            &["UserContextData"],
            &BTreeSet::from(["UserContextData".to_owned()]),
        );
        assert_eq!(idents, ["UserContextData2"]);
        assert_eq!(renamed[0].held_by, HeldBy::Api);
    }

    #[test]
    fn schemas_named_like_runtime_exports_keep_their_names() {
        let names: Vec<&str> = [Framework::React, Framework::Vue, Framework::Svelte]
            .into_iter()
            .flat_map(|f| reserved_api_names(f).collect::<Vec<_>>())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let (idents, renamed) = assign_type_idents(&names, &BTreeSet::new());
        assert_eq!(idents, names);
        assert!(renamed.is_empty());
        let types = BTreeSet::from(["FormField", "Unrelated"]);
        assert_eq!(
            public_reexports(FORMS_REEXPORTS, &types),
            [
                "readFieldErrors",
                "type FieldsOf",
                "type FormErrors",
                "type FormFieldError",
                "type FormState"
            ]
        );
    }
}
