//! Button presses: feedback on a private warning (`fb:`), an admin's undo or confirm of a
//! moderation action (`mu:`, `mc:`), and the group settings keyboard (`st:`).

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::{
    CallbackQuery, ChatId, ChatPermissions, InlineKeyboardButton, InlineKeyboardMarkup, Me, UserId,
};

use super::admins::is_admin;
use super::group::Target;
use super::handlers::{App, TgBot, begin, mark};
use super::send::{blocking, redact, with_retry};
use crate::conversation::Timestamp;
use crate::engine::Level;
use crate::i18n::{Arg, Lang};
use crate::policy::{GroupSettings, MAX_MUTE_MINUTES, Response};
use crate::store::{FeedbackOutcome, ModerationEntry, Verdict};

/// Parse `fb:<verdict>:<warning id>`.
#[must_use]
pub fn parse_feedback(data: &str) -> Option<(Verdict, i64)> {
    let rest = data.strip_prefix("fb:")?;
    let (verdict, id) = rest.split_once(':')?;
    Some((Verdict::parse(verdict)?, id.parse().ok()?))
}

/// A moderation button: undo (unmute and unban) or confirm, for a sender in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderation {
    /// Lift the mute or ban of `sender` in `chat`.
    Undo {
        /// The group.
        chat: i64,
        /// The user or channel.
        sender: i64,
        /// The sender is a channel.
        channel: bool,
    },
    /// The action was right.
    Confirm {
        /// The group.
        chat: i64,
    },
}

/// Callback data of the undo button (at most 64 bytes: two ids and a prefix).
#[must_use]
pub(crate) fn undo_data(t: &Target) -> String {
    let kind = if t.channel { 'c' } else { 'u' };
    format!("mu:{kind}:{}:{}", t.chat, t.sender)
}

/// Callback data of the confirm button.
#[must_use]
pub(crate) fn confirm_data(t: &Target) -> String {
    format!("mc:{}", t.chat)
}

/// Parse `mu:<u|c>:<chat>:<sender>` or `mc:<chat>`.
#[must_use]
pub fn parse_moderation(data: &str) -> Option<Moderation> {
    if let Some(rest) = data.strip_prefix("mu:") {
        let mut parts = rest.split(':');
        let channel = match parts.next()? {
            "u" => false,
            "c" => true,
            _ => return None,
        };
        let chat = parts.next()?.parse().ok()?;
        let sender = parts.next()?.parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        return Some(Moderation::Undo {
            chat,
            sender,
            channel,
        });
    }
    let chat = data.strip_prefix("mc:")?.parse().ok()?;
    Some(Moderation::Confirm { chat })
}

/// A press on the settings keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsPress {
    /// Next response at `warning`.
    Warning,
    /// Next response at `danger`.
    Danger,
    /// Next mute length.
    Mute,
    /// Dry mode on or off.
    Dry,
    /// Admin notifications on or off.
    Notify,
}

/// Parse `st:<w|d|m|x|n>`.
#[must_use]
pub fn parse_settings(data: &str) -> Option<SettingsPress> {
    Some(match data.strip_prefix("st:")? {
        "w" => SettingsPress::Warning,
        "d" => SettingsPress::Danger,
        "m" => SettingsPress::Mute,
        "x" => SettingsPress::Dry,
        "n" => SettingsPress::Notify,
        _ => return None,
    })
}

/// Mute lengths the keyboard cycles through, in minutes.
pub const MUTE_STEPS: [u32; 4] = [10, 60, 24 * 60, 7 * 24 * 60];

/// `s` after one press.
#[must_use]
pub fn press(mut s: GroupSettings, p: SettingsPress) -> GroupSettings {
    let next = |r: Response| {
        let all = Response::ALL;
        let i = all.iter().position(|x| *x == r).unwrap_or(0);
        all[(i + 1) % all.len()]
    };
    match p {
        SettingsPress::Warning => s.on_warning = next(s.on_warning),
        SettingsPress::Danger => s.on_danger = next(s.on_danger),
        SettingsPress::Mute => {
            s.mute_minutes = MUTE_STEPS
                .into_iter()
                .find(|m| *m > s.mute_minutes)
                .unwrap_or(MUTE_STEPS[0])
                .min(MAX_MUTE_MINUTES);
        }
        SettingsPress::Dry => s.dry_run = !s.dry_run,
        SettingsPress::Notify => s.notify_admins = !s.notify_admins,
    }
    s
}

