//! Configuration of `scamguard run`: one TOML file (every key optional) and, over it, one
//! environment variable per key, `SCAMGUARD_<SECTION>_<KEY>` (`SCAMGUARD_<KEY>` for the keys
//! outside a section). [`KEYS`] is the whole schema: the loader, `scamguard config check`, the
//! documented example `deploy/scamguard.toml` and its test all read it.
//!
//! Every problem is collected, not only the first, each naming where the value came from (file
//! and line, or the variable) and the key. Secrets (the token, the webhook secret) are held as
//! [`Secret`], which never prints its value.
//!
//! Relative paths are taken as written, relative to the working directory of the process.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Environment variable holding the bot token (the Telegram library's own name for it).
pub const ENV_TOKEN: &str = "TELOXIDE_TOKEN";
/// Environment variable naming a file that holds the bot token (Docker and systemd secrets).
pub const ENV_TOKEN_FILE: &str = "TELOXIDE_TOKEN_FILE";
/// Environment variable holding the Bot API base URL (the Telegram library's own name for it).
pub const ENV_API_URL: &str = "TELOXIDE_API_URL";

/// Default debounce of the calm batched answer in private chats.
pub const DEFAULT_BATCH_DELAY_MS: u64 = 2500;
/// Longest accepted batch delay: longer would make the bot look dead.
pub const MAX_BATCH_DELAY_MS: u64 = 60_000;
/// Default address of the HTTP listener (health, metrics and the webhook).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// File name of the database inside the default state directory.
pub const DATABASE_FILE: &str = "scamguard.db";

/// A secret string (the bot token). Its `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret.
    #[must_use]
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The secret itself. Never log it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// What a key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text.
    Str,
    /// Text never printed.
    Secret,
    /// A file or directory path.
    Path,
    /// `true` or `false`.
    Bool,
    /// A whole number in `min..=max`.
    Int {
        /// Smallest accepted.
        min: u64,
        /// Largest accepted.
        max: u64,
    },
    /// One of the listed words.
    Choice(&'static [&'static str]),
}

/// One configuration key.
#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    /// Table it lives in (`""`: top level).
    pub section: &'static str,
    /// Its name in the table.
    pub key: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Further environment variables read for it, after `SCAMGUARD_…`, in order.
    pub aliases: &'static [&'static str],
}

impl KeySpec {
    /// `section.key` (or `key` at top level).
    #[must_use]
    pub fn name(&self) -> String {
        if self.section.is_empty() {
            self.key.to_string()
        } else {
            format!("{}.{}", self.section, self.key)
        }
    }

    /// `SCAMGUARD_<SECTION>_<KEY>`.
    #[must_use]
    pub fn env(&self) -> String {
        let mut s = String::from("SCAMGUARD_");
        if !self.section.is_empty() {
            s.push_str(&self.section.to_ascii_uppercase());
            s.push('_');
        }
        s.push_str(&self.key.to_ascii_uppercase());
        s
    }
}

const fn key(section: &'static str, key: &'static str, kind: Kind) -> KeySpec {
    KeySpec {
        section,
        key,
        kind,
        aliases: &[],
    }
}

const fn int(min: u64, max: u64) -> Kind {
    Kind::Int { min, max }
}

