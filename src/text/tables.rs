//! Character classes and folding data behind [`normalize`](super::normalize): Unicode classes
//! (from `regex-syntax`'s tables), the Traditional -> Simplified table (from `fast2s`) and the
//! embedded data file `variants.toml`.

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, Match, MatchKind};
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
#[repr(u8)]
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

impl Class {
    const ALL: [Self; 6] = [
        Self::Space,
        Self::Han,
        Self::Sep,
        Self::Mark,
        Self::Word,
        Self::Other,
    ];
}

/// Bits of [`Tables::flags`]; the low three bits are the [`Class`].
pub(super) mod flag {
    pub(in super::super) const CLASS: u8 = 0b111;
    /// Dropped before anything else.
    pub(in super::super) const REMOVED: u8 = 1 << 3;
    /// Continues the cluster of the previous character.
    pub(in super::super) const EXTENDER: u8 = 1 << 4;
    /// NFKC, lowercase, Traditional -> Simplified and `[chars]` leave it unchanged.
    pub(in super::super) const PLAIN: u8 = 1 << 5;
    /// A `[numerals]` key, a unit (`十百千万亿`, `拾佰仟`) or `两`: a number may be here.
    pub(in super::super) const NUMERAL: u8 = 1 << 6;
    /// A `[homoglyphs]` key.
    pub(in super::super) const HOMOGLYPH: u8 = 1 << 7;
}

/// Bits of [`Tables::han_info`].
pub(super) mod han {
    /// Traditional -> Simplified changes the character.
    pub(in super::super) const T2S: u8 = 1;
    /// Once converted, a `[numerals]` key, a unit or `两` ([`flag::NUMERAL`](super::flag)).
    pub(in super::super) const NUMERAL: u8 = 1 << 1;
    /// Once converted, the first character of a `[[variant]]` pattern.
    pub(in super::super) const TRIGGER: u8 = 1 << 2;
}

/// First and one-past-last code point of [`Tables::han_info`] (the fast Han blocks).
const HAN_LO: u32 = 0x3400;
const HAN_HI: u32 = 0xA000;

/// First code point whose flags are computed on each lookup instead of cached (the cache
/// covers the Basic Multilingual Plane).
const FLAGS_CACHED: u32 = 0x1_0000;

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
    /// Length in bytes of the longest pattern.
    pub(super) max_len: usize,
    /// First characters of the patterns that are in the fast Han blocks.
    han_firsts: Vec<char>,
    /// First characters of the patterns that are ASCII, as a bit set.
    ascii_firsts: u128,
    /// A pattern starts with another character: every text must be searched.
    scan_always: bool,
}

impl Variants {
    /// The leftmost-longest match starting at or after `from` whose boundary holds.
    pub(super) fn find(&self, t: &Tables, text: &str, from: usize) -> Option<Match> {
        self.find_within(t, text, from, text.len())
    }

    /// [`Self::find`] for matches inside `from..end`.
    pub(super) fn find_within(
        &self,
        t: &Tables,
        text: &str,
        mut from: usize,
        end: usize,
    ) -> Option<Match> {
        while from <= end {
            let m = self.ac.find(Input::new(text).span(from..end))?;
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
    /// Block index (`cp >> 8`) into `flag_blocks`, for code points below `FLAGS_CACHED`.
    flag_index: Box<[u16]>,
    /// Deduplicated blocks of 256 flag bytes.
    flag_blocks: Vec<[u8; 256]>,
    /// `cp - HAN_LO` -> [`han`] bits, for the fast Han blocks.
    han_info: Box<[u8]>,
    /// Block index into `single_blocks`, for the Basic Multilingual Plane.
    single_index: Box<[u16]>,
    /// Blocks of 256 single-character folds (0: none); block 0 is empty.
    single_blocks: Vec<[u32; 256]>,
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
        let mut t = Self::uncached();
        t.cache_flags();
        t
    }

    /// [`Self::chars_only`] before its lookup caches are filled.
    fn uncached() -> Self {
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
            flag_index: Box::new([]),
            flag_blocks: Vec::new(),
            single_index: Box::new([]),
            single_blocks: Vec::new(),
            han_info: Box::new([]),
        }
    }

