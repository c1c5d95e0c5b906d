//! `scamguard eval`: measure detection on labeled JSON Lines corpora.
//!
//! Messages (`{"text", "label", "family", "lang", "source"}` per line): recall on `scam`,
//! false-positive rate on `benign`, share of `spam_ad` flagged, per file, per family and per
//! language. Conversations (`{"id", "label", "family", "turns": [{"role", "text"}]}` per line,
//! with `--conversations`): each conversation's turns go in order through a fresh
//! [`Conversation`]; report the share warned, where the first warning comes, and whether it comes
//! before the first turn that asks for money, a code or an app.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::json;

use super::{EXIT_ERROR, load_engine};
use crate::conversation::{Assessment, Conversation, ConversationConfig, Timestamp};
use crate::engine::{Engine, Level};
use crate::policy;

/// Arguments of `scamguard eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// JSON Lines files (or directories of them).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Lowest level that counts as flagged.
    #[arg(long, default_value = "warning", value_parser = parse_level)]
    pub level: Level,
    /// The files hold whole conversations (one per line).
    #[arg(long)]
    pub conversations: bool,
    /// With --conversations: feed every turn, not only the other party's.
    #[arg(long)]
    pub all_turns: bool,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Print up to N missed scam messages (for tuning; never commit corpus lines).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub misses: usize,
    /// Print up to N flagged benign or spam_ad messages.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub false_positives: usize,
    /// Only print examples of this family (with --misses).
    #[arg(long)]
    pub family: Option<String>,
    /// Check the figures against a floor file; exit 1 when any falls below it.
    #[arg(long, value_name = "FILE")]
    pub floor: Option<PathBuf>,
    /// Rules directory (default: $SCAMGUARD_RULES, else the rules built into the binary).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Where the messages are judged: `private` (flagged = the bot warns) or `group` /
    /// `group-newcomer` (flagged = the bot deletes the message, with a new group's default
    /// settings, the sender a regular member or a newcomer).
    #[arg(long = "as", value_enum, default_value_t = Setting::Private)]
    pub setting: Setting,
    /// With `--as group*`: flagged = any action in the group (a warning reply or a deletion),
    /// not only a deletion.
    #[arg(long)]
    pub acts: bool,
    /// Only one half of every file: `tune` (tune rules on it) or `check` (judge them on it).
    /// The halves are fixed by a hash of each message's text (of a conversation's id, else its
    /// turns), so they never change with the order or the rest of the file.
    #[arg(long, value_enum)]
    pub split: Option<Split>,
}

/// One half of a corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Split {
    /// The half rules are tuned on.
    Tune,
    /// The half kept aside to judge them.
    Check,
}

impl Split {
    /// The half `key` (a message's text, a conversation's id) belongs to: the low bit of the
    /// first byte of its SHA-256.
    #[must_use]
    pub fn of(key: &str) -> Split {
        use sha2::{Digest, Sha256};
        if Sha256::digest(key.as_bytes())[0] & 1 == 0 {
            Split::Tune
        } else {
            Split::Check
        }
    }

    /// Whether `key` is kept under `split` (`None`: everything is).
    #[must_use]
    pub fn keeps(split: Option<Split>, key: &str) -> bool {
        split.is_none_or(|s| Split::of(key) == s)
    }
}

/// Where `eval` judges the messages: each through the same [`crate::policy`] the bot uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Setting {
    /// A private chat: flagged when the bot answers with a warning.
    Private,
    /// A group with default settings, the sender a regular member: flagged when deleted.
    Group,
    /// The same, the sender a newcomer (judged one level stricter): flagged when deleted.
    GroupNewcomer,
}

impl Setting {
    fn describe(self) -> &'static str {
        match self {
            Setting::Private => "warned",
            Setting::Group => "deleted in a group",
            Setting::GroupNewcomer => "deleted in a group, newcomer",
        }
    }
}

