//! What differs between the framework layers: the files each writes, the runtime modules it
//! copies and imports, its TanStack adapter, and the helpers and types its generated code calls.
//! The views build the same per-context, per-slot, per-function, per-form and per-channel
//! declarations for every layer and ask this module for the words.

use super::runtime::{
    CHANNELS_SOURCE, FORMS_SOURCE, REACT_SOURCE, SVELTE_CHANNELS_SOURCE, SVELTE_FORMS_SOURCE,
    SVELTE_SOURCE, VUE_CHANNELS_SOURCE, VUE_FORMS_SOURCE, VUE_SOURCE,
};
use super::syntax::TypeExpr;
use crate::ir::names::{Framework, Reexports};

/// A framework layer (Stage 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    React,
    Vue,
    Svelte,
}

impl Layer {
    /// The layer of a framework; `None` writes none.
    pub fn of(framework: Framework) -> Option<Layer> {
        match framework {
            Framework::React => Some(Layer::React),
            Framework::Vue => Some(Layer::Vue),
            Framework::Svelte => Some(Layer::Svelte),
            Framework::None => None,
        }
    }

    pub fn framework(self) -> Framework {
        match self {
            Layer::React => Framework::React,
            Layer::Vue => Framework::Vue,
            Layer::Svelte => Framework::Svelte,
        }
    }

    /// The TanStack Query adapter the app installs, which re-exports `@tanstack/query-core`.
    pub fn adapter(self) -> &'static str {
        match self {
            Layer::React => "@tanstack/react-query",
            Layer::Vue => "@tanstack/vue-query",
            Layer::Svelte => "@tanstack/svelte-query",
        }
    }

    /// Whether the generated files start with `"use client";` (React Server Components).
    pub fn use_client(self) -> bool {
        self == Layer::React
    }

    pub fn reexports(self) -> Reexports {
        self.framework().reexports()
    }

    /// The binding file at the output's root.
    pub fn binding_file(self) -> &'static str {
        match self {
            Layer::React => "react.tsx",
            Layer::Vue => "vue.ts",
            Layer::Svelte => "svelte.svelte.ts",
        }
    }

    pub fn forms_file(self) -> &'static str {
        match self {
            Layer::React | Layer::Vue => "forms.ts",
            Layer::Svelte => "forms.svelte.ts",
        }
    }

    pub fn channels_file(self) -> &'static str {
        match self {
            Layer::React | Layer::Vue => "channels.ts",
            Layer::Svelte => "channels.svelte.ts",
        }
    }

    /// The binding's runtime module: its name under `runtime/` and its source.
    pub fn binding_runtime(self) -> (&'static str, &'static str) {
        match self {
            Layer::React => ("react.tsx", REACT_SOURCE),
            Layer::Vue => ("vue.ts", VUE_SOURCE),
            Layer::Svelte => ("svelte.svelte.ts", SVELTE_SOURCE),
        }
    }

    pub fn forms_runtime(self) -> (&'static str, &'static str) {
        match self {
            Layer::React => ("forms.ts", FORMS_SOURCE),
            Layer::Vue => ("vue-forms.ts", VUE_FORMS_SOURCE),
            Layer::Svelte => ("forms.svelte.ts", SVELTE_FORMS_SOURCE),
        }
    }

    pub fn channels_runtime(self) -> (&'static str, &'static str) {
        match self {
            Layer::React => ("channels.ts", CHANNELS_SOURCE),
            Layer::Vue => ("vue-channels.ts", VUE_CHANNELS_SOURCE),
            Layer::Svelte => ("channels.svelte.ts", SVELTE_CHANNELS_SOURCE),
        }
    }

    /// How the generated files import the binding's runtime module (`./runtime/vue`).
    pub fn binding_module(self) -> String {
        runtime_import(self.binding_runtime().0)
    }

    pub fn forms_module(self) -> String {
        runtime_import(self.forms_runtime().0)
    }

    pub fn channels_module(self) -> String {
        runtime_import(self.channels_runtime().0)
    }

    /// Where the framework-free form helpers and types (`formSchema`, `FieldsOf`, `FormState`)
    /// are imported from: React's forms module re-exports them, the others take them from the
    /// core.
    pub fn form_core_module(self) -> String {
        match self {
            Layer::React => self.forms_module(),
            Layer::Vue | Layer::Svelte => runtime_import("form-core.ts"),
        }
    }

    /// Where the channel types (`ChannelState`, `ChannelWithSend`, `ChannelOptions`) come from.
    pub fn channel_core_module(self) -> String {
        match self {
            Layer::React => self.channels_module(),
            Layer::Vue | Layer::Svelte => runtime_import("channel-core.ts"),
        }
    }

    /// The runtime helper a form's hook calls.
    pub fn form_helper(self) -> &'static str {
        match self {
            Layer::React | Layer::Vue => "useForm",
            Layer::Svelte => "createForm",
        }
    }

    /// The runtime helpers of a channel with a client message type, and of one without.
    pub fn channel_helpers(self) -> (&'static str, &'static str) {
        match self {
            Layer::React | Layer::Vue => ("useChannel", "useChannelMessages"),
            Layer::Svelte => ("createChannel", "createChannelMessages"),
        }
    }

    /// The options type of a channel's hook, and the module it comes from.
    pub fn channel_options(self) -> (&'static str, String) {
        match self {
            Layer::React => ("ChannelOptions", self.channel_core_module()),
            // `max` may be a ref or a getter.
            Layer::Vue => ("VueChannelOptions", self.channels_module()),
            Layer::Svelte => ("SvelteChannelOptions", self.channels_module()),
        }
    }

    /// The type of an argument the layer reads reactively: `T` (React: a re-render passes the
    /// new value), `MaybeRefOrGetter<T>` (Vue), `() => T` (Svelte).
    pub fn reactive(self, t: TypeExpr) -> TypeExpr {
        match self {
            Layer::React => t,
            Layer::Vue => TypeExpr::generic("MaybeRefOrGetter", vec![t]),
            Layer::Svelte => t.getter(),
        }
    }

    /// A reactive argument's default when all of its members are optional (`{}`).
    pub fn reactive_default(self) -> &'static str {
        match self {
            Layer::React | Layer::Vue => "{}",
            Layer::Svelte => "() => ({})",
        }
    }
}

