//! `mizan.toml` → resolved settings. Every default lives here; paths resolve against the config
//! file's directory; every mistake is a located diagnostic.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::diagnostics::{self, Diagnostic, SourceFile, SourceMap};

mod keys;
mod legacy;
mod starter;

use crate::emit::{KernelSource, Options};
use crate::span::Span;
pub use starter::{starter, Interpreter, Starter};

/// The config file's name: what the search looks for and `init` writes.
pub const CONFIG_FILE: &str = "mizan.toml";
/// `[output] dir`: the generated client's directory.
pub const DEFAULT_OUT_DIR: &str = "src/api";
/// `[output] kernel` and `--kernel`: write `kernel.ts` into the output instead of importing it.
pub const BUNDLED_KERNEL: &str = "bundled";
/// `[watch] debounce_ms`.
pub const DEFAULT_DEBOUNCE_MS: u64 = 75;
/// `[source.url] timeout`, in seconds.
pub const DEFAULT_URL_TIMEOUT_SECS: u64 = 10;
/// The `command` of Django and FastAPI sources: the `python` on PATH.
pub const DEFAULT_PYTHON: &str = "python";
/// The schema file `init` names when it finds no backend.
pub const DEFAULT_SCHEMA_FILE: &str = "schema.json";
/// `[source] max_bytes`: the largest schema document read, in bytes (256 MiB). Also the limit of
/// `validate` and of `--schema`/`--out` runs, which read no config.
pub const DEFAULT_MAX_BYTES: u64 = 256 << 20;
/// How often `--watch` asks a URL source whether the schema changed.
pub const URL_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// `[diagnostics] max_per_code`: how many diagnostics of one code human output shows in full;
/// the rest are counted on one line. `--verbose` shows them all.
pub const DEFAULT_MAX_PER_CODE: usize = 3;
/// Narrower terminal widths are ignored (`RenderStyle::PLAIN`'s is used instead).
pub const MIN_WIDTH: usize = 40;

