//! The handler tree and what each update does.
//!
//! Every update is handled in a task of its own, so a panic anywhere in its handling is
//! contained and logged (the dispatcher would otherwise stop). Updates of one chat are ordered
//! by a striped lock taken before anything else and held until the conversation has seen the
//! message; replies are sent after it is released.

use std::sync::Arc;
use std::time::Duration;

use dashmap::DashMap;
use teloxide::RequestError;
use teloxide::dispatching::{UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::{
    CallbackQuery, ChatId, InlineKeyboardButton, InlineKeyboardMarkup, Me, Message, MessageId,
    ReplyParameters, Update,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::batch::{Batcher, Role};
use super::commands::{self, Command};
use super::listener::{InHand, Ledger};
use super::render::{self, WarningView};
use super::send::{Action, RetryPolicy, blocking, with_retry};
use super::transform::{is_forwarded, transform};
use crate::conversation::Timestamp;
use crate::engine::Level;
use crate::guard::{self, ChatKind, Guard, Incoming};
use crate::i18n::{Arg, Catalog, Lang};
use crate::store::{FeedbackOutcome, Store, UpdateState, Verdict};

/// Error type of the handler tree (handlers log their own errors and return `Ok`).
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;
/// Result of a handler.
pub type HandlerResult = Result<(), HandlerError>;

const STRIPES: usize = 64;
/// Replies in flight per chat beyond which further replies to that chat are dropped: a user
/// flooding the bot cannot make it queue work without bound.
pub const MAX_INFLIGHT_PER_CHAT: u32 = 16;

/// Everything the handlers need.
pub struct App {
    /// Engine and conversations.
    pub guard: Guard,
    /// Messages.
    pub catalog: Catalog,
    /// Persistent state.
    pub store: Arc<dyn Store>,
    /// Calm answers.
    pub batcher: Batcher,
    /// Bot API retries.
    pub retry: RetryPolicy,
    /// The bot token, only to redact it from error messages.
    token: String,
    /// Updates in hand, when the bot polls with [`super::listener::Listener`].
    ledger: Option<Arc<Ledger>>,
    stripes: Vec<Arc<Mutex<()>>>,
    inflight: DashMap<i64, u32>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("guard", &self.guard)
            .field("batcher", &self.batcher)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Build the handlers' state.
    #[must_use]
    pub fn new(
        guard: Guard,
        catalog: Catalog,
        store: Arc<dyn Store>,
        batch_delay: Duration,
    ) -> Arc<App> {
        Arc::new(App {
            guard,
            catalog,
            store,
            batcher: Batcher::new(batch_delay),
            retry: RetryPolicy::default(),
            token: String::new(),
            ledger: None,
            stripes: (0..STRIPES).map(|_| Arc::new(Mutex::new(()))).collect(),
            inflight: DashMap::new(),
        })
    }

    /// The same, with a retry policy, the token to redact from logs, and the ledger of the
    /// polling listener. Call before the state is shared.
    #[must_use]
    pub fn with_options(
        mut self: Arc<Self>,
        retry: RetryPolicy,
        token: &str,
        ledger: Option<Arc<Ledger>>,
    ) -> Arc<App> {
        if let Some(app) = Arc::get_mut(&mut self) {
            app.retry = retry;
            app.token = token.to_string();
            app.ledger = ledger;
        }
        self
    }

    fn stripe(&self, chat: i64) -> Arc<Mutex<()>> {
        self.stripes[chat.unsigned_abs() as usize % STRIPES].clone()
    }

    fn chat_hash(&self, chat: i64) -> String {
        self.store.chat_hash(chat)
    }

    /// Count a reply in flight to `chat`; `None` when the chat has too many already.
    fn inflight(self: &Arc<Self>, chat: i64) -> Option<Inflight> {
        let mut n = self.inflight.entry(chat).or_insert(0);
        if *n >= MAX_INFLIGHT_PER_CHAT {
            return None;
        }
        *n += 1;
        Some(Inflight {
            app: self.clone(),
            chat,
        })
    }
}

/// A reply in flight; dropping it releases the slot.
struct Inflight {
    app: Arc<App>,
    chat: i64,
}

impl Drop for Inflight {
    fn drop(&mut self) {
        self.app.inflight.remove_if_mut(&self.chat, |_, n| {
            *n = n.saturating_sub(1);
            *n == 0
        });
    }
}

/// Bound of the bot types the handlers work with (`Bot`, `Throttle<Bot>`).
pub trait TgBot: Requester<Err = RequestError> + Clone + Send + Sync + 'static {}
impl<R: Requester<Err = RequestError> + Clone + Send + Sync + 'static> TgBot for R {}

/// How updates are spread over the dispatcher's workers: all concurrently (`None`), so a
/// handler waiting for the end of a burst does not hold up the chat's next message; per-chat
/// order comes from the handlers' own lock.
#[must_use]
pub fn distribution(_: &Update) -> Option<()> {
    None
}

/// The handler tree.
#[must_use]
pub fn schema<R: TgBot>() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(on_message::<R>))
        .branch(Update::filter_callback_query().endpoint(on_callback::<R>))
}

