//! Group moderation state: settings, trusted users, member counters, per-group counters, the
//! moderation log and one-time notices. Keys are salted hashes of chat and user ids, as in
//! [`super::Store`]; no message text is ever stored.

use super::{Millis, StoreResult};
use crate::engine::Level;
use crate::policy::{GroupSettings, Response};

/// What the store knows of a member of a group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemberRecord {
    /// When the bot saw the member join.
    pub joined_at: Option<Millis>,
    /// Messages of the member the bot has seen in the group.
    pub messages: u32,
    /// The admins trust this member.
    pub trusted: bool,
}

/// A per-group counter (`/stats`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Counter {
    /// Messages scanned.
    Messages,
    /// Warnings posted.
    Warned,
    /// Messages deleted.
    Deleted,
    /// Members muted.
    Muted,
    /// Members (or channels) banned.
    Banned,
    /// `/report`s received.
    Reports,
    /// Dry mode: actions only reported to the admins.
    Dry,
    /// Actions that failed (missing rights, Telegram refused).
    Failed,
}

impl Counter {
    /// Every counter, in `/stats` order.
    pub const ALL: [Counter; 8] = [
        Counter::Messages,
        Counter::Warned,
        Counter::Deleted,
        Counter::Muted,
        Counter::Banned,
        Counter::Reports,
        Counter::Dry,
        Counter::Failed,
    ];

    /// Stored name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Counter::Messages => "messages",
            Counter::Warned => "warned",
            Counter::Deleted => "deleted",
            Counter::Muted => "muted",
            Counter::Banned => "banned",
            Counter::Reports => "reports",
            Counter::Dry => "dry",
            Counter::Failed => "failed",
        }
    }
}

/// One row of the moderation log: what was done about a message, never its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModerationEntry {
    /// Rule ids of the findings.
    pub rule_ids: Vec<String>,
    /// Level the message was judged at.
    pub level: Level,
    /// Action name ([`crate::policy::Action::name`]).
    pub action: String,
    /// `done`, `failed`, `dry`, `undone`, `confirmed`, `fallback`.
    pub outcome: String,
}

/// Group moderation state. Synchronous: call it from `spawn_blocking` in async code.
pub trait GroupStore: Send + Sync + 'static {
    /// The group's settings; [`GroupSettings::default`] for a group never configured.
    fn group_settings(&self, chat: i64) -> StoreResult<GroupSettings>;
    /// Replace the group's settings.
    fn set_group_settings(&self, chat: i64, s: &GroupSettings, now: Millis) -> StoreResult<()>;

    /// What is known of `user` in `chat`.
    fn member(&self, chat: i64, user: i64) -> StoreResult<MemberRecord>;
    /// The bot saw `user` join `chat` at `now`.
    fn note_join(&self, chat: i64, user: i64, now: Millis) -> StoreResult<()>;
    /// Count a message of `user` in `chat`; returns the record as it was before it.
    fn note_message(&self, chat: i64, user: i64, now: Millis) -> StoreResult<MemberRecord>;
    /// Trust or stop trusting `user` in `chat`; returns whether anything changed.
    fn set_trusted(&self, chat: i64, user: i64, trusted: bool, now: Millis) -> StoreResult<bool>;
    /// How many members of `chat` are trusted.
    fn trusted_count(&self, chat: i64) -> StoreResult<u64>;

    /// Add `n` to a counter of `chat`.
    fn bump(&self, chat: i64, counter: Counter, n: u64) -> StoreResult<()>;
    /// Every counter of `chat`, in [`Counter::ALL`] order.
    fn counters(&self, chat: i64) -> StoreResult<Vec<(Counter, u64)>>;

    /// Append to the moderation log; returns the entry's id.
    fn log_moderation(
        &self,
        chat: i64,
        user: i64,
        entry: &ModerationEntry,
        now: Millis,
    ) -> StoreResult<i64>;
    /// The moderation log of `chat`, newest first, at most `limit` entries.
    fn moderation_log(&self, chat: i64, limit: usize) -> StoreResult<Vec<ModerationEntry>>;

    /// Record that notice `kind` (e.g. a missing right) was given in `chat`; returns `true`
    /// the first time, so the notice is given once.
    fn first_notice(&self, chat: i64, kind: &str, now: Millis) -> StoreResult<bool>;
    /// Forget notice `kind` in `chat` (the right came back: tell again if it goes).
    fn clear_notice(&self, chat: i64, kind: &str) -> StoreResult<()>;
}

/// Settings as stored: one text per field.
pub(crate) fn response_of(s: &str) -> Response {
    Response::parse(s).unwrap_or_default()
}

/// A level as stored.
pub(crate) fn level_of(s: &str) -> Level {
    Level::parse(s).unwrap_or_default()
}
