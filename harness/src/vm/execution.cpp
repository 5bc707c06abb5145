#include "interleave/execution.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <deque>
#include <limits>
#include <map>

#include "interleave/memory_budget.hpp"
#include "interleave/outcomes.hpp"
#include "../model/findings.hpp"
#include "../model/memory.hpp"
#include "../model/properties.hpp"
#include "interleave/causality.hpp"
#include "interleave/hb_listener.hpp"
#include "interpreter.hpp"
#include "interleave/race_detector.hpp"
#include "interleave/tsan_bridge.hpp"

namespace interleave {

namespace {

constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();

// The interpreter registers (body, code, pc, locals, stack, frames) come from the core
// shared with the stress runtime (interpreter.hpp).
struct Thread : vm::Registers {
  std::uint32_t id = 0;
  std::string name;
  std::uint32_t space = 0;    // address space: 0 for the root process
  std::uint32_t process = 0;  // id of the thread that started this process (0: root)
  bool is_process = false;    // started by spawning a process body
  bool finished = false;
  bool crashed = false;
  bool joined = false;
  std::int64_t result = 0;
  std::uint8_t wait_phase = 0;  // 1: released the mutex, waiting to be woken
  bool notified = false;
  bool woke_spuriously = false;
  bool weak_failed_spuriously = false;  // its last compare_exchange_weak failed spuriously
};

// Threads are reused from run to run (their vectors keep their capacity), so a run
// allocates nothing once the first few runs have sized everything.
struct ThreadTable {
  std::vector<Thread> pool;
  std::uint32_t n = 0;
  Thread* begin() { return pool.data(); }
  Thread* end() { return pool.data() + n; }
  const Thread* begin() const { return pool.data(); }
  const Thread* end() const { return pool.data() + n; }
  std::size_t size() const { return n; }
  Thread& operator[](std::size_t i) { return pool[i]; }
  const Thread& operator[](std::size_t i) const { return pool[i]; }
  Thread& back() { return pool[n - 1]; }
  void clear() { n = 0; }
  void emplace_back() {
    if (n == pool.size()) pool.emplace_back();
    Thread& t = pool[n++];
    t.name.clear();
    t.locals.clear();
    t.stack.clear();
    t.frames.clear();
    t.space = t.process = t.body = t.pc = t.locals_base = 0;
    t.is_process = t.finished = t.crashed = t.joined = t.notified = t.woke_spuriously = false;
    t.weak_failed_spuriously = false;
    t.result = 0;
    t.wait_phase = 0;
  }
};

struct Mutex {
  std::uint32_t owner = none;
  std::uint32_t site = 0;  // where the owner locked it
};

struct Stop {};            // unwinds a run that ended with a finding
struct ProcessCrashed {};  // unwinds the step of a process that crashed; the run goes on

// The happens-before listeners (hb_listener.hpp): each event is sent once and fans out to
// the active ones. Their types are known and final, so the fan-out is a predictable branch
// and a direct (often inlined) call per listener, not a virtual call: the step loop sends
// an event on most steps.
class HbListeners {
 public:
  HbListeners(const Module& m, bool clocks, bool races, bool tsan, Memory& memory)
      : clocks_on_(clocks || races), races_on_(races), tsan_on_(tsan), memory_on_(memory.views_on()),
        bridge(m, tsan), memory_(memory) {}

  bool any() const { return clocks_on_ || tsan_on_ || memory_on_; }

  void begin_run(const RunShape& run) { each([&](auto& l) { l.begin_run(run); }); }
  void end_run(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& held) {
    each([&](auto& l) { l.end_run(held); });
  }
  void add_space(std::uint32_t space, std::uint32_t copy_of) { each([&](auto& l) { l.add_space(space, copy_of); }); }
  void add_thread(std::uint32_t thread, std::optional<std::uint32_t> parent, std::uint32_t space, const std::string& name) {
    each([&](auto& l) { l.add_thread(thread, parent, space, name); });
  }
  void join(std::uint32_t joiner, std::uint32_t joined) { each([&](auto& l) { l.join(joiner, joined); }); }
  void lock(std::uint32_t t, std::uint32_t mutex, bool try_lock) { each([&](auto& l) { l.lock(t, mutex, try_lock); }); }
  void unlock(std::uint32_t t, std::uint32_t mutex) { each([&](auto& l) { l.unlock(t, mutex); }); }
  void acquire(std::uint32_t t, std::uint32_t sync) { each([&](auto& l) { l.acquire(t, sync); }); }
  void release(std::uint32_t t, std::uint32_t sync) { each([&](auto& l) { l.release(t, sync); }); }
  void release_join(std::uint32_t t, std::uint32_t sync) { each([&](auto& l) { l.release_join(t, sync); }); }
  void copy_sync(std::uint32_t to, std::uint32_t from) { each([&](auto& l) { l.copy_sync(to, from); }); }
  void fence(std::uint32_t t) { each([&](auto& l) { l.fence(t); }); }
  void fence_half(std::uint32_t t, bool acq, bool rel) { each([&](auto& l) { l.fence_half(t, acq, rel); }); }
  void fence_release(std::uint32_t t, std::uint32_t sync) { each([&](auto& l) { l.fence_release(t, sync); }); }
  void fence_release_join(std::uint32_t t, std::uint32_t sync) { each([&](auto& l) { l.fence_release_join(t, sync); }); }
  void fence_acquire_later(std::uint32_t t, std::uint32_t sync) { each([&](auto& l) { l.fence_acquire_later(t, sync); }); }
  void put_item(std::uint32_t t, std::uint32_t queue) { each([&](auto& l) { l.put_item(t, queue); }); }
  void get_item(std::uint32_t t, std::uint32_t queue) { each([&](auto& l) { l.get_item(t, queue); }); }
  void access(const HbAccess& a) { each([&](auto& l) { l.access(a); }); }

 private:
  const bool clocks_on_, races_on_, tsan_on_, memory_on_;

 public:
  Causality causality;  // first: the race detector reads the clocks as they are after each event
  RaceDetector races{causality};
  tsan::ControlledBridge bridge;  // ThreadSanitizer, the second detector, where compiled in (tsan_bridge.hpp)

 private:
  Memory& memory_;  // rc11's views travel with happens-before too (memory.hpp)

  template <class F>
  void each(F&& f) {
    if (clocks_on_) f(causality);
    if (races_on_) f(races);
    if (tsan::available && tsan_on_) f(bridge);  // compiled out where TSan is not
    if (memory_on_) f(memory_);
  }
};

}  // namespace

struct Execution::Impl {
  Impl(const Module& m, ExecOptions o)
      : m(m), o(o), has_always(std::any_of(m.properties.begin(), m.properties.end(),
                                           [](const Property& p) { return p.kind == DeclKind::always; })),
        tsan_on(tsan::available && o.tsan && o.detect_races),
        model(o.memory ? *o.memory : m.memory.value_or(default_memory_model)),
        sync_fence(static_cast<std::uint32_t>(m.mutexes.size() + m.semaphores.size() + m.queues.size())),
        sync_alloc(sync_fence + 1), fixed_syncs(sync_fence + 1 + (m.heap_cells ? 1 : 0)),
        memory(model, static_cast<std::uint32_t>(m.atomics.size()), fixed_syncs, sync_fence),
        hb(m, /*clocks=*/false, o.detect_races, tsan_on, memory),
        flush_base(o.max_threads) {
    for (const auto& v : m.atomics) atomic_init.push_back(v.init);
  }

  const Module& m;
  ExecOptions o;
  Scheduler* sched = nullptr;
  RunResult* r = nullptr;
  ThreadTable threads;
  std::vector<std::vector<std::int64_t>> spaces;
  std::vector<Choice> choices;  // this run's schedule, copied out only when needed
  std::size_t significant = 0;  // choices up to the last one that differs from the default
  const bool has_always;  // of the module: fixed for every run
  std::vector<std::uint8_t> yield_flag;  // by thread: it yielded, and nobody has made progress since
  std::uint32_t yielders = 0;
  std::vector<Mutex> mutexes;
  std::vector<std::vector<std::uint32_t>> cond_waiters;
  std::vector<std::int64_t> sems;
  std::vector<std::deque<std::int64_t>> queues;
  std::vector<std::uint8_t> queue_closed;
  std::vector<std::uint32_t> rmw_options;  // scratch: a compare_exchange's reads under rc11
  const bool tsan_on;
  const MemoryModel model;
  // Sync objects: mutexes, semaphores, queue closes, the fence (the SC order), then one per
  // atomic store.
  const std::uint32_t sync_fence;
  // v2 heap: the allocator is a sync object (a free happens before the alloc that reuses its
  // block, as a real allocator's lock makes it); the fixed sync objects end there.
  const std::uint32_t sync_alloc, fixed_syncs;
  Memory memory;   // the atomics, under the model
  HbListeners hb;  // the clocks, the race detector, the TSan bridge and rc11's views, as enabled
  // tso: "flush thread t's oldest buffered store" is a pseudo-thread flush_base + t that the
  // scheduler picks like a thread, so flushes are recorded, explored and replayed.
  const std::uint32_t flush_base;
  std::vector<std::int64_t> atomic_init;  // of the module: fixed for every run
  std::vector<std::uint8_t> tsan_raced_vars;  // this run: one TSan race per variable
  std::vector<std::pair<std::uint32_t, std::uint32_t>> held;  // (thread, mutex) locked at a run's end
  bool tsan_lock_order_seen = false;
  std::vector<ThreadId> runnable;
  std::vector<std::uint8_t> raced_vars;  // report one race per variable per run
  std::uint64_t step = 0;
  std::string preempting;  // the next traced step preempts this thread (the lanes view marks it)
  std::uint32_t thread_counter = 0, process_counter = 0;
  bool yielded = false;

  // ---- footprints, for partial-order reduction (Scheduler::wants_footprints) -------------
  bool fp_on = false;
  bool fp_global = false;
  ThreadId in_step = none;  // the thread whose step is being taken (none between steps)
  std::vector<StepAccess> fp;  // of the step being taken
  void touch(footprint::Kind kind, std::uint64_t index, bool write) {
    if (fp_on) [[unlikely]] fp.push_back(StepAccess{footprint::object(kind, index), write});
  }
  void touch_cell(const Thread& t, std::uint32_t cell, bool write) {
    if (!fp_on) [[likely]] return;
    fp.push_back(StepAccess{footprint::object(footprint::cell, (std::uint64_t{t.space} << 32) | cell), write});
    if (write && has_always && t.space == 0) fp.push_back(StepAccess{footprint::object(footprint::always, 0), true});
  }

