//! The Telegram bot: the only module that names teloxide types.
//!
//! `scamguard run` loads the configuration, the rules and the locales (refusing to start, exit
//! 2, on any error in them), opens the database, starts the HTTP listener (health, metrics,
//! and the webhook in webhook mode), and takes updates by long polling or the webhook until
//! SIGINT or SIGTERM; then it stops taking updates, finishes those in hand (pending calm
//! answers go out at once) and exits 0. SIGHUP reloads rules and locales.

/// Log a failed store call: at `error`, or at `debug` when the call did not reach a shared
/// store in an outage (the store logged the outage once, [`crate::store::StoreError::Unavailable`]).
macro_rules! store_failed {
    ($e:expr, $($field:tt)*) => {
        if matches!($e, $crate::store::StoreError::Unavailable) {
            tracing::debug!(error = %$e, $($field)*)
        } else {
            tracing::error!(error = %$e, $($field)*)
        }
    };
}

pub mod admins;
pub mod batch;
pub mod commands;
pub mod feedback;
pub mod group;
pub mod handlers;
pub mod http;
pub mod listener;
pub mod pace;
pub mod photos;
pub mod private;
pub mod reload;
pub mod render;
pub mod send;
pub mod transform;
pub mod webhook;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use teloxide::RequestError;
use teloxide::dispatching::Dispatcher;
use teloxide::error_handlers::ErrorHandler;
use teloxide::prelude::*;

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::campaign::{CampaignConfig, Campaigns};
use crate::config::{Config, LogFormat};
use crate::engine::Engine;
use crate::guard::Guard;
use crate::i18n::Catalog;
use crate::sessions::{SessionBackend, SessionConfig, SessionStore};
use crate::store::{RedisSessions, RedisStore, SqliteStore, Store};

pub use handlers::{App, HandlerError, distribution, schema};

/// Default log filter: teloxide's dispatcher logs unparsable updates in full (with their
/// text), so it stays off.
pub const DEFAULT_LOG_FILTER: &str = "info,teloxide::dispatching::dispatcher=off";

/// Exit code for invalid configuration, rules or locales.
const EXIT_INVALID: u8 = 2;
/// How long processed-update marks and finished actions are kept.
const KEEP_LOG: Duration = Duration::from_secs(7 * 24 * 3600);
/// How often idle conversations are swept and old bookkeeping pruned.
const MAINTENANCE_EVERY: Duration = Duration::from_secs(600);
/// Updates in hand at most in webhook mode (see [`listener::Gate`]).
const MAX_IN_HAND: usize = 1024;
/// How often webhook mode asks the Bot API whether deliveries work (for `/readyz`).
const API_PROBE_EVERY: Duration = Duration::from_secs(30);

/// Arguments of `scamguard run`.
#[derive(Debug, Default, clap::Args)]
pub struct RunArgs {
    /// Config file (TOML); every key can also be set by `SCAMGUARD_<SECTION>_<KEY>`.
    #[arg(long, env = "SCAMGUARD_CONFIG")]
    pub config: Option<std::path::PathBuf>,
    /// Rules directory (default: the rules built into the binary).
    #[arg(long)]
    pub rules: Option<std::path::PathBuf>,
    /// Locales directory (default: the locales built into the binary).
    #[arg(long)]
    pub locales: Option<std::path::PathBuf>,
    /// Log format: text or json.
    #[arg(long, value_parser = ["text", "json"])]
    pub log_format: Option<String>,
}

/// The configuration `scamguard run` would use: the file, the environment, then the flags.
///
/// # Errors
/// Every problem of the configuration.
pub fn configure(args: &RunArgs) -> Result<Config, crate::config::ConfigError> {
    let mut config = Config::load(args.config.as_deref())?;
    if let Some(r) = &args.rules {
        config.rules_dir = Some(r.clone());
    }
    if let Some(l) = &args.locales {
        config.locales_dir = Some(l.clone());
    }
    match args.log_format.as_deref() {
        Some("json") => config.log_format = LogFormat::Json,
        Some("text") => config.log_format = LogFormat::Text,
        _ => {}
    }
    Ok(config)
}

