//! The compiled engine against a naive reference evaluator, and loader errors.

use std::fmt::Write as _;

use proptest::prelude::*;
use regex::Regex;

use super::{Engine, LoadOptions};
use crate::model::fold_literal;
use crate::rules::{self, ErrorCode, RawRule, Source};
use crate::text::normalize;

/// Every occurrence of a folded literal in `s`, overlapping, honouring word boundaries.
fn occurrences(s: &str, literal: &str) -> Vec<(usize, usize)> {
    let lit = fold_literal(literal);
    let bytes = s.as_bytes();
    (0..s.len())
        .filter(|&i| s.is_char_boundary(i) && s[i..].starts_with(lit.body.as_str()))
        .map(|i| (i, i + lit.body.len()))
        .filter(|&(a, _)| !(lit.bound_start && a > 0 && bytes[a - 1].is_ascii_alphanumeric()))
        .filter(|&(_, b)| !(lit.bound_end && b < bytes.len() && bytes[b].is_ascii_alphanumeric()))
        .collect()
}

/// The reference: for each rule, every combination of one element per required group, the
/// smallest span (in characters, clause commas not counted), earliest on ties; a `not` literal
/// anywhere vetoes the rule, or with `not_window`, one within that many characters of the
/// span. Findings as (rule id, original byte range).
fn reference(raw: &[RawRule], text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let n = normalize(text);
    let s = n.as_str();
    let chars = |a: usize, b: usize| s[a..b].chars().filter(|&c| c != ',').count();
    let mut out = Vec::new();
    for r in raw {
        let not_hits: Vec<(usize, usize)> =
            r.not.iter().flat_map(|l| occurrences(s, &l.text)).collect();
        if r.not_window.is_none() && !not_hits.is_empty() {
            continue;
        }
        let mut groups: Vec<Vec<(usize, usize)>> = Vec::new();
        if !r.any.is_empty() {
            groups.push(r.any.iter().flat_map(|l| occurrences(s, &l.text)).collect());
        }
        for g in &r.all {
            groups.push(g.iter().flat_map(|l| occurrences(s, &l.text)).collect());
        }
        if let Some(re) = &r.regex {
            let re = Regex::new(re.as_str()).unwrap();
            groups.push(
                re.find_iter(s)
                    .take(256)
                    .map(|m| (m.start(), m.end()))
                    .collect(),
            );
        }
        if groups.iter().any(Vec::is_empty) {
            continue;
        }
        // Cartesian product of choices.
        let mut best: Option<(usize, usize, usize)> = None;
        let mut idx = vec![0usize; groups.len()];
        loop {
            let start = idx.iter().zip(&groups).map(|(&i, g)| g[i].0).min().unwrap();
            let end = idx.iter().zip(&groups).map(|(&i, g)| g[i].1).max().unwrap();
            let c = chars(start, end);
            if best.is_none_or(|(bc, bs, _)| c < bc || (c == bc && start < bs)) {
                best = Some((c, start, end));
            }
            let mut k = 0;
            while k < idx.len() {
                idx[k] += 1;
                if idx[k] < groups[k].len() {
                    break;
                }
                idx[k] = 0;
                k += 1;
            }
            if k == idx.len() {
                break;
            }
        }
        let (c, start, end) = best.unwrap();
        if r.window.is_some_and(|w| c > w) {
            continue;
        }
        if let Some(near) = r.not_window {
            let gap = |&(a, b): &(usize, usize)| {
                if b <= start {
                    chars(b, start)
                } else if a >= end {
                    chars(end, a)
                } else {
                    0
                }
            };
            if not_hits.iter().any(|h| gap(h) <= near) {
                continue;
            }
        }
        out.push((r.id.clone(), n.original_range(start..end)));
    }
    out
}

fn fast(engine: &Engine, text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    engine
        .scan(text)
        .findings
        .into_iter()
        .map(|f| (f.rule.id.clone(), f.evidence))
        .collect()
}

fn parse(src: &str) -> (Vec<RawRule>, Vec<rules::RuleError>) {
    let mut errors = Vec::new();
    let mut ids = Vec::new();
    let raw = rules::parse_source(&Source::new("t.toml", src), &mut errors, &mut ids);
    (raw, errors)
}

