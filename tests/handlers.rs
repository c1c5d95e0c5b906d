//! Handler tests: the real handler tree (`scamguard::bot::schema`) against teloxide_tests' mock
//! Bot API. Rules are inline so the tests do not move with the shipped rule set; locales are
//! the shipped ones plus the explanations of the inline rules.

#[path = "support/in_process.rs"]
mod in_process;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use teloxide::Bot;
use teloxide::dptree::deps;
use teloxide::types::{InlineKeyboardButtonKind, MessageOrigin, ReplyMarkup, User};
use teloxide_tests::{MockBot, MockCallbackQuery, MockMessageText, MockUser};

use scamguard::bot::{App, distribution, schema};

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
id = "t.control.remote"
stage = "control"
weight = 80
trigger = true
lang = ["en"]
explain = "rule-t-remote"
any = ["anydesk", "teamviewer"]
[[rule.example]]
text = "please install AnyDesk"
expect = "match"
[[rule.example]]
text = "hello"
expect = "no-match"

[[rule]]
id = "t.extract.activate"
stage = "extract"
weight = 90
trigger = true
lang = ["zh"]
explain = "rule-t-activate"
all = [["转账"], ["激活", "验证"]]
window = 20
[[rule.example]]
text = "先转账1元激活账户"
expect = "match"
[[rule.example]]
text = "转账成功"
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

const EXPLAIN: [(&str, &str, &str, &str); 6] = [
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
        "rule-t-remote",
        "A remote-control app gives them your device.",
        "远程控制软件会交出你的设备。",
        "遠端遙控軟體會交出你的裝置。",
    ),
    (
        "rule-t-activate",
        "No real account needs a transfer to activate.",
        "真正的账户不需要转账激活。",
        "真正的帳戶不需要匯款啟用。",
    ),
    (
        "rule-t-link",
        "A link to a fake site.",
        "假网站链接。",
        "假網站連結。",
    ),
];

const TRIGGER_ZH: &str = "请扫一下这个二维码，进入腾讯会议后打开屏幕共享";
const TRIGGER_EN: &str = "please install AnyDesk so I can fix your computer";
const SOFT: &str = "您好，我是京东客服";

