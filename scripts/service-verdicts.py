#!/usr/bin/env python3
"""Service verdicts of a survey run against the labelled truth.

Usage: scripts/service-verdicts.py RESULTS_DIR LABELS_TSV [--details]

RESULTS_DIR holds one `<name>.json` per surveyed workspace (`scripts/survey.sh --out`);
LABELS_TSV has the columns service, check, truth (present / absent / n-a), evidence.

A workspace's verdict for a service check is `pass` when every detected service that ran the check
(or, for the workspaces in MAIN_BINS, every one of the binaries the labels describe) passed it, `fail` when one failed, `n-a` when no service ran it (no service, or none of the
check's purposes; a check skipped for a service, with its reason, did not run). It is right when pass = present, fail = absent, n-a = n-a. Reports written
before the service model (no `services` array) are judged by the check's outcome alone.
"""
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

CHECKS = ["health-endpoint", "graceful-shutdown", "metrics-endpoint", "rate-limit",
          "request-timeout", "request-body-limit", "structured-logging"]
SHORT = {"health-endpoint": "health", "graceful-shutdown": "shutdown", "metrics-endpoint": "metrics",
         "rate-limit": "rate", "request-timeout": "timeout", "request-body-limit": "body",
         "structured-logging": "logging"}
EXPECT = {"present": "pass", "absent": "fail", "n-a": "n-a"}

# Workspaces with several services whose labels describe particular binaries (the label's
# evidence names them): the verdict is taken over these bins only.
MAIN_BINS = {
    "databend": ["databend-query", "databend-query-oss"],
    "datafusion-ballista": ["ballista-scheduler", "ballista-executor"],
    "microsandbox": ["msbserver"],
    "nativelink": ["nativelink"],
    "ntpd-rs": ["ntp-daemon"],
    "revolt": ["revolt-delta"],
    "rumqtt": ["rumqttd"],
    "shadowsocks-rust": ["ssserver", "sslocal"],
}


def verdicts(report, name):
    """check -> (verdict, evidence text)."""
    out = {}
    services = report.get("services")
    if services is not None and name in MAIN_BINS:
        services = [s for s in services if s["bin"] in MAIN_BINS[name]]
    outcome = {c["id"]: c["outcome"] for c in report["checks"]}
    for check in CHECKS:
        if services is None:
            o = outcome.get(check, "skipped")
            out[check] = ({"pass": "pass", "fail": "fail"}.get(o, "n-a"), "")
            continue
        ran = [(s, c) for s in services for c in s["checks"]
               if c["id"] == check and c["outcome"] != "skipped"]
        if not ran:
            out[check] = ("n-a", "")
        elif any(c["outcome"] == "fail" for _, c in ran):
            failed = [s["bin"] for s, c in ran if c["outcome"] == "fail"]
            out[check] = ("fail", "fails for " + ", ".join(failed))
        else:
            ev = [c.get("evidence") or {} for _, c in ran]
            out[check] = ("pass", "; ".join(sorted({f"{e.get('file')}:{e.get('line')} {e.get('what')}" for e in ev})))
    return out


def main():
    results, labels = Path(sys.argv[1]), sys.argv[2]
    details = "--details" in sys.argv
    truth = defaultdict(dict)
    with open(labels, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            truth[row["service"]][row["check"]] = (row["truth"], row["evidence"])
    right = total = 0
    per_check = defaultdict(lambda: [0, 0])
    print("| workspace | services detected (bin) | " + " | ".join(SHORT[c] for c in CHECKS) + " |")
    print("|---|---|" + "---|" * len(CHECKS))
    wrong_rows = []
    for name in sorted(truth):
        path = results / f"{name}.json"
        if not path.exists():
            print(f"| {name} | (no result) |" + " |" * len(CHECKS))
            continue
        report = json.loads(path.read_text())
        ours = verdicts(report, name)
        bins = ", ".join(f"{s['bin']}" for s in report.get("services", [])) or "–"
        cells = []
        for check in CHECKS:
            t, why = truth[name].get(check, ("?", ""))
            v, ev = ours[check]
            ok = EXPECT.get(t) == v
            total += 1
            right += ok
            per_check[check][0] += ok
            per_check[check][1] += 1
            cells.append(f"{v}{'' if ok else ' ✗'}")
            if not ok or details:
                wrong_rows.append(f"- {name} {check}: ours {v} ({ev}); truth {t} ({why})")
        print(f"| {name} | {bins} | " + " | ".join(cells) + " |")
    print(f"\n{right} of {total} verdicts right.\n")
    print("| check | right |\n|---|---|")
    for check in CHECKS:
        r, n = per_check[check]
        print(f"| {check} | {r}/{n} |")
    print("\nWrong verdicts:\n" if not details else "\nAll verdicts:\n")
    print("\n".join(wrong_rows))


if __name__ == "__main__":
    main()
