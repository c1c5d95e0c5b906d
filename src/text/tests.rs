use proptest::prelude::*;

use super::tables::{RawData, Tables, VARIANTS_TOML};
use super::*;

/// `t!(name, input, folded)`: `normalize(input)` is `folded`.
macro_rules! t {
    ($name:ident, $input:expr, $folded:expr) => {
        #[test]
        fn $name() {
            let n = normalize($input);
            assert_eq!(n.as_str(), $folded, "normalize({:?})", $input);
            check_map($input, &n);
        }
    };
}

/// `e!(name, input, canonical, quoted)`: the folded text contains `canonical`, which quotes
/// `quoted` from the original.
macro_rules! e {
    ($name:ident, $input:expr, $canonical:expr, $quoted:expr) => {
        #[test]
        fn $name() {
            assert_eq!(
                quote($input, $canonical),
                Some($quoted),
                "{:?}",
                normalize($input)
            );
        }
    };
}

/// The original text the first occurrence of `canonical` in the folded `input` comes from.
fn quote<'a>(input: &'a str, canonical: &str) -> Option<&'a str> {
    let n = normalize(input);
    let start = n.as_str().find(canonical)?;
    Some(&input[n.original_range(start..start + canonical.len())])
}

/// Every char-boundary range of the folded text maps to a char-boundary range of `input`.
fn check_map(input: &str, n: &Normalized) {
    let bounds: Vec<usize> = n
        .as_str()
        .char_indices()
        .map(|(i, _)| i)
        .chain([n.as_str().len()])
        .collect();
    let mut last = 0..0;
    for (k, &a) in bounds.iter().enumerate() {
        for &b in bounds.iter().skip(k).take(8) {
            let r = n.original_range(a..b);
            assert!(
                r.start <= r.end && r.end <= input.len(),
                "{a}..{b} -> {r:?}"
            );
            assert!(input.is_char_boundary(r.start) && input.is_char_boundary(r.end));
            assert_eq!(
                a == b,
                r.is_empty(),
                "{a}..{b} -> {r:?} in {input:?} -> {n:?}"
            );
        }
        if let Some(&next) = bounds.get(k + 1) {
            let r = n.original_range(a..next);
            assert!(
                r.start >= last.start && r.end >= last.end,
                "map goes back at {a}"
            );
            last = r;
        }
    }
}

// Separators between Han characters.
t!(sep_space, "微 信", "微信");
t!(sep_dash, "微-信", "微信");
t!(sep_dot, "微.信", "微信");
t!(sep_star, "微*信", "微信");
t!(sep_underscore, "微_信", "微信");
t!(sep_middle_dot, "微·信", "微信");
t!(sep_slash, "微/信", "微信");
t!(sep_spaced_dash, "微 - 信", "微信");
t!(sep_heart, "微❤信", "微信");
t!(sep_heart_vs16, "微❤\u{fe0f}信", "微信");
t!(sep_star_emoji, "微🌟信", "微信");
t!(sep_zwj_family, "微👨\u{200d}👩\u{200d}👧信", "微信");
t!(sep_skin_tone, "微👍🏽信", "微信");
t!(sep_cjk_brackets, "微【信】", "微信】");
t!(sep_clause_comma, "丢失了，我们", "丢失了,我们");

// Clause punctuation between Han characters is kept as one `,`.
t!(clause_full_stop, "说一下。注意", "说一下,注意");
t!(clause_address_comma, "妈，给我打钱", "妈,给我打钱");
t!(clause_ideographic_comma, "苹果、香蕉", "苹果,香蕉");
t!(clause_exclamation, "快点！转账", "快点,转账");
t!(clause_question, "在吗？转账", "在吗,转账");
t!(clause_semicolon, "第一步；第二步", "第一步,第二步");
t!(clause_colon, "注意：转账", "注意,转账");
t!(clause_ellipsis, "我……没钱", "我,没钱");
t!(clause_midline_ellipsis, "我⋯⋯没钱", "我,没钱");
t!(clause_ascii, "好,走!快?来;看:了", "好,走,快,来,看,了");
t!(clause_run_collapses, "真的吗？！。 好", "真的吗,好");
t!(clause_with_evasion_separators, "微 ，- 信", "微,信");
t!(clause_at_end, "说一下。", "说一下,");
t!(clause_before_latin, "好的。OK！", "好的,ok!");
t!(clause_latin_kept, "hello, world! a:b", "hello, world! a:b");
t!(clause_url_kept, "https://a.cn/x?y=1", "https://a.cn/x?y=1");
t!(evasion_pipe, "微|信", "微信");
t!(evasion_tilde, "微~信", "微信");
t!(evasion_spaced_dots, "微 . 信", "微信");
t!(sep_ideographic_space, "微\u{3000}信", "微信");
t!(sep_combining_mark, "微\u{301}信", "微信");
t!(
    sep_kept_between_latin,
    "share your screen",
    "share your screen"
);
t!(sep_kept_latin_han, "a - 信", "a - 信");
t!(sep_kept_digits, "1 2 3", "1 2 3");
t!(sep_kept_han_digit, "微 1", "微 1");

