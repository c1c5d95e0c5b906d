//! Latin evasion folds, applied to the folded text (lowercase, whitespace collapsed): English
//! words written so that a keyword filter misses them.
//!
//! 1. **Spelled-out letters**: single ASCII letters separated by the same gap (a run of 1 to 3
//!    of [`SPACED_SEPARATORS`]) join into one word: `s h a r e your screen` -> `share your
//!    screen`, `a.n.y.d.e.s.k` -> `anydesk`, `g i f t c a r d` -> `giftcard`. A run joins when
//!    it has 4 letters or more, or 3 that spell a word of [`SPACED_SHORT_WORDS`] (`o t p`), so
//!    `I am a student`, `A B testing`, `u r a star` stay. A run whose gap is not only spaces
//!    (`j. r. r. tolkien`, `x-y-z-axis`, `u.s.a.gov`) joins only when every token chained to
//!    it by that gap is a single letter: initials before a name, and parts of an address,
//!    stay. One gap throughout: `s h a r e y o u r` joins to `shareyour`.
//! 2. **Digits for letters**: a token of ASCII letters, digits and inner `@` / `$` that, read
//!    with [`LEET`] (`0`->o, `1`->i or l, `3`->e, `4`->a, `5`->s, `7`->t, `@`->a, `$`->s),
//!    spells exactly a word of [`LEET_WORDS`], and has at least two letters and no fewer
//!    letters than stand-in characters, becomes that word: `g1ft`, `c0de`, `am4zon`, `p@ypal`,
//!    `0tp`, `verif1cation`. Nothing else changes: `4g`, `mp3`, `b2b`, `iphone15`, amounts,
//!    dates, phone numbers and codes read as no listed word.
//! 3. **Split names**: the two parts of a [`COMPOUNDS`] entry separated by 1 to 3 of
//!    [`COMPOUND_SEPARATORS`] join: `any desk`, `any-desk`, `team viewer` -> `anydesk`,
//!    `teamviewer`.
//!
//! A word is a run of letters and digits of any script but Han (and the combining marks on
//! them), as in the rest of the normalizer; Han characters, spaces and punctuation bound it.
//! No fold touches a token *attached* to a neighbouring word by one of [`ADDRESS_JOINERS`]
//! (`paypa1.com`, `any-desk.com`, `s h a r e.com`, `j0hn@amaz0n`), so a fold never turns a
//! look-alike web or e-mail address into the real one, nor assembles one.
//!
//! Every output letter maps to the original span of the character it replaces; dropped gaps
//! leave no trace in the map, so the map stays exact and non-decreasing.

use super::fold::Span;
use super::tables::{
    ADDRESS_JOINERS, COMPOUND_SEPARATORS, COMPOUNDS, Class, LEET, LEET_WORDS, SPACED_SEPARATORS,
    SPACED_SHORT_WORDS, Tables,
};

/// Maximal length in bytes of the gap between spelled-out letters or between compound parts.
const MAX_GAP: usize = 3;

/// Apply the three folds to `text` (with its per-byte `map`). `None` when nothing changes.
pub(super) fn fold(t: &Tables, text: &str, map: &[Span]) -> Option<(String, Vec<Span>)> {
    // Every fold needs an ASCII letter next to a gap, a digit or a stand-in symbol.
    if !text.bytes().any(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut cur: Option<(String, Vec<Span>)> = None;
    for stage in [spaced as Stage, leet, compounds] {
        let (s, m) = cur
            .as_ref()
            .map_or((text, map), |(s, m)| (s.as_str(), m.as_slice()));
        if let Some(next) = stage(t, s, m) {
            cur = Some(next);
        }
    }
    cur
}

type Stage = fn(&Tables, &str, &[Span]) -> Option<(String, Vec<Span>)>;

/// An output under construction: the text with edits at increasing offsets.
struct Out<'a> {
    src: &'a str,
    map: &'a [Span],
    text: String,
    out_map: Vec<Span>,
    /// Source bytes before this offset are written.
    done: usize,
    changed: bool,
}

impl<'a> Out<'a> {
    fn new(src: &'a str, map: &'a [Span]) -> Self {
        Self {
            src,
            map,
            text: String::new(),
            out_map: Vec::new(),
            done: 0,
            changed: false,
        }
    }

