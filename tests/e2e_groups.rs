//! Group moderation end to end: the built `scamguard` binary against the fake Bot API on
//! loopback, with a real SQLite file kept across restarts.
//!
//! Every expected outcome is written by hand from the scenario: which message is deleted,
//! which is warned about, which gets no reply. The seed messages are the Kaiping cases'
//! screen-share and deposit requests (`tests/support/cases.rs`).

mod support;

use std::time::Duration;

use serde_json::Value;

use support::bot_process::Harness;
use support::cases::{KAIPING_LOST_PARCEL, KAIPING_QUALITY_REFUND, distinctive_fragments};
use support::fake_bot_api::{FakeBotApi, Pushed, TgUser};
use support::{settle, wait_polling, watch};

const WAIT: Duration = Duration::from_secs(30);
const QUIET: Duration = Duration::from_millis(1500);
const STOP: Duration = Duration::from_secs(10);
const GROUP: i64 = -1_001_000_000_777;

/// The screen-share request (Kaiping ①, message #3): a hard trigger.
fn screen_share() -> &'static str {
    KAIPING_LOST_PARCEL.messages[KAIPING_LOST_PARCEL.trigger]
}
/// The deposit request (Kaiping ②, message #3): a hard trigger.
fn deposit() -> &'static str {
    KAIPING_QUALITY_REFUND.messages[KAIPING_QUALITY_REFUND.trigger]
}
/// Harmless group chat.
const CHAT: [&str; 3] = [
    "周六下午三点在人民公园门口集合，记得带上野餐垫和水。",
    "好的，我带两把伞，听说可能下雨",
    "See you all on Saturday!",
];