async fn on_message<R: TgBot>(
    bot: R,
    msg: Message,
    update: Update,
    me: Me,
    app: Arc<App>,
) -> HandlerResult {
    let update_id = update.id.0;
    let in_hand = InHand::new(app.ledger.clone(), update_id);
    let lock = app.stripe(msg.chat.id.0).lock_owned().await;
    let username = me.username().to_string();
    let task = tokio::spawn(message(bot, msg, update_id, username, app, lock, in_hand));
    if let Err(e) = task.await {
        tracing::error!(update_id, panicked = e.is_panic(), "message handler failed");
    }
    Ok(())
}

async fn on_callback<R: TgBot>(
    bot: R,
    q: CallbackQuery,
    update: Update,
    app: Arc<App>,
) -> HandlerResult {
    let update_id = update.id.0;
    let _in_hand = InHand::new(app.ledger.clone(), update_id);
    let task = tokio::spawn(callback(bot, q, update_id, app));
    if let Err(e) = task.await {
        tracing::error!(
            update_id,
            panicked = e.is_panic(),
            "callback handler failed"
        );
    }
    Ok(())
}

/// Attempts at an update after which it is skipped: an update that kills the process every
/// time must not stop the bot for good.
pub const MAX_ATTEMPTS: u32 = 3;

/// Whether to handle an update in `state`; logs why not.
fn should_handle(update_id: u32, state: UpdateState) -> bool {
    match state {
        UpdateState::Done => {
            tracing::info!(update_id, "update already handled: skipped");
            false
        }
        UpdateState::Attempt(n) if n > MAX_ATTEMPTS => {
            tracing::error!(update_id, attempts = n, "update failed repeatedly: skipped");
            false
        }
        UpdateState::Attempt(n) => {
            if n > 1 {
                tracing::warn!(
                    update_id,
                    attempt = n,
                    "handling an update again after a restart"
                );
            }
            true
        }
    }
}

/// Mark `update_id` fully handled.
async fn mark(app: &App, update_id: u32) {
    let now = Timestamp::now().0;
    if let Err(e) = blocking(&app.store, move |s| s.mark_update(update_id, now)).await {
        tracing::error!(update_id, error = %e, "cannot mark update handled");
    }
}

async fn message<R: TgBot>(
    bot: R,
    msg: Message,
    update_id: u32,
    username: String,
    app: Arc<App>,
    lock: OwnedMutexGuard<()>,
    in_hand: InHand,
) {
    let Some(incoming) = transform(&msg) else {
        return;
    };
    if incoming.kind != ChatKind::Private {
        // Groups are moderated by a later part of the bot; ignore them quietly.
        tracing::debug!(update_id, "group message ignored");
        return;
    }
    let chat = incoming.chat;
    let user = incoming.sender.unwrap_or(chat);
    let now = Timestamp::now().0;
    let pre = blocking(&app.store, move |s| {
        Ok((s.begin_update(update_id, now)?, s.lang(user)?))
    })
    .await;
    let (state, stored) = pre.unwrap_or_else(|e| {
        tracing::error!(update_id, error = %e, "store unavailable");
        (UpdateState::Attempt(1), None)
    });
    if !should_handle(update_id, state) {
        mark(&app, update_id).await;
        return;
    }
    let stored = stored.as_deref().and_then(Lang::parse);
    let lang = Lang::choose(stored, incoming.language_code.as_deref(), &incoming.text);

    if !is_forwarded(&msg)
        && let Some((cmd, arg)) = commands::parse(&incoming.text, &username)
    {
        command(&bot, &app, &msg, &incoming, update_id, cmd, arg, lang, lock).await;
        mark(&app, update_id).await;
        return;
    }
    if incoming.is_empty() {
        drop(lock);
        mark(&app, update_id).await;
        return;
    }

    let outcome = app.guard.handle(&incoming, Timestamp::now());
    let warn = outcome.should_warn();
    let a = &outcome.assessment;
    let role = app.batcher.note(
        chat,
        incoming.message_id,
        lang,
        a.level,
        &a.chain,
        warn,
        tokio::time::Instant::now(),
    );
    drop(lock);

    let rule_ids = outcome.rule_ids();
    tracing::info!(
        update_id,
        chat = %app.chat_hash(chat),
        rules = ?rule_ids,
        message_level = %a.message_level,
        level = %a.level,
        warn,
        "message assessed"
    );

    if warn {
        let view = WarningView {
            level: outcome.warning_level(),
            evidence: outcome.evidence(),
            chain: a.chain.clone(),
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
        )
        .await;
    }
    // The message is handled; the calm answer of its burst is owed to the chat, not to this
    // update: let the update be confirmed while the burst runs on.
    mark(&app, update_id).await;
    drop(in_hand);
    if let Role::Waiter(id) = role
        && let Some(calm) = app.batcher.wait(chat, id).await
    {
        let text = render::calm(&app.catalog, calm.lang, calm.count, calm.level, &calm.chain);
        if let Some(_slot) = app.inflight(chat) {
            let sent = Action::new(&app.store, chat, calm.last_message, "calm")
                .once(&app.retry, &app.token, || {
                    bot.send_message(ChatId(chat), text.clone()).send()
                })
                .await;
            if sent.is_some() {
                tracing::info!(update_id, chat = %app.chat_hash(chat), count = calm.count, level = %calm.level, "calm answer sent");
            }
        }
    }
}

