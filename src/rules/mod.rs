//! Rule files: the raw model read from `rules/*.toml`, with positions, and its validation.
//!
//! The loader never stops at the first problem: it collects every error of every file, each
//! with a code, a file, a line and a column, so one `scamguard rules lint` run shows them all.
//! The schema and the error codes are documented in `rules/README.md`.

mod load;

use std::fmt;
use std::ops::Range;
use std::path::Path;

use regex::Regex;

pub use load::parse_source;

use crate::model::{LineIndex, Stage};

/// Languages a rule may declare.
pub const LANGS: [&str; 2] = ["zh", "en"];

/// Largest compiled size of one rule regex, in bytes.
pub const REGEX_SIZE_LIMIT: usize = 256 * 1024;

/// Largest rule or link data file accepted, in bytes (the largest shipped file is under
/// 80 KiB). A larger file is refused with an `R000` error before it is read or parsed, so a
/// runaway file (a generated list, a log written to the wrong path) costs neither the time
/// nor the memory of parsing it.
pub const MAX_RULE_FILE_BYTES: usize = 1024 * 1024;

/// The error of `text` when it is over [`MAX_RULE_FILE_BYTES`]: `R000` at the line and column
/// where the limit is crossed, counted over the first [`MAX_RULE_FILE_BYTES`] only.
pub(crate) fn too_large(origin: &str, text: &str) -> Option<RuleError> {
    if text.len() <= MAX_RULE_FILE_BYTES {
        return None;
    }
    let mut end = MAX_RULE_FILE_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let line_start = head.rfind('\n').map_or(0, |i| i + 1);
    Some(RuleError {
        code: ErrorCode::Syntax,
        location: Location {
            origin: origin.to_owned(),
            line: head.bytes().filter(|&b| b == b'\n').count() + 1,
            col: head[line_start..].chars().count() + 1,
        },
        rule: None,
        message: too_large_message(text.len() as u64),
    })
}

/// The message of a file of `len` bytes over [`MAX_RULE_FILE_BYTES`].
fn too_large_message(len: u64) -> String {
    format!("file is {len} bytes, over the limit of {MAX_RULE_FILE_BYTES} bytes for one rule file")
}

/// The text of the rule or link data file `path`, or the `R000` error (at 1:1) of a file that
/// cannot be read, is not UTF-8, or is over [`MAX_RULE_FILE_BYTES`] (refused before it is
/// read).
pub(crate) fn read_file(path: &Path) -> Result<String, RuleError> {
    let fail = |message: String| RuleError {
        code: ErrorCode::Syntax,
        location: Location {
            origin: path.display().to_string(),
            line: 1,
            col: 1,
        },
        rule: None,
        message,
    };
    if let Ok(meta) = std::fs::metadata(path)
        && meta.len() > MAX_RULE_FILE_BYTES as u64
    {
        return Err(fail(too_large_message(meta.len())));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| fail(format!("not UTF-8: {e}")))
}

/// One rule file's text and where it came from (a path, or a name in tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Shown in errors, e.g. `rules/refund.toml`.
    pub origin: String,
    /// The TOML text.
    pub text: String,
}

impl Source {
    /// A source from an origin name and its text.
    #[must_use]
    pub fn new(origin: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            origin: origin.into(),
            text: text.into(),
        }
    }
}

/// A position in a rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, as given in [`Source::origin`].
    pub origin: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
}

impl Location {
    /// The location of byte `offset` in `text`.
    #[must_use]
    pub fn at(origin: &str, text: &str, offset: usize) -> Self {
        Locator::new(text).location(origin, text, offset)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.origin, self.line, self.col)
    }
}

/// The kind of a rule error. Each has a stable code, documented in `rules/README.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// R000: the file is not valid TOML, or cannot be read.
    Syntax,
    /// R001: two rules share an id.
    DuplicateId,
    /// R002: `stage` is not one of pretext, hook, channel, control, extract.
    UnknownStage,
    /// R003: `regex` does not compile.
    BadRegex,
    /// R004: `regex` compiles to more than [`REGEX_SIZE_LIMIT`] bytes.
    RegexTooLarge,
    /// R005: a pattern, group or rule has nothing to match (also: a literal that normalizes to
    /// nothing).
    EmptyPattern,
    /// R006: `explain` names a key missing from a locale.
    UnknownLocaleKey,
    /// R007: a field the schema does not know (usually a typo).
    UnknownField,
    /// R008: a required field is missing.
    MissingField,
    /// R009: a field has the wrong type or a value out of range.
    BadValue,
    /// R010: an inline example does not give the result it expects.
    ExampleFailed,
    /// R011: a rule lacks a `match` or a `no-match` example.
    MissingExample,
    /// R012: a rule of weight >= 30 (or a trigger) that an unspecific literal can satisfy,
    /// with no regex or tight window to pin its sense (lint only).
    Unspecific,
}

impl ErrorCode {
    /// The stable code, e.g. `R003`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            ErrorCode::Syntax => "R000",
            ErrorCode::DuplicateId => "R001",
            ErrorCode::UnknownStage => "R002",
            ErrorCode::BadRegex => "R003",
            ErrorCode::RegexTooLarge => "R004",
            ErrorCode::EmptyPattern => "R005",
            ErrorCode::UnknownLocaleKey => "R006",
            ErrorCode::UnknownField => "R007",
            ErrorCode::MissingField => "R008",
            ErrorCode::BadValue => "R009",
            ErrorCode::ExampleFailed => "R010",
            ErrorCode::MissingExample => "R011",
            ErrorCode::Unspecific => "R012",
        }
    }
}

