// The ThreadSanitizer bridge (tsan_bridge.hpp). Without TSan every function is a no-op.
//
// The facts this relies on were checked on clang 14's runtime (docs/runtime.md repeats
// them for users; ../shared/TSAN-NOTES.md has the background):
// - TSan fibers can be switched without switching stacks: the bridge only changes which
//   TSan thread state the next annotation belongs to, and switches back at once.
// - A fake PC with bit 60 set is symbolised by __tsan_symbolize_external_ex.
// - __tsan::OnReport sees every report before it is printed; returning true hides it and
//   keeps it out of the exit code.
// - malloc counts as a write by the allocating thread: blocks that fibers touch as memory
//   (cells, mutexes) are allocated before the run's start edge, or by the fiber itself.
// - free destroys the sync objects in the block: a fresh block is an empty clock.
#include "interleave/tsan_bridge.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>

namespace interleave::tsan {

#if defined(__SANITIZE_THREAD__) || (defined(__has_feature) && __has_feature(thread_sanitizer))
#define INTERLEAVE_TSAN_BRIDGE 1
#endif

#ifdef INTERLEAVE_TSAN_BRIDGE

// Code that runs inside TSan's report or symbolizer callbacks must not be instrumented
// and must not allocate or call intercepted functions. The bridge's own methods are not
// instrumented either: between enter() and leave() TSan's current thread is a scenario
// fiber, and an instrumented access (or a function entry pushed on one fiber's shadow
// stack and popped on another's) would be charged to the scenario.
#if defined(__clang__)
#define INTERLEAVE_UNINSTRUMENTED __attribute__((disable_sanitizer_instrumentation))
#else
#define INTERLEAVE_UNINSTRUMENTED __attribute__((no_sanitize("thread")))
#endif

}  // namespace interleave::tsan

// The parts of TSan's interface that the public header of this toolchain does not declare.
extern "C" {
void* __tsan_get_current_fiber(void);
void* __tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void* fiber);
void __tsan_switch_to_fiber(void* fiber, unsigned flags);
void __tsan_set_fiber_name(void* fiber, const char* name);
void __tsan_acquire(void* addr);
void __tsan_release(void* addr);
void __tsan_mutex_pre_lock(void* addr, unsigned flags);
void __tsan_mutex_post_lock(void* addr, unsigned flags, int recursion);
int __tsan_mutex_pre_unlock(void* addr, unsigned flags);
void __tsan_mutex_post_unlock(void* addr, unsigned flags);
void __tsan_read8_pc(void* addr, void* pc);
void __tsan_write8_pc(void* addr, void* pc);
void __tsan_func_entry(void* pc);
void __tsan_func_exit(void);
int __tsan_get_report_data(void* report, const char** description, int* count, int* stack_count, int* mop_count,
                           int* loc_count, int* mutex_count, int* thread_count, int* unique_tid_count,
                           void** sleep_trace, unsigned long trace_size);
int __tsan_get_report_mop(void* report, unsigned long idx, int* tid, void** addr, int* size, int* write, int* atomic,
                          void** trace, unsigned long trace_size);
int __tsan_get_report_thread(void* report, unsigned long idx, int* tid, std::uint64_t* os_id, int* running,
                             const char** name, int* parent_tid, void** trace, unsigned long trace_size);
int __tsan_get_report_mutex(void* report, unsigned long idx, std::uint64_t* mutex_id, void** addr, int* destroyed,
                            void** trace, unsigned long trace_size);
}

