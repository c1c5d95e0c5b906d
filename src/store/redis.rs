//! The Redis backend: one state shared by several replicas of the bot. Same semantics as
//! [`super::SqliteStore`]: chat and user ids only as salted hashes (the salt lives in Redis,
//! created once with `SET NX`), no message text, and every check-then-set that two processes
//! could race on (the update ledger, the action log, feedback) is one Lua script or one
//! `MULTI` block, so it is atomic on the server.
//!
//! Every key starts with a configurable prefix (default `scamguard:`), so one server can hold
//! several bots, or several tests. Keys, after the prefix (`C`, `U`: salted hashes of a chat
//! and a user):
//!
//! | key | type | what |
//! | --- | --- | --- |
//! | `salt` | string | 32 random bytes, the salt of every hash |
//! | `lang:U` | string | the user's `/lang` choice |
//! | `warning:seq`, `warning:N` | counter, hash | warnings (`chat`, `rules`, `level`, `at`) |
//! | `feedback:N`, `feedback:order` | hash, list | the verdict on warning N; ids, first press first |
//! | `update:N`, `updates` | hash, sorted set | update ledger (`attempts`, `done`); ids by time |
//! | `action:C:M:K`, `actions:finished`, `actions:pending` | string, sorted sets | action log status (`pending:<replica>`, `done`, ...); by time |
//! | `replica:<id>` | string | a replica's lease (TTL [`ACTION_LEASE`]): alive, so its pending actions are its own |
//! | `group:C` | hash | group settings |
//! | `member:C:U`, `trusted:C` | hash, set | member record; trusted members |
//! | `counters:C` | hash | `/stats` counters |
//! | `modlog:seq`, `modlog:C`, `modlog:chats` | counter, sorted set, set | moderation log by time |
//! | `notices:C` | hash | one-time notices given |
//!
//! Replicas: an action a replica began and did not finish is `pending:<replica>`. While that
//! replica's lease lives, another one given the same update waits ([`Begin::Elsewhere`]); once
//! it is gone (the replica died) the next one takes the action over and does it: losing a
//! replica costs no warning. The price is the moment between Telegram accepting a message and
//! the dead replica recording it: that message is sent again. (SQLite, one process, says
//! `unknown` instead and never repeats.) Conversations and campaign counters: `redis/shared.rs`.
//!
//! Age: what SQLite prunes by age (update marks, finished actions, the moderation log) has a
//! Redis TTL of the retention given at [`RedisStore::open`], so it goes even when no replica
//! prunes; [`Store::prune`] removes by the caller's clock as in SQLite, through the sorted sets
//! that index those keys by time. Pending actions have no TTL, as SQLite never prunes them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use redis::{Connection, Script};

mod shared;
pub use shared::{RedisSessions, round_trip};

use crate::policy::GroupSettings;

use super::groups::{Counter, GroupStore, MemberRecord, ModerationEntry, level_of, response_of};
use super::{
    ActionStatus, Begin, FeedbackOutcome, FeedbackRow, Millis, Pruned, Store, StoreError,
    StoreResult, UpdateState, Verdict, join_ids, salted_hash, split_ids,
};

/// Default key prefix.
pub const DEFAULT_PREFIX: &str = "scamguard:";
/// Longest wait for a connection, and for one reply.
const TIMEOUT: Duration = Duration::from_secs(2);
/// While the server is unreachable, one call in this long tries it; the others fail at once.
const PROBE_EVERY: Duration = Duration::from_secs(1);
/// Idle connections kept for reuse.
const POOL_MAX: usize = 128;
/// Keys removed by one run of a pruning script (each run blocks the server while it runs).
const BATCH: usize = 500;

/// Start handling an update: `-1` when done, else the attempt count after this one.
const BEGIN_UPDATE: &str = r"
local done = redis.call('HGET', KEYS[1], 'done')
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
if done == '1' then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return -1
end
local n = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return n
";

/// Start an action as owner `ARGV[3]`: `go` (now `pending:<owner>`), `takeover` (it was
/// pending for an owner whose lease, `ARGV[4]` .. owner, is gone: that replica died in the
/// middle; now ours), `elsewhere` (pending for an owner alive, or for this one), or the
/// status found (`done`, `unknown`).
const BEGIN_ACTION: &str = r"
local s = redis.call('GET', KEYS[1])
local verdict = 'go'
if s and string.sub(s, 1, 8) == 'pending:' then
  local owner = string.sub(s, 9)
  if owner == ARGV[3] or redis.call('EXISTS', ARGV[4] .. owner) == 1 then
    return 'elsewhere'
  end
  verdict = 'takeover'
elseif s and s ~= 'failed' then
  return s
end
redis.call('SET', KEYS[1], 'pending:' .. ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
return verdict
";

/// Delete up to ARGV[3] keys (ARGV[1] .. member) whose time in the sorted set KEYS[1] is
/// before ARGV[2]; returns how many.
const PRUNE: &str = r"
local m = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(m) do
  redis.call('DEL', ARGV[1] .. id)
  redis.call('ZREM', KEYS[1], id)
end
return #m
";

/// Drop moderation log entries of one chat older than ARGV[1]; forget the chat (ARGV[2]) in
/// the set KEYS[2] when none is left.
const PRUNE_LOG: &str = r"
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[2], ARGV[2])
end
return 0
";

/// Record a verdict on an existing warning, copying its rule ids and level; 0: no warning.
const FEEDBACK: &str = r"
local w = redis.call('HMGET', KEYS[1], 'chat', 'rules', 'level')
if w[1] == false then
  return 0