/// One problem in a rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// What kind of problem.
    pub code: ErrorCode,
    /// Where.
    pub location: Location,
    /// The rule it belongs to, when known.
    pub rule: Option<String>,
    /// What is wrong, for a person.
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: error[{}]: ", self.location, self.code.code())?;
        if let Some(id) = &self.rule {
            write!(f, "rule `{id}`: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Every error found while loading a rule set. Never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadErrors(pub Vec<RuleError>);

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadErrors {}

/// What an example expects of its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The rule must match the text.
    Match,
    /// The rule must not match the text.
    NoMatch,
}

/// An inline example of a rule, run as a test by `rules lint` and the test suite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The message.
    pub text: String,
    /// What the rule must do with it.
    pub expect: Expect,
    /// Where the example is written.
    pub location: Location,
}

/// A literal as written, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Literal {
    /// The literal as written in the rule file (normalized when compiled).
    pub text: String,
    /// Where it is written.
    pub location: Location,
}

/// A rule as read from a file: validated fields, its regex compiled, its literals as written.
#[derive(Debug, Clone)]
pub struct RawRule {
    /// Unique id.
    pub id: String,
    /// Scam family.
    pub family: String,
    /// Stage of the scam chain.
    pub stage: Stage,
    /// Score contribution, 0..=100.
    pub weight: u32,
    /// A hard trigger.
    pub trigger: bool,
    /// Languages the rule is written for.
    pub langs: Vec<String>,
    /// Locale key of the explanation.
    pub explain: String,
    /// `any`: one group, at least one literal must occur (empty: no such group).
    pub any: Vec<Literal>,
    /// `all`: every group must have one of its literals.
    pub all: Vec<Vec<Literal>>,
    /// `not`: any of these literals anywhere in the message vetoes the rule.
    pub not: Vec<Literal>,
    /// Optional regex that must also match, over the normalized text; compiled (within
    /// [`REGEX_SIZE_LIMIT`]) by the loader, once.
    pub regex: Option<Regex>,
    /// Optional proximity window, in characters of normalized text, that must hold every
    /// required hit.
    pub window: Option<usize>,
    /// With a `not` list: a `not` literal vetoes only within this many characters of the
    /// rule's evidence (0: touching or overlapping it); absent, anywhere in the message.
    pub not_window: Option<usize>,
    /// Inline examples.
    pub examples: Vec<Example>,
    /// Where the rule starts (its `id`).
    pub location: Location,
    /// Where `explain` is written, for locale-key errors.
    pub explain_location: Location,
}

/// Read every `*.toml` file of `dir`, sorted by name, as sources.
///
/// # Errors
/// A directory that cannot be read, a file that cannot be read, is not UTF-8 or is over
/// [`MAX_RULE_FILE_BYTES`] ([`read_file`]): each is an `R000` error naming the path; every
/// readable file is still read so all errors show at once.
pub fn read_dir(dir: &Path) -> Result<Vec<Source>, LoadErrors> {
    let at = |origin: String, message: String| RuleError {
        code: ErrorCode::Syntax,
        location: Location {
            origin,
            line: 1,
            col: 1,
        },
        rule: None,
        message,
    };
    let entries = std::fs::read_dir(dir).map_err(|e| {
        LoadErrors(vec![at(
            dir.display().to_string(),
            format!("cannot read rules directory: {e}"),
        )])
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    paths.sort();
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        match read_file(&p) {
            Ok(text) => sources.push(Source {
                origin: p.display().to_string(),
                text,
            }),
            Err(e) => errors.push(e),
        }
    }
    if sources.is_empty() && errors.is_empty() {
        errors.push(at(
            dir.display().to_string(),
            "no *.toml rule files in this directory".into(),
        ));
    }
    if errors.is_empty() {
        Ok(sources)
    } else {
        Err(LoadErrors(errors))
    }
}

/// Locations in one text, from its [`LineIndex`].
#[derive(Debug, Clone)]
pub(crate) struct Locator {
    lines: LineIndex,
}

impl Locator {
    pub(crate) fn new(text: &str) -> Self {
        Locator {
            lines: LineIndex::new(text),
        }
    }

    /// The location of byte `offset` (moved back to a character boundary, capped at the end)
    /// in `text`, the text this locator was built from.
    pub(crate) fn location(&self, origin: &str, text: &str, offset: usize) -> Location {
        let (line, col) = self.lines.line_col(text, offset);
        Location {
            origin: origin.to_owned(),
            line,
            col,
        }
    }

    /// The location of a span's start in `source` (the file start without a span).
    pub(crate) fn span_location(&self, source: &Source, span: Option<Range<usize>>) -> Location {
        self.location(&source.origin, &source.text, span.map_or(0, |s| s.start))
    }
}

#[cfg(test)]
mod line_index_tests {
    use super::Location;

    #[test]
    fn locations_count_lines_and_characters() {
        let text = "a = 1\n\n[[rule]]\nid = \"微信.x\"\r\nany = [\"屏幕\"]\n";
        let at = |offset| {
            let l = Location::at("f.toml", text, offset);
            (l.line, l.col)
        };
        assert_eq!(at(0), (1, 1));
        assert_eq!(at(4), (1, 5));
        assert_eq!(at(6), (2, 1));
        assert_eq!(at(7), (3, 1));
        let wei = text.find('微').unwrap();
        assert_eq!(at(wei), (4, 7));
        // Inside a multi-byte character: the character's own column.
        assert_eq!(at(wei + 1), (4, 7));
        assert_eq!(at(wei + 3), (4, 8));
        let any = text.find("any").unwrap();
        assert_eq!(at(any), (5, 1));
        assert_eq!(at(text.len()), (6, 1));
        assert_eq!(at(text.len() + 5), (6, 1));
        assert_eq!(Location::at("f.toml", text, 0).origin, "f.toml");
    }
}