/// The settings keyboard showing `s`.
#[must_use]
pub(crate) fn settings_keyboard(app: &App, lang: Lang, s: &GroupSettings) -> InlineKeyboardMarkup {
    let cat = &app.catalog();
    let resp = |r: Response| cat.text(lang, &format!("resp-{}", r.as_str()));
    let on = |b: bool| cat.text(lang, if b { "word-on" } else { "word-off" });
    let b = |key: &str, var: &str, val: Arg, data: &str| {
        InlineKeyboardButton::callback(cat.format(lang, key, &[(var, val)]), data.to_string())
    };
    InlineKeyboardMarkup::new(vec![
        vec![b(
            "settings-warning",
            "response",
            Arg::from(resp(s.on_warning)),
            "st:w",
        )],
        vec![b(
            "settings-danger",
            "response",
            Arg::from(resp(s.on_danger)),
            "st:d",
        )],
        vec![b(
            "settings-mute",
            "minutes",
            Arg::from(s.mute_minutes),
            "st:m",
        )],
        vec![
            b("settings-dry", "state", Arg::from(on(s.dry_run)), "st:x"),
            b(
                "settings-notify",
                "state",
                Arg::from(on(s.notify_admins)),
                "st:n",
            ),
        ],
    ])
}

/// A button press.
pub(crate) async fn callback<R: TgBot>(
    bot: R,
    q: CallbackQuery,
    update_id: u32,
    _me: Me,
    app: Arc<App>,
) {
    let data = q.data.clone().unwrap_or_default();
    if let Some((verdict, warning_id)) = parse_feedback(&data) {
        feedback(&bot, &app, &q, update_id, verdict, warning_id).await;
    } else if let Some(m) = parse_moderation(&data) {
        moderation(&bot, &app, &q, update_id, m).await;
    } else if let Some(p) = parse_settings(&data) {
        settings_press(&bot, &app, &q, update_id, p).await;
    } else {
        // Not ours: stop the client's spinner and move on.
        answer(&bot, &app, &q, None).await;
        mark(&app, update_id).await;
    }
}

async fn answer<R: TgBot>(bot: &R, app: &App, q: &CallbackQuery, text: Option<String>) {
    let r = with_retry(&app.retry, || {
        let mut req = bot.answer_callback_query(q.id.clone());
        if let Some(t) = &text {
            req = req.text(t.clone());
        }
        req.send()
    })
    .await;
    if let Err((e, _)) = r {
        tracing::warn!(error = %redact(&e, &app.token), "answerCallbackQuery failed");
    }
}

/// The presser's language: their `/lang` choice, their client, the text shown.
async fn presser_lang(app: &App, q: &CallbackQuery) -> Lang {
    let user = q.from.id.0 as i64;
    let stored = blocking(&app.store, move |s| s.lang(user))
        .await
        .ok()
        .flatten();
    let shown = q
        .message
        .as_ref()
        .and_then(|m| m.regular_message())
        .and_then(|m| m.text())
        .unwrap_or_default();
    Lang::choose(
        stored.as_deref().and_then(Lang::parse),
        q.from.language_code.as_deref(),
        shown,
    )
}

