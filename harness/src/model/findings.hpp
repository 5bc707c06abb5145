// The one place that builds findings: their summaries, details and keys. Both runtimes
// (the controlled one, vm/execution.cpp, and the stress one, stress/) describe what they
// saw as plain data and call these, so that the same bug reads the same and has the same
// key whichever runtime found it (explore merges the two runtimes' findings by key).
// Internal to interleave_lib.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "interleave/bytecode.hpp"
#include "interleave/execution.hpp"
#include "interleave/tsan_bridge.hpp"

namespace interleave::findings {

// A scenario statement as findings show it.
struct Place {
  std::string where;      // "file.scn:12"
  Loc loc;
  std::string statement;  // its canonical text
};
Place place(const Module& m, std::uint32_t site);
std::string where(const Module& m, std::uint32_t site);  // "file.scn:12"

// ---- crash ------------------------------------------------------------------------------
Finding crash(std::string_view thread, const Place& at, std::string_view what);
Finding too_many_threads(std::uint32_t max_threads);
// Not a finding: a crash inside a process ends that process only, and the run goes on.
std::string process_crash_note(std::string_view process, std::string_view where, std::string_view what);

// What a crash says (the `what` of crash() and process_crash_note()), the same in both
// runtimes.
namespace crash_text {
std::string out_of_range(std::string_view variable, std::int64_t index, std::uint32_t size);
std::string bad_unlock(std::string_view statement, std::string_view mutex, std::string_view owner);  // owner empty: not locked
std::string wait_without_mutex(std::string_view cond, std::string_view mutex);
std::string not_a_thread(std::int64_t handle);
std::string joins_itself(std::string_view thread);
std::string already_joined(std::string_view thread);
std::string empty_range(std::int64_t lo, std::int64_t hi);
std::string too_deep(std::uint32_t max_depth);
std::string semaphore_overflow(std::string_view semaphore);  // a release past INT64_MAX permits
std::string put_on_closed(std::string_view queue);
std::string closed_twice(std::string_view queue);
std::string statement(const std::optional<std::string>& message);  // a crash statement
}  // namespace crash_text

// ---- failure ----------------------------------------------------------------------------
// shown: what the condition evaluated as ("3 == 4", "0").
Finding assert_failed(std::string_view thread, const Place& at, const std::optional<std::string>& message,
                      std::string_view shown);
// kind: final or always; name: the property's name (empty: unnamed); when: one of the
// phrases below; why: property_false or property_error. Key: "failure:final:<name>" for a
// named property (stable when lines move), else "failure:final:<line>".
Finding property_failed(DeclKind kind, std::string_view name, const Place& at, const std::optional<std::string>& message, std::string_view when,
                        std::string_view why);
std::string after_step(std::uint64_t step);
inline constexpr std::string_view when_finished = "when every thread had finished";
inline constexpr std::string_view in_initial_state = "in the initial state";
inline constexpr std::string_view at_end_of_run = "at the end of the run";  // stress: always, checked at the end only
// One variable's value as a failed property shows it: "x = 1", or for an array its first
// 16 elements, "a = [0, 1, ...]". cell(k): the value of element k (of the variable if scalar).
std::string shown_variable(std::string_view name, std::uint32_t size, const std::function<std::int64_t(std::uint32_t)>& cell);
// shown: the values of the property's variables ("x = 1, a = [0, 1]"), empty if none.
std::string property_false(std::string_view shown);
std::string property_error(std::string_view error);

// ---- livelock ---------------------------------------------------------------------------
struct Standing {
  std::string thread;
  Place at;
};
// The run took more than max_steps steps; unfinished: where each unfinished thread stands.
Finding livelock(std::uint64_t max_steps, const std::vector<Standing>& unfinished);
// A thread ran `instructions` local instructions without a visible step.
Finding spin(std::string_view thread, const Place& at, std::uint64_t instructions);

// ---- deadlock ---------------------------------------------------------------------------
// Where a thread stands, as a deadlock describes a thread it waits for.
struct ThreadState {
  enum What : std::uint8_t { at, crashed, finished, not_started, running };
  What what = running;
  std::string where;  // at: "file.scn:12"
};
std::string describe(const ThreadState& s);

// What one blocked thread waits for.
struct Wait {
  enum class On : std::uint8_t { lock, cond, relock, permit, put, get, join, join_process, other };
  enum class Owner : std::uint8_t { running, finished, process_crashed, itself };
  On on = On::other;
  std::string object;  // the mutex, condition variable, semaphore, queue, thread or process
  // lock: who holds the mutex (empty: no owner the runtime can name), how, since where.
  std::string owner;
  Owner owner_state = Owner::running;
  std::string since;
  std::string mutex;          // relock: the mutex it cannot get back
  std::int64_t capacity = 0;  // put: the queue's capacity
  ThreadState target;         // join: the thread it joins
  std::vector<std::pair<std::string, ThreadState>> inside;  // join_process: its unfinished threads