end
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('RPUSH', KEYS[3], ARGV[1])
end
redis.call('HSET', KEYS[2], 'verdict', ARGV[2], 'at', ARGV[3], 'chat', w[1], 'rules', w[2],
  'level', w[3])
return 1
";

struct Scripts {
    begin_update: Script,
    begin_action: Script,
    prune: Script,
    prune_log: Script,
    feedback: Script,
    campaign: Script,
}

/// Redis-backed [`Store`], safe to share between processes on one prefix.
pub struct RedisStore {
    client: redis::Client,
    pool: Mutex<Vec<Connection>>,
    prefix: String,
    salt: Vec<u8>,
    /// TTL of what SQLite prunes by age, in milliseconds.
    keep_ms: u64,
    scripts: Scripts,
    /// `Some(last try)` while the server is unreachable.
    down: Mutex<Option<Instant>>,
    /// This process's lease on the actions it begins.
    lease: Lease,
}

/// How long a replica's lease outlives its last renewal: a replica silent this long is taken
/// to have died, and the actions it left pending are done again by whoever is given their
/// update (after at most this long plus a renewal).
pub const ACTION_LEASE: Duration = Duration::from_secs(10);
/// How often the lease is renewed.
const LEASE_RENEW: Duration = Duration::from_secs(2);

/// A replica's lease, `replica:<owner>` with a TTL of [`ACTION_LEASE`], renewed by a thread of
/// its own (on its own connection) until the store is dropped, then deleted.
struct Lease {
    owner: String,
    stop: Arc<AtomicBool>,
}

impl Lease {
    /// Hold (or renew) the lease `key` for [`ACTION_LEASE`].
    fn renew(c: &mut Connection, key: &str) -> redis::RedisResult<()> {
        let ttl = u64::try_from(ACTION_LEASE.as_millis()).unwrap_or(u64::MAX);
        redis::cmd("SET")
            .arg(key)
            .arg(1)
            .arg("PX")
            .arg(ttl)
            .query(c)
    }

    fn start(client: redis::Client, key: String, owner: String) -> Lease {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let renew = move || {
            let mut conn: Option<Connection> = None;
            while !stopped.load(Ordering::Relaxed) {
                if conn.is_none() {
                    conn = client.get_connection_with_timeout(TIMEOUT).ok();
                }
                if let Some(c) = conn.as_mut() {
                    let ttl = u64::try_from(ACTION_LEASE.as_millis()).unwrap_or(u64::MAX);
                    let set: redis::RedisResult<()> = redis::cmd("SET")
                        .arg(&key)
                        .arg(1)
                        .arg("PX")
                        .arg(ttl)
                        .query(c);
                    if set.is_err() {
                        conn = None;
                    }
                }
                let mut slept = Duration::ZERO;
                while slept < LEASE_RENEW && !stopped.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    slept += Duration::from_millis(100);
                }
            }
            if let Some(c) = conn.as_mut() {
                let _: redis::RedisResult<()> = redis::cmd("DEL").arg(&key).query(c);
            }
        };
        if let Err(e) = std::thread::Builder::new()
            .name("scamguard-lease".into())
            .spawn(renew)
        {
            tracing::error!(error = %e, "cannot start the lease thread: actions this process leaves pending wait for it");
        }
        Lease { owner, stop }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// `url` without its password, for messages and logs.
#[must_use]
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        Err(_) => "<unparsable redis url>".to_string(),
    }
}

impl RedisStore {
    /// Connect to `url` (`redis://[user:password@]host:port/db`, `rediss://`, or
    /// `redis+unix:///path`), check that the server answers, and create the salt under
    /// `prefix` if there is none. `keep` is the TTL of update marks, finished actions and the
    /// moderation log. Errors never contain the password.
    pub fn open(url: &str, prefix: &str, keep: Duration) -> StoreResult<RedisStore> {
        let client = redis::Client::open(url)
            .map_err(|e| StoreError::Other(format!("{}: not a redis URL: {e}", redact_url(url))))?;
        let mut store = RedisStore {
            client,
            pool: Mutex::new(Vec::new()),
            prefix: prefix.to_string(),
            salt: Vec::new(),
            keep_ms: u64::try_from(keep.as_millis()).unwrap_or(u64::MAX).max(1),
            scripts: Scripts {
                begin_update: Script::new(BEGIN_UPDATE),
                begin_action: Script::new(BEGIN_ACTION),
                prune: Script::new(PRUNE),
                prune_log: Script::new(PRUNE_LOG),
                feedback: Script::new(FEEDBACK),
                campaign: Script::new(shared::CAMPAIGN),
            },
            down: Mutex::new(None),
            lease: Lease {
                owner: String::new(),
                stop: Arc::new(AtomicBool::new(true)),
            },
        };
        let salt_key = store.key("salt");
        let mut fresh = [0u8; 32];
        getrandom::fill(&mut fresh)
            .map_err(|e| StoreError::Other(format!("no randomness for the salt: {e}")))?;
        let salt = store
            .with(|c| {
                // The first process on this prefix sets the salt; every later one reads it.
                let _: Option<String> = redis::cmd("SET")
                    .arg(&salt_key)
                    .arg(&fresh[..])
                    .arg("NX")
                    .query(c)?;
                redis::cmd("GET").arg(&salt_key).query::<Vec<u8>>(c)
            })
            .map_err(|e| StoreError::Other(format!("{}: {}", redact_url(url), e)))?;
        if salt.is_empty() {
            return Err(StoreError::Other(format!(
                "{}: the salt at {salt_key} is empty",
                redact_url(url)
            )));
        }
        store.salt = salt;
        let mut id = [0u8; 8];
        getrandom::fill(&mut id)
            .map_err(|e| StoreError::Other(format!("no randomness for the replica id: {e}")))?;
        let owner: String = id.iter().map(|b| format!("{b:02x}")).collect();
        let lease_key = store.key(&format!("replica:{owner}"));
        // Held before the first action can begin; the thread renews it.
        store
            .with(|c| Lease::renew(c, &lease_key))
            .map_err(|e| StoreError::Other(format!("{}: {e}", redact_url(url))))?;
        store.lease = Lease::start(store.client.clone(), lease_key, owner);
        Ok(store)
    }