  // Both ends of a queue: the steps that look at or change its size or its closing are
  // dependent with every put and get on it.
  void touch_queue(std::uint32_t q) {
    touch(footprint::queue_head, q, true);
    touch(footprint::queue_tail, q, true);
  }

  // ---- sync object ids for the happens-before listeners ----------------------------------
  // Mutex k is sync object k (hb_listener.hpp): lock and unlock name the mutex.
  std::uint32_t sync_sem(std::uint32_t i) const { return static_cast<std::uint32_t>(m.mutexes.size()) + i; }
  // A queue's close: a get that sees the queue closed happens after it.
  std::uint32_t sync_close(std::uint32_t q) const {
    return static_cast<std::uint32_t>(m.mutexes.size() + m.semaphores.size()) + q;
  }

  // ---- helpers ---------------------------------------------------------------------------
  const Instr& at(const Thread& t) const { return t.code[t.pc]; }
  const Site& site_of(const Thread& t) const { return m.sites[at(t).site]; }
  std::string where(std::uint32_t site) const { return findings::where(m, site); }
  findings::Place place(std::uint32_t site) const { return findings::place(m, site); }
  std::int64_t pop(Thread& t) {
    const std::int64_t v = t.stack.back();
    t.stack.pop_back();
    return v;
  }
  std::string cell_name(std::uint32_t var, std::int64_t index, bool element) const {
    return element ? fmt::format("{}[{}]", m.shared[var].name, index) : m.shared[var].name;
  }
  void trace(const Thread& t, std::uint32_t site, std::string effect) {
    if (!o.record_trace) return;
    const Site& s = m.sites[site];
    r->trace.push_back(TraceStep{step, t.name, s.loc, s.text, std::move(effect), std::move(preempting), {}});
    preempting.clear();
  }
  findings::ThreadState thread_state(const Thread& t) const {
    using S = findings::ThreadState;
    if (t.crashed) return {S::crashed, {}};
    if (t.finished) return {S::finished, {}};
    return {S::at, where(at(t).site)};  // callers say why it is there
  }

  [[noreturn]] void stop(Finding f) {
    f.step = step;
    f.preemptions = r->preemptions;
    r->findings.push_back(std::move(f));
    throw Stop{};
  }

  // ---- run -------------------------------------------------------------------------------
  void reset() {
    preempting.clear();
    threads.clear();
    spaces.resize(1);
    spaces[0].assign(m.cell_count, 0);
    for (const auto& v : m.shared)
      std::fill_n(spaces[0].begin() + v.first_cell, std::max<std::uint32_t>(v.size, 1), v.init);
    for (const auto& v : m.atomics) spaces[0][v.first_cell] = v.init;
    memory.reset(atomic_init);
    mutexes.assign(m.mutexes.size(), Mutex{});
    cond_waiters.resize(m.conds.size());
    for (auto& w : cond_waiters) w.clear();
    sems.assign(m.semaphore_init.begin(), m.semaphore_init.end());
    queues.resize(m.queues.size());
    for (auto& q : queues) q.clear();
    queue_closed.assign(m.queues.size(), 0);
    choices.clear();
    significant = 0;
    std::fill(yield_flag.begin(), yield_flag.end(), 0);
    yielders = 0;

    raced_vars.assign(m.shared.size(), 0);
    if (tsan_on) tsan_raced_vars.assign(m.shared.size(), 0);
    if (m.heap_cells) heap_reset();
    if (hb.any()) hb.begin_run(RunShape{m.cell_count, static_cast<std::uint32_t>(m.mutexes.size()), fixed_syncs});
    step = 0;
    thread_counter = 0;
    process_counter = 0;
    yielded = false;
  }

  std::uint32_t spawn_site = 0;  // of the spawn being made, for MemoryLimitExceeded

  std::uint32_t new_thread(std::uint32_t body, std::string name, std::optional<std::uint32_t> parent, bool process) {
    const auto id = static_cast<std::uint32_t>(threads.size());
    if (id >= o.max_threads) {
      stop(findings::too_many_threads(o.max_threads));
    }
    if (parent && o.memory_limit != 0) {
      const std::uint64_t need = state_bytes(m.cell_count, spaces.size() + (process ? 1 : 0), id + 1);
      if (need > o.memory_limit) throw MemoryLimitExceeded(spawn_site, need, id + 1);
    }
    threads.emplace_back();
    Thread& t = threads.back();
    t.id = id;
    t.name = std::move(name);
    t.body = body;
    t.code = m.bodies[body].code.data();
    t.locals.assign(m.bodies[body].frame_size, 0);
    if (parent) {
      const Thread& p = threads[*parent];
      t.space = p.space;
      t.process = p.process;
    }
    if (process) {
      t.is_process = true;
      t.process = id;
      t.space = static_cast<std::uint32_t>(spaces.size());
      spaces.push_back(spaces[threads[*parent].space]);  // as after fork
      memory.new_space(t.space, threads[*parent].space);
      hb.add_space(t.space, threads[*parent].space);
    }
    memory.new_thread(id, process ? std::nullopt : parent);
    hb.add_thread(id, parent, t.space, t.name);
    return id;
  }

  void start(RunResult& result) {
    if (m.implicit_main) {
      for (std::uint32_t body : m.implicit_threads) new_thread(body, m.bodies[body].name, std::nullopt, false);
    } else {
      new_thread(m.main_body, "MainThread", std::nullopt, false);
    }
    (void)result;
    for (std::size_t i = 0; i < threads.size(); ++i) advance(threads[i]);  // no processes yet: crashes end the run
  }

  RunResult run(Scheduler& s) {
    RunResult result;
    r = &result;
    sched = &s;
    reset();
    fp_on = s.wants_footprints();
    const bool skip_forced = s.skips_forced_picks();
    fp.clear();
    fp_global = false;
    try {
      start(result);
      if (has_always) check_always();  // the initial state is a state too
      ThreadId current = 0;
      bool runnable_valid = false;  // `runnable` is exact for the state before the last step
      ThreadId last = 0;
      for (;;) {
        // After a step that changes nothing another thread waits for, only the thread that
        // took it can have changed (it was runnable; it may now wait).
        if (runnable_valid) [[likely]] {
          if (!enabled(threads[last])) {
            const auto at = std::lower_bound(runnable.begin(), runnable.end(), last);
            if (at != runnable.end() && *at == last) runnable.erase(at);
          }
        } else {
          compute_runnable();
        }
        if (runnable.empty()) {
          if (std::all_of(threads.begin(), threads.end(), [](const Thread& t) { return t.finished; })) break;
          deadlock();
        }
        if (step >= o.max_steps) livelock();
        if ((step & 63) == 63 && cut_short()) {
          result.cut_short = true;
          result.findings.clear();
          throw Stop{};
        }
        if (yielders > 0) hold_back_yielders();  // changes `runnable`: recomputed after the step
        // One runnable thread: a scheduler that allows it is told, not asked (a virtual
        // call on about half of the steps of a lock-bound program).
        const ThreadId next = skip_forced && runnable.size() == 1 ? (s.forced_pick(), runnable.front())
                                                                    : s.pick(runnable, current, yielded);
        if (next == prune_run) [[unlikely]] {
          result.pruned = true;
          throw Stop{};
        }
        choices.push_back(Choice{Choice::thread, next});
        if (next != current) {
          const bool current_runnable = std::binary_search(runnable.begin(), runnable.end(), current);
          if (!yielded && current_runnable) {
            ++result.preemptions;
            if (o.record_trace) preempting = threads[current].name;
          }
          // What a replay does past the end of a schedule: keep the current thread, else the
          // lowest; anything else must be recorded.
          if (current_runnable || next != runnable.front()) significant = choices.size();
        }
        current = next;
        yielded = false;
        ++step;
        const bool yielders_before = yielders > 0;
        in_step = next;
        last = next;
        if (next >= flush_base) [[unlikely]] {
          runnable_valid = false;
          flush(next - flush_base, "");
        } else {
          // tso offers flushes by every runnable thread's next step: always recomputed.
          runnable_valid = !yielders_before && model != MemoryModel::tso && keeps_others_enabled[static_cast<std::uint8_t>(threads[next].at().op)];
          try {
            execute(threads[next]);
          } catch (const ProcessCrashed&) {
            runnable_valid = false;
          }
          note_yield(next);
        }
        if (fp_on) [[unlikely]] {
          // While a thread is held back for yielding, who may run depends on every other
          // thread's steps: such steps are dependent with everything.
          if (fp_global || yielders_before || yielders > 0) fp.push_back(StepAccess{footprint::object(footprint::global, 0), true});
          s.executed(next, fp);
          fp.clear();
          fp_global = false;
        }
        in_step = none;
        if (has_always) check_always();
      }
      observe();  // every finished run counts, including those that break a final property
      result.finished = true;
      if (m.heap_cells) check_leaks();
      check_final();
    } catch (const Stop&) {
      if (fp_on && !result.pruned && !result.cut_short) [[unlikely]] report_unfinished(s);
    }
    in_step = none;
    if (hb.any()) {
      held.clear();
      for (std::uint32_t k = 0; k < mutexes.size(); ++k)
        if (mutexes[k].owner != none) held.emplace_back(mutexes[k].owner, k);
      hb.end_run(held);
    }
    if (tsan_on) collect_tsan();
    result.steps = step;
    // The schedule ends with its last choice that a replay would not make by default, so a
    // long tail of one thread running alone (a livelock, say) costs nothing in a token.
    if (o.keep_schedule || !result.findings.empty())
      result.schedule.choices.assign(choices.begin(),
                                     choices.begin() + static_cast<std::ptrdiff_t>(o.full_schedule ? choices.size() : significant));
    s.end_run(step);
    r = nullptr;
    return result;
  }

  // A run that a finding stopped: the reduction must see the step it stopped in (a crash
  // or a failed assert ends it before the step is reported) and the step each unfinished
  // thread was about to take, or it would never try the orders in which those go first.
  void report_unfinished(Scheduler& s) {
    if (in_step != none) {
      if (fp_global || yielders > 0) fp.push_back(StepAccess{footprint::object(footprint::global, 0), true});
      s.executed(in_step, fp);
    }
    fp.clear();
    fp_global = false;
    for (const Thread& t : threads) {
      if (t.finished) continue;
      pending_footprint(t);
      s.pending(t.id, fp);
      fp.clear();
      if (memory.buffered(t.id)) {  // its flushes, too
        fp.push_back(StepAccess{footprint::object(footprint::global, 0), true});
        s.pending(flush_base + t.id, fp);
        fp.clear();
      }
    }
  }