    /// Copy the source up to `to`. The output is allocated at the first edit, so a stage that
    /// changes nothing allocates nothing.
    fn copy(&mut self, to: usize) {
        if self.out_map.capacity() == 0 {
            self.text.reserve(self.src.len());
            self.out_map.reserve(self.map.len());
        }
        if to > self.done {
            self.text.push_str(&self.src[self.done..to]);
            self.out_map.extend_from_slice(&self.map[self.done..to]);
            self.done = to;
        }
    }

    /// Write ASCII byte `b` for the source byte at `at` (an ASCII character).
    fn put(&mut self, b: u8, at: usize) {
        self.changed = true;
        self.text.push(char::from(b));
        self.out_map.push(self.map[at]);
    }

    fn finish(mut self) -> Option<(String, Vec<Span>)> {
        if !self.changed {
            return None;
        }
        self.copy(self.src.len());
        Some((self.text, self.out_map))
    }
}

/// A letter or digit of a script other than Han, or a combining mark: part of a word.
fn is_word(t: &Tables, c: char) -> bool {
    matches!(t.class(c), Class::Word | Class::Mark)
}

fn char_before(s: &str, i: usize) -> Option<char> {
    s[..i].chars().next_back()
}

fn char_after(s: &str, i: usize) -> Option<char> {
    s[i..].chars().next()
}

/// The token ending at `start` (exclusive) is joined to a word before it by an address
/// joiner (`x.` + token).
fn attached_before(t: &Tables, s: &str, start: usize) -> bool {
    match char_before(s, start) {
        Some(p) if ADDRESS_JOINERS.contains(p) => {
            char_before(s, start - p.len_utf8()).is_some_and(|c| is_word(t, c))
        }
        _ => false,
    }
}

/// The token ending at `end` is joined to a word after it by an address joiner.
fn attached_after(t: &Tables, s: &str, end: usize) -> bool {
    match char_after(s, end) {
        Some(q) if ADDRESS_JOINERS.contains(q) => {
            char_after(s, end + q.len_utf8()).is_some_and(|c| is_word(t, c))
        }
        _ => false,
    }
}

/// A single ASCII letter at byte `i`, not part of a longer word.
fn single_letter(t: &Tables, s: &str, i: usize) -> bool {
    s.as_bytes().get(i).is_some_and(u8::is_ascii_alphabetic)
        && char_before(s, i).is_none_or(|c| !is_word(t, c))
        && char_after(s, i + 1).is_none_or(|c| !is_word(t, c))
}

/// The gap after byte `i`: the run (at most [`MAX_GAP`] bytes) of separator bytes there.
fn gap_at(s: &str, i: usize, seps: &str) -> usize {
    s.as_bytes()[i..]
        .iter()
        .take(MAX_GAP + 1)
        .take_while(|&&b| seps.as_bytes().contains(&b))
        .count()
}

/// Fold 1: spelled-out letters.
fn spaced(t: &Tables, s: &str, map: &[Span]) -> Option<(String, Vec<Span>)> {
    let bytes = s.as_bytes();
    let mut out = Out::new(s, map);
    let mut i = 0;
    while i < bytes.len() {
        if !single_letter(t, s, i) {
            i += 1;
            continue;
        }
        // The chain of single letters from `i` with one gap throughout.
        let mut letters = vec![i];
        let mut gap: Option<&str> = None;
        loop {
            let last = letters[letters.len() - 1];
            let g = gap_at(s, last + 1, SPACED_SEPARATORS);
            if g == 0 || g > MAX_GAP {
                break;
            }
            let this = &s[last + 1..last + 1 + g];
            let next = last + 1 + g;
            if gap.is_some_and(|x| x != this) || !single_letter(t, s, next) {
                break;
            }
            gap = Some(this);
            letters.push(next);
        }
        let end = letters[letters.len() - 1] + 1;
        let word: String = letters.iter().map(|&k| char::from(bytes[k])).collect();
        let long_enough =
            letters.len() >= 4 || (letters.len() == 3 && SPACED_SHORT_WORDS.contains(&&*word));
        let join = long_enough
            && gap.is_some_and(|g| {
                // A gap with punctuation in it must not also chain the run to a longer word.
                let strict = g.bytes().any(|b| b != b' ');
                !(strict
                    && (s[..i].ends_with(g)
                        && char_before(s, i - g.len()).is_some_and(|c| is_word(t, c))
                        || s[end..].starts_with(g)
                            && char_after(s, end + g.len()).is_some_and(|c| is_word(t, c))))
            })
            && !attached_before(t, s, i)
            && !attached_after(t, s, end);
        if join {
            out.copy(i);
            for &k in &letters {
                out.put(bytes[k], k);
            }
            out.done = end;
        }
        i = end;
    }
    out.finish()
}