    /// The key prefix.
    #[must_use]
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn key(&self, rest: &str) -> String {
        format!("{}{rest}", self.prefix)
    }

    fn pool(&self) -> MutexGuard<'_, Vec<Connection>> {
        // The pool is a plain list of idle connections: a panic cannot leave it inconsistent.
        self.pool.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn connect(&self) -> redis::RedisResult<Connection> {
        let c = self.client.get_connection_with_timeout(TIMEOUT)?;
        c.set_read_timeout(Some(TIMEOUT))?;
        c.set_write_timeout(Some(TIMEOUT))?;
        Ok(c)
    }

    /// Run `f` on an idle connection (or a new one). A connection that failed is dropped, not
    /// reused; nothing is retried, since a command may have run before its reply was lost.
    ///
    /// An unreachable server is an outage: logged once when it starts and once when it ends.
    /// During it, one call a second ([`PROBE_EVERY`]) tries the server and the others fail at
    /// once with [`StoreError::Unavailable`], so no message waits on a dead connection.
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> redis::RedisResult<T>,
    ) -> StoreResult<T> {
        if !self.may_try() {
            return Err(StoreError::Unavailable);
        }
        let pooled = self.pool().pop();
        let r = match pooled {
            Some(c) => Ok(c),
            None => self.connect(),
        }
        .and_then(|mut c| {
            let r = f(&mut c);
            if !r
                .as_ref()
                .is_err_and(|e| unreachable(e) || e.is_unrecoverable_error())
            {
                let mut pool = self.pool();
                if pool.len() < POOL_MAX {
                    pool.push(c);
                }
            }
            r
        });
        if self.note(r.as_ref().err()) {
            self.reseed();
        }
        Ok(r?)
    }

    /// After an outage: a server that came back empty gets this process's salt again, so the
    /// hashes of every replica stay one; a different salt found there is logged.
    fn reseed(&self) {
        let key = self.key("salt");
        let found = self.with(|c| {
            let _: Option<String> = redis::cmd("SET")
                .arg(&key)
                .arg(&self.salt[..])
                .arg("NX")
                .query(c)?;
            redis::cmd("GET").arg(&key).query::<Vec<u8>>(c)
        });
        if let Ok(found) = found
            && found != self.salt
        {
            tracing::error!(
                prefix = %self.prefix,
                "the salt in redis differs from this process's: restart every replica"
            );
        }
    }

    /// Whether this call may use the server: always while it is up; during an outage, the
    /// first call after [`PROBE_EVERY`].
    fn may_try(&self) -> bool {
        let mut down = self.down.lock().unwrap_or_else(PoisonError::into_inner);
        match *down {
            None => true,
            Some(last) if last.elapsed() >= PROBE_EVERY => {
                *down = Some(Instant::now());
                true
            }
            Some(_) => false,
        }
    }

    /// Record how a call went: the start and the end of an outage are logged, once each.
    /// Returns whether an outage ended.
    fn note(&self, error: Option<&redis::RedisError>) -> bool {
        let mut down = self.down.lock().unwrap_or_else(PoisonError::into_inner);
        match (error.filter(|e| unreachable(e)), down.is_some()) {
            (Some(e), false) => {
                *down = Some(Instant::now());
                drop(self.pool().drain(..));
                crate::metrics::store_outage(true);
                tracing::error!(
                    prefix = %self.prefix,
                    error = %e,
                    "redis unreachable: conversations are judged message by message until it returns"
                );
            }
            (Some(_), true) => *down = Some(Instant::now()),
            (None, true) => {
                *down = None;
                crate::metrics::store_outage(false);
                tracing::info!(prefix = %self.prefix, "redis reachable again");
                return true;
            }
            (None, false) => {}
        }
        false
    }

    /// Whether the server is in an outage.
    #[must_use]
    pub fn is_down(&self) -> bool {
        self.down
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    fn run<T>(&self, f: impl FnOnce(&mut Connection) -> redis::RedisResult<T>) -> StoreResult<T> {
        self.with(f)
    }

    fn action_member(&self, chat: i64, message_id: i32, kind: &str) -> String {
        format!("{}:{message_id}:{kind}", self.chat_hash(chat))
    }

    /// Run a pruning script over `zset` until a run removes less than a batch.
    fn prune_index(&self, zset: &str, key_prefix: &str, before: Millis) -> StoreResult<usize> {
        let mut total = 0;
        loop {
            let n: usize = self.run(|c| {
                self.scripts
                    .prune
                    .key(zset)
                    .arg(key_prefix)
                    .arg(before)
                    .arg(BATCH)
                    .invoke(c)
            })?;
            total += n;
            if n < BATCH {
                return Ok(total);
            }
        }
    }
}

