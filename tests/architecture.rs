//! The engine modules never name a Telegram type: only `src/bot/` (and the binary) may.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn engine_modules_do_not_name_teloxide() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let allowed = [src.join("bot"), src.join("main.rs")];
    let mut offenders = Vec::new();
    let mut checked = 0;
    for f in files {
        if allowed.iter().any(|a| f.starts_with(a)) {
            continue;
        }
        checked += 1;
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.contains("teloxide") && !line.trim_start().starts_with("//") {
                offenders.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        checked >= 5,
        "expected to check the engine modules, checked {checked}"
    );
    for module in [
        "text",
        "rules",
        "engine.rs",
        "conversation.rs",
        "sessions.rs",
        "policy.rs",
    ] {
        assert!(
            src.join(module).exists(),
            "engine module {module} is missing"
        );
    }
    assert!(
        offenders.is_empty(),
        "teloxide named outside src/bot:\n{}",
        offenders.join("\n")
    );
}
