// The stress runtime: every scenario thread on a real OS thread, with real mutexes,
// condition variables, semaphores and queues, as jcstress and litmus7 run tests on
// hardware. Threads are started once per batch and run many instances (runs) each;
// all threads of a batch are released together. Plain scenario cells are relaxed
// atomics (visible to the hardware, never a C++ data race in the harness); atomics use
// their real memory orders. A run that deadlocks, spins past its step bound or crashes is
// stopped from inside (every wait is abortable) and reported; the harness goes on.
// Under the tsan preset every logical access is reported to ThreadSanitizer
// (tsan_bridge.hpp), whose race reports become `race` findings.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "interleave/bytecode.hpp"
#include "interleave/execution.hpp"

namespace interleave {

struct StressOptions {
  std::uint64_t seed = 1;             // noise and batch-size choices
  double max_seconds = 1.0;           // time budget (honoured to within one batch timeout)
  std::uint64_t max_runs = 1'000'000; // run budget
  std::uint32_t batch = 0;            // runs per thread start; 0: chosen adaptively
  double noise = 0.0;                 // probability of noise (yield, spin, sleep) at a step
  std::uint64_t max_steps = 20'000;   // steps of one run beyond which it is a livelock
  bool tsan = true;                   // report accesses to ThreadSanitizer where compiled in
  const std::atomic<bool>* interrupt = nullptr;
  std::uint64_t memory_limit = 0;     // bytes of scenario state per batch (0: none): bounds the batch size
};

struct StressFinding {
  Finding finding;                  // same kinds and keys as the controlled runtime's
  std::uint64_t first_run = 0;      // 1-based
  std::uint64_t occurrences = 0;
};

struct StressResult {
  std::uint64_t runs = 0;           // finished or stopped runs
  std::uint64_t batches = 0;
  double seconds = 0;
  bool stopped_by_time = false;
  bool interrupted = false;
  bool skipped = false;             // the scenario cannot run under stress (skip_reason says why)
  std::string skip_reason;
  std::vector<StressFinding> findings;  // distinct by key, in order first found
  std::map<std::vector<std::int64_t>, std::uint64_t> observations;
  std::vector<std::string> notes;
};

StressResult stress(const Module& module, const StressOptions& options);

}  // namespace interleave
