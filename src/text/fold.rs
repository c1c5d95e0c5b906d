//! The two folding passes and the emitter that applies the context rules while building the
//! folded text and its offset map.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{canonical_combining_class, decompose_compatible};

use super::tables::{Class, Tables, is_han_fast};

/// Original byte range `(start, end)` a folded character comes from.
pub(super) type Span = (u32, u32);

/// Upper bound on variant passes; each pass only runs when the previous one changed the text.
const MAX_VARIANT_PASSES: usize = 4;

/// A folded text with its per-byte offset map.
#[derive(Debug)]
pub(super) struct Folded {
    pub(super) text: String,
    /// One span per byte of `text`.
    pub(super) map: Vec<Span>,
    /// A Han numeral was emitted (a numeral run may need rewriting).
    saw_numeral: bool,
    /// A comma followed an ASCII digit (a thousands separator may need dropping).
    saw_digit_comma: bool,
}

/// Fold `input` completely: character pass, then variant passes until nothing changes.
pub(super) fn fold(t: &Tables, input: &str) -> Folded {
    let mut folded = pass1(t, input);
    for _ in 0..MAX_VARIANT_PASSES {
        match pass2(t, &folded) {
            Some(next) => folded = next,
            None => break,
        }
    }
    folded
}

/// An open word: a run of letters and digits of scripts other than Han.
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    has_ascii_letter: bool,
    has_homoglyph: bool,
}

/// Builds folded text and map, applying the context rules as characters arrive: whitespace
/// runs become one space (none leading or trailing), a run of separators between two Han
/// characters is dropped, and homoglyphs are folded in words that have an ASCII letter.
struct Emitter<'t> {
    t: &'t Tables,
    text: String,
    map: Vec<Span>,
    /// Byte offset where the trailing run of separators starts.
    run_start: Option<usize>,
    /// The character before that run is Han.
    han_before_run: bool,
    last_han: bool,
    last_digit: bool,
    word: Option<Word>,
    saw_numeral: bool,
    saw_digit_comma: bool,
}

impl<'t> Emitter<'t> {
    fn new(t: &'t Tables, capacity: usize) -> Self {
        Self {
            t,
            text: String::with_capacity(capacity),
            map: Vec::with_capacity(capacity),
            run_start: None,
            han_before_run: false,
            last_han: false,
            last_digit: false,
            word: None,
            saw_numeral: false,
            saw_digit_comma: false,
        }
    }

    #[inline]
    fn write(&mut self, c: char, span: Span) {
        self.text.push(c);
        self.map.extend(std::iter::repeat_n(span, c.len_utf8()));
    }

    #[inline]
    fn push(&mut self, c: char, span: Span) {
        let class = self.t.class(c);
        self.push_class(c, class, span);
    }

    #[inline]
    fn push_class(&mut self, c: char, class: Class, span: Span) {
        match class {
            Class::Han => {
                self.end_word();
                if let Some(start) = self.run_start.take()
                    && self.han_before_run
                {
                    self.text.truncate(start);
                    self.map.truncate(start);
                }
                self.write(c, span);
                self.last_han = true;
                self.last_digit = false;
                if self.t.numeral(c).is_some() {
                    self.saw_numeral = true;
                }
            }
            Class::Word => {
                let ascii_letter = c.is_ascii_alphabetic();
                let homoglyph = self.t.homoglyph(c).is_some();
                let start = self.text.len();
                let word = self.word.get_or_insert(Word {
                    start,
                    has_ascii_letter: false,
                    has_homoglyph: false,
                });
                word.has_ascii_letter |= ascii_letter;
                word.has_homoglyph |= homoglyph;
                self.run_start = None;
                self.write(c, span);
                self.last_han = false;
                self.last_digit = c.is_ascii_digit();
            }
            Class::Mark if self.word.is_some() => {
                self.write(c, span);
                self.last_digit = false;
            }
            Class::Space => {
                self.end_word();
                if self.text.is_empty() || self.text.ends_with(' ') {
                    return;
                }
                self.begin_separator();
                self.write(' ', span);
                self.last_digit = false;
            }
            Class::Sep | Class::Mark => {
                self.end_word();
                self.begin_separator();
                if c == ',' && self.last_digit {
                    self.saw_digit_comma = true;
                }
                self.write(c, span);
                self.last_digit = false;
            }
            Class::Other => {
                self.end_word();
                self.run_start = None;
                self.write(c, span);
                self.last_han = false;
                self.last_digit = false;
            }
        }
    }

    fn begin_separator(&mut self) {
        if self.run_start.is_none() {
            self.run_start = Some(self.text.len());
            self.han_before_run = self.last_han;
        }
        self.last_han = false;
    }

