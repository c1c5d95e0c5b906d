//! Bot commands: parsing, registration with `setMyCommands`, and what each does in a private
//! chat ([`private`]) and in a group ([`group`]).

use std::sync::Arc;

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, Message};

use super::admins::Rights;
use super::handlers::{App, TgBot, Turn, reply, send_once};
use super::private::send_warning;
use super::render::{self, WarningView};
use super::send::{RetryPolicy, blocking, with_retry};
use super::transform::transform;
use crate::conversation::Timestamp;
use crate::engine::Level;
use crate::guard::{self, Incoming};
use crate::i18n::{Arg, Catalog, Lang};
use crate::policy::{self, Action, GroupSettings, Response, Role, Standing};
use crate::store::Counter;

/// A command the bot understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// What the bot does.
    Start,
    /// How to use it.
    Help,
    /// Check one text on its own.
    Check,
    /// Forget this conversation.
    Reset,
    /// Choose the language.
    Lang,
    /// What is stored.
    Privacy,
    /// Groups: the settings keyboard (admins).
    Settings,
    /// Groups: what to do from the threshold up (admins).
    Mode,
    /// Groups: the lowest level the mode applies to (admins).
    Threshold,
    /// Groups: whether members' screenshots are read (admins).
    Screenshots,
    /// Groups: never act on a member (admins).
    Trust,
    /// Groups: check a trusted member again (admins).
    Untrust,
    /// Groups: what the bot does here.
    Status,
    /// Groups: what the bot has done here.
    Stats,
    /// Groups: a member asks for a re-check of a message.
    Report,
}

impl Command {
    /// Every command.
    pub const ALL: [Command; 15] = [
        Command::Start,
        Command::Help,
        Command::Check,
        Command::Reset,
        Command::Lang,
        Command::Privacy,
        Command::Settings,
        Command::Mode,
        Command::Threshold,
        Command::Screenshots,
        Command::Trust,
        Command::Untrust,
        Command::Status,
        Command::Stats,
        Command::Report,
    ];
    /// The private-chat menu.
    pub const PRIVATE: [Command; 6] = [
        Command::Start,
        Command::Help,
        Command::Check,
        Command::Reset,
        Command::Lang,
        Command::Privacy,
    ];
    /// The menu every group member sees.
    pub const GROUP: [Command; 5] = [
        Command::Report,
        Command::Check,
        Command::Status,
        Command::Stats,
        Command::Help,
    ];
    /// The menu a group's admins see.
    pub const ADMIN: [Command; 12] = [
        Command::Settings,
        Command::Mode,
        Command::Threshold,
        Command::Screenshots,
        Command::Trust,
        Command::Untrust,
        Command::Lang,
        Command::Report,
        Command::Check,
        Command::Status,
        Command::Stats,
        Command::Help,
    ];

    /// The command word, without the slash.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Command::Start => "start",
            Command::Help => "help",
            Command::Check => "check",
            Command::Reset => "reset",
            Command::Lang => "lang",
            Command::Privacy => "privacy",
            Command::Settings => "settings",
            Command::Mode => "mode",
            Command::Threshold => "threshold",
            Command::Screenshots => "screenshots",
            Command::Trust => "trust",
            Command::Untrust => "untrust",
            Command::Status => "status",
            Command::Stats => "stats",
            Command::Report => "report",
        }
    }

    /// Whether only a group's admins may use it in a group.
    #[must_use]
    pub fn admin_only(self) -> bool {
        matches!(
            self,
            Command::Settings
                | Command::Mode
                | Command::Threshold
                | Command::Screenshots
                | Command::Trust
                | Command::Untrust
                | Command::Lang
        )
    }
}

/// Parse `/name[@bot] [argument]`. `None` for text that is not one of our commands, and for
/// commands addressed to another bot. The argument is trimmed and keeps inner line breaks.
#[must_use]
pub fn parse<'a>(text: &'a str, bot_username: &str) -> Option<(Command, &'a str)> {
    let rest = text.strip_prefix('/')?;
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let (word, arg) = rest.split_at(end);
    let name = match word.split_once('@') {
        Some((name, to)) if to.eq_ignore_ascii_case(bot_username) => name,
        Some(_) => return None,
        None => word,
    };
    let cmd = Command::ALL
        .into_iter()
        .find(|c| c.name().eq_ignore_ascii_case(name))?;
    Some((cmd, arg.trim()))
}

