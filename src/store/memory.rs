//! An in-memory [`Store`]: for tests, and the reference the contract tests hold every backend
//! to.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use super::groups::{Counter, GroupStore, MemberRecord, ModerationEntry};
use super::{
    ActionStatus, Begin, FeedbackOutcome, FeedbackRow, Millis, Pruned, Store, StoreResult,
    UpdateState, Verdict, salted_hash,
};
use crate::policy::GroupSettings;

#[derive(Debug, Default)]
struct Inner {
    langs: HashMap<String, String>,
    /// id -> (chat hash, rule ids, level)
    warnings: Vec<(String, Vec<String>, String)>,
    /// In insertion order; a second verdict replaces the first in place.
    feedback: Vec<FeedbackRow>,
    /// update id -> (at, attempts, done)
    updates: HashMap<u32, (Millis, u32, bool)>,
    /// (chat hash, message, kind) -> (status, at)
    actions: HashMap<(String, i32, String), (&'static str, Millis)>,
    /// chat hash -> settings
    settings: HashMap<String, GroupSettings>,
    /// (chat hash, user hash) -> member
    members: HashMap<(String, String), MemberRecord>,
    /// (chat hash, counter) -> value
    counters: HashMap<(String, Counter), u64>,
    /// (at, chat hash, entry), oldest first
    log: Vec<(Millis, String, ModerationEntry)>,
    /// (chat hash, kind)
    notices: std::collections::HashSet<(String, String)>,
}

/// In-memory [`Store`]; everything is lost on drop.
#[derive(Debug)]
pub struct MemoryStore {
    salt: [u8; 16],
    inner: Mutex<Inner>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::new()
    }
}

