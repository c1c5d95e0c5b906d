//! Configuration of `scamguard run`: a TOML file (every field optional) plus environment
//! overrides. Raw (serde) and validated forms are different types: [`RawConfig`] becomes
//! [`Config`].
//!
//! Relative paths are taken as written, relative to the working directory of the process.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// Environment variable holding the bot token (the Telegram library's own name for it).
pub const ENV_TOKEN: &str = "TELOXIDE_TOKEN";
/// Environment variable holding the Bot API base URL (the Telegram library's own name for it).
pub const ENV_API_URL: &str = "TELOXIDE_API_URL";
/// Environment variable holding the SQLite database path.
pub const ENV_DATABASE: &str = "SCAMGUARD_DATABASE";
/// Environment variable holding the rules directory.
pub const ENV_RULES: &str = "SCAMGUARD_RULES";
/// Environment variable holding the locales directory.
pub const ENV_LOCALES: &str = "SCAMGUARD_LOCALES";

/// Default debounce of the calm batched answer in private chats.
pub const DEFAULT_BATCH_DELAY_MS: u64 = 2500;
/// Longest accepted batch delay: longer would make the bot look dead.
pub const MAX_BATCH_DELAY_MS: u64 = 60_000;

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

/// The configuration file as written (every field optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// Bot token.
    pub token: Option<String>,
    /// Bot API base URL.
    pub api_url: Option<String>,
    /// SQLite database file.
    pub database: Option<PathBuf>,
    /// Directory of rule files.
    pub rules_dir: Option<PathBuf>,
    /// Directory of Fluent locale files; default: the locales embedded in the binary.
    pub locales_dir: Option<PathBuf>,
    /// Private-chat behaviour.
    #[serde(default)]
    pub private: RawPrivate,
    /// Conversation memory.
    #[serde(default)]
    pub sessions: RawSessions,
}

/// `[private]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPrivate {
    /// Debounce of the calm batched answer, in milliseconds.
    pub batch_delay_ms: Option<u64>,
}

/// `[sessions]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSessions {
    /// A conversation idle this long is forgotten.
    pub idle_minutes: Option<u64>,
    /// Hard cap on conversations kept in memory.
    pub max_entries: Option<usize>,
}

/// Validated configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Bot token, if any was given.
    pub token: Option<Secret>,
    /// Bot API base URL (without trailing slash); `None`: Telegram's.
    pub api_url: Option<String>,
    /// SQLite database file.
    pub database: PathBuf,
    /// Directory of rule files; `None`: the rules embedded in the binary.
    pub rules_dir: Option<PathBuf>,
    /// Directory of Fluent locale files; `None`: embedded locales.
    pub locales_dir: Option<PathBuf>,
    /// Debounce of the calm batched answer in private chats.
    pub batch_delay: Duration,
    /// A conversation idle this long is forgotten.
    pub session_idle: Duration,
    /// Hard cap on conversations kept in memory.
    pub session_max_entries: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            token: None,
            api_url: None,
            database: PathBuf::from("scamguard.db"),
            rules_dir: None,
            locales_dir: None,
            batch_delay: Duration::from_millis(DEFAULT_BATCH_DELAY_MS),
            session_idle: Duration::from_secs(30 * 60),
            session_max_entries: 100_000,
        }
    }
}

/// An invalid configuration: every message names the file (or variable) and, where known,
/// the line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.join("\n"))]
pub struct ConfigError(pub Vec<String>);

impl Config {
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
        let raw = match text {
            Some(t) => toml::from_str::<RawConfig>(t)
                .map_err(|e| ConfigError(vec![toml_error(origin, t, &e)]))?,
            None => RawConfig::default(),
        };
        Config::validate(origin, raw, env)
    }

    fn validate(
        origin: &str,
        raw: RawConfig,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut errors = Vec::new();
        let defaults = Config::default();
        let nonempty = |v: Option<String>| v.filter(|s| !s.trim().is_empty());

        let token = nonempty(env(ENV_TOKEN))
            .or(nonempty(raw.token))
            .map(|t| Secret::new(t.trim()));

        let api_url = match nonempty(env(ENV_API_URL)) {
            Some(u) => Some((ENV_API_URL.to_string(), u)),
            None => nonempty(raw.api_url).map(|u| (format!("{origin}: api_url"), u)),
        };
        let api_url = match api_url {
            Some((source, u)) => {
                let u = u.trim().trim_end_matches('/').to_string();
                if !(u.starts_with("http://") || u.starts_with("https://")) {
                    errors.push(format!("{source}: `{u}` is not an http:// or https:// URL"));
                }
                Some(u)
            }
            None => None,
        };

        let path_of =
            |var: &str, file: Option<PathBuf>| nonempty(env(var)).map(PathBuf::from).or(file);
        let database = path_of(ENV_DATABASE, raw.database).unwrap_or(defaults.database);
        let rules_dir = path_of(ENV_RULES, raw.rules_dir).or(defaults.rules_dir);
        let locales_dir = path_of(ENV_LOCALES, raw.locales_dir);

        let batch_ms = raw.private.batch_delay_ms.unwrap_or(DEFAULT_BATCH_DELAY_MS);
        if batch_ms > MAX_BATCH_DELAY_MS {
            errors.push(format!(
                "{origin}: private.batch_delay_ms = {batch_ms}: at most {MAX_BATCH_DELAY_MS}"
            ));
        }
        let idle_minutes = raw.sessions.idle_minutes.unwrap_or(30);
        if idle_minutes == 0 || idle_minutes > 7 * 24 * 60 {
            errors.push(format!(
                "{origin}: sessions.idle_minutes = {idle_minutes}: must be 1..=10080"
            ));
        }
        let max_entries = raw
            .sessions
            .max_entries
            .unwrap_or(defaults.session_max_entries);
        if max_entries == 0 {
            errors.push(format!("{origin}: sessions.max_entries must be at least 1"));
        }

        if !errors.is_empty() {
            return Err(ConfigError(errors));
        }
        Ok(Config {
            token,
            api_url,
            database,
            rules_dir,
            locales_dir,
            batch_delay: Duration::from_millis(batch_ms),
            session_idle: Duration::from_secs(idle_minutes * 60),
            session_max_entries: max_entries,
        })
    }
}

