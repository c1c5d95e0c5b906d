//! Groups: every message (text, caption, edit, forward, hidden links, buttons, posts made as a
//! channel) goes through the engine and the sender's conversation in that group;
//! [`crate::policy::group`] decides, and this module carries the actions out: warn, delete
//! with a notice, mute, ban, tell the admins. A right the bot lacks is told to the admins once
//! and the action falls back to a warning; nothing fails silently.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::{
    ChatId, ChatMemberUpdated, ChatPermissions, InlineKeyboardButton, InlineKeyboardMarkup, Me,
    Message, MessageId, UserId,
};
use teloxide::{ApiError, RequestError};

use super::admins::{Rights, admin_ids, is_admin, is_anonymous_admin};
use super::commands;
use super::handlers::{App, Arrival, TgBot, Turn, begin, mark, send_once};
use super::listener::InHand;
use super::render::{self, Sanction};
use super::send::{Once, blocking, redact};
use super::transform::is_forwarded;
use crate::conversation::{Assessment, Timestamp};
use crate::guard::{Evidence, Incoming};
use crate::i18n::Lang;
use crate::policy::{self, Action, Decision, GroupSettings, Role, Standing};
use crate::store::{Counter, MemberRecord, ModerationEntry};

/// The message a decision is about.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// The group.
    pub chat: i64,
    /// The group's title.
    pub title: String,
    /// The message.
    pub message_id: i32,
    /// Its sender: a user id, or a channel's id when posted as a channel.
    pub sender: i64,
    /// The sender is a channel (it can be banned, not muted).
    pub channel: bool,
}

/// The group's settings, or the defaults when the store fails (logged).
pub(crate) async fn settings(app: &App, chat: i64) -> GroupSettings {
    blocking(&app.store, move |s| s.group_settings(chat))
        .await
        .unwrap_or_else(|e| {
            store_failed!(e, chat = %app.chat_hash(chat), "cannot read group settings: defaults used");
            GroupSettings::default()
        })
}

/// The language of the bot's messages in a group.
pub(crate) fn group_lang(settings: &GroupSettings, incoming: &Incoming) -> Lang {
    settings
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_else(|| Lang::choose(None, incoming.language_code.as_deref(), &incoming.text))
}

/// Whether the sender is known to be beyond moderation without asking Telegram: the linked
/// channel's automatic forward, an anonymous admin, the bot itself.
fn role_without_asking(msg: &Message, me: &Me) -> Option<Role> {
    if msg.is_automatic_forward() || is_anonymous_admin(msg) {
        return Some(Role::Admin);
    }
    if msg.sender_chat.is_none() && msg.from.as_ref().is_some_and(|u| u.id == me.id) {
        return Some(Role::Bot);
    }
    None
}

