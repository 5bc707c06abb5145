// Happens-before in the controlled runtime, as vector clocks: one per thread, one per sync
// object (mutexes, semaphores, atomics, the fence object), a fence's released clock and the
// relaxed loads' pending clock per thread, and one per queue item. It follows the
// runtime's happens-before events (hb_listener.hpp) and answers, for anyone who needs to
// know, whether an event of one thread is ordered before another thread's present: the
// race detector, and a memory model that chooses what a load may read.
//
// An event is named by its thread and epoch: the thread's own clock component when the
// event happened (epoch(thread) at that moment). Epochs start at 1, so 0 means "none".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "interleave/hb_listener.hpp"

namespace interleave {

using VectorClock = std::vector<std::uint32_t>;

class Causality final : public HbListener {
 public:
  // Forgets everything; `sync_objects` fixed sync objects (more are made on demand).
  // Storage is cleared in place, keeping capacity: runs are short and many.
  void reset(std::uint32_t sync_objects);
  void add_thread(std::uint32_t thread, std::optional<std::uint32_t> parent);  // spawn edge

  // ---- reading ----------------------------------------------------------------------------
  std::uint32_t threads() const { return threads_; }
  const VectorClock& clock(std::uint32_t thread) const { return clocks_[thread]; }
  std::uint32_t epoch(std::uint32_t thread) const { return clocks_[thread][thread]; }
  // Whether `thread`'s event at `epoch` happens before `observer`'s present.
  bool happened_before(std::uint32_t thread, std::uint32_t epoch, std::uint32_t observer) const {
    const VectorClock& c = clocks_[observer];
    return thread < c.size() && epoch <= c[thread];
  }
  // The clock a sync object carries (empty: nothing to acquire from it).
  const VectorClock& sync_clock(std::uint32_t sync) const {
    static const VectorClock none;
    return sync < sync_.size() ? sync_[sync] : none;
  }

  // ---- HbListener -------------------------------------------------------------------------
  void begin_run(const RunShape& run) override { reset(run.sync_objects); }
  void end_run(const std::vector<std::pair<std::uint32_t, std::uint32_t>>&) override {}
  // A process's copy of memory has the same sync objects again, at other ids, made on demand.
  void add_space(std::uint32_t, std::uint32_t) override {}
  void add_thread(std::uint32_t thread, std::optional<std::uint32_t> parent, std::uint32_t,
                  const std::string&) override {
    add_thread(thread, parent);
  }
  void join(std::uint32_t joiner, std::uint32_t joined) override;
  void lock(std::uint32_t thread, std::uint32_t mutex, bool) override { acquire(thread, mutex); }
  void unlock(std::uint32_t thread, std::uint32_t mutex) override { release(thread, mutex); }
  void acquire(std::uint32_t thread, std::uint32_t sync) override;
  void release(std::uint32_t thread, std::uint32_t sync) override;
  void release_join(std::uint32_t thread, std::uint32_t sync) override;
  void copy_sync(std::uint32_t to, std::uint32_t from) override;
  void fence(std::uint32_t thread) override;
  void fence_half(std::uint32_t thread, bool acquire, bool release) override;
  void fence_release(std::uint32_t thread, std::uint32_t sync) override;
  void fence_release_join(std::uint32_t thread, std::uint32_t sync) override;
  void fence_acquire_later(std::uint32_t thread, std::uint32_t sync) override;
  void put_item(std::uint32_t thread, std::uint32_t queue) override;
  void get_item(std::uint32_t thread, std::uint32_t queue) override;
  void access(const HbAccess&) override {}  // accesses order nothing

 private:
  static void join_into(VectorClock& into, const VectorClock& from);
  static void copy_into(VectorClock& into, const VectorClock& from);  // into := from
  void tick(std::uint32_t thread) { ++clocks_[thread][thread]; }
  // Growth is rare (a process's copy of the atomics) and kept out of line, so that the
  // hot acquire and release stay small enough to inline.
  VectorClock& sync(std::uint32_t id) {
    if (sync_.size() <= id) [[unlikely]] grow_sync(id);
    return sync_[id];
  }
  void grow_sync(std::uint32_t id);
  void ensure_fence_state(std::uint32_t thread);

  std::uint32_t threads_ = 0;
  std::vector<VectorClock> clocks_;           // by thread
  std::vector<VectorClock> sync_;             // by sync object
  std::vector<VectorClock> fence_released_;   // by thread: its clock at its last fence (empty: none)
  std::vector<VectorClock> pending_acquire_;  // by thread: what its relaxed loads read since its last fence
  std::vector<std::vector<VectorClock>> queue_items_;  // by queue, oldest first
  std::vector<std::size_t> queue_heads_;
};

}  // namespace interleave