/// Whether the bot would flag a message with assessment `a`, decided by [`crate::policy`] as
/// in the bot. In a private chat: the level the bot shows is at least `level` (a warning's
/// level; with `calm_counts`, also the level a calm answer reports). In a group: a deletion
/// (or, with `--acts`, any action).
fn judged(args: &EvalArgs, a: &Assessment, now: Timestamp, calm_counts: bool) -> bool {
    let (setting, level) = (args.setting, args.level);
    match setting {
        Setting::Private => policy::private(a).iter().any(|x| match x {
            policy::Action::Warn { level: l } => *l >= level,
            policy::Action::Calm => calm_counts && a.level >= level,
            _ => false,
        }),
        Setting::Group | Setting::GroupNewcomer => {
            let standing = if setting == Setting::Group {
                policy::Standing::member(u32::MAX)
            } else {
                policy::Standing::member(0)
            };
            let d = policy::group(a, &policy::GroupSettings::default(), &standing, now);
            if args.acts { d.acts() } else { d.deletes() }
        }
    }
}

fn parse_level(s: &str) -> Result<Level, String> {
    Level::parse(s).ok_or_else(|| format!("unknown level `{s}` (none, caution, warning, danger)"))
}

#[derive(Deserialize)]
pub(crate) struct MessageLine {
    pub(crate) text: String,
    pub(crate) label: String,
    #[serde(default)]
    family: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

/// One line of a message file, with a known label; errors name the file and line.
pub(crate) fn message_line(path: &Path, line_no: usize, line: &str) -> Result<MessageLine, String> {
    let m: MessageLine = serde_json::from_str(line)
        .map_err(|e| format!("{}:{line_no}: malformed line: {e}", path.display()))?;
    if !matches!(m.label.as_str(), "scam" | "benign" | "spam_ad") {
        return Err(format!(
            "{}:{line_no}: unknown label `{}` (expected scam, benign or spam_ad)",
            path.display(),
            m.label
        ));
    }
    Ok(m)
}

#[derive(Deserialize)]
struct Turn {
    role: String,
    text: String,
}

#[derive(Deserialize)]
struct ConversationLine {
    #[serde(default)]
    id: Option<String>,
    label: String,
    #[serde(default)]
    family: Option<String>,
    #[serde(default)]
    lang: Option<String>,
    turns: Vec<Turn>,
}

/// Counts of one slice of a corpus (a file, a family, a language).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Scam lines.
    pub scam: u64,
    /// Scam lines flagged.
    pub scam_flagged: u64,
    /// Benign lines.
    pub benign: u64,
    /// Benign lines flagged (false positives).
    pub benign_flagged: u64,
    /// Advertising lines.
    pub spam_ad: u64,
    /// Advertising lines flagged as scam.
    pub spam_ad_flagged: u64,
}

impl Counts {
    fn add(&mut self, label: &str, flagged: bool) {
        let f = u64::from(flagged);
        match label {
            "scam" => {
                self.scam += 1;
                self.scam_flagged += f;
            }
            "benign" => {
                self.benign += 1;
                self.benign_flagged += f;
            }
            _ => {
                self.spam_ad += 1;
                self.spam_ad_flagged += f;
            }
        }
    }

    /// Recall on scam lines, if any.
    #[must_use]
    pub fn recall(&self) -> Option<f64> {
        ratio(self.scam_flagged, self.scam)
    }

    /// False-positive rate on benign lines, if any.
    #[must_use]
    pub fn fp_rate(&self) -> Option<f64> {
        ratio(self.benign_flagged, self.benign)
    }

    /// Share of spam_ad lines flagged, if any.
    #[must_use]
    pub fn spam_rate(&self) -> Option<f64> {
        ratio(self.spam_ad_flagged, self.spam_ad)
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "scam": self.scam, "scam_flagged": self.scam_flagged, "recall": self.recall(),
            "benign": self.benign, "benign_flagged": self.benign_flagged, "fp_rate": self.fp_rate(),
            "spam_ad": self.spam_ad, "spam_ad_flagged": self.spam_ad_flagged, "spam_ad_rate": self.spam_rate(),
        })
    }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    (b > 0).then(|| a as f64 / b as f64)
}

