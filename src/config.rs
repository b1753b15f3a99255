//! `mizan.toml` → resolved settings. Every default lives here; paths resolve against the config
//! file's directory; every mistake is a located diagnostic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::diagnostics::{self, Diagnostic, SourceFile};
use crate::emit::{KernelSource, Options};
use crate::span::Span;

pub const CONFIG_FILE: &str = "mizan.toml";

/// The `mizan.toml` file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "mizan.toml", description = "Configuration of mizan-generate")]
pub struct ConfigFile {
    /// Where the schema comes from: exactly one of the tables below.
    #[schemars(with = "SourceTable")]
    pub source: toml::Spanned<SourceTable>,
    #[serde(default)]
    pub output: OutputTable,
    #[serde(default)]
    pub watch: WatchTable,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceTable {
    /// A schema file on disk.
    pub file: Option<FileSource>,
    /// A schema served by the backend.
    pub url: Option<UrlSource>,
    /// Any command that prints the schema on standard output.
    pub command: Option<CommandSource>,
    /// A Django project: runs `<command> <manage_path> export_mizan_schema`.
    pub django: Option<DjangoSource>,
    /// A FastAPI app: runs `<command> -m mizan_fastapi.cli <module>`.
    pub fastapi: Option<FastApiSource>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileSource {
    pub path: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UrlSource {
    pub url: String,
    /// Extra request headers (for example an authorization token).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Seconds to wait for the answer. Default 10.
    pub timeout: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommandSource {
    /// The program and its arguments, e.g. `["uv", "run", "python", "export.py"]`.
    pub command: Vec<String>,
    /// Working directory (relative to this file). Default: this file's directory.
    pub cwd: Option<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
}

fn python() -> Vec<String> {
    vec!["python".to_owned()]
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DjangoSource {
    /// Path of `manage.py`, relative to this file.
    pub manage_path: String,
    /// The Python to run it with. Default `["python"]`.
    #[serde(default = "python")]
    pub command: Vec<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FastApiSource {
    /// The module holding the app, e.g. `app.main`.
    pub module: String,
    /// The Python to run it with. Default `["python"]`.
    #[serde(default = "python")]
    pub command: Vec<String>,
    pub cwd: Option<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
}

fn yes() -> bool {
    true
}

fn default_dir() -> String {
    "src/api".to_owned()
}

fn bundled() -> String {
    "bundled".to_owned()
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutputTable {
    /// The directory of the generated client, relative to this file. Default `src/api`.
    #[serde(default = "default_dir")]
    pub dir: String,
    /// Generate the React layer (react.tsx). Default true.
    #[serde(default = "yes")]
    pub react: bool,
    /// Generate form hooks (forms.ts). Default true.
    #[serde(default = "yes")]
    pub forms: bool,
    /// Generate channel hooks (channels.ts). Default true.
    #[serde(default = "yes")]
    pub channels: bool,
    /// `bundled` writes kernel.ts; any other value is a package to import it from.
    #[serde(default = "bundled")]
    pub kernel: String,
}

impl Default for OutputTable {
    fn default() -> Self {
        OutputTable {
            dir: default_dir(),
            react: true,
            forms: true,
            channels: true,
            kernel: bundled(),
        }
    }
}

fn debounce() -> u64 {
    75
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WatchTable {
    /// Globs (relative to this file) whose changes regenerate, for command, django and fastapi
    /// sources.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Milliseconds to wait for more changes before regenerating. Default 75.
    #[serde(default = "debounce")]
    pub debounce_ms: u64,
}

impl Default for WatchTable {
    fn default() -> Self {
        WatchTable {
            paths: Vec::new(),
            debounce_ms: debounce(),
        }
    }
}

/// Where the schema comes from, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Url {
        url: String,
        headers: BTreeMap<String, String>,
        timeout: Duration,
    },
    Command {
        argv: Vec<String>,
        cwd: PathBuf,
        env: BTreeMap<String, String>,
    },
}

/// Everything a run needs, resolved from the config file.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config_path: PathBuf,
    pub source: Source,
    pub out_dir: PathBuf,
    pub options: Options,
    /// Globs, absolute.
    pub watch_paths: Vec<String>,
    pub debounce: Duration,
}

/// The config file for a run: `explicit`, else `mizan.toml` in `start` or its ancestors.
pub fn find(start: &Path, explicit: Option<&Path>) -> Result<PathBuf, Diagnostic> {
    if let Some(path) = explicit {
        return Ok(path.to_path_buf());
    }
    start
        .ancestors()
        .map(|dir| dir.join(CONFIG_FILE))
        .find(|p| p.is_file())
        .ok_or_else(|| diagnostics::no_config(start))
}

/// A configuration problem, with the file text its diagnostic points into.
pub type ConfigError = Box<(Option<SourceFile>, Diagnostic)>;

/// Reads and resolves a config file (`mizan.toml`, or a legacy JavaScript config).
pub fn load(path: &Path) -> Result<Settings, ConfigError> {
    let name = path.display().to_string();
    if matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("js" | "mjs" | "cjs")
    ) {
        return load_legacy(path);
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| Box::new((None, diagnostics::read_failed(&name, &e))))?;
    let source = SourceFile::new(name, text.as_str());
    parse(path, &text).map_err(|d| Box::new((Some(source), d)))
}

/// The JavaScript config of existing Mizan projects (`export default { source: { django: {
/// managePath, command, env } }, output }`): `node` evaluates it, and its default export is read
/// as the equivalent mizan.toml.
fn load_legacy(path: &Path) -> Result<Settings, ConfigError> {
    let name = path.display().to_string();
    let fail = |d: Diagnostic| Box::new((None, d));
    let absolute =
        std::fs::canonicalize(path).map_err(|e| fail(diagnostics::read_failed(&name, &e)))?;
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
    let shown = SourceFile::new(format!("{name} (read as mizan.toml)"), text.as_str());
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

fn span_of(range: Option<std::ops::Range<usize>>) -> Span {
    range.map_or(Span::new(0, 0), |r| Span::new(r.start, r.end))
}

pub fn parse(path: &Path, text: &str) -> Result<Settings, Diagnostic> {
    let file: ConfigFile = toml::from_str(text).map_err(|e| {
        let span = span_of(e.span());
        let message = e.message().to_owned();
        // serde: "unknown field `dirr`, expected one of `dir`, `react`, ..."
        if let Some(rest) = message.strip_prefix("unknown field `") {
            let key = rest.split('`').next().unwrap_or_default();
            let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
            diagnostics::config_unknown_key(span, key, &expected)
        } else {
            diagnostics::config_invalid(span, &message)
        }
    })?;
    // Absolute, so that a command's own working directory cannot change what a path means.
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let dir = std::path::absolute(&dir).unwrap_or(dir);
    let rel = |p: &str| dir.join(p);
    let table_span = span_of(Some(file.source.span()));
    let table = file.source.into_inner();
    let mut sources = Vec::new();
    if let Some(f) = table.file {
        sources.push(("file", Source::File(rel(&f.path))));
    }
    if let Some(u) = table.url {
        let timeout = Duration::from_secs(u.timeout.unwrap_or(10));
        sources.push((
            "url",
            Source::Url {
                url: u.url,
                headers: u.headers,
                timeout,
            },
        ));
    }
    if let Some(c) = table.command {
        if c.command.is_empty() {
            return Err(diagnostics::config_invalid(
                table_span,
                "`command` needs at least the program to run",
            ));
        }
        sources.push((
            "command",
            Source::Command {
                argv: c.command,
                cwd: c.cwd.map_or_else(|| dir.clone(), |d| rel(&d)),
                env: c.env,
            },
        ));
    }
    if let Some(d) = table.django {
        let mut argv = d.command;
        argv.push(rel(&d.manage_path).display().to_string());
        argv.push("export_mizan_schema".to_owned());
        let cwd = rel(&d.manage_path)
            .parent()
            .map_or_else(|| dir.clone(), Path::to_path_buf);
        sources.push((
            "django",
            Source::Command {
                argv,
                cwd,
                env: d.env,
            },
        ));
    }
    if let Some(f) = table.fastapi {
        let mut argv = f.command;
        argv.extend(["-m".to_owned(), "mizan_fastapi.cli".to_owned(), f.module]);
        sources.push((
            "fastapi",
            Source::Command {
                argv,
                cwd: f.cwd.map_or_else(|| dir.clone(), |d| rel(&d)),
                env: f.env,
            },
        ));
    }
    if sources.len() != 1 {
        let found: Vec<&str> = sources.iter().map(|(k, _)| *k).collect();
        return Err(diagnostics::config_sources(table_span, &found));
    }
    let (_, source) = sources.remove(0);
    let out = file.output;
    Ok(Settings {
        config_path: path.to_path_buf(),
        source,
        out_dir: rel(&out.dir),
        options: Options {
            kernel: if out.kernel == "bundled" {
                KernelSource::Bundled
            } else {
                KernelSource::Package(out.kernel)
            },
            react: out.react,
            forms: out.forms,
            channels: out.channels,
        },
        watch_paths: file
            .watch
            .paths
            .iter()
            .map(|p| rel(p).display().to_string())
            .collect(),
        debounce: Duration::from_millis(file.watch.debounce_ms),
    })
}

/// A commented starter config for the project around `dir`, and what was detected.
pub fn starter(dir: &Path) -> (&'static str, String) {
    let candidates = [
        ".",
        "backend",
        "server",
        "api",
        "../backend",
        "../server",
        "../api",
        "..",
    ];
    let header = "# mizan-generate configuration (see the README's Configuration section).\n\n";
    let output = "\n[output]\ndir = \"src/api\"      # the generated client\nreact = true          # react.tsx: providers and hooks\nforms = true          # forms.ts: form hooks with Zod\nchannels = true       # channels.ts: channel hooks\nkernel = \"bundled\"    # or \"@mizan/base\" to import an installed runtime\n";
    let clean = |p: PathBuf| p.display().to_string().trim_start_matches("./").to_owned();
    for c in candidates {
        if dir.join(c).join("manage.py").is_file() {
            let rel = clean(Path::new(c).join("manage.py"));
            let watch = clean(Path::new(c).join("**/*.py"));
            return (
                "Django",
                format!("{header}# A Django project: the schema comes from `manage.py export_mizan_schema`.\n[source.django]\nmanage_path = \"{rel}\"\ncommand = [\"python\"]   # or [\"uv\", \"run\", \"python\"]\n# env = {{ DJANGO_SETTINGS_MODULE = \"project.settings\" }}\n{output}\n[watch]\npaths = [\"{watch}\"]   # --watch regenerates when these change\ndebounce_ms = 75\n"),
            );
        }
    }
    for c in candidates {
        for module in ["main.py", "app/main.py", "app.py"] {
            if std::fs::read_to_string(dir.join(c).join(module))
                .is_ok_and(|t| t.contains("FastAPI("))
            {
                let dotted = module.trim_end_matches(".py").replace('/', ".");
                let watch = clean(Path::new(c).join("**/*.py"));
                return (
                    "FastAPI",
                    format!("{header}# A FastAPI app: the schema comes from `python -m mizan_fastapi.cli {dotted}`.\n[source.fastapi]\nmodule = \"{dotted}\"\ncwd = \"{c}\"\ncommand = [\"python\"]   # or [\"uv\", \"run\", \"python\"]\n{output}\n[watch]\npaths = [\"{watch}\"]   # --watch regenerates when these change\ndebounce_ms = 75\n"),
                );
            }
        }
    }
    (
        "schema file",
        format!("{header}# The exported schema, as a file. Other sources: [source.url], [source.command],\n# [source.django] and [source.fastapi] (see the README).\n[source.file]\npath = \"schema.json\"\n{output}"),
    )
}

/// The JSON Schema of `mizan.toml` (committed as `mizan.schema.json`; a test keeps it current).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(ConfigFile);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Settings {
        parse(Path::new("/project/web/mizan.toml"), text).expect("valid config")
    }

    #[test]
    fn defaults_and_relative_paths() {
        let s = parse_ok("[source.file]\npath = \"../schema.json\"\n");
        assert_eq!(
            s.source,
            Source::File(PathBuf::from("/project/web/../schema.json"))
        );
        assert_eq!(s.out_dir, PathBuf::from("/project/web/src/api"));
        assert!(s.options.react && s.options.forms && s.options.channels);
        assert_eq!(s.debounce, Duration::from_millis(75));
    }

    #[test]
    fn django_and_fastapi_become_commands() {
        let s = parse_ok("[source.django]\nmanage_path = \"../backend/manage.py\"\ncommand = [\"uv\", \"run\", \"python\"]\nenv = { DJANGO_SETTINGS_MODULE = \"app.settings\" }\n");
        let Source::Command { argv, cwd, env } = s.source else {
            panic!("command")
        };
        assert_eq!(
            argv,
            [
                "uv",
                "run",
                "python",
                "/project/web/../backend/manage.py",
                "export_mizan_schema"
            ]
        );
        assert_eq!(cwd, PathBuf::from("/project/web/../backend"));
        assert_eq!(env["DJANGO_SETTINGS_MODULE"], "app.settings");
        let s = parse_ok("[source.fastapi]\nmodule = \"app.main\"\n");
        let Source::Command { argv, .. } = s.source else {
            panic!("command")
        };
        assert_eq!(argv, ["python", "-m", "mizan_fastapi.cli", "app.main"]);
    }

    #[test]
    fn mistakes_are_located_with_a_hint() {
        let err = |t: &str| parse(Path::new("mizan.toml"), t).expect_err(t);
        let e = err("[source.file]\npath = \"s.json\"\n[output]\ndirr = \"x\"\n");
        assert_eq!(e.code, "mizan::config::unknown-key");
        assert_eq!(e.help.as_deref(), Some("did you mean `dir`?"));
        assert_eq!(e.labels[0].span.start, 39, "the key `dirr` on line 4");
        assert_eq!(
            err("[source.file]\npath = 3\n").code,
            "mizan::config::invalid"
        );
        assert_eq!(
            err("[source.file]\npath = \"a\"\n[source.url]\nurl = \"http://x\"\n").code,
            "mizan::config::sources"
        );
        assert_eq!(err("[source]\n").code, "mizan::config::sources");
        assert_eq!(
            err("[output]\ndir = \"x\"\n").code,
            "mizan::config::invalid"
        );
    }
}
