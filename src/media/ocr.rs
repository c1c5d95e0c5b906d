//! Text in screenshots, read by Tesseract.
//!
//! Tesseract runs as its own process (the `tesseract` program of Debian's `tesseract-ocr`),
//! not linked into the bot, for three reasons:
//! - a hostile image that crashes Tesseract or Leptonica ends that process, never the bot;
//! - a read that overruns its time limit is killed, and its core is free again at once (a
//!   linked call cannot be stopped: its thread would run on after the timeout);
//! - the binary runs on a machine without Tesseract, and finds out at start
//!   ([`Tesseract::probe`]) whether screenshots can be read.
//!
//! The image Tesseract gets is never the user's file: it is decoded here first (with the
//! limits of [`crate::media::qr::decode_luma`]), turned to grey, scaled, and handed over as
//! a plain PGM on standard input. Nothing is written to disk; nothing read is logged.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use image::GrayImage;

use super::layout::{self, Word};
use crate::i18n::Lang;
use crate::text::is_han;

/// Longest a read may take before its process is killed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
/// Most bytes of Tesseract output read (a 1080×2400 chat gives about 30 KB).
const MAX_OUTPUT: usize = 8 * 1024 * 1024;
/// Images with a long side up to this are doubled before reading: a phone screenshot sent as
/// a Telegram photo arrives at 1280 pixels, with text too small for Tesseract.
const UPSCALE_UP_TO: u32 = 1600;
/// Images with a long side above this are halved (repeatedly) before reading.
const DOWNSCALE_ABOVE: u32 = 4800;
/// Screens darker than this on average are in dark mode (light text): inverted first.
const DARK_MEAN: u64 = 110;
/// At most this share (percent) of a dark-mode screen is light (text).
const LIGHT_SHARE_OF_DARK_MODE: u64 = 15;
/// Grey levels from this up (at most; lower on a dim photo) are background, made white.
const WHITE_FROM: u32 = 170;
/// Width of the ramp below the background level on which greys fade to white.
const RAMP: u32 = 40;
/// A read whose mean confidence is below this is tried again with the other Chinese script,
/// when there is time left and that script is installed; the second read is taken when its
/// confidence is at least [`RETRY_MARGIN`] higher. (Confidence alone does not tell the
/// scripts apart: the Traditional model reads Simplified text with about the same
/// confidence, and worse; so the chat's language decides, and this is for reads that failed.)
const RETRY_BELOW: f32 = 65.0;
/// A line with no Han character read below this confidence is read again with the Chinese
/// model alone: a mixed read sometimes takes a Chinese line for English.
const SUSPECT_BELOW: f32 = 75.0;
/// See [`RETRY_BELOW`].
const RETRY_MARGIN: f32 = 10.0;

/// Why a screenshot could not be read. Messages never contain what the image shows.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    /// Tesseract did not finish within its time limit and was killed.
    #[error("OCR took longer than {0:?}: stopped")]
    Timeout(Duration),
    /// Tesseract could not be started or exited with an error.
    #[error("OCR failed: {0}")]
    Failed(String),
}

/// Tesseract, found and checked.
#[derive(Debug, Clone)]
pub struct Tesseract {
    program: PathBuf,
    tessdata: Option<PathBuf>,
    /// Installed languages (`eng`, `chi_sim`, `chi_tra`, …).
    pub languages: Vec<String>,
    /// Time limit of one read.
    pub timeout: Duration,
}

