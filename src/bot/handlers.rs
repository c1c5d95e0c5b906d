//! The handler tree, the state every handler shares, and the per-chat turn.
//!
//! Every update is handled in a task of its own, so a panic anywhere in its handling is
//! contained and logged (the dispatcher would otherwise stop). Messages of one chat are ordered
//! by a [`Turn`]: taken in arrival order before anything else, and given back by
//! [`Turn::finish`] once the conversation has seen the message; replies and moderation are
//! sent after it is released. What a message leads to is decided by [`crate::policy`]; the
//! modules [`super::private`], [`super::group`], [`super::commands`] and [`super::feedback`]
//! carry it out.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use dashmap::DashMap;
use teloxide::RequestError;
use teloxide::dispatching::{UpdateFilterExt, UpdateHandler};
use teloxide::net::Download;
use teloxide::prelude::*;
use teloxide::types::{
    CallbackQuery, ChatId, ChatMemberUpdated, InlineKeyboardMarkup, Me, Message, MessageId,
    ReplyParameters, Update,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::admins::{Admins, Rights};
use super::batch::Batcher;
use super::listener::{InHand, Ledger};
use super::send::{Once, RetryPolicy, blocking};
use super::transform::transform;
use crate::campaign::{CampaignConfig, Campaigns};
use crate::conversation::Timestamp;
use crate::guard::{ChatKind, Guard};
use crate::i18n::Catalog;
use crate::store::{Store, UpdateState};

/// Error type of the handler tree (handlers log their own errors and return `Ok`).
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;
/// Result of a handler.
pub type HandlerResult = Result<(), HandlerError>;

/// Replies in flight per chat beyond which further replies to that chat are dropped: a user
/// flooding the bot cannot make it queue work without bound.
pub const MAX_INFLIGHT_PER_CHAT: u32 = 16;
/// `/report`s one member may make per [`REPORT_WINDOW`] in one group.
pub const REPORTS_PER_WINDOW: usize = 3;
/// Window of the `/report` rate limit.
pub const REPORT_WINDOW: Duration = Duration::from_secs(10 * 60);

/// Everything the handlers need.
pub struct App {
    /// Engine and conversations.
    pub guard: Guard,
    /// Messages (swapped whole by a reload).
    catalog: arc_swap::ArcSwap<Catalog>,
    /// Persistent state (group state included, through [`crate::store::GroupStore`]).
    pub store: Arc<dyn Store>,
    /// Calm answers.
    pub batcher: Batcher,
    /// Bot API retries.
    pub retry: RetryPolicy,
    /// Who is an admin where (cached `getChatMember` answers).
    pub admins: Admins,
    /// The same text from several accounts.
    pub campaigns: Campaigns,
    /// QR decoding of photos.
    pub decoders: super::photos::Decoders,
    /// The bot token, only to redact it from error messages.
    pub(crate) token: String,
    /// Updates in hand, when the bot polls with [`super::listener::Listener`].
    pub(crate) ledger: Option<Arc<Ledger>>,
    /// Bound on updates in hand, in webhook mode ([`super::listener::Gate`]).
    pub gate: Option<Arc<super::listener::Gate>>,
    /// The bot's own rights per group, as last seen.
    pub(crate) rights: DashMap<i64, Rights>,
    /// Recent `/report`s per (group, member).
    reports: DashMap<(i64, i64), VecDeque<tokio::time::Instant>>,
    /// One lock per chat with a message in hand (removed when none is).
    turns: Arc<DashMap<i64, Arc<Mutex<()>>>>,
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
            catalog: arc_swap::ArcSwap::from_pointee(catalog),
            store,
            batcher: Batcher::new(batch_delay),
            retry: RetryPolicy::default(),
            admins: Admins::new(super::admins::ADMIN_TTL),
            campaigns: Campaigns::new(CampaignConfig::default()),
            decoders: super::photos::Decoders::default(),
            token: String::new(),
            ledger: None,
            gate: None,
            rights: DashMap::new(),
            reports: DashMap::new(),
            turns: Arc::new(DashMap::new()),
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

    /// The messages in use now.
    #[must_use]
    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog.load_full()
    }

    /// Use `catalog` for every later reply; returns the one replaced.
    pub fn swap_catalog(&self, catalog: Catalog) -> Arc<Catalog> {
        self.catalog.swap(Arc::new(catalog))
    }

    /// Take `chat`'s turn: waits for the messages of the chat that arrived before, and for
    /// nothing else (each chat has its own lock: sharing locks between chats was measured to
    /// triple the p99 under load, BENCHMARKS.md).
    pub(crate) async fn turn(&self, chat: i64) -> Turn {
        let lock = self.turns.entry(chat).or_default().clone();
        Turn {
            held: Some(lock.lock_owned().await),
            turns: self.turns.clone(),
            chat,
        }
    }

    /// Salted hash of a chat or user id, as logged.
    pub(crate) fn chat_hash(&self, chat: i64) -> String {
        self.store.chat_hash(chat)
    }

    /// Count a reply in flight to `chat`; `None` when the chat has too many already.
    pub(crate) fn inflight(self: &Arc<Self>, chat: i64) -> Option<Inflight> {
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

    /// Whether `member` of `chat` may `/report` again now (and count it if so).
    pub(crate) fn may_report(&self, chat: i64, member: i64, now: tokio::time::Instant) -> bool {
        let mut recent = self.reports.entry((chat, member)).or_default();
        while recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= REPORT_WINDOW)
        {
            recent.pop_front();
        }
        if recent.len() >= REPORTS_PER_WINDOW {
            return false;
        }
        recent.push_back(now);
        true
    }

    /// The bot's rights in `chat`, as last seen (unknown: assumed present, failures tell).
    pub(crate) fn rights(&self, chat: i64) -> Rights {
        self.rights.get(&chat).map_or(Rights::ASSUMED, |r| *r)
    }

    /// Forget per-chat memory that has been idle for `idle` (reports, admin answers).
    pub(crate) fn sweep(&self, now: tokio::time::Instant) {
        self.reports.retain(|_, q| {
            q.back()
                .is_some_and(|t| now.duration_since(*t) < REPORT_WINDOW)
        });
        self.admins.sweep(now);
        self.campaigns.sweep(Timestamp::now());
    }
}

