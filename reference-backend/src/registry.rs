//! The function registry: every server function is registered once, with a typed handler whose
//! Rust input and output types are also its exported JSON Schema. The exported document, the
//! HTTP routes and the WebSocket all read from here, so adding a function is one call.

use std::any::Any;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe, Location};
use std::sync::Arc;

use indexmap::IndexMap;
use schemars::generate::{Contract, SchemaSettings};
use schemars::{JsonSchema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::call::CallCtx;
use crate::error::ApiError;

pub type Handler = Arc<dyn Fn(&CallCtx<'_>, Value) -> Result<Value, ApiError> + Send + Sync>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Auth {
    Authenticated,
    Staff,
    Superuser,
    Custom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cache {
    NoStore,
    Seconds(u64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Context(String),
    Function { function: String, context: String },
}

pub struct Function {
    pub name: String,
    pub description: String,
    /// `$ref` to the input model; `None` when the function takes no arguments.
    pub input: Option<Value>,
    pub output: Value,
    pub output_nullable: bool,
    pub context: Option<String>,
    pub affects: Vec<Target>,
    /// Contexts whose matching slot a successful call overwrites (slot resolved by type).
    pub merge: Vec<String>,
    pub websocket: bool,
    pub auth: Option<Auth>,
    pub rev: i64,
    pub cache: Cache,
    pub private: bool,
    pub route: Option<String>,
    pub upload: bool,
    pub(crate) handler: Handler,
}

impl Function {
    pub fn context(&mut self, name: &str) -> &mut Self {
        self.context = Some(name.to_owned());
        self
    }
    pub fn affects(&mut self, context: &str) -> &mut Self {
        self.affects.push(Target::Context(context.to_owned()));
        self
    }
    pub fn affects_function(&mut self, function: &str, context: &str) -> &mut Self {
        self.affects.push(Target::Function {
            function: function.to_owned(),
            context: context.to_owned(),
        });
        self
    }
    pub fn merge(&mut self, context: &str) -> &mut Self {
        self.merge.push(context.to_owned());
        self
    }
    pub fn auth(&mut self, auth: Auth) -> &mut Self {
        self.auth = Some(auth);
        self
    }
    pub fn websocket(&mut self) -> &mut Self {
        self.websocket = true;
        self
    }
    pub fn private(&mut self) -> &mut Self {
        self.private = true;
        self
    }
    pub fn upload(&mut self) -> &mut Self {
        self.upload = true;
        self
    }
    pub fn cache(&mut self, cache: Cache) -> &mut Self {
        self.cache = cache;
        self
    }
    pub fn rev(&mut self, rev: i64) -> &mut Self {
        self.rev = rev;
        self
    }
    pub fn route(&mut self, route: &str) -> &mut Self {
        self.route = Some(route.to_owned());
        self
    }

    pub fn call(&self, ctx: &CallCtx<'_>, args: Value) -> Result<Value, ApiError> {
        // A handler that panics is answered with INTERNAL_ERROR, with no detail. The panic
        // hook has reported a bug; one raised on purpose is only noted here, quietly.
        catch_unwind(AssertUnwindSafe(|| (self.handler)(ctx, args))).unwrap_or_else(|payload| {
            if let Some(ExpectedPanic(why)) = payload.downcast_ref() {
                tracing::debug!("expected panic in {} ({why})", self.name);
            }
            Err(ApiError::internal())
        })
    }
}

/// The payload of a panic raised on purpose (`buggy_fn` exercises the 500 path with one), so
/// that the log can tell it from a bug.
#[derive(Debug)]
pub struct ExpectedPanic(pub &'static str);

/// What the server's panic hook prints for a panic: nothing for an [`ExpectedPanic`]; for any
/// other, which is a bug, one line saying where and why.
pub fn panic_report(payload: &(dyn Any + Send), location: Option<&Location<'_>>) -> Option<String> {
    if payload.is::<ExpectedPanic>() {
        return None;
    }
    let at = location
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    Some(format!("error: a handler panicked{at}: {message}"))
}

pub struct Channel {
    pub name: String,
    pub params: Value,
    pub server_message: Value,
    pub client_message: Option<Value>,
}

/// Collects registrations; [`Registry::finish`] freezes them into an [`Api`].
pub struct Registry {
    generator: SchemaGenerator,
    items: Items,
}

/// What was registered.
#[derive(Default)]
pub struct Items {
    functions: Vec<Function>,
    channels: Vec<Channel>,
    forms: Vec<Value>,
    /// Contexts whose bundles do not depend on the caller (cache keys leave out the user).
    public_contexts: Vec<String>,
}

impl Items {
    pub fn find(&self, name: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.name == name)
    }

    pub fn functions(&self) -> &[Function] {
        &self.functions
    }

    pub fn channel_names(&self) -> impl Iterator<Item = &str> {
        self.channels.iter().map(|c| c.name.as_str())
    }
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

/// Deserialises call arguments, naming the field at fault.
fn parse_args<I: DeserializeOwned>(args: Value) -> Result<I, ApiError> {
    serde_path_to_error::deserialize(args).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let field = if path == "." {
            inner.split('`').nth(1).unwrap_or("args").to_owned()
        } else {
            path
        };
        let message = inner.split(" at line").next().unwrap_or(&inner).to_owned();
        ApiError::field(&field, &message)
    })
}

fn to_value<O: Serialize>(output: O) -> Result<Value, ApiError> {
    serde_json::to_value(output).map_err(|_| ApiError::internal())
}

impl Registry {
    pub fn new() -> Self {
        // Deserialize contract: what the server accepts, as Pydantic's validation mode exports
        // (defaulted fields are not required and carry their default).
        let settings = SchemaSettings::draft2020_12().with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.contract = Contract::Deserialize;
            s.meta_schema = None;
        });
        Registry {
            generator: settings.into_generator(),
            items: Items::default(),
        }
    }

    fn schema<T: JsonSchema>(&mut self) -> Value {
        self.generator.subschema_for::<T>().to_value()
    }

    fn push(
        &mut self,
        name: &str,
        description: &str,
        input: Option<Value>,
        output: Value,
        handler: Handler,
    ) -> &mut Function {
        assert!(
            self.items.find(name).is_none(),
            "function `{name}` registered twice"
        );
        let (output, output_nullable) = split_nullable(output);
        self.items.functions.push(Function {
            name: name.to_owned(),
            description: description.to_owned(),
            input,
            output,
            output_nullable,
            context: None,
            affects: Vec::new(),
            merge: Vec::new(),
            websocket: false,
            auth: None,
            rev: 0,
            cache: Cache::NoStore,
            private: false,
            route: None,
            upload: false,
            handler,
        });
        self.items.functions.last_mut().expect("just pushed")
    }

    /// A function taking the named arguments of `I`.
    pub fn function<I, O, F>(&mut self, name: &str, description: &str, handler: F) -> &mut Function
    where
        I: DeserializeOwned + JsonSchema,
        O: Serialize + JsonSchema,
        F: Fn(&CallCtx<'_>, I) -> Result<O, ApiError> + Send + Sync + 'static,
    {
        let input = self.schema::<I>();
        let output = self.schema::<O>();
        let handler: Handler =
            Arc::new(move |ctx, args| to_value(handler(ctx, parse_args(args)?)?));
        self.push(name, description, Some(input), output, handler)
    }

    /// A function without arguments.
    pub fn function0<O, F>(&mut self, name: &str, description: &str, handler: F) -> &mut Function
    where
        O: Serialize + JsonSchema,
        F: Fn(&CallCtx<'_>) -> Result<O, ApiError> + Send + Sync + 'static,
    {
        let output = self.schema::<O>();
        let handler: Handler = Arc::new(move |ctx, _args| to_value(handler(ctx)?));
        self.push(name, description, None, output, handler)
    }

    /// A view-path function: answers GET `route` with a whole page; its route parameters are
    /// its arguments (as strings, keyed by name).
    pub fn view<F>(
        &mut self,
        name: &str,
        description: &str,
        route: &str,
        handler: F,
    ) -> &mut Function
    where
        F: Fn(&CallCtx<'_>, &Map<String, Value>) -> Result<String, ApiError>
            + Send
            + Sync
            + 'static,
    {
        let output = self.schema::<String>();
        let handler: Handler = Arc::new(move |ctx, args| {
            let empty = Map::new();
            handler(ctx, args.as_object().unwrap_or(&empty)).map(Value::String)
        });
        self.push(name, description, None, output, handler)
            .route(route)
    }

    pub fn channel<P: JsonSchema, S: JsonSchema, C: JsonSchema>(&mut self, name: &str) {
        let channel = Channel {
            name: name.to_owned(),
            params: self.schema::<P>(),
            server_message: self.schema::<S>(),
            client_message: Some(self.schema::<C>()),
        };
        self.items.channels.push(channel);
    }

    pub fn form(&mut self, declaration: Value) {
        self.items.forms.push(declaration);
    }

    pub fn public_context(&mut self, name: &str) {
        self.items.public_contexts.push(name.to_owned());
    }

    /// Freezes the registry: resolves contexts, params and merge slots once.
    pub fn finish(mut self) -> Api {
        let definitions = self.generator.take_definitions(true);
        let items = self.items;
        let args_of = |f: &Function| -> Vec<(String, Value, bool)> {
            let Some(name) = f
                .input
                .as_ref()
                .and_then(|i| i["$ref"].as_str())
                .and_then(|r| r.rsplit('/').next())
            else {
                return Vec::new();
            };
            let def = &definitions[name];
            let required: Vec<&str> = def["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            def["properties"]
                .as_object()
                .map(|props| {
                    props
                        .iter()
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                v.clone(),
                                required.contains(&k.as_str()) && v.get("default").is_none(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut contexts: IndexMap<String, ContextInfo> = IndexMap::new();
        for f in &items.functions {
            if let Some(c) = &f.context {
                let info = contexts.entry(c.clone()).or_insert_with(|| ContextInfo {
                    functions: Vec::new(),
                    params: IndexMap::new(),
                    rev: 0,
                    cache: None,
                    public: items.public_contexts.contains(c),
                });
                info.functions.push(f.name.clone());
                info.rev = info.rev.max(f.rev);
                info.cache = Some(match (info.cache, f.cache) {
                    (None, c) => c,
                    (Some(Cache::NoStore), _) | (_, Cache::NoStore) => Cache::NoStore,
                    (Some(Cache::Seconds(a)), Cache::Seconds(b)) => Cache::Seconds(a.min(b)),
                });
                for (arg, schema, _) in args_of(f) {
                    let param = info.params.entry(arg).or_insert_with(|| Param {
                        schema: strip_title(schema),
                        required: false,
                        shared_by: Vec::new(),
                    });
                    param.shared_by.push(f.name.clone());
                }
            }
        }
        for info in contexts.values_mut() {
            let n = info.functions.len();
            for p in info.params.values_mut() {
                p.required = p.shared_by.len() == n;
            }
        }
        // The slot a merging mutation writes: the one context function with the same output.
        let mut merge_slots = BTreeMap::new();
        for f in &items.functions {
            for c in &f.merge {
                let matching: Vec<&str> = items
                    .functions
                    .iter()
                    .filter(|g| g.context.as_deref() == Some(c) && g.output == f.output)
                    .map(|g| g.name.as_str())
                    .collect();
                assert!(
                    matching.len() == 1,
                    "`{}` merges into `{c}`, where {} functions return its type",
                    f.name,
                    matching.len()
                );
                merge_slots.insert((f.name.clone(), c.clone()), matching[0].to_owned());
            }
        }
        let args = items
            .functions
            .iter()
            .map(|f| (f.name.clone(), args_of(f)))
            .collect();
        Api {
            registry: items,
            definitions,
            contexts,
            merge_slots,
            args,
        }
    }
}

/// `anyOf: [X, {type: null}]` or `type: [T, "null"]` → (X, true), as Python's `T | None` exports.
fn split_nullable(schema: Value) -> (Value, bool) {
    if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
        let rest: Vec<&Value> = any
            .iter()
            .filter(|s| **s != json!({"type": "null"}))
            .collect();
        if rest.len() == 1 && any.len() == 2 {
            return (rest[0].clone(), true);
        }
    }
    if let Some(types) = schema.get("type").and_then(Value::as_array) {
        if types.len() == 2 && types.contains(&json!("null")) {
            let mut s = schema.clone();
            let t = types
                .iter()
                .find(|t| **t != json!("null"))
                .cloned()
                .unwrap_or(Value::Null);
            s["type"] = t;
            return (s, true);
        }
    }
    (schema, false)
}

fn strip_title(mut schema: Value) -> Value {
    if let Some(o) = schema.as_object_mut() {
        o.remove("title");
        o.remove("format");
    }
    schema
}

pub struct Param {
    pub schema: Value,
    pub required: bool,
    pub shared_by: Vec<String>,
}

pub struct ContextInfo {
    pub functions: Vec<String>,
    pub params: IndexMap<String, Param>,
    pub rev: i64,
    pub cache: Option<Cache>,
    pub public: bool,
}

/// The frozen registry, with everything derived from it.
pub struct Api {
    pub registry: Items,
    pub definitions: Map<String, Value>,
    pub contexts: IndexMap<String, ContextInfo>,
    /// (mutation, context) → slot function.
    pub merge_slots: BTreeMap<(String, String), String>,
    /// Function → its arguments: (name, schema, required).
    pub args: BTreeMap<String, Vec<(String, Value, bool)>>,
}

impl Api {
    pub fn function(&self, name: &str) -> Option<&Function> {
        self.registry.find(name)
    }

    /// The exported schema document: OpenAPI 3.1 with the `x-mizan-*` extensions.
    pub fn document(&self) -> Value {
        let r = &self.registry;
        let mut paths = Map::new();
        for f in r.functions.iter().filter(|f| !f.private) {
            let mut op = json!({
                "operationId": f.name.replace('.', "_"),
                "summary": f.description,
                "responses": {"200": {"description": "Successful Response", "content": {"application/json": {"schema": f.output}}}},
            });
            if let Some(input) = &f.input {
                op["requestBody"] =
                    json!({"required": true, "content": {"application/json": {"schema": input}}});
            }
            paths.insert(
                format!("/api/mizan/call/{}/", f.name),
                json!({ "post": op }),
            );
        }
        let functions: Vec<Value> = r
            .functions
            .iter()
            .map(|f| {
                let target = |t: &Target| match t {
                    Target::Context(c) => json!({ "context": c }),
                    Target::Function { function, context } => json!({ "function": function, "context": context }),
                };
                let merge: Vec<Value> = f
                    .merge
                    .iter()
                    .map(|c| json!({ "context": c, "slot": self.merge_slots[&(f.name.clone(), c.clone())] }))
                    .collect();
                json!({
                    "name": f.name,
                    "input": f.input,
                    "output": f.output,
                    "outputNullable": f.output_nullable,
                    "context": f.context,
                    "affects": f.affects.iter().map(target).collect::<Vec<_>>(),
                    "merge": merge,
                    "transport": if f.websocket { "websocket" } else { "http" },
                    "auth": f.auth,
                    "rev": f.rev,
                    "cache": match f.cache { Cache::NoStore => json!(false), Cache::Seconds(s) => json!(s) },
                    "private": f.private,
                    "route": f.route,
                    "upload": f.upload,
                    "description": f.description,
                })
            })
            .collect();
        let contexts: Map<String, Value> = self
            .contexts
            .iter()
            .map(|(name, c)| {
                let params: Map<String, Value> = c
                    .params
                    .iter()
                    .map(|(p, info)| (p.clone(), json!({ "schema": info.schema, "required": info.required, "sharedBy": info.shared_by })))
                    .collect();
                let cache = match c.cache {
                    Some(Cache::Seconds(s)) => json!(s),
                    _ => json!(false),
                };
                (name.clone(), json!({ "functions": c.functions, "params": params, "rev": c.rev, "cache": cache }))
            })
            .collect();
        let channels: Vec<Value> = r
            .channels
            .iter()
            .map(|c| json!({ "name": c.name, "params": c.params, "serverMessage": c.server_message, "clientMessage": c.client_message, "auth": null }))
            .collect();
        json!({
            "openapi": "3.1.0",
            "info": {"title": "Mizan reference backend", "version": env!("CARGO_PKG_VERSION")},
            "paths": paths,
            "components": {"schemas": self.definitions},
            "x-mizan-version": 1,
            "x-mizan-functions": functions,
            "x-mizan-contexts": contexts,
            "x-mizan-channels": channels,
            "x-mizan-forms": r.forms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unexpected_panics_are_reported() {
        let here = Location::caller();
        assert_eq!(
            panic_report(&ExpectedPanic("exercises the 500 path"), Some(here)),
            None
        );
        assert_eq!(
            panic_report(&"attempt to divide by zero", Some(here)),
            Some(format!(
                "error: a handler panicked at {}:{}: attempt to divide by zero",
                here.file(),
                here.line()
            ))
        );
        assert_eq!(
            panic_report(&String::from("boom"), None),
            Some("error: a handler panicked: boom".to_owned())
        );
        assert_eq!(
            panic_report(&42, None),
            Some("error: a handler panicked: (no message)".to_owned())
        );
    }
}