fn engine(src: &str) -> Engine {
    Engine::from_sources(&[Source::new("t.toml", src)], &LoadOptions::default())
        .unwrap_or_else(|e| panic!("{e}"))
}

const LITERALS: [&str; 10] = [
    "ab", "b", "微信", "转账", "激活", "code", "code*", "*pin", "x y", "9",
];
const TOKENS: [&str; 16] = [
    "ab", "b", "微信", "微 信", "转账", "激活", "code", "barcode", "codes", "pin", "x y", "9", " ",
    "。", "，", ", ",
];
const REGEXES: [&str; 3] = [r"\d+", "a+b", "转.?账"];

#[derive(Debug, Clone)]
struct GenRule {
    any: Vec<usize>,
    all: Vec<Vec<usize>>,
    not: Vec<usize>,
    regex: Option<usize>,
    window: Option<usize>,
    not_window: Option<usize>,
}

fn gen_rule() -> impl Strategy<Value = GenRule> {
    let lits = || prop::collection::vec(0..LITERALS.len(), 1..3);
    (
        prop::collection::vec(0..LITERALS.len(), 0..3),
        prop::collection::vec(lits(), 0..3),
        prop::collection::vec(0..LITERALS.len(), 0..2),
        prop::option::of(0..REGEXES.len()),
        prop::option::of(1usize..12),
        prop::option::of(0usize..6),
    )
        .prop_filter("a rule needs a pattern", |(any, all, _, re, _, _)| {
            !any.is_empty() || !all.is_empty() || re.is_some()
        })
        .prop_map(|(any, all, not, regex, window, not_window)| GenRule {
            not_window: not_window.filter(|_| !not.is_empty()),
            any,
            all,
            not,
            regex,
            window,
        })
}

