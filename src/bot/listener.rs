//! Long polling that confirms an update to Telegram only once it has been handled.
//!
//! teloxide's own polling confirms a batch (by asking for the next offset) as soon as the next
//! poll starts, before the handlers have finished: a crash in between loses those updates. Here
//! the offset asked for is the lowest update still being handled, so after a crash Telegram
//! delivers again everything not finished; the processed-updates table and the action log make
//! the replay harmless. Updates Telegram returns again while still in hand are not dispatched
//! twice. On stop, the stream waits (bounded) for the updates in hand, then confirms them.

use std::collections::{BTreeSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::stream::{self, BoxStream, StreamExt};
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::stop::{StopFlag, StopToken, mk_stop_token};
use teloxide::types::{AllowedUpdate, Update, UpdateKind};
use teloxide::update_listeners::{AsUpdateStream, UpdateListener};
use tokio::sync::Notify;

/// Long-poll timeout asked of the Bot API (below the HTTP client's 17 s timeout).
const POLL_TIMEOUT_SECS: u32 = 10;
/// While every update Telegram returns is already in hand, wait this long (or until one is
/// finished) before asking again.
const IN_HAND_WAIT: Duration = Duration::from_millis(250);
/// Longest wait for the updates in hand when stopping.
const DRAIN_WAIT: Duration = Duration::from_secs(30);

/// Which updates are in hand; shared by the listener and the handlers.
#[derive(Debug, Default)]
pub struct Ledger {
    inner: Mutex<LedgerInner>,
    changed: Notify,
}

#[derive(Debug, Default)]
struct LedgerInner {
    in_hand: BTreeSet<u32>,
    /// One past the highest update id dispatched.
    next: Option<u32>,
}

impl Ledger {
    /// An empty ledger.
    #[must_use]
    pub fn new() -> Arc<Ledger> {
        Arc::new(Ledger::default())
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, LedgerInner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether update `id` is new (then it is now in hand), or was dispatched already.
    /// `hold`: keep it in hand until [`Ledger::done`] (false for updates no handler sees).
    fn admit(&self, id: u32, hold: bool) -> bool {
        let mut inner = self.inner();
        if inner.next.is_some_and(|n| id < n) {
            return false;
        }
        inner.next = Some(id.saturating_add(1));
        if hold {
            inner.in_hand.insert(id);
        }
        true
    }

    /// Update `id` is handled: it may be confirmed to Telegram.
    pub fn done(&self, id: u32) {
        let removed = self.inner().in_hand.remove(&id);
        if removed {
            self.changed.notify_waiters();
        }
    }

    /// The offset to ask for: the lowest update in hand, else one past the last dispatched.
    fn offset(&self) -> Option<u32> {
        let inner = self.inner();
        inner.in_hand.first().copied().or(inner.next)
    }

    /// Updates in hand.
    #[must_use]
    pub fn in_hand(&self) -> usize {
        self.inner().in_hand.len()
    }
}

/// Marks an update done when dropped (also on early returns and panics), and counts it: an
/// update of its kind on arrival, its handling time when it is done (handled and
/// confirmable; a calm answer still owed to the chat does not count).
#[derive(Debug)]
pub struct InHand {
    ledger: Option<Arc<Ledger>>,
    gate: Option<Arc<Gate>>,
    id: u32,
    kind: &'static str,
    since: std::time::Instant,
}

impl InHand {
    /// Update `id` of `ledger` (no ledger: only counted, as in webhook mode and tests).
    #[must_use]
    pub fn new(ledger: Option<Arc<Ledger>>, id: u32, kind: &'static str) -> Self {
        crate::metrics::update(kind);
        InHand {
            ledger,
            gate: None,
            id,
            kind,
            since: std::time::Instant::now(),
        }
    }

    /// The same, giving back the update's place in `gate` when done.
    #[must_use]
    pub fn gated(mut self, gate: Option<Arc<Gate>>) -> Self {
        self.gate = gate;
        self
    }
}

impl Drop for InHand {
    fn drop(&mut self) {
        crate::metrics::handled(self.kind, self.since.elapsed());
        if let Some(l) = &self.ledger {
            l.done(self.id);
        }
        if let Some(g) = &self.gate {
            g.release(self.id);
        }
    }
}

/// Webhook mode's bookkeeping of updates in hand.
///
/// At most so many updates are in hand at once: the listener takes a place before it hands an
/// update to the dispatcher (which would otherwise run every update it is given at once), and
/// the handler gives it back when done. Full, the listener stops taking updates, its queue
/// fills, and the webhook answers 503: memory stays bounded under any load.
///
/// The webhook's acknowledgement waits (bounded) for the update to be handled: Telegram
/// considers an acknowledged update delivered, so a crash must not find acknowledged updates
/// still queued.
#[derive(Debug)]
pub struct Gate {
    places: tokio::sync::Semaphore,
    waiting: dashmap::DashMap<u32, Vec<tokio::sync::oneshot::Sender<()>>>,
}

impl Gate {
    /// A gate with `places` places.
    #[must_use]
    pub fn new(places: usize) -> Arc<Gate> {
        Arc::new(Gate {
            places: tokio::sync::Semaphore::new(places),
            waiting: dashmap::DashMap::new(),
        })
    }

    /// Wait for a place (kept until [`Gate::release`]).
    pub async fn enter(&self) {
        if let Ok(p) = self.places.acquire().await {
            p.forget();
        }
    }

    /// Give back the place of update `id`, which is handled.
    pub fn release(&self, id: u32) {
        self.places.add_permits(1);
        self.handled(id);
    }

    /// Update `id` is handled (or will never be): wake whoever waits for it.
    pub fn handled(&self, id: u32) {
        if let Some((_, senders)) = self.waiting.remove(&id) {
            for s in senders {
                let _ = s.send(());
            }
        }
    }

    /// Resolves once update `id` is handled. Register before the update is queued.
    #[must_use]
    pub fn when_handled(&self, id: u32) -> tokio::sync::oneshot::Receiver<()> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.waiting.entry(id).or_default().push(tx);
        rx
    }

    /// Stop waiting for update `id` (it was not queued).
    pub fn forget(&self, id: u32) {
        self.waiting.remove(&id);
    }

    /// Places free now.
    #[must_use]
    pub fn free(&self) -> usize {
        self.places.available_permits()
    }
}

/// The polling listener.
pub struct Listener<R> {
    bot: R,
    ledger: Arc<Ledger>,
    allowed: Option<Vec<AllowedUpdate>>,
    token: StopToken,
    flag: Option<StopFlag>,
    api_ok: Option<Arc<AtomicBool>>,
}

impl<R: Requester<Err = RequestError> + Clone + Send + Sync + 'static> Listener<R> {
    /// Poll with `bot`, keeping track of updates in `ledger`. Deletes a webhook if one is set
    /// (polling and webhooks exclude each other).
    pub async fn new(bot: R, ledger: Arc<Ledger>) -> Self {
        match bot.get_webhook_info().send().await {
            Ok(info) if info.url.is_some() => {
                if let Err(e) = bot.delete_webhook().send().await {
                    tracing::warn!(error = %e, "cannot delete the webhook");
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "getWebhookInfo failed"),
        }
        let (token, flag) = mk_stop_token();
        Listener {
            bot,
            ledger,
            allowed: None,
            token,
            flag: Some(flag),
            api_ok: None,
        }
    }

    /// Keep `flag` set to whether the last poll reached the Bot API (for `/readyz`).
    #[must_use]
    pub fn with_health(mut self, flag: Arc<AtomicBool>) -> Self {
        self.api_ok = Some(flag);
        self
    }
}

struct State<R> {
    bot: R,
    ledger: Arc<Ledger>,
    allowed: Option<Vec<AllowedUpdate>>,
    flag: StopFlag,
    buffer: VecDeque<Update>,
    errors: u32,
    finished: bool,
    api_ok: Option<Arc<AtomicBool>>,
}

impl<R: Requester<Err = RequestError> + Clone + Send + Sync + 'static> State<R> {
    fn request(&self, offset: Option<u32>, timeout: u32, limit: Option<u8>) -> R::GetUpdates {
        let mut req = self.bot.get_updates().timeout(timeout);
        if let Some(o) = offset {
            req = req.offset(i32::try_from(o).unwrap_or(i32::MAX));
        }
        if let Some(l) = limit {
            req = req.limit(l);
        }
        if let Some(a) = &self.allowed {
            req = req.allowed_updates(a.clone());
        }
        req
    }

    fn health(&self, ok: bool) {
        if let Some(f) = &self.api_ok {
            f.store(ok, Ordering::Relaxed);
        }
    }

    /// Wait for the updates in hand (bounded), then confirm them.
    async fn finish(&mut self) {
        let deadline = tokio::time::Instant::now() + DRAIN_WAIT;
        loop {
            // Register for the next change before looking, so none is missed.
            let changed = self.ledger.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if self.ledger.in_hand() == 0 {
                break;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                tracing::warn!(
                    in_hand = self.ledger.in_hand(),
                    "updates still in hand at stop: left for the next start"
                );
                break;
            }
        }
        if let Some(offset) = self.ledger.offset() {
            let _ = self.request(Some(offset), 0, Some(1)).send().await;
        }
    }

    /// The next item of the stream.
    async fn next(&mut self) -> Option<Result<Update, RequestError>> {
        loop {
            if self.finished {
                return None;
            }
            if let Some(u) = self.buffer.pop_front() {
                return Some(Ok(u));
            }
            if self.flag.is_stopped() {
                self.finish().await;
                self.finished = true;
                return None;
            }
            let offset = self.ledger.offset();
            let req = self.request(offset, POLL_TIMEOUT_SECS, None);
            let result = tokio::select! {
                r = req.send() => r,
                () = &mut self.flag => continue,
            };
            match result {
                Err(e) => {
                    self.health(false);
                    self.errors = self.errors.saturating_add(1);
                    let wait = Duration::from_secs(1u64 << self.errors.min(6));
                    tokio::select! {
                        () = tokio::time::sleep(wait) => {}
                        () = &mut self.flag => {}
                    }
                    return Some(Err(e));
                }
                Ok(updates) => {
                    self.health(true);
                    self.errors = 0;
                    let got = updates.len();
                    for u in updates {
                        // Updates teloxide cannot parse never reach a handler: do not hold them.
                        let hold = !matches!(u.kind, UpdateKind::Error(_));
                        if self.ledger.admit(u.id.0, hold) {
                            self.buffer.push_back(u);
                        }
                    }
                    if got > 0 && self.buffer.is_empty() {
                        // Everything returned is in hand already: wait for progress.
                        let changed = self.ledger.changed.notified();
                        tokio::pin!(changed);
                        changed.as_mut().enable();
                        if self.ledger.offset() != offset {
                            continue;
                        }
                        tokio::select! {
                            () = changed => {}
                            () = tokio::time::sleep(IN_HAND_WAIT) => {}
                            () = &mut self.flag => {}
                        }
                    }
                }
            }
        }
    }
}

