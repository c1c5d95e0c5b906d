//! What the bot does about a verdict: the one place that decides.
//!
//! Private chats, `/check`, groups, `/report` and `scamguard eval` all call these functions, so
//! what `eval` measures is what users get. Pure: no Telegram types, no I/O, time is an argument.
//!
//! # Private chats and `/check`
//!
//! A message *alerts* when the conversation escalated on it ([`Assessment::warn_now`]) or it
//! carries a hard trigger itself: it gets a [`Action::Warn`] at the conversation's level (at
//! least `warning`). Anything else joins the burst's calm answer ([`Action::Calm`]). `/check`
//! judges one text alone: a hard trigger or a `warning` level warns, the rest gets the plain
//! result ([`Action::Reply`]).
//!
//! # Groups
//!
//! 1. Admins (anonymous ones and the linked channel's automatic forwards included), the bot
//!    itself and users the admins trust are never acted on.
//! 2. The message's level: an alert counts at the conversation's level (at least `warning`);
//!    any other message at its own level (a repeated copy of a scam is still acted on).
//! 3. Judged stricter: a message whose text other accounts posted within minutes (a
//!    campaign) is one level up; then a newcomer's (joined less than
//!    [`GroupSettings::newcomer_days`] ago, or fewer than [`GroupSettings::newcomer_messages`]
//!    messages seen) is one level up from `warning`: a newcomer's alert is deleted rather than
//!    warned about, but a newcomer's lone soft signal stays `caution` (no reply). Never above
//!    `danger`.
//! 4. The group's [`Response`] for that level (`warning` and `danger` only: `caution` and `none`
//!    never get a reply) becomes the actions: warn; delete and post a notice; delete, notice
//!    and mute until `now` + [`GroupSettings::mute_minutes`]; delete, notice and ban.
//! 5. With [`GroupSettings::notify_admins`], any action also notifies the admins privately.
//!    In [`GroupSettings::dry_run`] nothing is done in the group: the admins are told what
//!    would have been done ([`Decision::would`]).

use std::time::Duration;

use crate::conversation::{Assessment, Timestamp};
use crate::engine::{Level, Scan};
use crate::voice::Genre;

/// One thing the bot does about a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Reply to the message with a warning at this level.
    Warn {
        /// Level shown.
        level: Level,
    },
    /// Private chats: the message joins the calm answer of its burst.
    Calm,
    /// Private chats and `/check`: the message is anti-fraud advice; say so, calmly.
    Advise,
    /// Private chats and `/check`: the message tells of a scam that happened to someone;
    /// answer with what that scam is.
    Describe,
    /// `/check`: reply with the plain result.
    Reply,
    /// Delete the message.
    Delete,
    /// Groups: post a notice that a message was removed and why (no quote of the scam).
    Notice {
        /// Level shown.
        level: Level,
    },
    /// Mute the sender until this time.
    Restrict {
        /// End of the mute.
        until: Timestamp,
    },
    /// Ban the sender.
    Ban,
    /// Tell the group's admins privately (what was done, or in dry mode what would have been).
    NotifyAdmins,
}

impl Action {
    /// Stable name, as logged and stored in the moderation log.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Action::Warn { .. } => "warn",
            Action::Calm => "calm",
            Action::Advise => "advise",
            Action::Describe => "describe",
            Action::Reply => "reply",
            Action::Delete => "delete",
            Action::Notice { .. } => "notice",
            Action::Restrict { .. } => "mute",
            Action::Ban => "ban",
            Action::NotifyAdmins => "notify",
        }
    }
}

/// What a group does at one level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Response {
    /// Nothing.
    Off,
    /// Reply with a warning.
    #[default]
    Warn,
    /// Delete the message and post a notice.
    Delete,
    /// Delete, notice, and mute the sender for [`GroupSettings::mute_minutes`].
    Mute,
    /// Delete, notice, and ban the sender.
    Ban,
}

impl Response {
    /// Every response, mildest first.
    pub const ALL: [Response; 5] = [
        Response::Off,
        Response::Warn,
        Response::Delete,
        Response::Mute,
        Response::Ban,
    ];

    /// Name as typed in `/mode` and stored.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Response::Off => "off",
            Response::Warn => "warn",
            Response::Delete => "delete",
            Response::Mute => "mute",
            Response::Ban => "ban",
        }
    }

    /// Parse a name (case-insensitive).
    #[must_use]
    pub fn parse(s: &str) -> Option<Response> {
        Response::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// A group's moderation settings. [`Default`] is what a new group gets without configuring
/// anything: warn at `warning`, delete at `danger`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSettings {
    /// What to do at `warning`.
    pub on_warning: Response,
    /// What to do at `danger`.
    pub on_danger: Response,
    /// The lowest level `/mode` applies to (`warning` or `danger`); below it, a warning.
    pub threshold: Level,
    /// Length of a mute, in minutes.
    pub mute_minutes: u32,
    /// Only tell the admins what would have been done.
    pub dry_run: bool,
    /// Tell the admins privately about every action.
    pub notify_admins: bool,
    /// A member who joined less than this many days ago is a newcomer.
    pub newcomer_days: u32,
    /// A member with fewer messages than this in the group is a newcomer.
    pub newcomer_messages: u32,
    /// Language of the bot's messages in the group (a locale code); `None`: from each message.
    pub lang: Option<String>,
    /// Whether the messages in screenshots members post are read and judged (`/screenshots`).
    pub screenshots: bool,
}