/// A failure of the connection, not of the command: the server is unreachable.
fn unreachable(e: &redis::RedisError) -> bool {
    e.is_io_error() || e.is_timeout() || e.is_connection_dropped() || e.is_connection_refusal()
}

fn flag(b: bool) -> u8 {
    u8::from(b)
}

fn parse_or<T: std::str::FromStr>(v: Option<&String>, default: T) -> T {
    v.and_then(|s| s.parse().ok()).unwrap_or(default)
}

impl Store for RedisStore {
    fn chat_hash(&self, chat: i64) -> String {
        salted_hash(&self.salt, chat)
    }

    fn lang(&self, user: i64) -> StoreResult<Option<String>> {
        let k = self.key(&format!("lang:{}", self.chat_hash(user)));
        self.run(|c| redis::cmd("GET").arg(&k).query(c))
    }

    fn set_lang(&self, user: i64, lang: &str, _now: Millis) -> StoreResult<()> {
        let k = self.key(&format!("lang:{}", self.chat_hash(user)));
        self.run(|c| redis::cmd("SET").arg(&k).arg(lang).query(c))
    }

    fn record_warning(
        &self,
        chat: i64,
        rule_ids: &[String],
        level: &str,
        now: Millis,
    ) -> StoreResult<i64> {
        let seq = self.key("warning:seq");
        let h = self.chat_hash(chat);
        self.run(|c| {
            let id: i64 = redis::cmd("INCR").arg(&seq).query(c)?;
            let () = redis::cmd("HSET")
                .arg(self.key(&format!("warning:{id}")))
                .arg("chat")
                .arg(&h)
                .arg("rules")
                .arg(join_ids(rule_ids))
                .arg("level")
                .arg(level)
                .arg("at")
                .arg(now)
                .query::<i64>(c)
                .map(|_| ())?;
            Ok(id)
        })
    }

    fn record_feedback(
        &self,
        warning_id: i64,
        verdict: Verdict,
        now: Millis,
    ) -> StoreResult<FeedbackOutcome> {
        let n: i64 = self.run(|c| {
            self.scripts
                .feedback
                .key(self.key(&format!("warning:{warning_id}")))
                .key(self.key(&format!("feedback:{warning_id}")))
                .key(self.key("feedback:order"))
                .arg(warning_id)
                .arg(verdict.as_str())
                .arg(now)
                .invoke(c)
        })?;
        Ok(if n == 0 {
            FeedbackOutcome::UnknownWarning
        } else {
            FeedbackOutcome::Recorded
        })
    }

    fn feedback(&self) -> StoreResult<Vec<FeedbackRow>> {
        let ids: Vec<i64> = self.run(|c| {
            redis::cmd("LRANGE")
                .arg(self.key("feedback:order"))
                .arg(0)
                .arg(-1)
                .query(c)
        })?;
        let mut rows = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(256) {
            let mut p = redis::pipe();
            for id in chunk {
                p.cmd("HMGET")
                    .arg(self.key(&format!("feedback:{id}")))
                    .arg(&["verdict", "chat", "rules", "level"]);
            }
            type Fields = (
                Option<String>,
                Option<String>,
                Option<String>,
                Option<String>,
            );
            let got: Vec<Fields> = self.run(|c| p.query(c))?;
            for (id, (verdict, chat, rules, level)) in chunk.iter().zip(got) {
                let (Some(verdict), Some(chat)) = (verdict, chat) else {
                    continue;
                };
                rows.push(FeedbackRow {
                    warning_id: *id,
                    chat_hash: chat,
                    verdict: Verdict::parse(&verdict).unwrap_or(Verdict::Scam),
                    rule_ids: split_ids(&rules.unwrap_or_default()),
                    level: level.unwrap_or_default(),
                });
            }
        }
        Ok(rows)
    }

    fn begin_update(&self, update_id: u32, now: Millis) -> StoreResult<UpdateState> {
        let n: i64 = self.run(|c| {
            self.scripts
                .begin_update
                .key(self.key(&format!("update:{update_id}")))
                .key(self.key("updates"))
                .arg(update_id)
                .arg(now)
                .arg(self.keep_ms)
                .invoke(c)
        })?;
        Ok(if n < 0 {
            UpdateState::Done
        } else {
            UpdateState::Attempt(u32::try_from(n).unwrap_or(u32::MAX))
        })
    }

    fn mark_update(&self, update_id: u32, now: Millis) -> StoreResult<()> {
        let k = self.key(&format!("update:{update_id}"));
        self.run(|c| {
            redis::pipe()
                .atomic()
                .cmd("HSET")
                .arg(&k)
                .arg("done")
                .arg(1)
                .ignore()
                .cmd("HSETNX")
                .arg(&k)
                .arg("attempts")
                .arg(1)
                .ignore()
                .cmd("PEXPIRE")
                .arg(&k)
                .arg(self.keep_ms)
                .ignore()
                .cmd("ZADD")
                .arg(self.key("updates"))
                .arg(now)
                .arg(update_id)
                .ignore()
                .query(c)
        })
    }

