//! Phone screenshots rendered at test time, in Noto Sans CJK (Debian's `fonts-noto-cjk`): a
//! WeChat-style chat with bubbles, status bar, title bar and input bar; an SMS thread; a long
//! scrolling capture; a photo of a screen taken at an angle, blurred and JPEG-compressed.
//! Nothing rendered here is committed: every test draws its own images from its own texts.

use std::io::Cursor;
use std::sync::OnceLock;

use ab_glyph::{FontVec, PxScale};
use image::{ImageFormat, Rgb, RgbImage};
use imageproc::drawing::{draw_filled_rect_mut, draw_text_mut, text_size};
use imageproc::rect::Rect;

/// Where Debian's `fonts-noto-cjk` puts the Sans collection.
pub const NOTO_CJK: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

/// Which face of the collection: Simplified or Traditional Chinese glyph forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Noto Sans CJK SC (index 2 of the collection).
    Simplified,
    /// Noto Sans CJK TC (index 3).
    Traditional,
}

/// Characters of `a` and `b` (spaces and punctuation ignored) that an edit distance leaves
/// in common, as a share of the longer: 1.0 is the same text.
pub fn similarity(a: &str, b: &str) -> f64 {
    let keep = |s: &str| -> Vec<char> {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let (a, b) = (keep(a), keep(b));
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    1.0 - prev[b.len()] as f64 / a.len().max(b.len()) as f64
}

/// Tesseract with `chi_sim`, `chi_tra` and `eng`, when it and the font are installed. Else
/// `None`, said on stderr (the caller skips), or a failure when `SCAMGUARD_REQUIRE_OCR` is
/// set, as CI sets it.
#[must_use]
pub fn tesseract_or_skip() -> Option<scamguard::media::ocr::Tesseract> {
    let t = scamguard::media::ocr::Tesseract::probe(std::path::Path::new("tesseract"), None)
        .ok()
        .filter(|t| {
            ["chi_sim", "chi_tra", "eng"]
                .iter()
                .all(|l| t.languages.iter().any(|x| x == l))
        })
        .filter(|_| font_available());
    if t.is_none() {
        assert!(
            std::env::var_os("SCAMGUARD_REQUIRE_OCR").is_none(),
            "SCAMGUARD_REQUIRE_OCR is set but Tesseract (chi_sim, chi_tra, eng) or {NOTO_CJK} is missing"
        );
        eprintln!("SKIPPED: tesseract with chi_sim+chi_tra+eng, or {NOTO_CJK}, is not installed");
    }
    t
}

/// Whether the font is installed; tests that render say they are skipped when it is not.
#[must_use]
pub fn font_available() -> bool {
    std::path::Path::new(NOTO_CJK).exists()
}

fn font(script: Script) -> &'static FontVec {
    static SC: OnceLock<FontVec> = OnceLock::new();
    static TC: OnceLock<FontVec> = OnceLock::new();
    let (cell, index) = match script {
        Script::Simplified => (&SC, 2),
        Script::Traditional => (&TC, 3),
    };
    cell.get_or_init(|| {
        let data = std::fs::read(NOTO_CJK)
            .unwrap_or_else(|e| panic!("{NOTO_CJK}: {e} (apt-get install fonts-noto-cjk)"));
        FontVec::try_from_vec_and_index(data, index).expect("Noto Sans CJK collection")
    })
}

/// One thing shown in a chat.
#[derive(Debug, Clone)]
pub enum Item {
    /// A message bubble: `mine` on the right (green), else on the left (white) with an avatar.
    Bubble { text: String, mine: bool },
    /// A time separator in the middle ("昨天 14:20").
    Time(String),
}

/// A message from the other party.
#[must_use]
pub fn theirs(text: &str) -> Item {
    Item::Bubble {
        text: text.to_owned(),
        mine: false,
    }
}

/// A message from the phone's owner.
#[must_use]
pub fn mine(text: &str) -> Item {
    Item::Bubble {
        text: text.to_owned(),
        mine: true,
    }
}

/// Screen width of the phone, in pixels.
pub const WIDTH: u32 = 1080;
/// Screen height of the phone, in pixels (a capture grows beyond it when its content does).
pub const HEIGHT: u32 = 2400;

const TEXT_PX: f32 = 40.0;
const LINE_PX: i32 = 56;
const PAD: i32 = 26;
const MAX_TEXT_W: i32 = 660;
const AVATAR: i32 = 96;

