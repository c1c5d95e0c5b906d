//! `scamguard eval`: measure detection on labeled corpora.

use std::process::ExitCode;

/// Arguments of `scamguard eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// JSON Lines files.
    pub paths: Vec<std::path::PathBuf>,
}

/// Run `scamguard eval`.
#[must_use]
pub fn run(_args: &EvalArgs) -> ExitCode {
    eprintln!("scamguard eval: not built yet");
    ExitCode::from(super::EXIT_ERROR)
}
