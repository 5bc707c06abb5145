// Lexer: token kinds and positions, indentation, literals, comments and every lexical error.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "frontend_helpers.hpp"
#include "interleave/trivia.hpp"

namespace Catch {
template <>
struct StringMaker<interleave::Tok> {
  static std::string convert(interleave::Tok t) { return std::string(interleave::describe(t)); }
};
}  // namespace Catch

using namespace interleave;
using interleave::test::kinds;
using interleave::test::lex_text;

namespace {

// The tokens of a text without the trailing end-of-line/dedent/end-of-file bookkeeping of
// the last line, for compact comparisons.
std::vector<Tok> line_kinds(const std::string& text) {
  auto k = kinds(lex_text(text).tokens);
  while (!k.empty() && (k.back() == Tok::end_of_file || k.back() == Tok::dedent || k.back() == Tok::newline))
    k.pop_back();
  return k;
}

const Token& first(const test::Lexed& l) { return l.tokens.at(0); }

}  // namespace

TEST_CASE("lexer: a declaration line gives keyword, name, '=', integer, end of line, end of file", "[lexer]") {
  const auto l = lex_text("shared balance = 0\n");
  REQUIRE(l.errors.empty());
  REQUIRE(kinds(l.tokens) ==
          std::vector<Tok>{Tok::kw_shared, Tok::identifier, Tok::assign, Tok::integer, Tok::newline, Tok::end_of_file});
  CHECK(l.tokens[0].loc == Loc{1, 1});
  CHECK(l.tokens[0].length == 6);
  CHECK(l.tokens[1].text == "balance");
  CHECK(l.tokens[1].loc == Loc{1, 8});
  CHECK(l.tokens[1].length == 7);
  CHECK(l.tokens[2].loc == Loc{1, 16});
  CHECK(l.tokens[3].loc == Loc{1, 18});
  CHECK(l.tokens[3].magnitude == 0);
  CHECK(l.tokens[4].loc == Loc{1, 19});  // end of line just past the last character
  CHECK(l.tokens[5].loc == Loc{2, 1});
}

TEST_CASE("lexer: every punctuation and operator token", "[lexer]") {
  const auto l = lex_text("( ) [ ] , : . = == != < <= > >= + - * / %");
  REQUIRE(l.errors.empty());
  REQUIRE(line_kinds("( ) [ ] , : . = == != < <= > >= + - * / %") ==
          std::vector<Tok>{Tok::lparen, Tok::rparen, Tok::lbracket, Tok::rbracket, Tok::comma, Tok::colon, Tok::dot,
                           Tok::assign, Tok::eq, Tok::ne, Tok::lt, Tok::le, Tok::gt, Tok::ge, Tok::plus, Tok::minus,
                           Tok::star, Tok::slash, Tok::percent});
  // Two-character operators are one token two columns long.
  CHECK(l.tokens[8].loc == Loc{1, 17});
  CHECK(l.tokens[8].length == 2);
  CHECK(l.tokens[9].loc == Loc{1, 20});
  CHECK(l.tokens[9].length == 2);
}

TEST_CASE("lexer: two-character operators need no spaces around them", "[lexer]") {
  REQUIRE(line_kinds("a<=b>=c==d!=e<f>g=h") ==
          std::vector<Tok>{Tok::identifier, Tok::le, Tok::identifier, Tok::ge, Tok::identifier, Tok::eq,
                           Tok::identifier, Tok::ne, Tok::identifier, Tok::lt, Tok::identifier, Tok::gt,
                           Tok::identifier, Tok::assign, Tok::identifier});
}

