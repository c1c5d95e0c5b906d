//! The Telegram bot: the only module that names teloxide types.
//!
//! `scamguard run` loads the configuration, the rules and the locales (refusing to start, exit
//! 2, on any error in them), opens the database, and polls the Bot API until SIGINT or SIGTERM;
//! then it stops polling, finishes the updates in hand (pending calm answers go out at once)
//! and exits 0.

pub mod admins;
pub mod batch;
pub mod commands;
pub mod feedback;
pub mod group;
pub mod handlers;
pub mod listener;
pub mod photos;
pub mod private;
pub mod render;
pub mod send;
pub mod transform;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use teloxide::RequestError;
use teloxide::dispatching::Dispatcher;
use teloxide::error_handlers::ErrorHandler;
use teloxide::prelude::*;

use crate::config::Config;
use crate::engine::Engine;
use crate::guard::Guard;
use crate::i18n::Catalog;
use crate::sessions::{SessionConfig, SessionStore};
use crate::store::{SqliteStore, Store};

pub use handlers::{App, HandlerError, distribution, schema};

/// Exit code for invalid configuration, rules or locales.
const EXIT_INVALID: u8 = 2;
/// How long processed-update marks and finished actions are kept.
const KEEP_LOG: Duration = Duration::from_secs(7 * 24 * 3600);
/// How often idle conversations are swept and old bookkeeping pruned.
const MAINTENANCE_EVERY: Duration = Duration::from_secs(600);

/// Arguments of `scamguard run`.
#[derive(Debug, Default, clap::Args)]
pub struct RunArgs {
    /// Config file (TOML).
    #[arg(long)]
    pub config: Option<std::path::PathBuf>,
}

/// Run the bot until SIGINT or SIGTERM.
#[must_use]
pub fn main(args: RunArgs) -> ExitCode {
    init_logging();
    let config = match Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let Some(token) = config.token.clone() else {
        eprintln!(
            "no bot token: set {} or `token` in the config file",
            crate::config::ENV_TOKEN
        );
        return ExitCode::from(EXIT_INVALID);
    };
    let loaded = match load(&config) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config, token.expose().to_string(), loaded)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "scamguard stopped");
            eprintln!("scamguard: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Rules, locales and database, each validated.
pub struct Loaded {
    /// The compiled rules.
    pub engine: Engine,
    /// The messages.
    pub catalog: Catalog,
    /// The database.
    pub store: Arc<dyn Store>,
}

/// Load and validate everything the bot needs before it talks to Telegram.
pub fn load(config: &Config) -> Result<Loaded, String> {
    let catalog = match &config.locales_dir {
        Some(dir) => Catalog::load_dir(dir),
        None => Catalog::embedded(),
    }
    .map_err(|e| e.to_string())?;
    let engine = match &config.rules_dir {
        Some(dir) => Engine::load_dir(dir),
        None => Engine::embedded(&crate::engine::LoadOptions::default()),
    }
    .map_err(|e| e.to_string())?;
    catalog
        .check_rule_keys(engine.rules())
        .map_err(|e| e.to_string())?;
    let store = SqliteStore::open(&config.database)
        .map_err(|e| format!("{}: {e}", config.database.display()))?;
    Ok(Loaded {
        engine,
        catalog,
        store: Arc::new(store),
    })
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    // teloxide's dispatcher logs unparsable updates in full (with their text): keep it quiet
    // unless RUST_LOG asks for it.
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,teloxide::dispatching::dispatcher=off"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
    // A panic message can quote the text being processed: log where, never what.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(at, "panic (contained)");
    }));
}

/// Errors of the update listener (polling), logged without the token or update contents.
struct ListenerErrors {
    token: String,
}

impl ErrorHandler<RequestError> for ListenerErrors {
    fn handle_error(
        self: Arc<Self>,
        error: RequestError,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        let msg = send::redact(&error, &self.token);
        Box::pin(async move {
            tracing::warn!(error = %msg, "polling failed; retrying with backoff");
        })
    }
}

/// Errors returned by handlers (they log their own and return `Ok`; this is a safety net).
struct HandlerErrors;

impl ErrorHandler<HandlerError> for HandlerErrors {
    fn handle_error(
        self: Arc<Self>,
        _error: HandlerError,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        Box::pin(async {
            tracing::error!("handler error");
        })
    }
}

fn make_bot(config: &Config, token: &str) -> Result<Bot, String> {
    let bot = Bot::with_client(token, teloxide::net::client_from_env());
    match &config.api_url {
        Some(u) => {
            let url = url::Url::parse(u).map_err(|e| format!("api_url `{u}`: {e}"))?;
            Ok(bot.set_api_url(url))
        }
        None => Ok(bot),
    }
}