/// `file:line:col: message` for a TOML error.
fn toml_error(origin: &str, text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().trim();
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("{origin}:{line}:{col}: {msg}")
        }
        None => format!("{origin}: {msg}"),
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
#[must_use]
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut line = 1;
    let mut line_start = 0;
    for (i, b) in text.bytes().enumerate().take(offset) {
        if b == b'\n' {
            line += 1;
            line_start = i + 1;
        }
    }
    let col = text
        .get(line_start..offset)
        .map_or(offset - line_start, |s| s.chars().count())
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn empty_file_gives_defaults() {
        let c = Config::from_parts("c.toml", Some(""), &no_env).unwrap();
        assert_eq!(c, Config::default());
        let c = Config::from_parts("c.toml", None, &no_env).unwrap();
        assert_eq!(c, Config::default());
    }

    #[test]
    fn full_file() {
        let text = r#"
token = "123:abc"
api_url = "http://127.0.0.1:8081/"
database = "/tmp/x.db"
rules_dir = "/r"
locales_dir = "/l"
[private]
batch_delay_ms = 300
[sessions]
idle_minutes = 5
max_entries = 10
"#;
        let c = Config::from_parts("c.toml", Some(text), &no_env).unwrap();
        assert_eq!(c.token.as_ref().unwrap().expose(), "123:abc");
        assert_eq!(c.api_url.as_deref(), Some("http://127.0.0.1:8081"));
        assert_eq!(c.database, PathBuf::from("/tmp/x.db"));
        assert_eq!(c.rules_dir, Some(PathBuf::from("/r")));
        assert_eq!(c.locales_dir, Some(PathBuf::from("/l")));
        assert_eq!(c.batch_delay, Duration::from_millis(300));
        assert_eq!(c.session_idle, Duration::from_secs(300));
        assert_eq!(c.session_max_entries, 10);
    }

    #[test]
    fn env_overrides_file() {
        let env = |k: &str| match k {
            ENV_TOKEN => Some("env-token".to_string()),
            ENV_API_URL => Some("http://localhost:9".to_string()),
            ENV_DATABASE => Some("env.db".to_string()),
            ENV_RULES => Some("env-rules".to_string()),
            _ => None,
        };
        let text = "token = \"file\"\napi_url = \"http://file\"\ndatabase = \"f.db\"\n";
        let c = Config::from_parts("c.toml", Some(text), &env).unwrap();
        assert_eq!(c.token.unwrap().expose(), "env-token");
        assert_eq!(c.api_url.as_deref(), Some("http://localhost:9"));
        assert_eq!(c.database, PathBuf::from("env.db"));
        assert_eq!(c.rules_dir, Some(PathBuf::from("env-rules")));
    }

    #[test]
    fn unknown_field_names_file_and_line() {
        let text = "token = \"x\"\n[private]\nbatch_delay = 3\n";
        let e = Config::from_parts("conf/bot.toml", Some(text), &no_env).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("conf/bot.toml:3:1: "), "{msg}");
        assert!(msg.contains("batch_delay"), "{msg}");
    }

    #[test]
    fn wrong_type_names_line() {
        let text = "\n\nrules_dir = 5\n";
        let e = Config::from_parts("b.toml", Some(text), &no_env).unwrap_err();
        assert!(e.to_string().starts_with("b.toml:3:"), "{e}");
    }

    #[test]
    fn invalid_values_are_all_reported() {
        let text = "api_url = \"ftp://x\"\n[private]\nbatch_delay_ms = 999999\n[sessions]\nidle_minutes = 0\nmax_entries = 0\n";
        let e = Config::from_parts("b.toml", Some(text), &no_env).unwrap_err();
        assert_eq!(e.0.len(), 4, "{e}");
    }

    #[test]
    fn secret_is_never_printed() {
        let c = Config::from_parts("c.toml", Some("token = \"SECRET-TOKEN\""), &no_env).unwrap();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("SECRET-TOKEN"), "{dbg}");
        assert!(dbg.contains("***"));
        assert_eq!(format!("{}", c.token.unwrap()), "***");
    }

    #[test]
    fn line_col_counts_chars() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("é\nxé", 4), (2, 2));
        assert_eq!(line_col("x", 99), (1, 2));
    }
}
