//! The shipped rule set: it loads, every inline example holds, every explanation key exists in
//! every locale, and every trigger sentence of the seed cases is `danger` with evidence quoted
//! from the original text.

use std::path::Path;

use scamguard::cli::lint::read_locales;
use scamguard::engine::{Engine, Level, LoadOptions};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn engine() -> Engine {
    Engine::load_dir(&root().join("rules")).unwrap_or_else(|e| panic!("rules do not load:\n{e}"))
}

#[test]
fn shipped_rules_load_and_their_examples_hold() {
    let e = engine();
    assert!(e.rules().len() >= 20, "only {} rules", e.rules().len());
    let errors = e.check_examples();
    let listing: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{}", listing.join("\n"));
}

#[test]
fn every_explanation_key_exists_in_every_locale() {
    let locales = read_locales(&root().join("locales")).unwrap();
    let names: Vec<&str> = locales.iter().map(|(n, _)| n.as_str()).collect();
    for want in ["en.ftl", "zh-CN.ftl", "zh-TW.ftl"] {
        assert!(
            names.iter().any(|n| n.ends_with(want)),
            "locale {want} missing: {names:?}"
        );
    }
    let options = LoadOptions {
        locales,
        ..LoadOptions::default()
    };
    if let Err(e) = Engine::load_dir_with(&root().join("rules"), &options) {
        panic!("{e}");
    }
}

/// Trigger sentences of the two seed cases (`../shared/seeds/`), as the scammer says them.
const SEED_TRIGGERS: [&str; 9] = [
    // Kaiping, lost parcel: QR code to share the screen, banking app, 1 yuan, 9,999 yuan.
    "您扫一下我发给您的二维码，进行画面共享，我一步一步指导您理赔。",
    "您打开屏幕共享，我看着您操作。",
    "您先尝试转账1元钱，用来激活账户。",
    "现在需要再转账9999元，用以验证账户是否激活成功，确认成功后本金和理赔金一起返还给您。",
    // Kaiping, quality problem: buyer protection deposit.
    "您没有开通买家保障，需要先支付3000元保证金作为押金，收到退款后会全部返还。",
    // Chongqing, agent membership: safe account, codes.
    "为了您的资金安全，需要把您卡里的钱转移到安全账户。",
    "请把您收到的短信验证码告诉我，我帮您取消代理。",
    "您下载一个腾讯会议，输入会议号，然后点共享屏幕。",
    "你的账户需要转账验证，先转5000元到指定账户激活。",
];

#[test]
fn seed_trigger_sentences_are_danger_with_original_evidence() {
    let e = engine();
    for s in SEED_TRIGGERS {
        let scan = e.scan(s);
        assert_eq!(scan.level, Level::Danger, "{s}: {scan:?}");
        for f in &scan.findings {
            assert!(
                s.get(f.evidence.clone()).is_some_and(|q| !q.is_empty()),
                "{s}: bad evidence {f:?}"
            );
        }
    }
}

#[test]
fn seed_hooks_warn() {
    let e = engine();
    for s in [
        "由于我们操作失误，把您升级成了代理商会员，如果不取消代理，每个月会自动从您的账户里扣除代理费。",
        "您好，我是快递中转站的工作人员，您的快递在运输途中丢失了，现在和商家协商给您理赔，请添加客服微信。",
    ] {
        let scan = e.scan(s);
        assert!(scan.level >= Level::Warning, "{s}: {scan:?}");
    }
}

#[test]
fn legitimate_refund_talk_is_none() {
    let e = engine();
    for s in [
        "您好，您申请的退款已审核通过，款项将在1-3个工作日内原路退回。",
        "亲，退货退款请在订单页面点击申请售后，快递员上门取件。",
        "您的快递已到驿站，请凭取件码领取。",
        "【某银行】您的验证码为385920，5分钟内有效，请勿泄露给他人。",
        "Your refund of $25.00 has been processed to your original payment method.",
        "明天开会，我们用腾讯会议，会议号晚点发群里。",
    ] {
        let scan = e.scan(s);
        assert!(scan.level < Level::Warning, "{s}: {scan:?}");
    }
}

#[test]
fn the_binary_carries_the_shipped_rules() {
    let embedded = Engine::embedded(&LoadOptions::default())
        .unwrap_or_else(|e| panic!("embedded rules do not load:\n{e}"));
    let ids = |e: &Engine| e.rules().iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&embedded), ids(&engine()));
    assert!(embedded.check_examples().is_empty());
    // Link data included: a look-alike parcel link is a finding.
    let scan = embedded.scan("USPS: update your address at https://usps-redeliver.top/us");
    assert!(scan.findings.iter().any(|f| f.rule.id == "link.lookalike"));
}