    fn begin_action(
        &self,
        chat: i64,
        message_id: i32,
        kind: &str,
        now: Millis,
    ) -> StoreResult<Begin> {
        let m = self.action_member(chat, message_id, kind);
        let found: String = self.run(|c| {
            self.scripts
                .begin_action
                .key(self.key(&format!("action:{m}")))
                .key(self.key("actions:finished"))
                .key(self.key("actions:pending"))
                .arg(&m)
                .arg(now)
                .arg(&self.lease.owner)
                .arg(self.key("replica:"))
                .invoke(c)
        })?;
        Ok(match found.as_str() {
            "go" => Begin::Go,
            "takeover" => {
                tracing::warn!(
                    kind,
                    message_id,
                    "the replica that began this action stopped in the middle: done again"
                );
                Begin::Go
            }
            "elsewhere" => Begin::Elsewhere,
            "done" => Begin::Done,
            _ => Begin::Unknown,
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
        let m = self.action_member(chat, message_id, kind);
        self.run(|c| {
            redis::pipe()
                .atomic()
                .cmd("SET")
                .arg(self.key(&format!("action:{m}")))
                .arg(status.as_str())
                .arg("PX")
                .arg(self.keep_ms)
                .ignore()
                .cmd("ZREM")
                .arg(self.key("actions:pending"))
                .arg(&m)
                .ignore()
                .cmd("ZADD")
                .arg(self.key("actions:finished"))
                .arg(now)
                .arg(&m)
                .ignore()
                .query(c)
        })
    }

    /// Nothing to do: an action left pending by a replica that died is taken over by the
    /// replica given the update again, once the dead one's lease has run out
    /// ([`Store::begin_action`]); a pending action of a replica alive is its own business.
    fn recover(&self) -> StoreResult<usize> {
        Ok(0)
    }

    fn prune(&self, before: Millis) -> StoreResult<Pruned> {
        let updates = self.prune_index(&self.key("updates"), &self.key("update:"), before)?;
        let actions =
            self.prune_index(&self.key("actions:finished"), &self.key("action:"), before)?;
        let chats_key = self.key("modlog:chats");
        let chats: Vec<String> = self.run(|c| redis::cmd("SMEMBERS").arg(&chats_key).query(c))?;
        for chat in chats {
            self.run(|c| {
                self.scripts
                    .prune_log
                    .key(self.key(&format!("modlog:{chat}")))
                    .key(&chats_key)
                    .arg(before)
                    .arg(&chat)
                    .invoke::<i64>(c)
            })?;
        }
        Ok(Pruned { updates, actions })
    }
}

impl GroupStore for RedisStore {
    fn group_settings(&self, chat: i64) -> StoreResult<GroupSettings> {
        let k = self.key(&format!("group:{}", self.chat_hash(chat)));
        let f: HashMap<String, String> = self.run(|c| redis::cmd("HGETALL").arg(&k).query(c))?;
        let d = GroupSettings::default();
        if f.is_empty() {
            return Ok(d);
        }
        let text = |name: &str| f.get(name).map(String::as_str).unwrap_or_default();
        let yes = |name: &str| f.get(name).is_some_and(|v| v == "1");
        Ok(GroupSettings {
            on_warning: response_of(text("on_warning")),
            on_danger: response_of(text("on_danger")),
            threshold: level_of(text("threshold")),
            mute_minutes: parse_or(f.get("mute_minutes"), d.mute_minutes),
            dry_run: yes("dry_run"),
            notify_admins: yes("notify_admins"),
            newcomer_days: parse_or(f.get("newcomer_days"), d.newcomer_days),
            newcomer_messages: parse_or(f.get("newcomer_messages"), d.newcomer_messages),
            lang: f.get("lang").cloned(),
            screenshots: yes("screenshots"),
        })
    }

    fn set_group_settings(&self, chat: i64, s: &GroupSettings, now: Millis) -> StoreResult<()> {
        let k = self.key(&format!("group:{}", self.chat_hash(chat)));
        let mut fields: Vec<(&str, String)> = vec![
            ("on_warning", s.on_warning.as_str().to_string()),
            ("on_danger", s.on_danger.as_str().to_string()),
            ("threshold", s.threshold.as_str().to_string()),
            ("mute_minutes", s.mute_minutes.to_string()),
            ("dry_run", flag(s.dry_run).to_string()),
            ("notify_admins", flag(s.notify_admins).to_string()),
            ("newcomer_days", s.newcomer_days.to_string()),
            ("newcomer_messages", s.newcomer_messages.to_string()),
            ("screenshots", flag(s.screenshots).to_string()),
            ("updated_at", now.to_string()),
        ];
        if let Some(lang) = &s.lang {
            fields.push(("lang", lang.clone()));
        }
        self.run(|c| {
            redis::pipe()
                .atomic()
                .cmd("DEL")
                .arg(&k)
                .ignore()
                .cmd("HSET")
                .arg(&k)
                .arg(&fields)
                .ignore()
                .query(c)
        })
    }

    fn member(&self, chat: i64, user: i64) -> StoreResult<MemberRecord> {
        let k = self.key(&format!(
            "member:{}:{}",
            self.chat_hash(chat),
            self.chat_hash(user)
        ));
        let (joined_at, messages, trusted): (Option<u64>, Option<u32>, Option<u8>) =
            self.run(|c| {
                redis::cmd("HMGET")
                    .arg(&k)
                    .arg(&["joined_at", "messages", "trusted"])
                    .query(c)
            })?;
        Ok(MemberRecord {
            joined_at,
            messages: messages.unwrap_or(0),
            trusted: trusted == Some(1),
        })
    }

    fn note_join(&self, chat: i64, user: i64, now: Millis) -> StoreResult<()> {
        let k = self.key(&format!(
            "member:{}:{}",
            self.chat_hash(chat),
            self.chat_hash(user)
        ));
        self.run(|c| {
            redis::cmd("HSET")
                .arg(&k)
                .arg(&[("joined_at", now), ("last_seen", now)])
                .query::<i64>(c)
                .map(|_| ())
        })
    }

    fn note_message(&self, chat: i64, user: i64, now: Millis) -> StoreResult<MemberRecord> {
        let k = self.key(&format!(
            "member:{}:{}",
            self.chat_hash(chat),
            self.chat_hash(user)
        ));
        let (messages, (joined_at, trusted)): (u32, (Option<u64>, Option<u8>)) = self.run(|c| {
            redis::pipe()
                .atomic()
                .cmd("HINCRBY")
                .arg(&k)
                .arg("messages")
                .arg(1)
                .cmd("HSET")
                .arg(&k)
                .arg("last_seen")
                .arg(now)
                .ignore()
                .cmd("HMGET")
                .arg(&k)
                .arg(&["joined_at", "trusted"])
                .query(c)
        })?;
        Ok(MemberRecord {
            joined_at,
            messages: messages.saturating_sub(1),
            trusted: trusted == Some(1),
        })
    }

    fn set_trusted(&self, chat: i64, user: i64, trusted: bool, now: Millis) -> StoreResult<bool> {
        let (ch, uh) = (self.chat_hash(chat), self.chat_hash(user));
        let k = self.key(&format!("member:{ch}:{uh}"));
        let set = self.key(&format!("trusted:{ch}"));
        let (changed,): (i64,) = self.run(|c| {
            redis::pipe()
                .atomic()
                .cmd(if trusted { "SADD" } else { "SREM" })
                .arg(&set)
                .arg(&uh)
                .cmd("HSET")
                .arg(&k)
                .arg("trusted")
                .arg(flag(trusted))
                .ignore()
                .cmd("HSETNX")
                .arg(&k)
                .arg("last_seen")
                .arg(now)
                .ignore()
                .query(c)
        })?;
        Ok(changed == 1)
    }

    fn trusted_count(&self, chat: i64) -> StoreResult<u64> {
        let set = self.key(&format!("trusted:{}", self.chat_hash(chat)));
        self.run(|c| redis::cmd("SCARD").arg(&set).query(c))
    }

    fn bump(&self, chat: i64, counter: Counter, n: u64) -> StoreResult<()> {
        let k = self.key(&format!("counters:{}", self.chat_hash(chat)));
        self.run(|c| {
            redis::cmd("HINCRBY")
                .arg(&k)
                .arg(counter.as_str())
                .arg(i64::try_from(n).unwrap_or(i64::MAX))
                .query::<i64>(c)
                .map(|_| ())
        })
    }

    fn counters(&self, chat: i64) -> StoreResult<Vec<(Counter, u64)>> {
        let k = self.key(&format!("counters:{}", self.chat_hash(chat)));
        let names: Vec<&str> = Counter::ALL.iter().map(|c| c.as_str()).collect();
        let values: Vec<Option<i64>> =
            self.run(|c| redis::cmd("HMGET").arg(&k).arg(&names).query(c))?;
        Ok(Counter::ALL
            .into_iter()
            .zip(values)
            .map(|(k, v)| (k, v.unwrap_or(0).max(0) as u64))
            .collect())
    }

    fn log_moderation(
        &self,
        chat: i64,
        user: i64,
        entry: &ModerationEntry,
        now: Millis,
    ) -> StoreResult<i64> {
        let (ch, uh) = (self.chat_hash(chat), self.chat_hash(user));
        let log = self.key(&format!("modlog:{ch}"));
        self.run(|c| {
            let id: i64 = redis::cmd("INCR").arg(self.key("modlog:seq")).query(c)?;
            // The zero-padded id first: entries of the same millisecond sort by id.
            let member = serde_json::json!([
                format!("{id:020}"),
                uh,
                join_ids(&entry.rule_ids),
                entry.level.as_str(),
                entry.action,
                entry.outcome,
            ])
            .to_string();
            redis::pipe()
                .atomic()
                .cmd("ZADD")
                .arg(&log)
                .arg(now)
                .arg(&member)
                .ignore()
                .cmd("PEXPIRE")
                .arg(&log)
                .arg(self.keep_ms)
                .ignore()
                .cmd("SADD")
                .arg(self.key("modlog:chats"))
                .arg(&ch)
                .ignore()
                .query::<()>(c)?;
            Ok(id)
        })
    }

    fn moderation_log(&self, chat: i64, limit: usize) -> StoreResult<Vec<ModerationEntry>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let log = self.key(&format!("modlog:{}", self.chat_hash(chat)));
        let members: Vec<String> = self.run(|c| {
            redis::cmd("ZREVRANGE")
                .arg(&log)
                .arg(0)
                .arg(i64::try_from(limit).unwrap_or(i64::MAX) - 1)
                .query(c)
        })?;
        Ok(members
            .iter()
            .filter_map(|m| {
                let v: Vec<String> = serde_json::from_str(m).ok()?;
                let [_, _, rules, level, action, outcome] = <[String; 6]>::try_from(v).ok()?;
                Some(ModerationEntry {
                    rule_ids: split_ids(&rules),
                    level: level_of(&level),
                    action,
                    outcome,
                })
            })
            .collect())
    }

    fn first_notice(&self, chat: i64, kind: &str, now: Millis) -> StoreResult<bool> {
        let k = self.key(&format!("notices:{}", self.chat_hash(chat)));
        let n: i64 = self.run(|c| redis::cmd("HSETNX").arg(&k).arg(kind).arg(now).query(c))?;
        Ok(n == 1)
    }

    fn clear_notice(&self, chat: i64, kind: &str) -> StoreResult<()> {
        let k = self.key(&format!("notices:{}", self.chat_hash(chat)));
        self.run(|c| {
            redis::cmd("HDEL")
                .arg(&k)
                .arg(kind)
                .query::<i64>(c)
                .map(|_| ())
        })
    }
}

/// Test support: a [`RedisStore`] on `SCAMGUARD_TEST_REDIS_URL` under a fresh random prefix, so
/// tests run in parallel on one server. `None` (after a SKIPPED line) when the variable is
/// unset, unless `SCAMGUARD_REQUIRE_REDIS=1`, which makes that a failure.
#[cfg(test)]
pub(crate) fn test_store(what: &str) -> Option<RedisStore> {
    let url = test_url(what)?;
    Some(RedisStore::open(&url, &test_prefix(), Duration::from_secs(3600)).unwrap())
}

/// `SCAMGUARD_TEST_REDIS_URL`, or `None` after a SKIPPED line (a panic under
/// `SCAMGUARD_REQUIRE_REDIS=1`).
#[cfg(test)]
pub(crate) fn test_url(what: &str) -> Option<String> {
    match std::env::var("SCAMGUARD_TEST_REDIS_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var("SCAMGUARD_REQUIRE_REDIS").as_deref() != Ok("1"),
                "SCAMGUARD_REQUIRE_REDIS=1 but SCAMGUARD_TEST_REDIS_URL is unset: {what} needs Redis"
            );
            eprintln!("SKIPPED: {what} on Redis: SCAMGUARD_TEST_REDIS_URL is unset");
            None
        }
    }
}

