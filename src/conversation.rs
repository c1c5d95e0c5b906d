//! Per-conversation state machine: remembers which scam stages and families a conversation has
//! shown, recently, and decides when the chain is worth a warning.
//!
//! Pure: time is an argument ([`Timestamp`]), never read inside [`Conversation::observe`].
//! A [`Conversation`] is small and fixed-size; it keeps rule stages, families, weights, levels and
//! timestamps, never message text.
//!
//! # Escalation
//!
//! A signal observed at `t` is *in the window* at `now` while `now - t < window`: it counts at
//! `t + window - 1 ms` and no longer at `t + window`. The conversation level is
//! `max(message level, chain level)`, where the chain level is, over the signals in the window:
//!
//! - [`Level::Danger`] if a hard trigger of a stage in
//!   [`ConversationConfig::danger_trigger_stages`] (control, extract) was seen, or at least
//!   [`ConversationConfig::danger_stages`] distinct stages (the full chain) were seen;
//! - [`Level::Warning`] if at least [`ConversationConfig::warning_stages`] distinct stages were
//!   seen, or at least [`ConversationConfig::warning_stages_with_takeover`] of which one is in
//!   [`ConversationConfig::takeover_stages`] (control, extract), or the accumulated weight reaches
//!   [`ConversationConfig::warning_weight`]; the accumulated weight is the sum over the stages in
//!   the window of each stage's highest rule weight, so repeating a rule does not inflate it;
//! - [`Level::Caution`] if any stage was seen; [`Level::None`] otherwise.
//!
//! `warn_now` is `level >= warn_at` and either the level rose above the last warned level, or
//! this message carries a hard trigger whose stage or family was not part of the last warning.
//! The memory of the last warning fades with the signals it was about: a warned stage that has
//! left the window is no longer "already warned", and once none is left the warned level falls
//! back to [`Level::None`].

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::engine::{Level, RuleMeta, Scan, Stage};

pub mod wire;

/// How many distinct scam families a conversation remembers at once.
pub const MAX_FAMILIES: usize = 4;

/// Longest effective window: windows beyond it (about 24.8 days) are shortened to it.
pub const MAX_WINDOW: Duration = Duration::from_millis(MAX_WINDOW_MS as u64);

const MAX_WINDOW_MS: u32 = u32::MAX / 2;

const STAGES: usize = Stage::ALL.len();

/// A point in time: milliseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// The current wall-clock time. The only clock read of the engine; callers pass the result
    /// in, the state machine never calls it.
    #[must_use]
    pub fn now() -> Timestamp {
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        Timestamp(duration_ms(since))
    }

    /// This time plus `d` (whole milliseconds, saturating).
    #[must_use]
    pub fn plus(self, d: Duration) -> Timestamp {
        Timestamp(self.0.saturating_add(duration_ms(d)))
    }

    /// Milliseconds elapsed from `earlier` to `self`; zero if `earlier` is later.
    #[must_use]
    pub fn millis_since(self, earlier: Timestamp) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

/// Whole milliseconds of `d`, saturating at `u64::MAX`.
#[must_use]
pub(crate) fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Thresholds of the escalation policy. See the module documentation for how they combine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConversationConfig {
    /// How long a signal counts: a signal at `t` counts while `now - t < window`.
    /// Default 30 minutes.
    pub window: Duration,
    /// Conversation level at which `warn_now` can be true. Default [`Level::Warning`].
    pub warn_at: Level,
    /// Distinct stages in the window that make a warning. Default 3.
    pub warning_stages: u32,
    /// Distinct stages in the window that make a warning when one of them is in
    /// `takeover_stages`. Default 2.
    pub warning_stages_with_takeover: u32,
    /// Stages that make `warning_stages_with_takeover` apply. Default control, extract.
    pub takeover_stages: Vec<Stage>,
    /// Accumulated weight in the window (sum of each stage's highest rule weight) that makes a
    /// warning. Default 100.
    pub warning_weight: u32,
    /// Distinct stages in the window that make danger: the chain is complete. Default 5.
    pub danger_stages: u32,
    /// Stages whose hard triggers keep the conversation at danger while in the window.
    /// Default control, extract.
    pub danger_trigger_stages: Vec<Stage>,
}

impl Default for ConversationConfig {
    fn default() -> Self {
        ConversationConfig {
            window: Duration::from_secs(30 * 60),
            warn_at: Level::Warning,
            warning_stages: 3,
            warning_stages_with_takeover: 2,
            takeover_stages: vec![Stage::Control, Stage::Extract],
            warning_weight: 100,
            danger_stages: 5,
            danger_trigger_stages: vec![Stage::Control, Stage::Extract],
        }
    }
}

