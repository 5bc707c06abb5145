// The scheduler interface: start a run, pick the next thread from a non-empty runnable
// set, choose a value. Random, PCT, DFS and replay each implement it in their own file.
// The execution records every answer in a Schedule, so any run can be replayed.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "interleave/schedule.hpp"

namespace interleave {

using ThreadId = std::uint32_t;

// What `pick` returns to abandon a run: partial-order reduction found that every way on is
// equivalent to a run already made (all runnable threads are asleep). The run ends
// unfinished (RunResult::pruned) and counts as no execution.
inline constexpr ThreadId prune_run = 0xFFFFFFFFu;

// One entry of a step's footprint: an object the step read or wrote. Two steps of
// different threads are dependent when they touch a common object and one of them writes
// it, or when either touches `footprint::global`. Partial-order reduction explores one
// order of dependent steps per equivalence class and never reorders independent ones.
struct StepAccess {
  std::uint64_t object = 0;
  bool write = false;
};

namespace footprint {
// The object kinds, in the top byte of StepAccess::object.
enum Kind : std::uint8_t {
  cell = 1,      // a shared variable's cell: (space << 32) | cell
  atomic,        // an atomic location (Memory::loc)
  mutex,         // acquiring mutex k (lock, try_lock, a wait's wakeup)
  mutex_free,    // releasing mutex k (what a try_lock sees)
  cond,
  semaphore,
  queue_head,    // the item a get takes (a put into an empty queue provides it)
  queue_tail,    // where a put appends (a get from a full queue makes the room)
  thread_end,    // thread k ended (what a join waits for)
  process_end,   // a thread of process k ended
  store_buffer,  // tso: thread k's store buffer
  sc_order,      // rc11's SC view and every fence
  always,        // a write to what an `always` property reads: always-properties see states, not traces
  spawned,       // thread k was started by this step (its first step comes after it)
  global,        // dependent with every step (a process spawn copies memory; a crash ends threads)
  heap,          // v2: the allocator (its free lists and which blocks are live): alloc and free
};
inline constexpr std::uint64_t object(Kind kind, std::uint64_t index) { return (std::uint64_t{kind} << 56) | index; }
inline constexpr Kind kind_of(std::uint64_t object) { return static_cast<Kind>(object >> 56); }
inline constexpr std::uint64_t index_of(std::uint64_t object) { return object & ((std::uint64_t{1} << 56) - 1); }
}  // namespace footprint

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Prepares the next run; false when there is nothing left to explore.
  virtual bool new_run() = 0;
  // `runnable` is sorted and non-empty. `current` took the previous step (it may not be
  // runnable any more); `current_yielded` says that step was a yield or sleep.
  virtual ThreadId pick(std::span<const ThreadId> runnable, ThreadId current, bool current_yielded) = 0;
  // A value in [lo, hi] (lo <= hi).
  virtual std::int64_t choose(std::int64_t lo, std::int64_t hi) = 0;
  // Called when a run ends, with its length in steps.
  virtual void end_run(std::uint64_t /*steps*/) {}
  // Partial-order reduction: when true, the runtime calls `executed` after every step with
  // the step's footprint, offers every tso flush (not only those that can matter now: that
  // reduction looks at other threads' next steps, which this one must not depend on), and
  // lets a step that drains a store buffer wait for the scheduled flushes to empty it.
  virtual bool wants_footprints() const { return false; }
  virtual void executed(ThreadId /*thread*/, std::span<const StepAccess> /*footprint*/) {}
  // When a finding stops a run: for each thread that had not finished (and each tso flush
  // still due), the footprint of the step it was about to take, blocked or not.
  virtual void pending(ThreadId /*thread*/, std::span<const StepAccess> /*footprint*/) {}
  // A short description for reports: "random", "pct(d=2)", "dfs".
  virtual std::string name() const = 0;

  // When one thread can run, a scheduler that sets skips_forced_picks_ is not asked: the
  // runtime takes that thread and calls forced_pick() instead of the virtual pick, and the
  // scheduler accounts for it before its next answer. Only for schedulers whose pick among
  // one thread returns it and changes nothing but what it can catch up on (random: one
  // draw). The runtime records the choice as it records every pick.
  bool skips_forced_picks() const { return skips_forced_picks_; }
  void forced_pick() { ++forced_picks_; }

 protected:
  bool skips_forced_picks_ = false;
  std::uint64_t forced_picks_ = 0;  // since the scheduler last caught up
};

// A small, fast, portable generator (splitmix64): the same seed gives the same runs on
// every platform, which std::uniform_int_distribution does not promise.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // As n calls of next(): the state is a counter (a Weyl sequence).
  void skip(std::uint64_t n) { state_ += n * 0x9E3779B97F4A7C15ull; }
  // Uniform in [0, n), n > 0.
  std::uint64_t below(std::uint64_t n) { return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64); }

 private:
  std::uint64_t state_;
};

// The seed of run slot `slot` of a campaign: independent streams for every slot.
inline std::uint64_t slot_seed(std::uint64_t campaign_seed, std::uint64_t slot) {
  Rng r(campaign_seed ^ (slot * 0xD1B54A32D192ED03ull));
  return r.next();
}

