//! Multi-file descriptions: where a `$ref` to another file points ([`Location`]), which files a
//! document refers to ([`external_refs`]), and merging the files read into one document
//! ([`bundle`]).
//!
//! Bundling is what makes the rest of the pipeline single-document: after it, every `$ref` is a
//! local JSON Pointer (`#/...`). A reference in a schema position to another file is *hoisted*:
//! the schema it names is copied into `components.schemas` under a name of its own (a root
//! component that is only such a reference lends its name), so a schema used from several
//! places stays one named type and recursion across files stays a named reference. A reference
//! anywhere else (a path item, a parameter, a response) is replaced by a copy of what it points
//! to. Copies keep their spans, which lie in the offset range of the file they came from, so
//! diagnostics about copied text point into that file.
//!
//! Nothing here reads a file: the caller loads the [`Location`]s this module names.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::json::{Member, Node, Value};
use super::pointer::{self, Pointer};
use crate::diagnostics::{self, Diagnostic};
use crate::span::Span;

/// Where a document lives: a file path (lexically normalised) or a URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Location {
    File(PathBuf),
    Url(String),
}

impl Location {
    /// The location of a file, its path normalised without touching the file system.
    pub fn file(path: &Path) -> Self {
        Location::File(normalise(path))
    }

    /// The document `reference` (the part of a `$ref` before `#`) names, relative to this one.
    pub fn join(&self, reference: &str) -> Result<Location, String> {
        if let Some(rest) = reference.strip_prefix("file://") {
            return match self {
                Location::File(_) => Ok(Location::file(Path::new(&percent_decode(rest)))),
                Location::Url(_) => {
                    Err("a document read from a URL cannot refer to local files".to_owned())
                }
            };
        }
        if has_scheme(reference) {
            return url::Url::parse(reference)
                .map(|u| Location::Url(u.to_string()))
                .map_err(|e| format!("not a valid URL: {e}"));
        }
        match self {
            Location::Url(base) => url::Url::parse(base)
                .and_then(|b| b.join(reference))
                .map(|u| Location::Url(u.to_string()))
                .map_err(|e| format!("cannot resolve against `{base}`: {e}")),
            Location::File(path) => {
                let dir = path.parent().unwrap_or(Path::new(""));
                Ok(Location::file(&dir.join(percent_decode(reference))))
            }
        }
    }

    pub fn is_remote(&self) -> bool {
        matches!(self, Location::Url(_))
    }

    /// The file name without its extension (`./schemas/User.yaml` → `User`), for naming.
    fn stem(&self) -> String {
        let last = match self {
            Location::File(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Location::Url(u) => u
                .split(['?', '#'])
                .next()
                .unwrap_or("")
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_owned(),
        };
        match last.rsplit_once('.') {
            Some((stem, _)) if !stem.is_empty() => stem.to_owned(),
            _ => last,
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File(p) => write!(f, "{}", p.display()),
            Location::Url(u) => f.write_str(u),
        }
    }
}

/// `scheme:` as RFC 3986 spells it; a Windows drive letter (`C:`) is not a scheme.
fn has_scheme(reference: &str) -> bool {
    let Some((scheme, _)) = reference.split_once(':') else {
        return false;
    };
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `a/./b/../c` → `a/c`, without resolving links (the file may not exist yet).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    pointer::percent_decode(text).unwrap_or_else(|_| text.to_owned())
}

/// The local reference to a schema of the bundle: `~` and `/` escaped as JSON Pointer tokens,
/// then `%` as URI fragments (which are percent-decoded first).
fn component_ref(name: &str) -> String {
    format!(
        "#/components/schemas/{}",
        pointer::escape(name).replace('%', "%25")
    )
}

/// A `$ref` to another document, as written.
#[derive(Debug, Clone)]
pub struct ExternalRef<'a> {
    /// The part before `#`.
    pub document: &'a str,
    /// The `$ref` value's span.
    pub span: Span,
}

/// Every `$ref` in `node` that names another document, in document order. Values that are
/// data, not description (`example`, `default`, `enum`, `const`), are not searched.
pub fn external_refs(node: &Node) -> Vec<ExternalRef<'_>> {
    let mut found: Vec<ExternalRef<'_>> = all_refs(node)
        .into_iter()
        .filter_map(|(reference, span)| {
            let document = reference.split('#').next().unwrap_or("");
            (!document.is_empty()).then_some(ExternalRef { document, span })
        })
        .collect();
    found.sort_by_key(|r| r.span.start);
    found
}

