//! Photos end to end: the built binary downloads a forwarded photo from the fake Bot API
//! (getFile, then the file URL), reads its QR code and judges what the code leads to. The QR
//! images are generated here; every expected outcome is written by hand.

mod support;

use std::io::Cursor;
use std::time::Duration;

use image::{GrayImage, ImageFormat, Luma};
use qrcode::QrCode;

use support::bot_process::Harness;
use support::fake_bot_api::{FakeBotApi, TgUser};
use support::{is_warning, settle, victim, wait_polling, watch};

const WAIT: Duration = Duration::from_secs(30);
const QUIET: Duration = Duration::from_millis(1500);
const STOP: Duration = Duration::from_secs(10);

/// A 1280x960 JPEG-free PNG "photo": light background, the code of `payload` in the middle.
fn photo_of(payload: &str) -> (Vec<u8>, (u32, u32, usize)) {
    let code = QrCode::new(payload.as_bytes())
        .expect("payload fits")
        .render::<Luma<u8>>()
        .quiet_zone(true)
        .module_dimensions(8, 8)
        .build();
    let mut img = GrayImage::from_pixel(1280, 960, Luma([235]));
    let (x0, y0) = ((1280 - code.width()) / 2, (960 - code.height()) / 2);
    for (x, y, p) in code.enumerate_pixels() {
        img.put_pixel(x0 + x, y0 + y, *p);
    }
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .expect("png encodes");
    let len = out.len();
    (out, (1280, 960, len))
}

fn replies(
    api: &FakeBotApi,
    chat: i64,
    message_id: i64,
) -> Vec<support::fake_bot_api::SentMessage> {
    api.sent_messages()
        .into_iter()
        .filter(|m| m.chat_id == chat && m.reply_to() == Some(message_id))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_qr_photo_is_a_danger_a_menu_qr_is_not_a_corrupt_photo_is_ignored() {
    let mut h = Harness::start().await;
    let api = h.api.clone();
    let mut bot = h.spawn_bot();
    wait_polling(&api, &mut bot).await;

    // A forwarded photo of a Tencent Meeting QR code, as "customer service" sends it.
    let user = victim(830_001, "受害人");
    let (bytes, dims) = photo_of("https://meeting.tencent.com/dm/8vZy2bQwKr3c");
    api.add_file("meeting-qr", bytes);
    let meeting = api.push_message(api.photo(None, &user, "meeting-qr", dims, None));
    let warning = watch(
        &mut bot,
        api.wait_for_sent(WAIT, "a warning on the meeting QR photo", |sent| {
            sent.iter()
                .find(|m| m.reply_to() == Some(meeting.message_id) && is_warning(m))
                .cloned()
        }),
    )
    .await;
    assert!(
        warning.text().contains("危险"),
        "a danger warning: {}",
        warning.text()
    );
    assert!(
        warning.text().contains("腾讯会议"),
        "it says what the code opens: {}",
        warning.text()
    );
    assert!(
        warning
            .text()
            .contains("图片中的二维码：https://meeting.tencent.com"),
        "it quotes the code's payload as a QR code in the photo: {}",
        warning.text()
    );

    // A shop's menu QR: no warning.
    let diner = victim(830_002, "食客");
    let (bytes, dims) = photo_of("https://menu.example-cafe.com/table/12");
    api.add_file("menu-qr", bytes);
    let menu = api.push_message(api.photo(None, &diner, "menu-qr", dims, Some("这家店的菜单")));
    // A corrupt "photo": the bytes are not an image.
    let other = victim(830_003, "路人");
    api.add_file(
        "broken",
        b"\x89PNG\r\n\x1a\n this is not really a png".to_vec(),
    );
    let broken = api.push_message(api.photo(None, &other, "broken", (800, 600, 40), None));
    settle(&api, broken.update_id.max(menu.update_id), QUIET, WAIT).await;
    bot.stop_gracefully(STOP).await;
    let log = api.summary();

    assert!(
        replies(&api, diner.id, menu.message_id)
            .iter()
            .all(|m| !is_warning(m)),
        "a menu QR is not a scam\n{log}"
    );
    assert!(
        api.sent_messages()
            .iter()
            .filter(|m| m.chat_id == diner.id || m.chat_id == other.id)
            .all(|m| !is_warning(m)),
        "no warning for the menu or the broken image\n{log}"
    );
    let downloads = api.calls_to("download").len();
    assert_eq!(downloads, 3, "each photo downloaded once\n{log}");
    let run_log = bot.log();
    assert!(
        run_log.contains("image not decoded"),
        "the corrupt image is logged\n{run_log}"
    );
    assert!(
        !run_log.contains("meeting.tencent.com/dm"),
        "the payload is never logged"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newcomers_meeting_qr_in_a_group_is_deleted() {
    const GROUP: i64 = -1_001_000_000_888;
    let mut h = Harness::start().await;
    let api = h.api.clone();
    let mut bot = h.spawn_bot();
    wait_polling(&api, &mut bot).await;
    let scammer = TgUser::new(831_001, "客服").lang("zh-hans");
    let (bytes, dims) = photo_of("https://voovmeeting.com/dm/AbCdEf123");
    api.add_file("group-qr", bytes);
    let posted = api.push_message(api.photo(
        Some(GROUP),
        &scammer,
        "group-qr",
        dims,
        Some("扫码进入会议办理退款"),
    ));
    settle(&api, posted.update_id, QUIET, WAIT).await;
    bot.stop_gracefully(STOP).await;
    let log = api.summary();
    assert!(
        !api.message_exists(GROUP, posted.message_id),
        "the meeting QR is deleted\n{log}"
    );
}
