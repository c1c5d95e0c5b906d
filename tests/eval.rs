//! `scamguard eval` on small corpora written here (never corpus lines): the counts and rates it
//! prints, its JSON, the regression floor, conversations, and clear errors for bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const RULES: &str = r#"
family = "fake_customer_service"
lang = ["zh", "en"]

[[rule]]
id = "t.control.screen_share"
stage = "control"
weight = 80
trigger = true
explain = "k"
any = ["屏幕共享", "share your screen"]
[[rule.example]]
text = "打开屏幕共享"
expect = "match"
[[rule.example]]
text = "你好"
expect = "no-match"

[[rule]]
id = "t.pretext.cs"
stage = "pretext"
weight = 20
explain = "k"
any = ["客服"]
[[rule.example]]
text = "我是客服"
expect = "match"
[[rule.example]]
text = "你好"
expect = "no-match"

[[rule]]
id = "t.hook.refund"
stage = "hook"
weight = 30
explain = "k"
any = ["退款"]
[[rule.example]]
text = "给您退款"
expect = "match"
[[rule.example]]
text = "你好"
expect = "no-match"

[[rule]]
id = "t.channel.wechat"
stage = "channel"
weight = 20
explain = "k"
any = ["微信"]
[[rule.example]]
text = "加微信"
expect = "match"
[[rule.example]]
text = "你好"
expect = "no-match"
"#;

/// Four scam lines (two flagged), four benign (one flagged), two ads (one flagged).
const MESSAGES: &str = r#"{"text": "请打开屏幕共享，我教你操作", "label": "scam", "family": "fake_customer_service", "lang": "zh", "source": "t"}
{"text": "我是客服，给您退款，请加微信", "label": "scam", "family": "fake_customer_service", "lang": "zh", "source": "t"}
{"text": "好的，我马上处理", "label": "scam", "family": "fake_customer_service", "lang": "zh", "source": "t"}
{"text": "Please share your screen with me", "label": "scam", "family": "tech_support", "lang": "en", "source": "t"}
{"text": "明天一起吃饭吗", "label": "benign", "family": null, "lang": "zh", "source": "t"}
{"text": "开会时请打开屏幕共享看PPT", "label": "benign", "family": null, "lang": "zh", "source": "t"}
{"text": "退款已经到账了", "label": "benign", "family": null, "lang": "zh", "source": "t"}
{"text": "See you at noon", "label": "benign", "family": null, "lang": "en", "source": "t"}
{"text": "新店开业，全场八折", "label": "spam_ad", "family": null, "lang": "zh", "source": "t"}
{"text": "客服热线：退款请加微信咨询", "label": "spam_ad", "family": null, "lang": "zh", "source": "t"}
"#;

const CONVERSATIONS: &str = r#"{"id": "s1", "label": "scam", "family": "fake_customer_service", "lang": "zh", "source": "t", "turns": [{"role": "other", "text": "您好", "fraud": false}, {"role": "user", "text": "你好", "fraud": false}, {"role": "other", "text": "我是客服，给您退款", "fraud": true}, {"role": "other", "text": "请加微信", "fraud": true}, {"role": "other", "text": "打开屏幕共享", "fraud": true}]}
{"id": "s2", "label": "scam", "family": "fake_customer_service", "lang": "zh", "source": "t", "turns": [{"role": "other", "text": "好的", "fraud": true}, {"role": "user", "text": "打开屏幕共享", "fraud": false}]}
{"id": "b1", "label": "benign", "family": null, "lang": "zh", "source": "t", "turns": [{"role": "other", "text": "您好，有什么可以帮您", "fraud": false}, {"role": "user", "text": "退款", "fraud": false}, {"role": "other", "text": "退款已经提交", "fraud": false}]}
"#;

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("rules")).unwrap();
        std::fs::write(dir.path().join("rules/a.toml"), RULES).unwrap();
        std::fs::write(dir.path().join("messages.jsonl"), MESSAGES).unwrap();
        std::fs::write(dir.path().join("conversations.jsonl"), CONVERSATIONS).unwrap();
        Fixture { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn eval(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_scamguard"))
            .arg("eval")
            .arg("--rules")
            .arg(self.path("rules"))
            .args(args)
            .output()
            .unwrap()
    }

    fn eval_json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.eval(&all);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn approx(v: &serde_json::Value, want: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - want).abs() < 1e-9)
}

