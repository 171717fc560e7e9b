#!/usr/bin/env bash
# Precision survey: runs cargo-ready on a pinned corpus of real open-source services and prints a
# table (score, status, blockers, findings per severity, run time). See docs/survey.md.
#
# Usage: scripts/survey.sh [--corpus DIR] [--tool BIN] [--out DIR] [--only a,b,..] [--timeout S]
#                          [--services TSV]
#   --corpus   where the checkouts live, one directory per service (default /work/corpus)
#   --tool     the cargo-ready binary (default target/release/cargo-ready of this checkout)
#   --out      where <name>.json / <name>.stderr go (default <corpus>/results/latest)
#   --only     comma-separated service names (default: every row of the manifest)
#   --timeout  seconds per service before the run is killed (default 900)
#   --services the manifest (default scripts/survey-services.tsv)
#   --mirror   a directory of local git snapshots, <owner>+<name>/repo (default $SURVEY_MIRROR);
#              a missing checkout is cloned from there when its snapshot exists
#
# The manifest is a TSV with a header row: name, repo, commit, framework, kind, manifest (the
# workspace-relative path of the Cargo.toml to scan).
# A missing checkout is cloned from https://github.com/<repo> and checked out at the pinned
# commit. Nothing of the scanned code is built or run: cargo-ready only reads files and runs
# `cargo metadata --no-deps`. A service that cannot be checked out or scanned becomes a row that
# says why; the survey never aborts on one service.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
manifest="$here/survey-services.tsv"
corpus=/work/corpus
tool="$here/../target/release/cargo-ready"
out=""
only=""
limit=900
mirror=${SURVEY_MIRROR:-}

while [ $# -gt 0 ]; do
  case "$1" in
    --corpus) corpus=$2; shift 2 ;;
    --tool) tool=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --only) only=",$2,"; shift 2 ;;
    --timeout) limit=$2; shift 2 ;;
    --services) manifest=$2; shift 2 ;;
    --mirror) mirror=$2; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "survey.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
out=${out:-$corpus/results/latest}
[ -x "$tool" ] || { echo "survey.sh: no executable tool at $tool (cargo build --release?)" >&2; exit 2; }
tool=$(cd "$(dirname "$tool")" && pwd)/$(basename "$tool")
mkdir -p "$corpus" "$out" || exit 2

# Several services pin a toolchain (rust-toolchain.toml) that may not be installed; rustup would
# try to download it just to run `cargo metadata`. The installed stable cargo reads any of them.
export RUSTUP_TOOLCHAIN=${RUSTUP_TOOLCHAIN:-stable}

# leave_out_missing_blobs DIR COMMIT: a snapshot lacks files of 4 MiB and more (test data, dumps);
# their paths are left out of the checkout (sparse), so that the rest checks out.
leave_out_missing_blobs() {
  local dir=$1 commit=$2 tree missing
  tree=$(git -C "$dir" ls-tree -r "$commit" 2>/dev/null) || return 0
  missing=$(printf '%s\n' "$tree" | awk '{ print $3 }' | git -C "$dir" cat-file --batch-check 2>/dev/null |
    awk '$2 == "missing" { print $1 }')
  [ -n "$missing" ] || return 0
  printf '%s\n' "$tree" | awk -F'\t' -v ids="$missing" '
    BEGIN { n = split(ids, a, "\n"); for (i = 1; i <= n; i++) gone[a[i]] = 1; print "/*" }
    { split($1, f, " "); if (f[3] in gone) print "!/" $2 }' |
    git -C "$dir" sparse-checkout set --no-cone --stdin >/dev/null 2>&1 || true
}

# ensure_checkout DIR REPO COMMIT: prints nothing on success, the reason on failure.
ensure_checkout() {
  local dir=$1 repo=$2 commit=$3
  local snapshot="$mirror/${repo/\//+}/repo"
  if [ ! -d "$dir/.git" ] && [ -n "$mirror" ] && [ -d "$snapshot" ]; then
    rm -rf "$dir"
    git clone -q -n "$snapshot" "$dir" >/dev/null 2>&1 || { echo "clone of $snapshot failed"; return 1; }
    leave_out_missing_blobs "$dir" "$commit"
    git -C "$dir" reset -q --hard "$commit" >/dev/null 2>&1 || { echo "checkout of $commit failed"; return 1; }
  fi
  if [ ! -d "$dir/.git" ]; then
    GIT_TERMINAL_PROMPT=0 timeout 1800 git clone -q "https://github.com/$repo" "$dir" >/dev/null 2>&1 || { echo "clone of $repo failed"; return 1; }
  fi
  if [ "$(git -C "$dir" rev-parse HEAD 2>/dev/null)" != "$commit" ]; then
    git -C "$dir" checkout -q "$commit" >/dev/null 2>&1 || { echo "checkout of $commit failed"; return 1; }
  fi
}

# summarize JSON NAME SECONDS: one markdown table row from a report.
summarize() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
path, name, secs = sys.argv[1:4]
try:
    with open(path) as f:
        r = json.load(f)
except (OSError, ValueError) as e:
    print(f"| {name} | – | error | unreadable JSON: {e} | | | | {secs} |")
    sys.exit(0)
live = [f for f in r.get("findings", []) if not f.get("suppressed")]
count = {s: sum(1 for f in live if f.get("severity") == s) for s in ("error", "warning", "note")}
blockers = sorted(c["id"] for c in r.get("checks", [])
                  if c.get("outcome") == "fail" and c.get("severity") == "error")
print(f"| {name} | {r.get('score')} | {r.get('status')} | {', '.join(blockers) or '–'} | "
      f"{count['error']} | {count['warning']} | {count['note']} | {secs} |")
PY
}

echo "| service | score | status | blockers (failing error checks) | errors | warnings | notes | seconds |"
echo "|---|---|---|---|---|---|---|---|"
tail -n +2 "$manifest" | while IFS=$'\t' read -r name repo commit _framework _kind path; do
  [ -n "$name" ] || continue
  case "$only" in ""|*",$name,"*) ;; *) continue ;; esac
  dir="$corpus/$name"
  if ! why=$(ensure_checkout "$dir" "$repo" "$commit"); then
    echo "| $name | – | skipped | $why | | | | |"
    continue
  fi
  json="$out/$name.json"
  start=$(date +%s%N)
  timeout "$limit" "$tool" --manifest-path "$dir/$path" --format json --fail-on never \
    >"$json" 2>"$out/$name.stderr" </dev/null
  rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  secs=$(printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)))
  if [ "$rc" -eq 124 ]; then
    echo "| $name | – | timeout | killed after ${limit}s | | | | $secs |"
  elif [ "$rc" -ne 0 ] || [ ! -s "$json" ]; then
    reason=$(grep -v '^\s*$' "$out/$name.stderr" | head -n 1 | tr '|' '/' | cut -c1-120)
    echo "| $name | – | failed (exit $rc) | ${reason:-no output} | | | | $secs |"
  else
    summarize "$json" "$name" "$secs"
  fi
done
