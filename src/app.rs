//! What each command does, from parsed flags to an exit code.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use std::path::PathBuf;

use crate::cli::{Cli, ColorChoice, Command, DiffMode, Format};
use crate::config::Settings;
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
        return crate::watch::run(&settings, cli.force, style);
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
        return Ok(Settings {
            config_path: PathBuf::new(),
            source: crate::config::Source::File(schema.clone()),
            out_dir: out.clone(),
            options: crate::emit::Options {
                kernel: if cli.kernel == "bundled" {
                    crate::emit::KernelSource::Bundled
                } else {
                    crate::emit::KernelSource::Package(cli.kernel.clone())
                },
                react: !cli.no_react,
                forms: !cli.no_forms,
                channels: !cli.no_channels,
            },
            watch_paths: Vec::new(),
            debounce: std::time::Duration::from_millis(75),
        });
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let path = crate::config::find(&cwd, cli.config.as_deref()).map_err(|d| Box::new((None, d)))?;
    crate::config::load(&path)
}

/// The command that brings the output up to date, for messages.
fn fix_command(settings: &Settings) -> String {
    match (
        &settings.source,
        settings.config_path.as_os_str().is_empty(),
    ) {
        (crate::config::Source::File(schema), true) => {
            format!(
                "mizan-generate --schema {} --out {}",
                schema.display(),
                settings.out_dir.display()
            )
        }
        _ => format!("mizan-generate --config {}", settings.config_path.display()),
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
        crate::source::fetch(&settings.source)
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
            diagnostics::render(&diagnostics::not_owned(out, &conflicts), None, style)
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
                out.display(),
                files.len(),
                report.written.len(),
                report.unchanged.len(),
                started.elapsed().as_millis()
            );
            Ok(())
        }
        Err(e) => {
            eprint!(
                "{}",
                diagnostics::render(&diagnostics::write_failed(&e.path, &e.source), None, style)
            );
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
    let out = settings.out_dir.display().to_string();
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
    let width = terminal_width().unwrap_or(100);
    RenderStyle { color, width }
}

fn terminal_width() -> Option<usize> {
    std::env::var("COLUMNS")
        .ok()?
        .parse()
        .ok()
        .filter(|w| *w >= 40)
}

fn read_input(path: &Path) -> Result<(String, Vec<u8>), Diagnostic> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| diagnostics::read_failed("<stdin>", &e))?;
        return Ok(("<stdin>".to_owned(), bytes));
    }
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => Ok((name, bytes)),
        Err(e) => Err(diagnostics::read_failed(&name, &e)),
    }
}

fn validate(path: &Path, format: Format, color: ColorChoice) -> ExitCode {
    let style = render_style(color);
    let analysis = match read_input(path) {
        Ok((name, bytes)) => crate::analyze(&name, &bytes),
        Err(diag) => Analysis {
            source: SourceFile::new(path.display().to_string(), ""),
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
            diagnostics::render(&diagnostics::init_exists(&path), None, style)
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let (kind, text) = crate::config::starter(dir);
    match std::fs::write(&path, text) {
        Ok(()) => {
            outln!("wrote {} ({kind}); now run: mizan-generate", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprint!(
                "{}",
                diagnostics::render(
                    &diagnostics::read_failed(&path.display().to_string(), &e),
                    None,
                    style
                )
            );
            ExitCode::from(EXIT_INVALID)
        }
    }
}