  // What thread t's next step would touch. A blocked step touches what blocks it; a step
  // that could run is taken as dependent with everything (its exact footprint is known
  // only once it runs), which can only add orders to try.
  void pending_footprint(const Thread& t) {
    const Instr& i = at(t);
    if (model == MemoryModel::tso && waits_for_buffers(t)) {
      touch(footprint::store_buffer, t.id, true);
      return;
    }
    if (!enabled(t)) {
      switch (i.op) {
        case Op::lock: touch(footprint::mutex, i.a, true); return;
        case Op::wait:
          if (t.notified) touch(footprint::mutex, i.b, true);
          else touch(footprint::cond, i.a, true);
          return;
        case Op::sem_acquire: touch(footprint::semaphore, i.a, true); return;
        case Op::put: touch(footprint::queue_tail, i.a, true); return;
        case Op::get: touch(footprint::queue_head, i.a, true); return;
        case Op::join: {
          const Thread& target = threads[static_cast<std::size_t>(t.stack.back())];
          if (target.is_process) touch(footprint::process_end, target.process, false);
          else touch(footprint::thread_end, target.id, false);
          return;
        }
        default: break;
      }
    }
    fp.push_back(StepAccess{footprint::object(footprint::global, 0), true});
  }

  bool cut_short() const {
    return (o.interrupt && o.interrupt->load(std::memory_order_relaxed)) ||
           (o.deadline != std::chrono::steady_clock::time_point::max() && std::chrono::steady_clock::now() > o.deadline);
  }

  // ---- scheduling ------------------------------------------------------------------------
  bool process_done(std::uint32_t process) const {
    for (const Thread& t : threads)
      if (t.process == process && !t.finished) return false;
    return true;
  }

  // Steps that may have to wait; every other step can always be taken. A table, so that
  // the common case is one load and a predictable branch rather than an indirect jump.
  static constexpr std::array<bool, 256> may_block = [] {
    std::array<bool, 256> t{};
    for (Op op : {Op::lock, Op::wait, Op::sem_acquire, Op::put, Op::get, Op::join}) t[static_cast<std::uint8_t>(op)] = true;
    return t;
  }();

  // Steps after which every other thread can run exactly when it could before: they change
  // no mutex, semaphore, queue, condition or thread's end, which is what enabled() reads of
  // other threads. Any other step (and any new operation, until listed) recomputes the set.
  static constexpr std::array<bool, 256> keeps_others_enabled = [] {
    std::array<bool, 256> t{};
    for (Op op : {Op::read, Op::write, Op::read_elem, Op::write_elem, Op::atomic_load, Op::atomic_store,
                  Op::atomic_fetch_add, Op::atomic_exchange, Op::atomic_cas, Op::atomic_fetch_sub,
                  Op::atomic_fetch_and, Op::atomic_fetch_or, Op::atomic_fetch_xor, Op::atomic_cmpxchg,
                  Op::atomic_cmpxchg_weak, Op::fence})
      t[static_cast<std::uint8_t>(op)] = true;
    return t;
  }();

  // Inlined into the run loop: the common answers (finished, a step that cannot wait, a
  // lock) without a call; the rest out of line.
  [[gnu::always_inline]] bool enabled(const Thread& t) const {
    if (t.finished) return false;
    const Instr& i = at(t);
    // Under partial-order reduction a step that drains a tso store buffer waits until the
    // scheduled flushes have emptied it, so that every flush is a step of its own that the
    // reduction can move (the same runs: a drain is those flushes, then the step).
    if (fp_on && model == MemoryModel::tso) [[unlikely]] {
      if (waits_for_buffers(t)) return false;
    }
    if (__builtin_expect(!may_block[static_cast<std::uint8_t>(i.op)], 1)) return true;
    if (i.op == Op::lock) return mutexes[i.a].owner == none;  // the common case, without a jump table
    return may_wait_enabled(t, i);
  }

  [[gnu::noinline]] bool may_wait_enabled(const Thread& t, const Instr& i) const {
    switch (i.op) {
      case Op::lock: return mutexes[i.a].owner == none;
      case Op::wait:
        return t.wait_phase == 0 || ((t.notified || (o.spurious_wakeups && !t.woke_spuriously)) && mutexes[i.b].owner == none);
      case Op::sem_acquire: return sems[i.a] > 0;
      case Op::put: return queues[i.a].size() < static_cast<std::size_t>(m.queue_capacity[i.a]) || queue_closed[i.a];
      case Op::get: return !queues[i.a].empty() || queue_closed[i.a];
      case Op::join: {
        const std::int64_t h = t.stack.back();
        if (h < 0 || h >= static_cast<std::int64_t>(threads.size()) || h == t.id) return true;  // crashes when run
        const Thread& target = threads[static_cast<std::size_t>(h)];
        return target.is_process ? process_done(target.process) : target.finished;
      }
      default: return true;
    }
  }

  bool waits_for_buffers(const Thread& t) const {
    const Instr& i = at(t);
    const bool sc_store = i.op == Op::atomic_store && static_cast<MemOrder>(i.aux) == MemOrder::seq_cst;
    if (!drains_buffer(i) && !sc_store) return false;
    if (memory.buffered(t.id)) return true;
    if (i.op != Op::join) return false;
    const std::int64_t h = t.stack.back();
    if (h < 0 || h >= static_cast<std::int64_t>(threads.size())) return false;
    const Thread& target = threads[static_cast<std::size_t>(h)];
    for (const Thread& x : threads)
      if ((x.id == target.id || (target.is_process && x.process == target.process)) && memory.buffered(x.id)) return true;
    return false;
  }

  // Yield fairness: a thread that yielded is held back while any runnable thread has not
  // yielded since its own last step; its flag clears when it takes a step that is not a
  // yield. So spin loops that yield always let the thread they wait for run, whatever the
  // scheduler, and two spinners cannot keep handing the processor to each other.
  void note_yield(ThreadId t) {
    if (yield_flag.size() <= t) yield_flag.resize(t + 1, 0);
    if (yielded != (yield_flag[t] != 0)) {
      yield_flag[t] = yielded ? 1 : 0;
      yielded ? ++yielders : --yielders;
    }
  }

  void hold_back_yielders() {
    auto yielded_before = [&](ThreadId t) { return t < yield_flag.size() && yield_flag[t]; };
    if (std::all_of(runnable.begin(), runnable.end(), yielded_before)) return;
    runnable.erase(std::remove_if(runnable.begin(), runnable.end(), yielded_before), runnable.end());
  }

  void compute_runnable() {
    runnable.clear();
    for (const Thread& t : threads)
      if (enabled(t)) runnable.push_back(t.id);
    if (model == MemoryModel::tso) {
      if (fp_on || o.offer_all_flushes) {
        for (const Thread& t : threads)
          if (memory.buffered(t.id)) runnable.push_back(flush_base + t.id);
      } else {
        offer_flushes();
      }
    }
  }

  // A flush is offered only when it can matter: when another runnable thread's next step
  // reads or publishes a location in the buffer (an atomic load or RMW, a seq_cst store, a
  // step that drains its own buffer), when a buffer that shares a location with it is
  // offered (their order decides the modification order), or when no thread can run (at
  // the end, or before a deadlock is declared). Delaying a flush past steps that neither
  // see nor order what it writes changes nothing they see, so every outcome is still
  // reached, and tso does not multiply the schedules by every place a flush could go.
  std::vector<std::uint32_t> observed;        // locations the runnable threads are about to read or publish
  std::vector<std::uint8_t> offered_flush;    // by thread
  void offer_flushes() {
    const std::size_t real = runnable.size();
    bool any_buffered = false;
    for (const Thread& t : threads) any_buffered = any_buffered || memory.buffered(t.id);
    if (!any_buffered) return;
    offered_flush.assign(threads.size(), 0);
    if (real == 0) {
      for (const Thread& t : threads)
        if (memory.buffered(t.id)) runnable.push_back(flush_base + t.id);
      return;
    }
    // Which locations each runnable thread's next step reads or publishes; a location is
    // offered to every buffer but the thread's own.
    auto publishes = [&](const Thread& u, std::vector<std::uint32_t>& locs) {
      locs.clear();
      const Instr& i = at(u);
      const bool sc_store = i.op == Op::atomic_store && static_cast<MemOrder>(i.aux) == MemOrder::seq_cst;
      const bool reads = i.op == Op::atomic_load || is_rmw(i.op);
      if (reads || sc_store) locs.push_back(memory.loc(u.space, static_cast<std::uint32_t>(i.a)));
      if (sc_store || drains_buffer(i)) memory.buffer_locations(u.id, locs);
    };
    for (std::size_t k = 0; k < real; ++k) {
      const Thread& u = threads[runnable[k]];
      if (at(u).op >= Op::alloc) {  // v2 heap: the location is known only when it runs; offer every buffer
        for (const Thread& x : threads)
          if (memory.buffered(x.id)) offered_flush[x.id] = 1;
        continue;
      }
      publishes(u, observed);
      for (const Thread& t : threads)
        if (t.id != u.id && !offered_flush[t.id] && memory.buffered(t.id))
          for (std::uint32_t loc : observed)
            if (memory.buffer_has(t.id, loc)) {
              offered_flush[t.id] = 1;
              break;
            }
    }
    // Buffers that share a location with an offered one are offered too.
    for (bool grew = true; grew;) {
      grew = false;
      for (const Thread& t : threads) {
        if (!offered_flush[t.id]) continue;
        observed.clear();
        memory.buffer_locations(t.id, observed);
        for (const Thread& u : threads)
          if (!offered_flush[u.id] && memory.buffered(u.id))
            for (std::uint32_t loc : observed)
              if (memory.buffer_has(u.id, loc)) {
                offered_flush[u.id] = 1;
                grew = true;
                break;
              }
      }
    }
    for (const Thread& t : threads)
      if (offered_flush[t.id]) runnable.push_back(flush_base + t.id);
  }