    /// Close the open word, folding its homoglyphs if it also has an ASCII letter.
    #[inline]
    fn end_word(&mut self) {
        if let Some(word) = self.word.take()
            && word.has_ascii_letter
            && word.has_homoglyph
        {
            self.fold_word(word);
        }
    }

    /// Fold the homoglyphs of `word`. A homoglyph followed by a combining mark is kept, so
    /// folding never creates a new NFKC composition.
    #[cold]
    fn fold_word(&mut self, word: Word) {
        let tail = self.text.split_off(word.start);
        let tail_map = self.map.split_off(word.start);
        let mut chars = tail.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let before_mark = chars
                .peek()
                .is_some_and(|&(_, d)| unicode_normalization::char::is_combining_mark(d));
            let out = if before_mark {
                c
            } else {
                self.t.homoglyph(c).unwrap_or(c)
            };
            self.write(out, tail_map.get(i).copied().unwrap_or_default());
        }
    }

    fn finish(mut self) -> Folded {
        self.end_word();
        if self.text.ends_with(' ') {
            self.text.pop();
            self.map.pop();
        }
        Folded {
            text: self.text,
            map: self.map,
            saw_numeral: self.saw_numeral,
            saw_digit_comma: self.saw_digit_comma,
        }
    }
}

/// How a character continues the current cluster.
enum Next {
    /// Starts a new cluster.
    Starter,
    /// Belongs to the current cluster (combining mark or a character that may compose with
    /// what precedes it).
    Extender,
    /// Dropped; does not end the cluster.
    Removed,
}

#[inline]
fn next_kind(t: &Tables, d: char) -> Next {
    let cp = u32::from(d);
    if cp < 0x300 {
        return if t.is_removed(d) {
            Next::Removed
        } else {
            Next::Starter
        };
    }
    if is_han_fast(d) {
        return Next::Starter;
    }
    if t.is_removed(d) {
        Next::Removed
    } else if canonical_combining_class(d) != 0
        || unicode_normalization::char::is_combining_mark(d)
        // Hangul jamo that compose with a preceding syllable or jamo, in every width.
        || matches!(cp, 0x1160..=0x11FF | 0x3130..=0x318F | 0xFFA0..=0xFFDC | 0xD7B0..=0xD7FF)
        // Halfwidth katakana (semi-)voiced marks: NFKC makes them combining marks.
        || matches!(cp, 0xFF9E | 0xFF9F)
    {
        Next::Extender
    } else {
        Next::Starter
    }
}

/// The character-level pass: NFKC per cluster (a character and the combining characters that
/// follow it), lowercase, Traditional -> Simplified, `[chars]`, then the emitter's context
/// rules. Every output character maps to the whole original cluster.
pub(super) fn pass1(t: &Tables, input: &str) -> Folded {
    let mut e = Emitter::new(t, input.len() + input.len() / 4);
    let mut cluster = String::new();
    let mut lowered = String::new();
    let mut chars = input.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if t.is_removed(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        let mut multi = false;
        while let Some(&(j, d)) = chars.peek() {
            match next_kind(t, d) {
                Next::Starter => break,
                Next::Removed => {}
                Next::Extender => {
                    if !multi {
                        cluster.clear();
                        cluster.push(c);
                        multi = true;
                    }
                    cluster.push(d);
                    end = j + d.len_utf8();
                }
            }
            chars.next();
        }
        let span = (offset(start), offset(end));
        if !multi {
            if c.is_ascii() {
                e.push(c.to_ascii_lowercase(), span);
                continue;
            }
            if is_han_fast(c) {
                e.push_class(t.t2s(c), Class::Han, span);
                continue;
            }
            if let Some(x) = simple_nfkc_lower(c) {
                finish_char(&mut e, x, span);
                continue;
            }
            cluster.clear();
            cluster.push(c);
        }
        // Lowercasing can break NFKC (İ -> i + U+0307 before a mark of lower class), so the
        // lowercased cluster is normalized again.
        lowered.clear();
        for x in cluster.nfkc() {
            if !t.is_removed(x) {
                lowered.extend(x.to_lowercase());
            }
        }
        for x in lowered.nfkc() {
            if !t.is_removed(x) {
                finish_char(&mut e, x, span);
            }
        }
    }
    e.finish()
}

/// Lowercase NFKC of a lone character when it is a single character that needs no further
/// normalization: precomposed Hangul syllables, and characters whose full compatibility
/// decomposition is one character (full-width forms, `①`) whose lowercase is one character
/// that is its own decomposition. `None` means: take the general path.
#[inline]
fn simple_nfkc_lower(c: char) -> Option<char> {
    if matches!(u32::from(c), 0xAC00..=0xD7A3) {
        return Some(c);
    }
    let mut single = None;
    let mut count = 0;
    decompose_compatible(c, |d| {
        count += 1;
        single = Some(d);
    });
    let d = single.filter(|_| count == 1)?;
    let mut lower = d.to_lowercase();
    let l = lower.next().filter(|_| lower.len() == 0)?;
    if l == d || l.is_ascii() {
        return Some(l);
    }
    let mut fixed = true;
    decompose_compatible(l, |x| fixed &= x == l);
    fixed.then_some(l)
}

