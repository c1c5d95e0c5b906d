//! What replicas share beyond the [`Store`](crate::store::Store): conversations and campaign
//! counters, in the same Redis server and under the same prefix and salt as [`RedisStore`].
//!
//! | key (after the prefix) | type | what |
//! | --- | --- | --- |
//! | `c:K` | string | a conversation ([`Conversation::encode`]); TTL: the idle expiry |
//! | `families` | hash | family name by id ([`family_id`]), for the families conversations name |
//! | `camp:T` | sorted set | who posted text `T` lately (8-byte hashes), scored by time; TTL: the window |
//!
//! `K` is the first 8 bytes of a salted SHA-256 of the conversation's ids, raw; `T` the first 8
//! bytes of one of the normalized text. A conversation names its families by a 4-byte id; each
//! replica learns the names once (from its rules as it sees them, else from `families`). A
//! conversation that saw every stage and four families takes under 200 bytes of server memory
//! (measured in the tests).
//!
//! Each step records the id of its message (a hash of the chat, the message id and the text):
//! a delivery repeated after a replica died mid-update is assessed as the first time and
//! written by no one, so the warning it was owed is not lost and no step counts twice.
//!
//! A conversation is read, advanced by [`Conversation::observe`] in this process (the one
//! state machine), and written back with a compare-and-set script: the write happens only if
//! the entry is still what was read, else the step is done again on the newer entry. Two
//! replicas given messages of one conversation at once therefore both count, in some order,
//! as in one process.
//!
//! While Redis is unreachable a message is judged on its own ([`Conversation::new`]): its hard
//! triggers are answered as always, since a trigger never depends on what came before; the
//! conversation resumes from what Redis holds when it returns.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use redis::Script;
use sha2::{Digest, Sha256};

use super::RedisStore;
use dashmap::DashMap;

use crate::conversation::wire::family_id;
use crate::conversation::{Assessment, Conversation, Timestamp, duration_ms};
use crate::engine::Scan;
use crate::sessions::{ConversationKey, SessionBackend, SessionConfig};

/// Write `ARGV[3]` with TTL `ARGV[4]` ms if the key holds `ARGV[2]` (`ARGV[1]` = 1) or
/// nothing (`ARGV[1]` = 0); 1 if written.
const COMPARE_AND_SET: &str = r"
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if cur ~= ARGV[2] then return 0 end
elseif cur then
  return 0
end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
return 1
";

/// Post `ARGV[2]` at `ARGV[1]` ms to text `KEYS[1]`, forget posts older than the window
/// `ARGV[3]` ms, keep the `ARGV[4]` latest posters; returns how many remain.
pub(super) const CAMPAIGN: &str = r"
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (tonumber(ARGV[1]) - tonumber(ARGV[3]) + 1))
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
local n = redis.call('ZCARD', KEYS[1])
if n > tonumber(ARGV[4]) then
  redis.call('ZPOPMIN', KEYS[1], n - tonumber(ARGV[4]))
  n = tonumber(ARGV[4])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return n
";

/// Run `f`, which waits on the network, from synchronous code that may be on a tokio worker:
/// on the multi-threaded runtime the worker's other tasks move to another worker meanwhile.
pub fn round_trip<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// Tries of one conversation step against writes of other replicas; after a lost race the
/// next try waits a little longer, with jitter, so racing replicas fall out of step.
const TRIES: u32 = 64;
/// How long a count of stored conversations is reused.
const COUNT_FOR: Duration = Duration::from_secs(30);

impl RedisStore {
    /// 8 bytes of the salted SHA-256 of `parts`, after a domain tag.
    fn short_hash(&self, tag: &[u8], parts: &[&[u8]]) -> [u8; 8] {
        let mut h = Sha256::new();
        h.update(&self.salt);
        h.update(tag);
        for p in parts {
            h.update((p.len() as u64).to_le_bytes());
            h.update(p);
        }
        let d = h.finalize();
        let mut out = [0u8; 8];
        out.copy_from_slice(&d[..8]);
        out
    }

