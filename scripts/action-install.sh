#!/usr/bin/env bash
# The first step of action.yml: installs the cargo-ready release binary that matches this
# action's own version, after checking it against the release's SHA256SUMS; or says why there
# is none (outputs `installed=false`, then the action restores or builds from source).
#
# A release is used only when it exists for this version (Cargo.toml beside this script), has
# an archive for the runner's OS and architecture, and was built from exactly these sources
# (`source.sha256` = scripts/source-hash.sh here; a branch ref or a fork builds instead). A
# checksum mismatch or a failed download refuses the release and fails the step; only a
# missing release or asset (HTTP 404) falls back to the source build.
#
# Environment: GITHUB_ACTION_PATH, RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_OUTPUT (set by
# the runner); INPUT_TOOLCHAIN (the Rust toolchain for the scan and any build);
# CARGO_READY_RELEASES_URL (default: this repository's GitHub releases; https, or http on
# loopback for tests). Outputs: version, target, root, bin, cache-key, installed.
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:?}"
releases="${CARGO_READY_RELEASES_URL:-https://github.com/cargo-ready/cargo-ready/releases/download}"
toolchain="${INPUT_TOOLCHAIN:-stable}"
temp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
root="$temp/cargo-ready-install"

output() { echo "$1=$2" >> "${GITHUB_OUTPUT:-/dev/null}"; }
notice() { echo "::notice title=cargo-ready::$1"; }
fail() {
  echo "::error title=cargo-ready::$1"
  exit 1
}

# The crate version: the first `version = "…"` of the [package] table.
version="$(awk '/^\[/ { in_package = ($0 == "[package]") }
  in_package && /^version *= *"/ { sub(/^version *= *"/, ""); sub(/".*/, ""); print; exit }' \
  "$action_path/Cargo.toml")"
[ -n "$version" ] || fail "cannot read the version from $action_path/Cargo.toml"

# The release target for this runner; empty when no binary is published for it.
case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) target="" ;;
esac
exe=""
[ "${RUNNER_OS:-}" = "Windows" ] && exe=".exe"
bin="$root/bin/cargo-ready$exe"

source_hash="$(bash "$action_path/scripts/source-hash.sh" "$action_path")"
platform="${target:-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}}"
output version "$version"
output target "$target"
output root "$root"
output bin "$bin"
# Different sources (another version, another commit) or toolchain: another cache entry.
output cache-key "cargo-ready-$version-$platform-$toolchain-${source_hash:0:24}"

# The scan (and any build) runs `cargo`: make sure the pinned toolchain is there.
if command -v rustup >/dev/null 2>&1 && ! rustup run "$toolchain" cargo --version >/dev/null 2>&1; then
  rustup toolchain install "$toolchain" --profile minimal --no-self-update >&2 \
    || fail "cannot install the Rust toolchain '$toolchain'"
fi

case "$releases" in
  https://*) proto="=https" ;;
  http://127.0.0.1[:/]* | http://localhost[:/]*) proto="=http" ;;
  *) fail "CARGO_READY_RELEASES_URL must be an https URL (or http on loopback): $releases" ;;
esac

# fetch URL FILE: 0 when downloaded, 4 when the server has no such file, 1 otherwise.
fetch() {
  local code
  code="$(curl --silent --show-error --location --proto "$proto" --proto-redir "$proto" \
    --retry 3 --connect-timeout 20 --max-time 600 \
    --output "$2" --write-out '%{http_code}' "$1")" || code="${code:-000}"
  case "$code" in
    200) return 0 ;;
    404) return 4 ;;
    *)
      echo "::error title=cargo-ready::download of $1 failed (HTTP $code)"
      return 1
      ;;
  esac
}

no_release() {
  notice "$1; building cargo-ready $version from source (cached for the next runs)"
  output installed false
  exit 0
}

[ -n "$target" ] || no_release "no release binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}"
command -v curl >/dev/null 2>&1 || no_release "curl is not installed"
base="$releases/v$version"
work="$(mktemp -d "$temp/cargo-ready-download.XXXXXX")"
trap 'rm -rf "$work"' EXIT

code=0
fetch "$base/SHA256SUMS" "$work/SHA256SUMS" || code=$?
[ "$code" -eq 4 ] && no_release "no release v$version"
[ "$code" -eq 0 ] || exit 1
code=0
fetch "$base/source.sha256" "$work/source.sha256" || code=$?
[ "$code" -eq 4 ] && no_release "release v$version does not say which sources it was built from"
[ "$code" -eq 0 ] || exit 1
if [ "$(tr -d ' \r\n' < "$work/source.sha256")" != "$source_hash" ]; then
  no_release "this action's sources are not those of release v$version (a branch or fork ref)"
fi

if [ -n "$exe" ]; then archive="cargo-ready-v$version-$target.zip"; else archive="cargo-ready-v$version-$target.tar.gz"; fi
want="$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1; exit }' "$work/SHA256SUMS")"
[ -n "$want" ] || no_release "release v$version has no $archive"
code=0
fetch "$base/$archive" "$work/$archive" || code=$?
[ "$code" -eq 4 ] && no_release "release v$version lists $archive but does not have it"
[ "$code" -eq 0 ] || exit 1

if command -v sha256sum >/dev/null 2>&1; then
  have="$(sha256sum -b "$work/$archive" | cut -d ' ' -f 1)"
else
  have="$(shasum -a 256 -b "$work/$archive" | cut -d ' ' -f 1)"
fi
[ "$have" = "$want" ] \
  || fail "$archive does not match its SHA-256 in the release's SHA256SUMS (expected $want, got $have); refusing to run it"

# Only the binary is taken out of the archive.
member="cargo-ready-v$version-$target/cargo-ready$exe"
if [ -n "$exe" ]; then
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$work/$archive" "$member" -d "$work/x"
  else
    7z x -y -o"$work/x" "$work/$archive" "$member" >/dev/null
  fi
else
  mkdir -p "$work/x"
  tar -xzf "$work/$archive" -C "$work/x" "$member"
fi
mkdir -p "$root/bin"
mv -f "$work/x/$member" "$bin"
chmod +x "$bin"

reported="$("$bin" --version 2>/dev/null || true)"
[ "$reported" = "cargo-ready $version" ] \
  || fail "the v$version release binary reports '$reported', not 'cargo-ready $version'"
echo "cargo-ready $version ($target) installed from the release, SHA-256 verified"
output installed true
