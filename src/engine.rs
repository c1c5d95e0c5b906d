//! The compiled matcher: one Aho-Corasick automaton over every rule literal, rule predicates
//! evaluated on a hit bitset, and each regex run only for rules whose literals already hit.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// Where in the scam chain a rule's signal sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Claims to be customer service, courier, bank, police.
    Pretext,
    /// A reason to act: refund, lost parcel, membership fee, account problem.
    Hook,
    /// Moves the victim off-platform: messaging apps, links, app downloads.
    Channel,
    /// Takes control: screen sharing, remote-control and meeting apps.
    Control,
    /// Takes money or secrets: transfers, deposits, codes, safe accounts.
    Extract,
}

impl Stage {
    /// Every stage, in chain order.
    pub const ALL: [Stage; 5] = [
        Stage::Pretext,
        Stage::Hook,
        Stage::Channel,
        Stage::Control,
        Stage::Extract,
    ];

    /// Lowercase name as written in rule files.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Pretext => "pretext",
            Stage::Hook => "hook",
            Stage::Channel => "channel",
            Stage::Control => "control",
            Stage::Extract => "extract",
        }
    }

    /// Parse a stage name as written in rule files.
    #[must_use]
    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Bit of this stage in a stage set.
    #[must_use]
    pub fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How alarming a message or a conversation is.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Nothing of note.
    #[default]
    None,
    /// Soft signals only.
    Caution,
    /// Enough signals together to call it a likely scam.
    Warning,
    /// A hard trigger, or the chain is complete: stop now.
    Danger,
}

impl Level {
    /// Every level, lowest first.
    pub const ALL: [Level; 4] = [Level::None, Level::Caution, Level::Warning, Level::Danger];

    /// Lowercase name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Caution => "caution",
            Level::Warning => "warning",
            Level::Danger => "danger",
        }
    }

    /// Parse a lowercase level name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule is, independent of how it matches. Shared by every finding of the rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleMeta {
    /// Unique rule id, e.g. `cs.parcel.lost`.
    pub id: String,
    /// Scam family, e.g. `fake_customer_service`.
    pub family: String,
    /// Stage of the scam chain.
    pub stage: Stage,
    /// Contribution to the message score (0..=100).
    pub weight: u32,
    /// A hard trigger: warn at once, no history needed.
    pub trigger: bool,
    /// Locale key of the explanation shown to users.
    pub explain: String,
}

/// One rule that matched a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule.
    pub rule: Arc<RuleMeta>,
    /// Evidence: byte range in the *original* text (quote it with `&original[range]`).
    pub evidence: Range<usize>,
}

/// The result of scanning one message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// Every rule that matched, in rule order.
    pub findings: Vec<Finding>,
    /// Message-level verdict.
    pub level: Level,
    /// Sum of the weights of the matched rules.
    pub score: u32,
    /// How the message speaks of the moves it names ([`crate::voice`]).
    pub genre: crate::voice::Genre,
    /// Findings that are not live moves: negated, the writer's own or someone else's in a
    /// story. They count for nothing; an advisory or a report is answered from them.
    pub described: Vec<crate::voice::Described>,
}

impl Scan {
    /// Set of stages present, as a bitmask of [`Stage::bit`].
    #[must_use]
    pub fn stages(&self) -> u8 {
        self.findings
            .iter()
            .fold(0, |acc, f| acc | f.rule.stage.bit())
    }

    /// Whether any finding is a hard trigger.
    #[must_use]
    pub fn has_trigger(&self) -> bool {
        self.findings.iter().any(|f| f.rule.trigger)
    }
}

use std::collections::{HashMap, HashSet};
use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder};

use crate::rules::{self, ErrorCode, Example, Expect, LoadErrors, RawRule, RuleError, Source};
use crate::text::{Normalized, normalize};

/// Score thresholds that turn findings into a message-level [`Level`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// Score at which a message is a `warning`.
    pub warning_score: u32,
    /// Distinct stages at which a message is a `warning`.
    pub warning_stages: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            warning_score: 60,
            warning_stages: 3,
        }
    }
}

