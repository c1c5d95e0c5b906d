use super::*;

/// Words of one line, laid out left to right from `left`, each `h` high at `top`.
fn line(n: u32, left: i32, top: i32, h: i32, words: &[&str]) -> Vec<Word> {
    let mut x = left;
    words
        .iter()
        .map(|t| {
            let w = 30 * t.chars().count() as i32;
            let word = Word {
                line: (n, 1, 1),
                left: x,
                top,
                width: w,
                height: h,
                conf: 90.0,
                text: (*t).to_owned(),
            };
            x += w + 4;
            word
        })
        .collect()
}

fn screen(lines: Vec<Vec<Word>>) -> Vec<Word> {
    lines.into_iter().flatten().collect()
}

#[test]
fn data_file_is_valid() {
    check_data().unwrap();
}

#[test]
fn a_chat_screenshot_gives_its_bubbles_without_the_phone_and_app_chrome() {
    let words = screen(vec![
        line(1, 40, 30, 20, &["9:41"]),
        line(2, 830, 32, 18, &["5G", "87%"]),
        line(3, 450, 125, 26, &["京东", "客服", "-小", "王"]),
        line(4, 490, 253, 18, &["昨天", "14:20"]),
        // A white bubble on the left, wrapped over two lines, with the avatar read as "|".
        line(
            5,
            143,
            341,
            42,
            &["|", "您好", "，", "您的", "包裹", "丢失", "了", "，"],
        ),
        line(6, 177, 401, 42, &["我们", "给您", "理赔", "。"]),
        // A green bubble on the right.
        line(7, 700, 560, 42, &["好的", "，", "怎么", "弄"]),
        line(
            8,
            177,
            705,
            42,
            &["请", "下载", "腾讯", "会议", "，", "打开", "屏幕"],
        ),
        line(9, 177, 761, 42, &["共享", "。"]),
        line(10, 520, 2290, 30, &["发送"]),
    ]);
    let got = messages(&words, 1080, 2400);
    assert_eq!(
        got,
        vec![
            "您好，您的包裹丢失了，我们给您理赔。",
            "好的，怎么弄",
            "请下载腾讯会议，打开屏幕共享。",
        ]
    );
}

#[test]
fn a_wrapped_line_does_not_cut_a_literal_and_latin_words_keep_their_spaces() {
    let words = screen(vec![
        line(1, 177, 400, 40, &["please", "share", "your"]),
        line(2, 177, 452, 40, &["screen", "now"]),
        line(3, 177, 600, 40, &["验证"]),
        line(4, 177, 652, 40, &["码", "发", "我"]),
    ]);
    assert_eq!(
        messages(&words, 1080, 2400),
        vec!["please share your screen now", "验证码发我"]
    );
}

#[test]
fn bubbles_far_apart_or_on_another_side_are_separate_messages() {
    let words = screen(vec![
        line(1, 177, 400, 40, &["第一", "条"]),
        // Close below, but starting far to the right: another person's bubble.
        line(2, 640, 452, 40, &["第二", "条"]),
        // Same edge, but a gap of two line heights: a new bubble.
        line(3, 640, 572, 40, &["第三", "条"]),
    ]);
    assert_eq!(
        messages(&words, 1080, 2400),
        vec!["第一条", "第二条", "第三条"]
    );
}

#[test]
fn time_separators_and_app_words_are_chrome_anywhere_on_the_screen() {
    for chrome in [
        "下午3:05",
        "昨天 14:20",
        "12月1日 09:30",
        "2026/11/30",
        "Yesterday 2:14 PM",
        "按住 说话",
        "微信",
        "iMessage",
        "4G 100%",
        "口",
    ] {
        let words = screen(vec![
            line(1, 177, 900, 40, &[chrome]),
            line(2, 177, 1100, 40, &["明天", "见"]),
        ]);
        assert_eq!(messages(&words, 1080, 2400), vec!["明天见"], "{chrome}");
    }
}

#[test]
fn numbers_in_a_message_are_not_chrome() {
    let words = screen(vec![line(1, 177, 900, 40, &["转", "100", "元"])]);
    assert_eq!(messages(&words, 1080, 2400), vec!["转100元"]);
    let words = screen(vec![line(1, 177, 900, 40, &["1"])]);
    assert_eq!(messages(&words, 1080, 2400), vec!["1"]);
}

#[test]
fn a_landscape_photo_has_no_status_band() {
    // In a 1280×960 photo the screen may sit anywhere: a message near the top is kept.
    let words = screen(vec![line(1, 400, 30, 30, &["先", "交", "保证金"])]);
    assert_eq!(messages(&words, 1280, 960), vec!["先交保证金"]);
}

#[test]
fn ocr_confusions_in_amounts_and_codes_fold() {
    assert_eq!(fold_confusions("先转1O000元"), "先转10000元");
    assert_eq!(fold_confusions("验证码 8l5O27"), "验证码 815027");
    assert_eq!(fold_confusions("点击开局屏幕共享"), "点击开启屏幕共享");
    assert_eq!(fold_confusions("OK, | will try"), "OK, I will try");
    // Letters in words stay letters.
    assert_eq!(
        fold_confusions("Sold out, iPhone 12s"),
        "Sold out, iPhone 12s"
    );
    assert_eq!(fold_confusions("游戏开局了"), "游戏开局了");
}

#[test]
fn low_confidence_marks_and_empty_words_are_skipped() {
    let mut words = line(1, 177, 900, 40, &["你好"]);
    words.push(Word {
        line: (1, 1, 1),
        left: 300,
        top: 900,
        width: 2,
        height: 40,
        conf: -1.0,
        text: " ".into(),
    });
    assert_eq!(messages(&words, 1080, 2400), vec!["你好"]);
}

#[test]
fn many_bubbles_are_capped() {
    let lines: Vec<Vec<Word>> = (0..100)
        .map(|i| line(i + 1, 177, 300 + i as i32 * 200, 40, &["消息"]))
        .collect();
    assert_eq!(messages(&screen(lines), 1080, 30_000).len(), MAX_MESSAGES);
}

#[test]
fn lines_tesseract_is_unsure_of_are_dropped() {
    let mut unsure = line(1, 177, 900, 40, &["卝", "乂"]);
    for w in &mut unsure {
        w.conf = 22.0;
    }
    let words = screen(vec![unsure, line(2, 177, 1100, 40, &["明天", "见"])]);
    assert_eq!(messages(&words, 1080, 2400), vec!["明天见"]);
}

#[test]
fn an_avatar_read_as_a_character_is_dropped() {
    let mut avatar = line(1, 30, 880, 96, &["圖"]);
    avatar.extend(line(1, 177, 900, 42, &["您好", "，", "请", "稍等"]));
    let words = screen(vec![avatar, line(2, 30, 1100, 96, &["国"])]);
    assert_eq!(messages(&words, 1080, 2400), vec!["您好，请稍等"]);
}