namespace interleave::tsan {
namespace {

constexpr unsigned no_sync = 1u;             // __tsan_switch_to_fiber_no_sync
constexpr unsigned mutex_try_lock = 1u << 4;  // __tsan_mutex_try_lock (tsan_interface.h)

// ---- fake PCs ------------------------------------------------------------------------------
// bit 60 | module id (16 bits) << 32 | kind (2 bits) << 28 | index (28 bits)
constexpr std::uint64_t fake_bit = 1ull << 60;
enum PcKind : std::uint64_t { pc_read = 0, pc_write = 1, pc_body = 2 };

struct Frame {
  std::string function;  // what the report shows as the frame's function
  std::string file;
  int line = 0;
  int column = 0;
};
struct ModuleInfo {
  std::string path;
  std::uint64_t hash = 0;
  std::vector<Frame> reads, writes, bodies;
};

constexpr std::uint32_t max_modules = 1u << 16;
std::atomic<ModuleInfo*> g_modules[max_modules];  // append-only; read by the symbolizer
std::atomic<std::uint32_t> g_module_count{1};       // id 0: "no module"
std::mutex g_registry_mutex;

// ---- captured reports ----------------------------------------------------------------------
// OnReport runs under TSan's report lock, where nothing may allocate: it copies into these
// fixed buffers, and take_reports() turns them into Reports.
struct RawAccess {
  std::uintptr_t address;
  int tid;
  bool write, atomic;
  std::uint64_t pc;  // top frame
};
struct RawThread {
  int tid;
  char name[64];
};
struct RawReport {
  char kind[40];
  int accesses;
  RawAccess access[2];
  int threads;
  RawThread thread[8];
  int mutexes;
  std::uintptr_t mutex[8];
};
constexpr int max_raw = 64;
RawReport g_raw[max_raw];
std::atomic<int> g_raw_count{0};
std::atomic<bool> g_raw_lock{false};
std::atomic<bool> g_print_raw{false};
thread_local bool tl_scenario = false;  // the current TSan thread is a scenario thread

INTERLEAVE_UNINSTRUMENTED void copy_text(char* to, std::size_t size, const char* from) {
  std::size_t i = 0;
  for (; from && from[i] && i + 1 < size; ++i) to[i] = from[i];
  to[i] = 0;
}
INTERLEAVE_UNINSTRUMENTED bool same_text(const char* a, const char* b) {
  if (!a) return false;
  for (; *a && *a == *b; ++a, ++b) {
  }
  return *a == *b;
}

}  // namespace

std::uint32_t register_module(const Module& module) {
  std::lock_guard lock(g_registry_mutex);
  const std::uint32_t n = g_module_count.load(std::memory_order_relaxed);
  for (std::uint32_t i = n; i-- > 1;) {  // the same program again (e.g. each Execution of one scenario)
    const ModuleInfo* info = g_modules[i].load(std::memory_order_relaxed);
    if (info->hash == module.hash && info->path == module.path) return i;
  }
  if (n >= max_modules) return 0;  // frames of later modules show as unknown; races are still found
  auto info = std::make_unique<ModuleInfo>();
  info->path = module.path;
  info->hash = module.hash;
  for (const Site& site : module.sites) {
    const int line = static_cast<int>(site.loc.line), column = static_cast<int>(site.loc.col);
    info->reads.push_back(Frame{site.text + " (read)", module.path, line, column});
    info->writes.push_back(Frame{site.text + " (write)", module.path, line, column});
  }
  for (const Body& body : module.bodies) {
    // A body's location is that of its first instruction's site.
    Loc loc;
    if (!body.code.empty() && body.code.front().site < module.sites.size()) loc = module.sites[body.code.front().site].loc;
    const char* what = body.kind == DeclKind::fn ? "fn" : body.kind == DeclKind::process ? "process" : "thread";
    info->bodies.push_back(Frame{body.name == "main" ? std::string("main") : std::string(what) + " " + body.name,
                                 module.path, static_cast<int>(loc.line), static_cast<int>(loc.col)});
  }
  g_modules[n].store(info.release(), std::memory_order_release);
  g_module_count.store(n + 1, std::memory_order_release);
  return n;
}

std::uint64_t site_pc(std::uint32_t module_id, std::uint32_t site, bool write) {
  return fake_bit | static_cast<std::uint64_t>(module_id) << 32 | (write ? pc_write : pc_read) << 28 | site;
}
std::uint64_t body_pc(std::uint32_t module_id, std::uint32_t body) {
  return fake_bit | static_cast<std::uint64_t>(module_id) << 32 | pc_body << 28 | body;
}

namespace {
INTERLEAVE_UNINSTRUMENTED const Frame* frame_of(std::uint64_t pc) {
  if ((pc >> 60) != 1) return nullptr;
  const auto id = static_cast<std::uint32_t>((pc >> 32) & 0xffff);
  const auto kind = (pc >> 28) & 3;
  const auto index = static_cast<std::size_t>(pc & 0x0fffffff);
  if (id == 0 || id >= g_module_count.load(std::memory_order_acquire)) return nullptr;
  const ModuleInfo* info = g_modules[id].load(std::memory_order_acquire);
  const auto& frames = kind == pc_read ? info->reads : kind == pc_write ? info->writes : info->bodies;
  return index < frames.size() ? &frames[index] : nullptr;
}
}  // namespace

INTERLEAVE_UNINSTRUMENTED void access(const void* slot, std::uint64_t body, std::uint64_t site, bool write) {
  __tsan_func_entry(reinterpret_cast<void*>(body));
  if (write)
    __tsan_write8_pc(const_cast<void*>(slot), reinterpret_cast<void*>(site));
  else
    __tsan_read8_pc(const_cast<void*>(slot), reinterpret_cast<void*>(site));
  __tsan_func_exit();
}

INTERLEAVE_UNINSTRUMENTED void release(const void* addr) { __tsan_release(const_cast<void*>(addr)); }
INTERLEAVE_UNINSTRUMENTED void acquire(const void* addr) { __tsan_acquire(const_cast<void*>(addr)); }

void name_current_thread(const std::string& name) {
  __tsan_set_fiber_name(__tsan_get_current_fiber(), name.c_str());
  tl_scenario = true;
}

bool has_reports() { return g_raw_count.load(std::memory_order_acquire) > 0; }
void set_print_raw(bool print) { g_print_raw.store(print, std::memory_order_relaxed); }

std::vector<Report> take_reports() {
  std::vector<Report> out;
  if (!has_reports()) return out;
  while (g_raw_lock.exchange(true, std::memory_order_acquire)) {
  }
  const int n = g_raw_count.load(std::memory_order_relaxed);
  for (int i = 0; i < n && i < max_raw; ++i) {
    const RawReport& raw = g_raw[i];
    Report r;
    r.kind = raw.kind;
    for (int k = 0; k < raw.accesses; ++k) {
      const RawAccess& a = raw.access[k];
      ReportedAccess ra;
      ra.address = a.address;
      ra.write = a.write;
      ra.atomic = a.atomic;
      for (int t = 0; t < raw.threads; ++t)
        if (raw.thread[t].tid == a.tid) ra.thread = raw.thread[t].name;
      if ((a.pc >> 60) == 1 && ((a.pc >> 28) & 3) != pc_body) {
        ra.has_site = true;
        ra.module_id = static_cast<std::uint32_t>((a.pc >> 32) & 0xffff);
        ra.site = static_cast<std::uint32_t>(a.pc & 0x0fffffff);
      }
      r.accesses.push_back(std::move(ra));
    }
    for (int k = 0; k < raw.mutexes; ++k) r.mutexes.push_back(raw.mutex[k]);
    out.push_back(std::move(r));
  }
  g_raw_count.store(0, std::memory_order_relaxed);
  g_raw_lock.store(false, std::memory_order_release);
  return out;
}

}  // namespace interleave::tsan

