#!/usr/bin/env python3
"""Pins the number of executions the reduced search (run --scheduler dpor) explores.

Usage: count_test.py --interleave BIN --memory MODEL --expect N (--program NAME | FILE)

A program is either a scenario file or one of the generated table programs of issue 11:
  locked-T-I   T threads, each I iterations of: lock; x = x + n; x = x - n; unlock
  stores-T-S   T threads, each S seq_cst stores to one atomic
The test passes when the output says "all N executions explored" and the run count is N
too (no run abandoned: each class ran exactly once)."""
import argparse
import os
import re
import subprocess
import sys
import tempfile


def program(name):
    kind, threads, per = name.split("-")
    threads, per = int(threads), int(per)
    if kind == "locked":
        body = ("shared balance = 0\nmutex lock\n\nthread worker(n):\n    repeat %d:\n        with lock:\n"
                "            balance = balance + n\n            balance = balance - n\n" % per)
        final = "\nfinal balance == 0\n"
    elif kind == "stores":
        body = "atomic x = 0\n\nthread worker(n):\n    repeat %d:\n        x.store(n, seq_cst)\n" % per
        final = ""
    else:
        raise SystemExit("unknown program kind: " + kind)
    main = "\nmain:\n" + "".join("    let t%d = spawn worker(%d)\n" % (k, k + 1) for k in range(threads))
    main += "".join("    join t%d\n" % k for k in range(threads))
    return body + main + final


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interleave", required=True)
    ap.add_argument("--memory", required=True)
    ap.add_argument("--expect", type=int, required=True)
    ap.add_argument("--program")
    ap.add_argument("file", nargs="?")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = a.file
        if a.program:
            path = os.path.join(tmp, a.program + ".scn")
            with open(path, "w") as f:
                f.write(program(a.program))
        cmd = [a.interleave, "run", "--scheduler", "dpor", "--memory", a.memory, "--runs", "100000000",
               "--time", "3000", "--no-tsan", path]
        out = subprocess.run(cmd, capture_output=True, text=True)
    text = out.stdout + out.stderr
    m = re.search(r"\((\d+) runs,.*dpor: all (\d+) executions explored([^)]*)\)", text)
    if not m:
        print(" ".join(cmd) + "\n" + text)
        print("FAIL: no 'all N executions explored' in the output")
        return 1
    runs, executions = int(m.group(1)), int(m.group(2))
    print(text.splitlines()[0])
    if executions != a.expect:
        print("FAIL: %d executions explored, expected %d" % (executions, a.expect))
        return 1
    if runs != executions:
        print("FAIL: %d runs for %d executions: %d abandoned as redundant" % (runs, executions, runs - executions))
        return 1
    print("ok: all %d executions, one run each" % executions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