/// How generated files import a module of `runtime/` (`vue-forms.ts`): `./runtime/vue-forms`.
fn runtime_import(name: &str) -> String {
    format!("./runtime/{}", module_stem(name))
}

/// A TypeScript file's name without its extension, as imports name it (`svelte.svelte.ts`:
/// `svelte.svelte`).
pub fn module_stem(file: &str) -> &str {
    file.strip_suffix(".tsx")
        .or_else(|| file.strip_suffix(".ts"))
        .unwrap_or(file)
}

/// The words of a layer's binding file: the helpers its declarations call, the types they
/// return, the binding's methods.
impl Layer {
    /// The query result type: `UseQueryResult`, `UseQueryReturnType`, `CreateQueryResult`.
    pub fn query_result(self) -> &'static str {
        match self {
            Layer::React => "UseQueryResult",
            Layer::Vue => "UseQueryReturnType",
            Layer::Svelte => "CreateQueryResult",
        }
    }

    /// The infinite query result type.
    pub fn infinite_result(self) -> &'static str {
        match self {
            Layer::React => "UseInfiniteQueryResult",
            Layer::Vue => "UseInfiniteQueryReturnType",
            Layer::Svelte => "CreateInfiniteQueryResult",
        }
    }

    /// The query options type of the runtime (`QueryHookOptions`, Svelte's `QueryOptions`).
    pub fn options_type(self) -> &'static str {
        match self {
            Layer::React | Layer::Vue => "QueryHookOptions",
            Layer::Svelte => "QueryOptions",
        }
    }

    /// The `options?` parameter of a query hook or provider: Svelte also takes a getter.
    pub fn options_param(self) -> TypeExpr {
        let options = TypeExpr::reference(self.options_type());
        match self {
            Layer::React | Layer::Vue => options,
            Layer::Svelte => TypeExpr::union(vec![options.clone(), options.getter()]),
        }
    }

    /// `useMizanQuery`, `useMizanInfiniteQuery`, `useMizanMutation` (`createMizan*` in Svelte).
    pub fn query_helper(self) -> &'static str {
        match self {
            Layer::React | Layer::Vue => "useMizanQuery",
            Layer::Svelte => "createMizanQuery",
        }
    }

    pub fn infinite_helper(self) -> &'static str {
        match self {
            Layer::React | Layer::Vue => "useMizanInfiniteQuery",
            Layer::Svelte => "createMizanInfiniteQuery",
        }
    }

    pub fn mutation_helper(self) -> &'static str {
        match self {
            Layer::React | Layer::Vue => "useMizanMutation",
            Layer::Svelte => "createMizanMutation",
        }
    }

    /// The context binding's methods: the provider's, the bundle's, a slot's value, a slot's
    /// query.
    pub fn binding_methods(self) -> BindingMethods {
        match self {
            Layer::React | Layer::Vue => BindingMethods {
                provide: "provide",
                context: "useContext",
                slot: "useSlot",
                slot_query: "useSlotQuery",
            },
            Layer::Svelte => BindingMethods {
                provide: "set",
                context: "get",
                slot: "getSlot",
                slot_query: "getSlotQuery",
            },
        }
    }

    /// The type of a slot's value as its accessor returns it: `T | undefined` (React),
    /// `ComputedRef<T | undefined>` (Vue), `{ readonly current: T | undefined }` (Svelte).
    pub fn slot_value(self, t: TypeExpr) -> TypeExpr {
        let value = TypeExpr::union(vec![t, TypeExpr::atom("undefined")]);
        match self {
            Layer::React => value,
            Layer::Vue => TypeExpr::generic("ComputedRef", vec![value]),
            Layer::Svelte => TypeExpr::Object(vec![super::syntax::Member {
                doc: super::lexical::DocLines::none(),
                key: "readonly current".to_owned(),
                ty: value,
            }]),
        }
    }

    /// The type a slot's Suspense accessor returns (React: the value; Vue: a Promise of it, for
    /// an async `setup`); Svelte has none.
    pub fn suspense_value(self, t: TypeExpr) -> Option<TypeExpr> {
        match self {
            Layer::React => Some(t),
            Layer::Vue => Some(TypeExpr::generic("Promise", vec![t])),
            Layer::Svelte => None,
        }
    }
}

/// The methods of a context's binding (`runtime/<binding>`'s `ContextBinding`).
#[derive(Debug, Clone, Copy)]
pub struct BindingMethods {
    pub provide: &'static str,
    pub context: &'static str,
    pub slot: &'static str,
    pub slot_query: &'static str,
}
