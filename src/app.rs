//! What each command does, from parsed flags to an exit code.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use crate::cli::{Cli, ColorChoice, Command, Format};
use crate::diagnostics::{self, Diagnostic, RenderStyle, Severity, SourceFile};
use crate::ir::{Ir, OpenApiDialect};
use crate::Analysis;

/// Exit code for input that is invalid (schema, config); usage errors exit 2 through clap.
pub const EXIT_INVALID: u8 = 1;

pub fn run(cli: &Cli) -> ExitCode {
    match (&cli.command, &cli.schema, &cli.out) {
        (Some(Command::Validate { schema, format }), _, _) => validate(schema, *format, cli.color),
        (None, Some(schema), Some(out)) => {
            let options = crate::emit::Options {
                kernel: if cli.kernel == "bundled" {
                    crate::emit::KernelSource::Bundled
                } else {
                    crate::emit::KernelSource::Package(cli.kernel.clone())
                },
                react: !cli.no_react,
                forms: !cli.no_forms,
                channels: !cli.no_channels,
            };
            generate(schema, out, &options, cli.color)
        }
        _ => {
            use clap::CommandFactory;
            Cli::command()
                .error(
                    clap::error::ErrorKind::MissingRequiredArgument,
                    "nothing to do: pass `--schema <FILE> --out <DIR>`, or a subcommand",
                )
                .exit()
        }
    }
}

fn generate(
    schema: &Path,
    out: &Path,
    options: &crate::emit::Options,
    color: ColorChoice,
) -> ExitCode {
    let started = std::time::Instant::now();
    let style = render_style(color);
    let analysis = match read_input(schema) {
        Ok((name, bytes)) => crate::analyze(&name, &bytes),
        Err(diag) => {
            eprint!("{}", diagnostics::render(&diag, None, style));
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let source = (!analysis.source.text.is_empty()).then_some(&analysis.source);
    for d in &analysis.diagnostics {
        eprint!("{}", diagnostics::render(d, source, style));
    }
    let Some(ir) = &analysis.ir else {
        let n = analysis.errors();
        eprintln!(
            "{}: {n} {} found; nothing was written",
            analysis.source.name,
            if n == 1 { "error" } else { "errors" }
        );
        return ExitCode::from(EXIT_INVALID);
    };
    let files = crate::emit::generate(ir, options);
    match crate::output::write_files(out, &files) {
        Ok(report) => {
            println!(
                "{}: {} files ({} written, {} unchanged) in {} ms",
                out.display(),
                files.len(),
                report.written.len(),
                report.unchanged.len(),
                started.elapsed().as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprint!(
                "{}",
                diagnostics::render(&diagnostics::write_failed(&e), None, style)
            );
            ExitCode::from(EXIT_INVALID)
        }
    }
}

fn render_style(choice: ColorChoice) -> RenderStyle {
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
            println!("{name}: valid {}{warnings}", summary(ir));
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
        Ok(json) => println!("{json}"),
        Err(e) => eprintln!("error: cannot serialise the report: {e}"),
    }
}
