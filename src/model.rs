//! The shared vocabulary of rules and engine: stages, levels, what a rule is, what a scan found,
//! how a rule literal is folded, and line/column positions in a text. `rules` and `engine` both
//! build on it; it builds only on `text`.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::text::normalize;

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

/// A rule literal as the automaton sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoldedLiteral {
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
pub fn fold_literal(text: &str) -> FoldedLiteral {
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

/// Byte offsets where the lines of a text start: line and column of an offset in O(log lines)
/// instead of a scan from the start of the text for each one (which made loading quadratic in
/// file size).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// The index of `text`.
    #[must_use]
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of byte `offset` (moved back to a character
    /// boundary, capped at the end) in `text`, the text this index was built from.
    #[must_use]
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let line_start = self.starts[line - 1];
        (line, text[line_start..offset].chars().count() + 1)
    }
}