    fn conversation_key(&self, key: ConversationKey) -> Vec<u8> {
        let hash = match key {
            ConversationKey::Private { chat } => self.short_hash(b"conv:p", &[&chat.to_le_bytes()]),
            ConversationKey::Group { chat, sender } => {
                self.short_hash(b"conv:g", &[&chat.to_le_bytes(), &sender.to_le_bytes()])
            }
        };
        [self.prefix.as_bytes(), b"c:", &hash].concat()
    }

    /// The shared key of a normalized text, for campaign counting.
    #[must_use]
    pub fn campaign_text_key(&self, normalized: &str) -> u64 {
        u64::from_le_bytes(self.short_hash(b"camp:t", &[normalized.as_bytes()]))
    }

    /// Record that `sender` posted text `text` in `chat` at `now`; returns how many distinct
    /// accounts posted it within `window`, at most `keep`.
    ///
    /// # Errors
    /// Redis failed or is in an outage.
    pub fn campaign_observe(
        &self,
        text: u64,
        chat: i64,
        sender: i64,
        now: Timestamp,
        window: Duration,
        keep: usize,
    ) -> crate::store::StoreResult<usize> {
        let who = self.short_hash(b"camp:w", &[&chat.to_le_bytes(), &sender.to_le_bytes()]);
        let key = [self.prefix.as_bytes(), b"camp:", &text.to_le_bytes()].concat();
        round_trip(|| {
            self.with(|c| {
                self.scripts
                    .campaign
                    .key(key)
                    .arg(now.0)
                    .arg(&who[..])
                    .arg(duration_ms(window).max(1))
                    .arg(keep)
                    .invoke(c)
            })
        })
    }
}

/// Conversations in Redis, shared by every replica on the prefix.
pub struct RedisSessions {
    store: Arc<RedisStore>,
    config: SessionConfig,
    ttl_ms: u64,
    cas: Script,
    /// Messages judged on their own since start.
    stateless: AtomicU64,
    /// Last count of stored conversations, and when it was taken.
    counted: Mutex<Option<(Instant, usize)>>,
    /// Family names by id, as far as this process has seen or looked them up; every name here
    /// is in the server's `families` hash too.
    names: DashMap<u32, Arc<String>>,
}