async fn run(config: Config, token: String, loaded: Loaded) -> Result<(), String> {
    let Loaded {
        engine,
        catalog,
        store,
    } = loaded;
    tracing::info!(
        rules = engine.rules().len(),
        database = %config.database.display(),
        api_url = config.api_url.as_deref().unwrap_or("https://api.telegram.org"),
        batch_delay_ms = config.batch_delay.as_millis() as u64,
        "starting"
    );

    // Bookkeeping left by a previous process.
    let recovered = send::blocking(&store, |s| s.recover()).await;
    if let Ok(n @ 1..) = recovered {
        tracing::warn!(
            actions = n,
            "actions of a previous run were in flight: not repeated"
        );
    }
    prune(&store).await;

    let sessions = Arc::new(SessionStore::new(SessionConfig {
        idle: config.session_idle,
        max_entries: config.session_max_entries,
        ..SessionConfig::default()
    }));
    let _sweeper = sessions.spawn_sweeper(Duration::from_secs(60));
    let guard = Guard::new(engine, sessions);
    let ledger = listener::Ledger::new();
    let app = App::new(guard, catalog, store.clone(), config.batch_delay).with_options(
        send::RetryPolicy::default(),
        &token,
        Some(ledger.clone()),
    );

    let bot = make_bot(&config, &token)?.throttle(teloxide::adaptors::throttle::Limits::default());

    // Signals are heard from the start: a stop during startup exits cleanly too.
    let stop = spawn_signal_listener();

    // Wait for the Bot API (and check the token) before polling.
    let startup_retry = send::RetryPolicy {
        attempts: 8,
        ..send::RetryPolicy::default()
    };
    let get_me = send::with_retry(&startup_retry, || bot.get_me().send());
    let me = tokio::select! {
        r = get_me => r.map_err(|(e, _)| format!("getMe failed: {}", send::redact(&e, &token)))?,
        () = stopped(stop.clone()) => {
            tracing::info!("stopped during startup");
            return Ok(());
        }
    };
    tracing::info!(bot = %me.username(), "connected");

    tokio::select! {
        r = commands::register(&bot, &app.catalog, &app.retry) => {
            if let Err(e) = r {
                tracing::warn!(error = %send::redact(&e, &token), "setMyCommands failed; continuing");
            }
        }
        () = stopped(stop.clone()) => {
            tracing::info!("stopped during startup");
            return Ok(());
        }
    }

    let maintenance = tokio::spawn({
        let app = app.clone();
        async move {
            let mut tick = tokio::time::interval(MAINTENANCE_EVERY);
            tick.tick().await;
            loop {
                tick.tick().await;
                let idle = app.guard.sessions().config().idle;
                let n = app.batcher.sweep(idle, tokio::time::Instant::now());
                app.sweep(tokio::time::Instant::now());
                tracing::debug!(chats = n, "swept idle batch state");
                prune(&app.store).await;
            }
        }
    });

    let mut dispatcher =
        Dispatcher::builder(bot.clone(), schema::<teloxide::adaptors::Throttle<Bot>>())
            .dependencies(dptree::deps![app.clone()])
            .distribution_function(distribution)
            .default_handler({
                let ledger = ledger.clone();
                move |upd| {
                    ledger.done(upd.id.0);
                    Box::pin(async move {
                        tracing::debug!(update_id = upd.id.0, "update ignored");
                    })
                }
            })
            .error_handler(Arc::new(HandlerErrors))
            .build();

    let shutdown = dispatcher.shutdown_token();
    let signals = tokio::spawn({
        let app = app.clone();
        async move {
            stopped(stop).await;
            tracing::info!("finishing the updates in hand");
            app.batcher.flush();
            // The dispatcher refuses to shut down until it runs: retry briefly.
            loop {
                match shutdown.shutdown() {
                    Ok(done) => {
                        done.await;
                        break;
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        }
    });

    let listener = listener::Listener::new(bot, ledger).await;
    let result = dispatcher
        .try_dispatch_with_listener(
            listener,
            Arc::new(ListenerErrors {
                token: token.clone(),
            }),
        )
        .await;

    maintenance.abort();
    signals.abort();
    result.map_err(|e| format!("getMe failed: {}", send::redact(&e, &token)))?;
    tracing::info!("stopped");
    Ok(())
}

async fn prune(store: &Arc<dyn Store>) {
    let before = crate::conversation::Timestamp::now()
        .0
        .saturating_sub(KEEP_LOG.as_millis() as u64);
    match send::blocking(store, move |s| s.prune(before)).await {
        Ok(p) => tracing::debug!(updates = p.updates, actions = p.actions, "pruned"),
        Err(e) => tracing::warn!(error = %e, "prune failed"),
    }
}

/// Listen for SIGINT and SIGTERM: the first sets the returned flag, a second one exits at
/// once (code 130).
fn spawn_signal_listener() -> tokio::sync::watch::Receiver<bool> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        if let Err(e) = wait_for_signal().await {
            tracing::error!(error = %e, "cannot listen for signals");
            return;
        }
        tracing::info!("signal received: stopping");
        tx.send_replace(true);
        if wait_for_signal().await.is_ok() {
            tracing::warn!("second signal: exiting now");
            std::process::exit(130);
        }
    });
    rx
}

/// Resolve once the stop flag is set (never, if its sender is gone without setting it).
async fn stopped(mut rx: tokio::sync::watch::Receiver<bool>) {
    if rx.wait_for(|s| *s).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Resolve on SIGINT or SIGTERM.
async fn wait_for_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