/// Every `$ref` string in `node`, outside data values, with its span, in no particular order.
fn all_refs(node: &Node) -> Vec<(&str, Span)> {
    let mut found = Vec::new();
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Object(members) => {
                for m in members {
                    if &*m.key == "$ref" {
                        found.extend(m.value.as_str().map(|r| (r, m.value.span)));
                    } else if !is_data(&m.key) {
                        stack.push(&m.value);
                    }
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}

/// Keys whose values are instances, not descriptions: a `$ref` inside is data.
fn is_data(key: &str) -> bool {
    matches!(
        key,
        "example" | "examples" | "default" | "enum" | "const" | "value"
    )
}

/// One document of a description: where it lives and its tree, spans already in the offset
/// range of its source file.
#[derive(Debug)]
pub struct Part {
    pub location: Location,
    /// How messages name it.
    pub name: String,
    pub root: Node,
}

/// Merges `parts` (the first is the root document) into one tree in which every `$ref` is local.
/// Problems (a pointer that resolves nowhere, a reference cycle between non-schema objects) are
/// reported and the reference is left as an unresolvable local one, which `ir` reports again
/// only if it follows it.
pub fn bundle(parts: Vec<Part>) -> (Node, Vec<Diagnostic>) {
    let index: HashMap<Location, usize> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.location.clone(), i))
        .collect();
    let mut b = Bundler {
        parts: &parts,
        index,
        names: HashMap::new(),
        taken: HashMap::new(),
        whole: std::collections::HashSet::new(),
        queue: Vec::new(),
        inlining: Vec::new(),
        diags: Vec::new(),
    };
    for (i, part) in parts.iter().enumerate() {
        for (reference, _) in all_refs(&part.root) {
            if let Some((doc, fragment)) = b.target(i, reference) {
                if fragment.is_empty() && doc != 0 {
                    b.whole.insert(doc);
                }
            }
        }
    }
    let root = &parts[0].root;
    let components = root
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Node::as_object)
        .unwrap_or(&[]);
    // Names are claimed first by the root's own schemas; a root schema that is only a reference
    // to another file names what it points to.
    let mut aliases = Vec::new();
    for m in components {
        b.taken.insert(m.key.to_string(), m.key_span);
    }
    for m in components {
        if let Some(target) = b.alias_target(&m.value) {
            if !b.names.contains_key(&target) {
                b.names.insert(target.clone(), m.key.to_string());
                aliases.push((m.key.to_string(), target, m.value.span));
            }
        }
    }
    let mut tree = b.copy(root, 0, Position::Other);
    // The aliased root schemas become the schemas they named.
    let mut hoisted: Vec<Member> = Vec::new();
    let mut replaced: HashMap<String, Node> = HashMap::new();
    for (name, (part, pointer), span) in aliases {
        if let Some(node) = b.resolve(part, &pointer, span) {
            let node = b.copy(node, part, Position::Schema);
            replaced.insert(name, node);
        }
    }
    while let Some((name, (part, pointer), span)) = b.queue.pop() {
        if let Some(node) = b.resolve(part, &pointer, span) {
            let node = b.copy(node, part, Position::Schema);
            let key_span = Span::new(node.span.start as usize, node.span.start as usize);
            hoisted.push(Member {
                key: name.into(),
                key_span,
                value: node,
            });
        }
    }
    hoisted.sort_by(|a, b| a.key.cmp(&b.key));
    if !replaced.is_empty() || !hoisted.is_empty() {
        install(&mut tree, replaced, hoisted);
    }
    (tree, b.diags)
}

/// Puts the bundled schemas into `components.schemas`, creating what is missing.
fn install(tree: &mut Node, mut replaced: HashMap<String, Node>, hoisted: Vec<Member>) {
    let at = Span::new(tree.span.start as usize, tree.span.start as usize);
    let empty_object = || Node {
        value: Value::Object(Vec::new()),
        span: at,
    };
    let schemas = member_mut(
        member_mut(tree, "components", at, empty_object),
        "schemas",
        at,
        empty_object,
    );
    if let Value::Object(members) = &mut schemas.value {
        for m in members.iter_mut() {
            if let Some(node) = replaced.remove(&*m.key) {
                m.value = node;
            }
        }
        members.extend(hoisted);
    }
}