impl Thresholds {
    /// The level of a set of findings: `danger` on any hard trigger; `warning` at
    /// `warning_score` or `warning_stages` distinct stages; `caution` on any finding.
    #[must_use]
    pub fn level(&self, findings: &[Finding]) -> (Level, u32) {
        let score: u32 = findings.iter().map(|f| f.rule.weight).sum();
        let stages = findings
            .iter()
            .fold(0u8, |acc, f| acc | f.rule.stage.bit())
            .count_ones();
        let level = if findings.iter().any(|f| f.rule.trigger) {
            Level::Danger
        } else if score >= self.warning_score || stages >= self.warning_stages {
            Level::Warning
        } else if findings.is_empty() {
            Level::None
        } else {
            Level::Caution
        };
        (level, score)
    }
}

/// Options for loading a rule set.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Locales (name, message ids) every rule's `explain` key must exist in. Empty: not checked.
    pub locales: Vec<(String, HashSet<String>)>,
    /// Level thresholds.
    pub thresholds: Thresholds,
}

/// What a literal hit counts towards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// A required group, by index into the group table.
    Group(u32),
    /// The `not` list of a rule, by rule index.
    Not(u32),
}

/// A rule literal as the automaton sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoldedLiteral {
    /// Normalized text, without boundary markers.
    pub body: String,
    /// An ASCII word boundary is required before it.
    pub bound_start: bool,
    /// An ASCII word boundary is required after it.
    pub bound_end: bool,
}

/// Normalize a rule literal and read its boundary markers: a literal starting (ending) with an
/// ASCII letter or digit matches only at a word boundary there, unless it starts (ends) with
/// `*`.
pub(crate) fn fold_literal(text: &str) -> FoldedLiteral {
    let folded = normalize(text);
    let folded = folded.as_str().trim();
    let (bound_start, body) = match folded.strip_prefix('*') {
        Some(rest) => (false, rest),
        None => (
            folded.starts_with(|c: char| c.is_ascii_alphanumeric()),
            folded,
        ),
    };
    let (bound_end, body) = match body.strip_suffix('*') {
        Some(rest) => (false, rest),
        None => (body.ends_with(|c: char| c.is_ascii_alphanumeric()), body),
    };
    FoldedLiteral {
        body: body.to_owned(),
        bound_start,
        bound_end,
    }
}

/// Where a literal hit counts.
#[derive(Debug, Clone, Copy)]
struct Target {
    slot: Slot,
    /// ASCII word boundary required before the literal.
    bound_start: bool,
    /// ASCII word boundary required after the literal.
    bound_end: bool,
}

#[derive(Debug)]
struct CompiledRule {
    meta: Arc<RuleMeta>,
    /// Required literal groups, indices into the group table.
    groups: Range<u32>,
    /// Whether the rule has a `not` list.
    has_not: bool,
    regex: Option<usize>,
    window: Option<usize>,
    /// `not` literals veto only within this many characters of the evidence.
    not_window: Option<usize>,
    langs: Vec<String>,
    examples: Vec<Example>,
    location: rules::Location,
}

/// A compiled, immutable rule set. Build once, scan many messages, share across threads.
#[derive(Debug)]
pub struct Engine {
    rules: Vec<CompiledRule>,
    metas: Vec<Arc<RuleMeta>>,
    ac: AhoCorasick,
    /// Literal index -> where its hits count.
    targets: Vec<Vec<Target>>,
    /// Group index -> rule index.
    group_rule: Vec<u32>,
    /// Rule index -> literal group count (0: regex-only rule, always a candidate).
    regex_only: Vec<u32>,
    regexes: Vec<Regex>,
    thresholds: Thresholds,
    literals: Vec<String>,
    /// Link analysis (`links/links.toml` of the rules directory), when loaded.
    links: Option<Arc<crate::links::LinkRules>>,
}

/// The shipped rules, embedded by `build.rs`.
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
}

/// Where a rules directory keeps its link data.
pub const LINKS_FILE: &str = "links/links.toml";

/// An occurrence of a required element, in characters and bytes of the normalized text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hit {
    group: u32,
    start_b: u32,
    end_b: u32,
}

const MAX_REGEX_MATCHES: usize = 256;

impl Engine {
    /// Load and compile every `*.toml` of `dir`.
    ///
    /// # Errors
    /// Every problem of every file, each with file, line, column and code.
    pub fn load_dir(dir: &Path) -> Result<Engine, LoadErrors> {
        Self::load_dir_with(dir, &LoadOptions::default())
    }

