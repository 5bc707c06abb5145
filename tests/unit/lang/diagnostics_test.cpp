// Diagnostics: the exact rendered form (position line, gutter, caret, notes, help), caret
// placement under tabs and in long lines, unprintable bytes, render_all and the sink limit.
// Also the SourceFile positions that every diagnostic relies on.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "frontend_helpers.hpp"
#include "interleave/diagnostics.hpp"
#include "interleave/source.hpp"

using namespace interleave;

namespace {

Diagnostic diag(Loc loc, std::uint32_t length, std::string message, std::string help = {},
                std::vector<std::string> notes = {}) {
  Diagnostic d;
  d.loc = loc;
  d.length = length;
  d.message = std::move(message);
  d.help = std::move(help);
  d.notes = std::move(notes);
  return d;
}

// The lines of a rendering.
std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (begin < s.size()) {
    const std::size_t end = s.find('\n', begin);
    out.push_back(s.substr(begin, end - begin));
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  return out;
}

}  // namespace

// ---- SourceFile --------------------------------------------------------------------------

TEST_CASE("source: lines, line text without terminators, and positions of byte offsets", "[diagnostics][source]") {
  const SourceFile f("a.scn", "ab\r\n\ncé d\nlast");
  CHECK(f.path() == "a.scn");
  CHECK(f.line_count() == 4);
  CHECK(f.line_text(1) == "ab");  // the '\r' of CRLF is not part of the line
  CHECK(f.line_text(2).empty());
  CHECK(f.line_text(3) == "cé d");
  CHECK(f.line_text(4) == "last");
  CHECK(f.line_text(0).empty());
  CHECK(f.line_text(5).empty());
  CHECK(f.loc_of(0) == Loc{1, 1});
  CHECK(f.loc_of(1) == Loc{1, 2});
  CHECK(f.loc_of(4) == Loc{2, 1});
  CHECK(f.loc_of(5) == Loc{3, 1});
  CHECK(f.loc_of(8) == Loc{3, 3});  // after the two-byte 'é': column 3
  CHECK(f.loc_of(10) == Loc{3, 5});
  // A final newline does not start another line.
  CHECK(SourceFile("x", "a\nb\n").line_count() == 2);
  CHECK(SourceFile("x", "").line_count() == 1);
}

TEST_CASE("source: columns count code points, an invalid byte as one", "[diagnostics][source]") {
  CHECK(count_columns("") == 0);
  CHECK(count_columns("abc") == 3);
  CHECK(count_columns("é→😀") == 3);
  CHECK(count_columns("a\xff\xfe" "b") == 4);
  CHECK(count_columns("\xe2\x86") == 2);  // a truncated sequence: two invalid bytes
  CHECK(utf8_sequence_length("a", 0) == 1);
  CHECK(utf8_sequence_length("é", 0) == 2);
  CHECK(utf8_sequence_length("→", 0) == 3);
  CHECK(utf8_sequence_length("😀", 0) == 4);
  CHECK(utf8_sequence_length("\xc0\x80", 0) == 0);          // overlong
  CHECK(utf8_sequence_length("\xed\xa0\x80", 0) == 0);      // surrogate
  CHECK(utf8_sequence_length("\xf4\x90\x80\x80", 0) == 0);  // past U+10FFFF
  CHECK(utf8_sequence_length("\x80", 0) == 0);              // lone continuation byte
}

// ---- render ------------------------------------------------------------------------------

TEST_CASE("render: position line, source line in a gutter, caret with tildes, and help", "[diagnostics][render]") {
  const SourceFile f("balance.scn", "main:\n        balanse = balance + n\n");
  const auto out = render(f, diag({2, 9}, 7, "assignment to undeclared name `balanse`",
                                  "declare it first (`let balanse = ...`, or `shared balanse = ...` at top level)"));
  CHECK(out ==
        "balance.scn:2:9: error: assignment to undeclared name `balanse`\n"
        "    2 |         balanse = balance + n\n"
        "      |         ^~~~~~~\n"
        "      = help: declare it first (`let balanse = ...`, or `shared balanse = ...` at top level)\n");
}

TEST_CASE("render: a one-column diagnostic has a lone caret and no help line when help is empty",
          "[diagnostics][render]") {
  const SourceFile f("t.scn", "x = $\n");
  CHECK(render(f, diag({1, 5}, 1, "unexpected character '$'")) ==
        "t.scn:1:5: error: unexpected character '$'\n"
        "    1 | x = $\n"
        "      |     ^\n");
  // A length of 0 still shows one caret.
  CHECK(render(f, diag({1, 5}, 0, "m")) == "t.scn:1:5: error: m\n    1 | x = $\n      |     ^\n");
}

