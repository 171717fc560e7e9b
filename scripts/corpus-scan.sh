#!/usr/bin/env bash
# Scans every crate under ~/.cargo/registry/src with cargo-ready (`--policy strict`, JSON, -v)
# and reports: crates, files scanned, notes (by kind), panics and crashes (must be zero), exit
# codes, timeouts, peak memory, and the slowest crates and files.
#
#   scripts/corpus-scan.sh [BINARY] [MAX_CRATES]
#
# BINARY defaults to target/release/cargo-ready (built if missing). Run `cargo fetch` first so
# the registry holds this project's own dependencies. Results go to
# ${TMPDIR:-/tmp}/cargo-ready-corpus/ (one .json and one .err per crate) and a summary to stdout.
# Nothing is built or run from the crates: cargo-ready only reads them.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bin="${1:-target/release/cargo-ready}"
max="${2:-0}"
if [ ! -x "$bin" ]; then
  cargo build --release --locked >&2 || exit 3
fi
bin="$(realpath "$bin")"
registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"
out="${TMPDIR:-/tmp}/cargo-ready-corpus"
rm -rf "$out"
mkdir -p "$out"

mapfile -t crates < <(find "$registry" -mindepth 2 -maxdepth 2 -type d | sort)
[ "$max" -gt 0 ] && crates=("${crates[@]:0:$max}")
echo "scanning ${#crates[@]} crates from $registry with $bin" >&2

: > "$out/runs.tsv"
i=0
for dir in "${crates[@]}"; do
  i=$((i + 1))
  name="$(basename "$dir")"
  [ -f "$dir/Cargo.toml" ] || continue
  # From a neutral directory: the crate's files choose nothing about how the tool runs.
  start=$(date +%s.%N)
  ( cd / && /usr/bin/time -f "%M" -o "$out/$name.rss" \
      timeout 300 "$bin" ready --manifest-path "$dir/Cargo.toml" --policy strict \
      --format json -v --color never > "$out/$name.json" 2> "$out/$name.err" )
  code=$?
  end=$(date +%s.%N)
  rss="$(tail -n 1 "$out/$name.rss" 2>/dev/null || echo 0)"
  printf '%s\t%s\t%s\t%s\n' "$name" "$code" "$(echo "$end - $start" | bc)" "$rss" >> "$out/runs.tsv"
  [ $((i % 50)) -eq 0 ] && echo "  $i / ${#crates[@]}" >&2
done

python3 - "$out" <<'PY'
import collections, json, os, re, sys
out = sys.argv[1]
runs = [l.rstrip("\n").split("\t") for l in open(os.path.join(out, "runs.tsv"))]
codes = collections.Counter(r[1] for r in runs)
files = scanned = 0
notes = collections.Counter()
panics, crashes, timeouts = [], [], []
slow_files = []
unit = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
for name, code, secs, rss in runs:
    err = open(os.path.join(out, name + ".err"), errors="replace").read()
    if "panicked at" in err:
        panics.append(name)
    if code in ("134", "139", "101") or "stack overflow" in err:
        crashes.append((name, code))
    if code == "124":
        timeouts.append(name)
    m = re.search(r"scanned (\d+) of (\d+) files", err)
    if m:
        scanned += int(m.group(1)); files += int(m.group(2))
    for t, u, f in re.findall(r"^\s+([\d.]+)(ns|µs|us|ms|s)\s+(.+)$", err, re.M):
        slow_files.append((float(t) * unit[u], name + "/" + f))
    try:
        report = json.load(open(os.path.join(out, name + ".json")))
    except Exception:
        continue
    for n in report.get("notes", []):
        msg = re.sub(r"\d+", "N", n["message"])[:90]
        notes[msg] += 1
    for f in report.get("findings", []):
        if f["check"] == "parse-error":
            notes["parse-error finding: " + re.sub(r"\d+", "N", f["message"])[:70]] += 1
print(f"crates: {len(runs)}")
print("exit codes: " + ", ".join(f"{c}: {n}" for c, n in sorted(codes.items())))
print(f"files: {scanned} scanned of {files}")
print(f"panics: {len(panics)} {panics[:10]}")
print(f"crashes (abort, segfault, exit 101): {len(crashes)} {crashes[:10]}")
print(f"timeouts (300 s): {len(timeouts)} {timeouts[:10]}")
total = sum(float(r[2]) for r in runs)
print(f"wall time: {total:.1f} s in all")
by_time = sorted(runs, key=lambda r: -float(r[2]))[:10]
print("slowest crates:")
for name, code, secs, rss in by_time:
    print(f"  {float(secs):8.2f} s  {int(rss) / 1024:8.1f} MiB  {name}")
print(f"peak memory: {max(int(r[3] or 0) for r in runs) / 1024:.1f} MiB (largest crate)")
print("slowest files (per-file pass):")
for secs, f in sorted(slow_files, reverse=True)[:10]:
    print(f"  {secs * 1000:10.1f} ms  {f}")
print("notes and parse errors by kind:")
for msg, n in notes.most_common(15):
    print(f"  {n:6d}  {msg}")
PY