std::unique_ptr<Scheduler> make_random_scheduler(std::uint64_t seed);
// `estimated_steps` > 0 fixes PCT's step estimate k; 0 learns it from the runs so far.
std::unique_ptr<Scheduler> make_pct_scheduler(std::uint64_t seed, unsigned depth, std::uint64_t estimated_steps = 0);


// Exhaustive depth-first search over every schedule (stateless: each run replays a
// prefix and takes the first untried alternative). `preemption_bound` < 0: unbounded.
class DfsScheduler : public Scheduler {
 public:
  explicit DfsScheduler(int preemption_bound) : bound_(preemption_bound) {}
  bool new_run() override;
  ThreadId pick(std::span<const ThreadId> runnable, ThreadId current, bool current_yielded) override;
  std::int64_t choose(std::int64_t lo, std::int64_t hi) override;
  std::string name() const override;
  // True once new_run() has returned false: every schedule (within the bound) was run.
  bool complete() const { return complete_; }
  std::uint64_t runs() const { return runs_; }

 private:
  // Thread options live in one pool (options_[first, first + count)), so that making a
  // node allocates nothing: DFS makes millions of them.
  struct Node {
    std::uint32_t first = 0;
    std::uint32_t count = 0;        // thread choices, in exploration order (0 for values)
    std::uint64_t values = 0;       // value choices: how many
    std::uint64_t index = 0;
    ThreadId current = 0;           // who ran before this choice, if it could go on
    bool current_can_continue = false;
    unsigned preemptions = 0;       // on the path up to and including this choice
  };
  unsigned preemptions_before(std::size_t depth) const { return depth == 0 ? 0 : stack_[depth - 1].preemptions; }
  bool is_preemption(const Node& n, std::uint64_t index) const;

  ThreadId option(const Node& n, std::uint64_t i) const { return options_[n.first + i]; }

  int bound_;
  std::vector<Node> stack_;
  std::vector<ThreadId> options_;
  std::size_t depth_ = 0;
  std::uint64_t runs_ = 0;
  bool complete_ = false;
};

// Exhaustive search with dynamic partial-order reduction: one run per equivalence class
// of runs (Mazurkiewicz traces over the footprints the runtime reports: two runs that
// differ only in the order of independent steps are one class). Source sets with sleep
// sets (Abdulla, Aronis, Jonsson, Sagonas, "Source Sets: A Foundation for Optimal Dynamic
// Partial Order Reduction", JACM 2017): every class is run to its end exactly once; a run
// whose every continuation is equivalent to one already made is abandoned (prune_run).
// Value choices (any(), which waiter a notify wakes, a memory model's reads-from and
// modification-order choices) are explored exhaustively, as DFS does.
//
// With a preemption bound k >= 0 it explores only runs with at most k preemptions (a switch
// away from a thread that could go on), reduced the same way. Bounding and reduction do not
// mix exactly (a bound makes independent steps dependent); races whose reversal would
// exceed the bound are reversed at an earlier context switch, as in bounded partial-order
// reduction (Coons, Musuvathi, McKinley, OOPSLA 2013). A bounded search is for finding
// bugs early, never a proof.
class DporScheduler : public Scheduler {
 public:
  explicit DporScheduler(int preemption_bound = -1);
  ~DporScheduler() override;
  bool new_run() override;
  ThreadId pick(std::span<const ThreadId> runnable, ThreadId current, bool current_yielded) override;
  std::int64_t choose(std::int64_t lo, std::int64_t hi) override;
  void end_run(std::uint64_t steps) override;
  bool wants_footprints() const override { return true; }
  void executed(ThreadId thread, std::span<const StepAccess> footprint) override;
  void pending(ThreadId thread, std::span<const StepAccess> footprint) override;
  std::string name() const override;  // "dpor", "dpor(pb=1)"
  int preemption_bound() const;
  // True once new_run() has returned false: every class was run.
  bool complete() const;
  std::uint64_t runs() const;        // runs made, abandoned ones included
  std::uint64_t executions() const;  // runs that reached their end (or a finding): one per class
  std::uint64_t pruned() const;      // runs abandoned as redundant
  // How many executions the whole search would make, estimated from where it stands:
  // Knuth's estimator over the current path, taking the alternatives known at each node as
  // equally large. An underestimate while backtrack sets still grow; exact once complete.
  double estimated_total() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Replays a schedule. Strict: a choice that does not fit the run is an error (the
// scenario changed). Lenient (for minimisation): a choice that does not fit, and every
// choice after the schedule ends, goes to the current thread if it can run, else to the
// lowest runnable thread, and values to the lowest allowed.
class ReplayScheduler : public Scheduler {
 public:
  ReplayScheduler(Schedule schedule, bool strict) : schedule_(std::move(schedule)), strict_(strict) {}
  bool new_run() override;
  ThreadId pick(std::span<const ThreadId> runnable, ThreadId current, bool current_yielded) override;
  std::int64_t choose(std::int64_t lo, std::int64_t hi) override;
  std::string name() const override { return "replay"; }
  // Strict mode: set when a recorded choice did not fit.
  bool diverged() const { return diverged_; }

 private:
  Schedule schedule_;
  bool strict_;
  bool started_ = false;
  bool diverged_ = false;
  std::size_t next_ = 0;
};

}  // namespace interleave
