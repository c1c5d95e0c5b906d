//! Persistent state of the bot: language choices, warnings and their feedback, and the
//! bookkeeping that makes every side effect happen once (processed updates, action log).
//!
//! No message text is ever stored. Chat and user ids are stored only as salted hashes
//! (SHA-256 with a random per-database salt), so the database cannot be joined back to
//! Telegram accounts without the salt that lives beside it.
//!
//! [`Store`] is a small synchronous trait so other backends can be dropped in; the embedded
//! default is [`SqliteStore`]; [`RedisStore`] shares one state between several replicas.
//! [`MemoryStore`] backs tests. All three run the same contract tests.

mod groups;
mod memory;
mod redis;
mod sqlite;

pub use self::redis::{
    ACTION_LEASE, DEFAULT_PREFIX as DEFAULT_REDIS_PREFIX, RedisSessions, RedisStore, redact_url,
    round_trip,
};
pub use groups::{Counter, GroupStore, MemberRecord, ModerationEntry};
pub use memory::MemoryStore;
pub use sqlite::SqliteStore;

/// Milliseconds since the Unix epoch.
pub type Millis = u64;

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The SQLite backend failed.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The Redis backend failed.
    #[error("redis: {0}")]
    Redis(#[from] ::redis::RedisError),
    /// The database was written by a newer scamguard.
    #[error("database schema version {found} is newer than this build supports ({supported})")]
    TooNew {
        /// Version found in the file.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// The shared store is in an outage (already logged); the call did not reach it.
    #[error("store unavailable")]
    Unavailable,
    /// Any other backend failure.
    #[error("{0}")]
    Other(String),
}

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// The user's verdict on a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// "This is a scam": the warning was right.
    Scam,
    /// "Not a scam": a false positive.
    NotScam,
}

impl Verdict {
    /// Stored and wire name: `scam` or `ok`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Scam => "scam",
            Verdict::NotScam => "ok",
        }
    }

    /// Parse a stored or wire name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Verdict> {
        match s {
            "scam" => Some(Verdict::Scam),
            "ok" => Some(Verdict::NotScam),
            _ => None,
        }
    }
}

/// Whether feedback was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackOutcome {
    /// Recorded (a second press replaces the first verdict).
    Recorded,
    /// No such warning (pruned, or forged callback data).
    UnknownWarning,
}

/// What [`Store::begin_action`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Begin {
    /// No earlier attempt (or only a failed one): the row is now `pending`, go ahead.
    Go,
    /// Already done: do nothing.
    Done,
    /// An earlier attempt may or may not have reached Telegram (the process stopped while
    /// it was in flight, or the failure was ambiguous): do not repeat it.
    Unknown,
    /// Another process that is alive has it in flight (shared stores only): ask again later;
    /// once that process's lease has run out the action is [`Begin::Go`].
    Elsewhere,
}

/// Final state of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionStatus {
    /// Telegram confirmed it.
    Done,
    /// Telegram refused it, or it never left: a redelivered update may try again.
    Failed,
    /// It may have reached Telegram: never repeat it.
    Unknown,
}

impl ActionStatus {
    /// Stored name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Done => "done",
            ActionStatus::Failed => "failed",
            ActionStatus::Unknown => "unknown",
        }
    }
}

/// What [`Store::begin_update`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateState {
    /// Handled already: skip it.
    Done,
    /// Handling starts for the n-th time (1: the first).
    Attempt(u32),
}

/// Rows removed by [`Store::prune`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Processed-update marks.
    pub updates: usize,
    /// Action log rows.
    pub actions: usize,
}

/// A stored warning, as feedback sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackRow {
    /// Warning id.
    pub warning_id: i64,
    /// Salted hash of the chat.
    pub chat_hash: String,
    /// `scam` or `ok`.
    pub verdict: Verdict,
    /// Rule ids of the warning.
    pub rule_ids: Vec<String>,
    /// Level of the warning.
    pub level: String,
}

/// Persistent bot state. Synchronous: call it from `spawn_blocking` in async code. Group
/// moderation state is its own trait, [`GroupStore`], which every backend implements too.
pub trait Store: GroupStore {
    /// Salted hash of a chat or user id (hex), as stored and as logged.
    fn chat_hash(&self, chat: i64) -> String;

    /// The language code the user chose with `/lang`.
    fn lang(&self, user: i64) -> StoreResult<Option<String>>;
    /// Remember the user's language choice.
    fn set_lang(&self, user: i64, lang: &str, now: Millis) -> StoreResult<()>;

    /// Record a warning that is about to be sent; returns its id (for the feedback buttons).
    fn record_warning(
        &self,
        chat: i64,
        rule_ids: &[String],
        level: &str,
        now: Millis,
    ) -> StoreResult<i64>;
    /// Record the user's verdict on warning `warning_id`, with the warning's rule ids.
    fn record_feedback(
        &self,
        warning_id: i64,
        verdict: Verdict,
        now: Millis,
    ) -> StoreResult<FeedbackOutcome>;
    /// Every feedback row, oldest first.
    fn feedback(&self) -> StoreResult<Vec<FeedbackRow>>;

    /// Start handling update `update_id`: whether it was handled already (by this or an
    /// earlier process), else how many times handling it has started, this time included
    /// (more than one: an earlier process died while handling it).
    fn begin_update(&self, update_id: u32, now: Millis) -> StoreResult<UpdateState>;
    /// Mark update `update_id` fully handled.
    fn mark_update(&self, update_id: u32, now: Millis) -> StoreResult<()>;

    /// Start side effect `kind` on message (`chat`, `message_id`): writes `pending` before the
    /// caller talks to Telegram, unless the action is done or possibly done already.
    fn begin_action(
        &self,
        chat: i64,
        message_id: i32,
        kind: &str,
        now: Millis,
    ) -> StoreResult<Begin>;
    /// Record how side effect `kind` on message (`chat`, `message_id`) ended.
    fn finish_action(
        &self,
        chat: i64,
        message_id: i32,
        kind: &str,
        status: ActionStatus,
        now: Millis,
    ) -> StoreResult<()>;
    /// At startup: actions left `pending` by a previous process become `unknown`.
    fn recover(&self) -> StoreResult<usize>;

    /// Forget processed-update marks and finished actions older than `before`.
    fn prune(&self, before: Millis) -> StoreResult<Pruned>;
}

/// Join rule ids for storage (ids never contain a comma).
pub(crate) fn join_ids(ids: &[String]) -> String {
    ids.join(",")
}

/// Split stored rule ids.
pub(crate) fn split_ids(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// SHA-256 of salt and id, hex, first 32 digits.
pub(crate) fn salted_hash(salt: &[u8], id: i64) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(salt);
    h.update(id.to_le_bytes());
    let d = h.finalize();
    let mut s = String::with_capacity(32);
    for b in &d[..16] {
        use std::fmt::Write;
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod contract;