/// A message in a group.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn message<R: TgBot>(
    bot: R,
    msg: Message,
    incoming: Incoming,
    screenshot: super::photos::Screenshot,
    arrival: Arrival,
    update_id: u32,
    me: Me,
    app: Arc<App>,
    turn: Turn,
    in_hand: InHand,
) {
    let _in_hand = in_hand;
    let chat = incoming.chat;
    if !begin(&app, update_id).await {
        return;
    }
    let settings = settings(&app, chat).await;
    let lang = group_lang(&settings, &incoming);

    if let Some(members) = msg.new_chat_members() {
        drop(turn);
        joined(&bot, &app, chat, incoming.message_id, members, &me, lang).await;
        mark(&app, update_id).await;
        return;
    }
    if arrival == Arrival::New
        && !is_forwarded(&msg)
        && let Some((cmd, arg)) = commands::parse(&incoming.text, me.username())
    {
        drop(turn);
        commands::group(&bot, &app, &msg, &incoming, update_id, cmd, arg, lang, &me).await;
        mark(&app, update_id).await;
        return;
    }
    // A screenshot (read only where the admins turned it on): its messages go through the
    // sender's conversation in order, and the strongest of them stands for the image.
    let read = match screenshot {
        super::photos::Screenshot::Read(read) => read,
        _ => Vec::new(),
    };
    if incoming.is_empty() && read.is_empty() {
        drop(turn);
        mark(&app, update_id).await;
        return;
    }

    let sender = incoming.sender.unwrap_or(chat);
    let known = role_without_asking(&msg, &me);
    let now = Timestamp::now();
    let record = member_record(&app, chat, sender, arrival, now).await;
    let (outcome, campaign) = turn.finish(|| {
        let outcome = if read.is_empty() {
            app.guard.handle(&incoming, now)
        } else {
            crate::guard::screenshot_messages(&incoming, &read)
                .iter()
                .filter(|m| !m.is_empty())
                .map(|m| app.guard.handle(m, now))
                .max_by_key(strength)
                .unwrap_or_else(|| app.guard.handle(&incoming, now))
        };
        let campaign = !outcome.scan.findings.is_empty()
            && known.is_none()
            && app
                .campaigns
                .text_key(crate::text::normalize(&incoming.text).as_str())
                .is_some_and(|key| {
                    let n = app.campaigns.observe(key, chat, sender, now);
                    app.campaigns.is_campaign(n)
                });
        (outcome, campaign)
    });
    if arrival == Arrival::New {
        let _ = blocking(&app.store, move |s| s.bump(chat, Counter::Messages, 1)).await;
    }

    let mut standing = Standing {
        role: known.unwrap_or(if record.trusted {
            Role::Trusted
        } else {
            Role::Member
        }),
        joined_at: record.joined_at.map(Timestamp),
        messages: record.messages,
        campaign,
    };
    let mut decision = policy::group(&outcome.assessment, &settings, &standing, now);
    // Admin status is asked only when the decision would act: harmless chat costs no call.
    if !decision.actions.is_empty()
        && standing.role == Role::Member
        && msg.sender_chat.is_none()
        && is_admin(&bot, &app, chat, sender).await == Some(true)
    {
        standing.role = Role::Admin;
        decision = policy::group(&outcome.assessment, &settings, &standing, now);
    }
    let rule_ids = outcome.rule_ids();
    tracing::info!(
        update_id,
        chat = %app.chat_hash(chat),
        sender = %app.chat_hash(sender),
        edited = arrival == Arrival::Edited,
        rules = ?rule_ids,
        message_level = %outcome.assessment.message_level,
        level = %decision.level,
        newcomer = decision.newcomer,
        campaign = decision.campaign,
        role = ?standing.role,
        actions = ?decision.actions.iter().map(|a| a.name()).collect::<Vec<_>>(),
        "group message assessed"
    );
    if !decision.actions.is_empty() {
        let target = Target {
            chat,
            title: msg.chat.title().unwrap_or_default().to_string(),
            message_id: incoming.message_id,
            sender,
            channel: msg.sender_chat.is_some(),
        };
        execute(
            &bot,
            &app,
            &target,
            lang,
            &settings,
            &decision,
            &outcome.evidence(),
            &rule_ids,
            update_id,
        )
        .await;
    }
    mark(&app, update_id).await;
}

/// Of a screenshot's messages, the one the group acts on has the highest conversation level,
/// a hard trigger first among equals (`max_by_key` keeps the latest among those).
fn strength(o: &crate::guard::Outcome) -> (crate::engine::Level, bool) {
    (o.assessment.level, o.assessment.hard_trigger)
}

/// What the store knows of the sender; a new message is counted (an edit is not).
async fn member_record(
    app: &App,
    chat: i64,
    sender: i64,
    arrival: Arrival,
    now: Timestamp,
) -> MemberRecord {
    let r = blocking(&app.store, move |s| match arrival {
        Arrival::New => s.note_message(chat, sender, now.0),
        Arrival::Edited => s.member(chat, sender),
    })
    .await;
    r.unwrap_or_else(|e| {
        store_failed!(e, chat = %app.chat_hash(chat), "cannot read member record");
        // Unknown history: judged as a regular member, not a newcomer.
        MemberRecord {
            messages: u32::MAX,
            ..MemberRecord::default()
        }
    })
}