TEST_CASE("lexer: keywords are recognised and builtins are reserved", "[lexer]") {
  CHECK(keyword_kind("thread") == Tok::kw_thread);
  CHECK(keyword_kind("elif") == Tok::kw_elif);
  CHECK(keyword_kind("any") == Tok::kw_any);
  CHECK(keyword_kind("range") == Tok::kw_range);
  CHECK(keyword_kind("thread_name") == Tok::kw_thread_name);
  CHECK(keyword_kind("on") == Tok::kw_on);
  // Method names, memory orders and verdict kinds are ordinary names.
  CHECK(keyword_kind("lock") == Tok::identifier);
  CHECK(keyword_kind("relaxed") == Tok::identifier);
  CHECK(keyword_kind("race") == Tok::identifier);
  CHECK(keyword_kind("Thread") == Tok::identifier);  // case-sensitive
  CHECK(is_keyword(Tok::kw_scenario));
  CHECK(is_keyword(Tok::kw_thread_name));
  CHECK_FALSE(is_keyword(Tok::identifier));
  CHECK_FALSE(is_keyword(Tok::percent));
}

TEST_CASE("lexer: identifiers may contain digits and underscores and keep their spelling", "[lexer]") {
  const auto l = lex_text("_x1 run_thread2 threads");
  REQUIRE(l.errors.empty());
  REQUIRE(l.tokens.size() >= 3);
  CHECK(l.tokens[0].kind == Tok::identifier);
  CHECK(l.tokens[0].text == "_x1");
  CHECK(l.tokens[1].text == "run_thread2");
  CHECK(l.tokens[1].loc == Loc{1, 5});
  CHECK(l.tokens[2].kind == Tok::identifier);  // 'threads' is not the keyword 'thread'
}

TEST_CASE("lexer: describe() names tokens the way messages spell them", "[lexer]") {
  CHECK(describe(Tok::newline) == "end of line");
  CHECK(describe(Tok::end_of_file) == "end of file");
  CHECK(describe(Tok::indent) == "an indented block");
  CHECK(describe(Tok::identifier) == "a name");
  CHECK(describe(Tok::colon) == "':'");
  CHECK(describe(Tok::ne) == "'!='");
  CHECK(describe(Tok::kw_while) == "'while'");
}

TEST_CASE("lexer: columns count UTF-8 code points, not bytes", "[lexer]") {
  // "é" is two bytes, "→" three, "😀" four: one column each.
  const auto l = lex_text("print \"é→😀\", x # ü\n");
  REQUIRE(l.errors.empty());
  REQUIRE(kinds(l.tokens) ==
          std::vector<Tok>{Tok::kw_print, Tok::string, Tok::comma, Tok::identifier, Tok::newline, Tok::end_of_file});
  CHECK(l.tokens[1].loc == Loc{1, 7});
  CHECK(l.tokens[1].length == 5);  // quote, three characters, quote
  CHECK(l.tokens[1].text == "é→😀");
  CHECK(l.tokens[2].loc == Loc{1, 12});
  CHECK(l.tokens[3].loc == Loc{1, 14});
  CHECK(l.tokens[4].loc == Loc{1, 19});  // end of line counts the comment's characters too
}

TEST_CASE("lexer: deeper lines give indent, shallower lines give one dedent per closed block", "[lexer]") {
  const auto l = lex_text("main:\n    if x:\n        yield\n    fence\nfinal x\n");
  REQUIRE(l.errors.empty());
  REQUIRE(kinds(l.tokens) == std::vector<Tok>{
                                 Tok::kw_main, Tok::colon, Tok::newline,                      // 1
                                 Tok::indent, Tok::kw_if, Tok::identifier, Tok::colon, Tok::newline,  // 2
                                 Tok::indent, Tok::kw_yield, Tok::newline,                    // 3
                                 Tok::dedent, Tok::kw_fence, Tok::newline,                    // 4
                                 Tok::dedent, Tok::kw_final, Tok::identifier, Tok::newline,   // 5
                                 Tok::end_of_file});
  CHECK(l.tokens[3].loc == Loc{2, 5});   // indent at the first character of the line
  CHECK(l.tokens[8].loc == Loc{3, 9});
  CHECK(l.tokens[11].loc == Loc{4, 5});  // dedent at the first character of the line
  CHECK(l.tokens[14].loc == Loc{5, 1});
}

