//! Campaigns: the same scam text posted by several accounts within minutes.
//!
//! Keyed by a keyed hash of the *normalized* text (so `微 信` and `微信`, full-width and
//! half-width, count as one text); senders are kept as keyed hashes of (chat, sender). No text
//! and no id is stored. Pure apart from the map: time is an argument.
//!
//! With Redis ([`Campaigns::shared`]) every replica counts into one sorted set per text
//! ([`RedisStore::campaign_observe`]), keyed by the server's salt, so posts that land on
//! different replicas add up; while Redis is unreachable each replica counts on its own.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash};
use std::sync::Arc;
use std::time::Duration;

use dashmap::DashMap;

use crate::conversation::{Timestamp, duration_ms};
use crate::store::RedisStore;

/// Shortest normalized text (in characters) that can form a campaign: "ok" posted by many is
/// not one.
pub const MIN_CHARS: usize = 12;
/// Most senders remembered per text.
const MAX_SENDERS: usize = 8;

/// How campaigns are recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CampaignConfig {
    /// Posts of one text count together within this long.
    pub window: Duration,
    /// Distinct accounts that make a campaign.
    pub accounts: usize,
    /// Most texts remembered; beyond it the oldest are dropped.
    pub max_texts: usize,
}

impl Default for CampaignConfig {
    fn default() -> Self {
        CampaignConfig {
            window: Duration::from_secs(10 * 60),
            accounts: 2,
            max_texts: 50_000,
        }
    }
}

#[derive(Debug, Default)]
struct Seen {
    /// (sender key, last time), most recent last.
    senders: Vec<(u64, Timestamp)>,
    last: Timestamp,
}

/// The texts seen recently and who posted them.
#[derive(Debug)]
pub struct Campaigns {
    config: CampaignConfig,
    keys: RandomState,
    texts: DashMap<u64, Seen>,
    shared: Option<Arc<RedisStore>>,
}

impl Campaigns {
    /// An empty tracker.
    #[must_use]
    pub fn new(config: CampaignConfig) -> Self {
        Campaigns {
            config,
            keys: RandomState::new(),
            texts: DashMap::new(),
            shared: None,
        }
    }

    /// A tracker shared by every replica on `store`'s prefix.
    #[must_use]
    pub fn shared(config: CampaignConfig, store: Arc<RedisStore>) -> Self {
        Campaigns {
            shared: Some(store),
            ..Campaigns::new(config)
        }
    }

    /// The key of a normalized text, `None` when it is too short to form a campaign.
    #[must_use]
    pub fn text_key(&self, normalized: &str) -> Option<u64> {
        let chars = normalized.chars().filter(|c| !c.is_whitespace()).count();
        (chars >= MIN_CHARS).then(|| match &self.shared {
            Some(store) => store.campaign_text_key(normalized),
            None => self.hash(normalized),
        })
    }

    fn hash<T: Hash>(&self, v: T) -> u64 {
        self.keys.hash_one(v)
    }

    /// Record that `sender` posted text `key` in `chat` at `now`; returns how many distinct
    /// accounts posted it within the window, this one included.
    pub fn observe(&self, key: u64, chat: i64, sender: i64, now: Timestamp) -> usize {
        if let Some(store) = &self.shared
            && let Ok(n) =
                store.campaign_observe(key, chat, sender, now, self.config.window, MAX_SENDERS)
        {
            return n;
        }
        let window = duration_ms(self.config.window);
        let who = self.hash((chat, sender));
        let n = {
            let mut seen = self.texts.entry(key).or_default();
            seen.senders
                .retain(|(s, t)| *s != who && now.millis_since(*t) < window);
            seen.senders.push((who, now));
            if seen.senders.len() > MAX_SENDERS {
                seen.senders.remove(0);
            }
            seen.last = now;
            seen.senders.len()
        };
        if self.texts.len() > self.config.max_texts {
            self.sweep(now);
        }
        n
    }

    /// Whether `accounts` distinct accounts make a campaign.
    #[must_use]
    pub fn is_campaign(&self, accounts: usize) -> bool {
        accounts >= self.config.accounts.max(2)
    }

    /// Forget texts not seen within the window; if still over the cap, the oldest half.
    pub fn sweep(&self, now: Timestamp) -> usize {
        let window = duration_ms(self.config.window);
        let before = self.texts.len();
        self.texts.retain(|_, s| now.millis_since(s.last) < window);
        if self.texts.len() > self.config.max_texts {
            let mut lasts: Vec<Timestamp> = self.texts.iter().map(|e| e.last).collect();
            lasts.sort_unstable();
            let cut = lasts[lasts.len() / 2];
            self.texts.retain(|_, s| s.last > cut);
        }
        before.saturating_sub(self.texts.len())
    }

    /// Texts remembered.
    #[must_use]
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// Whether no text is remembered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Timestamp = Timestamp(1_000_000);
    const TEXT: &str = "加我微信领取退款，名额有限先到先得";

    #[test]
    fn several_accounts_make_a_campaign() {
        let c = Campaigns::new(CampaignConfig::default());
        let k = c.text_key(TEXT).expect("long enough");
        assert_eq!(c.observe(k, -1, 10, T0), 1);
        assert!(!c.is_campaign(1));
        // The same account again is still one account.
        assert_eq!(c.observe(k, -1, 10, T0.plus(Duration::from_secs(5))), 1);
        assert_eq!(c.observe(k, -1, 11, T0.plus(Duration::from_secs(30))), 2);
        assert!(c.is_campaign(2));
        // The same account in another group counts as another poster of the campaign.
        assert_eq!(c.observe(k, -2, 10, T0.plus(Duration::from_secs(40))), 3);
    }

    #[test]
    fn posts_outside_the_window_do_not_add_up() {
        let c = Campaigns::new(CampaignConfig::default());
        let k = c.text_key(TEXT).unwrap();
        c.observe(k, -1, 10, T0);
        assert_eq!(c.observe(k, -1, 11, T0.plus(Duration::from_secs(600))), 1);
    }

    #[test]
    fn short_texts_never_form_one_and_texts_differ() {
        let c = Campaigns::new(CampaignConfig::default());
        assert_eq!(c.text_key("好的好的"), None);
        assert_ne!(
            c.text_key(TEXT),
            c.text_key("加我微信领取退款，名额有限先到先得！")
        );
    }

    #[test]
    fn memory_is_bounded() {
        let c = Campaigns::new(CampaignConfig {
            max_texts: 100,
            ..CampaignConfig::default()
        });
        for i in 0..1000u64 {
            c.observe(i, -1, 1, T0.plus(Duration::from_millis(i)));
        }
        assert!(c.len() <= 101, "{}", c.len());
        let before = c.len();
        assert_eq!(c.sweep(T0.plus(Duration::from_secs(3600))), before);
        assert!(c.is_empty());
    }
}