/// Members joined: remember when (newcomers are judged stricter); the bot itself joining says
/// hello.
async fn joined<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    chat: i64,
    message_id: i32,
    members: &[teloxide::types::User],
    me: &Me,
    lang: Lang,
) {
    let now = Timestamp::now().0;
    for u in members {
        if u.id == me.id {
            let text = app.catalog().text(lang, "group-hello");
            send_once(bot, app, chat, message_id, "hello", text, false, None).await;
            continue;
        }
        let Ok(user) = i64::try_from(u.id.0) else {
            continue;
        };
        if let Err(e) = blocking(&app.store, move |s| s.note_join(chat, user, now)).await {
            store_failed!(e, chat = %app.chat_hash(chat), "cannot record a join");
        }
    }
}

/// Whether Telegram refused for lack of a right (or because the target is an admin).
fn lacks_right(e: &RequestError) -> bool {
    match e {
        RequestError::Api(ApiError::MessageCantBeDeleted | ApiError::NotEnoughRightsToRestrict) => {
            true
        }
        RequestError::Api(ApiError::Unknown(d)) => {
            let d = d.to_ascii_lowercase();
            d.contains("not enough rights")
                || d.contains("can't be deleted")
                || d.contains("have no rights")
                || d.contains("chat_admin_required")
        }
        _ => false,
    }
}

/// Whether the message was already gone (deleted by someone else).
fn already_gone(e: &RequestError) -> bool {
    match e {
        RequestError::Api(ApiError::MessageToDeleteNotFound) => true,
        RequestError::Api(ApiError::Unknown(d)) => d.contains("message to delete not found"),
        _ => false,
    }
}

/// Tell the group once that a right is missing (until it comes back).
async fn missing_right<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    chat: i64,
    right: &'static str,
    lang: Lang,
) {
    let now = Timestamp::now().0;
    let first = blocking(&app.store, move |s| s.first_notice(chat, right, now))
        .await
        .unwrap_or(true);
    {
        let mut r = app.rights.entry(chat).or_insert(Rights::ASSUMED);
        match right {
            "delete" => r.delete = false,
            _ => r.restrict = false,
        }
    }
    tracing::warn!(chat = %app.chat_hash(chat), right, told = first, "missing right: falling back");
    if first {
        let key = if right == "delete" {
            "group-no-right-delete"
        } else {
            "group-no-right-restrict"
        };
        let text = app.catalog().text(lang, key);
        if let Err((e, _)) = super::send::with_retry(&app.retry, || {
            bot.send_message(ChatId(chat), text.clone()).send()
        })
        .await
        {
            tracing::warn!(error = %redact(&e, &app.token), "cannot tell the group about a missing right");
        }
    }
}

