// The shared state of one stress batch: B instances (runs), each with its own memory,
// sync objects and thread records, and the W worker threads that run them. Written by
// the runner (stress.cpp), used by the workers (worker.cpp).
//
// Every blocking operation here is a polling loop on atomics or a short std::mutex
// critical section, never an unbounded OS wait: each poll checks the stop flags, so a
// stuck run is ended from inside the process and no supervisor process is needed.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "interleave/bytecode.hpp"
#include "interleave/execution.hpp"
#include "interleave/stress.hpp"

namespace interleave::stress_detail {

inline constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
inline constexpr std::uint32_t max_workers = 64;  // threads of one instance

// Unwinds a scenario thread whose run (or batch, or process) is being stopped.
struct Stopping {};
// Unwinds a thread of a process that crashed; the run goes on.
struct ProcessCrashed {};

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Spin, then yield, then sleep briefly: short waits stay fast, long ones leave the core
// to the thread being waited for (this machine may have fewer cores than workers).
// Sleeping early is costly: every instance hands over between threads a few times, and a
// sleep is at least ~60 us; so yield for long (a few ms) before sleeping.
inline void backoff(std::uint32_t n) {
  if (n < 512) cpu_relax();
  else if (n < 16384) std::this_thread::yield();
  else std::this_thread::sleep_for(std::chrono::microseconds(50));
}

struct Mutex {
  std::atomic<std::uint32_t> owner{none};  // the lock word: a record index, or none
  std::atomic<std::uint32_t> site{0};      // where the owner locked it (for deadlock details)
};

struct Cond {
  std::mutex mu;  // guards waiters; held only for a few instructions
  std::vector<std::uint32_t> waiters;  // record indices, in wait order
};

struct Semaphore {
  std::atomic<std::int64_t> count{0};
};

struct Queue {
  std::mutex mu;  // the put -> get happens-before edge, seen by TSan too
  std::deque<std::int64_t> items;
  std::size_t capacity = 0;
  bool closed = false;  // under mu
};

// The kinds of wait_state (ThreadRec).
enum WaitKind : std::uint32_t {
  wait_none = 0,
  wait_sync = 1,   // mutex, cond, semaphore, queue: its poll must fail with the instance frozen
  wait_join = 2,   // a join: over when the target finished (the watchdog checks it)
  wait_spawn = 3,  // a spawn: over when the child reached its first step
};

// What a thread is blocked on, for the deadlock details (written by the thread itself,
// read by the runner after the workers are joined).
struct Blocked {
  bool is = false;
  std::uint32_t body = 0, pc = 0;
  std::int64_t join_target = 0;
};

// One scenario thread of one instance.
struct ThreadRec {
  std::atomic<bool> ready{false};     // spawned: the fields below are set (release/acquire)
  std::atomic<bool> finished{false};  // release: result and everything it did are visible
  std::atomic<bool> joined{false};
  std::atomic<bool> crashed{false};    // a process: it crashed (join gives 1)
  std::atomic<bool> proc_stop{false};  // a process: its threads must stop
  std::atomic<bool> notified{false};   // cond wait: woken by a notify
  std::atomic<std::uint32_t> proc_live{0};  // a process: its unfinished threads
  // Reached its first step, or ended (release): its invisible prefix is over. The spawner
  // waits for it, so the prefix happens with the spawn, as in the controlled runtime.
  std::atomic<bool> reached{false};
  // For the watchdog (written by the thread only): (seq << 2) | kind of the wait it is in,
  // kind 0 when it is in none; seq counts the waits entered. wait_target is the record
  // (within the instance) a join or spawn waits for; wait_polls counts the failed polls
  // of a sync wait (mutex, cond, semaphore, queue).
  std::atomic<std::uint64_t> wait_state{0};
  std::atomic<std::uint32_t> wait_target{0};
  std::atomic<std::uint32_t> wait_polls{0};
  bool started = false;
  bool unwound = false;  // stopped because the batch was aborted
  std::uint32_t body = 0;
  std::int32_t spawn = -1;   // Module::spawns index; -1: main or an implicit thread
  std::uint32_t number = 0;  // the N of Thread-N / Process-N
  bool is_process = false;
  std::uint32_t process = none;  // record index of its process (none: the root process)
  std::int64_t result = 0;
  std::vector<std::int64_t> args;
  std::atomic<std::int64_t>* mem = nullptr;  // its address space
  std::int64_t* const* slots = nullptr;      // TSan stand-ins of mem's cells
  std::unique_ptr<std::atomic<std::int64_t>[]> own_space;  // a process's copy
  std::vector<std::int64_t*> own_slots;
  Blocked blocked;
};

struct Instance {
  std::atomic<std::uint32_t> live{0};      // unfinished threads
  std::atomic<bool> done{false};           // live reached 0
  std::atomic<bool> stopped{false};        // ended early (crash, assert, livelock): no evaluation
  std::atomic<std::uint32_t> spawned{0};   // records handed out (the next one is the k-th spawn)
  std::atomic<std::uint32_t> thread_counter{0}, process_counter{0};
  std::uint64_t fence_standin = 0;         // TSan's happens-before object for scenario fences
};

struct LocalFinding {
  std::uint64_t instance = 0;
  Finding finding;
};

// One per worker; cache-line aligned, since the progress counter is written at every step.
struct alignas(64) WorkerState {
  std::atomic<std::uint64_t> progress{0};
  std::atomic<std::uint64_t> at{0};  // the instance it runs (B when done); the watchdog looks there
  std::vector<LocalFinding> findings;
  std::vector<std::string> notes;
};

struct Batch {
  const Module& m;
  const StressOptions& o;
  std::uint32_t B = 0, W = 0;
  std::uint64_t seed = 0;
  bool use_tsan = false;
  std::uint32_t module_id = 0;
  const std::vector<std::uint64_t>* body_pcs = nullptr;
  const std::vector<std::uint64_t>* site_pcs = nullptr;  // 2 * site + write
  // Per body: its prefix (instructions before its first step) can neither fail nor loop,
  // so a spawner need not wait for it (nothing it does is observable).
  const std::vector<char>* trivial_prefix = nullptr;

