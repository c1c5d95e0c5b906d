//! Private chats: a person forwards or pastes messages; each goes through the conversation,
//! and [`crate::policy::private`] says whether it is answered with a warning at once or joins
//! the calm answer of its burst.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::{ChatId, InlineKeyboardButton, InlineKeyboardMarkup, Me, Message};

use super::batch::Role;
use super::commands;
use super::handlers::{App, TgBot, Turn, begin, chat_lang, mark, reply, send_once};
use super::listener::InHand;
use super::photos::Screenshot;
use super::render::{self, WarningView};
use super::send::{Once, blocking};
use super::transform::is_forwarded;
use crate::conversation::Timestamp;
use crate::guard::Incoming;
use crate::i18n::Lang;
use crate::policy::{self, Action};
use crate::store::Verdict;

/// A message in a private chat.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn message<R: TgBot>(
    bot: R,
    msg: Message,
    incoming: Incoming,
    screenshot: Screenshot,
    update_id: u32,
    me: Me,
    app: Arc<App>,
    turn: Turn,
    in_hand: InHand,
) {
    let chat = incoming.chat;
    let user = incoming.sender.unwrap_or(chat);
    if !begin(&app, update_id).await {
        return;
    }
    let lang = chat_lang(
        &app,
        user,
        incoming.language_code.as_deref(),
        &incoming.text,
        update_id,
    )
    .await;

    if !is_forwarded(&msg)
        && let Some((cmd, arg)) = commands::parse(&incoming.text, me.username())
    {
        commands::private(&bot, &app, &msg, &incoming, update_id, cmd, arg, lang, turn).await;
        mark(&app, update_id).await;
        return;
    }
    let note = match &screenshot {
        Screenshot::Read(read) if !read.is_empty() => {
            let read = read.clone();
            screenshot_answer(&bot, &app, &incoming, &read, update_id, lang, turn).await;
            mark(&app, update_id).await;
            return;
        }
        Screenshot::Read(_) => Some(("screenshot-nothing", None)),
        Screenshot::Off => Some(("screenshot-off", None)),
        Screenshot::Busy => Some(("screenshot-busy", None)),
        Screenshot::Failed => Some(("screenshot-failed", None)),
        Screenshot::Limited { notify: true } => {
            Some(("screenshot-limit", Some(app.decoders.ocr_per_minute)))
        }
        Screenshot::Limited { notify: false } | Screenshot::NotAsked => None,
    };
    // An image whose text was not read: say why, unless its caption or QR code is judged
    // instead (the limit is said in any case, once a minute).
    if let Some((key, count)) = note
        && (incoming.is_empty() || count.is_some())
    {
        let cat = app.catalog();
        let text = match count {
            Some(n) => cat.format(lang, key, &[("count", crate::i18n::Arg::from(n as i64))]),
            None => cat.text(lang, key),
        };
        reply(&bot, &app, chat, incoming.message_id, text).await;
        tracing::info!(update_id, chat = %app.chat_hash(chat), answer = key, "image answered");
    }
    if incoming.is_empty() {
        drop(turn);
        mark(&app, update_id).await;
        return;
    }

    let (outcome, actions, role) = turn.finish(|| {
        let outcome = app.guard.handle(&incoming, Timestamp::now());
        let actions = policy::private(&outcome.assessment);
        let a = &outcome.assessment;
        // Advice and reports get their own answer at once: no calm answer for their burst.
        let warn = actions
            .iter()
            .any(|x| matches!(x, Action::Warn { .. } | Action::Advise | Action::Describe));
        let role = app.batcher.note(
            chat,
            incoming.message_id,
            lang,
            a.level,
            &a.chain,
            warn,
            tokio::time::Instant::now(),
        );
        (outcome, actions, role)
    });

    let rule_ids = outcome.rule_ids();
    let a = &outcome.assessment;
    tracing::info!(
        update_id,
        chat = %app.chat_hash(chat),
        rules = ?rule_ids,
        message_level = %a.message_level,
        level = %a.level,
        genre = a.genre.as_str(),
        actions = ?actions.iter().map(|x| x.name()).collect::<Vec<_>>(),
        "message assessed"
    );

    for action in &actions {
        let answer = match *action {
            Action::Advise => Some(("advise", render::advice(&app.catalog(), lang))),
            Action::Describe => Some((
                "describe",
                render::report(&app.catalog(), lang, &outcome.scan.described),
            )),
            _ => None,
        };
        if let Some((kind, text)) = answer {
            if send_once(
                &bot,
                &app,
                chat,
                incoming.message_id,
                kind,
                text,
                true,
                None,
            )
            .await
            .is_some()
            {
                crate::metrics::action(kind, "done");
                tracing::info!(update_id, chat = %app.chat_hash(chat), genre = a.genre.as_str(), "answered as {kind}");
            }
            continue;
        }
        if let Action::Warn { level } = *action {
            let view = WarningView {
                level,
                evidence: outcome.evidence(),
                chain: a.chain.clone(),
                family: render::lead_family(&a.families),
            };
            send_warning(
                &bot,
                &app,
                chat,
                incoming.message_id,
                lang,
                &view,
                &rule_ids,
                update_id,
                None,
            )
            .await;
        }
    }
    // The message is handled; the calm answer of its burst is owed to the chat, not to this
    // update: let the update be confirmed while the burst runs on.
    mark(&app, update_id).await;
    drop(in_hand);
    if let Role::Waiter(id) = role
        && let Some(calm) = app.batcher.wait(chat, id).await
    {
        let text = render::calm(
            &app.catalog(),
            calm.lang,
            calm.count,
            calm.level,
            &calm.chain,
        );
        if let Some(_slot) = app.inflight(chat) {
            let sent = Once::new(&app.store, chat, calm.last_message, "calm")
                .once(&app.retry, &app.token, || {
                    bot.send_message(ChatId(chat), text.clone()).send()
                })
                .await;
            if sent.is_some() {
                crate::metrics::action("calm", "done");
                tracing::info!(update_id, chat = %app.chat_hash(chat), count = calm.count, level = %calm.level, "calm answer sent");
            }
        }
    }
}

