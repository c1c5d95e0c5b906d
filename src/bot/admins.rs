//! Who may change a group's settings, and what the bot itself may do there.
//!
//! Admin status comes from `getChatMember` and is cached briefly ([`ADMIN_TTL`]), so a burst
//! of commands costs one call and a demoted admin loses their say within minutes. An
//! anonymous admin posts as the group itself (`sender_chat` is the group): that is recognised
//! without a call.

use std::time::Duration;

use dashmap::DashMap;
use teloxide::prelude::*;
use teloxide::types::{ChatId, ChatMemberKind, Message, UserId};
use tokio::time::Instant;

use super::handlers::{App, TgBot};
use super::send::{redact, with_retry};

/// How long an answer of `getChatMember` is trusted.
pub const ADMIN_TTL: Duration = Duration::from_secs(5 * 60);

/// The bot's own rights in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rights {
    /// May delete other members' messages.
    pub delete: bool,
    /// May mute and ban.
    pub restrict: bool,
}

impl Rights {
    /// Before anything is known: assume the rights, and learn from the first refusal.
    pub const ASSUMED: Rights = Rights {
        delete: true,
        restrict: true,
    };

    /// The rights a chat member of `kind` has.
    #[must_use]
    pub fn of(kind: &ChatMemberKind) -> Rights {
        Rights {
            delete: kind.can_delete_messages(),
            restrict: kind.can_restrict_members(),
        }
    }
}

/// Cached admin status per (chat, user).
#[derive(Debug)]
pub struct Admins {
    ttl: Duration,
    cache: DashMap<(i64, i64), (bool, Instant)>,
}

impl Admins {
    /// An empty cache whose answers last `ttl`.
    #[must_use]
    pub fn new(ttl: Duration) -> Self {
        Admins {
            ttl,
            cache: DashMap::new(),
        }
    }

    /// Remember whether `user` is an admin of `chat` (from `getChatMember`, or a test).
    pub fn remember(&self, chat: i64, user: i64, admin: bool) {
        self.cache.insert((chat, user), (admin, Instant::now()));
    }

    /// The cached answer, if still fresh.
    #[must_use]
    pub fn cached(&self, chat: i64, user: i64) -> Option<bool> {
        self.cache
            .get(&(chat, user))
            .filter(|e| e.1.elapsed() < self.ttl)
            .map(|e| e.0)
    }

    /// Forget one answer (a member was promoted or demoted).
    pub fn forget(&self, chat: i64, user: i64) {
        self.cache.remove(&(chat, user));
    }

    /// Drop stale answers.
    pub fn sweep(&self, now: Instant) {
        self.cache
            .retain(|_, (_, at)| now.duration_since(*at) < self.ttl);
    }
}

/// The sender posted as the group itself: an anonymous admin.
#[must_use]
pub fn is_anonymous_admin(msg: &Message) -> bool {
    msg.sender_chat
        .as_ref()
        .is_some_and(|c| c.id == msg.chat.id)
}

/// Whether `user` is an admin of `chat`: cached, else asked. `None` when Telegram could not
/// be asked.
pub async fn is_admin<R: TgBot>(bot: &R, app: &App, chat: i64, user: i64) -> Option<bool> {
    if let Some(a) = app.admins.cached(chat, user) {
        return Some(a);
    }
    let uid = UserId(u64::try_from(user).ok()?);
    match with_retry(&app.retry, || bot.get_chat_member(ChatId(chat), uid).send()).await {
        Ok(member) => {
            let admin = member.kind.is_privileged();
            app.admins.remember(chat, user, admin);
            Some(admin)
        }
        Err((e, _)) => {
            tracing::warn!(chat = %app.chat_hash(chat), error = %redact(&e, &app.token), "getChatMember failed");
            None
        }
    }
}

/// The human admins of `chat` (for private notes), or nothing when Telegram could not be
/// asked.
pub async fn admin_ids<R: TgBot>(bot: &R, app: &App, chat: i64) -> Vec<i64> {
    match with_retry(&app.retry, || {
        bot.get_chat_administrators(ChatId(chat)).send()
    })
    .await
    {
        Ok(members) => members
            .into_iter()
            .filter(|m| !m.user.is_bot)
            .filter_map(|m| {
                let id = i64::try_from(m.user.id.0).ok()?;
                app.admins.remember(chat, id, true);
                Some(id)
            })
            .collect(),
        Err((e, _)) => {
            tracing::warn!(chat = %app.chat_hash(chat), error = %redact(&e, &app.token), "getChatAdministrators failed");
            Vec::new()
        }
    }
}