  std::unique_ptr<Instance[]> inst;
  std::unique_ptr<std::atomic<std::int64_t>[]> cells;  // B * cell_count, root spaces
  std::vector<std::int64_t*> slots;                    // B * cell_count (TSan only)
  std::unique_ptr<ThreadRec[]> recs;                   // B * W
  std::unique_ptr<Mutex[]> mutexes;
  std::unique_ptr<Cond[]> conds;
  std::unique_ptr<Semaphore[]> sems;
  std::unique_ptr<Queue[]> queues;
  std::unique_ptr<WorkerState[]> workers;

  std::atomic<bool> start{false};
  std::atomic<bool> abort{false};
  std::atomic<std::uint32_t> need_workers{0};  // an instance spawned more threads than W

  std::mutex done_mu;
  std::condition_variable done_cv;
  std::uint32_t workers_done = 0;  // guarded by done_mu

  Batch(const Module& module, const StressOptions& options) : m(module), o(options) {}
  ~Batch() {
    for (auto* p : slots) delete p;
    if (recs)
      for (std::uint32_t r = 0; r < B * W; ++r)
        for (auto* p : recs[r].own_slots) delete p;
  }

  ThreadRec& rec(std::uint64_t i, std::uint32_t k) { return recs[i * W + k]; }
  std::uint32_t rec_index(std::uint64_t i, std::uint32_t k) const { return static_cast<std::uint32_t>(i * W + k); }
  std::atomic<std::int64_t>* root_space(std::uint64_t i) { return &cells[i * m.cell_count]; }
};

// The scenario name of a thread: MainThread, the `as` name, Thread-N or Process-N.
inline std::string thread_name(const Module& m, const ThreadRec& r) {
  if (r.spawn < 0) return m.implicit_main ? m.bodies[r.body].name : "MainThread";
  const auto& sp = m.spawns[static_cast<std::size_t>(r.spawn)];
  if (!sp.name.empty()) return sp.name;
  return (r.is_process ? "Process-" : "Thread-") + std::to_string(r.number);
}

void run_worker(Batch& b, std::uint32_t k);

}  // namespace interleave::stress_detail
