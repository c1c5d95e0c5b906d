//! The `scamguard` command: run the bot, check a message, lint rules, evaluate on a corpus.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use scamguard::cli;

#[derive(Parser)]
#[command(
    name = "scamguard",
    version,
    about = "Recognise scams while they happen"
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check one message (argument or stdin) and print the verdict.
    Check(cli::check::CheckArgs),
    /// Work with rule files.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Measure detection on labeled JSON Lines corpora.
    Eval(cli::eval::EvalArgs),
    /// Run the Telegram bot (the default when TELOXIDE_TOKEN is set).
    Run(scamguard::bot::RunArgs),
    /// Work with the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Check the configuration (file, environment, flags) and the rules and locales it names;
    /// list every problem with its line and key; exit 2 on any.
    Check(cli::config::ConfigCheckArgs),
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Validate every rule file and its examples; exit 2 on any error.
    Lint(cli::lint::LintArgs),
    /// Propose rule weights from a labeled corpus (logistic regression over the rules' hits)
    /// and flag rules that hit more benign than scam lines; a Markdown report.
    Fit(cli::fit::FitArgs),
}

fn main() -> ExitCode {
    let args = Args::parse();
    match args.command {
        Some(Command::Check(a)) => cli::check::run(&a),
        Some(Command::Rules(RulesCommand::Lint(a))) => cli::lint::run(&a),
        Some(Command::Rules(RulesCommand::Fit(a))) => cli::fit::run(&a),
        Some(Command::Eval(a)) => cli::eval::run(&a),
        Some(Command::Run(a)) => scamguard::bot::main(a),
        Some(Command::Config(ConfigCommand::Check(a))) => cli::config::check(&a),
        None if std::env::var_os(scamguard::config::ENV_TOKEN).is_some()
            || std::env::var_os(scamguard::config::ENV_TOKEN_FILE).is_some() =>
        {
            scamguard::bot::main(scamguard::bot::RunArgs::default())
        }
        None => {
            use clap::CommandFactory;
            let _ = Args::command().print_help();
            ExitCode::from(2)
        }
    }
}
