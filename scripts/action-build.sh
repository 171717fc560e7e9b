#!/usr/bin/env bash
# The fallback of action.yml when no release binary fits (see action-install.sh): builds
# cargo-ready from the action's own sources with `cargo install --locked` into INSTALL_ROOT,
# which the action then saves in the cache under a key of these sources and the toolchain.
#
# It runs from RUNNER_TEMP with RUSTUP_TOOLCHAIN set, so nothing of the repository being
# scanned takes part: not its rust-toolchain.toml, not its .cargo/config.toml.
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:?}"
root="${INSTALL_ROOT:?}"
export RUSTUP_TOOLCHAIN="${INPUT_TOOLCHAIN:-stable}"

cd "${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
cargo install --locked --force --path "$action_path" --root "$root"
"$root/bin/cargo-ready" --version
