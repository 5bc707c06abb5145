#!/usr/bin/env python3
"""The HTML report in a real browser (label `browser`, docs/reports.md).

Renders the HTML report of a few scenarios with `interleave check --html` and again with
`interleave merge --html`, opens each in headless Chromium at 200% zoom (--dump-dom) and
checks what the page's own self-check wrote into #selftest against the JSON report: every
finding's swimlane has one lane per thread and one mark per step, every histogram one row
per outcome with drawn bars, no console error, no horizontal scrolling of the page. Then
saves a screenshot. Exits 77 (ctest: skipped) when no Chromium is installed.

usage: browser_test.py INTERLEAVE OUTDIR [--folder DIR] SCENARIO...
  --folder DIR: also the report of every scenario under DIR (check --html DIR/), checked the same way
"""
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time

SKIP = 77
MAX_DRAWN_STEPS = 400  # harness/src/report/html.cpp: the timeline draws at most this many
TIMEOUT = 90           # seconds per Chromium run: a hung browser fails the test, never the suite


def chromium():
    for name in [os.environ.get("INTERLEAVE_CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome"]:
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def browse(browser, args, url):
    # --no-sandbox: Chromium refuses to run as root with its sandbox (CI containers do).
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           "--disable-extensions", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
           "--user-data-dir=" + os.path.join(OUT, "chromium-profile")] + args + [url]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    return r.returncode, r.stdout, r.stderr


def expected(report):
    """What every finding's swimlane and every histogram must show, from the JSON report."""
    findings, histograms = {}, {}
    for i, s in enumerate(report["scenarios"], 1):
        for j, f in enumerate(s["findings"], 1):
            lanes, steps = [], 0
            for t in f["trace"]:
                if t["effect"].startswith("prints: "):
                    continue
                for name in ([t["preempts"]] if t.get("preempts") else []) + [t["thread"]]:
                    if name not in lanes:
                        lanes.append(name)
                steps += 1
            findings[f"s{i}-f{j}"] = (len(lanes), min(steps, MAX_DRAWN_STEPS))
        if s.get("observations"):
            rows = len(s["observations"])
            histograms[f"s{i}-obs"] = (rows, rows * (2 if "stress_runs" in s else 1))
    return findings, histograms


def check_page(browser, page, report):
    failures = []
    # 640 CSS pixels at device scale 2: a 1280-pixel window at 200% zoom.
    # A browser that fails to start or to finish loading under a loaded machine gets one
    # more try; what the page itself reports is never retried.
    for attempt in (1, 2):
        rc, dom, log = browse(browser, ["--window-size=640,900", "--force-device-scale-factor=2", "--dump-dom"],
                              "file://" + page)
        m = re.search(r'<output id="selftest"[^>]*>(.*?)</output>', dom, re.S)
        if rc == 0 and m and m.group(1).strip():
            break
        print(f"{page}: attempt {attempt}: chromium exited with {rc}, self-check output "
              f"{'present' if m and m.group(1).strip() else 'missing'}:\n{log[-3000:]}")
    if rc != 0:
        return [f"{page}: chromium exited with {rc}"]
    console = [line for line in log.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    failures += [f"{page}: console: {line}" for line in console]
    if not m or not m.group(1).strip():
        return failures + [f"{page}: the page's self-check did not run (no #selftest output)"]
    got = json.loads(html.unescape(m.group(1)))
    failures += [f"{page}: script error: {e}" for e in got["errors"]]
    if got["overflow"]:
        failures.append(f"{page}: the page scrolls sideways at 200% zoom")
    want_findings, want_histograms = expected(report)
    seen = {f["id"]: f for f in got["findings"]}
    for fid, (lanes, steps) in want_findings.items():
        f = seen.get(fid)
        if f is None:
            failures.append(f"{page}: finding {fid} is missing")
            continue
        if (f["lanes"], f["steps"]) != (lanes, steps):
            failures.append(f"{page}: finding {fid}: {f['lanes']} lanes and {f['steps']} steps drawn, "
                            f"the report has {lanes} and {steps}")
        if steps and not f["drawn"]:
            failures.append(f"{page}: finding {fid}: its lanes or steps have no size on the page")
    if len(seen) != len(want_findings):
        failures.append(f"{page}: {len(seen)} findings drawn, the report has {len(want_findings)}")
    hist = {h["id"]: h for h in got["histograms"]}
    for hid, (rows, bars) in want_histograms.items():
        h = hist.get(hid)
        if h is None:
            failures.append(f"{page}: histogram {hid} is missing")
        elif (h["rows"], h["bars"], h["drawn"]) != (rows, bars, True):
            failures.append(f"{page}: histogram {hid}: {h['rows']} rows, {h['bars']} bars, drawn {h['drawn']}; "
                            f"want {rows} rows and {bars} drawn bars")
    print(f"{page}: {len(want_findings)} findings, {len(want_histograms)} histograms checked")
    return failures


def main():
    global OUT
    interleave, OUT, scenarios = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3:]
    folder = None
    if scenarios[:1] == ["--folder"]:
        folder, scenarios = scenarios[1], scenarios[2:]
    browser = chromium()
    if not browser:
        print("SKIP: no Chromium found (chromium, chromium-browser, google-chrome or $INTERLEAVE_CHROMIUM); "
              "install Debian's chromium package (ci/setup.sh does)")
        return SKIP
    os.makedirs(OUT, exist_ok=True)
    start = time.monotonic()
    report_json, page = os.path.join(OUT, "report.json"), os.path.join(OUT, "report.html")
    merged_page = os.path.join(OUT, "merged.html")

    def check(paths, json_path, html_path):
        r = subprocess.run([interleave, "check", "--runs", "2000", "--stress-time", "0.05", "--json", json_path,
                            "--html", html_path] + paths, capture_output=True, text=True, timeout=600)
        if r.returncode not in (0, 1):
            print(f"interleave check exited with {r.returncode}:\n{r.stdout}{r.stderr}")
            return False
        return True

    if not check(scenarios, report_json, page):
        return 1
    r = subprocess.run([interleave, "merge", report_json, "--html", merged_page], capture_output=True, text=True,
                       timeout=60)
    if r.returncode not in (0, 1):
        print(f"interleave merge exited with {r.returncode}:\n{r.stdout}{r.stderr}")
        return 1
    with open(report_json) as f:
        report = json.load(f)
    failures = check_page(browser, page, report) + check_page(browser, merged_page, report)
    if folder:
        folder_json, folder_page = os.path.join(OUT, "folder.json"), os.path.join(OUT, "folder.html")
        if not check([folder], folder_json, folder_page):
            return 1
        with open(folder_json) as f:
            failures += check_page(browser, folder_page, json.load(f))
        print(f"{folder_page}: {os.path.getsize(folder_page)} bytes")
    shot = os.path.join(OUT, "report.png")
    rc, _, log = browse(browser, ["--window-size=1000,1800", "--screenshot=" + shot], "file://" + page)
    if rc != 0 or not os.path.exists(shot):
        failures.append(f"no screenshot:\n{log[-2000:]}")
    for f in failures:
        print("FAIL:", f)
    print(f"browser test: {len(failures)} failures, {time.monotonic() - start:.1f} s; screenshot {shot}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
