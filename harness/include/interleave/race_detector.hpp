// A happens-before race detector with vector clocks. Each thread carries a clock; sync
// objects (mutexes, semaphores, atomics, queue items, fences) carry the clock of their
// last release; each shared cell remembers its last write (an epoch) and the last read
// of every thread. Two accesses race when neither happens before the other and at least
// one is a write. Cells live in address spaces, one per process, since a process works
// on its own copy of the shared variables.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace interleave {

using VectorClock = std::vector<std::uint32_t>;

struct Access {
  std::uint32_t thread = 0;
  std::uint32_t step = 0;   // the run's step number
  std::uint32_t site = 0;   // Module::sites index
  bool write = false;
};

struct Race {
  std::uint32_t space = 0;
  std::uint32_t cell = 0;
  Access earlier;  // the access that came first in this run
  Access later;
};

class RaceDetector {
 public:
  // Forgets everything; `cells` per address space, `sync_objects` fixed sync objects.
  void reset(std::uint32_t cells, std::uint32_t sync_objects);

  void add_thread(std::uint32_t thread, std::optional<std::uint32_t> parent);  // spawn edge
  void join(std::uint32_t joiner, std::uint32_t joined);                     // join edge
  void add_space(std::uint32_t space, std::uint32_t copy_of);  // a process's copy of memory

  // Sync objects beyond those given to reset() (e.g. atomics of a process's copy) are made on demand.
  void ensure_sync(std::uint32_t sync) {
    if (sync_.size() <= sync) sync_.resize(sync + 1);
  }
  void acquire(std::uint32_t thread, std::uint32_t sync);
  void release(std::uint32_t thread, std::uint32_t sync);          // the object's clock := thread's
  void release_join(std::uint32_t thread, std::uint32_t sync);     // the object's clock joins thread's
  void clear_sync(std::uint32_t sync) { sync_[sync].clear(); }     // nothing to acquire from it any more

  // Fences ([atomics.fences]): a fence acquires what the thread's earlier relaxed loads
  // read, and releases, through the thread's later relaxed stores, what came before it.
  void fence(std::uint32_t thread);
  void fence_release(std::uint32_t thread, std::uint32_t sync);       // a relaxed store
  void fence_release_join(std::uint32_t thread, std::uint32_t sync);  // a relaxed read-modify-write
  void fence_acquire_later(std::uint32_t thread, std::uint32_t sync); // a relaxed load

  // Queue items carry the clock of their put to their get.
  void put_item(std::uint32_t thread, std::uint32_t queue);
  void get_item(std::uint32_t thread, std::uint32_t queue);

  // Returns the first race this access completes, if any.
  std::optional<Race> read(std::uint32_t space, std::uint32_t cell, const Access& a);
  std::optional<Race> write(std::uint32_t space, std::uint32_t cell, const Access& a);

 private:
  struct ReadEntry {
    std::uint32_t clock = 0;  // 0: no read
    std::uint32_t step = 0;
    std::uint32_t site = 0;
  };
  struct Cell {
    std::uint32_t w_thread = 0, w_clock = 0, w_step = 0, w_site = 0;  // w_clock 0: never written
    std::vector<ReadEntry> reads;  // by thread
  };
  bool happened_before(std::uint32_t thread, std::uint32_t clock, std::uint32_t observer) const;
  static void join_into(VectorClock& into, const VectorClock& from);
  void tick(std::uint32_t thread) { ++clocks_[thread][thread]; }

  std::uint32_t cells_per_space_ = 0;
  std::uint32_t threads_ = 0;
  std::vector<std::vector<Cell>> spaces_;
  std::vector<VectorClock> clocks_;        // by thread
  std::vector<VectorClock> sync_;          // by sync object
  std::vector<VectorClock> fence_released_;  // by thread: its clock at its last fence (empty: none)
  std::vector<VectorClock> pending_acquire_; // by thread: what its relaxed loads read since its last fence
  std::vector<std::vector<VectorClock>> queue_items_;  // by queue, oldest first
  std::vector<std::size_t> queue_heads_;
};

}  // namespace interleave
