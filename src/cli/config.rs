//! `scamguard config check`: read the configuration as `scamguard run` would (file,
//! environment, flags), load the rules and locales it names, and list every problem with
//! where it is (file and line, or the variable) and its key. Exit 2 on any problem.

use std::process::ExitCode;

use super::EXIT_ERROR;
use crate::bot::RunArgs;
use crate::config::{ENV_TOKEN, ENV_TOKEN_FILE};

/// Arguments of `scamguard config check` (those of `scamguard run`).
#[derive(Debug, clap::Args)]
pub struct ConfigCheckArgs {
    #[command(flatten)]
    run: RunArgs,
}

/// Run `scamguard config check`.
#[must_use]
pub fn check(args: &ConfigCheckArgs) -> ExitCode {
    let mut problems: Vec<String> = Vec::new();
    let config = match crate::bot::configure(&args.run) {
        Ok(c) => Some(c),
        Err(e) => {
            problems.extend(e.0);
            None
        }
    };
    if let Some(c) = &config {
        if c.token.is_none() {
            problems.push(format!(
                "telegram.token: no bot token (set {ENV_TOKEN}, {ENV_TOKEN_FILE} or telegram.token)"
            ));
        }
        if let Err(e) = crate::bot::sources(c).load() {
            problems.extend(e.lines().map(str::to_string));
        }
    }
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}");
        }
        eprintln!(
            "{} problem{} found",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        );
        return ExitCode::from(EXIT_ERROR);
    }
    let Some(c) = config else {
        return ExitCode::from(EXIT_ERROR);
    };
    let from = |d: &Option<std::path::PathBuf>| {
        d.as_ref()
            .map_or_else(|| "built in".to_string(), |p| p.display().to_string())
    };
    outln!("configuration ok");
    match &c.webhook {
        Some(w) => outln!("mode: webhook at {} (secret set)", w.url),
        None => outln!("mode: long polling"),
    }
    match c.listen {
        Some(a) => outln!("http: {a} (/healthz, /readyz, /metrics)"),
        None => outln!("http: off"),
    }
    outln!("database: {}", c.state_description());
    outln!("rules: {}", from(&c.rules_dir));
    outln!("locales: {}", from(&c.locales_dir));
    ExitCode::SUCCESS
}