TEST_CASE("lexer: closing two blocks at once gives two dedents, and the end of file closes open blocks", "[lexer]") {
  const auto l = lex_text("main:\n    while x:\n        yield\nfinal x\nthread t:\n    yield");
  REQUIRE(l.errors.empty());
  const auto k = kinds(l.tokens);
  REQUIRE(k == std::vector<Tok>{Tok::kw_main, Tok::colon, Tok::newline, Tok::indent, Tok::kw_while, Tok::identifier,
                                Tok::colon, Tok::newline, Tok::indent, Tok::kw_yield, Tok::newline, Tok::dedent,
                                Tok::dedent, Tok::kw_final, Tok::identifier, Tok::newline, Tok::kw_thread,
                                Tok::identifier, Tok::colon, Tok::newline, Tok::indent, Tok::kw_yield, Tok::newline,
                                Tok::dedent, Tok::end_of_file});
  CHECK(l.tokens[11].loc == Loc{4, 1});
  CHECK(l.tokens[12].loc == Loc{4, 1});
  CHECK(l.tokens[23].loc == Loc{7, 1});  // end-of-file dedent on the line after the last
  CHECK(l.tokens[24].loc == Loc{7, 1});
}

TEST_CASE("lexer: blank and comment-only lines give no tokens, whatever their indentation", "[lexer]") {
  const auto l = lex_text("main:\n\n      # a comment at an odd indentation\n    yield\n  \n# top-level comment\n    fence\n");
  REQUIRE(l.errors.empty());
  REQUIRE(kinds(l.tokens) == std::vector<Tok>{Tok::kw_main, Tok::colon, Tok::newline, Tok::indent, Tok::kw_yield,
                                              Tok::newline, Tok::kw_fence, Tok::newline, Tok::dedent,
                                              Tok::end_of_file});
  CHECK(l.tokens[3].loc == Loc{4, 5});
  CHECK(l.tokens[6].loc == Loc{7, 5});
}

TEST_CASE("lexer: a comment ends the line's tokens, and '#' inside a string is text", "[lexer]") {
  const auto l = lex_text("print \"a # b\", x # c \"d\n");
  REQUIRE(l.errors.empty());
  REQUIRE(kinds(l.tokens) ==
          std::vector<Tok>{Tok::kw_print, Tok::string, Tok::comma, Tok::identifier, Tok::newline, Tok::end_of_file});
  CHECK(l.tokens[1].text == "a # b");
}

TEST_CASE("lexer: an empty file is just the end of file", "[lexer]") {
  const auto l = lex_text("");
  REQUIRE(l.errors.empty());
  REQUIRE(kinds(l.tokens) == std::vector<Tok>{Tok::end_of_file});
}

TEST_CASE("lexer: CRLF line endings lex exactly like LF", "[lexer]") {
  const auto crlf = lex_text("main:\r\n    x = 1\r\n");
  const auto lf = lex_text("main:\n    x = 1\n");
  REQUIRE(crlf.errors.empty());
  REQUIRE(kinds(crlf.tokens) == kinds(lf.tokens));
  for (std::size_t i = 0; i < lf.tokens.size(); ++i) CHECK(crlf.tokens[i].loc == lf.tokens[i].loc);
  // The end of line is after the last visible character, not after the '\r'.
  CHECK(crlf.tokens[2].loc == Loc{1, 6});
}

TEST_CASE("lexer: integers, with '_' separators", "[lexer]") {
  const auto l = lex_text("0 42 1_000 1_000_000 9223372036854775807");
  REQUIRE(l.errors.empty());
  REQUIRE(l.tokens.size() == 7);
  CHECK(l.tokens[0].magnitude == 0);
  CHECK(l.tokens[1].magnitude == 42);
  CHECK(l.tokens[2].magnitude == 1000);
  CHECK(l.tokens[2].text == "1_000");  // spelling as written
  CHECK(l.tokens[2].length == 5);
  CHECK(l.tokens[3].magnitude == 1'000'000);
  CHECK(l.tokens[4].magnitude == 9223372036854775807u);
  CHECK(l.tokens[4].loc == Loc{1, 22});
}

