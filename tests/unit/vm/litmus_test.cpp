// The litmus scenarios under the controlled runtime: it explores sequentially consistent
// interleavings, so exhaustive search must show every SC outcome and never one that only
// weak hardware or the C++ memory model for relaxed atomics allows.
#include <catch2/catch.hpp>

#include <set>

#include "runtime_helpers.hpp"

namespace interleave::test {

namespace {

using Outcome = std::vector<std::int64_t>;

// Every observe tuple of every interleaving, and the number of interleavings.
std::set<Outcome> outcomes(const std::string& relative, std::uint64_t& runs) {
  const LoadResult lr = load_file(std::string(INTERLEAVE_SOURCE_DIR) + "/scenarios/litmus/" + relative);
  REQUIRE(lr.ok());
  const Module m = compile(*lr.program);
  std::set<Outcome> seen;
  DfsScheduler dfs(-1);
  Execution e(m, ExecOptions{});
  runs = 0;
  while (dfs.new_run()) {
    const RunResult r = e.run(dfs);
    REQUIRE(r.findings.empty());
    seen.insert(r.observed);
    ++runs;
  }
  REQUIRE(dfs.complete());
  return seen;
}

}  // namespace

TEST_CASE("litmus: store buffering never shows r0 = r1 = 0 under SC", "[litmus]") {
  std::uint64_t runs = 0;
  CHECK(outcomes("store_buffering.scn", runs) == std::set<Outcome>{{0, 1}, {1, 0}, {1, 1}});
  CHECK(runs == 70);
}

TEST_CASE("litmus: message passing never shows the flag without the data under SC", "[litmus]") {
  std::uint64_t runs = 0;
  CHECK(outcomes("message_passing.scn", runs) == std::set<Outcome>{{0, 0}, {0, 1}, {1, 1}});
}

TEST_CASE("litmus: load buffering never shows both loads seeing the future under SC", "[litmus]") {
  std::uint64_t runs = 0;
  CHECK(outcomes("load_buffering.scn", runs) == std::set<Outcome>{{0, 0}, {0, 1}, {1, 0}});
}

TEST_CASE("litmus: IRIW readers never disagree on the order of the writes under SC", "[litmus]") {
  std::uint64_t runs = 0;
  const auto seen = outcomes("iriw.scn", runs);
  CHECK(runs == 207'900);
  CHECK(seen.count({10, 10}) == 0);  // each saw its first variable set and its second not
  CHECK(seen.count({11, 11}) == 1);
  CHECK(seen.count({10, 11}) == 1);
  CHECK(seen.count({0, 0}) == 1);
}

}  // namespace interleave::test