async fn feedback<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    q: &CallbackQuery,
    update_id: u32,
    verdict: Verdict,
    warning_id: i64,
) {
    let now = Timestamp::now().0;
    if !begin(app, update_id).await {
        return;
    }
    let outcome = blocking(&app.store, move |s| {
        s.record_feedback(warning_id, verdict, now)
    })
    .await
    .unwrap_or_else(|e| {
        store_failed!(e, update_id, "cannot record feedback");
        FeedbackOutcome::UnknownWarning
    });
    tracing::info!(
        update_id,
        chat = %app.chat_hash(q.from.id.0 as i64),
        warning_id,
        verdict = verdict.as_str(),
        recorded = outcome == FeedbackOutcome::Recorded,
        "feedback"
    );
    let lang = presser_lang(app, q).await;
    let key = match (outcome, verdict) {
        (FeedbackOutcome::UnknownWarning, _) => "fb-unknown",
        (_, Verdict::Scam) => "fb-thanks-scam",
        (_, Verdict::NotScam) => "fb-thanks-ok",
    };
    answer(bot, app, q, Some(app.catalog().text(lang, key))).await;
    if outcome == FeedbackOutcome::Recorded
        && let Some(m) = &q.message
        && m.chat().is_private()
    {
        let (chat, mid) = (m.chat().id, m.id());
        if let Err((e, _)) = with_retry(&app.retry, || {
            bot.edit_message_reply_markup(chat, mid).send()
        })
        .await
        {
            tracing::debug!(update_id, error = %redact(&e, &app.token), "cannot remove feedback buttons");
        }
    }
    mark(app, update_id).await;
}

async fn moderation<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    q: &CallbackQuery,
    update_id: u32,
    m: Moderation,
) {
    if !begin(app, update_id).await {
        return;
    }
    let lang = presser_lang(app, q).await;
    let chat = match m {
        Moderation::Undo { chat, .. } | Moderation::Confirm { chat } => chat,
    };
    let presser = q.from.id.0 as i64;
    // The data names the group: only its admins may act on it, whoever holds the button.
    match is_admin(bot, app, chat, presser).await {
        Some(true) => {}
        Some(false) => {
            answer(bot, app, q, Some(app.catalog().text(lang, "not-admin"))).await;
            mark(app, update_id).await;
            return;
        }
        None => {
            answer(
                bot,
                app,
                q,
                Some(app.catalog().text(lang, "admin-unverified")),
            )
            .await;
            mark(app, update_id).await;
            return;
        }
    }
    let (key, outcome) = match m {
        Moderation::Confirm { .. } => ("confirm-done", "confirmed"),
        Moderation::Undo {
            chat,
            sender,
            channel,
        } => {
            if undo(bot, app, chat, sender, channel).await {
                ("undo-done", "undone")
            } else {
                ("undo-failed", "undo-failed")
            }
        }
    };
    let sender = match m {
        Moderation::Undo { sender, .. } => sender,
        Moderation::Confirm { .. } => 0,
    };
    let entry = ModerationEntry {
        rule_ids: Vec::new(),
        level: Level::None,
        action: "admin".into(),
        outcome: outcome.into(),
    };
    let now = Timestamp::now().0;
    if let Err(e) = blocking(&app.store, move |s| {
        s.log_moderation(chat, sender, &entry, now)
    })
    .await
    {
        store_failed!(e, update_id, "cannot write the moderation log");
    }
    tracing::info!(update_id, chat = %app.chat_hash(chat), outcome, "admin button");
    answer(bot, app, q, Some(app.catalog().text(lang, key))).await;
    if let Some(msg) = &q.message {
        let (c, mid) = (msg.chat().id, msg.id());
        let _ = with_retry(&app.retry, || bot.edit_message_reply_markup(c, mid).send()).await;
    }
    mark(app, update_id).await;
}

/// Lift a mute and a ban. A deleted message cannot be restored.
async fn undo<R: TgBot>(bot: &R, app: &App, chat: i64, sender: i64, channel: bool) -> bool {
    if channel {
        return with_retry(&app.retry, || {
            bot.unban_chat_sender_chat(ChatId(chat), ChatId(sender))
                .send()
        })
        .await
        .is_ok();
    }
    let Ok(uid) = u64::try_from(sender) else {
        return false;
    };
    let unban = with_retry(&app.retry, || {
        bot.unban_chat_member(ChatId(chat), UserId(uid))
            .only_if_banned(true)
            .send()
    })
    .await;
    let unmute = with_retry(&app.retry, || {
        bot.restrict_chat_member(ChatId(chat), UserId(uid), ChatPermissions::all())
            .send()
    })
    .await;
    unban.is_ok() && unmute.is_ok()
}

