// The verdict rules: which findings take part, and what a stress-only finding needs.
#include <catch2/catch.hpp>

#include "interleave/bytecode.hpp"
#include "interleave/explore.hpp"
#include "interleave/verdict.hpp"

using namespace interleave;

namespace {

Finding finding(FindingKind kind, std::string key) {
  Finding f;
  f.kind = kind;
  f.key = std::move(key);
  return f;
}

}  // namespace

TEST_CASE("verdict: a stress-only finding decides only with evidence OS scheduling cannot fake", "[verdict]") {
  CHECK(stress_finding_decides(finding(FindingKind::race, "race:x")));
  CHECK(stress_finding_decides(finding(FindingKind::failure, "failure:final:9")));
  CHECK(stress_finding_decides(finding(FindingKind::forbidden, "forbidden:1, 0")));
  CHECK(stress_finding_decides(finding(FindingKind::crash, "crash:4")));
  CHECK(stress_finding_decides(finding(FindingKind::deadlock, "deadlock:10:16")));
  CHECK(stress_finding_decides(finding(FindingKind::livelock, "livelock:spin:7")));
  // The step bound on real threads: a descheduled partner looks the same.
  CHECK_FALSE(stress_finding_decides(finding(FindingKind::livelock, "livelock")));
}

TEST_CASE("verdict: information never decides; missing and unexpected kinds fail", "[verdict]") {
  const Verdict info = judge({{"potential-deadlock", "", "potential deadlock: a, b", false, ""}}, {}, 10);
  CHECK(info.pass);
  CHECK(info.found.empty());

  const Verdict missing = judge({}, {{"deadlock"}, {}, {}}, 20000);
  CHECK_FALSE(missing.pass);
  REQUIRE(missing.problems.size() == 1);
  CHECK(missing.problems[0] == "expected deadlock, not found in 20000 runs");

  const Verdict unexpected = judge({{"livelock", "", "livelock: the run did not finish", false, ""}}, {}, 5);
  CHECK_FALSE(unexpected.pass);
  REQUIRE(unexpected.problems.size() == 1);
  CHECK(unexpected.problems[0] == "unexpected livelock: the run did not finish");

  const Verdict wrong_variable = judge({{"race", "y", "race on y", false, ""}}, {{"race"}, {"x"}, {}}, 7);
  CHECK_FALSE(wrong_variable.pass);
  CHECK(wrong_variable.problems == std::vector<std::string>{"unexpected race on y", "expected race on x, not found in 7 runs"});
}

TEST_CASE("verdict: an outcome the hardware showed and the memory model forbids is never clean", "[verdict][memory]") {
  Module m;
  ExploreResult r;
  r.runs = 100;
  CHECK(judge(m, r).pass);
  r.model_errors.push_back(
      "harness error: the stress runtime saw outcome 1, 0 on real threads (3 runs), which the tso model does not allow "
      "though every execution was explored; please report it");
  const Verdict v = judge(m, r);
  CHECK_FALSE(v.pass);
  REQUIRE(v.problems.size() == 1);
  CHECK(v.problems[0] == r.model_errors[0]);
}

// v2 (issue 13 item 5): expectations that name variables and properties, and a headline
// that says what was found by name.
TEST_CASE("verdict: the headline names variables and properties", "[verdict][v2]") {
  // `expect race on x` with races on x and y: the race on y is unexpected, and the headline
  // says so instead of "found: race; expected: race".
  const Verdict v = judge({{"race", "x", "race on x", true, ""}, {"race", "y", "race on y", false, ""}}, {{"race"}, {"x"}, {}}, 9);
  CHECK_FALSE(v.pass);
  CHECK(v.found_detail == std::vector<std::string>{"race on x", "race on y"});
  CHECK(v.expected_detail == std::vector<std::string>{"race on x"});
  CHECK(v.found == std::vector<std::string>{"race"});
  CHECK(v.problems == std::vector<std::string>{"unexpected race on y"});

  const Verdict both = judge({{"race", "x", "race on x", true, ""}, {"race", "y", "race on y", true, ""}}, {{"race"}, {"x", "y"}, {}}, 9);
  CHECK(both.pass);
  CHECK(both.expected_detail == std::vector<std::string>{"race on x", "race on y"});
}

TEST_CASE("verdict: expect failure NAME passes only when exactly those properties fail", "[verdict][v2]") {
  const Expectations e{{"failure"}, {}, {"no_leak", "no_double_free"}};
  const JudgedFinding leak{"failure", "", "final no_leak: refs == 0 failed when every thread had finished", true, "no_leak"};
  const JudgedFinding twice{"failure", "", "always no_double_free: frees <= 1 failed after step 7", true, "no_double_free"};
  const JudgedFinding assert_failed{"failure", "", "assert x == 1 failed in MainThread at t.scn:4", false, ""};

  const Verdict ok = judge({leak, twice}, e, 100);
  CHECK(ok.pass);
  CHECK(ok.found_detail == std::vector<std::string>{"failure no_double_free", "failure no_leak"});
  CHECK(ok.expected_detail == std::vector<std::string>{"failure no_double_free", "failure no_leak"});

  const Verdict missing = judge({leak}, e, 100);
  CHECK_FALSE(missing.pass);
  CHECK(missing.problems == std::vector<std::string>{"expected failure no_double_free, not found in 100 runs"});

  // Any other failure (an assert, an unnamed property) is not covered by the names.
  const Verdict other = judge({leak, twice, assert_failed}, e, 100);
  CHECK_FALSE(other.pass);
  CHECK(other.found_detail == std::vector<std::string>{"failure", "failure no_double_free", "failure no_leak"});
  CHECK(other.problems == std::vector<std::string>{"unexpected assert x == 1 failed in MainThread at t.scn:4"});

  // An unnamed `expect failure` keeps its meaning: any failure.
  const Verdict any = judge({{"failure", "", "s", true, "no_leak"}, {"failure", "", "t", true, ""}}, {{"failure"}, {}, {}}, 5);
  CHECK(any.pass);
  CHECK(any.expected_detail == std::vector<std::string>{"failure"});
}

TEST_CASE("verdict: is_expected follows the names of the module's expect lines", "[verdict][v2]") {
  Module m;
  m.expected = {ExpectKind::failure, ExpectKind::race};
  m.expected_failure_of = {"no_leak"};
  Finding f = finding(FindingKind::failure, "failure:final:no_leak");
  f.property = "no_leak";
  CHECK(is_expected(m, f));
  f.property = "balanced";
  CHECK_FALSE(is_expected(m, f));
  f.property.clear();  // an assert
  CHECK_FALSE(is_expected(m, f));
  Finding race = finding(FindingKind::race, "race:y");
  race.variable = "y";
  CHECK(is_expected(m, race));  // no `on`: any race
  m.expected_race_on = {"x"};
  CHECK_FALSE(is_expected(m, race));
  CHECK(detail("race", "y", "") == "race on y");
  CHECK(detail("failure", "", "no_leak") == "failure no_leak");
  CHECK(detail("deadlock", "", "") == "deadlock");
}