TEST_CASE("lexer: 2^63 is accepted as a magnitude, so that -9223372036854775808 can be written", "[lexer]") {
  const auto l = lex_text("-9223372036854775808");
  REQUIRE(l.errors.empty());
  REQUIRE(l.tokens.size() == 4);
  CHECK(l.tokens[0].kind == Tok::minus);
  CHECK(l.tokens[1].kind == Tok::integer);
  CHECK(l.tokens[1].magnitude == (std::uint64_t{1} << 63));
}

TEST_CASE("lexer: an integer above 2^63 is out of range", "[lexer]") {
  const auto l = lex_text("x = 9223372036854775809\n");
  REQUIRE(l.errors == std::vector<std::string>{"1:5: integer literal '9223372036854775809' is out of range"});
  CHECK(l.diagnostics[0].length == 19);
  CHECK(l.diagnostics[0].help == "integers are 64-bit: -9223372036854775808 to 9223372036854775807");
  const auto big = lex_text("99999999999999999999999999");
  REQUIRE(big.errors == std::vector<std::string>{"1:1: integer literal '99999999999999999999999999' is out of range"});
}

TEST_CASE("lexer: a misplaced '_' in an integer is an error", "[lexer]") {
  CHECK(lex_text("x = 1__000").errors == std::vector<std::string>{"1:5: misplaced '_' in integer '1__000'"});
  CHECK(lex_text("x = 1_").errors == std::vector<std::string>{"1:5: misplaced '_' in integer '1_'"});
  CHECK(lex_text("x = 10_ + 1").errors == std::vector<std::string>{"1:5: misplaced '_' in integer '10_'"});
  const auto l = lex_text("x = 1__000");
  CHECK(l.diagnostics[0].length == 6);
  CHECK(l.diagnostics[0].help == "'_' may only separate digits, as in 1_000_000");
  // A leading underscore makes a name, not a number.
  const auto name = lex_text("_1");
  CHECK(name.errors.empty());
  CHECK(name.tokens[0].kind == Tok::identifier);
}