/// The menu of `commands` in `lang`.
#[must_use]
pub fn menu(cat: &Catalog, lang: Lang, commands: &[Command]) -> Vec<BotCommand> {
    commands
        .iter()
        .map(|c| BotCommand::new(c.name(), cat.text(lang, &format!("cmd-{}", c.name()))))
        .collect()
}

/// Register the command menus (private chats, group members, group admins): English as the
/// default, Simplified Chinese for clients in Chinese. Telegram scopes menus by two-letter
/// language code only, so `zh` cannot tell Simplified from Traditional; Traditional Chinese
/// users see the Simplified menu (the bot's answers follow their own language choice).
pub async fn register<R>(bot: &R, cat: &Catalog, policy: &RetryPolicy) -> Result<(), RequestError>
where
    R: Requester<Err = RequestError>,
{
    let scopes: [(Option<BotCommandScope>, &[Command]); 3] = [
        (None, &Command::PRIVATE),
        (Some(BotCommandScope::AllGroupChats), &Command::GROUP),
        (
            Some(BotCommandScope::AllChatAdministrators),
            &Command::ADMIN,
        ),
    ];
    for (scope, commands) in scopes {
        for (lang, code) in [(Lang::En, None), (Lang::ZhCn, Some("zh"))] {
            let list = menu(cat, lang, commands);
            with_retry(policy, || {
                let mut req = bot.set_my_commands(list.clone());
                if let Some(s) = &scope {
                    req = req.scope(s.clone());
                }
                if let Some(c) = code {
                    req = req.language_code(c);
                }
                req.send()
            })
            .await
            .map_err(|(e, _)| e)?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
/// A command in a private chat.
pub(crate) async fn private<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    msg: &Message,
    incoming: &Incoming,
    update_id: u32,
    cmd: Command,
    arg: &str,
    lang: Lang,
    turn: Turn,
) {
    let chat = incoming.chat;
    let id = incoming.message_id;
    tracing::info!(update_id, chat = %app.chat_hash(chat), command = cmd.name(), "command");
    let cat = &app.catalog();
    if cmd == Command::Reset {
        turn.finish(|| {
            app.guard.reset(incoming.key());
            app.batcher.reset(chat);
        });
        reply(bot, app, chat, id, cat.text(lang, "reset-done")).await;
        return;
    }
    drop(turn);
    match cmd {
        Command::Start | Command::Help | Command::Privacy => {
            reply(bot, app, chat, id, cat.text(lang, cmd.name())).await;
        }
        Command::Lang => {
            let Some(new) = Lang::parse(arg) else {
                let text = lang_usage(app, lang);
                reply(bot, app, chat, id, text).await;
                return;
            };
            let user = incoming.sender.unwrap_or(chat);
            let now = Timestamp::now().0;
            if let Err(e) = blocking(&app.store, move |s| s.set_lang(user, new.code(), now)).await {
                store_failed!(e, update_id, "cannot store language choice");
            }
            tracing::info!(update_id, chat = %app.chat_hash(chat), lang = new.code(), "language chosen");
            reply(bot, app, chat, id, cat.text(new, "lang-set")).await;
        }
        Command::Check => check(bot, app, msg, incoming, update_id, arg, lang).await,
        Command::Reset => {}
        _ => reply(bot, app, chat, id, cat.text(lang, "group-only")).await,
    }
}

/// The `/lang` usage text, naming the current language.
pub(crate) fn lang_usage(app: &App, lang: Lang) -> String {
    let current = format!("{} ({})", lang.code(), lang_name(lang));
    app.catalog()
        .format(lang, "lang-usage", &[("current", Arg::from(current))])
}

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "English",
        Lang::ZhCn => "简体中文",
        Lang::ZhTw => "繁體中文",
    }
}

