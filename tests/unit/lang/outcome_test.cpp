// `outcome` lines: their syntax tree, resolved values, canonical form, explain lines and
// every diagnostic (exact message, position and help), plus the compiled Module::outcomes.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "frontend_helpers.hpp"
#include "interleave/bytecode.hpp"
#include "interleave/diagnostics.hpp"
#include "interleave/printer.hpp"
#include "interleave/source.hpp"
#include "interleave/steps.hpp"
#include "interleave/token.hpp"

using namespace interleave;
using interleave::test::load;
using interleave::test::messages;
using interleave::test::parse_only;

namespace {

using Msgs = std::vector<std::string>;

// Store buffering, the program every test below classifies; `tail` follows the observe line.
std::string sb(const std::string& tail, const std::string& observe = "observe r0, r1\n") {
  return "const ONE = 1\n"
         "shared x = 0\n"
         "shared y = 0\n"
         "shared r0 = 0\n"
         "shared r1 = 0\n"
         "\n"
         "thread a:\n"
         "    x = 1\n"
         "    r0 = y\n"
         "\n"
         "thread b:\n"
         "    y = 1\n"
         "    r1 = x\n"
         "\n" +
         observe + tail;  // the observe is line 15, outcome lines start at 16
}

std::vector<const Decl*> outcomes_of(const Program& p) {
  std::vector<const Decl*> out;
  for (const auto& d : p.decls)
    if (d.kind == DeclKind::outcome) out.push_back(&d);
  return out;
}

}  // namespace

TEST_CASE("outcome: values, class and description are parsed; else has no values", "[outcome][parser]") {
  const auto r = parse_only(sb("outcome 0, 0 interesting \"both loads first\"\n"
                               "outcome ONE, -1 acceptable\n"
                               "outcome else forbidden \"never\"\n"));
  REQUIRE(r.ok());
  const auto os = outcomes_of(*r.program);
  REQUIRE(os.size() == 3);
  CHECK(os[0]->exprs.size() == 2);
  CHECK(os[0]->outcome == OutcomeClass::interesting);
  CHECK(os[0]->message == std::optional<std::string>("both loads first"));
  CHECK_FALSE(os[0]->outcome_else);
  CHECK(os[0]->loc == Loc{16, 1});
  CHECK(os[1]->outcome == OutcomeClass::acceptable);
  CHECK_FALSE(os[1]->message.has_value());
  CHECK(os[1]->exprs[0]->kind == ExprKind::name);
  CHECK(os[1]->exprs[1]->kind == ExprKind::integer);  // the parser folds a negated literal
  CHECK(os[1]->exprs[1]->value == -1);
  CHECK(os[2]->outcome_else);
  CHECK(os[2]->exprs.empty());
  CHECK(os[2]->outcome == OutcomeClass::forbidden);
}

TEST_CASE("outcome: the resolver evaluates integers, negative integers and consts", "[outcome][resolver]") {
  const auto r = load(sb("outcome ONE, -1 acceptable\noutcome 0, 0 interesting\n"));
  REQUIRE(r.ok());
  const auto os = outcomes_of(*r.program);
  CHECK(os[0]->outcome_values == std::vector<std::int64_t>{1, -1});
  CHECK(os[1]->outcome_values == std::vector<std::int64_t>{0, 0});
}

TEST_CASE("outcome: the compiled module lists the outcomes and the catch-all with their lines", "[outcome][compiler]") {
  const auto r = load(sb("outcome 0, 0 interesting \"sb\"\noutcome 1, 1 acceptable\noutcome else forbidden\n"));
  REQUIRE(r.ok());
  const Module m = compile(*r.program);
  REQUIRE(m.outcomes.size() == 2);
  CHECK(m.outcomes[0].values == std::vector<std::int64_t>{0, 0});
  CHECK(m.outcomes[0].cls == OutcomeClass::interesting);
  CHECK(m.outcomes[0].description == std::optional<std::string>("sb"));
  CHECK(m.sites[m.outcomes[0].site].loc == Loc{16, 1});
  CHECK(m.sites[m.outcomes[0].site].text == "outcome 0, 0 interesting \"sb\"");
  CHECK(m.outcomes[1].cls == OutcomeClass::acceptable);
  REQUIRE(m.other_outcomes.has_value());
  CHECK(m.other_outcomes->values.empty());
  CHECK(m.other_outcomes->cls == OutcomeClass::forbidden);
  CHECK(m.sites[m.other_outcomes->site].text == "outcome else forbidden");
}

TEST_CASE("outcome: canonical form keeps outcome lines under their observe, and is a fixed point", "[outcome][printer]") {
  const auto r = parse_only(sb("\n\noutcome   0,0 interesting   \"both \\\"first\\\"\"  # comment\n"
                               "outcome ONE , - 1 acceptable\noutcome else forbidden\n\nexpect race\n"));
  REQUIRE(r.ok());
  const std::string printed = print(*r.program);
  const std::string tail = "observe r0, r1\n"
                           "outcome 0, 0 interesting \"both \\\"first\\\"\"\n"
                           "outcome ONE, -1 acceptable\n"
                           "outcome else forbidden\n"
                           "\n"
                           "expect race\n";
  REQUIRE(printed.size() >= tail.size());
  CHECK(printed.substr(printed.size() - tail.size()) == tail);
  const auto again = parse_only(printed);
  REQUIRE(again.ok());
  CHECK(print(*again.program) == printed);
  CHECK(same_syntax(*r.program, *again.program));
}