// Whitespace, invisible characters, case, width.
t!(
    whitespace_collapse,
    "  Share \t your\n\nscreen  ",
    "share your screen"
);
t!(
    zero_width,
    "验\u{200b}证\u{200c}码\u{200d}\u{feff}",
    "验证码"
);
t!(soft_hyphen_and_bidi, "pay\u{ad}pal\u{202e}", "paypal");
t!(controls, "a\u{0}b\u{7}c\u{85}d", "abc d");
t!(hangul_filler, "微\u{3164}信", "微信");
t!(full_width, "ＡＢＣ！１２３", "abc!123");
t!(
    full_width_punct,
    "你好，世界！好。 OK！",
    "你好,世界,好, ok!"
);
t!(full_width_vx, "ＶＸ", "微信");
t!(nfkc_ligature, "ﬁle", "file");
t!(nfkc_composes, "e\u{301}", "é");
t!(nfkc_across_removed, "e\u{200b}\u{301}", "é");
t!(nfkc_across_delete, "e\u{7f}\u{301}", "é");
t!(halfwidth_katakana, "ｶﾞ", "ガ");
t!(hangul_jamo, "ㄱㅏ", "가");
t!(turkish_i, "İ", "i\u{307}");

// Variants.
t!(variant_wechat_homophone, "薇信", "微信");
t!(variant_wechat_wei, "威信", "微信");
t!(variant_v_xin, "V信", "微信");
t!(variant_v_space_xin, "加V 信", "加微信");
t!(variant_vx_token, "加vx123456", "加微信123456");
t!(variant_vx_spaced, "my vx: abc", "my 微信: abc");
t!(variant_vx_in_word, "vxworks", "vxworks");
t!(variant_wx_in_word, "wxyz", "wxyz");
t!(variant_vx_joins_han, "你好 vx 多少", "你好微信多少");
t!(variant_plus_vx, "+vx 123", "加微信 123");
t!(variant_qq, "扣扣", "qq");
t!(variant_q_space_q, "Q Q 12345", "qq 12345");
t!(variant_faq_q, "faq q", "faq q");
t!(variant_rare_wei, "嶶信", "微信");
t!(variant_rare_wei_alone, "嶶", "微");
t!(variant_ga_wei, "伽微", "加微");
t!(variant_yoga_kept, "瑜伽课", "瑜伽课");
t!(variant_cyrillic_vx, "v\u{445}", "微信");
t!(variant_then_join_then_variant, "伽 vx", "加微信");
t!(variant_join_homoglyph, "\u{430}扣扣", "aqq");

// Numerals.
t!(circled_digits, "①②③", "123");
t!(circled_twenty, "⑳", "20");
t!(dingbat_digits, "❶❷❸", "123");
t!(han_numerals, "九九九九", "9999");
t!(han_numerals_mixed, "加我1三8九九", "加我13899");
t!(han_numeral_alone, "一起", "一起");
t!(han_numerals_two, "一二", "一二");
t!(han_numerals_spaced, "九 九 九", "999");
t!(white_circle_zero, "二○二四年", "2024年");
t!(financial_numerals, "壹贰叁", "123");
t!(traditional_numerals, "貳貳貳", "222");

