//! Group tests: the real handler tree (`scamguard::bot::schema`) in a supergroup, against
//! teloxide_tests' mock Bot API. Rules are inline (so the tests do not move with the shipped
//! rule set); locales are the shipped ones plus the explanations of the inline rules.
//!
//! What the mock server cannot do, and how the tests live with it:
//!
//! - It has no `getChatMember` / `getChatAdministrators` / `banChatSenderChat`: an unknown
//!   endpoint answers 500 with a body that is not JSON, so teloxide waits 10 s and the call
//!   fails (ambiguously: never retried). Admin status is therefore put into the bot's cache
//!   (`App::admins.remember`) for every sender whose status the bot would ask; the few
//!   behaviours that need one of those calls (`/status`, `/report`, dry mode, banning a
//!   channel, an unverifiable admin) cost 10 s each and say so.
//! - It cannot refuse `deleteMessage` for lack of rights; the bot learns it has no rights from
//!   a `my_chat_member` update instead (built here, the mock has no builder for it).
//! - Message ids: the mock renumbers a message whose id is not above every id it has seen
//!   (the bot's own replies included), so every test uses well-spaced ids.
//! - Update ids restart at 42 with every `MockBot`, and the bot skips update ids it handled:
//!   one `MockBot` per fixture.

#[path = "support/in_process.rs"]
mod in_process;

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

use teloxide::Bot;
use teloxide::dptree::deps;
use teloxide::types::{Chat, ChatMemberUpdated, Update, UpdateId, UpdateKind, User};
use teloxide_tests::{
    IntoUpdate, MockBot, MockChannelChat, MockEditedMessage, MockMe, MockMessageText,
    MockSupergroupChat, MockUser, Responses,
};

use scamguard::bot::{App, HandlerError, distribution, schema};
use scamguard::engine::Level;
use scamguard::i18n::Lang;
use scamguard::policy::{GroupSettings, Response};
use scamguard::store::Counter;

const RULES: &str = r#"
family = "fake_customer_service"

[[rule]]
id = "t.pretext.cs"
stage = "pretext"
weight = 20
lang = ["zh", "en"]
explain = "rule-t-pretext"
any = ["客服", "customer service"]
[[rule.example]]
text = "我是京东客服"
expect = "match"
[[rule.example]]
text = "你好"
expect = "no-match"

[[rule]]
id = "t.hook.parcel"
stage = "hook"
weight = 20
lang = ["zh"]
explain = "rule-t-hook"
any = ["快递丢失", "理赔"]
[[rule.example]]
text = "您的快递丢失了"
expect = "match"
[[rule.example]]
text = "你好"
expect = "no-match"

[[rule]]
id = "t.control.screen"
stage = "control"
weight = 80
trigger = true
lang = ["zh"]
explain = "rule-t-screen"
any = ["屏幕共享", "共享屏幕"]
[[rule.example]]
text = "打开屏幕共享"
expect = "match"
[[rule.example]]
text = "你好"
expect = "no-match"

[[rule]]
id = "t.channel.link"
stage = "channel"
weight = 20
lang = ["zh", "en"]
explain = "rule-t-link"
any = ["evil.example"]
[[rule.example]]
text = "http://evil.example/"
expect = "match"
[[rule.example]]
text = "hello"
expect = "no-match"
"#;

const EXPLAIN: [(&str, &str, &str, &str); 4] = [
    (
        "rule-t-pretext",
        "Claims to be customer service.",
        "冒充客服。",
        "假冒客服。",
    ),
    (
        "rule-t-hook",
        "A made-up reason to act.",
        "编造理由。",
        "編造理由。",
    ),
    (
        "rule-t-screen",
        "Screen sharing lets them see your codes.",
        "共享屏幕会让对方看到验证码。",
        "分享螢幕會讓對方看到驗證碼。",
    ),
    (
        "rule-t-link",
        "A link to a fake site.",
        "假网站链接。",
        "假網站連結。",
    ),
];

