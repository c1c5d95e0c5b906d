//! From the words Tesseract found in a screenshot to the messages it shows, in order.
//!
//! 1. Words are grouped into the lines Tesseract gives (block, paragraph, line), each with its
//!    box; noise words (an avatar read as `|` or `口` at a line's edge) are dropped.
//! 2. Chrome is dropped: the status bar (time, network, battery) by its place at the top of a
//!    portrait screen and by its look anywhere, and the app's own words (微信, 发送, 按住说话,
//!    time separators) from the data in `screen.toml`.
//! 3. Lines are grouped into bubbles: a line continues the bubble above it when the gap
//!    between them is less than 1.5 line heights and its left edge lines up with the
//!    bubble's (wrapped text starts at the same place).
//! 4. A bubble's lines are joined with no space between two Han characters (a wrapped line
//!    must not cut a literal) and one space elsewhere, and OCR confusions are folded.
//!
//! Pure: no I/O, no Tesseract; tests give it words by hand.

use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

/// Block, paragraph and line number of a word.
pub type LineKey = (u32, u32, u32);

/// One word as Tesseract's TSV gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// Block, paragraph and line number: the line the word is on.
    pub line: LineKey,
    /// Left edge, in pixels.
    pub left: i32,
    /// Top edge.
    pub top: i32,
    /// Width.
    pub width: i32,
    /// Height.
    pub height: i32,
    /// Tesseract's confidence, 0–100.
    pub conf: f32,
    /// The text.
    pub text: String,
}

/// Lines whose middle lies in the top `STATUS_BAND` of a portrait screenshot (taller than
/// 1.5 × its width) are the phone's status bar and the app's title bar.
pub const STATUS_BAND: f32 = 0.085;
/// Lines whose middle lies in the bottom band of a portrait screenshot and hold at most
/// [`BOTTOM_BAND_CHARS`] characters are the app's input bar.
pub const BOTTOM_BAND: f32 = 0.07;
/// See [`BOTTOM_BAND`].
pub const BOTTOM_BAND_CHARS: usize = 6;
/// Lines Tesseract is less sure of than this (mean word confidence, 0–100) are dropped: what
/// it reads in a picture, an avatar or noise.
pub const MIN_LINE_CONFIDENCE: f32 = 40.0;
/// A word of one or two characters at a line's edge, in a box taller than this many tenths
/// of the page's median word height, is an avatar read as a character.
pub const AVATAR_HEIGHT: i32 = 18;
/// At most this many messages are taken from one screenshot.
pub const MAX_MESSAGES: usize = 60;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Data {
    chrome: Chrome,
    fold: Fold,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Chrome {
    lines: Vec<String>,
    patterns: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Fold {
    phrases: Vec<(String, String)>,
    digits: Vec<(String, String)>,
}

/// The data of `screen.toml`, compiled.
#[derive(Debug)]
struct Screen {
    chrome_lines: Vec<String>,
    chrome: Regex,
    phrases: Vec<(String, String)>,
    digits: Vec<(char, char)>,
}

const DATA: &str = include_str!("screen.toml");

fn compile(src: &str) -> Result<Screen, String> {
    let data: Data = toml::from_str(src).map_err(|e| format!("screen.toml: {e}"))?;
    let alternatives: Vec<String> = data
        .chrome
        .patterns
        .iter()
        .map(|p| format!("(?:{p})"))
        .collect();
    let chrome = Regex::new(&format!("^(?:{})$", alternatives.join("|")))
        .map_err(|e| format!("screen.toml [chrome] patterns: {e}"))?;
    let mut phrases = data.fold.phrases;
    if let Some((from, _)) = phrases.iter().find(|(f, _)| f.is_empty()) {
        return Err(format!("screen.toml [fold] phrases: empty key {from:?}"));
    }
    phrases.sort_by_key(|p| std::cmp::Reverse(p.0.chars().count()));
    let mut digits = Vec::new();
    for (from, to) in &data.fold.digits {
        let (mut f, mut t) = (from.chars(), to.chars());
        match (f.next(), f.next(), t.next(), t.next()) {
            (Some(a), None, Some(d), None) if d.is_ascii_digit() && !a.is_ascii_digit() => {
                digits.push((a, d));
            }
            _ => {
                return Err(format!(
                    "screen.toml [fold] digits: {from:?} -> {to:?} is not one character to one digit"
                ));
            }
        }
    }
    Ok(Screen {
        chrome_lines: data
            .chrome
            .lines
            .iter()
            .map(|l| squeeze(l).to_lowercase())
            .collect(),
        chrome,
        phrases,
        digits,
    })
}

fn screen() -> &'static Screen {
    static SCREEN: OnceLock<Screen> = OnceLock::new();
    SCREEN.get_or_init(|| compile(DATA).unwrap_or_else(|e| panic!("{e}")))
}

/// Checks the embedded data (a test runs it).
///
/// # Errors
/// The first problem found in `screen.toml`.
pub fn check_data() -> Result<(), String> {
    compile(DATA).map(|_| ())
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Han characters and full-width punctuation: no space is put next to them when words join.
fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60)
}

fn join(a: &mut String, b: &str) {
    let (Some(x), Some(y)) = (a.chars().last(), b.chars().next()) else {
        a.push_str(b);
        return;
    };
    if !(is_wide(x) || is_wide(y)) {
        a.push(' ');
    }
    a.push_str(b);
}

/// One recognised line.
#[derive(Debug, Clone)]
struct Line {
    left: i32,
    top: i32,
    bottom: i32,
    text: String,
}

/// A word that is an avatar or an icon read as a letter, when it stands at a line's edge.
fn is_edge_noise(text: &str) -> bool {
    text.chars().count() <= 2
        && text.chars().all(|c| {
            matches!(
                c,
                '|' | '｜' | '口' | '°' | '·' | '•' | '◎' | '☺' | '[' | ']'
            )
        })
}

