#!/usr/bin/env python3
"""Runs commands N times each (interleaved) and prints wall, CPU, peak RSS and ratios.

Usage: measure.py --runs N --label NAME --dir DIR [--dir ...] -- TOOL=CMD [TOOL=CMD ...]

Each CMD is a shell command; `{dir}` is replaced by a corpus directory. Output goes to
/dev/null. The first tool is the one measured; the others are references: the ratio columns
say how many times the first tool's median wall time theirs is. Peak RSS and CPU come from
wait4() of the child (the whole process tree's maximum resident set is the child's own).
"""

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time


def corpus_size(directory, rg):
    """Files, lines and bytes of the Rust files ripgrep sees under directory."""
    listed = subprocess.run(
        [rg, "--files", "--type", "rust", directory],
        capture_output=True, text=True, check=False,
    ).stdout.split("\n")
    files = [f for f in listed if f]
    lines = size = 0
    for f in files:
        try:
            with open(f, "rb") as h:
                data = h.read()
        except OSError:
            continue
        size += len(data)
        lines += data.count(b"\n")
    return len(files), lines, size


def run_once(cmd):
    """Wall seconds, CPU seconds, peak RSS in MB and exit code of one run."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, code, err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--label", action="append", default=[])
    ap.add_argument("--dir", action="append", default=[])
    ap.add_argument("--rg", default="rg")
    ap.add_argument("--ok-codes", default="0,1")
    ap.add_argument("tools", nargs="+")
    args = ap.parse_args()
    tools = [t.split("=", 1) for t in args.tools]
    ok = {int(c) for c in args.ok_codes.split(",")}
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f}  runs: {args.runs} (medians)  cores: {os.cpu_count()}")
    head = (f"{'corpus':<8} {'files':>6} {'lines':>9} {'MB':>6}  {'tool':<12} {'wall s':>7} "
            f"{'cpu s':>7} {'util':>5} {'MB/s':>6} {'RSS MB':>7}")
    ratios = "  ".join(f"x{name}" for name, _ in tools[1:])
    print(head + "  " + ratios)
    for label, directory in zip(args.label, args.dir):
        files, lines, size = corpus_size(directory, args.rg)
        mb = size / 1e6
        samples = {name: [] for name, _ in tools}
        for _ in range(args.runs):
            for name, cmd in tools:
                wall, cpu, rss, code, err = run_once(cmd.replace("{dir}", shlex.quote(directory)))
                if code not in ok:
                    sys.stderr.write(f"{name} exited {code} on {directory}:\n{err[-2000:]}\n")
                    sys.exit(3)
                samples[name].append((wall, cpu, rss))
        medians = {
            name: tuple(statistics.median(s[i] for s in runs) for i in range(3))
            for name, runs in samples.items()
        }
        first = medians[tools[0][0]][0]
        for name, (wall, cpu, rss) in medians.items():
            row = (f"{label:<8} {files:>6} {lines:>9} {mb:>6.1f}  {name:<12} {wall:>7.3f} "
                   f"{cpu:>7.2f} {cpu / wall:>5.2f} {mb / wall:>6.1f} {rss:>7.1f}")
            if name == tools[0][0]:
                row += "  " + "  ".join(
                    f"{first / medians[n][0]:>6.2f}" for n, _ in tools[1:]
                )
            print(row, flush=True)
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
