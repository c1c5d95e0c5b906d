//! The AFL driver: `scamguard-fuzz TARGET` runs one target of `scamguard_fuzz::TARGETS` on
//! each input AFL gives (see BENCHMARKS.md, "Fuzzing", for the commands).

fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    let Some(target) = scamguard_fuzz::target(&name) else {
        let names: Vec<&str> = scamguard_fuzz::TARGETS.iter().map(|(n, _)| *n).collect();
        eprintln!(
            "usage: scamguard-fuzz TARGET (one of: {})",
            names.join(", ")
        );
        std::process::exit(2);
    };
    scamguard_fuzz::warm_up();
    afl::fuzz!(|data: &[u8]| target(data));
}