/// Figures of one conversations file.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ConversationStats {
    /// Scam conversations.
    pub scam: u64,
    /// Scam conversations with any warning.
    pub scam_warned: u64,
    /// For each warned scam conversation: 1-based turn of the first warning / number of turns.
    pub first_warning_share: Vec<f64>,
    /// Scam conversations that have a turn asking for money, a code or an app.
    pub with_demand: u64,
    /// Of those, warned at or before that turn.
    pub warned_by_demand: u64,
    /// Benign conversations.
    pub benign: u64,
    /// Benign conversations with any warning.
    pub benign_warned: u64,
    /// Per family: (scam conversations, warned).
    pub families: BTreeMap<String, (u64, u64)>,
}

/// Words that mark a turn asking for money, a code or an app. Independent of the rules, so the
/// "warned before the demand" figure does not grade the rules with their own literals.
const DEMAND_WORDS: [&str; 22] = [
    "转账",
    "汇款",
    "付款",
    "支付",
    "充值",
    "打款",
    "验证码",
    "下载",
    "app",
    "保证金",
    "手续费",
    "押金",
    "扫码",
    "二维码",
    "屏幕",
    "共享",
    "银行卡",
    "定金",
    "缴纳",
    "交钱",
    "提现",
    "链接",
];

fn is_demand(text: &str) -> bool {
    let t = text.to_lowercase();
    DEMAND_WORDS.iter().any(|w| t.contains(w))
}

fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let idx = ((p * (sorted.len() - 1) as f64).round() as usize).min(sorted.len() - 1);
    Some(sorted[idx])
}

impl ConversationStats {
    /// Median and 90th percentile of the first-warning share.
    #[must_use]
    pub fn first_warning_percentiles(&self) -> (Option<f64>, Option<f64>) {
        let mut v = self.first_warning_share.clone();
        v.sort_by(f64::total_cmp);
        (percentile(&v, 0.5), percentile(&v, 0.9))
    }

    fn json(&self) -> serde_json::Value {
        let (median, p90) = self.first_warning_percentiles();
        json!({
            "scam": self.scam, "scam_warned": self.scam_warned,
            "scam_warned_rate": ratio(self.scam_warned, self.scam),
            "first_warning_median": median, "first_warning_p90": p90,
            "with_demand": self.with_demand, "warned_by_demand": self.warned_by_demand,
            "warned_by_demand_rate": ratio(self.warned_by_demand, self.with_demand),
            "benign": self.benign, "benign_warned": self.benign_warned,
            "benign_warned_rate": ratio(self.benign_warned, self.benign),
            "families": self.families.iter().map(|(k, (n, w))| (k.clone(), json!({"scam": n, "warned": w, "rate": ratio(*w, *n)}))).collect::<serde_json::Map<_, _>>(),
        })
    }
}

/// Per-file results of a messages run.
#[derive(Debug, Default)]
struct FileResult {
    total: Counts,
    families: BTreeMap<String, Counts>,
}

struct Examples {
    misses_left: usize,
    fps_left: usize,
}

pub(crate) fn files_of(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut v: Vec<_> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: cannot read directory: {e}", p.display()))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|f| f.extension().is_some_and(|e| e == "jsonl"))
                .collect();
            v.sort();
            out.extend(v);
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    Ok(out)
}

pub(crate) fn read_lines(path: &Path) -> Result<Vec<(usize, String)>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{}: not UTF-8 (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l.to_owned()))
        .collect())
}