/// `/check TEXT`, or `/check` in reply to a message: scan it alone, outside the conversation,
/// and answer as [`crate::policy::check`] says.
pub(crate) async fn check<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    msg: &Message,
    incoming: &Incoming,
    update_id: u32,
    arg: &str,
    lang: Lang,
) {
    let chat = incoming.chat;
    let id = incoming.message_id;
    let target = if arg.is_empty() {
        msg.reply_to_message().and_then(transform)
    } else {
        let mut only = incoming.clone();
        only.text = arg.to_string();
        Some(only)
    };
    let Some(target) = target.filter(|t| !t.is_empty()) else {
        reply(bot, app, chat, id, app.catalog().text(lang, "check-usage")).await;
        return;
    };
    let scanned = target.scanned_text();
    let scan = app.guard.check(&scanned);
    let rule_ids = guard::rule_ids(&scan);
    tracing::info!(update_id, chat = %app.chat_hash(chat), rules = ?rule_ids, level = %scan.level, "check");
    let evidence = guard::evidence(&scanned, &scan);
    for action in policy::check(&scan) {
        match action {
            Action::Warn { level } => {
                let mut chain: Vec<_> = scan.findings.iter().map(|f| f.rule.stage).collect();
                chain.sort();
                chain.dedup();
                let view = WarningView {
                    level,
                    evidence: evidence.clone(),
                    chain,
                    family: None,
                };
                if incoming.kind == crate::guard::ChatKind::Private {
                    send_warning(bot, app, chat, id, lang, &view, &rule_ids, update_id, None).await;
                } else {
                    let text = render::group_warning(&app.catalog(), lang, level, &evidence);
                    send_once(bot, app, chat, id, "reply", text, true, None).await;
                }
            }
            Action::Advise => reply(bot, app, chat, id, render::advice(&app.catalog(), lang)).await,
            Action::Describe => {
                let text = render::report(&app.catalog(), lang, &scan.described);
                reply(bot, app, chat, id, text).await;
            }
            _ => {
                let text = render::check_result(&app.catalog(), lang, scan.level, &evidence);
                reply(bot, app, chat, id, text).await;
            }
        }
    }
}