impl std::fmt::Debug for RedisSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisSessions")
            .field("prefix", &self.store.prefix())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl RedisSessions {
    /// Conversations in `store`'s server under its prefix. A conversation idle for
    /// `config.idle` expires by TTL; `config.max_entries` is the server's business
    /// (`maxmemory`), not checked here.
    #[must_use]
    pub fn new(store: Arc<RedisStore>, config: SessionConfig) -> Self {
        RedisSessions {
            store,
            ttl_ms: duration_ms(config.idle).max(1),
            config,
            cas: Script::new(COMPARE_AND_SET),
            stateless: AtomicU64::new(0),
            counted: Mutex::new(None),
            names: DashMap::new(),
        }
    }

    /// Messages judged on their own since start because Redis was out of reach.
    #[must_use]
    pub fn stateless(&self) -> u64 {
        self.stateless.load(Ordering::Relaxed)
    }

    /// The raw entry of `key`'s conversation (tests measure and inspect it).
    ///
    /// # Errors
    /// Redis failed.
    pub fn raw(&self, key: ConversationKey) -> crate::store::StoreResult<Option<Vec<u8>>> {
        let k = self.store.conversation_key(key);
        self.store.with(|c| redis::cmd("GET").arg(&k).query(c))
    }

    /// Server memory used by `key`'s conversation (`MEMORY USAGE`), if it exists.
    ///
    /// # Errors
    /// Redis failed.
    pub fn memory_usage(&self, key: ConversationKey) -> crate::store::StoreResult<Option<u64>> {
        let k = self.store.conversation_key(key);
        self.store.with(|c| {
            redis::cmd("MEMORY")
                .arg("USAGE")
                .arg(&k)
                .arg("SAMPLES")
                .arg(0)
                .query(c)
        })
    }

    /// Milliseconds left before `key`'s conversation expires, if it exists.
    ///
    /// # Errors
    /// Redis failed.
    pub fn ttl_ms(&self, key: ConversationKey) -> crate::store::StoreResult<Option<u64>> {
        let k = self.store.conversation_key(key);
        let t: i64 = self.store.with(|c| redis::cmd("PTTL").arg(&k).query(c))?;
        Ok(u64::try_from(t).ok())
    }

    fn alone(&self, scan: &Scan, now: Timestamp) -> Assessment {
        self.stateless.fetch_add(1, Ordering::Relaxed);
        crate::metrics::stateless();
        Conversation::new().observe(scan, now, &self.config.conversation)
    }

    /// The name of family `id`: known here, else from the server.
    fn name_of(&self, id: u32) -> Option<Arc<String>> {
        if let Some(n) = self.names.get(&id) {
            return Some(n.clone());
        }
        let key = self.store.key("families");
        let name: Option<String> = self
            .store
            .with(|c| redis::cmd("HGET").arg(&key).arg(id).query(c))
            .ok()
            .flatten();
        let name = Arc::new(name?);
        self.names.insert(id, name.clone());
        Some(name)
    }

    /// Put the names of `conv`'s families the server may not know into `families`.
    fn register(&self, conv: &Conversation) -> crate::store::StoreResult<()> {
        for name in conv.family_names() {
            let id = family_id(name);
            if self.names.contains_key(&id) {
                continue;
            }
            let key = self.store.key("families");
            self.store.with(|c| {
                redis::cmd("HSETNX")
                    .arg(&key)
                    .arg(id)
                    .arg(name)
                    .query::<i64>(c)
            })?;
            self.names.insert(id, Arc::new(name.to_owned()));
        }
        Ok(())
    }

    fn idle(&self, conv: &Conversation, now: Timestamp) -> bool {
        conv.messages() > 0 && now.millis_since(conv.last_activity()) >= self.ttl_ms
    }

    fn count(&self) -> crate::store::StoreResult<usize> {
        let pattern = [self.store.prefix().as_bytes(), b"c:*"].concat();
        self.store.with(|c| {
            let mut cursor: u64 = 0;
            let mut n = 0usize;
            loop {
                let (next, keys): (u64, Vec<Vec<u8>>) = redis::cmd("SCAN")
                    .arg(cursor)
                    .arg("MATCH")
                    .arg(&pattern)
                    .arg("COUNT")
                    .arg(1000)
                    .query(c)?;
                n += keys.len();
                if next == 0 {
                    return Ok(n);
                }
                cursor = next;
            }
        })
    }
}

/// A pause of up to `attempt` × 100 µs (at most 5 ms), at random.
fn backoff(attempt: u32) {
    let mut b = [0u8; 2];
    let jitter = getrandom::fill(&mut b).map_or(50, |()| u64::from(u16::from_le_bytes(b)) % 100);
    let micros = (u64::from(attempt) * jitter).min(5_000);
    std::thread::sleep(Duration::from_micros(micros));
}