pub(crate) fn file_name(path: &Path) -> String {
    path.file_stem().map_or_else(
        || path.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}

fn one_line(text: &str) -> String {
    let s: String = text.chars().take(200).collect();
    s.replace(['\n', '\r'], " ")
}

fn eval_messages(
    engine: &Engine,
    path: &Path,
    args: &EvalArgs,
    ex: &mut Examples,
    langs: &mut BTreeMap<String, Counts>,
) -> Result<(FileResult, u64), String> {
    let mut res = FileResult::default();
    let mut n = 0;
    for (line_no, line) in read_lines(path)? {
        let m = message_line(path, line_no, &line)?;
        if !Split::keeps(args.split, &m.text) {
            continue;
        }
        let scan = engine.scan(&m.text);
        let a = Conversation::new().observe(&scan, Timestamp(0), &ConversationConfig::default());
        let flagged = judged(args, &a, Timestamp(0), true);
        n += 1;
        res.total.add(&m.label, flagged);
        let family = m.family.clone().unwrap_or_else(|| "-".into());
        res.families
            .entry(family.clone())
            .or_default()
            .add(&m.label, flagged);
        langs
            .entry(m.lang.clone().unwrap_or_else(|| "-".into()))
            .or_default()
            .add(&m.label, flagged);
        let ids = || {
            scan.findings
                .iter()
                .map(|f| f.rule.id.as_str())
                .collect::<Vec<_>>()
                .join(",")
        };
        if m.label == "scam"
            && !flagged
            && ex.misses_left > 0
            && args.family.as_ref().is_none_or(|f| *f == family)
        {
            ex.misses_left -= 1;
            outln!(
                "MISS {}:{line_no} [{family}] {} ({}) {}",
                file_name(path),
                scan.level,
                ids(),
                one_line(&m.text)
            );
        }
        if m.label != "scam" && flagged && ex.fps_left > 0 {
            ex.fps_left -= 1;
            outln!(
                "FP   {}:{line_no} [{}] {} ({}) {}",
                file_name(path),
                m.label,
                scan.level,
                ids(),
                one_line(&m.text)
            );
        }
    }
    Ok((res, n))
}

fn eval_conversations(
    engine: &Engine,
    path: &Path,
    args: &EvalArgs,
    ex: &mut Examples,
) -> Result<(ConversationStats, u64), String> {
    let config = ConversationConfig::default();
    let mut st = ConversationStats::default();
    let mut n = 0;
    for (line_no, line) in read_lines(path)? {
        let c: ConversationLine = serde_json::from_str(&line)
            .map_err(|e| format!("{}:{line_no}: malformed line: {e}", path.display()))?;
        let key = c.id.clone().unwrap_or_else(|| {
            c.turns
                .iter()
                .map(|t| t.text.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        });
        if !Split::keeps(args.split, &key) {
            continue;
        }
        let mut conv = Conversation::new();
        let mut first_warning: Option<usize> = None;
        let mut first_demand: Option<usize> = None;
        let mut now = Timestamp(0);
        let total = c.turns.len();
        for (i, turn) in c.turns.iter().enumerate() {
            now = now.plus(Duration::from_secs(20));
            let fed = args.all_turns || turn.role == "other";
            if turn.role == "other" && first_demand.is_none() && is_demand(&turn.text) {
                first_demand = Some(i);
            }
            if !fed {
                continue;
            }
            n += 1;
            let scan = engine.scan(&turn.text);
            let a = conv.observe(&scan, now, &config);
            if first_warning.is_none() && judged(args, &a, now, false) {
                first_warning = Some(i);
            }
        }
        let family = c.family.clone().unwrap_or_else(|| "-".into());
        let id = c.id.clone().unwrap_or_default();
        match c.label.as_str() {
            "scam" => {
                st.scam += 1;
                let fam = st.families.entry(family.clone()).or_default();
                fam.0 += 1;
                if let Some(w) = first_warning {
                    st.scam_warned += 1;
                    fam.1 += 1;
                    #[allow(clippy::cast_precision_loss)]
                    st.first_warning_share.push((w + 1) as f64 / total as f64);
                } else if ex.misses_left > 0 {
                    ex.misses_left -= 1;
                    outln!(
                        "MISS {}:{line_no} [{family}] conversation {id} ({total} turns)",
                        file_name(path)
                    );
                }
                if let Some(d) = first_demand {
                    st.with_demand += 1;
                    if first_warning.is_some_and(|w| w <= d) {
                        st.warned_by_demand += 1;
                    }
                }
            }
            "benign" => {
                st.benign += 1;
                if let Some(w) = first_warning {
                    st.benign_warned += 1;
                    if ex.fps_left > 0 {
                        ex.fps_left -= 1;
                        outln!(
                            "FP   {}:{line_no} conversation {id} warned at turn {} of {total}",
                            file_name(path),
                            w + 1
                        );
                    }
                }
            }
            other => {
                return Err(format!(
                    "{}:{line_no}: unknown label `{other}` (expected scam or benign)",
                    path.display()
                ));
            }
        }
        let _ = &c.lang;
    }
    Ok((st, n))
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |x| format!("{:.2}%", x * 100.0))
}

fn counts_row(name: &str, c: &Counts) -> String {
    format!(
        "{name:<48} {:>6} {:>8} {:>6} {:>8} {:>6} {:>8}\n",
        c.scam,
        pct(c.recall()),
        c.benign,
        pct(c.fp_rate()),
        c.spam_ad,
        pct(c.spam_rate())
    )
}

/// A floor file: minimum recall and maximum false-positive figures per corpus file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Floor {
    #[serde(default)]
    messages: BTreeMap<String, MessageFloor>,
    #[serde(default)]
    conversations: BTreeMap<String, ConversationFloor>,
    /// `--as group`: `max_fp_rate` is the share of benign messages deleted.
    #[serde(default)]
    group: BTreeMap<String, MessageFloor>,
    /// `--as group-newcomer`.
    #[serde(default)]
    group_newcomer: BTreeMap<String, MessageFloor>,
    /// The same figures for `--split tune` alone.
    tune: Option<Box<Floor>>,
    /// The same figures for `--split check` alone.
    check: Option<Box<Floor>>,
}

