#!/usr/bin/env bash
# Packs one release binary: `cargo-ready-v<VERSION>-<TARGET>.tar.gz` (`.zip` for Windows) in
# OUT_DIR, holding the directory `cargo-ready-v<VERSION>-<TARGET>/` with the binary, the README
# and the changelog: the layout scripts/action-install.sh and `cargo binstall` expect.
# Usage: release-package.sh VERSION TARGET OUT_DIR (after `cargo build --release --target`).
set -euo pipefail

version="$1" target="$2" out="$3"
exe=""
case "$target" in *windows*) exe=".exe" ;; esac
name="cargo-ready-v$version-$target"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage/$name" "$out"
out="$(cd "$out" && pwd)"
cp "target/$target/release/cargo-ready$exe" README.md CHANGELOG.md "$stage/$name/"
if [ -n "$exe" ]; then
  (cd "$stage" && 7z a -tzip -bd "$out/$name.zip" "$name" >/dev/null)
else
  tar -czf "$out/$name.tar.gz" -C "$stage" "$name"
fi
ls -l "$out"