#[test]
fn counts_recall_false_positives_and_ads_per_file_family_and_language() {
    let f = Fixture::new();
    let path = f.path("messages.jsonl");
    let j = f.eval_json(&[path.to_str().unwrap()]);
    let file = &j["messages"];
    assert_eq!(file["scam"], 4);
    // Flagged at warning: the screen share (trigger, zh and en) and pretext + hook + channel.
    assert_eq!(file["scam_flagged"], 3);
    assert!(approx(&file["recall"], 0.75), "{file}");
    // The presenter sharing slides is a false positive of these toy rules; "退款已经到账了"
    // is caution only.
    assert_eq!(file["benign"], 4);
    assert_eq!(file["benign_flagged"], 1);
    assert!(approx(&file["fp_rate"], 0.25), "{file}");
    assert_eq!(file["spam_ad"], 2);
    assert_eq!(file["spam_ad_flagged"], 1);
    assert!(approx(&file["spam_ad_rate"], 0.5), "{file}");
    let fam = &file["families"];
    assert_eq!(fam["fake_customer_service"]["scam_flagged"], 2);
    assert_eq!(fam["tech_support"]["scam_flagged"], 1);
    assert_eq!(j["languages"]["en"]["scam_flagged"], 1);
    assert_eq!(j["languages"]["zh"]["scam"], 3);
    assert_eq!(j["messages_scanned"], 10);
}

#[test]
fn the_level_flag_moves_the_line() {
    let f = Fixture::new();
    let path = f.path("messages.jsonl");
    let danger = f.eval_json(&["--level", "danger", path.to_str().unwrap()]);
    assert_eq!(danger["messages"]["scam_flagged"], 2);
    let caution = f.eval_json(&["--level", "caution", path.to_str().unwrap()]);
    assert_eq!(caution["messages"]["benign_flagged"], 2);
}

#[test]
fn the_table_names_files_and_families_and_prints_throughput() {
    let f = Fixture::new();
    let out = f.eval(&[f.path("messages.jsonl").to_str().unwrap()]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("messages "), "{stdout}");
    assert!(stdout.contains("  tech_support"), "{stdout}");
    assert!(stdout.contains("75.00%"), "{stdout}");
    assert!(stdout.contains("messages/s"), "{stdout}");
}

#[test]
fn misses_and_false_positives_are_printed_on_request() {
    let f = Fixture::new();
    let out = f.eval(&[
        "--misses",
        "5",
        "--false-positives",
        "5",
        f.path("messages.jsonl").to_str().unwrap(),
    ]);
    let (stdout, _) = text(&out);
    assert!(stdout.contains("好的，我马上处理"), "{stdout}");
    assert!(stdout.contains("屏幕共享看PPT"), "{stdout}");
    assert!(!stdout.contains("明天一起吃饭吗"), "{stdout}");
}

fn floor(f: &Fixture, body: &str) -> Output {
    let p = f.path("floor.toml");
    std::fs::write(&p, body).unwrap();
    f.eval(&[
        "--floor",
        p.to_str().unwrap(),
        f.path("messages.jsonl").to_str().unwrap(),
    ])
}

#[test]
fn the_floor_passes_at_the_figures_and_fails_above_them() {
    let f = Fixture::new();
    let ok = floor(
        &f,
        "[messages.messages]\nmin_recall = 0.75\nmax_fp_rate = 0.25\nmax_spam_ad_rate = 0.5\n\
         min_family_recall = { \"tech_support\" = 1.0 }\n",
    );
    assert!(ok.status.success(), "{}", text(&ok).1);
    assert!(text(&ok).1.contains("all figures hold"));

    let low = floor(
        &f,
        "[messages.messages]\nmin_recall = 0.76\nmax_fp_rate = 0.2\n",
    );
    let (_, stderr) = text(&low);
    assert_eq!(low.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("recall") && stderr.contains("below the floor"),
        "{stderr}"
    );
    assert!(stderr.contains("above the ceiling"), "{stderr}");

    let unknown = floor(&f, "[messages.messages]\nmin_recal = 0.5\n");
    assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown).1);
}

fn floor_split(f: &Fixture, body: &str, split: &str) -> Output {
    let p = f.path("floor.toml");
    std::fs::write(&p, body).unwrap();
    f.eval(&[
        "--split",
        split,
        "--floor",
        p.to_str().unwrap(),
        f.path("messages.jsonl").to_str().unwrap(),
    ])
}

#[test]
fn each_half_is_pinned_by_its_own_table() {
    let f = Fixture::new();
    // The top level is impossible; the [tune] table is lenient: --split tune reads [tune].
    let body = "[messages.messages]\nmin_recall = 1.01\n\
                [tune.messages.messages]\nmax_fp_rate = 1.0\n";
    let ok = floor_split(&f, body, "tune");
    assert!(ok.status.success(), "{}", text(&ok).1);
    // An impossible [tune] table fails --split tune (the half holds some line of every kind
    // the three limits judge, or at least one of them).
    let body = "[tune.messages.messages]\nmin_recall = 1.01\nmax_fp_rate = -0.01\n\
                max_spam_ad_rate = -0.01\n";
    let low = floor_split(&f, body, "tune");
    assert_eq!(low.status.code(), Some(1), "{}", text(&low).1);
    // No [check] table: --split check is an error, not a pass against the whole corpus.
    let missing = floor_split(&f, body, "check");
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing).1);
    assert!(
        text(&missing).1.contains("no [check] table"),
        "{}",
        text(&missing).1
    );
}

