//! QR codes in photos users forward: a scammer's "scan this to join the
//! meeting" code carries the link the text of the message does not.
//!
//! [`decode_qr`] is pure and synchronous, and safe on hostile input: it checks
//! the byte size, then the dimensions in the image header, before any pixel is
//! decoded, gives the image decoder its own allocation limits against
//! decompression bombs, and never panics (the QR decoder runs under
//! `catch_unwind`). The caller runs it on a blocking thread with a time limit.
//!
//! The decoder is `rqrr`, chosen by measurement against `rxing`: see the
//! "QR decoding" section of BENCHMARKS.md and `benches/qr.rs`.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use image::{DynamicImage, GrayImage, ImageReader};

/// What an image may cost before it is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageLimits {
    /// Largest encoded image accepted, in bytes.
    pub max_bytes: usize,
    /// Largest width × height accepted, read from the header before decoding.
    pub max_pixels: u64,
    /// Largest width or height accepted.
    pub max_side: u32,
    /// At most this many distinct payloads are returned.
    pub max_codes: usize,
    /// Each payload is cut to at most this many bytes (on a char boundary).
    pub max_payload_bytes: usize,
}

impl Default for ImageLimits {
    fn default() -> Self {
        Self {
            max_bytes: 10 * 1024 * 1024,
            max_pixels: 40_000_000,
            max_side: 12_000,
            max_codes: 16,
            max_payload_bytes: 4096,
        }
    }
}

/// Why an image was not read. The messages never contain image content.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("image is {size} bytes, over the limit of {max}")]
    TooLarge { size: usize, max: usize },
    #[error("image is {width}x{height} pixels, over the limit")]
    TooManyPixels { width: u32, height: u32 },
    #[error("unsupported image format")]
    Unsupported,
    #[error("corrupt image: {0}")]
    Corrupt(String),
}

/// Images whose long side is above this are box-downscaled for the first
/// detection pass (a 4000×3000 phone photo goes from ~1 s to ~0.1 s); the
/// full resolution is tried only when that pass finds nothing.
const DETECT_SIDE: u32 = 2048;
/// The full-resolution fallback of a downscaled image is skipped above this
/// many pixels: the caller's time limit would end it anyway.
const FULL_RES_FALLBACK_PIXELS: u64 = 16_000_000;
/// Images whose long side is at most this get a 2× upscaled second pass when
/// the first finds nothing (modules of 1–2 px in a small thumbnail).
const UPSCALE_SIDE: u32 = 1024;

/// Finds and decodes every QR code in a JPEG, PNG or WebP image.
///
/// Returns the payloads as text (invalid UTF-8 replaced), each cut to
/// `max_payload_bytes`, deduplicated in the order found, at most `max_codes`.
/// An image without a readable code gives an empty list.
pub fn decode_qr(bytes: &[u8], limits: &ImageLimits) -> Result<Vec<String>, ImageError> {
    let luma = decode_luma(bytes, limits)?;
    Ok(qr_of_luma(&luma, limits))
}

/// Every QR payload of an image already decoded to luma (see [`decode_qr`]).
#[must_use]
pub fn qr_of_luma(luma: &GrayImage, limits: &ImageLimits) -> Vec<String> {
    let (width, height) = luma.dimensions();
    let long_side = width.max(height);

    let first = if long_side > DETECT_SIDE {
        find_codes(&downscale(luma, long_side.div_ceil(DETECT_SIDE)))
    } else {
        find_codes(luma)
    };
    let mut raw = first;
    if raw.is_empty() {
        if long_side > DETECT_SIDE {
            if u64::from(width) * u64::from(height) <= FULL_RES_FALLBACK_PIXELS {
                raw = find_codes(luma);
            }
        } else if long_side <= UPSCALE_SIDE {
            raw = find_codes(&upscale2(luma));
        }
    }
    collect_payloads(raw, limits)
}

/// Checks size and header dimensions, then decodes the pixels to 8-bit luma.
///
/// # Errors
/// The image is over a limit, not JPEG, PNG or WebP, or corrupt.
pub fn decode_luma(bytes: &[u8], limits: &ImageLimits) -> Result<GrayImage, ImageError> {
    if bytes.len() > limits.max_bytes {
        return Err(ImageError::TooLarge {
            size: bytes.len(),
            max: limits.max_bytes,
        });
    }
    let reader = guessed_reader(bytes)?;
    let (width, height) = reader.into_dimensions().map_err(map_image_error)?;
    if width == 0 || height == 0 {
        return Err(ImageError::Corrupt("image has no pixels".to_owned()));
    }
    let pixels = u64::from(width) * u64::from(height);
    if width > limits.max_side || height > limits.max_side || pixels > limits.max_pixels {
        return Err(ImageError::TooManyPixels { width, height });
    }

    let mut reader = guessed_reader(bytes)?;
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_side);
    image_limits.max_image_height = Some(limits.max_side);
    // 16-bit RGBA is 8 bytes a pixel: the most any supported format needs.
    image_limits.max_alloc = Some(pixels.saturating_mul(8).saturating_add(1 << 20));
    reader.limits(image_limits);
    let decoded = catch_unwind(AssertUnwindSafe(move || reader.decode()))
        .map_err(|_| ImageError::Corrupt("image decoder failed".to_owned()))?;
    let image = decoded.map_err(map_image_error)?;
    if image.width() != width || image.height() != height {
        return Err(ImageError::Corrupt(
            "decoded size differs from the header".to_owned(),
        ));
    }
    Ok(to_luma(image))
}