impl Tesseract {
    /// Runs `program --list-langs` to see that Tesseract is there and which languages it has.
    ///
    /// # Errors
    /// A sentence saying why screenshots cannot be read (not installed, or neither `eng` nor
    /// `chi_sim` installed).
    pub fn probe(program: &Path, tessdata: Option<&Path>) -> Result<Tesseract, String> {
        let mut cmd = Command::new(program);
        cmd.arg("--list-langs");
        if let Some(dir) = tessdata {
            cmd.arg("--tessdata-dir").arg(dir);
        }
        let out = run(cmd, None, Duration::from_secs(10))
            .map_err(|e| format!("{} cannot be run: {e}", program.display()))?;
        let languages: Vec<String> = String::from_utf8_lossy(&out)
            .lines()
            .skip_while(|l| !l.starts_with("List of available languages"))
            .skip(1)
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect();
        if !languages.iter().any(|l| l == "eng" || l == "chi_sim") {
            return Err(format!(
                "{} has neither eng nor chi_sim installed (found: {})",
                program.display(),
                languages.join(", ")
            ));
        }
        Ok(Tesseract {
            program: program.to_owned(),
            tessdata: tessdata.map(Path::to_owned),
            languages,
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// The Chinese model alone, for mending lines a mixed read got wrong (see
    /// [`read_screenshot`]); `None` for English chats or when it is not installed.
    fn chinese_only(&self, lang: Lang) -> Option<&'static str> {
        let l = match lang {
            Lang::ZhCn => "chi_sim",
            Lang::ZhTw => "chi_tra",
            Lang::En => return None,
        };
        self.has(l).then_some(l)
    }

    fn has(&self, lang: &str) -> bool {
        self.languages.iter().any(|l| l == lang)
    }

    /// The languages to read a screenshot in for a chat in `lang`: the chat's Chinese script
    /// first (Simplified unless the chat is in Traditional Chinese), English second, or
    /// English first for an English chat; only installed ones.
    #[must_use]
    pub fn languages_for(&self, lang: Lang) -> String {
        let order: &[&str] = match lang {
            Lang::ZhCn => &["chi_sim", "eng"],
            Lang::ZhTw => &["chi_tra", "eng"],
            Lang::En => &["eng", "chi_sim"],
        };
        let mut chosen: Vec<&str> = order.iter().copied().filter(|l| self.has(l)).collect();
        if chosen.is_empty() {
            chosen.push(if self.has("eng") { "eng" } else { "chi_sim" });
        }
        chosen.join("+")
    }

    /// The words Tesseract finds in `luma`, read in `languages` (as `chi_sim+eng`).
    ///
    /// # Errors
    /// Tesseract failed or overran `timeout`.
    pub fn words(
        &self,
        luma: &GrayImage,
        languages: &str,
        timeout: Duration,
    ) -> Result<Vec<Word>, OcrError> {
        let mut cmd = Command::new(&self.program);
        cmd.args([
            "stdin", "stdout", "-l", languages, "--psm", "4", "--dpi", "300",
        ]);
        if let Some(dir) = &self.tessdata {
            cmd.arg("--tessdata-dir").arg(dir);
        }
        cmd.arg("tsv");
        // One core per read: the bot runs one read per core at a time.
        cmd.env("OMP_THREAD_LIMIT", "1");
        let out = run(cmd, Some(pgm(luma)), timeout)?;
        Ok(parse_tsv(&String::from_utf8_lossy(&out)))
    }
}

/// What was read in a screenshot.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The messages, top to bottom.
    pub messages: Vec<String>,
    /// Mean confidence of the words read (0–100), weighted by their length.
    pub confidence: f32,
    /// The languages that gave this reading.
    pub languages: String,
}

/// Reads the messages of a screenshot (already decoded to grey) for a chat in `lang`: in the
/// chat's Chinese script with English, then again with the Chinese model alone for lines
/// the mixed read took for English with low confidence (their words are replaced), and
/// with the other script when the whole read failed.
///
/// # Errors
/// Tesseract failed or overran its time limit.
pub fn read_screenshot(t: &Tesseract, luma: &GrayImage, lang: Lang) -> Result<Reading, OcrError> {
    let started = Instant::now();
    let prepared = prepare(luma);
    let first_langs = t.languages_for(lang);
    let first = reading(t, &prepared, &first_langs, t.chinese_only(lang), t.timeout)?;
    let other = match lang {
        Lang::ZhTw => Lang::ZhCn,
        _ => Lang::ZhTw,
    };
    let other_langs = t.languages_for(other);
    let left = t.timeout.saturating_sub(started.elapsed());
    let han = first.messages.iter().any(|m| m.chars().any(is_han));
    if first.confidence < RETRY_BELOW
        && han
        && lang != Lang::En
        && other_langs != first_langs
        && left > started.elapsed()
        && let Ok(second) = reading(t, &prepared, &other_langs, t.chinese_only(other), left)
        && second.confidence >= first.confidence + RETRY_MARGIN
    {
        return Ok(second);
    }
    Ok(first)
}

fn reading(
    t: &Tesseract,
    luma: &GrayImage,
    languages: &str,
    chinese_only: Option<&'static str>,
    timeout: Duration,
) -> Result<Reading, OcrError> {
    let started = Instant::now();
    let mut words = t.words(luma, languages, timeout)?;
    if let Some(single) = chinese_only {
        let suspects = suspect_lines(&words, luma.width(), luma.height());
        let left = timeout.saturating_sub(started.elapsed());
        if !suspects.is_empty()
            && left > started.elapsed()
            && let Ok(again) = t.words(luma, single, left)
        {
            mend(&mut words, &suspects, &again);
        }
    }
    let (mut sum, mut weight) = (0.0_f32, 0.0_f32);
    for w in &words {
        let n = w.text.trim().chars().count() as f32;
        if n > 0.0 && w.conf >= 0.0 {
            sum += w.conf * n;
            weight += n;
        }
    }
    Ok(Reading {
        messages: layout::messages(&words, luma.width(), luma.height()),
        confidence: if weight > 0.0 { sum / weight } else { 0.0 },
        languages: languages.to_owned(),
    })
}

/// Lines that a mixed Chinese and English read took for English and got wrong: no Han
/// character, at least three letters or digits, mean confidence below [`SUSPECT_BELOW`].
/// Chrome (the status bar, the input bar), dropped anyway, is never a suspect. Returns each
/// one's line and vertical extent.
fn suspect_lines(words: &[Word], width: u32, height: u32) -> Vec<(layout::LineKey, i32, i32)> {
    /// One line as it is gathered from its words.
    struct Gathered {
        key: layout::LineKey,
        top: i32,
        bottom: i32,
        text: String,
        /// Confidence × letters and digits, summed; and the letters and digits.
        conf: f32,
        alnum: usize,
    }
    let mut lines: Vec<Gathered> = Vec::new();
    for w in words
        .iter()
        .filter(|w| !w.text.trim().is_empty() && w.conf >= 0.0)
    {
        let n = w.text.chars().filter(|c| c.is_alphanumeric()).count();
        let l = match lines.last_mut() {
            Some(l) if l.key == w.line => l,
            _ => {
                lines.push(Gathered {
                    key: w.line,
                    top: w.top,
                    bottom: w.top + w.height,
                    text: String::new(),
                    conf: 0.0,
                    alnum: 0,
                });
                lines.last_mut().expect("just pushed")
            }
        };
        l.top = l.top.min(w.top);
        l.bottom = l.bottom.max(w.top + w.height);
        if !l.text.is_empty() {
            l.text.push(' ');
        }
        l.text.push_str(w.text.trim());
        l.conf += w.conf * n as f32;
        l.alnum += n;
    }
    lines
        .into_iter()
        .filter(|l| {
            !l.text.chars().any(is_han)
                && l.alnum >= 3
                && l.conf / (l.alnum as f32) < SUSPECT_BELOW
                && !layout::is_chrome_line(&l.text, l.top, l.bottom, width, height)
        })
        .map(|l| (l.key, l.top, l.bottom))
        .collect()
}

/// Replaces the words of each suspect line with the words of `again` (a Chinese-only read)
/// whose middle lies within the line's extent, when that read found Han characters there.
fn mend(words: &mut Vec<Word>, suspects: &[(layout::LineKey, i32, i32)], again: &[Word]) {
    for &(key, top, bottom) in suspects {
        let mut found: Vec<Word> = again
            .iter()
            .filter(|w| {
                let middle = w.top + w.height / 2;
                !w.text.trim().is_empty() && middle >= top && middle <= bottom
            })
            .cloned()
            .collect();
        if !found.iter().any(|w| w.text.chars().any(is_han)) {
            continue;
        }
        found.sort_by_key(|w| w.left);
        for w in &mut found {
            w.line = key;
        }
        let Some(at) = words.iter().position(|w| w.line == key) else {
            continue;
        };
        words.retain(|w| w.line != key);
        let at = at.min(words.len());
        words.splice(at..at, found);
    }
}

/// The image Tesseract reads: dark mode turned light, every background (white, grey, a
/// coloured bubble) pushed to white, light greys faded
/// towards it, darker pixels (text) kept as they are, small images doubled, huge ones halved.
#[must_use]
pub fn prepare(luma: &GrayImage) -> GrayImage {
    let mut img = luma.clone();
    let mut histogram = [0u64; 256];
    for p in img.as_raw() {
        histogram[usize::from(*p)] += 1;
    }
    let total: u64 = histogram.iter().sum();
    let mean = histogram
        .iter()
        .enumerate()
        .map(|(v, n)| v as u64 * n)
        .sum::<u64>()
        .checked_div(total)
        .unwrap_or(255);
    let light: u64 = histogram[200..].iter().sum();
    // Dark mode: a dark screen with little light in it (its text). A photo of a light screen
    // on a dark desk is dark on average too, but a good part of it is light.
    if mean < DARK_MEAN && light * 100 < total * LIGHT_SHARE_OF_DARK_MODE {
        image::imageops::invert(&mut img);
        histogram.reverse();
    }
    // The background's brightness: the 90th percentile.
    let mut seen = 0;
    let mut p90 = 255u32;
    for (v, n) in histogram.iter().enumerate() {
        seen += n;
        if seen * 10 >= total * 9 {
            p90 = v as u32;
            break;
        }
    }
    let white = (p90 * 3 / 4).clamp(64, WHITE_FROM);
    erase_blocks(&mut img, white);
    // Greys just below the background (a time separator's light grey) fade to white on a
    // ramp; darker pixels (text, even blurred) stay as they are.
    let ramp_from = white.saturating_sub(RAMP);
    for p in img.iter_mut() {
        let v = u32::from(*p);
        if v >= white {
            *p = 255;
        } else if v > ramp_from {
            let t = v - ramp_from;
            *p = u8::try_from(v + (255 - v) * t / RAMP).unwrap_or(255);
        }
    }
    while img.width().max(img.height()) > DOWNSCALE_ABOVE {
        img = image::imageops::resize(
            &img,
            img.width().div_ceil(2),
            img.height().div_ceil(2),
            image::imageops::FilterType::Triangle,
        );
    }
    if img.width().max(img.height()) <= UPSCALE_UP_TO {
        img = super::qr::upscale2(&img);
    }
    img
}

/// Whitens solid blocks: avatars, pictures in the chat, the desk around a photographed
/// screen. A pixel darker than `white` is in a block when it lies on a row run of such pixels
/// at least `side` long, and on a column run of such row-run pixels at least `side` long,
/// with `side` a twentieth of the width (at least 24): taller than a line of text, whose
/// strokes never make a solid area, and smaller than an avatar. Without it Tesseract takes
/// a short bubble beside an avatar for part of a picture and skips it.
fn erase_blocks(img: &mut GrayImage, white: u32) {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let side = (w / 20).max(24);
    let mut on_run = vec![false; w * h];
    let raw = img.as_raw();
    for y in 0..h {
        let row = &raw[y * w..(y + 1) * w];
        let mut x = 0;
        while x < w {
            if u32::from(row[x]) >= white {
                x += 1;
                continue;
            }
            let start = x;
            while x < w && u32::from(row[x]) < white {
                x += 1;
            }
            if x - start >= side {
                on_run[y * w + start..y * w + x].fill(true);
            }
        }
    }
    let mut erase = vec![false; w * h];
    for x in 0..w {
        let mut y = 0;
        while y < h {
            if !on_run[y * w + x] {
                y += 1;
                continue;
            }
            let start = y;
            while y < h && on_run[y * w + x] {
                y += 1;
            }
            if y - start >= side {
                for yy in start..y {
                    erase[yy * w + x] = true;
                }
            }
        }
    }
    for (p, e) in img.iter_mut().zip(&erase) {
        if *e {
            *p = 255;
        }
    }
}

/// A binary PGM (P5) of `luma`: the simplest format Leptonica reads from memory.
fn pgm(luma: &GrayImage) -> Vec<u8> {
    let mut out = format!("P5\n{} {}\n255\n", luma.width(), luma.height()).into_bytes();
    out.extend_from_slice(luma.as_raw());
    out
}

/// Largest coordinate or size of a word's box that [`parse_tsv`] keeps (larger values are cut
/// to it): 2^20 pixels, 87 times the longest image side read.
pub const MAX_BOX: i32 = 1 << 20;

/// Tesseract's TSV: the word rows (level 5) with their line, box (each number cut to
/// `0..=MAX_BOX`), confidence and text.
#[must_use]
pub fn parse_tsv(tsv: &str) -> Vec<Word> {
    let mut words = Vec::new();
    for row in tsv.lines().skip(1) {
        let f: Vec<&str> = row.splitn(12, '\t').collect();
        if f.len() < 12 || f[0] != "5" {
            continue;
        }
        let num = |i: usize| f[i].trim().parse::<i64>().ok();
        let (Some(block), Some(par), Some(line)) = (num(2), num(3), num(4)) else {
            continue;
        };
        let (Some(left), Some(top), Some(width), Some(height)) = (num(6), num(7), num(8), num(9))
        else {
            continue;
        };
        // Tesseract's boxes are pixels of the image, so never negative and far below
        // `MAX_BOX`; clamping a hostile or corrupt row there keeps the sums and products of
        // the layout (`top + height`, `height * 10`) inside `i32`.
        let clamp = |v: i64| i32::try_from(v.clamp(0, i64::from(MAX_BOX))).unwrap_or(0);
        words.push(Word {
            line: (
                u32::try_from(block).unwrap_or(0),
                u32::try_from(par).unwrap_or(0),
                u32::try_from(line).unwrap_or(0),
            ),
            left: clamp(left),
            top: clamp(top),
            width: clamp(width),
            height: clamp(height),
            conf: f[10].trim().parse().unwrap_or(-1.0),
            text: f[11].to_owned(),
        });
    }
    words
}

/// Runs `cmd` with `input` on its standard input; returns its standard output. Killed after
/// `timeout`; at most [`MAX_OUTPUT`] bytes are kept.
fn run(mut cmd: Command, input: Option<Vec<u8>>, timeout: Duration) -> Result<Vec<u8>, OcrError> {
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    let mut child = cmd.spawn().map_err(|e| OcrError::Failed(e.to_string()))?;
    let writer = child.stdin.take().zip(input).map(|(mut stdin, bytes)| {
        std::thread::spawn(move || {
            // A process that stops reading (killed, or failed) ends the write with an error.
            let _ = stdin.write_all(&bytes);
        })
    });
    let reader = child.stdout.take().map(|stdout| {
        std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = stdout.take(MAX_OUTPUT as u64).read_to_end(&mut out);
            out
        })
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                if let Some(w) = writer {
                    let _ = w.join();
                }
                return Err(OcrError::Timeout(timeout));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(OcrError::Failed(e.to_string())),
        }
    };
    if let Some(w) = writer {
        let _ = w.join();
    }
    let out = reader.and_then(|r| r.join().ok()).unwrap_or_default();
    if !status.success() {
        return Err(OcrError::Failed(format!("tesseract exited with {status}")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_rows_become_words() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t1080\t2400\t-1\t\n\
                   5\t1\t4\t1\t1\t1\t177\t345\t64\t26\t96.67\t您好\n\
                   5\t1\t4\t1\t1\t2\t241\t341\t27\t42\t92.9\t，\n\
                   5\t1\tx\t1\t1\t2\t241\t341\t27\t42\t92.9\tbroken\n";
        let words = parse_tsv(tsv);
        assert_eq!(words.len(), 2);
        assert_eq!(words[0].line, (4, 1, 1));
        assert_eq!((words[0].left, words[0].top), (177, 345));
        assert_eq!(words[1].text, "，");
    }

    #[test]
    fn boxes_out_of_range_are_cut_and_lay_out_without_overflow() {
        // Found by fuzzing (fuzz/regressions/ocr/): `top + height` and `height * 10` in the
        // layout overflowed i32 on boxes near i32::MAX.
        let tsv = "level\n\
                   5\t1\t1\t1\t1\t1\t-9\t2147483647\t99999999999\t2147483000\t95\t恭喜\n\
                   5\t1\t1\t1\t1\t2\t10\t-2147483648\t40\t2147483647\t95\t中奖\n";
        let words = parse_tsv(tsv);
        assert_eq!(words.len(), 2);
        let w = &words[0];
        assert_eq!(
            (w.left, w.top, w.width, w.height),
            (0, MAX_BOX, MAX_BOX, MAX_BOX)
        );
        let w = &words[1];
        assert_eq!((w.left, w.top, w.width, w.height), (10, 0, 40, MAX_BOX));
        let _ = crate::media::layout::messages(&words, 1080, 2400);
    }

    #[test]
    fn small_images_are_doubled_and_huge_ones_halved() {
        assert_eq!(
            prepare(&GrayImage::new(576, 1280)).dimensions(),
            (1152, 2560)
        );
        assert_eq!(
            prepare(&GrayImage::new(1080, 2400)).dimensions(),
            (1080, 2400)
        );
        assert_eq!(
            prepare(&GrayImage::new(1000, 9000)).dimensions(),
            (500, 4500)
        );
    }

    #[test]
    fn backgrounds_turn_white_text_stays_dark_and_dark_mode_is_inverted() {
        // Light mode: white page (255), WeChat green bubble (195), a medium avatar (158),
        // text (25).
        let rows = [255, 255, 255, 255, 255, 255, 255, 195, 158, 25];
        let light = GrayImage::from_fn(4, 10, |_, y| image::Luma([rows[y as usize]]));
        let out = prepare(&light);
        let px = |x: u32, y: u32| out.get_pixel(x, y).0[0];
        // Doubled: pixel (x, y) of the input is (2x, 2y) of the output.
        assert_eq!(px(6, 2), 255, "white stays white");
        assert!(px(2 * 3, 2 * 7) >= 250, "the green bubble is background");
        assert!(px(2 * 3, 2 * 9 + 1) < 60, "text stays dark");
        // Dark mode: black page (0), light text (230).
        let dark = GrayImage::from_raw(1, 10, vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 230]).unwrap();
        let out = prepare(&dark);
        assert_eq!(out.get_pixel(0, 0).0[0], 255, "the dark page turns white");
        assert!(out.get_pixel(0, 19).0[0] < 60, "light text turns dark");
    }

    #[test]
    fn solid_blocks_are_erased_and_text_strokes_are_not() {
        let mut img = GrayImage::from_pixel(400, 300, image::Luma([255]));
        // An avatar: a 60×60 block of mid grey.
        for y in 20..80 {
            for x in 10..70 {
                img.put_pixel(x, y, image::Luma([120]));
            }
        }
        // A character's strokes: a 30-pixel horizontal bar and a 30-pixel vertical bar.
        for x in 200..230 {
            for y in 100..104 {
                img.put_pixel(x, y, image::Luma([20]));
            }
        }
        for y in 100..130 {
            for x in 214..218 {
                img.put_pixel(x, y, image::Luma([20]));
            }
        }
        erase_blocks(&mut img, 170);
        assert_eq!(img.get_pixel(40, 50).0[0], 255, "the avatar is erased");
        assert_eq!(img.get_pixel(215, 102).0[0], 20, "the stroke stays");
        assert_eq!(img.get_pixel(216, 120).0[0], 20, "the stroke stays");
    }

    fn word(line: u32, top: i32, conf: f32, text: &str) -> Word {
        Word {
            line: (line, 1, 1),
            left: 100,
            top,
            width: 40,
            height: 40,
            conf,
            text: text.into(),
        }
    }

    #[test]
    fn a_chinese_line_read_as_english_is_mended_from_the_chinese_read() {
        let mut words = vec![
            word(1, 400, 56.0, "Cot,"),
            word(1, 400, 0.0, "Ree,"),
            word(2, 500, 93.0, "了"),
            // A real English line, read with confidence: kept.
            word(3, 600, 91.0, "Hello"),
            // The status bar, read badly: chrome, dropped anyway, never read again.
            word(4, 20, 30.0, "5G 87%"),
        ];
        let suspects = suspect_lines(&words, 1080, 2400);
        assert_eq!(suspects, vec![((1, 1, 1), 400, 440)]);
        let again = vec![word(7, 402, 90.0, "您好"), word(8, 601, 40.0, "He11o")];
        mend(&mut words, &suspects, &again);
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, vec!["您好", "了", "Hello", "5G 87%"]);
        assert_eq!(words[0].line, (1, 1, 1));
    }

    #[test]
    fn pgm_header_and_pixels() {
        let img = GrayImage::from_raw(2, 1, vec![7, 9]).unwrap();
        assert_eq!(pgm(&img), b"P5\n2 1\n255\n\x07\x09".to_vec());
    }

    #[test]
    fn a_missing_program_is_a_sentence_not_a_panic() {
        let e = Tesseract::probe(Path::new("/nonexistent/tesseract"), None).unwrap_err();
        assert!(e.contains("/nonexistent/tesseract cannot be run"), "{e}");
    }

    #[test]
    fn a_process_over_its_time_limit_is_killed() {
        // Were it waited for instead of killed, this test would take ten minutes.
        let mut cmd = Command::new("sleep");
        cmd.arg("600");
        let e = run(cmd, None, Duration::from_millis(100)).unwrap_err();
        assert!(matches!(e, OcrError::Timeout(_)), "{e}");
    }

    #[test]
    fn languages_follow_the_chat_and_what_is_installed() {
        let t = Tesseract {
            program: "tesseract".into(),
            tessdata: None,
            languages: vec!["chi_sim".into(), "chi_tra".into(), "eng".into()],
            timeout: DEFAULT_TIMEOUT,
        };
        assert_eq!(t.languages_for(Lang::ZhCn), "chi_sim+eng");
        assert_eq!(t.languages_for(Lang::ZhTw), "chi_tra+eng");
        assert_eq!(t.languages_for(Lang::En), "eng+chi_sim");
        let only_eng = Tesseract {
            languages: vec!["eng".into()],
            ..t
        };
        assert_eq!(only_eng.languages_for(Lang::ZhTw), "eng");
    }
}
