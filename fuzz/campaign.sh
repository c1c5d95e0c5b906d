#!/usr/bin/env bash
# One fixed-budget AFL campaign of one target (BENCHMARKS.md, "Fuzzing"):
#   fuzz/campaign.sh TARGET SECONDS [OUT_DIR]
# Needs `cargo install cargo-afl` (stable Rust); builds the instrumented driver first. The
# queue, crashes and hangs go to OUT_DIR/TARGET (default /tmp/scamguard-afl), never into the
# repository: only hand-written seeds (fuzz/seeds/) and minimized crash inputs
# (fuzz/regressions/) are committed. Prints the figures BENCHMARKS.md records.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?target name}
seconds=${2:?budget in seconds}
out=${3:-/tmp/scamguard-afl}/$target
cargo afl build --release --bin scamguard-fuzz
bin=${CARGO_TARGET_DIR:-target}/release/scamguard-fuzz
rm -rf "$out"
mkdir -p "$(dirname "$out")"
# No UI (logs instead), no core-pattern or CPU-governor checks (a shared machine), one core,
# a 1 s hang limit and a 2 GiB memory limit per input.
AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  cargo afl fuzz -V "$seconds" -t 1000 -m 2048 -i "seeds/$target" -o "$out" "$bin" "$target" \
  >"$out.log" 2>&1 || { tail -30 "$out.log"; exit 1; }
stats=$out/default/fuzzer_stats
for k in run_time execs_done execs_per_sec corpus_count saved_crashes saved_hangs; do
  printf '%s=%s ' "$k" "$(awk -F' : ' -v k="$k" '$1 ~ "^"k" *$" {print $2}' "$stats")"
done
echo