/// A chat's turn: taken in arrival order, given back when the message has been folded into
/// its conversation. Dropping it gives it back too, so no path can keep it.
pub(crate) struct Turn {
    held: Option<OwnedMutexGuard<()>>,
    turns: Arc<DashMap<i64, Arc<Mutex<()>>>>,
    chat: i64,
}

impl Drop for Turn {
    fn drop(&mut self) {
        drop(self.held.take());
        // No one else holds or waits for this chat's lock: forget it. (Taking a lock clones
        // it under the same shard lock, so the count cannot grow while this looks.)
        self.turns
            .remove_if(&self.chat, |_, lock| Arc::strong_count(lock) == 1);
    }
}

impl Turn {
    /// Run `f` (the conversation step) while holding the turn, then give the turn back.
    pub(crate) fn finish<T>(self, f: impl FnOnce() -> T) -> T {
        let out = f();
        drop(self);
        out
    }
}

/// A reply in flight; dropping it releases the slot.
pub(crate) struct Inflight {
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

/// Bound of the bot types the handlers work with (`Bot`, and teloxide_tests' mock bot).
pub trait TgBot:
    Requester<Err = RequestError>
    + Download<StreamErr: std::fmt::Display>
    + Clone
    + Send
    + Sync
    + 'static
{
}
impl<R> TgBot for R where
    R: Requester<Err = RequestError>
        + Download<StreamErr: std::fmt::Display>
        + Clone
        + Send
        + Sync
        + 'static
{
}

/// How updates are spread over the dispatcher's workers: all concurrently (`None`), so a
/// handler waiting for the end of a burst does not hold up the chat's next message; per-chat
/// order comes from the handlers' own [`Turn`].
#[must_use]
pub fn distribution(_: &Update) -> Option<()> {
    None
}

/// The handler tree.
#[must_use]
pub fn schema<R: TgBot>() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(on_message::<R>))
        .branch(Update::filter_edited_message().endpoint(on_edited::<R>))
        .branch(Update::filter_callback_query().endpoint(on_callback::<R>))
        .branch(Update::filter_my_chat_member().endpoint(on_my_chat_member::<R>))
        .branch(Update::filter_chat_member().endpoint(on_chat_member))
}

/// Whether a message update is new or an edit of an earlier message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arrival {
    /// A new message.
    New,
    /// An edit of a message seen before.
    Edited,
}

async fn on_message<R: TgBot>(
    bot: R,
    msg: Message,
    update: Update,
    me: Me,
    app: Arc<App>,
) -> HandlerResult {
    routed(bot, msg, update, me, app, Arrival::New).await
}