async fn settings_press<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    q: &CallbackQuery,
    update_id: u32,
    p: SettingsPress,
) {
    if !begin(app, update_id).await {
        return;
    }
    let Some(msg) = q.message.as_ref() else {
        answer(bot, app, q, None).await;
        mark(app, update_id).await;
        return;
    };
    let chat = msg.chat().id.0;
    let lang = presser_lang(app, q).await;
    let presser = q.from.id.0 as i64;
    if msg.chat().is_private() || is_admin(bot, app, chat, presser).await != Some(true) {
        answer(bot, app, q, Some(app.catalog().text(lang, "not-admin"))).await;
        mark(app, update_id).await;
        return;
    }
    let current = super::group::settings(app, chat).await;
    let new = press(current, p);
    let stored = new.clone();
    let now = Timestamp::now().0;
    if let Err(e) = blocking(&app.store, move |s| {
        s.set_group_settings(chat, &stored, now)
    })
    .await
    {
        store_failed!(e, update_id, "cannot store group settings");
        answer(bot, app, q, None).await;
        mark(app, update_id).await;
        return;
    }
    tracing::info!(
        update_id,
        chat = %app.chat_hash(chat),
        on_warning = new.on_warning.as_str(),
        on_danger = new.on_danger.as_str(),
        dry = new.dry_run,
        notify = new.notify_admins,
        "group settings changed"
    );
    let shown = new.lang.as_deref().and_then(Lang::parse).unwrap_or(lang);
    let keyboard = settings_keyboard(app, shown, &new);
    let (c, mid) = (msg.chat().id, msg.id());
    if let Err((e, _)) = with_retry(&app.retry, || {
        bot.edit_message_reply_markup(c, mid)
            .reply_markup(keyboard.clone())
            .send()
    })
    .await
    {
        tracing::debug!(error = %redact(&e, &app.token), "cannot update the settings keyboard");
    }
    answer(bot, app, q, None).await;
    mark(app, update_id).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_data() {
        assert_eq!(parse_feedback("fb:scam:12"), Some((Verdict::Scam, 12)));
        assert_eq!(parse_feedback("fb:ok:3"), Some((Verdict::NotScam, 3)));
        assert_eq!(parse_feedback("fb:maybe:3"), None);
        assert_eq!(parse_feedback("fb:ok:x"), None);
        assert_eq!(parse_feedback("other"), None);
    }

    #[test]
    fn moderation_data_round_trips_and_fits() {
        let t = Target {
            chat: -1_001_234_567_890,
            title: String::new(),
            message_id: 1,
            sender: -1_009_876_543_210,
            channel: true,
        };
        let d = undo_data(&t);
        assert!(d.len() <= 64, "{d}");
        assert_eq!(
            parse_moderation(&d),
            Some(Moderation::Undo {
                chat: -1_001_234_567_890,
                sender: -1_009_876_543_210,
                channel: true
            })
        );
        assert_eq!(
            parse_moderation(&confirm_data(&t)),
            Some(Moderation::Confirm {
                chat: -1_001_234_567_890
            })
        );
        assert_eq!(parse_moderation("mu:x:1:2"), None);
        assert_eq!(parse_moderation("mu:u:1:2:3"), None);
        assert_eq!(parse_moderation("mc:abc"), None);
    }

    #[test]
    fn settings_presses_cycle() {
        let s = GroupSettings::default();
        let s = press(s, SettingsPress::Danger);
        assert_eq!(s.on_danger, Response::Mute);
        let s = press(press(s, SettingsPress::Danger), SettingsPress::Danger);
        assert_eq!(s.on_danger, Response::Off);
        let s = press(s, SettingsPress::Warning);
        assert_eq!(s.on_warning, Response::Delete);
        assert_eq!(press(s.clone(), SettingsPress::Mute).mute_minutes, 24 * 60);
        let s = press(press(s, SettingsPress::Dry), SettingsPress::Notify);
        assert!(s.dry_run && s.notify_admins);
        let long = GroupSettings {
            mute_minutes: 7 * 24 * 60,
            ..GroupSettings::default()
        };
        assert_eq!(press(long, SettingsPress::Mute).mute_minutes, 10);
        assert_eq!(parse_settings("st:q"), None);
    }
}