/// A hard trigger (control stage): `danger` on its own.
const TRIGGER: &str = "请扫一下这个二维码，进入腾讯会议后打开屏幕共享";
/// Fragments of [`TRIGGER`] that no text of the bot contains (the explanation of the rule
/// says "共享屏幕", not "屏幕共享").
const TRIGGER_FRAGMENTS: [&str; 4] = ["二维码", "腾讯会议", "屏幕共享", "请扫一下"];
/// Three stages, score 60, no trigger: `warning` on its own.
const WARNING: &str = "我是京东客服，您的快递丢失了，请到 evil.example 申请理赔";
/// One stage, no trigger: `caution`.
const SOFT: &str = "您好，我是京东客服";
/// One stage, no trigger, long enough to be tracked as a campaign text.
const SOFT_LONG: &str = "您好，我是京东客服，请问您最近有没有在我们平台购物";
/// A second warning-level text (another text than [`WARNING`]: the same text from another
/// account would be a campaign).
const WARNING_2: &str = "京东客服提醒：快递丢失可以理赔，详情请看 evil.example";
const HARMLESS: &str = "周六下午三点在人民公园门口集合";

const GROUP: i64 = -1_001_234_567_890;
const CHANNEL: i64 = -1_009_876_543_210;
const ADMIN: u64 = 1_001;
const MEMBER: u64 = 2_002;
const OTHER: u64 = 3_003;
/// Telegram's `from` of posts made as the group by an anonymous admin.
const GROUP_ANONYMOUS_BOT: u64 = 1_087_968_824;
/// Telegram's `from` of posts made as a channel.
const CHANNEL_BOT: u64 = 136_817_688;

struct Fixture {
    app: Arc<App>,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let app = in_process::app(RULES, &EXPLAIN, &dir.path().join("scamguard.db"));
    Fixture { app, _dir: dir }
}

impl Fixture {
    /// Cache whether `user` is an admin of the group (no `getChatMember` call then).
    fn admin(&self, user: u64, admin: bool) {
        self.app.admins.remember(GROUP, user as i64, admin);
    }

    fn settings(&self) -> GroupSettings {
        self.app.store.group_settings(GROUP).unwrap()
    }

    fn set_settings(&self, s: &GroupSettings) {
        self.app.store.set_group_settings(GROUP, s, 1).unwrap();
    }

    fn counter(&self, c: Counter) -> u64 {
        self.app
            .store
            .counters(GROUP)
            .unwrap()
            .into_iter()
            .find(|(k, _)| *k == c)
            .map_or(0, |(_, v)| v)
    }

    fn text(&self, lang: Lang, key: &str) -> String {
        self.app.catalog().text(lang, key)
    }
}

/// A mock bot running the real handler tree with the fixture's state. (A macro: the trait of
/// what `MockBot::new` accepts is not exported.)
macro_rules! mock {
    ($fx:expr, $update:expr $(,)?) => {{
        let mut bot =
            MockBot::new_with_distribution_function($update, schema::<Bot>(), distribution);
        bot.dependencies(deps![$fx.app.clone()]);
        bot
    }};
}

fn group_chat() -> Chat {
    MockSupergroupChat::new()
        .id(GROUP)
        .title("Test group")
        .build()
}

/// A user; `lang` is Telegram's language code (`None`: the script of the message decides).
fn person(id: u64, lang: Option<&str>) -> User {
    let u = MockUser::new().id(id).first_name(format!("User {id}"));
    match lang {
        Some(l) => u.language_code(l.to_string()).build(),
        None => u.build(),
    }
}

/// An English-speaking user.
fn en(id: u64) -> User {
    person(id, Some("en"))
}

/// A message of `from` in the group.
fn post(id: i32, from: &User, text: &str) -> MockMessageText {
    MockMessageText::new()
        .id(id)
        .text(text)
        .from(from.clone())
        .chat(group_chat())
}

/// A post made as `chat` (the group itself: an anonymous admin; a channel: a channel post).
fn post_as(id: i32, chat: Chat, text: &str) -> MockMessageText {
    let (from, name) = if chat.id.0 == GROUP {
        (GROUP_ANONYMOUS_BOT, "GroupAnonymousBot")
    } else {
        (CHANNEL_BOT, "Channel_Bot")
    };
    let placeholder = MockUser::new()
        .id(from)
        .is_bot(true)
        .first_name("Telegram")
        .username(name)
        .build();
    post(id, &placeholder, text).sender_chat(chat)
}

fn channel_chat() -> Chat {
    MockChannelChat::new()
        .id(CHANNEL)
        .title("Some channel")
        .build()
}

/// Texts the bot sent.
fn texts(r: &Responses) -> Vec<String> {
    r.sent_messages_text
        .iter()
        .map(|s| s.bot_request.text.clone())
        .collect()
}

