use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = mizan_generate::cli::Cli::parse();
    mizan_generate::app::run(&cli)
}

/// The analysis builds many small allocations (one per JSON value); mimalloc makes them and
/// their release markedly cheaper than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
