//! The intermediate representation: what the exported document means, independent of how it was
//! spelled (OpenAPI 3.0 or 3.1) and of what will be generated from it.
//!
//! Every item keeps its wire name (what the server registered and the client sends) and the
//! identifier the generated code will use for it ([`names`]). Types are referenced by [`TypeId`],
//! never inlined, so recursive schemas are finite. Every collection is a `Vec` in document order;
//! nothing here iterates a hash map.

pub mod build;
mod fields;
mod lower;
pub mod names;
mod validate;

use serde::Serialize;

use crate::span::Span;

pub use crate::openapi::OpenApiDialect;

pub use build::build;
pub use validate::refs_in;

/// The id of the `i`th item of a document-ordered collection (spans are 32-bit, so no document
/// holds more items than an id can count).
fn index_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Index into [`Ir::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct TypeId(pub u32);

/// Index into [`Ir::functions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct FunctionId(pub u32);

/// Index into [`Ir::contexts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ContextId(pub u32);

#[derive(Debug, Clone, Serialize)]
pub struct Ir {
    /// `3.0` or `3.1`: the dialect the document was written in.
    pub openapi: OpenApiDialect,
    /// Named schemas (`components.schemas`), in document order.
    pub types: Vec<TypeDef>,
    pub functions: Vec<Function>,
    pub contexts: Vec<Context>,
    pub channels: Vec<Channel>,
    pub forms: Vec<Form>,
}

impl Ir {
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0 as usize]
    }

    pub fn function(&self, id: FunctionId) -> &Function {
        &self.functions[id.0 as usize]
    }

    pub fn context(&self, id: ContextId) -> &Context {
        &self.contexts[id.0 as usize]
    }

    /// Functions the client can call: everything but `private` ones.
    pub fn public_functions(&self) -> impl Iterator<Item = &Function> {
        self.functions.iter().filter(|f| !f.private)
    }
}

/// Argument names that make a plain read a paged one (generated-client.md: infinite queries).
pub const PAGING_ARGS: &[&str] = &["after", "cursor", "offset", "page"];

impl Function {
    /// What the generated client offers for this function, and so which names it takes.
    pub fn role(&self) -> names::FunctionRole {
        match self.kind {
            FunctionKind::ContextRead { .. } => names::FunctionRole::Slot,
            FunctionKind::ViewPath { .. } => names::FunctionRole::ViewPath,
            FunctionKind::Plain if !self.upload && self.page_arg().is_some() => {
                names::FunctionRole::PagedRead
            }
            FunctionKind::Plain if !self.upload => names::FunctionRole::PlainRead,
            FunctionKind::Plain | FunctionKind::Mutation { .. } => names::FunctionRole::Call,
        }
    }

    /// The argument a paged read takes its page from; `None` for every other role (an upload
    /// or a mutation with a `cursor` argument is no paged read).
    pub fn paging(&self) -> Option<&Arg> {
        (self.role() == names::FunctionRole::PagedRead)
            .then(|| self.page_arg())
            .flatten()
    }

    /// The first of `PAGING_ARGS` among the arguments.
    fn page_arg(&self) -> Option<&Arg> {
        PAGING_ARGS
            .iter()
            .find_map(|p| self.args.iter().find(|a| a.wire_name == *p))
    }

    /// A plain function read as a query: `PlainRead` or `PagedRead`.
    pub fn is_read(&self) -> bool {
        matches!(
            self.role(),
            names::FunctionRole::PlainRead | names::FunctionRole::PagedRead
        )
    }
}

/// A named schema.
#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    /// The key under `components.schemas`, e.g. `TreeNode-Input`.
    pub wire_name: String,
    /// The identifier generated code declares it as, e.g. `TreeNodeInput`.
    pub ident: String,
    pub ty: Type,
    /// Referenced (directly or not) by a public function, context, channel or form; for a
    /// document without `x-mizan-functions`, every schema is reachable.
    pub reachable: bool,
    #[serde(skip)]
    pub span: Span,
}

/// One schema, normalised: the two OpenAPI dialects' spellings of the same thing give the same
/// `Type`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Type {
    pub kind: TypeKind,
    /// `null` is an allowed value (3.0 `nullable`, 3.1 `type: [.., "null"]`, `anyOf` with a null
    /// member, `enum` containing `null`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub write_only: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
}

impl Type {
    pub fn new(kind: TypeKind) -> Self {
        Type {
            kind,
            nullable: false,
            description: None,
            default: None,
            read_only: false,
            write_only: false,
            deprecated: false,
        }
    }

