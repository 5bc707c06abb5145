#!/usr/bin/env python3
"""`interleave format -i` on a copy of every scenario under scenarios/ (issue 12).

For each file, the formatted copy must
  (a) load (`explain` exits 0),
  (b) be a fixpoint (`format --check` exits 0, and a second `format -i` changes no byte),
  (c) keep every comment of the original, in order, with its text unchanged,
  (d) mean the same: `explain` (declarations, every body with its numbered steps,
      properties, expectations) prints the same, line numbers aside.
Also: `format -i` keeps a file's permissions, leaves a canonical file alone, and refuses
`--check` with `-i`.

usage: format_roundtrip.py INTERLEAVE WORK_DIR SOURCE_ROOT
"""
import os
import re
import shutil
import stat
import subprocess
import sys


def comments(text):
    """The comments of a scenario: from '#' (outside a string) to the end of the line."""
    out = []
    for line in text.split("\n"):
        in_string = False
        i = 0
        while i < len(line):
            c = line[i]
            if in_string:
                if c == "\\":
                    i += 2
                    continue
                if c == '"':
                    in_string = False
            elif c == '"':
                in_string = True
            elif c == "#":
                out.append(line[i:].rstrip())
                break
            i += 1
    return out


def run(cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120)


def main():
    interleave, work, root = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    shutil.copytree(os.path.join(root, "scenarios"), os.path.join(work, "scenarios"))
    files = sorted(os.path.relpath(os.path.join(d, f), root)
                   for d, _, names in os.walk(os.path.join(root, "scenarios"))
                   for f in names if f.endswith(".scn"))
    failures = []

    def fail(message):
        failures.append(message)
        print("FAIL " + message)

    # One call formats the whole folder in place, as a user would.
    r = run([interleave, "format", "-i", "scenarios"], work)
    if r.returncode != 0:
        fail(f"format -i scenarios exited {r.returncode}: {r.stderr}")

    changed = kept = 0
    line_numbers = re.compile(r"(\.scn):[0-9]+")
    for rel in files:
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            original = f.read()
        copy = os.path.join(work, rel)
        with open(copy, encoding="utf-8") as f:
            formatted = f.read()
        changed += formatted != original
        # (a) it loads
        after = run([interleave, "explain", rel], work)
        if after.returncode != 0:
            fail(f"{rel}: the formatted file does not load:\n{after.stderr}")
            continue
        # (b) a fixpoint
        r = run([interleave, "format", "--check", rel], work)
        if r.returncode != 0:
            fail(f"{rel}: formatting twice changes it: {r.stderr}")
        r = run([interleave, "format", "-i", rel], work)
        with open(copy, encoding="utf-8") as f:
            again = f.read()
        if r.returncode != 0 or again != formatted:
            fail(f"{rel}: a second format -i changed the file (exit {r.returncode})")
        # (c) every comment, in order
        before_comments, after_comments = comments(original), comments(formatted)
        kept += len(after_comments)
        if before_comments != after_comments:
            missing = [c for c in before_comments if c not in after_comments]
            fail(f"{rel}: comments differ; {len(before_comments)} before, {len(after_comments)} after; "
                 f"first missing or moved: {missing[:1] or 'order changed'}")
        # (d) the same program, line numbers aside
        before = run([interleave, "explain", rel], root)
        if line_numbers.sub(r"\1:N", before.stdout) != line_numbers.sub(r"\1:N", after.stdout):
            fail(f"{rel}: explain differs after formatting")

    # Permissions are kept; a canonical file is not rewritten.
    probe = os.path.join(work, "probe.scn")
    with open(probe, "w", encoding="utf-8") as f:
        f.write("# a probe\nshared x   =   0   # the value\nmain:\n    x=1 # set\n")
    os.chmod(probe, 0o640)
    r = run([interleave, "format", "-i", "probe.scn"], work)
    with open(probe, encoding="utf-8") as f:
        text = f.read()
    if r.returncode != 0 or text != "# a probe\nshared x = 0       # the value\n\nmain:\n    x = 1  # set\n":
        fail(f"probe.scn: format -i gave exit {r.returncode} and {text!r}")
    if stat.S_IMODE(os.stat(probe).st_mode) != 0o640:
        fail(f"probe.scn: format -i changed the permissions to {oct(stat.S_IMODE(os.stat(probe).st_mode))}")
    mtime = os.stat(probe).st_mtime_ns
    os.utime(probe, ns=(mtime - 10**9, mtime - 10**9))
    run([interleave, "format", "-i", "probe.scn"], work)
    if os.stat(probe).st_mtime_ns != mtime - 10**9:
        fail("probe.scn: format -i rewrote a file already in canonical form")
    r = run([interleave, "format", "-i", "--check", "probe.scn"], work)
    if r.returncode != 2 or "excludes" not in r.stderr:
        fail(f"format -i --check: exit {r.returncode}, {r.stderr!r}")

    print(f"{len(files)} scenarios formatted in place ({changed} changed), {kept} comments kept; "
          f"{len(failures)} failures")
    return 1 if failures or not files else 0


if __name__ == "__main__":
    sys.exit(main())
