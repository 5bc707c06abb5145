#include <catch2/catch.hpp>

#include <set>

#include "interleave/sched_registry.hpp"

using namespace interleave;

TEST_CASE("scheduler registry: every name maps to one strategy, and unknown names to none", "[sched]") {
  std::set<std::string_view> names;
  for (const auto& e : scheduler_registry()) {
    CHECK(names.insert(e.name).second);
    CHECK(find_scheduler(e.name) == &e);
    CHECK((e.runtime == "controlled" || e.runtime == "stress"));
    CHECK_FALSE(e.description.empty());
  }
  CHECK(find_scheduler("random")->strategy == Strategy::random);
  CHECK(find_scheduler("pct")->strategy == Strategy::pct);
  CHECK(find_scheduler("dfs")->strategy == Strategy::dfs);
  CHECK(find_scheduler("dpor")->strategy == Strategy::dpor);
  CHECK(find_scheduler("stress")->strategy == Strategy::stress);
  CHECK(find_scheduler("portfolio") == nullptr);
  CHECK(find_scheduler("") == nullptr);
  CHECK(scheduler_names() == "random, pct, dfs, dpor or stress");
}
