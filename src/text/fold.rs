//! The two folding passes and the emitter that applies the context rules while building the
//! folded text and its offset map.

use unicode_normalization::UnicodeNormalization;

use super::tables::{Class, Tables, class_from_flags, flag, han, is_han_fast, unit};

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
    /// Byte ranges changed by the last variant pass; `None` when all of the text is new.
    dirty: Option<Vec<(usize, usize)>>,
    /// No `[[variant]]` pattern starts before this offset (`usize::MAX`: none at all).
    first_trigger: usize,
}

/// Upper bound on rounds of Latin folds and variant passes; a round only runs when the Latin
/// folds changed the text after the previous round's variant passes.
const MAX_LATIN_ROUNDS: usize = 3;

/// Fold `input` completely: character pass, Latin folds, then variant passes until nothing
/// changes (and the Latin folds again on what the variant passes made).
pub(super) fn fold(t: &Tables, input: &str) -> Folded {
    rounds(t, pass1(t, input))
}

/// [`fold`] without the filter that starts the variant search at the first possible pattern
/// start: a reference for tests.
#[cfg(test)]
pub(super) fn fold_unfiltered(t: &Tables, input: &str) -> Folded {
    let mut folded = pass1(t, input);
    folded.first_trigger = 0;
    rounds(t, folded)
}

fn rounds(t: &Tables, mut folded: Folded) -> Folded {
    for round in 0..MAX_LATIN_ROUNDS {
        let changed = latin_folds(t, &mut folded);
        if round > 0 && !changed {
            break;
        }
        folded = variant_passes(t, folded);
    }
    folded
}

/// Apply the Latin folds ([`super::latin`]) to `folded`; whether they changed it. A changed
/// text is searched for variants from its start.
fn latin_folds(t: &Tables, folded: &mut Folded) -> bool {
    match super::latin::fold(t, &folded.text, &folded.map) {
        Some((text, map)) => {
            folded.text = text;
            folded.map = map;
            folded.dirty = None;
            folded.first_trigger = 0;
            true
        }
        None => false,
    }
}

