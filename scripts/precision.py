#!/usr/bin/env python3
"""Precision of cargo-ready's checks on a survey run, from hand-written labels.

Usage: scripts/precision.py RESULTS_DIR LABELS_DIR [--severity error,warning] [--todo DIR]
                            [--unlabelled N]

RESULTS_DIR holds one `<service>.json` per service (scripts/survey.sh). LABELS_DIR holds one
`<check>.tsv` per check with the header

    service  file  line  snippet  label  role  cause

where label is TP or FP (anything else: not counted), role is the judged role of the code for
blocking-in-async (request / startup / cli / library / background / test), and cause says why a
finding is false. A label applies to a finding of the same service, file and check whose snippet
(the flagged line, whitespace collapsed, first 160 characters) is equal; among several such labels the one nearest in
line wins, so labels survive edits that move code (a snippet of 24+ characters may have moved up
to 300 lines, a shorter, generic one 3). A label with an empty snippet matches by line.

LABELS_DIR/services.tsv (optional) holds the package-level truth:

    service  check  truth  evidence

truth is present / absent / n-a (not a service); the tool's verdict for that service is
"flagged" when the run has an unsuppressed finding of the check, else its outcome. A flag is right
when the truth is absent, a pass is right when it is present, and n-a is right unless flagged.

Prints per check: findings, labelled, TP, FP, precision; per role for blocking-in-async (judged
role, and the tool's `role` field when the run has one); FP causes by frequency; the verdict
table; and the findings at the chosen severities that have no label yet (`--todo DIR` writes them
as `<check>.tsv` stubs to fill in). Python 3 standard library only.
"""

import argparse
import collections
import json
import os
import re
import sys

FIELDS = ["service", "file", "line", "snippet", "label", "role", "cause"]
TRUTH_FIELDS = ["service", "check", "truth", "evidence"]


SNIPPET_KEY = 160  # labels keep the first 160 characters of the normalized flagged line
DISTINCTIVE = 24  # a normalized snippet at least this long may match a label that moved ...
MOVED_LINES = 300  # ... up to this many lines; a shorter one ...
SHORT_MOVED_LINES = 3  # ... only this many


def norm(snippet):
    """The flagged line with whitespace collapsed and trimmed: the stable part of a label's key."""
    return re.sub(r"\s+", " ", snippet or "").strip()[:SNIPPET_KEY]


def load_runs(results):
    """{service: report} for every <service>.json in the results dir that parses."""
    runs = {}
    for name in sorted(os.listdir(results)):
        if not name.endswith(".json"):
            continue
        try:
            with open(os.path.join(results, name)) as f:
                runs[name[:-5]] = json.load(f)
        except (OSError, ValueError) as e:
            print(f"warning: {name}: {e}", file=sys.stderr)
    return runs


def read_tsv(path):
    """Rows of a plain TSV (a header line, tab-separated fields, no quoting) as dicts."""
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    header = lines[0].split("\t") if lines else []
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


def load_labels(labels):
    """{(service, file, check): [label row, ...]} from every <check>.tsv but services.tsv."""
    index = collections.defaultdict(list)
    for name in sorted(os.listdir(labels)):
        if not name.endswith(".tsv") or name == "services.tsv":
            continue
        check = name[:-4]
        for row in read_tsv(os.path.join(labels, name)):
            index[(row["service"], row["file"], check)].append(row)
    return index


def line_of(row):
    try:
        return int(row.get("line") or 0)
    except ValueError:
        return 0


def find_label(index, service, finding):
    """The label for a finding: same key and snippet, nearest line; or same line if no snippet."""
    rows = index.get((service, finding["file"], finding["check"]), [])
    snippet = norm(finding.get("snippet"))
    line = finding.get("line", 0)
    same = [r for r in rows if norm(r["snippet"]) == snippet and snippet]
    if not same:
        same = [r for r in rows if not norm(r["snippet"]) and line_of(r) == line]
    best = min(same, key=lambda r: abs(line_of(r) - line), default=None)
    if best is None:
        return None
    # A short, generic line (`.unwrap()`, `let query = format!(`) only matches where it was
    # labelled, give or take an edit; a distinctive one may have moved further.
    reach = MOVED_LINES if len(snippet) >= DISTINCTIVE else SHORT_MOVED_LINES
    return best if abs(line_of(best) - line) <= reach else None


def live_findings(runs, severities):
    for service, report in runs.items():
        for f in report.get("findings", []):
            if not f.get("suppressed") and f.get("severity") in severities:
                yield service, f


def tally(runs, index, severities):
    """Per check: counters and FP causes; per (check, role): counters; unlabelled findings."""
    stats = collections.defaultdict(collections.Counter)
    roles = collections.defaultdict(collections.Counter)
    causes = collections.defaultdict(collections.Counter)
    examples = {}
    todo = []
    for service, f in live_findings(runs, severities):
        check = f["check"]
        stats[check]["findings"] += 1
        stats[check]["services:" + service] = 1
        label = find_label(index, service, f)
        verdict = (label or {}).get("label", "").strip().upper()
        if verdict not in ("TP", "FP"):
            todo.append((service, f))
            continue
        stats[check]["labelled"] += 1
        stats[check][verdict] += 1
        judged = (label.get("role") or "").strip()
        if judged:
            roles[(check, "judged", judged)][verdict] += 1
        if f.get("role"):
            roles[(check, "tool", f["role"])][verdict] += 1
        if verdict == "FP":
            cause = (label.get("cause") or "").strip() or "(no cause given)"
            causes[check][cause] += 1
            examples.setdefault((check, cause), f"{service}:{f['file']}:{f['line']}")
    return stats, roles, causes, examples, todo


