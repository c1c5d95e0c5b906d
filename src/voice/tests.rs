use super::*;

/// The voice of the move quoted by `evidence` (its first occurrence) in `text`.
fn v(text: &str, evidence: &str) -> Voice {
    let start = text.find(evidence).expect("evidence in text");
    voice(text, start..start + evidence.len(), Stage::Control, false)
}

#[test]
fn a_request_to_the_reader_is_directed() {
    assert_eq!(
        v("您好，请您打开屏幕共享，我来指导", "屏幕共享"),
        Voice::Directed
    );
    assert_eq!(v("把收到的验证码告诉我", "验证码"), Voice::Directed);
    assert_eq!(v("共享屏幕给我看一下", "共享屏幕"), Voice::Directed);
    assert_eq!(
        v(
            "Please share your screen so I can help",
            "share your screen"
        ),
        Voice::Directed
    );
    assert_eq!(
        v("I need you to install AnyDesk now", "install AnyDesk"),
        Voice::Directed
    );
    assert_eq!(v("send me the code", "the code"), Voice::Directed);
}

#[test]
fn negations_and_warnings_cover_the_move() {
    let advice = "电商平台的官方客服不会添加你的微信或qq好友，一切操作都会在平台进行";
    assert_eq!(v(advice, "微信"), Voice::Negated);
    assert_eq!(
        v("客服也绝对不会要你转账到个人账户。", "转账到个人账户"),
        Voice::Negated
    );
    assert_eq!(
        v("不要轻易将个人资料、银行卡、密码、验证码告知他人", "验证码"),
        Voice::Negated
    );
    assert_eq!(
        v("更不要点击不明链接、扫描陌生人发送的二维码。", "二维码"),
        Voice::Negated
    );
    assert_eq!(v("對陌生人勿轉賬", "轉賬"), Voice::Negated);
    assert_eq!(v("切勿向陌生人共享屏幕", "共享屏幕"), Voice::Negated);
    assert_eq!(
        v("凡是要求你把钱转到安全账户的，都是诈骗", "安全账户"),
        Voice::Negated
    );
    assert_eq!(
        v(
            "We will never ask you to share your screen or install apps.",
            "share your screen"
        ),
        Voice::Negated
    );
    assert_eq!(
        v(
            "Anyone who asks you to read out a code is a scammer.",
            "read out a code"
        ),
        Voice::Negated
    );
}

#[test]
fn a_negation_that_ends_before_the_move_does_not_cover_it() {
    // A new request after the negation.
    assert_eq!(
        v("您的账户不能正常使用请联系客服", "联系客服"),
        Voice::Directed
    );
    assert_eq!(v("不要挂电话，打开屏幕共享", "屏幕共享"), Voice::Directed);
    assert_eq!(
        v("不会扣您的钱，只是验证一下，请把验证码告诉我", "验证码"),
        Voice::Directed
    );
    // A threat: the negation sits under a condition.
    assert_eq!(
        v("如果不转账到安全账户，您的资金会被冻结", "转账到安全账户"),
        Voice::Directed
    );
    assert_eq!(
        v(
            "If you don't share your screen we cannot refund you",
            "share your screen"
        ),
        Voice::Directed
    );
    assert_eq!(
        v(
            "Don't worry, just share your screen with me",
            "share your screen"
        ),
        Voice::Directed
    );
    // A consequence, not a refusal; a condition inside the evidence.
    assert_eq!(
        v("不完成任务是不能退还代理费的", "退还代理费"),
        Voice::Directed
    );
    assert_eq!(
        v(
            "我们没有办法退款，除非您支付保证金完成交易",
            "退款，除非您支付保证金"
        ),
        Voice::Directed
    );
    assert_eq!(v("高级别代理的费用是7万元", "代理的费用"), Voice::Directed);
    // Fraud named, but not the move's verdict.
    assert_eq!(
        v("请下载这个APP，这是为了防止诈骗行为的发生", "下载这个APP"),
        Voice::Directed
    );
    assert_eq!(
        v("如果您不缴纳解冻金，您这是诈骗贷款", "缴纳解冻金"),
        Voice::Directed
    );
    // A bare 不 is a dropped "if"; a feeling negated urges the move.
    assert_eq!(
        v("不缴纳解冻金，账户将被冻结", "缴纳解冻金"),
        Voice::Directed
    );
    assert_eq!(
        v("请不要担心将资金转入安全账户", "转入安全账户"),
        Voice::Directed
    );
    assert_eq!(v("要不你再投多点试试", "再投"), Voice::Directed);
    // The rule is about the negated form itself.
    assert_eq!(v("千万不要告诉家人", "不要告诉家人"), Voice::Directed);
    // "A not A" is a question, 还不 an urging.
    assert_eq!(
        v("您能不能帮我转账到这个账户", "转账到这个账户"),
        Voice::Directed
    );
    assert_eq!(v("你有没有下载这个app", "下载这个app"), Voice::Directed);
    assert_eq!(v("你还不转账", "转账"), Voice::Directed);
    // Too far away to be the same verb phrase.
    let far = "不会耽误您太多时间我们这边的流程都是正规的系统会自动处理完以后下载这个app";
    assert_eq!(v(far, "下载这个app"), Voice::Directed);
}

