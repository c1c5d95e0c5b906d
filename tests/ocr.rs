//! Screenshots read by the real Tesseract: chat and SMS screenshots, a long capture, a photo
//! of a screen, a Telegram-compressed photo, Traditional Chinese and English, hostile images.
//! Every screenshot is rendered here from texts written here (tests/support/screens.rs); the
//! expected messages are those texts, and the expected verdicts are written by hand.
//!
//! Needs `tesseract` with chi_sim, chi_tra and eng, and `fonts-noto-cjk` (`.ci/run` installs
//! them). Without them each test says so and passes, unless `SCAMGUARD_REQUIRE_OCR` is set,
//! as CI sets it.

mod support;

use std::path::Path;
use std::sync::Arc;

use image::GrayImage;
use scamguard::conversation::Timestamp;
use scamguard::engine::{Engine, Level, LoadOptions};
use scamguard::guard::{ChatKind, Guard, Incoming, screenshot_messages};
use scamguard::i18n::Lang;
use scamguard::media::ocr::{Reading, Tesseract, read_screenshot};
use scamguard::media::qr::{ImageLimits, decode_luma};
use scamguard::policy::{self, Action};
use scamguard::sessions::SessionStore;
use support::screens::{self, Item, Script, mine, similarity, theirs};

fn tesseract() -> Option<Tesseract> {
    screens::tesseract_or_skip()
}

/// Decodes a rendered image; with `SCAMGUARD_OCR_DUMP=DIR` also writes it there, to look at.
fn luma(bytes: &[u8]) -> GrayImage {
    if let Some(dir) = std::env::var_os("SCAMGUARD_OCR_DUMP") {
        let name = std::thread::current()
            .name()
            .unwrap_or("image")
            .replace("::", "-");
        std::fs::write(Path::new(&dir).join(format!("{name}.img")), bytes).expect("dump");
    }
    decode_luma(bytes, &ImageLimits::default()).expect("a rendered image decodes")
}

/// Asserts that `read` holds `expected`, in order, each at least `min` similar.
fn assert_read(reading: &Reading, expected: &[&str], min: f64) {
    let got = &reading.messages;
    assert_eq!(
        got.len(),
        expected.len(),
        "messages read: {got:#?}\nexpected: {expected:#?}"
    );
    for (g, e) in got.iter().zip(expected) {
        let s = similarity(g, e);
        assert!(s >= min, "read {g:?} for {e:?} (similarity {s:.2})");
    }
}

fn texts(items: &[Item]) -> Vec<&str> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Bubble { text, .. } => Some(text.as_str()),
            Item::Time(_) => None,
        })
        .collect()
}

/// The bot's answer to the screenshot, as a private chat gives it: every message through one
/// conversation, then [`policy::screenshot`].
fn answer(messages: &[String]) -> Option<(Action, Vec<usize>)> {
    let engine = Engine::embedded(&LoadOptions::default()).expect("rules load");
    let guard = Guard::new(engine, Arc::new(SessionStore::new(Default::default())));
    let carrier = Incoming {
        chat: 7,
        sender: Some(7),
        kind: ChatKind::Private,
        message_id: 1,
        text: String::new(),
        links: Vec::new(),
        qr: Vec::new(),
        files: Vec::new(),
        language_code: None,
    };
    let per: Vec<Vec<Action>> = screenshot_messages(&carrier, messages)
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let o = guard.handle(m, Timestamp(1_000 * i as u64));
            policy::private(&o.assessment)
        })
        .collect();
    policy::screenshot(&per)
}

fn danger() -> Action {
    Action::Warn {
        level: Level::Danger,
    }
}

/// A fake courier's chat, in the order the Kaiping case went (texts written for this test).
fn courier_chat() -> Vec<Item> {
    vec![
        Item::Time("昨天 15:02".into()),
        theirs("您好，我是快递理赔专员，您的包裹在运输途中丢失了，我们给您双倍理赔。"),
        mine("那要怎么办？"),
        theirs("您扫一下我发的二维码，打开画面共享，我一步步教您领取。"),
        theirs("先下载一个手机银行，转账1元激活账户。"),
        mine("好的"),
    ]
}

#[test]
fn a_chat_screenshot_gives_its_messages_in_order_and_the_scam_is_a_danger() {
    let Some(t) = tesseract() else { return };
    let items = courier_chat();
    let shot = screens::png(&screens::chat("理赔专员", &items, Script::Simplified));
    let reading = read_screenshot(&t, &luma(&shot), Lang::ZhCn).unwrap();
    // The status bar, the title, the time separator and the input bar are not messages.
    assert_read(&reading, &texts(&items), 0.9);
    let (action, from) = answer(&reading.messages).expect("an answer");
    assert_eq!(action, danger());
    // The screen share (third message) is among the messages that alerted.
    assert!(from.contains(&2), "alerted: {from:?}");
}

