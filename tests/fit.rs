//! `scamguard rules fit` on a tiny rules directory and corpus written here (never corpus
//! lines), where the outcome is known by construction:
//! - `t.hook.alpha` (weight 10) hits six scam lines and nothing else: its weight must rise;
//! - `t.hook.beta` (weight 50) hits three benign lines and one scam line: its weight must fall
//!   and it must be flagged as firing on more benign than scam lines;
//! - `t.hook.gamma` (weight 40) hits only two advertising lines: its weight must fall, counted
//!   as ads, not benign, and it is not flagged;
//! - `t.hook.unused` (weight 30) hits nothing: flagged, and its weight is left as it is;
//! - `t.control.delta` is a hard trigger: reported as one.

use std::path::Path;
use std::process::{Command, Output};

const RULES: &str = r#"
family = "test"
lang = ["en"]

[[rule]]
id = "t.hook.alpha"
stage = "hook"
weight = 10
explain = "k"
any = ["alpha"]
[[rule.example]]
text = "alpha"
expect = "match"
[[rule.example]]
text = "hello"
expect = "no-match"

[[rule]]
id = "t.hook.beta"
stage = "hook"
weight = 50
explain = "k"
any = ["beta"]
[[rule.example]]
text = "beta"
expect = "match"
[[rule.example]]
text = "hello"
expect = "no-match"

[[rule]]
id = "t.hook.gamma"
stage = "hook"
weight = 40
explain = "k"
any = ["gamma"]
[[rule.example]]
text = "gamma"
expect = "match"
[[rule.example]]
text = "hello"
expect = "no-match"

[[rule]]
id = "t.hook.unused"
stage = "hook"
weight = 30
explain = "k"
any = ["omega"]
[[rule.example]]
text = "omega"
expect = "match"
[[rule.example]]
text = "hello"
expect = "no-match"

[[rule]]
id = "t.control.delta"
stage = "control"
weight = 80
trigger = true
explain = "k"
any = ["delta"]
[[rule.example]]
text = "delta"
expect = "match"
[[rule.example]]
text = "hello"
expect = "no-match"
"#;

fn line(text: &str, label: &str) -> String {
    serde_json::json!({"text": text, "label": label, "family": null, "lang": "en", "source": "test"})
        .to_string()
}

/// The corpus: one file of scam and benign lines, one of advertising.
fn corpus(dir: &Path) {
    let mut lines = Vec::new();
    for i in 0..6 {
        lines.push(line(&format!("alpha offer number {i} for you"), "scam"));
    }
    lines.push(line("beta and alpha together", "scam"));
    for i in 0..3 {
        lines.push(line(&format!("the beta version {i} is out"), "benign"));
    }
    for i in 0..2 {
        lines.push(line(&format!("open delta now {i}"), "scam"));
    }
    for i in 0..4 {
        lines.push(line(&format!("scam without a rule {i}"), "scam"));
    }
    for i in 0..30 {
        lines.push(line(&format!("see you at dinner {i}"), "benign"));
    }
    std::fs::write(dir.join("a.jsonl"), lines.join("\n") + "\n").unwrap();
    let ads = [
        line("gamma sale today", "spam_ad"),
        line("gamma sale tomorrow", "spam_ad"),
    ];
    std::fs::write(dir.join("b.jsonl"), ads.join("\n") + "\n").unwrap();
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("rules")).unwrap();
    std::fs::write(dir.path().join("rules/t.toml"), RULES).unwrap();
    std::fs::create_dir(dir.path().join("corpus")).unwrap();
    corpus(&dir.path().join("corpus"));
    dir
}

fn fit(dir: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scamguard"))
        .args(["rules", "fit", "--rules"])
        .arg(dir.join("rules"))
        .args(extra)
        .arg(dir.join("corpus"))
        .env_remove("SCAMGUARD_RULES")
        .output()
        .unwrap()
}

