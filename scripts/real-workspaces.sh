#!/usr/bin/env bash
# Prepares real workspaces for precision and speed measurements: fetches published crates with
# cargo (into ~/.cargo/registry/src) and copies each into $OUT/<name> as its own workspace.
# Usage: scripts/real-workspaces.sh [OUT]   (default /tmp/real)
set -euo pipefail
OUT=${1:-/tmp/real}
CRATES=(miniserve rustypaste static-web-server atuin-server pict-rs tokio axum hyper regex clap_builder)
mkdir -p "$OUT"
fetch_dir=$(mktemp -d)
(cd "$fetch_dir" && cargo new -q fetcher && cd fetcher && for c in "${CRATES[@]}"; do cargo add -q "$c" >/dev/null 2>&1 || true; done && cargo fetch -q)
src=$(ls -d "$HOME"/.cargo/registry/src/*/ | head -n 1)
for c in "${CRATES[@]}"; do
  dir=$(ls -d "$src$c"-[0-9]* 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] || { echo "skip $c (not fetched)"; continue; }
  rm -rf "${OUT:?}/$c" && cp -r "$dir" "$OUT/$c"
  grep -q '^\[workspace\]' "$OUT/$c/Cargo.toml" || printf '\n[workspace]\n' >> "$OUT/$c/Cargo.toml"
  echo "$OUT/$c ($(basename "$dir"))"
done
rm -rf "$fetch_dir"