/// What the conversation looks like after one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    /// Conversation level (at least this message's level).
    pub level: Level,
    /// This message's own level.
    pub message_level: Level,
    /// Distinct stages seen within the window, in chain order.
    pub chain: Vec<Stage>,
    /// Stages of the chain that were not part of the last warning.
    pub new_stages: Vec<Stage>,
    /// Families seen within the window, the one with the most evidence (sum of its findings'
    /// weights) first.
    pub families: Vec<String>,
    /// Whether to warn on this message.
    pub warn_now: bool,
    /// This message carries a hard-trigger finding.
    pub hard_trigger: bool,
    /// Messages observed in this conversation, this one included.
    pub messages: u32,
    /// How this message speaks of the moves it names (advice and reports count for nothing).
    pub genre: crate::voice::Genre,
}

/// A time inside one conversation: milliseconds since its `base`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Tick(u32);

/// One remembered scam family.
#[derive(Clone, Debug, Default)]
struct FamilySlot {
    /// The family's name (a thin pointer keeps the conversation small).
    family: Option<Arc<String>>,
    /// Last time the family was seen.
    last: Tick,
    /// Sum of the weights of every finding of the family since it (re)entered the window:
    /// how much of the conversation it explains.
    weight: u16,
    /// The family was part of the last warning.
    warned: bool,
}

impl FamilySlot {
    fn family(&self) -> Option<&str> {
        self.family.as_deref().map(String::as_str)
    }

    fn active(&self, now: Tick, window: u32) -> bool {
        self.family.is_some() && in_window(self.last, now, window)
    }
}

/// The memory of one conversation: fixed-size, no message text.
///
/// Times are kept as 32-bit milliseconds since `base`, the first message; when a conversation
/// outlives that range (about 49 days) the base moves forward and signals that have left the
/// window are dropped.
#[derive(Clone, Debug, Default)]
pub struct Conversation {
    /// Origin of every [`Tick`] below.
    base: Timestamp,
    /// Latest time a message was observed.
    last_activity: Tick,
    /// Per stage, the last time it was seen (valid where `seen` has the stage's bit).
    stage_last: [Tick; STAGES],
    /// Per stage, the last time a hard trigger of it was seen (valid where `triggers` has the bit).
    trigger_last: [Tick; STAGES],
    /// Per stage, the highest rule weight seen since the stage (re)entered the window.
    stage_weight: [u16; STAGES],
    /// Remembered families.
    families: [FamilySlot; MAX_FAMILIES],
    /// Messages observed.
    messages: u32,
    /// Stages ever seen since the last reset.
    seen: u8,
    /// Stages with a hard trigger ever seen since the last reset.
    triggers: u8,
    /// Stages that were part of the last warning and are still in the window.
    warned_stages: u8,
    /// Level of the last warning; [`Level::None`] once its stages have left the window.
    warned_level: Level,
    /// Last time a message was `warning` or above on its own (several rules of one stage can
    /// make a message a warning that the per-stage maxima below do not reach): the
    /// conversation stays at least at `warning` while that message is in the window.
    /// Valid where `flags` has [`MESSAGE_WARNING`].
    message_warning_last: Tick,
    /// The id of the last step taken ([`Conversation::observe_step`]), valid where `flags` has
    /// [`STEP`]; [`STEP_WARNED`]: it warned.
    last_step: u32,
    /// [`MESSAGE_WARNING`], [`STEP`], [`STEP_WARNED`] (packed: the conversation stays within
    /// 144 bytes).
    flags: u8,
}

const MESSAGE_WARNING: u8 = 1;
const STEP: u8 = 2;
const STEP_WARNED: u8 = 4;

impl Conversation {
    /// A conversation with nothing seen.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Record one message's scan at `now` and assess the conversation.
    pub fn observe(
        &mut self,
        scan: &Scan,
        now: Timestamp,
        config: &ConversationConfig,
    ) -> Assessment {
        let window = window_ms(config);
        let now = self.tick(now, window);

        // What the last warning was about fades with the signals themselves.
        self.warned_stages &= self.active_stages(now, window);
        if self.warned_stages == 0 {
            self.warned_level = Level::None;
            for slot in &mut self.families {
                slot.warned = false;
            }
        }

        self.messages = self.messages.saturating_add(1);
        self.last_activity = self.last_activity.max(now);

        let mut trigger_new = false;
        for finding in &scan.findings {
            let rule = &finding.rule;
            let i = rule.stage as usize;
            let bit = rule.stage.bit();
            let weight = u16::try_from(rule.weight).unwrap_or(u16::MAX);
            if self.seen & bit == 0 || !in_window(self.stage_last[i], now, window) {
                self.stage_weight[i] = 0;
            }
            self.seen |= bit;
            self.stage_last[i] = self.stage_last[i].max(now);
            self.stage_weight[i] = self.stage_weight[i].max(weight);

            let family_warned = self.record_family(rule, weight, now, window);
            if rule.trigger {
                self.triggers |= bit;
                self.trigger_last[i] = self.trigger_last[i].max(now);
                trigger_new |= self.warned_stages & bit == 0 || !family_warned;
            }
        }

        if scan.level >= Level::Warning {
            let t = self.message_warning().map_or(now, |t| t.max(now));
            self.set_message_warning(Some(t));
        }
        let chain = self.active_stages(now, window);
        let level = scan.level.max(self.chain_level(chain, now, window, config));
        let hard_trigger = scan.has_trigger();
        let warn_now =
            level >= config.warn_at && (level > self.warned_level || (hard_trigger && trigger_new));
        let new_stages = chain & !self.warned_stages;
        let families = self.active_families(now, window);

        if warn_now {
            self.warned_level = self.warned_level.max(level);
            self.warned_stages = chain;
            for slot in &mut self.families {
                slot.warned = slot.active(now, window);
            }
        }

        Assessment {
            level,
            message_level: scan.level,
            chain: stages_of(chain),
            new_stages: stages_of(new_stages),
            families,
            warn_now,
            hard_trigger,
            messages: self.messages,
            genre: scan.genre,
        }
    }