/// Carry out `decision` about `target`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn execute<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    target: &Target,
    lang: Lang,
    settings: &GroupSettings,
    decision: &Decision,
    evidence: &[Evidence],
    rule_ids: &[String],
    update_id: u32,
) {
    let chat = target.chat;
    let mid = target.message_id;
    let mut deleted = false;
    let mut warned = false;
    let mut sanction = Sanction::None;
    let mut done: Vec<(Action, &'static str)> = Vec::new();
    for &action in &decision.actions {
        match action {
            Action::Warn { level } => {
                let text = render::group_warning(&app.catalog(), lang, level, evidence);
                if send_once(bot, app, chat, mid, "warn", text, true, None)
                    .await
                    .is_some()
                {
                    warned = true;
                    done.push((action, "done"));
                }
            }
            Action::Delete => {
                let r = if app.rights(chat).delete {
                    let once = Once::new(&app.store, chat, mid, "delete");
                    if once.begin().await {
                        Some(
                            once.try_run(&app.retry, &app.token, || {
                                bot.delete_message(ChatId(chat), MessageId(mid)).send()
                            })
                            .await,
                        )
                    } else {
                        // Done (or possibly done) before a restart.
                        deleted = true;
                        None
                    }
                } else {
                    Some(Err(RequestError::Api(ApiError::MessageCantBeDeleted)))
                };
                match r {
                    None => {}
                    Some(Ok(_)) => {
                        deleted = true;
                        done.push((action, "done"));
                    }
                    Some(Err(e)) if already_gone(&e) => deleted = true,
                    Some(Err(e)) => {
                        done.push((action, "failed"));
                        if lacks_right(&e) {
                            missing_right(bot, app, chat, "delete", lang).await;
                        }
                        // Fall back to a warning: the scam stays visible, so say so.
                        let level = decision.level;
                        let text = render::group_warning(&app.catalog(), lang, level, evidence);
                        if send_once(bot, app, chat, mid, "warn", text, true, None)
                            .await
                            .is_some()
                        {
                            warned = true;
                            done.push((Action::Warn { level }, "fallback"));
                        }
                    }
                }
            }
            Action::Restrict { .. } if target.channel => {
                // A channel cannot be muted: its post is deleted, the channel is left alone.
                tracing::info!(update_id, "channel sender: mute skipped");
            }
            Action::Restrict { until } => {
                let ok = restrict(bot, app, target, until, lang).await;
                if ok {
                    sanction = Sanction::Muted(settings.mute_minutes);
                }
                done.push((action, if ok { "done" } else { "failed" }));
            }
            Action::Ban => {
                let ok = ban(bot, app, target, lang).await;
                if ok {
                    sanction = Sanction::Banned;
                }
                done.push((action, if ok { "done" } else { "failed" }));
            }
            Action::Notice { level } => {
                if deleted {
                    let text =
                        render::group_notice(&app.catalog(), lang, level, evidence, sanction);
                    send_once(bot, app, chat, mid, "notice", text, false, None).await;
                }
            }
            Action::NotifyAdmins => {
                notify_admins(bot, app, target, lang, settings, decision, evidence).await;
            }
            Action::Calm | Action::Reply | Action::Advise | Action::Describe => {}
        }
    }
    for &a in &decision.would {
        done.push((a, "dry"));
    }
    for (a, result) in &done {
        crate::metrics::action(a.name(), result);
    }
    if warned {
        crate::metrics::warning(decision.level, "group");
    }
    record(
        app, target, decision, &done, rule_ids, warned, deleted, sanction,
    )
    .await;
}

async fn restrict<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    target: &Target,
    until: Timestamp,
    lang: Lang,
) -> bool {
    let (chat, mid) = (target.chat, target.message_id);
    if !app.rights(chat).restrict {
        missing_right(bot, app, chat, "restrict", lang).await;
        return false;
    }
    let Ok(uid) = u64::try_from(target.sender) else {
        return false;
    };
    let secs = i64::try_from(until.0 / 1000).unwrap_or(i64::MAX);
    let Some(until) = chrono::DateTime::from_timestamp(secs, 0) else {
        return false;
    };
    let once = Once::new(&app.store, chat, mid, "mute");
    if !once.begin().await {
        return true;
    }
    match once
        .try_run(&app.retry, &app.token, || {
            bot.restrict_chat_member(ChatId(chat), UserId(uid), ChatPermissions::empty())
                .until_date(until)
                .send()
        })
        .await
    {
        Ok(_) => true,
        Err(e) => {
            if lacks_right(&e) {
                missing_right(bot, app, chat, "restrict", lang).await;
            }
            false
        }
    }
}

async fn ban<R: TgBot>(bot: &R, app: &Arc<App>, target: &Target, lang: Lang) -> bool {
    let (chat, mid) = (target.chat, target.message_id);
    if !app.rights(chat).restrict {
        missing_right(bot, app, chat, "restrict", lang).await;
        return false;
    }
    let once = Once::new(&app.store, chat, mid, "ban");
    if !once.begin().await {
        return true;
    }
    let sender = target.sender;
    let r = if target.channel {
        once.try_run(&app.retry, &app.token, || {
            bot.ban_chat_sender_chat(ChatId(chat), ChatId(sender))
                .send()
        })
        .await
        .map(|_| ())
    } else {
        let Ok(uid) = u64::try_from(sender) else {
            return false;
        };
        once.try_run(&app.retry, &app.token, || {
            bot.ban_chat_member(ChatId(chat), UserId(uid)).send()
        })
        .await
        .map(|_| ())
    };
    match r {
        Ok(()) => true,
        Err(e) => {
            if lacks_right(&e) {
                missing_right(bot, app, chat, "restrict", lang).await;
            }
            false
        }
    }
}

