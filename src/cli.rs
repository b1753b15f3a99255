//! Command-line flags, as clap parses them. No behaviour lives here.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "mizan-generate",
    version,
    about = "Typed TypeScript clients and React hooks from a Mizan backend's exported schema",
    arg_required_else_help = true,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// The exported OpenAPI document (JSON) to generate from; `-` reads standard input.
    #[arg(long, value_name = "FILE", requires = "out")]
    pub schema: Option<PathBuf>,

    /// The directory to write the generated client into.
    #[arg(long, value_name = "DIR", requires = "schema")]
    pub out: Option<PathBuf>,

    /// Where generated code imports the runtime kernel from: `bundled` writes `kernel.ts` into
    /// the output; any other value is the name of an installed package such as `@mizan/base`.
    #[arg(long, value_name = "bundled|PACKAGE", default_value = "bundled")]
    pub kernel: String,

    /// Leave out the React layer (react.tsx, and with it forms.ts and channels.ts).
    #[arg(long)]
    pub no_react: bool,

    /// Leave out forms.ts (form hooks with Zod).
    #[arg(long)]
    pub no_forms: bool,

    /// Leave out channels.ts (channel hooks).
    #[arg(long)]
    pub no_channels: bool,

    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a schema document and report every problem in it.
    Validate {
        /// The exported OpenAPI document (JSON); `-` reads standard input.
        schema: PathBuf,
        /// How to print the result.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics with code frames, and a summary line.
    Human,
    /// One JSON object on standard output: `{valid, summary, diagnostics: [...]}`.
    Json,
}