/// The texts the bot sent as replies to message `to`.
fn replies_to(r: &Responses, to: i32) -> Vec<String> {
    r.sent_messages_text
        .iter()
        .filter(|s| {
            s.bot_request
                .reply_parameters
                .as_ref()
                .is_some_and(|p| p.message_id.0 == to)
        })
        .map(|s| s.bot_request.text.clone())
        .collect()
}

fn deleted(r: &Responses) -> Vec<i32> {
    r.deleted_messages
        .iter()
        .map(|d| d.bot_request.message_id)
        .collect()
}

/// Nothing at all happened in the group.
fn assert_quiet(r: &Responses) {
    assert!(r.sent_messages.is_empty(), "sent: {:?}", texts(r));
    assert!(r.deleted_messages.is_empty(), "deleted: {:?}", deleted(r));
    assert!(r.banned_chat_members.is_empty());
    assert!(r.restricted_chat_members.is_empty());
}

/// No text of the bot quotes the scam.
fn assert_no_quote(r: &Responses) {
    for t in texts(r) {
        for f in TRIGGER_FRAGMENTS {
            assert!(!t.contains(f), "`{f}` quoted in {t}");
        }
    }
}

/// The bot's own membership changed (the mock has no builder for `my_chat_member`).
struct BotMembership {
    old: &'static str,
    new: &'static str,
}

impl IntoUpdate for BotMembership {
    fn into_update(self, id: &AtomicI32) -> Vec<Update> {
        let me = serde_json::json!({
            "id": MockMe::ID, "is_bot": true, "first_name": "Test", "username": "test_bot"
        });
        let change: ChatMemberUpdated = serde_json::from_value(serde_json::json!({
            "chat": {"id": GROUP, "type": "supergroup", "title": "Test group"},
            "from": {"id": ADMIN, "is_bot": false, "first_name": "Admin"},
            "date": 1_700_000_000,
            "old_chat_member": {"user": me, "status": self.old},
            "new_chat_member": {"user": me, "status": self.new},
        }))
        .expect("valid chat_member_updated");
        vec![Update {
            id: UpdateId(id.fetch_add(1, Ordering::Relaxed) as u32),
            kind: UpdateKind::MyChatMember(change),
        }]
    }
}

/// What was logged since `from` (a length of [`logs`]). Only meaningful while a `MockBot`
/// is alive: it holds teloxide_tests' global lock, so no other test dispatches meanwhile.
fn logged_since(from: usize) -> String {
    String::from_utf8_lossy(&in_process::logs().lock().unwrap()[from..]).to_string()
}

fn log_len() -> usize {
    in_process::logs().lock().unwrap().len()
}

// 1. A newcomer's first message is a hard trigger: deleted, a notice without a quote, no
//    sanction (the default mode is "delete").
#[tokio::test]
async fn a_newcomers_trigger_is_deleted_with_a_notice_that_does_not_quote_it() {
    let fx = fixture();
    fx.admin(MEMBER, false);
    let chinese = person(MEMBER, None);
    let mut bot = mock!(fx, post(100, &chinese, TRIGGER));
    let from = log_len();
    bot.dispatch().await;
    let r = bot.get_responses();

    assert_eq!(deleted(&r), vec![100]);
    let sent = texts(&r);
    assert_eq!(sent.len(), 1, "one notice: {sent:?}");
    let notice = &sent[0];
    // No client language: the script of the message chose Simplified Chinese.
    assert!(notice.contains("我删除了一条诈骗消息"), "{notice}");
    assert!(notice.contains("共享屏幕会让对方看到验证码"), "{notice}");
    assert!(
        !notice.contains("封禁") && !notice.contains("禁言"),
        "{notice}"
    );
    assert_no_quote(&r);
    assert!(
        r.sent_messages_text[0]
            .bot_request
            .reply_parameters
            .is_none(),
        "the notice cannot reply to a deleted message"
    );
    assert!(r.banned_chat_members.is_empty());
    assert!(r.restricted_chat_members.is_empty());

    assert_eq!(fx.counter(Counter::Deleted), 1);
    assert_eq!(fx.counter(Counter::Messages), 1);
    let log = fx.app.store.moderation_log(GROUP, 10).unwrap();
    assert!(
        log.iter().any(|e| e.action == "delete"
            && e.outcome == "done"
            && e.level == Level::Danger
            && e.rule_ids == ["t.control.screen"]),
        "{log:?}"
    );
    let logged = logged_since(from);
    assert!(logged.contains("t.control.screen"), "rule ids are logged");
    for f in TRIGGER_FRAGMENTS {
        assert!(!logged.contains(f), "message text `{f}` leaked into logs");
    }
}

