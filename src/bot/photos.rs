//! Photos and image documents: download (size checked before and while downloading), then
//! read every QR code off the async runtime, with a time limit and at most one decode per
//! core; a full queue skips the image rather than stall. Runs before the chat's turn is taken,
//! so a slow image never holds up a chat. Images and payloads are never stored or logged:
//! only their counts, sizes and a hash.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use teloxide::prelude::*;
use teloxide::types::{FileId, Message};
use tokio::sync::Semaphore;

use super::handlers::{App, TgBot};
use super::send::{redact, with_retry};
use crate::media::qr::{ImageLimits, decode_qr};

/// Longest a decode may take before the message goes on without it.
pub const DECODE_TIMEOUT: Duration = Duration::from_secs(8);
/// Images waiting for a decoder beyond which further images are skipped.
pub const MAX_QUEUED: usize = 32;

/// The decoders: one per core, and a bounded queue in front of them.
#[derive(Debug)]
pub struct Decoders {
    permits: Arc<Semaphore>,
    queued: AtomicUsize,
    /// Limits checked before and during decoding.
    pub limits: ImageLimits,
    /// Whether photos are searched for QR codes at all (`media.qr`).
    pub enabled: bool,
}

impl Default for Decoders {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Decoders {
            permits: Arc::new(Semaphore::new(cores)),
            queued: AtomicUsize::new(0),
            limits: ImageLimits::default(),
            enabled: true,
        }
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

/// Every QR payload of the message's image; empty when there is none, or it could not be
/// read (logged without content).
pub async fn qr_codes<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    msg: &Message,
    update_id: u32,
) -> Vec<String> {
    let dec = &app.decoders;
    let Some((file_id, _)) = image_of(msg, &dec.limits) else {
        if msg.photo().is_some() {
            tracing::info!(update_id, "photo over the size limits: not decoded");
        }
        return Vec::new();
    };
    if dec.queued.fetch_add(1, Ordering::SeqCst) >= MAX_QUEUED {
        dec.queued.fetch_sub(1, Ordering::SeqCst);
        tracing::warn!(update_id, "decoder queue full: image skipped");
        return Vec::new();
    }
    let result = decode(bot, app, file_id, update_id).await;
    dec.queued.fetch_sub(1, Ordering::SeqCst);
    result
}

async fn decode<R: TgBot>(bot: &R, app: &Arc<App>, file_id: FileId, update_id: u32) -> Vec<String> {
    let limits = app.decoders.limits.clone();
    let file = match with_retry(&app.retry, || bot.get_file(file_id.clone()).send()).await {
        Ok(f) => f,
        Err((e, _)) => {
            tracing::warn!(update_id, error = %redact(&e, &app.token), "getFile failed: image skipped");
            return Vec::new();
        }
    };
    if file.size as usize > limits.max_bytes {
        tracing::info!(
            update_id,
            bytes = file.size,
            "image over the byte limit: skipped"
        );
        return Vec::new();
    }
    let mut bytes = Vec::new();
    let stream = bot.download_file_stream(&file.path);
    tokio::pin!(stream);
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(c) => {
                if bytes.len() + c.len() > limits.max_bytes {
                    tracing::info!(update_id, "image grew over the byte limit: skipped");
                    return Vec::new();
                }
                bytes.extend_from_slice(&c);
            }
            Err(e) => {
                let msg = e.to_string().replace(&app.token, "***");
                tracing::warn!(update_id, error = %msg, "image download failed: skipped");
                return Vec::new();
            }
        }
    }
    let Ok(permit) = app.decoders.permits.clone().acquire_owned().await else {
        return Vec::new();
    };
    let size = bytes.len();
    let job = tokio::task::spawn_blocking(move || {
        // The permit lives as long as the decode, even one that outlives its time limit.
        let _permit = permit;
        decode_qr(&bytes, &limits)
    });
    match tokio::time::timeout(DECODE_TIMEOUT, job).await {
        Ok(Ok(Ok(codes))) => {
            tracing::info!(
                update_id,
                bytes = size,
                codes = codes.len(),
                "image decoded"
            );
            codes
        }
        Ok(Ok(Err(e))) => {
            tracing::info!(update_id, bytes = size, error = %e, "image not decoded");
            Vec::new()
        }
        Ok(Err(e)) => {
            tracing::error!(update_id, panicked = e.is_panic(), "image decoder failed");
            Vec::new()
        }
        Err(_) => {
            tracing::warn!(update_id, bytes = size, "image decode timed out: skipped");
            Vec::new()
        }
    }
}