// Numbers with units.
t!(unit_thousands, "六千", "6000");
t!(unit_hundred_fifty, "一百五十", "150");
t!(unit_liang, "两万", "20000");
t!(unit_yuan, "一万元", "10000元");
t!(unit_shortened, "三千五", "3500");
t!(unit_shortened_wan, "一万二", "12000");
t!(unit_shortened_hundred, "一百五", "150");
t!(unit_teen, "十五", "15");
t!(unit_twenty, "二十", "20");
t!(unit_ten_million, "一千万", "10000000");
t!(unit_ten_measure, "十倍", "10倍");
t!(unit_ten_yuan, "十块钱", "10块钱");
t!(unit_ten_wan, "十万元", "100000元");
t!(unit_ascii_wan, "3万", "30000");
t!(unit_ascii_many_wan, "转100万", "转1000000");
t!(unit_decimal_wan, "1.5万", "15000");
t!(unit_decimal_qian_wan, "2.5千万", "25000000");
t!(unit_decimal_not_whole, "1.23456万", "1.23456万");
t!(unit_decimal_alone, "1.5倍", "1.5倍");
t!(unit_mixed_digits, "9千9百9十9", "9999");
t!(unit_zero, "一千零五", "1005");
t!(unit_zero_hundred, "一万零五百", "10500");
t!(unit_yi, "一亿两千万", "120000000");
t!(unit_wan_yi, "三万亿", "3000000000000");
t!(unit_ascii_after_wan, "3万5000", "35000");
t!(unit_financial, "壹万贰仟", "12000");
t!(unit_traditional, "兩萬", "20000");
t!(unit_reason, "一万个理由", "10000个理由");
t!(unit_points, "一百分", "100分");
t!(unit_ordinal_ten, "第十五名", "第15名");
t!(unit_in_sentence, "转账六千元", "转账6000元");
t!(unit_thousands_comma, "1,000万", "10000000");
t!(unit_digit_run_wan, "九九九九万", "99990000");
t!(unit_clause_between, "三千，五百块", "3000,500块");
t!(unit_not_idiom_qianwan, "千万不要", "千万不要");
t!(unit_not_wanyi, "万一", "万一");
t!(unit_not_yiqi, "一起", "一起");
t!(unit_not_very, "十分感谢", "十分感谢");
t!(unit_not_percent, "百分之", "百分之");
t!(unit_not_approximate, "五六千", "五六千");
t!(unit_not_approximate_teens, "十五六万", "十五六万");
t!(unit_not_approximate_tens, "三四十个", "三四十个");
t!(unit_not_count, "三四个", "三四个");
t!(unit_not_bit, "一点", "一点");
t!(unit_not_once, "一下", "一下");
t!(unit_not_first, "第一", "第一");
t!(unit_not_wanshi, "万事如意", "万事如意");
t!(unit_not_some_tens, "几十万", "几十万");
t!(unit_not_tens_of, "数十万", "数十万");
t!(unit_not_ten_plus, "十几个", "十几个");
t!(unit_not_perfect, "十全十美", "十全十美");
t!(unit_not_wanwan, "万万没想到", "万万没想到");
t!(unit_not_liang_alone, "两个人", "两个人");
t!(unit_not_multi_small, "12千", "12千");
t!(unit_digit_run_before_ten, "一二三十五", "123十五");

// Thousands separators.
t!(thousands, "9,999", "9999");
t!(thousands_full_width, "9，999", "9999");
t!(thousands_many, "12,345,678元", "12345678元");
t!(thousands_not_group, "1,2", "1,2");
t!(thousands_four, "1,2345", "1,2345");
t!(thousands_after_numerals, "九九九,999", "999999");
t!(thousands_after_short_numerals, "二3,456", "二3,456");
t!(thousands_group_too_long, "3000,500", "3000,500");

// Traditional -> Simplified, Taiwan vocabulary.
t!(t2s_account, "帳戶", "账户");
t!(t2s_account_number, "帳號", "账号");
t!(t2s_screen, "螢幕", "屏幕");
t!(t2s_screen_share, "螢幕共享", "屏幕共享");
t!(t2s_software, "軟體", "软件");
t!(t2s_network, "網路", "网络");
t!(t2s_remit, "匯款", "汇款");
t!(t2s_sms, "簡訊", "短信");
t!(t2s_code, "驗證碼", "验证码");
t!(t2s_sentence, "請提供您的驗證碼", "请提供您的验证码");

