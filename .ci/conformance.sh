#!/usr/bin/env bash
# Validates what cargo-ready writes for other programs with the shared conformance checkers:
# SARIF (this repo, the outputs-all fixture and a generated 30,000-finding workspace: schema,
# GitHub's rules and limits, and primaryLocationLineHash as upload-sarif recomputes it),
# badges (SVG + endpoint JSON) and action.yml.
# Layout: the checkout is this script's parent's parent; `../shared/conformance` sits beside it.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kit="$(cd "$repo/../shared/conformance" && pwd)"
fixture="$repo/tests/fixtures/outputs-all"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

if ! python3 -c 'import jsonschema, yaml' 2>/dev/null; then
  python3 -m pip install --quiet -r "$kit/requirements.txt"
fi

cd "$repo"
cargo build --locked --quiet
bin="${CARGO_TARGET_DIR:-$repo/target}/debug/cargo-ready"

scan() { # scan NAME MANIFEST: writes SARIF and badges; exit 1 (gate failed) is expected
  local name="$1" manifest="$2" code=0
  "$bin" --manifest-path "$manifest" --color never --format json \
    --output "sarif=$out/$name.sarif" \
    --output "badge-svg=$out/$name.svg" \
    --output "badge-json=$out/$name.badge.json" > "$out/$name.json" || code=$?
  if [ "$code" -gt 1 ]; then
    echo "cargo-ready failed on $manifest (exit $code)" >&2
    exit "$code"
  fi
}

scan self "$repo/Cargo.toml"
scan fixture "$fixture/Cargo.toml"

# check_sarif.py --strict; .ci/sarif_strict.py explains its one exception.
python3 .ci/sarif_strict.py "$kit" --repo-root "$repo" "$out/self.sarif"
python3 .ci/sarif_strict.py "$kit" --repo-root "$fixture" "$out/fixture.sarif"
# Each primaryLocationLineHash is what upload-sarif recomputes (no upload warning).
python3 "$kit/check_fingerprints.py" "$out/self.sarif" "$repo"
python3 "$kit/check_fingerprints.py" "$out/fixture.sarif" "$fixture"
for f in self.svg self.badge.json fixture.svg fixture.badge.json; do
  python3 "$kit/check_badge.py" "$out/$f"
done
python3 "$kit/check_action.py" --strict "$repo/action.yml"

# The fixture must have findings of every check kind.
python3 - "$out/fixture.json" "$out/fixture.sarif" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
sarif = json.load(open(sys.argv[2]))
kinds = {c["kind"] for c in report["checks"] if c["findings"] > 0}
missing = {"text", "dependency", "manifest", "file", "call", "held-across-await", "ignored-result", "presence", "engine"} - kinds
assert not missing, f"fixture has no findings of kind(s) {sorted(missing)}"
open_json = sum(1 for f in report["findings"] if f.get("suppressed") is None)
open_sarif = sum(1 for r in sarif["runs"][0]["results"] if "suppressions" not in r)
counts = sarif["runs"][0]["properties"]["cargoReady"]["results"]
assert counts["omitted"] == 0 and counts["included"] + counts["mergedSameLine"] == len(report["findings"]), counts
assert open_json == open_sarif + counts["mergedSameLine"], (open_json, open_sarif, counts)
notes = sarif["runs"][0]["invocations"][0].get("toolExecutionNotifications", [])
parse_errors = sum(1 for f in report["findings"] if f["check"] == "parse-error")
assert len(notes) == len(report["notes"]) + parse_errors > parse_errors > 0, "scan notes or parse errors missing from the SARIF invocation"
print(f"fixture: {open_json} unsuppressed findings in JSON and SARIF; kinds {sorted(kinds)}")
PY
# The committed JSON Schemas accept every built-in check and policy and what `init` writes
# (and reject typos).
cp -r "$fixture" "$out/init-ws"
"$bin" init --manifest-path "$out/init-ws/Cargo.toml" --force > /dev/null
python3 "$repo/.ci/validate_schema.py" "$repo" "$out/init-ws/ready.toml"
# A workspace with 30,000 findings (generated here): GitHub would reject a run with more than
# 25,000 results and displays 5,000; the SARIF keeps 5,000, records the cut and still passes.
big="$out/big"
mkdir -p "$big/src"
printf '[package]\nname = "big"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n\n[workspace]\n' > "$big/Cargo.toml"
python3 - "$big/src" <<'PY'
import sys
for m in range(30):
    fns = [f"pub fn f{m}_{i}(x: Option<u32>) -> u32 {{ x.unwrap() + {i} }}" for i in range(1000)]
    open(f"{sys.argv[1]}/m{m}.rs", "w").write("\n".join(fns) + "\n")
open(f"{sys.argv[1]}/lib.rs", "w").write("".join(f"pub mod m{m};\n" for m in range(30)))
PY
code=0
"$bin" --manifest-path "$big/Cargo.toml" --color never --format json \
  --output "sarif=$out/big.sarif" --output "markdown=$out/big.md" > "$out/big.json" || code=$?
[ "$code" -le 1 ] || { echo "cargo-ready failed on the 30,000-finding workspace (exit $code)" >&2; exit "$code"; }
python3 .ci/sarif_strict.py "$kit" --repo-root "$big" "$out/big.sarif"
python3 "$kit/check_fingerprints.py" "$out/big.sarif" "$big"
python3 - "$out/big.json" "$out/big.sarif" "$out/big.md" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
run = json.load(open(sys.argv[2]))["runs"][0]
summary = open(sys.argv[3]).read()
counts = run["properties"]["cargoReady"]["results"]
total = len(report["findings"])
assert total >= 30000 and counts["total"] == total, (total, counts)
assert len(run["results"]) == counts["included"] == 5000, counts
assert counts["omitted"] == total - 5000 - counts["mergedSameLine"] > 0, counts
notes = [n["message"]["text"] for n in run["invocations"][0].get("toolExecutionNotifications", [])]
assert any("not in the SARIF run" in n for n in notes), notes
assert "**Code scanning:** %d of %d findings are not in the SARIF run" % (counts["omitted"], total) in summary
assert "Left out by check: `no-unwrap`" in summary
print(f"30,000-finding workspace: {total} findings, {counts['included']} SARIF results, {counts['omitted']} left out and recorded")
PY
echo "conformance: OK"
