#!/usr/bin/env python3
"""Compare cargo-ready's unwrap/expect findings with clippy's unwrap_used / expect_used.

Either run both tools on a workspace (this BUILDS the workspace: its build scripts and proc
macros run, and its dependencies are downloaded; use it on code you trust or in a sandbox):

    python3 scripts/compare-clippy.py --run path/to/workspace [--all-features]
        [--rustflags "--cfg foo"] [--ready path/to/cargo-ready] [--check no-unwrap,lock-unwrap]
        [--out DIR]

or compare outputs you produced yourself:

    cargo clippy --workspace --lib --bins --message-format=json -- \\
        -A clippy::all -W clippy::unwrap_used -W clippy::expect_used > clippy.json
    cargo ready --format json --fail-on never > ready.json
    python3 scripts/compare-clippy.py clippy.json ready.json [--check ID] [--root DIR] \\
        [--also LABEL=other-clippy.json ...]

A finding agrees with clippy when its file matches and its line lies inside clippy's span
(clippy points at the start of a multi-line chain, cargo-ready at the `.unwrap` token). Every
disagreement is listed with its source line. `--also LABEL=clippy.json` names other clippy runs
(say, with `--all-features`): a cargo-ready finding that only such a run confirms is marked
`[LABEL]` (code the main run did not compile).
"""
import argparse
import json
import os
import subprocess
import sys

LINTS = ("clippy::unwrap_used", "clippy::expect_used")


def clippy_spans(path, root):
    """(file, first line, last line) of every unwrap_used / expect_used primary span."""
    spans = set()
    with open(path) as fh:
        for line in fh:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            m = msg.get("message") or {}
            code = (m.get("code") or {}).get("code", "")
            if msg.get("reason") != "compiler-message" or code not in LINTS:
                continue
            for s in m.get("spans", []):
                if s.get("is_primary"):
                    f = s["file_name"]
                    f = os.path.relpath(f if os.path.isabs(f) else os.path.join(root, f), root)
                    spans.add((f.replace(os.sep, "/"), s["line_start"], s["line_end"]))
    return sorted(spans)


def ready_findings(path, checks):
    with open(path) as fh:
        report = json.load(fh)
    return sorted({(f["file"], f["line"]) for f in report["findings"]
                   if f.get("suppressed") is None and (checks is None or f["check"] in checks)})


def inside(o, s):
    return o[0] == s[0] and s[1] <= o[1] <= s[2]


def source_line(root, file, line):
    try:
        with open(os.path.join(root, file), errors="replace") as fh:
            for i, text in enumerate(fh, 1):
                if i == line:
                    return text.strip()[:100]
    except OSError:
        pass
    return ""


def compare(clippy, ready, root, check, also):
    spans = clippy_spans(clippy, root)
    ours = ready_findings(ready, check)
    others = [(label, clippy_spans(path, root)) for label, path in also]
    matched_ours = [o for o in ours if any(inside(o, s) for s in spans)]
    matched_clippy = [s for s in spans if any(inside(o, s) for o in ours)]
    precision = len(matched_ours) / len(ours) if ours else 1.0
    recall = len(matched_clippy) / len(spans) if spans else 1.0
    print(f"cargo-ready {len(ours)}, clippy {len(spans)}, agreed {len(matched_ours)}: "
          f"precision {precision:.3f}, recall {recall:.3f}")
    for o in ours:
        if o in matched_ours:
            continue
        labels = [label for label, other in others if any(inside(o, s) for s in other)]
        tag = f" [{', '.join(labels)}]" if labels else ""
        print(f"  only cargo-ready{tag}: {o[0]}:{o[1]}  {source_line(root, o[0], o[1])}")
    for s in spans:
        if s not in matched_clippy:
            print(f"  only clippy: {s[0]}:{s[1]}-{s[2]}  {source_line(root, s[0], s[1])}")


def run_both(a):
    """Runs clippy and cargo-ready on the workspace; returns (clippy.json, ready.json)."""
    ws = os.path.abspath(a.run)
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    clippy_json = os.path.join(out, "clippy.json")
    ready_json = os.path.join(out, "ready.json")
    cmd = ["cargo", "clippy", "--workspace", "--lib", "--bins", "--message-format=json"]
    if a.all_features:
        cmd.append("--all-features")
    cmd += ["--", "-A", "clippy::all", "-W", "clippy::unwrap_used", "-W", "clippy::expect_used"]
    env = dict(os.environ)
    if a.rustflags:
        env["RUSTFLAGS"] = a.rustflags
    env.setdefault("CARGO_TARGET_DIR", os.path.join(out, "target"))
    print("$", " ".join(cmd), file=sys.stderr)
    with open(clippy_json, "w") as fh:
        subprocess.run(cmd, cwd=ws, env=env, stdout=fh, check=True)
    ready = [a.ready, "ready", "--manifest-path", os.path.join(ws, "Cargo.toml"),
             "--format", "json", "--fail-on", "never"]
    print("$", " ".join(ready), file=sys.stderr)
    with open(ready_json, "w") as fh:
        subprocess.run(ready, stdout=fh, check=True)
    return clippy_json, ready_json, ws


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("clippy", nargs="?")
    ap.add_argument("ready", nargs="?")
    ap.add_argument("--check", default=None,
                    help="check ids, comma-separated (default: every finding); with the built-in "
                         "policy `no-unwrap,lock-unwrap` (lock-unwrap supersedes no-unwrap on "
                         "`.lock().unwrap()`)")
    ap.add_argument("--root", default=".")
    ap.add_argument("--also", action="append", default=[], metavar="LABEL=CLIPPY_JSON")
    ap.add_argument("--run", metavar="WORKSPACE", help="run clippy and cargo-ready on it")
    ap.add_argument("--all-features", action="store_true")
    ap.add_argument("--rustflags", default=None)
    ap.add_argument("--ready", default="cargo-ready", help="cargo-ready binary for --run")
    ap.add_argument("--out", default="compare-clippy-out", help="output directory for --run")
    a = ap.parse_args()
    also = [tuple(x.split("=", 1)) for x in a.also if "=" in x]
    if a.run:
        clippy, ready, root = run_both(a)
    elif a.clippy and a.ready:
        clippy, ready, root = a.clippy, a.ready, a.root
    else:
        ap.error("give CLIPPY_JSON READY_JSON, or --run WORKSPACE")
    checks = set(a.check.split(",")) if a.check else None
    compare(clippy, ready, root, checks, also)


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        sys.exit(0)
