// Atomic memory of the controlled runtime under a memory model (memory_model.hpp).
//
// Every store to an atomic location is a message kept in the location's modification
// order (mo). Which message a load reads, and for rc11 where in mo a store goes, are
// choices the runtime asks the scheduler for (newest first, so the default is what
// sequential consistency would do). The rules:
//
// rc11: the view-based operational reading of RC11 (as in the promise-free fragment of
//   Kang et al.'s promising semantics, POPL 2017). Each thread has a view: per location,
//   the newest message it must not read before (what it wrote, read, or acquired). A load
//   reads any message not older than its view; a store goes anywhere in mo after its view,
//   but never between a message and the read-modify-write that read it (RMWs are atomic:
//   an RMW reads its immediate mo predecessor). Views travel with happens-before: a
//   release store's message carries the writer's view, an acquire load joins it, and
//   mutexes, semaphores, queues, spawn and join carry views as they carry clocks; relaxed
//   accesses carry them only through fences (C++20 release sequences: a relaxed store
//   carries only a preceding fence's view; an RMW continues the sequence it reads).
//   seq_cst: a global SC view per location, published by seq_cst stores and RMWs and by
//   fences; seq_cst loads and stores do not go below it; a fence joins it and publishes
//   its whole view. Loads read only stores already executed, so po ∪ rf has no cycle: no
//   load buffering and no out-of-thin-air values.
// tso: each thread has a FIFO store buffer; a store enters it and leaves it (becomes
//   visible to other threads) at a flush, which the runtime schedules like a thread step.
//   A load reads the thread's own newest buffered store to the location, else memory.
//   RMWs, seq_cst stores and fences, and every other synchronising step drain the buffer.
// sc: one value per location; nothing is chosen.
//
// Finite spin loops (all models): a load or RMW of a location that the thread has read
// before, with a yield (or sleep) since, reads a strictly newer message than the thread's
// view when one exists. So a yielding spin waits for a new store rather than re-reading a
// stale one forever; without a yield, a re-read may return the same stale value (as a
// seqlock's reader must be allowed to).
//
// The message's hb sync object (sync_of) carries its release clock for the race detector;
// the same events, sent to this class as an HbListener, carry the views.
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <vector>

#include "interleave/ast.hpp"
#include "interleave/hb_listener.hpp"
#include "interleave/memory_model.hpp"

namespace interleave {

class Memory final : public HbListener {
 public:
  static constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();

  struct Message {
    std::int64_t value = 0;
    std::uint32_t loc = 0;
    std::uint32_t thread = none;  // none: the initial value (or the value a process started with)
    std::uint32_t step = 0;
    std::uint32_t site = 0;
    std::uint32_t pos = 0;  // its index in the location's modification order
    bool taken = false;     // an RMW read it: nothing may come between the two in mo
    bool visible = true;    // tso: false while it waits in a store buffer
  };

  // `sync_base`: the hb sync id of message 0; `sc_sync`: the sync object of the SC view.
  Memory(MemoryModel model, std::uint32_t atomics, std::uint32_t sync_base, std::uint32_t sc_sync)
      : model_(model), atomics_(atomics), sync_base_(sync_base), sc_sync_(sc_sync) {}

  MemoryModel model() const { return model_; }
  // Whether the views need the happens-before events (rc11 with atomics).
  bool views_on() const { return model_ == MemoryModel::rc11 && atomics_ > 0; }

  // ---- a run ------------------------------------------------------------------------------
  void reset(const std::vector<std::int64_t>& initial);  // the root process's initial values
  void new_thread(std::uint32_t thread, std::optional<std::uint32_t> parent);
  void new_space(std::uint32_t space, std::uint32_t copy_of);  // a process: memory as after fork
  void yielded(std::uint32_t thread) { ++threads_[thread].yields; }

  std::uint32_t loc(std::uint32_t space, std::uint32_t atomic) const { return space * atomics_ + atomic; }
  std::uint32_t sync_of(std::uint32_t msg) const { return sync_base_ + msg; }
  const Message& message(std::uint32_t id) const { return messages_[id]; }
  const std::vector<std::uint32_t>& order(std::uint32_t loc) const { return mo_[loc]; }
  std::int64_t latest(std::uint32_t loc) const { return messages_[mo_[loc].back()].value; }