    /// Fill the flag cache from [`Self::compute_flags`].
    fn cache_flags(&mut self) {
        let mut index = Vec::with_capacity((FLAGS_CACHED >> 8) as usize);
        let mut blocks: Vec<[u8; 256]> = Vec::new();
        let mut seen = std::collections::HashMap::new();
        for block in 0..FLAGS_CACHED >> 8 {
            let mut flags = [0u8; 256];
            for (low, f) in (0u32..).zip(flags.iter_mut()) {
                if let Some(c) = char::from_u32(block << 8 | low) {
                    *f = self.compute_flags(c);
                }
            }
            let id = *seen.entry(flags).or_insert_with(|| {
                blocks.push(flags);
                u16::try_from(blocks.len() - 1).unwrap_or(u16::MAX)
            });
            index.push(id);
        }
        self.flag_index = index.into_boxed_slice();
        self.flag_blocks = blocks;

        // Characters of the Basic Multilingual Plane (but the fast Han blocks, which have the
        // Traditional -> Simplified table) that fold, alone, to one other character.
        let mut index = Vec::with_capacity(0x100);
        let mut blocks: Vec<[u32; 256]> = vec![[0; 256]];
        let mut folded = String::new();
        for block in 0u32..0x100 {
            let mut targets = [0u32; 256];
            for (low, target) in (0u32..).zip(targets.iter_mut()) {
                let Some(c) = char::from_u32(block << 8 | low) else {
                    continue;
                };
                if is_han_fast(c) || self.flags(c) & (flag::PLAIN | flag::REMOVED) != 0 {
                    continue;
                }
                folded.clear();
                fold::fold_cluster(self, c.encode_utf8(&mut [0; 4]), &mut |x| folded.push(x));
                let mut chars = folded.chars();
                if let (Some(x), None) = (chars.next(), chars.next()) {
                    *target = u32::from(x);
                }
            }
            if targets.iter().all(|&x| x == 0) {
                index.push(0);
            } else {
                blocks.push(targets);
                index.push(u16::try_from(blocks.len() - 1).unwrap_or(0));
            }
        }
        self.single_index = index.into_boxed_slice();
        self.single_blocks = blocks;

        self.cache_han_info();
    }

    /// Fill [`Self::han_info`] (after the data and the variants are loaded).
    fn cache_han_info(&mut self) {
        let firsts: Vec<char> = self
            .variants
            .as_ref()
            .map(|v| v.han_firsts.clone())
            .unwrap_or_default();
        self.han_info = (HAN_LO..HAN_HI)
            .map(|cp| {
                let Some(c) = char::from_u32(cp).filter(|&c| is_han_fast(c)) else {
                    return 0;
                };
                // NUMERAL and TRIGGER describe the character after conversion.
                let s = self.t2s(c);
                let mut info = 0;
                if s != c {
                    info |= han::T2S;
                }
                if self.is_number_char(s) {
                    info |= han::NUMERAL;
                }
                if firsts.contains(&s) {
                    info |= han::TRIGGER;
                }
                info
            })
            .collect();
    }

    /// The [`han`] bits of a code point in the fast Han blocks.
    #[inline]
    pub(super) fn han_info(&self, cp: u32) -> u8 {
        self.han_info
            .get(cp.wrapping_sub(HAN_LO) as usize)
            .copied()
            .unwrap_or(0)
    }

    /// Whether a `[[variant]]` pattern may start with `c`. No false negatives.
    #[inline]
    pub(super) fn may_start_pattern(&self, c: char) -> bool {
        let Some(v) = &self.variants else {
            return false;
        };
        if c.is_ascii() {
            v.ascii_firsts & (1 << u32::from(c)) != 0
        } else if is_han_fast(c) {
            self.han_info(u32::from(c)) & han::TRIGGER != 0
        } else {
            v.scan_always
        }
    }

    /// The ASCII first characters of `[[variant]]` patterns, as a bit set.
    #[inline]
    pub(super) fn ascii_pattern_firsts(&self) -> u128 {
        self.variants.as_ref().map_or(0, |v| v.ascii_firsts)
    }

    /// What `c` folds to when it stands alone, if that is one other character (cached for
    /// the Basic Multilingual Plane only).
    #[inline]
    pub(super) fn single_fold(&self, c: char) -> Option<char> {
        let cp = u32::from(c);
        let block = self.single_index.get((cp >> 8) as usize)?;
        let target = self.single_blocks.get(usize::from(*block))?[(cp & 0xFF) as usize];
        if target == 0 {
            None
        } else {
            char::from_u32(target)
        }
    }

    /// The [`flag`] bits of `c`.
    #[inline]
    pub(super) fn flags(&self, c: char) -> u8 {
        let cp = u32::from(c);
        if let Some(&block) = self.flag_index.get((cp >> 8) as usize)
            && let Some(flags) = self.flag_blocks.get(usize::from(block))
        {
            return flags[(cp & 0xFF) as usize];
        }
        self.compute_flags(c)
    }

