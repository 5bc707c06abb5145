// One run of a scenario under a scheduler: the controlled runtime. A single OS thread
// interprets every scenario thread's bytecode; before each visible step the scheduler
// picks which runnable thread goes next. Detectors watch the run: happens-before races,
// assert/final/always failures, deadlock, livelock (the step bound) and crashes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "interleave/bytecode.hpp"
#include "interleave/detectors.hpp"
#include "interleave/finding_kind.hpp"
#include "interleave/memory_model.hpp"
#include "interleave/schedule.hpp"
#include "interleave/scheduler.hpp"

namespace interleave {

struct Finding {
  FindingKind kind = FindingKind::crash;
  std::string summary;               // one line: "race on balance", "final balance == 0 failed"
  std::vector<std::string> details;  // the accesses, the operand values, the blocked threads...
  std::string variable;              // race: the declared variable ("slots" for slots[2])
  std::string property;              // failure of a named property (`final no_leak: ...`, v2): its name
  std::vector<Loc> locations;        // the scenario lines involved
  std::string key;                   // the same key is the same finding: its kind and place
  std::uint64_t step = 0;            // the step it was detected at
  unsigned preemptions = 0;          // preemptions up to that step
  Detectors detector;                // races and potential deadlocks: the detectors that saw it
};

struct TraceStep {
  std::uint64_t number = 0;
  std::string thread;
  Loc loc;
  std::string statement;  // the scenario statement, canonical
  std::string effect;     // "read balance -> 0", "write balance <- 5", "lock m"...
  std::string preempts;   // a preemption: the thread that could have gone on, this one took over
  std::optional<std::uint64_t> reads_from;  // an atomic read: the step of the store it read (0: the initial value)
};

struct ExecOptions {
  std::uint64_t max_steps = 20'000;           // a longer run is a livelock
  std::uint64_t max_local_instructions = 1'000'000;  // between two steps: a silent spin
  std::uint32_t max_call_depth = 1'000;
  std::uint32_t max_threads = 10'000;
  bool detect_races = true;
  bool tsan = true;          // also report to ThreadSanitizer, where compiled in (tsan_bridge.hpp)
  bool spurious_wakeups = false;  // a cond waiter may wake without notify, as POSIX allows
  std::optional<MemoryModel> memory;  // --memory; none: the file's `memory` line, else rc11
  bool record_trace = false;
  bool capture_output = false;
  // tso: offer a flush of every non-empty store buffer at every step, not only where it can
  // matter. Replays set it, so that a schedule made by partial-order reduction (which
  // offers them all) replays, and is minimised, exactly.
  bool offer_all_flushes = false;
  bool keep_schedule = true;  // false: RunResult::schedule is filled only for runs with findings
  bool full_schedule = false; // true: every choice, not only those up to the last non-default one
  // Looked at every 64 steps: once the flag is set or the deadline has passed, the run
  // ends at once, unfinished and without findings (RunResult::cut_short), so that neither
  // --time nor Ctrl-C waits for a slow run to end.
  const std::atomic<bool>* interrupt = nullptr;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // Bytes of scenario state a run may take (memory_budget.hpp); 0: no bound. A spawn past
  // it throws MemoryLimitExceeded.
  std::uint64_t memory_limit = 0;
};

// A spawn would take the scenario's state past ExecOptions::memory_limit. Not a finding of
// the scenario: a limit of the harness, which the command reports as an error (exit 2).
struct MemoryLimitExceeded : std::runtime_error {
  MemoryLimitExceeded(std::uint32_t spawn_site, std::uint64_t needed, std::uint64_t threads)
      : std::runtime_error("the scenario's state exceeds the memory budget"), site(spawn_site), bytes(needed),
        thread_count(threads) {}
  std::uint32_t site;  // index into Module::sites: the spawn
  std::uint64_t bytes;
  std::uint64_t thread_count;
};

struct RunResult {
  std::vector<Finding> findings;  // races as they occur, then at most one run-ending finding
  std::uint64_t steps = 0;
  unsigned preemptions = 0;
  Schedule schedule;
  std::vector<std::int64_t> observed;  // the observe tuple, when the run finished
  std::vector<std::string> output;     // print lines (capture_output)
  std::vector<TraceStep> trace;        // record_trace
  std::vector<std::string> notes;      // information, e.g. a process that crashed
  bool finished = false;               // every thread ran to its end
  bool cut_short = false;              // ended by ExecOptions::interrupt or deadline: not a run to count
  bool pruned = false;                 // abandoned by partial-order reduction (prune_run): not an execution
};

class Execution {
 public:
  Execution(const Module& module, ExecOptions options);
  ~Execution();
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  RunResult run(Scheduler& scheduler);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace interleave