/// Every configuration key.
pub const KEYS: &[KeySpec] = &[
    key("", "database", Kind::Path),
    key("", "rules", Kind::Path),
    key("", "locales", Kind::Path),
    KeySpec {
        aliases: &[ENV_TOKEN],
        ..key("telegram", "token", Kind::Secret)
    },
    KeySpec {
        aliases: &[ENV_TOKEN_FILE],
        ..key("telegram", "token_file", Kind::Path)
    },
    KeySpec {
        aliases: &[ENV_API_URL],
        ..key("telegram", "api_url", Kind::Str)
    },
    key("telegram", "throttle", Kind::Bool),
    key("webhook", "url", Kind::Str),
    key("webhook", "secret", Kind::Secret),
    key("webhook", "secret_file", Kind::Path),
    key("webhook", "max_body_bytes", int(1024, 64 * 1024 * 1024)),
    key("webhook", "queue", int(1, 1_000_000)),
    key("webhook", "max_connections", int(1, 100)),
    key("webhook", "ack_wait_ms", int(0, 10_000)),
    key("http", "listen", Kind::Str),
    key("private", "batch_delay_ms", int(0, MAX_BATCH_DELAY_MS)),
    key("sessions", "idle_minutes", int(1, 7 * 24 * 60)),
    key("sessions", "max_entries", int(1, 100_000_000)),
    key("reload", "watch", Kind::Bool),
    key("reload", "debounce_ms", int(0, 60_000)),
    key("log", "format", Kind::Choice(&["text", "json"])),
    KeySpec {
        aliases: &["RUST_LOG"],
        ..key("log", "filter", Kind::Str)
    },
    key("media", "qr", Kind::Bool),
    key("media", "max_image_bytes", int(1024, 50 * 1024 * 1024)),
    key("media", "max_image_pixels", int(1024, 200_000_000)),
    key("media", "ocr", Kind::Bool),
    key("media", "tesseract", Kind::Str),
    key("media", "ocr_per_minute", int(1, 10_000)),
    key("redis", "url", Kind::Secret),
    key("redis", "url_file", Kind::Path),
    key("redis", "prefix", Kind::Str),
];

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Webhook mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// The public URL registered with `setWebhook`.
    pub url: String,
    /// The path of `url`, served by the HTTP listener.
    pub path: String,
    /// Expected in `X-Telegram-Bot-Api-Secret-Token`.
    pub secret: Secret,
    /// Larger request bodies get 413.
    pub max_body_bytes: usize,
    /// Updates accepted but not yet being handled; beyond it requests get 503 (Telegram
    /// delivers them again later).
    pub queue: usize,
    /// Connections Telegram may open at once (`setWebhook`'s `max_connections`).
    pub max_connections: u8,
    /// Longest an acknowledgement waits for its update to be handled.
    pub ack_wait: Duration,
}

/// Validated configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Bot token, if any was given.
    pub token: Option<Secret>,
    /// Bot API base URL (without trailing slash); `None`: Telegram's.
    pub api_url: Option<String>,
    /// Whether outgoing messages are paced to Telegram's limits.
    pub throttle: bool,
    /// SQLite database file.
    pub database: PathBuf,
    /// Directory of rule files; `None`: the rules embedded in the binary.
    pub rules_dir: Option<PathBuf>,
    /// Directory of Fluent locale files; `None`: embedded locales.
    pub locales_dir: Option<PathBuf>,
    /// Webhook mode; `None`: long polling.
    pub webhook: Option<Webhook>,
    /// Address of the HTTP listener; `None`: no listener (only allowed with long polling).
    pub listen: Option<SocketAddr>,
    /// Debounce of the calm batched answer in private chats.
    pub batch_delay: Duration,
    /// A conversation idle this long is forgotten.
    pub session_idle: Duration,
    /// Hard cap on conversations kept in memory.
    pub session_max_entries: usize,
    /// Whether rule and locale directories are watched for changes.
    pub reload_watch: bool,
    /// Quiet time after a change before reloading.
    pub reload_debounce: Duration,
    /// Log format.
    pub log_format: LogFormat,
    /// Log filter (`tracing` env-filter syntax).
    pub log_filter: String,
    /// Whether photos are searched for QR codes.
    pub qr: bool,
    /// Largest image downloaded, in bytes.
    pub max_image_bytes: usize,
    /// Largest image decoded, in pixels.
    pub max_image_pixels: u64,
    /// Whether screenshots in private chats are read with Tesseract (when it is installed).
    pub ocr: bool,
    /// The Tesseract program.
    pub tesseract: PathBuf,
    /// Screenshots read per user per minute.
    pub ocr_per_minute: usize,
    /// Redis server holding the state instead of the SQLite `database` (a secret: it may
    /// hold a password); `None`: SQLite.
    pub redis_url: Option<Secret>,
    /// Prefix of every Redis key.
    pub redis_prefix: String,
}

