//! What each command does, from parsed flags to an exit code.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use std::path::PathBuf;

use crate::cli::{Cli, ColorChoice, Command, DiffMode, Format};
use crate::config::{display_path, Settings};
use crate::diagnostics::{self, Diagnostic, RenderStyle, Severity, SourceFile};
use crate::ir::{Ir, OpenApiDialect};
use crate::Analysis;

/// Exit code for input that is invalid (schema, config); usage errors exit 2 through clap.
pub const EXIT_INVALID: u8 = 1;

/// Like `println!`, but a closed standard output (`mizan-generate --check | head`) ends the
/// output instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// Like `print!`, with the same care for a closed standard output.
macro_rules! out {
    ($($arg:tt)*) => {{
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// Exit code for configuration and usage errors (and, with `--check`, any input error).
pub const EXIT_USAGE: u8 = 2;

pub fn run(cli: &Cli) -> ExitCode {
    let style = render_style(cli.color);
    match &cli.command {
        Some(Command::Validate { schema, format }) => return validate(schema, *format, cli.color),
        Some(Command::Init { dir }) => return init(dir, style),
        Some(Command::ConfigSchema) => {
            out!("{}", crate::config::json_schema());
            return ExitCode::SUCCESS;
        }
        None => {}
    }
    let settings = match settings(cli) {
        Ok(s) => s,
        Err(e) => {
            let (source, diag) = *e;
            eprint!("{}", diagnostics::render(&diag, source.as_ref(), style));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if cli.watch {
        let generate = |settings: &Settings| generate(settings, cli.force, style);
        return match crate::watch::run(&settings, style, generate) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot watch files: {e}");
                ExitCode::from(EXIT_USAGE)
            }
        };
    }
    if cli.check {
        return check(&settings, cli, style);
    }
    match generate(&settings, cli.force, style) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

/// What to run: from `--schema`/`--out`, or from the config file.
fn settings(cli: &Cli) -> Result<Settings, crate::config::ConfigError> {
    if let (Some(schema), Some(out)) = (&cli.schema, &cli.out) {
        let options = crate::emit::Options {
            kernel: crate::config::kernel_source(&cli.kernel),
            react: !cli.no_react,
            forms: !cli.no_forms,
            channels: !cli.no_channels,
        };
        return Ok(Settings::without_config(
            schema.clone(),
            out.clone(),
            options,
        ));
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let ceiling = std::env::var_os(crate::config::CONFIG_CEILING_VAR).map(PathBuf::from);
    let path = crate::config::find(&cwd, cli.config.as_deref(), ceiling.as_deref())
        .map_err(|d| Box::new((None, d)))?;
    crate::config::load(&path)
}

/// The command that brings the output up to date, for messages.
fn fix_command(settings: &Settings) -> String {
    match (settings.config_path.as_deref(), &settings.source) {
        (Some(config), _) => format!("mizan-generate --config {}", display_path(config).display()),
        (None, crate::config::Source::File(schema)) => format!(
            "mizan-generate --schema {} --out {}",
            display_path(schema).display(),
            display_path(&settings.out_dir).display()
        ),
        // Without a config file the source is always a schema file.
        (None, _) => "mizan-generate".to_owned(),
    }
}

/// A run's failure: the diagnostics, and the text they point into.
pub struct Failure {
    pub source: Option<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Fetches the schema, analyses it and generates the files (nothing is written). Warnings come
/// back with the analysis.
pub fn produce(
    settings: &Settings,
) -> Result<(Vec<crate::emit::GeneratedFile>, Analysis), Failure> {
    let fetched = if matches!(&settings.source, crate::config::Source::File(p) if p.as_os_str() == "-")
    {
        read_input(Path::new("-")).map(|(name, bytes)| crate::source::Fetched {
            name,
            bytes,
            etag: None,
        })
    } else {
        crate::source::fetch(&settings.source, settings.config_path.as_deref())
    };
    let fetched = fetched.map_err(|d| Failure {
        source: None,
        diagnostics: vec![d],
    })?;
    let analysis = crate::analyze(&fetched.name, &fetched.bytes);
    match &analysis.ir {
        Some(ir) => Ok((crate::emit::generate(ir, &settings.options), analysis)),
        None => Err(Failure {
            source: Some(analysis.source.clone()),
            diagnostics: analysis.diagnostics,
        }),
    }
}

pub fn print_failure(failure: &Failure, style: RenderStyle) {
    let source = failure.source.as_ref().filter(|s| !s.text.is_empty());
    for d in &failure.diagnostics {
        eprint!("{}", diagnostics::render(d, source, style));
    }
}

fn print_warnings(analysis: &Analysis, style: RenderStyle) {
    for d in analysis.diagnostics.iter().filter(|d| !d.is_error()) {
        eprint!("{}", diagnostics::render(d, Some(&analysis.source), style));
    }
}

/// Generates and writes; `Err` carries the exit code once the diagnostics are printed.
pub fn generate(settings: &Settings, force: bool, style: RenderStyle) -> Result<(), u8> {
    let started = std::time::Instant::now();
    let (files, analysis) = produce(settings).map_err(|f| {
        print_failure(&f, style);
        let n = f.diagnostics.iter().filter(|d| d.is_error()).count();
        let name = f
            .source
            .as_ref()
            .map_or_else(String::new, |s| format!("{}: ", s.name));
        eprintln!(
            "{name}{n} {} found; nothing was written",
            if n == 1 { "error" } else { "errors" }
        );
        EXIT_INVALID
    })?;
    print_warnings(&analysis, style);
    let out = &settings.out_dir;
    let conflicts = crate::output::conflicts(out, &files);
    if !conflicts.is_empty() && !force {
        eprint!(
            "{}",
            diagnostics::render(
                &diagnostics::not_owned(&display_path(out), &conflicts),
                None,
                style
            )
        );
        return Err(EXIT_INVALID);
    }
    match crate::output::write_files(out, &files) {
        Ok(report) => {
            let removed = if report.removed.is_empty() {
                String::new()
            } else {
                format!(", {} removed", report.removed.len())
            };
            outln!(
                "{}: {} files ({} written, {} unchanged{removed}) in {} ms",
                display_path(out).display(),
                files.len(),
                report.written.len(),
                report.unchanged.len(),
                started.elapsed().as_millis()
            );
            Ok(())
        }
        Err(e) => {
            let diag = diagnostics::write_failed(&display_path(&e.path), &e.source);
            eprint!("{}", diagnostics::render(&diag, None, style));
            Err(EXIT_INVALID)
        }
    }
}

#[derive(Serialize)]
struct CheckReport<'a> {
    clean: bool,
    out_dir: String,
    changed: Vec<CheckedFile<'a>>,
    missing: &'a [String],
    extra: &'a [String],
    fix: String,
}

#[derive(Serialize)]
struct CheckedFile<'a> {
    path: &'a str,
    added: usize,
    removed: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<String>,
}

fn check(settings: &Settings, cli: &Cli, style: RenderStyle) -> ExitCode {
    let (files, analysis) = match produce(settings) {
        Ok(r) => r,
        Err(f) => {
            print_failure(&f, style);
            return ExitCode::from(EXIT_USAGE);
        }
    };
    print_warnings(&analysis, style);
    let drift = crate::output::drift(&settings.out_dir, &files);
    let fix = fix_command(settings);
    let out = display_path(&settings.out_dir).display().to_string();
    let changed: Vec<CheckedFile<'_>> = drift
        .changed
        .iter()
        .map(|(path, old, new)| {
            let diff = similar::TextDiff::from_lines(old.as_str(), new.as_str());
            let (mut added, mut removed) = (0, 0);
            for change in diff.iter_all_changes() {
                match change.tag() {
                    similar::ChangeTag::Insert => added += 1,
                    similar::ChangeTag::Delete => removed += 1,
                    similar::ChangeTag::Equal => {}
                }
            }
            let text = (cli.diff == DiffMode::Full).then(|| {
                diff.unified_diff()
                    .context_radius(3)
                    .header(
                        &format!("{out}/{path} (on disk)"),
                        &format!("{out}/{path} (generated)"),
                    )
                    .to_string()
            });
            CheckedFile {
                path,
                added,
                removed,
                diff: text,
            }
        })
        .collect();
    if cli.check_format == Format::Json {
        let report = CheckReport {
            clean: drift.is_clean(),
            out_dir: out.clone(),
            changed,
            missing: &drift.missing,
            extra: &drift.extra,
            fix,
        };
        outln!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else if drift.is_clean() {
        outln!("{out}: up to date ({} files)", files.len());
    } else {
        outln!(
            "{out} is out of date: {} changed, {} missing, {} no longer generated",
            drift.changed.len(),
            drift.missing.len(),
            drift.extra.len()
        );
        for f in &changed {
            outln!("  changed  {} (+{} -{})", f.path, f.added, f.removed);
        }
        for p in &drift.missing {
            outln!("  missing  {p}");
        }
        for p in &drift.extra {
            outln!("  extra    {p}");
        }
        for f in &changed {
            if let Some(d) = &f.diff {
                out!("\n{d}");
            }
        }
        outln!("\nto update it, run: {fix}");
    }
    if drift.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INVALID)
    }
}

pub fn render_style(choice: ColorChoice) -> RenderStyle {
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let width = terminal_width().unwrap_or(RenderStyle::PLAIN.width);
    RenderStyle { color, width }
}

/// The width diagnostics wrap to: `$COLUMNS` when set, else the width of the terminal that
/// standard error (where diagnostics go) is on; `None` when neither is known or it is too
/// narrow to be useful.
fn terminal_width() -> Option<usize> {
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok());
    columns
        .or_else(|| {
            terminal_size::terminal_size_of(std::io::stderr())
                .map(|(terminal_size::Width(w), _)| usize::from(w))
        })
        .filter(|w| *w >= crate::config::MIN_WIDTH)
}

fn read_input(path: &Path) -> Result<(String, Vec<u8>), Diagnostic> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| diagnostics::read_failed("<stdin>", &e, None))?;
        return Ok(("<stdin>".to_owned(), bytes));
    }
    let name = display_path(path).display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => Ok((name, bytes)),
        Err(e) => Err(diagnostics::read_failed(&name, &e, None)),
    }
}