#[test]
fn the_writer_doing_it_is_the_speaker() {
    assert_eq!(
        v("我把屏幕共享打开了，大家能看到吗", "屏幕共享"),
        Voice::Speaker
    );
    assert_eq!(v("我已经开启屏幕共享", "屏幕共享"), Voice::Speaker);
    assert_eq!(
        v("我共享一下屏幕，大家看得到吗", "共享一下屏幕"),
        Voice::Speaker
    );
    assert_eq!(v("我需要你共享一下屏幕", "共享一下屏幕"), Voice::Directed);
    assert_eq!(v("接下来我们共享一下屏幕", "共享一下屏幕"), Voice::Directed);
    // Only the writer's own screen: the writer's arrangements are the scam's story.
    assert_eq!(v("我已经安排好了偷渡的船", "偷渡"), Voice::Directed);
    assert_eq!(
        v("然后按照我的指示操作", "按照我的指示操作"),
        Voice::Directed
    );
    assert_eq!(
        v(
            "I'm sharing my screen now, can everyone see it?",
            "sharing my screen"
        ),
        Voice::Speaker
    );
    assert_eq!(
        v("Let me know when I should share screen", "share screen"),
        Voice::Speaker
    );
    // An imperative after the writer's introduction stays a request.
    assert_eq!(
        v("我是京东客服，下载一下这个app", "下载一下这个app"),
        Voice::Directed
    );
    assert_eq!(v("我是客服，扫码就可以了", "扫码"), Voice::Directed);
    assert_eq!(
        v("为了方便，我们可以通过扫描二维码来操作", "扫描二维码"),
        Voice::Directed
    );
    // The writer's own money or number is the story, not the writer's own act.
    let text = "我手机坏了，换了个新号";
    let start = text.find("新号").unwrap();
    assert_eq!(
        voice(text, start..start + 6, Stage::Channel, false),
        Voice::Directed
    );
}

#[test]
fn a_story_about_someone_is_reported() {
    assert_eq!(v("她扫了对方发来的二维码", "二维码"), Voice::Reported);
    assert_eq!(
        v("我妈扫了对方发来的二维码，又下载了一个app", "下载了一个app"),
        Voice::Reported
    );
    assert_eq!(v("他已经把验证码告诉了对方", "验证码"), Voice::Reported);
    // A person inside the move is its object.
    assert_eq!(
        v("只需扫描她提供的二维码就可以了", "扫描她提供的二维码"),
        Voice::Directed
    );
    // A form of address names the reader.
    assert_eq!(
        v(
            "刘先生，点击这个链接下载我们的APP，注册之后就能刷单",
            "注册之后就能刷单"
        ),
        Voice::Directed
    );
    assert_eq!(
        v(
            "She installed AnyDesk and lost her savings",
            "installed AnyDesk"
        ),
        Voice::Reported
    );
    // "其他" is not a third person.
    assert_eq!(v("把验证码和其他信息发过来了吗", "验证码"), Voice::Directed);
    // The third person asks the reader: still directed.
    assert_eq!(v("他让你把验证码告诉他", "验证码"), Voice::Directed);
    assert_eq!(v("他是我们的专员，加他微信", "微信"), Voice::Directed);
}

#[test]
fn pretexts_and_hooks_only_take_negation() {
    let text = "我是京东客服，您的快递丢失了";
    let start = text.find("快递丢失").unwrap();
    assert_eq!(
        voice(text, start..start + 12, Stage::Hook, false),
        Voice::Directed
    );
    // A hook said in the negative is still the scam's script.
    let text = "这样也不会影响您的征信";
    let start = text.find("影响").unwrap();
    assert_eq!(
        voice(text, start..text.len(), Stage::Hook, false),
        Voice::Directed
    );
    let text = "我们不会收取任何手续费";
    let start = text.find("手续费").unwrap();
    assert_eq!(
        voice(text, start..start + 9, Stage::Extract, false),
        Voice::Negated
    );
}

#[test]
fn bad_ranges_are_directed_not_a_panic() {
    let text = "屏幕共享";
    assert_eq!(voice(text, 1..3, Stage::Control, true), Voice::Directed);
    assert_eq!(voice(text, 0..100, Stage::Control, true), Voice::Directed);
    assert_eq!(voice("", 0..0, Stage::Control, true), Voice::Directed);
}

mod settle {
    use super::super::*;
    use crate::conversation::test_support::rule;
    use crate::engine::{Finding, Level, Scan, Thresholds};

