#!/usr/bin/env python3
"""Writes the golden CLI cases that are awkward to write by hand (binary bytes, CRLF, a
200 KB line, deep nesting, many errors) into tests/cli/cases/. Deterministic: the output
is committed, and re-running this script must not change it.

    python3 tests/cli/generate_cases.py

The matching NAME.expected files are produced by running `interleave explain NAME.scn`
in tests/cli/cases and must be read and checked by hand before they are committed.
"""
import pathlib
import random
import sys

CASES = pathlib.Path(__file__).resolve().parent / "cases"


def write(name: str, data: bytes) -> None:
    (CASES / f"{name}.scn").write_bytes(data)


def binary_garbage() -> bytes:
    rng = random.Random(20240611)
    data = bytearray(rng.randrange(256) for _ in range(300))
    # Make sure the interesting bytes are there whatever the seed gives.
    data[10] = 0x00
    data[150] = 0x00
    data[200] = 0xFF
    return bytes(data)


def crlf_line_endings() -> bytes:
    lines = [
        "# A valid scenario saved with Windows line endings.",
        'about "two threads update a balance under a mutex"',
        "",
        "const ITER = 2",
        "",
        "shared balance = 0",
        "mutex lock",
        "",
        "thread run_thread(n):",
        "    repeat ITER:",
        "        with lock:",
        "            balance = balance + n",
        "",
        "main:",
        "    let t1 = spawn run_thread(5)",
        "    let t2 = spawn run_thread(8)",
        "    join t1",
        "    join t2",
        "",
        "final balance == 26",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def long_line() -> bytes:
    # A 200 KB expression with one mistake ('!' instead of 'not') in its middle. Its terms
    # are grouped by 500 in parentheses, so that the tree stays below the parser's limit
    # of 1000 levels of operators (see long_chain for that limit).
    group = "(" + " + ".join(["x"] * 500) + ")"
    half = " + ".join([group] * 50)
    line = f"    let y = {half} + !x + {half}"
    return ("# One very long line with a mistake in the middle.\n"
            "shared x = 1\n\nthread t:\n" + line + "\n").encode()


def deep_nesting() -> bytes:
    depth = 300  # beyond the parser's limit of 200 nested expressions
    return ("# Parentheses nested deeper than the parser allows.\n"
            "shared x = 0\n\nthread t:\n"
            f"    x = {'(' * depth}1{')' * depth}\n").encode()


def long_chain() -> bytes:
    # Regression (issue 14): a chain of 20,000 terms overflowed the resolver's stack. The
    # parser refuses a tree higher than 1000 levels, with the column of the operator.
    chain = " + ".join(["1"] * 20_000)
    return ("# A chain of 20,000 terms: beyond the parser's limit of 1000 levels of operators.\n"
            "shared x = 0\n\nthread t:\n"
            f"    x = {chain}\n").encode()


def many_errors() -> bytes:
    body = "".join(f"    total = totl + {i}\n" for i in range(1, 61))
    return ("# Sixty misspelt names: the report stops after the default limit of 50 errors.\n"
            "shared total = 0\n\nthread t:\n" + body).encode()


def main() -> None:
    # binary_garbage is left out for now: its explain output opens with the cascaded
    # file-level error "nothing to run" (see the report); write it with
    # `python3 tests/cli/generate_cases.py binary_garbage` once that is fixed.
    if sys.argv[1:] == ["binary_garbage"]:
        write("binary_garbage", binary_garbage())
        return
    write("crlf_line_endings", crlf_line_endings())
    write("long_line", long_line())
    write("deep_nesting", deep_nesting())
    write("many_errors", many_errors())
    write("long_chain", long_chain())


if __name__ == "__main__":
    main()