async fn on_edited<R: TgBot>(
    bot: R,
    msg: Message,
    update: Update,
    me: Me,
    app: Arc<App>,
) -> HandlerResult {
    routed(bot, msg, update, me, app, Arrival::Edited).await
}

async fn routed<R: TgBot>(
    bot: R,
    msg: Message,
    update: Update,
    me: Me,
    app: Arc<App>,
    arrival: Arrival,
) -> HandlerResult {
    let update_id = update.id.0;
    let kind = match arrival {
        Arrival::New => "message",
        Arrival::Edited => "edited_message",
    };
    let in_hand = InHand::new(app.ledger.clone(), update_id, kind).gated(app.gate.clone());
    // The image is read before the chat's turn is taken: a slow one holds up no chat.
    let image = if super::photos::image_of(&msg, &app.decoders.limits).is_some() {
        let user = msg.from.as_ref().map_or(msg.chat.id.0, |u| u.id.0 as i64);
        let read_text = if msg.chat.is_private() {
            let telegram = msg.from.as_ref().and_then(|u| u.language_code.as_deref());
            let caption = msg.caption().unwrap_or("");
            Some((
                user,
                chat_lang(&app, user, telegram, caption, update_id).await,
            ))
        } else if msg.chat.is_group() || msg.chat.is_supergroup() {
            // In a group only when its admins turned it on (`/screenshots on`).
            let settings = super::group::settings(&app, msg.chat.id.0).await;
            settings.screenshots.then(|| {
                let lang = settings
                    .lang
                    .as_deref()
                    .and_then(crate::i18n::Lang::parse)
                    .unwrap_or(crate::i18n::Lang::ZhCn);
                (user, lang)
            })
        } else {
            None
        };
        if app.decoders.enabled || read_text.is_some() {
            let (bot, app, msg) = (bot.clone(), app.clone(), msg.clone());
            tokio::spawn(async move {
                super::photos::image_text(&bot, &app, &msg, update_id, read_text).await
            })
            .await
            .unwrap_or_default()
        } else {
            super::photos::ImageText::default()
        }
    } else {
        super::photos::ImageText::default()
    };
    let turn = app.turn(msg.chat.id.0).await;
    let task = tokio::spawn(async move {
        let Some(mut incoming) = transform(&msg) else {
            tracing::debug!(update_id, "update from an unwatched chat ignored");
            return;
        };
        incoming.qr = image.qr;
        match incoming.kind {
            ChatKind::Private if arrival == Arrival::New => {
                super::private::message(
                    bot,
                    msg,
                    incoming,
                    image.screenshot,
                    update_id,
                    me,
                    app,
                    turn,
                    in_hand,
                )
                .await;
            }
            ChatKind::Private => {
                // An edit in a private chat is the user's own typing: the forwarded original
                // was already judged.
                tracing::debug!(update_id, "private edit ignored");
            }
            ChatKind::Group => {
                super::group::message(
                    bot,
                    msg,
                    incoming,
                    image.screenshot,
                    arrival,
                    update_id,
                    me,
                    app,
                    turn,
                    in_hand,
                )
                .await;
            }
        }
    });
    if let Err(e) = task.await {
        tracing::error!(update_id, panicked = e.is_panic(), "message handler failed");
    }
    Ok(())
}

/// The language of a private chat: the user's choice, else Telegram's (`telegram`), else the
/// script of `text`.
pub(crate) async fn chat_lang(
    app: &Arc<App>,
    user: i64,
    telegram: Option<&str>,
    text: &str,
    update_id: u32,
) -> crate::i18n::Lang {
    let stored = blocking(&app.store, move |s| s.lang(user))
        .await
        .unwrap_or_else(|e| {
            store_failed!(e, update_id, "store unavailable");
            None
        });
    crate::i18n::Lang::choose(
        stored.as_deref().and_then(crate::i18n::Lang::parse),
        telegram,
        text,
    )
}

async fn on_callback<R: TgBot>(
    bot: R,
    q: CallbackQuery,
    update: Update,
    me: Me,
    app: Arc<App>,
) -> HandlerResult {
    let update_id = update.id.0;
    let _in_hand =
        InHand::new(app.ledger.clone(), update_id, "callback_query").gated(app.gate.clone());
    let task = tokio::spawn(super::feedback::callback(bot, q, update_id, me, app));
    if let Err(e) = task.await {
        tracing::error!(
            update_id,
            panicked = e.is_panic(),
            "callback handler failed"
        );
    }
    Ok(())
}

