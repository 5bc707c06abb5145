// The ThreadSanitizer bridge. In a build with -fsanitize=thread (the tsan preset) every
// logical scenario access is reported to TSan with a fake program counter that symbolises
// to the scenario statement and line, and TSan's reports about scenario accesses are
// captured in-process as plain data. In any other build `available` is false and every
// function is a cheap no-op (take_reports() returns nothing).
//
// The harness's own code runs in TSan's ordinary thread context: only the calls below
// touch scenario state, so TSan never reports on the harness's bookkeeping.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "interleave/bytecode.hpp"
#include "interleave/hb_listener.hpp"

namespace interleave::tsan {

#if defined(__SANITIZE_THREAD__)
inline constexpr bool available = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr bool available = true;
#else
inline constexpr bool available = false;
#endif
#else
inline constexpr bool available = false;
#endif

// Registers a module's sites for symbolisation (idempotent per Module object; the bridge
// copies what it needs, so the Module may die afterwards). Returns the module's id.
std::uint32_t register_module(const Module& module);

// Fake PCs: an access frame "<statement> (read|write) <file>:<line>:<col>" and the
// enclosing frame "thread <body> <file>:<line>:<col>".
std::uint64_t site_pc(std::uint32_t module_id, std::uint32_t site, bool write);
std::uint64_t body_pc(std::uint32_t module_id, std::uint32_t body);

// One logical 8-byte access by the calling OS thread (or the current fiber) to `slot`
// (its own 8-byte-aligned heap block), with the two scenario frames above.
void access(const void* slot, std::uint64_t body_pc, std::uint64_t site_pc, bool write);

// Happens-before edges on a stand-in address, for what TSan cannot see by itself
// (scenario fences in the stress runtime: std::atomic_thread_fence is not understood).
void release(const void* addr);
void acquire(const void* addr);

// Names the calling OS thread (or current fiber) in TSan's reports.
void name_current_thread(const std::string& name);

// A TSan report that involves scenario accesses, decoded.
struct ReportedAccess {
  std::uintptr_t address = 0;
  bool write = false;
  bool atomic = false;
  std::string thread;            // TSan's thread name (the scenario thread's name)
  std::uint32_t module_id = 0;   // decoded from the top fake PC (site_pc), if any
  std::uint32_t site = 0;
  bool has_site = false;
};
struct Report {
  std::string kind;  // TSan's: "data-race", "lock-order-inversion", ...
  std::vector<ReportedAccess> accesses;
  std::vector<std::uintptr_t> mutexes;  // lock-order-inversion: the stand-in mutex addresses
};

// Reports captured since the last call, oldest first. Reports that do not involve
// scenario accesses (a bug in the harness itself) are never captured: TSan prints them
// and fails the process as usual.
std::vector<Report> take_reports();

// True when a report was captured and not yet taken: a cheap check after each access.
bool has_reports();

// When true, TSan also prints each captured report (the raw report, --tsan-raw).
void set_print_raw(bool print);

// The controlled runtime's side of the bridge: each scenario thread is a TSan fiber,
// switched to (with no_sync, so switches create no happens-before) only around the
// calls that report its accesses and synchronisation. It is a happens-before listener
// (hb_listener.hpp) like the causality component, so that TSan receives exactly the
// happens-before edges of the step rules:
//   mutexes          __tsan_mutex_pre/post_lock/unlock on a stand-in block (lock order too)
//   release (store)  a fresh sync block released by the thread: the clock is replaced
//   release_join     __tsan_release on the object's block: the clock is joined
//   acquire          __tsan_acquire
//   spawn/join       a block released by the parent (the finished thread) and acquired
//   queue items      a block per item, released at put and acquired at get
//   fences           clock snapshots copied between blocks by a short-lived helper fiber
// Every cell of every address space has its own heap block, allocated per run, so each
// run starts with clean shadow memory; a run's blocks are freed after every fiber has
// released into a block that the host then acquires.
class ControlledBridge final : public HbListener {
 public:
  ControlledBridge(const Module& module, bool enabled);
  ~ControlledBridge() override;
  ControlledBridge(const ControlledBridge&) = delete;
  ControlledBridge& operator=(const ControlledBridge&) = delete;

  bool on() const { return on_; }

  void begin_run(const RunShape& run) override;
  void end_run(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& held) override;
  void add_space(std::uint32_t space, std::uint32_t copy_of) override;
  void add_thread(std::uint32_t thread, std::optional<std::uint32_t> parent, std::uint32_t space,
                  const std::string& name) override;
  void access(const HbAccess& a) override;
  void lock(std::uint32_t thread, std::uint32_t mutex, bool try_lock) override;
  void unlock(std::uint32_t thread, std::uint32_t mutex) override;
  void acquire(std::uint32_t thread, std::uint32_t sync) override;
  void release(std::uint32_t thread, std::uint32_t sync) override;
  void release_join(std::uint32_t thread, std::uint32_t sync) override;
  void copy_sync(std::uint32_t to, std::uint32_t from) override;
  void join(std::uint32_t joiner, std::uint32_t joined) override;
  void fence(std::uint32_t thread) override;
  void fence_half(std::uint32_t thread, bool acquire, bool release) override;
  void fence_release(std::uint32_t thread, std::uint32_t sync) override;
  void fence_release_join(std::uint32_t thread, std::uint32_t sync) override;
  void fence_acquire_later(std::uint32_t thread, std::uint32_t sync) override;
  void put_item(std::uint32_t thread, std::uint32_t queue) override;
  void get_item(std::uint32_t thread, std::uint32_t queue) override;

  // After TSan reported a race on a variable: its cells are not reported to TSan again
  // (in this run or later ones), so that one race is one report.
  void mute(std::uint32_t first_cell, std::uint32_t cells);

  // Which scenario location a reported address is: (space, cell), or (space, mutex).
  bool cell_at(std::uintptr_t address, std::uint32_t& space, std::uint32_t& cell) const;
  bool mutex_at(std::uintptr_t address, std::uint32_t& mutex) const;
  // After a lock-order report: model mutexes by acquire/release only, so that the same
  // inversion is not reported (slowly) again in every later run.
  void plain_mutexes() { plain_mutexes_ = true; }

 private:
  struct State;
  bool on_ = false;
  bool plain_mutexes_ = false;
  std::uint32_t new_space_ = 0;  // from add_space to the add_thread of the process it is for
  std::vector<std::uint8_t> muted_;  // by cell
  std::uint32_t module_id_ = 0;
  State* s_ = nullptr;
};

}  // namespace interleave::tsan
