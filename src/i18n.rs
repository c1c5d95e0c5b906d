//! Fluent message catalog for the three shipped languages, and the choice of language.
//!
//! The locale files (`locales/en.ftl`, `locales/zh-CN.ftl`, `locales/zh-TW.ftl`) are embedded in
//! the binary, so it runs from any directory; a deployment may point to its own copies.
//! A catalog is only built when every locale parses, has every key the code uses
//! ([`UI_KEYS`]) and the same set of keys as every other locale. [`Catalog::check_rule_keys`]
//! adds: every rule's explanation key exists in every locale.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use crate::engine::RuleMeta;
use crate::text::Script;

/// A language the bot speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese (mainland China).
    ZhCn,
    /// Traditional Chinese as used in Taiwan and Hong Kong.
    ZhTw,
}

impl Lang {
    /// Every language, in catalog order.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::ZhCn, Lang::ZhTw];

    /// BCP 47 code, also the locale file stem: `en`, `zh-CN`, `zh-TW`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
            Lang::ZhTw => "zh-TW",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// Parse a language as a user types it after `/lang` or as stored: case-insensitive,
    /// `-` or `_`, with a few common aliases (`zh-hans`, `zh-hant`, `zh-hk`, `cn`, `tw`).
    #[must_use]
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        match s.as_str() {
            "en" | "english" => Some(Lang::En),
            "cn" | "zh-cn" | "zh-hans" | "zh-sg" | "zh" | "简体" | "简体中文" => {
                Some(Lang::ZhCn)
            }
            "tw" | "hk" | "zh-tw" | "zh-hant" | "zh-hk" | "zh-mo" | "繁體" | "繁體中文" => {
                Some(Lang::ZhTw)
            }
            _ => None,
        }
    }

    /// The language for a Telegram `language_code` (an IETF tag), if it is one we speak.
    #[must_use]
    pub fn from_telegram(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase().replace('_', "-");
        let mut parts = code.split('-');
        match parts.next()? {
            "en" => Some(Lang::En),
            "zh" => {
                let rest: Vec<&str> = parts.collect();
                let traditional = rest
                    .iter()
                    .any(|p| matches!(*p, "hant" | "tw" | "hk" | "mo"));
                Some(if traditional { Lang::ZhTw } else { Lang::ZhCn })
            }
            _ => None,
        }
    }

    /// The language that fits a script seen in a message.
    #[must_use]
    pub fn from_script(script: Script) -> Lang {
        match script {
            Script::Simplified => Lang::ZhCn,
            Script::Traditional => Lang::ZhTw,
            _ => Lang::En,
        }
    }

    /// Choose the reply language: the user's `/lang` choice, else Telegram's
    /// `language_code` when it is one we speak, else the script of the message, else English.
    #[must_use]
    pub fn choose(stored: Option<Lang>, telegram: Option<&str>, message: &str) -> Lang {
        stored
            .or_else(|| telegram.and_then(Lang::from_telegram))
            .unwrap_or_else(|| Lang::from_script(crate::text::script_hint(message)))
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Every key the code looks up, with the variables it passes. Every locale must define
/// each of them.
pub const UI_KEYS: &[(&str, &[&str])] = &[
    ("start", &[]),
    ("help", &[]),
    ("privacy", &[]),
    ("lang-usage", &["current"]),
    ("lang-set", &[]),
    ("reset-done", &[]),
    ("check-usage", &[]),
    ("check-clean", &[]),
    ("check-caution", &["level"]),
    ("calm-batch", &["count", "level", "stages"]),
    ("calm-no-stages", &[]),
    ("calm-watching", &[]),
    ("calm-warned", &[]),
    ("chain-pretext", &[]),
    ("chain-hook", &[]),
    ("chain-channel", &[]),
    ("chain-control", &[]),
    ("chain-extract", &[]),
    ("level-none", &[]),
    ("level-caution", &[]),
    ("level-warning", &[]),
    ("level-danger", &[]),
    ("stage-pretext", &[]),
    ("stage-hook", &[]),
    ("stage-channel", &[]),
    ("stage-control", &[]),
    ("stage-extract", &[]),
    ("warning-title-warning", &[]),
    ("warning-title-danger", &[]),
    ("warning-found", &[]),
    ("warning-finding", &["quote", "stage"]),
    ("warning-why", &[]),
    ("warning-todo", &[]),
    ("warning-advice", &[]),
    ("warning-chain", &["chain"]),
    ("warning-feedback", &[]),
    ("fb-scam", &[]),
    ("fb-ok", &[]),
    ("fb-thanks-scam", &[]),
    ("fb-thanks-ok", &[]),
    ("fb-unknown", &[]),
    ("cmd-start", &[]),
    ("cmd-help", &[]),
    ("cmd-check", &[]),
    ("cmd-reset", &[]),
    ("cmd-lang", &[]),
    ("cmd-privacy", &[]),
    ("quote-qr", &["content"]),
    ("quote-file", &["content"]),
    ("quote-link-text", &["content"]),
    ("group-hello", &[]),
    ("group-help", &[]),
    ("group-warn-warning", &["why"]),
    ("group-warn-danger", &["why"]),
    ("group-removed", &["level", "why"]),
    ("group-removed-muted", &["level", "minutes", "why"]),
    ("group-removed-banned", &["level", "why"]),
    ("group-why-unknown", &[]),
    ("group-no-right-delete", &[]),
    ("group-no-right-restrict", &[]),
    ("group-rights", &["delete", "restrict"]),
    ("group-demoted", &[]),
    ("group-only", &[]),
    ("not-admin", &[]),
    ("admin-unverified", &[]),
    ("mode-usage", &["mode", "threshold"]),
    ("mode-set", &["mode", "threshold"]),
    ("threshold-usage", &["threshold"]),
    ("threshold-set", &["mode", "threshold"]),
    ("trust-usage", &[]),
    ("trust-done", &[]),
    ("untrust-done", &[]),
    ("trust-unchanged", &[]),
    (
        "group-status",
        &[
            "warning", "danger", "minutes", "dry", "notify", "days", "messages", "trusted",
            "delete", "restrict", "rules",
        ],
    ),
    (
        "group-stats",
        &[
            "messages", "warned", "deleted", "muted", "banned", "reports", "dry", "failed",
        ],
    ),
    ("report-usage", &[]),
    ("report-limited", &[]),
    ("report-clean", &[]),
    ("report-acted", &["level"]),
    ("notify-done", &["group", "what", "level", "why"]),
    ("notify-dry", &["group", "what", "level", "why"]),
    ("notify-report", &["group", "level", "why"]),
    ("what-warn", &[]),
    ("what-delete", &[]),
    ("what-mute", &["minutes"]),
    ("what-ban", &[]),
    ("btn-undo", &[]),
    ("btn-confirm", &[]),
    ("undo-done", &[]),
    ("undo-failed", &[]),
    ("confirm-done", &[]),
    ("settings-title", &[]),
    ("settings-warning", &["response"]),
    ("settings-danger", &["response"]),
    ("settings-mute", &["minutes"]),
    ("settings-dry", &["state"]),
    ("settings-notify", &["state"]),
    ("resp-off", &[]),
    ("resp-warn", &[]),
    ("resp-delete", &[]),
    ("resp-mute", &[]),
    ("resp-ban", &[]),
    ("word-yes", &[]),
    ("word-no", &[]),
    ("word-on", &[]),
    ("word-off", &[]),
    ("cmd-settings", &[]),
    ("cmd-mode", &[]),
    ("cmd-threshold", &[]),
    ("cmd-trust", &[]),
    ("cmd-untrust", &[]),
    ("cmd-status", &[]),
    ("cmd-stats", &[]),
    ("cmd-report", &[]),
    ("cmd-screenshots", &[]),
    ("screenshots-usage", &["state"]),
    ("screenshots-set", &["state"]),
    ("screenshots-on", &[]),
    ("screenshots-off", &[]),
    ("screenshot-read", &["count"]),
    ("screenshot-nothing", &[]),
    ("screenshot-off", &[]),
    ("screenshot-busy", &[]),
    ("screenshot-failed", &[]),
    ("screenshot-limit", &["count"]),
];

/// The line that ends the UI part of every locale file; rule explanations follow it.
pub const RULE_SECTION_MARKER: &str =
    "## rule explanations (one key per rule: rule-<id with dots as dashes>)";

/// Embedded copies of the shipped locale files, in [`Lang::ALL`] order.
pub const EMBEDDED: [(&str, &str); 3] = [
    (
        "locales/en.ftl",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/en.ftl")),
    ),
    (
        "locales/zh-CN.ftl",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/zh-CN.ftl")),
    ),
    (
        "locales/zh-TW.ftl",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/zh-TW.ftl")),
    ),
];

/// Problems with the locale files: every one of them, one per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.join("\n"))]
pub struct CatalogError(pub Vec<String>);

/// One value passed to a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Text (inserted as is).
    Str(String),
    /// A number (selects plural forms).
    Num(i64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Str(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Str(s)
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Num(n)
    }
}

impl From<u32> for Arg {
    fn from(n: u32) -> Self {
        Arg::Num(i64::from(n))
    }
}

struct Locale {
    origin: String,
    bundle: FluentBundle<FluentResource>,
    keys: BTreeSet<String>,
}

/// The messages of every language.
pub struct Catalog {
    locales: Vec<Locale>,
}

impl fmt::Debug for Catalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Catalog")
            .field(
                "locales",
                &self.locales.iter().map(|l| &l.origin).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Catalog {
    /// The locales embedded in the binary.
    pub fn embedded() -> Result<Catalog, CatalogError> {
        Catalog::from_sources(EMBEDDED.map(|(o, t)| (o.to_string(), t.to_string())))
    }

    /// `en.ftl`, `zh-CN.ftl` and `zh-TW.ftl` from `dir`.
    pub fn load_dir(dir: &Path) -> Result<Catalog, CatalogError> {
        let mut errors = Vec::new();
        let sources = Lang::ALL.map(|lang| {
            let path = dir.join(format!("{}.ftl", lang.code()));
            let origin = path.display().to_string();
            match std::fs::read_to_string(&path) {
                Ok(text) => (origin, text),
                Err(e) => {
                    errors.push(format!("{origin}: cannot read: {e}"));
                    (origin, String::new())
                }
            }
        });
        if !errors.is_empty() {
            return Err(CatalogError(errors));
        }
        Catalog::from_sources(sources)
    }

    /// Build from `(origin, text)` pairs in [`Lang::ALL`] order, checking syntax, the keys the
    /// code uses and parity between locales.
    pub fn from_sources(sources: [(String, String); 3]) -> Result<Catalog, CatalogError> {
        let mut errors = Vec::new();
        let mut locales = Vec::with_capacity(3);
        for ((origin, text), lang) in sources.into_iter().zip(Lang::ALL) {
            let keys = message_keys(&text);
            let resource = match FluentResource::try_new(text) {
                Ok(r) => r,
                Err((r, errs)) => {
                    for e in errs {
                        let (line, col) = crate::config::line_col(r.source(), e.pos.start);
                        errors.push(format!("{origin}:{line}:{col}: error[L001]: {e}"));
                    }
                    r
                }
            };
            let langid = lang
                .code()
                .parse()
                .expect("the language codes of Lang are valid BCP 47 tags");
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            // Unicode isolation marks would show up as garbage in some Telegram clients.
            bundle.set_use_isolating(false);
            if let Err(errs) = bundle.add_resource(resource) {
                for e in errs {
                    errors.push(format!("{origin}: error[L002]: {e}"));
                }
            }
            locales.push(Locale {
                origin,
                bundle,
                keys,
            });
        }
        let catalog = Catalog { locales };
        errors.extend(catalog.parity_errors());
        if errors.is_empty() {
            Ok(catalog)
        } else {
            Err(CatalogError(errors))
        }
    }

    fn locale(&self, lang: Lang) -> &Locale {
        &self.locales[lang.index()]
    }

    fn parity_errors(&self) -> Vec<String> {
        let mut errors = Vec::new();
        let all: BTreeSet<&String> = self.locales.iter().flat_map(|l| &l.keys).collect();
        for l in &self.locales {
            for (key, _) in UI_KEYS {
                if !l.keys.contains(*key) {
                    errors.push(format!(
                        "{}: error[L003]: missing key `{key}` (used by the bot)",
                        l.origin
                    ));
                }
            }
            for key in &all {
                if !l.keys.contains(*key) && !UI_KEYS.iter().any(|(k, _)| k == key) {
                    let has: Vec<&str> = self
                        .locales
                        .iter()
                        .filter(|o| o.keys.contains(*key))
                        .map(|o| o.origin.as_str())
                        .collect();
                    errors.push(format!(
                        "{}: error[L004]: missing key `{key}` (present in {})",
                        l.origin,
                        has.join(", ")
                    ));
                }
            }
        }
        errors
    }

    /// Every rule's explanation key must exist in every locale.
    pub fn check_rule_keys(&self, rules: &[Arc<RuleMeta>]) -> Result<(), CatalogError> {
        // key -> rules using it, in rule order
        let mut by_key: Vec<(&str, Vec<&str>)> = Vec::new();
        for r in rules {
            match by_key.iter_mut().find(|(k, _)| *k == r.explain) {
                Some((_, ids)) => ids.push(&r.id),
                None => by_key.push((&r.explain, vec![&r.id])),
            }
        }
        let mut errors = Vec::new();
        for l in &self.locales {
            for (key, ids) in &by_key {
                if !l.keys.contains(*key) {
                    errors.push(format!(
                        "{}: error[L005]: missing explanation `{key}` (rules {})",
                        l.origin,
                        ids.join(", ")
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(CatalogError(errors))
        }
    }

    /// Whether `key` exists in `lang`.
    #[must_use]
    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.locale(lang).keys.contains(key)
    }

    /// Every message key of `lang`.
    pub fn keys(&self, lang: Lang) -> impl Iterator<Item = &str> {
        self.locale(lang).keys.iter().map(String::as_str)
    }

    /// The message `key` in `lang` without arguments.
    #[must_use]
    pub fn text(&self, lang: Lang, key: &str) -> String {
        self.format(lang, key, &[])
    }

    /// The message `key` in `lang` with `args`. A key missing in `lang` falls back to English,
    /// then to the key itself; formatting errors are logged (never the arguments).
    #[must_use]
    pub fn format(&self, lang: Lang, key: &str, args: &[(&str, Arg)]) -> String {
        match self.try_format(lang, key, args) {
            Ok(s) => s,
            Err(s) => s,
        }
    }

    /// Like [`Catalog::format`], but `Err` (with the best-effort text) when the key is missing
    /// in `lang` or formatting reported errors.
    pub fn try_format(
        &self,
        lang: Lang,
        key: &str,
        args: &[(&str, Arg)],
    ) -> Result<String, String> {
        let fargs: FluentArgs = args
            .iter()
            .map(|(k, v)| {
                let v: FluentValue = match v {
                    Arg::Str(s) => FluentValue::from(s.as_str()),
                    Arg::Num(n) => FluentValue::from(*n),
                };
                (*k, v)
            })
            .collect();
        let bundle = &self.locale(lang).bundle;
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(lang = lang.code(), key, "missing locale message");
            return Err(if lang == Lang::En {
                key.to_string()
            } else {
                self.format(Lang::En, key, args)
            });
        };
        let mut errors = Vec::new();
        let out = bundle
            .format_pattern(pattern, Some(&fargs), &mut errors)
            .into_owned();
        if errors.is_empty() {
            Ok(out)
        } else {
            tracing::warn!(
                lang = lang.code(),
                key,
                errors = errors.len(),
                "locale message did not format cleanly"
            );
            Err(out)
        }
    }
}

/// Message identifiers defined in a Fluent source (identifiers at the start of a line followed
/// by `=`; terms start with `-` and are not messages).
fn message_keys(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|line| {
            let first = line.chars().next()?;
            if !first.is_ascii_alphabetic() {
                return None;
            }
            let end = line
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(line.len());
            let rest = line[end..].trim_start();
            rest.starts_with('=').then(|| line[..end].to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Stage;

    #[test]
    fn telegram_codes() {
        let t = |c| Lang::from_telegram(c);
        assert_eq!(t("en"), Some(Lang::En));
        assert_eq!(t("en-US"), Some(Lang::En));
        assert_eq!(t("zh"), Some(Lang::ZhCn));
        assert_eq!(t("zh-hans"), Some(Lang::ZhCn));
        assert_eq!(t("zh-CN"), Some(Lang::ZhCn));
        assert_eq!(t("zh-SG"), Some(Lang::ZhCn));
        assert_eq!(t("zh-hant"), Some(Lang::ZhTw));
        assert_eq!(t("zh-TW"), Some(Lang::ZhTw));
        assert_eq!(t("zh_HK"), Some(Lang::ZhTw));
        assert_eq!(t("zh-MO"), Some(Lang::ZhTw));
        assert_eq!(t("zh-Hant-HK"), Some(Lang::ZhTw));
        assert_eq!(t("de"), None);
        assert_eq!(t(""), None);
    }

    #[test]
    fn lang_arguments() {
        for (s, l) in [
            ("en", Lang::En),
            ("EN", Lang::En),
            ("zh-CN", Lang::ZhCn),
            ("zh_cn", Lang::ZhCn),
            ("zh-TW", Lang::ZhTw),
            ("zh-hk", Lang::ZhTw),
            ("繁體", Lang::ZhTw),
        ] {
            assert_eq!(Lang::parse(s), Some(l), "{s}");
        }
        assert_eq!(Lang::parse("fr"), None);
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.code()), Some(l));
        }
    }

    #[test]
    fn choice_order() {
        // The stored choice wins.
        assert_eq!(
            Lang::choose(Some(Lang::ZhTw), Some("en"), "hello"),
            Lang::ZhTw
        );
        // Then Telegram's language code, when we speak it.
        assert_eq!(Lang::choose(None, Some("zh-hant"), "hello"), Lang::ZhTw);
        assert_eq!(Lang::choose(None, Some("en"), "请转账"), Lang::En);
        // Then the script of the message.
        assert_eq!(Lang::choose(None, Some("de"), "hello"), Lang::En);
        // Then English.
        assert_eq!(Lang::choose(None, None, ""), Lang::En);
    }

    #[test]
    fn message_keys_skip_terms_attributes_and_comments() {
        let k = message_keys(
            "# c\n-term = x\nhello = Hi\n    .attr = y\nmulti =\n    line\nx-y_z = 1\n",
        );
        assert_eq!(
            k.into_iter().collect::<Vec<_>>(),
            vec!["hello", "multi", "x-y_z"]
        );
    }

    fn sources(en: &str, cn: &str, tw: &str) -> [(String, String); 3] {
        [
            ("en.ftl".into(), en.into()),
            ("zh-CN.ftl".into(), cn.into()),
            ("zh-TW.ftl".into(), tw.into()),
        ]
    }

    fn ui_only() -> String {
        UI_KEYS
            .iter()
            .map(|(k, args)| {
                let vars: String = args.iter().map(|a| format!(" {{ ${a} }}")).collect();
                format!("{k} = {k}{vars}\n")
            })
            .collect()
    }

    #[test]
    fn parity_errors_name_the_file_and_key() {
        let base = ui_only();
        let en = format!("{base}extra = x\n");
        let e = Catalog::from_sources(sources(&en, &base, &base)).unwrap_err();
        assert_eq!(e.0.len(), 2, "{e}");
        assert!(
            e.0[0].starts_with("zh-CN.ftl: error[L004]: missing key `extra`"),
            "{e}"
        );
        let e = Catalog::from_sources(sources(&base, "", &base)).unwrap_err();
        assert!(
            e.to_string()
                .contains("zh-CN.ftl: error[L003]: missing key `start`")
        );
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let base = ui_only();
        let bad = format!("{base}broken = {{\n");
        let e = Catalog::from_sources(sources(&base, &base, &bad)).unwrap_err();
        // The parser reports the error where the broken entry ends: its line or the next.
        let line = base.lines().count() + 1;
        let at = |l: usize| format!("zh-TW.ftl:{l}:");
        assert!(
            e.0.iter()
                .any(|m| m.starts_with(&at(line)) || m.starts_with(&at(line + 1))),
            "{e}"
        );
    }

    #[test]
    fn rule_keys_are_checked_in_every_locale() {
        let base = ui_only();
        let tw = format!("{base}rule-a-b = x\n");
        let en = tw.clone();
        let c = Catalog::from_sources(sources(&en, &format!("{base}rule-a-b = y\n"), &tw)).unwrap();
        let rule = |id: &str, explain: &str| {
            Arc::new(RuleMeta {
                id: id.into(),
                family: "f".into(),
                stage: Stage::Hook,
                weight: 1,
                trigger: false,
                explain: explain.into(),
            })
        };
        assert!(c.check_rule_keys(&[rule("a.b", "rule-a-b")]).is_ok());
        let e = c
            .check_rule_keys(&[rule("a.b", "rule-a-b"), rule("c.d", "rule-c-d")])
            .unwrap_err();
        assert_eq!(e.0.len(), 3, "{e}");
        assert!(e.0[0].contains("`rule-c-d` (rules c.d)"), "{e}");
    }

    #[test]
    fn missing_key_falls_back() {
        let c = Catalog::embedded().unwrap();
        assert_eq!(c.text(Lang::ZhTw, "no-such-key"), "no-such-key");
    }

    #[test]
    fn embedded_catalog_is_complete() {
        let c = Catalog::embedded().unwrap();
        for lang in Lang::ALL {
            for (key, vars) in UI_KEYS {
                let args: Vec<(&str, Arg)> = vars.iter().map(|v| (*v, Arg::Num(2))).collect();
                let out = c.try_format(lang, key, &args);
                assert!(out.is_ok(), "{lang} {key}: {out:?}");
                assert!(!out.unwrap().trim().is_empty(), "{lang} {key}");
            }
        }
    }

    #[test]
    fn embedded_files_end_with_the_rule_marker_section() {
        for (origin, text) in EMBEDDED {
            assert!(
                text.lines().any(|l| l == RULE_SECTION_MARKER),
                "{origin} lacks the rule section marker"
            );
        }
    }
}
