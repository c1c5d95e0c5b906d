//! Text normalization: fold a message into the canonical form rules are written in, keeping a
//! map back to the original so evidence quotes the user's own text.
//!
//! [`normalize`] is applied to every message and to every rule literal, so both fold the same
//! way. The canonical form, in order of effect:
//!
//! 1. **NFKC**, per cluster (a character and the combining characters after it), so full-width
//!    letters, digits and punctuation become ASCII (`ＶＸ` -> `vx`, `，` -> `,`), `①` -> `1`,
//!    ligatures split, compatibility ideographs unify.
//! 2. **Lowercase** (`char::to_lowercase`).
//! 3. **Traditional -> Simplified**, character by character with the fast2s table (`帳戶` ->
//!    `帐户`). fast2s's few two-character exceptions (乾隆, 計畫) are not applied; the data file
//!    covers the ones rules care about.
//! 4. **`[chars]`** from `variants.toml`, looked up on the character as written and after the
//!    steps above: `。`, `、`, `…`, `⋯` -> `,`, curly quotes -> ASCII, `○` -> `〇`, dingbat
//!    digits `❶` -> `1`.
//! 5. **Invisible characters removed**: general category Cf (zero-width space/joiners, soft
//!    hyphen, bidi controls, BOM, tags), control characters other than whitespace, variation
//!    selectors, the combining grapheme joiner and Hangul fillers.
//! 6. **Whitespace** (including `\n` and `\t`) becomes a single ASCII space; leading and
//!    trailing whitespace is dropped. Line structure is not kept.
//! 7. **Separators between Han characters**: a run of whitespace, punctuation (ASCII, CJK,
//!    general punctuation), symbols (including emoji) and stray combining marks with a Han
//!    character on both sides is dropped when it holds no clause punctuation: `微 信`, `微-信`,
//!    `微.信`, `微*信`, `微|信`, `微❤️信`, `微 - 信` all fold to `微信`. **Clause punctuation**
//!    is `,` `!` `?` `;` `:` after steps 1 to 4, so also `，！？；：` and `。、…⋯`; a run that
//!    holds one or more of them becomes **one `,`**, the canonical clause boundary, mapped to
//!    the original marks: `说一下。注意` -> `说一下,注意` (so `下注` does not match across it),
//!    `妈，给我打钱` -> `妈,给我打钱`, `真的吗？！ 好` -> `真的吗,好`. Elsewhere punctuation is
//!    kept as it is after steps 1 to 4 (`hello, world!`, `https://`, `好的。ok` -> `好的,ok`).
//!    Separators next to Latin letters or digits are kept (`share your screen`, `a-b`, `1 2`).
//! 8. **Homoglyphs**: inside a word (letters and digits of non-Han scripts) that has an ASCII
//!    letter, Cyrillic and Greek look-alikes fold to Latin (`pаypal` with Cyrillic `а` ->
//!    `paypal`); words without an ASCII letter (Russian, Greek) are kept.
//! 9. **Variants** (`[[variant]]` in `variants.toml`), leftmost-longest: `薇信`, `威信`, `v信`,
//!    `vx`, `wx` -> `微信`; `扣扣`, `q q` -> `qq`; Taiwan vocabulary `螢幕` -> `屏幕`, `帳號` ->
//!    `账号`, `軟體` -> `软件`, `網路` -> `网络`, `簡訊` -> `短信`. Latin variants respect word
//!    boundaries: `vx` folds in `加vx123` and `vx:abc` but not in `vxworks`. A match whose
//!    boundary fails is skipped and the search goes on one character later.
//! 10. **Numerals**. A *number run* is a maximal run of ASCII digits (with one `.` between
//!     ASCII digits), Han numerals (`[numerals.digits]`: `〇零一二…九`, `幺`, `壹贰…玖`), units
//!     `十百千万亿` (and `拾佰仟`; Traditional `萬億` are Simplified by now) and `两` right
//!     before `百千万亿`. A run with a unit becomes its value in ASCII digits when it is a
//!     plain number:
//!     - it starts with a digit, a Han numeral or `两` (`六千` -> `6000`, `一百五十` -> `150`,
//!       `两万` -> `20000`, `一万元` -> `10000元`, `3万` -> `30000`, `一千万` -> `10000000`,
//!       `9千9百9十9` -> `9999`, `一千零五` -> `1005`), or it starts with `十` followed by a
//!       digit (`十五` -> `15`), by `万`/`亿` (`十万` -> `100000`), or stands alone before a
//!       measure word `倍元块圆个人天次年岁单笔张件位名号日月斤%` (`十倍` -> `10倍`); a `十`
//!       right after `几` or `数` (some tens) stays;
//!     - units come in order (`十百`, `万万` are not numbers); a multiplier of `十百千` is one
//!       digit; several Han digits side by side are an approximation and stay (`五六千`,
//!       `十五六万`, `三四十`) unless they are a digit run of 3 or more (`九九九九万`);
//!     - a digit after the last unit counts one unit lower, the spoken short form (`三千五` ->
//!       `3500`, `一万二` -> `12000`, `一百五` -> `150`), unless `零` came before it; ASCII
//!       digits after `万`/`亿` are the part below it (`3万5000` -> `35000`);
//!     - a decimal is allowed first and only before units, and must give a whole number
//!       (`1.5万` -> `15000`, `2.5千万` -> `25000000`; `1.23456万`, `1.5倍` stay).
//!
//!     Runs that start with another unit stay: `千万不要`, `万一`, `百分之`, `万事如意`, and so
//!     do `十分感谢`, `十全十美`, `几十万`; `一起`, `一下`, `一点`, `第一`, `三四个` have no
//!     unit. `一百分` -> `100分` and `一万个理由` -> `10000个理由` are numbers. Every digit of a
//!     converted number maps to the whole run. In runs that are not such numbers, and in runs
//!     without a unit, a stretch of 3 or more Han numerals and ASCII digits (with at least one
//!     numeral) becomes ASCII digits digit by digit (`九九九九` -> `9999`, `一三八` -> `138`).
//! 11. **Thousands separators**: a comma between a group of 1 to 3 digits (the start of the
//!     number, or a group after a dropped separator) and exactly three digits is dropped
//!     (`9,999,999` -> `9999999`, `9，999` -> `9999`, `1,000万` -> `10000000`; `1,2`, `1,2345`
//!     and `3000,500` stay). A clause comma is a comma too: `五百，三百` folds to `500300`,
//!     like `500,300` would.
//!
//! **Latin folds** (`src/text/latin.rs`, data in `tables.rs`) run after step 8, and again
//! after steps 9 to 11 when those changed the text: English words written to dodge keywords.
//! Letters spelled out with one gap throughout join (`s h a r e your screen` -> `share your
//! screen`, `a.n.y.d.e.s.k` -> `anydesk`; 4 letters or more, or 3 that spell a listed short
//! word such as `o t p`; `I am a student`, `A B testing`, `J. R. R. Tolkien` stay). A token
//! with digits or `@` `$` for letters folds only when it then reads exactly as a listed word
//! rules use (`g1ft` -> `gift`, `c0de` -> `code`, `p@ypal` -> `paypal`; `4g`, `mp3`, `b2b`,
//! `iphone15`, amounts and codes stay). Names split in two join (`any desk`, `team-viewer` ->
//! `anydesk`, `teamviewer`). None touches a token attached to a web or e-mail address
//! (`paypa1.com`, `any-desk.com` stay).
//!
//! Steps 6 to 8 also apply around every replacement of steps 9 to 11 (`你好 vx` -> `你好微信`),
//! and steps 9 to 11 run again (a bounded number of times) while they change the text, so
//! `normalize` is idempotent: `normalize(normalize(x)) == normalize(x)`.
//!
//! **Rule writers** therefore write literals lowercase, in mainland Simplified vocabulary, with
//! ASCII digits, ASCII punctuation and the canonical forms: `微信`, `qq`, `屏幕共享`, `验证码`,
//! `账户`, `9999`, `10000元` (not `一万元`). Separators between Han characters in a literal are
//! dropped or folded the same way, so a literal cannot require a space between two Chinese
//! words, and clause punctuation in it is `,` (`点赞、关注` is `点赞,关注`). A regex bounds a
//! clause with `[^,]` (`,` is the only clause mark left between Chinese characters), and
//! matches amounts as ASCII digits (`转账\d+元` also matches `转账六千元`). Windows count the
//! `,` and the digits of converted numbers.
//!
//! The offset map stores, for every byte of the folded text, the original byte range of the
//! character (or cluster) it came from (8 bytes per folded byte); a variant replacement maps
//! char by char when `from` and `to` have as many characters, else every output character maps
//! to the whole source of the match. Inputs longer than `u32::MAX` bytes are folded up to that
//! length.
//!
//! Cost: one pass over the message plus, when the message may contain a variant, one
//! Aho-Corasick scan; about 2 to 4 µs for a 200-character Chinese message in release mode. The
//! lookup tables are built on first use (about 10 ms); call `normalize("")` at start-up
//! to build them early.

