use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = mizan_generate::cli::Cli::parse();
    mizan_generate::app::run(&cli)
}