// 2. Harmless chat: no reply at all, and not even a question to Telegram.
#[tokio::test]
async fn harmless_chat_gets_no_reply() {
    let fx = fixture();
    // Admin status deliberately not cached: harmless chat must not need it.
    let mut bot = mock!(fx, post(100, &en(MEMBER), HARMLESS));
    let from = log_len();
    bot.dispatch().await;
    assert_quiet(&bot.get_responses());
    let logged = logged_since(from);
    assert!(!logged.contains("getChatMember"), "{logged}");
    assert!(
        !logged.contains("人民公园"),
        "message text leaked into logs"
    );
    assert_eq!(fx.counter(Counter::Messages), 1);
}

// 3a. An admin posting the trigger is left alone.
#[tokio::test]
async fn an_admins_trigger_is_left_alone() {
    let fx = fixture();
    fx.admin(ADMIN, true);
    let mut bot = mock!(fx, post(100, &en(ADMIN), TRIGGER));
    bot.dispatch().await;
    assert_quiet(&bot.get_responses());
}

// 3b. `/trust` (an admin, in reply to the member's message) exempts the member; `/untrust`
//     ends it.
#[tokio::test]
async fn a_trusted_member_is_left_alone_until_untrusted() {
    let fx = fixture();
    fx.admin(ADMIN, true);
    fx.admin(MEMBER, false);
    let member = en(MEMBER);
    let hello = post(100, &member, HARMLESS).build();
    let mut bot = mock!(fx, post(100, &member, HARMLESS));
    bot.dispatch().await;
    assert_quiet(&bot.get_responses());

    bot.update(post(200, &en(ADMIN), "/trust").reply_to_message(hello.clone()));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(replies_to(&r, 200), vec![fx.text(Lang::En, "trust-done")]);
    assert!(fx.app.store.member(GROUP, MEMBER as i64).unwrap().trusted);

    bot.update(post(300, &member, TRIGGER));
    bot.dispatch().await;
    assert_quiet(&bot.get_responses());

    bot.update(post(400, &en(ADMIN), "/untrust").reply_to_message(hello));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(replies_to(&r, 400), vec![fx.text(Lang::En, "untrust-done")]);
    assert!(!fx.app.store.member(GROUP, MEMBER as i64).unwrap().trusted);

    bot.update(post(500, &member, TRIGGER));
    bot.dispatch().await;
    assert_eq!(deleted(&bot.get_responses()), vec![500]);
}

// 3c. A trust set directly in the store counts the same.
#[tokio::test]
async fn trust_from_the_store_is_honoured() {
    let fx = fixture();
    fx.app
        .store
        .set_trusted(GROUP, MEMBER as i64, true, 1)
        .unwrap();
    let mut bot = mock!(fx, post(100, &en(MEMBER), TRIGGER));
    bot.dispatch().await;
    assert_quiet(&bot.get_responses());
}