/// Breaks `text` into lines at most `max_w` pixels wide: between any two Han characters, and
/// between words elsewhere.
fn wrap(text: &str, font: &FontVec, scale: PxScale, max_w: i32) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    for c in text.chars() {
        let wide = (c as u32) >= 0x2E80;
        match tokens.last_mut() {
            Some(last) if !wide && c != ' ' && !last.ends_with(' ') && !is_wide_str(last) => {
                last.push(c);
            }
            Some(last) if c == ' ' && !is_wide_str(last) => last.push(c),
            _ => tokens.push(c.to_string()),
        }
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    for t in tokens {
        let candidate = format!("{line}{t}");
        if !line.is_empty() && text_size(scale, font, candidate.trim_end()).0 as i32 > max_w {
            lines.push(line.trim_end().to_owned());
            line = t.trim_start().to_owned();
        } else {
            line = candidate;
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_owned());
    }
    lines
}

fn is_wide_str(s: &str) -> bool {
    s.chars().next().is_some_and(|c| (c as u32) >= 0x2E80)
}

fn text(img: &mut RgbImage, color: [u8; 3], x: i32, y: i32, px: f32, font: &FontVec, s: &str) {
    draw_text_mut(img, Rgb(color), x, y, PxScale::from(px), font, s);
}

fn rect(img: &mut RgbImage, color: [u8; 3], x: i32, y: i32, w: i32, h: i32) {
    if w > 0 && h > 0 {
        draw_filled_rect_mut(img, Rect::at(x, y).of_size(w as u32, h as u32), Rgb(color));
    }
}

/// `s` centred across the screen's width, its top at `y`.
fn centred(img: &mut RgbImage, color: [u8; 3], y: i32, px: f32, font: &FontVec, s: &str) {
    let (tw, _) = text_size(PxScale::from(px), font, s);
    text(
        img,
        color,
        (img.width() as i32 - tw as i32) / 2,
        y,
        px,
        font,
        s,
    );
}

/// Width and height of a bubble holding `lines`.
fn bubble_size(lines: &[String], font: &FontVec) -> (i32, i32) {
    let scale = PxScale::from(TEXT_PX);
    let text_w = lines
        .iter()
        .map(|l| text_size(scale, font, l).0 as i32)
        .max()
        .unwrap_or(0);
    (text_w + 2 * PAD, lines.len() as i32 * LINE_PX + 2 * PAD)
}

/// A bubble of `fill` at (`x`, `y`) with `lines` in `ink`; returns its height.
fn bubble(
    img: &mut RgbImage,
    (fill, ink): ([u8; 3], [u8; 3]),
    x: i32,
    y: i32,
    lines: &[String],
    font: &FontVec,
) -> i32 {
    let (bw, bh) = bubble_size(lines, font);
    rect(img, fill, x, y, bw, bh);
    for (i, l) in lines.iter().enumerate() {
        text(
            img,
            ink,
            x + PAD,
            y + PAD + i as i32 * LINE_PX,
            TEXT_PX,
            font,
            l,
        );
    }
    bh
}

/// The status bar at the top of every phone screen: time, network and battery.
fn status_bar(img: &mut RgbImage, font: &FontVec, bg: [u8; 3]) {
    let w = img.width() as i32;
    rect(img, bg, 0, 0, w, 90);
    text(img, [20, 20, 20], 48, 22, 36.0, font, "9:41");
    text(img, [20, 20, 20], w - 250, 22, 34.0, font, "5G 87%");
    rect(img, [20, 20, 20], w - 96, 30, 56, 28);
}