mod fold;
mod latin;
mod tables;

#[cfg(test)]
mod tests;

use std::ops::Range;

use self::tables::TABLES;

/// A normalized message with a byte-offset map back to the original text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    text: String,
    /// For each byte of `text`, the original byte range `(start, end)` of the character or
    /// cluster it came from. Ranges never decrease along the text.
    map: Vec<(u32, u32)>,
    /// Length of the (possibly truncated) original, for empty ranges at the end.
    source_len: u32,
}

impl Normalized {
    /// The folded text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Byte range in the original text that produced `range` of the folded text, covering
    /// whole original characters. An empty range maps to the empty range where it sits; an
    /// out-of-bounds or reversed range maps to `0..0`. Never panics.
    #[must_use]
    pub fn original_range(&self, range: Range<usize>) -> Range<usize> {
        if range.start > range.end || range.end > self.map.len() {
            return 0..0;
        }
        if range.start == range.end {
            let at = self
                .map
                .get(range.start)
                .map_or(self.source_len, |&(start, _)| start) as usize;
            return at..at;
        }
        let start = self.map[range.start].0 as usize;
        let end = self.map[range.end - 1].1 as usize;
        start..end.max(start)
    }
}

/// Normalize `input` (see the [module documentation](self) for the steps). Never panics, for
/// any input.
#[must_use]
pub fn normalize(input: &str) -> Normalized {
    let input = clamp(input);
    let folded = fold::fold(&TABLES, input);
    Normalized {
        text: folded.text,
        map: folded.map,
        source_len: u32::try_from(input.len()).unwrap_or(u32::MAX),
    }
}