/// The value of `key` in an object node, inserted (made by `make`) when missing.
fn member_mut<'n>(
    node: &'n mut Node,
    key: &str,
    at: Span,
    make: impl Fn() -> Node,
) -> &'n mut Node {
    if !matches!(node.value, Value::Object(_)) {
        *node = make();
    }
    let Value::Object(members) = &mut node.value else {
        unreachable!("made an object above")
    };
    let i = match members.iter().position(|m| &*m.key == key) {
        Some(i) => i,
        None => {
            members.push(Member {
                key: key.into(),
                key_span: at,
                value: make(),
            });
            members.len() - 1
        }
    };
    let member = &mut members[i].value;
    if member.is_null() {
        *member = make();
    }
    member
}

/// A document and a pointer into it.
type Target = (usize, String);

/// Where a node sits: it decides whether a reference to another file is hoisted or copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    /// A schema.
    Schema,
    /// An object whose members are schemas (`properties`, `$defs`, `components.schemas`).
    SchemaMap,
    /// An array of schemas (`allOf`, `prefixItems`, tuple `items`).
    SchemaList,
    /// Anything else of the description.
    Other,
    /// An instance (`example`, `default`, `enum`): copied as it is.
    Data,
}

impl Position {
    /// The position of the value under `key` of an object in this position.
    fn member(self, key: &str, value: &Node) -> Position {
        match self {
            Position::Data => Position::Data,
            Position::SchemaMap => Position::Schema,
            Position::SchemaList => Position::Schema,
            _ if is_data(key) => Position::Data,
            Position::Schema => match key {
                "properties" | "patternProperties" | "$defs" | "definitions"
                | "dependentSchemas" => Position::SchemaMap,
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => Position::SchemaList,
                "items" if value.as_array().is_some() => Position::SchemaList,
                "items"
                | "additionalProperties"
                | "additionalItems"
                | "not"
                | "if"
                | "then"
                | "else"
                | "contains"
                | "propertyNames"
                | "unevaluatedProperties"
                | "unevaluatedItems"
                | "contentSchema" => Position::Schema,
                _ => Position::Other,
            },
            Position::Other => match key {
                // OpenAPI's Schema Object places, and the schema-valued `x-mizan-*` fields.
                "schema" | "input" | "output" | "params" | "clientMessage" | "serverMessage" => {
                    Position::Schema
                }
                "schemas" => Position::SchemaMap,
                _ => Position::Other,
            },
        }
    }

    fn item(self) -> Position {
        match self {
            Position::SchemaList => Position::Schema,
            other => other,
        }
    }
}

struct Bundler<'p> {
    parts: &'p [Part],
    index: HashMap<Location, usize>,
    /// The component name each hoisted target has.
    names: HashMap<Target, String>,
    /// Every name in `components.schemas`, with where it comes from.
    taken: HashMap<String, Span>,
    /// The documents some reference names whole (`./pet.yaml`): their root is a schema.
    whole: std::collections::HashSet<usize>,
    /// Hoisted targets still to copy.
    queue: Vec<(String, Target, Span)>,
    /// The non-schema targets being copied, to stop a reference cycle.
    inlining: Vec<Target>,
    diags: Vec<Diagnostic>,
}