/// A prefix no other test uses.
#[cfg(test)]
pub(crate) fn test_prefix() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).unwrap();
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("scamguard-test:{hex}:")
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Barrier};

    use super::*;

    /// Two stores on one prefix, as two replicas of the bot.
    fn replicas(what: &str) -> Option<(RedisStore, RedisStore)> {
        let url = test_url(what)?;
        let prefix = test_prefix();
        let keep = Duration::from_secs(3600);
        Some((
            RedisStore::open(&url, &prefix, keep).unwrap(),
            RedisStore::open(&url, &prefix, keep).unwrap(),
        ))
    }

    /// Run `f` on both stores at the same moment (from two threads); both results.
    fn race<T: Send + 'static>(
        a: &Arc<RedisStore>,
        b: &Arc<RedisStore>,
        f: impl Fn(&RedisStore) -> T + Send + Sync + 'static,
    ) -> [T; 2] {
        let f = Arc::new(f);
        let gate = Arc::new(Barrier::new(2));
        let run = |s: &Arc<RedisStore>| {
            let (s, f, gate) = (Arc::clone(s), Arc::clone(&f), Arc::clone(&gate));
            std::thread::spawn(move || {
                gate.wait();
                f(&s)
            })
        };
        let (ta, tb) = (run(a), run(b));
        [ta.join().unwrap(), tb.join().unwrap()]
    }

    #[test]
    fn an_action_in_flight_elsewhere_waits_and_a_dead_replicas_is_taken_over() {
        let Some((a, b)) = replicas("action leases") else {
            return;
        };
        assert_eq!(a.begin_action(1, 10, "warn", 1).unwrap(), Begin::Go);
        // A is alive: its action is in flight, B asks again later.
        assert_eq!(b.begin_action(1, 10, "warn", 2).unwrap(), Begin::Elsewhere);
        a.finish_action(1, 10, "warn", ActionStatus::Done, 3)
            .unwrap();
        assert_eq!(b.begin_action(1, 10, "warn", 4).unwrap(), Begin::Done);

        // A begins another and dies: its lease goes (deleted on drop; a killed process's
        // expires after ACTION_LEASE), and B takes the action over.
        assert_eq!(a.begin_action(1, 11, "warn", 5).unwrap(), Begin::Go);
        assert_eq!(
            b.recover().unwrap(),
            0,
            "a replica starting leaves others' actions alone"
        );
        assert_eq!(b.begin_action(1, 11, "warn", 6).unwrap(), Begin::Elsewhere);
        let lease = a.key(&format!("replica:{}", a.lease.owner));
        drop(a);
        let mut gone = false;
        for _ in 0..50 {
            let exists: bool = b
                .with(|c| redis::cmd("EXISTS").arg(&lease).query(c))
                .unwrap();
            if !exists {
                gone = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(gone, "the lease outlived its store");
        assert_eq!(b.begin_action(1, 11, "warn", 7).unwrap(), Begin::Go);
        // Now B's: a third replica waits for it.
        let url = test_url("action leases").unwrap();
        let c = RedisStore::open(&url, b.prefix(), Duration::from_secs(3600)).unwrap();
        assert_eq!(c.begin_action(1, 11, "warn", 8).unwrap(), Begin::Elsewhere);
    }

    #[test]
    fn two_replicas_handle_an_update_once_and_send_once() {
        let Some((a, b)) = replicas("two replicas on one prefix") else {
            return;
        };
        assert_eq!(a.chat_hash(42), b.chat_hash(42), "one salt for both");
        let (a, b) = (Arc::new(a), Arc::new(b));
        for update in 1..=40u32 {
            let mut begun = race(&a, &b, move |s| s.begin_update(update, 1).unwrap());
            begun.sort_by_key(|u| format!("{u:?}"));
            assert_eq!(
                begun,
                [UpdateState::Attempt(1), UpdateState::Attempt(2)],
                "update {update}: exactly one replica sees the first attempt"
            );
            let chat = -1000 - i64::from(update);
            let mut sends = race(&a, &b, move |s| s.begin_action(chat, 7, "warn", 2).unwrap());
            sends.sort_by_key(|x| format!("{x:?}"));
            // The other is told the action is in flight elsewhere (it asks again later).
            assert_eq!(
                sends,
                [Begin::Elsewhere, Begin::Go],
                "update {update}: exactly one replica may send"
            );
            // The replica that got Go sends and records it; the update is then done for both.
            a.finish_action(chat, 7, "warn", ActionStatus::Done, 3)
                .unwrap();
            a.mark_update(update, 3).unwrap();
            assert_eq!(b.begin_update(update, 4).unwrap(), UpdateState::Done);
            assert_eq!(a.begin_update(update, 4).unwrap(), UpdateState::Done);
            assert_eq!(b.begin_action(chat, 7, "warn", 4).unwrap(), Begin::Done);
        }
    }

    #[test]
    fn bookkeeping_that_sqlite_prunes_by_age_has_a_ttl_and_pending_has_none() {
        let Some(s) = test_store("TTLs") else {
            return;
        };
        let ttl = |key: &str| -> i64 {
            let k = s.key(key);
            s.run(|c| redis::cmd("PTTL").arg(&k).query(c)).unwrap()
        };
        let keep = i64::try_from(s.keep_ms).unwrap();
        s.begin_update(5, 1).unwrap();
        assert!((1..=keep).contains(&ttl("update:5")), "update mark");
        s.mark_update(6, 1).unwrap();
        assert!((1..=keep).contains(&ttl("update:6")), "update mark");
        s.begin_action(1, 2, "warn", 1).unwrap();
        let action = format!("action:{}", s.action_member(1, 2, "warn"));
        assert_eq!(
            ttl(&action),
            -1,
            "pending: kept until finished or recovered"
        );
        s.finish_action(1, 2, "warn", ActionStatus::Done, 2)
            .unwrap();
        assert!((1..=keep).contains(&ttl(&action)), "finished action");
        let entry = ModerationEntry {
            rule_ids: vec!["a.b".into()],
            level: crate::engine::Level::Danger,
            action: "delete".into(),
            outcome: "done".into(),
        };
        s.log_moderation(1, 2, &entry, 1).unwrap();
        let log = format!("modlog:{}", s.chat_hash(1));
        assert!((1..=keep).contains(&ttl(&log)), "moderation log");
        assert_eq!(ttl("salt"), -1, "the salt stays");
    }

    #[test]
    fn ids_are_not_stored_in_clear() {
        let Some(s) = test_store("ids in clear") else {
            return;
        };
        let (chat, user) = (-100_987_654_321_i64, 987_654_321_i64);
        s.set_lang(user, "en", 1).unwrap();
        let w = s
            .record_warning(chat, &["x.y".into()], "danger", 1)
            .unwrap();
        s.record_feedback(w, Verdict::Scam, 2).unwrap();
        s.begin_action(chat, 5, "warn", 1).unwrap();
        s.note_join(chat, user, 1).unwrap();
        s.set_trusted(chat, user, true, 1).unwrap();
        s.bump(chat, Counter::Messages, 1).unwrap();
        s.first_notice(chat, "delete", 1).unwrap();
        let entry = ModerationEntry {
            rule_ids: vec!["x.y".into()],
            level: crate::engine::Level::Danger,
            action: "delete".into(),
            outcome: "done".into(),
        };
        s.log_moderation(chat, user, &entry, 1).unwrap();
        let pattern = format!("{}*", s.prefix());
        let mut seen = String::new();
        s.run(|c| {
            let keys: Vec<String> = redis::cmd("KEYS").arg(&pattern).query(c)?;
            for k in keys {
                let t: String = redis::cmd("TYPE").arg(&k).query(c)?;
                let values: Vec<Vec<u8>> = match t.as_str() {
                    "string" => vec![redis::cmd("GET").arg(&k).query(c)?],
                    "hash" => redis::cmd("HGETALL").arg(&k).query(c)?,
                    "set" => redis::cmd("SMEMBERS").arg(&k).query(c)?,
                    "zset" => redis::cmd("ZRANGE")
                        .arg(&k)
                        .arg(0)
                        .arg(-1)
                        .arg("WITHSCORES")
                        .query(c)?,
                    "list" => redis::cmd("LRANGE").arg(&k).arg(0).arg(-1).query(c)?,
                    other => panic!("{k}: unexpected type {other}"),
                };
                seen.push_str(&k);
                for v in values {
                    seen.push_str(&String::from_utf8_lossy(&v));
                }
            }
            Ok(())
        })
        .unwrap();
        assert!(seen.contains(&s.chat_hash(chat)), "the hashes are there");
        assert!(!seen.contains("987654321"), "no id in clear");
    }

    #[test]
    fn an_unreachable_server_is_named_without_its_password() {
        // Port 1 on loopback: nothing listens there.
        let err = RedisStore::open(
            "redis://bot:hunter2@127.0.0.1:1/0",
            DEFAULT_PREFIX,
            Duration::from_secs(1),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("127.0.0.1:1"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        assert!(
            RedisStore::open("http://127.0.0.1/", DEFAULT_PREFIX, Duration::from_secs(1)).is_err()
        );
        assert_eq!(
            redact_url("redis://bot:hunter2@db:6379/2"),
            "redis://bot:***@db:6379/2"
        );
    }
}