/// Longest mute accepted by `/settings` (Telegram treats more than 366 days as forever).
pub const MAX_MUTE_MINUTES: u32 = 366 * 24 * 60;

impl Default for GroupSettings {
    fn default() -> Self {
        GroupSettings {
            on_warning: Response::Warn,
            on_danger: Response::Delete,
            threshold: Level::Danger,
            mute_minutes: 60,
            dry_run: false,
            notify_admins: false,
            newcomer_days: 3,
            newcomer_messages: 3,
            lang: None,
            screenshots: false,
        }
    }
}

impl GroupSettings {
    /// The response at `level` (`caution` and `none`: [`Response::Off`]).
    #[must_use]
    pub fn response(&self, level: Level) -> Response {
        match level {
            Level::Danger => self.on_danger,
            Level::Warning => self.on_warning,
            Level::Caution | Level::None => Response::Off,
        }
    }

    /// The mode: the response at `danger`.
    #[must_use]
    pub fn mode(&self) -> Response {
        self.on_danger
    }

    /// `/mode`: `mode` at every level from the threshold up; below it, a warning.
    pub fn set_mode(&mut self, mode: Response) {
        self.apply(mode, self.threshold);
    }

    /// `/threshold`: the mode applies from `level` up (`warning` or `danger`); below it, a
    /// warning. Returns `false` (and changes nothing) for other levels.
    pub fn set_threshold(&mut self, level: Level) -> bool {
        if !matches!(level, Level::Warning | Level::Danger) {
            return false;
        }
        self.threshold = level;
        self.apply(self.mode(), level);
        true
    }

    fn apply(&mut self, mode: Response, threshold: Level) {
        self.on_danger = mode;
        self.on_warning = if threshold == Level::Warning || mode == Response::Off {
            mode
        } else {
            Response::Warn
        };
    }
}

/// Who the sender is in the group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An administrator, an anonymous admin posting as the group, or the linked channel's
    /// automatic forward.
    Admin,
    /// The bot itself.
    Bot,
    /// A user the admins trust (`/trust`).
    Trusted,
    /// Anyone else.
    Member,
}

/// The sender's standing in the group, as the policy sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// Role.
    pub role: Role,
    /// When the sender was seen joining, if the bot saw it.
    pub joined_at: Option<Timestamp>,
    /// Messages of the sender seen in the group before this one.
    pub messages: u32,
    /// Other accounts posted the same text within minutes.
    pub campaign: bool,
}

impl Standing {
    /// A member with `messages` earlier messages, no join seen, no campaign.
    #[must_use]
    pub fn member(messages: u32) -> Standing {
        Standing {
            role: Role::Member,
            joined_at: None,
            messages,
            campaign: false,
        }
    }

    /// Whether the sender is a newcomer under `settings` at `now`.
    #[must_use]
    pub fn is_newcomer(&self, settings: &GroupSettings, now: Timestamp) -> bool {
        let days = Duration::from_secs(u64::from(settings.newcomer_days) * 24 * 3600);
        let recent = self
            .joined_at
            .is_some_and(|t| now.millis_since(t) < crate::conversation::duration_ms(days));
        recent || self.messages < settings.newcomer_messages
    }
}

/// What the policy decided for one group message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The level the message was judged at (after newcomer and campaign strictness).
    pub level: Level,
    /// The sender was judged stricter as a newcomer.
    pub newcomer: bool,
    /// The sender was judged stricter for a campaign.
    pub campaign: bool,
    /// What to do, in order.
    pub actions: Vec<Action>,
    /// Dry mode: what would have been done (the admins are told).
    pub would: Vec<Action>,
}

impl Decision {
    fn none(level: Level) -> Decision {
        Decision {
            level,
            newcomer: false,
            campaign: false,
            actions: Vec::new(),
            would: Vec::new(),
        }
    }

    /// Whether the decision removes the message (or, dry, would have).
    #[must_use]
    pub fn deletes(&self) -> bool {
        self.actions
            .iter()
            .chain(&self.would)
            .any(|a| *a == Action::Delete)
    }

    /// Whether the decision warns about the message in any way (or, dry, would have).
    #[must_use]
    pub fn acts(&self) -> bool {
        self.actions
            .iter()
            .chain(&self.would)
            .any(|a| !matches!(a, Action::NotifyAdmins | Action::Calm | Action::Reply))
    }
}

/// Whether a message alerts: the conversation escalated on it, or it carries a hard trigger.
#[must_use]
pub fn alerts(a: &Assessment) -> bool {
    a.warn_now || a.hard_trigger
}

/// The level an alert shows: the conversation's, at least `warning`.
#[must_use]
pub fn alert_level(a: &Assessment) -> Level {
    a.level.max(Level::Warning)
}