TEST_CASE("lexer: durations in ns, us, ms and s are in nanoseconds", "[lexer]") {
  const auto l = lex_text("7ns 5us 10ms 2s 1_500us");
  REQUIRE(l.errors.empty());
  REQUIRE(kinds(l.tokens) == std::vector<Tok>{Tok::duration, Tok::duration, Tok::duration, Tok::duration,
                                              Tok::duration, Tok::newline, Tok::end_of_file});
  CHECK(l.tokens[0].magnitude == 7);
  CHECK(l.tokens[1].magnitude == 5'000);
  CHECK(l.tokens[2].magnitude == 10'000'000);
  CHECK(l.tokens[2].text == "10ms");
  CHECK(l.tokens[2].length == 4);
  CHECK(l.tokens[3].magnitude == 2'000'000'000);
  CHECK(l.tokens[4].magnitude == 1'500'000);
  CHECK(l.tokens[4].loc == Loc{1, 17});
}

TEST_CASE("lexer: an unknown suffix on an integer is an error", "[lexer]") {
  const auto l = lex_text("sleep 5sec\n");
  REQUIRE(l.errors == std::vector<std::string>{"1:7: invalid suffix 'sec' on integer"});
  CHECK(l.diagnostics[0].length == 4);
  CHECK(l.diagnostics[0].help == "a duration is an integer followed by ns, us, ms or s, as in 10ms");
  CHECK(lex_text("x = 3x").errors == std::vector<std::string>{"1:5: invalid suffix 'x' on integer"});
  CHECK(lex_text("x = 1min").errors == std::vector<std::string>{"1:5: invalid suffix 'min' on integer"});
}

TEST_CASE("lexer: a duration too long for 64-bit nanoseconds is an error", "[lexer]") {
  CHECK(lex_text("sleep 18446744073709551s").errors ==
        std::vector<std::string>{"1:7: duration '18446744073709551s' is too long"});
  // A large but representable duration is fine: 10^9 s.
  const auto ok = lex_text("sleep 1000000000s");
  CHECK(ok.errors.empty());
  CHECK(ok.tokens[1].magnitude == 1'000'000'000'000'000'000u);
}

TEST_CASE("lexer: strings decode the two escapes (quote and backslash) and keep everything else", "[lexer]") {
  const auto l = lex_text(R"(about "say \"hi\" \\ now")");
  REQUIRE(l.errors.empty());
  REQUIRE(l.tokens[1].kind == Tok::string);
  CHECK(l.tokens[1].text == R"(say "hi" \ now)");
  CHECK(l.tokens[1].loc == Loc{1, 7});
  CHECK(l.tokens[1].length == 19);  // as written, quotes and backslashes included
  const auto empty = lex_text(R"(crash "")");
  CHECK(empty.tokens[1].text.empty());
  CHECK(empty.tokens[1].length == 2);
  const auto tab = lex_text("crash \"a\tb\"");
  CHECK(tab.errors.empty());
  CHECK(tab.tokens[1].text == "a\tb");
}

TEST_CASE("lexer: an unknown escape sequence is an error at the backslash", "[lexer]") {
  const auto l = lex_text(R"(print "a\nb")");
  REQUIRE(l.errors == std::vector<std::string>{R"(1:9: unknown escape sequence '\n')"});
  CHECK(l.diagnostics[0].length == 2);
  CHECK(l.diagnostics[0].help == R"(the only escapes are \" and \\)");
  CHECK(lex_text(R"(print "\é")").errors == std::vector<std::string>{R"(1:8: unknown escape sequence '\é')"});
}

TEST_CASE("lexer: an unterminated string is an error at its opening quote", "[lexer]") {
  const auto l = lex_text("print \"abc\nyield\n");
  REQUIRE(l.errors == std::vector<std::string>{"1:7: unterminated string"});
  CHECK(l.diagnostics[0].help == "close it with '\"' on the same line");
  // The next line is lexed normally.
  bool saw_yield = false;
  for (const auto& t : l.tokens)
    if (t.kind == Tok::kw_yield) saw_yield = t.loc == Loc{2, 1};
  CHECK(saw_yield);
}

TEST_CASE("lexer: control characters and invalid UTF-8 inside strings are errors", "[lexer]") {
  CHECK(lex_text("crash \"a\x01z\"").errors == std::vector<std::string>{"1:9: control character 0x01 in string"});
  const auto l = lex_text("crash \"ab\xff\"");
  REQUIRE(l.errors == std::vector<std::string>{"1:10: invalid UTF-8 byte 0xFF in string"});
  CHECK(l.diagnostics[0].help == "scenario files are UTF-8 text");
}

TEST_CASE("lexer: a tab in indentation is an error naming the line", "[lexer]") {
  const auto l = lex_text("main:\n\tyield\n");
  REQUIRE(l.errors == std::vector<std::string>{"2:1: tab in indentation"});
  CHECK(l.diagnostics[0].help == "indent with spaces only (4 per level is the convention)");
  // After spaces too: the column is the tab's.
  CHECK(lex_text("main:\n    \tyield\n").errors == std::vector<std::string>{"2:5: tab in indentation"});
  // A tab between tokens is ordinary whitespace.
  CHECK(lex_text("x =\t1").errors.empty());
}

TEST_CASE("lexer: an unindent to a level that was never opened is an error", "[lexer]") {
  const auto l = lex_text("main:\n    if x:\n        yield\n  yield\n");
  REQUIRE(l.errors == std::vector<std::string>{"4:3: unindent does not match any outer indentation level"});
  CHECK(l.diagnostics[0].help == "indent this line by 0 spaces to continue the enclosing block");
}

TEST_CASE("lexer: invalid UTF-8 is reported once with the byte's value", "[lexer]") {
  const auto l = lex_text("x = \xff\xfe\n");
  REQUIRE(l.errors == std::vector<std::string>{"1:5: invalid UTF-8 byte 0xFF"});
  CHECK(l.diagnostics[0].help == "scenario files are UTF-8 text");
  // Overlong encodings and lone continuation bytes are invalid too.
  CHECK(lex_text("\xc0\x80").errors == std::vector<std::string>{"1:1: invalid UTF-8 byte 0xC0"});
  CHECK(lex_text("a \x80").errors == std::vector<std::string>{"1:3: invalid UTF-8 byte 0x80"});
  // In a comment as well.
  CHECK(lex_text("yield # caf\xe9\n").errors == std::vector<std::string>{"1:12: invalid UTF-8 byte 0xE9"});
  CHECK(lex_text("    # \xff\n").errors == std::vector<std::string>{"1:7: invalid UTF-8 byte 0xFF"});
}

TEST_CASE("lexer: '!' alone is an error that suggests 'not' or '!='", "[lexer]") {
  const auto l = lex_text("if !done:");
  REQUIRE(l.errors == std::vector<std::string>{"1:4: unexpected '!'"});
  CHECK(l.diagnostics[0].help == "write 'not x' for negation, or '!=' for inequality");
  CHECK(kinds(l.tokens)[1] == Tok::error);
}

TEST_CASE("lexer: '&&' and '||' are errors that suggest 'and' and 'or'; '&' and '|' are bitwise operators", "[lexer]") {
  const auto a = lex_text("x = a && b");
  REQUIRE(a.errors == std::vector<std::string>{"1:7: unexpected '&&'"});
  CHECK(a.diagnostics[0].length == 2);
  CHECK(a.diagnostics[0].help == "write 'and' ('&' is bitwise and)");
  CHECK(lex_text("x = a & b").errors.empty());
  CHECK(kinds(lex_text("x = a & b").tokens)[3] == Tok::amp);
  const auto o = lex_text("x = a || b");
  REQUIRE(o.errors == std::vector<std::string>{"1:7: unexpected '||'"});
  CHECK(o.diagnostics[0].length == 2);
  CHECK(o.diagnostics[0].help == "write 'or' ('|' is bitwise or)");
  CHECK(kinds(lex_text("x = a | b").tokens)[3] == Tok::pipe);
  // The operator is skipped whole: the next token is 'b'.
  const auto k = kinds(a.tokens);
  CHECK(k[3] == Tok::error);
  CHECK(a.tokens[4].kind == Tok::identifier);
  CHECK(a.tokens[4].loc == Loc{1, 10});
}

TEST_CASE("lexer: other unexpected characters are named, non-ASCII ones whole", "[lexer]") {
  const auto d = lex_text("x = $y");
  REQUIRE(d.errors == std::vector<std::string>{"1:5: unexpected character '$'"});
  CHECK(d.diagnostics[0].help == "names are ASCII letters, digits and '_'; text belongs in a \"string\"");
  CHECK(lex_text("let café = 1").errors == std::vector<std::string>{"1:8: unexpected character 'é'"});
  CHECK(lex_text("x = 1 → 2").errors == std::vector<std::string>{"1:7: unexpected character '→'"});
  CHECK(lex_text("x = a;").errors == std::vector<std::string>{"1:6: unexpected ';'"});  // with its own help (v2)
  CHECK(lex_text("x = 'a'").errors == std::vector<std::string>{"1:5: unexpected character '''"});
}

TEST_CASE("lexer: control characters outside strings are errors", "[lexer]") {
  CHECK(lex_text("x = 1\x01").errors == std::vector<std::string>{"1:6: unexpected control character 0x01"});
  CHECK(lex_text("a\x7f").errors == std::vector<std::string>{"1:2: unexpected control character 0x7F"});
}

TEST_CASE("lexer: one lexical error per line, however many mistakes it has", "[lexer]") {
  const auto l = lex_text("x = a ! b && c || d $ e\ny = 1__2 \"\\q\" \xff\nz = @\n");
  REQUIRE(l.errors == std::vector<std::string>{"1:7: unexpected '!'", "2:5: misplaced '_' in integer '1__2'",
                                               "3:5: unexpected character '@'"});
}

TEST_CASE("lexer: a bad character leaves an error token and the rest of the line is still lexed", "[lexer]") {
  const auto l = lex_text("a $ b\n");
  REQUIRE(kinds(l.tokens) ==
          std::vector<Tok>{Tok::identifier, Tok::error, Tok::identifier, Tok::newline, Tok::end_of_file});
  CHECK(l.tokens[1].loc == Loc{1, 3});
  CHECK(l.tokens[2].loc == Loc{1, 5});
}

TEST_CASE("lexer: the lexer stops at the diagnostic limit", "[lexer]") {
  std::string text;
  for (int i = 0; i < 80; ++i) text += "$\n";
  SourceFile file("t.scn", text);
  DiagnosticSink sink(10);
  lex(file, sink);
  CHECK(sink.all().size() == 10);
  CHECK(sink.all().back().loc == Loc{10, 1});
}

TEST_CASE("lexer: a file without a final newline still ends its last line with an end-of-line token", "[lexer]") {
  const auto l = lex_text("abc");
  CHECK(first(l).kind == Tok::identifier);
  CHECK(first(l).length == 3);
  // Without a final newline the line still ends with an end-of-line token.
  CHECK(kinds(l.tokens) == std::vector<Tok>{Tok::identifier, Tok::newline, Tok::end_of_file});
  CHECK(l.tokens[1].loc == Loc{1, 4});
}

TEST_CASE("lexer: invisible and text-reordering characters are named by code point", "[lexer]") {
  // U+202E RIGHT-TO-LEFT OVERRIDE, U+00A0 NO-BREAK SPACE, U+FEFF BYTE ORDER MARK
  CHECK(lex_text("x = \xe2\x80\xae").errors == std::vector<std::string>{"1:5: unexpected character U+202E"});
  CHECK(lex_text("x =\xc2\xa0" "1").errors == std::vector<std::string>{"1:4: unexpected character U+00A0"});
  CHECK(lex_text("\xef\xbb\xbfmain:").errors == std::vector<std::string>{"1:1: unexpected character U+FEFF"});
}

TEST_CASE("lexer: an unknown escape of an unprintable byte is quoted in hex", "[lexer]") {
  CHECK(lex_text("crash \"\\\x01\"").errors == std::vector<std::string>{"1:8: unknown escape sequence '\\\\x01'"});
}

TEST_CASE("lexer: comments and blank lines are collected as trivia for the formatter", "[lexer][comments]") {
  SourceFile file("t.scn", "# whole line  \n\nshared x = 0  # after code\n   \nabout \"# in a string\"\r\n    # indented\n");
  DiagnosticSink sink;
  Trivia trivia;
  lex(file, sink, &trivia);
  REQUIRE(trivia.comments.size() == 3);
  CHECK(trivia.comments[0].text == "# whole line");
  CHECK(trivia.comments[0].loc == Loc{1, 1});
  CHECK_FALSE(trivia.comments[0].trailing);
  CHECK(trivia.comments[1].text == "# after code");
  CHECK(trivia.comments[1].loc == Loc{3, 15});
  CHECK(trivia.comments[1].trailing);
  CHECK(trivia.comments[2].text == "# indented");
  CHECK(trivia.comments[2].loc == Loc{6, 5});
  CHECK(trivia.blank_lines == std::vector<std::uint32_t>{2, 4});
  CHECK(trivia.is_blank(4));
  CHECK_FALSE(trivia.is_blank(5));
}
