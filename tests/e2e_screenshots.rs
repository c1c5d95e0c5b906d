//! Screenshots end to end: the built binary downloads a photo from the fake Bot API, reads its
//! messages with the real Tesseract, feeds them into the sender's conversation and answers
//! once. The screenshots are rendered here (tests/support/screens.rs) from the Kaiping seed
//! case as this repository writes it (tests/support/cases.rs) and from texts written here;
//! every expected outcome is written by hand.
//!
//! Needs Tesseract and fonts-noto-cjk (`.ci/run` installs them); without them the tests that
//! read images say so and pass, unless `SCAMGUARD_REQUIRE_OCR` is set.

mod support;

use std::time::Duration;

use support::bot_process::Harness;
use support::cases::KAIPING_LOST_PARCEL;
use support::fake_bot_api::{FakeBotApi, Origin, SentMessage};
use support::screens::{self, Item, Script, mine, theirs};
use support::{is_warning, settle, victim, wait_polling, watch};

const WAIT: Duration = Duration::from_secs(60);
const QUIET: Duration = Duration::from_millis(1500);
const STOP: Duration = Duration::from_secs(10);

fn ocr_ready() -> bool {
    screens::tesseract_or_skip().is_some()
}

/// The PNG of a chat screenshot and the photo size Telegram reports for it.
fn shot(title: &str, items: &[Item]) -> (Vec<u8>, (u32, u32, usize)) {
    let img = screens::chat(title, items, Script::Simplified);
    let bytes = screens::png(&img);
    let dims = (img.width(), img.height(), bytes.len());
    (bytes, dims)
}

fn replies_to(api: &FakeBotApi, chat: i64, message_id: i64) -> Vec<SentMessage> {
    api.sent_messages()
        .into_iter()
        .filter(|m| m.chat_id == chat && m.reply_to() == Some(message_id))
        .collect()
}

