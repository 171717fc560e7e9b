#!/usr/bin/env bash
# The scan step of action.yml: one `cargo ready` run writing SARIF, markdown, JSON, badges and
# annotations (stdout). Inputs arrive as INPUT_* environment variables (never pasted into the
# script). Exit code 1 (gate failed) is recorded in the `gate-exit` output, not returned, so the
# SARIF upload still runs; the action's last step fails the job. Codes 2/3 fail right here.
set -uo pipefail

cd "${INPUT_WORKING_DIRECTORY:-.}" || exit 2

out_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/cargo-ready"
mkdir -p "$out_dir" || exit 3
sarif="$out_dir/cargo-ready.sarif"
markdown="$out_dir/cargo-ready.md"
json="$out_dir/cargo-ready.json"
badge_svg=""
badge_json=""

args=(--color never --format github
  --output "sarif=$sarif" --output "markdown=$markdown" --output "json=$json")
if [ "${INPUT_BADGE:-true}" = "true" ]; then
  badge_svg="$out_dir/cargo-ready-badge.svg"
  badge_json="$out_dir/cargo-ready-badge.json"
  args+=(--output "badge-svg=$badge_svg" --output "badge-json=$badge_json")
fi
[ -n "${INPUT_POLICY:-}" ] && args+=(--policy "$INPUT_POLICY")
[ -n "${INPUT_MIN_SCORE:-}" ] && args+=(--min-score "$INPUT_MIN_SCORE")
[ -n "${INPUT_FAIL_ON:-}" ] && args+=(--fail-on "$INPUT_FAIL_ON")
# On pull requests, annotate the lines the PR changed first (needs the base fetched, e.g.
# `actions/checkout` with `fetch-depth: 0`); silently skipped when the base is not available.
if [ -n "${GITHUB_BASE_REF:-}" ] && git rev-parse --verify --quiet "origin/$GITHUB_BASE_REF" >/dev/null 2>&1; then
  args+=(--diff-base "origin/$GITHUB_BASE_REF")
fi
if [ -n "${INPUT_ARGS:-}" ]; then
  read -r -a extra <<< "$INPUT_ARGS"
  args+=("${extra[@]}")
fi

category="${INPUT_CATEGORY:-}"
category="${category#/}"
category="${category%/}"
if [ -n "$category" ]; then
  export CARGO_READY_SARIF_CATEGORY="$category"
  upload_category="cargo-ready/$category"
else
  upload_category="cargo-ready"
fi

# Paths in SARIF and annotations are relative to the repository root: when the workspace sits
# in a subdirectory of the checkout, prefix them with that subdirectory.
if [ -n "${GITHUB_WORKSPACE:-}" ] && [ -z "${CARGO_READY_PATH_PREFIX:-}" ]; then
  manifest="$(cargo locate-project --workspace --message-format plain 2>/dev/null || true)"
  if [ -n "$manifest" ]; then
    rel="$(realpath --relative-to="$GITHUB_WORKSPACE" "$(dirname "$manifest")" 2>/dev/null || true)"
    case "$rel" in
      "" | "." | ../* | "..") ;;
      *) export CARGO_READY_PATH_PREFIX="$rel" ;;
    esac
  fi
fi

cargo-ready "${args[@]}"
code=$?
if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then
  echo "::error title=cargo-ready::cargo ready failed with exit code $code"
  exit "$code"
fi

if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$markdown" ]; then
  cat "$markdown" >> "$GITHUB_STEP_SUMMARY"
fi

# The JSON report is pretty-printed: top-level keys are indented by exactly two spaces.
score="$(sed -n 's/^  "score": \([0-9][0-9]*\),$/\1/p' "$json" | head -n 1)"
status="$(sed -n 's/^  "status": "\([a-z-]*\)",$/\1/p' "$json" | head -n 1)"

{
  echo "score=$score"
  echo "status=$status"
  echo "sarif-file=$sarif"
  echo "badge-svg=$badge_svg"
  echo "badge-json=$badge_json"
  echo "upload-category=$upload_category"
  echo "gate-exit=$code"
} >> "${GITHUB_OUTPUT:-/dev/null}"
exit 0
