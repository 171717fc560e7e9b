#!/usr/bin/env python3
"""Compare cargo-ready's unwrap/expect findings with clippy's unwrap_used / expect_used.

Usage (in a workspace whose ready.toml enables only an unwrap/expect `call` check, or with
`--check no-unwrap` under the recommended policy):

    cargo clippy --workspace --lib --bins --message-format=json -- \
        -A clippy::all -W clippy::unwrap_used -W clippy::expect_used > clippy.json
    cargo ready --format json --fail-on never > ready.json
    python3 scripts/compare-clippy.py clippy.json ready.json [--check ID] [--root DIR]

A finding agrees with clippy when its file matches and its line lies inside clippy's span
(clippy points at the start of a multi-line chain, cargo-ready at the `.unwrap` token).
"""
import argparse
import json
import os


def clippy_spans(path, root):
    spans = []
    with open(path) as fh:
        for line in fh:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            m = msg.get("message") or {}
            code = (m.get("code") or {}).get("code", "")
            if msg.get("reason") != "compiler-message" or code not in ("clippy::unwrap_used", "clippy::expect_used"):
                continue
            for s in m.get("spans", []):
                if s.get("is_primary"):
                    f = os.path.relpath(os.path.join(root, s["file_name"]), root) if not os.path.isabs(s["file_name"]) else os.path.relpath(s["file_name"], root)
                    spans.append((f.replace(os.sep, "/"), s["line_start"], s["line_end"]))
    return sorted(set(spans))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("clippy")
    ap.add_argument("ready")
    ap.add_argument("--check", default=None, help="check id (default: every finding)")
    ap.add_argument("--root", default=".")
    a = ap.parse_args()
    spans = clippy_spans(a.clippy, a.root)
    report = json.load(open(a.ready))
    ours = sorted({(f["file"], f["line"]) for f in report["findings"]
                   if f["suppressed"] is None and (a.check is None or f["check"] == a.check)})
    matched_ours = [o for o in ours if any(o[0] == s[0] and s[1] <= o[1] <= s[2] for s in spans)]
    matched_clippy = [s for s in spans if any(o[0] == s[0] and s[1] <= o[1] <= s[2] for o in ours)]
    precision = len(matched_ours) / len(ours) if ours else 1.0
    recall = len(matched_clippy) / len(spans) if spans else 1.0
    print(f"cargo-ready {len(ours)}, clippy {len(spans)}, agreed {len(matched_ours)}: "
          f"precision {precision:.3f}, recall {recall:.3f}")
    for o in ours:
        if o not in matched_ours:
            print("  only cargo-ready:", f"{o[0]}:{o[1]}")
    for s in spans:
        if s not in matched_clippy:
            print("  only clippy:", f"{s[0]}:{s[1]}-{s[2]}")


if __name__ == "__main__":
    main()