fn variant_passes(t: &Tables, mut folded: Folded) -> Folded {
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
    /// No `[[variant]]` pattern starts before this offset (`usize::MAX`: none at all).
    first_trigger: usize,
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
            first_trigger: usize::MAX,
        }
    }

    #[inline]
    fn write(&mut self, c: char, span: Span) {
        let at = self.text.len();
        self.text.push(c);
        self.map.extend(std::iter::repeat_n(span, c.len_utf8()));
        self.note(c, at);
    }

    /// Record that `c` was written at `at`, for [`Self::first_trigger`].
    #[inline]
    fn note(&mut self, c: char, at: usize) {
        if at < self.first_trigger && self.t.may_start_pattern(c) {
            self.first_trigger = at;
        }
    }

    /// Before a Han character: drop the separator run after the previous Han character, or
    /// make it one `,` when it holds clause punctuation ([`is_clause`]). The `,` maps to the
    /// original clause marks of the run.
    #[inline]
    fn join_han(&mut self) {
        if let Some(start) = self.run_start.take()
            && self.han_before_run
        {
            let clause = clause_span(&self.text[start..], &self.map[start..]);
            self.text.truncate(start);
            self.map.truncate(start);
            if let Some(span) = clause {
                self.write(',', span);
            }
        }
    }

    #[inline]
    fn push(&mut self, c: char, span: Span) {
        let flags = self.t.flags(c);
        self.push_flags(c, flags, span);
    }

    /// The word being written, opened at the end of the text if none is.
    fn open_word(&mut self) -> &mut Word {
        let start = self.text.len();
        self.word.get_or_insert(Word {
            start,
            has_ascii_letter: false,
            has_homoglyph: false,
        })
    }

    /// Append `c`, whose [`flag`] bits are `flags`.
    #[inline]
    fn push_flags(&mut self, c: char, flags: u8, span: Span) {
        match class_from_flags(flags) {
            Class::Han => {
                self.end_word();
                self.join_han();
                self.write(c, span);
                self.last_han = true;
                self.last_digit = false;
                self.saw_numeral |= flags & flag::NUMERAL != 0;
            }
            Class::Word => {
                let ascii_letter = c.is_ascii_alphabetic();
                let homoglyph = flags & flag::HOMOGLYPH != 0;
                let word = self.open_word();
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

    /// Fold the run of lone Han characters (from the common blocks, with no combining
    /// character after them) at byte `i` of `input`, and return where it ends.
    #[inline]
    fn han_run(&mut self, input: &str, i: usize) -> usize {
        let bytes = input.as_bytes();
        let mut j = i;
        let mut copy_from = i;
        let mut numeral = false;
        let mut out_at = 0;
        let mut next = han_at(bytes, j);
        while let Some(cp) = next {
            // A Han character after this one starts a cluster; anything else is checked.
            next = han_at(bytes, j + 3);
            if next.is_none() && !starts_cluster(self.t, input, j + 3) {
                break;
            }
            if j == i {
                self.end_word();
                self.join_han();
                out_at = self.text.len();
            }
            let info = self.t.han_info(cp);
            numeral |= info & han::NUMERAL != 0;
            if info & han::T2S != 0 {
                self.text.push_str(&input[copy_from..j]);
                let c = char::from_u32(cp).unwrap_or('\u{fffd}');
                self.text.push(self.t.t2s(c));
                copy_from = j + 3;
            }
            if info & han::TRIGGER != 0 {
                self.first_trigger = self.first_trigger.min(out_at);
            }
            out_at += 3;
            let span = (offset(j), offset(j + 3));
            self.map.extend_from_slice(&[span; 3]);
            j += 3;
        }
        if j > i {
            self.text.push_str(&input[copy_from..j]);
            self.last_han = true;
            self.last_digit = false;
            self.saw_numeral |= numeral;
        }
        j
    }

    /// Fold the run of ASCII letters and digits (with no combining character after them) at
    /// byte `i` of `input`, and return where it ends.
    #[inline]
    fn ascii_word_run(&mut self, input: &str, i: usize) -> usize {
        let bytes = input.as_bytes();
        let mut j = i;
        let mut letter = false;
        while let Some(&b) = bytes.get(j) {
            if !b.is_ascii_alphanumeric() || !starts_cluster(self.t, input, j + 1) {
                break;
            }
            letter |= b.is_ascii_alphabetic();
            j += 1;
        }
        if j == i {
            return i;
        }
        let start = self.text.len();
        self.open_word().has_ascii_letter |= letter;
        self.run_start = None;
        self.last_han = false;
        self.last_digit = bytes[j - 1].is_ascii_digit();
        self.text.push_str(&input[i..j]);
        self.text[start..].make_ascii_lowercase();
        self.map.extend((i..j).map(|k| (offset(k), offset(k + 1))));
        let firsts = self.t.ascii_pattern_firsts();
        if firsts != 0
            && start < self.first_trigger
            && let Some(k) = self.text.as_bytes()[start..]
                .iter()
                .position(|&b| firsts & (1 << b) != 0)
        {
            self.first_trigger = start + k;
        }
        j
    }

    /// Append `text` (with `map`) verbatim, then recompute the context state from it. The
    /// state before must be the one right after a Han or other character, and `text` must be
    /// emitter output (a stretch of an already folded text).
    fn copy_in_step(&mut self, text: &str, map: &[Span]) {
        let seg = self.text.len();
        let last_han_before = self.last_han;
        self.text.push_str(text);
        self.map.extend_from_slice(map);
        for c in text.chars() {
            if c == ',' {
                self.saw_digit_comma = true;
            }
        }
        self.resync(seg, last_han_before);
    }

    /// Recompute the context state from the text after byte `seg`, given that before `seg`
    /// there was no open word or separator run and the last character was Han or not.
    fn resync(&mut self, seg: usize, last_han_before: bool) {
        let t = self.t;
        let tail = &self.text[seg..];
        let mut rev = tail.char_indices().rev();
        // Trailing separators, spaces and marks.
        let mut any_start = None;
        let mut sep_start = None;
        let mut stop = None;
        for (i, c) in rev.by_ref() {
            match t.class(c) {
                Class::Sep | Class::Space => {
                    any_start = Some(seg + i);
                    sep_start = Some(seg + i);
                }
                Class::Mark => any_start = Some(seg + i),
                class => {
                    stop = Some((seg + i, c, class));
                    break;
                }
            }
        }
        self.word = None;
        self.run_start = None;
        self.last_han = false;
        self.last_digit = false;
        match (stop, any_start) {
            // Marks only, after a word character: part of the word.
            (Some((at, c, Class::Word)), _) if sep_start.is_none() => {
                let mut word = Word {
                    start: at,
                    has_ascii_letter: c.is_ascii_alphabetic(),
                    has_homoglyph: t.flags(c) & flag::HOMOGLYPH != 0,
                };
                for (i, d) in rev {
                    match t.class(d) {
                        Class::Word => {
                            word.start = seg + i;
                            word.has_ascii_letter |= d.is_ascii_alphabetic();
                            word.has_homoglyph |= t.flags(d) & flag::HOMOGLYPH != 0;
                        }
                        Class::Mark => {}
                        _ => break,
                    }
                }
                self.last_digit = any_start.is_none() && c.is_ascii_digit();
                self.word = Some(word);
            }
            (Some((_, _, class)), None) => self.last_han = class == Class::Han,
            (Some((_, _, class)), Some(any)) => {
                self.run_start = if class == Class::Word {
                    sep_start
                } else {
                    Some(any)
                };
                self.han_before_run = class == Class::Han;
            }
            (None, Some(any)) => {
                self.run_start = Some(any);
                self.han_before_run = last_han_before;
            }
            (None, None) => self.last_han = last_han_before,
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
        self.first_trigger = self.first_trigger.min(word.start);
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
            dirty: None,
            first_trigger: self.first_trigger,
        }
    }
}

/// The character-level pass: NFKC per cluster (a character and the combining characters that
/// follow it), lowercase, Traditional -> Simplified, `[chars]`, then the emitter's context
/// rules. Every output character maps to the whole original cluster.
pub(super) fn pass1(t: &Tables, input: &str) -> Folded {
    let mut e = Emitter::new(t, input.len() + input.len() / 4);
    let mut cluster = String::new();
    let mut i = 0;
    while i < input.len() {
        let run = e.han_run(input, i);
        if run > i {
            i = run;
            continue;
        }
        let run = e.ascii_word_run(input, i);
        if run > i {
            i = run;
            continue;
        }
        if let Some(&b) = input.as_bytes().get(i)
            && (0x20..0x7F).contains(&b)
            && starts_cluster(t, input, i + 1)
        {
            e.push(
                char::from(b.to_ascii_lowercase()),
                (offset(i), offset(i + 1)),
            );
            i += 1;
            continue;
        }
        let Some(c) = char_at(input, i) else {
            break;
        };
        let start = i;
        i += c.len_utf8();
        let flags = t.flags(c);
        if flags & flag::REMOVED != 0 {
            continue;
        }
        let mut end = i;
        let mut multi = false;
        while let Some(d) = char_at(input, i) {
            let next = t.flags(d);
            if next & flag::REMOVED != 0 {
                // Dropped (variation selectors included): neither ends nor joins the cluster.
            } else if next & flag::EXTENDER != 0 {
                if !multi {
                    cluster.clear();
                    cluster.push(c);
                    multi = true;
                }
                cluster.push(d);
                end = i + d.len_utf8();
            } else {
                break;
            }
            i += d.len_utf8();
        }
        let span = (offset(start), offset(end));
        if !multi {
            if flags & flag::PLAIN != 0 {
                e.push_flags(c, flags, span);
                continue;
            }
            if c.is_ascii() {
                e.push(c.to_ascii_lowercase(), span);
                continue;
            }
            if is_han_fast(c) {
                e.push(t.t2s(c), span);
                continue;
            }
            if let Some(x) = t.single_fold(c) {
                e.push(x, span);
                continue;
            }
            cluster.clear();
            cluster.push(c);
        }
        fold_cluster(t, &cluster, &mut |x| e.push(x, span));
    }
    e.finish()
}

/// The characters a cluster folds to: NFKC, lowercase, NFKC again (lowercasing can break
/// NFKC: İ -> i + U+0307 before a mark of lower class), without removed characters, then
/// Traditional -> Simplified and `[chars]`.
pub(super) fn fold_cluster(t: &Tables, cluster: &str, emit: &mut impl FnMut(char)) {
    // A `[chars]` key written as is wins over NFKC (`…` is `,`, not NFKC's `...`).
    let mut chars = cluster.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && let Some(s) = t.char_fold(c)
    {
        s.chars().for_each(&mut *emit);
        return;
    }
    let mut lowered = String::with_capacity(cluster.len() + 4);
    for x in cluster.nfkc() {
        if !t.is_removed(x) {
            lowered.extend(x.to_lowercase());
        }
    }
    for x in lowered.nfkc() {
        if t.is_removed(x) {
            continue;
        }
        let y = t.t2s(x);
        match t.char_fold(y) {
            Some(s) => s.chars().for_each(&mut *emit),
            None => emit(y),
        }
    }
}

/// Clause punctuation once folded: `,` (from `，`, `、`, `。`, `…` too), `!`, `?`, `;`, `:`.
#[inline]
pub(super) fn is_clause(c: char) -> bool {
    matches!(c, ',' | '!' | '?' | ';' | ':')
}

/// The original span of the clause marks in a separator run (`text` with its `map`), if any.
fn clause_span(text: &str, map: &[Span]) -> Option<Span> {
    let mut span: Option<Span> = None;
    for (i, c) in text.char_indices() {
        if is_clause(c)
            && let Some(&(a, b)) = map.get(i)
        {
            span = Some(span.map_or((a, b), |(s, e)| (s.min(a), e.max(b))));
        }
    }
    span
}

/// The character at byte offset `i` of `s`.
#[inline]
fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..)?.chars().next()
}

