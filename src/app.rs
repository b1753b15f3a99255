//! What each command does, from parsed flags to an exit code.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use std::path::PathBuf;

use crate::cli::{Cli, ColorChoice, Command, DiffMode, Format};
use crate::config::{display_path, Settings};
use crate::diagnostics::{self, Diagnostic, RenderStyle, Severity, SourceFile, SourceMap};
use crate::ir::{Ir, OpenApiDialect};
use crate::output::Ownership;
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
        Some(Command::Validate { schema, format }) => {
            return validate(schema, *format, cli.color, cli.verbose)
        }
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
            if cli.check && cli.check_format == Format::Json {
                // Bots read standard output: the report says what went wrong there too.
                print_check_report(&CheckReport::nothing_compared(
                    cli.out
                        .as_deref()
                        .map(|o| display_path(o).display().to_string()),
                    vec![json_diagnostic(&diag, source.as_ref(), true)],
                ));
            }
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if cli.watch {
        let generate = |settings: &Settings, read: &mut Vec<PathBuf>| {
            generate_reading(settings, cli.force, cli.verbose, style, read)
        };
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
    match generate(&settings, cli.force, cli.verbose, style) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

/// What to run: from `--schema`/`--out`, or from the config file.
fn settings(cli: &Cli) -> Result<Settings, crate::config::ConfigError> {
    if let (Some(schema), Some(out)) = (&cli.schema, &cli.out) {
        let options = crate::emit::Options {
            kernel: crate::config::kernel_source(&cli.kernel),
            framework: cli.framework().unwrap_or_default(),
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
    let mut settings = crate::config::load(&path)?;
    if let Some(framework) = cli.framework() {
        settings.options.framework = framework;
    }
    Ok(settings)
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
    pub source: Option<SourceMap>,
    pub diagnostics: Vec<Diagnostic>,
    /// The files the description refers to, read or not.
    pub refers_to: Vec<PathBuf>,
}

/// The files among a description's documents.
fn files(locations: &[crate::Location]) -> Vec<PathBuf> {
    locations
        .iter()
        .filter_map(|l| match l {
            crate::Location::File(p) => Some(p.clone()),
            crate::Location::Url(_) => None,
        })
        .collect()
}

/// Fetches the schema, analyses it and generates the files (nothing is written). Warnings come
/// back with the analysis.
pub fn produce(
    settings: &Settings,
) -> Result<(Vec<crate::emit::GeneratedFile>, Analysis), Failure> {
    let fetched = if matches!(&settings.source, crate::config::Source::File(p) if p.as_os_str() == "-")
    {
        read_input(Path::new("-"), settings.max_bytes).map(|(name, bytes)| crate::source::Fetched {
            name,
            bytes,
            etag: None,
        })
    } else {
        crate::source::fetch(
            &settings.source,
            settings.config_path.as_deref(),
            settings.max_bytes,
        )
    };
    let fetched = fetched.map_err(|d| Failure {
        source: None,
        diagnostics: vec![d],
        refers_to: Vec::new(),
    })?;
    let mut loader = crate::source::DescriptionLoader::new(settings);
    let analysis = crate::analyze_description(
        &fetched.name,
        &fetched.bytes,
        &crate::source::location(&settings.source),
        &mut loader,
        settings.options.framework,
    );
    match &analysis.ir {
        Some(ir) => Ok((crate::emit::generate(ir, &settings.options), analysis)),
        None => Err(Failure {
            source: Some(analysis.source.clone()),
            refers_to: files(&analysis.refers_to),
            diagnostics: analysis.diagnostics,
        }),
    }
}

/// `max_per_code`: how many diagnostics of one code are shown in full (0: all).
pub fn print_failure(failure: &Failure, style: RenderStyle, max_per_code: usize) {
    let source = failure
        .source
        .as_ref()
        .filter(|s| !s.root().text.is_empty());
    eprint!(
        "{}",
        diagnostics::render_summarised(&failure.diagnostics, source, style, max_per_code)
    );
}

fn print_warnings(analysis: &Analysis, style: RenderStyle, max_per_code: usize) {
    let warnings: Vec<Diagnostic> = analysis
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .cloned()
        .collect();
    eprint!(
        "{}",
        diagnostics::render_summarised(&warnings, Some(&analysis.source), style, max_per_code)
    );
}

/// How many diagnostics of one code are shown in full: `configured` (`[diagnostics]
/// max_per_code`), or all (0) with `--verbose`.
fn max_per_code(configured: usize, verbose: bool) -> usize {
    if verbose {
        0
    } else {
        configured
    }
}

/// Generates and writes; `Err` carries the exit code once the diagnostics are printed.
pub fn generate(
    settings: &Settings,
    force: bool,
    verbose: bool,
    style: RenderStyle,
) -> Result<(), u8> {
    generate_reading(settings, force, verbose, style, &mut Vec::new())
}

/// [`generate`], also telling which other files the description refers to (for `--watch`).
fn generate_reading(
    settings: &Settings,
    force: bool,
    verbose: bool,
    style: RenderStyle,
    read: &mut Vec<PathBuf>,
) -> Result<(), u8> {
    let limit = max_per_code(settings.max_per_code, verbose);
    let started = std::time::Instant::now();
    let (files, analysis) = produce(settings).map_err(|f| {
        read.clone_from(&f.refers_to);
        print_failure(&f, style, limit);
        let n = f.diagnostics.iter().filter(|d| d.is_error()).count();
        let name = f
            .source
            .as_ref()
            .map_or_else(String::new, |s| format!("{}: ", s.root().name));
        eprintln!(
            "{name}{n} {} found; nothing was written",
            if n == 1 { "error" } else { "errors" }
        );
        EXIT_INVALID
    })?;
    *read = self::files(&analysis.refers_to);
    print_warnings(&analysis, style, limit);
    let out = &settings.out_dir;
    let shown = display_path(out);
    let fail = |diag: Diagnostic, code: u8| {
        eprint!("{}", diagnostics::render(&diag, None, style));
        Err(code)
    };
    let found = match crate::output::open(out, &files) {
        Ok(found) => found,
        Err(problem) => {
            let (diag, code) = output_problem(&problem, settings);
            return fail(diag, code);
        }
    };
    if let Some(r) = found.recovered {
        let diag = diagnostics::recovered(&shown, r.renamed, r.removed);
        eprint!("{}", diagnostics::render(&diag, None, style));
    }
    if let (Ownership::Corrupt(reason), false) = (&found.ownership, force) {
        let manifest = shown.join(crate::output::MANIFEST);
        let diag = diagnostics::manifest_corrupt(&manifest, reason, &fix_command(settings));
        return fail(diag, EXIT_INVALID);
    }
    let owned = found.ownership.files();
    let conflicts = crate::output::conflicts(out, owned, &files);
    if !conflicts.is_empty() && !force {
        return fail(diagnostics::not_owned(&shown, &conflicts), EXIT_INVALID);
    }
    let written = crate::output::remove_stray(out, &found.stray)
        .and_then(|()| crate::output::write_files(out, owned, &files));
    match written {
        Ok(report) => {
            let removed = if report.removed.is_empty() {
                String::new()
            } else {
                format!(", {} removed", report.removed.len())
            };
            let stray = match found.stray.len() {
                0 => String::new(),
                1 => "; 1 temporary file of a stopped run removed".to_owned(),
                n => format!("; {n} temporary files of a stopped run removed"),
            };
            outln!(
                "{}: {} files ({} written, {} unchanged{removed}) in {} ms{stray}",
                shown.display(),
                files.len(),
                report.written.len(),
                report.unchanged.len(),
                started.elapsed().as_millis()
            );
            Ok(())
        }
        Err(e) => fail(
            diagnostics::write_failed(&display_path(&e.path), &e.source),
            EXIT_INVALID,
        ),
    }
}

/// The diagnostic for an output directory that cannot be used, and the exit code.
fn output_problem(problem: &crate::output::Problem, settings: &Settings) -> (Diagnostic, u8) {
    use crate::output::Problem;
    let shown = display_path(&settings.out_dir);
    match problem {
        Problem::NotADirectory => (
            diagnostics::out_not_a_directory(
                &shown,
                settings.config_path.as_deref().map(display_path).as_deref(),
            ),
            EXIT_USAGE,
        ),
        Problem::JournalCorrupt(reason) => (
            diagnostics::journal_corrupt(&shown.join(crate::output::JOURNAL), reason),
            EXIT_INVALID,
        ),
        Problem::Io(e) => (
            diagnostics::write_failed(&display_path(&e.path), &e.source),
            EXIT_INVALID,
        ),
    }
}

/// `--check --format json`'s report, printed whatever happens: `out_dir` and `fix` are `null`
/// only when the config cannot be read.
#[derive(Serialize)]
struct CheckReport<'a> {
    clean: bool,
    out_dir: Option<String>,
    changed: Vec<CheckedFile<'a>>,
    missing: &'a [String],
    extra: &'a [String],
    /// Every diagnostic, warnings included: the input's, the config's, the output directory's.
    diagnostics: Vec<JsonDiagnostic<'a>>,
    fix: Option<String>,
}

impl<'a> CheckReport<'a> {
    /// The report of a check that stopped before comparing anything, and why.
    fn nothing_compared(out_dir: Option<String>, diagnostics: Vec<JsonDiagnostic<'a>>) -> Self {
        CheckReport {
            clean: false,
            out_dir,
            changed: Vec::new(),
            missing: &[],
            extra: &[],
            diagnostics,
            fix: None,
        }
    }
}

fn print_check_report(report: &CheckReport<'_>) {
    match serde_json::to_string_pretty(report) {
        Ok(json) => outln!("{json}"),
        Err(e) => eprintln!("error: cannot serialise the report: {e}"),
    }
}

#[derive(Serialize)]
struct CheckedFile<'a> {
    path: &'a str,
    added: usize,
    removed: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<String>,
}

/// How long `--check` spends making its diffs minimal, for all files together.
const DIFF_BUDGET: std::time::Duration = std::time::Duration::from_secs(2);

fn check(settings: &Settings, cli: &Cli, style: RenderStyle) -> ExitCode {
    let json = cli.check_format == Format::Json;
    let fix = fix_command(settings);
    let out = display_path(&settings.out_dir).display().to_string();
    let (files, analysis) = match produce(settings) {
        Ok(r) => r,
        Err(f) => {
            print_failure(&f, style, max_per_code(settings.max_per_code, cli.verbose));
            if json {
                let source = f.source.as_ref();
                print_check_report(&CheckReport::nothing_compared(
                    Some(out),
                    f.diagnostics
                        .iter()
                        .map(|d| json_diagnostic(d, source, true))
                        .collect(),
                ));
            }
            return ExitCode::from(EXIT_USAGE);
        }
    };
    print_warnings(
        &analysis,
        style,
        max_per_code(settings.max_per_code, cli.verbose),
    );

    // The output directory's own state: a generation stopped part way, a manifest missing or
    // unreadable. Each is a diagnostic; the directory is never called up to date with one.
    let dir = &settings.out_dir;
    let shown = display_path(dir);
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut failed = None;
    let mut drift = crate::output::Drift::default();
    match crate::output::open(dir, &files) {
        Err(problem) => {
            let (diag, code) = output_problem(&problem, settings);
            problems.push(diag);
            failed = Some(code);
        }
        Ok(found) => {
            if let Some(r) = found.recovered {
                problems.push(diagnostics::recovered(&shown, r.renamed, r.removed));
            }
            if !found.stray.is_empty() {
                problems.push(diagnostics::stray_temp(&shown, &found.stray, &fix));
            }
            match &found.ownership {
                Ownership::Corrupt(reason) => problems.push(diagnostics::manifest_corrupt(
                    &shown.join(crate::output::MANIFEST),
                    reason,
                    &fix,
                )),
                Ownership::NoManifest => {
                    let present = crate::output::present(dir, &files);
                    if !present.is_empty() {
                        problems.push(diagnostics::manifest_missing(&shown, &present, &fix));
                    }
                }
                Ownership::Owned(_) => {}
            }
            drift = crate::output::drift(dir, found.ownership.files(), &files);
        }
    }
    for d in &problems {
        eprint!("{}", diagnostics::render(d, None, style));
    }
    let errors = problems.iter().filter(|d| d.is_error()).count();
    let clean = failed.is_none() && errors == 0 && drift.is_clean();

    // Minimal diffs cost time quadratic in the lines of a wholly rewritten file; past this
    // deadline the remaining ones may be less than minimal (docs/PROTOCOL.md §8).
    let deadline = std::time::Instant::now() + DIFF_BUDGET;
    let changed: Vec<CheckedFile<'_>> = drift
        .changed
        .iter()
        .map(|(path, old, new)| {
            let diff = similar::TextDiff::configure()
                .deadline(deadline)
                .diff_lines(old.as_str(), new.as_str());
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
    if json {
        let warnings = analysis.diagnostics.iter().filter(|d| !d.is_error());
        print_check_report(&CheckReport {
            clean,
            out_dir: Some(out.clone()),
            changed,
            missing: &drift.missing,
            extra: &drift.extra,
            diagnostics: warnings
                .map(|d| json_diagnostic(d, Some(&analysis.source), true))
                .chain(problems.iter().map(|d| json_diagnostic(d, None, true)))
                .collect(),
            fix: failed.is_none().then_some(fix),
        });
    } else if failed.is_some() {
        // Nothing was compared: the diagnostic says why.
    } else if clean {
        outln!("{out}: up to date ({} files)", files.len());
    } else if drift.is_clean() {
        // Each diagnostic names its own fix.
        outln!(
            "{out}: the files match what would be generated, but the directory is not in order: see the {} above",
            if errors == 1 { "problem" } else { "problems" }
        );
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
    match failed {
        Some(code) => ExitCode::from(code),
        None if clean => ExitCode::SUCCESS,
        None => ExitCode::from(EXIT_INVALID),
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

/// Reads a schema file named on the command line (`-`: standard input), up to `limit` bytes.
fn read_input(path: &Path, limit: u64) -> Result<(String, Vec<u8>), Diagnostic> {
    let (name, read) = if path.as_os_str() == "-" {
        let name = "<stdin>".to_owned();
        let read = crate::source::read_limited(std::io::stdin().lock(), limit);
        (name, read)
    } else {
        let name = display_path(path).display().to_string();
        (name, crate::source::read_file(path, limit))
    };
    match read {
        Ok(Some(bytes)) => Ok((name, bytes)),
        Ok(None) => Err(diagnostics::over_limit(&name, limit, None)),
        Err(e) => Err(diagnostics::read_failed(&name, &e, None)),
    }
}

fn validate(path: &Path, format: Format, color: ColorChoice, verbose: bool) -> ExitCode {
    let style = render_style(color);
    let analysis = match read_input(path, crate::config::DEFAULT_MAX_BYTES) {
        Ok((name, bytes)) => {
            let source = crate::config::Source::File(path.to_path_buf());
            let mut loader =
                crate::source::DescriptionLoader::files_only(crate::config::DEFAULT_MAX_BYTES);
            crate::analyze_description(
                &name,
                &bytes,
                &crate::source::location(&source),
                &mut loader,
                crate::Framework::React,
            )
        }
        Err(diag) => Analysis {
            source: SourceMap::new(SourceFile::new(
                display_path(path).display().to_string(),
                "",
            )),
            refers_to: Vec::new(),
            ir: None,
            diagnostics: vec![diag],
        },
    };
    match format {
        Format::Human => print_human(
            &analysis,
            style,
            max_per_code(crate::config::DEFAULT_MAX_PER_CODE, verbose),
        ),
        Format::Json => print_json(&analysis),
    }
    if analysis.ir.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INVALID)
    }
}

fn print_human(analysis: &Analysis, style: RenderStyle, max_per_code: usize) {
    let mut err = std::io::stderr().lock();
    let source = (!analysis.source.root().text.is_empty()).then_some(&analysis.source);
    let _ = write!(
        err,
        "{}",
        diagnostics::render_summarised(&analysis.diagnostics, source, style, max_per_code)
    );
    let name = &analysis.source.root().name;
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
    /// The file the labels point into (`--check` only: `validate` reports on one file).
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    code: &'a str,
    severity: Severity,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    /// The file this label points into (a diagnostic's labels may sit in different files).
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    primary: bool,
}

/// A diagnostic as JSON, its labels as files, lines and columns of `source`; `with_file` names
/// the file of its primary label (`null`-free: left out when there is none).
fn json_diagnostic<'a>(
    d: &'a Diagnostic,
    source: Option<&'a SourceMap>,
    with_file: bool,
) -> JsonDiagnostic<'a> {
    JsonDiagnostic {
        file: source
            .filter(|_| with_file)
            .map(|s| s.file_at(d.offset()).1.name.as_str()),
        code: d.code,
        severity: d.severity,
        message: &d.message,
        help: d.help.as_deref(),
        labels: source
            .map(|src| {
                d.labels
                    .iter()
                    .map(|l| {
                        let start = src.locate(l.span.start);
                        let end = src.locate(l.span.end);
                        JsonLabel {
                            file: start.file,
                            line: start.line,
                            column: start.column,
                            end_line: end.line,
                            end_column: end.column,
                            text: l.text.as_deref(),
                            primary: l.primary,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn print_json(analysis: &Analysis) {
    let src = &analysis.source;
    let report = JsonReport {
        file: &src.root().name,
        valid: analysis.ir.is_some(),
        summary: analysis.ir.as_ref().map(summary),
        diagnostics: analysis
            .diagnostics
            .iter()
            .map(|d| json_diagnostic(d, Some(src), false))
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
