#include "interleave/sched_registry.hpp"

#include <array>

namespace interleave {

namespace {

constexpr std::array<SchedulerEntry, 5> entries{{
    {"random", "controlled", "a uniformly random runnable thread at every step", Strategy::random},
    {"pct", "controlled", "probabilistic concurrency testing: random priorities, d-1 change points (--depth d)",
     Strategy::pct},
    {"dfs", "controlled", "every interleaving, depth first (--preemption-bound limits preemptions)", Strategy::dfs},
    {"dpor", "controlled",
     "one run per class of equivalent interleavings (dynamic partial-order reduction); proves what it does not find",
     Strategy::dpor},
    {"stress", "stress", "real OS threads in batches (--runs and --time are its budget)", Strategy::stress},
}};

}  // namespace

std::span<const SchedulerEntry> scheduler_registry() { return entries; }

const SchedulerEntry* find_scheduler(std::string_view name) {
  for (const auto& e : entries)
    if (e.name == name) return &e;
  return nullptr;
}

std::string scheduler_names() {
  std::string out;
  for (std::size_t k = 0; k < entries.size(); ++k) {
    if (k > 0) out += k + 1 == entries.size() ? " or " : ", ";
    out += entries[k].name;
  }
  return out;
}

}  // namespace interleave