/// Send a warning with feedback buttons as a reply to `reply_to`, once.
#[allow(clippy::too_many_arguments)]
async fn send_warning<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    chat: i64,
    reply_to: i32,
    lang: Lang,
    view: &WarningView,
    rule_ids: &[String],
    update_id: u32,
) {
    let Some(_slot) = app.inflight(chat) else {
        tracing::warn!(update_id, chat = %app.chat_hash(chat), "too many replies in flight: warning dropped");
        return;
    };
    let action = Action::new(&app.store, chat, reply_to, "warn");
    if !action.begin().await {
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
        tracing::error!(update_id, error = %e, "cannot record warning");
        0
    });
    let text = render::warning(&app.catalog, lang, view);
    let keyboard = InlineKeyboardMarkup::new(vec![vec![
        InlineKeyboardButton::callback(
            app.catalog.text(lang, "fb-scam"),
            format!("fb:{}:{warning_id}", Verdict::Scam.as_str()),
        ),
        InlineKeyboardButton::callback(
            app.catalog.text(lang, "fb-ok"),
            format!("fb:{}:{warning_id}", Verdict::NotScam.as_str()),
        ),
    ]]);
    let sent = action
        .run(&app.retry, &app.token, || {
            bot.send_message(ChatId(chat), text.clone())
                .reply_parameters(
                    ReplyParameters::new(MessageId(reply_to)).allow_sending_without_reply(),
                )
                .reply_markup(keyboard.clone())
                .send()
        })
        .await;
    if sent.is_some() {
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

/// Send a plain reply to a command, once.
async fn reply<R: TgBot>(bot: &R, app: &Arc<App>, chat: i64, to: i32, text: String) {
    let Some(_slot) = app.inflight(chat) else {
        return;
    };
    Action::new(&app.store, chat, to, "reply")
        .once(&app.retry, &app.token, || {
            bot.send_message(ChatId(chat), text.clone()).send()
        })
        .await;
}

#[allow(clippy::too_many_arguments)]
async fn command<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    msg: &Message,
    incoming: &Incoming,
    update_id: u32,
    cmd: Command,
    arg: &str,
    lang: Lang,
    lock: OwnedMutexGuard<()>,
) {
    let chat = incoming.chat;
    let id = incoming.message_id;
    tracing::info!(update_id, chat = %app.chat_hash(chat), command = cmd.name(), "command");
    let cat = &app.catalog;
    match cmd {
        Command::Start | Command::Help | Command::Privacy => {
            drop(lock);
            reply(bot, app, chat, id, cat.text(lang, cmd.name())).await;
        }
        Command::Reset => {
            app.guard.reset(incoming.key());
            app.batcher.reset(chat);
            drop(lock);
            reply(bot, app, chat, id, cat.text(lang, "reset-done")).await;
        }
        Command::Lang => {
            let Some(new) = Lang::parse(arg) else {
                drop(lock);
                let current = format!("{} ({})", lang.code(), lang_name(lang));
                let text = cat.format(lang, "lang-usage", &[("current", Arg::from(current))]);
                reply(bot, app, chat, id, text).await;
                return;
            };
            let user = incoming.sender.unwrap_or(chat);
            let now = Timestamp::now().0;
            if let Err(e) = blocking(&app.store, move |s| s.set_lang(user, new.code(), now)).await {
                tracing::error!(update_id, error = %e, "cannot store language choice");
            }
            drop(lock);
            tracing::info!(update_id, chat = %app.chat_hash(chat), lang = new.code(), "language chosen");
            reply(bot, app, chat, id, cat.text(new, "lang-set")).await;
        }
        Command::Check => {
            drop(lock);
            check(bot, app, msg, incoming, update_id, arg, lang).await;
        }
    }
}

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "English",
        Lang::ZhCn => "简体中文",
        Lang::ZhTw => "繁體中文",
    }
}