impl RedisSessions {
    fn step(
        &self,
        key: ConversationKey,
        step: Option<u32>,
        scan: &Scan,
        now: Timestamp,
    ) -> Assessment {
        let policy = &self.config.conversation;
        let k = self.store.conversation_key(key);
        let mut last = None;
        for attempt in 0..TRIES {
            if attempt > 0 {
                backoff(attempt);
            }
            let Ok(old) = self
                .store
                .with(|c| redis::cmd("GET").arg(&k).query::<Option<Vec<u8>>>(c))
            else {
                return self.alone(scan, now);
            };
            if old.is_none() && scan.findings.is_empty() {
                // Like the in-memory store: chatter without findings creates no conversation.
                return Conversation::new().observe(scan, now, policy);
            }
            let mut conv = old
                .as_deref()
                .and_then(|b| Conversation::decode(b, |id| self.name_of(id)))
                .filter(|c| !self.idle(c, now))
                .unwrap_or_default();
            let (assessment, changed) = match step {
                Some(step) => conv.observe_step(step, scan, now, policy),
                None => (conv.observe(scan, now, policy), true),
            };
            if !changed {
                return assessment;
            }
            if self.register(&conv).is_err() {
                return self.alone(scan, now);
            }
            let written: crate::store::StoreResult<i64> = self.store.with(|c| {
                self.cas
                    .key(&k)
                    .arg(u8::from(old.is_some()))
                    .arg(old.as_deref().unwrap_or_default())
                    .arg(conv.encode())
                    .arg(self.ttl_ms)
                    .invoke(c)
            });
            match written {
                Ok(1) => return assessment,
                Ok(_) => last = Some(assessment),
                Err(_) => return self.alone(scan, now),
            }
        }
        tracing::warn!(
            tries = TRIES,
            "a conversation changed under every try: this message's step is not stored"
        );
        last.unwrap_or_else(|| self.alone(scan, now))
    }
}

impl SessionBackend for RedisSessions {
    fn observe(&self, key: ConversationKey, scan: &Scan, now: Timestamp) -> Assessment {
        self.step(key, None, scan, now)
    }

    fn observe_step(
        &self,
        key: ConversationKey,
        step: u32,
        scan: &Scan,
        now: Timestamp,
    ) -> Assessment {
        self.step(key, Some(step), scan, now)
    }

    fn reset(&self, key: ConversationKey) -> bool {
        let k = self.store.conversation_key(key);
        self.store
            .with(|c| redis::cmd("DEL").arg(&k).query::<i64>(c))
            .is_ok_and(|n| n > 0)
    }

    fn sweep(&self, _now: Timestamp) -> usize {
        // Redis expires idle conversations by TTL.
        0
    }

    fn len(&self) -> usize {
        let mut counted = self.counted.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((at, n)) = *counted
            && at.elapsed() < COUNT_FOR
        {
            return n;
        }
        let n = self.count().unwrap_or(counted.map_or(0, |(_, n)| n));
        *counted = Some((Instant::now(), n));
        n
    }

    fn config(&self) -> &SessionConfig {
        &self.config
    }

