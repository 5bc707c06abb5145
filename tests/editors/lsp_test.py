#!/usr/bin/env python3
"""`interleave lsp` driven by a scripted client (issue 12, item 5).

A session: initialize, didOpen of a scenario with two mistakes (publishDiagnostics with
their LSP ranges, severities and messages, the help included), hover on the broken file
(no steps), didChange that fixes it (diagnostics cleared), hover on a statement (explain's
steps), formatting (the canonical form, comments kept), didClose, shutdown, exit: exit code 0.
Then hostile input in a second session and an oversized message in a third; the server
must answer with JSON-RPC errors and never crash or hang.

usage: lsp_test.py INTERLEAVE
"""
import json
import queue
import subprocess
import sys
import threading

TIMEOUT = 20  # seconds for any one answer; a hang fails the test instead of blocking ctest
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL " + what)
    return condition


class Client:
    def __init__(self, interleave):
        self.proc = subprocess.Popen([interleave, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.messages = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.decode("ascii").strip()
                if not line:
                    break
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            body = out.read(int(headers["content-length"]))
            self.messages.put(json.loads(body))

    def raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message):
        body = json.dumps(message).encode("utf-8")
        self.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def receive(self):
        try:
            return self.messages.get(timeout=TIMEOUT)
        except queue.Empty:
            return {"timeout": True}

    def answer(self, request_id):
        """The response to request_id (other messages before it are a failure)."""
        message = self.receive()
        check(message is not None and message.get("id") == request_id,
              f"expected the response to request {request_id}, got {message}")
        return message or {}

    def finish(self):
        try:
            return self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            check(False, "the server did not exit")
            return None


URI = "file:///work/balance%20demo.scn"
BROKEN = """# A balance with two mistakes.
shared balance = 0
mutex lock

thread run_thread(n):
    with lock:
        balanse = balance + n
        print "\U0001F600", balance && 1
        balance = balance - n

main:
    let t1 = spawn run_thread(5)   # one thread is enough
    join t1

final balance == 0
"""
FIXED = BROKEN.replace("balanse =", "balance =").replace("balance && 1", "balance")


def rng(line, start, end):
    return {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}}


def session(interleave):
    c = Client(interleave)
    i = c.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    caps = c.answer(i).get("result", {}).get("capabilities", {})
    check(caps.get("hoverProvider") is True and caps.get("documentFormattingProvider") is True
          and caps.get("textDocumentSync", {}).get("change") == 1, f"initialize capabilities: {caps}")
    c.notify("initialized", {})

    c.notify("textDocument/didOpen", {"textDocument": {"uri": URI, "languageId": "scn", "version": 1, "text": BROKEN}})
    m = c.receive()
    check(m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == URI,
          f"didOpen publishes diagnostics: {m}")
    diags = m.get("params", {}).get("diagnostics", [])
    expected = [
        {"range": rng(6, 8, 15), "severity": 1, "source": "interleave",
         "message": "assignment to undeclared name 'balanse'\nhelp: did you mean 'balance'? "
                    "To declare a local, write 'let balanse = ...'"},
        # Column 28 in code points is UTF-16 unit 28 on this line: the emoji before it is two units.
        {"range": rng(7, 28, 30), "severity": 1, "source": "interleave",
         "message": "unexpected '&&'\nhelp: write 'and' ('&' is bitwise and)"},
    ]
    check(sorted(diags, key=lambda d: d["range"]["start"]["line"]) == expected,
          f"diagnostics:\n{json.dumps(diags, indent=1)}\nexpected:\n{json.dumps(expected, indent=1)}")

    h = c.request("textDocument/hover", {"textDocument": {"uri": URI}, "position": {"line": 8, "character": 9}})
    check(c.answer(h).get("result", "missing") is None, "hover on a file with errors has no steps")

    c.notify("textDocument/didChange", {"textDocument": {"uri": URI, "version": 2},
                                        "contentChanges": [{"text": FIXED}]})
    m = c.receive()
    check(m.get("method") == "textDocument/publishDiagnostics" and m["params"]["diagnostics"] == [],
          f"the fix clears the diagnostics: {m}")

    # Line 9 (0-based 8) is `balance = balance - n`: a read and a write, two steps, inside
    # the with block: after its lock (1), the first update (2, 3) and the print's read (4).
    h = c.request("textDocument/hover", {"textDocument": {"uri": URI}, "position": {"line": 8, "character": 9}})
    result = c.answer(h).get("result") or {}
    check(result.get("contents") == {"kind": "markdown",
                                     "value": "```\nbalance = balance - n\n    [5] read balance\n"
                                              "    [6] write balance\n```"}
          and result.get("range") == rng(8, 8, 29), f"hover shows explain's steps: {result}")
    h = c.request("textDocument/hover", {"textDocument": {"uri": URI}, "position": {"line": 3, "character": 0}})
    check(c.answer(h).get("result", "missing") is None, "hover on a blank line is null")

    f = c.request("textDocument/formatting", {"textDocument": {"uri": URI},
                                              "options": {"tabSize": 4, "insertSpaces": True}})
    edits = c.answer(f).get("result")
    formatted = FIXED.replace("mutex lock\n", "\nmutex lock\n")
    check(edits == [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 15, "character": 0}},
                     "newText": formatted}], f"formatting: {edits}")

    c.notify("textDocument/didClose", {"textDocument": {"uri": URI}})
    m = c.receive()
    check(m.get("method") == "textDocument/publishDiagnostics" and m["params"]["diagnostics"] == [],
          f"didClose clears the diagnostics: {m}")
    s = c.request("shutdown", None)
    check("result" in c.answer(s), "shutdown answers")
    c.notify("exit", None)
    check(c.finish() == 0, "exit after shutdown: exit code 0")