/// `/check TEXT`, or `/check` in reply to a message: scan it alone, outside the conversation.
async fn check<R: TgBot>(
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
        reply(bot, app, chat, id, app.catalog.text(lang, "check-usage")).await;
        return;
    };
    let scanned = target.scanned_text();
    let scan = app.guard.check(&scanned);
    let rule_ids = guard::rule_ids(&scan);
    tracing::info!(update_id, chat = %app.chat_hash(chat), rules = ?rule_ids, level = %scan.level, "check");
    let evidence = guard::evidence(&scanned, &scan);
    if scan.has_trigger() || scan.level >= Level::Warning {
        let mut chain: Vec<_> = scan.findings.iter().map(|f| f.rule.stage).collect();
        chain.sort();
        chain.dedup();
        let view = WarningView {
            level: scan.level.max(Level::Warning),
            evidence,
            chain,
        };
        send_warning(bot, app, chat, id, lang, &view, &rule_ids, update_id).await;
    } else {
        let text = render::check_result(&app.catalog, lang, scan.level, &evidence);
        reply(bot, app, chat, id, text).await;
    }
}

/// Parse `fb:<verdict>:<warning id>`.
#[must_use]
pub fn parse_feedback(data: &str) -> Option<(Verdict, i64)> {
    let rest = data.strip_prefix("fb:")?;
    let (verdict, id) = rest.split_once(':')?;
    Some((Verdict::parse(verdict)?, id.parse().ok()?))
}

async fn callback<R: TgBot>(bot: R, q: CallbackQuery, update_id: u32, app: Arc<App>) {
    let Some((verdict, warning_id)) = q.data.as_deref().and_then(parse_feedback) else {
        // Not ours: stop the client's spinner and move on.
        let _ = with_retry(&app.retry, || {
            bot.answer_callback_query(q.id.clone()).send()
        })
        .await;
        mark(&app, update_id).await;
        return;
    };
    let user = q.from.id.0 as i64;
    let now = Timestamp::now().0;
    let pre = blocking(&app.store, move |s| {
        let state = s.begin_update(update_id, now)?;
        if !should_handle(update_id, state) {
            return Ok(None);
        }
        let outcome = s.record_feedback(warning_id, verdict, now)?;
        Ok(Some((outcome, s.lang(user)?)))
    })
    .await;
    let (outcome, stored) = match pre {
        Ok(Some(v)) => v,
        Ok(None) => {
            mark(&app, update_id).await;
            return;
        }
        Err(e) => {
            tracing::error!(update_id, error = %e, "cannot record feedback");
            (FeedbackOutcome::UnknownWarning, None)
        }
    };
    tracing::info!(
        update_id,
        chat = %app.chat_hash(user),
        warning_id,
        verdict = verdict.as_str(),
        recorded = outcome == FeedbackOutcome::Recorded,
        "feedback"
    );
    let stored = stored.as_deref().and_then(Lang::parse);
    // Without a choice or a client language, answer in the language of the warning itself.
    let shown = q
        .message
        .as_ref()
        .and_then(|m| m.regular_message())
        .and_then(|m| m.text())
        .unwrap_or_default();
    let lang = Lang::choose(stored, q.from.language_code.as_deref(), shown);
    let key = match (outcome, verdict) {
        (FeedbackOutcome::UnknownWarning, _) => "fb-unknown",
        (_, Verdict::Scam) => "fb-thanks-scam",
        (_, Verdict::NotScam) => "fb-thanks-ok",
    };
    let text = app.catalog.text(lang, key);
    if let Err((e, _)) = with_retry(&app.retry, || {
        bot.answer_callback_query(q.id.clone())
            .text(text.clone())
            .send()
    })
    .await
    {
        tracing::warn!(update_id, error = %super::send::redact(&e, &app.token), "answerCallbackQuery failed");
    }
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
            tracing::debug!(update_id, error = %super::send::redact(&e, &app.token), "cannot remove feedback buttons");
        }
    }
    mark(&app, update_id).await;
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
}