    /// Load and compile every `*.toml` of `dir` with options.
    ///
    /// # Errors
    /// Every problem of every file, each with file, line, column and code.
    pub fn load_dir_with(dir: &Path, options: &LoadOptions) -> Result<Engine, LoadErrors> {
        let sources = rules::read_dir(dir)?;
        let engine = Self::from_sources(&sources, options);
        let path = dir.join(LINKS_FILE);
        if !path.is_file() {
            return engine;
        }
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| RuleError {
            code: ErrorCode::Syntax,
            location: crate::rules::Location {
                origin: origin.clone(),
                line: 1,
                col: 1,
            },
            rule: None,
            message: format!("cannot read: {e}"),
        });
        Self::attach_links(engine, &origin, text, options)
    }

    /// The rules shipped with this build (embedded at build time), link data included.
    ///
    /// # Errors
    /// Every problem of the shipped rules (a test keeps them clean).
    pub fn embedded(options: &LoadOptions) -> Result<Engine, LoadErrors> {
        let sources: Vec<Source> = embedded::EMBEDDED_RULES
            .iter()
            .map(|&(origin, text)| Source::new(origin, text))
            .collect();
        let engine = Self::from_sources(&sources, options);
        let (origin, text) = embedded::EMBEDDED_LINKS;
        Self::attach_links(engine, origin, Ok(text.to_string()), options)
    }

    /// `engine` with the link data `text` of `origin`, or every error of both.
    fn attach_links(
        engine: Result<Engine, LoadErrors>,
        origin: &str,
        text: Result<String, RuleError>,
        options: &LoadOptions,
    ) -> Result<Engine, LoadErrors> {
        let origin = origin.to_string();
        let links = text
            .map_err(|e| vec![e])
            .and_then(|text| crate::links::parse(&origin, &text));
        let mut errors = match (&engine, &links) {
            (Err(e), _) => e.0.clone(),
            _ => Vec::new(),
        };
        match links {
            Err(e) => errors.extend(e),
            Ok(l) => {
                for m in l.metas() {
                    let missing: Vec<&str> = options
                        .locales
                        .iter()
                        .filter(|(_, keys)| !keys.contains(&m.explain))
                        .map(|(name, _)| name.as_str())
                        .collect();
                    if !missing.is_empty() {
                        errors.push(RuleError {
                            code: ErrorCode::UnknownLocaleKey,
                            location: crate::rules::Location {
                                origin: origin.clone(),
                                line: 1,
                                col: 1,
                            },
                            rule: Some(m.id.clone()),
                            message: format!(
                                "locale key `{}` is missing from: {}",
                                m.explain,
                                missing.join(", ")
                            ),
                        });
                    }
                }
                if let Ok(e) = &engine {
                    for id in &l.official_link_clears {
                        if !e.rules().iter().any(|m| &m.id == id) {
                            errors.push(RuleError {
                                code: ErrorCode::BadValue,
                                location: crate::rules::Location {
                                    origin: origin.clone(),
                                    line: 1,
                                    col: 1,
                                },
                                rule: Some(id.clone()),
                                message: format!(
                                    "official_link_clears names an unknown rule `{id}`"
                                ),
                            });
                        }
                    }
                }
                if errors.is_empty() {
                    return engine.map(|e| e.with_links(l));
                }
            }
        }
        Err(LoadErrors(errors))
    }

    /// Compile rules from in-memory sources (used by tests and reloads).
    ///
    /// # Errors
    /// Every problem of every source, each with origin, line, column and code.
    pub fn from_sources(sources: &[Source], options: &LoadOptions) -> Result<Engine, LoadErrors> {
        let mut errors = Vec::new();
        let mut raw = Vec::new();
        let mut ids = Vec::new();
        for source in sources {
            raw.extend(rules::parse_source(source, &mut errors, &mut ids));
        }
        let mut seen: HashMap<&str, &rules::Location> = HashMap::new();
        for (id, location) in &ids {
            if let Some(first) = seen.get(id.as_str()) {
                errors.push(RuleError {
                    code: ErrorCode::DuplicateId,
                    location: location.clone(),
                    rule: Some(id.clone()),
                    message: format!("duplicate rule id (first at {first})"),
                });
            } else {
                seen.insert(id, location);
            }
        }
        for r in &raw {
            let missing: Vec<&str> = options
                .locales
                .iter()
                .filter(|(_, keys)| !keys.contains(&r.explain))
                .map(|(name, _)| name.as_str())
                .collect();
            if !missing.is_empty() {
                errors.push(RuleError {
                    code: ErrorCode::UnknownLocaleKey,
                    location: r.explain_location.clone(),
                    rule: Some(r.id.clone()),
                    message: format!(
                        "locale key `{}` is missing from: {}",
                        r.explain,
                        missing.join(", ")
                    ),
                });
            }
        }
        let engine = Self::compile(raw, options.thresholds, &mut errors);
        errors.sort_by(|a, b| {
            let key = |e: &RuleError| (e.location.origin.clone(), e.location.line, e.location.col);
            key(a).cmp(&key(b))
        });
        if errors.is_empty() {
            Ok(engine)
        } else {
            Err(LoadErrors(errors))
        }
    }

    fn compile(raw: Vec<RawRule>, thresholds: Thresholds, errors: &mut Vec<RuleError>) -> Engine {
        let mut literal_index: HashMap<String, usize> = HashMap::new();
        let mut literals: Vec<String> = Vec::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        let mut group_rule = Vec::new();
        let mut regex_only = Vec::new();
        let mut regexes = Vec::new();
        let mut rules_out = Vec::new();
        for r in raw {
            let ri = u32::try_from(rules_out.len()).expect("fewer than 2^32 rules");
            let mut add = |text: &str, slot: Slot| {
                let FoldedLiteral {
                    body,
                    bound_start,
                    bound_end,
                } = fold_literal(text);
                let idx = *literal_index.entry(body.clone()).or_insert_with(|| {
                    literals.push(body);
                    targets.push(Vec::new());
                    literals.len() - 1
                });
                targets[idx].push(Target {
                    slot,
                    bound_start,
                    bound_end,
                });
            };
            let first_group = u32::try_from(group_rule.len()).expect("fewer than 2^32 groups");
            let mut required: Vec<&Vec<rules::Literal>> = Vec::new();
            if !r.any.is_empty() {
                required.push(&r.any);
            }
            required.extend(r.all.iter());
            for group in required {
                let g = u32::try_from(group_rule.len()).expect("fewer than 2^32 groups");
                group_rule.push(ri);
                for lit in group {
                    add(&lit.text, Slot::Group(g));
                }
            }
            let groups = first_group..u32::try_from(group_rule.len()).expect("groups");
            for lit in &r.not {
                add(&lit.text, Slot::Not(ri));
            }
            regex_only.push(groups.len() as u32);
            let regex = match &r.regex {
                None => None,
                Some((pattern, location)) => {
                    match RegexBuilder::new(pattern)
                        .size_limit(rules::REGEX_SIZE_LIMIT)
                        .build()
                    {
                        Ok(re) => {
                            regexes.push(re);
                            Some(regexes.len() - 1)
                        }
                        Err(regex::Error::CompiledTooBig(limit)) => {
                            errors.push(RuleError {
                                code: ErrorCode::RegexTooLarge,
                                location: location.clone(),
                                rule: Some(r.id.clone()),
                                message: format!("regex compiles to more than {limit} bytes"),
                            });
                            None
                        }
                        Err(e) => {
                            let msg = e.to_string().replace('\n', " ");
                            errors.push(RuleError {
                                code: ErrorCode::BadRegex,
                                location: location.clone(),
                                rule: Some(r.id.clone()),
                                message: format!(
                                    "invalid regex: {}",
                                    msg.split_whitespace().collect::<Vec<_>>().join(" ")
                                ),
                            });
                            None
                        }
                    }
                }
            };
            let meta = Arc::new(RuleMeta {
                id: r.id,
                family: r.family,
                stage: r.stage,
                weight: r.weight,
                trigger: r.trigger,
                explain: r.explain,
            });
            rules_out.push(CompiledRule {
                meta,
                groups,
                has_not: !r.not.is_empty(),
                regex,
                window: r.window,
                not_window: r.not_window,
                langs: r.langs,
                examples: r.examples,
                location: r.location,
            });
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&literals)
            .expect("literal automaton builds");
        let metas = rules_out.iter().map(|r| Arc::clone(&r.meta)).collect();
        Engine {
            rules: rules_out,
            metas,
            ac,
            targets,
            group_rule,
            regex_only,
            regexes,
            thresholds,
            literals,
            links: None,
        }
    }

    /// The same engine with link analysis: every URL of a scanned message is also checked
    /// against `links`, whose signals become findings like any rule's.
    #[must_use]
    pub fn with_links(mut self, links: crate::links::LinkRules) -> Engine {
        self.metas.extend(links.metas());
        self.links = Some(Arc::new(links));
        self
    }

    /// Every rule (link signals included), in load order.
    #[must_use]
    pub fn rules(&self) -> &[Arc<RuleMeta>] {
        &self.metas
    }

    /// The normalized literals of the automaton (for benchmarks and diagnostics).
    #[must_use]
    pub fn literals(&self) -> &[String] {
        &self.literals
    }

    /// Languages a rule declares.
    #[must_use]
    pub fn rule_langs(&self, index: usize) -> &[String] {
        self.rules.get(index).map_or(&[], |r| &r.langs)
    }

    /// Scan one message: the rules, then its links.
    #[must_use]
    pub fn scan(&self, text: &str) -> Scan {
        let n = normalize(text);
        let mut scan = self.scan_normalized(&n);
        if let Some(links) = &self.links {
            let analysis = links.analyze(&n, text);
            let found = analysis.findings;
            let before = scan.findings.len();
            if analysis.only_official {
                scan.findings
                    .retain(|f| !links.official_link_clears.contains(&f.rule.id));
            }
            if !found.is_empty() || scan.findings.len() != before {
                scan.findings.extend(found);
                let (level, score) = self.thresholds.level(&scan.findings);
                scan.level = level;
                scan.score = score;
            }
        }
        crate::voice::settle(text, &mut scan, &self.thresholds);
        scan
    }

    /// Scan an already normalized message.
    #[must_use]
    pub fn scan_normalized(&self, n: &Normalized) -> Scan {
        let s = n.as_str();
        let bytes = s.as_bytes();
        let mut hits: Vec<Hit> = Vec::new();
        let mut group_hit = vec![0u64; self.group_rule.len().div_ceil(64)];
        // Rules vetoed by a `not` literal, with where it stands (for `not_window`).
        let mut vetoed: Vec<Hit> = Vec::new();
        for m in self.ac.find_overlapping_iter(s) {
            let (start, end) = (m.start(), m.end());
            for t in &self.targets[m.pattern().as_usize()] {
                if t.bound_start && start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
                    continue;
                }
                if t.bound_end && end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
                    continue;
                }
                let group = match t.slot {
                    Slot::Not(r) => {
                        vetoed.push(Hit {
                            group: r,
                            start_b: start as u32,
                            end_b: end as u32,
                        });
                        continue;
                    }
                    Slot::Group(g) => g,
                };
                group_hit[group as usize / 64] |= 1 << (group % 64);
                hits.push(Hit {
                    group,
                    start_b: start as u32,
                    end_b: end as u32,
                });
            }
        }
        let mut candidates: Vec<u32> = Vec::new();
        let mut seen_rule = vec![0u64; self.rules.len().div_ceil(64)];
        for h in &hits {
            let r = self.group_rule[h.group as usize];
            let (word, bit) = (r as usize / 64, 1u64 << (r % 64));
            if seen_rule[word] & bit == 0 {
                seen_rule[word] |= bit;
                let rule = &self.rules[r as usize];
                let all = rule
                    .groups
                    .clone()
                    .all(|g| group_hit[g as usize / 64] & (1 << (g % 64)) != 0);
                if all && !self.vetoed_anywhere(r, &vetoed) {
                    candidates.push(r);
                }
            }
        }
        for (r, n_groups) in self.regex_only.iter().enumerate() {
            if *n_groups == 0 && !self.vetoed_anywhere(r as u32, &vetoed) {
                candidates.push(r as u32);
            }
        }
        candidates.sort_unstable();
        let char_index = if candidates.is_empty() {
            Vec::new()
        } else {
            char_index(s)
        };
        let mut findings = Vec::new();
        let mut elems: Vec<Hit> = Vec::new();
        let mut scratch = WindowScratch::default();
        // A rule's groups are consecutive ids: with the hits of candidate rules sorted by group,
        // each candidate's hits are one slice, found by binary search instead of a pass over
        // every hit. Hits of rules that cannot match are dropped first: in a long message most
        // hits are single common characters of rules whose other groups never occur.
        if !candidates.is_empty() {
            // The rule bitset of the pass above, reused: now it marks the candidates.
            let is_candidate = &mut seen_rule;
            is_candidate.fill(0);
            for &r in &candidates {
                is_candidate[r as usize / 64] |= 1 << (r % 64);
            }
            hits.retain(|h| {
                let r = self.group_rule[h.group as usize];
                is_candidate[r as usize / 64] & (1 << (r % 64)) != 0
            });
            hits.sort_unstable_by_key(|h| (h.group, h.start_b, h.end_b));
        }
        for &r in &candidates {
            let rule = &self.rules[r as usize];
            elems.clear();
            let lo = hits.partition_point(|h| h.group < rule.groups.start);
            let hi = lo + hits[lo..].partition_point(|h| h.group < rule.groups.end);
            elems.extend_from_slice(&hits[lo..hi]);
            let mut n_groups = rule.groups.len();
            if let Some(ri) = rule.regex {
                // Each candidate's own regex, only for candidates: one shared RegexSet falls back
                // to the PikeVM on Chinese text (a Unicode `\b` in any pattern stops its lazy
                // DFA) and measured 100x slower than the literal pass. No match leaves the
                // regex group empty, and `min_window` then finds no span.
                let g = u32::MAX;
                elems.extend(
                    self.regexes[ri]
                        .find_iter(s)
                        .take(MAX_REGEX_MATCHES)
                        .map(|m| Hit {
                            group: g,
                            start_b: m.start() as u32,
                            end_b: m.end() as u32,
                        }),
                );
                n_groups += 1;
            }
            let Some((span, chars)) = min_window(&char_index, &mut elems, n_groups, &mut scratch)
            else {
                continue;
            };
            if rule.window.is_some_and(|w| chars > w) {
                continue;
            }
            if let Some(near) = rule.not_window {
                let close = |v: &Hit| {
                    let (a, b) = (v.start_b as usize, v.end_b as usize);
                    let gap = if b <= span.start {
                        char_index[span.start] - char_index[b]
                    } else if a >= span.end {
                        char_index[a] - char_index[span.end]
                    } else {
                        0
                    };
                    gap as usize <= near
                };
                if vetoed.iter().any(|v| v.group == r && close(v)) {
                    continue;
                }
            }
            findings.push(Finding {
                rule: Arc::clone(&rule.meta),
                evidence: n.original_range(span),
            });
        }
        let (level, score) = self.thresholds.level(&findings);
        Scan {
            findings,
            level,
            score,
            ..Scan::default()
        }
    }

    /// Whether rule `r` is vetoed by a `not` literal wherever it stands (rules with a
    /// `not_window` are judged against their evidence later).
    fn vetoed_anywhere(&self, r: u32, vetoed: &[Hit]) -> bool {
        let rule = &self.rules[r as usize];
        rule.has_not && rule.not_window.is_none() && vetoed.iter().any(|v| v.group == r)
    }

    /// Run every rule's inline examples; return an `R010` error for each that fails and an
    /// `R011` error for each rule without both a `match` and a `no-match` example.
    #[must_use]
    pub fn check_examples(&self) -> Vec<RuleError> {
        let mut errors = Vec::new();
        for rule in &self.rules {
            let has = |e: Expect| rule.examples.iter().any(|x| x.expect == e);
            if !has(Expect::Match) || !has(Expect::NoMatch) {
                errors.push(RuleError {
                    code: ErrorCode::MissingExample,
                    location: rule.location.clone(),
                    rule: Some(rule.meta.id.clone()),
                    message: "every rule needs at least one `match` and one `no-match` example"
                        .into(),
                });
            }
            for ex in &rule.examples {
                let matched = self
                    .scan(&ex.text)
                    .findings
                    .iter()
                    .any(|f| f.rule.id == rule.meta.id);
                let want = ex.expect == Expect::Match;
                if matched != want {
                    errors.push(RuleError {
                        code: ErrorCode::ExampleFailed,
                        location: ex.location.clone(),
                        rule: Some(rule.meta.id.clone()),
                        message: format!(
                            "example expects {} but the rule {}: {:?}",
                            if want { "a match" } else { "no match" },
                            if matched { "matched" } else { "did not match" },
                            ex.text
                        ),
                    });
                }
            }
        }
        if let Some(links) = &self.links {
            errors.extend(links.check_examples(|text| {
                self.scan(text)
                    .findings
                    .iter()
                    .map(|f| f.rule.id.clone())
                    .collect()
            }));
        }
        errors
    }
}

