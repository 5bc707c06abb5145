// The schedulers a user can name (`interleave run --scheduler NAME`): one table that the
// command line validates against, lists in its help and maps to the runner's strategy, so
// that a new policy (one file in harness/src/sched/) is added in one place.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "interleave/explore.hpp"

namespace interleave {

struct SchedulerEntry {
  std::string_view name;         // as written after --scheduler
  std::string_view runtime;      // "controlled" or "stress"
  std::string_view description;  // one line, for --help
  Strategy strategy;
};

// Every scheduler, in the order --help lists them.
std::span<const SchedulerEntry> scheduler_registry();
// The entry named `name`, or null.
const SchedulerEntry* find_scheduler(std::string_view name);
// "random, pct, dfs or stress": the names, for messages.
std::string scheduler_names();

}  // namespace interleave
