#!/usr/bin/env bash
# The scan step of action.yml: one `cargo ready` run writing SARIF, markdown, JSON, badges and
# annotations (stdout). Inputs arrive as INPUT_* environment variables (never pasted into the
# script). Exit code 1 (gate failed) is recorded in the `gate-exit` output, not returned, so the
# SARIF upload still runs; the action's last step fails the job. Codes 2/3 fail right here.
#
# The scan runs from RUNNER_TEMP with `--manifest-path` and RUSTUP_TOOLCHAIN set: the scanned
# repository is untrusted, so its rust-toolchain.toml must not pick the toolchain that runs
# `cargo metadata`, and its .cargo/config.toml (read from the working directory) must not apply.
set -uo pipefail

workspace="${GITHUB_WORKSPACE:-$PWD}"
workspace="$(cd "$workspace" && pwd -P)" || exit 2
dir="$(cd "$workspace/${INPUT_WORKING_DIRECTORY:-.}" 2>/dev/null && pwd -P)" || {
  echo "::error title=cargo-ready::working-directory '${INPUT_WORKING_DIRECTORY:-.}' does not exist"
  exit 2
}
case "$dir/" in
  "$workspace"/*) ;;
  *)
    echo "::error title=cargo-ready::working-directory must be inside the repository checkout"
    exit 2
    ;;
esac
manifest="$dir/Cargo.toml"
bin="${CARGO_READY_BIN:-cargo-ready}"
export RUSTUP_TOOLCHAIN="${INPUT_TOOLCHAIN:-stable}"

out_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/cargo-ready"
mkdir -p "$out_dir" || exit 3
cd "$out_dir" || exit 3
sarif="$out_dir/cargo-ready.sarif"
markdown="$out_dir/cargo-ready.md"
json="$out_dir/cargo-ready.json"
badge_svg=""
badge_json=""

args=(--manifest-path "$manifest" --color never --format github
  --output "sarif=$sarif" --output "markdown=$markdown" --output "json=$json")
if [ "${INPUT_BADGE:-true}" = "true" ]; then
  badge_svg="$out_dir/cargo-ready-badge.svg"
  badge_json="$out_dir/cargo-ready-badge.json"
  args+=(--output "badge-svg=$badge_svg" --output "badge-json=$badge_json")
fi
# Paths given to the action are relative to working-directory, as if `cargo ready` ran there
# (it runs elsewhere): a policy file, and the paths of --baseline, --output, --manifest-path
# and --policy in `args`. Built-in policy names (no `.toml`) pass as they are.
abs() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$dir" "$1" ;; esac; }
policy_arg() { case "$1" in *.toml) abs "$1" ;; *) printf '%s' "$1" ;; esac; }
output_arg() { printf '%s=%s' "${1%%=*}" "$(abs "${1#*=}")"; }
resolve_paths() { # resolve_paths ARG...: sets `resolved`
  resolved=()
  local a next=""
  for a in "$@"; do
    case "$next" in
      path) a="$(abs "$a")" ;;
      policy) a="$(policy_arg "$a")" ;;
      output) a="$(output_arg "$a")" ;;
      *)
        case "$a" in
          --baseline | --manifest-path) next=path ;;
          --policy) next=policy ;;
          --output) next=output ;;
          --baseline=* | --manifest-path=*) a="${a%%=*}=$(abs "${a#*=}")" ;;
          --policy=*) a="--policy=$(policy_arg "${a#*=}")" ;;
          --output=*) a="--output=$(output_arg "${a#*=}")" ;;
        esac
        resolved+=("$a")
        continue
        ;;
    esac
    next=""
    resolved+=("$a")
  done
}
[ -n "${INPUT_POLICY:-}" ] && args+=(--policy "$(policy_arg "$INPUT_POLICY")")
[ -n "${INPUT_MIN_SCORE:-}" ] && args+=(--min-score "$INPUT_MIN_SCORE")
[ -n "${INPUT_FAIL_ON:-}" ] && args+=(--fail-on "$INPUT_FAIL_ON")

# On pull requests, annotate the lines the PR changed first. The checkout of a pull_request
# event is a merge commit whose first parent is the base: diff against it (needs
# `fetch-depth: 2` or more); else against the event's base commit or origin/<base branch> when
# fetched; silently skipped when none is available.
git_ws() { git -C "$workspace" "$@"; }
diff_base=""
if [[ "${GITHUB_EVENT_NAME:-}" == pull_request* ]] \
  && [ "$(git_ws rev-list --parents -n 1 HEAD 2>/dev/null | wc -w)" -ge 3 ]; then
  diff_base="$(git_ws rev-parse --verify --quiet 'HEAD^1^{commit}' 2>/dev/null || true)"
fi
if [ -z "$diff_base" ] && [ -n "${PR_BASE_SHA:-}" ] && git_ws cat-file -e "$PR_BASE_SHA^{commit}" 2>/dev/null; then
  diff_base="$PR_BASE_SHA"
fi
if [ -z "$diff_base" ] && [ -n "${GITHUB_BASE_REF:-}" ] \
  && git_ws rev-parse --verify --quiet "origin/$GITHUB_BASE_REF" >/dev/null 2>&1; then
  diff_base="origin/$GITHUB_BASE_REF"
fi
[ -n "$diff_base" ] && args+=(--diff-base "$diff_base")
if [ -n "${INPUT_ARGS:-}" ]; then
  read -r -a extra <<< "$INPUT_ARGS"
  resolve_paths "${extra[@]}"
  args+=("${resolved[@]}")
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
if [ -z "${CARGO_READY_PATH_PREFIX:-}" ]; then
  root_manifest="$(cargo locate-project --workspace --message-format plain --manifest-path "$manifest" 2>/dev/null || true)"
  if [ -n "$root_manifest" ]; then
    root="$(cd "$(dirname "$root_manifest")" && pwd -P)"
    case "$root" in
      "$workspace"/*) export CARGO_READY_PATH_PREFIX="${root#"$workspace"/}" ;;
    esac
  fi
fi

"$bin" "${args[@]}"
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
