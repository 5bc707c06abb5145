// The runner: many runs of one scenario under one or several schedulers, within a run
// and time budget; distinct findings with the schedule that first showed each, then
// minimised and traced; observe histograms. Separate from Execution (one run's state).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "interleave/bytecode.hpp"
#include "interleave/execution.hpp"

namespace interleave {

struct ExploreResult;

enum class Strategy : std::uint8_t { portfolio, random, pct, dfs, dpor, stress };

// Where a long exploration stands, for a live progress line.
struct ExploreProgress {
  std::uint64_t runs = 0;
  std::uint64_t budget = 0;
  double seconds = 0;
  double seconds_left = 0;
  std::size_t findings = 0;
};

// A campaign is a sequence of run slots 0..max_runs-1. Random and PCT runs take their
// seed from the campaign seed and their slot, so slot k always makes the same run, on any
// shard. With shard_count N, a shard makes the slots k with k mod N == shard_index; the
// portfolio's exhaustive DFS stage (which cannot be split) is reported by shard 0 alone.
// So the shards never overlap and, merged, equal the unsharded campaign.
struct ExploreOptions {
  Strategy strategy = Strategy::portfolio;
  std::uint64_t seed = 1;
  unsigned pct_depth = 2;        // for Strategy::pct
  int preemption_bound = -1;     // for DFS; < 0: unbounded
  std::uint64_t max_runs = 20'000;
  double max_seconds = 10.0;     // a safety cap; the run budget is what makes results repeatable
  bool stop_when_expected = false;  // stop once every expected finding kind was seen
  bool minimise = true;
  bool full_budget = false;        // never stop early (implied by sharding)
  unsigned shard_index = 0;
  unsigned shard_count = 1;
  ExecOptions exec;
  // The stress runtime (stress.hpp): after the portfolio's controlled runs, a pass of
  // this many seconds on real threads (0: none); Strategy::stress runs only that.
  // Shard 0 makes it. Its findings and observations join the controlled runtime's.
  double stress_seconds = 0;
  double stress_noise = 0.0;
  // Asked once the runs are over: whether anything will show the findings' traces (a
  // failing verdict, --verbose, a report file). When not, minimisation and the traced
  // replay are skipped; tokens are still made. Unset: always minimise.
  std::function<bool(const ExploreResult&)> traces_wanted;
  std::function<void(const ExploreProgress&)> on_progress;  // called about 5 times a second
  const std::atomic<bool>* interrupt = nullptr;             // set (e.g. by SIGINT): stop cleanly
};

// The portfolio's DFS stage makes at most this many runs (and half the budget at most),
// so that a shard that must replay it to learn whether it finished pays little.
inline constexpr std::uint64_t max_portfolio_dfs_runs = 100'000;

struct FoundFinding {
  Finding finding;
  Schedule schedule;              // minimised when minimise is on
  std::string token;              // replay token for `schedule`
  std::uint64_t first_run = 0;    // 1-based number of the campaign's run slot that first showed it
  std::uint64_t occurrences = 0;  // runs that showed it
  std::string scheduler;          // which scheduler first found it
  Detectors found_by;                 // races: the detectors that saw it
  std::vector<std::string> runtimes;  // "controlled" and/or "stress": the runtimes that showed it
  std::uint64_t stress_occurrences = 0;      // stress runs that showed it
  Detectors stress_found_by;                 // races: the detectors that saw it in the stress runtime
  std::uint64_t steps = 0;        // of the (minimised) run
  unsigned preemptions = 0;
  std::uint64_t original_steps = 0;
  unsigned original_preemptions = 0;
  std::vector<TraceStep> trace;   // of the (minimised) run, up to the finding
};

struct ExploreResult {
  std::uint64_t runs = 0;
  std::uint64_t steps = 0;
  double seconds = 0;             // everything: controlled runs, the stress pass, minimisation
  bool exhaustive = false;       // DFS explored every schedule (within its bound), or DPOR every class
  std::uint64_t executions = 0;  // DPOR: the classes run to their end (0: DPOR did not run)
  std::uint64_t redundant = 0;   // DPOR: runs abandoned as equivalent to one already made
  std::uint64_t estimated_executions = 0;  // DPOR stopped early: its estimate of all executions
  bool stopped_by_time = false;
  bool interrupted = false;      // stopped by ExploreOptions::interrupt
  unsigned shard_index = 0;
  unsigned shard_count = 1;
  std::string strategy;          // what ran, e.g. "dfs (complete)", "pct(d=1..3) + random"
  MemoryModel memory = default_memory_model;  // the controlled runtime's model
  std::vector<FoundFinding> findings;  // distinct, in the order first found
  std::map<std::vector<std::int64_t>, std::uint64_t> observations;         // controlled runtime
  std::map<std::vector<std::int64_t>, std::uint64_t> stress_observations;  // stress runtime
  std::uint64_t stress_runs = 0;  // runs of the stress runtime (0: it did not run)
  double stress_seconds = 0;
  std::string stress_skipped;     // why the stress runtime could not run this scenario
  std::vector<std::string> notes;      // distinct information lines (process crashes)
  // Outcomes the stress runtime saw on real threads that the memory model does not allow,
  // though the controlled runtime explored every execution: a harness error (never clean).
  std::vector<std::string> model_errors;
};

ExploreResult explore(const Module& module, const ExploreOptions& options);

// Replays a schedule with tracing on.
RunResult replay(const Module& module, const Schedule& schedule, ExecOptions exec, bool strict);

// Shortens a failing schedule: fewer preemptions first, then fewer steps, keeping the
// finding (same key). Uses rapidcheck's shrinking of sequences as the candidate source.
// It stops after `max_attempts` replays, after `max_steps` replayed steps in all (a
// livelock's runs are long), or at `deadline`, keeping the best schedule found so far.
Schedule minimise(const Module& module, const Schedule& schedule, const std::string& key, const ExecOptions& exec,
                  unsigned max_attempts = 4000, std::uint64_t max_steps = 20'000'000,
                  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max());

}  // namespace interleave
