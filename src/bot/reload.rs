//! Hot reload of rules and locales, on SIGHUP and (when `reload.watch` is on) when a file in
//! the rules or locales directory changes. A new engine and catalog are built and checked
//! against each other first; only then are both swapped in, each atomically. On any error the
//! running ones stay and every error is logged with its file and line. A message being
//! handled finishes with the engine it started with.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::handlers::App;
use crate::engine::{Engine, LoadOptions};
use crate::i18n::Catalog;

/// Where rules and locales come from (`None`: built into the binary).
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Rules directory.
    pub rules: Option<PathBuf>,
    /// Locales directory.
    pub locales: Option<PathBuf>,
}

impl Sources {
    /// Build and cross-check an engine and a catalog.
    ///
    /// # Errors
    /// Every problem, one per line, each naming its file and line.
    pub fn load(&self) -> Result<(Engine, Catalog), String> {
        let catalog = match &self.locales {
            Some(dir) => Catalog::load_dir(dir),
            None => Catalog::embedded(),
        };
        let engine = match &self.rules {
            Some(dir) => Engine::load_dir_with(dir, &LoadOptions::default()),
            None => Engine::embedded(&LoadOptions::default()),
        };
        match (engine, catalog) {
            (Ok(e), Ok(c)) => {
                c.check_rule_keys(e.rules()).map_err(|x| x.to_string())?;
                Ok((e, c))
            }
            (Err(e), Ok(_)) => Err(e.to_string()),
            (Ok(_), Err(c)) => Err(c.to_string()),
            (Err(e), Err(c)) => Err(format!("{e}\n{c}")),
        }
    }

    /// The directories to watch.
    #[must_use]
    pub fn dirs(&self) -> Vec<&Path> {
        self.rules
            .iter()
            .chain(self.locales.iter())
            .map(PathBuf::as_path)
            .collect()
    }
}

/// The outcome of one reload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reloaded {
    /// New rules are in use.
    Swapped {
        /// Version before.
        from: String,
        /// Version now.
        to: String,
        /// Rules now.
        rules: usize,
    },
    /// The files did not load: the old rules stay.
    Kept(String),
}

/// Reload `app`'s engine and catalog from `sources` (blocking: compiles the rules).
pub fn reload(app: &App, sources: &Sources, why: &str) -> Reloaded {
    match sources.load() {
        Ok((engine, catalog)) => {
            let to = engine.version();
            let rules = engine.rules().len();
            let old = app.guard.swap_engine(engine);
            app.swap_catalog(catalog);
            let from = old.version();
            crate::metrics::rules(Some(&from), &to, rules);
            crate::metrics::reload("ok");
            tracing::info!(why, from = %from, to = %to, rules, "rules and locales reloaded");
            Reloaded::Swapped { from, to, rules }
        }
        Err(errors) => {
            crate::metrics::reload("error");
            for line in errors.lines() {
                tracing::error!(why, error = %line, "reload refused: the running rules stay");
            }
            Reloaded::Kept(errors)
        }
    }
}

/// Reload on SIGHUP and, if `watch`, on file changes (after `debounce` of quiet), until the
/// returned task is aborted.
pub fn spawn(
    app: Arc<App>,
    sources: Sources,
    watch: bool,
    debounce: Duration,
) -> tokio::task::JoinHandle<()> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<&'static str>();
    #[cfg(unix)]
    {
        let tx = tx.clone();
        tokio::spawn(async move {
            use tokio::signal::unix::{SignalKind, signal};
            let Ok(mut hup) = signal(SignalKind::hangup()) else {
                tracing::error!("cannot listen for SIGHUP: reload by signal is off");
                return;
            };
            while hup.recv().await.is_some() {
                if tx.send("SIGHUP").is_err() {
                    break;
                }
            }
        });
    }
    let watcher = if watch {
        watch_dirs(&sources, tx)
    } else {
        None
    };
    tokio::spawn(async move {
        let _watcher = watcher;
        while let Some(why) = rx.recv().await {
            let mut why = why;
            if why == "file change" {
                // Let an editor or `cp -r` finish: wait for quiet.
                loop {
                    match tokio::time::timeout(debounce, rx.recv()).await {
                        Ok(Some(w)) => {
                            if w == "SIGHUP" {
                                why = w;
                            }
                        }
                        Ok(None) => return,
                        Err(_) => break,
                    }
                }
            }
            let (app, sources) = (app.clone(), sources.clone());
            let _ = tokio::task::spawn_blocking(move || reload(&app, &sources, why)).await;
        }
    })
}

fn watch_dirs(
    sources: &Sources,
    tx: tokio::sync::mpsc::UnboundedSender<&'static str>,
) -> Option<notify::RecommendedWatcher> {
    use notify::{EventKind, RecursiveMode, Watcher};
    let dirs = sources.dirs();
    if dirs.is_empty() {
        return None;
    }
    let handler = move |res: notify::Result<notify::Event>| {
        if let Ok(ev) = res
            && matches!(
                ev.kind,
                EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
            )
        {
            let _ = tx.send("file change");
        }
    };
    let mut watcher = match notify::recommended_watcher(handler) {
        Ok(w) => w,
        Err(e) => {
            tracing::warn!(error = %e, "cannot watch files: reload with SIGHUP");
            return None;
        }
    };
    for dir in dirs {
        if let Err(e) = watcher.watch(dir, RecursiveMode::Recursive) {
            tracing::warn!(dir = %dir.display(), error = %e, "cannot watch: reload with SIGHUP");
        }
    }
    Some(watcher)
}