def hostile(interleave):
    c = Client(interleave)
    c.raw(b'{"jsonrpc": "2.0", "id": 99, "method": "initialize"}\r\n')  # no header: skipped
    i = c.request("hover", {})  # before initialize
    m = c.answer(i)
    check(m.get("error", {}).get("code") == -32002, f"a request before initialize: {m}")
    i = c.request("initialize", {"capabilities": {}})
    check("result" in c.answer(i), "initialize after the noise")
    body = b'{"jsonrpc": "2.0", "id": 5, "method": '  # malformed JSON
    c.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    m = c.receive()
    check(m.get("id", "missing") is None and m.get("error", {}).get("code") == -32700, f"malformed JSON: {m}")
    c.raw(b"Content-Length: 2\r\n\r\n[]")  # a batch (LSP has none)
    m = c.receive()
    check(m.get("error", {}).get("code") == -32600, f"a batch: {m}")
    deep = b"[" * 200000 + b"]" * 200000  # nesting as deep as the message allows: no stack overflow
    c.raw(b"Content-Length: %d\r\n\r\n" % len(deep) + deep)
    m = c.receive()
    check(m.get("error", {}).get("code") == -32600, f"a deeply nested array: {m}")
    c.notify("workspace/somethingNew", {"x": 1})  # unknown notification: ignored, no answer
    i = c.request("textDocument/definitely-unknown", {})
    m = c.answer(i)
    check(m.get("error", {}).get("code") == -32601 and "definitely-unknown" in m["error"]["message"],
          f"unknown method: {m}")
    i = c.request("textDocument/hover", {"textDocument": {"uri": 7}})
    m = c.answer(i)
    check(m.get("error", {}).get("code") == -32602, f"bad params: {m}")
    i = c.request("textDocument/formatting", {"textDocument": {"uri": "file:///not/open.scn"}})
    m = c.answer(i)
    check(m.get("error", {}).get("code") == -32602, f"formatting a document that is not open: {m}")
    c.raw(b"Content-Length: banana\r\n\r\n")  # a header that is not one: skipped
    c.notify("textDocument/didOpen", {"textDocument": {"uri": URI, "text": "\x00\xff garbage ((("}})
    m = c.receive()
    check(m.get("method") == "textDocument/publishDiagnostics" and len(m["params"]["diagnostics"]) >= 1,
          f"binary garbage gets diagnostics: {m}")
    s = c.request("shutdown", None)
    check("result" in c.answer(s), "shutdown after hostile input")
    i = c.request("textDocument/hover", {})
    m = c.answer(i)
    check(m.get("error", {}).get("code") == -32600, f"a request after shutdown: {m}")
    c.notify("exit", None)
    check(c.finish() == 0, "exit after hostile input: exit code 0")

    # A Content-Length over the limit: an error answer and exit code 2, without reading it.
    c = Client(interleave)
    c.raw(b"Content-Length: 99999999999999999999999\r\n\r\n")
    m = c.receive()
    check(m.get("error", {}).get("code") == -32600 and "over the limit" in m["error"]["message"],
          f"huge Content-Length: {m}")
    check(c.finish() == 2, "huge Content-Length: exit code 2")

    # The client goes away without exit: exit code 2, at once.
    c = Client(interleave)
    c.proc.stdin.close()
    check(c.finish() == 2, "end of input without exit: exit code 2")


def main():
    session(sys.argv[1])
    hostile(sys.argv[1])
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