  // ---- tso store buffers -------------------------------------------------------------------
  // Makes thread t's oldest buffered store visible. `why` is empty for a scheduled flush,
  // else the step that drains the buffer.
  void flush(std::uint32_t t, std::string_view why) {
    const std::uint32_t id = memory.flush(t);
    const Memory::Message& msg = memory.message(id);
    const auto atomics = static_cast<std::uint32_t>(m.atomics.size());
    const Variable& v = m.atomics[msg.loc % atomics];
    touch(footprint::atomic, msg.loc, true);
    touch(footprint::store_buffer, t, true);
    publish(msg.loc / atomics, msg.loc % atomics);
    if (o.record_trace)
      trace(threads[t], msg.site,
            why.empty() ? fmt::format("flush {} <- {} from {}'s store buffer (now visible)", v.name, msg.value, threads[t].name)
                        : fmt::format("flush {} <- {} ({} drains the store buffer)", v.name, msg.value, why));
  }
  void drain(std::uint32_t t, std::string_view why) {
    if (model != MemoryModel::tso) return;
    while (memory.buffered(t)) flush(t, why);
  }
  // Steps that synchronise drain the thread's buffer first (x86: a locked instruction or
  // a fence); loads, stores, yields and plain accesses do not.
  static constexpr std::array<bool, 256> drains = [] {
    std::array<bool, 256> t{};
    for (Op op : {Op::atomic_fetch_add, Op::atomic_exchange, Op::atomic_cas, Op::atomic_fetch_sub,
                  Op::atomic_fetch_and, Op::atomic_fetch_or, Op::atomic_fetch_xor, Op::atomic_cmpxchg,
                  Op::atomic_cmpxchg_weak, Op::lock, Op::unlock, Op::try_lock, Op::wait, Op::notify_one,
                  Op::notify_all, Op::sem_acquire, Op::sem_release, Op::put, Op::get, Op::try_put, Op::try_get,
                  Op::queue_size, Op::queue_close, Op::spawn, Op::join, Op::fence})
      t[static_cast<std::uint8_t>(op)] = true;
    return t;
  }();
  // Only a seq_cst fence is an mfence; x86 needs no instruction for the other orders.
  static bool drains_buffer(const Instr& i) {
    if (i.op == Op::fence) return static_cast<MemOrder>(i.aux) == MemOrder::seq_cst;
    return drains[static_cast<std::uint8_t>(i.op)];
  }
  static constexpr bool is_rmw(Op op) {
    return op == Op::atomic_fetch_add || op == Op::atomic_exchange || op == Op::atomic_cas ||
           (op >= Op::atomic_fetch_sub && op <= Op::atomic_cmpxchg_weak);
  }

  // ---- steps -----------------------------------------------------------------------------
  void execute(Thread& t) {
    const Instr i = at(t);
    if (model == MemoryModel::tso && drains_buffer(i)) {
      touch(footprint::store_buffer, t.id, false);  // it waited for its buffer to empty
      drain(t.id, op_name(i.op));
    }
    switch (i.op) {
      case Op::read: {
        const Variable& v = m.shared[i.a];
        const std::int64_t value = spaces[t.space][v.first_cell];
        touch_cell(t, v.first_cell, false);
        check_race(t, i, v.first_cell, static_cast<std::uint32_t>(i.a), 0, false, false);
        t.stack.push_back(value);
        if (o.record_trace) trace(t, i.site, fmt::format("read {} -> {}", v.name, value));
        break;
      }
      case Op::write: {
        const Variable& v = m.shared[i.a];
        const std::int64_t value = pop(t);
        touch_cell(t, v.first_cell, true);
        check_race(t, i, v.first_cell, static_cast<std::uint32_t>(i.a), 0, false, true);
        spaces[t.space][v.first_cell] = value;
        if (o.record_trace) trace(t, i.site, fmt::format("write {} <- {}", v.name, value));
        break;
      }
      case Op::read_elem: {
        const Variable& v = m.shared[i.a];
        const std::int64_t index = pop(t);
        const std::uint32_t cell = element(t, v, index);
        const std::int64_t value = spaces[t.space][cell];
        touch_cell(t, cell, false);
        check_race(t, i, cell, static_cast<std::uint32_t>(i.a), index, true, false);
        t.stack.push_back(value);
        if (o.record_trace) trace(t, i.site, fmt::format("read {}[{}] -> {}", v.name, index, value));
        break;
      }
      case Op::write_elem: {
        const Variable& v = m.shared[i.a];
        const std::int64_t value = pop(t);
        const std::int64_t index = pop(t);
        const std::uint32_t cell = element(t, v, index);
        touch_cell(t, cell, true);
        check_race(t, i, cell, static_cast<std::uint32_t>(i.a), index, true, true);
        spaces[t.space][cell] = value;
        if (o.record_trace) trace(t, i.site, fmt::format("write {}[{}] <- {}", v.name, index, value));
        break;
      }
      case Op::atomic_load:
      case Op::atomic_store:
      case Op::atomic_fetch_add:
      case Op::atomic_exchange:
      case Op::atomic_cas:
      case Op::atomic_fetch_sub:
      case Op::atomic_fetch_and:
      case Op::atomic_fetch_or:
      case Op::atomic_fetch_xor:
      case Op::atomic_cmpxchg:
      case Op::atomic_cmpxchg_weak:
        atomic_op(t, i);
        break;
      case Op::lock:
        touch(footprint::mutex, i.a, true);
        mutexes[i.a] = Mutex{t.id, i.site};
        lock(t, static_cast<std::uint32_t>(i.a), false);
        if (o.record_trace) trace(t, i.site, "lock " + m.mutexes[i.a]);
        break;
      case Op::try_lock: {
        const bool free = mutexes[i.a].owner == none;
        touch(footprint::mutex, i.a, true);
        touch(footprint::mutex_free, i.a, false);
        if (free) {
          mutexes[i.a] = Mutex{t.id, i.site};
          lock(t, static_cast<std::uint32_t>(i.a), true);
        }
        t.stack.push_back(free ? 1 : 0);
        if (o.record_trace) trace(t, i.site, fmt::format("try_lock {} -> {}", m.mutexes[i.a], free ? "locked" : "busy"));
        break;
      }
      case Op::unlock:
        unlock(t, static_cast<std::uint32_t>(i.a), i.site);
        if (o.record_trace) trace(t, i.site, "unlock " + m.mutexes[i.a]);
        break;
      case Op::wait:
        touch(footprint::cond, i.a, true);
        if (t.wait_phase == 0) {
          if (mutexes[i.b].owner != t.id)
            crash(t, findings::crash_text::wait_without_mutex(m.conds[i.a], m.mutexes[i.b]));
          unlock(t, static_cast<std::uint32_t>(i.b), i.site);
          cond_waiters[i.a].push_back(t.id);
          t.wait_phase = 1;
          t.notified = false;
          if (o.record_trace) trace(t, i.site, fmt::format("wait on {} (unlocks {})", m.conds[i.a], m.mutexes[i.b]));
          return;  // the thread stays at the wait: its next step is waking up
        } else {
          auto& w = cond_waiters[i.a];
          const bool spurious = !t.notified;
          // One spurious wakeup per thread and run: enough to break an `if` around a wait,
          // and a predicate loop cannot be kept spinning by wakeups forever.
          if (spurious) t.woke_spuriously = true;
          w.erase(std::remove(w.begin(), w.end(), t.id), w.end());
          t.wait_phase = 0;
          touch(footprint::mutex, i.b, true);
          mutexes[i.b] = Mutex{t.id, i.site};
          lock(t, static_cast<std::uint32_t>(i.b), false);
          if (o.record_trace) trace(t, i.site, fmt::format("wake from {}{} (relocks {})", m.conds[i.a], spurious ? ", spuriously" : "", m.mutexes[i.b]));
        }
        break;
      case Op::notify_one: {
        touch(footprint::cond, i.a, true);
        auto& w = cond_waiters[i.a];
        if (!w.empty()) {
          // Which waiter wakes is unspecified: the scheduler chooses when there is a choice.
          const std::size_t k = w.size() == 1 ? 0 : static_cast<std::size_t>(choose(0, static_cast<std::int64_t>(w.size()) - 1));
          threads[w[k]].notified = true;
          if (o.record_trace) trace(t, i.site, fmt::format("notify_one {} (wakes {})", m.conds[i.a], threads[w[k]].name));
          w.erase(w.begin() + static_cast<std::ptrdiff_t>(k));
        } else {
          if (o.record_trace) trace(t, i.site, fmt::format("notify_one {} (nobody waits)", m.conds[i.a]));
        }
        break;
      }
      case Op::notify_all: {
        touch(footprint::cond, i.a, true);
        auto& w = cond_waiters[i.a];
        for (auto id : w) threads[id].notified = true;
        if (o.record_trace) trace(t, i.site, fmt::format("notify_all {} (wakes {})", m.conds[i.a], w.size()));
        w.clear();
        break;
      }
      case Op::sem_acquire:
        touch(footprint::semaphore, i.a, true);
        --sems[i.a];
        hb.acquire(t.id, sync_sem(static_cast<std::uint32_t>(i.a)));
        if (o.record_trace) trace(t, i.site, fmt::format("acquire {} ({} left)", m.semaphores[i.a], sems[i.a]));
        break;
      case Op::sem_release:
        // ++ at INT64_MAX is undefined behaviour; the count would wrap negative and the
        // next acquire would block forever, a false deadlock. A crash names the cause.
        if (sems[i.a] == std::numeric_limits<std::int64_t>::max())
          crash(t, findings::crash_text::semaphore_overflow(m.semaphores[i.a]));
        touch(footprint::semaphore, i.a, true);
        ++sems[i.a];
        hb.release_join(t.id, sync_sem(static_cast<std::uint32_t>(i.a)));
        if (o.record_trace) trace(t, i.site, fmt::format("release {} ({} available)", m.semaphores[i.a], sems[i.a]));
        break;
      case Op::put: {
        const std::int64_t v = pop(t);
        if (queue_closed[i.a]) crash(t, findings::crash_text::put_on_closed(m.queues[i.a]));
        // A put and a get that can both go commute (the get takes an older item), so they
        // touch different ends; only at an empty or full queue do they wait for each other.
        touch(footprint::queue_tail, i.a, true);
        if (queues[i.a].empty()) touch(footprint::queue_head, i.a, true);
        queues[i.a].push_back(v);
        hb.put_item(t.id, static_cast<std::uint32_t>(i.a));
        if (o.record_trace) trace(t, i.site, fmt::format("put {} <- {}", m.queues[i.a], v));
        break;
      }
      case Op::get: {
        if (queues[i.a].empty()) {  // closed: the documented value, at once
          touch_queue(i.a);
          hb.acquire(t.id, sync_close(static_cast<std::uint32_t>(i.a)));
          t.stack.push_back(queue_closed_value);
          if (o.record_trace) trace(t, i.site, fmt::format("get {} -> {} (closed and empty)", m.queues[i.a], queue_closed_value));
          break;
        }
        const std::int64_t v = queues[i.a].front();
        touch(footprint::queue_head, i.a, true);
        if (queues[i.a].size() >= static_cast<std::size_t>(m.queue_capacity[i.a])) touch(footprint::queue_tail, i.a, true);
        queues[i.a].pop_front();
        hb.get_item(t.id, static_cast<std::uint32_t>(i.a));
        t.stack.push_back(v);
        if (o.record_trace) trace(t, i.site, fmt::format("get {} -> {}", m.queues[i.a], v));
        break;
      }
      case Op::try_put: {
        const std::int64_t v = pop(t);
        const auto q = static_cast<std::uint32_t>(i.a);
        touch_queue(q);
        std::int64_t status = 1;
        if (queue_closed[q]) status = -1;
        else if (queues[q].size() >= static_cast<std::size_t>(m.queue_capacity[q])) status = 0;
        if (status == 1) {
          queues[q].push_back(v);
          hb.put_item(t.id, q);
        }
        t.stack.push_back(status);
        if (o.record_trace)
          trace(t, i.site, status == 1 ? fmt::format("try_put {} <- {} -> 1", m.queues[q], v)
                                       : fmt::format("try_put {} <- {} -> {} ({})", m.queues[q], v, status, status == 0 ? "full" : "closed"));
        break;
      }
      case Op::try_get: {
        const std::int64_t old = pop(t);
        const auto q = static_cast<std::uint32_t>(i.a);
        touch_queue(q);
        if (!queues[q].empty()) {
          const std::int64_t v = queues[q].front();
          queues[q].pop_front();
          hb.get_item(t.id, q);
          t.stack.push_back(1);
          t.stack.push_back(v);
          if (o.record_trace) trace(t, i.site, fmt::format("try_get {} -> 1, value {}", m.queues[q], v));
        } else {
          const std::int64_t status = queue_closed[q] ? -1 : 0;
          if (status < 0) hb.acquire(t.id, sync_close(q));
          t.stack.push_back(status);
          t.stack.push_back(old);
          if (o.record_trace) trace(t, i.site, fmt::format("try_get {} -> {} ({})", m.queues[q], status, status == 0 ? "empty" : "closed and empty"));
        }
        break;
      }
      case Op::queue_size: {
        touch_queue(static_cast<std::uint32_t>(i.a));
        const auto n = static_cast<std::int64_t>(queues[i.a].size());
        t.stack.push_back(n);
        if (o.record_trace) trace(t, i.site, fmt::format("size {} -> {}", m.queues[i.a], n));
        break;
      }
      case Op::queue_close: {
        const auto q = static_cast<std::uint32_t>(i.a);
        touch_queue(q);
        if (queue_closed[q]) crash(t, findings::crash_text::closed_twice(m.queues[q]));
        queue_closed[q] = 1;
        hb.release_join(t.id, sync_close(q));
        if (o.record_trace) trace(t, i.site, fmt::format("close {}", m.queues[q]));
        break;
      }
      case Op::spawn: {
        const Module::Spawn& sp = m.spawns[i.a];
        const Body& body = m.bodies[sp.body];
        const bool process = body.kind == DeclKind::process;
        std::string name = !sp.name.empty() ? sp.name
                           : process        ? fmt::format("Process-{}", ++process_counter)
                                            : fmt::format("Thread-{}", ++thread_counter);
        const std::uint32_t parent_id = t.id;
        spawn_site = i.site;
        const std::uint32_t id = new_thread(sp.body, std::move(name), parent_id, process);
        // A process starts with a copy of its parent's memory: it reads every cell.
        if (process) fp_global = true;
        touch(footprint::spawned, id, true);
        // new_thread may have moved every Thread: `t` is stale from here on.
        Thread& child = threads[id];
        Thread& parent = threads[parent_id];
        for (std::uint32_t k = sp.args; k > 0; --k) child.locals[k - 1] = pop(parent);
        parent.stack.push_back(id);
        if (o.record_trace) trace(parent, i.site, fmt::format("spawn {} as {}", body.name, child.name));
        parent.pc++;
        try {
          advance(threads[id]);
        } catch (const ProcessCrashed&) {
          // The child crashed before its first step. The parent goes on, unless it belonged
          // to the process that crashed.
        }
        if (!threads[parent_id].finished) advance(threads[parent_id]);
        return;
      }
      case Op::join: {
        const std::int64_t h = pop(t);
        if (h < 0 || h >= static_cast<std::int64_t>(threads.size()))
          crash(t, findings::crash_text::not_a_thread(h));
        if (h == t.id) crash(t, findings::crash_text::joins_itself(t.name));
        Thread& target = threads[static_cast<std::size_t>(h)];
        if (target.joined) crash(t, findings::crash_text::already_joined(target.name));
        target.is_process ? touch(footprint::process_end, target.process, false) : touch(footprint::thread_end, target.id, false);
        target.joined = true;
        // The joined threads (a process: all of its threads): their stores become visible
        // to the joiner (tso), and they happen before it.
        for (const Thread& x : threads) {
          if (x.id != target.id && !(target.is_process && x.process == target.process)) continue;
          drain(x.id, "join");
          if (hb.any()) hb.join(t.id, x.id);
        }
        const std::int64_t value = target.is_process ? (target.crashed ? 1 : 0) : target.result;
        t.stack.push_back(value);
        if (o.record_trace) trace(t, i.site, fmt::format("join {} -> {}", target.name, value));
        break;
      }
      case Op::yield:
      case Op::sleep:
        yielded = true;
        memory.yielded(t.id);
        if (o.record_trace) trace(t, i.site, i.op == Op::yield ? "yield" : "sleep");
        break;
      case Op::fence: {
        touch(footprint::sc_order, 0, true);
        const auto order = static_cast<MemOrder>(i.aux);
        if (order == MemOrder::seq_cst) {
          hb.fence(t.id);  // acquires what relaxed loads read, releases for later relaxed stores
          hb.acquire(t.id, sync_fence);
          hb.release_join(t.id, sync_fence);
        } else {
          // Only its halves; a fence that is not seq_cst is not in the SC order.
          hb.fence_half(t.id, order != MemOrder::release, order != MemOrder::acquire);
        }
        if (o.record_trace) trace(t, i.site, order == MemOrder::seq_cst ? std::string("fence") : fmt::format("fence ({})", spelling(order)));
        break;
      }
      case Op::alloc: heap_alloc(t, i); break;
      case Op::free_: heap_free(t, i); break;
      case Op::heap_read:
      case Op::heap_write:
      case Op::heap_atomic:
        heap_access(t, i);
        break;
      case Op::end:
        t.result = pop(t);
        t.finished = true;
        touch(footprint::thread_end, t.id, true);
        if (t.process != 0) touch(footprint::process_end, t.process, true);
        if (o.record_trace) trace(t, i.site, t.stack.empty() && t.result == 0 ? "end" : fmt::format("end, returns {}", t.result));
        return;
      default:
        break;
    }
    t.pc++;
    advance(t);
  }


