//! Command-line flags, as clap parses them. No behaviour lives here.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "mizan-generate",
    version,
    about = "Typed TypeScript clients and React hooks from a Mizan backend's exported schema",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// The config file. Default: `mizan.toml` in the current directory or the nearest parent
    /// (no higher than `$MIZAN_CONFIG_CEILING` when that is set).
    #[arg(long, value_name = "FILE", conflicts_with = "schema")]
    pub config: Option<PathBuf>,

    /// Compare the output directory with what would be generated; write nothing. Exits 0 when
    /// up to date, 1 on drift, 2 on an input or config error.
    #[arg(long, conflicts_with = "watch")]
    pub check: bool,

    /// With --check: how much of each changed file to show.
    #[arg(long, value_enum, default_value_t = DiffMode::Full, requires = "check")]
    pub diff: DiffMode,

    /// With --check: `json` prints one JSON report on standard output, for bots.
    #[arg(long = "format", value_enum, default_value_t = Format::Human, requires = "check")]
    pub check_format: Format,

    /// Regenerate whenever the schema (or what produces it) changes.
    #[arg(long)]
    pub watch: bool,

    /// Replace files in the output directory that the generator did not write.
    #[arg(long)]
    pub force: bool,

    /// The exported OpenAPI document (JSON) to generate from, without a config file.
    #[arg(long, value_name = "FILE", requires = "out")]
    pub schema: Option<PathBuf>,

    /// The directory to write the generated client into.
    #[arg(long, value_name = "DIR", requires = "schema")]
    pub out: Option<PathBuf>,

    /// Where generated code imports the runtime kernel from: `bundled` writes `kernel.ts` into
    /// the output; any other value is the name of an installed package such as `@mizan/base`.
    #[arg(long, value_name = "bundled|PACKAGE", default_value = crate::config::BUNDLED_KERNEL)]
    pub kernel: String,

    /// The framework layer to generate: react (react.tsx), vue (vue.ts), svelte
    /// (svelte.svelte.ts), or none (Stage 1 only). Overrides `[output] framework`.
    #[arg(long, value_enum, value_name = "react|vue|svelte|none")]
    pub framework: Option<FrameworkArg>,

    /// Leave out the framework layer: the same as `--framework none`.
    #[arg(long, conflicts_with = "framework")]
    pub no_react: bool,

    /// Leave out forms.ts (form hooks with Zod).
    #[arg(long)]
    pub no_forms: bool,

    /// Leave out channels.ts (channel hooks).
    #[arg(long)]
    pub no_channels: bool,

    /// Show every diagnostic in full. Without it, the first few of each code are shown and
    /// the rest counted (`[diagnostics] max_per_code`, default 3).
    #[arg(long, global = true)]
    pub verbose: bool,

    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented starter mizan.toml for the project found here (Django, FastAPI, or a
    /// schema file).
    Init {
        /// Where to write it. Default: the current directory.
        #[arg(long, value_name = "DIR", default_value = ".")]
        dir: PathBuf,
    },
    /// Print the JSON Schema of mizan.toml (for editors; the npm package ships it).
    #[command(hide = true)]
    ConfigSchema,
    /// Check a schema document and report every problem in it.
    Validate {
        /// The exported OpenAPI document (JSON); `-` reads standard input.
        schema: PathBuf,
        /// How to print the result.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

/// `--framework`'s values (`emit::Framework`'s names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FrameworkArg {
    /// react.tsx, forms.ts, channels.ts on @tanstack/react-query.
    React,
    /// vue.ts, forms.ts, channels.ts on @tanstack/vue-query.
    Vue,
    /// svelte.svelte.ts, forms.svelte.ts, channels.svelte.ts on @tanstack/svelte-query.
    Svelte,
    /// Stage 1 only: no framework layer.
    None,
}

impl FrameworkArg {
    pub fn framework(self) -> crate::emit::Framework {
        match self {
            FrameworkArg::React => crate::emit::Framework::React,
            FrameworkArg::Vue => crate::emit::Framework::Vue,
            FrameworkArg::Svelte => crate::emit::Framework::Svelte,
            FrameworkArg::None => crate::emit::Framework::None,
        }
    }
}

impl Cli {
    /// The framework the command line asks for, if it asks: `--framework`, or `--no-react`.
    pub fn framework(&self) -> Option<crate::emit::Framework> {
        if self.no_react {
            Some(crate::emit::Framework::None)
        } else {
            self.framework.map(FrameworkArg::framework)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffMode {
    /// A unified diff of every changed file.
    Full,
    /// Lines added and removed per file.
    Stat,
    /// Only the names of the files.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics with code frames, and a summary line.
    Human,
    /// One JSON object on standard output: `{valid, summary, diagnostics: [...]}`.
    Json,
}
