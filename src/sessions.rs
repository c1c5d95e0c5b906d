//! Session store: one [`Conversation`] per private chat, or per sender in a group, kept in a
//! `DashMap` with idle expiry and a hard cap on entries.
//!
//! - An entry idle for `idle` or longer (`now - last_activity >= idle`) is expired: the next
//!   message starts a fresh conversation, and [`SessionStore::sweep`] removes it.
//! - A message without findings for a key that has no conversation creates none, so ordinary
//!   group chatter costs no memory; [`Assessment::messages`] counts from the first finding.
//! - When a new key arrives with `max_entries` entries stored, the store removes the expired
//!   entries and then the least recently active ones, down to
//!   `max_entries - max(1, max_entries / 100)`. One pass over the map finds both (the oldest
//!   through a bounded heap, a partial selection) and frees at least 1% of the cap, so a flood
//!   of distinct senders costs O(1) amortised per insert. One thread makes room while new keys
//!   from other threads wait for it; the store exceeds the cap by at most the number of threads
//!   inserting at that moment.
//! - No method holds a map guard when it returns; the sweeper task sweeps on the blocking pool
//!   and never holds a guard across `.await`.

use std::collections::BinaryHeap;
use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use dashmap::DashMap;
use dashmap::mapref::entry::Entry;

use crate::conversation::{Assessment, Conversation, ConversationConfig, Timestamp, duration_ms};
use crate::engine::Scan;

/// Which conversation a message belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConversationKey {
    /// A private chat with the bot.
    Private {
        /// Chat id.
        chat: i64,
    },
    /// One sender in a group: each member of a group is a separate conversation.
    Group {
        /// Chat id of the group.
        chat: i64,
        /// User id of the sender.
        sender: i64,
    },
}

impl ConversationKey {
    /// The chat id.
    #[must_use]
    pub fn chat(self) -> i64 {
        match self {
            ConversationKey::Private { chat } | ConversationKey::Group { chat, .. } => chat,
        }
    }
}

/// Limits of the session store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionConfig {
    /// A conversation idle this long expires. Default 30 minutes.
    pub idle: Duration,
    /// Hard cap on stored conversations. Default 100,000.
    pub max_entries: usize,
    /// Escalation policy of each conversation.
    pub conversation: ConversationConfig,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            idle: Duration::from_secs(30 * 60),
            max_entries: 100_000,
            conversation: ConversationConfig::default(),
        }
    }
}

/// Where conversations live: in memory ([`SessionStore`]) or in Redis, shared by replicas
/// ([`crate::store::RedisSessions`]).
pub trait SessionBackend: Send + Sync {
    /// Record a message's scan at `now` in `key`'s conversation and assess it.
    fn observe(&self, key: ConversationKey, scan: &Scan, now: Timestamp) -> Assessment;
    /// [`SessionBackend::observe`] for the message `step` (an id of the message): the same step
    /// again, a delivery repeated after a process died mid-update, is assessed as it was the
    /// first time and changes nothing ([`Conversation::observe_step`]).
    fn observe_step(
        &self,
        key: ConversationKey,
        step: u32,
        scan: &Scan,
        now: Timestamp,
    ) -> Assessment;
    /// Forget `key`'s conversation; returns whether there was one.
    fn reset(&self, key: ConversationKey) -> bool;
    /// Remove the conversations expired at `now`; returns how many.
    fn sweep(&self, now: Timestamp) -> usize;
    /// Stored conversations.
    fn len(&self) -> usize;
    /// Whether no conversation is stored.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The configuration the backend was built with.
    fn config(&self) -> &SessionConfig;
    /// Whether a step goes over the network (it may block for a round trip).
    fn shared(&self) -> bool {
        false
    }
}

/// Counters of a [`SessionStore`], for metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionStats {
    /// Stored conversations.
    pub entries: usize,
    /// Conversations dropped because they were idle (swept or restarted), since start.
    pub expired: u64,
    /// Conversations evicted to respect the cap, since start.
    pub evicted: u64,
}

/// In-memory conversations keyed by [`ConversationKey`].
pub struct SessionStore {
    map: DashMap<ConversationKey, Conversation>,
    /// Entries in `map`; updated with each insert and removal.
    count: AtomicUsize,
    /// Held by the one thread making room under the cap.
    evicting: Mutex<()>,
    expired: AtomicU64,
    evicted: AtomicU64,
    idle_ms: u64,
    config: SessionConfig,
}

