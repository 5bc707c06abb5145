#!/usr/bin/env python3
"""The TextMate grammar for .scn cannot go stale (issue 12, item 5).

Checks that editors/textmate/scn.tmLanguage.json is valid JSON whose regexes compile, that
the VS Code extension's copy is identical and its manifest names the grammar's scope, and
that every keyword of the lexer (harness/src/lang/token.cpp), every memory order
(harness/src/lang/ast.cpp), duration, comment and string is highlighted with the expected
scope, by running the grammar's patterns over sample lines as a TextMate engine does
(leftmost match first; among matches at one place, the pattern listed first).

usage: grammar_test.py SOURCE_ROOT
"""
import json
import os
import re
import sys

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL " + what)
    return condition


def flatten(grammar, patterns):
    """The grammar's patterns with includes expanded, in order."""
    out = []
    for p in patterns:
        if "include" in p:
            out += flatten(grammar, grammar["repository"][p["include"][1:]]["patterns"])
        else:
            out.append(p)
    return out


def scopes(patterns, line):
    """(start, end, scope) spans of one line: leftmost match first, ties to the first pattern."""
    spans, pos = [], 0
    compiled = [(re.compile(p.get("match") or p["begin"]), p) for p in patterns]
    while pos < len(line):
        best = None
        for rx, p in compiled:
            m = rx.search(line, pos)
            if m and m.end() > m.start() and (best is None or m.start() < best[0].start()):
                best = (m, p)
        if best is None:
            break
        m, p = best
        if "begin" in p:  # a string: to its end pattern
            end = re.compile(p["end"]).search(line, m.end())
            stop = end.end() if end else len(line)
            spans.append((m.start(), stop, p["name"]))
            pos = stop
            continue
        if "captures" in p:
            for group, capture in p["captures"].items():
                if m.group(int(group)) is not None:
                    spans.append((m.start(int(group)), m.end(int(group)), capture["name"]))
        if "name" in p:
            spans.append((m.start(), m.end(), p["name"]))
        pos = m.end()
    return spans


def scope_of(patterns, line, word, nth=0):
    """The innermost scope covering the nth occurrence of word in line."""
    start = [m.start() for m in re.finditer(r"(?<![A-Za-z0-9_])" + re.escape(word) + r"(?![A-Za-z0-9_])", line)][nth]
    covering = [s for s in scopes(patterns, line) if s[0] <= start and start + len(word) <= s[1]]
    return min(covering, key=lambda s: s[1] - s[0])[2] if covering else None