impl<'p> Bundler<'p> {
    /// Where a `$ref` written in part `part` points.
    fn target(&self, part: usize, reference: &str) -> Option<Target> {
        let (document, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let doc = if document.is_empty() {
            part
        } else {
            let location = self.parts[part].location.join(document).ok()?;
            *self.index.get(&location)?
        };
        // One spelling per place: `#/a%20b` and `#/a b` are one target.
        let fragment = match Pointer::parse_ref(&format!("#{fragment}")) {
            Ok(p) => p.canonical()[1..].to_owned(),
            Err(_) => fragment.to_owned(),
        };
        Some((doc, fragment))
    }

    /// The local reference that stands for a schema of another document, hoisting what it
    /// needs. A document some reference names whole (its root is a schema), else a schema of a
    /// document's `components.schemas`, `$defs` or `definitions` (at its root), becomes a named
    /// schema; a pointer inside one of those points inside the named schema, so it is typed as
    /// the same pointer in one document would be; any other schema is named on its own.
    fn local_ref(&mut self, (doc, fragment): Target, span: Span) -> String {
        let Ok(pointer) = Pointer::parse_ref(&format!("#{fragment}")) else {
            return component_ref(&self.hoist((doc, fragment), span));
        };
        let tokens = &pointer.tokens;
        let named = match tokens.as_slice() {
            _ if self.whole.contains(&doc) => Some(0),
            [c, s, _, ..] if c == "components" && s == "schemas" => Some(3),
            [d, _, ..] if d == "$defs" || d == "definitions" => Some(2),
            _ => None,
        };
        let Some(n) = named else {
            return component_ref(&self.hoist((doc, fragment), span));
        };
        let container = pointer::prefix_of(&tokens[..n])[1..].to_owned();
        let name = self.hoist((doc, container), span);
        let mut local = component_ref(&name);
        for t in &tokens[n..] {
            local.push('/');
            local.push_str(&pointer::escape(t).replace('%', "%25"));
        }
        local
    }

    /// A target as messages show it: `common.json#/components/schemas/Tag`, `pet.json`.
    fn shown(&self, part: usize, fragment: &str) -> String {
        let name = &self.parts[part].name;
        if fragment.is_empty() {
            name.clone()
        } else {
            format!("{name}#{fragment}")
        }
    }

    /// The other-file target a root schema that is only a `$ref` names.
    fn alias_target(&self, node: &Node) -> Option<Target> {
        let [only] = node.as_object()? else {
            return None;
        };
        let reference = only.value.as_str().filter(|_| &*only.key == "$ref")?;
        self.target(0, reference).filter(|(doc, _)| *doc != 0)
    }

    fn resolve(&mut self, part: usize, fragment: &str, span: Span) -> Option<&'p Node> {
        let root = &self.parts[part].root;
        let target = self.shown(part, fragment);
        let pointer = match Pointer::parse_ref(&format!("#{fragment}")) {
            Ok(pointer) => pointer,
            Err(e) => {
                self.diags
                    .push(diagnostics::malformed_ref(span, &target, &e.to_string()));
                return None;
            }
        };
        match pointer.resolve(root) {
            Ok(node) => Some(node),
            Err(u) => {
                self.diags.push(diagnostics::dangling_ref(
                    span,
                    &target,
                    &u.describe(&pointer),
                    &pointer::prefix_of(&pointer.tokens[..u.segment]),
                    &pointer.tokens[u.segment],
                    &u.keys(),
                ));
                None
            }
        }
    }

    /// A copy of `node` (of part `part`) whose every `$ref` is local to the bundle.
    fn copy(&mut self, node: &'p Node, part: usize, position: Position) -> Node {
        match &node.value {
            Value::Object(members) if position != Position::Data => {
                if let Some(r) = node.get("$ref").and_then(Node::as_str) {
                    if let Some(replaced) = self.reference(node, r, part, position) {
                        return replaced;
                    }
                }
                let members = members
                    .iter()
                    .map(|m| Member {
                        key: m.key.clone(),
                        key_span: m.key_span,
                        value: self.copy(&m.value, part, position.member(&m.key, &m.value)),
                    })
                    .collect();
                Node {
                    value: Value::Object(members),
                    span: node.span,
                }
            }
            Value::Array(items) if position != Position::Data => Node {
                value: Value::Array(
                    items
                        .iter()
                        .map(|i| self.copy(i, part, position.item()))
                        .collect(),
                ),
                span: node.span,
            },
            _ => node.clone(),
        }
    }

    /// The bundled form of a `$ref` object, or `None` to copy it member by member (a reference
    /// that needs no change, or one that cannot be followed).
    fn reference(
        &mut self,
        node: &'p Node,
        reference: &str,
        part: usize,
        position: Position,
    ) -> Option<Node> {
        let span = node.get("$ref").map_or(node.span, |r| r.span);
        let Some((doc, fragment)) = self.target(part, reference) else {
            // A document that was not read: the loader has reported why.
            return None;
        };
        if doc == 0 {
            // Into the root document: already local, or made so.
            return (part != 0).then(|| with_ref(node, &format!("#{fragment}")));
        }
        if position == Position::Schema {
            let local = self.local_ref((doc, fragment), span);
            return Some(with_ref(node, &local));
        }
        let target = (doc, fragment);
        if self.inlining.contains(&target) {
            let chain: Vec<String> = self
                .inlining
                .iter()
                .chain([&target])
                .map(|(d, f)| self.shown(*d, f))
                .collect();
            self.diags
                .push(diagnostics::external_ref_cycle(span, &chain));
            return Some(Node {
                value: Value::Object(Vec::new()),
                span: node.span,
            });
        }
        let resolved = self.resolve(target.0, &target.1, span)?;
        self.inlining.push(target.clone());
        let copy = self.copy(resolved, target.0, position);
        self.inlining.pop();
        Some(copy)
    }

