//! Command-line front ends. Each subcommand returns its process exit code.

pub mod check;
pub mod eval;
pub mod lint;

/// Exit code for errors in input, rules, locales or configuration.
pub const EXIT_ERROR: u8 = 2;

use std::path::Path;
use std::process::ExitCode;

use crate::engine::{Engine, LoadOptions};

/// Directory the rules are read from when none is given: `$SCAMGUARD_RULES`, else `./rules`.
#[must_use]
pub fn default_rules_dir() -> std::path::PathBuf {
    std::env::var_os("SCAMGUARD_RULES").map_or_else(|| "rules".into(), Into::into)
}

/// Load rules from `dir` (default: [`default_rules_dir`]). Errors are printed; the exit code to
/// return is given back.
///
/// # Errors
/// The rules do not load: every error has been printed to standard error.
pub fn load_engine(dir: Option<&Path>) -> Result<Engine, ExitCode> {
    let dir = dir.map_or_else(default_rules_dir, Path::to_path_buf);
    Engine::load_dir_with(&dir, &LoadOptions::default()).map_err(|errors| {
        eprintln!("{errors}");
        ExitCode::from(EXIT_ERROR)
    })
}