TEST_CASE("render: notes come before help, one line each", "[diagnostics][render]") {
  const SourceFile f("t.scn", "shared a = 0\natomic a = 1\n");
  CHECK(render(f, diag({2, 8}, 1, "'a' is already declared", "every top-level name must be unique",
                       {"the shared variable 'a' is declared at 1:8", "second note"})) ==
        "t.scn:2:8: error: 'a' is already declared\n"
        "    2 | atomic a = 1\n"
        "      |        ^\n"
        "      = note: the shared variable 'a' is declared at 1:8\n"
        "      = note: second note\n"
        "      = help: every top-level name must be unique\n");
}

TEST_CASE("render: warnings and notes name their severity", "[diagnostics][render]") {
  const SourceFile f("t.scn", "yield\n");
  auto d = diag({1, 1}, 5, "w");
  d.severity = Severity::warning;
  CHECK(lines_of(render(f, d)).at(0) == "t.scn:1:1: warning: w");
  d.severity = Severity::note;
  CHECK(lines_of(render(f, d)).at(0) == "t.scn:1:1: note: w");
}

TEST_CASE("render: a diagnostic without a position has no source lines", "[diagnostics][render]") {
  const SourceFile f("t.scn", "");
  CHECK(render(f, diag({}, 1, "nothing to run: the scenario has no 'main:' and no thread",
                       "declare 'main:' or at least one 'thread NAME:'")) ==
        "t.scn: error: nothing to run: the scenario has no 'main:' and no thread\n"
        "      = help: declare 'main:' or at least one 'thread NAME:'\n");
}

TEST_CASE("render: a caret at the end of the line and on the line after the last", "[diagnostics][render]") {
  const SourceFile f("t.scn", "main:\n    while true\n");
  CHECK(render(f, diag({2, 15}, 1, "expected ':'")) ==
        "t.scn:2:15: error: expected ':'\n"
        "    2 |     while true\n"
        "      |               ^\n");
  CHECK(render(f, diag({3, 1}, 1, "expected an indented block")) ==
        "t.scn:3:1: error: expected an indented block\n"
        "    3 | \n"
        "      | ^\n");
}

TEST_CASE("render: the gutter widens for line numbers of six digits", "[diagnostics][render]") {
  std::string text;
  for (int i = 1; i < 123456; ++i) text += "\n";
  text += "bad";
  const SourceFile f("t.scn", text);
  CHECK(render(f, diag({123456, 1}, 3, "m")) ==
        "t.scn:123456:1: error: m\n"
        "123456 | bad\n"
        "       | ^~~\n");
}

TEST_CASE("render: the caret lines up under tabs by copying them", "[diagnostics][render]") {
  const SourceFile f("t.scn", "\tx =\t$\n");
  CHECK(render(f, diag({1, 6}, 1, "unexpected character '$'")) ==
        "t.scn:1:6: error: unexpected character '$'\n"
        "    1 | \tx =\t$\n"
        "      | \t   \t^\n");
}

TEST_CASE("render: the caret counts code points, so it lines up after non-ASCII text", "[diagnostics][render]") {
  const SourceFile f("t.scn", "print \"é→😀\", $\n");
  CHECK(render(f, diag({1, 14}, 1, "m")) ==
        "t.scn:1:14: error: m\n"
        "    1 | print \"é→😀\", $\n"
        "      |              ^\n");
}

TEST_CASE("render: control characters and invalid bytes are shown as '?'", "[diagnostics][render]") {
  const SourceFile f("t.scn", std::string("a\x01" "b\xff" "c\x1b[31m d\x7f") + "\n");
  CHECK(render(f, diag({1, 5}, 1, "m")) ==
        "t.scn:1:5: error: m\n"
        "    1 | a?b?c?[31m d?\n"
        "      |     ^\n");
  // A NUL byte too, and the caret after it stays aligned.
  const SourceFile nul("t.scn", std::string("x\0y", 3));
  CHECK(render(nul, diag({1, 3}, 1, "m")) == "t.scn:1:3: error: m\n    1 | x?y\n      |   ^\n");
}