// Homoglyphs.
t!(homoglyph_in_latin_word, "p\u{430}yp\u{430}l", "paypal");
t!(homoglyph_upper, "\u{420}\u{410}YPAL", "paypal");
t!(homoglyph_russian_kept, "привет мир", "привет мир");
t!(homoglyph_greek_kept, "καλημέρα", "καλημέρα");
t!(
    homoglyph_before_mark_kept,
    "a\u{43e}\u{301}",
    "a\u{43e}\u{301}"
);

// Bad input.
t!(empty, "", "");
t!(only_spaces, " \n\t ", "");
t!(only_invisible, "\u{200b}\u{fe0f}\u{0}", "");
t!(lone_mark, "\u{301}", "\u{301}");

// Evidence quotes the original.
e!(quote_split_variant, "加我薇 信吧", "微信", "薇 信");
e!(quote_vx, "加我vx吧", "微信", "vx");
e!(quote_full_width, "加Ｖ信", "微信", "Ｖ信");
e!(
    quote_zero_width,
    "您的验\u{200b}证码",
    "验证码",
    "验\u{200b}证码"
);
e!(quote_traditional, "您的帳號", "账号", "帳號");
e!(quote_taiwan_word, "分享螢幕吧", "共享屏幕", "分享螢幕");
e!(quote_numerals, "转九九九九元", "9999", "九九九九");
e!(
    quote_emoji_separator,
    "加微❤\u{fe0f}信",
    "微信",
    "微❤\u{fe0f}信"
);
e!(quote_circled, "号码①②③", "123", "①②③");
e!(quote_unit_number, "请转一万五千元", "15000", "一万五千");
e!(quote_unit_decimal, "投资1.5万就行", "15000", "1.5万");
e!(quote_unit_teen, "等十五分钟", "15", "十五");
e!(quote_clause_full_stop, "说一下。注意", ",", "。");
e!(quote_clause_run, "真的吗？！好", "吗,好", "吗？！好");
e!(quote_clause_spaced, "好 ， 走", ",", "，");
e!(quote_clause_join, "说一下。注意", "下,注", "下。注");
e!(quote_thousands, "付 9,999 元", "9999", "9,999");
e!(
    quote_homoglyph,
    "log in to p\u{430}ypal now",
    "paypal",
    "p\u{430}ypal"
);
e!(quote_qq, "加扣扣", "qq", "扣扣");
e!(quote_part_of_charwise, "加我薇信", "微", "薇");
e!(
    quote_whitespace,
    "share   your screen",
    "share your",
    "share   your"
);

