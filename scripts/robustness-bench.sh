#!/usr/bin/env bash
# Robustness figures on hostile sizes (printed, never asserted): peak memory and time on
#   1. a 100 MB .rs file (over the parse cap: text checks only),
#   2. a 4 MiB .rs file (at the default parse cap: parsed),
#   3. 20,000 findings in one file (`.unwrap()` x 20k),
#   4. 2,000,000 text matches in one file (a `text` check),
#   5. 20,000 unknown keys in ready.toml (20k configuration errors, located),
# each next to a reference tool run on the same input in the same run (ripgrep, else grep).
#
#   scripts/robustness-bench.sh [BINARY]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin="${1:-target/release/cargo-ready}"
[ -x "$bin" ] || cargo build --release --locked >&2
bin="$(realpath "$bin")"
ref="$(command -v rg || command -v grep)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

workspace() { # DIR
  mkdir -p "$1/src"
  printf '[package]\nname = "bench"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n\n[workspace]\n' > "$1/Cargo.toml"
}

measure() { # LABEL CMD...   → "LABEL  seconds  peak MiB  exit"
  local label="$1"; shift
  local t0 t1 code
  t0=$(date +%s.%N)
  set +e
  # A program, not a shell function: /usr/bin/time execs it.
  /usr/bin/time -f "%M" -o "$work/rss" "$@" > "$work/out" 2> "$work/err"
  code=$?
  set -e
  t1=$(date +%s.%N)
  printf '  %-44s %8.2f s %9.1f MiB  exit %s\n' "$label" "$(echo "$t1 - $t0" | bc)" \
    "$(echo "$(tail -n 1 "$work/rss") / 1024" | bc -l)" "$code"
}


echo "cargo-ready: $bin"
echo "reference:   $ref"
echo "machine:     $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"

echo "1. 100 MB .rs file"
workspace "$work/big"
python3 - "$work/big/src/lib.rs" <<'PY'
import sys
chunk = "pub fn handler(x: Option<u32>) -> u32 { let v = x.unwrap_or(0); v + 1 } // TODO tidy\n"
with open(sys.argv[1], "w") as f:
    f.write(chunk * (100_000_000 // len(chunk)))
PY
measure "cargo-ready (text checks; not parsed)" "$bin" ready --manifest-path "$work/big/Cargo.toml" --format json -q
measure "reference: $(basename "$ref") -c TODO" "$ref" -c TODO "$work/big/src/lib.rs"

echo "2. 4 MiB .rs file (parsed: at the default cap)"
workspace "$work/cap"
python3 - "$work/cap/src/lib.rs" <<'PY'
import sys
chunk = "pub fn handler(x: Option<u32>) -> u32 { let v = x.unwrap_or(0); v + 1 }\n"
with open(sys.argv[1], "w") as f:
    f.write(chunk * ((4 << 20) // len(chunk) - 1))
PY
measure "cargo-ready (parsed)" "$bin" ready --manifest-path "$work/cap/Cargo.toml" --format json -q
measure "reference: $(basename "$ref") -c unwrap" "$ref" -c unwrap "$work/cap/src/lib.rs"

echo "3. 20,000 findings in one file"
workspace "$work/many"
python3 - "$work/many/src/lib.rs" <<'PY'
import sys
body = "".join(f"    let _v{i} = x.unwrap();\n" for i in range(20_000))
open(sys.argv[1], "w").write("pub fn f(x: Option<u32>) {\n" + body + "}\n")
PY
measure "cargo-ready (20k no-unwrap findings)" "$bin" ready --manifest-path "$work/many/Cargo.toml" --format json -q
echo "     findings: $(grep -c '"check": "no-unwrap"' "$work/out" || true)"
measure "reference: $(basename "$ref") -c unwrap" "$ref" -c unwrap "$work/many/src/lib.rs"

echo "4. 2,000,000 text matches in one file"
workspace "$work/matches"
python3 - "$work/matches/src/lib.rs" <<'PY'
import sys
open(sys.argv[1], "w").write("// " + "XX " * 2_000_000 + "\n")
PY
cat > "$work/matches/ready.toml" <<'TOML'
[[check]]
id = "no-xx"
title = "No XX"
category = "maintainability"
severity = "note"
kind = "text"
why = "bench"
fix = "bench"
[check.match]
pattern = "XX"

[categories.maintainability]
TOML
measure "cargo-ready (2M text findings)" "$bin" ready --manifest-path "$work/matches/Cargo.toml" --format json -q
measure "reference: $(basename "$ref") -o XX | wc -l" sh -c "$ref -o XX '$work/matches/src/lib.rs' | wc -l"

echo "5. 20,000 unknown keys in ready.toml"
workspace "$work/keys"
: > "$work/keys/src/lib.rs" # a target, or cargo metadata fails before the config is read
python3 - "$work/keys/ready.toml" <<'PY'
import sys
open(sys.argv[1], "w").write("".join(f"unknown_key_{i} = {i}\n" for i in range(20_000)))
PY
measure "cargo-ready (20k located errors)" "$bin" ready --manifest-path "$work/keys/Cargo.toml" --format json -q
echo "     errors: $(grep -c 'unknown key' "$work/err" || true)"
measure "reference: $(basename "$ref") -c unknown_key" "$ref" -c unknown_key "$work/keys/ready.toml"