TEST_CASE("outcome: explain lists each outcome line with what it means", "[outcome][explain]") {
  const auto r = load(sb("outcome 0, 0 interesting \"sb\"\noutcome 1, 1 acceptable\noutcome else forbidden\n"));
  REQUIRE(r.ok());
  const std::string text = explain(*r.program);
  CHECK(text.find("  outcome 0, 0 interesting \"sb\"   (allowed; worth a look when observed)") != std::string::npos);
  CHECK(text.find("  outcome 1, 1 acceptable   (allowed)") != std::string::npos);
  CHECK(text.find("  outcome else forbidden   (a finding when observed)") != std::string::npos);
}

TEST_CASE("outcome: 'expect forbidden' is an expectation kind", "[outcome][parser]") {
  const auto r = load(sb("outcome 1, 1 forbidden\nexpect forbidden\nexpect race\n"));
  REQUIRE(r.ok());
  const Module m = compile(*r.program);
  CHECK(m.expected == std::vector<ExpectKind>{ExpectKind::forbidden, ExpectKind::race});
  CHECK(spelling(ExpectKind::forbidden) == "forbidden");
}

TEST_CASE("outcome: an unknown or missing class word is an error listing the classes", "[outcome][diagnostics]") {
  const auto r = load(sb("outcome 1, 0 fine\noutcome 0, 0\noutcome else \"x\"\n"));
  CHECK(messages(r) == Msgs{"16:14: unknown outcome class 'fine'", "17:13: expected an outcome class, found end of line",
                            "18:14: expected an outcome class, found a string"});
  for (const auto& d : r.diagnostics.all()) CHECK(d.help == "an outcome is one of: acceptable, interesting, forbidden");
  CHECK(render(SourceFile("t.scn", sb("outcome 1, 0 fine\n")), r.diagnostics.all().front()) ==
        "t.scn:16:14: error: unknown outcome class 'fine'\n"
        "   16 | outcome 1, 0 fine\n"
        "      |              ^~~~\n"
        "      = help: an outcome is one of: acceptable, interesting, forbidden\n");
}

TEST_CASE("outcome: an outcome without values says what to write", "[outcome][diagnostics]") {
  const auto r = load(sb("outcome\n"));
  CHECK(messages(r) == Msgs{"16:8: expected the outcome's values, found end of line"});
  CHECK(r.diagnostics.all().front().help == "outcome 0, 0 acceptable, or outcome else forbidden");
}

TEST_CASE("outcome: a tuple whose arity differs from the observe's", "[outcome][diagnostics]") {
  const auto r = load(sb("outcome 0 acceptable\noutcome 0, 1, 2 acceptable\n"));
  CHECK(messages(r) == Msgs{"16:9: outcome has 1 value, but observe records 2 (r0, r1)",
                            "17:9: outcome has 3 values, but observe records 2 (r0, r1)"});
  const Diagnostic& d = r.diagnostics.all()[1];
  CHECK(d.length == 7);
  CHECK(d.help == "list one value per observed expression, e.g. outcome 0, 0 acceptable");
}

TEST_CASE("outcome: a duplicate outcome names the first line", "[outcome][diagnostics]") {
  const auto r = load(sb("outcome 0, ONE interesting\noutcome 0, 1 acceptable\n"));
  CHECK(messages(r) == Msgs{"17:9: duplicate outcome 0, 1"});
  const Diagnostic& d = r.diagnostics.all().front();
  CHECK(d.length == 4);
  CHECK(d.help == "list each outcome once");
  CHECK(d.notes == std::vector<std::string>{"it is classified interesting at 16:1"});
}

TEST_CASE("outcome: two catch-alls", "[outcome][diagnostics]") {
  const auto r = load(sb("outcome else acceptable\noutcome 0, 0 interesting\noutcome else forbidden\n"));
  CHECK(messages(r) == Msgs{"18:1: 'outcome else' is declared twice"});
  const Diagnostic& d = r.diagnostics.all().front();
  CHECK(d.help == "one 'outcome else' classifies every unlisted outcome");
  CHECK(d.notes == std::vector<std::string>{"the first is at 16:1"});
}

TEST_CASE("outcome: without an observe declaration", "[outcome][diagnostics]") {
  const auto r = load(sb("outcome 0, 0 interesting\n", ""));
  CHECK(messages(r) == Msgs{"15:1: 'outcome' without an 'observe' declaration"});
  CHECK(r.diagnostics.all().front().help ==
        "an outcome classifies the tuple that observe records: add e.g. 'observe r0, r1' first");
}

TEST_CASE("outcome: values are integers or consts, not variables or expressions", "[outcome][diagnostics]") {
  const auto r = load(sb("outcome x, 0 acceptable\noutcome 1 + 1, 0 acceptable\noutcome NOPE, 0 acceptable\n"));
  CHECK(messages(r) == Msgs{"16:9: 'x' is a shared variable, not a value",
                            "17:9: an outcome value must be an integer or a const", "18:9: undeclared name 'NOPE'"});
  CHECK(r.diagnostics.all()[0].help ==
        "an outcome lists the values observed, as integers or consts: outcome 0, 1 acceptable");
}

TEST_CASE("outcome: 'outcome' is a keyword", "[outcome][lexer]") {
  CHECK(keyword_kind("outcome") == Tok::kw_outcome);
  const auto r = load("shared outcome = 0\nmain:\n    outcome = 1\n");
  CHECK(messages(r).at(0) == "1:8: 'outcome' is a keyword and cannot be used as a variable name");
}