impl Floor {
    /// The floors that pin `split`: its own `[tune]` or `[check]` table (which must exist, so a
    /// half is never judged against the whole corpus's figures), else the top level.
    fn of_split(self, split: Option<Split>) -> Result<Floor, String> {
        let (part, name) = match split {
            None => return Ok(self),
            Some(Split::Tune) => (self.tune, "tune"),
            Some(Split::Check) => (self.check, "check"),
        };
        part.map(|f| *f)
            .ok_or_else(|| format!("no [{name}] table for --split {name}"))
    }

    /// The message floors of `setting`.
    fn messages_of(&self, setting: Setting) -> &BTreeMap<String, MessageFloor> {
        match setting {
            Setting::Private => &self.messages,
            Setting::Group => &self.group,
            Setting::GroupNewcomer => &self.group_newcomer,
        }
    }

    /// The conversation floors of `setting` (pinned for private chats only).
    fn conversations_of(&self, setting: Setting) -> Option<&BTreeMap<String, ConversationFloor>> {
        (setting == Setting::Private).then_some(&self.conversations)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MessageFloor {
    min_recall: Option<f64>,
    max_fp_rate: Option<f64>,
    max_spam_ad_rate: Option<f64>,
    #[serde(default)]
    min_family_recall: BTreeMap<String, f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConversationFloor {
    min_warned: Option<f64>,
    max_first_warning_median: Option<f64>,
    max_benign_warned: Option<f64>,
    #[serde(default)]
    min_family_warned: BTreeMap<String, f64>,
}

fn check_min(fails: &mut Vec<String>, what: String, got: Option<f64>, min: Option<f64>) {
    if let (Some(min), Some(got)) = (min, got)
        && got + 1e-9 < min
    {
        fails.push(format!(
            "{what}: {} is below the floor {}",
            pct(Some(got)),
            pct(Some(min))
        ));
    }
}

/// Per-family floors: each family must be in the file and reach its minimum.
fn check_families(
    fails: &mut Vec<String>,
    name: &str,
    what: &str,
    mins: &BTreeMap<String, f64>,
    got: impl Fn(&str) -> Option<f64>,
) {
    for (fam, min) in mins {
        let got = got(fam);
        if got.is_none() {
            fails.push(format!("{name} family {fam}: not in the file"));
        }
        check_min(fails, format!("{name} {fam} {what}"), got, Some(*min));
    }
}

fn check_max(fails: &mut Vec<String>, what: String, got: Option<f64>, max: Option<f64>) {
    if let (Some(max), Some(got)) = (max, got)
        && got > max + 1e-9
    {
        fails.push(format!(
            "{what}: {} is above the ceiling {}",
            pct(Some(got)),
            pct(Some(max))
        ));
    }
}

/// Run `scamguard eval`.
#[must_use]
pub fn run(args: &EvalArgs) -> ExitCode {
    let engine = match load_engine(args.rules.as_deref()) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let files = match files_of(&args.paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("scamguard eval: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let floor: Option<Floor> = match &args.floor {
        None => None,
        Some(p) => match std::fs::read_to_string(p)
            .map_err(|e| e.to_string())
            .and_then(|t| toml::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(f) => match Floor::of_split(f, args.split) {
                Ok(f) => Some(f),
                Err(e) => {
                    eprintln!("scamguard eval: {}: {e}", p.display());
                    return ExitCode::from(EXIT_ERROR);
                }
            },
            Err(e) => {
                eprintln!("scamguard eval: {}: {e}", p.display());
                return ExitCode::from(EXIT_ERROR);
            }
        },
    };
    let mut ex = Examples {
        misses_left: args.misses,
        fps_left: args.false_positives,
    };
    let started = Instant::now();
    let mut scanned = 0u64;
    let mut out = String::new();
    let mut report = serde_json::Map::new();
    let mut fails = Vec::new();
    if args.conversations {
        out.push_str(&format!(
            "{:<36} {:>6} {:>8} {:>8} {:>8} {:>10} {:>7} {:>8}\n",
            format!(
                "file / family ({}{})",
                args.setting.describe(),
                if args.acts { " or warned" } else { "" }
            ),
            "scam",
            "warned",
            "median",
            "p90",
            "by-demand",
            "benign",
            "warned"
        ));
        for f in &files {
            let (st, n) = match eval_conversations(&engine, f, args, &mut ex) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("scamguard eval: {e}");
                    return ExitCode::from(EXIT_ERROR);
                }
            };
            scanned += n;
            let name = file_name(f);
            let (median, p90) = st.first_warning_percentiles();
            out.push_str(&format!(
                "{name:<36} {:>6} {:>8} {:>8} {:>8} {:>10} {:>7} {:>8}\n",
                st.scam,
                pct(ratio(st.scam_warned, st.scam)),
                pct(median),
                pct(p90),
                pct(ratio(st.warned_by_demand, st.with_demand)),
                st.benign,
                pct(ratio(st.benign_warned, st.benign))
            ));
            for (fam, (n, w)) in &st.families {
                out.push_str(&format!("  {fam:<34} {n:>6} {:>8}\n", pct(ratio(*w, *n))));
            }
            if let Some(fl) = floor
                .as_ref()
                .and_then(|fl| fl.conversations_of(args.setting))
                .and_then(|c| c.get(&name))
            {
                check_min(
                    &mut fails,
                    format!("{name} warned"),
                    ratio(st.scam_warned, st.scam),
                    fl.min_warned,
                );
                check_max(
                    &mut fails,
                    format!("{name} median first warning"),
                    median,
                    fl.max_first_warning_median,
                );
                check_max(
                    &mut fails,
                    format!("{name} benign warned"),
                    ratio(st.benign_warned, st.benign),
                    fl.max_benign_warned,
                );
                check_families(&mut fails, &name, "warned", &fl.min_family_warned, |fam| {
                    st.families.get(fam).and_then(|&(n, w)| ratio(w, n))
                });
            }
            report.insert(name, st.json());
        }
    } else {
        out.push_str(&format!(
            "{:<48} {:>6} {:>8} {:>6} {:>8} {:>6} {:>8}\n",
            format!(
                "file / family ({}{})",
                args.setting.describe(),
                if args.acts { " or warned" } else { "" }
            ),
            "scam",
            "recall",
            "benign",
            "fp",
            "ad",
            "ad-flag"
        ));
        let mut langs = BTreeMap::new();
        for f in &files {
            let (res, n) = match eval_messages(&engine, f, args, &mut ex, &mut langs) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("scamguard eval: {e}");
                    return ExitCode::from(EXIT_ERROR);
                }
            };
            scanned += n;
            let name = file_name(f);
            out.push_str(&counts_row(&name, &res.total));
            if res.families.len() > 1 || res.families.keys().any(|k| k != "-") {
                for (fam, c) in &res.families {
                    out.push_str(&counts_row(&format!("  {fam}"), c));
                }
            }
            if let Some(fl) = floor
                .as_ref()
                .and_then(|fl| fl.messages_of(args.setting).get(&name))
            {
                check_min(
                    &mut fails,
                    format!("{name} recall"),
                    res.total.recall(),
                    fl.min_recall,
                );
                check_max(
                    &mut fails,
                    format!("{name} false positives"),
                    res.total.fp_rate(),
                    fl.max_fp_rate,
                );
                check_max(
                    &mut fails,
                    format!("{name} spam_ad flagged"),
                    res.total.spam_rate(),
                    fl.max_spam_ad_rate,
                );
                check_families(&mut fails, &name, "recall", &fl.min_family_recall, |fam| {
                    res.families.get(fam).and_then(Counts::recall)
                });
            }
            let mut fams = serde_json::Map::new();
            for (fam, c) in &res.families {
                fams.insert(fam.clone(), c.json());
            }
            let mut j = res.total.json();
            j["families"] = serde_json::Value::Object(fams);
            report.insert(name, j);
        }
        out.push_str("by language\n");
        for (lang, c) in &langs {
            out.push_str(&counts_row(&format!("  {lang}"), c));
        }
        report.insert(
            "languages".into(),
            langs
                .iter()
                .map(|(k, c)| (k.clone(), c.json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        );
    }
    if let Some(fl) = &floor {
        let names: Vec<String> = files.iter().map(|f| file_name(f)).collect();
        let expected: Vec<&String> = if args.conversations {
            fl.conversations_of(args.setting)
                .map(|c| c.keys().collect())
                .unwrap_or_default()
        } else {
            fl.messages_of(args.setting).keys().collect()
        };
        for k in expected {
            if !names.contains(k) {
                fails.push(format!("{k}: named in the floor file but not evaluated"));
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let rate = scanned as f64 / secs.max(1e-9);
    if args.json {
        report.insert("messages_scanned".into(), scanned.into());
        report.insert("messages_per_second".into(), rate.round().into());
        outln!("{}", serde_json::Value::Object(report));
    } else {
        out!("{out}");
        outln!("{scanned} messages in {secs:.2} s ({rate:.0} messages/s)");
    }
    if fails.is_empty() {
        if floor.is_some() {
            eprintln!("eval floor: all figures hold");
        }
        ExitCode::SUCCESS
    } else {
        for f in &fails {
            eprintln!("eval floor: {f}");
        }
        ExitCode::from(1)
    }
}
