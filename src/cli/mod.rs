//! Command-line front ends. Each subcommand returns its process exit code.

pub mod check;
pub mod eval;
pub mod lint;

/// Exit code for errors in input, rules, locales or configuration.
pub const EXIT_ERROR: u8 = 2;

use std::path::Path;
use std::process::ExitCode;

use crate::engine::{Engine, LoadOptions};

/// Load rules from `dir`, or `./rules` when present, or the rules built into the binary.
/// Errors are printed; the exit code to return is given back.
///
/// # Errors
/// The rules do not load: every error has been printed to standard error.
pub fn load_engine(dir: Option<&Path>) -> Result<Engine, ExitCode> {
    let result = match dir {
        Some(d) => Engine::load_dir(d),
        None if Path::new("rules").is_dir() => Engine::load_dir(Path::new("rules")),
        None => Engine::from_sources(&crate::embedded::rule_sources(), &LoadOptions::default()),
    };
    result.map_err(|errors| {
        eprintln!("{errors}");
        ExitCode::from(EXIT_ERROR)
    })
}