/// The `mizan.toml` file.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(title = "mizan.toml", description = "Configuration of mizan-generate")]
pub struct ConfigFile {
    /// Where the schema comes from: exactly one of the tables below.
    #[schemars(with = "SourceTable")]
    pub source: toml::Spanned<SourceTable>,
    #[serde(default)]
    pub output: OutputTable,
    #[serde(default)]
    pub watch: WatchTable,
    #[serde(default)]
    pub diagnostics: DiagnosticsTable,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
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
    /// The largest schema document read, in bytes; a longer one (or an endless stream) is
    /// refused once this much has been read. Default 268435456 (256 MiB); at most 1073741824
    /// (1 GiB).
    #[schemars(with = "Option<u64>", range(min = 1, max = 1073741824))]
    pub max_bytes: Option<toml::Spanned<u64>>,
    /// Follow `$ref`s to URLs (`https://example.com/common.yaml`) from a description read from
    /// a file or a command. A description read from a URL always may. Default false.
    #[serde(default)]
    pub remote_refs: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct FileSource {
    pub path: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct UrlSource {
    pub url: String,
    /// Extra request headers (for example an authorization token).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Seconds to wait for the answer. Default 10.
    pub timeout: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CommandSource {
    /// The program and its arguments, e.g. `["uv", "run", "python", "export.py"]`. A program
    /// written as a path (`.venv/bin/python`) is relative to this file; a bare name is looked up
    /// on PATH.
    pub command: Vec<String>,
    /// Working directory (relative to this file). Default: this file's directory.
    pub cwd: Option<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
}

fn python() -> Vec<String> {
    vec![DEFAULT_PYTHON.to_owned()]
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DjangoSource {
    /// Path of `manage.py`, relative to this file.
    pub manage_path: String,
    /// The Python to run it with. Default `["python"]`. A path (`.venv/bin/python`) is relative
    /// to this file.
    #[serde(default = "python")]
    pub command: Vec<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct FastApiSource {
    /// The module holding the app, e.g. `app.main`.
    pub module: String,
    /// The Python to run it with. Default `["python"]`. A path (`.venv/bin/python`) is relative
    /// to this file.
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
    DEFAULT_OUT_DIR.to_owned()
}

fn bundled() -> String {
    BUNDLED_KERNEL.to_owned()
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
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
    DEFAULT_DEBOUNCE_MS
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
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

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DiagnosticsTable {
    /// How many diagnostics of one code are shown in full; the rest are counted on one line
    /// per code (`--verbose` shows them all). 0 shows them all. Default 3. `--format json`
    /// always lists every diagnostic.
    #[serde(default = "max_per_code")]
    pub max_per_code: usize,
}

fn max_per_code() -> usize {
    DEFAULT_MAX_PER_CODE
}

impl Default for DiagnosticsTable {
    fn default() -> Self {
        DiagnosticsTable {
            max_per_code: max_per_code(),
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
    /// The config file the settings came from; `None` for `--schema`/`--out`.
    pub config_path: Option<PathBuf>,
    pub source: Source,
    pub out_dir: PathBuf,
    pub options: Options,
    /// The largest schema document read, in bytes.
    pub max_bytes: u64,
    /// Whether `$ref`s to URLs are followed from a description that is not read from a URL.
    pub remote_refs: bool,
    /// Globs, absolute.
    pub watch_paths: Vec<String>,
    pub debounce: Duration,
    /// How many diagnostics of one code are shown in full (0: all).
    pub max_per_code: usize,
}

impl Settings {
    /// Settings from the command line alone (`--schema` and `--out`): no config file, nothing
    /// to watch but the schema, the default debounce.
    pub fn without_config(schema: PathBuf, out_dir: PathBuf, options: Options) -> Settings {
        Settings {
            config_path: None,
            source: Source::File(schema),
            out_dir,
            options,
            max_bytes: DEFAULT_MAX_BYTES,
            remote_refs: false,
            watch_paths: Vec::new(),
            debounce: Duration::from_millis(DEFAULT_DEBOUNCE_MS),
            max_per_code: DEFAULT_MAX_PER_CODE,
        }
    }
}

/// How a path is shown in messages: relative to the current directory when that is shorter
/// (`../schema.json` rather than `/home/ada/shop/schema.json`), otherwise as it is. A path
/// typed relative is already relative to the current directory and stays as typed; the current
/// directory itself stays absolute, since `.` would say nothing.
pub fn display_path(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().ok();
    display_path_from(path, cwd.as_deref())
}

fn display_path_from(path: &Path, cwd: Option<&Path>) -> PathBuf {
    cwd.filter(|_| path.is_absolute())
        .and_then(|cwd| pathdiff::diff_paths(path, cwd))
        .filter(|rel| {
            !rel.as_os_str().is_empty()
                && rel.as_os_str().len() < path.as_os_str().len()
                && rel
                    .components()
                    .all(|c| matches!(c, Component::Normal(_) | Component::ParentDir))
        })
        .unwrap_or_else(|| path.to_path_buf())
}

/// Where generated code imports the kernel from, as `[output] kernel` and `--kernel` spell it.
pub fn kernel_source(kernel: &str) -> KernelSource {
    if kernel == BUNDLED_KERNEL {
        KernelSource::Bundled
    } else {
        KernelSource::Package(kernel.to_owned())
    }
}

/// The environment variable naming a directory above which the search for `mizan.toml` does
/// not go (the directory itself is still searched), for a project nested in a tree that has a
/// config of its own higher up, and for tests.
pub const CONFIG_CEILING_VAR: &str = "MIZAN_CONFIG_CEILING";

/// The config file for a run: `explicit`, else `mizan.toml` in `start` or its ancestors, up to
/// `ceiling` when `start` is inside it.
pub fn find(
    start: &Path,
    explicit: Option<&Path>,
    ceiling: Option<&Path>,
) -> Result<PathBuf, Diagnostic> {
    if let Some(path) = explicit {
        return Ok(path.to_path_buf());
    }
    // `start` is the current directory, which the system gives without symbolic links.
    let ceiling = ceiling.map(|c| std::fs::canonicalize(c).unwrap_or_else(|_| c.to_path_buf()));
    let mut dirs: Vec<&Path> = start.ancestors().collect();
    if let Some(i) = ceiling
        .as_deref()
        .and_then(|c| dirs.iter().position(|d| *d == c))
    {
        dirs.truncate(i + 1);
    }
    dirs.into_iter()
        .map(|dir| dir.join(CONFIG_FILE))
        .find(|p| p.is_file())
        .ok_or_else(|| diagnostics::no_config(&display_path(start), ceiling.as_deref()))
}

/// A configuration problem, with the file text its diagnostic points into.
pub type ConfigError = Box<(Option<SourceMap>, Diagnostic)>;

/// Reads and resolves a config file (`mizan.toml`, or a legacy JavaScript config).
pub fn load(path: &Path) -> Result<Settings, ConfigError> {
    let name = display_path(path).display().to_string();
    if matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("js" | "mjs" | "cjs")
    ) {
        return legacy::load(path);
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| Box::new((None, diagnostics::read_failed(&name, &e, None))))?;
    let source = SourceMap::new(SourceFile::new(name, text.as_str()));
    parse(path, &text).map_err(|d| Box::new((Some(source), d)))
}

fn span_of(range: Option<std::ops::Range<usize>>) -> Span {
    range.map_or(Span::new(0, 0), |r| Span::new(r.start, r.end))
}

pub fn parse(path: &Path, text: &str) -> Result<Settings, Diagnostic> {
    let file = keys::deserialize(text)?;
    // Absolute, so that a command's own working directory cannot change what a path means.
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let dir = std::path::absolute(&dir).unwrap_or(dir);
    let rel = |p: &str| dir.join(p);
    // A program written as a path (`.venv/bin/python`) is relative to this file, like every
    // path here, whatever the command's working directory; a bare name (`python`, `uv`) is
    // looked up on PATH.
    let program = |mut argv: Vec<String>| {
        if let Some(first) = argv.first_mut() {
            let path = Path::new(first.as_str());
            if path.is_relative() && path.components().count() > 1 {
                *first = rel(first).display().to_string();
            }
        }
        argv
    };
    let table_span = span_of(Some(file.source.span()));
    let table = file.source.into_inner();
    let remote_refs = table.remote_refs;
    let max_bytes = match table.max_bytes {
        None => DEFAULT_MAX_BYTES,
        Some(m) if (1..=crate::MAX_DOCUMENT_BYTES as u64).contains(m.get_ref()) => m.into_inner(),
        Some(m) => {
            return Err(diagnostics::config_invalid(
                span_of(Some(m.span())),
                &format!(
                    "`max_bytes` must be between 1 and {} (1 GiB)",
                    crate::MAX_DOCUMENT_BYTES
                ),
            ))
        }
    };
    let mut sources = Vec::new();
    if let Some(f) = table.file {
        sources.push(("file", Source::File(rel(&f.path))));
    }
    if let Some(u) = table.url {
        let timeout = Duration::from_secs(u.timeout.unwrap_or(DEFAULT_URL_TIMEOUT_SECS));
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
                argv: program(c.command),
                cwd: c.cwd.map_or_else(|| dir.clone(), |d| rel(&d)),
                env: c.env,
            },
        ));
    }
    if let Some(d) = table.django {
        let mut argv = program(d.command);
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
        let mut argv = program(f.command);
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
        config_path: Some(path.to_path_buf()),
        source,
        out_dir: rel(&out.dir),
        options: Options {
            kernel: kernel_source(&out.kernel),
            framework: if out.react {
                crate::emit::Framework::React
            } else {
                crate::emit::Framework::None
            },
            forms: out.forms,
            channels: out.channels,
        },
        max_bytes,
        remote_refs,
        watch_paths: file
            .watch
            .paths
            .iter()
            .map(|p| rel(p).display().to_string())
            .collect(),
        debounce: Duration::from_millis(file.watch.debounce_ms),
        max_per_code: file.diagnostics.max_per_code,
    })
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
    fn paths_are_shown_relative_to_the_current_directory_when_shorter() {
        let shown = |p: &str, cwd: &str| {
            display_path_from(Path::new(p), Some(Path::new(cwd)))
                .display()
                .to_string()
        };
        assert_eq!(shown("/p/web/src/api", "/p/web"), "src/api");
        assert_eq!(shown("/proj/schema.json", "/proj/web"), "../schema.json");
        assert_eq!(
            shown("/proj/web/../schema.json", "/proj/web"),
            "../schema.json",
            "as resolved from a config, without resolving `..`"
        );
        assert_eq!(
            shown("/etc/x", "/home/ada/shop"),
            "/etc/x",
            "shorter absolute"
        );
        assert_eq!(shown("/p/web", "/p/web"), "/p/web", "never a bare `.`");
        assert_eq!(shown("api/x.json", "/p"), "api/x.json", "typed relative");
        assert_eq!(
            display_path_from(Path::new("/p/x"), None),
            Path::new("/p/x")
        );
    }

    #[test]
    fn defaults_and_relative_paths() {
        let s = parse_ok("[source.file]\npath = \"../schema.json\"\n");
        assert_eq!(
            s.source,
            Source::File(PathBuf::from("/project/web/../schema.json"))
        );
        assert_eq!(s.out_dir, PathBuf::from("/project/web/src/api"));
        assert!(
            s.options.framework == crate::emit::Framework::React
                && s.options.forms
                && s.options.channels
        );
        assert_eq!(s.debounce, Duration::from_millis(75));
        assert_eq!(s.max_bytes, 256 << 20);
        let s = parse_ok("[source]\nmax_bytes = 1000\n[source.file]\npath = \"s.json\"\n");
        assert_eq!(s.max_bytes, 1000);
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
        let s = parse_ok("[source.fastapi]\nmodule = \"app.main\"\ncwd = \"../backend\"\ncommand = [\"../backend/.venv/bin/python\"]\n");
        let Source::Command { argv, .. } = s.source else {
            panic!("command")
        };
        assert_eq!(
            argv[0], "/project/web/../backend/.venv/bin/python",
            "a program written as a path is relative to the config file, not to `cwd`"
        );
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
        for limit in ["0", "1073741825"] {
            let text = format!("[source]\nmax_bytes = {limit}\n[source.file]\npath = \"s\"\n");
            let e = err(&text);
            assert_eq!(e.code, "mizan::config::invalid");
            let span = e.labels[0].span;
            assert_eq!(&text[span.start as usize..span.end as usize], limit);
        }
        assert_eq!(
            err("[output]\ndir = \"x\"\n").code,
            "mizan::config::invalid"
        );
    }

    #[test]
    fn unknown_keys_are_found_at_every_depth_with_the_keys_allowed_there() {
        let err = |t: &str| parse(Path::new("mizan.toml"), t).expect_err(t);
        let located = |t: &str, key: &str| {
            let e = err(t);
            assert_eq!(e.code, "mizan::config::unknown-key", "{t}");
            assert_eq!(e.message, format!("unknown key `{key}`"), "{t}");
            let span = e.labels[0].span;
            assert_eq!(&t[span.start as usize..span.end as usize], key, "{t}");
            e.help.unwrap_or_default()
        };
        assert_eq!(
            located("[source.file]\npath = \"s.json\"\n[wach]\n", "wach"),
            "did you mean `watch`?"
        );
        assert_eq!(
            located("[source.file]\npth = \"s.json\"\n", "pth"),
            "did you mean `path`?",
            "inside the spanned source table"
        );
        assert_eq!(
            located("[source.fle]\npath = \"s.json\"\n", "fle"),
            "did you mean `file`?"
        );
        assert_eq!(
            located(
                "[source.file]\npath = \"s.json\"\n[watch]\nzzz = 1\n",
                "zzz"
            ),
            "known keys: debounce_ms, paths"
        );
        assert_eq!(
            located(
                "[source.url]\nurl = \"http://x\"\nheaders = { A = \"b\" }\ntimout = 3\n",
                "timout"
            ),
            "did you mean `timeout`?",
            "headers take any key"
        );
    }
}