impl SessionStore {
    /// An empty store.
    #[must_use]
    pub fn new(config: SessionConfig) -> Self {
        SessionStore {
            map: DashMap::new(),
            count: AtomicUsize::new(0),
            evicting: Mutex::new(()),
            expired: AtomicU64::new(0),
            evicted: AtomicU64::new(0),
            idle_ms: duration_ms(config.idle),
            config,
        }
    }

    /// The configuration the store was built with.
    #[must_use]
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// Record a message's scan at `now` in `key`'s conversation and assess it. An expired
    /// conversation starts fresh.
    pub fn observe(&self, key: ConversationKey, scan: &Scan, now: Timestamp) -> Assessment {
        self.step(key, None, scan, now)
    }

    /// [`SessionStore::observe`] as step `step` ([`Conversation::observe_step`]): the same step
    /// again is assessed as the first time and changes nothing.
    pub fn observe_step(
        &self,
        key: ConversationKey,
        step: u32,
        scan: &Scan,
        now: Timestamp,
    ) -> Assessment {
        self.step(key, Some(step), scan, now)
    }

    fn step(
        &self,
        key: ConversationKey,
        step: Option<u32>,
        scan: &Scan,
        now: Timestamp,
    ) -> Assessment {
        let policy = &self.config.conversation;
        let advance = |conv: &mut Conversation| match step {
            Some(step) => conv.observe_step(step, scan, now, policy).0,
            None => conv.observe(scan, now, policy),
        };
        if let Some(mut conv) = self.map.get_mut(&key) {
            self.restart_if_idle(&mut conv, now);
            return advance(&mut conv);
        }
        if scan.findings.is_empty() {
            return Conversation::new().observe(scan, now, policy);
        }
        if self.count.load(Ordering::Relaxed) >= self.config.max_entries {
            self.make_room(now);
        }
        match self.map.entry(key) {
            Entry::Occupied(mut entry) => {
                let conv = entry.get_mut();
                self.restart_if_idle(conv, now);
                advance(conv)
            }
            Entry::Vacant(entry) => {
                self.count.fetch_add(1, Ordering::Relaxed);
                advance(entry.insert(Conversation::new()).value_mut())
            }
        }
    }

    /// Forget `key`'s conversation; returns whether there was one.
    pub fn reset(&self, key: ConversationKey) -> bool {
        let removed = self.map.remove(&key).is_some();
        if removed {
            self.count.fetch_sub(1, Ordering::Relaxed);
        }
        removed
    }

    /// Remove the conversations expired at `now` (idle for `idle` or longer); returns how many.
    pub fn sweep(&self, now: Timestamp) -> usize {
        let mut removed = 0;
        self.map.retain(|_, conv| {
            let keep = !self.is_idle(conv, now);
            if !keep {
                removed += 1;
                self.count.fetch_sub(1, Ordering::Relaxed);
            }
            keep
        });
        self.expired.fetch_add(removed as u64, Ordering::Relaxed);
        removed
    }

