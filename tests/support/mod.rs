//! Shared support for the end-to-end tests: the fake Bot API, the bot process, seed cases.
#![allow(dead_code)]

pub mod bot_process;
pub mod cases;
pub mod fake_bot_api;
pub mod screens;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;

use bot_process::BotProcess;
use cases::Case;
use fake_bot_api::{FakeBotApi, Origin, Pushed, SentMessage, TgUser, WaitTimeout, callback_data};

/// Startup of the bot: load rules, open the database, getMe, first poll.
pub const START: Duration = Duration::from_secs(30);

/// Awaits `fut`, failing at once (with the bot's log) if the bot process exits meanwhile.
pub async fn watch<T>(
    bot: &mut BotProcess,
    fut: impl std::future::Future<Output = Result<T, WaitTimeout>>,
) -> T {
    tokio::pin!(fut);
    loop {
        tokio::select! {
            r = &mut fut => return r.unwrap_or_else(|e| panic!("{e}")),
            () = tokio::time::sleep(Duration::from_millis(200)) => bot.assert_running(),
        }
    }
}

/// Waits until the bot polls for updates (it is up).
pub async fn wait_polling(api: &FakeBotApi, bot: &mut BotProcess) {
    watch(bot, api.wait_for_call(START, "getUpdates", |_| true)).await;
}

/// Whether a send request carries feedback buttons (`callback_data` starting `fb:`).
#[must_use]
pub fn has_fb_buttons(request: &Value) -> bool {
    callback_data(request).iter().any(|d| d.starts_with("fb:"))
}

/// A warning: a sent message with `fb:` buttons.
#[must_use]
pub fn is_warning(m: &SentMessage) -> bool {
    has_fb_buttons(&m.request)
}

/// Warnings sent to `chat_id`, grouped by the message id they reply to (`None`: no reply).
#[must_use]
pub fn warnings_by_target(sent: &[SentMessage], chat_id: i64) -> BTreeMap<Option<i64>, usize> {
    let mut map = BTreeMap::new();
    for m in sent
        .iter()
        .filter(|m| m.chat_id == chat_id && is_warning(m))
    {
        *map.entry(m.reply_to()).or_insert(0) += 1;
    }
    map
}

/// Forwards every message of `case` from `user`, `pause` apart. Returns their ids.
pub async fn forward_case(
    api: &FakeBotApi,
    user: &TgUser,
    case: &Case,
    pause: Duration,
) -> Vec<Pushed> {
    forward_messages(api, user, case.scammer, case.messages, pause).await
}

/// Forwards `messages` from `user` (hidden origin `scammer`), `pause` apart.
pub async fn forward_messages(
    api: &FakeBotApi,
    user: &TgUser,
    scammer: &str,
    messages: &[&str],
    pause: Duration,
) -> Vec<Pushed> {
    let mut pushed = Vec::new();
    for (i, text) in messages.iter().enumerate() {
        if i > 0 {
            tokio::time::sleep(pause).await;
        }
        pushed.push(api.push_message(api.forwarded_text(user, text, Origin::hidden(scammer))));
    }
    pushed
}

/// Waits until the bot confirmed `last_update_id` and then made no call but `getUpdates` for
/// `quiet`: everything it was going to do about those updates is done.
///
/// # Panics
/// If that does not happen within `max`.
pub async fn settle(api: &FakeBotApi, last_update_id: i64, quiet: Duration, max: Duration) {
    api.wait_confirmed(max, last_update_id)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let start = Instant::now();
    loop {
        let last_activity = api
            .requests()
            .iter()
            .rev()
            .find(|c| c.method != "getupdates")
            .map(|c| c.at);
        let idle = last_activity.map_or(quiet, |at| at.elapsed());
        if idle >= quiet {
            return;
        }
        assert!(
            start.elapsed() < max,
            "the bot never went quiet for {quiet:?} within {max:?}:\n{}",
            api.summary()
        );
        tokio::time::sleep(quiet.saturating_sub(idle).max(Duration::from_millis(50))).await;
    }
}

/// A private-chat user speaking Simplified Chinese.
#[must_use]
pub fn victim(id: i64, name: &str) -> TgUser {
    TgUser::new(id, name).lang("zh-hans")
}
