//! The fake Bot API answers what a plain teloxide `Bot` expects, keeps the real `getUpdates`
//! semantics, and its faults surface as the teloxide errors a bot would see from Telegram.

#[path = "support/fake_bot_api.rs"]
#[allow(dead_code)]
mod fake_bot_api;

use std::time::{Duration, Instant};

use serde_json::json;
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, MaybeInaccessibleMessage,
    MessageEntityKind, MessageId, MessageOrigin, ReplyParameters, UpdateKind,
};
use teloxide::{ApiError, RequestError};

use fake_bot_api::{FakeBotApi, Fault, Origin, TgUser};

const TOKEN: &str = "4242:selftest-TOKEN";
const WAIT: Duration = Duration::from_secs(10);

fn bot(api: &FakeBotApi) -> Bot {
    Bot::new(api.token()).set_api_url(reqwest::Url::parse(&api.url()).expect("url"))
}

fn alice() -> TgUser {
    TgUser::new(1001, "Alice").lang("zh-hans")
}

#[tokio::test]
async fn get_me_parses_and_webhook_info_is_empty() {
    let api = FakeBotApi::start(TOKEN).await;
    let bot = bot(&api);
    let me = bot.get_me().await.expect("getMe");
    assert_eq!(me.user.id.0, 4242);
    assert!(me.user.is_bot);
    assert_eq!(me.username(), "scamguard_test_bot");
    let info = bot.get_webhook_info().await.expect("getWebhookInfo");
    assert!(info.url.is_none());
    bot.delete_webhook().await.expect("deleteWebhook");
    // teloxide sends `GetMe`; the fake records method names lowercased.
    let methods: Vec<String> = api.requests().into_iter().map(|c| c.method).collect();
    assert_eq!(methods, ["getme", "getwebhookinfo", "deletewebhook"]);
}

#[tokio::test]
async fn wrong_token_is_unauthorized() {
    let api = FakeBotApi::start(TOKEN).await;
    let wrong = Bot::new("4242:wrong").set_api_url(reqwest::Url::parse(&api.url()).expect("url"));
    let err = wrong.get_me().await.expect_err("wrong token must fail");
    assert!(
        matches!(err, RequestError::Api(ApiError::InvalidToken)),
        "{err:?}"
    );
    assert!(
        api.requests().is_empty(),
        "a wrong token is not a recorded call"
    );
}

#[tokio::test]
async fn send_message_is_recorded_and_answered_with_a_message() {
    let api = FakeBotApi::start(TOKEN).await;
    let bot = bot(&api);
    let user = alice();
    let incoming = api.push_message(api.private_text(&user, "hello"));
    let keyboard = InlineKeyboardMarkup::new([[
        InlineKeyboardButton::callback("Scam", format!("fb:scam:{}", incoming.message_id)),
        InlineKeyboardButton::callback("OK", format!("fb:ok:{}", incoming.message_id)),
    ]]);
    let first = bot
        .send_message(ChatId(user.id), "Warning!")
        .reply_parameters(ReplyParameters::new(MessageId(
            i32::try_from(incoming.message_id).expect("id"),
        )))
        .reply_markup(keyboard.clone())
        .await
        .expect("sendMessage");
    assert_eq!(first.chat.id, ChatId(user.id));
    assert_eq!(first.text(), Some("Warning!"));
    assert_eq!(first.reply_markup(), Some(&keyboard));
    assert_eq!(
        first.reply_to_message().map(|m| i64::from(m.id.0)),
        Some(incoming.message_id)
    );
    let second = bot
        .send_message(ChatId(user.id), "calm")
        .await
        .expect("sendMessage");
    assert!(second.id.0 > first.id.0, "message ids increase");

    let sent = api.sent_messages();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].reply_to(), Some(incoming.message_id));
    assert_eq!(
        sent[0].callback_data(),
        [
            format!("fb:scam:{}", incoming.message_id),
            format!("fb:ok:{}", incoming.message_id)
        ]
    );
    assert_eq!(sent[0].request["chat_id"], json!(user.id));
    assert_eq!(sent[1].text(), "calm");
    assert!(sent[1].callback_data().is_empty());
    assert_eq!(i64::from(first.id.0), sent[0].message_id);

    // Real API checks that matter to a bot.
    let err = bot
        .send_message(ChatId(user.id), "x")
        .reply_parameters(ReplyParameters::new(MessageId(999_999)))
        .await
        .expect_err("reply to a missing message");
    assert!(matches!(err, RequestError::Api(_)), "{err:?}");
    let long = "字".repeat(4097);
    assert!(bot.send_message(ChatId(user.id), long).await.is_err());
}