/// Run the bot until SIGINT or SIGTERM.
#[must_use]
pub fn main(args: RunArgs) -> ExitCode {
    let config = match configure(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    init_logging(&config);
    let Some(token) = config.token.clone() else {
        eprintln!(
            "no bot token: set {}, {} (a file holding it) or telegram.token in the config file",
            crate::config::ENV_TOKEN,
            crate::config::ENV_TOKEN_FILE,
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
    /// The same store when it is Redis: conversations and campaign counters live there too.
    pub shared: Option<Arc<RedisStore>>,
}

/// Where `config` takes rules and locales from.
#[must_use]
pub fn sources(config: &Config) -> reload::Sources {
    reload::Sources {
        rules: config.rules_dir.clone(),
        locales: config.locales_dir.clone(),
    }
}

/// Load and validate everything the bot needs before it talks to Telegram: with `redis.url`
/// the Redis server must answer, else the SQLite database's directory is created if missing.
pub fn load(config: &Config) -> Result<Loaded, String> {
    let (engine, catalog) = sources(config).load()?;
    if let Some(url) = &config.redis_url {
        // The error names the server without its password (StoreError from RedisStore::open).
        let store = RedisStore::open(url.expose(), &config.redis_prefix, KEEP_LOG)
            .map_err(|e| format!("redis.url: cannot use the Redis server: {e}"))?;
        tracing::info!(prefix = store.prefix(), "state in Redis");
        let store = Arc::new(store);
        return Ok(Loaded {
            engine,
            catalog,
            store: store.clone(),
            shared: Some(store),
        });
    }
    if let Some(parent) = config
        .database
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        && !parent.exists()
    {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("{}: cannot create directory: {e}", parent.display()))?;
    }
    let store = SqliteStore::open(&config.database)
        .map_err(|e| format!("{}: {e}", config.database.display()))?;
    Ok(Loaded {
        engine,
        catalog,
        store: Arc::new(store),
        shared: None,
    })
}

fn init_logging(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(&config.log_filter)
        .unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
    };
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

/// Tesseract for screenshots, when `media.ocr` is on and it is installed; says at start
/// whether screenshots are read.
fn screenshots(config: &Config) -> Option<Arc<crate::media::ocr::Tesseract>> {
    if !config.ocr {
        tracing::info!("screenshots are off (media.ocr = false)");
        return None;
    }
    match crate::media::ocr::Tesseract::probe(&config.tesseract, None) {
        Ok(t) => {
            tracing::info!(languages = ?t.languages, "screenshots are read with Tesseract");
            Some(Arc::new(t))
        }
        Err(why) => {
            tracing::warn!(
                "screenshots are off: {why}; images get a sentence saying so (install tesseract-ocr, tesseract-ocr-chi-sim, tesseract-ocr-chi-tra)"
            );
            None
        }
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

/// Everything `serve` needs besides the bot.
struct Running {
    config: Config,
    token: String,
    app: Arc<App>,
    ledger: Arc<listener::Ledger>,
    health: Arc<http::Health>,
    stop: tokio::sync::watch::Receiver<bool>,
    inbox_rx: Option<(
        tokio::sync::mpsc::Receiver<teloxide::types::Update>,
        Arc<AtomicUsize>,
    )>,
    gate: Arc<listener::Gate>,
}

async fn run(config: Config, token: String, loaded: Loaded) -> Result<(), String> {
    let Loaded {
        engine,
        catalog,
        store,
        shared,
    } = loaded;
    // Signals are heard from the start: a stop during startup exits cleanly too.
    let stop = spawn_signal_listener();
    let prometheus = match crate::metrics::install() {
        Ok(h) => Some(h),
        Err(e) => {
            tracing::warn!(error = %e, "metrics are off");
            None
        }
    };
    let version = engine.version();
    crate::metrics::rules(None, &version, engine.rules().len());
    tracing::info!(
        rules = engine.rules().len(),
        rules_version = %version,
        rules_from = %config.rules_dir.as_ref().map_or_else(|| "built in".to_string(), |d| d.display().to_string()),
        locales_from = %config.locales_dir.as_ref().map_or_else(|| "built in".to_string(), |d| d.display().to_string()),
        database = %config.state_description(),
        api_url = config.api_url.as_deref().unwrap_or("https://api.telegram.org"),
        mode = if config.webhook.is_some() { "webhook" } else { "long polling" },
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

    let session_config = SessionConfig {
        idle: config.session_idle,
        max_entries: config.session_max_entries,
        ..SessionConfig::default()
    };
    let (sessions, _sweeper): (Arc<dyn SessionBackend>, _) = match &shared {
        // Redis expires idle conversations by TTL.
        Some(redis) => (
            Arc::new(RedisSessions::new(redis.clone(), session_config)),
            None,
        ),
        None => {
            let local = Arc::new(SessionStore::new(session_config));
            let sweeper = local.spawn_sweeper(Duration::from_secs(60));
            (local, Some(sweeper))
        }
    };
    let guard = Guard::new(engine, sessions);
    let ledger = listener::Ledger::new();
    let gate = listener::Gate::new(MAX_IN_HAND);
    let polling = config.webhook.is_none();
    let mut app = App::new(guard, catalog, store.clone(), config.batch_delay).with_options(
        send::RetryPolicy::default(),
        &token,
        polling.then(|| ledger.clone()),
    );
    if let Some(a) = Arc::get_mut(&mut app) {
        if !polling {
            a.gate = Some(gate.clone());
        }
        a.decoders.enabled = config.qr;
        a.decoders.limits.max_bytes = config.max_image_bytes;
        a.decoders.limits.max_pixels = config.max_image_pixels;
        a.decoders.ocr_per_minute = config.ocr_per_minute;
        a.decoders.ocr = screenshots(&config);
        if let Some(redis) = &shared {
            a.campaigns = Campaigns::shared(CampaignConfig::default(), redis.clone());
        }
    }

    // The HTTP listener: health and metrics in both modes, the webhook in webhook mode.
    let health = Arc::new(http::Health::default());
    let mut inbox_rx = None;
    let server = match config.listen {
        Some(addr) => {
            let inbox = config.webhook.as_ref().map(|w| {
                let (tx, rx) = tokio::sync::mpsc::channel(w.queue);
                let queued = Arc::new(AtomicUsize::new(0));
                inbox_rx = Some((rx, queued.clone()));
                http::Inbox {
                    path: w.path.clone(),
                    secret: w.secret.clone(),
                    max_body: w.max_body_bytes,
                    ack_wait: w.ack_wait,
                    tx,
                    queued,
                    gate: gate.clone(),
                }
            });
            let counts = {
                let app = app.clone();
                Arc::new(move || (app.guard.engine().rules().len(), app.guard.sessions().len()))
                    as Arc<dyn Fn() -> (usize, usize) + Send + Sync>
            };
            let state = Arc::new(http::HttpState {
                health: health.clone(),
                store: store.clone(),
                guard: Some(counts),
                prometheus,
                inbox,
            });
            let listener = http::bind(addr).await?;
            let local = listener.local_addr().map_or(addr, |a| a);
            tracing::info!(listen = %local, "http listening");
            let stop = stop.clone();
            let health = health.clone();
            Some(tokio::spawn(http::serve(
                listener,
                http::router(state),
                async move {
                    stopped(stop).await;
                    health.stopping.store(true, Ordering::Relaxed);
                    // Keep answering (503 for the webhook) while the updates in hand finish.
                    std::future::pending::<()>().await;
                },
            )))
        }
        None => None,
    };

    let reloader = reload::spawn(
        app.clone(),
        sources(&config),
        config.reload_watch,
        config.reload_debounce,
    );

    let bot = make_bot(&config, &token)?;
    let running = Running {
        config,
        token,
        app,
        ledger,
        health,
        stop,
        inbox_rx,
        gate,
    };
    // Messages are paced before they are recorded as started (see `pace`), not inside the
    // request: a crash while one waits must leave it not started.
    if running.config.throttle {
        pace::enable(pace::Limits::default());
    }
    let result = serve(bot, running).await;
    reloader.abort();
    if let Some(s) = server {
        s.abort();
    }
    result
}

async fn serve(bot: Bot, running: Running) -> Result<(), String> {
    let Running {
        config,
        token,
        app,
        ledger,
        health,
        stop,
        inbox_rx,
        gate,
    } = running;

    // Wait for the Bot API (and check the token) before taking updates.
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
    health.api.store(true, Ordering::Relaxed);
    tracing::info!(bot = %me.username(), "connected");

    let catalog = app.catalog();
    tokio::select! {
        r = commands::register(&bot, &catalog, &app.retry) => {
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
        let bot = bot.clone();
        let health = health.clone();
        let webhook = config.webhook.is_some();
        async move {
            let mut tick = tokio::time::interval(MAINTENANCE_EVERY);
            let mut probe = tokio::time::interval(API_PROBE_EVERY);
            tick.tick().await;
            probe.tick().await;
            loop {
                tokio::select! {
                    _ = tick.tick() => {
                        let idle = app.guard.sessions().config().idle;
                        let n = app.batcher.sweep(idle, tokio::time::Instant::now());
                        app.sweep(tokio::time::Instant::now());
                        tracing::debug!(chats = n, "swept idle batch state");
                        prune(&app.store).await;
                    }
                    // In webhook mode nothing else asks the Bot API regularly.
                    _ = probe.tick(), if webhook => {
                        match bot.get_webhook_info().send().await {
                            Ok(info) => {
                                health.api.store(true, Ordering::Relaxed);
                                if let Some(m) = info.last_error_message {
                                    tracing::warn!(pending = info.pending_update_count, error = %m, "Telegram reports a webhook delivery error");
                                }
                            }
                            Err(_) => health.api.store(false, Ordering::Relaxed),
                        }
                    }
                }
            }
        }
    });

    let mut dispatcher = Dispatcher::builder(bot.clone(), schema::<Bot>())
        .dependencies(dptree::deps![app.clone()])
        .distribution_function(distribution)
        .default_handler({
            let ledger = ledger.clone();
            let gate = app.gate.clone();
            move |upd| {
                ledger.done(upd.id.0);
                if let Some(g) = &gate {
                    g.release(upd.id.0);
                }
                crate::metrics::update("other");
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

    let errors = Arc::new(ListenerErrors {
        token: token.clone(),
    });
    let result = match (config.webhook, inbox_rx) {
        (Some(w), Some((rx, queued))) => {
            let listener = webhook::WebhookListener::new(bot, w, &token, rx, queued, gate);
            dispatcher
                .try_dispatch_with_listener(listener, errors)
                .await
        }
        _ => {
            let listener = listener::Listener::new(bot, ledger)
                .await
                .with_health(health.api.clone());
            dispatcher
                .try_dispatch_with_listener(listener, errors)
                .await
        }
    };

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