#[test]
fn conversations_report_warned_share_first_warning_and_benign_sessions() {
    let f = Fixture::new();
    let path = f.path("conversations.jsonl");
    let j = f.eval_json(&["--conversations", path.to_str().unwrap()]);
    let c = &j["conversations"];
    // s1 warns at its third `other` turn of four (pretext + hook, channel, then the screen
    // share); s2 never (the screen share is the user's own turn); b1 is caution only.
    assert_eq!(c["scam"], 2);
    assert_eq!(c["scam_warned"], 1);
    assert_eq!(c["benign"], 1);
    assert_eq!(c["benign_warned"], 0);
    let all = f.eval_json(&["--conversations", "--all-turns", path.to_str().unwrap()]);
    assert_eq!(all["conversations"]["scam_warned"], 2, "{all}");

    let p = f.path("floor.toml");
    std::fs::write(
        &p,
        "[conversations.conversations]\nmin_warned = 0.5\nmax_benign_warned = 0.0\n\
         min_family_warned = { \"fake_customer_service\" = 0.6 }\n",
    )
    .unwrap();
    let out = f.eval(&[
        "--conversations",
        "--floor",
        p.to_str().unwrap(),
        path.to_str().unwrap(),
    ]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("fake_customer_service warned") && stderr.contains("below the floor"),
        "{stderr}"
    );
}

#[test]
fn malformed_lines_and_missing_files_are_named() {
    let f = Fixture::new();
    let bad = f.path("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"text\": \"你好\", \"label\": \"benign\"}\n{\"text\": \"broken\"\n",
    )
    .unwrap();
    let out = f.eval(&[bad.to_str().unwrap()]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad.jsonl:2"), "{stderr}");

    let label = f.path("label.jsonl");
    std::fs::write(&label, "{\"text\": \"你好\", \"label\": \"phish\"}\n").unwrap();
    let out = f.eval(&[label.to_str().unwrap()]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("label.jsonl:1") && stderr.contains("phish"),
        "{stderr}"
    );

    let missing = Path::new("/nonexistent/corpus/messages.jsonl");
    let out = f.eval(&[missing.to_str().unwrap()]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("/nonexistent/corpus/messages.jsonl"),
        "{stderr}"
    );
}

#[test]
fn as_group_counts_what_a_group_with_default_settings_deletes() {
    let f = Fixture::new();
    let path = f.path("messages.jsonl");
    let p = path.to_str().unwrap();
    // A regular member: only the danger lines (the two screen shares, and the presenter's
    // slides) are deleted; the pretext + hook + channel line is at warning: warned, kept.
    let group = f.eval_json(&["--as", "group", p]);
    let m = &group["messages"];
    assert_eq!(
        (
            &m["scam_flagged"],
            &m["benign_flagged"],
            &m["spam_ad_flagged"]
        ),
        (&2.into(), &1.into(), &0.into()),
        "{m}"
    );
    // With --acts the warning counts too.
    let acts = f.eval_json(&["--as", "group", "--acts", p]);
    assert_eq!(acts["messages"]["scam_flagged"], 3);
    assert_eq!(acts["messages"]["spam_ad_flagged"], 1);
    // A newcomer is judged one level stricter: the warning-level lines are deleted too.
    let newcomer = f.eval_json(&["--as", "group-newcomer", p]);
    let m = &newcomer["messages"];
    assert_eq!(
        (
            &m["scam_flagged"],
            &m["benign_flagged"],
            &m["spam_ad_flagged"]
        ),
        (&3.into(), &1.into(), &1.into()),
        "{m}"
    );
}

#[test]
fn the_split_is_the_low_bit_of_the_first_sha256_byte() {
    use scamguard::cli::eval::Split;
    // SHA-256("") = e3b0c442…: 0xe3 is odd. SHA-256("abc") = ba7816bf…: 0xba is even.
    assert_eq!(Split::of(""), Split::Check);
    assert_eq!(Split::of("abc"), Split::Tune);
}

#[test]
fn tune_and_check_halves_partition_a_file_whatever_its_order() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..200)
        .map(|i| format!(r#"{{"text": "今天第{i}次开会，记得带笔记本", "label": "benign"}}"#))
        .collect();
    let forward = dir.path().join("forward.jsonl");
    let backward = dir.path().join("backward.jsonl");
    std::fs::write(&forward, lines.join("\n")).unwrap();
    let mut reversed = lines.clone();
    reversed.reverse();
    std::fs::write(&backward, reversed.join("\n")).unwrap();
    let scanned = |split: &str, path: &std::path::Path| -> u64 {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_scamguard"))
            .args(["eval", "--json", "--split", split])
            .arg(path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        j["messages_scanned"].as_u64().unwrap()
    };
    let tune = scanned("tune", &forward);
    let check = scanned("check", &forward);
    assert_eq!(tune + check, 200, "the halves cover the file once");
    assert!((70..=130).contains(&tune), "about half: {tune}");
    assert_eq!(
        scanned("tune", &backward),
        tune,
        "order does not move a line"
    );
    assert_eq!(scanned("check", &backward), check);
}