struct Fixture {
    app: Arc<App>,
    db: PathBuf,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("scamguard.db");
    let app = in_process::app(RULES, &EXPLAIN, &db);
    Fixture { app, db, _dir: dir }
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

fn user(lang: Option<&str>) -> User {
    let u = MockUser::new();
    match lang {
        Some(l) => u.language_code(l.to_string()).build(),
        None => u.build(),
    }
}

fn text(id: i32, t: &str) -> MockMessageText {
    MockMessageText::new().id(id).text(t).from(user(None))
}

fn forwarded(id: i32, t: &str) -> MockMessageText {
    let origin: MessageOrigin = serde_json::from_value(serde_json::json!({
        "type": "hidden_user", "sender_user_name": "Someone", "date": 1_700_000_000
    }))
    .unwrap();
    text(id, t).forward_origin(origin)
}

/// Callback data of the buttons of a sent message.
fn callback_data(markup: &Option<ReplyMarkup>) -> Vec<String> {
    match markup {
        Some(ReplyMarkup::InlineKeyboard(k)) => k
            .inline_keyboard
            .iter()
            .flatten()
            .filter_map(|b| match &b.kind {
                InlineKeyboardButtonKind::CallbackData(d) => Some(d.clone()),
                _ => None,
            })
            .collect(),
        _ => vec![],
    }
}

fn db_bytes(path: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(path).unwrap();
    for ext in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(ext);
        if let Ok(b) = std::fs::read(PathBuf::from(p)) {
            bytes.extend(b);
        }
    }
    bytes
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn start_explains_the_bot() {
    let fx = fixture();
    let mut bot = mock!(fx, text(1, "/start"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(r.sent_messages.len(), 1);
    let t = r.sent_messages[0].text().unwrap();
    assert!(t.contains("forward me the messages"), "{t}");
    assert!(t.contains("Privacy"), "{t}");
}

#[tokio::test]
async fn help_lists_the_commands() {
    let fx = fixture();
    let mut bot = mock!(fx, text(1, "/help"));
    bot.dispatch().await;
    let t = bot.get_responses().sent_messages[0]
        .text()
        .unwrap()
        .to_string();
    for c in ["/check", "/reset", "/lang", "/privacy"] {
        assert!(t.contains(c), "{c} missing in {t}");
    }
}

#[tokio::test]
async fn privacy_command() {
    let fx = fixture();
    let mut bot = mock!(fx, text(1, "/privacy"));
    bot.dispatch().await;
    let t = bot.get_responses().sent_messages[0]
        .text()
        .unwrap()
        .to_string();
    assert!(t.contains("never keep"), "{t}");
}

#[tokio::test]
async fn check_with_a_trigger_sentence_warns() {
    let fx = fixture();
    let mut bot = mock!(fx, text(5, &format!("/check {TRIGGER_EN}")));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(r.sent_messages_text.len(), 1);
    let sent = &r.sent_messages_text[0];
    let t = &sent.bot_request.text;
    assert!(t.starts_with("🚨"), "{t}");
    assert!(
        t.contains("“please install AnyDesk”") || t.contains("AnyDesk"),
        "{t}"
    );
    assert!(
        t.contains("A remote-control app gives them your device."),
        "{t}"
    );
    let data = callback_data(&sent.bot_request.reply_markup);
    assert_eq!(data.len(), 2);
    assert!(
        data[0].starts_with("fb:scam:") && data[1].starts_with("fb:ok:"),
        "{data:?}"
    );
    assert_eq!(
        sent.bot_request
            .reply_parameters
            .as_ref()
            .map(|p| p.message_id.0),
        Some(5)
    );
    // /check never touches the conversation.
    assert!(fx.app.guard.sessions().is_empty());
}

#[tokio::test]
async fn check_clean_and_usage() {
    let fx = fixture();
    let mut bot = mock!(fx, text(1, "/check see you at dinner tonight"));
    bot.dispatch().await;
    let t = bot.get_responses().sent_messages[0]
        .text()
        .unwrap()
        .to_string();
    assert!(t.contains("found nothing"), "{t}");

    bot.update(text(2, "/check"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(r.sent_messages[0].text().unwrap().contains("/check"));
    assert!(callback_data(&r.sent_messages_text[0].bot_request.reply_markup).is_empty());
}

#[tokio::test]
async fn forwarded_trigger_gets_an_immediate_warning_reply() {
    let fx = fixture();
    let mut bot = mock!(fx, forwarded(9, TRIGGER_ZH));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(r.sent_messages_text.len(), 1, "one warning, no calm answer");
    let sent = &r.sent_messages_text[0];
    assert_eq!(
        sent.bot_request
            .reply_parameters
            .as_ref()
            .map(|p| p.message_id.0),
        Some(9)
    );
    let t = &sent.bot_request.text;
    // Telegram did not tell us the user's language: the script of the message decides.
    assert!(t.contains("危险"), "{t}");
    assert!(
        t.contains("“打开屏幕共享”") || t.contains("屏幕共享"),
        "{t}"
    );
    assert!(t.contains("共享屏幕会让对方看到验证码"), "{t}");
    assert!(t.contains("96110"), "{t}");
    assert_eq!(callback_data(&sent.bot_request.reply_markup).len(), 2);
}

#[tokio::test]
async fn a_forwarded_command_is_content() {
    let fx = fixture();
    let mut bot = mock!(fx, forwarded(3, "/start 屏幕共享"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(r.sent_messages_text.len(), 1);
    assert!(!callback_data(&r.sent_messages_text[0].bot_request.reply_markup).is_empty());
}

#[tokio::test]
async fn links_behind_text_are_scanned() {
    let fx = fixture();
    let m = text(4, "屏幕 click").entities(vec![teloxide::types::MessageEntity::text_link(
        reqwest::Url::parse("http://evil.example/pay").unwrap(),
        0,
        2,
    )]);
    let mut bot = mock!(fx, m);
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(r.sent_messages_text.len(), 1);
    let t = &r.sent_messages_text[0].bot_request.text;
    assert!(
        t.contains("引到别处"),
        "the calm answer saw the link stage: {t}"
    );
}

#[tokio::test]
async fn a_burst_of_soft_messages_gets_one_calm_answer() {
    let fx = fixture();
    let burst: Vec<MockMessageText> = (1..=10).map(|i| forwarded(i, SOFT)).collect();
    let mut bot = mock!(fx, burst);
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(r.sent_messages_text.len(), 1, "one answer for ten forwards");
    let sent = &r.sent_messages_text[0];
    assert!(callback_data(&sent.bot_request.reply_markup).is_empty());
    let t = &sent.bot_request.text;
    assert!(t.contains("10"), "{t}");
    assert!(t.contains("冒充身份"), "{t}");
}

#[tokio::test]
async fn a_warning_in_a_burst_replaces_its_calm_answer() {
    let fx = fixture();
    let burst = vec![
        forwarded(1, SOFT),
        forwarded(2, "您的快递丢失了，我们给您理赔"),
        forwarded(3, TRIGGER_ZH),
        forwarded(4, "好的"),
    ];
    let mut bot = mock!(fx, burst);
    bot.dispatch().await;
    let r = bot.get_responses();
    let with_buttons: Vec<_> = r
        .sent_messages_text
        .iter()
        .filter(|s| !callback_data(&s.bot_request.reply_markup).is_empty())
        .collect();
    assert_eq!(with_buttons.len(), 1, "{:?}", r.sent_messages_text.len());
    assert_eq!(
        r.sent_messages_text.len(),
        1,
        "no calm answer in a warned burst"
    );
    let w = &with_buttons[0].bot_request;
    assert_eq!(w.reply_parameters.as_ref().map(|p| p.message_id.0), Some(3));
    // The chain so far is part of the warning.
    assert!(
        w.text.contains("冒充身份 → 编造理由 → 控制设备"),
        "{}",
        w.text
    );
}

#[tokio::test]
async fn reset_forgets_the_conversation() {
    let fx = fixture();
    let mut bot = mock!(fx, vec![forwarded(1, SOFT)]);
    bot.dispatch().await;
    assert_eq!(fx.app.guard.sessions().len(), 1);

    bot.update(text(2, "/reset"));
    bot.dispatch().await;
    let t = bot.get_responses().sent_messages[0]
        .text()
        .unwrap()
        .to_string();
    assert!(t.contains("forgotten"), "{t}");
    assert!(fx.app.guard.sessions().is_empty());

    // The count starts again.
    bot.update(forwarded(3, SOFT));
    bot.dispatch().await;
    let t = bot.get_responses().sent_messages[0]
        .text()
        .unwrap()
        .to_string();
    assert!(t.contains("目前我已看过 1 条消息"), "{t}");
}

#[tokio::test]
async fn lang_choice_is_stored_and_used() {
    let fx = fixture();
    let mut bot = mock!(fx, text(1, "/lang zh-TW"));
    bot.dispatch().await;
    let t = bot.get_responses().sent_messages[0]
        .text()
        .unwrap()
        .to_string();
    assert!(t.contains("繁體中文"), "{t}");

    // An English message from an English client is now answered in Traditional Chinese.
    bot.update(
        MockMessageText::new()
            .id(2)
            .text(TRIGGER_EN)
            .from(user(Some("en"))),
    );
    bot.dispatch().await;
    let r = bot.get_responses();
    let t = &r.sent_messages_text[0].bot_request.text;
    assert!(t.contains("危險"), "{t}");
    assert!(t.contains("165") && t.contains("18222"), "{t}");
    assert!(t.contains("遠端遙控軟體會交出你的裝置"), "{t}");

    bot.update(text(3, "/lang"));
    bot.dispatch().await;
    let t = bot.get_responses().sent_messages[0]
        .text()
        .unwrap()
        .to_string();
    assert!(t.contains("zh-TW"), "{t}");
}

#[tokio::test]
async fn telegram_language_code_is_used_without_a_choice() {
    let fx = fixture();
    let mut bot = mock!(
        fx,
        MockMessageText::new()
            .id(1)
            .text("/start")
            .from(user(Some("zh-hans"))),
    );
    bot.dispatch().await;
    let t = bot.get_responses().sent_messages[0]
        .text()
        .unwrap()
        .to_string();
    assert!(t.contains("你好！我帮你"), "{t}");
}

#[tokio::test]
async fn feedback_is_recorded_with_rule_ids_and_no_text() {
    let fx = fixture();
    let secret = "先转账1元激活账户，再转账9999元验证";
    let mut bot = mock!(fx, forwarded(7, secret));
    bot.dispatch().await;
    let r = bot.get_responses();
    let warning = r.sent_messages_text[0].clone();
    let data = callback_data(&warning.bot_request.reply_markup);
    let scam = data
        .iter()
        .find(|d| d.starts_with("fb:scam:"))
        .unwrap()
        .clone();

    bot.update(
        MockCallbackQuery::new()
            .data(scam)
            .from(user(None))
            .message(warning.message.clone()),
    );
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(r.answered_callback_queries.len(), 1);
    let answer = r.answered_callback_queries[0]
        .text
        .clone()
        .unwrap_or_default();
    assert!(answer.contains("谢谢"), "{answer}");
    assert_eq!(r.edited_messages_reply_markup.len(), 1, "buttons removed");

    let conn = rusqlite::Connection::open(&fx.db).unwrap();
    let (verdict, rules, level): (String, String, String) = conn
        .query_row("SELECT verdict, rule_ids, level FROM feedback", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(verdict, "scam");
    assert_eq!(rules, "t.extract.activate");
    assert_eq!(level, "danger");
    drop(conn);

    let bytes = db_bytes(&fx.db);
    for needle in [secret, "转账", "激活", "9999"] {
        assert!(
            !contains(&bytes, needle),
            "`{needle}` found in the database"
        );
    }
    let chat = MockUser::ID.to_string();
    assert!(!contains(&bytes, &chat), "chat id stored in clear");
}

#[tokio::test]
async fn a_forged_feedback_button_is_answered_gracefully() {
    let fx = fixture();
    let mut bot = mock!(
        fx,
        MockCallbackQuery::new()
            .data("fb:ok:99999")
            .from(user(None))
    );
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(r.answered_callback_queries.len(), 1);
    assert!(r.edited_messages_reply_markup.is_empty());
    let conn = rusqlite::Connection::open(&fx.db).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM feedback", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn a_redelivered_update_is_not_answered_twice() {
    let fx = fixture();
    let mut bot = mock!(fx, forwarded(11, TRIGGER_ZH));
    bot.dispatch().await;
    assert_eq!(bot.get_responses().sent_messages.len(), 1);
    drop(bot);

    // A second bot over the same state sees the same update id again (a restart replays
    // updates the Bot API never saw confirmed).
    let mut again = mock!(fx, forwarded(11, TRIGGER_ZH));
    again.dispatch().await;
    assert!(again.get_responses().sent_messages.is_empty());
}

#[tokio::test]
async fn the_same_message_in_a_new_update_is_warned_once() {
    // Two updates (different ids) for one message: the action log keys on the message.
    let fx = fixture();
    let mut bot = mock!(fx, forwarded(12, TRIGGER_ZH));
    bot.dispatch().await;
    assert_eq!(bot.get_responses().sent_messages.len(), 1);
    bot.update(forwarded(12, TRIGGER_ZH));
    bot.dispatch().await;
    assert!(bot.get_responses().sent_messages.is_empty());
}

#[tokio::test]
async fn hostile_messages_do_not_crash_or_stall() {
    let fx = fixture();
    let huge = "屏幕共享".repeat(5000);
    let bidi = "\u{202E}屏幕共享\u{202C}\u{200B}".repeat(10);
    let burst = vec![
        forwarded(1, &huge),
        forwarded(2, &bidi),
        forwarded(3, "\u{0}\u{1}\u{7f}"),
        forwarded(4, "/check"),
        text(5, "/lang klingon"),
        text(6, "/check@someone_else x"),
    ];
    let mut bot = mock!(fx, burst);
    tokio::time::timeout(Duration::from_secs(30), bot.dispatch())
        .await
        .expect("the bot answers in time");
    let r = bot.get_responses();
    for s in &r.sent_messages_text {
        assert!(s.bot_request.text.chars().count() <= 4096);
        assert!(!s.bot_request.text.contains('\u{202E}'));
    }
    // Both trigger messages are warned about.
    let warnings = r
        .sent_messages_text
        .iter()
        .filter(|s| !callback_data(&s.bot_request.reply_markup).is_empty())
        .count();
    assert_eq!(warnings, 2);
}

#[tokio::test]
async fn logs_carry_ids_and_rules_never_text() {
    let fx = fixture();
    let secret = "打开屏幕共享 secret-marker-8841";
    let mut bot = mock!(fx, forwarded(21, secret));
    bot.dispatch().await;
    assert_eq!(bot.get_responses().sent_messages.len(), 1);
    let logs = String::from_utf8_lossy(&in_process::logs().lock().unwrap()).to_string();
    assert!(logs.contains("t.control.screen"), "rule ids are logged");
    assert!(logs.contains("update_id"), "update ids are logged");
    assert!(
        !logs.contains("secret-marker-8841"),
        "message text leaked into logs"
    );
    assert!(!logs.contains("屏幕共享"), "message text leaked into logs");
}

#[tokio::test]
async fn forwarded_police_advice_gets_the_advice_answer_not_a_warning() {
    let fx = fixture();
    // The moves it names are all warned against.
    let advice = "民警提醒：客服不会让你打开屏幕共享，更不要下载anydesk、转账验证。";
    let mut bot = mock!(fx, forwarded(21, advice));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(r.sent_messages_text.len(), 1, "one answer");
    let sent = &r.sent_messages_text[0];
    let t = &sent.bot_request.text;
    assert!(
        t.contains("防骗提醒") && t.contains("提醒的内容是对的"),
        "{t}"
    );
    assert!(!t.contains("🚨") && !t.contains("⚠️"), "{t}");
    assert!(callback_data(&sent.bot_request.reply_markup).is_empty());
    assert_eq!(
        sent.bot_request
            .reply_parameters
            .as_ref()
            .map(|p| p.message_id.0),
        Some(21)
    );
}

#[tokio::test]
async fn a_story_of_a_scam_is_answered_as_that_scam() {
    let fx = fixture();
    let story = "我妈昨天接到自称客服的电话，她按对方说的打开了屏幕共享，结果被骗了。";
    let mut bot = mock!(fx, forwarded(22, story));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(r.sent_messages_text.len(), 1, "one answer");
    let t = &r.sent_messages_text[0].bot_request.text;
    assert!(t.contains("别人遇到的一次诈骗"), "{t}");
    // The explanation of the scam it tells of, and what to do if it is happening now.
    assert!(t.contains("共享屏幕会让对方看到验证码"), "{t}");
    assert!(t.contains("110"), "{t}");
    assert!(!t.contains("🚨"), "{t}");
}

#[tokio::test]
async fn the_writer_sharing_their_own_screen_is_not_a_scam() {
    let fx = fixture();
    let mut bot = mock!(fx, text(23, "我把屏幕共享打开了，大家能看到吗"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(r.sent_messages_text.len(), 1, "the calm answer only");
    let t = &r.sent_messages_text[0].bot_request.text;
    assert!(!t.contains("🚨"), "{t}");
}

#[tokio::test]
async fn a_request_to_share_the_screen_is_still_danger() {
    let fx = fixture();
    let mut bot = mock!(fx, text(24, "麻烦你把屏幕共享打开，大家能看到吗"));
    bot.dispatch().await;
    let r = bot.get_responses();
    let t = &r.sent_messages_text[0].bot_request.text;
    assert!(t.contains("🚨"), "{t}");
}