def main():
    root = sys.argv[1]
    path = os.path.join(root, "editors", "textmate", "scn.tmLanguage.json")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    grammar = json.loads(text)
    check(grammar.get("scopeName") == "source.scn", "scopeName is source.scn")
    patterns = flatten(grammar, grammar["patterns"])
    for p in patterns:
        for key in ("match", "begin", "end"):
            if key in p:
                try:
                    re.compile(p[key])
                except re.error as e:
                    check(False, f"regex {p[key]!r} does not compile: {e}")

    # The VS Code extension carries a copy of the grammar (a folder that is copied whole
    # must not point outside itself).
    vscode = os.path.join(root, "editors", "vscode")
    with open(os.path.join(vscode, "syntaxes", "scn.tmLanguage.json"), encoding="utf-8") as f:
        check(f.read() == text, "editors/vscode/syntaxes/scn.tmLanguage.json differs from editors/textmate/: "
                                "copy the textmate one over it")
    with open(os.path.join(vscode, "package.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    grammars = manifest["contributes"]["grammars"]
    check(grammars[0]["scopeName"] == "source.scn" and grammars[0]["path"] == "./syntaxes/scn.tmLanguage.json",
          f"package.json's grammar: {grammars}")
    check(manifest["contributes"]["languages"][0]["extensions"] == [".scn"], "package.json: the .scn extension")
    with open(os.path.join(vscode, "language-configuration.json"), encoding="utf-8") as f:
        config = json.load(f)
    check(config["comments"]["lineComment"] == "#", "language-configuration: # comments")
    check(re.search(config["indentationRules"]["increaseIndentPattern"], "    while x > 0:  # loop")
          and not re.search(config["indentationRules"]["increaseIndentPattern"], "    x = 1  # a: b"),
          "language-configuration: a line ending in ':' indents, a ':' in a comment does not")

    # Every keyword of the lexer.
    with open(os.path.join(root, "harness", "src", "lang", "token.cpp"), encoding="utf-8") as f:
        keywords = re.findall(r'\{"(\w+)", "\'\w+\'", Tok::kw_\w+\}', f.read())
    check(len(keywords) >= 40, f"found {len(keywords)} keywords in token.cpp: has its table changed shape?")
    covered = ("keyword.", "storage.", "constant.language.", "support.function.")
    for kw in keywords:
        # Each keyword where it is written: a declaration at the start of a line, else in a body.
        lines = [f"{kw} x", f"    {kw} x"]
        found = [scope_of(patterns, line, kw) for line in lines]
        check(any(s and s.startswith(covered) for s in found), f"keyword '{kw}' is not highlighted as one: {found}")

    # Memory orders (harness/src/lang/ast.cpp), also where one is a method's name.
    with open(os.path.join(root, "harness", "src", "lang", "ast.cpp"), encoding="utf-8") as f:
        orders = re.findall(r'case MemOrder::\w+: return "(\w+)"', f.read())
    check(sorted(orders) == sorted(["relaxed", "acquire", "release", "acq_rel", "seq_cst"]), f"memory orders: {orders}")
    for order in orders:
        check(scope_of(patterns, f"    x.store(1, {order})", order) == "support.constant.memory-order.scn",
              f"memory order '{order}'")
    check(scope_of(patterns, "    slots.release()", "release") == "entity.name.function.method.scn",
          "a semaphore's release() is a method, not a memory order")

    samples = [
        ("    sleep 10ms", "10ms", "constant.numeric.duration.scn"),
        ("    sleep 500us", "500us", "constant.numeric.duration.scn"),
        ("const ITER = 100_000", "100_000", "constant.numeric.integer.scn"),
        ("const ITER = 100_000", "ITER", "variable.other.declaration.scn"),
        ("shared balance = 0  # the shared balance", "shared", "storage.type.scn"),
        ("shared balance = 0  # the shared balance", "# the shared balance", "comment.line.number-sign.scn"),
        ("# a whole-line comment with if and while", "if", "comment.line.number-sign.scn"),
        ('about "two threads # not a comment"', '"two threads # not a comment"', "string.quoted.double.scn"),
        ('    print "say \\"hi\\" if"', "if", "string.quoted.double.scn"),
        ("thread run_thread(n):", "run_thread", "entity.name.function.scn"),
        ("thread run_thread(n):", "thread", "storage.type.function.scn"),
        ("main:", "main", "storage.type.function.scn"),
        ("memory tso", "tso", "support.constant.memory-model.scn"),
        ("expect race on balance", "race", "support.constant.finding-kind.scn"),
        ("outcome 0, 0 interesting \"why\"", "interesting", "support.constant.outcome-class.scn"),
        ("outcome else forbidden", "forbidden", "support.constant.outcome-class.scn"),
        ("    let n = thread_name()", "thread_name", "support.function.builtin.scn"),
        ("    while true:", "true", "constant.language.boolean.scn"),
        ("    if a and not b:", "and", "keyword.operator.logical.scn"),
        ("    m.lock()", "lock", "entity.name.function.method.scn"),
        ("mutex lock", "lock", "variable.other.declaration.scn"),
    ]
    for line, word, expected in samples:
        got = scope_of(patterns, line, word) if re.match(r"\w+$", word) else None
        if got is None:  # a phrase: the span that covers it
            start = line.index(word)
            covering = [s for s in scopes(patterns, line) if s[0] <= start and start + len(word) <= s[1]]
            got = min(covering, key=lambda s: s[1] - s[0])[2] if covering else None
        check(got == expected, f"{line!r}: {word!r} is {got}, expected {expected}")

    print(f"{len(keywords)} keywords, {len(orders)} memory orders, {len(samples)} samples; {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