// ---- TSan's hooks ------------------------------------------------------------------------------
extern "C" {

// Frames for the fake PCs: "balance = balance + n (write)  scenarios/seed/balance_unlocked.scn:9:9".
__attribute__((visibility("default"))) INTERLEAVE_UNINSTRUMENTED bool __tsan_symbolize_external_ex(
    std::uintptr_t pc, void (*add_frame)(void* ctx, const char* function, const char* file, int line, int column),
    void* ctx) {
  const interleave::tsan::Frame* f = interleave::tsan::frame_of(pc);
  if (!f) return false;
  add_frame(ctx, f->function.c_str(), f->file.c_str(), f->line, f->column);
  return true;
}

// Reports stay fast and complete: every race is reported, not only the first per stack.
// Called while TSan initialises, before it can handle instrumented code.
__attribute__((visibility("default"))) INTERLEAVE_UNINSTRUMENTED const char* __tsan_default_options() {
  return "suppress_equal_stacks=0:suppress_equal_addresses=0:history_size=4";
}

}  // extern "C"

namespace __tsan {
struct ReportDesc;

// Captures reports about scenario accesses; everything else (a bug in the harness) is
// printed and counted as usual.
__attribute__((visibility("default"))) INTERLEAVE_UNINSTRUMENTED bool OnReport(const ReportDesc* rep, bool suppressed) {
  using namespace interleave::tsan;
  if (suppressed) return true;
  void* report = const_cast<ReportDesc*>(rep);
  const char* description = nullptr;
  int count = 0, stacks = 0, mops = 0, locs = 0, mutexes = 0, threads = 0, unique = 0;
  void* sleep[1] = {};
  if (!__tsan_get_report_data(report, &description, &count, &stacks, &mops, &locs, &mutexes, &threads, &unique, sleep, 1))
    return false;
  RawReport raw{};
  raw.accesses = mops < 2 ? mops : 2;
  bool scenario = false;
  for (int i = 0; i < raw.accesses; ++i) {
    int tid = 0, size = 0, write = 0, atomic = 0;
    void* addr = nullptr;
    void* trace[2] = {};
    __tsan_get_report_mop(report, static_cast<unsigned long>(i), &tid, &addr, &size, &write, &atomic, trace, 2);
    raw.access[i] = RawAccess{reinterpret_cast<std::uintptr_t>(addr), tid, write != 0, atomic != 0,
                              reinterpret_cast<std::uint64_t>(trace[0])};
    if ((raw.access[i].pc >> 60) == 1) scenario = true;
  }
  const bool lock_order = same_text(description, "lock-order-inversion");
  if (!(same_text(description, "data-race") && scenario) && !(lock_order && tl_scenario)) return false;
  copy_text(raw.kind, sizeof raw.kind, description);
  raw.threads = threads < 8 ? threads : 8;
  for (int i = 0; i < raw.threads; ++i) {
    int tid = 0, running = 0, parent = 0;
    std::uint64_t os_id = 0;
    const char* name = nullptr;
    void* trace[1] = {};
    __tsan_get_report_thread(report, static_cast<unsigned long>(i), &tid, &os_id, &running, &name, &parent, trace, 1);
    raw.thread[i].tid = tid;
    copy_text(raw.thread[i].name, sizeof raw.thread[i].name, name);
  }
  raw.mutexes = mutexes < 8 ? mutexes : 8;
  for (int i = 0; i < raw.mutexes; ++i) {
    std::uint64_t id = 0;
    void* addr = nullptr;
    int destroyed = 0;
    void* trace[1] = {};
    __tsan_get_report_mutex(report, static_cast<unsigned long>(i), &id, &addr, &destroyed, trace, 1);
    raw.mutex[i] = reinterpret_cast<std::uintptr_t>(addr);
  }
  while (g_raw_lock.exchange(true, std::memory_order_acquire)) {
  }
  const int n = g_raw_count.load(std::memory_order_relaxed);
  if (n < max_raw) {
    g_raw[n] = raw;
    g_raw_count.store(n + 1, std::memory_order_release);
  }
  g_raw_lock.store(false, std::memory_order_release);
  return !g_print_raw.load(std::memory_order_relaxed);
}

}  // namespace __tsan

