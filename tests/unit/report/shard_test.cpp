// Sharding: the shards of a campaign never overlap, and merged they equal the unsharded
// campaign with the same seed: the same runs, findings (with their first run, count,
// minimised trace and replay token), observations and verdict.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "interleave/report.hpp"
#include "runtime_helpers.hpp"

using nlohmann::json;

namespace interleave::test {

namespace {

LoadResult load_scenario(const std::string& relative) {
  return load_file(std::string(INTERLEAVE_SOURCE_DIR) + "/" + relative);
}

std::string campaign(const std::string& relative, unsigned index, unsigned count, std::uint64_t runs) {
  const LoadResult lr = load_scenario(relative);
  REQUIRE(lr.ok());
  const Module m = compile(*lr.program);
  ExploreOptions o;
  o.seed = 7;
  o.max_runs = runs;
  o.max_seconds = 1e9;
  o.stop_when_expected = true;
  o.full_budget = true;
  o.shard_index = index;
  o.shard_count = count;
  const ExploreResult r = explore(m, o);
  const ReportContext ctx{relative, {}, {}};
  return json_report({json_scenario(m, r, judge(m, r), ctx)}, Campaign{"check", 7, runs, index, count});
}

// What must be equal between the merged shards and the unsharded campaign.
json essence(const json& report) {
  json out = json::array();
  for (const auto& s : report["scenarios"]) {
    json findings = json::array();
    for (const auto& f : s["findings"])
      findings.push_back({f["kind"], f["key"], f["first_run"], f["occurrences"], f["steps"], f["preemptions"],
                          f["replay_token"], f["summary"]});
    out.push_back({{"file", s["file"]}, {"runs", s["runs"]}, {"steps", s["steps"]}, {"verdict", s["verdict"]},
                   {"found", s["found"]}, {"exhaustive", s["exhaustive"]}, {"observations", s["observations"]},
                   {"findings", findings}});
  }
  return out;
}

}  // namespace

TEST_CASE("shards: merged, three shards equal the unsharded campaign", "[shard][merge]") {
  // A buggy scenario DFS finishes on, a clean one it does not (so PCT and random run),
  // and a deadlock that needs a few preemptions.
  const std::uint64_t runs = 3000;
  for (const char* scn : {"scenarios/seed/balance_unlocked.scn", "scenarios/seed/manager_workers.scn",
                          "scenarios/classic/dining_philosophers.scn", "scenarios/classic/if_instead_of_while.scn"}) {
    INFO(scn);
    const json whole = json::parse(campaign(scn, 0, 1, runs));
    std::vector<std::string> shards;
    std::uint64_t shard_runs = 0;
    for (unsigned i = 0; i < 3; ++i) {
      shards.push_back(campaign(scn, i, 3, runs));
      shard_runs += json::parse(shards.back())["scenarios"][0]["runs"].get<std::uint64_t>();
    }
    const json merged = json::parse(merge_reports(shards));
    CHECK(shard_runs == whole["scenarios"][0]["runs"].get<std::uint64_t>());
    CHECK(essence(merged) == essence(whole));
    CHECK(merged["campaign"]["merged_shards"] == json::array({0, 1, 2}));
  }
}

TEST_CASE("shards: each run slot is made by exactly one shard", "[shard]") {
  // big_locked_balance is too big for the exhaustive stage to finish, so its slots after
  // that stage are split: shard i makes the slots k with k mod 4 == i.
  const std::uint64_t runs = 2000;
  std::uint64_t total = 0;
  for (unsigned i = 0; i < 4; ++i) {
    const json r = json::parse(campaign("tests/cli/scenarios/big_locked_balance.scn", i, 4, runs));
    const auto n = r["scenarios"][0]["runs"].get<std::uint64_t>();
    // Shard 0 also reports the exhaustive stage (half the budget: 1000 runs).
    CHECK(n == (i == 0 ? 1000 + 250 : 250));
    total += n;
  }
  CHECK(total == runs);
}

TEST_CASE("merge: reports of different campaigns or a repeated shard are refused", "[merge]") {
  const std::string a = campaign("scenarios/seed/balance_locked.scn", 0, 2, 100);
  const std::string b = campaign("scenarios/seed/balance_locked.scn", 1, 2, 100);
  const std::string other = campaign("scenarios/seed/balance_locked.scn", 1, 2, 200);
  CHECK_NOTHROW(merge_reports({a, b}));
  CHECK_THROWS_WITH(merge_reports({a, a}), "shard 0 appears twice");
  CHECK_THROWS_WITH(merge_reports({a, other}),
                    "the reports come from different campaigns (command, seed, run budget or shard count differ)");
  CHECK_THROWS_WITH(merge_reports({a, "{}"}), "report 2 is not an interleave JSON report (version 1)");
  CHECK_THROWS_WITH(merge_reports({}), "nothing to merge");
}

// Regression (issue 14): an edited shard "index 7 of 2" was merged as if it were a shard.
TEST_CASE("merge: a shard whose index is not below its shard count is refused", "[merge]") {
  const std::string a = campaign("scenarios/seed/balance_locked.scn", 0, 2, 100);
  json edited = json::parse(campaign("scenarios/seed/balance_locked.scn", 1, 2, 100));
  edited["campaign"]["shard"]["index"] = 7;
  CHECK_THROWS_WITH(merge_reports({a, edited.dump()}),
                    "report 2 says it is shard 7 of 2; a shard index must be below the shard count");
  json merged = json::parse(merge_reports({a, campaign("scenarios/seed/balance_locked.scn", 1, 2, 100)}));
  CHECK_THROWS_WITH(merge_reports({a, merged.dump()}),
                    "report 2 was written by 'merge', not by check or run; only shards of one campaign merge");
}

TEST_CASE("merge: a finding missing from the merged shards fails the verdict again", "[merge]") {
  // The deadlock is found by the exhaustive DFS stage, which only shard 0 reports: merged
  // without shard 0, the expected deadlock is missing and the verdict fails.
  const std::string s1 = campaign("scenarios/seed/lock_never_released.scn", 1, 2, 200);
  const json merged = json::parse(merge_reports({s1}));
  const auto& s = merged["scenarios"].at(0);
  CHECK(s["verdict"] == "fail");
  CHECK(s["runs"] == 0);
  CHECK(s["problems"] == json::array({"expected deadlock, not found in 0 runs"}));
}

}  // namespace interleave::test