fn validate(path: &Path, format: Format, color: ColorChoice) -> ExitCode {
    let style = render_style(color);
    let analysis = match read_input(path) {
        Ok((name, bytes)) => crate::analyze(&name, &bytes),
        Err(diag) => Analysis {
            source: SourceFile::new(display_path(path).display().to_string(), ""),
            ir: None,
            diagnostics: vec![diag],
        },
    };
    match format {
        Format::Human => print_human(&analysis, style),
        Format::Json => print_json(&analysis),
    }
    if analysis.ir.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INVALID)
    }
}

fn print_human(analysis: &Analysis, style: RenderStyle) {
    let mut err = std::io::stderr().lock();
    let source = (!analysis.source.text.is_empty()).then_some(&analysis.source);
    for d in &analysis.diagnostics {
        let _ = write!(err, "{}", diagnostics::render(d, source, style));
    }
    let name = &analysis.source.name;
    match &analysis.ir {
        Some(ir) => {
            let warnings = match analysis.warnings() {
                0 => String::new(),
                1 => ", 1 warning".to_owned(),
                n => format!(", {n} warnings"),
            };
            outln!("{name}: valid {}{warnings}", summary(ir));
        }
        None => {
            let n = analysis.errors();
            let _ = writeln!(
                err,
                "{name}: {n} {} found; nothing was generated",
                if n == 1 { "error" } else { "errors" }
            );
        }
    }
}

