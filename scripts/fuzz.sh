#!/usr/bin/env bash
# Runs each fuzz target (fuzz/fuzz_targets: config, scan, baseline) for a given time, one
# process at a time, and prints executions, coverage and crashes per target.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      (default: 600 s, every target)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); the fuzz build alone uses RUSTC_BOOTSTRAP=1
# (libFuzzer's sanitizer flags are nightly-only) — the tool itself builds on stable. Seeds come
# from the repository (check files, policies, fixtures, this tool's own sources, a JSON report);
# the corpus grows in fuzz/corpus/<target>, crashes land in fuzz/artifacts/<target> and each
# becomes a regression test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
secs="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(config scan baseline)
export RUSTC_BOOTSTRAP=1

seed() { # TARGET
  local dir="fuzz/corpus/$1"
  mkdir -p "$dir"
  [ -n "$(ls -A "$dir")" ] && return
  case "$1" in
    config)
      cp checks/*.toml policies/*.toml "$dir/"
      find tests/fixtures -name 'ready.toml' | while read -r f; do
        cp "$f" "$dir/$(echo "$f" | tr / _)"; done ;;
    scan)
      find src tests/fixtures -name '*.rs' -size -64k | while read -r f; do
        cp "$f" "$dir/$(echo "$f" | tr / _)"; done ;;
    baseline)
      cargo run --quiet --locked -- ready --manifest-path tests/fixtures/basic/Cargo.toml \
        --format json > "$dir/basic.json" || true ;;
  esac
}

# --no-cfg-fuzzing: under cfg(fuzzing) proc-macro2 reports line 0 for every span, which is
# not the code that ships (and made the scanner's line arithmetic fail on every input).
(cd fuzz && cargo fuzz build -O -a -s none --no-cfg-fuzzing >&2)
bin_dir="fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release"
mkdir -p fuzz/logs
for t in "${targets[@]}"; do
  seed "$t"
  mkdir -p "fuzz/artifacts/$t"
  before=$(find "fuzz/artifacts/$t" -type f | wc -l)
  echo "== $t: ${secs}s" >&2
  # The built binary, not `cargo fuzz run` (which would rebuild on any source change). One
  # process (no -jobs): the cores are shared. -timeout makes a hang a crash too;
  # -rss_limit_mb makes unbounded memory one.
  "$bin_dir/$t" "fuzz/corpus/$t" -artifact_prefix="fuzz/artifacts/$t/" \
    -max_total_time="$secs" -timeout=30 -rss_limit_mb=4096 -max_len=262144 \
    -print_final_stats=1 > "fuzz/logs/$t.log" 2>&1 || true
  after=$(find "fuzz/artifacts/$t" -type f | wc -l)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "fuzz/logs/$t.log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "fuzz/logs/$t.log" | tail -n 1 | grep -o '[0-9]*' || true)
  ft=$(grep -o 'ft: [0-9]*' "fuzz/logs/$t.log" | tail -n 1 | grep -o '[0-9]*' || true)
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
  printf '%-9s %6ss  executions %10s  coverage %6s edges, %6s features  corpus %5s  new crashes %s\n' \
    "$t" "$secs" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "$((after - before))"
done