    /// [`Conversation::observe`] for the message `step` (an id of the message, such as a hash
    /// of its chat, id and text). The same step again (a delivery repeated after a process
    /// died mid-update) changes nothing and is assessed as it was the first time, `warn_now`
    /// included, so the warning it was owed is not lost. Returns whether the state changed.
    pub fn observe_step(
        &mut self,
        step: u32,
        scan: &Scan,
        now: Timestamp,
        config: &ConversationConfig,
    ) -> (Assessment, bool) {
        if let Some((last, warned)) = self.last_step()
            && last == step
        {
            let mut a = self.clone().observe(scan, now, config);
            a.warn_now = warned;
            a.messages = self.messages;
            return (a, false);
        }
        let a = self.observe(scan, now, config);
        self.set_last_step(Some((step, a.warn_now)));
        (a, true)
    }

    fn message_warning(&self) -> Option<Tick> {
        (self.flags & MESSAGE_WARNING != 0).then_some(self.message_warning_last)
    }

    fn set_message_warning(&mut self, t: Option<Tick>) {
        self.message_warning_last = t.unwrap_or_default();
        self.flags =
            (self.flags & !MESSAGE_WARNING) | if t.is_some() { MESSAGE_WARNING } else { 0 };
    }

    fn last_step(&self) -> Option<(u32, bool)> {
        (self.flags & STEP != 0).then_some((self.last_step, self.flags & STEP_WARNED != 0))
    }

    fn set_last_step(&mut self, step: Option<(u32, bool)>) {
        self.flags &= !(STEP | STEP_WARNED);
        self.last_step = 0;
        if let Some((id, warned)) = step {
            self.last_step = id;
            self.flags |= STEP | if warned { STEP_WARNED } else { 0 };
        }
    }

    /// Forget everything: stages, families, warnings, message count.
    pub fn reset(&mut self) {
        *self = Self::new();
    }

    /// Latest time a message was observed ([`Timestamp::default`] if none).
    #[must_use]
    pub fn last_activity(&self) -> Timestamp {
        Timestamp(self.base.0.saturating_add(u64::from(self.last_activity.0)))
    }

    /// Messages observed since creation or the last reset.
    #[must_use]
    pub fn messages(&self) -> u32 {
        self.messages
    }

    /// `now` as a [`Tick`]: sets the base on the first message, moves it when `now` is out of
    /// range. A time before the base counts as the base.
    fn tick(&mut self, now: Timestamp, window: u32) -> Tick {
        if self.messages == 0 {
            self.base = now;
        }
        if now.millis_since(self.base) > u64::from(u32::MAX) {
            self.rebase(Timestamp(now.0 - u64::from(window)));
        }
        Tick(u32::try_from(now.millis_since(self.base)).unwrap_or(u32::MAX))
    }

    /// Move the base forward to `base`, dropping every signal older than it.
    fn rebase(&mut self, base: Timestamp) {
        let shift = base.millis_since(self.base);
        let moved = |t: Tick| {
            u64::from(t.0)
                .checked_sub(shift)
                .and_then(|t| u32::try_from(t).ok())
                .map(Tick)
        };
        for stage in Stage::ALL {
            let (i, bit) = (stage as usize, stage.bit());
            match moved(self.stage_last[i]) {
                Some(t) => self.stage_last[i] = t,
                None => {
                    self.seen &= !bit;
                    self.stage_last[i] = Tick::default();
                    self.stage_weight[i] = 0;
                }
            }
            match moved(self.trigger_last[i]) {
                Some(t) => self.trigger_last[i] = t,
                None => {
                    self.triggers &= !bit;
                    self.trigger_last[i] = Tick::default();
                }
            }
        }
        for slot in &mut self.families {
            match moved(slot.last) {
                Some(t) => slot.last = t,
                None => *slot = FamilySlot::default(),
            }
        }
        self.set_message_warning(self.message_warning().and_then(moved));
        self.last_activity = moved(self.last_activity).unwrap_or_default();
        self.base = base;
    }