/// Default log filter (the Telegram library's dispatcher, which would log unparsable updates
/// with their text, stays off).
pub use crate::bot::DEFAULT_LOG_FILTER;

impl Default for Config {
    fn default() -> Self {
        let limits = crate::media::qr::ImageLimits::default();
        Config {
            token: None,
            api_url: None,
            throttle: true,
            database: PathBuf::from(DATABASE_FILE),
            rules_dir: None,
            locales_dir: None,
            webhook: None,
            listen: DEFAULT_LISTEN.parse().ok(),
            batch_delay: Duration::from_millis(DEFAULT_BATCH_DELAY_MS),
            session_idle: Duration::from_secs(30 * 60),
            session_max_entries: 100_000,
            reload_watch: true,
            reload_debounce: Duration::from_millis(500),
            log_format: LogFormat::Text,
            log_filter: DEFAULT_LOG_FILTER.to_string(),
            qr: true,
            max_image_bytes: limits.max_bytes,
            max_image_pixels: limits.max_pixels,
            ocr: true,
            tesseract: PathBuf::from("tesseract"),
            ocr_per_minute: crate::bot::photos::OCR_PER_MINUTE,
            redis_url: None,
            redis_prefix: crate::store::DEFAULT_REDIS_PREFIX.to_string(),
        }
    }
}

/// An invalid configuration: every message names where the value came from and the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.join("\n"))]
pub struct ConfigError(pub Vec<String>);

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    File { file: String, line: usize },
    Env(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File { file, line } => write!(f, "{file}:{line}"),
            Origin::Env(var) => write!(f, "{var} (environment)"),
        }
    }
}

/// A value as found, before its kind is checked.
#[derive(Debug, Clone)]
enum RawValue {
    Str(String),
    Int(i64),
    Bool(bool),
    Other(&'static str),
}

/// Values by key index into [`KEYS`].
type Found = BTreeMap<usize, (RawValue, Origin)>;

/// The default database path: `$STATE_DIRECTORY/scamguard.db` under systemd's
/// `StateDirectory=`, else `$XDG_STATE_HOME/scamguard/scamguard.db`, else
/// `~/.local/state/scamguard/scamguard.db`, else `scamguard.db` in the working directory.
#[must_use]
pub fn default_database(env: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    let set = |k: &str| env(k).filter(|v| !v.trim().is_empty());
    if let Some(dir) = set("STATE_DIRECTORY") {
        // systemd may list several directories separated by ':'; the first is ours.
        let first = dir.split(':').next().unwrap_or(&dir).to_string();
        return Path::new(&first).join(DATABASE_FILE);
    }
    if let Some(dir) = set("XDG_STATE_HOME") {
        return Path::new(&dir).join("scamguard").join(DATABASE_FILE);
    }
    if let Some(home) = set("HOME") {
        return Path::new(&home)
            .join(".local/state/scamguard")
            .join(DATABASE_FILE);
    }
    PathBuf::from(DATABASE_FILE)
}

impl Config {
    /// Where the state lives, for logs and `config check`: the Redis server (without its
    /// password) and key prefix, or the SQLite file's path.
    #[must_use]
    pub fn state_description(&self) -> String {
        match &self.redis_url {
            Some(u) => format!(
                "redis {} (prefix {})",
                crate::store::redact_url(u.expose()),
                self.redis_prefix
            ),
            None => self.database.display().to_string(),
        }
    }