def pct(tp, n):
    return f"{100 * tp / n:.0f}%" if n else "–"


def print_checks(stats, roles):
    print("## Precision per check\n")
    print("| check | findings | services | labelled | TP | FP | precision |")
    print("|---|---|---|---|---|---|---|")
    for check in sorted(stats, key=lambda c: (-stats[c]["findings"], c)):
        s = stats[check]
        nsvc = sum(1 for k in s if k.startswith("services:"))
        print(f"| {check} | {s['findings']} | {nsvc} | {s['labelled']} | {s['TP']} | {s['FP']} "
              f"| {pct(s['TP'], s['labelled'])} |")
    if roles:
        print("\n## Per role\n")
        print("| check | role source | role | labelled | TP | FP | precision |")
        print("|---|---|---|---|---|---|---|")
        for (check, source, role), c in sorted(roles.items()):
            n = c["TP"] + c["FP"]
            print(f"| {check} | {source} | {role} | {n} | {c['TP']} | {c['FP']} | {pct(c['TP'], n)} |")


def print_causes(causes, examples):
    print("\n## False-positive causes\n")
    for check in sorted(causes):
        print(f"### {check}\n")
        for cause, n in causes[check].most_common():
            print(f"- {n} × {cause} (e.g. {examples[(check, cause)]})")
        print()


def tool_verdict(report, check):
    live = [f for f in report.get("findings", []) if f["check"] == check and not f.get("suppressed")]
    if live:
        return "flagged"
    outcome = [c.get("outcome") for c in report.get("checks", []) if c.get("id") == check]
    return outcome[0] if outcome else "absent-from-run"


def print_truth(runs, labels):
    path = os.path.join(labels, "services.tsv")
    if not os.path.exists(path):
        return
    print("## Package-level verdicts against the truth\n")
    print("| service | check | truth | tool | right | evidence |")
    print("|---|---|---|---|---|---|")
    right = collections.Counter()
    for row in read_tsv(path):
        report = runs.get(row["service"])
        if report is None:
            continue
        verdict = tool_verdict(report, row["check"])
        truth = row["truth"].strip()
        ok = (verdict == "flagged") == (truth == "absent")
        right[(row["check"], ok)] += 1
        print(f"| {row['service']} | {row['check']} | {truth} | {verdict} | {'yes' if ok else 'NO'} "
              f"| {row.get('evidence', '')} |")
    print("\n| check | right | wrong |\n|---|---|---|")
    for check in sorted({c for c, _ in right}):
        print(f"| {check} | {right[(check, True)]} | {right[(check, False)]} |")
    print()


def print_todo(todo, limit, todo_dir):
    print(f"## Unlabelled findings ({len(todo)})\n")
    by_check = collections.defaultdict(list)
    for service, f in todo:
        by_check[f["check"]].append((service, f))
    for check in sorted(by_check):
        rows = by_check[check]
        print(f"### {check} ({len(rows)})\n")
        for service, f in rows[:limit]:
            print(f"- {service} {f['file']}:{f['line']} `{norm(f.get('snippet'))[:100]}`")
        if len(rows) > limit:
            print(f"- … {len(rows) - limit} more")
        print()
        if todo_dir:
            write_stub(todo_dir, check, rows)


def write_stub(todo_dir, check, rows):
    os.makedirs(todo_dir, exist_ok=True)
    with open(os.path.join(todo_dir, f"{check}.tsv"), "w", encoding="utf-8") as f:
        f.write("\t".join(FIELDS) + "\n")
        for service, finding in rows:
            fields = [service, finding["file"], str(finding["line"]), norm(finding.get("snippet")),
                      "", finding.get("role", ""), ""]
            f.write("\t".join(fields) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("results")
    p.add_argument("labels")
    p.add_argument("--severity", default="error,warning", help="severities to count (default error,warning)")
    p.add_argument("--todo", metavar="DIR", help="write unlabelled findings as <check>.tsv stubs")
    p.add_argument("--unlabelled", type=int, default=20, metavar="N", help="list N unlabelled per check")
    a = p.parse_args()
    runs = load_runs(a.results)
    index = load_labels(a.labels) if os.path.isdir(a.labels) else {}
    stats, roles, causes, examples, todo = tally(runs, index, set(a.severity.split(",")))
    print(f"# Precision: {len(runs)} runs in {a.results}, labels in {a.labels}\n")
    print_checks(stats, roles)
    print_causes(causes, examples)
    print_truth(runs, a.labels)
    print_todo(todo, a.unlabelled, a.todo)


if __name__ == "__main__":
    main()