/// A screenshot's messages go through the conversation one by one, as if forwarded, and the
/// image gets one answer ([`policy::screenshot`]) that says how many messages were read.
async fn screenshot_answer<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    incoming: &Incoming,
    read: &[String],
    update_id: u32,
    lang: Lang,
    turn: Turn,
) {
    let chat = incoming.chat;
    let messages = crate::guard::screenshot_messages(incoming, read);
    let outcomes = turn.finish(|| {
        messages
            .iter()
            .filter(|m| !m.is_empty())
            .map(|m| app.guard.handle(m, Timestamp::now()))
            .collect::<Vec<_>>()
    });
    let per_message: Vec<Vec<Action>> = outcomes
        .iter()
        .map(|o| policy::private(&o.assessment))
        .collect();
    let Some((answer, from)) = policy::screenshot(&per_message) else {
        return;
    };
    let mut rule_ids: Vec<String> = Vec::new();
    for o in &outcomes {
        for id in o.rule_ids() {
            if !rule_ids.contains(&id) {
                rule_ids.push(id);
            }
        }
    }
    let Some(last) = outcomes.last() else { return };
    let a = &last.assessment;
    tracing::info!(
        update_id,
        chat = %app.chat_hash(chat),
        messages = read.len(),
        rules = ?rule_ids,
        level = %a.level,
        answer = answer.name(),
        "screenshot assessed"
    );
    let cat = app.catalog();
    let preface = cat.format(
        lang,
        "screenshot-read",
        &[("count", crate::i18n::Arg::from(read.len() as i64))],
    );
    let text = match answer {
        Action::Warn { level } => {
            let mut evidence = Vec::new();
            for &i in &from {
                for e in outcomes[i].evidence() {
                    if !evidence.contains(&e) {
                        evidence.push(e);
                    }
                }
            }
            let view = WarningView {
                level,
                evidence,
                chain: a.chain.clone(),
                family: render::lead_family(&a.families),
            };
            send_warning(
                bot,
                app,
                chat,
                incoming.message_id,
                lang,
                &view,
                &rule_ids,
                update_id,
                Some(&preface),
            )
            .await;
            return;
        }
        Action::Advise => render::advice(&cat, lang),
        Action::Describe => {
            let described = from
                .first()
                .map(|&i| outcomes[i].scan.described.clone())
                .unwrap_or_default();
            render::report(&cat, lang, &described)
        }
        _ => render::calm(&cat, lang, read.len() as u32, a.level, &a.chain),
    };
    let kind = match answer {
        Action::Advise => "advise",
        Action::Describe => "describe",
        _ => "calm",
    };
    if send_once(
        bot,
        app,
        chat,
        incoming.message_id,
        kind,
        format!("{preface}\n\n{text}"),
        true,
        None,
    )
    .await
    .is_some()
    {
        crate::metrics::action(kind, "done");
    }
}

/// Send a warning with feedback buttons as a reply to `reply_to`, once, with a `preface`
/// line above it when given.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn send_warning<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    chat: i64,
    reply_to: i32,
    lang: Lang,
    view: &WarningView,
    rule_ids: &[String],
    update_id: u32,
    preface: Option<&str>,
) {
    let Some(_slot) = app.inflight(chat) else {
        tracing::warn!(update_id, chat = %app.chat_hash(chat), "too many replies in flight: warning dropped");
        return;
    };
    let once = Once::new(&app.store, chat, reply_to, "warn");
    if !once.begin().await {
        return;
    }
    let ids = rule_ids.to_vec();
    let level = view.level.as_str();
    let now = Timestamp::now().0;
    let warning_id = blocking(&app.store, move |s| {
        s.record_warning(chat, &ids, level, now)
    })
    .await
    .unwrap_or_else(|e| {
        store_failed!(e, update_id, "cannot record warning");
        0
    });
    let mut text = render::warning(&app.catalog(), lang, view);
    if let Some(p) = preface {
        text = format!("{p}\n\n{text}");
    }
    let keyboard = InlineKeyboardMarkup::new(vec![vec![
        InlineKeyboardButton::callback(
            app.catalog().text(lang, "fb-scam"),
            format!("fb:{}:{warning_id}", Verdict::Scam.as_str()),
        ),
        InlineKeyboardButton::callback(
            app.catalog().text(lang, "fb-ok"),
            format!("fb:{}:{warning_id}", Verdict::NotScam.as_str()),
        ),
    ]]);
    let sent = once
        .run(&app.retry, &app.token, || {
            bot.send_message(ChatId(chat), text.clone())
                .reply_parameters(
                    teloxide::types::ReplyParameters::new(teloxide::types::MessageId(reply_to))
                        .allow_sending_without_reply(),
                )
                .reply_markup(keyboard.clone())
                .send()
        })
        .await;
    if sent.is_some() {
        crate::metrics::warning(view.level, "private");
        crate::metrics::action("warn", "done");
        tracing::info!(
            update_id,
            chat = %app.chat_hash(chat),
            warning_id,
            rules = ?rule_ids,
            level = %view.level,
            "warning sent"
        );
    }
}