    fn shared(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::super::{test_prefix, test_url};
    use super::*;
    use crate::conversation::test_support::{Rules, rule, scan};
    use crate::engine::{Level, Stage};
    use crate::store::Store;

    const IDLE: Duration = Duration::from_secs(30 * 60);

    fn at(ms: u64) -> Timestamp {
        Timestamp(1_764_000_000_000 + ms)
    }

    fn open(url: &str, prefix: &str) -> Arc<RedisStore> {
        Arc::new(RedisStore::open(url, prefix, Duration::from_secs(3600)).unwrap())
    }

    fn sessions(store: &Arc<RedisStore>) -> RedisSessions {
        RedisSessions::new(
            store.clone(),
            SessionConfig {
                idle: IDLE,
                ..SessionConfig::default()
            },
        )
    }

    /// Two replicas (two connections, one prefix) on `what`'s server.
    fn replicas(what: &str) -> Option<(RedisSessions, RedisSessions)> {
        let url = test_url(what)?;
        let prefix = test_prefix();
        Some((
            sessions(&open(&url, &prefix)),
            sessions(&open(&url, &prefix)),
        ))
    }

    const VICTIM: ConversationKey = ConversationKey::Private { chat: 4242 };

    #[test]
    fn a_conversation_split_between_replicas_escalates_as_in_one_process() {
        let Some((a, b)) = replicas("split conversation") else {
            return;
        };
        let r = Rules::new();
        // Pretext on A, hook on B: caution, no warning; the channel move on A makes three
        // stages: a warning; the screen-share trigger on B: danger, warned again (new level).
        let steps: [(&RedisSessions, &Arc<_>, Level, bool); 4] = [
            (&a, &r.pretext, Level::Caution, false),
            (&b, &r.hook, Level::Caution, false),
            (&a, &r.channel, Level::Warning, true),
            (&b, &r.control_trigger, Level::Danger, true),
        ];
        for (i, (replica, rule, level, warn)) in steps.into_iter().enumerate() {
            let t = at(60_000 * i as u64);
            let got = replica.observe(VICTIM, &scan(&[rule]), t);
            assert_eq!(
                (got.level, got.warn_now),
                (level, warn),
                "step {i}: {}",
                rule.id
            );
            assert_eq!(got.messages, i as u32 + 1);
        }
        // The same trigger again, on A: already warned.
        let again = a.observe(VICTIM, &scan(&[&r.control_trigger]), at(300_000));
        assert_eq!((again.level, again.warn_now), (Level::Danger, false));
        assert_eq!(
            again.chain,
            vec![Stage::Pretext, Stage::Hook, Stage::Channel, Stage::Control]
        );
        assert_eq!(a.stateless() + b.stateless(), 0);
        assert!(b.reset(VICTIM));
        assert!(!a.reset(VICTIM));
        assert_eq!(a.raw(VICTIM).unwrap(), None);
    }

    #[test]
    fn a_step_begun_on_a_replica_that_died_is_warned_by_the_next_one() {
        let Some((a, b)) = replicas("step delivered again") else {
            return;
        };
        let r = Rules::new();
        a.observe_step(VICTIM, 11, &scan(&[&r.pretext]), at(0));
        // A takes the trigger's step (warn_now) and dies before sending the warning.
        let first = a.observe_step(VICTIM, 12, &scan(&[&r.control_trigger]), at(1_000));
        assert!(first.warn_now);
        // Telegram delivers the update again, to B: the same step, the same answer.
        let again = b.observe_step(VICTIM, 12, &scan(&[&r.control_trigger]), at(2_000));
        assert_eq!((again.warn_now, again.messages), (true, 2));
        // The next message is a new step: already warned, counted once.
        let next = b.observe_step(VICTIM, 13, &scan(&[&r.control_trigger]), at(3_000));
        assert_eq!((next.warn_now, next.messages), (false, 3));
    }

    #[test]
    fn concurrent_steps_on_two_replicas_are_all_counted() {
        let Some((a, b)) = replicas("concurrent steps") else {
            return;
        };
        let (a, b) = (Arc::new(a), Arc::new(b));
        let r = Rules::new();
        let soft = r.pretext.clone();
        let threads: Vec<_> = [a.clone(), b.clone(), a.clone(), b.clone()]
            .into_iter()
            .enumerate()
            .map(|(n, s)| {
                let soft = soft.clone();
                std::thread::spawn(move || {
                    for i in 0..50u64 {
                        s.observe(VICTIM, &scan(&[&soft]), at(n as u64 * 50 + i));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        // 200 steps from four threads on two replicas: none lost.
        let last = a.observe(VICTIM, &scan(&[&soft]), at(1_000));
        assert_eq!(last.messages, 201);
        assert_eq!(a.stateless() + b.stateless(), 0);
    }

    #[test]
    fn chatter_creates_nothing_and_a_conversation_expires_by_ttl() {
        let Some((a, _)) = replicas("conversation ttl") else {
            return;
        };
        let quiet = a.observe(VICTIM, &scan(&[]), at(0));
        assert_eq!(quiet.level, Level::None);
        assert_eq!(a.raw(VICTIM).unwrap(), None);
        a.observe(VICTIM, &scan(&[&Rules::new().pretext]), at(0));
        let ttl = a.ttl_ms(VICTIM).unwrap().expect("a TTL");
        let idle = duration_ms(IDLE);
        assert!(ttl <= idle && ttl > idle - 60_000, "ttl {ttl} ms");
    }

    #[test]
    fn an_idle_entry_starts_fresh_and_a_damaged_one_too() {
        let Some((a, b)) = replicas("idle and damaged") else {
            return;
        };
        let r = Rules::new();
        a.observe(VICTIM, &scan(&[&r.pretext]), at(0));
        // Idle for the whole expiry (the entry's TTL is the server's business; the step
        // checks too, for clocks that differ between replicas).
        let later = b.observe(VICTIM, &scan(&[&r.hook]), at(duration_ms(IDLE)));
        assert_eq!((later.messages, later.chain.len()), (1, 1));
        let k = a.store.conversation_key(VICTIM);
        a.store
            .with(|c| {
                redis::cmd("SET")
                    .arg(&k)
                    .arg("not a conversation")
                    .query::<()>(c)
            })
            .unwrap();
        let fresh = b.observe(VICTIM, &scan(&[&r.channel]), at(duration_ms(IDLE) + 1));
        assert_eq!((fresh.messages, fresh.chain), (1, vec![Stage::Channel]));
    }

    /// The goal is at most 256 bytes of server memory per live conversation. Measured with
    /// `MEMORY USAGE` on a conversation that saw every stage and four families, under a prefix
    /// as long as the default one.
    #[test]
    fn a_full_conversation_takes_at_most_256_bytes_of_redis_memory() {
        let Some(url) = test_url("conversation memory") else {
            return;
        };
        let mut salt = [0u8; 4];
        getrandom::fill(&mut salt).unwrap();
        let prefix = format!("{:08x}:", u32::from_le_bytes(salt));
        assert_eq!(prefix.len(), "scamguard".len());
        let s = sessions(&open(&url, &format!("s{prefix}")));
        let r = Rules::new();
        let families = [
            rule("a.1", "fake_customer_service", Stage::Pretext, 20, false),
            rule("b.1", "investment_pig_butchering", Stage::Hook, 30, false),
            rule(
                "c.1",
                "impersonated_acquaintance",
                Stage::Channel,
                25,
                false,
            ),
            rule("d.1", "remote_control", Stage::Control, 80, true),
        ];
        for (i, f) in families.iter().enumerate() {
            s.observe(VICTIM, &scan(&[f]), at(61_000 * i as u64));
        }
        let a = s.observe(VICTIM, &scan(&[&r.extract_trigger]), at(300_000));
        assert_eq!(a.chain.len(), 5);
        assert_eq!(a.families.len(), 4);
        let stored = s.raw(VICTIM).unwrap().expect("stored").len();
        let used = s.memory_usage(VICTIM).unwrap().expect("stored");
        eprintln!("a full conversation: {stored} bytes stored, {used} bytes of Redis memory");
        assert!(used <= 256, "{used} bytes");
        assert!(s.reset(VICTIM));
    }

    #[test]
    fn campaign_posts_on_two_replicas_add_up() {
        let Some(url) = test_url("shared campaigns") else {
            return;
        };
        let prefix = test_prefix();
        let (a, b) = (open(&url, &prefix), open(&url, &prefix));
        let text = "同一段诈骗文案被很多人转发到群里了";
        let key = a.campaign_text_key(text);
        assert_eq!(key, b.campaign_text_key(text), "one key on every replica");
        assert_ne!(key, a.campaign_text_key("另一段完全不同的文字内容在这里"));
        let w = Duration::from_secs(600);
        let ms = duration_ms(w);
        assert_eq!(a.campaign_observe(key, -100, 1, at(0), w, 8).unwrap(), 1);
        // The same account again counts once; a second account on the other replica: two.
        assert_eq!(
            b.campaign_observe(key, -100, 1, at(1_000), w, 8).unwrap(),
            1
        );
        assert_eq!(
            b.campaign_observe(key, -100, 2, at(2_000), w, 8).unwrap(),
            2
        );
        // Account 1's last post (at 1 s) leaves the window at 1 s + 10 min.
        assert_eq!(
            a.campaign_observe(key, -100, 3, at(ms + 999), w, 8)
                .unwrap(),
            3
        );
        assert_eq!(
            a.campaign_observe(key, -100, 3, at(ms + 1_000), w, 8)
                .unwrap(),
            2
        );
        // At most `keep` posters are kept.
        for sender in 10..30 {
            b.campaign_observe(key, -100, sender, at(ms + 2_000), w, 8)
                .unwrap();
        }
        assert_eq!(
            a.campaign_observe(key, -100, 99, at(ms + 3_000), w, 8)
                .unwrap(),
            8
        );
    }

    /// A redis-server of this test's own, on a free loopback port, nothing saved.
    struct OwnServer {
        port: u16,
        child: Option<std::process::Child>,
    }

    impl OwnServer {
        fn start(what: &str) -> Option<OwnServer> {
            test_url(what)?;
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .ok()?
                .local_addr()
                .ok()?
                .port();
            let mut s = OwnServer { port, child: None };
            s.restart();
            Some(s)
        }

        fn restart(&mut self) {
            let child = std::process::Command::new("redis-server")
                .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no"])
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("redis-server");
            self.child = Some(child);
            for _ in 0..100 {
                if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            panic!("redis-server did not start on port {}", self.port);
        }

        fn kill(&mut self) {
            if let Some(mut c) = self.child.take() {
                let _ = c.kill();
                let _ = c.wait();
            }
        }

        fn url(&self) -> String {
            format!("redis://127.0.0.1:{}/0", self.port)
        }
    }

    impl Drop for OwnServer {
        fn drop(&mut self) {
            self.kill();
        }
    }

    #[test]
    fn an_outage_judges_each_message_alone_fails_fast_and_ends_by_itself() {
        let Some(mut server) = OwnServer::start("redis outage") else {
            return;
        };
        let store = open(&server.url(), "outage:");
        let s = sessions(&store);
        let r = Rules::new();
        s.observe(VICTIM, &scan(&[&r.pretext]), at(0));
        s.observe(VICTIM, &scan(&[&r.hook]), at(1_000));
        server.kill();

        // A hard trigger is answered from the message alone: danger, warned.
        let alone = s.observe(VICTIM, &scan(&[&r.control_trigger]), at(2_000));
        assert_eq!(
            (alone.level, alone.warn_now, alone.messages),
            (Level::Danger, true, 1)
        );
        assert!(store.is_down());
        // A soft signal alone is only caution: what came before is out of reach.
        let soft = s.observe(VICTIM, &scan(&[&r.channel]), at(3_000));
        assert_eq!((soft.level, soft.warn_now), (Level::Caution, false));
        // Within the probe interval every call fails at once, without a connection.
        assert!(matches!(
            store.lang(1),
            Err(crate::store::StoreError::Unavailable)
        ));
        assert_eq!(s.stateless(), 2);

        server.restart();
        let mut back = false;
        for _ in 0..50 {
            std::thread::sleep(Duration::from_millis(100));
            if store.lang(1).is_ok() {
                back = true;
                break;
            }
        }
        assert!(back, "the store did not come back");
        assert!(!store.is_down());
        // The emptied server got this process's salt again, so hashes stay the same.
        let salt: Vec<u8> = store
            .with(|c| redis::cmd("GET").arg("outage:salt").query(c))
            .unwrap();
        assert_eq!(salt, store.salt);
        // Conversations are stored again (the server restarted empty).
        let fresh = s.observe(VICTIM, &scan(&[&r.pretext]), at(10_000));
        assert_eq!(fresh.messages, 1);
        assert!(s.raw(VICTIM).unwrap().is_some());
        assert_eq!(s.stateless(), 2);
    }
}