/// Traditional -> Simplified and `[chars]` for one NFKC, lowercase character.
#[inline]
fn finish_char(e: &mut Emitter<'_>, x: char, span: Span) {
    let t = e.t;
    let y = t.t2s(x);
    match t.char_fold(y) {
        Some(s) => {
            for z in s.chars() {
                e.push(z, span);
            }
        }
        None => e.push(y, span),
    }
}

#[inline]
fn offset(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// A run of numeral-ish characters (ASCII digits and Han numerals).
struct Run {
    end: usize,
    chars: usize,
    has_han: bool,
}

fn numeral_run(t: &Tables, text: &str, start: usize, limit: usize) -> Run {
    let mut run = Run {
        end: start,
        chars: 0,
        has_han: false,
    };
    for c in text[start..limit].chars() {
        if c.is_ascii_digit() {
        } else if t.numeral(c).is_some() {
            run.has_han = true;
        } else {
            break;
        }
        run.chars += 1;
        run.end += c.len_utf8();
    }
    run
}

/// The variant pass over a folded text: `[[variant]]` replacements (leftmost-longest,
/// boundary-checked), numeral runs to digits and thousands separators dropped, all through a
/// fresh emitter so the context rules hold around the replacements. `None` when nothing
/// changes; the output is only built once the first change is found.
pub(super) fn pass2<'t>(t: &'t Tables, src: &Folded) -> Option<Folded> {
    let text = src.text.as_str();
    let map = src.map.as_slice();
    let variants = t.variants.as_ref();
    let mut next_match = variants.and_then(|v| v.find(t, text, 0));
    if next_match.is_none() && !src.saw_numeral && !src.saw_digit_comma {
        return None;
    }
    let span_at = |i: usize| map.get(i).copied().unwrap_or_default();

    let mut out: Option<Emitter<'t>> = None;
    // Start the output with `text[..upto]` unchanged.
    let ensure = |out: &mut Option<Emitter<'t>>, upto: usize| {
        if out.is_none() {
            let mut e = Emitter::new(t, text.len() + 16);
            for (i, c) in text[..upto].char_indices() {
                e.push(c, span_at(i));
            }
            *out = Some(e);
        }
    };
    let copy = |out: &mut Option<Emitter<'t>>, range: std::ops::Range<usize>| {
        if let Some(e) = out.as_mut() {
            for (i, c) in text[range.clone()].char_indices() {
                e.push(c, span_at(range.start + i));
            }
        }
    };

    let mut i = 0;
    // The previous numeral run ended in ASCII digits only (a comma after it may be dropped).
    let mut after_clean_digits = false;
    while i < text.len() {
        if let (Some(m), Some(v)) = (next_match, variants)
            && m.start() == i
        {
            ensure(&mut out, i);
            if let (Some(e), Some(rep)) = (out.as_mut(), v.reps.get(m.pattern().as_usize())) {
                if rep.charwise {
                    for ((j, _), c) in text[m.range()].char_indices().zip(rep.to.chars()) {
                        e.push(c, span_at(m.start() + j));
                    }
                } else {
                    let span = (span_at(m.start()).0, span_at(m.end() - 1).1);
                    for c in rep.to.chars() {
                        e.push(c, span);
                    }
                }
            }
            i = m.end();
            next_match = variants.and_then(|v| v.find(t, text, i));
            after_clean_digits = false;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let limit = next_match.map_or(text.len(), |m| m.start());
        if t.is_numeralish(c) {
            let run = numeral_run(t, text, i, limit);
            let convert = run.has_han && run.chars >= t.min_run;
            if convert {
                ensure(&mut out, i);
                if let Some(e) = out.as_mut() {
                    for (j, d) in text[i..run.end].char_indices() {
                        let digit = t.numeral(d).map_or(d, char::from);
                        e.push(digit, span_at(i + j));
                    }
                }
            } else {
                copy(&mut out, i..run.end);
            }
            after_clean_digits = convert || !run.has_han;
            i = run.end;
            continue;
        }
        if c == ',' && after_clean_digits {
            let run = numeral_run(t, text, i + 1, limit);
            let becomes_digits = !run.has_han || run.chars >= t.min_run;
            if run.chars == 3 && becomes_digits {
                ensure(&mut out, i);
                i += 1;
                continue;
            }
        }
        copy(&mut out, i..i + c.len_utf8());
        after_clean_digits = false;
        i += c.len_utf8();
    }
    out.map(Emitter::finish)
}