    /// Load `path` (if given), then apply overrides from the process environment.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let text = match path {
            Some(p) => Some(std::fs::read_to_string(p).map_err(|e| {
                ConfigError(vec![format!("{}: cannot read config: {e}", p.display())])
            })?),
            None => None,
        };
        let origin = path.map_or_else(|| "<none>".to_string(), |p| p.display().to_string());
        Config::from_parts(&origin, text.as_deref(), &|k| std::env::var(k).ok())
    }

    /// Build a configuration from the text of a config file (`None`: no file) and an
    /// environment lookup. `origin` names the file in error messages.
    pub fn from_parts(
        origin: &str,
        text: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut errors = Vec::new();
        let mut found = Found::new();
        if let Some(text) = text {
            read_file(origin, text, &mut found, &mut errors);
        }
        read_env(env, &mut found);
        let config = build(&found, env, &mut errors);
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError(errors))
        }
    }
}

fn index_of(section: &str, name: &str) -> Option<usize> {
    KEYS.iter()
        .position(|k| k.section == section && k.key == name)
}

/// The closest known key of `section` to `name`, for "did you mean".
fn suggestion(section: &str, name: &str) -> Option<&'static str> {
    KEYS.iter()
        .filter(|k| k.section == section)
        .map(|k| (edit_distance(k.key, name), k.key))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

fn raw_of(item: &toml_edit::Item) -> RawValue {
    match item.as_value() {
        Some(toml_edit::Value::String(s)) => RawValue::Str(s.value().clone()),
        Some(toml_edit::Value::Integer(i)) => RawValue::Int(*i.value()),
        Some(toml_edit::Value::Boolean(b)) => RawValue::Bool(*b.value()),
        Some(toml_edit::Value::Float(_)) => RawValue::Other("a decimal number"),
        Some(toml_edit::Value::Datetime(_)) => RawValue::Other("a date"),
        Some(toml_edit::Value::Array(_)) => RawValue::Other("an array"),
        Some(toml_edit::Value::InlineTable(_)) | None => RawValue::Other("a table"),
    }
}

fn read_file(origin: &str, text: &str, found: &mut Found, errors: &mut Vec<String>) {
    let doc = match toml_edit::ImDocument::parse(text) {
        Ok(d) => d,
        Err(e) => {
            let at = e.span().map_or((1, 1), |s| line_col(text, s.start));
            let msg = e.message().trim().to_string();
            errors.push(format!("{origin}:{}:{}: {msg}", at.0, at.1));
            return;
        }
    };
    let line_of =
        |span: Option<std::ops::Range<usize>>| span.map_or(1, |s| line_col(text, s.start).0);
    let sections: Vec<&str> = {
        let mut s: Vec<&str> = KEYS
            .iter()
            .map(|k| k.section)
            .filter(|s| !s.is_empty())
            .collect();
        s.dedup();
        s
    };
    for (name, item) in doc.as_table().iter() {
        let key_span = doc.as_table().key(name).and_then(toml_edit::Key::span);
        let line = line_of(key_span.or_else(|| item.span()));
        let at = Origin::File {
            file: origin.to_string(),
            line,
        };
        if let Some(table) = item
            .as_table_like()
            .filter(|_| index_of("", name).is_none())
        {
            if !sections.contains(&name) {
                errors.push(format!(
                    "{at}: unknown section [{name}] (known: {})",
                    sections.join(", ")
                ));
                continue;
            }
            for (k, v) in table.iter() {
                let kspan = table.key(k).and_then(toml_edit::Key::span);
                let at = Origin::File {
                    file: origin.to_string(),
                    line: line_of(kspan.or_else(|| v.span())),
                };
                match index_of(name, k) {
                    Some(i) => {
                        found.insert(i, (raw_of(v), at));
                    }
                    None => errors.push(unknown(&at, name, k)),
                }
            }
            continue;
        }
        match index_of("", name) {
            Some(i) => {
                found.insert(i, (raw_of(item), at));
            }
            None => errors.push(unknown(&at, "", name)),
        }
    }
}

fn unknown(at: &Origin, section: &str, name: &str) -> String {
    let full = if section.is_empty() {
        name.to_string()
    } else {
        format!("{section}.{name}")
    };
    match suggestion(section, name) {
        Some(s) => format!("{at}: {full}: unknown key (did you mean `{s}`?)"),
        None => format!("{at}: {full}: unknown key"),
    }
}