    /// Stages in the window at `now`, as a bitmask of [`Stage::bit`].
    fn active_stages(&self, now: Tick, window: u32) -> u8 {
        Stage::ALL
            .into_iter()
            .filter(|&s| {
                self.seen & s.bit() != 0 && in_window(self.stage_last[s as usize], now, window)
            })
            .fold(0, |acc, s| acc | s.bit())
    }

    fn chain_level(&self, chain: u8, now: Tick, window: u32, config: &ConversationConfig) -> Level {
        let distinct = chain.count_ones();
        let danger_triggers = mask_of(&config.danger_trigger_stages);
        let sticky_trigger = Stage::ALL.into_iter().any(|s| {
            self.triggers & danger_triggers & s.bit() != 0
                && in_window(self.trigger_last[s as usize], now, window)
        });
        if sticky_trigger || distinct >= config.danger_stages {
            return Level::Danger;
        }
        if self
            .message_warning()
            .is_some_and(|t| in_window(t, now, window))
        {
            return Level::Warning;
        }
        let weight: u32 = Stage::ALL
            .into_iter()
            .filter(|s| chain & s.bit() != 0)
            .map(|s| u32::from(self.stage_weight[s as usize]))
            .sum();
        let takeover = chain & mask_of(&config.takeover_stages) != 0;
        if distinct >= config.warning_stages
            || (takeover && distinct >= config.warning_stages_with_takeover)
            || weight >= config.warning_weight
        {
            return Level::Warning;
        }
        if distinct > 0 {
            return Level::Caution;
        }
        Level::None
    }

    /// Remember `rule`'s family; returns whether the family was part of the last warning. A
    /// family with no room (every slot holds a family with more evidence in the window) is not recorded,
    /// and counts as warned so that it cannot repeat a warning on every message.
    fn record_family(&mut self, rule: &Arc<RuleMeta>, weight: u16, now: Tick, window: u32) -> bool {
        let family = rule.family.as_str();
        if let Some(slot) = self
            .families
            .iter_mut()
            .find(|s| s.family() == Some(family))
        {
            if !in_window(slot.last, now, window) {
                slot.weight = 0;
                slot.warned = false;
            }
            slot.last = slot.last.max(now);
            slot.weight = slot.weight.saturating_add(weight);
            return slot.warned;
        }
        // A free or expired slot, else the weakest (then oldest) one if the newcomer is stronger.
        let free = self.families.iter().position(|s| !s.active(now, window));
        let victim = free.or_else(|| {
            self.families
                .iter()
                .enumerate()
                .min_by_key(|(_, s)| (s.weight, s.last))
                .filter(|(_, s)| s.weight < weight)
                .map(|(i, _)| i)
        });
        let Some(i) = victim else {
            return true;
        };
        self.families[i] = FamilySlot {
            family: Some(Arc::new(family.to_owned())),
            last: now,
            weight,
            warned: false,
        };
        false
    }

    /// Families in the window, the one with the most evidence first (the sum of its findings'
    /// weights), then most recent, then by name.
    fn active_families(&self, now: Tick, window: u32) -> Vec<String> {
        let mut active: Vec<&FamilySlot> = self
            .families
            .iter()
            .filter(|s| s.active(now, window))
            .collect();
        active.sort_by(|a, b| {
            b.weight
                .cmp(&a.weight)
                .then(b.last.cmp(&a.last))
                .then(a.family().cmp(&b.family()))
        });
        active
            .into_iter()
            .filter_map(|s| s.family().map(str::to_owned))
            .collect()
    }
}

/// Whether a signal at `t` still counts at `now`: `now - t < window`.
fn in_window(t: Tick, now: Tick, window: u32) -> bool {
    now.0.saturating_sub(t.0) < window
}

/// The configured window in milliseconds, at most [`MAX_WINDOW`].
fn window_ms(config: &ConversationConfig) -> u32 {
    u32::try_from(duration_ms(config.window).min(u64::from(MAX_WINDOW_MS))).unwrap_or(MAX_WINDOW_MS)
}

fn mask_of(stages: &[Stage]) -> u8 {
    stages.iter().fold(0, |acc, s| acc | s.bit())
}