    /// The same type without the annotations that do not change what values it admits
    /// (description, default, read/write-only), for structural comparison.
    pub fn shape_eq(&self, other: &Type) -> bool {
        self.nullable == other.nullable && self.kind.shape_eq(&other.kind)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TypeKind {
    /// Any JSON value (`{}`, `true`, a schema with no constraint we model).
    Unknown,
    /// No value (the `false` schema).
    Never,
    Null,
    Boolean,
    String {
        #[serde(skip_serializing_if = "Option::is_none")]
        format: Option<String>,
        #[serde(skip_serializing_if = "Constraints::is_empty")]
        constraints: Constraints,
    },
    Integer {
        #[serde(skip_serializing_if = "Option::is_none")]
        format: Option<String>,
        #[serde(skip_serializing_if = "Constraints::is_empty")]
        constraints: Constraints,
    },
    Number {
        #[serde(skip_serializing_if = "Option::is_none")]
        format: Option<String>,
        #[serde(skip_serializing_if = "Constraints::is_empty")]
        constraints: Constraints,
    },
    /// `const`, or a one-value `enum`.
    Literal {
        value: Literal,
    },
    /// An `enum` of two or more values (a `null` member is folded into [`Type::nullable`]).
    Enum {
        values: Vec<Literal>,
    },
    Array {
        items: Box<Type>,
    },
    /// `prefixItems` (3.1) or an array-valued `items` (older drafts).
    Tuple {
        items: Vec<Type>,
        /// Type of elements after the fixed ones; `None` when the tuple is closed.
        #[serde(skip_serializing_if = "Option::is_none")]
        rest: Option<Box<Type>>,
    },
    Object(ObjectType),
    /// `anyOf` / `oneOf` (null members removed).
    Union {
        variants: Vec<Type>,
        #[serde(skip_serializing_if = "Option::is_none")]
        discriminator: Option<Discriminator>,
    },
    /// `allOf` with more than one member.
    Intersection {
        members: Vec<Type>,
    },
    /// A named schema.
    Ref {
        id: TypeId,
    },
}

impl TypeKind {
    fn shape_eq(&self, other: &TypeKind) -> bool {
        use TypeKind as K;
        match (self, other) {
            (K::Array { items: a }, K::Array { items: b }) => a.shape_eq(b),
            (K::Tuple { items: a, rest: ra }, K::Tuple { items: b, rest: rb }) => {
                slice_shape_eq(a, b)
                    && match (ra, rb) {
                        (Some(a), Some(b)) => a.shape_eq(b),
                        (None, None) => true,
                        _ => false,
                    }
            }
            (K::Object(a), K::Object(b)) => {
                a.properties.len() == b.properties.len()
                    && a.properties.iter().zip(&b.properties).all(|(p, q)| {
                        p.wire_name == q.wire_name
                            && p.required == q.required
                            && p.ty.shape_eq(&q.ty)
                    })
                    && match (&a.additional, &b.additional) {
                        (Additional::Typed(x), Additional::Typed(y)) => x.shape_eq(y),
                        (x, y) => std::mem::discriminant(x) == std::mem::discriminant(y),
                    }
            }
            (K::Union { variants: a, .. }, K::Union { variants: b, .. }) => slice_shape_eq(a, b),
            (K::Intersection { members: a }, K::Intersection { members: b }) => {
                slice_shape_eq(a, b)
            }
            (a, b) => a == b,
        }
    }
}

fn slice_shape_eq(a: &[Type], b: &[Type]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.shape_eq(y))
}

/// Validation keywords that client-side validators (forms) can use.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Constraints {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Source text of the bound, exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exclusive_minimum: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exclusive_maximum: bool,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Literal {
    String(String),
    Bool(bool),
    /// Source text of the number, exact (int64 values do not pass through `f64`).
    Number(#[serde(serialize_with = "raw_number")] String),
    Null(()),
}

fn raw_number<S: serde::Serializer>(raw: &str, s: S) -> Result<S::Ok, S::Error> {
    match serde_json::from_str::<serde_json::Number>(raw) {
        Ok(n) => n.serialize(s),
        Err(_) => s.serialize_str(raw),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectType {
    pub properties: Vec<Property>,
    pub additional: Additional,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Property {
    pub wire_name: String,
    pub ty: Type,
    /// Listed in `required`.
    pub required: bool,
}

impl Property {
    /// Has a `default`: optional when sent, always present when received.
    pub fn has_default(&self) -> bool {
        self.ty.default.is_some()
    }
}

/// What an object says about keys other than its declared properties.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "type", rename_all = "snake_case")]
pub enum Additional {
    /// Not said: closed when the object declares properties, a free-form map when it does not
    /// (emitters decide; the distinction is kept).
    Unspecified,
    /// `additionalProperties: true` or `{}`: any extra key with any value.
    Any,
    /// `additionalProperties: <schema>`: a typed map.
    Typed(Box<Type>),
    /// `additionalProperties: false`.
    Forbidden,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Discriminator {
    /// The tag property, e.g. `kind`.
    pub property: String,
    /// Tag value → index into the union's `variants`, in the order the mapping gave (or the
    /// variants' order when inferred).
    pub mapping: Vec<(String, u32)>,
    /// `false` when inferred from the members' `const`/one-value `enum` tags.
    pub explicit: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Function {
    pub wire_name: String,
    /// PascalCase stem of every identifier generated for it (`call<ident>`, `use<ident>`).
    pub ident: String,
    pub kind: FunctionKind,
    /// The input schema as written (usually a `Ref`); `None` when the function takes none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<Type>,
    /// The named arguments, resolved from the input's properties.
    pub args: Vec<Arg>,
    pub output: Type,
    pub output_nullable: bool,
    pub transport: Transport,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
    pub rev: i64,
    pub cache: CachePolicy,
    pub private: bool,
    pub upload: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FunctionKind {
    /// Belongs to a context: fetched in its bundle, under its wire name.
    ContextRead { context: ContextId },
    /// Has `affects` and/or `merge`.
    Mutation {
        affects: Vec<AffectTarget>,
        merge: Vec<MergeTarget>,
    },
    /// Any other callable function.
    Plain,
    /// Answers with a full HTTP response at `route`; only a URL builder is generated.
    ViewPath { route: Route },
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AffectTarget {
    Context {
        context: ContextId,
    },
    Function {
        function: FunctionId,
        context: ContextId,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct MergeTarget {
    pub context: ContextId,
    pub slot: FunctionId,
    /// Mutation arguments that scope the merge to matching bundles (every required param of the
    /// context is among the arguments); empty when the merge applies to every bundle.
    pub scope: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Arg {
    pub wire_name: String,
    pub ty: Type,
    pub required: bool,
    /// A file part in a multipart upload (`format: binary`).
    pub is_file: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    Http,
    Websocket,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Auth {
    Authenticated,
    Staff,
    Superuser,
    Custom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "policy", content = "seconds")]
pub enum CachePolicy {
    /// Not said: the server's default.
    Default,
    /// `cache: false`.
    NoStore,
    /// `cache: true`: cached with the server's default lifetime.
    Enabled,
    Seconds(u64),
}

impl CachePolicy {
    /// The stricter of two policies, for a context's `cache` (`false` wins, then the minimum).
    pub fn min(self, other: CachePolicy) -> CachePolicy {
        use CachePolicy as C;
        match (self, other) {
            (C::NoStore, _) | (_, C::NoStore) => C::NoStore,
            (C::Seconds(a), C::Seconds(b)) => C::Seconds(a.min(b)),
            (C::Seconds(s), _) | (_, C::Seconds(s)) => C::Seconds(s),
            (C::Enabled, _) | (_, C::Enabled) => C::Enabled,
            (C::Default, C::Default) => C::Default,
        }
    }
}

/// A Django-style route, `/profile/<int:user_id>/`.
#[derive(Debug, Clone, Serialize)]
pub struct Route {
    pub path: String,
    pub segments: Vec<RouteSegment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RouteSegment {
    Literal {
        text: String,
    },
    Param {
        name: String,
        converter: RouteConverter,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteConverter {
    Str,
    Int,
    Slug,
    Uuid,
    Path,
}

#[derive(Debug, Clone, Serialize)]
pub struct Context {
    pub wire_name: String,
    /// PascalCase stem (`User` → `UserContext`, `useUserContext`, `fetchUserContext`).
    pub ident: String,
    pub is_global: bool,
    pub functions: Vec<FunctionId>,
    pub params: Vec<ContextParam>,
    pub rev: i64,
    pub cache: CachePolicy,
    #[serde(skip)]
    pub span: Span,
}

/// A context param: an argument of one or more of the context's functions ("elevated").
#[derive(Debug, Clone, Serialize)]
pub struct ContextParam {
    pub wire_name: String,
    pub ty: Type,
    /// Every function of the context takes it.
    pub required: bool,
    pub shared_by: Vec<FunctionId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Channel {
    pub wire_name: String,
    pub ident: String,
    pub params: Type,
    pub server_message: Type,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_message: Option<Type>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct Form {
    pub wire_name: String,
    pub ident: String,
    pub title: Option<String>,
    pub submit_label: Option<String>,
    pub fields: Vec<FormField>,
    pub schema_fn: Option<FunctionId>,
    pub validate_fn: Option<FunctionId>,
    pub submit_fn: Option<FunctionId>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct FormField {
    pub wire_name: String,
    pub label: Option<String>,
    pub field_type: FieldType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub widget: Option<String>,
    pub required: bool,
    pub disabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<Choice>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Textarea,
    Email,
    Url,
    Integer,
    Number,
    Boolean,
    Date,
    Datetime,
    Choice,
    MultipleChoice,
    File,
    Password,
}

impl FieldType {
    pub const ALL: [(&'static str, FieldType); 13] = [
        ("text", FieldType::Text),
        ("textarea", FieldType::Textarea),
        ("email", FieldType::Email),
        ("url", FieldType::Url),
        ("integer", FieldType::Integer),
        ("number", FieldType::Number),
        ("boolean", FieldType::Boolean),
        ("date", FieldType::Date),
        ("datetime", FieldType::Datetime),
        ("choice", FieldType::Choice),
        ("multiple_choice", FieldType::MultipleChoice),
        ("file", FieldType::File),
        ("password", FieldType::Password),
    ];
}

#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub value: serde_json::Value,
    pub label: String,
}