/// Counters and the moderation log: rule ids, level, action, outcome; never text.
#[allow(clippy::too_many_arguments)]
async fn record(
    app: &Arc<App>,
    target: &Target,
    decision: &Decision,
    done: &[(Action, &'static str)],
    rule_ids: &[String],
    warned: bool,
    deleted: bool,
    sanction: Sanction,
) {
    let (chat, sender) = (target.chat, target.sender);
    let entries: Vec<ModerationEntry> = done
        .iter()
        .map(|(a, outcome)| ModerationEntry {
            rule_ids: rule_ids.to_vec(),
            level: decision.level,
            action: a.name().to_string(),
            outcome: (*outcome).to_string(),
        })
        .collect();
    let dry = !decision.would.is_empty();
    let failed = done.iter().filter(|(_, o)| *o == "failed").count() as u64;
    let now = Timestamp::now().0;
    let r = blocking(&app.store, move |s| {
        for e in &entries {
            s.log_moderation(chat, sender, e, now)?;
        }
        let counts = [
            (Counter::Warned, u64::from(warned)),
            (Counter::Deleted, u64::from(deleted)),
            (
                Counter::Muted,
                u64::from(matches!(sanction, Sanction::Muted(_))),
            ),
            (Counter::Banned, u64::from(sanction == Sanction::Banned)),
            (Counter::Dry, u64::from(dry)),
            (Counter::Failed, failed),
        ];
        for (c, n) in counts {
            if n > 0 {
                s.bump(chat, c, n)?;
            }
        }
        Ok(())
    })
    .await;
    if let Err(e) = r {
        store_failed!(e, chat = %app.chat_hash(chat), "cannot write the moderation log");
    }
}

/// What a list of actions did, for the admins' note.
fn what(app: &App, lang: Lang, actions: &[Action], settings: &GroupSettings) -> String {
    let key = if actions.contains(&Action::Ban) {
        "what-ban"
    } else if actions.iter().any(|a| matches!(a, Action::Restrict { .. })) {
        "what-mute"
    } else if actions.contains(&Action::Delete) {
        "what-delete"
    } else {
        "what-warn"
    };
    app.catalog().format(
        lang,
        key,
        &[("minutes", crate::i18n::Arg::from(settings.mute_minutes))],
    )
}

/// Tell every human admin of the group privately, with buttons to undo or confirm. Admins
/// who never started a private chat with the bot cannot be written to; that is logged only.
async fn notify_admins<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    target: &Target,
    lang: Lang,
    settings: &GroupSettings,
    decision: &Decision,
    evidence: &[Evidence],
) {
    let (key, acted) = if !decision.would.is_empty() {
        ("notify-dry", &decision.would)
    } else if decision.actions.iter().all(|a| *a == Action::NotifyAdmins) {
        ("notify-report", &decision.actions)
    } else {
        ("notify-done", &decision.actions)
    };
    let what = what(app, lang, acted, settings);
    let text = render::admin_note(
        &app.catalog(),
        lang,
        key,
        &target.title,
        &what,
        decision.level,
        evidence,
    );
    let sanctioned = decision
        .actions
        .iter()
        .any(|a| matches!(a, Action::Restrict { .. } | Action::Ban));
    let mut row = Vec::new();
    if sanctioned {
        row.push(InlineKeyboardButton::callback(
            app.catalog().text(lang, "btn-undo"),
            super::feedback::undo_data(target),
        ));
    }
    if key != "notify-report" {
        row.push(InlineKeyboardButton::callback(
            app.catalog().text(lang, "btn-confirm"),
            super::feedback::confirm_data(target),
        ));
    }
    let keyboard = InlineKeyboardMarkup::new(vec![row]);
    for admin in admin_ids(bot, app, target.chat).await {
        let r = super::send::with_retry(&app.retry, || {
            bot.send_message(ChatId(admin), text.clone())
                .reply_markup(keyboard.clone())
                .send()
        })
        .await;
        if let Err((e, _)) = r {
            tracing::debug!(admin = %app.chat_hash(admin), error = %redact(&e, &app.token), "cannot write to an admin");
        }
    }
}

/// The bot's own membership changed: added, promoted, demoted, removed.
pub(crate) async fn my_chat_member<R: TgBot>(
    bot: R,
    change: ChatMemberUpdated,
    update_id: u32,
    app: Arc<App>,
) {
    let chat = change.chat.id.0;
    if change.chat.is_private() || !begin(&app, update_id).await {
        return;
    }
    let old = &change.old_chat_member.kind;
    let new = &change.new_chat_member.kind;
    let (was, now_rights) = (Rights::of(old), Rights::of(new));
    app.rights.insert(chat, now_rights);
    let settings = settings(&app, chat).await;
    let lang = settings
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_else(|| Lang::choose(None, change.from.language_code.as_deref(), ""));
    tracing::info!(
        update_id,
        chat = %app.chat_hash(chat),
        present = new.is_present(),
        delete = now_rights.delete,
        restrict = now_rights.restrict,
        "bot membership changed"
    );
    let mut texts = Vec::new();
    if new.is_present() && !old.is_present() {
        texts.push(app.catalog().text(lang, "group-hello"));
    }
    if new.is_present() {
        let gained = (now_rights.delete && !was.delete) || (now_rights.restrict && !was.restrict);
        let lost = (was.delete && !now_rights.delete) || (was.restrict && !now_rights.restrict);
        let r = blocking(&app.store, move |s| {
            let now = Timestamp::now().0;
            for (right, has) in [
                ("delete", now_rights.delete),
                ("restrict", now_rights.restrict),
            ] {
                if has {
                    s.clear_notice(chat, right)?;
                } else {
                    // Told now: the first refusal does not tell again.
                    s.first_notice(chat, right, now)?;
                }
            }
            Ok(())
        })
        .await;
        if let Err(e) = r {
            store_failed!(e, "cannot record rights notices");
        }
        if lost && !new.is_privileged() {
            texts.push(app.catalog().text(lang, "group-demoted"));
        } else if gained || lost {
            texts.push(rights_text(&app, lang, now_rights));
        }
    }
    for text in texts {
        if let Err((e, _)) = super::send::with_retry(&app.retry, || {
            bot.send_message(ChatId(chat), text.clone()).send()
        })
        .await
        {
            tracing::warn!(error = %redact(&e, &app.token), "cannot post in the group");
        }
    }
    mark(&app, update_id).await;
}

/// "My rights here: …".
pub(crate) fn rights_text(app: &App, lang: Lang, r: Rights) -> String {
    let yes_no = |b: bool| {
        app.catalog()
            .text(lang, if b { "word-yes" } else { "word-no" })
    };
    app.catalog().format(
        lang,
        "group-rights",
        &[
            ("delete", crate::i18n::Arg::from(yes_no(r.delete))),
            ("restrict", crate::i18n::Arg::from(yes_no(r.restrict))),
        ],
    )
}

/// Another member's membership changed: joins are remembered (newcomers), admin changes
/// forget the cached status.
pub(crate) async fn chat_member(change: ChatMemberUpdated, update_id: u32, app: Arc<App>) {
    let chat = change.chat.id.0;
    let Ok(user) = i64::try_from(change.new_chat_member.user.id.0) else {
        return;
    };
    app.admins.forget(chat, user);
    if change.new_chat_member.kind.is_present() && !change.old_chat_member.kind.is_present() {
        let now = Timestamp::now().0;
        if let Err(e) = blocking(&app.store, move |s| s.note_join(chat, user, now)).await {
            store_failed!(e, update_id, "cannot record a join");
        }
    }
}

/// A fresh assessment of one text alone (for `/report`): the conversation it would start.
pub(crate) fn assess_alone(
    app: &App,
    scanned: &str,
    now: Timestamp,
) -> (crate::engine::Scan, Assessment) {
    let scan = app.guard.check(scanned);
    let a = crate::conversation::Conversation::new().observe(
        &scan,
        now,
        &crate::conversation::ConversationConfig::default(),
    );
    (scan, a)
}