fn json(dir: &Path, split: &str) -> serde_json::Value {
    let out = fit(dir, &["--json", "--split", split]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn rule<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {v}"))
}

#[test]
fn weights_move_the_way_the_corpus_says() {
    let dir = setup();
    let v = json(dir.path(), "all");
    assert_eq!(
        (v["scam"].as_u64(), v["benign"].as_u64(), v["ads"].as_u64()),
        (Some(13), Some(33), Some(2))
    );

    let alpha = rule(&v, "t.hook.alpha");
    assert_eq!(
        (
            alpha["scam"].as_u64(),
            alpha["benign"].as_u64(),
            alpha["ads"].as_u64()
        ),
        (Some(7), Some(0), Some(0))
    );
    assert_eq!(alpha["precision"].as_f64(), Some(1.0));
    assert!(alpha["proposed"].as_u64().unwrap() > 10, "{alpha}");
    assert_eq!(alpha["more_benign_than_scam"], false);

    let beta = rule(&v, "t.hook.beta");
    assert_eq!(
        (beta["scam"].as_u64(), beta["benign"].as_u64()),
        (Some(1), Some(3))
    );
    assert_eq!(beta["precision"].as_f64(), Some(0.25));
    assert!(beta["proposed"].as_u64().unwrap() < 50, "{beta}");
    assert_eq!(beta["more_benign_than_scam"], true);

    let gamma = rule(&v, "t.hook.gamma");
    assert_eq!(
        (
            gamma["scam"].as_u64(),
            gamma["benign"].as_u64(),
            gamma["ads"].as_u64()
        ),
        (Some(0), Some(0), Some(2))
    );
    assert!(gamma["proposed"].as_u64().unwrap() < 40, "{gamma}");
    assert_eq!(gamma["more_benign_than_scam"], false);
    assert_eq!(gamma["no_hits"], false);

    let unused = rule(&v, "t.hook.unused");
    assert_eq!(unused["no_hits"], true);
    assert_eq!(unused["proposed"].as_u64(), Some(30));
    assert_eq!(unused["delta"].as_i64(), Some(0));

    let delta = rule(&v, "t.control.delta");
    assert_eq!(delta["trigger"], true);
    assert_eq!(delta["scam"].as_u64(), Some(2));
}

#[test]
fn markdown_report_flags_and_sorts() {
    let dir = setup();
    let path = dir.path().join("report.md");
    let out = fit(
        dir.path(),
        &["--split", "all", "--report", path.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "the report goes to the file");
    let md = std::fs::read_to_string(&path).unwrap();
    assert!(
        md.contains("fire on more benign than scam lines: 1 (`t.hook.beta`)"),
        "{md}"
    );
    assert!(
        md.contains("no hits on this split: 1 (`t.hook.unused`)"),
        "{md}"
    );
    assert!(
        md.contains("13 scam, 33 benign, 2 advertising lines"),
        "{md}"
    );
    // Sorted by |proposed - current|: the unchanged rule comes last.
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| `t.")).collect();
    assert_eq!(rows.len(), 5, "{md}");
    assert!(rows[4].starts_with("| `t.hook.unused` |"), "{md}");
    assert!(
        rows.iter()
            .any(|r| r.starts_with("| `t.control.delta` | control | yes |")),
        "{md}"
    );
}

#[test]
fn same_input_same_output() {
    let dir = setup();
    let a = fit(dir.path(), &["--split", "all"]);
    let b = fit(dir.path(), &["--split", "all"]);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn the_two_halves_add_up_to_all_lines() {
    let dir = setup();
    let all = json(dir.path(), "all");
    let out_tune = fit(dir.path(), &["--json"]);
    let out_check = fit(dir.path(), &["--json", "--split", "check"]);
    // A half may lack scam or non-scam lines on so small a corpus; then fit refuses (exit 2).
    if !(out_tune.status.success() && out_check.status.success()) {
        for o in [&out_tune, &out_check] {
            assert!(o.status.success() || o.status.code() == Some(2));
        }
        return;
    }
    let tune: serde_json::Value = serde_json::from_slice(&out_tune.stdout).unwrap();
    let check: serde_json::Value = serde_json::from_slice(&out_check.stdout).unwrap();
    assert_eq!(tune["split"], "tune", "tune is the default");
    for key in ["scam", "benign", "ads"] {
        assert_eq!(
            tune[key].as_u64().unwrap() + check[key].as_u64().unwrap(),
            all[key].as_u64().unwrap()
        );
    }
    for id in ["t.hook.alpha", "t.hook.beta", "t.hook.gamma"] {
        for key in ["scam", "benign", "ads"] {
            let sum =
                rule(&tune, id)[key].as_u64().unwrap() + rule(&check, id)[key].as_u64().unwrap();
            assert_eq!(sum, rule(&all, id)[key].as_u64().unwrap(), "{id} {key}");
        }
    }
}

#[test]
fn bad_label_is_an_error() {
    let dir = setup();
    std::fs::write(dir.path().join("corpus/c.jsonl"), line("x", "maybe") + "\n").unwrap();
    let out = fit(dir.path(), &["--split", "all"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown label `maybe`"));
}
