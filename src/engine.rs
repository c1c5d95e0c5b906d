//! The compiled matcher: one Aho-Corasick automaton over every rule literal, rule predicates
//! evaluated on a hit bitset, and each regex run only for rules whose literals already hit.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

pub use crate::model::{Finding, Level, RuleMeta, Scan, Stage};
use crate::model::{FoldedLiteral, fold_literal};
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
    /// The `not` list of a rule without a `not_window`, by rule index: vetoes wherever it
    /// stands.
    Veto(u32),
    /// The `not` list of a rule with a `not_window`, by rule index: vetoes near the evidence.
    NotNear(u32),
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
    /// The regex that must also match, when the rule has one.
    regex: Option<Regex>,
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

/// The literal hits of one message.
struct Hits {
    /// Hits of required groups.
    required: Vec<Hit>,
    /// Bitset of the groups with a hit.
    group_hit: Vec<u64>,
    /// Bitset of the rules a `not` literal vetoes wherever it stands.
    vetoed: Vec<u64>,
    /// Hits of the `not` literals of rules with a `not_window`; `group` is the rule index.
    near_not: Vec<Hit>,
}

impl Hits {
    /// Whether rule `r` is vetoed by a `not` literal wherever it stands (rules with a
    /// `not_window` are judged against their evidence later).
    fn vetoed_anywhere(&self, r: u32) -> bool {
        self.vetoed[r as usize / 64] & (1 << (r % 64)) != 0
    }
}

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
        let text = rules::read_file(&path);
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
                let file_start = rules::Location {
                    origin: origin.clone(),
                    line: 1,
                    col: 1,
                };
                for m in l.metas() {
                    check_locale_key(
                        &options.locales,
                        &m.explain,
                        &m.id,
                        &file_start,
                        &mut errors,
                    );
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
        let raw = parse_sources(sources, &mut errors);
        for r in &raw {
            check_locale_key(
                &options.locales,
                &r.explain,
                &r.id,
                &r.explain_location,
                &mut errors,
            );
        }
        let engine = Self::compile(raw, options.thresholds);
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

    /// The engine of validated rules: their literals in one automaton, their groups numbered
    /// consecutively per rule.
    fn compile(raw: Vec<RawRule>, thresholds: Thresholds) -> Engine {
        let mut table = LiteralTable::default();
        let mut group_rule = Vec::new();
        let mut rules_out = Vec::new();
        for r in raw {
            let ri = u32::try_from(rules_out.len()).expect("fewer than 2^32 rules");
            rules_out.push(compile_rule(r, ri, &mut table, &mut group_rule));
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&table.literals)
            .expect("literal automaton builds");
        let metas = rules_out.iter().map(|r| Arc::clone(&r.meta)).collect();
        Engine {
            rules: rules_out,
            metas,
            ac,
            targets: table.targets,
            group_rule,
            thresholds,
            literals: table.literals,
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
        crate::voice::settle(text, &mut scan, |f| self.thresholds.level(f));
        scan
    }

    /// Scan an already normalized message.
    #[must_use]
    pub fn scan_normalized(&self, n: &Normalized) -> Scan {
        let s = n.as_str();
        let mut hits = self.literal_hits(s);
        let candidates = self.candidates(&hits);
        let char_index = if candidates.is_empty() {
            Vec::new()
        } else {
            char_index(s)
        };
        self.keep_candidate_hits(&mut hits, &candidates);
        let mut elems: Vec<Hit> = Vec::new();
        let mut scratch = WindowScratch::default();
        let findings: Vec<Finding> = candidates
            .iter()
            .filter_map(|&r| {
                let span = self.evidence(r, s, &hits, &char_index, &mut elems, &mut scratch)?;
                Some(Finding {
                    rule: Arc::clone(&self.rules[r as usize].meta),
                    evidence: n.original_range(span),
                })
            })
            .collect();
        let (level, score) = self.thresholds.level(&findings);
        Scan {
            findings,
            level,
            score,
            ..Scan::default()
        }
    }

    /// The automaton pass over normalized text `s`: every hit of a required group and of a
    /// `not` list that stands at the word boundaries its literal asks for.
    fn literal_hits(&self, s: &str) -> Hits {
        let bytes = s.as_bytes();
        let mut out = Hits {
            required: Vec::new(),
            group_hit: vec![0u64; self.group_rule.len().div_ceil(64)],
            vetoed: vec![0u64; self.rules.len().div_ceil(64)],
            near_not: Vec::new(),
        };
        for m in self.ac.find_overlapping_iter(s) {
            let (start, end) = (m.start(), m.end());
            for t in &self.targets[m.pattern().as_usize()] {
                if t.bound_start && start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
                    continue;
                }
                if t.bound_end && end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
                    continue;
                }
                let hit = |group| Hit {
                    group,
                    start_b: start as u32,
                    end_b: end as u32,
                };
                match t.slot {
                    Slot::Veto(r) => out.vetoed[r as usize / 64] |= 1 << (r % 64),
                    Slot::NotNear(r) => out.near_not.push(hit(r)),
                    Slot::Group(g) => {
                        out.group_hit[g as usize / 64] |= 1 << (g % 64);
                        out.required.push(hit(g));
                    }
                }
            }
        }
        out
    }

    /// The rules that may match, in rule order: every required group hit and no `not` literal
    /// anywhere (unless the rule has a `not_window`), and every regex-only rule not vetoed.
    fn candidates(&self, hits: &Hits) -> Vec<u32> {
        let mut candidates: Vec<u32> = Vec::new();
        let mut seen_rule = vec![0u64; self.rules.len().div_ceil(64)];
        for h in &hits.required {
            let r = self.group_rule[h.group as usize];
            let (word, bit) = (r as usize / 64, 1u64 << (r % 64));
            if seen_rule[word] & bit == 0 {
                seen_rule[word] |= bit;
                let all = self.rules[r as usize]
                    .groups
                    .clone()
                    .all(|g| hits.group_hit[g as usize / 64] & (1 << (g % 64)) != 0);
                if all && !hits.vetoed_anywhere(r) {
                    candidates.push(r);
                }
            }
        }
        for (r, rule) in self.rules.iter().enumerate() {
            if rule.groups.is_empty() && !hits.vetoed_anywhere(r as u32) {
                candidates.push(r as u32);
            }
        }
        candidates.sort_unstable();
        candidates
    }

    /// Keep only the required hits of `candidates`, sorted by group: a rule's groups are
    /// consecutive ids, so each candidate's hits are then one slice, found by binary search
    /// instead of a pass over every hit. In a long message most hits are single common
    /// characters of rules that cannot match.
    fn keep_candidate_hits(&self, hits: &mut Hits, candidates: &[u32]) {
        if candidates.is_empty() {
            return;
        }
        let mut is_candidate = vec![0u64; self.rules.len().div_ceil(64)];
        for &r in candidates {
            is_candidate[r as usize / 64] |= 1 << (r % 64);
        }
        hits.required.retain(|h| {
            let r = self.group_rule[h.group as usize];
            is_candidate[r as usize / 64] & (1 << (r % 64)) != 0
        });
        hits.required
            .sort_unstable_by_key(|h| (h.group, h.start_b, h.end_b));
    }

    /// The evidence of candidate rule `r` in `s` (a byte range), or `None` when it does not
    /// match: its regex, the smallest span holding every group, its `window` and `not_window`.
    fn evidence(
        &self,
        r: u32,
        s: &str,
        hits: &Hits,
        char_index: &[u32],
        elems: &mut Vec<Hit>,
        scratch: &mut WindowScratch,
    ) -> Option<Range<usize>> {
        let rule = &self.rules[r as usize];
        let required = &hits.required;
        elems.clear();
        let lo = required.partition_point(|h| h.group < rule.groups.start);
        let hi = lo + required[lo..].partition_point(|h| h.group < rule.groups.end);
        elems.extend_from_slice(&required[lo..hi]);
        let mut n_groups = rule.groups.len();
        if let Some(re) = &rule.regex {
            // Each candidate's own regex, only for candidates: one shared RegexSet falls back
            // to the PikeVM on Chinese text (a Unicode `\b` in any pattern stops its lazy
            // DFA) and measured 100x slower than the literal pass. No match leaves the
            // regex group empty, and `min_window` then finds no span.
            elems.extend(re.find_iter(s).take(MAX_REGEX_MATCHES).map(|m| Hit {
                group: u32::MAX,
                start_b: m.start() as u32,
                end_b: m.end() as u32,
            }));
            n_groups += 1;
        }
        let (span, chars) = min_window(char_index, elems, n_groups, scratch)?;
        if rule.window.is_some_and(|w| chars > w) {
            return None;
        }
        if let Some(near) = rule.not_window
            && vetoed_near(char_index, &hits.near_not, r, &span, near)
        {
            return None;
        }
        Some(span)
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

/// Every rule of every source that parsed without error; every problem, duplicate ids across
/// sources included, is pushed to `errors`.
fn parse_sources(sources: &[Source], errors: &mut Vec<RuleError>) -> Vec<RawRule> {
    let mut raw = Vec::new();
    let mut ids = Vec::new();
    for source in sources {
        raw.extend(rules::parse_source(source, errors, &mut ids));
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
    raw
}

/// An R006 error at `location` when locale key `key` of rule `rule` is missing from any of
/// `locales`, naming them.
fn check_locale_key(
    locales: &[(String, HashSet<String>)],
    key: &str,
    rule: &str,
    location: &rules::Location,
    errors: &mut Vec<RuleError>,
) {
    let missing: Vec<&str> = locales
        .iter()
        .filter(|(_, keys)| !keys.contains(key))
        .map(|(name, _)| name.as_str())
        .collect();
    if !missing.is_empty() {
        errors.push(RuleError {
            code: ErrorCode::UnknownLocaleKey,
            location: location.clone(),
            rule: Some(rule.to_owned()),
            message: format!("locale key `{key}` is missing from: {}", missing.join(", ")),
        });
    }
}

/// The automaton's literals, each once, with where each one's hits count.
#[derive(Default)]
struct LiteralTable {
    /// Literal text -> index in `literals`.
    index: HashMap<String, usize>,
    literals: Vec<String>,
    targets: Vec<Vec<Target>>,
}

impl LiteralTable {
    /// Fold rule literal `text` and count its hits towards `slot`.
    fn add(&mut self, text: &str, slot: Slot) {
        let FoldedLiteral {
            body,
            bound_start,
            bound_end,
        } = fold_literal(text);
        let idx = *self.index.entry(body.clone()).or_insert_with(|| {
            self.literals.push(body);
            self.targets.push(Vec::new());
            self.literals.len() - 1
        });
        self.targets[idx].push(Target {
            slot,
            bound_start,
            bound_end,
        });
    }
}

/// Rule `r`, number `ri`: its required groups (`any` first, then each `all` group) appended
/// to `group_rule`, its literals and `not` literals to `table`.
fn compile_rule(
    r: RawRule,
    ri: u32,
    table: &mut LiteralTable,
    group_rule: &mut Vec<u32>,
) -> CompiledRule {
    let group_id =
        |group_rule: &Vec<u32>| u32::try_from(group_rule.len()).expect("fewer than 2^32 groups");
    let first_group = group_id(group_rule);
    let any = (!r.any.is_empty()).then_some(&r.any);
    for group in any.into_iter().chain(r.all.iter()) {
        let g = group_id(group_rule);
        group_rule.push(ri);
        for lit in group {
            table.add(&lit.text, Slot::Group(g));
        }
    }
    let groups = first_group..group_id(group_rule);
    let not_slot = if r.not_window.is_some() {
        Slot::NotNear(ri)
    } else {
        Slot::Veto(ri)
    };
    for lit in &r.not {
        table.add(&lit.text, not_slot);
    }
    CompiledRule {
        meta: Arc::new(RuleMeta {
            id: r.id,
            family: r.family,
            stage: r.stage,
            weight: r.weight,
            trigger: r.trigger,
            explain: r.explain,
        }),
        groups,
        regex: r.regex,
        window: r.window,
        not_window: r.not_window,
        langs: r.langs,
        examples: r.examples,
        location: r.location,
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

/// Whether a `not` hit of rule `r` stands within `near` characters of `span` (0: touching or
/// overlapping it).
fn vetoed_near(
    char_index: &[u32],
    vetoed: &[Hit],
    r: u32,
    span: &Range<usize>,
    near: usize,
) -> bool {
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
    vetoed.iter().any(|v| v.group == r && close(v))
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
        for r in self.rules.iter().filter_map(|r| r.regex.as_ref()) {
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