fn to_toml(rules: &[GenRule]) -> String {
    let q = |v: &[usize]| {
        v.iter()
            .map(|&i| format!("{:?}", LITERALS[i]))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut s = String::new();
    for (i, r) in rules.iter().enumerate() {
        writeln!(
            s,
            "[[rule]]\nid = \"r{i}\"\nfamily = \"f\"\nstage = \"hook\"\nweight = 10\nexplain = \"k\""
        )
        .unwrap();
        if !r.any.is_empty() {
            writeln!(s, "any = [{}]", q(&r.any)).unwrap();
        }
        if !r.all.is_empty() {
            let groups: Vec<String> = r.all.iter().map(|g| format!("[{}]", q(g))).collect();
            writeln!(s, "all = [{}]", groups.join(", ")).unwrap();
        }
        if !r.not.is_empty() {
            writeln!(s, "not = [{}]", q(&r.not)).unwrap();
        }
        if let Some(re) = r.regex {
            writeln!(s, "regex = '{}'", REGEXES[re]).unwrap();
        }
        if let Some(w) = r.window {
            writeln!(s, "window = {w}").unwrap();
        }
        if let Some(w) = r.not_window {
            writeln!(s, "not_window = {w}").unwrap();
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn compiled_engine_agrees_with_reference(
        rules in prop::collection::vec(gen_rule(), 1..6),
        tokens in prop::collection::vec(0..TOKENS.len(), 0..24),
    ) {
        let src = to_toml(&rules);
        let (raw, errors) = parse(&src);
        prop_assert!(errors.is_empty(), "{errors:?}");
        let engine = engine(&src);
        let text: String = tokens.iter().map(|&i| TOKENS[i]).collect();
        prop_assert_eq!(fast(&engine, &text), reference(&raw, &text), "text {:?}\n{}", text, src);
    }

    #[test]
    fn scan_never_panics(text in any::<String>()) {
        let engine = engine(&to_toml(&[GenRule { any: vec![0, 2], all: vec![vec![3]], not: vec![], regex: Some(0), window: Some(5), not_window: None }]));
        let scan = engine.scan(&text);
        for f in &scan.findings {
            prop_assert!(text.get(f.evidence.clone()).is_some());
        }
    }
}

#[test]
fn evidence_quotes_the_original_text() {
    let e = engine(
        "[[rule]]\nid = \"a\"\nfamily = \"f\"\nstage = \"control\"\nweight = 50\ntrigger = true\nexplain = \"k\"\nall = [[\"屏幕\"], [\"共享\"]]\nwindow = 8\n",
    );
    let text = "好的。请您打开屏幕，然后点共享，谢谢";
    let scan = e.scan(text);
    assert_eq!(scan.findings.len(), 1);
    assert_eq!(&text[scan.findings[0].evidence.clone()], "屏幕，然后点共享");
    assert_eq!(scan.level, crate::engine::Level::Danger);
    // Too far apart for the window.
    assert!(
        e.scan("屏幕很大很大很大很大很大很大，共享单车")
            .findings
            .is_empty()
    );
}

#[test]
fn word_boundaries_apply_to_ascii_edges() {
    let e = engine(
        "[[rule]]\nid = \"a\"\nfamily = \"f\"\nstage = \"extract\"\nweight = 50\nexplain = \"k\"\nany = [\"otp\", \"verif*\"]\n",
    );
    assert!(e.scan("hotpot tonight").findings.is_empty());
    assert_eq!(e.scan("tell me the OTP").findings.len(), 1);
    assert_eq!(e.scan("verification needed").findings.len(), 1);
    assert!(e.scan("unverified").findings.is_empty());
}

#[test]
fn levels_follow_triggers_scores_and_stages() {
    use crate::engine::Level;
    let src = "[[rule]]\nid = \"p\"\nfamily = \"f\"\nstage = \"pretext\"\nweight = 20\nexplain = \"k\"\nany = [\"客服\"]\n\
[[rule]]\nid = \"h\"\nfamily = \"f\"\nstage = \"hook\"\nweight = 30\nexplain = \"k\"\nany = [\"理赔\"]\n\
[[rule]]\nid = \"c\"\nfamily = \"f\"\nstage = \"channel\"\nweight = 20\nexplain = \"k\"\nany = [\"微信\"]\n\
[[rule]]\nid = \"x\"\nfamily = \"f\"\nstage = \"extract\"\nweight = 40\ntrigger = true\nexplain = \"k\"\nany = [\"安全账户\"]\n";
    let e = engine(src);
    assert_eq!(e.scan("今天天气不错").level, Level::None);
    assert_eq!(e.scan("我是客服").level, Level::Caution);
    assert_eq!(e.scan("客服说理赔").level, Level::Caution);
    assert_eq!(e.scan("客服说理赔，加微信").level, Level::Warning);
    assert_eq!(e.scan("转到安全账户").level, Level::Danger);
    assert_eq!(e.scan("客服说理赔，加微信").score, 70);
}

#[test]
fn hostile_inputs_get_an_answer() {
    let e = engine(&to_toml(&[GenRule {
        any: vec![2],
        all: vec![],
        not: vec![],
        regex: None,
        window: None,
        not_window: None,
    }]));
    let big = "微信".repeat(200_000);
    let scan = e.scan(&big);
    assert_eq!(scan.findings.len(), 1);
    assert!(e.scan("").findings.is_empty());
    let emoji = "😀".repeat(10_000);
    assert!(e.scan(&emoji).findings.is_empty());
    let controls: String = (0u8..32).map(char::from).collect();
    let _ = e.scan(&controls);
    let mixed = "微\u{200b}信 ｗｘ Ｖ信 مرحبا Привет 9️⃣ \u{0}\u{7f}";
    let _ = e.scan(mixed);
}

fn codes(src: &str) -> Vec<(ErrorCode, usize)> {
    match Engine::from_sources(&[Source::new("t.toml", src)], &LoadOptions::default()) {
        Ok(_) => Vec::new(),
        Err(e) => e.0.iter().map(|e| (e.code, e.location.line)).collect(),
    }
}

#[test]
fn loader_reports_every_error_with_its_line() {
    let src = "[[rule]]\nid = \"a\"\nfamily = \"f\"\nstage = \"hookk\"\nweight = 500\nexplain = \"k\"\nany = [\"\", \"x\"]\nregex = \"(abc\"\ncolour = \"red\"\n\
[[rule]]\nid = \"a\"\nfamily = \"f\"\nstage = \"hook\"\nweight = 5\nexplain = \"k\"\nany = [\"x\"]\nwindow = 0\n\
[[rule]]\nid = \"b\"\nstage = \"hook\"\nweight = 5\nexplain = \"k\"\n";
    let got = codes(src);
    for want in [
        (ErrorCode::UnknownStage, 4),
        (ErrorCode::BadValue, 5),
        (ErrorCode::EmptyPattern, 7),
        (ErrorCode::BadRegex, 8),
        (ErrorCode::UnknownField, 9),
        (ErrorCode::DuplicateId, 11),
        (ErrorCode::BadValue, 17),
        (ErrorCode::MissingField, 19),
        (ErrorCode::EmptyPattern, 19),
    ] {
        assert!(got.contains(&want), "missing {want:?} in {got:?}");
    }
}

#[test]
fn syntax_errors_and_oversized_regexes_are_reported() {
    assert_eq!(codes("[[rule]\nid = 1\n"), vec![(ErrorCode::Syntax, 1)]);
    let huge = "[[rule]]\nid = \"a\"\nfamily = \"f\"\nstage = \"hook\"\nweight = 5\nexplain = \"k\"\nany = [\"x\"]\nregex = '\\w{1000}\\w{1000}\\w{1000}'\n";
    assert_eq!(codes(huge), vec![(ErrorCode::RegexTooLarge, 8)]);
    assert_eq!(
        codes("x = 1\n").iter().map(|c| c.0).collect::<Vec<_>>(),
        vec![ErrorCode::UnknownField, ErrorCode::MissingField]
    );
}

#[test]
fn unknown_locale_keys_name_the_locales() {
    let mut keys = std::collections::HashSet::new();
    keys.insert("k".to_owned());
    let options = LoadOptions {
        locales: vec![
            ("en.ftl".into(), keys),
            ("zh-CN.ftl".into(), Default::default()),
        ],
        ..LoadOptions::default()
    };
    let src = "[[rule]]\nid = \"a\"\nfamily = \"f\"\nstage = \"hook\"\nweight = 5\nexplain = \"k\"\nany = [\"x\"]\n";
    let err = Engine::from_sources(&[Source::new("t.toml", src)], &options).unwrap_err();
    assert_eq!(err.0.len(), 1);
    assert_eq!(err.0[0].code, ErrorCode::UnknownLocaleKey);
    assert_eq!(
        err.0[0].to_string(),
        "t.toml:6:11: error[R006]: rule `a`: locale key `k` is missing from: zh-CN.ftl"
    );
}

#[test]
fn not_window_vetoes_only_near_the_evidence() {
    let src = "[[rule]]\nid = \"a\"\nfamily = \"f\"\nstage = \"hook\"\nweight = 30\n\
               explain = \"k\"\nall = [[\"老板\"], [\"转账\"]]\nwindow = 10\n\
               not = [\"业务\"]\nnot_window = 3\n";
    let e = engine(src);
    let ids = |t: &str| -> Vec<String> {
        e.scan(t)
            .findings
            .iter()
            .map(|f| f.rule.id.clone())
            .collect()
    };
    // The veto word far from the evidence no longer silences the rule...
    assert_eq!(
        ids("我是老板，马上转账给对方。公司最近的业务都很顺利，大家辛苦了"),
        ["a"]
    );
    // ...but one next to it still does (3 characters, clause commas not counted).
    assert!(ids("业务部老板转账").is_empty());
    assert!(ids("老板转账，办业务").is_empty());
    assert_eq!(ids("老板转账，去银行办业务"), ["a"]);
    // Without not_window the veto holds anywhere, as before.
    let anywhere = engine(&src.replace("not_window = 3\n", ""));
    assert!(
        anywhere
            .scan("我是老板，马上转账给对方。公司最近的业务都很顺利，大家辛苦了")
            .findings
            .is_empty()
    );
}

#[test]
fn not_window_is_checked_when_loading() {
    let base = "[[rule]]\nid = \"a\"\nfamily = \"f\"\nstage = \"hook\"\nweight = 30\n\
                explain = \"k\"\nany = [\"x\"]\n";
    assert_eq!(
        codes(&format!("{base}not = [\"y\"]\nnot_window = -1\n")),
        [(ErrorCode::BadValue, 9)]
    );
    assert_eq!(
        codes(&format!("{base}not_window = 4\n")),
        [(ErrorCode::BadValue, 8)]
    );
    assert!(codes(&format!("{base}not = [\"y\"]\nnot_window = 0\n")).is_empty());
}