  // ---- the heap (v2) -----------------------------------------------------------------------
  // Two pools of heap_cells cells, plain and atomic. A block is a run of cells of one pool;
  // a freed block goes onto its pool's free list for its size, and the next alloc of that
  // size takes the most recently freed one (LIFO), so addresses are reused, deterministically,
  // and ABA can happen. Only the root process has a heap.
  struct Block {
    std::uint32_t size = 0;  // 0: no block starts at this cell
    bool live = false;
    findings::HeapEvent alloc, freed;
  };
  struct Pool {
    std::vector<Block> blocks;         // by first cell
    std::vector<std::uint32_t> owner;  // cell -> first cell of its block (none: never allocated)
    std::uint32_t bump = 0;
    std::map<std::uint32_t, std::vector<std::uint32_t>> free_lists;  // size -> first cells, newest last
  };
  Pool pools[2];  // 0: plain, 1: atomic

  void heap_reset() {
    for (Pool& p : pools) {
      p.blocks.assign(m.heap_cells, Block{});
      p.owner.assign(m.heap_cells, none);
      p.bump = 0;
      p.free_lists.clear();
    }
  }
  static std::int64_t pool_base(int pool) { return pool == 0 ? heap_plain_base : heap_atomic_base; }
  std::string heap_name(int pool, std::uint32_t cell) const { return fmt::format("heap[{}]", pool_base(pool) + cell); }
  findings::HeapEvent heap_event(const Thread& t, std::uint32_t site) const {
    return findings::HeapEvent{t.name, place(site), step};
  }
  std::string block_text(int pool, std::uint32_t first) const {
    const Block& b = pools[pool].blocks[first];
    return fmt::format("the block is {} .. {} ({} {}cell{})", heap_name(pool, first), heap_name(pool, first + b.size - 1),
                       b.size, pool == 1 ? "atomic " : "", b.size == 1 ? "" : "s");
  }
  // A use after free or a double free depends on the interleaving, so the run goes on after
  // it (as AddressSanitizer's recover mode does): the reduced search then sees every step of
  // the run, and a later error of another thread is found too. One finding per key and run.
  void memory_error_go_on(Thread& t, const Instr& i, std::string_view kind, const std::string& what,
                          std::pair<int, std::uint32_t> block) {
    const Block& b = pools[block.first].blocks[block.second];
    if (o.record_trace) trace(t, i.site, fmt::format("{}: {}", kind, what));
    Finding f = findings::memory_error(kind, what, heap_event(t, i.site), block_text(block.first, block.second), b.alloc,
                                       b.live ? std::nullopt : std::optional<findings::HeapEvent>(b.freed));
    for (const Finding& known : r->findings)
      if (known.key == f.key) return;
    f.step = step;
    f.preemptions = r->preemptions;
    r->findings.push_back(std::move(f));
  }
  [[noreturn]] void memory_error(Thread& t, const Instr& i, std::string_view kind, const std::string& what,
                                 std::optional<std::pair<int, std::uint32_t>> block) {
    std::optional<findings::HeapEvent> alloc, freed;
    std::string text;
    if (block) {
      const Block& b = pools[block->first].blocks[block->second];
      alloc = b.alloc;
      if (!b.live) freed = b.freed;
      text = block_text(block->first, block->second);
    }
    if (o.record_trace) trace(t, i.site, fmt::format("{}: {}", kind, what));
    stop(findings::memory_error(kind, what, heap_event(t, i.site), text, alloc, freed));
  }
  void no_heap_in_process(Thread& t) {
    if (t.space != 0) crash(t, "the heap belongs to the main program: a process cannot use alloc, free or p[i]");
  }