/// Message ids deleted in `chat` (answered `ok`: the message is gone from the fake).
fn deleted(api: &FakeBotApi, chat: i64) -> Vec<i64> {
    let mut ids: Vec<i64> = api
        .calls_to("deleteMessage")
        .iter()
        .filter(|c| c.body["chat_id"].as_i64() == Some(chat))
        .filter_map(|c| c.body["message_id"].as_i64())
        .filter(|&id| !api.message_exists(chat, id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Texts the bot sent to `chat` as replies to `message_id`.
fn replies_to(api: &FakeBotApi, chat: i64, message_id: i64) -> Vec<String> {
    api.sent_messages()
        .iter()
        .filter(|m| m.chat_id == chat && m.reply_to() == Some(message_id))
        .map(|m| m.text().to_string())
        .collect()
}

/// Texts the bot sent to `chat` that reply to nothing (hello, notices).
fn posts(api: &FakeBotApi, chat: i64) -> Vec<String> {
    api.sent_messages()
        .iter()
        .filter(|m| m.chat_id == chat && m.reply_to().is_none())
        .map(|m| m.text().to_string())
        .collect()
}

fn assert_quotes_nothing_of(texts: &[String], scam: &str, log: &str) {
    for t in texts {
        for frag in distinctive_fragments(scam, 6) {
            assert!(
                !t.contains(&frag),
                "the bot repeated the scam ({frag:?}) in {t:?}\n{log}"
            );
        }
    }
}

/// The bot is added to the group as an admin with both rights.
fn add_bot(api: &FakeBotApi, admin: &TgUser) -> i64 {
    api.push_update(api.my_chat_member(GROUP, admin, "left", "administrator", true, true))
}

fn push(api: &FakeBotApi, from: &TgUser, text: &str) -> Pushed {
    api.push_message(api.group_text(GROUP, from, text))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_the_bot_scams_are_deleted_mode_survives_a_restart() {
    let mut h = Harness::start().await;
    let api = h.api.clone();
    let admin = TgUser::new(820_001, "群主").lang("zh-hans");
    let member = TgUser::new(820_002, "老成员").lang("zh-hans");
    let scammer = TgUser::new(820_003, "京东客服").lang("zh-hans");
    api.set_member(GROUP, &admin, "creator");
    api.set_member(GROUP, &member, "member");

    let mut bot = h.spawn_bot();
    wait_polling(&api, &mut bot).await;
    let added = add_bot(&api, &admin);
    // The bot says hello once it is in.
    watch(
        &mut bot,
        api.wait_for_sent(WAIT, "a hello in the group", |sent| {
            sent.iter().find(|m| m.chat_id == GROUP).cloned()
        }),
    )
    .await;
    settle(&api, added, QUIET, WAIT).await;

    // An established member chats: no reply, nothing deleted.
    let mut harmless = Vec::new();
    for _ in 0..2 {
        for text in CHAT {
            harmless.push(push(&api, &member, text));
        }
    }
    // A newcomer joins and posts the two seed requests at once.
    api.push_message(api.group_join(GROUP, &scammer));
    let share = push(&api, &scammer, screen_share());
    let pay = push(&api, &scammer, deposit());
    // A non-admin tries to soften the bot.
    let refused = push(&api, &member, "/mode warn");
    watch(
        &mut bot,
        api.wait_for_sent(WAIT, "the refusal of /mode", |sent| {
            sent.iter()
                .find(|m| m.reply_to() == Some(refused.message_id))
                .cloned()
        }),
    )
    .await;
    settle(&api, refused.update_id, QUIET, WAIT).await;
    let log = api.summary();

    assert_eq!(
        deleted(&api, GROUP),
        vec![share.message_id, pay.message_id],
        "exactly the two scam messages are deleted\n{log}"
    );
    for p in &harmless {
        assert!(
            replies_to(&api, GROUP, p.message_id).is_empty(),
            "harmless chat got a reply\n{log}"
        );
    }
    let notices: Vec<String> = posts(&api, GROUP)
        .into_iter()
        .filter(|t| t.contains('🚫'))
        .collect();
    assert_eq!(notices.len(), 2, "one notice per removed message\n{log}");
    assert_quotes_nothing_of(&notices, screen_share(), &log);
    assert_quotes_nothing_of(&notices, deposit(), &log);
    let refusal = replies_to(&api, GROUP, refused.message_id);
    assert_eq!(refusal.len(), 1, "{log}");
    assert!(
        refusal[0].contains("只有本群管理员"),
        "not a refusal: {refusal:?}"
    );
    assert!(
        api.calls_to("banChatMember").is_empty() && api.calls_to("restrictChatMember").is_empty(),
        "defaults never ban or mute\n{log}"
    );

    // The admin switches to warnings.
    let accepted = push(&api, &admin, "/mode warn");
    watch(
        &mut bot,
        api.wait_for_sent(WAIT, "the answer to the admin's /mode", |sent| {
            sent.iter()
                .find(|m| m.reply_to() == Some(accepted.message_id))
                .cloned()
        }),
    )
    .await;
    settle(&api, accepted.update_id, QUIET, WAIT).await;
    bot.stop_gracefully(STOP).await;
    let answer = replies_to(&api, GROUP, accepted.message_id);
    assert!(
        answer.len() == 1 && answer[0].contains("已设置"),
        "{answer:?}"
    );

    // Restart: the setting is read back from the database file.
    let mut second = h.spawn_bot();
    wait_polling(&api, &mut second).await;
    let other = TgUser::new(820_004, "顺丰客服").lang("zh-hans");
    api.push_message(api.group_join(GROUP, &other));
    let warned = push(&api, &other, screen_share());
    watch(
        &mut second,
        api.wait_for_sent(WAIT, "a warning on the scam after the restart", |sent| {
            sent.iter()
                .find(|m| m.reply_to() == Some(warned.message_id))
                .cloned()
        }),
    )
    .await;
    settle(&api, warned.update_id, QUIET, WAIT).await;
    second.stop_gracefully(STOP).await;
    let log = api.summary();
    assert!(
        api.message_exists(GROUP, warned.message_id),
        "mode warn: the message must stay\n{log}"
    );
    assert_eq!(
        deleted(&api, GROUP),
        vec![share.message_id, pay.message_id],
        "{log}"
    );
    let warning = replies_to(&api, GROUP, warned.message_id);
    assert_eq!(warning.len(), 1, "{log}");
    assert!(warning[0].contains('🚨'), "a danger warning: {warning:?}");
    assert_quotes_nothing_of(&warning, screen_share(), &log);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_delete_right_the_bot_warns_and_tells_the_admins_once() {
    let mut h = Harness::start().await;
    let api = h.api.clone();
    let admin = TgUser::new(821_001, "Admin").lang("en");
    let scammer = TgUser::new(821_002, "Support").lang("en");
    api.set_member(GROUP, &admin, "creator");
    // In the group, but without admin rights.
    api.set_bot_rights(GROUP, false, false);
    let mut bot = h.spawn_bot();
    wait_polling(&api, &mut bot).await;
    let first = push(&api, &scammer, screen_share());
    let second = push(&api, &scammer, deposit());
    watch(
        &mut bot,
        api.wait_for_sent(WAIT, "a warning on the second scam", |sent| {
            sent.iter()
                .find(|m| m.reply_to() == Some(second.message_id))
                .cloned()
        }),
    )
    .await;
    settle(&api, second.update_id, QUIET, WAIT).await;
    bot.stop_gracefully(STOP).await;
    let log = api.summary();
    assert!(api.message_exists(GROUP, first.message_id), "{log}");
    assert!(api.message_exists(GROUP, second.message_id), "{log}");
    for p in [&first, &second] {
        assert_eq!(
            replies_to(&api, GROUP, p.message_id).len(),
            1,
            "each scam gets one warning instead\n{log}"
        );
    }
    let told: Vec<String> = posts(&api, GROUP)
        .into_iter()
        .filter(|t| t.contains("Delete messages"))
        .collect();
    assert_eq!(told.len(), 1, "the missing right is told once\n{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ban_mode_bans_and_an_admin_can_undo_from_the_private_note() {
    let mut h = Harness::start().await;
    let api = h.api.clone();
    let admin = TgUser::new(822_001, "Admin").lang("en");
    let scammer = TgUser::new(822_002, "Support").lang("en");
    let member = TgUser::new(822_003, "Member").lang("en");
    api.set_member(GROUP, &admin, "creator");
    api.set_member(GROUP, &member, "member");
    let mut bot = h.spawn_bot();
    wait_polling(&api, &mut bot).await;

    let mode = push(&api, &admin, "/mode ban");
    // The settings keyboard: turn on private notes to admins.
    let settings = push(&api, &admin, "/settings");
    let keyboard = watch(
        &mut bot,
        api.wait_for_sent(WAIT, "the settings keyboard", |sent| {
            sent.iter()
                .find(|m| m.reply_to() == Some(settings.message_id))
                .cloned()
        }),
    )
    .await;
    let press = api.group_callback_query(&admin, "st:n", &keyboard.message);
    let pressed = api.push_update(press);
    settle(&api, pressed.max(mode.update_id), QUIET, WAIT).await;
    // A member cannot press it.
    let foreign = api.group_callback_query(&member, "st:x", &keyboard.message);
    let foreign_id = api.push_update(foreign);
    settle(&api, foreign_id, QUIET, WAIT).await;

    let scam = push(&api, &scammer, screen_share());
    let note = watch(
        &mut bot,
        api.wait_for_sent(WAIT, "a private note to the admin", |sent| {
            sent.iter().find(|m| m.chat_id == admin.id).cloned()
        }),
    )
    .await;
    settle(&api, scam.update_id, QUIET, WAIT).await;
    let log = api.summary();
    assert_eq!(deleted(&api, GROUP), vec![scam.message_id], "{log}");
    assert_eq!(
        api.member_status(GROUP, scammer.id),
        "kicked",
        "ban mode bans\n{log}"
    );
    let undo = note
        .callback_data()
        .into_iter()
        .find(|d| d.starts_with("mu:"))
        .unwrap_or_else(|| panic!("no undo button: {}", note.request));
    // Only admins may undo: the member's press changes nothing.
    let by_member = api.push_update(api.callback_query(&member, &undo, &note.message));
    settle(&api, by_member, QUIET, WAIT).await;
    assert_eq!(api.member_status(GROUP, scammer.id), "kicked", "{log}");
    let by_admin = api.push_update(api.callback_query(&admin, &undo, &note.message));
    settle(&api, by_admin, QUIET, WAIT).await;
    bot.stop_gracefully(STOP).await;
    let log = api.summary();
    let status = api.member_status(GROUP, scammer.id);
    assert!(
        status == "left" || status == "member",
        "the undo lifts the ban (status {status})\n{log}"
    );
    // The member's press on the settings keyboard did not turn on dry mode: the scam was
    // deleted, not only reported.
    let dry_notes: Vec<Value> = api
        .sent_messages()
        .iter()
        .filter(|m| m.chat_id == admin.id && m.text().contains("Dry run"))
        .map(|m| m.request.clone())
        .collect();
    assert!(dry_notes.is_empty(), "{dry_notes:?}\n{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_channels_anonymous_admins_and_automatic_forwards() {
    const CHANNEL: i64 = -1_002_000_000_001;
    const LINKED: i64 = -1_002_000_000_002;
    let mut h = Harness::start().await;
    let api = h.api.clone();
    let member = TgUser::new(823_001, "Member").lang("zh-hans");
    api.set_member(GROUP, &member, "member");
    let mut bot = h.spawn_bot();
    wait_polling(&api, &mut bot).await;

    // A harmless message, then edited into the screen-share request.
    let msg = api.group_text(GROUP, &member, CHAT[0]);
    let original = api.push_message(msg.clone());
    let mut edited = msg;
    edited["message_id"] = original.message_id.into();
    edited["text"] = screen_share().into();
    let edit = api.push_edited(edited);
    // A post made as a channel, an anonymous admin, the linked channel's automatic forward.
    let as_channel = api.push_message(api.group_as_channel(GROUP, CHANNEL, deposit()));
    let anonymous = api.push_message(api.group_anonymous_admin(GROUP, screen_share()));
    let forwarded = api.push_message(api.group_automatic_forward(GROUP, LINKED, deposit()));
    settle(&api, forwarded.update_id.max(edit.update_id), QUIET, WAIT).await;
    bot.stop_gracefully(STOP).await;
    let log = api.summary();

    assert_eq!(
        deleted(&api, GROUP),
        vec![original.message_id, as_channel.message_id],
        "the edit turned a harmless message into a scam; the channel post is a scam\n{log}"
    );
    for untouched in [&anonymous, &forwarded] {
        assert!(
            api.message_exists(GROUP, untouched.message_id),
            "admins' posts are never touched\n{log}"
        );
        assert!(
            replies_to(&api, GROUP, untouched.message_id).is_empty(),
            "{log}"
        );
    }
    assert!(
        api.calls_to("getChatMember")
            .iter()
            .all(|c| c.body["user_id"].as_i64()
                != Some(support::fake_bot_api::GROUP_ANONYMOUS_BOT_ID)),
        "an anonymous admin is recognised without asking\n{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn losing_admin_rights_is_noticed_and_the_bot_falls_back_to_warnings() {
    let mut h = Harness::start().await;
    let api = h.api.clone();
    let admin = TgUser::new(824_001, "Admin").lang("en");
    let scammer = TgUser::new(824_002, "Support").lang("en");
    api.set_member(GROUP, &admin, "creator");
    let mut bot = h.spawn_bot();
    wait_polling(&api, &mut bot).await;
    let demoted =
        api.push_update(api.my_chat_member(GROUP, &admin, "administrator", "member", false, false));
    watch(
        &mut bot,
        api.wait_for_sent(WAIT, "a notice of the lost rights", |sent| {
            sent.iter().find(|m| m.chat_id == GROUP).cloned()
        }),
    )
    .await;
    settle(&api, demoted, QUIET, WAIT).await;
    let scam = push(&api, &scammer, screen_share());
    settle(&api, scam.update_id, QUIET, WAIT).await;
    bot.stop_gracefully(STOP).await;
    let log = api.summary();
    assert!(api.message_exists(GROUP, scam.message_id), "{log}");
    assert!(
        api.calls_to("deleteMessage").is_empty(),
        "rights known to be missing: no doomed delete\n{log}"
    );
    assert_eq!(replies_to(&api, GROUP, scam.message_id).len(), 1, "{log}");
    let notices = posts(&api, GROUP);
    assert_eq!(
        notices.len(),
        1,
        "the loss is told once, the first failure does not tell again\n{log}"
    );
    assert!(notices[0].contains("no longer an admin"), "{notices:?}");
}
