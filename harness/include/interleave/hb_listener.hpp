// The happens-before events of the controlled runtime, as one listener interface. The
// runtime sends each event once, to every active listener: the causality component (the
// vector clocks), the built-in race detector (the accesses' history) and the TSan bridge.
// A listener ignores the events it has no use for.
//
// Sync objects are numbered by the runtime; mutex k is sync object k (lock and unlock name
// the mutex, since TSan models mutexes on their own, with lock order).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace interleave {

// What a run starts with.
struct RunShape {
  std::uint32_t cells = 0;         // per address space
  std::uint32_t mutexes = 0;       // sync objects 0 .. mutexes-1
  std::uint32_t sync_objects = 0;  // fixed sync objects; more (atomics of a process's copy) come on demand
};

// One access to a plain shared cell.
struct HbAccess {
  std::uint32_t thread = 0;
  std::uint32_t body = 0;   // Module::bodies index of the thread's code
  std::uint32_t space = 0;  // address space (one per process)
  std::uint32_t cell = 0;
  std::uint32_t site = 0;   // Module::sites index
  std::uint32_t step = 0;   // the run's step number
  bool write = false;
};

class HbListener {
 public:
  virtual ~HbListener() = default;

  virtual void begin_run(const RunShape& run) = 0;
  // (thread, mutex) pairs still locked when the run ended (a deadlock, a crash, a finding).
  virtual void end_run(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& held) = 0;

  // A process's copy of memory; sent just before the add_thread of the process's first thread.
  virtual void add_space(std::uint32_t space, std::uint32_t copy_of) = 0;
  // A new thread, spawned by `parent` (none: started with the run), running in `space`.
  virtual void add_thread(std::uint32_t thread, std::optional<std::uint32_t> parent, std::uint32_t space,
                          const std::string& name) = 0;
  virtual void join(std::uint32_t joiner, std::uint32_t joined) = 0;

  virtual void lock(std::uint32_t thread, std::uint32_t mutex, bool try_lock) = 0;  // acquires sync object `mutex`
  virtual void unlock(std::uint32_t thread, std::uint32_t mutex) = 0;              // releases it

  virtual void acquire(std::uint32_t thread, std::uint32_t sync) = 0;
  virtual void release(std::uint32_t thread, std::uint32_t sync) = 0;       // the object's clock := thread's
  virtual void release_join(std::uint32_t thread, std::uint32_t sync) = 0;  // the object's clock joins thread's
  // `to` carries what `from` carries: a read-modify-write continues the release sequence of
  // the store it read (each atomic store is its own sync object, memory.hpp).
  virtual void copy_sync(std::uint32_t to, std::uint32_t from) = 0;

  // Fences ([atomics.fences]): a fence acquires what the thread's earlier relaxed loads
  // read, and releases, through the thread's later relaxed stores, what came before it.
  virtual void fence(std::uint32_t thread) = 0;
  // A fence that is not seq_cst (`fence acquire|release|acq_rel`): only the halves asked for,
  // and no place in the order of seq_cst fences.
  virtual void fence_half(std::uint32_t thread, bool acquire, bool release) = 0;
  virtual void fence_release(std::uint32_t thread, std::uint32_t sync) = 0;        // a relaxed store
  virtual void fence_release_join(std::uint32_t thread, std::uint32_t sync) = 0;   // a relaxed read-modify-write
  virtual void fence_acquire_later(std::uint32_t thread, std::uint32_t sync) = 0;  // a relaxed load

  // Queue items carry the clock of their put to their get (first in, first out).
  virtual void put_item(std::uint32_t thread, std::uint32_t queue) = 0;
  virtual void get_item(std::uint32_t thread, std::uint32_t queue) = 0;

  virtual void access(const HbAccess& a) = 0;
};

}  // namespace interleave