  void heap_alloc(Thread& t, const Instr& i) {
    no_heap_in_process(t);
    const int pool = i.aux == 1 ? 1 : 0;
    const std::int64_t n = pop(t);
    if (n < 1 || n > static_cast<std::int64_t>(m.heap_cells))
      crash(t, fmt::format("alloc of {} cells: a block has 1 to {} cells", n, m.heap_cells));
    Pool& p = pools[pool];
    const auto size = static_cast<std::uint32_t>(n);
    std::uint32_t first = 0;
    auto& reuse = p.free_lists[size];
    if (!reuse.empty()) {
      first = reuse.back();
      reuse.pop_back();
    } else {
      if (p.bump + size > m.heap_cells)
        crash(t, fmt::format("the heap is exhausted: {} more cells do not fit in the {} {} cells", size, m.heap_cells,
                             pool == 1 ? "atomic" : "plain"));
      first = p.bump;
      p.bump += size;
      for (std::uint32_t k = 0; k < size; ++k) p.owner[first + k] = first;
    }
    Block& b = p.blocks[first];
    b.size = size;
    b.live = true;
    b.alloc = heap_event(t, i.site);
    touch(footprint::heap, 0, true);
    hb.acquire(t.id, sync_alloc);
    // The new block's cells are 0: a write of each, so that an access through a stale
    // pointer to a reused block races with it.
    for (std::uint32_t k = 0; k < size; ++k) zero_cell(t, i, pool, first + k);
    const std::int64_t address = pool_base(pool) + first;
    t.stack.push_back(address);
    if (o.record_trace) trace(t, i.site, fmt::format("{}({}) -> {}", pool == 1 ? "alloc_atomic" : "alloc", n, address));
  }

  void zero_cell(Thread& t, const Instr& i, int pool, std::uint32_t cell) {
    if (pool == 0) {
      const std::uint32_t c = m.shared[m.heap_var].first_cell + cell;
      touch_cell(t, c, true);
      check_race(t, i, c, m.heap_var, pool_base(0) + cell, true, true);
      spaces[0][c] = 0;
      return;
    }
    const std::uint32_t atomic = m.heap_atomic_first + cell;
    const std::uint32_t loc = memory.loc(0, atomic);
    touch(footprint::atomic, loc, true);
    (void)memory.store_places(t.id, loc, MemOrder::relaxed);  // the newest place: no choice to record
    const std::uint32_t msg = memory.store(t.id, loc, 0, MemOrder::relaxed, 0, static_cast<std::uint32_t>(step), i.site);
    hb.fence_release(t.id, memory.sync_of(msg));
    publish(0, atomic);
  }

  // Which pool and cell an address is, if it is in a pool at all.
  std::optional<std::pair<int, std::uint32_t>> heap_cell(std::int64_t address) const {
    for (int pool = 0; pool < 2; ++pool) {
      const std::int64_t k = address - pool_base(pool);
      if (k >= 0 && k < static_cast<std::int64_t>(m.heap_cells)) return std::make_pair(pool, static_cast<std::uint32_t>(k));
    }
    return std::nullopt;
  }

  void heap_free(Thread& t, const Instr& i) {
    no_heap_in_process(t);
    const std::int64_t address = pop(t);
    touch(footprint::heap, 0, true);
    if (address == 0) {  // as C's free(NULL)
      if (o.record_trace) trace(t, i.site, "free 0 (the null pointer: nothing)");
      return;
    }
    const auto at = heap_cell(address);
    const std::string what = fmt::format("free of {}", at ? heap_name(at->first, at->second) : std::to_string(address));
    if (!at || pools[at->first].owner[at->second] == none)
      memory_error(t, i, "bad-free", what + " (an address no alloc gave)", std::nullopt);
    Pool& p = pools[at->first];
    const std::uint32_t first = p.owner[at->second];
    if (first != at->second)
      memory_error(t, i, "bad-free", fmt::format("{} (inside a block, at offset {})", what, at->second - first),
                   std::make_pair(at->first, first));
    Block& b = p.blocks[first];
    if (!b.live) {  // the second free does nothing
      memory_error_go_on(t, i, "double-free", what, std::make_pair(at->first, first));
      return;
    }
    // Freeing writes the whole block (as ThreadSanitizer sees a free): an unordered access
    // to it by another thread races with the free.
    for (std::uint32_t k = 0; k < b.size; ++k) {
      if (at->first == 0) {
        const std::uint32_t c = m.shared[m.heap_var].first_cell + first + k;
        touch_cell(t, c, true);
        check_race(t, i, c, m.heap_var, address + k, true, true);
      } else {
        touch(footprint::atomic, memory.loc(0, m.heap_atomic_first + first + k), true);
      }
    }
    b.live = false;
    b.freed = heap_event(t, i.site);
    p.free_lists[b.size].push_back(first);
    hb.release_join(t.id, sync_alloc);
    if (o.record_trace) trace(t, i.site, fmt::format("free {} ({} cell{})", heap_name(at->first, first), b.size, b.size == 1 ? "" : "s"));
  }

  // Arguments each atomic operation pops (above the address and index of heap_atomic).
  static std::size_t atomic_args(Op op) {
    switch (op) {
      case Op::atomic_load: return 0;
      case Op::atomic_cas:
      case Op::atomic_cmpxchg:
      case Op::atomic_cmpxchg_weak: return 2;
      default: return 1;
    }
  }

  void heap_access(Thread& t, const Instr& i) {
    no_heap_in_process(t);
    // The operands: address and index under the value (write) or the method's arguments.
    const std::size_t above = i.op == Op::heap_read ? 0 : i.op == Op::heap_write ? 1 : atomic_args(static_cast<Op>(i.pad));
    const auto base = t.stack.end() - static_cast<std::ptrdiff_t>(above) - 2;
    const std::int64_t address = base[0], index = base[1];
    t.stack.erase(base, base + 2);
    const std::string_view verb = i.op == Op::heap_read ? "read" : i.op == Op::heap_write ? "write" : op_name(static_cast<Op>(i.pad));
    touch(footprint::heap, 0, false);  // whether the block is live, and where it is
    if (address == 0) memory_error(t, i, "null-dereference", fmt::format("{} of 0[{}] (the null pointer)", verb, index), std::nullopt);
    const auto at = heap_cell(address);
    if (!at || pools[at->first].owner[at->second] == none)
      memory_error(t, i, "wild-pointer", fmt::format("{} through {} (an address no alloc gave)", verb, address), std::nullopt);
    const int pool = at->first;
    const Pool& p = pools[pool];
    const std::uint32_t first = p.owner[at->second];
    const Block& b = p.blocks[first];
    const std::int64_t offset = static_cast<std::int64_t>(at->second - first) + index;
    if (index < -static_cast<std::int64_t>(m.heap_cells) || index > static_cast<std::int64_t>(m.heap_cells) || offset < 0 ||
        offset >= static_cast<std::int64_t>(b.size))
      memory_error(t, i, "heap-buffer-overflow",
                   fmt::format("{} of {}[{}] (offset {} of a {}-cell block)", verb, address, index, offset, b.size),
                   std::make_pair(pool, first));
    const auto cell = static_cast<std::uint32_t>(first + offset);
    if (!b.live)  // the access is still made, on the freed cell
      memory_error_go_on(t, i, "heap-use-after-free", fmt::format("{} of {}", verb, heap_name(pool, cell)),
                         std::make_pair(pool, first));
    if (pool == 1) {  // an atomic cell: the memory model's location for it
      Instr j = i;
      j.a = static_cast<std::int32_t>(m.heap_atomic_first + cell);
      j.op = i.op == Op::heap_read ? Op::atomic_load : i.op == Op::heap_write ? Op::atomic_store : static_cast<Op>(i.pad);
      if (i.op != Op::heap_atomic) j.aux = static_cast<std::uint8_t>(MemOrder::seq_cst);
      if (model == MemoryModel::tso && drains_buffer(j)) drain(t.id, op_name(j.op));
      atomic_op(t, j);
      return;
    }
    if (i.op == Op::heap_atomic)
      crash(t, fmt::format("{}() on {}, a plain cell: atomic methods need a block from alloc_atomic()", verb, heap_name(pool, cell)));
    const std::uint32_t c = m.shared[m.heap_var].first_cell + cell;
    // An access to a freed block is reported as a use after free, not also as a race with the free.
    const bool race_checked = b.live;
    if (i.op == Op::heap_read) {
      touch_cell(t, c, false);
      if (race_checked) check_race(t, i, c, m.heap_var, pool_base(pool) + cell, true, false);
      const std::int64_t value = spaces[0][c];
      t.stack.push_back(value);
      if (o.record_trace) trace(t, i.site, fmt::format("read {} -> {}", heap_name(pool, cell), value));
    } else {
      const std::int64_t value = pop(t);
      touch_cell(t, c, true);
      if (race_checked) check_race(t, i, c, m.heap_var, pool_base(pool) + cell, true, true);
      spaces[0][c] = value;
      if (o.record_trace) trace(t, i.site, fmt::format("write {} <- {}", heap_name(pool, cell), value));
    }
  }

  // At the end of a finished run: every block still allocated is a leak (one finding).
  void check_leaks() {
    std::vector<std::pair<std::string, findings::HeapEvent>> leaked;
    std::size_t cells = 0;
    for (int pool = 0; pool < 2; ++pool)
      for (std::uint32_t k = 0; k < pools[pool].bump; ++k) {
        const Block& b = pools[pool].blocks[k];
        if (b.size == 0 || !b.live || pools[pool].owner[k] != k) continue;
        leaked.emplace_back(fmt::format("{} ({} cell{})", heap_name(pool, k), b.size, b.size == 1 ? "" : "s"), b.alloc);
        cells += b.size;
      }
    if (leaked.empty()) return;
    std::stable_sort(leaked.begin(), leaked.end(), [](const auto& a, const auto& b) { return a.second.step < b.second.step; });
    Finding f = findings::leak(leaked, cells);
    f.step = step;
    f.preemptions = r->preemptions;
    r->findings.push_back(std::move(f));
  }

  std::uint32_t element(Thread& t, const Variable& v, std::int64_t index) {
    if (index < 0 || index >= static_cast<std::int64_t>(v.size))
      crash(t, findings::crash_text::out_of_range(v.name, index, v.size));
    return v.first_cell + static_cast<std::uint32_t>(index);
  }

  void unlock(Thread& t, std::uint32_t mutex, std::uint32_t site) {
    Mutex& mu = mutexes[mutex];
    if (mu.owner != t.id) {
      crash(t, findings::crash_text::bad_unlock(m.sites[site].text, m.mutexes[mutex],
                                                mu.owner == none ? std::string() : threads[mu.owner].name));
    }
    mu.owner = none;
    touch(footprint::mutex_free, mutex, true);
    hb.unlock(t.id, mutex);
  }

