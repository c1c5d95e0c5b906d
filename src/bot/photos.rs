//! Photos and image documents: download (size checked before and while downloading), then,
//! off the async runtime, decode once, read every QR code (with a time limit), and in private
//! chats read the screenshot's messages with Tesseract ([`crate::media::ocr`], its own process,
//! killed at its time limit). At most one decode or OCR per core; a full queue skips the image
//! rather than stall, and one user's screenshots are limited per minute. Runs before the
//! chat's turn is taken, so a slow image never holds up a chat. Images, payloads and
//! recognised text are never stored or logged: only their counts, sizes and a hash.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use dashmap::DashMap;

use futures_util::StreamExt;
use teloxide::prelude::*;
use teloxide::types::{FileId, Message};
use tokio::sync::Semaphore;

use super::handlers::{App, TgBot};
use super::send::{redact, with_retry};
use crate::i18n::Lang;
use crate::media::ocr::{self, Tesseract};
use crate::media::qr::{ImageLimits, decode_luma, qr_of_luma};

/// Longest a decode may take before the message goes on without it.
pub const DECODE_TIMEOUT: Duration = Duration::from_secs(8);
/// Images waiting for a decoder beyond which further images are skipped.
pub const MAX_QUEUED: usize = 32;
/// Screenshots read per user per minute, by default.
pub const OCR_PER_MINUTE: usize = 10;

/// The decoders: one per core, and a bounded queue in front of them.
#[derive(Debug)]
pub struct Decoders {
    permits: Arc<Semaphore>,
    queued: AtomicUsize,
    /// Limits checked before and during decoding.
    pub limits: ImageLimits,
    /// Whether photos are searched for QR codes at all (`media.qr`).
    pub enabled: bool,
    /// Tesseract, when screenshots are read (`media.ocr` on and Tesseract found at start).
    pub ocr: Option<Arc<Tesseract>>,
    /// Screenshots read per user per minute (`media.ocr_per_minute`).
    pub ocr_per_minute: usize,
    /// Recent screenshot reads per user, and whether the limit reply was sent this minute.
    recent: DashMap<i64, (VecDeque<tokio::time::Instant>, bool)>,
}

impl Default for Decoders {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Decoders {
            permits: Arc::new(Semaphore::new(cores)),
            queued: AtomicUsize::new(0),
            limits: ImageLimits::default(),
            enabled: true,
            ocr: None,
            ocr_per_minute: OCR_PER_MINUTE,
            recent: DashMap::new(),
        }
    }
}

/// What became of a screenshot's text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Screenshot {
    /// Not asked for: no image, not a private chat, or the image was over a limit.
    #[default]
    NotAsked,
    /// Screenshots are off on this server (no Tesseract).
    Off,
    /// The user is over the per-minute limit; `notify` once a minute.
    Limited {
        /// Whether to tell the user (the first image over the limit this minute).
        notify: bool,
    },
    /// The queue was full.
    Busy,
    /// The image could not be decoded or read.
    Failed,
    /// The messages read, top to bottom (possibly none).
    Read(Vec<String>),
}

/// What an image holds: its QR payloads and, when asked, its messages.
#[derive(Debug, Clone, Default)]
pub struct ImageText {
    /// QR payloads.
    pub qr: Vec<String>,
    /// The screenshot's messages.
    pub screenshot: Screenshot,
}

impl Decoders {
    /// Counts one screenshot of `user` at `now`: `None` when it may be read, else whether to
    /// tell the user (once per minute over the limit).
    fn over_limit(&self, user: i64, now: tokio::time::Instant) -> Option<bool> {
        let mut entry = self.recent.entry(user).or_default();
        let (times, told) = &mut *entry;
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(60))
        {
            times.pop_front();
        }
        if times.is_empty() {
            *told = false;
        }
        if times.len() >= self.ocr_per_minute {
            let notify = !*told;
            *told = true;
            return Some(notify);
        }
        times.push_back(now);
        None
    }

    /// Forgets users with no screenshot in the last minute.
    pub fn sweep(&self, now: tokio::time::Instant) {
        self.recent.retain(|_, (times, _)| {
            times
                .back()
                .is_some_and(|t| now.duration_since(*t) < Duration::from_secs(60))
        });
    }
}

/// The image of a message worth decoding: the largest photo size within the limits, or an
/// image document.
#[must_use]
pub fn image_of(msg: &Message, limits: &ImageLimits) -> Option<(FileId, u32)> {
    let fits = |w: u32, h: u32, size: u32| {
        u64::from(w) * u64::from(h) <= limits.max_pixels
            && w <= limits.max_side
            && h <= limits.max_side
            && (size as usize) <= limits.max_bytes
    };
    if let Some(sizes) = msg.photo() {
        return sizes
            .iter()
            .filter(|p| fits(p.width, p.height, p.file.size))
            .max_by_key(|p| u64::from(p.width) * u64::from(p.height))
            .map(|p| (p.file.id.clone(), p.file.size));
    }
    let doc = msg.document()?;
    let image = doc.mime_type.as_ref().is_some_and(|m| m.type_() == "image");
    (image && (doc.file.size as usize) <= limits.max_bytes)
        .then(|| (doc.file.id.clone(), doc.file.size))
}