// Latin folds: spelled-out letters.
t!(spaced_share, "s h a r e your screen", "share your screen");
t!(spaced_dots, "a.n.y.d.e.s.k", "anydesk");
t!(spaced_gift_card, "g i f t c a r d", "giftcard");
t!(spaced_upper, "S H A R E your screen", "share your screen");
t!(spaced_dashes, "o-t-p please", "otp please");
t!(spaced_spaced_dash, "c - o - d - e", "code");
t!(spaced_dot_space, "g. i. f. t", "gift");
t!(spaced_underscores, "v_e_r_i_f_y now", "verify now");
t!(spaced_short_word, "send the o t p", "send the otp");
t!(spaced_in_chinese, "把c o d e发我", "把code发我");
t!(spaced_two_gaps_one_run, "s h a r e y o u r", "shareyour");
t!(spaced_keeps_end_dot, "u.s.b.c.", "usbc.");
// Single letters in ordinary text stay.
t!(spaced_not_i_am_a, "I am a student", "i am a student");
t!(spaced_not_two, "A B testing", "a b testing");
t!(spaced_not_three_other, "u r a star", "u r a star");
t!(spaced_not_initials, "J. R. R. Tolkien", "j. r. r. tolkien");
t!(spaced_not_axis, "x-y-z-axis", "x-y-z-axis");
t!(spaced_not_mixed_gaps, "a b-c d", "a b-c d");
t!(spaced_not_address, "s h a r e.com", "s h a r e.com");
t!(
    spaced_not_host,
    "a.b.c.d.example.com",
    "a.b.c.d.example.com"
);
t!(spaced_not_letters_digits, "a 1 b 2", "a 1 b 2");
// Digits and symbols for letters.
t!(leet_gift, "buy a g1ft card", "buy a gift card");
t!(leet_code, "send the c0de", "send the code");
t!(leet_amazon, "Am4zon refund", "amazon refund");
t!(leet_paypal, "p4ypal", "paypal");
t!(leet_paypal_at, "your p@ypal account", "your paypal account");
t!(leet_otp, "0tp", "otp");
t!(leet_verification, "verif1cation", "verification");
t!(leet_one_as_l, "pay via paypa1 now", "pay via paypal now");
t!(leet_sentence_end, "give me the c0de.", "give me the code.");
t!(leet_next_to_han, "把c0de发我", "把code发我");
// Look-alikes that are not words a rule uses stay.
t!(leet_not_4g, "4g 5g mp3 b2b", "4g 5g mp3 b2b");
t!(leet_not_model, "iphone15 pro", "iphone15 pro");
t!(leet_not_amounts, "$500 or 1000usd", "$500 or 1000usd");
t!(leet_not_date, "2024-05-01 10:30", "2024-05-01 10:30");
t!(leet_not_code_digits, "code 123456", "code 123456");
t!(leet_not_2fa, "turn on 2fa", "turn on 2fa");
t!(
    leet_not_domain,
    "login at p4ypal.com",
    "login at p4ypal.com"
);
t!(
    leet_not_email,
    "mail j0hn@amaz0n.net",
    "mail j0hn@amaz0n.net"
);
t!(leet_not_handle, "@am4zon_help", "@am4zon_help");
t!(leet_half_digits, "c0d3", "code");
t!(leet_not_mostly_digits, "07p", "07p");
// Split names.
t!(compound_any_desk, "Any Desk", "anydesk");
t!(
    compound_any_dash_desk,
    "install any-desk",
    "install anydesk"
);
t!(compound_team_viewer, "Team Viewer", "teamviewer");
t!(compound_team_dash_viewer, "team-viewer id", "teamviewer id");
t!(compound_quick_support, "quick support", "quicksupport");
t!(compound_spaced_then_joined, "t e a m viewer", "teamviewer");
t!(compound_in_chinese, "下载any desk", "下载anydesk");
t!(compound_han_app_spaced, "向日葵 远程", "向日葵远程");
t!(compound_not_domain, "any-desk.com", "any-desk.com");
t!(compound_not_longer_word, "anyone desk", "anyone desk");
t!(compound_not_to_desk, "walk to desk 5", "walk to desk 5");
// Evidence quotes the original characters.
e!(quote_spaced, "s h a r e your screen", "share", "s h a r e");
e!(
    quote_spaced_dots,
    "open a.n.y.d.e.s.k now",
    "anydesk",
    "a.n.y.d.e.s.k"
);
e!(quote_leet, "send the c0de", "code", "c0de");
e!(quote_leet_inner, "send the c0de", "o", "0");
e!(
    quote_compound,
    "install Any-Desk now",
    "anydesk",
    "Any-Desk"
);
e!(quote_compound_part, "install Any-Desk now", "desk", "Desk");

#[test]
fn original_range_edge_cases() {
    let n = normalize("加我 vx");
    assert_eq!(n.as_str(), "加我微信");
    assert_eq!(n.original_range(0..0), 0..0);
    assert_eq!(n.original_range(12..12), 9..9);
    #[allow(clippy::reversed_empty_ranges)]
    let reversed = 5..3;
    assert_eq!(n.original_range(reversed), 0..0);
    assert_eq!(n.original_range(0..100), 0..0);
    // Not on char boundaries: still whole original chars.
    assert_eq!(n.original_range(1..2), 0..3);
    assert_eq!(Normalized::default().original_range(0..1), 0..0);
    assert_eq!(Normalized::default().original_range(0..0), 0..0);
}

#[test]
fn is_cjk_is_han() {
    for c in ['微', '〇', '々', '𠀀', '豈'] {
        assert!(is_cjk(c), "{c}");
    }
    for c in ['a', '。', '、', 'ア', '가', '❤', ' '] {
        assert!(!is_cjk(c), "{c}");
    }
}