/// The character at byte offset `i` of `s` (if any) starts a new cluster: it is neither
/// removed nor an extender.
#[inline]
fn starts_cluster(t: &Tables, s: &str, i: usize) -> bool {
    match s.as_bytes().get(i) {
        None => true,
        Some(&b) if b < 0x80 => (0x20..0x7F).contains(&b) || b.is_ascii_whitespace(),
        Some(_) => char_at(s, i)
            .is_none_or(|d| is_han_fast(d) || t.flags(d) & (flag::EXTENDER | flag::REMOVED) == 0),
    }
}

/// The code point of the 3-byte UTF-8 sequence at `i` when it is in the fast Han blocks.
#[inline]
fn han_at(bytes: &[u8], i: usize) -> Option<u32> {
    let &[b0, b1, b2] = bytes.get(i..i + 3)? else {
        return None;
    };
    if !(0xE3..=0xE9).contains(&b0) {
        return None;
    }
    let cp = (u32::from(b0 & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
    matches!(cp, 0x3400..=0x4DBF | 0x4E00..=0x9FFF).then_some(cp)
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

/// What may follow a bare `十` (no digit after it) for it to be read as ten: measure words.
/// `十分` (very), `十足`, `十全十美` are not in the list and stay.
const TEN_MEASURES: &str = "倍元块圆个人天次年岁单笔张件位名号日月斤%";

/// A token of a number run.
#[derive(Debug, Clone, Copy)]
enum Tok {
    /// Consecutive digits (ASCII or Han numerals): value, characters, any Han, leading zero.
    Group {
        value: u128,
        len: usize,
        han: bool,
        zero_lead: bool,
    },
    /// ASCII digits with one decimal point: the digits as an integer and how many follow the
    /// point.
    Decimal { mant: u128, scale: u32 },
    /// `十百千万亿`: the power of ten.
    Unit(u32),
    /// `零` or `〇` right after a unit (`一千零五`).
    Zero,
}

/// A maximal run of number characters: ASCII digits (with one decimal point between ASCII
/// digits), Han numerals, units, and `两` before `百千万亿`.
struct NumberRun {
    end: usize,
    /// The ASCII digits the run stands for, when it is a number with units (see `evaluate`).
    value: Option<String>,
}

/// Read the number run at `start` (which holds a number character) up to `limit`.
fn number_run(t: &Tables, text: &str, start: usize, limit: usize) -> NumberRun {
    let mut toks: Vec<Tok> = Vec::new();
    // The open group: value, len, han, zero_lead, ascii digits only, decimal scale.
    let mut group: Option<(u128, usize, bool, bool, Option<u32>)> = None;
    let mut overflow = false;
    let flush = |group: &mut Option<(u128, usize, bool, bool, Option<u32>)>,
                 toks: &mut Vec<Tok>| {
        if let Some((value, len, han, zero_lead, scale)) = group.take() {
            toks.push(match scale {
                Some(scale) => Tok::Decimal { mant: value, scale },
                None => Tok::Group {
                    value,
                    len,
                    han,
                    zero_lead,
                },
            });
        }
    };
    let slice = &text[start..limit];
    let mut end = start;
    let mut it = slice.char_indices().peekable();
    while let Some((k, c)) = it.next() {
        let next = it.peek().map(|&(_, d)| d);
        let digit = if c.is_ascii_digit() {
            Some((c as u8 - b'0', false))
        } else {
            t.numeral(c).map(|d| (d - b'0', true))
        };
        if let Some((d, han)) = digit {
            let after_unit = matches!(toks.last(), Some(Tok::Unit(_)));
            if han && d == 0 && group.is_none() && after_unit {
                toks.push(Tok::Zero);
            } else {
                let g = group.get_or_insert((0, 0, false, d == 0, None));
                match g
                    .0
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(u128::from(d)))
                {
                    Some(v) => g.0 = v,
                    None => overflow = true,
                }
                g.1 += 1;
                g.2 |= han;
                if let Some(scale) = g.4.as_mut() {
                    *scale += 1;
                    overflow |= han;
                }
            }
        } else if c == '.'
            && next.is_some_and(|d| d.is_ascii_digit())
            && group.is_some_and(|g| !g.2 && g.4.is_none())
        {
            if let Some(g) = group.as_mut() {
                g.4 = Some(0);
            }
        } else if c == '两' && group.is_none() && next.and_then(unit).is_some_and(|e| e > 1) {
            group = Some((2, 1, true, false, None));
        } else if let Some(e) = unit(c) {
            flush(&mut group, &mut toks);
            toks.push(Tok::Unit(e));
        } else {
            break;
        }
        end = start + k + c.len_utf8();
    }
    flush(&mut group, &mut toks);
    if end == start {
        // A lone `两`: step over it.
        end = start + char_at(text, start).map_or(1, char::len_utf8);
        return NumberRun { end, value: None };
    }
    let value = if overflow {
        None
    } else {
        evaluate(&toks, t.min_run)
    };
    // `十` first with no digit after it: ten only before 万, 亿 or a measure word, and not in
    // 几十 or 数十 (some tens).
    let value = value.filter(|_| match toks.as_slice() {
        [Tok::Unit(1), Tok::Group { .. }, ..] | [Tok::Unit(1), Tok::Unit(4 | 8), ..] => {
            !text[..start].ends_with(['几', '数'])
        }
        [Tok::Unit(1)] => {
            !text[..start].ends_with(['几', '数'])
                && text[end..]
                    .chars()
                    .next()
                    .is_some_and(|c| TEN_MEASURES.contains(c))
        }
        [Tok::Unit(_), ..] => false,
        _ => true,
    });
    NumberRun {
        end,
        value: value.map(|v| v.to_string()),
    }
}

/// What a pending multiplier is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Digit,
    Multi,
    Decimal,
}

/// The value of a number run with at least one unit, or `None` when it is not a plain
/// number: no unit, a unit without a digit before it (`千万`, `万一`, `百分`, except a leading
/// `十`), two Han digits side by side that are not a digit run (`五六千`, `十五六`), units out
/// of order (`十百`, `万万`), a multi-digit multiplier of `十百千` (`12千`), a decimal not
/// followed by units or not giving a whole number. A digit after the last unit counts one
/// unit lower (`三千五` is 3500, `一万二` 12000) unless `零` came between (`一千零五` is 1005).
fn evaluate(toks: &[Tok], min_run: usize) -> Option<u128> {
    let scale = match toks.first() {
        Some(Tok::Decimal { scale, .. }) => *scale,
        _ => 0,
    };
    let k = 10u128.checked_pow(scale)?;
    if toks
        .iter()
        .skip(1)
        .any(|t| matches!(t, Tok::Decimal { .. }))
        || !toks.iter().any(|t| matches!(t, Tok::Unit(_)))
    {
        return None;
    }
    let pow = |e: u32| 10u128.checked_pow(e);
    let (mut total, mut wan, mut sec) = (0u128, 0u128, 0u128);
    let mut pending: Option<(u128, Kind)> = None;
    let mut last_small = 4u32;
    let mut last_unit: Option<u32> = None;
    let mut zero = false;
    for (n, tok) in toks.iter().enumerate() {
        match *tok {
            Tok::Group {
                value,
                len,
                han,
                zero_lead,
            } => {
                if pending.is_some() || (han && len > 1 && len < min_run) || (zero_lead && len > 1)
                {
                    return None;
                }
                let kind = if len == 1 { Kind::Digit } else { Kind::Multi };
                pending = Some((value.checked_mul(k)?, kind));
            }
            Tok::Decimal { mant, .. } => pending = Some((mant, Kind::Decimal)),
            Tok::Zero => {
                if pending.is_some() || zero {
                    return None;
                }
                zero = true;
            }
            Tok::Unit(e) if e < 4 => {
                let m = match pending.take() {
                    Some((_, Kind::Multi)) => return None,
                    Some((v, _)) => v,
                    None if e == 1 && n == 0 => k,
                    None => return None,
                };
                if e >= last_small {
                    return None;
                }
                sec = sec.checked_add(m.checked_mul(pow(e)?)?)?;
                last_small = e;
                last_unit = Some(e);
                zero = false;
            }
            Tok::Unit(e) => {
                let m = match pending.take() {
                    None => 0,
                    // `三千五万`: a shortened digit before a big unit.
                    Some((_, Kind::Digit)) if last_small < 4 && last_small > 1 && !zero => {
                        return None;
                    }
                    Some((_, Kind::Multi | Kind::Decimal)) if sec > 0 => return None,
                    Some((v, _)) => v,
                };
                let below = if e == 4 { sec } else { wan.checked_add(sec)? };
                let v = below.checked_add(m)?;
                let taken = if e == 4 { wan } else { total };
                if v == 0 || taken != 0 {
                    return None;
                }
                let v = v.checked_mul(pow(e)?)?;
                if e == 4 {
                    wan = v;
                } else {
                    total = v;
                    wan = 0;
                }
                sec = 0;
                last_small = 4;
                last_unit = Some(e);
                zero = false;
            }
        }
    }
    let tail = match pending {
        None => 0,
        Some((v, Kind::Digit)) => {
            let last = last_unit?;
            if zero || last == 1 {
                v
            } else {
                v.checked_mul(pow(last - 1)?)?
            }
        }
        Some((v, Kind::Multi)) => {
            let last = last_unit?;
            if last < 4 || last_small < 4 || v >= pow(last)?.checked_mul(k)? {
                return None;
            }
            v
        }
        Some((_, Kind::Decimal)) => return None,
    };
    let sum = total
        .checked_add(wan)?
        .checked_add(sec)?
        .checked_add(tail)?;
    (sum > 0 && sum % k == 0).then(|| sum / k)
}

/// The variant pass over a folded text: `[[variant]]` replacements (leftmost-longest,
/// boundary-checked), numeral runs to digits and thousands separators dropped. `None` when
/// nothing changes. Unchanged stretches are copied in bulk once the emitter is back in step
/// with the source (after a Han or other non-word, non-separator character); the characters
/// right after a change go through the emitter so the context rules hold around it.
pub(super) fn pass2(t: &Tables, src: &Folded) -> Option<Folded> {
    let text = src.text.as_str();
    let bytes = text.as_bytes();
    let variants = t.variants.as_ref();
    if let Some(dirty) = &src.dirty
        && !change_near(t, src, dirty)
    {
        return None;
    }
    let start = if src.dirty.is_some() {
        0
    } else {
        src.first_trigger
    };
    let mut next_match = variants
        .filter(|_| start <= text.len())
        .and_then(|v| v.find(t, text, start));
    if next_match.is_none() && !src.saw_numeral && !src.saw_digit_comma {
        return None;
    }
    let mut out = Copier {
        e: None,
        src,
        done: 0,
        dirty: Vec::new(),
        dirty_from: None,
    };
    let scan_numbers = src.saw_numeral || src.saw_digit_comma;
    let mut i = 0;
    // The previous number run ended in 1 to 3 ASCII digits (a comma after it may be dropped).
    let mut after_clean_digits = false;
    while i < text.len() {
        if let (Some(m), Some(v)) = (next_match, variants)
            && m.start() == i
        {
            let e = out.emitter(t, i);
            if let Some(rep) = v.reps.get(m.pattern().as_usize()) {
                if rep.charwise {
                    for ((j, _), c) in text[m.range()].char_indices().zip(rep.to.chars()) {
                        e.push(c, src.span(m.start() + j));
                    }
                } else {
                    let span = (src.span(m.start()).0, src.span(m.end() - 1).1);
                    for c in rep.to.chars() {
                        e.push(c, span);
                    }
                }
            }
            i = m.end();
            out.done = i;
            next_match = variants.and_then(|v| v.find(t, text, i));
            after_clean_digits = false;
            continue;
        }
        if !scan_numbers {
            // Only variants can change the text: go to the next match.
            i = next_match.map_or(text.len(), |m| m.start());
            continue;
        }
        let b = bytes[i];
        let numeralish = b.is_ascii_digit()
            || ((0xE3..=0xE9).contains(&b)
                && match han_at(bytes, i) {
                    Some(cp) => t.han_info(cp) & han::NUMERAL != 0,
                    None => char_at(text, i).is_some_and(|c| t.flags(c) & flag::NUMERAL != 0),
                });
        if numeralish {
            let limit = next_match.map_or(text.len(), |m| m.start());
            let num = number_run(t, text, i, limit);
            if let Some(digits) = num.value {
                let e = out.emitter(t, i);
                let span = (src.span(i).0, src.span(num.end - 1).1);
                for d in digits.chars() {
                    e.push(d, span);
                }
                out.done = num.end;
                after_clean_digits = digits.len() <= 3;
            } else {
                // Not a number with units: runs of digits and numerals in it convert as before.
                after_clean_digits = false;
                let mut k = i;
                while k < num.end {
                    let run = numeral_run(t, text, k, num.end);
                    if run.chars == 0 {
                        k += char_at(text, k).map_or(1, char::len_utf8);
                        after_clean_digits = false;
                        continue;
                    }
                    let convert = run.has_han && run.chars >= t.min_run;
                    if convert {
                        let e = out.emitter(t, k);
                        for (j, d) in text[k..run.end].char_indices() {
                            let digit = t.numeral(d).map_or(d, char::from);
                            e.push(digit, src.span(k + j));
                        }
                        out.done = run.end;
                    }
                    after_clean_digits = (convert || !run.has_han) && run.chars <= 3;
                    k = run.end;
                }
            }
            i = num.end;
            continue;
        }
        if b == b',' && after_clean_digits {
            let limit = next_match.map_or(text.len(), |m| m.start());
            let run = numeral_run(t, text, i + 1, limit);
            let becomes_digits = !run.has_han || run.chars >= t.min_run;
            if run.chars == 3 && becomes_digits {
                out.emitter(t, i);
                i += 1;
                out.done = i;
                continue;
            }
        }
        after_clean_digits = false;
        i += utf8_len(b);
    }
    out.e.as_ref()?;
    out.copy(text.len());
    out.close_dirty();
    let dirty = std::mem::take(&mut out.dirty);
    out.e.map(|e| {
        let mut folded = e.finish();
        folded.saw_numeral |= src.saw_numeral;
        folded.saw_digit_comma |= src.saw_digit_comma;
        folded.dirty = Some(dirty);
        folded
    })
}

/// Whether a variant pass could change `src` near the `dirty` ranges left by the previous
/// pass (anywhere else the previous pass already found nothing to do). Conservative.
fn change_near(t: &Tables, src: &Folded, dirty: &[(usize, usize)]) -> bool {
    let text = src.text.as_str();
    let pad = t.variants.as_ref().map_or(0, |v| v.max_len) + 8;
    for &(a, b) in dirty {
        let mut lo = a.saturating_sub(pad).min(text.len());
        while !text.is_char_boundary(lo) {
            lo -= 1;
        }
        let mut hi = b.saturating_add(pad).min(text.len());
        while !text.is_char_boundary(hi) {
            hi += 1;
        }
        if let Some(v) = &t.variants
            && v.find_within(t, text, lo, hi).is_some()
        {
            return true;
        }
        // A comma, or a Han numeral or unit (numbers with units read the whole run).
        for c in text[lo..hi].chars() {
            if c == ',' || t.flags(c) & flag::NUMERAL != 0 {
                return true;
            }
        }
    }
    false
}

/// Length of the UTF-8 sequence that starts with byte `b`.
#[inline]
fn utf8_len(b: u8) -> usize {
    match b {
        0..0xC0 => 1,
        0xC0..0xE0 => 2,
        0xE0..0xF0 => 3,
        _ => 4,
    }
}

/// The output of [`pass2`], created at the first change.
struct Copier<'s, 't> {
    e: Option<Emitter<'t>>,
    src: &'s Folded,
    /// Source bytes before this offset are in the output.
    done: usize,
    /// Output byte ranges that differ from the source.
    dirty: Vec<(usize, usize)>,
    /// Start of the dirty range being written.
    dirty_from: Option<usize>,
}

impl<'t> Copier<'_, 't> {
    /// The emitter, with the source copied up to `upto`.
    fn emitter(&mut self, t: &'t Tables, upto: usize) -> &mut Emitter<'t> {
        let capacity = self.src.text.len() + 16;
        self.e.get_or_insert_with(|| Emitter::new(t, capacity));
        self.copy(upto);
        let e = self.e.get_or_insert_with(|| Emitter::new(t, capacity));
        if self.dirty_from.is_none() {
            let word = e.word.map_or(usize::MAX, |w| w.start);
            let run = e.run_start.unwrap_or(usize::MAX);
            self.dirty_from = Some(e.text.len().min(word).min(run));
        }
        e
    }

    fn close_dirty(&mut self) {
        if let (Some(from), Some(e)) = (self.dirty_from.take(), self.e.as_ref()) {
            self.dirty.push((from, e.text.len()));
        }
    }

    /// Copy the source from `done` to `upto` into the emitter.
    fn copy(&mut self, upto: usize) {
        let Some(e) = self.e.as_mut() else {
            return;
        };
        let text = self.src.text.as_str();
        let mut k = self.done;
        // A fresh emitter is in step with the source; after a change, the characters go
        // through the emitter until one leaves it in a state the source also had there.
        if !(k == 0 && e.text.is_empty()) {
            while k < upto {
                let Some(c) = char_at(text, k) else {
                    break;
                };
                let flags = e.t.flags(c);
                e.push_flags(c, flags, self.src.span(k));
                k += c.len_utf8();
                if matches!(class_from_flags(flags), Class::Han | Class::Other) {
                    break;
                }
            }
        }
        if k < upto {
            if let Some(from) = self.dirty_from.take() {
                self.dirty.push((from, e.text.len()));
            }
            e.copy_in_step(&text[k..upto], &self.src.map[k..upto]);
        }
        self.done = upto;
    }
}

impl Folded {
    /// The source span of byte `i` (an empty span past the end).
    #[inline]
    fn span(&self, i: usize) -> Span {
        self.map.get(i).copied().unwrap_or_default()
    }
}