fn lines_of(words: &[Word]) -> Vec<Line> {
    let mut heights: Vec<i32> = words
        .iter()
        .filter(|w| !w.text.trim().is_empty() && w.conf >= 0.0)
        .map(|w| w.height)
        .collect();
    heights.sort_unstable();
    let text_h = heights.get(heights.len() / 2).copied().unwrap_or(0);
    // An avatar (a square picture beside a bubble) read as a character: one or two
    // characters in a box much taller than the page's text.
    let is_avatar = |w: &Word| {
        text_h > 0 && w.text.trim().chars().count() <= 2 && w.height * 10 > text_h * AVATAR_HEIGHT
    };
    let mut grouped: Vec<(LineKey, Vec<&Word>)> = Vec::new();
    for w in words {
        let text = w.text.trim();
        if text.is_empty() || w.conf < 0.0 {
            continue;
        }
        match grouped.last_mut() {
            Some((key, ws)) if *key == w.line => ws.push(w),
            _ => grouped.push((w.line, vec![w])),
        }
    }
    let mut lines = Vec::new();
    for (_, mut ws) in grouped {
        while ws
            .first()
            .is_some_and(|w| is_edge_noise(w.text.trim()) || is_avatar(w))
        {
            ws.remove(0);
        }
        while ws
            .last()
            .is_some_and(|w| is_edge_noise(w.text.trim()) || is_avatar(w))
        {
            ws.pop();
        }
        let Some(first) = ws.first() else { continue };
        let chars: usize = ws.iter().map(|w| w.text.trim().chars().count()).sum();
        let conf: f32 = ws
            .iter()
            .map(|w| w.conf * w.text.trim().chars().count() as f32)
            .sum::<f32>()
            / chars.max(1) as f32;
        if conf < MIN_LINE_CONFIDENCE {
            continue;
        }
        let mut text = String::new();
        let (mut top, mut bottom) = (first.top, first.top + first.height);
        for w in &ws {
            join(&mut text, w.text.trim());
            top = top.min(w.top);
            bottom = bottom.max(w.top + w.height);
        }
        lines.push(Line {
            left: first.left,
            top,
            bottom,
            text,
        });
    }
    lines.sort_by_key(|l| (l.top, l.left));
    lines
}

fn is_chrome(text: &str, screen: &Screen) -> bool {
    let key = squeeze(text).to_lowercase();
    key.is_empty() || screen.chrome_lines.contains(&key) || screen.chrome.is_match(&key)
}

/// Whether a recognised line from `top` to `bottom` of a `width` × `height` screenshot is
/// the phone's or the app's (status bar, title, input bar, time separators, app words).
#[must_use]
pub fn is_chrome_line(text: &str, top: i32, bottom: i32, width: u32, height: u32) -> bool {
    let portrait = height as f32 > 1.5 * width as f32;
    let h = height as f32;
    let band = h.min(2.4 * width as f32);
    let middle = (top + bottom) as f32 / 2.0;
    if portrait && middle < STATUS_BAND * band {
        return true;
    }
    if portrait
        && middle > h - BOTTOM_BAND * band
        && squeeze(text).chars().count() <= BOTTOM_BAND_CHARS
    {
        return true;
    }
    is_chrome(text, screen())
}

/// The messages a screenshot of `width` × `height` pixels shows, top to bottom, from the
/// words Tesseract found in it.
#[must_use]
pub fn messages(words: &[Word], width: u32, height: u32) -> Vec<String> {
    let screen = screen();
    let lines: Vec<Line> = lines_of(words)
        .into_iter()
        .filter(|l| !is_chrome_line(&l.text, l.top, l.bottom, width, height))
        .collect();
    let mut heights: Vec<i32> = lines.iter().map(|l| l.bottom - l.top).collect();
    heights.sort_unstable();
    let line_h = heights.get(heights.len() / 2).copied().unwrap_or(40).max(8);

    let mut bubbles: Vec<(Line, String)> = Vec::new();
    for line in lines {
        let continues = bubbles.last().is_some_and(|(last, _)| {
            let gap = line.top - last.bottom;
            gap < line_h * 3 / 2 && (line.left - last.left).abs() <= line_h
        });
        if continues && let Some((last, text)) = bubbles.last_mut() {
            join(text, &line.text);
            last.bottom = line.bottom;
            last.top = line.top;
        } else {
            let text = line.text.clone();
            bubbles.push((line, text));
        }
    }
    bubbles
        .into_iter()
        .map(|(_, text)| fold(&text, screen))
        .filter(|t| !t.trim().is_empty())
        .take(MAX_MESSAGES)
        .collect()
}

/// Folds OCR confusions in recognised text (see `screen.toml`, `[fold]`).
#[must_use]
pub fn fold_confusions(text: &str) -> String {
    fold(text, screen())
}

fn fold(text: &str, screen: &Screen) -> String {
    let mut s = text.to_owned();
    for (from, to) in &screen.phrases {
        if s.contains(from.as_str()) {
            s = s.replace(from.as_str(), to);
        }
    }
    let chars: Vec<char> = s.chars().collect();
    let digit_at = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let as_digit = screen.digits.iter().find(|(a, _)| *a == c).map(|(_, d)| *d);
        let inside = i > 0 && digit_at(i - 1) && digit_at(i + 1);
        let edge = (i >= 2
            && digit_at(i - 1)
            && digit_at(i - 2)
            && !chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()))
            || (digit_at(i + 1) && digit_at(i + 2) && (i == 0 || !chars[i - 1].is_alphanumeric()));
        match as_digit {
            Some(d) if inside || (edge && c != 'i' && c != 's' && c != 'g') => out.push(d),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
