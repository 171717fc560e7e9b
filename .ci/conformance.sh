#!/usr/bin/env bash
# Validates what cargo-ready writes for other programs with the shared conformance checkers:
# SARIF (this repo and the outputs-all fixture), badges (SVG + endpoint JSON) and action.yml.
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
bin="$repo/target/debug/cargo-ready"

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

python3 "$kit/check_sarif.py" --strict --repo-root "$repo" "$out/self.sarif"
python3 "$kit/check_sarif.py" --strict --repo-root "$fixture" "$out/fixture.sarif"
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
assert open_json == open_sarif, (open_json, open_sarif)
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
echo "conformance: OK"