impl MemoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        // Per-instance salt without a random source: the address and time suffice for tests.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let mut salt = [0u8; 16];
        salt.copy_from_slice(&seed.to_le_bytes());
        MemoryStore {
            salt,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Store for MemoryStore {
    fn chat_hash(&self, chat: i64) -> String {
        salted_hash(&self.salt, chat)
    }

    fn lang(&self, user: i64) -> StoreResult<Option<String>> {
        let h = self.chat_hash(user);
        Ok(self.inner().langs.get(&h).cloned())
    }

    fn set_lang(&self, user: i64, lang: &str, _now: Millis) -> StoreResult<()> {
        let h = self.chat_hash(user);
        self.inner().langs.insert(h, lang.to_string());
        Ok(())
    }

    fn record_warning(
        &self,
        chat: i64,
        rule_ids: &[String],
        level: &str,
        _now: Millis,
    ) -> StoreResult<i64> {
        let h = self.chat_hash(chat);
        let mut inner = self.inner();
        inner
            .warnings
            .push((h, rule_ids.to_vec(), level.to_string()));
        Ok(inner.warnings.len() as i64)
    }

    fn record_feedback(
        &self,
        warning_id: i64,
        verdict: Verdict,
        _now: Millis,
    ) -> StoreResult<FeedbackOutcome> {
        let mut inner = self.inner();
        let Some(idx) = usize::try_from(warning_id - 1)
            .ok()
            .filter(|&i| i < inner.warnings.len())
        else {
            return Ok(FeedbackOutcome::UnknownWarning);
        };
        let (chat_hash, rule_ids, level) = inner.warnings[idx].clone();
        if let Some(row) = inner
            .feedback
            .iter_mut()
            .find(|r| r.warning_id == warning_id)
        {
            row.verdict = verdict;
        } else {
            inner.feedback.push(FeedbackRow {
                warning_id,
                chat_hash,
                verdict,
                rule_ids,
                level,
            });
        }
        Ok(FeedbackOutcome::Recorded)
    }

    fn feedback(&self) -> StoreResult<Vec<FeedbackRow>> {
        Ok(self.inner().feedback.clone())
    }

    fn begin_update(&self, update_id: u32, now: Millis) -> StoreResult<UpdateState> {
        let mut inner = self.inner();
        let e = inner.updates.entry(update_id).or_insert((now, 0, false));
        if e.2 {
            e.0 = now;
            return Ok(UpdateState::Done);
        }
        e.0 = now;
        e.1 = e.1.saturating_add(1);
        Ok(UpdateState::Attempt(e.1))
    }

    fn mark_update(&self, update_id: u32, now: Millis) -> StoreResult<()> {
        let mut inner = self.inner();
        let e = inner.updates.entry(update_id).or_insert((now, 1, true));
        e.0 = now;
        e.2 = true;
        Ok(())
    }

    fn begin_action(
        &self,
        chat: i64,
        message_id: i32,
        kind: &str,
        now: Millis,
    ) -> StoreResult<Begin> {
        let key = (self.chat_hash(chat), message_id, kind.to_string());
        let mut inner = self.inner();
        let status = inner.actions.get(&key).map(|(s, _)| *s);
        Ok(match status {
            None | Some("failed") => {
                inner.actions.insert(key, ("pending", now));
                Begin::Go
            }
            Some("done") => Begin::Done,
            Some(_) => Begin::Unknown,
        })
    }

    fn finish_action(
        &self,
        chat: i64,
        message_id: i32,
        kind: &str,
        status: ActionStatus,
        now: Millis,
    ) -> StoreResult<()> {
        let key = (self.chat_hash(chat), message_id, kind.to_string());
        self.inner().actions.insert(key, (status.as_str(), now));
        Ok(())
    }

    fn recover(&self) -> StoreResult<usize> {
        let mut n = 0;
        for v in self.inner().actions.values_mut() {
            if v.0 == "pending" {
                v.0 = "unknown";
                n += 1;
            }
        }
        Ok(n)
    }

    fn prune(&self, before: Millis) -> StoreResult<Pruned> {
        let mut inner = self.inner();
        let (u0, a0) = (inner.updates.len(), inner.actions.len());
        inner.updates.retain(|_, (at, _, _)| *at >= before);
        inner
            .actions
            .retain(|_, (status, at)| *at >= before || *status == "pending");
        inner.log.retain(|(at, _, _)| *at >= before);
        Ok(Pruned {
            updates: u0 - inner.updates.len(),
            actions: a0 - inner.actions.len(),
        })
    }
}

impl GroupStore for MemoryStore {
    fn group_settings(&self, chat: i64) -> StoreResult<GroupSettings> {
        let h = self.chat_hash(chat);
        Ok(self.inner().settings.get(&h).cloned().unwrap_or_default())
    }

    fn set_group_settings(&self, chat: i64, s: &GroupSettings, _now: Millis) -> StoreResult<()> {
        let h = self.chat_hash(chat);
        self.inner().settings.insert(h, s.clone());
        Ok(())
    }

    fn member(&self, chat: i64, user: i64) -> StoreResult<MemberRecord> {
        let key = (self.chat_hash(chat), self.chat_hash(user));
        Ok(self.inner().members.get(&key).copied().unwrap_or_default())
    }

    fn note_join(&self, chat: i64, user: i64, now: Millis) -> StoreResult<()> {
        let key = (self.chat_hash(chat), self.chat_hash(user));
        self.inner().members.entry(key).or_default().joined_at = Some(now);
        Ok(())
    }

    fn note_message(&self, chat: i64, user: i64, _now: Millis) -> StoreResult<MemberRecord> {
        let key = (self.chat_hash(chat), self.chat_hash(user));
        let mut inner = self.inner();
        let m = inner.members.entry(key).or_default();
        let before = *m;
        m.messages = m.messages.saturating_add(1);
        Ok(before)
    }

    fn set_trusted(&self, chat: i64, user: i64, trusted: bool, _now: Millis) -> StoreResult<bool> {
        let key = (self.chat_hash(chat), self.chat_hash(user));
        let mut inner = self.inner();
        let m = inner.members.entry(key).or_default();
        let changed = m.trusted != trusted;
        m.trusted = trusted;
        Ok(changed)
    }

    fn trusted_count(&self, chat: i64) -> StoreResult<u64> {
        let h = self.chat_hash(chat);
        Ok(self
            .inner()
            .members
            .iter()
            .filter(|((c, _), m)| *c == h && m.trusted)
            .count() as u64)
    }

    fn bump(&self, chat: i64, counter: Counter, n: u64) -> StoreResult<()> {
        let h = self.chat_hash(chat);
        *self.inner().counters.entry((h, counter)).or_insert(0) += n;
        Ok(())
    }

    fn counters(&self, chat: i64) -> StoreResult<Vec<(Counter, u64)>> {
        let h = self.chat_hash(chat);
        let inner = self.inner();
        Ok(Counter::ALL
            .into_iter()
            .map(|c| (c, inner.counters.get(&(h.clone(), c)).copied().unwrap_or(0)))
            .collect())
    }

    fn log_moderation(
        &self,
        chat: i64,
        _user: i64,
        entry: &ModerationEntry,
        now: Millis,
    ) -> StoreResult<i64> {
        let h = self.chat_hash(chat);
        let mut inner = self.inner();
        inner.log.push((now, h, entry.clone()));
        Ok(inner.log.len() as i64)
    }

    fn moderation_log(&self, chat: i64, limit: usize) -> StoreResult<Vec<ModerationEntry>> {
        let h = self.chat_hash(chat);
        Ok(self
            .inner()
            .log
            .iter()
            .rev()
            .filter(|(_, c, _)| *c == h)
            .take(limit)
            .map(|(_, _, e)| e.clone())
            .collect())
    }

    fn first_notice(&self, chat: i64, kind: &str, _now: Millis) -> StoreResult<bool> {
        let h = self.chat_hash(chat);
        Ok(self.inner().notices.insert((h, kind.to_string())))
    }

    fn clear_notice(&self, chat: i64, kind: &str) -> StoreResult<()> {
        let h = self.chat_hash(chat);
        self.inner().notices.remove(&(h, kind.to_string()));
        Ok(())
    }
}