    /// Stored conversations.
    #[must_use]
    pub fn len(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    /// Whether no conversation is stored.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Counters for metrics.
    #[must_use]
    pub fn stats(&self) -> SessionStats {
        SessionStats {
            entries: self.len(),
            expired: self.expired.load(Ordering::Relaxed),
            evicted: self.evicted.load(Ordering::Relaxed),
        }
    }

    /// Sweep every `every` (wall clock, [`Timestamp::now`]) on tokio's blocking pool until the
    /// store is dropped. Must be called inside a tokio runtime.
    pub fn spawn_sweeper(self: &Arc<Self>, every: Duration) -> tokio::task::JoinHandle<()> {
        let store = Arc::downgrade(self);
        let every = every.max(Duration::from_millis(1));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tick.tick().await;
            loop {
                tick.tick().await;
                let Some(store) = store.upgrade() else {
                    break;
                };
                match tokio::task::spawn_blocking(move || store.sweep(Timestamp::now())).await {
                    Ok(removed) => {
                        tracing::debug!(removed, "scamguard::sessions: swept idle conversations");
                    }
                    Err(error) => {
                        tracing::warn!(%error, "scamguard::sessions: sweep failed");
                    }
                }
            }
        })
    }

    fn is_idle(&self, conv: &Conversation, now: Timestamp) -> bool {
        now.millis_since(conv.last_activity()) >= self.idle_ms
    }

    fn restart_if_idle(&self, conv: &mut Conversation, now: Timestamp) {
        if conv.messages() > 0 && self.is_idle(conv, now) {
            conv.reset();
            self.expired.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Remove expired entries, then the least recently active ones, until at least 1% of the cap
    /// is free. A thread that finds another one at it waits, then finds the room made.
    fn make_room(&self, now: Timestamp) {
        let _guard = self.evicting.lock().unwrap_or_else(PoisonError::into_inner);
        let max = self.config.max_entries;
        if self.len() < max {
            return;
        }
        let target = max.saturating_sub((max / 100).max(1));
        let wanted = self.len().saturating_sub(target);

        // One pass: drop the expired; keep the `wanted` least recently active of the others in
        // a max-heap (the newest candidate on top).
        let mut oldest: BinaryHeap<(u64, ConversationKey)> = BinaryHeap::with_capacity(wanted);
        let mut expired = 0u64;
        self.map.retain(|key, conv| {
            if self.is_idle(conv, now) {
                expired += 1;
                self.count.fetch_sub(1, Ordering::Relaxed);
                return false;
            }
            let candidate = (conv.last_activity().0, *key);
            if oldest.len() < wanted {
                oldest.push(candidate);
            } else if oldest.peek().is_some_and(|newest| candidate < *newest) {
                oldest.pop();
                oldest.push(candidate);
            }
            true
        });
        self.expired.fetch_add(expired, Ordering::Relaxed);

        // Evict the oldest candidates until the target is met; skip any active since the pass.
        let mut candidates = oldest.into_sorted_vec().into_iter();
        let mut evicted = 0u64;
        while self.len() > target {
            let Some((last, key)) = candidates.next() else {
                break;
            };
            if self
                .map
                .remove_if(&key, |_, conv| conv.last_activity().0 == last)
                .is_some()
            {
                evicted += 1;
                self.count.fetch_sub(1, Ordering::Relaxed);
            }
        }
        self.evicted.fetch_add(evicted, Ordering::Relaxed);
        tracing::debug!(
            expired,
            evicted,
            "scamguard::sessions: made room under the conversation cap"
        );
    }
}

impl Default for SessionStore {
    fn default() -> Self {
        SessionStore::new(SessionConfig::default())
    }
}

impl fmt::Debug for SessionStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionStore")
            .field("entries", &self.len())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl SessionBackend for SessionStore {
    fn observe(&self, key: ConversationKey, scan: &Scan, now: Timestamp) -> Assessment {
        SessionStore::observe(self, key, scan, now)
    }

    fn observe_step(
        &self,
        key: ConversationKey,
        step: u32,
        scan: &Scan,
        now: Timestamp,
    ) -> Assessment {
        SessionStore::observe_step(self, key, step, scan, now)
    }

    fn reset(&self, key: ConversationKey) -> bool {
        SessionStore::reset(self, key)
    }

    fn sweep(&self, now: Timestamp) -> usize {
        SessionStore::sweep(self, now)
    }

    fn len(&self) -> usize {
        SessionStore::len(self)
    }

    fn config(&self) -> &SessionConfig {
        SessionStore::config(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::test_support::{Rules, scan};
    use crate::engine::{Level, Stage};

    const IDLE: u64 = 30 * 60 * 1000;

    fn private(chat: i64) -> ConversationKey {
        ConversationKey::Private { chat }
    }

    fn config(max_entries: usize) -> SessionConfig {
        SessionConfig {
            max_entries,
            ..SessionConfig::default()
        }
    }

    fn at(ms: u64) -> Timestamp {
        Timestamp(ms)
    }

    /// The behaviour every backend must have.
    fn backend_contract<B: SessionBackend>(make: impl Fn(SessionConfig) -> B) {
        let r = Rules::new();
        let pretext = scan(&[&r.pretext]);
        let backend = make(config(1000));
        assert!(backend.is_empty());

        let key = ConversationKey::Group {
            chat: -100,
            sender: 7,
        };
        let other = ConversationKey::Group {
            chat: -100,
            sender: 8,
        };
        assert_eq!(backend.observe(key, &pretext, at(0)).messages, 1);
        assert_eq!(
            backend.observe(key, &scan(&[&r.hook]), at(1)).chain,
            [Stage::Pretext, Stage::Hook]
        );
        assert_eq!(
            backend.observe(other, &pretext, at(2)).messages,
            1,
            "senders are separate"
        );
        assert_eq!(backend.len(), 2);

        // Idle boundary: `idle - 1` continues, `idle` starts fresh.
        assert_eq!(backend.observe(key, &pretext, at(1 + IDLE - 1)).messages, 3);
        assert_eq!(backend.observe(key, &pretext, at(IDLE + IDLE)).messages, 1);

        assert_eq!(backend.sweep(at(2 + IDLE - 1)), 0);
        assert_eq!(backend.sweep(at(2 + IDLE)), 1);
        assert_eq!(backend.len(), 1);

        assert!(backend.reset(key));
        assert!(!backend.reset(key));
        assert!(backend.is_empty());
    }

    #[test]
    fn session_store_meets_the_backend_contract() {
        backend_contract(SessionStore::new);
    }

    #[test]
    fn expiry_boundary_is_exact() {
        let r = Rules::new();
        let store = SessionStore::new(config(10));
        let s = scan(&[&r.extract_trigger]);
        let t0 = 5_000;
        assert!(store.observe(private(1), &s, at(t0)).warn_now);

        // Idle for idle - 1 ms: same conversation, no repeated warning.
        let a = store.observe(private(1), &s, at(t0 + IDLE - 1));
        assert_eq!((a.messages, a.warn_now), (2, false));

        // Idle for exactly idle: a fresh conversation, which warns again.
        let t1 = t0 + IDLE - 1;
        let a = store.observe(private(1), &s, at(t1 + IDLE));
        assert_eq!((a.messages, a.warn_now), (1, true));
        assert_eq!(store.stats().expired, 1);
    }

    #[test]
    fn sweep_counts_and_boundary() {
        let r = Rules::new();
        let store = SessionStore::new(config(100));
        let s = scan(&[&r.pretext]);
        for i in 0..10 {
            store.observe(private(i), &s, at(i as u64 * 1000));
        }
        assert_eq!(store.len(), 10);
        assert_eq!(store.sweep(at(IDLE - 1)), 0);
        assert_eq!(store.sweep(at(IDLE)), 1); // chat 0, last active at 0
        assert_eq!(store.sweep(at(IDLE + 4_000)), 4); // chats 1..=4
        assert_eq!(store.len(), 5);
        assert_eq!(store.sweep(at(u64::MAX)), 5);
        assert!(store.is_empty());
        assert_eq!(store.stats().expired, 10);
    }

    #[test]
    fn empty_scan_does_not_create_a_conversation() {
        let r = Rules::new();
        let store = SessionStore::new(config(10));
        let a = store.observe(private(1), &scan(&[]), at(0));
        assert_eq!((a.level, a.messages, a.warn_now), (Level::None, 1, false));
        assert!(store.is_empty());
        store.observe(private(1), &scan(&[&r.pretext]), at(1));
        assert_eq!(store.observe(private(1), &scan(&[]), at(2)).messages, 2);
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn conversations_escalate_through_the_store() {
        let r = Rules::new();
        let store = SessionStore::default();
        let key = ConversationKey::Group {
            chat: -1,
            sender: 42,
        };
        let levels: Vec<(Level, bool)> = [&r.pretext, &r.hook, &r.channel, &r.control_trigger]
            .into_iter()
            .enumerate()
            .map(|(i, rule)| {
                let a = store.observe(key, &scan(&[rule]), at(i as u64 * 60_000));
                (a.level, a.warn_now)
            })
            .collect();
        assert_eq!(
            levels,
            [
                (Level::Caution, false),
                (Level::Caution, false),
                (Level::Warning, true),
                (Level::Danger, true),
            ]
        );
    }

    #[test]
    fn cap_evicts_the_oldest_and_keeps_the_newest() {
        let r = Rules::new();
        let s = scan(&[&r.pretext]);
        let store = SessionStore::new(config(200));
        for i in 0..200 {
            store.observe(private(i), &s, at(i as u64));
        }
        assert_eq!(store.len(), 200);
        // Chat 0 stays active, so it is not among the oldest.
        store.observe(private(0), &s, at(300));

        store.observe(private(1000), &s, at(301));
        // Cap 200: make room down to 198, then insert.
        assert_eq!(store.len(), 199);
        assert_eq!(store.stats().evicted, 2);
        for (chat, kept) in [
            (0, true),
            (1, false),
            (2, false),
            (3, true),
            (199, true),
            (1000, true),
        ] {
            assert_eq!(store.map.contains_key(&private(chat)), kept, "chat {chat}");
        }
    }

    #[test]
    fn cap_prefers_expired_entries() {
        let r = Rules::new();
        let s = scan(&[&r.pretext]);
        let store = SessionStore::new(config(100));
        for i in 0..100 {
            // Half are old enough to expire by the time the flood arrives.
            let t = if i % 2 == 0 { 0 } else { IDLE };
            store.observe(private(i), &s, at(t));
        }
        store.observe(private(1000), &s, at(IDLE + 1));
        assert_eq!(store.len(), 51);
        assert_eq!(
            store.stats(),
            SessionStats {
                entries: 51,
                expired: 50,
                evicted: 0
            }
        );
    }

    #[test]
    fn flood_of_distinct_senders_stays_bounded() {
        let r = Rules::new();
        let s = scan(&[&r.pretext]);
        let store = SessionStore::new(config(1000));
        for i in 0..50_000i64 {
            store.observe(
                ConversationKey::Group {
                    chat: -1,
                    sender: i,
                },
                &s,
                at(i as u64),
            );
            assert!(store.len() <= 1000);
        }
        assert_eq!(store.len(), store.map.len());
        // The newest senders are all there.
        for i in 49_990..50_000 {
            assert!(store.map.contains_key(&ConversationKey::Group {
                chat: -1,
                sender: i
            }));
        }
        // Amortised: one pass per 10 inserts (1% of 1000), not one per insert.
        let passes = store.stats().evicted / 10;
        assert!(passes <= 5_000, "{passes} eviction passes");
    }

    #[test]
    fn eviction_with_equal_timestamps_removes_exactly_enough() {
        let r = Rules::new();
        let s = scan(&[&r.pretext]);
        let store = SessionStore::new(config(300));
        for i in 0..1000 {
            store.observe(private(i), &s, at(7));
            assert!(store.len() <= 300);
        }
        assert_eq!(store.len(), store.map.len());
        assert!(store.len() >= 297);
    }

    #[test]
    fn concurrent_observe_on_one_key_is_consistent() {
        let r = Rules::new();
        let s = scan(&[&r.pretext, &r.hook, &r.channel]);
        let store = SessionStore::default();
        let key = private(9);
        let threads = 4;
        let per_thread = 2_000;
        let warnings: usize = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        (0..per_thread)
                            .filter(|&i| store.observe(key, &s, at(i)).warn_now)
                            .count()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(warnings, 1, "exactly one thread saw the warning");
        let a = store.observe(key, &scan(&[]), at(per_thread));
        assert_eq!(a.messages, threads as u32 * per_thread as u32 + 1);
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn concurrent_flood_respects_the_cap_within_the_thread_count() {
        let r = Rules::new();
        let s = scan(&[&r.pretext]);
        let store = SessionStore::new(config(500));
        let threads = 4i64;
        std::thread::scope(|scope| {
            for t in 0..threads {
                let (store, s) = (&store, &s);
                scope.spawn(move || {
                    for i in 0..5_000i64 {
                        let key = ConversationKey::Group { chat: t, sender: i };
                        store.observe(key, s, at(i as u64));
                        assert!(store.len() <= 500 + threads as usize);
                    }
                });
            }
        });
        assert_eq!(store.len(), store.map.len());
    }

    #[test]
    fn store_is_shareable() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<SessionStore>();
        send_sync::<Arc<dyn SessionBackend>>();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sweeper_removes_idle_entries_and_stops_with_the_store() {
        let r = Rules::new();
        let store = Arc::new(SessionStore::default());
        // Last active at the epoch: long expired by the wall clock.
        store.observe(private(1), &scan(&[&r.pretext]), at(0));
        let handle = store.spawn_sweeper(Duration::from_millis(5));
        for _ in 0..400 {
            if store.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(store.is_empty());
        drop(store);
        tokio::time::timeout(Duration::from_secs(2), handle)
            .await
            .expect("sweeper stops once the store is dropped")
            .expect("sweeper does not panic");
    }
}