/// What the message's image holds: every QR payload (empty when there is none or it could
/// not be read, logged without content), and with `read_text` (the user and the chat's
/// language) the messages of the screenshot.
pub async fn image_text<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    msg: &Message,
    update_id: u32,
    read_text: Option<(i64, Lang)>,
) -> ImageText {
    let dec = &app.decoders;
    let Some((file_id, _)) = image_of(msg, &dec.limits) else {
        if msg.photo().is_some() {
            tracing::info!(update_id, "photo over the size limits: not decoded");
        }
        return ImageText::default();
    };
    let (read_text, instead) = match (read_text, &dec.ocr) {
        (None, _) => (None, Screenshot::NotAsked),
        (Some(_), None) => (None, Screenshot::Off),
        (Some((user, lang)), Some(t)) => {
            if dec.recent.len() > 4096 {
                dec.sweep(tokio::time::Instant::now());
            }
            match dec.over_limit(user, tokio::time::Instant::now()) {
                Some(notify) => {
                    tracing::info!(update_id, "screenshot over the per-user limit: not read");
                    (None, Screenshot::Limited { notify })
                }
                None => (Some((t.clone(), lang)), Screenshot::NotAsked),
            }
        }
    };
    if read_text.is_none() && !dec.enabled {
        return ImageText {
            qr: Vec::new(),
            screenshot: instead,
        };
    }
    if dec.queued.fetch_add(1, Ordering::SeqCst) >= MAX_QUEUED {
        dec.queued.fetch_sub(1, Ordering::SeqCst);
        tracing::warn!(update_id, "decoder queue full: image skipped");
        return ImageText {
            qr: Vec::new(),
            screenshot: if read_text.is_some() {
                Screenshot::Busy
            } else {
                instead
            },
        };
    }
    let asked = read_text.is_some();
    let mut result = decode(bot, app, file_id, update_id, read_text).await;
    dec.queued.fetch_sub(1, Ordering::SeqCst);
    if !asked {
        result.screenshot = instead;
    }
    result
}

async fn download<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    file_id: FileId,
    update_id: u32,
) -> Option<Vec<u8>> {
    let limits = &app.decoders.limits;
    let file = match with_retry(&app.retry, || bot.get_file(file_id.clone()).send()).await {
        Ok(f) => f,
        Err((e, _)) => {
            tracing::warn!(update_id, error = %redact(&e, &app.token), "getFile failed: image skipped");
            return None;
        }
    };
    if file.size as usize > limits.max_bytes {
        tracing::info!(
            update_id,
            bytes = file.size,
            "image over the byte limit: skipped"
        );
        return None;
    }
    let mut bytes = Vec::new();
    let stream = bot.download_file_stream(&file.path);
    tokio::pin!(stream);
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(c) => {
                if bytes.len() + c.len() > limits.max_bytes {
                    tracing::info!(update_id, "image grew over the byte limit: skipped");
                    return None;
                }
                bytes.extend_from_slice(&c);
            }
            Err(e) => {
                let msg = e.to_string().replace(&app.token, "***");
                tracing::warn!(update_id, error = %msg, "image download failed: skipped");
                return None;
            }
        }
    }
    Some(bytes)
}

async fn decode<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    file_id: FileId,
    update_id: u32,
    read_text: Option<(Arc<Tesseract>, Lang)>,
) -> ImageText {
    let asked = read_text.is_some();
    let failed = ImageText {
        qr: Vec::new(),
        screenshot: if asked {
            Screenshot::Failed
        } else {
            Screenshot::NotAsked
        },
    };
    let Some(bytes) = download(bot, app, file_id, update_id).await else {
        return failed;
    };
    let limits = app.decoders.limits.clone();
    let size = bytes.len();
    let Ok(permit) = app.decoders.permits.clone().acquire_owned().await else {
        return failed;
    };
    let job = tokio::task::spawn_blocking(move || {
        // The permit lives as long as the decode, even one that outlives its time limit.
        let _permit = permit;
        decode_luma(&bytes, &limits).map(|luma| {
            let codes = qr_of_luma(&luma, &limits);
            (codes, luma)
        })
    });
    let (qr, luma) = match tokio::time::timeout(DECODE_TIMEOUT, job).await {
        Ok(Ok(Ok((codes, luma)))) => {
            tracing::info!(
                update_id,
                bytes = size,
                codes = codes.len(),
                "image decoded"
            );
            (codes, luma)
        }
        Ok(Ok(Err(e))) => {
            tracing::info!(update_id, bytes = size, error = %e, "image not decoded");
            return failed;
        }
        Ok(Err(e)) => {
            tracing::error!(update_id, panicked = e.is_panic(), "image decoder failed");
            return failed;
        }
        Err(_) => {
            tracing::warn!(update_id, bytes = size, "image decode timed out: skipped");
            return failed;
        }
    };
    let Some((tesseract, lang)) = read_text else {
        return ImageText {
            qr,
            screenshot: Screenshot::NotAsked,
        };
    };
    let Ok(permit) = app.decoders.permits.clone().acquire_owned().await else {
        return ImageText {
            qr,
            screenshot: Screenshot::Failed,
        };
    };
    // Tesseract is killed at its own time limit; the margin covers starting it.
    let limit = tesseract.timeout + Duration::from_secs(5);
    let job = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        ocr::read_screenshot(&tesseract, &luma, lang)
    });
    let screenshot = match tokio::time::timeout(limit, job).await {
        Ok(Ok(Ok(reading))) => {
            tracing::info!(
                update_id,
                messages = reading.messages.len(),
                confidence = reading.confidence.round(),
                languages = %reading.languages,
                "screenshot read"
            );
            Screenshot::Read(reading.messages)
        }
        Ok(Ok(Err(e))) => {
            tracing::warn!(update_id, error = %e, "screenshot not read");
            Screenshot::Failed
        }
        Ok(Err(e)) => {
            tracing::error!(
                update_id,
                panicked = e.is_panic(),
                "screenshot reader failed"
            );
            Screenshot::Failed
        }
        Err(_) => {
            tracing::warn!(update_id, "screenshot read timed out: skipped");
            Screenshot::Failed
        }
    };
    ImageText { qr, screenshot }
}