    /// A scan of `text` with one finding per `(evidence, stage, weight, trigger)`.
    fn scan(text: &str, found: &[(&str, Stage, u32, bool)]) -> Scan {
        let findings: Vec<Finding> = found
            .iter()
            .enumerate()
            .map(|(i, (ev, stage, weight, trigger))| {
                let start = text.find(ev).expect("evidence");
                Finding {
                    rule: rule(&format!("r{i}"), "fam", *stage, *weight, *trigger),
                    evidence: start..start + ev.len(),
                }
            })
            .collect();
        let (level, score) = Thresholds::default().level(&findings);
        let mut s = Scan {
            findings,
            level,
            score,
            ..Scan::default()
        };
        settle(text, &mut s, |f| Thresholds::default().level(f));
        s
    }

    #[test]
    fn police_advice_is_advisory_and_counts_for_nothing() {
        let text = "民警提醒：电商平台的官方客服不会添加你的微信或qq好友，一切操作都会在平台进行；\
                    也绝对不会要你转账到个人账户。更不要点击不明链接、扫描陌生人发送的二维码。";
        let s = scan(
            text,
            &[
                ("官方客服", Stage::Pretext, 20, false),
                ("微信", Stage::Channel, 30, false),
                ("转账到个人账户", Stage::Extract, 60, true),
                ("二维码", Stage::Channel, 30, false),
            ],
        );
        assert_eq!(s.genre, Genre::Advisory);
        assert!(s.findings.is_empty());
        assert_eq!(s.described.len(), 4);
        assert_eq!(s.level, Level::None);
        assert_eq!(s.score, 0);
    }

    #[test]
    fn an_english_list_after_never_is_negated_item_by_item() {
        let text =
            "We will never ask you to share your screen, install remote apps or read out codes.";
        let s = scan(
            text,
            &[
                ("share your screen", Stage::Control, 80, true),
                ("install remote apps", Stage::Control, 40, false),
                ("read out codes", Stage::Extract, 80, true),
            ],
        );
        assert_eq!(s.genre, Genre::Advisory);
        assert!(s.findings.is_empty(), "{:?}", s.findings);
    }

    #[test]
    fn a_live_move_beside_a_warning_keeps_the_message_live() {
        // A scam that borrows the advice's words: the request to the reader stands.
        let text = "谨防诈骗！官方客服不会让你转账。现在请您把资金转到安全账户进行验证。";
        let s = scan(
            text,
            &[
                ("转账", Stage::Extract, 30, false),
                ("安全账户", Stage::Extract, 90, true),
            ],
        );
        assert_eq!(s.genre, Genre::Live);
        assert_eq!(s.findings.len(), 1);
        assert_eq!(s.described.len(), 1);
        assert_eq!(s.level, Level::Danger);
    }

    #[test]
    fn a_negation_without_a_warning_is_not_advice() {
        // Denied here, but nothing in the message reads as anti-fraud advice.
        let text = "官方客服不会添加你的微信，我是京东客服";
        let s = scan(
            text,
            &[
                ("微信", Stage::Channel, 30, false),
                ("京东客服", Stage::Pretext, 20, false),
            ],
        );
        assert_eq!(s.genre, Genre::Live);
        assert_eq!(s.findings.len(), 1);
        assert_eq!(s.level, Level::Caution);
    }

    #[test]
    fn a_story_is_a_report() {
        let text = "我妈接到自称快递客服的电话，说包裹丢了要理赔，她扫了对方发来的二维码，又下载了一个app。";
        let s = scan(
            text,
            &[
                ("快递客服", Stage::Pretext, 20, false),
                ("包裹丢了", Stage::Hook, 30, false),
                ("二维码", Stage::Channel, 40, false),
                ("下载了一个app", Stage::Control, 50, false),
            ],
        );
        assert_eq!(s.genre, Genre::Report);
        assert!(s.findings.is_empty());
        assert_eq!(s.described.len(), 4);
    }

    #[test]
    fn the_colleague_sharing_a_screen_leaves_nothing() {
        let text = "我把屏幕共享打开了，大家能看到吗";
        let s = scan(text, &[("屏幕共享", Stage::Control, 90, true)]);
        assert_eq!(s.genre, Genre::Live);
        assert!(s.findings.is_empty());
        assert_eq!(s.level, Level::None);
    }

    #[test]
    fn a_scam_is_untouched() {
        let text = "您好，我是京东客服，您的快递丢失了，请您下载这个app并打开屏幕共享";
        let s = scan(
            text,
            &[
                ("京东客服", Stage::Pretext, 20, false),
                ("快递丢失", Stage::Hook, 30, false),
                ("屏幕共享", Stage::Control, 90, true),
            ],
        );
        assert_eq!(s.genre, Genre::Live);
        assert_eq!(s.findings.len(), 3);
        assert!(s.described.is_empty());
        assert_eq!(s.level, Level::Danger);
    }
}
