#!/usr/bin/env python3
"""Writes the GitHub Actions workflow examples of Markdown files as workflow files, so that
zizmor and actionlint check what the documentation tells users to copy.

A ```yaml block with a top-level `jobs:` is a whole workflow and is written as it is; a block
that is a list of steps (`- ...`) is put into a minimal workflow (one job on ubuntu-latest,
`contents: read`) first. Other YAML blocks are not workflows and are skipped.
Usage: workflow_examples.py OUT_DIR FILE.md...   (prints one line per example written)"""
import os
import re
import sys
import textwrap

FENCE = re.compile(r"^```ya?ml[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)

WRAPPER = """\
name: example
on:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  example:
    runs-on: ubuntu-latest
    steps:
{steps}"""


def workflow(block: str) -> str | None:
    if re.search(r"^jobs:", block, re.M):
        return block
    steps = textwrap.dedent(block)
    if steps.lstrip().startswith("- "):
        return WRAPPER.format(steps=textwrap.indent(steps, " " * 6))
    return None


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[-1])
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    written = 0
    for md in sys.argv[2:]:
        text = open(md, encoding="utf8").read()
        for m in FENCE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            body = workflow(m.group(1))
            if body is None:
                continue
            name = re.sub(r"[^A-Za-z0-9]+", "-", f"{md}-{line}").strip("-") + ".yml"
            with open(os.path.join(out, name), "w", encoding="utf8") as f:
                f.write(body)
            print(f"{md}:{line} -> {name}")
            written += 1
    if written == 0:
        print("no workflow examples found", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
