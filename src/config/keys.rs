//! Reading mizan.toml into [`ConfigFile`], with unknown keys found by `serde_ignored` and
//! reported with their place and the keys allowed beside them.

use super::{span_of, ConfigFile};
use crate::diagnostics::{self, Diagnostic};
use crate::span::Span;

/// Deserialises the file. Keys serde ignores are collected, in the order serde meets them,
/// rather than denied, so that the first one is reported with its place and the keys allowed
/// beside it (the structs keep `deny_unknown_fields` for the JSON Schema only).
pub(super) fn deserialize(text: &str) -> Result<ConfigFile, Diagnostic> {
    let invalid = |e: toml::de::Error| diagnostics::config_invalid(span_of(e.span()), e.message());
    let de = toml::Deserializer::parse(text).map_err(invalid)?;
    let mut ignored: Vec<Vec<String>> = Vec::new();
    let result = serde_ignored::deserialize(de, |path| ignored.push(segments(&path)));
    // A key ignored before a later error is the likelier mistake, as serde's own
    // `deny_unknown_fields` would have stopped there.
    if let Some((key, parents)) = ignored.first().and_then(|p| p.split_last()) {
        return Err(diagnostics::config_unknown_key(
            key_span(text, parents, key),
            key,
            &known_keys(parents)
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        ));
    }
    result.map_err(invalid)
}

/// The table keys leading to an ignored key, the key last. `toml::Spanned`'s private wrapper
/// keys are not part of the file, so they are left out.
fn segments(path: &serde_ignored::Path<'_>) -> Vec<String> {
    use serde_ignored::Path;
    match path {
        Path::Root => Vec::new(),
        Path::Map { parent, key } => {
            let mut out = segments(parent);
            if !key.starts_with("$__serde_spanned_private_") {
                out.push(key.clone());
            }
            out
        }
        Path::Seq { parent, .. }
        | Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => segments(parent),
    }
}

/// Where `key` is written, in the table reached through `parents`.
fn key_span(text: &str, parents: &[String], key: &str) -> Span {
    let Ok(root) = toml::de::DeTable::parse(text) else {
        return Span::new(0, 0);
    };
    let mut table = root.get_ref();
    for parent in parents {
        match table.iter().find(|(k, _)| k.get_ref() == parent) {
            Some((_, v)) => match v.get_ref() {
                toml::de::DeValue::Table(t) => table = t,
                _ => return Span::new(0, 0),
            },
            None => return Span::new(0, 0),
        }
    }
    table
        .iter()
        .find(|(k, _)| k.get_ref() == key)
        .map_or(Span::new(0, 0), |(k, _)| span_of(Some(k.span())))
}

/// The keys the table reached through `parents` allows, read from the JSON Schema that the
/// config types produce, so that the list cannot drift from the types.
fn known_keys(parents: &[String]) -> Vec<String> {
    let schema = schemars::schema_for!(ConfigFile).to_value();
    // A table's schema is inline, a `$ref`, or (for an optional table) a `$ref` in an `anyOf`.
    let resolve = |node: &serde_json::Value| -> serde_json::Value {
        let reference = node["$ref"].as_str().or_else(|| {
            node["anyOf"]
                .as_array()?
                .iter()
                .find_map(|v| v["$ref"].as_str())
        });
        match reference.and_then(|r| r.strip_prefix("#/$defs/")) {
            Some(name) => schema["$defs"][name].clone(),
            None => node.clone(),
        }
    };
    let mut node = resolve(&schema);
    for parent in parents {
        node = resolve(&node["properties"][parent.as_str()]);
    }
    node["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}
