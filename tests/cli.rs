//! The `scamguard` binary: exit codes, output formats and bad input.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_scamguard"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Spawns `cmd` with all three standard streams piped.
fn spawn_piped(cmd: &mut Command) -> std::process::Child {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = spawn_piped(bin().args(args));
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

const RULES: &str = r#"
family = "fake_customer_service"
lang = ["zh"]

[[rule]]
id = "t.control.screen_share"
stage = "control"
weight = 60
trigger = true
explain = "k"
any = ["屏幕共享", "共享屏幕"]
[[rule.example]]
text = "打开共享屏幕"
expect = "match"
[[rule.example]]
text = "今天天气很好"
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
"#;

fn rules_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), RULES).unwrap();
    dir
}

fn check(dir: &Path, args: &[&str]) -> Output {
    bin()
        .args(["check", "--rules", dir.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn check_runs_from_any_directory_with_the_rules_it_carries() {
    let elsewhere = tempfile::tempdir().unwrap();
    let out = bin()
        .current_dir(elsewhere.path())
        .env_remove("SCAMGUARD_RULES")
        .args(["check", "您扫一下这个二维码，进行画面共享"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(12),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn exit_status_says_the_level() {
    let d = rules_dir();
    assert_eq!(check(d.path(), &["你好"]).status.code(), Some(0));
    assert_eq!(check(d.path(), &["我是客服"]).status.code(), Some(10));
    let out = check(d.path(), &["请打开共享 屏幕"]);
    assert_eq!(out.status.code(), Some(12));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("level: danger"), "{text}");
    assert!(
        text.contains("\"共享 屏幕\""),
        "evidence is quoted from the original: {text}"
    );
}

#[test]
fn json_output_carries_findings_and_evidence() {
    let d = rules_dir();
    let out = check(d.path(), &["--json", "客服：请共享屏幕"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["level"], "danger");
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["t.control.screen_share", "t.pretext.cs"]);
    assert_eq!(v["findings"][0]["evidence"], "共享屏幕");
}

#[test]
fn lines_mode_scans_each_line_and_exits_with_the_worst() {
    let d = rules_dir();
    let out = run_stdin(
        &[
            "check",
            "--rules",
            d.path().to_str().unwrap(),
            "--lines",
            "--json",
        ],
        "你好\n我是客服\n\n共享屏幕\n".as_bytes(),
    );
    assert_eq!(out.status.code(), Some(12));
    let levels: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["level"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(levels, ["none", "caution", "danger"]);
}

#[test]
fn json_says_what_the_bots_check_would_answer() {
    let d = rules_dir();
    let bot = |text: &str| {
        let out = check(d.path(), &["--json", text]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["bot"].as_str().unwrap().to_owned()
    };
    // A hard trigger: a warning; a lone soft signal or nothing: the plain result.
    assert_eq!(bot("请共享屏幕"), "warn");
    assert_eq!(bot("我是客服"), "reply");
    assert_eq!(bot("你好"), "reply");
}

#[test]
fn bad_input_gets_a_clear_answer_never_a_panic() {
    let d = rules_dir();
    let dir = d.path().to_str().unwrap();
    let out = run_stdin(&["check", "--rules", dir], b"\xff\xfe invalid");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid UTF-8"));

    assert_eq!(
        run_stdin(&["check", "--rules", dir], b"").status.code(),
        Some(0)
    );
    let mut big = "普通的聊天内容，没有问题。".repeat(30_000).into_bytes();
    big.extend_from_slice("共享屏幕".as_bytes());
    let out = run_stdin(&["check", "--rules", dir], &big);
    assert_eq!(
        out.status.code(),
        Some(12),
        "1 MB message: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let emoji = "😀".repeat(10_000);
    assert_eq!(
        run_stdin(&["check", "--rules", dir], emoji.as_bytes())
            .status
            .code(),
        Some(0)
    );
    let controls: Vec<u8> = (0u8..32).chain([127]).collect();
    assert_eq!(
        run_stdin(&["check", "--rules", dir], &controls)
            .status
            .code(),
        Some(0)
    );
    let mixed = "客服 مرحبا Привет ｗｘ 共\u{200b}享\u{200b}屏\u{200b}幕";
    assert_eq!(check(d.path(), &[mixed]).status.code(), Some(12));
}

#[test]
fn broken_rules_directory_prints_every_error_and_exits_2() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a.toml"), "[[rule]]\nid = \"x.y\"\nfamily = \"f\"\nstage = \"hookk\"\nweight = 5\nexplain = \"k\"\nany = [\"x\"]\n").unwrap();
    std::fs::write(d.path().join("b.toml"), "[[rule]\n").unwrap();
    std::fs::write(d.path().join("c.toml"), "[[rule]]\nid = \"x.y\"\nfamily = \"f\"\nstage = \"hook\"\nweight = 5\nexplain = \"k\"\nregex = \"(\"\n").unwrap();
    let out = bin()
        .args(["rules", "lint", d.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    let a = d.path().join("a.toml").display().to_string();
    let b = d.path().join("b.toml").display().to_string();
    let c = d.path().join("c.toml").display().to_string();
    assert!(
        text.contains(&format!(
            "{a}:4:9: error[R002]: rule `x.y`: unknown stage `hookk`"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("{b}:1:")) && text.contains("error[R000]"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{c}:2:6: error[R001]: rule `x.y`: duplicate rule id (first at {a}:2:6)"
        )),
        "{text}"
    );
    assert!(text.contains(&format!("{c}:7:9: error[R003]")), "{text}");
    // The same rules make `check` refuse to run.
    assert_eq!(check(d.path(), &["x"]).status.code(), Some(2));
}

#[test]
fn lint_runs_examples() {
    let d = rules_dir();
    let bad = RULES.replace("text = \"你好\"", "text = \"客服你好\"");
    std::fs::write(d.path().join("a.toml"), bad).unwrap();
    let out = bin()
        .args(["rules", "lint", d.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("error[R010]: rule `t.pretext.cs`: example expects no match")
    );
}

#[test]
fn a_closed_output_pipe_ends_quietly() {
    // `scamguard check --lines ... | head -1`: the reader goes away after the first line. The
    // command must stop with status 0 and no panic, however much output is left.
    let dir = rules_dir();
    let input = "打开屏幕共享\n".repeat(20_000);
    let mut child = spawn_piped(bin().args(["check", "--lines", "--rules"]).arg(dir.path()));
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}