  static Wait lock(std::string mutex, std::string owner, Owner state, std::string since);
  static Wait cond(std::string cond, bool notified, std::string mutex);
  static Wait permit(std::string semaphore);
  static Wait put(std::string queue, std::int64_t capacity);
  static Wait get(std::string queue);
  static Wait join(std::string thread, ThreadState target);
  static Wait join_process(std::string process, std::vector<std::pair<std::string, ThreadState>> inside);
};
std::string describe(const Wait& w);  // "waits to lock m, held by T since t.scn:4"

struct Blocked {
  std::string thread;
  Place at;
  Wait wait;
};
// Key: "deadlock" and the sorted lines of the blocked threads ("deadlock:12:19").
Finding deadlock(const std::vector<Blocked>& blocked);

// ---- race -------------------------------------------------------------------------------
// One of the two accesses of a race.
struct Access {
  bool write = false;
  std::string thread;
  std::optional<Place> at;            // unknown when TSan's stack does not name a statement
  std::optional<std::uint64_t> step;  // the controlled runtime's step
};
// The built-in happens-before detector's race. variable: as declared ("slots"); cell: the
// location ("slots[2]"). Key: "race:<variable>", one race finding per variable.
Finding race(std::string_view variable, std::string_view cell, const Access& earlier, const Access& later);
// ThreadSanitizer's account of a race: the same kind, key and summary.
Finding tsan_race(std::string_view variable, std::string_view cell, const Access& earlier, const Access& later);

// ThreadSanitizer's lock-order inversion among these mutexes (any order, repeats allowed).
// Key: "potential-deadlock:<sorted names, comma-separated>".
Finding potential_deadlock(std::vector<std::string> mutexes);

// ---- forbidden --------------------------------------------------------------------------
// label: the observe line's names ("r0, r1"); tuple: the values ("0, 0"); declared: the outcome line.
Finding forbidden(std::string_view label, std::string_view tuple, const std::optional<std::string>& description,
                  const Place& declared);

// ---- memory (v2 heap) ---------------------------------------------------------------------
// One event in a heap block's life or an access to it, as AddressSanitizer lists them.
struct HeapEvent {
  std::string thread;
  Place at;
  std::uint64_t step = 0;
};
// kind: "heap-use-after-free", "double-free", "heap-buffer-overflow", "bad-free",
// "null-dereference", "wild-pointer"; what: the access ("read of heap[1001]", "free of
// heap[1000]"); block: the block's description; alloc/freed: its sites, when it has them.
// Key: "memory:<kind>:<line of the access>".
Finding memory_error(std::string_view kind, std::string_view what, const HeapEvent& access, std::string_view block,
                     const std::optional<HeapEvent>& alloc, const std::optional<HeapEvent>& freed);
// Blocks still allocated when every thread had finished: (block, its allocation), the
// first few listed. Key: "memory:leak:<line of the first allocation>".
Finding leak(const std::vector<std::pair<std::string, HeapEvent>>& blocks, std::size_t cells);

// ---- ThreadSanitizer reports --------------------------------------------------------------
// What a runtime knows about the addresses in a TSan report: the runtime owns the memory,
// so it maps addresses; the finding is built here.
struct Cell {
  std::uint32_t var = 0;  // index into Module::shared
  std::int64_t index = 0;
  bool element = false;  // an element of an array (index is meaningful)
};
struct TsanAddresses {
  std::function<std::optional<Cell>(std::uintptr_t)> cell;           // a scenario variable's stand-in block
  std::function<std::optional<std::string>(std::uintptr_t)> mutex;  // a scenario mutex's stand-in: its name
};
struct FromTsan {
  Finding finding;
  std::optional<Cell> cell;  // data races: the cell raced on
};
// A data race becomes a race finding, a lock-order inversion a potential-deadlock one;
// nothing for other reports or those about no scenario location. step: the controlled
// runtime's step at the later access, if it has one.
std::optional<FromTsan> from_tsan(const Module& m, const tsan::Report& report, const TsanAddresses& addresses,
                                  std::optional<std::uint64_t> step = std::nullopt);

}  // namespace interleave::findings