/// A WeChat-style chat screenshot: status bar, title bar with the contact's name, the items,
/// and the input bar. At least [`HEIGHT`] tall, taller when the items need it.
#[must_use]
pub fn chat(title: &str, items: &[Item], script: Script) -> RgbImage {
    let font = font(script);
    let scale = PxScale::from(TEXT_PX);
    // Lay out first, to know the height.
    let mut placed: Vec<(i32, &Item, Vec<String>)> = Vec::new();
    let mut y = 230;
    for item in items {
        match item {
            Item::Time(_) => {
                placed.push((y, item, Vec::new()));
                y += 80;
            }
            Item::Bubble { text, .. } => {
                let lines = wrap(text, font, scale, MAX_TEXT_W);
                let h = (lines.len() as i32 * LINE_PX + 2 * PAD).max(AVATAR);
                placed.push((y, item, lines));
                y += h + 44;
            }
        }
    }
    let height = (y + 200).max(HEIGHT as i32) as u32;
    let mut img = RgbImage::from_pixel(WIDTH, height, Rgb([237, 237, 237]));
    let w = WIDTH as i32;
    status_bar(&mut img, font, [237, 237, 237]);
    // Title bar: back arrow, the contact's name, the menu.
    text(&mut img, [30, 30, 30], 36, 112, 48.0, font, "<");
    centred(&mut img, [30, 30, 30], 116, 40.0, font, title);
    text(&mut img, [30, 30, 30], w - 90, 104, 48.0, font, "...");
    rect(&mut img, [214, 214, 214], 0, 200, w, 2);
    for (top, item, lines) in &placed {
        match item {
            Item::Time(t) => centred(&mut img, [160, 160, 160], *top + 16, 30.0, font, t),
            Item::Bubble { mine, .. } => {
                let (bw, _) = bubble_size(lines, font);
                let (avatar_x, bubble_x, fill) = if *mine {
                    (w - 30 - AVATAR, w - 30 - AVATAR - 24 - bw, [149, 236, 105])
                } else {
                    (30, 30 + AVATAR + 24, [255, 255, 255])
                };
                let avatar = if *mine {
                    [90, 140, 200]
                } else {
                    [200, 150, 90]
                };
                rect(&mut img, avatar, avatar_x, *top, AVATAR, AVATAR);
                bubble(&mut img, (fill, [25, 25, 25]), bubble_x, *top, lines, font);
            }
        }
    }
    // Input bar: voice button, the field, emoji and "+".
    let bar = height as i32 - 170;
    rect(&mut img, [246, 246, 246], 0, bar, w, 170);
    rect(&mut img, [255, 255, 255], 130, bar + 30, w - 360, 90);
    text(&mut img, [60, 60, 60], 40, bar + 46, 44.0, font, "◎");
    text(&mut img, [60, 60, 60], w - 200, bar + 46, 44.0, font, "☺");
    text(&mut img, [60, 60, 60], w - 100, bar + 40, 56.0, font, "+");
    img
}

/// An SMS thread: the sender's number as the title, grey bubbles on a white screen, a date
/// line, and the text field at the bottom.
#[must_use]
pub fn sms(sender: &str, date: &str, messages: &[&str], script: Script) -> RgbImage {
    let font = font(script);
    let scale = PxScale::from(TEXT_PX);
    let mut img = RgbImage::from_pixel(WIDTH, HEIGHT, Rgb([255, 255, 255]));
    let w = WIDTH as i32;
    status_bar(&mut img, font, [255, 255, 255]);
    centred(&mut img, [0, 0, 0], 120, 44.0, font, sender);
    rect(&mut img, [220, 220, 220], 0, 210, w, 2);
    centred(&mut img, [140, 140, 140], 250, 30.0, font, date);
    let mut y = 330;
    for m in messages {
        let lines = wrap(m, font, scale, 760);
        let bh = bubble(&mut img, ([233, 233, 235], [0, 0, 0]), 40, y, &lines, font);
        y += bh + 50;
    }
    let bar = HEIGHT as i32 - 150;
    rect(&mut img, [245, 245, 245], 0, bar, w, 150);
    text(&mut img, [150, 150, 150], 60, bar + 50, 36.0, font, "短信");
    img
}

/// A photo of `screen` taken with a camera: the screen at an angle on a dark desk, in a
/// 1280×960 frame, slightly blurred, then JPEG-compressed at `quality`.
#[must_use]
pub fn photo_of_screen(screen: &RgbImage, quality: u8) -> Vec<u8> {
    use imageproc::geometric_transformations::{Interpolation, Projection, warp_into};
    let (sw, sh) = (screen.width() as f32, screen.height() as f32);
    // The screen's corners land on a skewed quadrilateral that keeps the screen's aspect, as
    // when a phone on a desk is photographed from slightly to one side.
    let from = [(0.0, 0.0), (sw, 0.0), (sw, sh), (0.0, sh)];
    let h = 880.0_f32;
    let w = h * sw / sh;
    let (x0, y0) = ((1280.0 - w) / 2.0, 40.0);
    let to = [
        (x0 + 10.0, y0),
        (x0 + w + 20.0, y0 + 30.0),
        (x0 + w, y0 + h),
        (x0 - 15.0, y0 + h - 15.0),
    ];
    let projection = Projection::from_control_points(from, to).expect("a proper quadrilateral");
    let mut out = RgbImage::from_pixel(1280, 960, Rgb([40, 38, 36]));
    warp_into(
        screen,
        &projection,
        Interpolation::Bilinear,
        Rgb([40, 38, 36]),
        &mut out,
    );
    let blurred = image::imageops::blur(&out, 0.8);
    jpeg(&blurred, quality)
}

/// A screen photographed head-on but at full phone resolution: the same screenshot as JPEG.
#[must_use]
pub fn jpeg(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    enc.encode_image(img).expect("JPEG encoding");
    out
}

/// PNG bytes of `img`.
#[must_use]
pub fn png(img: &RgbImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png)
        .expect("PNG encoding");
    out.into_inner()
}
