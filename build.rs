//! Embeds the shipped `rules/*.toml` and `locales/*.ftl` so the binary runs from anywhere.

use std::fmt::Write as _;
use std::path::Path;

fn embed(dir: &str, ext: &str, out: &mut String, name: &str) {
    println!("cargo:rerun-if-changed={dir}");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == ext))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    writeln!(out, "pub static {name}: &[(&str, &str)] = &[").unwrap();
    for f in files {
        println!("cargo:rerun-if-changed={}", f.display());
        let abs = std::fs::canonicalize(&f).unwrap();
        writeln!(out, "    ({:?}, include_str!({:?})),", f.display().to_string(), abs.display().to_string()).unwrap();
    }
    writeln!(out, "];").unwrap();
}

fn main() {
    let mut out = String::new();
    embed("rules", "toml", &mut out, "RULES");
    embed("locales", "ftl", &mut out, "LOCALES");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(dest, out).unwrap();
}
