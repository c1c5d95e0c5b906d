//! Character classes and folding data behind [`normalize`](super::normalize): Unicode classes
//! (from `regex-syntax`'s tables), the Traditional -> Simplified table (from `fast2s`) and the
//! embedded data file `variants.toml`.

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Input, Match, MatchKind};
use regex_syntax::hir::{self, HirKind};
use serde::Deserialize;

use super::fold;

/// The embedded data file.
pub(super) const VARIANTS_TOML: &str = include_str!("variants.toml");

/// The tables used by `normalize`, built on first use.
pub(super) static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    Tables::build(VARIANTS_TOML).unwrap_or_else(|err| {
        tracing::error!("scamguard::text::tables: {err}; folding without variants.toml");
        Tables::chars_only()
    })
});

/// First and one-past-last code point of the Traditional -> Simplified table. Every key of
/// fast2s 0.3's table lies in U+4E1F..=U+9F9C.
const T2S_LO: u32 = 0x4E00;
const T2S_HI: u32 = 0xA000;
/// Range covered by the numeral lookup table.
const NUM_LO: u32 = 0x3000;
const NUM_HI: u32 = 0xA000;

/// Invisible characters removed besides general category Cf and the control characters:
/// variation selectors, combining grapheme joiner, Mongolian free variation selectors, Khmer
/// inherent vowels and the Hangul fillers, all of which render as nothing.
const EXTRA_REMOVED: &str = r"\x{034F}\x{115F}\x{1160}\x{17B4}\x{17B5}\x{180B}-\x{180F}\x{3164}\x{FE00}-\x{FE0F}\x{FFA0}\x{E0100}-\x{E01EF}";

/// What a character is for the context rules (separator collapse, words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    /// Whitespace; folded to a single ASCII space.
    Space,
    /// A Han character (script Han).
    Han,
    /// Punctuation or symbol (general categories P and S, which include emoji).
    Sep,
    /// A combining mark: part of a word after a letter, a separator elsewhere.
    Mark,
    /// A letter or digit of any script but Han.
    Word,
    /// Anything else (unassigned, private use).
    Other,
}

/// Which neighbours a variant needs to match (see `variants.toml`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Boundary {
    /// A letter edge must not touch another letter.
    #[default]
    Word,
    /// Match anywhere.
    Any,
}