/// The "why" lines of a warning (they start with a bullet).
fn why_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with('•'))
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kaiping_chat_as_a_screenshot_gets_the_danger_warning_the_forwarded_text_gets() {
    if !ocr_ready() {
        return;
    }
    let mut h = Harness::start().await;
    let api = h.api.clone();
    let mut bot = h.spawn_bot();
    wait_polling(&api, &mut bot).await;

    // The case's messages forwarded one by one, in one chat.
    let forwarder = victim(840_001, "转发的人");
    let mut forwarded = Vec::new();
    for text in KAIPING_LOST_PARCEL.messages {
        forwarded.push(api.push_message(api.forwarded_text(
            &forwarder,
            text,
            Origin::HiddenUser(KAIPING_LOST_PARCEL.scammer.into()),
        )));
    }
    let trigger = &forwarded[KAIPING_LOST_PARCEL.trigger];
    let forwarded_warning = watch(
        &mut bot,
        api.wait_for_sent(WAIT, "the warning on the forwarded screen share", |sent| {
            sent.iter()
                .find(|m| m.reply_to() == Some(trigger.message_id) && is_warning(m))
                .cloned()
        }),
    )
    .await;

    // The same chat as a WeChat screenshot, with the victim's own replies between.
    let m = KAIPING_LOST_PARCEL.messages;
    let items = vec![
        Item::Time("5月9日 上午10:12".into()),
        theirs(m[0]),
        mine("好的，要怎么理赔？"),
        theirs(m[1]),
        theirs(m[2]),
        mine("扫好了"),
        theirs(m[3]),
        theirs(m[4]),
        theirs(m[5]),
    ];
    let (bytes, dims) = shot(KAIPING_LOST_PARCEL.scammer, &items);
    api.add_file("kaiping-shot", bytes);
    let person = victim(840_002, "截图的人");
    let photo = api.push_message(api.photo(None, &person, "kaiping-shot", dims, None));
    let warning = watch(
        &mut bot,
        api.wait_for_sent(WAIT, "a warning on the screenshot", |sent| {
            sent.iter()
                .find(|m| m.reply_to() == Some(photo.message_id) && is_warning(m))
                .cloned()
        }),
    )
    .await;

    // An ordinary chat from someone else.
    let items = vec![
        theirs("周日上午十点在公园门口集合，记得带水"),
        mine("好的，我开车过去，可以顺路接你"),
        theirs("太好了，那我九点半在小区门口等你"),
        mine("没问题，到了给你打电话"),
    ];
    let (bytes, dims) = shot("老同学", &items);
    api.add_file("plain-shot", bytes);
    let friend = victim(840_003, "朋友");
    let plain = api.push_message(api.photo(None, &friend, "plain-shot", dims, None));
    settle(&api, plain.update_id, QUIET, WAIT).await;
    bot.stop_gracefully(STOP).await;
    let log = api.summary();

    let text = warning.text();
    // 9 bubbles: 6 from the scammer, 2 from the victim, the time separator is not one.
    assert!(
        text.starts_with("我从你的截图中读到 8 条消息。"),
        "the reply says what it read: {text}"
    );
    assert!(text.contains("危险"), "danger: {text}");
    assert!(
        text.contains("画面共享"),
        "it quotes the recognised screen share: {text}"
    );
    // The forwarded screen share's first explanation is its hard trigger's (triggers come
    // first); the screenshot's warning, which explains all the messages that alerted (at most
    // five lines), gives it too, and explains the same scam: customer service, not another.
    let forwarded_why = why_lines(forwarded_warning.text());
    let trigger_line = forwarded_why
        .first()
        .expect("the forwarded warning explains");
    assert!(
        text.contains(trigger_line.as_str()),
        "the screenshot's warning explains the screen share as the forwarded one does: {trigger_line}\n{text}"
    );
    assert!(
        !text.contains("杀猪盘") && !forwarded_warning.text().contains("杀猪盘"),
        "neither warning names pig-butchering for a courier scam\n{text}\n{}",
        forwarded_warning.text()
    );
    let photo_replies = replies_to(&api, person.id, photo.message_id);
    assert_eq!(photo_replies.len(), 1, "one answer for the image\n{log}");

    let calm = replies_to(&api, friend.id, plain.message_id);
    assert_eq!(calm.len(), 1, "one answer for the ordinary chat\n{log}");
    assert!(!is_warning(&calm[0]), "{}", calm[0].text());
    assert!(
        calm[0].text().starts_with("我从你的截图中读到 4 条消息。"),
        "{}",
        calm[0].text()
    );
    assert!(
        calm[0].text().contains("暂未发现诈骗迹象"),
        "{}",
        calm[0].text()
    );

    let run_log = bot.log();
    assert!(
        run_log.contains("screenshots are read with Tesseract"),
        "{run_log}"
    );
    assert!(run_log.contains("screenshot read"), "{run_log}");
    for secret in ["画面共享", "理赔", "公园门口"] {
        assert!(
            !run_log.contains(secret),
            "recognised text is never logged: {secret}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_tesseract_the_bot_runs_and_says_screenshots_are_off() {
    if !screens::font_available() {
        eprintln!("SKIPPED: {} is not installed", screens::NOTO_CJK);
        return;
    }
    let mut h = Harness::start_with("\n[media]\ntesseract = \"/nonexistent/tesseract\"\n").await;
    let api = h.api.clone();
    let mut bot = h.spawn_bot();
    wait_polling(&api, &mut bot).await;

    let (bytes, dims) = shot("客服", &[theirs("请打开屏幕共享")]);
    api.add_file("shot", bytes);
    let user = victim(841_001, "用户");
    let photo = api.push_message(api.photo(None, &user, "shot", dims, None));
    let text = api.push_message(api.private_text(&user, "请把收到的验证码告诉我"));
    settle(&api, text.update_id, QUIET, WAIT).await;
    bot.stop_gracefully(STOP).await;
    let log = api.summary();

    let answer = replies_to(&api, user.id, photo.message_id);
    assert_eq!(answer.len(), 1, "{log}");
    assert!(
        answer[0].text().contains("无法读取截图"),
        "the image gets a sentence saying screenshots are off: {}",
        answer[0].text()
    );
    assert!(
        replies_to(&api, user.id, text.message_id)
            .iter()
            .any(is_warning),
        "text messages are judged as ever\n{log}"
    );
    let run_log = bot.log();
    assert!(run_log.contains("screenshots are off"), "{run_log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_screenshots_is_limited_politely_and_text_is_never_held_up() {
    if !ocr_ready() {
        return;
    }
    let mut h = Harness::start_with("\n[media]\nocr_per_minute = 2\n").await;
    let api = h.api.clone();
    let mut bot = h.spawn_bot();
    wait_polling(&api, &mut bot).await;

    let (bytes, dims) = shot("同事", &[theirs("明天的会议改到下午三点")]);
    api.add_file("meeting-shot", bytes);
    let user = victim(842_001, "发很多截图的人");
    let photos: Vec<_> = (0..6)
        .map(|_| api.push_message(api.photo(None, &user, "meeting-shot", dims, None)))
        .collect();
    // Meanwhile someone else forwards a hard trigger, and a third user sends a broken image.
    let other = victim(842_002, "别人");
    let text = api.push_message(api.private_text(&other, "您扫一下这个二维码，打开屏幕共享"));
    api.add_file("broken", b"\x89PNG\r\n\x1a\n not an image".to_vec());
    let third = victim(842_003, "第三个人");
    let broken = api.push_message(api.photo(None, &third, "broken", (1080, 2400, 30), None));
    let last = photos
        .last()
        .map_or(0, |p| p.update_id)
        .max(broken.update_id);
    settle(&api, last.max(text.update_id), QUIET, WAIT).await;
    let status = bot.stop_gracefully(STOP).await;
    let log = api.summary();

    let answers: Vec<Vec<SentMessage>> = photos
        .iter()
        .map(|p| replies_to(&api, user.id, p.message_id))
        .collect();
    let read = answers
        .iter()
        .filter(|a| a.iter().any(|m| m.text().starts_with("我从你的截图中读到")))
        .count();
    let limited = answers
        .iter()
        .filter(|a| a.iter().any(|m| m.text().contains("每分钟最多读 2 张")))
        .count();
    assert_eq!(read, 2, "two screenshots read\n{log}");
    assert_eq!(limited, 1, "one polite reply about the limit\n{log}");
    assert_eq!(
        answers.iter().filter(|a| a.is_empty()).count(),
        3,
        "the rest are skipped quietly\n{log}"
    );
    assert!(
        replies_to(&api, other.id, text.message_id)
            .iter()
            .any(is_warning),
        "the other user's trigger is warned about\n{log}"
    );
    let broken_answer = replies_to(&api, third.id, broken.message_id);
    assert_eq!(broken_answer.len(), 1, "{log}");
    assert!(
        broken_answer[0].text().contains("读不了这张图片"),
        "{}",
        broken_answer[0].text()
    );
    assert!(
        status.success(),
        "the bot stops cleanly: {status}\n{}",
        bot.log()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_group_screenshots_are_read_only_once_the_admins_turn_it_on_and_that_survives_a_restart()
 {
    const GROUP: i64 = -1_001_000_000_917;
    if !ocr_ready() {
        return;
    }
    let mut h = Harness::start().await;
    let api = h.api.clone();
    let admin = support::fake_bot_api::TgUser::new(843_001, "群主").lang("zh-hans");
    let member = support::fake_bot_api::TgUser::new(843_002, "成员").lang("zh-hans");
    let poster = support::fake_bot_api::TgUser::new(843_003, "发截图的人").lang("zh-hans");
    api.set_member(GROUP, &admin, "creator");
    api.set_member(GROUP, &member, "member");
    api.set_member(GROUP, &poster, "member");
    let mut bot = h.spawn_bot();
    wait_polling(&api, &mut bot).await;
    api.push_update(api.my_chat_member(GROUP, &admin, "left", "administrator", true, true));

    // A screenshot asking for the screen share and the code: a danger once read.
    let items = vec![
        theirs("您好，我是平台客服，您的会员将自动扣费，需要帮您取消。"),
        theirs("请下载腾讯会议，打开屏幕共享，然后把收到的验证码告诉我。"),
    ];
    let (bytes, dims) = shot("客服", &items);
    api.add_file("group-shot", bytes);
    let before = api.push_message(api.photo(Some(GROUP), &poster, "group-shot", dims, None));
    // A member may not turn it on; the admin does.
    let refused = api.push_message(api.group_text(GROUP, &member, "/screenshots on"));
    let on = api.push_message(api.group_text(GROUP, &admin, "/screenshots on"));
    settle(&api, on.update_id, QUIET, WAIT).await;
    bot.stop_gracefully(STOP).await;

    // After a restart the setting holds: the same screenshot is now read and deleted.
    let mut bot = h.spawn_bot();
    wait_polling(&api, &mut bot).await;
    let after = api.push_message(api.photo(Some(GROUP), &poster, "group-shot", dims, None));
    // A harmless screenshot from the same group is left alone.
    let (bytes, dims) = shot("同事", &[theirs("下午三点的会议改到四点，地点不变")]);
    api.add_file("group-plain", bytes);
    let plain = api.push_message(api.photo(Some(GROUP), &member, "group-plain", dims, None));
    settle(&api, plain.update_id.max(after.update_id), QUIET, WAIT).await;
    bot.stop_gracefully(STOP).await;
    let log = api.summary();

    assert!(
        api.message_exists(GROUP, before.message_id),
        "before it is turned on, a screenshot is not read\n{log}"
    );
    assert!(
        replies_to(&api, GROUP, refused.message_id)
            .iter()
            .any(|m| m.text().contains("只有本群管理员")),
        "a member is refused\n{log}"
    );
    assert!(
        replies_to(&api, GROUP, on.message_id)
            .iter()
            .any(|m| m.text().contains("截图读取已开启")),
        "the admin is told it is on\n{log}"
    );
    assert!(
        !api.message_exists(GROUP, after.message_id),
        "once on, the scam screenshot is deleted\n{log}"
    );
    assert!(
        api.message_exists(GROUP, plain.message_id)
            && replies_to(&api, GROUP, plain.message_id).is_empty(),
        "the harmless screenshot is left alone\n{log}"
    );
}
