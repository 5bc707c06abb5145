// Classified observe outcomes: classify() and forbidden_outcome() on a compiled module, and
// the controlled runtime's forbidden finding (exact key, summary, details and location),
// which does not stop the final properties from being checked.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "interleave/outcomes.hpp"
#include "runtime_helpers.hpp"

using namespace interleave;
using namespace interleave::test;

namespace {

using Tuple = std::vector<std::int64_t>;

// Sequentially consistent message passing: (1, 0) cannot happen, (0, 1), (0, 0) and (1, 1) can.
const char* const mp = R"(atomic data = 0
atomic flag = 0
shared r0 = 0
shared r1 = 0

thread writer:
    data.store(1)
    flag.store(1)

thread reader:
    r0 = flag.load()
    r1 = data.load()

observe r0, r1
outcome 1, 0 forbidden "flag seen, data not"
outcome 1, 1 acceptable
outcome 0, 0 interesting
)";

}  // namespace

TEST_CASE("outcomes: classify by the listed lines, else the catch-all, else unclassified", "[outcome][classify]") {
  const Module m = compile_text(mp);
  CHECK(classify(m, Tuple{1, 0}) == OutcomeClass::forbidden);
  CHECK(classify(m, Tuple{1, 1}) == OutcomeClass::acceptable);
  CHECK(classify(m, Tuple{0, 0}) == OutcomeClass::interesting);
  CHECK(classify(m, Tuple{0, 1}) == OutcomeClass::unclassified);
  CHECK(find_outcome(m, Tuple{0, 1}) == nullptr);
  CHECK_FALSE(forbidden_outcome(m, Tuple{0, 1}).has_value());
  CHECK_FALSE(forbidden_outcome(m, Tuple{1, 1}).has_value());

  const Module with_else = compile_text(std::string(mp) + "outcome else forbidden \"anything else\"\n");
  CHECK(classify(with_else, Tuple{0, 1}) == OutcomeClass::forbidden);
  CHECK(classify(with_else, Tuple{1, 1}) == OutcomeClass::acceptable);
  CHECK(spelling(OutcomeClass::unclassified) == "unclassified");
  CHECK(spelling(OutcomeClass::interesting) == "interesting");
  CHECK(format_tuple(Tuple{-1, 0, 7}) == "-1, 0, 7");
  CHECK(observe_label(m) == "r0, r1");
}

TEST_CASE("outcomes: forbidden_outcome() gives the finding with its exact key, summary and line", "[outcome][classify]") {
  const Module m = compile_text(mp);
  const auto f = forbidden_outcome(m, Tuple{1, 0});
  REQUIRE(f.has_value());
  CHECK(f->kind == FindingKind::forbidden);
  CHECK(f->key == "forbidden:1, 0");
  CHECK(f->summary == "forbidden outcome r0, r1 = 1, 0");
  CHECK(f->details == std::vector<std::string>{"description: flag seen, data not",
                                               "declared at t.scn:15: outcome 1, 0 forbidden \"flag seen, data not\""});
  CHECK(f->locations == std::vector<Loc>{Loc{15, 1}});
  CHECK(spelling(f->kind) == "forbidden");

  const Module with_else = compile_text(std::string(mp) + "outcome else forbidden\n");
  const auto g = forbidden_outcome(with_else, Tuple{0, 1});
  REQUIRE(g.has_value());
  CHECK(g->key == "forbidden:0, 1");
  CHECK(g->details == std::vector<std::string>{"declared at t.scn:18: outcome else forbidden"});
  CHECK(g->locations == std::vector<Loc>{Loc{18, 1}});
}

TEST_CASE("execution: a forbidden outcome reached in a run is a finding, and final is still checked",
          "[outcome][execution]") {
  // A plain SC program whose only outcome is classified forbidden by mistake.
  const Module m = compile_text(R"scn(shared x = 0

thread a:
    x = x + 1

observe x
outcome 1 forbidden "x cannot be 1 (by mistake)"
outcome else acceptable

final x == 2
)scn");
  const RunResult r = run_default(m);
  CHECK(r.observed == Tuple{1});
  CHECK(keys(r) == std::vector<std::string>{"forbidden:1", "failure:final:10"});
  REQUIRE(r.findings.size() == 2);
  const Finding& f = r.findings[0];
  CHECK(f.kind == FindingKind::forbidden);
  CHECK(f.summary == "forbidden outcome x = 1");
  CHECK(f.details == std::vector<std::string>{"description: x cannot be 1 (by mistake)",
                                              "declared at t.scn:7: outcome 1 forbidden \"x cannot be 1 (by mistake)\""});
  CHECK(f.locations == std::vector<Loc>{Loc{7, 1}});
  CHECK(f.step == r.steps);
}

TEST_CASE("execution: acceptable and unclassified outcomes are no finding", "[outcome][execution]") {
  const Module m = compile_text("shared x = 0\nthread a:\n    x = 1\nobserve x\noutcome 0 forbidden\n");
  const RunResult r = run_default(m);
  CHECK(r.observed == Tuple{1});
  CHECK(r.findings.empty());
}

TEST_CASE("explore: a forbidden outcome is found, minimised and expected with 'expect forbidden'", "[outcome][explore]") {
  const Module m = compile_text(std::string(mp) + "outcome 0, 1 forbidden \"the reader ran first\"\nexpect forbidden\n");
  ExploreOptions o;
  o.max_runs = 500;
  const ExploreResult r = explore(m, o);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].finding.key == "forbidden:0, 1");
  CHECK(r.observations.count(Tuple{1, 0}) == 0);  // SC: never the weak outcome
  CHECK(r.observations.count(Tuple{0, 1}) == 1);
}