    /// The component name of a hoisted target, claiming one (and queueing the copy) the first
    /// time.
    fn hoist(&mut self, target: Target, span: Span) -> String {
        if let Some(name) = self.names.get(&target) {
            return name.clone();
        }
        let wanted = self.name_for(&target);
        let mut name = wanted.clone();
        let mut n = 2;
        while self.taken.contains_key(&name) {
            name = format!("{wanted}{n}");
            n += 1;
        }
        if name != wanted {
            let first = self.taken[&wanted];
            self.diags.push(diagnostics::external_schema_renamed(
                span, first, &wanted, &name,
            ));
        }
        self.taken.insert(name.clone(), span);
        self.names.insert(target.clone(), name.clone());
        self.queue.push((name.clone(), target, span));
        name
    }

    /// A schema's name from where it lives: a name the description gave it
    /// (`#/components/schemas/Pet`, `#/$defs/Pet` → `Pet`), else one made from the last pointer
    /// token that is not a keyword or an index (`#/properties/kind` → `Kind`), else from the
    /// file's name (`./pet-owner.yaml` → `PetOwner`).
    fn name_for(&self, (doc, fragment): &Target) -> String {
        use heck::ToUpperCamelCase;
        let pointer = Pointer::parse_ref(&format!("#{fragment}")).unwrap_or_default();
        if let [.., map, name] = pointer.tokens.as_slice() {
            if matches!(map.as_str(), "schemas" | "$defs" | "definitions") && !name.is_empty() {
                return name.clone();
            }
        }
        let made = pointer
            .name_hint()
            .map_or_else(|| self.parts[*doc].location.stem(), str::to_owned)
            .to_upper_camel_case();
        if made.is_empty() {
            "External".to_owned()
        } else {
            made
        }
    }
}