#[test]
fn script_hints() {
    assert_eq!(script_hint("Please share your screen"), Script::Latin);
    assert_eq!(script_hint("请提供您的验证码"), Script::Simplified);
    assert_eq!(script_hint("請提供您的驗證碼"), Script::Traditional);
    assert_eq!(script_hint("hello 你好"), Script::Simplified);
    assert_eq!(script_hint("加我vx 12345"), Script::Simplified);
    assert_eq!(script_hint("Привет, как дела?"), Script::Other);
    assert_eq!(script_hint("今日はいい天気ですね"), Script::Other);
    assert_eq!(script_hint("12345 !!"), Script::Other);
    assert_eq!(script_hint(""), Script::Other);
}

/// The data file parses, every entry is well-formed, and every canonical form is a fixed point
/// of `normalize` that each of its variants folds to.
#[test]
fn data_file_is_valid() {
    let t = Tables::build(VARIANTS_TOML).expect("variants.toml is valid");
    assert!(t.variants.is_some());
    let raw: RawData = toml::from_str(VARIANTS_TOML).expect("variants.toml parses");
    let mut problems = Vec::new();
    for v in &raw.variant {
        if normalize(&v.to).as_str() != v.to {
            problems.push(format!("to {:?} -> {:?}", v.to, normalize(&v.to).as_str()));
        }
        for f in &v.from {
            assert!(!f.is_empty() && f != &v.to, "from {f:?}");
            if normalize(f).as_str() != v.to {
                problems.push(format!("from {f:?} -> {:?}, not {:?}", normalize(f), v.to));
            }
        }
    }
    for (k, v) in &raw.chars {
        if normalize(v).as_str() != v {
            problems.push(format!("[chars] value {v:?} is not normalized"));
        }
        let n = normalize(k);
        if n.as_str() != v {
            problems.push(format!("[chars] {k:?} -> {:?}, not {v:?}", n.as_str()));
        }
    }
    for (k, v) in &raw.homoglyphs {
        if normalize(k).as_str() != k {
            problems.push(format!("[homoglyphs] key {k:?} is not normalized"));
        }
        let word = format!("a{k}");
        if normalize(&word).as_str() != format!("a{v}") {
            problems.push(format!("[homoglyphs] {word:?} -> {:?}", normalize(&word)));
        }
    }
    for (k, v) in &raw.numerals.digits {
        let run = k.repeat(raw.numerals.min_run);
        if normalize(&run).as_str() != v.repeat(raw.numerals.min_run) {
            problems.push(format!("[numerals] {run:?} -> {:?}", normalize(&run)));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn data_file_errors_are_all_reported() {
    let bad = r#"
        [chars]
        "ab" = "x"
        [homoglyphs]
        "а" = "ab"
        [numerals]
        min_run = 1
        [numerals.digits]
        "x" = "1"
        "九" = "9"
        [[variant]]
        to = "微信"
        from = ["微信", "九信"]
        [[variant]]
        to = "qq"
        from = ["扣扣", "扣 扣"]
    "#;
    let Err(tables::DataError::Invalid(errors)) = Tables::build(bad) else {
        panic!("bad data accepted");
    };
    assert_eq!(errors.len(), 7, "{errors:#?}");
    assert!(matches!(
        Tables::build("[numerals]\nmin_run = 3\n[numerals.digits]\n[[variant]]\nto = 1"),
        Err(tables::DataError::Parse(_))
    ));
}

#[test]
fn t2s_table_agrees_with_fast2s() {
    let text = "請提供您的驗證碼，帳戶餘額不足，請立即匯款到指定帳號。螢幕共享軟體網路簡訊";
    let ours: String = text.chars().map(|c| TABLES.t2s(c)).collect();
    assert_eq!(ours, fast2s::convert(text));
}

#[test]
fn huge_input_is_linear() {
    let unit = "加我薇 信123，Share your screen 九九九九 p\u{430}ypal ❤️🌟 9,999 帳號 vx ";
    let big = unit.repeat(1_000_000 / unit.len() + 1);
    let n = normalize(&big);
    assert!(n.as_str().len() > big.len() / 2);
    check_prefix(&big, &n);
}

#[test]
fn many_emoji() {
    let big = "😀🌟❤\u{fe0f}👍".repeat(2_500);
    let n = normalize(&big);
    assert_eq!(n.as_str().chars().count(), 10_000);
    check_prefix(&big, &n);
    let between = format!("微{big}信");
    assert_eq!(normalize(&between).as_str(), "微信");
}

#[test]
fn long_cluster_of_marks() {
    let big = format!("a{}", "\u{301}\u{316}".repeat(250_000));
    let n = normalize(&big);
    assert!(n.as_str().starts_with('á'));
    assert_eq!(n.original_range(0..n.as_str().len()), 0..big.len());
}

#[test]
fn long_numeral_and_separator_runs() {
    let nines = "九".repeat(100_000);
    assert_eq!(normalize(&nines).as_str(), "9".repeat(100_000));
    let dashes = format!("微{}信", " - ".repeat(100_000));
    assert_eq!(normalize(&dashes).as_str(), "微信");
    let commas = format!("1{}", ",000".repeat(100_000));
    assert_eq!(normalize(&commas).as_str().len(), 1 + 300_000);
}

fn check_prefix(input: &str, n: &Normalized) {
    let text = n.as_str();
    let mut end = 2_000.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let r = n.original_range(0..end);
    assert!(input.is_char_boundary(r.start) && input.is_char_boundary(r.end));
}

/// The best time per call of `f` over several batches (the machine may be busy).
fn best_time(mut f: impl FnMut()) -> std::time::Duration {
    (0..20)
        .map(|_| {
            let start = std::time::Instant::now();
            for _ in 0..1_000 {
                f();
            }
            start.elapsed() / 1_000
        })
        .min()
        .unwrap_or_default()
}

const TIMING_MESSAGES: [&str; 4] = [
    "您好，这里是京东金融客服中心。系统检测到您的账户存在异常，为了保障您的资金安全，请您配合我们进行身份验证。请下载我们的会议软件并开启屏幕共享功能，我们的工作人员会指导您完成操作。请不要将此事告诉任何人，否则可能会影响您的征信记录。验证码请直接告诉工作人员。名额有限，先到先得，机会难得请抓紧时间。",
    "您好，这里是京东金融客服中心。系统检测到您的账户存在异常，为了保障您的资金安全，请您配合我们进行身份验证。请下载我们的会议软件并开启屏幕共享功能，我们的工作人员会指导您完成操作。请不要将此事告诉任何人，否则可能会影响您的征信记录。验证码请直接告诉工作人员。加我薇 信了解详情，九九九九元立即到账，名额有限，先到先得，机会难得请抓紧时间。",
    "您好，這裡是京東金融客服中心。系統檢測到您的帳戶存在異常，為了保障您的資金安全，請您配合我們進行身份驗證。請下載我們的會議軟體並開啟螢幕共享功能，我們的工作人員會指導您完成操作。請不要將此事告訴任何人，否則可能會影響您的徵信記錄。驗證碼請直接告訴工作人員。",
    "Hello! This is the support team. Your account shows unusual activity; please install the meeting app and share your screen so our agent can verify your identity. Do not tell anyone.",
];

/// Prints the time per call for typical messages:
/// `cargo test --release --lib text::tests::timing -- --ignored --nocapture`.
#[test]
#[ignore = "timing, run by hand in release mode"]
fn timing() {
    let t = &*TABLES;
    for m in TIMING_MESSAGES {
        let whole = best_time(|| {
            std::hint::black_box(normalize(std::hint::black_box(m)));
        });
        let pass1 = best_time(|| {
            std::hint::black_box(super::fold::pass1(t, std::hint::black_box(m)));
        });
        let p1 = super::fold::pass1(t, m);
        let find = best_time(|| {
            if let Some(v) = &t.variants {
                std::hint::black_box(v.find(t, std::hint::black_box(&p1.text), 0));
            }
        });
        let chars = m.chars().count();
        println!("{chars} chars: normalize {whole:?}, pass1 {pass1:?}, first find {find:?}");
    }
}

/// Characters that exercise every rule, for the property tests.
fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::sample::select(vec![
            '微',
            '信',
            '薇',
            '九',
            '一',
            '三',
            '十',
            '百',
            '千',
            '万',
            '亿',
            '两',
            '零',
            '几',
            '倍',
            '！',
            '：',
            '…',
            '〇',
            '○',
            '帳',
            '號',
            '螢',
            '幕',
            '扣',
            '伽',
            '嶶',
            'v',
            'x',
            'w',
            'q',
            'V',
            'Q',
            'p',
            'a',
            'l',
            '1',
            '9',
            '0',
            ',',
            '，',
            '。',
            ' ',
            '\n',
            '\t',
            '-',
            '.',
            '*',
            '+',
            '❤',
            '🌟',
            '👨',
            '\u{200b}',
            '\u{200d}',
            '\u{fe0f}',
            '\u{301}',
            '\u{316}',
            '\u{3099}',
            'ｶ',
            'ﾞ',
            'ㄱ',
            'ㅏ',
            '가',
            '\u{1161}',
            '\u{11a8}',
            'а',
            'о',
            'р',
            'х',
            'α',
            'ο',
            'İ',
            'ß',
            'ﬁ',
            '①',
            '❶',
            'Ｖ',
            'ｘ',
            '㍻',
            '\u{0}',
            '\u{ad}',
            '\u{3164}',
            '\u{e0100}',
            'é',
            'e',
            'Ω',
            'K',
            '\u{b47}',
            '\u{b3e}',
        ]),
        any::<char>(),
    ]
}

/// Strings made of pieces that trigger the context rules next to each other.
fn token_string() -> impl Strategy<Value = String> {
    let pieces = vec![
        "vx",
        "V",
        "信",
        "微",
        "薇",
        "扣扣",
        "q",
        " q",
        "伽",
        "+",
        "帳",
        "號",
        "螢幕",
        "分享",
        "九",
        "一",
        "二",
        "十",
        "百",
        "千",
        "万",
        "两",
        "零",
        "元",
        "1.5",
        "！",
        "…",
        "3",
        "〇",
        "○",
        "1",
        "000",
        ",",
        "，",
        " ",
        "-",
        "❤\u{fe0f}",
        "а",
        "р",
        "pal",
        "x",
        "\u{301}",
        "\u{200b}",
        "é",
        "İ",
        "ｖ",
        "Ｘ",
        "。",
        "a",
        "加",
        "我",
        "号",
        "s",
        "h",
        "e",
        " e",
        ".",
        "_",
        "c0de",
        "g1ft",
        "4",
        "@",
        "$",
        "any",
        "desk",
        "any desk",
        "otp",
        ".com",
    ];
    prop::collection::vec(prop::sample::select(pieces), 0..24).prop_map(|v| v.concat())
}

fn interesting_string() -> impl Strategy<Value = String> {
    prop::collection::vec(interesting_char(), 0..48).prop_map(|v| v.into_iter().collect())
}

proptest! {
    // Failures are not persisted to a file; shrunk counterexamples become table tests above.
    #![proptest_config(ProptestConfig {
        cases: 2_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn prop_map_is_exact(s in interesting_string()) {
        let n = normalize(&s);
        check_map(&s, &n);
    }

    #[test]
    fn prop_idempotent(s in interesting_string()) {
        let once = normalize(&s);
        let twice = normalize(once.as_str());
        prop_assert_eq!(once.as_str(), twice.as_str());
    }

    #[test]
    fn prop_pattern_filter_is_exact(s in token_string()) {
        let filtered = super::fold::fold(&TABLES, &s);
        let reference = super::fold::fold_unfiltered(&TABLES, &s);
        prop_assert_eq!(filtered.text, reference.text);
        prop_assert_eq!(filtered.map, reference.map);
    }

    #[test]
    fn prop_tokens(s in token_string()) {
        let once = normalize(&s);
        check_map(&s, &once);
        let twice = normalize(once.as_str());
        prop_assert_eq!(once.as_str(), twice.as_str());
    }

    #[test]
    fn prop_arbitrary_unicode(s in any::<String>()) {
        let n = normalize(&s);
        check_map(&s, &n);
        let again = normalize(n.as_str());
        prop_assert_eq!(again.as_str(), n.as_str());
    }

    #[test]
    fn prop_script_hint_never_panics(s in interesting_string()) {
        let _ = script_hint(&s);
    }
}