// 4. An anonymous admin posts as the group: never acted on, and may change the settings.
#[tokio::test]
async fn an_anonymous_admin_is_an_admin() {
    let fx = fixture();
    let mut bot = mock!(fx, post_as(100, group_chat(), TRIGGER));
    bot.dispatch().await;
    assert_quiet(&bot.get_responses());

    bot.update(post_as(200, group_chat(), "/mode warn"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(
        replies_to(&r, 200),
        vec![r#"Done: warn from level "danger" up; below it I warn."#.to_string()]
    );
    assert_eq!(fx.settings().on_danger, Response::Warn);
}

// 5a. `/mode ban`: refused for a member, stored for an admin; then a trigger is deleted and
//     its sender banned.
#[tokio::test]
async fn mode_ban_is_for_admins_and_bans() {
    let fx = fixture();
    fx.admin(ADMIN, true);
    fx.admin(MEMBER, false);
    fx.admin(OTHER, false);
    let mut bot = mock!(fx, post(100, &en(MEMBER), "/mode ban"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(replies_to(&r, 100), vec![fx.text(Lang::En, "not-admin")]);
    assert_eq!(texts(&r).len(), 1);
    assert_eq!(fx.settings(), GroupSettings::default());

    bot.update(post(200, &en(ADMIN), "/mode ban"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(
        replies_to(&r, 200),
        vec![r#"Done: delete and ban from level "danger" up; below it I warn."#.to_string()]
    );
    let s = fx.settings();
    assert_eq!(s.on_danger, Response::Ban);
    assert_eq!(s.on_warning, Response::Warn);

    bot.update(post(300, &en(OTHER), TRIGGER));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(deleted(&r), vec![300]);
    assert_eq!(r.banned_chat_members.len(), 1);
    let ban = &r.banned_chat_members[0];
    assert_eq!((ban.chat_id.id(), ban.user_id), (GROUP, OTHER));
    assert!(r.restricted_chat_members.is_empty());
    let sent = texts(&r);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].contains("and banned the sender"), "{}", sent[0]);
    assert_no_quote(&r);
    assert_eq!(fx.counter(Counter::Banned), 1);
}

// 5b. `/mode mute`: a trigger is deleted and its sender muted for the default 60 minutes.
#[tokio::test]
async fn mode_mute_mutes() {
    let fx = fixture();
    fx.admin(ADMIN, true);
    fx.admin(MEMBER, false);
    let mut bot = mock!(fx, post(100, &en(ADMIN), "/mode mute"));
    bot.dispatch().await;
    assert_eq!(fx.settings().on_danger, Response::Mute);

    bot.update(post(200, &en(MEMBER), TRIGGER));
    let before = chrono::Utc::now().timestamp();
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(deleted(&r), vec![200]);
    assert!(r.banned_chat_members.is_empty());
    assert_eq!(r.restricted_chat_members.len(), 1);
    let mute = &r.restricted_chat_members[0];
    assert_eq!((mute.chat_id.id(), mute.user_id), (GROUP, MEMBER));
    assert!(
        !mute
            .permissions
            .contains(teloxide::types::ChatPermissions::SEND_MESSAGES),
        "{:?}",
        mute.permissions
    );
    let until = mute.until_date.expect("a mute ends");
    assert!(
        (before + 59 * 60..=before + 61 * 60 + 30).contains(&until),
        "until {until}, now {before}"
    );
    let sent = texts(&r);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].contains("muted the sender for 60 minutes"),
        "{}",
        sent[0]
    );
}

/// A member with `n` harmless messages seen: no longer a newcomer by message count.
async fn regular(bot: &mut MockBot<HandlerError, ()>, user: &User, first_id: i32, n: i32) {
    for i in 0..n {
        bot.update(post(first_id + i * 10, user, HARMLESS));
        bot.dispatch().await;
        assert_quiet(&bot.get_responses());
    }
}

// 5c. `/threshold warning` + `/mode delete`: a warning-level message (no trigger) of a regular
//     member is deleted; before, it was only warned about.
#[tokio::test]
async fn threshold_warning_deletes_warning_level_messages() {
    let fx = fixture();
    fx.admin(ADMIN, true);
    fx.admin(MEMBER, false);
    fx.admin(OTHER, false);
    let (first, second) = (en(MEMBER), en(OTHER));
    let mut bot = mock!(fx, post(10, &first, HARMLESS));
    bot.dispatch().await;
    regular(&mut bot, &first, 20, 2).await;
    regular(&mut bot, &second, 100, 3).await;

    // Default settings: a regular member's warning-level message gets a warning reply.
    bot.update(post(200, &first, WARNING));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(deleted(&r).is_empty());
    let warned = replies_to(&r, 200);
    assert_eq!(warned.len(), 1, "{:?}", texts(&r));
    assert!(warned[0].starts_with("⚠️ Careful"), "{}", warned[0]);
    assert!(warned[0].contains("Claims to be customer service."));

    bot.update(post(300, &en(ADMIN), "/threshold warning"));
    bot.dispatch().await;
    assert_eq!(
        replies_to(&bot.get_responses(), 300),
        vec![r#"Done: delete from level "warning" up; below it I warn."#.to_string()]
    );
    bot.update(post(400, &en(ADMIN), "/mode delete"));
    bot.dispatch().await;
    assert_eq!(
        replies_to(&bot.get_responses(), 400),
        vec![r#"Done: delete from level "warning" up; below it I warn."#.to_string()]
    );
    let s = fx.settings();
    assert_eq!(
        (s.threshold, s.on_warning, s.on_danger),
        (Level::Warning, Response::Delete, Response::Delete)
    );

    bot.update(post(500, &second, WARNING_2));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(deleted(&r), vec![500]);
    let sent = texts(&r);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].contains("(level: warning)"), "{}", sent[0]);
}

// 5d. A newcomer's lone soft signal stays `caution` (newcomers are judged stricter only from
//     `warning` up): nothing, even under "delete from warning up".
#[tokio::test]
async fn a_newcomers_lone_soft_signal_gets_nothing() {
    let fx = fixture();
    fx.admin(MEMBER, false);
    let mut s = GroupSettings::default();
    assert!(s.set_threshold(Level::Warning));
    s.set_mode(Response::Delete);
    fx.set_settings(&s);
    let mut bot = mock!(fx, post(100, &en(MEMBER), SOFT));
    bot.dispatch().await;
    assert_quiet(&bot.get_responses());
}

// 5e. The same soft text from a second account within minutes is a campaign: one level up
//     (`warning`), and for a newcomer one more (`danger`): deleted under the defaults.
#[tokio::test]
async fn the_same_soft_text_from_two_accounts_is_a_campaign() {
    let fx = fixture();
    fx.admin(MEMBER, false);
    fx.admin(OTHER, false);
    let mut bot = mock!(fx, post(100, &en(MEMBER), SOFT_LONG));
    bot.dispatch().await;
    assert_quiet(&bot.get_responses());
    bot.update(post(200, &en(OTHER), SOFT_LONG));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(deleted(&r), vec![200]);
    assert!(texts(&r)[0].contains("(level: danger)"), "{:?}", texts(&r));
}

// 5f. A newcomer posts the same warning-level scam twice, under the default settings: both
//     copies go. The second repeats what the conversation was already warned about, so it
//     does not alert again; on its own it is a `warning`, one level stricter `danger`.
#[tokio::test]
async fn a_repeated_warning_level_scam_is_deleted_too() {
    let fx = fixture();
    fx.admin(MEMBER, false);
    let member = en(MEMBER);
    let mut bot = mock!(fx, post(100, &member, WARNING));
    bot.dispatch().await;
    assert_eq!(deleted(&bot.get_responses()), vec![100]);
    bot.update(post(200, &member, WARNING));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(deleted(&r), vec![200], "sent instead: {:?}", texts(&r));
}

// 5g. An admin command from someone whose status cannot be checked (getChatMember fails on
//     the mock: 10 s) is not carried out.
#[tokio::test]
async fn an_unverifiable_admin_command_is_not_carried_out() {
    let fx = fixture();
    let mut bot = mock!(fx, post(100, &en(MEMBER), "/mode ban"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(
        replies_to(&r, 100),
        vec![fx.text(Lang::En, "admin-unverified")]
    );
    assert_eq!(fx.settings(), GroupSettings::default());
}

// 6. Dry mode: nothing is done in the group (the admins would be told: needs
//    getChatAdministrators, which the mock lacks; 10 s).
#[tokio::test]
async fn dry_mode_does_nothing_in_the_group() {
    let fx = fixture();
    fx.admin(MEMBER, false);
    fx.set_settings(&GroupSettings {
        dry_run: true,
        ..Default::default()
    });
    let mut bot = mock!(fx, post(100, &en(MEMBER), TRIGGER));
    bot.dispatch().await;
    assert_quiet(&bot.get_responses());
    assert_eq!(fx.counter(Counter::Dry), 1);
    assert_eq!(fx.counter(Counter::Deleted), 0);
    let log = fx.app.store.moderation_log(GROUP, 10).unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "delete" && e.outcome == "dry"),
        "{log:?}"
    );
}

// 7. An edit that turns a harmless message into the trigger: deleted.
#[tokio::test]
async fn an_edit_into_a_scam_is_deleted() {
    let fx = fixture();
    fx.admin(MEMBER, false);
    let member = en(MEMBER);
    let mut bot = mock!(fx, post(100, &member, HARMLESS));
    bot.dispatch().await;
    assert_quiet(&bot.get_responses());

    bot.update(MockEditedMessage::new(post(100, &member, TRIGGER).build()));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(deleted(&r), vec![100]);
    assert_eq!(texts(&r).len(), 1, "a notice: {:?}", texts(&r));
    assert_no_quote(&r);
    // An edit is not a new message.
    assert_eq!(fx.counter(Counter::Messages), 1);
    assert_eq!(
        fx.app.store.member(GROUP, MEMBER as i64).unwrap().messages,
        1
    );
}

// 8a. A post made as a channel: deleted like anyone's.
#[tokio::test]
async fn a_channel_post_with_the_trigger_is_deleted() {
    let fx = fixture();
    let mut bot = mock!(fx, post_as(100, channel_chat(), TRIGGER));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(deleted(&r), vec![100]);
    assert_eq!(texts(&r).len(), 1, "{:?}", texts(&r));
    assert_no_quote(&r);
}

// 8b. `/mode ban` and a channel post: deleted; the channel (not Telegram's placeholder user)
//     would be banned with banChatSenderChat, which the mock lacks (10 s, recorded failed).
#[tokio::test]
async fn mode_ban_on_a_channel_post_never_bans_the_placeholder_user() {
    let fx = fixture();
    fx.admin(ADMIN, true);
    let mut bot = mock!(fx, post(100, &en(ADMIN), "/mode ban"));
    bot.dispatch().await;
    assert_eq!(fx.settings().on_danger, Response::Ban);

    bot.update(post_as(200, channel_chat(), TRIGGER));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(deleted(&r), vec![200]);
    assert!(
        r.banned_chat_members.is_empty(),
        "banChatMember is for users: {:?}",
        r.banned_chat_members
    );
    assert!(r.restricted_chat_members.is_empty());
    let log = fx.app.store.moderation_log(GROUP, 10).unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "ban" && e.outcome == "failed"),
        "{log:?}"
    );
}

// 8c. The linked channel's automatic forward is the admins' own post.
#[tokio::test]
async fn the_linked_channels_automatic_forward_is_left_alone() {
    let fx = fixture();
    let forward = post_as(100, channel_chat(), TRIGGER).is_automatic_forward(true);
    let mut bot = mock!(fx, forward);
    bot.dispatch().await;
    assert_quiet(&bot.get_responses());
}

// 8d. The bot's own messages are never acted on.
#[tokio::test]
async fn the_bots_own_message_is_left_alone() {
    let fx = fixture();
    let me = MockUser::new()
        .id(MockMe::ID)
        .is_bot(true)
        .first_name("Test")
        .username("test_bot")
        .build();
    let mut bot = mock!(fx, post(100, &me, TRIGGER));
    bot.dispatch().await;
    assert_quiet(&bot.get_responses());
}

// 9a. `/report` in reply to a scam the bot never saw: deleted, the reporter thanked;
//     `/report` alone: the usage. (The note to the admins needs getChatAdministrators: 10 s.)
#[tokio::test]
async fn report_deletes_a_scam_and_answers_the_reporter() {
    let fx = fixture();
    fx.admin(MEMBER, false);
    fx.admin(OTHER, false);
    // Posted before the bot joined: never dispatched itself.
    let scam = post(100, &en(OTHER), TRIGGER).build();
    let mut bot = mock!(fx, post(200, &en(MEMBER), "/report").reply_to_message(scam));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(deleted(&r), vec![100]);
    assert_eq!(
        replies_to(&r, 200),
        vec![
            "Thanks: that message is a scam (level: danger). I acted on it and told the admins."
                .to_string()
        ]
    );
    assert_eq!(texts(&r).len(), 2, "notice and reply: {:?}", texts(&r));
    assert_no_quote(&r);
    assert_eq!(fx.counter(Counter::Reports), 1);

    bot.update(post(300, &en(MEMBER), "/report"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(replies_to(&r, 300), vec![fx.text(Lang::En, "report-usage")]);
    assert!(deleted(&r).is_empty());
}

// 9b. The fourth `/report` within ten minutes by one member is refused. (All four at once:
//     each allowed report costs 10 s of the missing getChatAdministrators.)
#[tokio::test]
async fn the_fourth_report_in_ten_minutes_is_refused() {
    let fx = fixture();
    fx.admin(MEMBER, false);
    fx.admin(OTHER, false);
    // Ids rise through the batch (reported, report, reported, …): the mock renumbers a
    // message whose id is not above every id it has seen.
    let reports: Vec<MockMessageText> = (0..4)
        .map(|i| {
            let reported = post(100 + 20 * i, &en(OTHER), HARMLESS).build();
            post(110 + 20 * i, &en(MEMBER), "/report").reply_to_message(reported)
        })
        .collect();
    let mut bot = mock!(fx, reports);
    bot.dispatch().await;
    let r = bot.get_responses();
    let answers: Vec<String> = (0..4).flat_map(|i| replies_to(&r, 110 + 20 * i)).collect();
    assert_eq!(answers.len(), 4, "{answers:?}");
    let limited = fx.text(Lang::En, "report-limited");
    let clean = fx.text(Lang::En, "report-clean");
    assert_eq!(
        answers.iter().filter(|a| **a == limited).count(),
        1,
        "{answers:?}"
    );
    assert_eq!(
        answers.iter().filter(|a| **a == clean).count(),
        3,
        "{answers:?}"
    );
    assert!(deleted(&r).is_empty());
    assert_eq!(fx.counter(Counter::Reports), 3);
}

// 10. `/stats` counts the deletion; `/status` tells the mode (it asks Telegram for the bot's
//     rights: getChatMember, 10 s, the last known rights are shown).
#[tokio::test]
async fn status_and_stats() {
    let fx = fixture();
    fx.admin(MEMBER, false);
    let mut bot = mock!(fx, post(100, &en(MEMBER), TRIGGER));
    bot.dispatch().await;
    assert_eq!(deleted(&bot.get_responses()), vec![100]);

    bot.update(post(200, &en(OTHER), "/stats"));
    bot.dispatch().await;
    let stats = replies_to(&bot.get_responses(), 200);
    assert_eq!(stats.len(), 1);
    assert!(stats[0].contains("1 messages checked"), "{}", stats[0]);
    assert!(stats[0].contains("1 deleted"), "{}", stats[0]);
    assert!(stats[0].contains("0 warnings"), "{}", stats[0]);

    bot.update(post(300, &en(OTHER), "/status"));
    bot.dispatch().await;
    let status = replies_to(&bot.get_responses(), 300);
    assert_eq!(status.len(), 1);
    let t = &status[0];
    assert!(
        t.contains(r#"at "warning": warn; at "danger": delete;"#),
        "{t}"
    );
    assert!(t.contains("a mute lasts 60 minutes"), "{t}");
    assert!(t.contains("Dry run (only tell the admins): off"), "{t}");
    assert!(t.contains("Rules loaded: 4"), "{t}");
}

// 11. Missing rights: the bot was added as a plain member. It says hello (which names the
//     rights it needs), and a scam is then warned about instead of deleted, without telling
//     the group again. (The mock cannot refuse deleteMessage itself.)
#[tokio::test]
async fn without_the_delete_right_a_scam_is_warned_about() {
    let fx = fixture();
    fx.admin(MEMBER, false);
    let mut bot = mock!(
        fx,
        BotMembership {
            old: "left",
            new: "member"
        }
    );
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(texts(&r), vec![fx.text(Lang::En, "group-hello")]);

    bot.update(post(100, &en(MEMBER), TRIGGER));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(deleted(&r).is_empty(), "no deleteMessage without the right");
    let warned = replies_to(&r, 100);
    assert_eq!(warned.len(), 1, "{:?}", texts(&r));
    assert!(warned[0].starts_with("🚨 Danger"), "{}", warned[0]);
    assert_eq!(texts(&r).len(), 1, "the missing right is not told twice");
    assert_no_quote(&r);
    assert_eq!(fx.counter(Counter::Failed), 1);
    assert_eq!(fx.counter(Counter::Deleted), 0);
}

#[tokio::test]
async fn a_colleague_sharing_their_own_screen_is_left_alone() {
    let fx = fixture();
    fx.admin(MEMBER, false);
    let member = person(MEMBER, None);
    // It names the move without asking anyone to make it.
    let mut bot = mock!(fx, post(100, &member, "我把屏幕共享打开了，大家能看到吗"));
    bot.dispatch().await;
    assert_quiet(&bot.get_responses());
}

#[tokio::test]
async fn police_advice_in_a_group_is_left_alone() {
    let fx = fixture();
    fx.admin(MEMBER, false);
    let member = person(MEMBER, None);
    let advice = "民警提醒：客服不会让你打开屏幕共享，谨防诈骗。";
    let mut bot = mock!(fx, post(100, &member, advice));
    bot.dispatch().await;
    assert_quiet(&bot.get_responses());
}

#[tokio::test]
async fn asking_the_group_to_share_screens_is_still_deleted() {
    let fx = fixture();
    fx.admin(MEMBER, false);
    let member = person(MEMBER, None);
    let mut bot = mock!(fx, post(100, &member, "大家把屏幕共享打开，我来指导"));
    bot.dispatch().await;
    assert_eq!(deleted(&bot.get_responses()), vec![100]);
}