namespace interleave::tsan {

// ---- the controlled runtime's fibers ---------------------------------------------------------
struct ControlledBridge::State {
  void* host = nullptr;
  void* start = nullptr;  // released by the host at each run's start, acquired by each fiber
  void* end = nullptr;    // released by each fiber at the run's end, acquired by the host
  std::vector<void*> fibers;  // by scenario thread; kept across runs
  std::vector<std::uint8_t> live;  // by thread: part of this run
  std::vector<std::vector<void*>> slots;  // by address space, then cell
  std::vector<void*> mutexes;
  std::vector<void*> syncs;  // by RaceDetector sync id
  std::vector<void*> spawned, finished, fence_snapshot, pending;  // by thread
  std::vector<std::deque<void*>> items;  // by queue
  std::uint32_t cells = 0;

  INTERLEAVE_UNINSTRUMENTED static void* block() { return std::malloc(8); }
  INTERLEAVE_UNINSTRUMENTED static void drop(void*& b) {
    std::free(b);
    b = nullptr;
  }
  INTERLEAVE_UNINSTRUMENTED void enter(std::uint32_t thread) {
    tl_scenario = true;
    __tsan_switch_to_fiber(fibers[thread], no_sync);
  }
  INTERLEAVE_UNINSTRUMENTED void leave() {
    __tsan_switch_to_fiber(host, no_sync);
    tl_scenario = false;
  }
  void*& sync(std::uint32_t id) {
    if (syncs.size() <= id) syncs.resize(id + 1, nullptr);
    if (!syncs[id]) syncs[id] = block();
    return syncs[id];
  }
  void*& per_thread(std::vector<void*>& v, std::uint32_t thread) {
    if (v.size() <= thread) v.resize(thread + 1, nullptr);
    if (!v[thread]) v[thread] = block();
    return v[thread];
  }
  // Replaces `to`'s clock with `from`'s (or joins it in), through a helper fiber whose
  // own clock adds nothing of this run: fibers inherit their creator's clock, and the
  // host has acquired nothing since the run started.
  INTERLEAVE_UNINSTRUMENTED void copy_clock(void* from, void*& to, bool join) {
    if (!join) {
      drop(to);
      to = block();
    }
    void* helper = __tsan_create_fiber(0);
    __tsan_switch_to_fiber(helper, no_sync);
    __tsan_acquire(from);
    __tsan_release(to);
    __tsan_switch_to_fiber(host, no_sync);
    __tsan_destroy_fiber(helper);
  }
};

ControlledBridge::ControlledBridge(const Module& module, bool enabled) : on_(enabled) {
  if (!on_) return;
  module_id_ = register_module(module);
  s_ = new State;
  s_->start = State::block();
  s_->end = State::block();
}

ControlledBridge::~ControlledBridge() {
  if (!s_) return;
  for (void* f : s_->fibers)
    if (f) __tsan_destroy_fiber(f);
  std::free(s_->start);
  std::free(s_->end);
  delete s_;
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::begin_run(const RunShape& run) {
  if (!on_) return;
  State& s = *s_;
  const std::uint32_t cells = run.cells, mutexes = run.mutexes;
  new_space_ = 0;
  s.host = __tsan_get_current_fiber();
  s.cells = cells;
  std::fill(s.live.begin(), s.live.end(), 0);
  // Memory that fibers access is allocated before the start edge (see the file comment).
  s.slots.resize(1);
  s.slots[0].resize(cells, nullptr);
  for (void*& b : s.slots[0]) b = State::block();
  s.mutexes.resize(mutexes, nullptr);
  for (void*& b : s.mutexes) b = State::block();
  __tsan_release(s.start);
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::end_run(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& held) {
  if (!on_) return;
  State& s = *s_;
  // A lock still held (a deadlock, a crash) would stay in the fiber's lock set and add
  // lock-order edges in the next run.
  for (const auto& [thread, mutex] : held) {
    if (thread >= s.live.size() || !s.live[thread] || mutex >= s.mutexes.size()) continue;
    s.enter(thread);
    if (plain_mutexes_) {
      __tsan_release(s.mutexes[mutex]);
    } else {
      __tsan_mutex_pre_unlock(s.mutexes[mutex], 0);
      __tsan_mutex_post_unlock(s.mutexes[mutex], 0);
    }
    s.leave();
  }
  for (std::uint32_t t = 0; t < s.live.size(); ++t) {
    if (!s.live[t]) continue;
    s.enter(t);
    __tsan_release(s.end);
    s.leave();
  }
  __tsan_acquire(s.end);
  for (auto& space : s.slots)
    for (void*& b : space) State::drop(b);
  s.slots.resize(1);
  for (void*& b : s.mutexes) State::drop(b);
  for (void*& b : s.syncs) State::drop(b);
  for (auto* v : {&s.spawned, &s.finished, &s.fence_snapshot, &s.pending})
    for (void*& b : *v) State::drop(b);
  for (auto& q : s.items) {
    for (void*& b : q) State::drop(b);
    q.clear();
  }
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::add_space(std::uint32_t space, std::uint32_t) {
  if (!on_) return;
  new_space_ = space;  // allocated by the process's first thread, in add_thread
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::add_thread(std::uint32_t thread, std::optional<std::uint32_t> parent,
                                                           std::uint32_t, const std::string& name) {
  if (!on_) return;
  State& s = *s_;
  const std::uint32_t new_space = new_space_;
  new_space_ = 0;
  if (s.fibers.size() <= thread) {
    s.fibers.resize(thread + 1, nullptr);
    s.live.resize(thread + 1, 0);
  }
  if (!s.fibers[thread]) s.fibers[thread] = __tsan_create_fiber(0);
  __tsan_set_fiber_name(s.fibers[thread], name.c_str());
  s.live[thread] = 1;
  void* edge = s.per_thread(s.spawned, thread);
  if (parent) {
    s.enter(*parent);
    __tsan_release(edge);
    s.leave();
  }
  if (new_space != 0) {
    if (s.slots.size() <= new_space) s.slots.resize(new_space + 1);
    s.slots[new_space].resize(s.cells, nullptr);
  }
  s.enter(thread);
  __tsan_acquire(s.start);
  __tsan_acquire(edge);
  // A process's copy of memory is allocated by its first thread, which every other
  // thread of the process descends from: the allocation happens before all their accesses.
  if (new_space != 0)
    for (void*& b : s.slots[new_space]) b = State::block();
  s.leave();
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::access(const HbAccess& a) {
  if (!on_) return;
  State& s = *s_;
  if (a.cell < muted_.size() && muted_[a.cell]) return;
  if (a.space >= s.slots.size() || a.cell >= s.slots[a.space].size()) return;
  const void* slot = s.slots[a.space][a.cell];
  const std::uint64_t bpc = body_pc(module_id_, a.body), spc = site_pc(module_id_, a.site, a.write);
  s.enter(a.thread);
  tsan::access(slot, bpc, spc, a.write);
  s.leave();
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::mute(std::uint32_t first_cell, std::uint32_t cells) {
  if (muted_.size() < first_cell + cells) muted_.resize(first_cell + cells, 0);
  std::fill_n(muted_.begin() + first_cell, cells, std::uint8_t{1});
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::lock(std::uint32_t thread, std::uint32_t mutex, bool try_lock) {
  if (!on_) return;
  State& s = *s_;
  s.enter(thread);
  if (plain_mutexes_) {
    __tsan_acquire(s.mutexes[mutex]);
  } else {
    __tsan_mutex_pre_lock(s.mutexes[mutex], try_lock ? mutex_try_lock : 0);
    __tsan_mutex_post_lock(s.mutexes[mutex], try_lock ? mutex_try_lock : 0, 0);
  }
  s.leave();
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::unlock(std::uint32_t thread, std::uint32_t mutex) {
  if (!on_) return;
  State& s = *s_;
  s.enter(thread);
  if (plain_mutexes_) {
    // An unlock replaces the mutex's clock; the cell block itself must stay (it was
    // allocated before the start edge), so the clock lives on the block's sync object:
    // release-store semantics come from TSan's own mutex model only, and this plain
    // mode joins instead, which only adds edges the lock order already implies.
    __tsan_release(s.mutexes[mutex]);
  } else {
    __tsan_mutex_pre_unlock(s.mutexes[mutex], 0);
    __tsan_mutex_post_unlock(s.mutexes[mutex], 0);
  }
  s.leave();
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::acquire(std::uint32_t thread, std::uint32_t sync) {
  if (!on_) return;
  State& s = *s_;
  void* b = s.sync(sync);
  s.enter(thread);
  __tsan_acquire(b);
  s.leave();
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::release(std::uint32_t thread, std::uint32_t sync) {
  if (!on_) return;
  State& s = *s_;
  void*& b = s.sync(sync);
  State::drop(b);  // a fresh block: the thread's clock replaces the old one
  b = State::block();
  s.enter(thread);
  __tsan_release(b);
  s.leave();
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::release_join(std::uint32_t thread, std::uint32_t sync) {
  if (!on_) return;
  State& s = *s_;
  void* b = s.sync(sync);
  s.enter(thread);
  __tsan_release(b);
  s.leave();
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::copy_sync(std::uint32_t to, std::uint32_t from) {
  if (!on_ || to == from) return;
  State& s = *s_;
  s.sync(std::max(to, from));  // grows first: the references below stay valid
  s.copy_clock(s.sync(from), s.sync(to), false);
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::join(std::uint32_t joiner, std::uint32_t joined) {
  if (!on_) return;
  State& s = *s_;
  void* b = s.per_thread(s.finished, joined);
  s.enter(joined);
  __tsan_release(b);
  s.leave();
  s.enter(joiner);
  __tsan_acquire(b);
  s.leave();
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::fence(std::uint32_t thread) {
  if (!on_) return;
  State& s = *s_;
  void*& pending = s.per_thread(s.pending, thread);
  void*& snapshot = s.per_thread(s.fence_snapshot, thread);
  State::drop(snapshot);
  snapshot = State::block();
  s.enter(thread);
  __tsan_acquire(pending);
  __tsan_release(snapshot);
  s.leave();
  State::drop(pending);  // what the relaxed loads read has been acquired
  pending = State::block();
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::fence_half(std::uint32_t thread, bool acquire, bool release) {
  if (!on_) return;
  State& s = *s_;
  void*& pending = s.per_thread(s.pending, thread);
  void*& snapshot = s.per_thread(s.fence_snapshot, thread);
  if (release) {
    State::drop(snapshot);
    snapshot = State::block();
  }
  s.enter(thread);
  if (acquire) __tsan_acquire(pending);
  if (release) __tsan_release(snapshot);
  s.leave();
  if (acquire) {
    State::drop(pending);
    pending = State::block();
  }
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::fence_release(std::uint32_t thread, std::uint32_t sync) {
  if (!on_) return;
  State& s = *s_;
  void*& b = s.sync(sync);
  if (thread < s.fence_snapshot.size() && s.fence_snapshot[thread]) {
    s.copy_clock(s.fence_snapshot[thread], b, false);
  } else {
    State::drop(b);  // a relaxed store with no fence before it: the sequence carries nothing
    b = State::block();
  }
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::fence_release_join(std::uint32_t thread, std::uint32_t sync) {
  if (!on_) return;
  State& s = *s_;
  if (thread < s.fence_snapshot.size() && s.fence_snapshot[thread]) s.copy_clock(s.fence_snapshot[thread], s.sync(sync), true);
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::fence_acquire_later(std::uint32_t thread, std::uint32_t sync) {
  if (!on_) return;
  State& s = *s_;
  void* from = s.sync(sync);
  s.copy_clock(from, s.per_thread(s.pending, thread), true);
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::put_item(std::uint32_t thread, std::uint32_t queue) {
  if (!on_) return;
  State& s = *s_;
  if (s.items.size() <= queue) s.items.resize(queue + 1);
  void* b = State::block();
  s.items[queue].push_back(b);
  s.enter(thread);
  __tsan_release(b);
  s.leave();
}

INTERLEAVE_UNINSTRUMENTED void ControlledBridge::get_item(std::uint32_t thread, std::uint32_t queue) {
  if (!on_) return;
  State& s = *s_;
  if (queue >= s.items.size() || s.items[queue].empty()) return;
  void* b = s.items[queue].front();
  s.items[queue].pop_front();
  s.enter(thread);
  __tsan_acquire(b);
  s.leave();
  State::drop(b);
}

INTERLEAVE_UNINSTRUMENTED bool ControlledBridge::cell_at(std::uintptr_t address, std::uint32_t& space, std::uint32_t& cell) const {
  if (!on_) return false;
  for (std::uint32_t sp = 0; sp < s_->slots.size(); ++sp)
    for (std::uint32_t c = 0; c < s_->slots[sp].size(); ++c)
      if (reinterpret_cast<std::uintptr_t>(s_->slots[sp][c]) == address) {
        space = sp;
        cell = c;
        return true;
      }
  return false;
}

INTERLEAVE_UNINSTRUMENTED bool ControlledBridge::mutex_at(std::uintptr_t address, std::uint32_t& mutex) const {
  if (!on_) return false;
  for (std::uint32_t i = 0; i < s_->mutexes.size(); ++i)
    if (reinterpret_cast<std::uintptr_t>(s_->mutexes[i]) == address) {
      mutex = i;
      return true;
    }
  return false;
}

#else  // no TSan: nothing to report to

std::uint32_t register_module(const Module&) { return 0; }
std::uint64_t site_pc(std::uint32_t, std::uint32_t, bool) { return 0; }
std::uint64_t body_pc(std::uint32_t, std::uint32_t) { return 0; }
void access(const void*, std::uint64_t, std::uint64_t, bool) {}
void release(const void*) {}
void acquire(const void*) {}
void name_current_thread(const std::string&) {}
bool has_reports() { return false; }
std::vector<Report> take_reports() { return {}; }
void set_print_raw(bool) {}

struct ControlledBridge::State {};
ControlledBridge::ControlledBridge(const Module&, bool) { (void)module_id_; (void)s_; }
ControlledBridge::~ControlledBridge() = default;
void ControlledBridge::begin_run(const RunShape&) { (void)new_space_; }
void ControlledBridge::end_run(const std::vector<std::pair<std::uint32_t, std::uint32_t>>&) {}
void ControlledBridge::add_space(std::uint32_t, std::uint32_t) {}
void ControlledBridge::add_thread(std::uint32_t, std::optional<std::uint32_t>, std::uint32_t, const std::string&) {}
void ControlledBridge::access(const HbAccess&) {}
void ControlledBridge::mute(std::uint32_t, std::uint32_t) {}
void ControlledBridge::lock(std::uint32_t, std::uint32_t, bool) {}
void ControlledBridge::unlock(std::uint32_t, std::uint32_t) {}
void ControlledBridge::acquire(std::uint32_t, std::uint32_t) {}
void ControlledBridge::release(std::uint32_t, std::uint32_t) {}
void ControlledBridge::release_join(std::uint32_t, std::uint32_t) {}
void ControlledBridge::copy_sync(std::uint32_t, std::uint32_t) {}
void ControlledBridge::join(std::uint32_t, std::uint32_t) {}
void ControlledBridge::fence(std::uint32_t) {}
void ControlledBridge::fence_release(std::uint32_t, std::uint32_t) {}
void ControlledBridge::fence_release_join(std::uint32_t, std::uint32_t) {}
void ControlledBridge::fence_acquire_later(std::uint32_t, std::uint32_t) {}
void ControlledBridge::fence_half(std::uint32_t, bool, bool) {}
void ControlledBridge::put_item(std::uint32_t, std::uint32_t) {}
void ControlledBridge::get_item(std::uint32_t, std::uint32_t) {}
bool ControlledBridge::cell_at(std::uintptr_t, std::uint32_t&, std::uint32_t&) const { return false; }
bool ControlledBridge::mutex_at(std::uintptr_t, std::uint32_t&) const { return false; }

#endif

}  // namespace interleave::tsan
