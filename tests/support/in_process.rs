//! The bot's state built in the test process, for handler tests with `teloxide_tests`' mock
//! bot: test rules and explanations, a real SQLite file, and a log buffer.
#![allow(dead_code)]

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use scamguard::bot::App;
use scamguard::engine::{Engine, LoadOptions};
use scamguard::guard::Guard;
use scamguard::i18n::{Catalog, EMBEDDED};
use scamguard::rules::Source;
use scamguard::sessions::{SessionConfig, SessionStore};
use scamguard::store::{SqliteStore, Store};

/// A key and its text in en, zh-CN and zh-TW.
pub type Explain = (&'static str, &'static str, &'static str, &'static str);

/// The embedded catalog with `explain` added to each language.
#[must_use]
pub fn catalog(explain: &[Explain]) -> Catalog {
    let sources = EMBEDDED.map(|(origin, text)| (origin.to_string(), text.to_string()));
    let [mut en, mut cn, mut tw] = sources;
    for (key, e, c, t) in explain {
        en.1.push_str(&format!("{key} = {e}\n"));
        cn.1.push_str(&format!("{key} = {c}\n"));
        tw.1.push_str(&format!("{key} = {t}\n"));
    }
    Catalog::from_sources([en, cn, tw]).expect("test catalog")
}

/// The handlers' state over `rules` (one rule file's text), with `explain` for its
/// explanations, and the database at `db`. Logging goes to [`logs`].
#[must_use]
pub fn app(rules: &str, explain: &[Explain], db: &Path) -> Arc<App> {
    logs();
    let engine = Engine::from_sources(&[Source::new("t.toml", rules)], &LoadOptions::default())
        .expect("test rules compile");
    let catalog = catalog(explain);
    catalog
        .check_rule_keys(engine.rules())
        .expect("test explanations");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(db).unwrap());
    let guard = Guard::new(
        engine,
        Arc::new(SessionStore::new(SessionConfig::default())),
    );
    App::new(guard, catalog, store, Duration::from_millis(300))
}

/// Everything the crate logs during the tests.
pub fn logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = {
            let buf = buf.clone();
            move || LogWriter(buf.clone())
        };
        let _ = tracing_subscriber::fmt()
            .with_env_filter("scamguard=debug")
            .with_writer(writer)
            .with_ansi(false)
            .try_init();
        buf
    })
    .clone()
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