async fn on_my_chat_member<R: TgBot>(
    bot: R,
    change: ChatMemberUpdated,
    update: Update,
    app: Arc<App>,
) -> HandlerResult {
    let update_id = update.id.0;
    let _in_hand =
        InHand::new(app.ledger.clone(), update_id, "my_chat_member").gated(app.gate.clone());
    let task = tokio::spawn(super::group::my_chat_member(bot, change, update_id, app));
    if let Err(e) = task.await {
        tracing::error!(update_id, panicked = e.is_panic(), "my_chat_member failed");
    }
    Ok(())
}

async fn on_chat_member(change: ChatMemberUpdated, update: Update, app: Arc<App>) -> HandlerResult {
    let update_id = update.id.0;
    let _in_hand =
        InHand::new(app.ledger.clone(), update_id, "chat_member").gated(app.gate.clone());
    let task = tokio::spawn(super::group::chat_member(change, update_id, app));
    if let Err(e) = task.await {
        tracing::error!(update_id, panicked = e.is_panic(), "chat_member failed");
    }
    Ok(())
}

/// Attempts at an update after which it is skipped: an update that kills the process every
/// time must not stop the bot for good.
pub const MAX_ATTEMPTS: u32 = 3;

/// Whether to handle an update in `state`; logs why not.
pub(crate) fn should_handle(update_id: u32, state: UpdateState) -> bool {
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

/// Start handling `update_id`: `false` when it was handled already (it is marked again).
pub(crate) async fn begin(app: &App, update_id: u32) -> bool {
    let now = Timestamp::now().0;
    let state = blocking(&app.store, move |s| s.begin_update(update_id, now))
        .await
        .unwrap_or_else(|e| {
            store_failed!(e, update_id, "store unavailable");
            UpdateState::Attempt(1)
        });
    if should_handle(update_id, state) {
        return true;
    }
    mark(app, update_id).await;
    false
}

/// Mark `update_id` fully handled.
pub(crate) async fn mark(app: &App, update_id: u32) {
    let now = Timestamp::now().0;
    if let Err(e) = blocking(&app.store, move |s| s.mark_update(update_id, now)).await {
        store_failed!(e, update_id, "cannot mark update handled");
    }
}

/// Send `text` to `chat`, once per (`reply_to`, `kind`), as a reply to `reply_to` when given
/// (sent anyway if that message is gone). Returns the sent message.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn send_once<R: TgBot>(
    bot: &R,
    app: &Arc<App>,
    chat: i64,
    reply_to: i32,
    kind: &'static str,
    text: String,
    quote: bool,
    keyboard: Option<InlineKeyboardMarkup>,
) -> Option<Message> {
    let _slot = app.inflight(chat)?;
    Once::new(&app.store, chat, reply_to, kind)
        .once(&app.retry, &app.token, || {
            let mut req = bot.send_message(ChatId(chat), text.clone());
            if quote {
                req = req.reply_parameters(
                    ReplyParameters::new(MessageId(reply_to)).allow_sending_without_reply(),
                );
            }
            if let Some(k) = &keyboard {
                req = req.reply_markup(k.clone());
            }
            req.send()
        })
        .await
}

/// Reply to message `to` in `chat` with `text`, once.
pub(crate) async fn reply<R: TgBot>(bot: &R, app: &Arc<App>, chat: i64, to: i32, text: String) {
    send_once(bot, app, chat, to, "reply", text, true, None).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reports_are_rate_limited_per_member() {
        let store: Arc<dyn Store> = Arc::new(crate::store::MemoryStore::new());
        let engine = crate::engine::Engine::from_sources(&[], &Default::default()).unwrap();
        let guard = Guard::new(
            engine,
            Arc::new(crate::sessions::SessionStore::new(Default::default())),
        );
        let app = App::new(
            guard,
            Catalog::embedded().unwrap(),
            store,
            Duration::from_millis(1),
        );
        let t0 = tokio::time::Instant::now();
        for _ in 0..REPORTS_PER_WINDOW {
            assert!(app.may_report(-1, 7, t0));
        }
        assert!(!app.may_report(-1, 7, t0));
        assert!(app.may_report(-1, 8, t0), "another member");
        assert!(app.may_report(-2, 7, t0), "another group");
        assert!(app.may_report(-1, 7, t0 + REPORT_WINDOW));
    }
}
