#!/usr/bin/env bash
# Prints the SHA-256 of the sources a cargo-ready binary is built from (Cargo.toml, Cargo.lock,
# build.rs, src/, checks/, policies/) under DIR (default: this checkout). The release workflow
# publishes it beside the binaries; the action downloads a release binary only when its own
# checkout has the same hash, i.e. when it is that release's commit (not a branch or a fork).
set -euo pipefail

root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$root"

if command -v sha256sum >/dev/null 2>&1; then
  sum=(sha256sum -b)
else
  sum=(shasum -a 256 -b) # macOS
fi

# One "hash *path" line per file, in byte order of the paths; then the hash of that list.
find Cargo.toml Cargo.lock build.rs src checks policies -type f -print0 \
  | LC_ALL=C sort -z \
  | xargs -0 "${sum[@]}" \
  | "${sum[@]}" \
  | cut -d ' ' -f 1
