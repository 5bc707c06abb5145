// The runner: many runs of one scenario under one or several schedulers, within a run
// and time budget; distinct findings with the schedule that first showed each, then
// minimised and traced; observe histograms. Separate from Execution (one run's state).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "interleave/bytecode.hpp"
#include "interleave/execution.hpp"

namespace interleave {

enum class Strategy : std::uint8_t { portfolio, random, pct, dfs };

struct ExploreOptions {
  Strategy strategy = Strategy::portfolio;
  std::uint64_t seed = 1;
  unsigned pct_depth = 2;        // for Strategy::pct
  int preemption_bound = -1;     // for DFS; < 0: unbounded
  std::uint64_t max_runs = 20'000;
  double max_seconds = 10.0;     // a safety cap; the run budget is what makes results repeatable
  bool stop_when_expected = false;  // stop once every expected finding kind was seen
  bool minimise = true;
  ExecOptions exec;
};

struct FoundFinding {
  Finding finding;
  Schedule schedule;              // minimised when minimise is on
  std::string token;              // replay token for `schedule`
  std::uint64_t first_run = 0;    // 1-based: runs until it was first seen
  std::uint64_t occurrences = 0;  // runs that showed it
  std::string scheduler;          // which scheduler first found it
  std::uint64_t steps = 0;        // of the (minimised) run
  unsigned preemptions = 0;
  std::uint64_t original_steps = 0;
  unsigned original_preemptions = 0;
  std::vector<TraceStep> trace;   // of the (minimised) run, up to the finding
};

struct ExploreResult {
  std::uint64_t runs = 0;
  std::uint64_t steps = 0;
  double seconds = 0;
  bool exhaustive = false;       // DFS explored every schedule (within its bound)
  bool stopped_by_time = false;
  std::string strategy;          // what ran, e.g. "dfs (complete)", "pct(d=1..3) + random"
  std::vector<FoundFinding> findings;  // distinct, in the order first found
  std::map<std::vector<std::int64_t>, std::uint64_t> observations;
  std::vector<std::string> notes;      // distinct information lines (process crashes)
};

ExploreResult explore(const Module& module, const ExploreOptions& options);

// Replays a schedule with tracing on.
RunResult replay(const Module& module, const Schedule& schedule, ExecOptions exec, bool strict);

// Shortens a failing schedule: fewer preemptions first, then fewer steps, keeping the
// finding (same key). Uses rapidcheck's shrinking of sequences as the candidate source.
Schedule minimise(const Module& module, const Schedule& schedule, const std::string& key, const ExecOptions& exec,
                  unsigned max_attempts = 4000);

}  // namespace interleave
