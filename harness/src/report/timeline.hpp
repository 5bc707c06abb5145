// A finding's trace understood as events on per-thread lanes: what the lanes view, the
// HTML swimlanes and the DOT execution graph draw. Built from the JSON report's trace
// (report_doc::FindingDoc), so merged reports draw like fresh ones. Internal to interleave_lib.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "document.hpp"

namespace interleave::timeline {

enum class Op {
  read, write,                   // plain shared accesses
  load, store, rmw,              // atomics (rmw: fetch_add, exchange, cas)
  lock, try_lock, unlock,        // mutexes (a busy try_lock takes nothing)
  wait, wake, notify,            // conds: wait releases its mutex, wake retakes it
  sem_acquire, sem_release, put, get,
  spawn, join, end,
  fence, other                   // yield, sleep, prints, assert, crash
};

struct Event {
  std::size_t index = 0;   // in the finding's trace
  std::uint64_t step = 0;
  std::size_t lane = 0;
  std::int64_t line = 0;
  Op op = Op::other;
  std::string object;      // the cell, mutex, cond, semaphore, queue or thread it acts on
  std::string mutex;       // wait/wake: the mutex released or retaken
  std::string order;       // atomics: the memory order
  bool reads = false, writes = false;  // of memory (a failed cas only reads)
  std::optional<std::size_t> preempted_lane;  // this step preempts that lane's thread
  bool lost_notify = false;  // a notify that reached no waiter
  int race = -1;             // 0 or 1: the first or second access of the race
  std::vector<std::string> held;  // mutexes this lane holds after the step
  // Reads: the event whose store it read; none means the initial value.
  std::optional<std::size_t> reads_from;
  const report_doc::Step* source = nullptr;
};

enum class EdgeKind { sync, reads_from, coherence };

struct Edge {
  std::size_t from = 0, to = 0;  // event indices
  EdgeKind kind = EdgeKind::sync;
  std::string label;             // "unlock m -> lock m", "rf", "co"
};

struct Race {
  std::size_t first = 0, second = 0;  // event indices, in trace order
  std::string missing;                // which happens-before edge would have ordered them
};

struct Timeline {
  std::vector<std::string> lanes;  // thread names, in order of first appearance
  std::vector<Event> events;       // one per trace step (prints excluded)
  std::vector<Edge> sync;          // synchronises-with, across lanes
  std::vector<Edge> reads_from;    // only reads of a store (initial values have none)
  std::vector<Edge> coherence;     // consecutive stores to one location
  std::optional<Race> race;
  std::vector<std::string> notes;  // what stands out: lost notifies, the race's missing edge
  std::vector<std::string> final_state;  // per lane, after the last step: "ended", "waits on c"...
  std::size_t preemptions = 0;
};

Timeline build(const report_doc::FindingDoc& finding);

// "lock m", "notify_one wake (nobody waits)": the step's text as shown in a lane.
std::string label(const Event& e);
bool is_memory(Op op);

}  // namespace interleave::timeline
