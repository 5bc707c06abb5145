// Classified outcomes in the reports: the histogram's class and description columns, its
// two runtimes' columns, the JSON fields, merging of per-runtime counts, and the verdict
// on an unexpected forbidden finding.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "interleave/outcomes.hpp"
#include "interleave/report.hpp"
#include "runtime_helpers.hpp"

using nlohmann::json;

namespace interleave::test {

namespace {

using Tuple = std::vector<std::int64_t>;

const char* const sb = R"(atomic x = 0
atomic y = 0
atomic r0 = -1
atomic r1 = -1

thread t0:
    x.store(1, relaxed)
    r0.store(y.load(relaxed), relaxed)

thread t1:
    y.store(1, relaxed)
    r1.store(x.load(relaxed), relaxed)

observe r0, r1
outcome 0, 0 interesting "store buffering"
outcome 0, 1 acceptable
outcome 1, 1 forbidden
)";

// What the controlled runtime saw (never (0, 0)) and, with stress, what hardware showed.
ExploreResult result(bool with_stress) {
  ExploreResult r;
  r.runs = 87;
  r.strategy = "dfs";
  r.observations = {{Tuple{0, 1}, 24}, {Tuple{1, 0}, 18}, {Tuple{1, 1}, 45}};
  if (with_stress) {
    r.stress_runs = 100;
    r.stress_observations = {{Tuple{0, 0}, 3}, {Tuple{0, 1}, 40}, {Tuple{1, 0}, 40}, {Tuple{1, 1}, 17}};
  }
  return r;
}

}  // namespace

TEST_CASE("outcome reports: the histogram shows each outcome's class and description", "[report][outcome]") {
  const Module m = compile_text(sb);
  CHECK(render_observations(m, result(false)) ==
        "  observed r0, r1 (controlled runtime, 87 finished runs)\n"
        "    outcome        runs   percent  class         description\n"
        "    0, 0              0     0.00%  interesting   store buffering\n"
        "    0, 1             24    27.59%  acceptable\n"
        "    1, 0             18    20.69%  unclassified\n"
        "    1, 1             45    51.72%  forbidden\n");
}

TEST_CASE("outcome reports: with the stress runtime, a count column per runtime", "[report][outcome]") {
  const Module m = compile_text(sb);
  CHECK(render_observations(m, result(true)) ==
        "  observed r0, r1 (controlled runtime: 87 finished runs; stress runtime: 100 runs, 100 finished)\n"
        "    outcome  controlled   percent      stress   percent  class         description\n"
        "    0, 0              0     0.00%           3     3.00%  interesting   store buffering\n"
        "    0, 1             24    27.59%          40    40.00%  acceptable\n"
        "    1, 0             18    20.69%          40    40.00%  unclassified\n"
        "    1, 1             45    51.72%          17    17.00%  forbidden\n");
}

TEST_CASE("outcome reports: without outcome lines or stress the histogram is unchanged", "[report][outcome]") {
  const Module m = compile_text("shared x = 0\nthread a:\n    x = 1\nobserve x\n");
  ExploreResult r;
  r.observations = {{Tuple{1}, 4}};
  CHECK(render_observations(m, r) ==
        "  observed x (controlled runtime, 4 finished runs)\n"
        "    outcome        runs   percent\n"
        "    1                 4   100.00%\n");
  CHECK(json::parse(json_scenario(m, r, judge(m, r), ReportContext{"t.scn", {}, {}}))["observations"] ==
        json::parse(R"([{"values": [1], "count": 4}])"));
}

TEST_CASE("outcome reports: JSON has class, description and per-runtime counts", "[report][outcome][json]") {
  const Module m = compile_text(sb);
  const ExploreResult r = result(true);
  const json j = json::parse(json_scenario(m, r, judge(m, r), ReportContext{"t.scn", {}, {}}));
  CHECK(j["stress_runs"] == 100);
  CHECK(j["observations"] == json::parse(R"([
    {"values": [0, 0], "count": 0, "stress_count": 3, "class": "interesting", "description": "store buffering"},
    {"values": [0, 1], "count": 24, "stress_count": 40, "class": "acceptable"},
    {"values": [1, 0], "count": 18, "stress_count": 40, "class": "unclassified"},
    {"values": [1, 1], "count": 45, "stress_count": 17, "class": "forbidden"}])"));
  const json without = json::parse(json_scenario(m, result(false), judge(m, result(false)), ReportContext{"t.scn", {}, {}}));
  CHECK_FALSE(without.contains("stress_runs"));
  CHECK_FALSE(without["observations"][0].contains("stress_count"));
}

TEST_CASE("outcome reports: merging shards adds each runtime's counts and keeps the classes", "[report][outcome][merge]") {
  const Module m = compile_text(sb);
  ExploreResult a = result(true), b = result(false);
  const std::string shard0 = json_report({json_scenario(m, a, judge(m, a), ReportContext{"t.scn", {}, {}})},
                                         Campaign{"check", 1, 174, 0, 2});
  const std::string shard1 = json_report({json_scenario(m, b, judge(m, b), ReportContext{"t.scn", {}, {}})},
                                         Campaign{"check", 1, 174, 1, 2});
  const json merged = json::parse(merge_reports({shard0, shard1}))["scenarios"][0];
  CHECK(merged["stress_runs"] == 100);
  CHECK(merged["observations"] == json::parse(R"([
    {"values": [0, 0], "count": 0, "stress_count": 3, "class": "interesting", "description": "store buffering"},
    {"values": [0, 1], "count": 48, "stress_count": 40, "class": "acceptable"},
    {"values": [1, 0], "count": 36, "stress_count": 40, "class": "unclassified"},
    {"values": [1, 1], "count": 90, "stress_count": 17, "class": "forbidden"}])"));
}

TEST_CASE("outcome reports: an unexpected forbidden finding fails the verdict; expect forbidden passes",
          "[report][outcome][verdict]") {
  const std::string text = "shared x = 0\nthread a:\n    x = 1\nobserve x\noutcome 1 forbidden \"never 1\"\n";
  ExploreOptions o;
  o.max_runs = 50;
  const Module m = compile_text(text);
  const ExploreResult r = explore(m, o);
  const Verdict v = judge(m, r);
  CHECK_FALSE(v.pass);
  CHECK(v.found == std::vector<std::string>{"forbidden"});
  CHECK(v.problems == std::vector<std::string>{"unexpected forbidden outcome x = 1"});
  const std::string finding = render_finding(m, r.findings.at(0), ReportContext{"t.scn", {}, {}});
  CHECK(finding.rfind("  forbidden outcome x = 1\n    description: never 1\n"
                      "    declared at t.scn:5: outcome 1 forbidden \"never 1\"\n", 0) == 0);

  const Module expecting = compile_text(text + "expect forbidden\n");
  const Verdict ok = judge(expecting, explore(expecting, o));
  CHECK(ok.pass);
  CHECK(ok.expected == std::vector<std::string>{"forbidden"});
}

}  // namespace interleave::test