  // The value every other part of the runtime sees (properties, a process's copy): the
  // newest visible store.
  void publish(std::uint32_t space, std::uint32_t atomic) {
    if (has_always && space == 0) touch(footprint::always, 0, true);
    spaces[space][m.atomics[atomic].first_cell] = memory.latest(memory.loc(space, atomic));
  }

  // What a trace adds when a load or RMW did not read the newest store: which one it read
  // and which newer ones the thread did not see.
  std::string stale_note(const Thread& t, std::uint32_t loc, std::uint32_t msg) const {
    const Memory::Message& read = memory.message(msg);
    if (!read.visible) return "; from its own store buffer";
    const auto& mo = memory.order(loc);
    if (read.pos + 1 == mo.size()) return "";
    const Variable& v = m.atomics[loc % m.atomics.size()];
    std::string out = read.thread == Memory::none ? "; reads the initial value"
                                                  : fmt::format("; reads the store at step {}", read.step);
    for (std::size_t p = read.pos + 1; p < mo.size(); ++p) {
      const Memory::Message& newer = memory.message(mo[p]);
      out += fmt::format("{} {} <- {} at step {}", p == read.pos + 1 ? "; store" : ", store", v.name, newer.value, newer.step);
    }
    return out + fmt::format(" not yet visible to {}", t.name);
  }

  std::string placement_note(std::uint32_t loc, std::uint32_t msg) const {
    const Memory::Message& w = memory.message(msg);
    if (!w.visible) return "; buffered";
    const auto& mo = memory.order(loc);
    if (w.pos + 1 == mo.size()) return "";
    const Memory::Message& next = memory.message(mo[w.pos + 1]);
    return fmt::format("; ordered before the store {} <- {} at step {}", m.atomics[loc % m.atomics.size()].name,
                       next.value, next.step);
  }

  // The trace step just recorded read message `msg`: which store that was, for the
  // execution graph (--dot) and the timeline.
  void note_reads_from(std::uint32_t msg) {
    const Memory::Message& w = memory.message(msg);
    r->trace.back().reads_from = w.thread == Memory::none ? 0 : w.step;
  }

  // One of `n` options, newest first: 0 (the default, what sc would do) unless the model
  // allows more.
  std::uint32_t pick_message(std::size_t n) {
    return n > 1 ? static_cast<std::uint32_t>(choose(0, static_cast<std::int64_t>(n) - 1)) : 0;
  }

  void atomic_op(Thread& t, const Instr& i) {
    const Variable& v = m.atomics[i.a];
    const auto atomic = static_cast<std::uint32_t>(i.a);
    const std::uint32_t loc = memory.loc(t.space, atomic);
    const auto order = static_cast<MemOrder>(i.aux);
    const bool acq = order == MemOrder::acquire || order == MemOrder::acq_rel || order == MemOrder::seq_cst;
    const bool rel = order == MemOrder::release || order == MemOrder::acq_rel || order == MemOrder::seq_cst;
    const auto ord = [order] { return spelling(order); };
    if (fp_on) [[unlikely]] {
      // Under tso a store goes to the buffer and only its flush writes the location.
      const bool buffered_store = model == MemoryModel::tso && i.op == Op::atomic_store;
      touch(footprint::atomic, loc, i.op != Op::atomic_load && !buffered_store);
      if (model == MemoryModel::tso) touch(footprint::store_buffer, t.id, i.op == Op::atomic_store);
      if (model == MemoryModel::rc11 && order == MemOrder::seq_cst) touch(footprint::sc_order, 0, false);
    }
    // Reading message `msg`: an acquire synchronises with the release sequence it belongs
    // to; a relaxed read is acquired by the thread's next fence.
    const auto read_as = [&](std::uint32_t msg, bool acquires) {
      memory.read(t.id, msg);
      const std::uint32_t sync = memory.sync_of(msg);
      acquires ? hb.acquire(t.id, sync) : hb.fence_acquire_later(t.id, sync);
    };
    const auto read = [&](std::uint32_t msg) { read_as(msg, acq); };
    switch (i.op) {
      case Op::atomic_load: {
        const auto& options = memory.readable(t.id, loc, order);
        const std::uint32_t msg = options[pick_message(options.size())];
        read(msg);
        const std::int64_t value = memory.message(msg).value;
        t.stack.push_back(value);
        if (o.record_trace) {
          trace(t, i.site, fmt::format("load {} -> {} ({}{})", v.name, value, ord(), stale_note(t, loc, msg)));
          note_reads_from(msg);
        }
        break;
      }
      case Op::atomic_store: {
        const std::int64_t value = pop(t);
        const std::uint32_t place = pick_message(memory.store_places(t.id, loc, order));
        const std::uint32_t msg = memory.store(t.id, loc, value, order, place, static_cast<std::uint32_t>(step), i.site);
        // A store starts a new release sequence: a relaxed one carries only what a fence
        // before it released ([atomics.fences]), so an acquire that reads it synchronises
        // with nothing else (C++20).
        rel ? hb.release(t.id, memory.sync_of(msg)) : hb.fence_release(t.id, memory.sync_of(msg));
        publish(t.space, atomic);
        if (o.record_trace) trace(t, i.site, fmt::format("store {} <- {} ({}{})", v.name, value, ord(), placement_note(loc, msg)));
        // x86 maps a seq_cst store to a locked exchange: it drains the buffer.
        if (model == MemoryModel::tso && order == MemOrder::seq_cst) drain(t.id, "a seq_cst store");
        break;
      }
      default: {
        // Read-modify-writes read their immediate predecessor in mo and continue its
        // release sequence: they join, not replace.
        std::optional<std::int64_t> expected;
        std::int64_t operand = 0, desired = 0;
        const bool cmpxchg = i.op == Op::atomic_cmpxchg || i.op == Op::atomic_cmpxchg_weak;
        if (i.op == Op::atomic_cas || cmpxchg) {
          desired = pop(t);
          expected = pop(t);
        } else {
          operand = pop(t);
        }
        // compare_exchange fails as a load with its own order (b): a read that fails may
        // come from what a load with that order may read.
        const auto fail_order = cmpxchg ? static_cast<MemOrder>(i.b) : order;
        const bool fail_acq = fail_order == MemOrder::acquire || fail_order == MemOrder::seq_cst;
        const std::vector<std::uint32_t>* options = &memory.rmw_readable(t.id, loc, order, expected);
        if (cmpxchg && fail_order != order && model == MemoryModel::rc11) {
          rmw_options.clear();
          for (std::uint32_t msg : *options)
            if (memory.message(msg).value == *expected) rmw_options.push_back(msg);
          for (std::uint32_t msg : memory.readable(t.id, loc, fail_order))
            if (memory.message(msg).value != *expected) rmw_options.push_back(msg);
          // Newest first, as every option list: option 0 is what sc would read.
          std::sort(rmw_options.begin(), rmw_options.end(),
                    [&](std::uint32_t a, std::uint32_t b) { return memory.message(a).pos > memory.message(b).pos; });
          options = &rmw_options;
        }
        const std::uint32_t from = (*options)[pick_message(options->size())];
        const std::int64_t old = memory.message(from).value;
        std::int64_t now = old;
        bool wrote = true, spurious = false;
        const auto u = [](std::int64_t v) { return static_cast<std::uint64_t>(v); };
        switch (i.op) {
          case Op::atomic_fetch_add: now = static_cast<std::int64_t>(u(old) + u(operand)); break;
          case Op::atomic_fetch_sub: now = static_cast<std::int64_t>(u(old) - u(operand)); break;
          case Op::atomic_fetch_and: now = old & operand; break;
          case Op::atomic_fetch_or: now = old | operand; break;
          case Op::atomic_fetch_xor: now = old ^ operand; break;
          case Op::atomic_exchange: now = operand; break;
          default:
            if (old != *expected) {
              wrote = false;  // a failed cas writes nothing: it is a load and releases nothing
            } else if (i.op == Op::atomic_cmpxchg_weak && !t.weak_failed_spuriously) {
              // Spurious failure is a recorded choice (1); never twice in a row in a thread,
              // so a retry loop cannot be kept failing forever.
              spurious = choose(0, 1) == 1;
              wrote = !spurious;
            }
            if (wrote) now = desired;
            break;
        }
        if (i.op == Op::atomic_cmpxchg_weak) t.weak_failed_spuriously = spurious;
        read_as(from, wrote ? acq : fail_acq);
        const std::string note = o.record_trace ? stale_note(t, loc, from) : std::string();
        if (wrote) {
          const std::uint32_t msg = memory.rmw(t.id, from, now, order, static_cast<std::uint32_t>(step), i.site);
          hb.copy_sync(memory.sync_of(msg), memory.sync_of(from));
          rel ? hb.release_join(t.id, memory.sync_of(msg)) : hb.fence_release_join(t.id, memory.sync_of(msg));
          publish(t.space, atomic);
        }
        if (i.op == Op::atomic_cas) {
          t.stack.push_back(wrote ? 1 : 0);
        } else if (i.op == Op::atomic_cmpxchg_weak) {
          t.stack.push_back(wrote ? 1 : 0);
          t.stack.push_back(old);  // into the expected local
        } else {
          t.stack.push_back(old);
        }
        if (o.record_trace) {
          if (cmpxchg)
            trace(t, i.site, fmt::format("{} {} {} -> {} {} ({}{})", op_name(i.op), v.name, *expected, desired,
                                         wrote ? "succeeded" : spurious ? fmt::format("failed spuriously, was {}", old)
                                                                        : fmt::format("failed, was {}", old),
                                         wrote ? ord() : spelling(fail_order), note));
          else if (i.op == Op::atomic_fetch_add || (i.op >= Op::atomic_fetch_sub && i.op <= Op::atomic_fetch_xor))
            trace(t, i.site, fmt::format("{} {} {} -> {} ({}{})", op_name(i.op), v.name, operand, old, ord(), note));
          else if (i.op == Op::atomic_exchange)
            trace(t, i.site, fmt::format("exchange {} <- {} -> {} ({}{})", v.name, operand, old, ord(), note));
          else
            trace(t, i.site, fmt::format("cas {} {} -> {} {} ({}{})", v.name, *expected, desired,
                                         wrote ? "succeeded" : fmt::format("failed, was {}", old), ord(), note));
          note_reads_from(from);
        }
        break;
      }
    }
  }