impl<'a, R: Requester<Err = RequestError> + Clone + Send + Sync + 'static> AsUpdateStream<'a>
    for Listener<R>
{
    type StreamErr = RequestError;
    type Stream = BoxStream<'a, Result<Update, RequestError>>;

    fn as_stream(&'a mut self) -> Self::Stream {
        let (token, fresh) = mk_stop_token();
        // A stream takes the flag; a second stream gets a fresh pair.
        let flag = self.flag.take().unwrap_or_else(|| {
            self.token = token;
            fresh
        });
        let state = State {
            bot: self.bot.clone(),
            ledger: self.ledger.clone(),
            allowed: self.allowed.clone(),
            flag,
            buffer: VecDeque::new(),
            errors: 0,
            finished: false,
            api_ok: self.api_ok.clone(),
        };
        stream::unfold(state, |mut s| async move {
            s.next().await.map(|item| (item, s))
        })
        .boxed()
    }
}

impl<R: Requester<Err = RequestError> + Clone + Send + Sync + 'static> UpdateListener
    for Listener<R>
{
    type Err = RequestError;

    fn stop_token(&mut self) -> StopToken {
        self.token.clone()
    }

    fn hint_allowed_updates(&mut self, hint: &mut dyn Iterator<Item = AllowedUpdate>) {
        self.allowed = Some(hint.collect());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_waits_for_the_lowest_update_in_hand() {
        let l = Ledger::new();
        assert_eq!(l.offset(), None);
        assert!(l.admit(10, true));
        assert!(l.admit(11, true));
        assert!(l.admit(12, true));
        assert_eq!(l.offset(), Some(10));
        l.done(11);
        assert_eq!(l.offset(), Some(10));
        l.done(10);
        assert_eq!(l.offset(), Some(12));
        l.done(12);
        assert_eq!(l.offset(), Some(13));
    }

    #[test]
    fn redelivered_updates_are_not_dispatched_twice() {
        let l = Ledger::new();
        assert!(l.admit(1, true));
        assert!(l.admit(2, true));
        l.done(2);
        // Telegram returns 1 and 2 again (the offset is held at 1), plus a new 3.
        assert!(!l.admit(1, true));
        assert!(!l.admit(2, true));
        assert!(l.admit(3, true));
        assert_eq!(l.in_hand(), 2);
    }

    #[test]
    fn unheld_updates_do_not_block_the_offset() {
        let l = Ledger::new();
        assert!(l.admit(5, false));
        assert_eq!(l.offset(), Some(6));
    }

    #[test]
    fn in_hand_guard_releases_on_drop() {
        let l = Ledger::new();
        assert!(l.admit(1, true));
        drop(InHand::new(Some(l.clone()), 1, "message"));
        assert_eq!(l.in_hand(), 0);
        drop(InHand::new(None, 1, "message"));
    }
}