/// `(OpenAPI 3.1): 19 functions, 3 contexts, 1 channel, 1 form, 12 types`
pub fn summary(ir: &Ir) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let private = ir.functions.iter().filter(|f| f.private).count();
    let private = if private > 0 {
        format!(" ({private} private)")
    } else {
        String::new()
    };
    let version = match ir.openapi {
        OpenApiDialect::V30 => "3.0",
        OpenApiDialect::V31 => "3.1",
    };
    format!(
        "(OpenAPI {version}): {}{private}, {}, {}, {}, {}",
        plural(ir.functions.len(), "function", "functions"),
        plural(ir.contexts.len(), "context", "contexts"),
        plural(ir.channels.len(), "channel", "channels"),
        plural(ir.forms.len(), "form", "forms"),
        plural(ir.types.len(), "type", "types"),
    )
}

#[derive(Serialize)]
struct JsonReport<'a> {
    file: &'a str,
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: Severity,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    primary: bool,
}

fn print_json(analysis: &Analysis) {
    let src = &analysis.source;
    let report = JsonReport {
        file: &src.name,
        valid: analysis.ir.is_some(),
        summary: analysis.ir.as_ref().map(summary),
        diagnostics: analysis
            .diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.code,
                severity: d.severity,
                message: &d.message,
                help: d.help.as_deref(),
                labels: d
                    .labels
                    .iter()
                    .map(|l| {
                        let (line, column) = src.line_col(l.span.start);
                        let (end_line, end_column) = src.line_col(l.span.end);
                        JsonLabel {
                            line,
                            column,
                            end_line,
                            end_column,
                            text: l.text.as_deref(),
                            primary: l.primary,
                        }
                    })
                    .collect(),
            })
            .collect(),
    };
    match serde_json::to_string_pretty(&report) {
        Ok(json) => outln!("{json}"),
        Err(e) => eprintln!("error: cannot serialise the report: {e}"),
    }
}

/// Writes a starter `mizan.toml` for what is found around `dir`: a Django project (manage.py),
/// a FastAPI app (a module creating `FastAPI(`), or else a schema file.
fn init(dir: &Path, style: RenderStyle) -> ExitCode {
    let path = dir.join(crate::config::CONFIG_FILE);
    if path.exists() {
        eprint!(
            "{}",
            diagnostics::render(&diagnostics::init_exists(&display_path(&path)), None, style)
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let virtual_env = std::env::var_os("VIRTUAL_ENV").map(PathBuf::from);
    let starter = crate::config::starter(dir, virtual_env.as_deref());
    match std::fs::write(&path, &starter.text) {
        Ok(()) => {
            if let Some(python) = &starter.python {
                outln!("{python}");
            }
            outln!(
                "wrote {} ({}); now run: mizan-generate",
                display_path(&path).display(),
                starter.kind
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprint!(
                "{}",
                diagnostics::render(
                    &diagnostics::init_write_failed(&display_path(&path), &e),
                    None,
                    style
                )
            );
            ExitCode::from(EXIT_INVALID)
        }
    }
}
