//! Batching of calm answers in private chats.
//!
//! Messages that are not warned about are answered once per *burst*: a burst is a run of
//! messages of one chat each arriving less than the batch delay after the previous one. The
//! calm answer goes out one delay after the last message of the burst, as a reply to nothing,
//! and describes the conversation so far. A warning sent during a burst replaces the calm
//! answer of that whole burst: the user has just been told what matters.
//!
//! The first message of a burst becomes its *waiter*: its handler sleeps until the burst is
//! quiet and then sends the answer, so the dispatcher, which waits for every handler at
//! shutdown, never drops a pending answer. On shutdown [`Batcher::flush`] wakes every waiter at
//! once. No map guard is held across an `.await`.

use std::time::Duration;

use dashmap::DashMap;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::engine::{Level, Stage};
use crate::i18n::Lang;

/// The burst a waiter is responsible for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BurstId(u64);

/// What the caller of [`Batcher::note`] must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The message started a burst: call [`Batcher::wait`] with this id.
    Waiter(BurstId),
    /// The message joined a burst someone else waits for.
    Joined,
}

/// The calm answer owed for a finished burst.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calm {
    /// Message to key the answer on (the last of the burst): a redelivered burst is answered
    /// once.
    pub last_message: i32,
    /// Language of the last message.
    pub lang: Lang,
    /// Messages looked at in this conversation.
    pub count: u32,
    /// Conversation level after the last message.
    pub level: Level,
    /// Stages seen so far.
    pub chain: Vec<Stage>,
}

#[derive(Debug)]
struct Burst {
    id: BurstId,
    deadline: Instant,
    warned: bool,
    last_message: i32,
    lang: Lang,
    level: Level,
    chain: Vec<Stage>,
}

#[derive(Debug)]
struct ChatState {
    /// Messages looked at since the conversation started (or was reset).
    count: u32,
    last_seen: Instant,
    burst: Option<Burst>,
}

/// Per-chat bursts and message counts.
#[derive(Debug)]
pub struct Batcher {
    delay: Duration,
    chats: DashMap<i64, ChatState>,
    next_id: std::sync::atomic::AtomicU64,
    shutdown: watch::Sender<bool>,
}

impl Batcher {
    /// A batcher answering `delay` after the last message of a burst.
    #[must_use]
    pub fn new(delay: Duration) -> Self {
        Batcher {
            delay,
            chats: DashMap::new(),
            next_id: std::sync::atomic::AtomicU64::new(1),
            shutdown: watch::channel(false).0,
        }
    }

    /// Record one message of `chat` at `now`: its level and chain after the message, and
    /// whether it was warned about.
    #[allow(clippy::too_many_arguments)]
    pub fn note(
        &self,
        chat: i64,
        message_id: i32,
        lang: Lang,
        level: Level,
        chain: &[Stage],
        warned: bool,
        now: Instant,
    ) -> Role {
        let deadline = now + self.delay;
        let mut state = self.chats.entry(chat).or_insert_with(|| ChatState {
            count: 0,
            last_seen: now,
            burst: None,
        });
        state.count = state.count.saturating_add(1);
        state.last_seen = now;
        match &mut state.burst {
            Some(b) => {
                b.deadline = b.deadline.max(deadline);
                b.warned |= warned;
                b.last_message = message_id;
                b.lang = lang;
                b.level = level;
                b.chain = chain.to_vec();
                Role::Joined
            }
            None => {
                let id = BurstId(
                    self.next_id
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                );
                state.burst = Some(Burst {
                    id,
                    deadline,
                    warned,
                    last_message: message_id,
                    lang,
                    level,
                    chain: chain.to_vec(),
                });
                Role::Waiter(id)
            }
        }
    }

    /// Wait until burst `id` of `chat` is quiet (or shutdown is flushing), then close it.
    /// Returns the calm answer owed, or `None` when a warning covered the burst or the burst
    /// was cancelled by `/reset`.
    pub async fn wait(&self, chat: i64, id: BurstId) -> Option<Calm> {
        let mut shutdown = self.shutdown.subscribe();
        loop {
            let deadline = {
                let state = self.chats.get(&chat)?;
                let burst = state.burst.as_ref().filter(|b| b.id == id)?;
                burst.deadline
            };
            if !*shutdown.borrow() {
                tokio::select! {
                    () = tokio::time::sleep_until(deadline) => {}
                    _ = shutdown.changed() => {}
                }
            }
            if let Some(calm) = self.close_if_due(chat, id, Instant::now(), *shutdown.borrow()) {
                return calm;
            }
        }
    }