#[test]
fn an_ordinary_chat_screenshot_gets_the_calm_answer() {
    let Some(t) = tesseract() else { return };
    let items = vec![
        Item::Time("星期六 18:40".into()),
        theirs("今晚七点在老地方吃火锅，你带上孩子一起来吧"),
        mine("好呀，我六点半下班，直接过去"),
        theirs("记得带把伞，天气预报说晚上有雨"),
        mine("收到，明天见面再把上次借的书还你"),
    ];
    let shot = screens::png(&screens::chat("小李", &items, Script::Simplified));
    let reading = read_screenshot(&t, &luma(&shot), Lang::ZhCn).unwrap();
    assert_read(&reading, &texts(&items), 0.9);
    assert_eq!(answer(&reading.messages), Some((Action::Calm, vec![])));
}

#[test]
fn an_sms_screenshot_with_a_phishing_link_is_a_danger() {
    let Some(t) = tesseract() else { return };
    let messages = [
        "【运营商】尊敬的客户，您的话费积分即将清零，可兑换现金礼包。",
        "请点击 http://jf-dh.top/a8 登录并填写银行卡号和短信验证码领取。",
    ];
    let shot = screens::png(&screens::sms(
        "1069 0012 3456",
        "12月1日 09:30",
        &messages,
        Script::Simplified,
    ));
    let reading = read_screenshot(&t, &luma(&shot), Lang::ZhCn).unwrap();
    assert_read(&reading, &messages, 0.85);
    let (action, _) = answer(&reading.messages).expect("an answer");
    assert!(
        matches!(action, Action::Warn { .. }),
        "a warning for the points-expiry phishing SMS: {action:?}"
    );
}

#[test]
fn a_long_scrolling_capture_gives_every_message() {
    let Some(t) = tesseract() else { return };
    let mut items = Vec::new();
    for i in 1..=12 {
        items.push(theirs(&format!(
            "第{i}件事：周末的家长会改到下午两点，请大家提前十分钟到教室。"
        )));
        items.push(mine(&format!("收到第{i}条，谢谢老师")));
    }
    let img = screens::chat("三年二班家长群", &items, Script::Simplified);
    assert!(
        img.height() > screens::HEIGHT * 3 / 2,
        "a capture longer than a screen"
    );
    let reading = read_screenshot(&t, &luma(&screens::png(&img)), Lang::ZhCn).unwrap();
    assert_read(&reading, &texts(&items), 0.85);
}

#[test]
fn a_photo_of_a_screen_at_an_angle_still_shows_the_scam() {
    let Some(t) = tesseract() else { return };
    let items = courier_chat();
    let screen = screens::chat("理赔专员", &items, Script::Simplified);
    // The upper part of the screen, as a photo fills its frame with it.
    let part = image::imageops::crop_imm(&screen, 0, 0, screens::WIDTH, 1250).to_image();
    let photo = screens::photo_of_screen(&part, 60);
    let reading = read_screenshot(&t, &luma(&photo), Lang::ZhCn).unwrap();
    // Blur and the angle may drop or merge a line; the scam's messages must still be read.
    let expected = texts(&items);
    let found = expected
        .iter()
        .filter(|e| reading.messages.iter().any(|g| similarity(g, e) >= 0.75))
        .count();
    assert!(
        found + 1 >= expected.len(),
        "read {:#?} for {expected:#?}",
        reading.messages
    );
    let (action, _) = answer(&reading.messages).expect("an answer");
    assert_eq!(action, danger(), "read: {:#?}", reading.messages);
}

#[test]
fn a_screenshot_sent_as_a_telegram_photo_is_read_at_its_reduced_size() {
    let Some(t) = tesseract() else { return };
    let items = courier_chat();
    let full = screens::chat("理赔专员", &items, Script::Simplified);
    // Telegram keeps at most 1280 pixels on the long side of a photo, as JPEG.
    let small = image::imageops::resize(&full, 576, 1280, image::imageops::FilterType::Triangle);
    let reading = read_screenshot(&t, &luma(&screens::jpeg(&small, 80)), Lang::ZhCn).unwrap();
    assert_read(&reading, &texts(&items), 0.85);
    assert_eq!(answer(&reading.messages).map(|a| a.0), Some(danger()));
}

#[test]
fn a_traditional_chinese_screenshot_is_read_in_chi_tra() {
    let Some(t) = tesseract() else { return };
    let items = vec![
        theirs("您好，這裡是客服中心，您的訂單被誤設為分期付款，每月會自動扣款。"),
        mine("那怎麼取消？"),
        theirs("請下載這個APP，開啟螢幕分享，我教您解除設定。"),
    ];
    let shot = screens::png(&screens::chat("客服中心", &items, Script::Traditional));
    let reading = read_screenshot(&t, &luma(&shot), Lang::ZhTw).unwrap();
    assert_eq!(reading.languages, "chi_tra+eng");
    assert_read(&reading, &texts(&items), 0.85);
    let (action, _) = answer(&reading.messages).expect("an answer");
    assert_eq!(action, danger(), "read: {:#?}", reading.messages);
}

