//! Every committed fuzz seed (`fuzz/seeds/<target>/`) and crash regression
//! (`fuzz/regressions/<target>/`) through its target, the same functions the AFL campaigns
//! run (fuzz/src/lib.rs, BENCHMARKS.md "Fuzzing"). A target panics on a broken invariant, so
//! an input that once crashed fails this test if the fix regresses.

#[path = "../fuzz/src/lib.rs"]
mod targets;

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of `dir` (none when it does not exist), sorted.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every seed and regression of `name`; the number of inputs run.
fn replay(name: &str) -> usize {
    targets::warm_up();
    let target = targets::target(name).expect("a known target");
    let mut run = 0;
    for kind in ["seeds", "regressions"] {
        for path in inputs(&root().join(kind).join(name)) {
            let data = std::fs::read(&path).expect("input readable");
            let result = std::panic::catch_unwind(|| target(&data));
            assert!(result.is_ok(), "{} failed its target", path.display());
            run += 1;
        }
    }
    run
}

#[test]
fn every_target_has_seeds_and_every_seed_directory_a_target() {
    for (name, _) in targets::TARGETS {
        assert!(
            !inputs(&root().join("seeds").join(name)).is_empty(),
            "no seeds for {name}"
        );
    }
    for kind in ["seeds", "regressions"] {
        let Ok(dirs) = std::fs::read_dir(root().join(kind)) else {
            continue;
        };
        for d in dirs.filter_map(Result::ok) {
            let name = d.file_name().to_string_lossy().into_owned();
            assert!(
                targets::target(&name).is_some(),
                "{kind}/{name} names no target"
            );
        }
    }
}

macro_rules! replay_tests {
    ($($test:ident => $name:literal,)*) => {$(
        #[test]
        fn $test() {
            assert!(replay($name) > 0, "no inputs for {}", $name);
        }
    )*};
}

replay_tests! {
    normalize_seeds => "normalize",
    scan_seeds => "scan",
    rules_seeds => "rules",
    link_rules_seeds => "link_rules",
    config_seeds => "config",
    fluent_seeds => "fluent",
    update_seeds => "update",
    urls_seeds => "urls",
    qr_seeds => "qr",
    ocr_seeds => "ocr",
}
