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
  const Verdict info = judge({{"potential-deadlock", "", "potential deadlock: a, b", false}}, {}, {}, 10);
  CHECK(info.pass);
  CHECK(info.found.empty());

  const Verdict missing = judge({}, {"deadlock"}, {}, 20000);
  CHECK_FALSE(missing.pass);
  REQUIRE(missing.problems.size() == 1);
  CHECK(missing.problems[0] == "expected deadlock, not found in 20000 runs");

  const Verdict unexpected = judge({{"livelock", "", "livelock: the run did not finish", false}}, {}, {}, 5);
  CHECK_FALSE(unexpected.pass);
  REQUIRE(unexpected.problems.size() == 1);
  CHECK(unexpected.problems[0] == "unexpected livelock: the run did not finish");

  const Verdict wrong_variable = judge({{"race", "y", "race on y", false}}, {"race"}, {"x"}, 7);
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
