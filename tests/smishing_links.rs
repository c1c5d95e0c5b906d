//! Smishing with links, written for this test in the shape of texts people report (a brand, a
//! reason to act now, a link that is not the brand's): each must reach `warning`. The same
//! texts with the brand's own link must stay below it. No corpus text.

use std::path::Path;

use scamguard::engine::{Engine, Level};

fn engine() -> Engine {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    Engine::load_dir(&dir).unwrap_or_else(|e| panic!("rules do not load:\n{e}"))
}

/// (text with a fake link, the official link that replaces it in the honest twin).
const CASES: &[(&str, &str)] = &[
    (
        "USPS: Your package is on hold due to an incomplete address. Update it within 24 hours: https://usps-redeliver.top/us",
        "https://www.usps.com/manage/",
    ),
    (
        "USPS: We were unable to deliver your parcel. Please confirm your details at usps.com-trackparcel.world/i",
        "https://tools.usps.com/go/TrackConfirmAction",
    ),
    (
        "FedEx: your shipment 7734 is waiting for a $1.99 delivery fee. Pay here fedex-reschedule.us/pay",
        "https://www.fedex.com/en-us/tracking.html",
    ),
    (
        "UPS: Your parcel could not be delivered. Schedule a new delivery: https://ups-parcel-care.xyz/redeliver",
        "https://www.ups.com/track",
    ),
    (
        "DHL: customs duty of 2.50 GBP is unpaid for your parcel. Pay now to avoid return: dhl-customs-fee.info/gb",
        "https://www.dhl.com/gb-en/home/tracking.html",
    ),
    (
        "Royal Mail: a delivery fee is due on your parcel. Pay at royalmail-redelivery.co/fee before it is returned",
        "https://www.royalmail.com/track-your-item",
    ),
    (
        "Evri: we missed you today. Reschedule your parcel delivery at evri-parcels.help-center.top/uk",
        "https://www.evri.com/track-a-parcel",
    ),
    (
        "Amazon: your account has been suspended due to unusual activity. Verify your identity at https://amazon-account-verify.com/signin",
        "https://www.amazon.com/your-account",
    ),
    (
        "Apple: your Apple ID was locked for security reasons. Unlock it here: http://appleid.apple.com.secure-unlock.site/id",
        "https://appleid.apple.com",
    ),
    (
        "PayPal: we limited your account. Confirm your information to restore access: https://paypa1-resolution.com/login",
        "https://www.paypal.com/signin",
    ),
    (
        "Netflix: your payment was declined. Update your billing details to keep watching: netflix-billing-update.online",
        "https://www.netflix.com/youraccount",
    ),
    (
        "Bank of America alert: your card was suspended. Verify at http://193.42.11.87/boa/verify to restore access",
        "https://www.bankofamerica.com",
    ),
    (
        "Chase Bank: unusual sign-in detected, your account is locked. Confirm now: https://chase.com@secure-login-check.net",
        "https://www.chase.com",
    ),
    (
        "Wells Fargo: your online access has been disabled. Restore it at wellsfargo-secure-access.com",
        "https://www.wellsfargo.com",
    ),
    (
        "IRS: you are eligible for a tax refund of $482.10. Claim it before Friday at irs-refund-claim.cc/form",
        "https://www.irs.gov/refunds",
    ),
    (
        "E-ZPass: you have an unpaid toll balance of $4.35. Pay now to avoid a $50 late fee: ezpass-tollpay.xyz",
        "https://www.e-zpassny.com",
    ),
    (
        "SunPass: final notice, your unpaid toll of $6.99 is overdue. Settle at sunpass-billing.top/pay",
        "https://www.sunpass.com",
    ),
    (
        "Microsoft: your Outlook mailbox is full and will be deactivated today. Upgrade storage: http://outlook-mailbox-upgrade.live/",
        "https://outlook.com",
    ),
    (
        "【顺丰速运】您的快件因地址不详无法派送，请在24小时内点击 http://sf-express-dz.vip/u 更新地址，逾期退回",
        "https://www.sf-express.com/chn/sc",
    ),
    (
        "【中国邮政】您的包裹因信息不全滞留仓库，请尽快登录 chinapost-dz.top 补充地址，以免退回",
        "https://www.ems.com.cn",
    ),
    (
        "【12306】您购买的车票因系统故障出票失败，请登录 https://12306-tk.cc 办理退款，逾期不予受理",
        "https://www.12306.cn",
    ),
    (
        "【京东】您的京东白条额度异常，将影响个人征信，请点击 jd-baitiao.vip 进行关闭处理",
        "https://www.jd.com",
    ),
    (
        "【淘宝】您的订单商品存在质量问题，商家为您申请了三倍赔偿，请点击 http://taobao-tuikuan.shop/a 领取",
        "https://www.taobao.com",
    ),
    (
        "【支付宝】您的账户存在风险已被冻结，请立即登录 alipay-jiedong.top 进行身份验证解冻",
        "https://www.alipay.com",
    ),
    (
        "【工商银行】您的电子密码器即将过期，请登录 icbc-mima.cc 进行升级，否则将影响正常使用",
        "https://www.icbc.com.cn",
    ),
    (
        "【中国移动】尊敬的用户，您的话费积分即将清零，请登录 10086-jf.top 兑换现金红包",
        "https://www.10086.cn",
    ),
    (
        "香港邮政：您的包裹因未支付运费暂扣，请于24小时内到 hongkongpost-hk.cyou 支付运费",
        "https://www.hongkongpost.hk",
    ),
    (
        "【抖音】您的账户被开通了百万保障服务，将按月扣费，如需取消请登录 douyin-kefu.site 办理",
        "https://www.douyin.com",
    ),
];

/// The link of `text`: its last word with a dot and a letter after it.
fn link_of(text: &str) -> &str {
    text.split(|c: char| c.is_whitespace())
        .rev()
        .map(|w| w.trim_end_matches(['.', ',', '!']))
        .find(|w| {
            w.contains('.')
                && (w.contains('/') || w.rsplit('.').next().is_some_and(|t| t.len() >= 2))
                && w.is_ascii()
        })
        .unwrap_or_else(|| panic!("no link in {text}"))
}

#[test]
fn smishing_with_fake_links_warns_and_an_official_link_adds_no_risk() {
    let e = engine();
    let mut misses = Vec::new();
    let mut riskier = Vec::new();
    let mut below = 0;
    for (fake, official) in CASES {
        let scan = e.scan(fake);
        if scan.level < Level::Warning {
            misses.push(format!("{:?} {fake}", scan.level));
        }
        let link = link_of(fake);
        let honest = fake.replacen(link, official, 1);
        let without = fake.replacen(link, "", 1);
        let (h, w) = (e.scan(&honest), e.scan(&without));
        // The brand's own link is no finding, and never more alarming than no link at all.
        if h.findings.iter().any(|f| f.rule.id.starts_with("link.")) || h.level > w.level {
            riskier.push(format!("{:?} > {:?}: {honest}", h.level, w.level));
        }
        below += usize::from(h.level < Level::Warning);
    }
    assert!(misses.is_empty(), "missed:\n{}", misses.join("\n"));
    assert!(
        riskier.is_empty(),
        "official links added risk:\n{}",
        riskier.join("\n")
    );
    // Most honest twins stay below `warning`; the rest say what scams say even with the real
    // link ("your account is frozen, log in to unfreeze").
    assert!(
        below * 2 > CASES.len(),
        "only {below} of {} twins below warning",
        CASES.len()
    );
}