  void check_race(Thread& t, const Instr& i, std::uint32_t cell, std::uint32_t var, std::int64_t index, bool element,
                  bool write) {
    if (!o.detect_races) return;
    hb.access(HbAccess{t.id, t.body, t.space, cell, i.site, static_cast<std::uint32_t>(step), write});
    // TSan's report of this access (if any) becomes a finding first, as the built-in one
    // merges into it.
    if (tsan_on && tsan::has_reports()) collect_tsan();
    const std::optional<Race>& race = hb.races.found();
    if (!race || raced_vars[var]) return;
    raced_vars[var] = 1;
    const Access& e = race->earlier;
    Finding f = findings::race(m.shared[var].name, cell_name(var, index, element),
                               {e.write, threads[e.thread].name, place(e.site), e.step},
                               {write, t.name, place(i.site), step});
    f.step = step;
    f.preemptions = r->preemptions;
    // TSan may have reported this race first (it sees the access just before): one
    // finding, with this detector's account, that names both detectors.
    for (Finding& known : r->findings)
      if (known.key == f.key && known.detector == Detector::tsan) {
        f.detector |= Detector::tsan;
        known = std::move(f);
        return;
      }
    r->findings.push_back(std::move(f));
  }

  void lock(Thread& t, std::uint32_t mutex, bool try_lock) {
    hb.lock(t.id, mutex, try_lock);
    if (tsan_on && tsan::has_reports()) collect_tsan();  // a lock-order inversion
  }

  // TSan's reports about this run, as findings (model/findings.hpp converts them; this
  // runtime maps the addresses, which it owns).
  void collect_tsan() {
    findings::TsanAddresses addresses;
    addresses.cell = [&](std::uintptr_t address) -> std::optional<findings::Cell> {
      std::uint32_t space = 0, cell = 0;
      if (!hb.bridge.cell_at(address, space, cell)) return std::nullopt;
      std::uint32_t var = 0;
      while (var + 1 < m.shared.size() && m.shared[var + 1].first_cell <= cell) ++var;
      if (var >= m.shared.size()) return std::nullopt;
      return findings::Cell{var, cell - m.shared[var].first_cell, m.shared[var].size > 0};
    };
    addresses.mutex = [&](std::uintptr_t address) -> std::optional<std::string> {
      std::uint32_t k = 0;
      if (!hb.bridge.mutex_at(address, k)) return std::nullopt;
      return m.mutexes[k];
    };
    for (const tsan::Report& rep : tsan::take_reports()) {
      if (rep.kind == "lock-order-inversion") {
        if (tsan_lock_order_seen) continue;
        tsan_lock_order_seen = true;
        hb.bridge.plain_mutexes();  // the same inversion would be reported in every later run
      }
      auto converted = findings::from_tsan(m, rep, addresses, step);
      if (!converted || !r) continue;
      Finding& f = converted->finding;
      if (converted->cell) {  // a race: one per variable and run, and not again once TSan reported it
        const std::uint32_t var = converted->cell->var;
        if (tsan_raced_vars[var]) continue;
        tsan_raced_vars[var] = 1;
        const Variable& v = m.shared[var];
        hb.bridge.mute(v.first_cell, std::max<std::uint32_t>(v.size, 1));
      }
      f.step = step;
      f.preemptions = r->preemptions;
      const auto known = std::find_if(r->findings.begin(), r->findings.end(), [&](const Finding& k) {
        return k.key == f.key && k.detector == Detector::happens_before;
      });
      if (known != r->findings.end()) {
        known->detector |= Detector::tsan;  // the same race, seen by both: one finding, the built-in detector's account
        continue;
      }
      r->findings.push_back(std::move(f));
    }
  }

  // ---- local computation -----------------------------------------------------------------
  std::int64_t choose(std::int64_t lo, std::int64_t hi) {
    const std::int64_t v = sched->choose(lo, hi);
    choices.push_back(Choice{Choice::number, static_cast<std::uint64_t>(v) - static_cast<std::uint64_t>(lo)});
    if (v != lo) significant = choices.size();
    return v;
  }

  // The controlled runtime's side of the interpreter core (interpreter.hpp): findings stop
  // the run, `any` is a scheduler choice, prints are captured or traced.
  struct Local {
    Impl& x;
    Thread& t;
    [[noreturn]] void spin(const Instr& i) {
      x.stop(vm::spin_finding(x.m, t.name, i.site, x.o.max_local_instructions));
    }
    [[noreturn]] void crash(const std::string& what) { x.crash(t, what); }
    [[noreturn]] void assert_failed(const Instr& i, const std::string& shown) {
      Finding f = vm::assert_finding(x.m, t.name, i, shown);
      if (x.o.record_trace) x.trace(t, i.site, fmt::format("assert fails: {}", shown));
      x.stop(std::move(f));
    }
    std::int64_t choose(std::int64_t lo, std::int64_t hi) { return x.choose(lo, hi); }
    std::uint32_t max_call_depth() const { return x.o.max_call_depth; }
    void print(const Instr& i, const std::int64_t* values) {
      if (!x.o.capture_output && !x.o.record_trace) return;
      std::string line;
      std::size_t next = 0;
      for (const auto& part : x.m.prints[static_cast<std::size_t>(i.a)].parts) {
        if (!line.empty()) line += ' ';
        if (part.kind == PrintFormat::Part::text) line += part.literal;
        else if (part.kind == PrintFormat::Part::thread_name) line += t.name;
        else line += std::to_string(values[next++]);
      }
      if (x.o.capture_output) x.r->output.push_back(line);
      if (x.o.record_trace)
        x.r->trace.push_back(TraceStep{x.step, t.name, x.m.sites[i.site].loc, x.m.sites[i.site].text, "prints: " + line, {}, {}});
    }
  };

  // Runs thread t's invisible instructions until it stands in front of its next step.
  void advance(Thread& t) {
    Local cx{*this, t};
    vm::run_local(m, t, cx, o.max_local_instructions);
  }

  [[noreturn]] void crash_finding(Thread& t, const std::string& what) {
    Finding f = findings::crash(t.name, place(at(t).site), what);
    if (o.record_trace) trace(t, at(t).site, "crash: " + what);
    stop(std::move(f));
  }

  // A crash in a process ends that process only; in a thread it ends the run.
  [[noreturn]] void crash(Thread& t, const std::string& what) {
    if (t.process == 0 && !t.is_process) crash_finding(t, what);
    const std::uint32_t process = t.process;
    fp_global = true;  // the process's other threads end here
    r->notes.push_back(findings::process_crash_note(threads[process].name, where(at(t).site), what));
    if (o.record_trace) trace(t, at(t).site, "crash: " + what + " (ends the process)");
    threads[process].crashed = true;  // its exit status, even if its first thread had already ended
    for (Thread& x : threads) {
      if (x.process != process || x.finished) continue;
      x.finished = true;
      x.crashed = true;
      for (auto& w : cond_waiters) w.erase(std::remove(w.begin(), w.end(), x.id), w.end());
    }
    throw ProcessCrashed{};
  }

  // ---- findings at the end or between steps -----------------------------------------------
  [[noreturn]] void deadlock() {
    using findings::Wait;
    std::vector<findings::Blocked> blocked;
    for (const Thread& t : threads) {
      if (t.finished) continue;
      const Instr& i = at(t);
      Wait w;
      switch (i.op) {
        case Op::lock: {
          const Mutex& mu = mutexes[i.a];
          const Thread& owner = threads[mu.owner];
          const auto state = owner.id == t.id ? Wait::Owner::itself
                             : owner.crashed  ? Wait::Owner::process_crashed
                             : owner.finished ? Wait::Owner::finished
                                              : Wait::Owner::running;
          w = Wait::lock(m.mutexes[i.a], owner.name, state, where(mu.site));
          break;
        }
        case Op::wait: w = Wait::cond(m.conds[i.a], t.notified, m.mutexes[i.b]); break;
        case Op::sem_acquire: w = Wait::permit(m.semaphores[i.a]); break;
        case Op::put: w = Wait::put(m.queues[i.a], m.queue_capacity[i.a]); break;
        case Op::get: w = Wait::get(m.queues[i.a]); break;
        case Op::join: {
          const Thread& target = threads[static_cast<std::size_t>(t.stack.back())];
          if (target.is_process) {
            std::vector<std::pair<std::string, findings::ThreadState>> inside;
            for (const Thread& x : threads)
              if (x.process == target.process && !x.finished) inside.emplace_back(x.name, thread_state(x));
            w = Wait::join_process(target.name, std::move(inside));
          } else {
            w = Wait::join(target.name, thread_state(target));
          }
          break;
        }
        default: break;
      }
      blocked.push_back({t.name, place(i.site), std::move(w)});
    }
    stop(findings::deadlock(blocked));
  }

  [[noreturn]] void livelock() {
    std::vector<findings::Standing> unfinished;
    for (const Thread& t : threads)
      if (!t.finished) unfinished.push_back({t.name, place(at(t).site)});
    stop(findings::livelock(o.max_steps, unfinished));
  }

  // Properties read the root process's memory (model/properties.hpp).
  PlainCells root_cells() const { return PlainCells{spaces[0].data()}; }

  void property_failed(const Property& p, std::string_view when, const std::string& why) {
    stop(findings::property_failed(p.kind, p.name, place(p.site), p.message, when, why));
  }

  void check_always() {
    for (const Property& p : m.properties) {
      if (p.kind != DeclKind::always) continue;
      if (auto why = property_violation(m, p, root_cells())) property_failed(p, findings::after_step(step), *why);
    }
  }

  // Every final that fails is a finding of this run, not only the first: a run may break
  // several named properties at once, and `check --all-findings` lists each.
  void check_final() {
    for (const Property& p : m.properties) {
      if (p.kind != DeclKind::final) continue;
      if (auto why = property_violation(m, p, root_cells())) {
        Finding f = findings::property_failed(p.kind, p.name, place(p.site), p.message, findings::when_finished, *why);
        f.step = step;
        f.preemptions = r->preemptions;
        r->findings.push_back(std::move(f));
      }
    }
  }

  void observe() {
    for (const Property& p : m.properties) {
      if (p.kind != DeclKind::observe) continue;
      r->observed.push_back(observed_value(m, p, root_cells()));
    }
    // Not run-ending: the final properties are still checked after it.
    if (r->observed.empty()) return;
    if (auto f = forbidden_outcome(m, r->observed)) {
      f->step = step;
      f->preemptions = r->preemptions;
      r->findings.push_back(std::move(*f));
    }
  }
};

Execution::Execution(const Module& module, ExecOptions options) : impl_(std::make_unique<Impl>(module, options)) {}
Execution::~Execution() = default;
RunResult Execution::run(Scheduler& scheduler) { return impl_->run(scheduler); }

}  // namespace interleave
