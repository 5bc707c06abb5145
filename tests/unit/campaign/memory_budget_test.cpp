// The memory budget (--memory-limit): a scenario whose state would exceed it is refused at
// the declaration or the spawn that crosses it (issue 14: 300 arrays of 2^20 cells took
// 23 GB, or ended in bad_alloc reported as an internal error).
#include <catch2/catch.hpp>

#include "interleave/memory_budget.hpp"
#include "runtime_helpers.hpp"

using namespace interleave;
using namespace interleave::test;

TEST_CASE("memory budget: the first declaration past the budget is named", "[memory]") {
  const std::string text = "shared small = 0\nshared a[1048576] = 1\nshared b[1048576] = 1\n\nthread t:\n    small = 1\n";
  const LoadResult lr = load_text("big.scn", text);
  REQUIRE(lr.ok());
  // Each array is 64 MiB of state: a budget of 100 MiB holds a, not b.
  const auto over = declarations_over_budget(*lr.program, std::uint64_t{100} << 20);
  REQUIRE(over);
  CHECK(over->loc.line == 3);
  CHECK(over->loc.col == 8);
  CHECK(over->message ==
        "the scenario's state would exceed the memory budget here: 2097153 cells need about 128 MiB, --memory-limit is "
        "100 MiB");
  CHECK_FALSE(declarations_over_budget(*lr.program, std::uint64_t{200} << 20));
}

TEST_CASE("memory budget: a spawn past the budget throws, naming the spawn", "[memory]") {
  const Module m = compile_text(
      "shared x = 0\n\nthread grow:\n    x = x + 1\n    let a = spawn grow()\n    join a\n\nmain:\n    let t = spawn grow()\n"
      "    join t\n");
  ExecOptions o;
  o.memory_limit = std::uint64_t{1} << 20;  // 1 MiB: about 300 threads
  try {
    run_default(m, o);
    FAIL("no MemoryLimitExceeded");
  } catch (const MemoryLimitExceeded& e) {
    CHECK(m.sites.at(e.site).text == "let a = spawn grow()");
    CHECK(e.bytes > o.memory_limit);
    CHECK(state_bytes(m.cell_count, 1, e.thread_count - 1) <= o.memory_limit);
  }
}

TEST_CASE("memory budget: the default is a quarter of physical memory, and sums saturate", "[memory]") {
  CHECK(default_memory_limit() >= (std::uint64_t{64} << 20));
  CHECK(state_bytes(UINT64_MAX, 2, 1) == UINT64_MAX);
  CHECK(state_bytes(1, 1, 1) == state_bytes_per_cell + state_bytes_per_thread + 8);
}