TEST_CASE("render: a 1 MB line is shown as a short window around the caret", "[diagnostics][render][long]") {
  const std::size_t n = 1u << 20;
  std::string line(n, 'a');
  line[500'000] = '$';  // column 500001
  const SourceFile f("t.scn", line + "\n");
  const auto out = render(f, diag({1, 500'001}, 1, "unexpected character '$'"));
  CHECK(out.size() < 400);
  const auto l = lines_of(out);
  REQUIRE(l.size() == 3);
  CHECK(l[0] == "t.scn:1:500001: error: unexpected character '$'");
  CHECK(l[1] == "    1 | ..." + std::string(60, 'a') + "$" + std::string(59, 'a') + "...");
  CHECK(l[2] == "      | " + std::string(63, ' ') + "^");
  // The caret is under the '$'.
  CHECK(l[1].find('$') == l[2].find('^'));
}

TEST_CASE("render: long lines are cut only on the side that is too long", "[diagnostics][render][long]") {
  const std::string line = std::string(9, 'a') + "$" + std::string(990, 'b');
  const SourceFile f("t.scn", line);
  // Near the start: no leading "...", 120 columns, then "...".
  const auto start = lines_of(render(f, diag({1, 10}, 1, "m")));
  CHECK(start[1] == "    1 | " + std::string(9, 'a') + "$" + std::string(110, 'b') + "...");
  CHECK(start[2] == "      | " + std::string(9, ' ') + "^");
  // At the end of the line (column 1001): the last 60 columns, no trailing "...".
  const auto end = lines_of(render(f, diag({1, 1001}, 1, "m")));
  CHECK(end[1] == "    1 | ..." + std::string(60, 'b'));
  CHECK(end[2] == "      | " + std::string(63, ' ') + "^");
  // A line of exactly 120 columns is shown whole.
  const SourceFile exact("t.scn", std::string(120, 'c'));
  CHECK(lines_of(render(exact, diag({1, 1}, 1, "m")))[1] == "    1 | " + std::string(120, 'c'));
}

TEST_CASE("render: an underline longer than the window is capped", "[diagnostics][render][long]") {
  const SourceFile f("t.scn", std::string(5000, '9'));
  const auto l = lines_of(render(f, diag({1, 1}, 5000, "integer literal is out of range")));
  REQUIRE(l.size() == 3);
  CHECK(l[2] == "      | ^" + std::string(119, '~'));
}

// ---- render_all and the sink -----------------------------------------------------------

TEST_CASE("render_all: diagnostics in file order, then the error count", "[diagnostics][render_all]") {
  const SourceFile f("t.scn", "a\nb\nc\n");
  DiagnosticSink sink;
  sink.error({3, 1}, 1, "third");
  sink.error({1, 1}, 1, "first");
  sink.error({}, 1, "no position");
  sink.error({3, 1}, 1, "third, reported later");
  const auto out = render_all(f, sink);
  CHECK(out ==
        "t.scn: error: no position\n"
        "t.scn:1:1: error: first\n    1 | a\n      | ^\n"
        "t.scn:3:1: error: third\n    3 | c\n      | ^\n"
        "t.scn:3:1: error: third, reported later\n    3 | c\n      | ^\n"
        "t.scn: 4 errors\n");
}

TEST_CASE("render_all: same-line diagnostics are ordered by column", "[diagnostics][render_all]") {
  const SourceFile f("t.scn", "abcdef\n");
  DiagnosticSink sink;
  sink.error({1, 5}, 1, "later");
  sink.error({1, 2}, 1, "earlier");
  const auto l = lines_of(render_all(f, sink));
  CHECK(l.at(0) == "t.scn:1:2: error: earlier");
  CHECK(l.at(3) == "t.scn:1:5: error: later");
}

TEST_CASE("render_all: '1 error' in the singular, nothing for a clean sink, warnings not counted",
          "[diagnostics][render_all]") {
  const SourceFile f("t.scn", "a\n");
  DiagnosticSink one;
  one.error({1, 1}, 1, "m");
  CHECK(lines_of(render_all(f, one)).back() == "t.scn: 1 error");
  CHECK(render_all(f, DiagnosticSink{}).empty());
  DiagnosticSink warn;
  Diagnostic w = diag({1, 1}, 1, "just a warning");
  w.severity = Severity::warning;
  warn.report(w);
  CHECK(warn.error_count() == 0);
  CHECK_FALSE(warn.has_errors());
  CHECK(render_all(f, warn) == "t.scn:1:1: warning: just a warning\n    1 | a\n      | ^\n");
}

TEST_CASE("render_all: a sink cut off at its limit says so", "[diagnostics][render_all]") {
  const SourceFile f("t.scn", "a\n");
  DiagnosticSink sink(2);
  sink.error({1, 1}, 1, "one");
  sink.error({1, 1}, 1, "two");
  sink.error({1, 1}, 1, "three");
  const auto l = lines_of(render_all(f, sink));
  CHECK(l.size() == 7);
  CHECK(l.back() == "t.scn: error: too many errors; stopped after 2");
}

TEST_CASE("DiagnosticSink: report() says when the limit is reached and drops what comes after",
          "[diagnostics][sink]") {
  DiagnosticSink sink(3);
  CHECK(sink.error({1, 1}, 1, "a"));
  CHECK(sink.error({2, 1}, 1, "b"));
  CHECK_FALSE(sink.full());
  CHECK_FALSE(sink.error({3, 1}, 1, "c"));  // the third fills the sink
  CHECK(sink.full());
  CHECK_FALSE(sink.truncated());
  CHECK_FALSE(sink.error({4, 1}, 1, "d"));
  CHECK(sink.truncated());
  CHECK(sink.all().size() == 3);
  CHECK(sink.error_count() == 3);
  CHECK(sink.all().back().message == "c");
}

TEST_CASE("DiagnosticSink: error() fills in severity, length at least one, and help", "[diagnostics][sink]") {
  DiagnosticSink sink;
  sink.error({2, 3}, 0, "msg", "do this");
  REQUIRE(sink.all().size() == 1);
  const auto& d = sink.all()[0];
  CHECK(d.severity == Severity::error);
  CHECK(d.loc == Loc{2, 3});
  CHECK(d.length == 1);
  CHECK(d.message == "msg");
  CHECK(d.help == "do this");
  CHECK(d.notes.empty());
  CHECK(sink.has_errors());
  CHECK(DiagnosticSink::default_limit == 50);
}

TEST_CASE("load: at most 50 errors per file, and the report says it stopped", "[diagnostics][render_all]") {
  std::string text = "main:\n";
  for (int i = 0; i < 60; ++i) text += "    let x" + std::to_string(i) + " = nope" + std::to_string(i) + "\n";
  const auto r = test::load(text);
  CHECK(r.diagnostics.all().size() == 50);
  const auto l = lines_of(r.render());
  CHECK(l.back() == "t.scn: error: too many errors; stopped after 50");
  // A smaller limit from the options.
  LoadOptions o;
  o.max_errors = 5;
  CHECK(test::load(text, o).diagnostics.all().size() == 5);
}

TEST_CASE("load: the report says it stopped when the lexer or parser hit the limit",
          "[diagnostics][render_all]") {
  // Regression (fixed): the lexer and parser stop as soon as the sink is full() and never try to report
  // the 51st error, so truncated() stays false and the report ends "t.scn: 50 errors"
  // although errors were cut (only the resolver's extra report() sets truncated).
  std::string text = "main:\n";
  for (int i = 0; i < 60; ++i) text += "    let x" + std::to_string(i) + " = $\n";
  const auto r = test::load(text);
  REQUIRE(r.diagnostics.all().size() == 50);
  CHECK(lines_of(r.render()).back() == "t.scn: error: too many errors; stopped after 50");
}

TEST_CASE("load: a whole file's report, rendered", "[diagnostics][render_all]") {
  const auto r = test::load("shared balance = 0\nthread t(n):\n    balanse = balance + n\nmain:\n    spawn t(1)\n");
  CHECK(r.render() ==
        "t.scn:3:5: error: assignment to undeclared name 'balanse'\n"
        "    3 |     balanse = balance + n\n"
        "      |     ^~~~~~~\n"
        "      = help: did you mean 'balance'? To declare a local, write 'let balanse = ...'\n"
        "t.scn: 1 error\n");
}

TEST_CASE("load_file: unreadable paths give one I/O error line", "[diagnostics][io]") {
  const auto missing = load_file("/nonexistent/dir/x.scn");
  CHECK_FALSE(missing.ok());
  CHECK(missing.file == nullptr);
  CHECK(missing.render() == "/nonexistent/dir/x.scn: error: cannot open: No such file or directory\n");
  const auto dir = load_file(std::string(INTERLEAVE_SOURCE_DIR) + "/scenarios");
  CHECK(dir.render() == std::string(INTERLEAVE_SOURCE_DIR) + "/scenarios: error: is a directory, not a file\n");
}

TEST_CASE("render: C1 controls and bidirectional overrides are shown as '?'", "[diagnostics][render]") {
  // U+0085 (C1 NEL) and U+202E (RIGHT-TO-LEFT OVERRIDE) are one column each.
  const SourceFile f("t.scn", "a\xc2\x85" "b\xe2\x80\xae" "c é\n");
  CHECK(render(f, diag({1, 5}, 1, "m")) ==
        "t.scn:1:5: error: m\n"
        "    1 | a?b?c é\n"
        "      |     ^\n");
}