/// What `b` may stand for, if it is a [`LEET`] character.
fn leet_of(b: u8) -> Option<&'static [u8]> {
    LEET.iter().find(|(k, _)| *k == b).map(|(_, v)| *v)
}

/// The [`LEET_WORDS`] entry `token` reads as, if any.
fn leet_word(token: &[u8]) -> Option<&'static str> {
    let (mut letters, mut stand_ins) = (0, 0);
    for &b in token {
        if b.is_ascii_lowercase() {
            letters += 1;
        } else if leet_of(b).is_some() {
            stand_ins += 1;
        } else {
            return None;
        }
    }
    if stand_ins == 0 || letters < 2 || letters < stand_ins {
        return None;
    }
    LEET_WORDS.iter().copied().find(|w| {
        w.len() == token.len()
            && w.bytes()
                .zip(token)
                .all(|(k, &b)| k == b || leet_of(b).is_some_and(|v| v.contains(&k)))
    })
}

/// Fold 2: digits and symbols standing for letters.
fn leet(t: &Tables, s: &str, map: &[Span]) -> Option<(String, Vec<Span>)> {
    let bytes = s.as_bytes();
    let part = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'@' || b == b'$';
    let mut out = Out::new(s, map);
    let mut i = 0;
    while i < bytes.len() {
        if !part(bytes[i]) || char_before(s, i).is_some_and(|c| is_word(t, c)) {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < bytes.len() && part(bytes[end]) {
            end += 1;
        }
        // `@` and `$` count only inside the token.
        let (mut a, mut b) = (i, end);
        while a < b && matches!(bytes[a], b'@' | b'$') {
            a += 1;
        }
        while b > a && matches!(bytes[b - 1], b'@' | b'$') {
            b -= 1;
        }
        if a < b
            && char_after(s, end).is_none_or(|c| !is_word(t, c))
            && !attached_before(t, s, a)
            && !attached_after(t, s, b)
            && let Some(w) = leet_word(&bytes[a..b])
        {
            out.copy(a);
            for (k, c) in (a..b).zip(w.bytes()) {
                out.put(c, k);
            }
            out.done = b;
        }
        i = end;
    }
    out.finish()
}

/// The ASCII word at `i`: its end, when `s[i..]` starts with `word` and no word character
/// follows it.
fn word_at(t: &Tables, s: &str, i: usize, word: &str) -> Option<usize> {
    let end = i + word.len();
    (s[i..].starts_with(word) && char_after(s, end).is_none_or(|c| !is_word(t, c))).then_some(end)
}

/// Fold 3: names split in two.
fn compounds(t: &Tables, s: &str, map: &[Span]) -> Option<(String, Vec<Span>)> {
    let bytes = s.as_bytes();
    let mut out = Out::new(s, map);
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_lowercase() || char_before(s, i).is_some_and(|c| is_word(t, c)) {
            i += 1;
            continue;
        }
        let found = COMPOUNDS.iter().find_map(|&(first, second)| {
            let mid = word_at(t, s, i, first)?;
            let g = gap_at(s, mid, COMPOUND_SEPARATORS);
            if g == 0 || g > MAX_GAP {
                return None;
            }
            let end = word_at(t, s, mid + g, second)?;
            (!attached_before(t, s, i) && !attached_after(t, s, end)).then_some((mid, mid + g, end))
        });
        match found {
            Some((mid, second, end)) => {
                out.copy(mid);
                out.changed = true;
                out.done = second;
                out.copy(end);
                i = end;
            }
            None => {
                // Step over the rest of this word.
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                    i += 1;
                }
            }
        }
    }
    out.finish()
}