/// A message forwarded or written in a private chat.
#[must_use]
pub fn private(a: &Assessment) -> Vec<Action> {
    if alerts(a) {
        vec![Action::Warn {
            level: alert_level(a),
        }]
    } else {
        vec![unalarmed(a.genre, Action::Calm)]
    }
}

/// A screenshot in a private chat: its messages went through the conversation one by one,
/// each with its [`private`] actions, and the image gets one answer. Returns that answer and
/// the messages whose evidence it shows:
/// - the strongest warning any message earned, with the evidence of every message that
///   alerted;
/// - else advice when a message is advice, else a report when one tells of a scam;
/// - else the calm answer.
///
/// `None` when the screenshot showed no message.
#[must_use]
pub fn screenshot(per_message: &[Vec<Action>]) -> Option<(Action, Vec<usize>)> {
    let mut strongest: Option<Level> = None;
    let mut alerted = Vec::new();
    let (mut advice, mut report) = (None, None);
    for (i, actions) in per_message.iter().enumerate() {
        for a in actions {
            match *a {
                Action::Warn { level } => {
                    strongest = strongest.max(Some(level));
                    if alerted.last() != Some(&i) {
                        alerted.push(i);
                    }
                }
                Action::Advise => advice = advice.or(Some(i)),
                Action::Describe => report = report.or(Some(i)),
                _ => {}
            }
        }
    }
    if let Some(level) = strongest {
        return Some((Action::Warn { level }, alerted));
    }
    if let Some(i) = advice {
        return Some((Action::Advise, vec![i]));
    }
    if let Some(i) = report {
        return Some((Action::Describe, vec![i]));
    }
    (!per_message.is_empty()).then(|| (Action::Calm, Vec::new()))
}

/// The answer to a message that does not alert: advice and reports get their own.
fn unalarmed(genre: Genre, otherwise: Action) -> Action {
    match genre {
        Genre::Advisory => Action::Advise,
        Genre::Report => Action::Describe,
        Genre::Live => otherwise,
    }
}

/// `/check`: one text judged alone, outside any conversation.
#[must_use]
pub fn check(scan: &Scan) -> Vec<Action> {
    if scan.has_trigger() || scan.level >= Level::Warning {
        vec![Action::Warn {
            level: scan.level.max(Level::Warning),
        }]
    } else {
        vec![unalarmed(scan.genre, Action::Reply)]
    }
}

/// One level up, at most `danger`.
fn stricter(level: Level) -> Level {
    match level {
        Level::None => Level::None,
        Level::Caution => Level::Warning,
        Level::Warning | Level::Danger => Level::Danger,
    }
}

/// A message in a group, from a sender of `standing`, under the group's `settings`, at `now`.
#[must_use]
pub fn group(
    a: &Assessment,
    settings: &GroupSettings,
    standing: &Standing,
    now: Timestamp,
) -> Decision {
    // A message that does not alert counts at its own level: a second copy of a scam the
    // conversation was already warned about is still a scam in the group.
    let base = if alerts(a) {
        alert_level(a)
    } else {
        a.message_level
    };
    if matches!(standing.role, Role::Admin | Role::Bot | Role::Trusted) || base == Level::None {
        return Decision::none(base);
    }
    let newcomer = standing.is_newcomer(settings, now);
    let mut level = base;
    if standing.campaign {
        level = stricter(level);
    }
    // A newcomer's lone soft signal stays `caution`: people new to a group say "customer
    // service" or "refund" too, and harmless chat never gets a reply.
    if newcomer && level >= Level::Warning {
        level = stricter(level);
    }
    let mut actions = match settings.response(level) {
        Response::Off => Vec::new(),
        Response::Warn => vec![Action::Warn { level }],
        Response::Delete => vec![Action::Delete, Action::Notice { level }],
        Response::Mute => {
            let minutes = settings.mute_minutes.clamp(1, MAX_MUTE_MINUTES);
            let until = now.plus(Duration::from_secs(u64::from(minutes) * 60));
            vec![
                Action::Delete,
                Action::Restrict { until },
                Action::Notice { level },
            ]
        }
        Response::Ban => vec![Action::Delete, Action::Ban, Action::Notice { level }],
    };
    let mut would = Vec::new();
    if settings.dry_run && !actions.is_empty() {
        would = std::mem::take(&mut actions);
        actions.push(Action::NotifyAdmins);
    } else if settings.notify_admins && !actions.is_empty() {
        actions.push(Action::NotifyAdmins);
    }
    Decision {
        level,
        newcomer: newcomer && level != base,
        campaign: standing.campaign,
        actions,
        would,
    }
}

/// `/report`: a member asked for a re-check of a message. The message is judged alone (a fresh
/// conversation's assessment, `a`) with the group's settings; the admins are told either way.
#[must_use]
pub fn report(
    a: &Assessment,
    settings: &GroupSettings,
    standing: &Standing,
    now: Timestamp,
) -> Decision {
    let mut d = group(a, settings, standing, now);
    if !d.actions.contains(&Action::NotifyAdmins) {
        d.actions.push(Action::NotifyAdmins);
    }
    d
}

#[cfg(test)]
mod tests;
