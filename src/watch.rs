//! `--watch`: regenerate when the schema, or what produces it, changes.

use std::process::ExitCode;

use crate::config::Settings;
use crate::diagnostics::RenderStyle;

pub fn run(settings: &Settings, force: bool, style: RenderStyle) -> ExitCode {
    match crate::app::generate(settings, force, style) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}
