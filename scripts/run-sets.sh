#!/usr/bin/env bash
# Runs one cargo-ready binary over every corpus set that is checked out, for before/after
# comparisons across tool versions (scripts/compare-runs.py) and the precision scripts.
#
# Usage: scripts/run-sets.sh TOOL OUT_PREFIX [SET ...]
#   TOOL        the cargo-ready binary
#   OUT_PREFIX  each set's reports go to OUT_PREFIX-<set>/<service>.json (and the table to
#               OUT_PREFIX-<set>.md); OUT_PREFIX.done is written when every set has run
#   SET         survey, heldout, heldout2 … heldout14 (default: every set whose directory
#               exists under $CORPUS, default /work/corpus)
# A set's checkouts live in $CORPUS/<set>/<service>, its manifest is scripts/<set>-services.tsv.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tool=${1:?usage: run-sets.sh TOOL OUT_PREFIX [SET ...]}
prefix=${2:?usage: run-sets.sh TOOL OUT_PREFIX [SET ...]}
shift 2
corpus=${CORPUS:-/work/corpus}
sets=("$@")
if [ ${#sets[@]} -eq 0 ]; then
  for m in "$here"/survey-services.tsv "$here"/heldout*-services.tsv; do
    s=$(basename "$m" -services.tsv)
    [ -d "$corpus/$s" ] && sets+=("$s")
  done
fi
for s in "${sets[@]}"; do
  RUSTC_BOOTSTRAP=1 "$here/survey.sh" --corpus "$corpus/$s" --services "$here/$s-services.tsv" \
    --tool "$tool" --out "$prefix-$s" >"$prefix-$s.md" 2>&1
done
touch "$prefix.done"
