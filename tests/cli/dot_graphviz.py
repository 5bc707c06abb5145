#!/usr/bin/env python3
"""Graphviz reads and lays out every execution graph that `check --dot` writes (docs/reports.md,
"Execution graphs"), a livelock's long trace included. Exits 77 (ctest: skipped) without dot.

usage: dot_graphviz.py INTERLEAVE OUTDIR SCENARIO...
"""
import os
import shutil
import subprocess
import sys

interleave, out, scenarios = sys.argv[1], sys.argv[2], sys.argv[3:]
dot = shutil.which("dot")
if not dot:
    print("SKIP: Graphviz's dot is not installed (Debian: graphviz; ci/setup.sh installs it)")
    sys.exit(77)
os.makedirs(out, exist_ok=True)
graphs = os.path.join(out, "graphs.dot")
r = subprocess.run([interleave, "check", "--runs", "500", "--stress-time", "0", "--dot", graphs] + scenarios,
                   capture_output=True, text=True, timeout=300)
if r.returncode not in (0, 1):
    sys.exit(f"interleave check exited with {r.returncode}:\n{r.stdout}{r.stderr}")
text = open(graphs).read()
count = text.count("\ndigraph ")
# One graph at a time: dot reads a file of many graphs, but a failure should name its graph.
failures = 0
for i, body in enumerate(text.split("\ndigraph ")[1:], 1):
    r = subprocess.run([dot, "-Tsvg"], input="digraph " + body, capture_output=True, text=True, timeout=120)
    if r.returncode != 0 or "<svg" not in r.stdout:
        failures += 1
        print(f"FAIL: graph {i} ({body.splitlines()[0]}): dot exited with {r.returncode}: {r.stderr[:2000]}")
print(f"{count} graphs, {failures} failed")
sys.exit(1 if failures or count == 0 else 0)