    /// The [`flag`] bits of `c`, from the tables.
    fn compute_flags(&self, c: char) -> u8 {
        if is_han_fast(c) {
            let mut f = Class::Han as u8;
            if self.t2s(c) == c {
                f |= flag::PLAIN;
            }
            if self.is_number_char(c) {
                f |= flag::NUMERAL;
            }
            return f;
        }
        let mut f = self.class_of(c) as u8;
        if self.removed_slow(c) {
            f |= flag::REMOVED;
        }
        if is_extender(c) {
            f |= flag::EXTENDER;
        }
        let hangul_syllable = matches!(u32::from(c), 0xAC00..=0xD7A3);
        if (nfkc_fixed(c) || hangul_syllable)
            && lowercase_fixed(c)
            && self.t2s(c) == c
            && self.char_fold(c).is_none()
        {
            f |= flag::PLAIN;
        }
        if self.numeral(c).is_some() {
            f |= flag::NUMERAL;
        }
        if self.homoglyph(c).is_some() {
            f |= flag::HOMOGLYPH;
        }
        f
    }

    /// All tables, with the data file `src` (the text of a `variants.toml`).
    pub(super) fn build(src: &str) -> Result<Self, DataError> {
        let raw: RawData = toml::from_str(src)?;
        let mut t = Self::uncached();
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

        t.cache_flags();

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
            // A DFA without prefilter: on Chinese text every character shares a first byte
            // with some pattern, so a prefilter only adds work.
            let ac = AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(AhoCorasickKind::DFA))
                .prefilter(false)
                .build(&patterns)?;
            let max_len = patterns.iter().map(String::len).max().unwrap_or(0);
            let mut han_firsts = Vec::new();
            let mut ascii_firsts = 0u128;
            let mut scan_always = false;
            for c in patterns.iter().filter_map(|p| p.chars().next()) {
                if c.is_ascii() {
                    ascii_firsts |= 1 << u32::from(c);
                } else if is_han_fast(c) {
                    han_firsts.push(c);
                } else {
                    scan_always = true;
                }
            }
            t.variants = Some(Variants {
                ac,
                reps,
                max_len,
                han_firsts,
                ascii_firsts,
                scan_always,
            });
            t.cache_han_info();
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
        self.flags(c) & flag::REMOVED != 0
    }

    fn removed_slow(&self, c: char) -> bool {
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
        class_from_flags(self.flags(c))
    }

    fn class_of(&self, c: char) -> Class {
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

    /// A character a Han number is made of: a `[numerals]` key, a unit or `两`.
    #[inline]
    pub(super) fn is_number_char(&self, c: char) -> bool {
        self.numeral(c).is_some() || unit(c).is_some() || c == '两'
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

/// The power of ten a Han unit stands for: `十` 1, `百` 2, `千` 3, `万` 4, `亿` 8 (and the
/// financial `拾佰仟`). Traditional `萬億` are already Simplified when this is asked.
#[inline]
pub(super) fn unit(c: char) -> Option<u32> {
    match c {
        '十' | '拾' => Some(1),
        '百' | '佰' => Some(2),
        '千' | '仟' => Some(3),
        '万' => Some(4),
        '亿' => Some(8),
        _ => None,
    }
}

/// The [`Class`] in flag bits.
#[inline]
pub(super) fn class_from_flags(f: u8) -> Class {
    Class::ALL
        .get(usize::from(f & flag::CLASS))
        .copied()
        .unwrap_or(Class::Other)
}

/// `c` continues the cluster before it: a combining mark (or any non-starter), or a character
/// that may compose with what precedes it.
fn is_extender(c: char) -> bool {
    let cp = u32::from(c);
    cp >= 0x300
        && !is_han_fast(c)
        && (unicode_normalization::char::canonical_combining_class(c) != 0
            || unicode_normalization::char::is_combining_mark(c)
            // Hangul jamo that compose with a preceding syllable or jamo, in every width.
            || matches!(cp, 0x1160..=0x11FF | 0x3130..=0x318F | 0xFFA0..=0xFFDC | 0xD7B0..=0xD7FF)
            // Halfwidth katakana (semi-)voiced marks: NFKC makes them combining marks.
            || matches!(cp, 0xFF9E | 0xFF9F))
}

/// `c` is its own NFKC form (its full compatibility decomposition is itself).
fn nfkc_fixed(c: char) -> bool {
    let mut fixed = true;
    unicode_normalization::char::decompose_compatible(c, |d| fixed &= d == c);
    fixed
}

/// `c` is its own lowercase.
fn lowercase_fixed(c: char) -> bool {
    let mut lower = c.to_lowercase();
    lower.len() == 1 && lower.next() == Some(c)
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

// --- Latin evasion folds (src/text/latin.rs) -------------------------------------------------
// Data for the three folds of English words written to dodge keyword filters. They are lists
// rather than patterns so that a fold can only ever produce a word a rule is written with.

/// Characters that may separate letters spelled out one by one (`s h a r e`, `a.n.y.d.e.s.k`,
/// `o-t-p`, `g_i_f_t`). A gap is a run of 1 to 3 of them, the same run between every letter.
pub(super) const SPACED_SEPARATORS: &str = " .-_*|";

/// A run of exactly three spelled-out letters joins only when it spells one of these: shorter
/// runs are everyday text (`u r a`, `i c u`, grades `a b c`), while a scammer spells out the
/// short words rules look for. Runs of four letters or more always join.
pub(super) const SPACED_SHORT_WORDS: &[&str] = &[
    "otp", "pin", "app", "atm", "cvv", "cvc", "ssn", "kyc", "sms", "btc", "eth", "usd",
];

/// Digits and symbols that stand for letters inside a word (`g1ft`, `p@ypal`), with the
/// letters they may stand for.
pub(super) const LEET: &[(u8, &[u8])] = &[
    (b'0', b"o"),
    (b'1', b"il"),
    (b'3', b"e"),
    (b'4', b"a"),
    (b'5', b"s"),
    (b'7', b"t"),
    (b'@', b"a"),
    (b'$', b"s"),
];

/// The words a token written with [`LEET`] characters folds to. A token folds only when, read
/// with the table, it is exactly one of these words: the criterion is that the fold must
/// produce a word some rule is written with, so `4g`, `mp3`, `b2b`, `iphone15`, `2fa`, order
/// numbers, amounts, dates and codes never change (none of them reads as a listed word). Each
/// entry is lowercase ASCII letters, at least three of them.
pub(super) const LEET_WORDS: &[&str] = &[
    // what is asked for
    "gift",
    "giftcard",
    "code",
    "codes",
    "otp",
    "pin",
    "password",
    "passcode",
    "account",
    "verify",
    "verified",
    "verification",
    "login",
    "bank",
    "card",
    "wallet",
    "refund",
    "deposit",
    "payment",
    "transfer",
    "crypto",
    "bitcoin",
    "usdt",
    "token",
    "seed",
    "phrase",
    // lures and pressure
    "free",
    "prize",
    "winner",
    "claim",
    "bonus",
    "reward",
    "profit",
    "invest",
    "investment",
    "urgent",
    "suspended",
    "locked",
    "blocked",
    "unlock",
    "security",
    "secure",
    "update",
    "click",
    "link",
    "loan",
    "casino",
    "bet",
    // brands scams impersonate
    "amazon",
    "paypal",
    "apple",
    "itunes",
    "google",
    "steam",
    "netflix",
    "microsoft",
    "whatsapp",
    "telegram",
    "binance",
    "coinbase",
    "metamask",
    "trustwallet",
    "usps",
    "fedex",
    "dhl",
    "visa",
    "mastercard",
    "venmo",
    "zelle",
    "cashapp",
    // remote-control apps
    "anydesk",
    "teamviewer",
    "rustdesk",
    "airdroid",
    "ultraviewer",
    "quicksupport",
    "screenconnect",
    "todesk",
];

/// Two-word spellings of names that rules write as one word (`any desk`, `team-viewer`,
/// `Quick_Support`): the two parts, separated by a run of 1 to 3 of [`COMPOUND_SEPARATORS`],
/// fold to the parts joined. Only pairs that are not everyday English phrases (`to desk` is
/// not here: "walk to desk 5").
pub(super) const COMPOUNDS: &[(&str, &str)] = &[
    ("any", "desk"),
    ("team", "viewer"),
    ("quick", "support"),
    ("quick", "assist"),
    ("rust", "desk"),
    ("air", "droid"),
    ("ultra", "viewer"),
    ("screen", "connect"),
    ("pay", "pal"),
    ("whats", "app"),
    ("bit", "coin"),
];

/// What may separate the parts of a [`COMPOUNDS`] entry.
pub(super) const COMPOUND_SEPARATORS: &str = " -_";

/// Characters that join a token to a web address, an e-mail address, a handle or a file
/// name. A Latin fold never touches a token with one of them before it, or after it followed
/// by a letter or digit (`paypa1.com`, `any-desk.com`, `j0hn@amaz0n`): folding there would
/// make a look-alike address read as the real one.
pub(super) const ADDRESS_JOINERS: &str = "./\\@:-_#=&?%~+$'*|";
