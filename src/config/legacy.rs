//! The JavaScript config of existing Mizan projects (`django.config.mjs`), read through `node`
//! as the equivalent mizan.toml.

use std::path::Path;

use super::{parse, ConfigError, Settings};
use crate::diagnostics::{self, Diagnostic, SourceFile, SourceMap};

/// The JavaScript config of existing Mizan projects (`export default { source: { django: {
/// managePath, command, env } }, output }`): `node` evaluates it, and its default export is read
/// as the equivalent mizan.toml.
pub(super) fn load(path: &Path) -> Result<Settings, ConfigError> {
    let name = super::display_path(path).display().to_string();
    let fail = |d: Diagnostic| Box::new((None, d));
    let absolute =
        std::fs::canonicalize(path).map_err(|e| fail(diagnostics::read_failed(&name, &e, None)))?;
    let script = "import(require('url').pathToFileURL(process.argv[1]).href).then((m) => process.stdout.write(JSON.stringify(m.default ?? m)))";
    let output = std::process::Command::new("node")
        .args(["-e", script, &absolute.display().to_string()])
        .output()
        .map_err(|e| fail(diagnostics::command_not_started("node", &e)))?;
    if !output.status.success() {
        return Err(fail(diagnostics::command_failed(
            &format!("node (reading {name})"),
            output.status.code(),
            &String::from_utf8_lossy(&output.stderr),
        )));
    }
    let value: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| fail(diagnostics::legacy_config(&name, &e.to_string())))?;
    let table = legacy_to_toml(&value);
    let text = toml::to_string(&table)
        .map_err(|e| fail(diagnostics::legacy_config(&name, &e.to_string())))?;
    eprint!(
        "{}",
        diagnostics::render(
            &diagnostics::legacy_config_used(&name),
            None,
            diagnostics::RenderStyle::PLAIN
        )
    );
    let shown = SourceMap::new(SourceFile::new(
        format!("{name} (read as mizan.toml)"),
        text.as_str(),
    ));
    parse(path, &text).map_err(|d| Box::new((Some(shown), d)))
}

/// camelCase keys of the JavaScript config → mizan.toml's snake_case; `output: "dir"` → `{dir}`.
fn legacy_to_toml(value: &serde_json::Value) -> toml::Value {
    fn convert(v: &serde_json::Value) -> toml::Value {
        match v {
            serde_json::Value::Object(m) => toml::Value::Table(
                m.iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (heck::ToSnakeCase::to_snake_case(k.as_str()), convert(v)))
                    .collect(),
            ),
            serde_json::Value::Array(a) => toml::Value::Array(a.iter().map(convert).collect()),
            serde_json::Value::String(s) => toml::Value::String(s.clone()),
            serde_json::Value::Bool(b) => toml::Value::Boolean(*b),
            serde_json::Value::Number(n) => n.as_i64().map_or_else(
                || toml::Value::Float(n.as_f64().unwrap_or(0.0)),
                toml::Value::Integer,
            ),
            serde_json::Value::Null => toml::Value::String(String::new()),
        }
    }
    let mut table = convert(value);
    if let Some(toml::Value::String(dir)) = table.get("output").cloned() {
        if let toml::Value::Table(t) = &mut table {
            t.insert(
                "output".to_owned(),
                toml::Value::Table(
                    [("dir".to_owned(), toml::Value::String(dir))]
                        .into_iter()
                        .collect(),
                ),
            );
        }
    }
    table
}