    /// `Some(answer)` when the burst is over (quiet, or `force`), `None` to keep waiting.
    fn close_if_due(
        &self,
        chat: i64,
        id: BurstId,
        now: Instant,
        force: bool,
    ) -> Option<Option<Calm>> {
        let mut state = match self.chats.get_mut(&chat) {
            Some(s) => s,
            None => return Some(None),
        };
        let count = state.count;
        let Some(burst) = state.burst.as_ref().filter(|b| b.id == id) else {
            return Some(None);
        };
        if burst.deadline > now && !force {
            return None;
        }
        let burst = state.burst.take()?;
        Some((!burst.warned).then_some(Calm {
            last_message: burst.last_message,
            lang: burst.lang,
            count,
            level: burst.level,
            chain: burst.chain,
        }))
    }

    /// Forget `chat`: its count and any pending calm answer.
    pub fn reset(&self, chat: i64) {
        self.chats.remove(&chat);
    }

    /// Wake every waiter now (shutdown): pending calm answers go out at once.
    pub fn flush(&self) {
        self.shutdown.send_replace(true);
    }

    /// Forget chats idle for `idle` at `now` that have no burst pending; returns how many.
    pub fn sweep(&self, idle: Duration, now: Instant) -> usize {
        let before = self.chats.len();
        self.chats
            .retain(|_, s| s.burst.is_some() || now.saturating_duration_since(s.last_seen) < idle);
        before.saturating_sub(self.chats.len())
    }

    /// Chats remembered.
    #[must_use]
    pub fn len(&self) -> usize {
        self.chats.len()
    }

    /// Whether no chat is remembered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.chats.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: Duration = Duration::from_millis(60);

    fn note(b: &Batcher, chat: i64, msg: i32, warned: bool) -> Role {
        b.note(
            chat,
            msg,
            Lang::En,
            Level::Caution,
            &[Stage::Pretext],
            warned,
            Instant::now(),
        )
    }

    #[tokio::test]
    async fn a_burst_gets_one_answer_after_the_last_message() {
        let b = std::sync::Arc::new(Batcher::new(D));
        let Role::Waiter(id) = note(&b, 1, 1, false) else {
            panic!("first message waits")
        };
        let waiter = tokio::spawn({
            let b = b.clone();
            async move { b.wait(1, id).await }
        });
        for m in 2..=10 {
            tokio::time::sleep(Duration::from_millis(10)).await;
            assert_eq!(note(&b, 1, m, false), Role::Joined);
        }
        let start = Instant::now();
        let calm = waiter.await.unwrap().expect("calm answer");
        assert!(start.elapsed() >= Duration::from_millis(30));
        assert_eq!(calm.count, 10);
        assert_eq!(calm.last_message, 10);
        assert_eq!(calm.chain, vec![Stage::Pretext]);
        // The next message starts a new burst; the count goes on.
        let Role::Waiter(id2) = note(&b, 1, 11, false) else {
            panic!("new burst")
        };
        assert_ne!(id, id2);
        assert_eq!(b.wait(1, id2).await.unwrap().count, 11);
    }

    #[tokio::test]
    async fn a_warning_cancels_the_calm_answer_of_its_burst() {
        let b = Batcher::new(D);
        let Role::Waiter(id) = note(&b, 1, 1, false) else {
            panic!()
        };
        note(&b, 1, 2, true);
        note(&b, 1, 3, false);
        assert_eq!(b.wait(1, id).await, None);
        // The burst is closed: the next message starts a fresh one.
        assert!(matches!(note(&b, 1, 4, false), Role::Waiter(_)));
    }

    #[tokio::test]
    async fn chats_are_independent() {
        let b = Batcher::new(D);
        let Role::Waiter(a) = note(&b, 1, 1, true) else {
            panic!()
        };
        let Role::Waiter(c) = note(&b, 2, 1, false) else {
            panic!()
        };
        assert_eq!(b.wait(1, a).await, None);
        assert!(b.wait(2, c).await.is_some());
    }

    #[tokio::test]
    async fn reset_cancels_and_forgets() {
        let b = Batcher::new(D);
        let Role::Waiter(id) = note(&b, 1, 1, false) else {
            panic!()
        };
        b.reset(1);
        assert_eq!(b.wait(1, id).await, None);
        let Role::Waiter(id) = note(&b, 1, 2, false) else {
            panic!()
        };
        assert_eq!(b.wait(1, id).await.unwrap().count, 1);
    }

    #[tokio::test]
    async fn flush_answers_at_once() {
        let b = Batcher::new(Duration::from_secs(3600));
        let Role::Waiter(id) = note(&b, 1, 1, false) else {
            panic!()
        };
        b.flush();
        let calm = tokio::time::timeout(Duration::from_secs(5), b.wait(1, id))
            .await
            .expect("flush wakes the waiter");
        assert!(calm.is_some());
    }

    #[tokio::test]
    async fn sweep_forgets_idle_chats_only() {
        let b = Batcher::new(D);
        let Role::Waiter(id) = note(&b, 1, 1, false) else {
            panic!()
        };
        note(&b, 2, 1, false);
        b.wait(1, id).await;
        let later = Instant::now() + Duration::from_secs(10);
        assert_eq!(b.sweep(Duration::from_secs(5), later), 1);
        assert_eq!(b.len(), 1);
    }
}