fn stages_of(mask: u8) -> Vec<Stage> {
    Stage::ALL
        .into_iter()
        .filter(|s| mask & s.bit() != 0)
        .collect()
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Hand-made rules and scans for tests.

    use std::sync::Arc;

    use crate::engine::{Finding, Level, RuleMeta, Scan, Stage};

    /// A rule of `family` at `stage`.
    pub fn rule(id: &str, family: &str, stage: Stage, weight: u32, trigger: bool) -> Arc<RuleMeta> {
        Arc::new(RuleMeta {
            id: id.to_owned(),
            family: family.to_owned(),
            stage,
            weight,
            trigger,
            explain: format!("explain-{id}"),
        })
    }

    /// A scan of `rules`, with the level an engine would give: danger on a trigger, caution on
    /// any finding, none otherwise.
    pub fn scan(rules: &[&Arc<RuleMeta>]) -> Scan {
        let findings: Vec<Finding> = rules
            .iter()
            .map(|r| Finding {
                rule: Arc::clone(r),
                evidence: 0..1,
            })
            .collect();
        let level = if findings.iter().any(|f| f.rule.trigger) {
            Level::Danger
        } else if findings.is_empty() {
            Level::None
        } else {
            Level::Caution
        };
        let score = findings.iter().map(|f| f.rule.weight).sum();
        Scan {
            findings,
            level,
            score,
            ..Scan::default()
        }
    }

    /// A small set of rules, one per stage, soft unless named `*_trigger`.
    pub struct Rules {
        pub pretext: Arc<RuleMeta>,
        pub hook: Arc<RuleMeta>,
        pub channel: Arc<RuleMeta>,
        pub control: Arc<RuleMeta>,
        pub extract: Arc<RuleMeta>,
        pub control_trigger: Arc<RuleMeta>,
        pub extract_trigger: Arc<RuleMeta>,
        pub other_extract_trigger: Arc<RuleMeta>,
    }

    impl Rules {
        pub fn new() -> Rules {
            let cs = "fake_customer_service";
            Rules {
                pretext: rule("cs.pretext", cs, Stage::Pretext, 20, false),
                hook: rule("cs.hook", cs, Stage::Hook, 20, false),
                channel: rule("generic.channel", "off_platform", Stage::Channel, 20, false),
                control: rule("remote.soft", "remote_control", Stage::Control, 20, false),
                extract: rule("cs.extract.soft", cs, Stage::Extract, 20, false),
                control_trigger: rule("remote.share", "remote_control", Stage::Control, 80, true),
                extract_trigger: rule("cs.activate", cs, Stage::Extract, 90, true),
                other_extract_trigger: rule(
                    "invest.deposit",
                    "investment",
                    Stage::Extract,
                    90,
                    true,
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{Rules, rule, scan};
    use super::*;

    const MIN: u64 = 60_000;

    fn cfg() -> ConversationConfig {
        ConversationConfig::default()
    }

    fn at(ms: u64) -> Timestamp {
        Timestamp(ms)
    }

    #[test]
    fn timestamp_arithmetic() {
        assert_eq!(at(5).plus(Duration::from_millis(7)), at(12));
        assert_eq!(at(5).plus(Duration::from_micros(1500)), at(6));
        assert_eq!(at(u64::MAX).plus(Duration::from_secs(1)), at(u64::MAX));
        assert_eq!(at(10).millis_since(at(4)), 6);
        assert_eq!(at(4).millis_since(at(10)), 0);
        assert!(Timestamp::now() > at(1_600_000_000_000));
    }

    #[test]
    fn new_conversation_is_quiet() {
        let mut c = Conversation::new();
        let a = c.observe(&scan(&[]), at(1), &cfg());
        assert_eq!(a.level, Level::None);
        assert!(a.chain.is_empty() && a.families.is_empty() && !a.warn_now && !a.hard_trigger);
        assert_eq!(a.messages, 1);
        assert_eq!(c.last_activity(), at(1));
    }

    #[test]
    fn escalation_order_pretext_hook_channel_control() {
        let r = Rules::new();
        let mut c = Conversation::new();
        let cfg = cfg();

        let a = c.observe(&scan(&[&r.pretext]), at(0), &cfg);
        assert_eq!((a.level, a.warn_now), (Level::Caution, false));
        assert_eq!(a.chain, [Stage::Pretext]);

        let a = c.observe(&scan(&[&r.hook]), at(MIN), &cfg);
        assert_eq!((a.level, a.warn_now), (Level::Caution, false));
        assert_eq!(a.chain, [Stage::Pretext, Stage::Hook]);

        let a = c.observe(&scan(&[&r.channel]), at(2 * MIN), &cfg);
        assert_eq!((a.level, a.warn_now), (Level::Warning, true));
        assert_eq!(a.chain, [Stage::Pretext, Stage::Hook, Stage::Channel]);
        assert_eq!(a.new_stages, a.chain);
        assert_eq!(a.message_level, Level::Caution);

        // Soft control adds a stage but not a level: no new warning.
        let a = c.observe(&scan(&[&r.control]), at(3 * MIN), &cfg);
        assert_eq!((a.level, a.warn_now), (Level::Warning, false));
        assert_eq!(a.new_stages, [Stage::Control]);

        // A control trigger: danger, warns at once, control is still "new since the warning".
        let a = c.observe(&scan(&[&r.control_trigger]), at(4 * MIN), &cfg);
        assert_eq!(
            (a.level, a.warn_now, a.hard_trigger),
            (Level::Danger, true, true)
        );
        assert_eq!(a.new_stages, [Stage::Control]);
        assert_eq!(a.messages, 5);

        // The full chain, nothing above danger: quiet.
        let a = c.observe(&scan(&[&r.extract]), at(5 * MIN), &cfg);
        assert_eq!((a.level, a.warn_now), (Level::Danger, false));
        assert_eq!(a.chain, Stage::ALL);
        assert_eq!(a.new_stages, [Stage::Extract]);
    }

    #[test]
    fn a_warning_message_keeps_the_conversation_at_warning_while_in_the_window() {
        // Two hooks in one message make it a warning (65), though no stage maximum or chain
        // reaches one: the conversation must not fall back to caution on the next message.
        let h1 = rule("h1", "f", Stage::Hook, 35, false);
        let h2 = rule("h2", "f", Stage::Hook, 30, false);
        let mut warning = scan(&[&h1, &h2]);
        warning.level = Level::Warning;
        let cfg = cfg();
        let mut c = Conversation::new();
        let a = c.observe(&warning, at(0), &cfg);
        assert_eq!((a.level, a.warn_now), (Level::Warning, true));
        let a = c.observe(&scan(&[]), at(10 * MIN), &cfg);
        assert_eq!((a.level, a.warn_now), (Level::Warning, false));
        let a = c.observe(&scan(&[&h1]), at(29 * MIN), &cfg);
        assert_eq!((a.level, a.warn_now), (Level::Warning, false));
        // The window is 30 minutes from the warning message, not from the last hook.
        let a = c.observe(&scan(&[]), at(30 * MIN), &cfg);
        assert_eq!(a.level, Level::Caution);
        let a = c.observe(&scan(&[]), at(60 * MIN), &cfg);
        assert_eq!(a.level, Level::None);
    }

    #[test]
    fn complete_soft_chain_is_danger() {
        let r = Rules::new();
        let mut c = Conversation::new();
        let s = scan(&[&r.pretext, &r.hook, &r.channel, &r.control, &r.extract]);
        let a = c.observe(&s, at(0), &cfg());
        assert_eq!(
            (a.level, a.warn_now, a.hard_trigger),
            (Level::Danger, true, false)
        );
    }

    #[test]
    fn two_stages_with_takeover_warn() {
        let r = Rules::new();
        let cfg = cfg();
        let mut c = Conversation::new();
        assert_eq!(
            c.observe(&scan(&[&r.channel]), at(0), &cfg).level,
            Level::Caution
        );
        let a = c.observe(&scan(&[&r.control]), at(1), &cfg);
        assert_eq!((a.level, a.warn_now), (Level::Warning, true));

        // Two soft, non-takeover stages stay at caution.
        let mut c = Conversation::new();
        c.observe(&scan(&[&r.pretext]), at(0), &cfg);
        assert_eq!(
            c.observe(&scan(&[&r.hook]), at(1), &cfg).level,
            Level::Caution
        );
    }

    #[test]
    fn weight_is_max_per_stage_not_sum_of_repeats() {
        let heavy_hook = rule("cs.hook.heavy", "cs", Stage::Hook, 60, false);
        let heavy_pretext = rule("cs.pretext.heavy", "cs", Stage::Pretext, 40, false);
        let cfg = cfg();
        let mut c = Conversation::new();
        for i in 0..10 {
            let a = c.observe(&scan(&[&heavy_hook, &heavy_hook]), at(i), &cfg);
            assert_eq!(
                a.level,
                Level::Caution,
                "repetition must not inflate the weight"
            );
        }
        let a = c.observe(&scan(&[&heavy_pretext]), at(10), &cfg);
        assert_eq!(
            (a.level, a.warn_now),
            (Level::Warning, true),
            "60 + 40 reaches 100"
        );
    }

    #[test]
    fn hard_trigger_warns_on_first_message() {
        let r = Rules::new();
        let mut c = Conversation::new();
        let a = c.observe(&scan(&[&r.extract_trigger]), at(0), &cfg());
        assert_eq!(a.level, Level::Danger);
        assert_eq!(a.message_level, Level::Danger);
        assert!(a.warn_now && a.hard_trigger);
        assert_eq!(a.chain, [Stage::Extract]);
        assert_eq!(a.families, ["fake_customer_service"]);
    }

    #[test]
    fn no_repeated_warning_for_identical_messages() {
        let r = Rules::new();
        let cfg = cfg();
        for s in [
            scan(&[&r.extract_trigger]),
            scan(&[&r.pretext, &r.hook, &r.channel]),
        ] {
            let mut c = Conversation::new();
            let warnings = (0..20)
                .map(|i| c.observe(&s, at(i * MIN / 2), &cfg))
                .filter(|a| a.warn_now)
                .count();
            assert_eq!(warnings, 1);
        }
    }

    #[test]
    fn rise_warns_again_at_once() {
        let r = Rules::new();
        let cfg = cfg();
        let mut c = Conversation::new();
        let soft = scan(&[&r.pretext, &r.hook, &r.channel]);
        assert!(c.observe(&soft, at(0), &cfg).warn_now);
        assert!(!c.observe(&soft, at(1), &cfg).warn_now);
        let a = c.observe(&scan(&[&r.extract_trigger]), at(2), &cfg);
        assert_eq!((a.level, a.warn_now), (Level::Danger, true));
        assert_eq!(a.new_stages, [Stage::Extract]);
        assert!(
            !c.observe(&scan(&[&r.extract_trigger]), at(3), &cfg)
                .warn_now
        );
    }

    #[test]
    fn new_trigger_stage_or_family_warns_at_same_level() {
        let r = Rules::new();
        let cfg = cfg();
        let mut c = Conversation::new();
        assert!(
            c.observe(&scan(&[&r.extract_trigger]), at(0), &cfg)
                .warn_now
        );
        // Same level, new trigger stage.
        let a = c.observe(&scan(&[&r.control_trigger]), at(1), &cfg);
        assert_eq!((a.level, a.warn_now), (Level::Danger, true));
        assert_eq!(a.new_stages, [Stage::Control]);
        // Same stage, new family.
        let a = c.observe(&scan(&[&r.other_extract_trigger]), at(2), &cfg);
        assert_eq!((a.level, a.warn_now), (Level::Danger, true));
        assert!(a.new_stages.is_empty());
        assert_eq!(a.families.len(), 3);
        // Strongest first; equal weights, most recent first.
        assert_eq!(
            a.families,
            ["investment", "fake_customer_service", "remote_control"]
        );
        // Same stage, same family: quiet.
        assert!(
            !c.observe(&scan(&[&r.other_extract_trigger]), at(3), &cfg)
                .warn_now
        );
    }

    #[test]
    fn window_boundary_is_exclusive() {
        let r = Rules::new();
        let cfg = cfg();
        let window = duration_ms(cfg.window);
        let t0 = 1_000;
        for (now, counts) in [(t0 + window - 1, true), (t0 + window, false)] {
            let mut c = Conversation::new();
            c.observe(&scan(&[&r.pretext]), at(t0), &cfg);
            c.observe(&scan(&[&r.hook]), at(t0 + 1), &cfg);
            let a = c.observe(&scan(&[&r.channel]), at(now), &cfg);
            if counts {
                assert_eq!(a.chain, [Stage::Pretext, Stage::Hook, Stage::Channel]);
                assert_eq!(a.level, Level::Warning);
            } else {
                assert_eq!(a.chain, [Stage::Hook, Stage::Channel]);
                assert_eq!(a.level, Level::Caution);
            }
        }
    }

    #[test]
    fn danger_trigger_is_sticky_for_the_window_only() {
        let r = Rules::new();
        let cfg = cfg();
        let window = duration_ms(cfg.window);
        let mut c = Conversation::new();
        c.observe(&scan(&[&r.extract_trigger]), at(0), &cfg);
        let a = c.observe(&scan(&[]), at(window - 1), &cfg);
        assert_eq!((a.level, a.message_level), (Level::Danger, Level::None));
        let a = c.observe(&scan(&[]), at(window), &cfg);
        assert_eq!(a.level, Level::None);
        assert!(a.chain.is_empty() && a.families.is_empty());
    }

    #[test]
    fn soft_stage_repeats_keep_it_but_not_a_faded_trigger() {
        let r = Rules::new();
        let cfg = cfg();
        let window = duration_ms(cfg.window);
        let mut c = Conversation::new();
        c.observe(&scan(&[&r.control_trigger]), at(0), &cfg);
        let a = c.observe(&scan(&[&r.control]), at(window - 1), &cfg);
        assert_eq!(a.level, Level::Danger);
        let a = c.observe(&scan(&[&r.control]), at(window), &cfg);
        assert_eq!(a.level, Level::Caution, "the trigger has left the window");
        assert_eq!(a.chain, [Stage::Control]);
    }

    #[test]
    fn warning_memory_fades_with_its_stages() {
        let r = Rules::new();
        let cfg = cfg();
        let window = duration_ms(cfg.window);
        let mut c = Conversation::new();
        let soft = scan(&[&r.pretext, &r.hook, &r.channel]);
        assert!(c.observe(&soft, at(0), &cfg).warn_now);
        assert!(!c.observe(&soft, at(window - 1), &cfg).warn_now);
        // Still within the window of the second message: no repeat.
        assert!(!c.observe(&soft, at(2 * window - 2), &cfg).warn_now);
        // A gap of a full window: the same chain is news again.
        let a = c.observe(&soft, at(3 * window - 2), &cfg);
        assert!(a.warn_now);
        assert_eq!(a.new_stages, a.chain);
    }

    #[test]
    fn reset_forgets() {
        let r = Rules::new();
        let cfg = cfg();
        let mut c = Conversation::new();
        assert!(
            c.observe(&scan(&[&r.extract_trigger]), at(0), &cfg)
                .warn_now
        );
        c.reset();
        assert_eq!(c.last_activity(), Timestamp::default());
        assert_eq!(c.messages(), 0);
        let a = c.observe(&scan(&[]), at(1), &cfg);
        assert_eq!(a.level, Level::None);
        assert_eq!(a.messages, 1);
        assert!(
            c.observe(&scan(&[&r.extract_trigger]), at(2), &cfg)
                .warn_now
        );
    }

    #[test]
    fn families_strongest_first_and_capped() {
        let cfg = cfg();
        let mut c = Conversation::new();
        let rules: Vec<_> = (0..6u32)
            .map(|i| {
                rule(
                    &format!("r{i}"),
                    &format!("f{i}"),
                    Stage::Hook,
                    10 + i,
                    false,
                )
            })
            .collect();
        for (i, r) in rules.iter().enumerate() {
            c.observe(&scan(&[r]), at(i as u64), &cfg);
        }
        let a = c.observe(&scan(&[]), at(10), &cfg);
        assert_eq!(a.families, ["f5", "f4", "f3", "f2"]);
        // A weaker newcomer does not push out a stronger family.
        let weak = rule("w", "weak", Stage::Hook, 1, false);
        assert_eq!(
            c.observe(&scan(&[&weak]), at(11), &cfg).families.len(),
            MAX_FAMILIES
        );
        assert!(
            !c.observe(&scan(&[]), at(12), &cfg)
                .families
                .contains(&"weak".to_owned())
        );
    }

    #[test]
    fn family_without_room_does_not_repeat_warnings() {
        let cfg = cfg();
        let mut c = Conversation::new();
        for i in 0..MAX_FAMILIES {
            let strong = rule(
                &format!("s{i}"),
                &format!("strong{i}"),
                Stage::Hook,
                90,
                false,
            );
            c.observe(&scan(&[&strong]), at(i as u64), &cfg);
        }
        let weak_trigger = rule("w", "weak", Stage::Extract, 50, true);
        let warnings = (0..10)
            .filter(|i| {
                c.observe(&scan(&[&weak_trigger]), at(10 + i), &cfg)
                    .warn_now
            })
            .count();
        assert_eq!(warnings, 1);
    }

    #[test]
    fn out_of_order_time_does_not_move_backwards() {
        let r = Rules::new();
        let cfg = cfg();
        let mut c = Conversation::new();
        c.observe(&scan(&[&r.pretext]), at(10_000), &cfg);
        let a = c.observe(&scan(&[&r.hook]), at(5_000), &cfg);
        assert_eq!(a.chain, [Stage::Pretext, Stage::Hook]);
        assert_eq!(c.last_activity(), at(10_000));
    }

    #[test]
    fn long_lived_conversation_moves_its_base_and_keeps_boundaries() {
        let r = Rules::new();
        let cfg = cfg();
        let window = duration_ms(cfg.window);
        let base = 1_700_000_000_000;
        let t1 = base + u64::from(u32::MAX) - 1_000;
        let t2 = base + u64::from(u32::MAX) + 1_000;
        let mut c = Conversation::new();
        c.observe(&scan(&[&r.hook]), at(base), &cfg);
        c.observe(&scan(&[&r.pretext]), at(t1), &cfg);
        let a = c.observe(&scan(&[&r.channel]), at(t2), &cfg);
        assert_eq!(a.chain, [Stage::Pretext, Stage::Channel]);
        assert_eq!(c.last_activity(), at(t2));
        // Equal weights: most recent first.
        assert_eq!(a.families, ["off_platform", "fake_customer_service"]);

        let mut probe = c.clone();
        let a = probe.observe(&scan(&[]), at(t1 + window - 1), &cfg);
        assert_eq!(a.chain, [Stage::Pretext, Stage::Channel]);
        let a = c.observe(&scan(&[]), at(t1 + window), &cfg);
        assert_eq!(a.chain, [Stage::Channel]);
        assert_eq!(c.last_activity(), at(t1 + window));
        // An older time does not move the activity backwards.
        c.observe(&scan(&[]), at(t2), &cfg);
        assert_eq!(c.last_activity(), at(t1 + window));
    }

    #[test]
    fn many_base_moves() {
        let r = Rules::new();
        let cfg = cfg();
        let soft = scan(&[&r.pretext, &r.hook, &r.channel]);
        let mut c = Conversation::new();
        for day in 0..200u64 {
            let now = at(day * 86_400_000 + 17);
            let a = c.observe(&soft, now, &cfg);
            assert_eq!((a.level, a.warn_now), (Level::Warning, true), "day {day}");
            assert_eq!(a.chain.len(), 3);
            assert_eq!(c.last_activity(), now);
        }
    }

    #[test]
    fn window_is_capped() {
        let r = Rules::new();
        let cfg = ConversationConfig {
            window: Duration::from_secs(100 * 86_400),
            ..ConversationConfig::default()
        };
        let max = duration_ms(MAX_WINDOW);
        assert_eq!(max, u64::from(u32::MAX / 2));
        for (now, counts) in [(max - 1, true), (max, false)] {
            let mut c = Conversation::new();
            c.observe(&scan(&[&r.pretext]), at(0), &cfg);
            let a = c.observe(&scan(&[]), at(now), &cfg);
            assert_eq!(!a.chain.is_empty(), counts);
        }
    }

    #[test]
    fn conversation_is_small_and_thread_safe() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Conversation>();
        assert!(std::mem::size_of::<Conversation>() <= 144);
    }
}
