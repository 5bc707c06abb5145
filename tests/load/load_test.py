#!/usr/bin/env python3
"""Verdicts must not depend on the machine's load (docs/runtime.md, "Verdicts").

Runs `interleave check` (the default check, stress pass included) on every scenario
twice: once as the machine is, once while N+2 busy processes occupy its N cores. Both
runs must give every scenario the same verdict, the same finding kinds, the same racy
variables and the same controlled-runtime finding keys (the controlled runtime is
deterministic for a seed), and every scenario must pass its expect lines.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def check(interleave, paths, report, extra):
    cmd = [interleave, "check", "--json", report, *extra, *paths]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    took = time.monotonic() - t0
    if proc.returncode not in (0, 1):
        sys.exit(f"load test: `{' '.join(cmd)}` exited with {proc.returncode}:\n{proc.stdout}")
    with open(report) as f:
        doc = json.load(f)
    return doc["scenarios"], proc.stdout, took


def summary(entry):
    findings = entry["findings"]
    return {
        "verdict": entry["verdict"],
        "found": sorted(entry["found"]),
        "races": sorted({f["variable"] for f in findings if f["kind"] == "race"}),
        # Keys the controlled runtime found: a fixed seed makes the same runs, whatever the
        # load, unless the time cap cut one of the two campaigns short.
        "controlled": None if entry["stopped_by_time"] else
        sorted(f["key"] for f in findings if f.get("runtime") == "controlled"),
    }


def busy():
    while True:
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--interleave", required=True)
    ap.add_argument("--hogs", type=int, default=(os.cpu_count() or 1) + 2,
                    help="busy processes during the loaded run (default: cores + 2)")
    ap.add_argument("paths", nargs="+")
    args, extra = ap.parse_known_args()

    with tempfile.TemporaryDirectory() as tmp:
        idle, idle_out, idle_s = check(args.interleave, args.paths, os.path.join(tmp, "idle.json"), extra)
        hogs = []
        try:
            for _ in range(args.hogs):
                pid = os.fork()
                if pid == 0:
                    os.nice(0)
                    busy()
                hogs.append(pid)
            loaded, loaded_out, loaded_s = check(args.interleave, args.paths, os.path.join(tmp, "loaded.json"), extra)
        finally:
            for pid in hogs:
                os.kill(pid, 9)
                os.waitpid(pid, 0)

    failures = []
    by_file = {e["file"]: e for e in loaded}
    if set(by_file) != {e["file"] for e in idle}:
        failures.append("the two runs checked different files")
    for e in idle:
        other = by_file.get(e["file"])
        if other is None:
            continue
        a, b = summary(e), summary(other)
        if a["controlled"] is None or b["controlled"] is None:
            a["controlled"] = b["controlled"] = None
        if a != b:
            failures.append(f"{e['file']}: idle {a}\n    loaded {b}")
        for name, entry in (("idle", e), ("loaded", other)):
            if entry["verdict"] != "pass":
                failures.append(f"{e['file']}: {name} run: FAIL: {'; '.join(entry['problems'])}")

    print(f"load test: {len(idle)} scenarios; idle run {idle_s:.1f} s, "
          f"loaded run ({args.hogs} busy processes on {os.cpu_count()} cores) {loaded_s:.1f} s; "
          f"{len(failures)} difference(s)")
    if failures:
        print("\n".join(failures))
        print("--- idle run ---\n" + idle_out + "--- loaded run ---\n" + loaded_out)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