/// A command in a group.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn group<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    msg: &Message,
    incoming: &Incoming,
    update_id: u32,
    cmd: Command,
    arg: &str,
    lang: Lang,
    me: &teloxide::types::Me,
) {
    let chat = incoming.chat;
    let id = incoming.message_id;
    let cat = &app.catalog();
    tracing::info!(update_id, chat = %app.chat_hash(chat), command = cmd.name(), "group command");
    if cmd.admin_only() {
        let admin = if super::admins::is_anonymous_admin(msg) {
            Some(true)
        } else {
            match incoming.sender {
                Some(user) if msg.sender_chat.is_none() => {
                    super::admins::is_admin(bot, app, chat, user).await
                }
                _ => Some(false),
            }
        };
        match admin {
            Some(true) => {}
            Some(false) => {
                tracing::info!(update_id, chat = %app.chat_hash(chat), command = cmd.name(), "refused: not an admin");
                reply(bot, app, chat, id, cat.text(lang, "not-admin")).await;
                return;
            }
            None => {
                reply(bot, app, chat, id, cat.text(lang, "admin-unverified")).await;
                return;
            }
        }
    }
    let mut settings = super::group::settings(app, chat).await;
    let word = |r: Response| cat.text(lang, &format!("resp-{}", r.as_str()));
    let level = |l: Level| render::level_name(cat, lang, l);
    match cmd {
        Command::Start | Command::Help | Command::Privacy | Command::Reset => {
            reply(bot, app, chat, id, cat.text(lang, "group-help")).await;
        }
        Command::Check => check(bot, app, msg, incoming, update_id, arg, lang).await,
        Command::Settings => {
            let keyboard = super::feedback::settings_keyboard(app, lang, &settings);
            let text = cat.text(lang, "settings-title");
            send_once(bot, app, chat, id, "reply", text, true, Some(keyboard)).await;
        }
        Command::Mode => {
            let args = |s: &GroupSettings| {
                [
                    ("mode", Arg::from(word(s.mode()))),
                    ("threshold", Arg::from(level(s.threshold))),
                ]
            };
            let Some(mode) = Response::parse(arg) else {
                reply(
                    bot,
                    app,
                    chat,
                    id,
                    cat.format(lang, "mode-usage", &args(&settings)),
                )
                .await;
                return;
            };
            settings.set_mode(mode);
            if save(app, chat, &settings, update_id).await {
                reply(
                    bot,
                    app,
                    chat,
                    id,
                    cat.format(lang, "mode-set", &args(&settings)),
                )
                .await;
            }
        }
        Command::Threshold => {
            let parsed = Level::parse(&arg.to_ascii_lowercase());
            if !parsed.is_some_and(|l| settings.set_threshold(l)) {
                let text = cat.format(
                    lang,
                    "threshold-usage",
                    &[("threshold", Arg::from(level(settings.threshold)))],
                );
                reply(bot, app, chat, id, text).await;
                return;
            }
            if save(app, chat, &settings, update_id).await {
                let text = cat.format(
                    lang,
                    "threshold-set",
                    &[
                        ("mode", Arg::from(word(settings.mode()))),
                        ("threshold", Arg::from(level(settings.threshold))),
                    ],
                );
                reply(bot, app, chat, id, text).await;
            }
        }
        Command::Screenshots => {
            let state = |on: bool| {
                Arg::from(cat.text(
                    lang,
                    if on {
                        "screenshots-on"
                    } else {
                        "screenshots-off"
                    },
                ))
            };
            let on = match arg.trim().to_ascii_lowercase().as_str() {
                "on" => true,
                "off" => false,
                _ => {
                    let text = cat.format(
                        lang,
                        "screenshots-usage",
                        &[("state", state(settings.screenshots))],
                    );
                    reply(bot, app, chat, id, text).await;
                    return;
                }
            };
            settings.screenshots = on;
            if save(app, chat, &settings, update_id).await {
                let text = cat.format(lang, "screenshots-set", &[("state", state(on))]);
                reply(bot, app, chat, id, text).await;
            }
        }
        Command::Lang => {
            let Some(new) = Lang::parse(arg) else {
                reply(bot, app, chat, id, lang_usage(app, lang)).await;
                return;
            };
            settings.lang = Some(new.code().to_string());
            if save(app, chat, &settings, update_id).await {
                reply(bot, app, chat, id, cat.text(new, "lang-set")).await;
            }
        }
        Command::Trust | Command::Untrust => {
            let trusted = cmd == Command::Trust;
            let target = msg
                .reply_to_message()
                .and_then(|m| {
                    m.sender_chat
                        .as_ref()
                        .map(|c| c.id.0)
                        .or_else(|| m.from.as_ref().and_then(|u| i64::try_from(u.id.0).ok()))
                })
                .or_else(|| arg.parse::<i64>().ok());
            let Some(user) = target else {
                reply(bot, app, chat, id, cat.text(lang, "trust-usage")).await;
                return;
            };
            let now = Timestamp::now().0;
            let changed =
                blocking(&app.store, move |s| s.set_trusted(chat, user, trusted, now)).await;
            let key = match changed {
                Ok(true) if trusted => "trust-done",
                Ok(true) => "untrust-done",
                Ok(false) => "trust-unchanged",
                Err(e) => {
                    store_failed!(e, update_id, "cannot store trust");
                    return;
                }
            };
            tracing::info!(update_id, chat = %app.chat_hash(chat), member = %app.chat_hash(user), trusted, "trust changed");
            reply(bot, app, chat, id, cat.text(lang, key)).await;
        }
        Command::Status => {
            let rights = own_rights(bot, app, chat, me).await;
            let trusted = blocking(&app.store, move |s| s.trusted_count(chat))
                .await
                .unwrap_or(0);
            let yes_no = |b: bool| cat.text(lang, if b { "word-yes" } else { "word-no" });
            let on = |b: bool| cat.text(lang, if b { "word-on" } else { "word-off" });
            let rules = app.guard.engine().rules().len() as u64;
            let text = cat.format(
                lang,
                "group-status",
                &[
                    ("warning", Arg::from(word(settings.on_warning))),
                    ("danger", Arg::from(word(settings.on_danger))),
                    ("minutes", Arg::from(settings.mute_minutes)),
                    ("dry", Arg::from(on(settings.dry_run))),
                    ("notify", Arg::from(on(settings.notify_admins))),
                    ("days", Arg::from(settings.newcomer_days)),
                    ("messages", Arg::from(settings.newcomer_messages)),
                    (
                        "trusted",
                        Arg::from(i64::try_from(trusted).unwrap_or(i64::MAX)),
                    ),
                    ("delete", Arg::from(yes_no(rights.delete))),
                    ("restrict", Arg::from(yes_no(rights.restrict))),
                    ("rules", Arg::from(i64::try_from(rules).unwrap_or(i64::MAX))),
                ],
            );
            reply(bot, app, chat, id, text).await;
        }
        Command::Stats => {
            let counters = blocking(&app.store, move |s| s.counters(chat))
                .await
                .unwrap_or_default();
            let args: Vec<(&str, Arg)> = counters
                .iter()
                .map(|(c, v)| (c.as_str(), Arg::from(i64::try_from(*v).unwrap_or(i64::MAX))))
                .collect();
            reply(bot, app, chat, id, cat.format(lang, "group-stats", &args)).await;
        }
        Command::Report => report(bot, app, msg, incoming, update_id, lang, &settings, me).await,
    }
}