/// A problem with the data file.
#[derive(Debug, thiserror::Error)]
pub(super) enum DataError {
    /// The file is not TOML of the expected shape.
    #[error("variants.toml: {0}")]
    Parse(#[from] toml::de::Error),
    /// Entries break the rules documented at the top of the file; every problem is listed.
    #[error("variants.toml: {}", .0.join("; "))]
    Invalid(Vec<String>),
    /// The variant automaton could not be built.
    #[error("variants.toml: cannot build the variant matcher: {0}")]
    Automaton(#[from] aho_corasick::BuildError),
}

/// Sorted, disjoint, inclusive code point ranges.
#[derive(Debug, Default)]
pub(super) struct RangeSet(Vec<(u32, u32)>);

impl RangeSet {
    /// The ranges of a `regex-syntax` character class such as `[\p{P}\p{S}]`.
    fn from_class(class: &str) -> Self {
        let ranges = match regex_syntax::parse(class).map(|hir| hir.into_kind()) {
            Ok(HirKind::Class(hir::Class::Unicode(cls))) => cls
                .ranges()
                .iter()
                .map(|r| (u32::from(r.start()), u32::from(r.end())))
                .collect(),
            other => {
                tracing::error!("scamguard::text::tables: bad class {class}: {other:?}");
                Vec::new()
            }
        };
        Self(ranges)
    }

    pub(super) fn contains(&self, c: char) -> bool {
        let c = u32::from(c);
        let i = self.0.partition_point(|&(_, hi)| hi < c);
        self.0.get(i).is_some_and(|&(lo, _)| lo <= c)
    }
}

/// A compiled `[[variant]]` entry.
#[derive(Debug)]
pub(super) struct Replacement {
    /// Canonical text.
    pub(super) to: Box<str>,
    pub(super) boundary: Boundary,
    /// `to` has as many chars as the (folded) `from`, so chars map one to one.
    pub(super) charwise: bool,
}

/// The `[[variant]]` automaton and its replacements, indexed by pattern id.
#[derive(Debug)]
pub(super) struct Variants {
    ac: AhoCorasick,
    pub(super) reps: Vec<Replacement>,
}

impl Variants {
    /// The leftmost-longest match starting at or after `from` whose boundary holds.
    pub(super) fn find(&self, t: &Tables, text: &str, mut from: usize) -> Option<Match> {
        while from <= text.len() {
            let m = self.ac.find(Input::new(text).span(from..text.len()))?;
            if self.boundary_ok(t, text, &m) {
                return Some(m);
            }
            from = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
        }
        None
    }

    fn boundary_ok(&self, t: &Tables, text: &str, m: &Match) -> bool {
        let Some(rep) = self.reps.get(m.pattern().as_usize()) else {
            return false;
        };
        if rep.boundary == Boundary::Any {
            return true;
        }
        let matched = &text[m.range()];
        let is_letter = |c: char| c.is_alphabetic() && !t.is_han(c);
        let first = matched.chars().next();
        let last = matched.chars().next_back();
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        !(first.is_some_and(is_letter) && before.is_some_and(is_letter)
            || last.is_some_and(is_letter) && after.is_some_and(is_letter))
    }
}

/// Everything `normalize` looks up.
#[derive(Debug)]
pub(super) struct Tables {
    han: RangeSet,
    sep: RangeSet,
    removed: RangeSet,
    /// `c - T2S_LO` -> simplified code point, 0 when unchanged.
    t2s: Box<[u16]>,
    /// `c - NUM_LO` -> ASCII digit, 0 when not a numeral.
    numerals: Box<[u8]>,
    pub(super) min_run: usize,
    /// `[chars]`, sorted by key.
    chars: Vec<(char, Box<str>)>,
    /// `[homoglyphs]`, sorted by key.
    homoglyphs: Vec<(char, char)>,
    pub(super) variants: Option<Variants>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawData {
    #[serde(default)]
    pub(super) chars: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) homoglyphs: BTreeMap<String, String>,
    pub(super) numerals: RawNumerals,
    #[serde(default)]
    pub(super) variant: Vec<RawVariant>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNumerals {
    pub(super) min_run: usize,
    pub(super) digits: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawVariant {
    pub(super) to: String,
    pub(super) from: Vec<String>,
    #[serde(default)]
    pub(super) boundary: Boundary,
    #[serde(default)]
    #[allow(dead_code, reason = "documentation for humans")]
    pub(super) note: Option<String>,
}

fn single_char(s: &str) -> Option<char> {
    let mut it = s.chars();
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

impl Tables {
    /// Unicode classes and Traditional -> Simplified only; no data file.
    pub(super) fn chars_only() -> Self {
        Self {
            han: RangeSet::from_class(r"\p{sc=Han}"),
            sep: RangeSet::from_class(r"[\p{P}\p{S}]"),
            removed: RangeSet::from_class(&format!(r"[\p{{Cf}}{EXTRA_REMOVED}]")),
            t2s: build_t2s(),
            numerals: vec![0; (NUM_HI - NUM_LO) as usize].into_boxed_slice(),
            min_run: usize::MAX,
            chars: Vec::new(),
            homoglyphs: Vec::new(),
            variants: None,
        }
    }

    /// All tables, with the data file `src` (the text of a `variants.toml`).
    pub(super) fn build(src: &str) -> Result<Self, DataError> {
        let raw: RawData = toml::from_str(src)?;
        let mut t = Self::chars_only();
        let mut errors = Vec::new();

        for (k, v) in &raw.chars {
            match single_char(k) {
                Some(c) if !c.is_ascii() && !t.is_han(c) && !v.is_empty() => {
                    t.chars.push((c, v.as_str().into()));
                }
                _ => errors.push(format!(
                    "[chars] {k:?} = {v:?}: the key must be one non-ASCII, non-Han character \
                     and the value non-empty"
                )),
            }
        }
        t.chars.sort_unstable_by_key(|&(c, _)| c);

        for (k, v) in &raw.homoglyphs {
            match (single_char(k), single_char(v)) {
                (Some(c), Some(l))
                    if !c.is_ascii() && c.is_alphabetic() && l.is_ascii_lowercase() =>
                {
                    t.homoglyphs.push((c, l));
                }
                _ => errors.push(format!(
                    "[homoglyphs] {k:?} = {v:?}: the key must be one non-ASCII letter and the \
                     value one ASCII lowercase letter"
                )),
            }
        }
        t.homoglyphs.sort_unstable_by_key(|&(c, _)| c);

        if raw.numerals.min_run < 2 {
            errors.push("[numerals] min_run must be at least 2".to_owned());
        }
        t.min_run = raw.numerals.min_run;
        for (k, v) in &raw.numerals.digits {
            match (single_char(k), single_char(v)) {
                (Some(c), Some(d))
                    if t.is_han(c)
                        && (NUM_LO..NUM_HI).contains(&u32::from(c))
                        && d.is_ascii_digit() =>
                {
                    t.numerals[(u32::from(c) - NUM_LO) as usize] = d as u8;
                }
                _ => errors.push(format!(
                    "[numerals.digits] {k:?} = {v:?}: the key must be one Han character in \
                     U+3000..U+9FFF and the value one ASCII digit"
                )),
            }
        }

        // `from` strings are folded with the character-level and context steps, so the data
        // may be written in Traditional, upper case or full width.
        let mut patterns = Vec::new();
        let mut reps = Vec::new();
        let mut seen = HashSet::new();
        for v in &raw.variant {
            if v.to.is_empty() || v.from.is_empty() {
                errors.push(format!("[[variant]] to = {:?}: empty `to` or `from`", v.to));
                continue;
            }
            for f in &v.from {
                let folded = fold::pass1(&t, f).text;
                let edge_numeral = |c: Option<char>| c.is_some_and(|c| t.is_numeralish(c));
                if folded.is_empty() || folded == v.to {
                    errors.push(format!(
                        "[[variant]] to = {:?}: from {f:?} is empty or equal to `to` once folded",
                        v.to
                    ));
                } else if edge_numeral(folded.chars().next())
                    || edge_numeral(folded.chars().next_back())
                {
                    errors.push(format!(
                        "[[variant]] to = {:?}: from {f:?} starts or ends with a digit or numeral",
                        v.to
                    ));
                } else if !seen.insert(folded.clone()) {
                    errors.push(format!(
                        "[[variant]] to = {:?}: from {f:?} ({folded:?} once folded) appears twice",
                        v.to
                    ));
                } else {
                    reps.push(Replacement {
                        to: v.to.as_str().into(),
                        boundary: v.boundary,
                        charwise: folded.chars().count() == v.to.chars().count(),
                    });
                    patterns.push(folded);
                }
            }
        }
        if !errors.is_empty() {
            return Err(DataError::Invalid(errors));
        }
        if !patterns.is_empty() {
            let ac = AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)?;
            t.variants = Some(Variants { ac, reps });
        }
        Ok(t)
    }

    /// Han script (`Script=Han`), with a fast path for the common ideograph blocks.
    #[inline]
    pub(super) fn is_han(&self, c: char) -> bool {
        is_han_fast(c) || (u32::from(c) >= 0x2E80 && self.han.contains(c))
    }

    /// Invisible characters dropped before anything else: controls (but whitespace), general
    /// category Cf and [`EXTRA_REMOVED`].
    #[inline]
    pub(super) fn is_removed(&self, c: char) -> bool {
        if c.is_ascii() {
            return c.is_ascii_control() && !c.is_ascii_whitespace();
        }
        if is_han_fast(c) {
            return false;
        }
        (c.is_control() && !c.is_whitespace()) || self.removed.contains(c)
    }

    /// The class of a folded character.
    #[inline]
    pub(super) fn class(&self, c: char) -> Class {
        if c.is_ascii() {
            return if c.is_ascii_alphanumeric() {
                Class::Word
            } else if c.is_ascii_whitespace() {
                Class::Space
            } else if c.is_ascii_punctuation() {
                Class::Sep
            } else {
                Class::Other
            };
        }
        if is_han_fast(c) {
            Class::Han
        } else if c.is_whitespace() {
            Class::Space
        } else if self.is_han(c) {
            Class::Han
        } else if unicode_normalization::char::is_combining_mark(c) {
            Class::Mark
        } else if self.sep.contains(c) {
            Class::Sep
        } else if c.is_alphanumeric() {
            Class::Word
        } else {
            Class::Other
        }
    }

    /// Traditional -> Simplified, character by character.
    #[inline]
    pub(super) fn t2s(&self, c: char) -> char {
        let cp = u32::from(c);
        if !(T2S_LO..T2S_HI).contains(&cp) {
            return c;
        }
        match self.t2s.get((cp - T2S_LO) as usize) {
            Some(&s) if s != 0 => char::from_u32(u32::from(s)).unwrap_or(c),
            _ => c,
        }
    }

    /// The ASCII digit a Han numeral stands for.
    #[inline]
    pub(super) fn numeral(&self, c: char) -> Option<u8> {
        let cp = u32::from(c);
        if !(NUM_LO..NUM_HI).contains(&cp) {
            return None;
        }
        self.numerals
            .get((cp - NUM_LO) as usize)
            .copied()
            .filter(|&d| d != 0)
    }

    /// An ASCII digit or a Han numeral.
    #[inline]
    pub(super) fn is_numeralish(&self, c: char) -> bool {
        c.is_ascii_digit() || self.numeral(c).is_some()
    }

    /// The `[chars]` fold of `c`.
    #[inline]
    pub(super) fn char_fold(&self, c: char) -> Option<&str> {
        if self.chars.is_empty() {
            return None;
        }
        self.chars
            .binary_search_by_key(&c, |&(k, _)| k)
            .ok()
            .map(|i| &*self.chars[i].1)
    }

    /// The Latin letter a Cyrillic or Greek look-alike stands for.
    #[inline]
    pub(super) fn homoglyph(&self, c: char) -> Option<char> {
        if c.is_ascii() {
            return None;
        }
        self.homoglyphs
            .binary_search_by_key(&c, |&(k, _)| k)
            .ok()
            .map(|i| self.homoglyphs[i].1)
    }
}

/// CJK Unified Ideographs and Extension A: Han, and unchanged by NFKC.
#[inline]
pub(super) fn is_han_fast(c: char) -> bool {
    matches!(u32::from(c), 0x4E00..=0x9FFF | 0x3400..=0x4DBF)
}

/// The Traditional -> Simplified table: every character of `T2S_LO..T2S_HI` converted by
/// fast2s on its own (between spaces, so none of fast2s's two-character exceptions applies).
fn build_t2s() -> Box<[u16]> {
    let mut table = vec![0u16; (T2S_HI - T2S_LO) as usize];
    let mut src = String::with_capacity(table.len() * 4);
    for cp in T2S_LO..T2S_HI {
        if let Some(c) = char::from_u32(cp) {
            src.push(c);
            src.push(' ');
        }
    }
    let converted = fast2s::convert(&src);
    if converted.chars().count() != src.chars().count() {
        tracing::error!("scamguard::text::tables: fast2s changed the character count");
        return table.into_boxed_slice();
    }
    for (from, to) in src.chars().zip(converted.chars()) {
        let (f, t) = (u32::from(from), u32::from(to));
        if f != t
            && (T2S_LO..T2S_HI).contains(&f)
            && let Ok(t) = u16::try_from(t)
        {
            table[(f - T2S_LO) as usize] = t;
        }
    }
    table.into_boxed_slice()
}