#[tokio::test]
async fn edits_callbacks_and_commands() {
    let api = FakeBotApi::start(TOKEN).await;
    let bot = bot(&api);
    let user = alice();
    let sent = bot
        .send_message(ChatId(user.id), "v1")
        .reply_markup(InlineKeyboardMarkup::new([[
            InlineKeyboardButton::callback("Scam", "fb:scam:1"),
        ]]))
        .await
        .expect("send");
    let edited = bot
        .edit_message_text(ChatId(user.id), sent.id, "v2")
        .await
        .expect("edit");
    assert_eq!(edited.text(), Some("v2"));
    let same = bot.edit_message_text(ChatId(user.id), sent.id, "v2").await;
    assert!(
        same.is_err(),
        "the real API refuses an edit that changes nothing"
    );
    // Editing the text without a keyboard removed the keyboard; put one back.
    bot.edit_message_reply_markup(ChatId(user.id), sent.id)
        .reply_markup(InlineKeyboardMarkup::new([[
            InlineKeyboardButton::callback("OK", "fb:ok:1"),
        ]]))
        .await
        .expect("new keyboard");

    let msg = &api.sent_messages()[0].message;
    let update = api.callback_query(&user, "fb:scam:1", msg);
    let qid = update["callback_query"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    api.push_update(update);
    let updates = bot.get_updates().await.expect("getUpdates");
    let UpdateKind::CallbackQuery(q) = &updates[0].kind else {
        panic!("expected a callback query, got {:?}", updates[0].kind);
    };
    assert_eq!(q.data.as_deref(), Some("fb:scam:1"));
    assert!(matches!(
        q.message,
        Some(MaybeInaccessibleMessage::Regular(ref m)) if m.id == sent.id
    ));
    bot.answer_callback_query(q.id.clone())
        .await
        .expect("answer");
    assert!(
        bot.answer_callback_query(teloxide::types::CallbackQueryId("nope".to_owned()))
            .await
            .is_err()
    );
    assert_eq!(
        api.calls_to("answerCallbackQuery")[0].body["callback_query_id"],
        json!(qid)
    );

    bot.set_my_commands([BotCommand::new("start", "Start")])
        .await
        .expect("setMyCommands");
    bot.set_my_commands([BotCommand::new("start", "开始")])
        .language_code("zh")
        .await
        .expect("setMyCommands zh");
    let zh = bot
        .get_my_commands()
        .language_code("zh")
        .await
        .expect("getMyCommands");
    assert_eq!(zh[0].description, "开始");
    assert_eq!(api.my_commands().len(), 2);
    bot.send_chat_action(ChatId(user.id), teloxide::types::ChatAction::Typing)
        .await
        .expect("chat action");
    bot.delete_message(ChatId(user.id), sent.id)
        .await
        .expect("delete");
}

#[tokio::test]
async fn long_poll_waits_for_a_pushed_update_and_offsets_confirm() {
    let api = FakeBotApi::start(TOKEN).await;
    let bot = bot(&api);
    let user = alice();

    let poll = {
        let bot = bot.clone();
        tokio::spawn(async move {
            let start = Instant::now();
            let r = bot.get_updates().timeout(8).await;
            (r, start.elapsed())
        })
    };
    api.wait_for_call(WAIT, "getUpdates", |_| true)
        .await
        .expect("poll arrives");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pushed = api.push_message(api.forwarded_text(
        &user,
        "您好，我是快递中转站的工作人员",
        Origin::hidden("快递客服"),
    ));
    let (updates, elapsed) = poll.await.expect("join");
    let updates = updates.expect("getUpdates");
    assert!(
        elapsed < Duration::from_secs(5),
        "answered when the update came, not at timeout ({elapsed:?})"
    );
    assert!(
        elapsed >= Duration::from_millis(250),
        "held until the update came ({elapsed:?})"
    );
    assert_eq!(updates.len(), 1);
    assert_eq!(i64::from(updates[0].id.0), pushed.update_id);
    let UpdateKind::Message(m) = &updates[0].kind else {
        panic!("expected a message");
    };
    assert_eq!(m.chat.id, ChatId(user.id));
    assert_eq!(m.from.as_ref().map(|u| u.id.0), Some(1001));
    assert_eq!(
        m.from.as_ref().and_then(|u| u.language_code.as_deref()),
        Some("zh-hans")
    );
    assert!(matches!(
        m.forward_origin(),
        Some(MessageOrigin::HiddenUser { sender_user_name, .. }) if sender_user_name == "快递客服"
    ));

    // Not confirmed: delivered again.
    let again = bot.get_updates().await.expect("getUpdates");
    assert_eq!(again.len(), 1);
    // Confirmed: gone for good.
    let offset = i32::try_from(pushed.update_id + 1).expect("offset");
    let none = bot.get_updates().offset(offset).await.expect("getUpdates");
    assert!(none.is_empty());
    assert_eq!(api.confirmed_offset(), pushed.update_id + 1);
    assert!(bot.get_updates().await.expect("getUpdates").is_empty());
    // A timeout with nothing to deliver answers an empty list after the timeout.
    let start = Instant::now();
    let empty = bot
        .get_updates()
        .offset(offset)
        .timeout(1)
        .await
        .expect("poll");
    assert!(empty.is_empty());
    assert!(start.elapsed() >= Duration::from_millis(900));

    // A restart that never confirmed replays: redeliver_from un-confirms.
    api.redeliver_from(pushed.update_id);
    let replayed = bot.get_updates().await.expect("getUpdates");
    assert_eq!(i64::from(replayed[0].id.0), pushed.update_id);

    // Limit and negative offsets (drop_pending_updates).
    for i in 0..3 {
        api.push_message(api.private_text(&user, &format!("m{i}")));
    }
    assert_eq!(bot.get_updates().limit(2).await.expect("poll").len(), 2);
    let last = bot.get_updates().offset(-1).await.expect("poll");
    assert_eq!(last.len(), 1);
    assert_eq!(api.pending_updates(), 1);
}

#[tokio::test]
async fn builders_parse_as_teloxide_messages() {
    let api = FakeBotApi::start(TOKEN).await;
    let bot = bot(&api);
    let user = alice();
    let other = TgUser::new(2002, "客服小王").username("kefu_wang");
    api.push_message(api.forwarded_text(&user, "加我微信", Origin::User(other)));
    api.push_message(api.photo_with_caption(&user, "扫码领取理赔"));
    api.push_message(api.text_with_links(
        &user,
        "点击链接办理退款：立即办理",
        &[("立即办理", "http://refund.example/x")],
    ));
    api.push_message(api.private_text(&user, "/start"));
    let updates = bot.get_updates().await.expect("getUpdates");
    assert_eq!(updates.len(), 4);
    let msgs: Vec<&Message> = updates
        .iter()
        .map(|u| match &u.kind {
            UpdateKind::Message(m) => m,
            k => panic!("not a message: {k:?}"),
        })
        .collect();
    assert!(matches!(
        msgs[0].forward_origin(),
        Some(MessageOrigin::User { sender_user, .. }) if sender_user.id.0 == 2002
    ));
    assert_eq!(msgs[1].caption(), Some("扫码领取理赔"));
    assert!(msgs[1].photo().is_some());
    let entities = msgs[2].entities().expect("entities");
    assert!(
        matches!(&entities[0].kind, MessageEntityKind::TextLink { url } if url.as_str() == "http://refund.example/x")
    );
    assert_eq!(entities[0].offset, 9);
    assert_eq!(entities[0].length, 4);
    assert_eq!(msgs[3].text(), Some("/start"));
    assert!(matches!(
        msgs[3].entities().expect("entities")[0].kind,
        MessageEntityKind::BotCommand
    ));
}

#[tokio::test]
async fn too_many_requests_surfaces_as_retry_after() {
    let api = FakeBotApi::start(TOKEN).await;
    let bot = bot(&api);
    api.fail_next("sendMessage", Fault::TooManyRequests { retry_after: 1 }, 1);
    let err = bot.send_message(ChatId(1001), "x").await.expect_err("429");
    assert!(
        matches!(err, RequestError::RetryAfter(s) if s.seconds() == 1),
        "{err:?}"
    );
    assert!(api.sent_messages().is_empty());
    bot.send_message(ChatId(1001), "x")
        .await
        .expect("fault used up");
    assert_eq!(api.sent_messages().len(), 1);
    assert_eq!(api.pending_faults(), 0);
    assert_eq!(api.faulted_calls().len(), 1);
}

#[tokio::test]
async fn throttled_bot_retries_a_429_once_and_sends_once() {
    use teloxide::adaptors::throttle::Limits;
    let api = FakeBotApi::start(TOKEN).await;
    let bot = bot(&api).throttle(Limits::default());
    api.fail_next("SendMessage", Fault::TooManyRequests { retry_after: 1 }, 1);
    let start = Instant::now();
    bot.send_message(ChatId(1001), "x").await.expect("retried");
    assert!(start.elapsed() >= Duration::from_millis(900));
    assert_eq!(api.calls_to("sendmessage").len(), 2);
    assert_eq!(api.sent_messages().len(), 1);
}

#[tokio::test]
async fn server_error_surfaces_as_api_error() {
    let api = FakeBotApi::start(TOKEN).await;
    let bot = bot(&api);
    api.fail_next("getUpdates", Fault::ServerError(500), 1);
    api.push_message(api.private_text(&alice(), "hi"));
    // teloxide waits 10 s on any 5xx before it reports the error.
    let err = bot.get_updates().await.expect_err("500");
    assert!(
        matches!(&err, RequestError::Api(ApiError::Unknown(d)) if d == "Internal Server Error"),
        "{err:?}"
    );
    assert_eq!(api.pending_updates(), 1, "a failed poll confirms nothing");
    assert_eq!(bot.get_updates().await.expect("poll").len(), 1);
}

#[tokio::test]
async fn dropped_connection_surfaces_as_network_error_without_hidden_retry() {
    let api = FakeBotApi::start(TOKEN).await;
    let bot = bot(&api);
    // Warm a keep-alive connection first: the drop must also be reported on a reused one.
    bot.get_me().await.expect("getMe");
    api.fail_next("sendMessage", Fault::DropConnection, 1);
    let err = bot
        .send_message(ChatId(1001), "x")
        .await
        .expect_err("dropped");
    assert!(matches!(err, RequestError::Network(_)), "{err:?}");
    assert_eq!(api.calls_to("sendmessage").len(), 1, "no transparent retry");
    assert!(
        api.sent_messages().is_empty(),
        "a dropped call has no effect"
    );

    api.fail_next("getUpdates", Fault::DropConnection, 1);
    let err = bot.get_updates().await.expect_err("dropped");
    assert!(matches!(err, RequestError::Network(_)), "{err:?}");

    // DropResponse: the call takes effect but the answer is lost.
    api.fail_next("sendMessage", Fault::DropResponse, 1);
    let err = bot
        .send_message(ChatId(1001), "y")
        .await
        .expect_err("dropped");
    assert!(matches!(err, RequestError::Network(_)), "{err:?}");
    assert_eq!(api.sent_messages().len(), 1);
    bot.send_message(ChatId(1001), "z")
        .await
        .expect("works again");
}

#[tokio::test]
async fn fail_when_matches_only_the_chosen_requests() {
    let api = FakeBotApi::start(TOKEN).await;
    let bot = bot(&api);
    api.fail_when(
        "sendMessage",
        |body| body["text"] == "target",
        Fault::ServerError(502),
        1,
    );
    bot.send_message(ChatId(1), "other")
        .await
        .expect("not matched");
    assert_eq!(api.pending_faults(), 1);
    let started = Instant::now();
    let err = bot
        .send_message(ChatId(1), "target")
        .await
        .expect_err("502");
    assert!(matches!(err, RequestError::Api(_)), "{err:?}");
    assert!(started.elapsed() >= Duration::from_secs(9));
    assert_eq!(api.pending_faults(), 0);
}

#[tokio::test]
async fn plain_http_form_query_and_json_bodies() {
    let api = FakeBotApi::start(TOKEN).await;
    let http = reqwest::Client::new();
    let base = format!("{}/bot{}", api.url(), TOKEN);

    let me: serde_json::Value = http
        .get(format!("{base}/GETME"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(me["ok"], json!(true));
    assert_eq!(me["result"]["can_join_groups"], json!(true));
    assert_eq!(me["result"]["has_main_web_app"], json!(false));

    let sent: serde_json::Value = http
        .post(format!("{base}/sendMessage"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("chat_id=1001&text=%E4%BD%A0%E5%A5%BD+there")
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(sent["result"]["text"], json!("你好 there"));

    let via_query: serde_json::Value = http
        .post(format!("{base}/getUpdates?offset=5&timeout=0"))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(via_query["result"], json!([]));
    assert_eq!(api.confirmed_offset(), 5);

    let other: serde_json::Value = http
        .post(format!("{base}/setMyDescription"))
        .json(&json!({ "description": "d" }))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(other, json!({ "ok": true, "result": true }));
    assert_eq!(
        api.calls_to("setmydescription")[0].body["description"],
        json!("d")
    );

    let bad = http
        .post(format!("{}/bot1:nope/getMe", api.url()))
        .send()
        .await
        .expect("post");
    assert_eq!(bad.status().as_u16(), 401);
    assert_eq!(
        bad.json::<serde_json::Value>().await.expect("json"),
        json!({ "ok": false, "error_code": 401, "description": "Unauthorized" })
    );

    let too_many = {
        api.fail_next("getMe", Fault::TooManyRequests { retry_after: 1 }, 1);
        http.get(format!("{base}/getMe")).send().await.expect("get")
    };
    assert_eq!(too_many.status().as_u16(), 429);
    assert_eq!(
        too_many.json::<serde_json::Value>().await.expect("json"),
        json!({
            "ok": false,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": { "retry_after": 1 }
        })
    );
}

const GROUP: i64 = -1_001_234_567_890;

#[tokio::test]
async fn group_builders_parse_as_teloxide_updates() {
    use teloxide::types::{ChatMemberStatus, MessageKind, Update};

    let api = FakeBotApi::start(TOKEN).await;
    let user = alice();
    let admin = TgUser::new(3003, "Admin");
    // `Update` turns a kind that does not parse into `UpdateKind::Error`: parse the payload
    // strictly too, to see why.
    let parse = |mut update: serde_json::Value| -> Update {
        for (kind, payload) in update.as_object().expect("object") {
            let strict = match kind.as_str() {
                "message" | "edited_message" => {
                    serde_json::from_value::<Message>(payload.clone()).map(drop)
                }
                "my_chat_member" => {
                    serde_json::from_value::<teloxide::types::ChatMemberUpdated>(payload.clone())
                        .map(drop)
                }
                "callback_query" => {
                    serde_json::from_value::<teloxide::types::CallbackQuery>(payload.clone())
                        .map(drop)
                }
                _ => Ok(()),
            };
            if let Err(e) = strict {
                panic!("{kind} does not parse: {e}\n{payload}");
            }
        }
        update["update_id"] = json!(1);
        // From text, as teloxide parses a response: `Update`'s kind wants borrowed keys,
        // which `from_value` cannot lend (every update would come out `UpdateKind::Error`).
        let parsed = serde_json::from_str::<Update>(&update.to_string())
            .unwrap_or_else(|e| panic!("{e}: {update}"));
        assert!(
            !matches!(parsed.kind, UpdateKind::Error(_)),
            "does not parse as an update: {update}"
        );
        parsed
    };
    let message = |update: &Update| -> Message {
        match &update.kind {
            UpdateKind::Message(m) | UpdateKind::EditedMessage(m) => m.clone(),
            k => panic!("not a message: {k:?}"),
        }
    };

    let text = message(&parse(
        json!({ "message": api.group_text(GROUP, &user, "/report spam") }),
    ));
    assert_eq!(text.chat.id, ChatId(GROUP));
    assert!(text.chat.is_supergroup());
    assert_eq!(text.chat.title(), Some(fake_bot_api::GROUP_TITLE));
    assert_eq!(text.from.as_ref().map(|u| u.id.0), Some(1001));
    assert_eq!(text.text(), Some("/report spam"));

    let fwd = message(&parse(json!({ "message": api.group_forwarded(
        GROUP,
        &user,
        "加我微信",
        Origin::channel(-1_009_999, "Deals"),
    ) })));
    assert!(matches!(
        fwd.forward_origin(),
        Some(MessageOrigin::Channel { chat, message_id, .. })
            if chat.id == ChatId(-1_009_999) && message_id.0 == 1
    ));
    let hidden = message(&parse(json!({ "message": api.group_forwarded(
        GROUP,
        &user,
        "x",
        Origin::hidden("客服"),
    ) })));
    assert!(matches!(
        hidden.forward_origin(),
        Some(MessageOrigin::HiddenUser { .. })
    ));
    let from_chat = message(&parse(json!({ "message": api.group_forwarded(
        GROUP,
        &user,
        "x",
        Origin::Chat { id: -1_005_555, title: "Other".to_owned() },
    ) })));
    assert!(matches!(
        from_chat.forward_origin(),
        Some(MessageOrigin::Chat { sender_chat, .. }) if sender_chat.id == ChatId(-1_005_555)
    ));

    let as_channel = message(&parse(
        json!({ "message": api.group_as_channel(GROUP, -1_007_777, "buy now") }),
    ));
    assert_eq!(
        as_channel.sender_chat.as_ref().map(|c| c.id),
        Some(ChatId(-1_007_777))
    );
    assert!(
        as_channel
            .sender_chat
            .as_ref()
            .is_some_and(|c| c.is_channel())
    );
    assert_eq!(
        as_channel.from.as_ref().map(|u| u.id.0),
        Some(u64::try_from(fake_bot_api::CHANNEL_BOT_ID).expect("id"))
    );

    let anon = message(&parse(
        json!({ "message": api.group_anonymous_admin(GROUP, "rules") }),
    ));
    assert_eq!(anon.sender_chat.as_ref().map(|c| c.id), Some(ChatId(GROUP)));
    assert!(
        anon.from.as_ref().is_some_and(|u| u.is_bot
            && u.id.0 == u64::try_from(fake_bot_api::GROUP_ANONYMOUS_BOT_ID).expect("id"))
    );

    let auto = message(&parse(
        json!({ "message": api.group_automatic_forward(GROUP, -1_007_777, "new post") }),
    ));
    assert!(auto.is_automatic_forward());
    assert_eq!(
        auto.sender_chat.as_ref().map(|c| c.id),
        Some(ChatId(-1_007_777))
    );
    assert!(matches!(
        auto.forward_origin(),
        Some(MessageOrigin::Channel { chat, .. }) if chat.id == ChatId(-1_007_777)
    ));

    let join = message(&parse(json!({ "message": api.group_join(GROUP, &user) })));
    assert!(matches!(&join.kind, MessageKind::NewChatMembers(_)));
    assert_eq!(
        join.new_chat_members()
            .map(|u| u.iter().map(|u| u.id.0).collect::<Vec<_>>()),
        Some(vec![1001])
    );

    // push_edited: an edited_message update with the same id and an edit_date.
    let original = api.group_text(GROUP, &user, "hello");
    let pushed = api.push_message(original.clone());
    let mut changed = original;
    changed["text"] = json!("hello, scam link");
    let edited = api.push_edited(changed);
    assert_eq!(edited.message_id, pushed.message_id);
    let stored = api
        .pushed_updates()
        .into_iter()
        .find(|u| u["update_id"] == json!(edited.update_id))
        .expect("edited update");
    let update = parse(stored);
    let UpdateKind::EditedMessage(m) = &update.kind else {
        panic!("not an edited message: {:?}", update.kind);
    };
    assert_eq!(i64::from(m.id.0), pushed.message_id);
    assert_eq!(m.text(), Some("hello, scam link"));
    assert!(m.edit_date().is_some());

    // my_chat_member: the bot is promoted, and its rights change with it.
    let promoted = parse(api.my_chat_member(GROUP, &admin, "member", "administrator", true, false));
    let UpdateKind::MyChatMember(change) = &promoted.kind else {
        panic!("not my_chat_member: {:?}", promoted.kind);
    };
    assert_eq!(change.chat.id, ChatId(GROUP));
    assert_eq!(change.from.id.0, 3003);
    assert_eq!(change.old_chat_member.status(), ChatMemberStatus::Member);
    assert_eq!(
        change.new_chat_member.status(),
        ChatMemberStatus::Administrator
    );
    assert!(change.new_chat_member.can_delete_messages());
    assert!(!change.new_chat_member.can_restrict_members());
    assert_eq!(change.new_chat_member.user.id.0, 4242);
    assert_eq!(api.member_status(GROUP, 4242), "administrator");
    let kicked = parse(api.my_chat_member(GROUP, &admin, "administrator", "kicked", false, false));
    let UpdateKind::MyChatMember(change) = &kicked.kind else {
        panic!("not my_chat_member: {:?}", kicked.kind);
    };
    assert!(change.old_chat_member.can_delete_messages());
    assert_eq!(change.new_chat_member.status(), ChatMemberStatus::Banned);

    // A button on a group message.
    let on = api.group_text(GROUP, &user, "a group message");
    let press = parse(api.group_callback_query(&user, "fb:scam:1", &on));
    assert!(matches!(
        &press.kind,
        UpdateKind::CallbackQuery(q) if matches!(
            &q.message,
            Some(MaybeInaccessibleMessage::Regular(m)) if m.chat.id == ChatId(GROUP)
        )
    ));
}

#[tokio::test]
async fn group_moderation_over_http() {
    use teloxide::types::{ChatMemberKind, ChatMemberStatus, ChatPermissions, UserId};

    let api = FakeBotApi::start(TOKEN).await;
    let bot = bot(&api);
    let group = ChatId(GROUP);
    let spammer = TgUser::new(5005, "Spammer");
    let owner = TgUser::new(6006, "Owner");
    let admin = TgUser::new(7007, "Admin");
    api.set_member(GROUP, &owner, "creator");
    api.set_member(GROUP, &admin, "administrator");
    let uid = |u: &TgUser| UserId(u64::try_from(u.id).expect("id"));

    // Defaults: an unknown user is a member; the bot an administrator with both rights.
    let m = bot
        .get_chat_member(group, uid(&spammer))
        .await
        .expect("getChatMember");
    assert_eq!(m.status(), ChatMemberStatus::Member);
    assert_eq!(m.user.id, uid(&spammer));
    let me = bot
        .get_chat_member(group, UserId(4242))
        .await
        .expect("getChatMember bot");
    assert!(me.is_administrator() && me.can_delete_messages() && me.can_restrict_members());
    assert!(me.user.is_bot);
    for (user, status) in [
        (&owner, ChatMemberStatus::Owner),
        (&admin, ChatMemberStatus::Administrator),
    ] {
        let m = bot
            .get_chat_member(group, uid(user))
            .await
            .expect("getChatMember");
        assert_eq!(m.status(), status);
    }
    let admins = bot
        .get_chat_administrators(group)
        .await
        .expect("getChatAdministrators");
    let ids: Vec<u64> = admins.iter().map(|m| m.user.id.0).collect();
    assert_eq!(ids, [6006, 7007, 4242]);

    // The user's group message is stored: the bot can delete it.
    let msg = api.push_message(api.group_text(GROUP, &spammer, "spam"));
    let mid = MessageId(i32::try_from(msg.message_id).expect("id"));
    assert!(api.message_exists(GROUP, msg.message_id));

    // Restrict, then lift the restriction with every permission.
    bot.restrict_chat_member(group, uid(&spammer), ChatPermissions::empty())
        .await
        .expect("restrict");
    let m = bot
        .get_chat_member(group, uid(&spammer))
        .await
        .expect("getChatMember");
    assert!(
        matches!(&m.kind, ChatMemberKind::Restricted(r) if !r.can_send_messages && r.is_member),
        "{m:?}"
    );
    assert_eq!(
        api.calls_to("restrictChatMember")[0].body["user_id"],
        json!(5005)
    );
    bot.restrict_chat_member(group, uid(&spammer), ChatPermissions::all())
        .await
        .expect("unrestrict");
    assert_eq!(api.member_status(GROUP, 5005), "member");

    // Ban and unban.
    bot.ban_chat_member(group, uid(&spammer))
        .revoke_messages(true)
        .await
        .expect("ban");
    let m = bot
        .get_chat_member(group, uid(&spammer))
        .await
        .expect("getChatMember");
    assert_eq!(m.status(), ChatMemberStatus::Banned);
    assert_eq!(api.calls_to("banChatMember").len(), 1);
    bot.unban_chat_member(group, uid(&spammer))
        .only_if_banned(true)
        .await
        .expect("unban");
    assert_eq!(api.member_status(GROUP, 5005), "left");
    api.push_message(api.group_join(GROUP, &spammer));
    assert_eq!(api.member_status(GROUP, 5005), "member");

    // Sender chats.
    bot.ban_chat_sender_chat(group, ChatId(-1_007_777))
        .await
        .expect("banChatSenderChat");
    assert!(api.sender_chat_banned(GROUP, -1_007_777));
    bot.unban_chat_sender_chat(group, ChatId(-1_007_777))
        .await
        .expect("unbanChatSenderChat");
    assert!(!api.sender_chat_banned(GROUP, -1_007_777));

    // Administrators and the creator cannot be restricted or banned.
    for user in [&owner, &admin] {
        let err = bot
            .restrict_chat_member(group, uid(user), ChatPermissions::empty())
            .await
            .expect_err("restrict an administrator");
        assert!(
            matches!(&err, RequestError::Api(ApiError::Unknown(d)) if d == fake_bot_api::USER_IS_ADMIN),
            "{err:?}"
        );
        let err = bot
            .ban_chat_member(group, uid(user))
            .await
            .expect_err("ban an administrator");
        assert!(
            matches!(&err, RequestError::Api(ApiError::Unknown(d)) if d == fake_bot_api::USER_IS_ADMIN),
            "{err:?}"
        );
    }

    // Without the rights: refused, and nothing changes.
    api.set_bot_rights(GROUP, false, false);
    let me = bot
        .get_chat_member(group, UserId(4242))
        .await
        .expect("getChatMember bot");
    assert_eq!(me.status(), ChatMemberStatus::Member);
    let admins = bot
        .get_chat_administrators(group)
        .await
        .expect("getChatAdministrators");
    assert_eq!(admins.len(), 2, "the bot is no administrator any more");
    let err = bot
        .restrict_chat_member(group, uid(&spammer), ChatPermissions::empty())
        .await
        .expect_err("no right to restrict");
    assert!(
        matches!(err, RequestError::Api(ApiError::NotEnoughRightsToRestrict)),
        "{err:?}"
    );
    let err = bot
        .ban_chat_member(group, uid(&spammer))
        .await
        .expect_err("no right to ban");
    assert!(
        matches!(err, RequestError::Api(ApiError::NotEnoughRightsToRestrict)),
        "{err:?}"
    );
    assert_eq!(api.member_status(GROUP, 5005), "member");
    let err = bot
        .delete_message(group, mid)
        .await
        .expect_err("no right to delete");
    assert!(
        matches!(err, RequestError::Api(ApiError::MessageCantBeDeleted)),
        "{err:?}"
    );
    assert!(api.message_exists(GROUP, msg.message_id));
    // Its own messages it deletes anyway.
    let own = bot.send_message(group, "warning").await.expect("send");
    bot.delete_message(group, own.id)
        .await
        .expect("delete own message");

    // Rights to delete only.
    api.set_bot_rights(GROUP, true, false);
    bot.delete_message(group, mid).await.expect("delete");
    assert!(!api.message_exists(GROUP, msg.message_id));
    let err = bot
        .delete_message(group, mid)
        .await
        .expect_err("already deleted");
    assert!(
        matches!(err, RequestError::Api(ApiError::MessageToDeleteNotFound)),
        "{err:?}"
    );
    let err = bot
        .ban_chat_sender_chat(group, ChatId(-1_007_777))
        .await
        .expect_err("no right to ban a sender chat");
    assert!(
        matches!(err, RequestError::Api(ApiError::NotEnoughRightsToRestrict)),
        "{err:?}"
    );

    // The raw JSON as Telegram answers it.
    let http = reqwest::Client::new();
    let raw: serde_json::Value = http
        .post(format!("{}/bot{TOKEN}/restrictChatMember", api.url()))
        .json(&json!({ "chat_id": GROUP, "user_id": 5005, "permissions": {} }))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(
        raw,
        json!({
            "ok": false,
            "error_code": 400,
            "description": fake_bot_api::NOT_ENOUGH_RIGHTS_TO_RESTRICT
        })
    );
}
