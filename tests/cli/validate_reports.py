#!/usr/bin/env python3
"""Validates Interleave's reports against their schemas (tests/cli/CMakeLists.txt).

  validate_reports.py json SCHEMA FILE...         JSON files against a JSON Schema (jsonschema)
  validate_reports.py xml XSD FILE...             XML files against an XSD (xmllint --schema)
  validate_reports.py check INTERLEAVE SCHEMA OUT EXIT [--OPTION PATH SCHEMA]... -- ARGS...
      runs `INTERLEAVE check --json OUT/report.json ARGS`, expects exit code EXIT, and
      validates the JSON report against SCHEMA; each `--OPTION PATH SCHEMA` adds
      `--OPTION OUT/PATH` to the command and validates that file against SCHEMA (.xsd: XML)

--expect-invalid (first argument) inverts json and xml: every FILE must be refused by
the schema, so that the tests show the schemas can fail. Exit 0 on success, 1 otherwise.
"""
import json
import os
import subprocess
import sys


def fail(message):
    print(f"validate_reports.py: {message}", file=sys.stderr)
    sys.exit(1)


def json_errors(schema_path, path):
    try:
        import jsonschema
    except ImportError:
        fail("the Python module jsonschema is missing: install python3-jsonschema (ci/setup.sh)")
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)  # a broken schema is an error, not a pass
    with open(path, encoding="utf-8") as f:
        try:
            instance = json.load(f)
        except json.JSONDecodeError as e:
            return [f"not JSON: {e}"]
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(instance)]


def xml_errors(xsd, path):
    try:
        p = subprocess.run(["xmllint", "--noout", "--schema", xsd, path], capture_output=True, text=True)
    except FileNotFoundError:
        fail("xmllint is missing: install libxml2-utils (ci/setup.sh)")
    if p.returncode == 0:
        return []
    if p.returncode == 5:  # the schema itself does not compile
        fail(f"{xsd} is not a usable XML schema:\n{p.stderr}")
    return [line for line in p.stderr.splitlines() if line and not line.endswith("fails to validate")] or [p.stderr]


def validate(kind, schema, paths, expect_invalid=False):
    ok = True
    for path in paths:
        errors = json_errors(schema, path) if kind == "json" else xml_errors(schema, path)
        if expect_invalid:
            if errors:
                print(f"{path}: refused by {schema}, as it must be:\n  " + "\n  ".join(errors[:10]))
            else:
                print(f"{path}: accepted by {schema}, but it is invalid", file=sys.stderr)
                ok = False
        elif errors:
            print(f"{path}: does not validate against {schema}:\n  " + "\n  ".join(errors[:50]), file=sys.stderr)
            ok = False
        else:
            print(f"{path}: valid ({schema})")
    return ok


def check(args):
    if "--" not in args or len(args) < 4:
        fail("usage: check INTERLEAVE SCHEMA OUT EXIT [--OPTION PATH SCHEMA]... -- ARGS...")
    head, rest = args[: args.index("--")], args[args.index("--") + 1 :]
    interleave, schema, out, exit_code, extra = head[0], head[1], head[2], int(head[3]), head[4:]
    os.makedirs(out, exist_ok=True)
    report = os.path.join(out, "report.json")
    command = [interleave, "check", "--json", report]
    outputs = [("json", schema, report)]
    if len(extra) % 3:
        fail("each extra output is --OPTION PATH SCHEMA")
    for i in range(0, len(extra), 3):
        option, path, file_schema = extra[i : i + 3]
        command += [option, os.path.join(out, path)]
        outputs.append(("xml" if file_schema.endswith(".xsd") else "json", file_schema, os.path.join(out, path)))
    for _, _, path in outputs:
        if os.path.exists(path):
            os.remove(path)
    p = subprocess.run(command + rest, capture_output=True, text=True)
    print(" ".join(command + rest))
    print(p.stdout + p.stderr)
    if p.returncode != exit_code:
        fail(f"exit code {p.returncode}, expected {exit_code}")
    ok = True
    for kind, file_schema, path in outputs:
        if not os.path.exists(path):
            fail(f"{path} was not written")
        ok = validate(kind, file_schema, [path]) and ok
    return ok


def main(argv):
    expect_invalid = bool(argv) and argv[0] == "--expect-invalid"
    if expect_invalid:
        argv = argv[1:]
    if len(argv) >= 3 and argv[0] in ("json", "xml"):
        return validate(argv[0], argv[1], argv[2:], expect_invalid)
    if argv and argv[0] == "check" and not expect_invalid:
        return check(argv[1:])
    fail(__doc__)


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv[1:]) else 1)
