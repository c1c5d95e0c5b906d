//! The specificity lint (`R012`) on a hand-written rules directory: which rules it flags, where,
//! and that `scamguard rules lint` fails on them.

use std::path::Path;
use std::process::Command;

use scamguard::cli::lint::specificity::unspecific;
use scamguard::cli::lint::specificity_errors;

/// One rule per case. The comment above each says whether it is flagged and why; line numbers
/// in the assertions below count from the first line of this text.
const RULES: &str = r#"family = "fake_customer_service"
lang = ["zh"]

# flagged: its only group holds a two-character word (line 9)
[[rule]]
id = "t.hook.lone_short"
stage = "hook"
weight = 40
any = ["私下和解处理", "私了"]
explain = "k"

# flagged twice: both groups are common words, the window is wider than 20 (lines 17, 18)
[[rule]]
id = "t.pretext.common_pair"
stage = "pretext"
weight = 30
all = [["我是"],
       ["提供帮助", "借我五千"]]
window = 40
explain = "k"

# not flagged: the same groups, bound by a window of 15
[[rule]]
id = "t.pretext.pinned_window"
stage = "pretext"
weight = 30
all = [["我是"], ["提供帮助"]]
window = 15
explain = "k"

# not flagged: a regex pins the sense
[[rule]]
id = "t.pretext.pinned_regex"
stage = "pretext"
weight = 40
any = ["我是"]
regex = '我是你.{0,4}领导'
explain = "k"

# not flagged: the second group has no unspecific literal
[[rule]]
id = "t.hook.anchored"
stage = "hook"
weight = 50
all = [["平台"], ["稳赚不赔", "保本保息"]]
explain = "k"

# not flagged: weight below 30
[[rule]]
id = "t.pretext.weak"
stage = "pretext"
weight = 29
any = ["操作"]
explain = "k"

# flagged: a trigger, whatever its weight (line 62)
[[rule]]
id = "t.extract.trigger_low"
stage = "extract"
weight = 10
trigger = true
any = ["再投"]
explain = "k"

# flagged: single common English words, also as a `*` stem (line 71)
[[rule]]
id = "t.hook.en_help"
stage = "hook"
weight = 30
lang = ["en"]
any = ["buy a gift card for me", "help", "click*"]
explain = "k"

# not flagged: English phrases
[[rule]]
id = "t.hook.en_phrase"
stage = "hook"
weight = 30
lang = ["en"]
any = ["buy a gift card for me", "helpdesk ticket"]
explain = "k"

# flagged: literals are normalized first, `ｖｘ` is 微信 and 帳戶 is 账户 (lines 88, 95, 96)
[[rule]]
id = "t.channel.variant_short"
stage = "channel"
weight = 30
any = ["ｖｘ"]
explain = "k"

[[rule]]
id = "t.channel.traditional_common"
stage = "channel"
weight = 30
all = [["帳戶"],
       ["您好"]]
explain = "k"

# not flagged: a three-character word alone is not short
[[rule]]
id = "t.hook.three_chars"
stage = "hook"
weight = 60
any = ["包赚钱"]
explain = "k"
"#;

fn dir_with(text: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a.toml"), text).unwrap();
    d
}

fn flagged(dir: &Path) -> Vec<(String, usize, usize)> {
    let mut out: Vec<_> = specificity_errors(dir)
        .into_iter()
        .map(|e| {
            assert_eq!(e.code.code(), "R012");
            (e.rule.unwrap(), e.location.line, e.location.col)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn flags_rules_that_unspecific_literals_alone_can_fire() {
    let d = dir_with(RULES);
    let want: Vec<(String, usize, usize)> = vec![
        ("t.channel.traditional_common".into(), 95, 9),
        ("t.channel.traditional_common".into(), 96, 9),
        ("t.channel.variant_short".into(), 88, 8),
        ("t.extract.trigger_low".into(), 62, 8),
        ("t.hook.en_help".into(), 71, 34),
        ("t.hook.lone_short".into(), 9, 18),
        ("t.pretext.common_pair".into(), 17, 9),
        ("t.pretext.common_pair".into(), 18, 9),
    ];
    assert_eq!(flagged(d.path()), want);
}

#[test]
fn the_message_names_every_unspecific_literal_of_the_group() {
    let d = dir_with(RULES);
    let errors = specificity_errors(d.path());
    let en = errors
        .iter()
        .find(|e| e.rule.as_deref() == Some("t.hook.en_help"))
        .unwrap();
    assert!(
        en.message.contains("`help` (a common word)"),
        "{}",
        en.message
    );
    assert!(
        en.message.contains("`click*` (a common word)"),
        "{}",
        en.message
    );
    assert!(!en.message.contains("gift card"), "{}", en.message);
    let short = errors
        .iter()
        .find(|e| e.rule.as_deref() == Some("t.hook.lone_short"))
        .unwrap();
    assert!(
        short
            .message
            .contains("`私了` (at most 2 Chinese characters)"),
        "{}",
        short.message
    );
}

#[test]
fn short_words_count_only_as_a_rule_s_whole_evidence() {
    assert!(unspecific("私了", true).is_some());
    assert!(unspecific("私了", false).is_none());
    assert!(unspecific("我是", false).is_some());
    assert!(unspecific("提供帮助", false).is_some());
    assert!(unspecific("刷单返利", true).is_none());
    assert!(unspecific("Account", false).is_some());
    assert!(unspecific("account number", false).is_none());
    assert!(unspecific("2元", true).is_none());
}

#[test]
fn rules_lint_fails_with_r012_and_passes_once_fixed() {
    let bad = r#"family = "f"
lang = ["zh"]

[[rule]]
id = "t.hook.lone_short"
stage = "hook"
weight = 40
explain = "k"
any = ["私了"]
[[rule.example]]
text = "这事我们私了吧"
expect = "match"
[[rule.example]]
text = "今天天气很好"
expect = "no-match"
"#;
    let d = dir_with(bad);
    let lint = |d: &Path| {
        Command::new(env!("CARGO_BIN_EXE_scamguard"))
            .args(["rules", "lint", d.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let out = lint(d.path());
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    let file = d.path().join("a.toml").display().to_string();
    assert!(
        text.contains(&format!(
            "{file}:9:8: error[R012]: rule `t.hook.lone_short`: `any` can be satisfied"
        )),
        "{text}"
    );
    // Below weight 30 the same rule passes.
    let d = dir_with(&bad.replace("weight = 40", "weight = 25"));
    let out = lint(d.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
