#!/usr/bin/env python3
"""What changed between two runs of scripts/run-sets.sh (same corpus, two tool versions).

Usage: scripts/compare-runs.py OLD_PREFIX NEW_PREFIX [--all]

For every set and service present in both runs: score and status when they differ, and the
findings (check, severity, file:line, message) that only one run has. `--all` also lists the
services with no difference. Exit status 0 when the runs are identical, 1 otherwise. Python 3
standard library only.
"""
import glob
import json
import os
import sys


def findings(path):
    """(score, status, set of live findings) of one report; None when unreadable."""
    try:
        with open(path) as f:
            r = json.load(f)
    except (OSError, ValueError):
        return None
    live = set()
    for f in r.get("findings", []):
        loc = f.get("location") or {}
        live.add((f.get("check"), f.get("severity"), bool(f.get("suppressed")),
                  f"{f.get('file', loc.get('file'))}:{f.get('line', loc.get('line'))}",
                  f.get("message", "")[:140]))
    return r.get("score"), r.get("status"), live


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    old, new, show_all = argv[1], argv[2], "--all" in argv
    differ = same = 0
    for old_dir in sorted(glob.glob(old + "-*/")):
        s = old_dir[len(old) + 1:].rstrip("/")
        new_dir = f"{new}-{s}"
        if not os.path.isdir(new_dir):
            continue
        for path in sorted(glob.glob(os.path.join(old_dir, "*.json"))):
            name = os.path.basename(path)[:-5]
            a, b = findings(path), findings(os.path.join(new_dir, name + ".json"))
            if a is None and b is None:
                print(f"{s}/{name}: unreadable in both runs (see its .stderr)")
                continue
            if a is None or b is None:
                print(f"{s}/{name}: unreadable ({'old' if a is None else 'new'})")
                differ += 1
                continue
            gone, came = sorted(a[2] - b[2]), sorted(b[2] - a[2])
            if a[:2] == b[:2] and not gone and not came:
                same += 1
                if show_all:
                    print(f"{s}/{name}: same")
                continue
            differ += 1
            print(f"{s}/{name}: {a[0]} {a[1]} -> {b[0]} {b[1]}")
            for sign, rows in (("-", gone), ("+", came)):
                for check, sev, sup, at, msg in rows:
                    print(f"   {sign} {check} {sev}{' suppressed' if sup else ''} {at} {msg}")
    print(f"same {same} differ {differ}")
    return 0 if differ == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