#[cfg(test)]
mod tests;

/// For each byte offset of `s` (and its end), the number of characters before it, not
/// counting commas: the normalizer folds clause punctuation to `,`, and a rule's `window`
/// measures the words of the message, not how it is punctuated (`转账,激活` is as close as
/// `转账激活`). Literals still cannot match across the comma.
fn char_index(s: &str) -> Vec<u32> {
    let mut out = Vec::with_capacity(s.len() + 1);
    let mut n = 0u32;
    for b in s.bytes() {
        out.push(n);
        // Count a character at each byte that starts one.
        if (b as i8) >= -0x40 && b != b',' {
            n += 1;
        }
    }
    out.push(n);
    out
}

/// Buffers [`min_window`] reuses from one candidate rule to the next.
#[derive(Default)]
struct WindowScratch {
    bounds: Vec<(usize, usize)>,
    suffix_min: Vec<u32>,
}

/// The smallest span, in characters of `s`, holding one element of each of `n_groups` groups
/// (elements carry their group id; regex matches use `u32::MAX`). Returns the byte range of the
/// span (earliest on ties) and its length in characters, or `None` when a group has no element.
///
/// For each element as the leftmost anchor, each group contributes its element starting at or
/// after the anchor with the smallest end; the best anchor gives the optimum.
fn min_window(
    char_index: &[u32],
    elems: &mut [Hit],
    n_groups: usize,
    scratch: &mut WindowScratch,
) -> Option<(Range<usize>, usize)> {
    if elems.is_empty() {
        return None;
    }
    elems.sort_unstable_by_key(|h| (h.group, h.start_b, h.end_b));
    // Group boundaries in the sorted slice, with suffix minima of ends per group.
    let WindowScratch { bounds, suffix_min } = scratch;
    bounds.clear();
    let mut i = 0;
    while i < elems.len() {
        let g = elems[i].group;
        let j = i + elems[i..].iter().take_while(|h| h.group == g).count();
        bounds.push((i, j));
        i = j;
    }
    if bounds.len() != n_groups {
        return None;
    }
    suffix_min.clear();
    suffix_min.resize(elems.len(), 0);
    for &(a, b) in bounds.iter() {
        let mut m = u32::MAX;
        for k in (a..b).rev() {
            m = m.min(elems[k].end_b);
            suffix_min[k] = m;
        }
    }
    let char_len = |a: usize, b: usize| (char_index[b] - char_index[a]) as usize;
    let mut best: Option<(usize, usize, usize)> = None; // (chars, start, end)
    for anchor in elems.iter() {
        let start = anchor.start_b;
        let mut end = 0u32;
        let mut ok = true;
        for &(a, b) in bounds.iter() {
            let k = a + elems[a..b].partition_point(|h| h.start_b < start);
            if k == b {
                ok = false;
                break;
            }
            end = end.max(suffix_min[k]);
        }
        if !ok {
            continue;
        }
        let (start, end) = (start as usize, end as usize);
        let chars = char_len(start, end);
        let better = match best {
            None => true,
            Some((c, s0, _)) => chars < c || (chars == c && start < s0),
        };
        if better {
            best = Some((chars, start, end));
        }
    }
    best.map(|(c, a, b)| (a..b, c))
}

impl Engine {
    /// A short fingerprint of the compiled rules (ids, families, stages, weights, triggers,
    /// literals and patterns): it changes whenever what the engine matches changes. Shown in
    /// `/metrics` and in the reload log.
    #[must_use]
    pub fn version(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for m in &self.metas {
            h.update(format!(
                "{}\u{1f}{}\u{1f}{:?}\u{1f}{}\u{1f}{}\u{1e}",
                m.id, m.family, m.stage, m.weight, m.trigger
            ));
        }
        for l in &self.literals {
            h.update(l.as_bytes());
            h.update([0x1e]);
        }
        for r in &self.regexes {
            h.update(r.as_str().as_bytes());
            h.update([0x1e]);
        }
        if let Some(links) = &self.links {
            h.update(links.digest());
        }
        let digest = h.finalize();
        digest[..6].iter().map(|b| format!("{b:02x}")).collect()
    }
}