  // ---- accesses ---------------------------------------------------------------------------
  // The messages a load may read, newest first (never empty).
  const std::vector<std::uint32_t>& readable(std::uint32_t thread, std::uint32_t loc, MemOrder order);
  // The messages a read-modify-write may read, newest first (never empty). A cas that
  // succeeds must read an untaken message; one that fails (reads another value) may read
  // any. `expected`: the cas's expected value; none for the other RMWs.
  const std::vector<std::uint32_t>& rmw_readable(std::uint32_t thread, std::uint32_t loc, MemOrder order,
                                                 std::optional<std::int64_t> expected);
  // Records that `thread` read `msg` (coherence: it never reads older again).
  void read(std::uint32_t thread, std::uint32_t msg);
  // How many places in mo a store may take; place 0 is the end (the newest).
  std::uint32_t store_places(std::uint32_t thread, std::uint32_t loc, MemOrder order);
  // The store, at the place chosen (after store_places); tso: into the buffer. Its id.
  std::uint32_t store(std::uint32_t thread, std::uint32_t loc, std::int64_t value, MemOrder order,
                      std::uint32_t place, std::uint32_t step, std::uint32_t site);
  // An RMW's write, right after the message it read.
  std::uint32_t rmw(std::uint32_t thread, std::uint32_t read_msg, std::int64_t value, MemOrder order,
                    std::uint32_t step, std::uint32_t site);

  // ---- tso store buffers ------------------------------------------------------------------
  bool buffered(std::uint32_t thread) const {
    return thread < threads_.size() && !threads_[thread].buffer.empty();
  }
  bool buffer_has(std::uint32_t thread, std::uint32_t loc) const {
    for (std::uint32_t id : threads_[thread].buffer)
      if (messages_[id].loc == loc) return true;
    return false;
  }
  void buffer_locations(std::uint32_t thread, std::vector<std::uint32_t>& out) const {
    for (std::uint32_t id : threads_[thread].buffer) out.push_back(messages_[id].loc);
  }
  // Makes the oldest buffered store visible; its id.
  std::uint32_t flush(std::uint32_t thread);

  // ---- HbListener: views travel with happens-before (rc11) ---------------------------------
  void begin_run(const RunShape&) override {}
  void end_run(const std::vector<std::pair<std::uint32_t, std::uint32_t>>&) override {}
  void add_space(std::uint32_t, std::uint32_t) override {}  // new_space, called directly
  void add_thread(std::uint32_t, std::optional<std::uint32_t>, std::uint32_t, const std::string&) override {}
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
  void access(const HbAccess&) override {}

 private:
  // Per location, the newest message that bounds a thread (none: no bound).
  using View = std::vector<std::uint32_t>;

  struct ThreadState {
    View cur;             // what the thread has seen
    View pending;         // what its relaxed loads read since its last fence (for the fence)
    View released;        // its view at its last fence (carried by its later relaxed stores)
    bool fenced = false;
    std::uint64_t yields = 0;
    std::vector<std::uint64_t> read_at_yield;  // by location: `yields` at its last read (none: never read)
    std::deque<std::uint32_t> buffer;          // tso: buffered stores, oldest first
  };

  std::uint32_t pos(std::uint32_t msg) const { return msg == none ? 0 : messages_[msg].pos; }
  static std::uint32_t at(const View& v, std::uint32_t loc) { return loc < v.size() ? v[loc] : none; }
  std::uint32_t newer(std::uint32_t a, std::uint32_t b) const {
    if (a == none) return b;
    if (b == none) return a;
    return messages_[a].pos >= messages_[b].pos ? a : b;
  }
  void raise(View& v, std::uint32_t loc, std::uint32_t msg);
  void join_into(View& into, const View& from);
  View& sync(std::uint32_t id);
  // The position in mo below which `thread` may not read or write `loc`.
  std::uint32_t floor(std::uint32_t thread, std::uint32_t loc, MemOrder order, bool read) const;
  std::uint32_t add_message(std::int64_t value, std::uint32_t loc, std::uint32_t thread = none, std::uint32_t step = 0,
                            std::uint32_t site = 0);
  void insert(std::uint32_t loc, std::uint32_t after_pos, std::uint32_t msg);

  MemoryModel model_;
  std::uint32_t atomics_;
  std::uint32_t sync_base_;
  std::uint32_t sc_sync_;
  std::uint32_t spaces_ = 0;
  std::vector<Message> messages_;
  std::vector<std::vector<std::uint32_t>> mo_;  // by location: message ids in modification order
  std::vector<ThreadState> threads_;
  std::uint32_t thread_count_ = 0;
  std::vector<View> sync_;                  // by hb sync object
  std::vector<std::deque<View>> items_;     // by queue: the views of its items, oldest first
  std::vector<std::uint32_t> scratch_;      // readable's answer
  std::vector<std::uint32_t> places_;       // store_places's answer: positions to insert after
};

}  // namespace interleave