/// The longest prefix of `input` the `u32` offset map can address.
fn clamp(input: &str) -> &str {
    let max = u32::MAX as usize;
    if input.len() <= max {
        return input;
    }
    let mut end = max;
    while !input.is_char_boundary(end) {
        end -= 1;
    }
    &input[..end]
}

/// Whether `c` is a Han (CJK ideographic) character: `Script=Han`, which covers the unified
/// ideographs and their extensions, compatibility ideographs, radicals, `〇` and `々`. Kana,
/// Hangul and CJK punctuation are not Han.
#[must_use]
pub fn is_cjk(c: char) -> bool {
    TABLES.is_han(c)
}

/// The dominant script of a message, to pick a reply language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    /// Mostly Latin letters.
    Latin,
    /// Mostly Han characters, in Simplified Chinese.
    Simplified,
    /// Mostly Han characters, with Traditional-only characters.
    Traditional,
    /// Another script (Cyrillic, Japanese, Korean, ...), or no letters at all.
    Other,
}

/// Whether `c` is a Han character (CJK Unified Ideographs and Extension A).
#[must_use]
pub fn is_han(c: char) -> bool {
    tables::is_han_fast(c)
}

/// Guess the script of a message. Han characters weigh three letters each (a Chinese word is
/// one or two characters, an English word about five letters). A Han text is
/// [`Script::Traditional`] when at least one in twenty of its Han characters is one that
/// Traditional -> Simplified conversion changes. Kana make a text Japanese ([`Script::Other`])
/// once they are at least a fifth as many as its Han characters.
#[must_use]
pub fn script_hint(s: &str) -> Script {
    let t = &*TABLES;
    let (mut han, mut traditional, mut latin, mut kana, mut other) = (0usize, 0, 0, 0, 0);
    for c in s.chars() {
        if t.is_han(c) {
            han += 1;
            if t.t2s(c) != c {
                traditional += 1;
            }
        } else if matches!(u32::from(c), 0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9D) {
            kana += 1;
        } else if c.is_alphabetic() {
            let latin_letter = matches!(
                u32::from(c),
                0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A
            ) && c != '×'
                && c != '÷';
            if latin_letter {
                latin += 1;
            } else {
                other += 1;
            }
        }
    }
    let han_weight = han * 3;
    if han > 0 && kana * 5 < han && han_weight >= latin && han_weight >= other {
        return if traditional > 0 && traditional * 20 >= han {
            Script::Traditional
        } else {
            Script::Simplified
        };
    }
    let other = other + kana;
    if latin > 0 && latin >= other && latin >= han_weight {
        Script::Latin
    } else {
        Script::Other
    }
}
