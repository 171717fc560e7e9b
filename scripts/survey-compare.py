#!/usr/bin/env python3
"""Per-service before/after of two survey runs, with the labels' judgement of the error findings.

Usage: scripts/survey-compare.py BEFORE_DIR AFTER_DIR LABELS_DIR

BEFORE_DIR and AFTER_DIR hold one `<service>.json` each (scripts/survey.sh --out); LABELS_DIR the
per-check label TSVs (see scripts/precision.py). Prints one markdown row per service of the after
run: score and status before and after, the after run's unsuppressed error findings as
TP / FP / unlabelled, and the first labelled-true error finding (what a NOT READY rests on).
Python 3 standard library only.
"""
import importlib.util
import os
import sys


def load_precision():
    """scripts/precision.py as a module: one label matcher for both scripts."""
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("precision", os.path.join(here, "precision.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def judged(p, index, service, report):
    """(TP, FP, unlabelled, first true finding) over the report's live error findings."""
    tp = fp = unlabelled = 0
    driver = None
    for f in report.get("findings", []):
        if f.get("suppressed") or f.get("severity") != "error":
            continue
        label = p.find_label(index, service, f)
        if label is None:
            unlabelled += 1
        elif label["label"] == "TP":
            tp += 1
            driver = driver or f"{f['check']} `{f['file']}:{f['line']}`"
        elif label["label"] == "FP":
            fp += 1
    return tp, fp, unlabelled, driver


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[2])
    p = load_precision()
    before, after = p.load_runs(sys.argv[1]), p.load_runs(sys.argv[2])
    index = p.load_labels(sys.argv[3])
    status = lambda r: f"{r.get('score')} {r.get('status')}" if r else "–"
    print("| service | before | after | error findings after: TP / FP / unlabelled | driving true finding |")
    print("|---|---|---|---|---|")
    for service in sorted(after, key=str.lower):
        tp, fp, unlabelled, driver = judged(p, index, service, after[service])
        print(f"| {service} | {status(before.get(service))} | {status(after[service])} | "
              f"{tp} / {fp} / {unlabelled} | {driver or '–'} |")


if __name__ == "__main__":
    main()
