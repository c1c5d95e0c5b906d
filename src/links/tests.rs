//! Link analysis as tables of hand-written URLs and messages, against the shipped data.

use super::*;
use crate::text::normalize;

fn shipped() -> LinkRules {
    let text = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/links/links.toml"
    ));
    parse("rules/links/links.toml", text).unwrap_or_else(|e| {
        panic!(
            "{}",
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

/// The signal ids `text` raises, sorted.
fn signals(rules: &LinkRules, text: &str) -> Vec<String> {
    let mut ids: Vec<String> = rules
        .analyze(&normalize(text), text)
        .findings
        .into_iter()
        .map(|f| f.rule.id.trim_start_matches("link.").to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn links_table() {
    let r = shipped();
    #[rustfmt::skip]
    let table: &[(&str, &[&str])] = &[
        // A brand's own domains add nothing, with or without www, paths, subdomains.
        ("USPS: track your package at https://tools.usps.com/go/TrackConfirmAction?tLabels=9400", &[]),
        ("USPS: your package is held, update your address at usps.com/redelivery", &[]),
        ("Your Amazon order shipped: https://www.amazon.com/gp/your-account/order-history", &[]),
        ("顺丰速运：您的快件已签收，详情 https://www.sf-express.com/chn/sc", &[]),
        ("【京东】您的订单已发货，查看 https://item.jd.com/100012043978.html", &[]),
        // The brand named, the link elsewhere.
        ("USPS: your package is held, update your address at https://usps-redeliver.top/us",
            &["brand_mismatch", "lookalike", "risky_tld"]),
        ("FedEx: we could not deliver your parcel, reschedule: fedex-delivery-help.us/track",
            &["brand_mismatch", "lookalike"]),
        ("UPS: pay the customs fee at https://ups.com-parcelfee.world/pay",
            &["brand_mismatch", "brand_subdomain", "risky_tld"]),
        ("USPS: address incomplete https://usps.com.xyz-track.top/i",
            &["brand_mismatch", "brand_subdomain", "risky_tld"]),
        ("Your Apple ID is locked, verify at http://appleid-verify-support.com/login",
            &["brand_mismatch", "lookalike"]),
        ("PayPal: unusual sign-in, confirm: https://paypa1-secure.net/confirm",
            &["brand_mismatch", "lookalike"]),
        ("Netflix: payment declined, update billing at netfl1x-billing.com",
            &["brand_mismatch", "lookalike"]),
        ("【顺丰】您的包裹地址异常，请点击 http://sf-express-cn.vip/dz 修改",
            &["brand_mismatch", "lookalike", "risky_tld"]),
        ("【12306】您的车票退款失败，请登录 https://12306-tuikuan.cc 办理",
            &["brand_mismatch", "lookalike", "risky_tld"]),
        // No brand: only what the link itself shows.
        ("Your account is locked, log in at http://185.23.114.9/bank/login", &["ip_host"]),
        ("Confirm here: https://paypal.com@secure-check.info/confirm",
            &["brand_mismatch", "risky_tld", "userinfo"]),
        ("Claim your refund: bit.ly/3xRfd9", &["shortener"]),
        ("下载这个APP办理退款：http://dl.refund-help.cn/app/tuikuan.apk", &["apk"]),
        // `xn--pple-43d` is "аpple" with a Cyrillic а: "pple" is one edit from "apple".
        ("Sign in to verify: https://xn--pple-43d.com/id", &["lookalike", "punycode"]),
        ("Sign in to verify your Apple account: https://аpple.com/id",
            &["brand_mismatch", "lookalike", "punycode"]),
        // Not links, or harmless ones.
        ("See you at 3.30, bring the report.zip and e.g. the notes", &[]),
        ("Mail me at someone@usps-redeliver.top if anything changes", &[]),
        ("Our menu is at https://example.com/menu", &[]),
        ("Groups of cups and ups and downs: https://example.org", &[]),
        ("价格是3.5元一斤，明天见", &[]),
        // A link runs to the next Chinese character; folded characters never make a bare one.
        ("详情请点击https://mp.example.com查看，谢谢", &[]),
        ("Sir, i am waiting. ㏒enthil.Hsbc", &[]),
    ];
    for (text, want) in table {
        let got = signals(&r, text);
        let want: Vec<String> = want.iter().map(|s| (*s).to_string()).collect();
        assert_eq!(got, want, "{text}");
    }
}

#[test]
fn evidence_quotes_the_link_as_the_user_wrote_it() {
    let r = shipped();
    let text = "USPS：包裹地址不全，请更新 HTTPS://USPS-REDELIVER.TOP/us 谢谢";
    let f = r.analyze(&normalize(text), text).findings;
    assert!(!f.is_empty());
    assert_eq!(
        &text[f[0].evidence.clone()],
        "HTTPS://USPS-REDELIVER.TOP/us"
    );
}

#[test]
fn hostile_urls_are_bounded() {
    let r = shipped();
    let long = format!(
        "USPS: https://{}.top/{}",
        "a".repeat(5000),
        "b".repeat(100_000)
    );
    let _ = r.analyze(&normalize(&long), &long);
    let many: String = (0..5000).map(|i| format!("x{i}.top ")).collect();
    assert!(find_urls(&normalize(&many), &many, &r.risky_tlds).len() <= MAX_URLS);
    for s in [
        "http://",
        "https://[::1",
        "http://a..b",
        "http://%%%",
        "www.",
        ".....com",
    ] {
        let _ = r.analyze(&normalize(s), s);
    }
}

#[test]
fn data_file_errors_name_the_line() {
    let bad = "[[signal]]\nid = \"a\"\nkind = \"nope\"\nfamily = \"f\"\nstage = \"channel\"\nweight = 1\nexplain = \"k\"\n\n[[brand]]\nid = \"b\"\nnames = [\"b\"]\ndomains = [\"com\"]\n";
    let e = parse("links.toml", bad).unwrap_err();
    let text: Vec<String> = e.iter().map(ToString::to_string).collect();
    assert_eq!(e.len(), 2, "{text:?}");
    assert!(text[0].starts_with("links.toml:1:"), "{text:?}");
    assert!(
        text[0].contains("unknown link signal kind `nope`"),
        "{text:?}"
    );
    assert!(text[1].starts_with("links.toml:9:"), "{text:?}");
    assert!(text[1].contains("not a registrable domain"), "{text:?}");
    let syntax = parse("links.toml", "[[signal]\n").unwrap_err();
    assert!(
        syntax[0].to_string().starts_with("links.toml:1:"),
        "{syntax:?}"
    );
}

#[test]
fn edit_distance_and_leet() {
    assert!(one_edit_apart("paypai", "paypal"));
    assert!(one_edit_apart("paypall", "paypal"));
    assert!(one_edit_apart("pypal", "paypal"));
    assert!(one_edit_apart("paypal", "paypal"));
    assert!(!one_edit_apart("paypol1", "paypal"));
    assert!(!one_edit_apart("pyapal", "paypal"));
    assert_eq!(deleet("paypa1"), "paypal");
    assert!(word_at("pay usps now", 4, 8));
    assert!(!word_at("groups", 3, 6));
    assert!(word_at("您的顺丰快递", 6, 12));
}

#[test]
fn visible_link_text_naming_another_site() {
    assert!(shown_elsewhere(
        "www.usps.com",
        "https://usps-redeliver.top/x"
    ));
    assert!(shown_elsewhere(
        "https://paypal.com/signin",
        "http://185.1.2.3/p"
    ));
    assert!(!shown_elsewhere(
        "www.usps.com",
        "https://tools.usps.com/go"
    ));
    assert!(!shown_elsewhere(
        "click here",
        "https://usps-redeliver.top/x"
    ));
    assert!(!shown_elsewhere("查看详情", "https://a.example/x"));
    assert_eq!(
        registrable("https://a.b.example.co.uk/x").as_deref(),
        Some("example.co.uk")
    );
}
