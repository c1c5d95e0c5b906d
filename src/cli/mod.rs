//! Command-line front ends. Each subcommand returns its process exit code.

/// Exit code for errors in input, rules, locales or configuration.
pub const EXIT_ERROR: u8 = 2;

/// Writes `args` to standard output. A reader that has gone away (`scamguard eval ... | head`)
/// ends the process quietly with status 0, as other command-line tools do; any other write
/// error ends it with [`EXIT_ERROR`] and a message.
pub(crate) fn write_stdout(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let result = std::io::stdout().lock().write_fmt(args);
    if let Err(e) = result.and_then(|()| std::io::stdout().flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("scamguard: cannot write to standard output: {e}");
        std::process::exit(i32::from(EXIT_ERROR));
    }
}

/// `print!` through [`write_stdout`].
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::write_stdout(format_args!($($arg)*)) };
}

/// `println!` through [`write_stdout`].
macro_rules! outln {
    ($($arg:tt)*) => { $crate::cli::write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}
pub mod check;
pub mod config;
pub mod eval;
pub mod fit;
pub mod lint;

use std::path::Path;
use std::process::ExitCode;

use crate::engine::{Engine, LoadOptions};

/// Directory the rules are read from when none is given: `$SCAMGUARD_RULES`; `None`: the
/// rules embedded in the binary.
#[must_use]
pub fn default_rules_dir() -> Option<std::path::PathBuf> {
    std::env::var_os("SCAMGUARD_RULES")
        .filter(|v| !v.is_empty())
        .map(Into::into)
}

/// Load rules from `dir` (default: [`default_rules_dir`], else the embedded rules). Errors are
/// printed; the exit code to return is given back.
///
/// # Errors
/// The rules do not load: every error has been printed to standard error.
pub fn load_engine(dir: Option<&Path>) -> Result<Engine, ExitCode> {
    let dir = dir.map(Path::to_path_buf).or_else(default_rules_dir);
    match dir {
        Some(dir) => Engine::load_dir_with(&dir, &LoadOptions::default()),
        None => Engine::embedded(&LoadOptions::default()),
    }
    .map_err(|errors| {
        eprintln!("{errors}");
        ExitCode::from(EXIT_ERROR)
    })
}
