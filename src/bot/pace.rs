//! Pacing of outgoing messages to Telegram's limits (about 30 messages a second in all, one a
//! second in a private chat, 20 a minute in a group), as a reservation before the action log
//! records an action as pending. A message waiting for its slot has not been started: a crash
//! while it waits leaves nothing recorded, so the replayed update sends it, once.
//!
//! Each limit is a generic cell rate: a slot every `interval`, with up to `burst` slots taken
//! at once after a quiet time.

use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use dashmap::DashMap;
use tokio::time::Instant;

/// One limit: a slot every `interval`, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Time between slots when busy.
    pub interval: Duration,
    /// Slots available at once after a quiet time.
    pub burst: u32,
}

impl Rate {
    /// Earliest start allowed for a request at `now`, given theoretical arrival time `tat`.
    fn earliest(self, tat: Instant, now: Instant) -> Instant {
        let allowance = self.interval * self.burst.saturating_sub(1);
        tat.checked_sub(allowance).map_or(now, |t| t.max(now))
    }
}

/// The limits used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// All chats together.
    pub overall: Rate,
    /// One private chat.
    pub private: Rate,
    /// One group.
    pub group: Rate,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            overall: Rate {
                interval: Duration::from_micros(33_334),
                burst: 30,
            },
            private: Rate {
                interval: Duration::from_secs(1),
                burst: 3,
            },
            group: Rate {
                interval: Duration::from_secs(3),
                burst: 5,
            },
        }
    }
}

/// Reservations of message slots.
#[derive(Debug)]
pub struct Pacer {
    limits: Limits,
    overall: Mutex<Option<Instant>>,
    chats: DashMap<i64, Instant>,
}

/// Chats remembered beyond which idle entries are dropped.
const SWEEP_AT: usize = 50_000;

impl Pacer {
    /// A pacer with `limits`.
    #[must_use]
    pub fn new(limits: Limits) -> Self {
        Pacer {
            limits,
            overall: Mutex::new(None),
            chats: DashMap::new(),
        }
    }

    /// Reserve the next slot for a message to `chat` at `now`; returns when it may start.
    pub fn reserve(&self, chat: i64, now: Instant) -> Instant {
        let chat_rate = if chat < 0 {
            self.limits.group
        } else {
            self.limits.private
        };
        let mut overall = self.overall.lock().unwrap_or_else(PoisonError::into_inner);
        let mut entry = self.chats.entry(chat).or_insert(now);
        // The overall slot is counted when it is free, not when the chat's own slot comes: a
        // chat with messages queued does not hold up the others.
        let free = self.limits.overall.earliest(overall.unwrap_or(now), now);
        let start = free.max(chat_rate.earliest(*entry, now));
        *overall = Some(overall.unwrap_or(now).max(free) + self.limits.overall.interval);
        *entry = (*entry).max(start) + chat_rate.interval;
        drop(entry);
        drop(overall);
        if self.chats.len() > SWEEP_AT {
            self.chats.retain(|_, tat| *tat > now);
        }
        start
    }

    /// Wait for a slot for a message to `chat`.
    pub async fn wait(&self, chat: i64) {
        let at = self.reserve(chat, Instant::now());
        tokio::time::sleep_until(at).await;
    }
}

static PACER: OnceLock<Pacer> = OnceLock::new();

/// Pace every later message of this process with `limits` (the first call wins).
pub fn enable(limits: Limits) {
    let _ = PACER.set(Pacer::new(limits));
}

/// Wait for a slot for a message to `chat`, if pacing is on.
pub async fn wait(chat: i64) {
    if let Some(p) = PACER.get() {
        p.wait(chat).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            overall: Rate {
                interval: Duration::from_millis(10),
                burst: 3,
            },
            private: Rate {
                interval: Duration::from_secs(1),
                burst: 2,
            },
            group: Rate {
                interval: Duration::from_secs(3),
                burst: 1,
            },
        }
    }

    #[test]
    fn a_burst_goes_at_once_then_one_per_interval() {
        let p = Pacer::new(limits());
        let t0 = Instant::now();
        let ms = |at: Instant| at.duration_since(t0).as_millis();
        // Three chats: the overall burst of 3 at once, then 10 ms apart.
        assert_eq!(ms(p.reserve(1, t0)), 0);
        assert_eq!(ms(p.reserve(2, t0)), 0);
        assert_eq!(ms(p.reserve(3, t0)), 0);
        assert_eq!(ms(p.reserve(4, t0)), 10);
        assert_eq!(ms(p.reserve(5, t0)), 20);
    }

    #[test]
    fn one_chat_gets_its_burst_then_one_a_second() {
        let p = Pacer::new(Limits {
            overall: Rate {
                interval: Duration::from_millis(1),
                burst: 100,
            },
            ..limits()
        });
        let t0 = Instant::now();
        let ms = |at: Instant| at.duration_since(t0).as_millis();
        assert_eq!(ms(p.reserve(7, t0)), 0);
        assert_eq!(ms(p.reserve(7, t0)), 0, "burst of 2");
        assert_eq!(ms(p.reserve(7, t0)), 1000);
        assert_eq!(ms(p.reserve(7, t0)), 2000);
        // A group: 3 s apart, no burst.
        assert_eq!(ms(p.reserve(-5, t0)), 0);
        assert_eq!(ms(p.reserve(-5, t0)), 3000);
        // After a quiet time the burst is back.
        let later = t0 + Duration::from_secs(60);
        assert_eq!(p.reserve(7, later), later);
        assert_eq!(p.reserve(7, later), later);
    }
}