/// Store the group's settings; `false` (logged) when that failed.
async fn save(app: &App, chat: i64, settings: &GroupSettings, update_id: u32) -> bool {
    let s = settings.clone();
    let now = Timestamp::now().0;
    match blocking(&app.store, move |st| st.set_group_settings(chat, &s, now)).await {
        Ok(()) => {
            tracing::info!(
                update_id,
                chat = %app.chat_hash(chat),
                on_warning = settings.on_warning.as_str(),
                on_danger = settings.on_danger.as_str(),
                threshold = %settings.threshold,
                "group settings changed"
            );
            true
        }
        Err(e) => {
            store_failed!(e, update_id, "cannot store group settings");
            false
        }
    }
}

/// The bot's rights in `chat`, asked from Telegram (and remembered); as last seen on failure.
async fn own_rights<R: TgBot>(bot: &R, app: &App, chat: i64, me: &teloxide::types::Me) -> Rights {
    match with_retry(&app.retry, || {
        bot.get_chat_member(teloxide::types::ChatId(chat), me.id)
            .send()
    })
    .await
    {
        Ok(m) => {
            let r = Rights::of(&m.kind);
            app.rights.insert(chat, r);
            r
        }
        Err(_) => app.rights(chat),
    }
}

/// `/report` in reply to a message: a re-check with the group's settings and a note to the
/// admins; rate-limited per member.
#[allow(clippy::too_many_arguments)]
async fn report<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    msg: &Message,
    incoming: &Incoming,
    update_id: u32,
    lang: Lang,
    settings: &GroupSettings,
    me: &teloxide::types::Me,
) {
    let chat = incoming.chat;
    let id = incoming.message_id;
    let cat = &app.catalog();
    let Some(reported) = msg.reply_to_message() else {
        reply(bot, app, chat, id, cat.text(lang, "report-usage")).await;
        return;
    };
    let Some(target_msg) = transform(reported).filter(|t| !t.is_empty()) else {
        reply(bot, app, chat, id, cat.text(lang, "report-usage")).await;
        return;
    };
    let reporter = incoming.sender.unwrap_or(chat);
    if !app.may_report(chat, reporter, tokio::time::Instant::now()) {
        tracing::info!(update_id, chat = %app.chat_hash(chat), "report rate-limited");
        reply(bot, app, chat, id, cat.text(lang, "report-limited")).await;
        return;
    }
    let _ = blocking(&app.store, move |s| s.bump(chat, Counter::Reports, 1)).await;
    let now = Timestamp::now();
    let scanned = target_msg.scanned_text();
    let (scan, assessment) = super::group::assess_alone(app, &scanned, now);
    let sender = target_msg.sender.unwrap_or(chat);
    let record = blocking(&app.store, move |s| s.member(chat, sender))
        .await
        .unwrap_or_default();
    let mut role = if record.trusted {
        Role::Trusted
    } else {
        Role::Member
    };
    let channel = reported.sender_chat.is_some();
    if reported.is_automatic_forward()
        || super::admins::is_anonymous_admin(reported)
        || reported.from.as_ref().is_some_and(|u| u.id == me.id)
        || (!channel && super::admins::is_admin(bot, app, chat, sender).await == Some(true))
    {
        role = Role::Admin;
    }
    let standing = Standing {
        role,
        joined_at: record.joined_at.map(Timestamp),
        messages: record.messages,
        campaign: false,
    };
    let decision = policy::report(&assessment, settings, &standing, now);
    let rule_ids = guard::rule_ids(&scan);
    tracing::info!(
        update_id,
        chat = %app.chat_hash(chat),
        rules = ?rule_ids,
        level = %decision.level,
        actions = ?decision.actions.iter().map(|a| a.name()).collect::<Vec<_>>(),
        "report checked"
    );
    let evidence = guard::evidence(&scanned, &scan);
    let target = super::group::Target {
        chat,
        title: msg.chat.title().unwrap_or_default().to_string(),
        message_id: target_msg.message_id,
        sender,
        channel,
    };
    super::group::execute(
        bot, app, &target, lang, settings, &decision, &evidence, &rule_ids, update_id,
    )
    .await;
    let acted = decision.acts();
    let text = if acted {
        cat.format(
            lang,
            "report-acted",
            &[(
                "level",
                Arg::from(render::level_name(cat, lang, decision.level)),
            )],
        )
    } else {
        cat.text(lang, "report-clean")
    };
    reply(bot, app, chat, id, text).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands() {
        assert_eq!(parse("/start", "bot"), Some((Command::Start, "")));
        assert_eq!(parse("/START", "bot"), Some((Command::Start, "")));
        assert_eq!(parse("/help@Bot", "bot"), Some((Command::Help, "")));
        assert_eq!(parse("/help@other", "bot"), None);
        assert_eq!(
            parse("/check  请转账\n验证 ", "bot"),
            Some((Command::Check, "请转账\n验证"))
        );
        assert_eq!(parse("/lang zh-TW", "bot"), Some((Command::Lang, "zh-TW")));
        assert_eq!(parse("/check\nline", "bot"), Some((Command::Check, "line")));
        assert_eq!(parse("/mode@bot ban", "bot"), Some((Command::Mode, "ban")));
        assert_eq!(parse("/unknown x", "bot"), None);
        assert_eq!(parse("start", "bot"), None);
        assert_eq!(parse(" /start", "bot"), None);
        assert_eq!(parse("/", "bot"), None);
        assert_eq!(parse("/@", "bot"), None);
    }

    #[test]
    fn menus_in_every_language() {
        let cat = Catalog::embedded().unwrap();
        for lang in Lang::ALL {
            for list in [&Command::PRIVATE[..], &Command::GROUP, &Command::ADMIN] {
                let m = menu(&cat, lang, list);
                assert_eq!(m.len(), list.len());
                assert!(m.iter().all(|c| !c.description.is_empty()));
            }
        }
    }

    #[test]
    fn only_settings_commands_are_for_admins() {
        let admin: Vec<_> = Command::ALL
            .into_iter()
            .filter(|c| c.admin_only())
            .collect();
        assert_eq!(
            admin,
            vec![
                Command::Lang,
                Command::Settings,
                Command::Mode,
                Command::Threshold,
                Command::Screenshots,
                Command::Trust,
                Command::Untrust
            ]
        );
    }
}