fn read_env(env: &dyn Fn(&str) -> Option<String>, found: &mut Found) {
    for (i, spec) in KEYS.iter().enumerate() {
        let names =
            std::iter::once(spec.env()).chain(spec.aliases.iter().map(|a| (*a).to_string()));
        for var in names {
            if let Some(v) = env(&var).filter(|v| !v.trim().is_empty()) {
                found.insert(i, (RawValue::Str(v), Origin::Env(var)));
                break;
            }
        }
    }
}

/// A typed value, checked against its key's kind.
#[derive(Debug, Clone)]
enum Typed {
    Str(String),
    Int(u64),
    Bool(bool),
}

fn typed(spec: &KeySpec, raw: &RawValue, at: &Origin) -> Result<Typed, String> {
    let name = spec.name();
    let wrong = |what: &str| format!("{at}: {name}: expected {what}");
    match (spec.kind, raw) {
        (_, RawValue::Other(what)) => Err(format!("{}, found {what}", wrong(expected(spec.kind)))),
        (Kind::Str | Kind::Secret | Kind::Path, RawValue::Str(s)) => Ok(Typed::Str(s.clone())),
        (Kind::Str | Kind::Secret | Kind::Path, _) => Err(wrong("a string")),
        (Kind::Bool, RawValue::Bool(b)) => Ok(Typed::Bool(*b)),
        (Kind::Bool, RawValue::Str(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(Typed::Bool(true)),
            "false" | "0" | "no" | "off" => Ok(Typed::Bool(false)),
            _ => Err(format!("{}, found `{}`", wrong("true or false"), s.trim())),
        },
        (Kind::Bool, RawValue::Int(_)) => Err(wrong("true or false")),
        (Kind::Int { min, max }, v) => {
            let n: Option<i64> = match v {
                RawValue::Int(n) => Some(*n),
                RawValue::Str(s) => s.trim().replace('_', "").parse().ok(),
                _ => None,
            };
            match n {
                Some(n) if n >= 0 && (min..=max).contains(&(n as u64)) => Ok(Typed::Int(n as u64)),
                Some(n) => Err(format!("{at}: {name} = {n}: must be {min}..={max}")),
                None => Err(wrong("a whole number")),
            }
        }
        (Kind::Choice(words), RawValue::Str(s)) => {
            let s = s.trim().to_ascii_lowercase();
            if words.contains(&s.as_str()) {
                Ok(Typed::Str(s))
            } else {
                Err(format!(
                    "{at}: {name} = `{s}`: must be one of {}",
                    words.join(", ")
                ))
            }
        }
        (Kind::Choice(words), _) => Err(wrong(&format!("one of {}", words.join(", ")))),
    }
}

fn expected(kind: Kind) -> &'static str {
    match kind {
        Kind::Str | Kind::Secret | Kind::Path | Kind::Choice(_) => "a string",
        Kind::Bool => "true or false",
        Kind::Int { .. } => "a whole number",
    }
}

/// Checked values with their origins, read by key name.
struct Values<'a> {
    found: &'a Found,
    typed: BTreeMap<usize, Typed>,
}