fn guessed_reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, ImageError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| ImageError::Corrupt("unreadable image header".to_owned()))?;
    match reader.format() {
        Some(image::ImageFormat::Jpeg | image::ImageFormat::Png | image::ImageFormat::WebP) => {
            Ok(reader)
        }
        _ => Err(ImageError::Unsupported),
    }
}

fn map_image_error(error: image::ImageError) -> ImageError {
    match error {
        image::ImageError::Unsupported(_) => ImageError::Unsupported,
        image::ImageError::Limits(_) => {
            ImageError::Corrupt("image exceeds decoder limits".to_owned())
        }
        image::ImageError::IoError(_) => ImageError::Corrupt("image data is truncated".to_owned()),
        _ => ImageError::Corrupt("image data is invalid".to_owned()),
    }
}

fn to_luma(image: DynamicImage) -> GrayImage {
    match image {
        DynamicImage::ImageLuma8(luma) => luma,
        other => other.to_luma8(),
    }
}

/// Box-averages `factor`×`factor` blocks (edges average what they have).
fn downscale(luma: &GrayImage, factor: u32) -> GrayImage {
    let factor = factor.max(1);
    let (width, height) = luma.dimensions();
    let (out_w, out_h) = (width.div_ceil(factor), height.div_ceil(factor));
    let src = luma.as_raw();
    let row = width as usize;
    let mut out = Vec::with_capacity(out_w as usize * out_h as usize);
    for oy in 0..out_h {
        let y0 = oy * factor;
        let y1 = (y0 + factor).min(height);
        for ox in 0..out_w {
            let x0 = ox * factor;
            let x1 = (x0 + factor).min(width);
            let mut sum = 0u32;
            for y in y0..y1 {
                let start = y as usize * row;
                sum += src[start + x0 as usize..start + x1 as usize]
                    .iter()
                    .map(|&p| u32::from(p))
                    .sum::<u32>();
            }
            let count = (y1 - y0) * (x1 - x0);
            out.push(u8::try_from(sum / count).unwrap_or(u8::MAX));
        }
    }
    GrayImage::from_raw(out_w, out_h, out).unwrap_or_default()
}

/// Doubles both sides with bilinear interpolation.
pub(crate) fn upscale2(luma: &GrayImage) -> GrayImage {
    let (width, height) = luma.dimensions();
    image::imageops::resize(
        luma,
        width * 2,
        height * 2,
        image::imageops::FilterType::Triangle,
    )
}

/// Every code the decoder reads in one luma image, as text (invalid UTF-8
/// replaced). A panic inside the decoder counts as "nothing found".
fn find_codes(luma: &GrayImage) -> Vec<String> {
    catch_unwind(AssertUnwindSafe(|| {
        let (width, height) = (luma.width() as usize, luma.height() as usize);
        let raw = luma.as_raw();
        let mut prepared =
            rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| raw[y * width + x]);
        prepared
            .detect_grids()
            .into_iter()
            .filter_map(|grid| {
                let mut payload = Vec::new();
                grid.decode_to(&mut payload).ok()?;
                Some(String::from_utf8_lossy(&payload).into_owned())
            })
            .collect::<Vec<_>>()
    }))
    .unwrap_or_default()
}

/// Text, cut to the payload limit, deduplicated, at most `max_codes`.
fn collect_payloads(raw: Vec<String>, limits: &ImageLimits) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for text in raw {
        if out.len() >= limits.max_codes {
            break;
        }
        let text = truncate_on_char_boundary(text, limits.max_payload_bytes);
        if !text.is_empty() && !out.contains(&text) {
            out.push(text);
        }
    }
    out
}

fn truncate_on_char_boundary(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_keeps_whole_chars() {
        assert_eq!(truncate_on_char_boundary("aé".to_owned(), 2), "a");
        assert_eq!(truncate_on_char_boundary("abc".to_owned(), 3), "abc");
        assert_eq!(truncate_on_char_boundary("日本".to_owned(), 4), "日");
    }

    #[test]
    fn payloads_are_deduplicated_and_capped() {
        let limits = ImageLimits {
            max_codes: 2,
            ..ImageLimits::default()
        };
        let raw = ["a", "a", "b", "c"].map(String::from).to_vec();
        assert_eq!(collect_payloads(raw, &limits), vec!["a", "b"]);
    }

    #[test]
    fn downscale_averages_blocks() {
        let luma = GrayImage::from_raw(3, 1, vec![0, 200, 90]).unwrap_or_default();
        let small = downscale(&luma, 2);
        assert_eq!(small.as_raw(), &vec![100, 90]);
    }
}
