//! Embeds the shipped rules (`rules/*.toml` and `rules/links/links.toml`) into the binary, so
//! `scamguard` runs from any directory; `--rules DIR` or `SCAMGUARD_RULES` override them.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = root.join("rules");
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=rules/links");
    let mut files: Vec<_> = std::fs::read_dir(&rules)
        .expect("rules/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    files.sort();
    let mut out = String::from("/// The shipped rule files: (origin, text), sorted by name.\n");
    out.push_str("pub const EMBEDDED_RULES: &[(&str, &str)] = &[\n");
    for f in &files {
        let name = f.file_name().expect("a file name").to_string_lossy();
        println!("cargo:rerun-if-changed={}", f.display());
        let _ = writeln!(
            out,
            "    (\"rules/{name}\", include_str!({:?})),",
            f.display().to_string()
        );
    }
    out.push_str("];\n");
    let links = rules.join("links/links.toml");
    println!("cargo:rerun-if-changed={}", links.display());
    let _ = writeln!(
        out,
        "/// The shipped link data: (origin, text).\npub const EMBEDDED_LINKS: (&str, &str) = (\"rules/links/links.toml\", include_str!({:?}));",
        links.display().to_string()
    );
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR is set")).join("embedded_rules.rs");
    std::fs::write(dest, out).expect("write embedded_rules.rs");
}