#[test]
fn an_english_screenshot_is_read_in_eng() {
    let Some(t) = tesseract() else { return };
    let items = vec![
        theirs("Hello, this is Amazon support. Your account was charged $499 for an order."),
        mine("I did not order anything"),
        theirs("To cancel it, install AnyDesk and tell me the code we texted you."),
    ];
    let shot = screens::png(&screens::chat("Support", &items, Script::Simplified));
    let reading = read_screenshot(&t, &luma(&shot), Lang::En).unwrap();
    assert_eq!(reading.languages, "eng+chi_sim");
    assert_read(&reading, &texts(&items), 0.85);
    let (action, _) = answer(&reading.messages).expect("an answer");
    assert_eq!(action, danger(), "read: {:#?}", reading.messages);
}

#[test]
fn noise_and_tiny_images_read_as_nothing_alarming() {
    let Some(t) = tesseract() else { return };
    // Pure noise, from a fixed linear congruential sequence.
    let mut x: u32 = 12345;
    let noise = GrayImage::from_fn(1080, 2400, |_, _| {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        image::Luma([(x >> 24) as u8])
    });
    let reading = read_screenshot(&t, &noise, Lang::ZhCn).unwrap();
    assert!(
        !matches!(answer(&reading.messages), Some((Action::Warn { .. }, _))),
        "noise is no scam: {:#?}",
        reading.messages
    );
    let tiny = GrayImage::from_pixel(1, 1, image::Luma([255]));
    assert!(
        read_screenshot(&t, &tiny, Lang::ZhCn)
            .unwrap()
            .messages
            .is_empty()
    );
    let blank = GrayImage::from_pixel(1080, 2400, image::Luma([255]));
    assert!(
        read_screenshot(&t, &blank, Lang::ZhCn)
            .unwrap()
            .messages
            .is_empty()
    );
}

#[test]
fn a_qr_code_in_a_screenshot_and_its_text_both_count() {
    let Some(t) = tesseract() else { return };
    use qrcode::QrCode;
    let items = vec![theirs("您好，这是理赔专员，扫描下方二维码进入理赔会议")];
    let mut img = screens::chat("理赔专员", &items, Script::Simplified);
    let code = QrCode::new("https://meeting.tencent.com/dm/Qx7Lp2Rt9")
        .expect("fits")
        .render::<image::Rgb<u8>>()
        .quiet_zone(true)
        .module_dimensions(8, 8)
        .build();
    image::imageops::overlay(&mut img, &code, 160, 600);
    let bytes = screens::png(&img);
    let gray = luma(&bytes);
    let qr = scamguard::media::qr::qr_of_luma(&gray, &ImageLimits::default());
    assert_eq!(qr, vec!["https://meeting.tencent.com/dm/Qx7Lp2Rt9"]);
    let reading = read_screenshot(&t, &gray, Lang::ZhCn).unwrap();
    assert!(
        reading
            .messages
            .iter()
            .any(|m| similarity(m, texts(&items)[0]) >= 0.85),
        "the bubble is read beside the code: {:#?}",
        reading.messages
    );
    // The code's payload goes with the first message; the meeting link makes it a danger.
    let carrier = Incoming {
        chat: 9,
        sender: Some(9),
        kind: ChatKind::Private,
        message_id: 1,
        text: String::new(),
        links: Vec::new(),
        qr,
        files: Vec::new(),
        language_code: None,
    };
    let messages = screenshot_messages(&carrier, &reading.messages);
    assert!(
        messages[0]
            .scanned_text()
            .contains("meeting.tencent.com/dm")
    );
    let engine = Engine::embedded(&LoadOptions::default()).expect("rules load");
    let guard = Guard::new(engine, Arc::new(SessionStore::new(Default::default())));
    let level = guard.handle(&messages[0], Timestamp(0)).assessment.level;
    assert_eq!(level, Level::Danger);
}

#[test]
fn scamguard_check_image_reads_a_screenshot_without_telegram() {
    let Some(_) = tesseract() else { return };
    let items = courier_chat();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shot.png");
    std::fs::write(
        &path,
        screens::png(&screens::chat("理赔专员", &items, Script::Simplified)),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_scamguard"))
        .args(["check", "--image"])
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Exit 12: danger.
    assert_eq!(out.status.code(), Some(12), "{stdout}");
    assert!(
        stdout.starts_with("read 5 message(s) in the image (chi_sim+eng"),
        "{stdout}"
    );
    assert!(
        stdout.contains("the bot's answer to the image: warn (danger)"),
        "{stdout}"
    );
    // A file that is not an image is an error (exit 2) that says so.
    let bad = dir.path().join("bad.png");
    std::fs::write(&bad, b"not an image").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_scamguard"))
        .args(["check", "--image"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.png"));
}