impl Values<'_> {
    fn get(&self, section: &str, name: &str) -> Option<&Typed> {
        index_of(section, name).and_then(|i| self.typed.get(&i))
    }

    fn origin(&self, section: &str, name: &str) -> String {
        let spec = index_of(section, name).map(|i| KEYS[i]);
        let full = spec.map_or_else(|| name.to_string(), |s| s.name());
        match index_of(section, name).and_then(|i| self.found.get(&i)) {
            Some((_, at)) => format!("{at}: {full}"),
            None => full,
        }
    }

    fn str(&self, section: &str, name: &str) -> Option<String> {
        match self.get(section, name) {
            Some(Typed::Str(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            _ => None,
        }
    }

    fn int(&self, section: &str, name: &str) -> Option<u64> {
        match self.get(section, name) {
            Some(Typed::Int(n)) => Some(*n),
            _ => None,
        }
    }

    fn bool(&self, section: &str, name: &str) -> Option<bool> {
        match self.get(section, name) {
            Some(Typed::Bool(b)) => Some(*b),
            _ => None,
        }
    }
}

/// Read a secret from a file (trimmed); errors name the file, never its contents.
fn secret_file(path: &str, what: &str) -> Result<Secret, String> {
    match std::fs::read_to_string(path) {
        Ok(s) if !s.trim().is_empty() => Ok(Secret::new(s.trim())),
        Ok(_) => Err(format!("{what} file `{path}` is empty")),
        Err(e) => Err(format!("cannot read {what} file `{path}`: {e}")),
    }
}

fn http_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

#[allow(clippy::too_many_lines)]
fn build(found: &Found, env: &dyn Fn(&str) -> Option<String>, errors: &mut Vec<String>) -> Config {
    let mut typed_values = BTreeMap::new();
    for (i, (raw, at)) in found {
        match typed(&KEYS[*i], raw, at) {
            Ok(t) => {
                typed_values.insert(*i, t);
            }
            Err(e) => errors.push(e),
        }
    }
    let v = Values {
        found,
        typed: typed_values,
    };
    let d = Config::default();

    let token = match (v.str("telegram", "token"), v.str("telegram", "token_file")) {
        (Some(t), _) => Some(Secret::new(t)),
        (None, Some(path)) => match secret_file(&path, "token") {
            Ok(s) => Some(s),
            Err(e) => {
                errors.push(format!("{}: {e}", v.origin("telegram", "token_file")));
                None
            }
        },
        (None, None) => None,
    };
    let api_url = v.str("telegram", "api_url").map(|u| {
        let u = u.trim_end_matches('/').to_string();
        if !http_url(&u) {
            errors.push(format!(
                "{}: `{u}` is not an http:// or https:// URL",
                v.origin("telegram", "api_url")
            ));
        }
        u
    });

    let listen = match v.str("http", "listen") {
        Some(s) if s.eq_ignore_ascii_case("off") => None,
        Some(s) => match s.parse::<SocketAddr>() {
            Ok(a) => Some(a),
            Err(_) => {
                errors.push(format!(
                    "{}: `{s}` is not an address like 127.0.0.1:8080 or [::1]:8080 (or `off`)",
                    v.origin("http", "listen")
                ));
                d.listen
            }
        },
        None => d.listen,
    };

    let webhook = v.str("webhook", "url").and_then(|url| {
        let at = v.origin("webhook", "url");
        let parsed = match url::Url::parse(&url) {
            Ok(u) if u.scheme() == "https" || u.scheme() == "http" => u,
            _ => {
                errors.push(format!("{at}: `{url}` is not an https:// URL"));
                return None;
            }
        };
        let secret = match (v.str("webhook", "secret"), v.str("webhook", "secret_file")) {
            (Some(s), _) => Some(Secret::new(s)),
            (None, Some(path)) => match secret_file(&path, "webhook secret") {
                Ok(s) => Some(s),
                Err(e) => {
                    errors.push(format!("{}: {e}", v.origin("webhook", "secret_file")));
                    None
                }
            },
            (None, None) => {
                errors.push(format!(
                    "{at}: webhook mode needs webhook.secret (or webhook.secret_file): \
                     without it anyone who finds the URL can post updates"
                ));
                None
            }
        };
        if let Some(s) = &secret {
            let ok = (1..=256).contains(&s.expose().len())
                && s.expose()
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !ok {
                errors.push(format!(
                    "{}: the secret must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - \
                     (Telegram's rule)",
                    v.origin("webhook", "secret")
                ));
            }
        }
        if listen.is_none() {
            errors.push(format!(
                "{}: webhook mode needs the HTTP listener",
                v.origin("http", "listen")
            ));
        }
        let path = parsed.path().to_string();
        Some(Webhook {
            url,
            path,
            secret: secret?,
            max_body_bytes: v.int("webhook", "max_body_bytes").unwrap_or(1024 * 1024) as usize,
            queue: v.int("webhook", "queue").unwrap_or(10_000) as usize,
            max_connections: v.int("webhook", "max_connections").unwrap_or(40) as u8,
            ack_wait: Duration::from_millis(v.int("webhook", "ack_wait_ms").unwrap_or(2000)),
        })
    });

    if let Some(f) = v.str("log", "filter")
        && let Err(e) = tracing_subscriber::EnvFilter::try_new(&f)
    {
        errors.push(format!(
            "{}: `{f}` is not a log filter ({e}); e.g. `info` or `warn,scamguard=debug`",
            v.origin("log", "filter")
        ));
    }
    let redis_url = match (v.str("redis", "url"), v.str("redis", "url_file")) {
        (Some(u), _) => Some((u, v.origin("redis", "url"))),
        (None, Some(path)) => match secret_file(&path, "redis URL") {
            Ok(s) => Some((s.expose().to_string(), v.origin("redis", "url_file"))),
            Err(e) => {
                errors.push(format!("{}: {e}", v.origin("redis", "url_file")));
                None
            }
        },
        (None, None) => None,
    }
    .map(|(u, origin)| {
        let ok = ["redis://", "rediss://", "redis+unix://", "unix://"]
            .iter()
            .any(|s| u.starts_with(s))
            && redis::Client::open(u.as_str()).is_ok();
        if !ok {
            errors.push(format!(
                "{origin}: `{}` is not a redis:// (rediss://, redis+unix://) URL",
                crate::store::redact_url(&u)
            ));
        }
        Secret::new(u)
    });
    let path = |name: &str| v.str("", name).map(PathBuf::from);
    let database = path("database").unwrap_or_else(|| default_database(env));
    let log_format = match v.str("log", "format").as_deref() {
        Some("json") => LogFormat::Json,
        _ => LogFormat::Text,
    };
    Config {
        token,
        api_url,
        throttle: v.bool("telegram", "throttle").unwrap_or(d.throttle),
        database,
        rules_dir: path("rules"),
        locales_dir: path("locales"),
        webhook,
        listen,
        batch_delay: Duration::from_millis(
            v.int("private", "batch_delay_ms")
                .unwrap_or(DEFAULT_BATCH_DELAY_MS),
        ),
        session_idle: v
            .int("sessions", "idle_minutes")
            .map_or(d.session_idle, |m| Duration::from_secs(m * 60)),
        session_max_entries: v
            .int("sessions", "max_entries")
            .map_or(d.session_max_entries, |n| n as usize),
        reload_watch: v.bool("reload", "watch").unwrap_or(d.reload_watch),
        reload_debounce: v
            .int("reload", "debounce_ms")
            .map_or(d.reload_debounce, Duration::from_millis),
        log_format,
        log_filter: v.str("log", "filter").unwrap_or(d.log_filter),
        qr: v.bool("media", "qr").unwrap_or(d.qr),
        max_image_bytes: v
            .int("media", "max_image_bytes")
            .map_or(d.max_image_bytes, |n| n as usize),
        max_image_pixels: v
            .int("media", "max_image_pixels")
            .unwrap_or(d.max_image_pixels),
        ocr: v.bool("media", "ocr").unwrap_or(d.ocr),
        tesseract: v
            .str("media", "tesseract")
            .map_or(d.tesseract, PathBuf::from),
        ocr_per_minute: v
            .int("media", "ocr_per_minute")
            .map_or(d.ocr_per_minute, |n| n as usize),
        redis_url,
        redis_prefix: v.str("redis", "prefix").unwrap_or(d.redis_prefix),
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
#[must_use]
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    crate::model::LineIndex::new(text).line_col(text, offset)
}

#[cfg(test)]
mod tests;
