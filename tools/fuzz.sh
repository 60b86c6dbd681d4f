#!/usr/bin/env bash
# make fuzz: run every cargo-fuzz target for FUZZ_SECONDS each (default 60),
# starting from the committed seeds (fuzz/seeds/<target>) and the growing local
# corpus (fuzz/corpus/<target>, git-ignored). Crashes land in fuzz/artifacts/;
# fix them and keep each as a regression test (tests/hostile.rs or the area's tests).
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP=1 enables them on the stable toolchain.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${FUZZ_SECONDS:-60}"
targets="${FUZZ_TARGETS:-$(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^hrlens-fuzz$')}"
command -v cargo-fuzz >/dev/null || cargo install -q cargo-fuzz
export RUSTC_BOOTSTRAP=1
total=0
for t in $targets; do
  mkdir -p "corpus/$t"
  echo "fuzzing $t for ${seconds}s"
  start=$(date +%s)
  cargo fuzz run -O "$t" "corpus/$t" "seeds/$t" -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=3072 \
    -print_final_stats=1 2>&1 | grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|==|SUMMARY|Done)|panicked|ERROR' || true
  total=$((total + $(date +%s) - start))
done
echo "fuzzed for ${total}s of wall time in all (build included; one core); artifacts (crashes), if any:"
ls -1 artifacts/*/ 2>/dev/null || echo "  none"
