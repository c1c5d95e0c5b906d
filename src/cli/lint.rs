//! `scamguard rules lint`: validate rule files, their locale keys and their examples.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::EXIT_ERROR;
use crate::engine::{Engine, LoadOptions};
use crate::rules::ErrorCode;

pub mod specificity;

/// Arguments of `scamguard rules lint`.
#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Rules directory.
    #[arg(default_value = "rules")]
    pub dir: PathBuf,
    /// Locales directory whose `.ftl` files must hold every rule's `explain` key
    /// (default: `locales` beside the rules directory, when it exists).
    #[arg(long)]
    pub locales: Option<PathBuf>,
}

/// The message ids defined in a Fluent file (`id = ...` at the start of a line).
#[must_use]
pub fn fluent_ids(ftl: &str) -> HashSet<String> {
    ftl.lines()
        .filter_map(|l| {
            let (id, _) = l.split_once('=')?;
            let id = id.trim_end();
            let ok = id.starts_with(|c: char| c.is_ascii_alphabetic())
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            ok.then(|| id.to_owned())
        })
        .collect()
}

/// Every `.ftl` file of `dir` as (locale name, message ids).
///
/// # Errors
/// The directory or a file cannot be read.
pub fn read_locales(dir: &Path) -> std::io::Result<Vec<(String, HashSet<String>)>> {
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
        .collect();
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p)?;
        out.push((p.display().to_string(), fluent_ids(&text)));
    }
    Ok(out)
}

/// The specificity errors (`R012`) of the rules of `dir`; empty when the files do not parse
/// (the loader reports that).
#[must_use]
pub fn specificity_errors(dir: &Path) -> Vec<crate::rules::RuleError> {
    let Ok(sources) = crate::rules::read_dir(dir) else {
        return Vec::new();
    };
    let mut parse_errors = Vec::new();
    let mut ids = Vec::new();
    let raw: Vec<_> = sources
        .iter()
        .flat_map(|s| crate::rules::parse_source(s, &mut parse_errors, &mut ids))
        .collect();
    specificity::check(&raw)
}

/// Run `scamguard rules lint`.
#[must_use]
pub fn run(args: &LintArgs) -> ExitCode {
    let locales_dir = args.locales.clone().or_else(|| {
        let d = args.dir.parent().unwrap_or(Path::new(".")).join("locales");
        d.is_dir().then_some(d)
    });
    let mut options = LoadOptions::default();
    if let Some(dir) = &locales_dir {
        match read_locales(dir) {
            Ok(l) => options.locales = l,
            Err(e) => {
                eprintln!("{}: error: cannot read locales: {e}", dir.display());
                return ExitCode::from(EXIT_ERROR);
            }
        }
    }
    // Examples run whenever the rules compile, even when a locale key is missing, so one run
    // shows every problem.
    let load_errors = Engine::load_dir_with(&args.dir, &options).err();
    let engine = match &load_errors {
        None => Engine::load_dir(&args.dir).ok(),
        Some(e) if e.0.iter().all(|e| e.code == ErrorCode::UnknownLocaleKey) => {
            Engine::load_dir(&args.dir).ok()
        }
        Some(_) => None,
    };
    let mut errors = load_errors.map(|e| e.0).unwrap_or_default();
    if let Some(engine) = &engine {
        errors.extend(engine.check_examples());
        errors.extend(specificity_errors(&args.dir));
    }
    errors.sort_by(|a, b| {
        let key = |e: &crate::rules::RuleError| {
            (e.location.origin.clone(), e.location.line, e.location.col)
        };
        key(a).cmp(&key(b))
    });
    for e in &errors {
        outln!("{e}");
    }
    match (&engine, errors.is_empty()) {
        (Some(engine), true) => {
            outln!(
                "{}: {} rules, {} literals: ok",
                args.dir.display(),
                engine.rules().len(),
                engine.literals().len()
            );
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{} error(s)", errors.len());
            ExitCode::from(EXIT_ERROR)
        }
    }
}