/// `node` with its `$ref` replaced by `reference` (other members kept).
fn with_ref(node: &Node, reference: &str) -> Node {
    let mut copy = node.clone();
    if let Value::Object(members) = &mut copy.value {
        for m in members.iter_mut().filter(|m| &*m.key == "$ref") {
            m.value.value = Value::String(reference.into());
        }
    }
    copy
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::json;

    fn part(path: &str, text: &str, base: u32) -> Part {
        let mut root = json::parse(text).expect("valid JSON");
        root.shift(base);
        Part {
            location: Location::file(Path::new(path)),
            name: path.to_owned(),
            root,
        }
    }

    #[test]
    fn locations_join_like_browsers_and_shells() {
        let root = Location::file(Path::new("api/openapi.json"));
        assert_eq!(
            root.join("./schemas/../common.json").expect("joins"),
            Location::File(PathBuf::from("api/common.json"))
        );
        assert_eq!(
            root.join("../x%20y.json").expect("joins"),
            Location::File(PathBuf::from("x y.json"))
        );
        let remote = Location::Url("https://example.com/api/openapi.json".to_owned());
        assert_eq!(
            remote.join("../common.yaml").expect("joins"),
            Location::Url("https://example.com/common.yaml".to_owned())
        );
        assert!(remote.join("file:///etc/passwd").is_err());
        assert!(!has_scheme("C:/x.json"));
        assert!(has_scheme("https://x"));
    }

    #[test]
    fn finds_other_documents_but_not_in_examples() {
        let root = json::parse(
            r##"{"a": {"$ref": "./x.json#/A"}, "b": {"$ref": "#/local"},
                 "example": {"$ref": "./data.json"}, "c": [{"$ref": "y.yaml"}]}"##,
        )
        .expect("valid JSON");
        let found: Vec<&str> = external_refs(&root).iter().map(|r| r.document).collect();
        assert_eq!(found, ["./x.json", "y.yaml"]);
    }

    #[test]
    fn schemas_are_hoisted_and_aliases_lend_their_name() {
        let root = r##"{"openapi": "3.1.0", "components": {"schemas": {
            "User": {"$ref": "./user.json"},
            "Team": {"type": "object", "properties": {
                "lead": {"$ref": "./user.json"},
                "pets": {"type": "array", "items": {"$ref": "./pets.json#/components/schemas/Pet"}}}}}}}"##;
        let user = r##"{"type": "object", "properties": {"team": {"$ref": "openapi.json#/components/schemas/Team"}}}"##;
        let pets = r##"{"components": {"schemas": {"Pet": {"type": "object", "properties": {"owner": {"$ref": "./user.json"}, "self": {"$ref": "#/components/schemas/Pet"}}}}}}"##;
        let parts = vec![
            part("openapi.json", root, 0),
            part("user.json", user, 1000),
            part("pets.json", pets, 2000),
        ];
        let (tree, diags) = bundle(parts);
        assert!(diags.is_empty(), "{diags:?}");
        let schemas = tree
            .get("components")
            .and_then(|c| c.get("schemas"))
            .expect("schemas");
        let names: Vec<&str> = schemas
            .as_object()
            .expect("object")
            .iter()
            .map(|m| &*m.key)
            .collect();
        assert_eq!(names, ["User", "Team", "Pet"]);
        let r = |node: &Node, path: &[&str]| {
            let mut n = node;
            for k in path {
                n = n.get(k).expect(k);
            }
            n.get("$ref")
                .and_then(Node::as_str)
                .expect("a $ref")
                .to_owned()
        };
        let user = schemas.get("User").expect("User");
        assert_eq!(
            user.span.start, 1000,
            "the alias holds the file's schema, spans kept"
        );
        assert_eq!(
            r(user, &["properties", "team"]),
            "#/components/schemas/Team"
        );
        let team = schemas.get("Team").expect("Team");
        assert_eq!(
            r(team, &["properties", "lead"]),
            "#/components/schemas/User"
        );
        assert_eq!(
            r(team, &["properties", "pets", "items"]),
            "#/components/schemas/Pet"
        );
        let pet = schemas.get("Pet").expect("Pet");
        assert_eq!(
            r(pet, &["properties", "owner"]),
            "#/components/schemas/User"
        );
        assert_eq!(r(pet, &["properties", "self"]), "#/components/schemas/Pet");
    }

    #[test]
    fn other_objects_are_copied_and_their_cycles_reported() {
        let root = r##"{"openapi": "3.1.0", "paths": {"/a": {"$ref": "./a.json"}, "/b": {"$ref": "./b.json"}}}"##;
        let a = r##"{"get": {"parameters": [{"$ref": "./params.json#/limit"}]}}"##;
        let params = r##"{"limit": {"name": "limit", "in": "query", "schema": {"$ref": "./types.json#/$defs/Limit"}}}"##;
        let types = r##"{"$defs": {"Limit": {"type": "integer"}}}"##;
        let b = r##"{"$ref": "./b.json"}"##;
        let parts = vec![
            part("openapi.json", root, 0),
            part("a.json", a, 1000),
            part("params.json", params, 2000),
            part("types.json", types, 3000),
            part("b.json", b, 4000),
        ];
        let (tree, diags) = bundle(parts);
        let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["mizan::schema::ref-cycle"]);
        let param = tree
            .get("paths")
            .and_then(|p| p.get("/a"))
            .and_then(|a| a.get("get"))
            .and_then(|g| g.get("parameters"))
            .and_then(Node::as_array)
            .and_then(|p| p.first())
            .expect("the copied parameter");
        assert_eq!(param.get("name").and_then(Node::as_str), Some("limit"));
        let schema_ref = param
            .get("schema")
            .and_then(|s| s.get("$ref"))
            .and_then(Node::as_str);
        assert_eq!(schema_ref, Some("#/components/schemas/Limit"));
        let limit = tree
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get("Limit"))
            .expect("hoisted");
        assert_eq!(limit.get("type").and_then(Node::as_str), Some("integer"));
    }

    #[test]
    fn a_name_taken_by_the_root_is_not_taken_silently() {
        let root = r##"{"openapi": "3.1.0", "components": {"schemas": {
            "Error": {"type": "string"},
            "Wrapper": {"type": "object", "properties": {"e": {"$ref": "common.json#/components/schemas/Error"}}}}}}"##;
        let common = r##"{"components": {"schemas": {"Error": {"type": "object"}}}}"##;
        let (tree, diags) = bundle(vec![
            part("openapi.json", root, 0),
            part("common.json", common, 1000),
        ]);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "mizan::schema::external-renamed");
        assert!(tree
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get("Error2"))
            .is_some());
    }
}
