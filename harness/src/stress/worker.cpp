// A stress worker: one OS thread that runs its scenario thread of every instance of a
// batch in order, interpreting the same bytecode as the controlled runtime
// (harness/src/vm/execution.cpp) with the same findings, on real memory and real sync.
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "../model/findings.hpp"
#include "../vm/interpreter.hpp"
#include "batch.hpp"
#include "interleave/tsan_bridge.hpp"

namespace interleave::stress_detail {

namespace {

// splitmix64: per-thread, seeded from the run seed, the batch and the worker.
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

std::memory_order load_order(MemOrder o) {
  switch (o) {
    case MemOrder::relaxed: case MemOrder::release: return std::memory_order_relaxed;
    case MemOrder::acquire: case MemOrder::acq_rel: return std::memory_order_acquire;
    default: return std::memory_order_seq_cst;
  }
}
std::memory_order store_order(MemOrder o) {
  switch (o) {
    case MemOrder::relaxed: case MemOrder::acquire: return std::memory_order_relaxed;
    case MemOrder::release: case MemOrder::acq_rel: return std::memory_order_release;
    default: return std::memory_order_seq_cst;
  }
}
std::memory_order rmw_order(MemOrder o) {
  switch (o) {
    case MemOrder::relaxed: return std::memory_order_relaxed;
    case MemOrder::acquire: return std::memory_order_acquire;
    case MemOrder::release: return std::memory_order_release;
    case MemOrder::acq_rel: return std::memory_order_acq_rel;
    default: return std::memory_order_seq_cst;
  }
}

// A scenario thread's interpreter state: plain data, so worker 0 can park main at a join
// and run the next instance's main meanwhile. The registers (body, code, pc, locals,
// stack, frames) are the interpreter core's, shared with the controlled runtime.
struct Ctx : vm::Registers {
  Instance* inst = nullptr;
  std::uint64_t index = 0;
  ThreadRec* rec = nullptr;
  std::uint32_t id = 0;  // record index
  std::atomic<std::int64_t>* mem = nullptr;
  std::int64_t* const* slots = nullptr;
  const std::atomic<bool>* proc_stop = nullptr;
  std::uint64_t steps = 0;
  bool resume = false;  // continue at pc (a parked join or spawn) instead of starting the body
  bool announced = false;  // rec->reached is set
  std::uint32_t pending_spawn = none;  // parked at a spawn made: the child (record in the instance)
  // TSan does not understand fences ([atomics.fences]); under TSan a fence acquires the
  // atomics that this thread's relaxed loads read since its last fence, and relaxed
  // stores after a fence release. Both use the sync object TSan keeps at the atomic's
  // address, which may hold a newer clock than the one read: an over-approximation
  // (a race can be missed, none is invented).
  std::vector<const void*> tsan_read;
  bool tsan_fenced = false;
};

class Worker {
 public:
  Worker(Batch& b, std::uint32_t k)
      : b_(b), m_(b.m), k_(k), ws_(b.workers[k]), rng_{b.seed ^ (0x632be59bd9b4e019ull * (k + 1))},
        pipelined_(k == 0 && !b.m.implicit_main) {}

  void run() {
    for (std::uint32_t n = 0; !b_.start.load(std::memory_order_acquire); ++n) {
      if (b_.abort.load(std::memory_order_relaxed)) return;
      backoff(n);
    }
    if (pipelined_) return run_main();
    struct Done {
      WorkerState& ws;
      std::uint64_t end;
      ~Done() { ws.at.store(end, std::memory_order_relaxed); }
    } done{ws_, b_.B};
    for (std::uint64_t i = 0; i < b_.B; ++i) {
      if (b_.abort.load(std::memory_order_relaxed)) return;
      if (m_.implicit_main) keep_close(i);
      Instance& inst = b_.inst[i];
      ThreadRec& rec = b_.rec(i, k_);
      if (!rec.ready.load(std::memory_order_acquire)) {
        // Wait for "instance i spawns its k-th thread" or "instance i is over without it".
        bool go = false;
        for (std::uint32_t n = 0;; ++n) {
          if (rec.ready.load(std::memory_order_acquire)) { go = true; break; }
          if (inst.done.load(std::memory_order_acquire)) break;
          if (b_.abort.load(std::memory_order_relaxed)) return;
          backoff(n);
        }
        if (!go) continue;
      }
      run_thread(inst, i, rec);
    }
  }

 private:
  Batch& b_;
  const Module& m_;
  const std::uint32_t k_;
  WorkerState& ws_;
  Rng rng_;
  std::uint64_t progress_ = 0;
  Ctx c_;  // the scenario thread being run

  // Fences under TSan (see Ctx::tsan_read).
  static bool relaxed(const Instr& i) { return static_cast<MemOrder>(i.aux) == MemOrder::relaxed; }
  void tsan_relaxed_read(const Instr& i) {
    if (!b_.use_tsan || !relaxed(i)) return;
    const void* a = &c_.mem[m_.atomics[static_cast<std::size_t>(i.a)].first_cell];
    if (std::find(c_.tsan_read.begin(), c_.tsan_read.end(), a) == c_.tsan_read.end()) c_.tsan_read.push_back(a);
  }
  void tsan_relaxed_write(const Instr& i) {
    if (b_.use_tsan && c_.tsan_fenced && relaxed(i)) tsan::release(&c_.mem[m_.atomics[static_cast<std::size_t>(i.a)].first_cell]);
  }
  const bool pipelined_;  // worker 0 running main: it parks joins (see run_main)

  // Main of every instance, on worker 0. A main that must wait at a join is parked and
  // the next instance's main starts: otherwise each instance would be a barrier (main
  // spawns, waits for its threads, only then spawns the next instance's), and the
  // instances would not overlap. Parked mains resume as soon as their join can go on.
  void run_main() {
    constexpr std::size_t window = 256;
    std::vector<Ctx> parked;
    parked.reserve(window);
    std::uint64_t next = 0;
    for (std::uint32_t idle = 0; next < b_.B || !parked.empty();) {
      if (b_.abort.load(std::memory_order_relaxed)) return;
      bool moved = false;
      for (std::size_t p = 0; p < parked.size();) {
        if (!can_resume(parked[p])) {
          ++p;
          continue;
        }
        std::swap(c_, parked[p]);
        parked.erase(parked.begin() + static_cast<std::ptrdiff_t>(p));
        c_.resume = true;
        if (run_ctx()) parked.push_back(std::move(c_));
        moved = true;
      }
      if (next < b_.B && parked.size() < window) {
        start(next, b_.rec(next, 0));
        ++next;
        if (run_ctx()) parked.push_back(std::move(c_));
        moved = true;
      }
      if (moved) idle = 0;
      else backoff(idle++);
    }
  }

  // Without main every worker runs every instance. Not a barrier, but a bound on how far
  // one may run ahead of the others: when a worker is descheduled (a loaded machine), the
  // others wait for it instead of running through the batch alone, which would leave no
  // instance where the threads overlap.
  void keep_close(std::uint64_t i) {
    constexpr std::uint64_t lead = 32;
    ws_.at.store(i, std::memory_order_relaxed);
    if (i < lead) return;
    for (std::uint32_t n = 0;; ++n) {
      bool close = true;
      for (std::uint32_t k = 0; k < b_.W && close; ++k) close = b_.workers[k].at.load(std::memory_order_relaxed) + lead >= i;
      if (close || b_.abort.load(std::memory_order_relaxed)) return;
      backoff(n);
    }
  }

  bool can_resume(const Ctx& p) const {
    if (b_.abort.load(std::memory_order_relaxed) || p.inst->stopped.load(std::memory_order_relaxed)) return true;
    if (p.pending_spawn != none) return b_.rec(p.index, p.pending_spawn).reached.load(std::memory_order_acquire);
    const ThreadRec& t = b_.rec(p.index, static_cast<std::uint32_t>(p.stack.back()));
    return t.is_process ? t.proc_live.load(std::memory_order_acquire) == 0 : t.finished.load(std::memory_order_acquire);
  }

  void start(std::uint64_t i, ThreadRec& rec) {
    c_.inst = &b_.inst[i];
    c_.index = i;
    c_.rec = &rec;
    c_.id = b_.rec_index(i, k_);
    c_.mem = rec.mem;
    c_.slots = rec.slots;
    c_.proc_stop = rec.process == none ? nullptr : &b_.recs[rec.process].proc_stop;
    c_.resume = false;
    c_.tsan_read.clear();
    c_.tsan_fenced = false;
    rec.started = true;
    if (b_.use_tsan) tsan::name_current_thread(thread_name(m_, rec));
  }

  void run_thread(Instance&, std::uint64_t i, ThreadRec& rec) {
    start(i, rec);
    run_ctx();
  }

  // Runs the current thread until it ends (true: it was parked instead).
  bool run_ctx() {
    ThreadRec& rec = *c_.rec;
    Instance& inst = *c_.inst;
    ws_.at.store(c_.index, std::memory_order_relaxed);
    bool crashed = false;
    try {
      if (interpret()) return true;
    } catch (const Stopping&) {
      if (b_.abort.load(std::memory_order_relaxed)) {
        rec.unwound = true;  // the batch is over: leave the record as it stands, for the deadlock details
        rec.reached.store(true, std::memory_order_release);
        return false;
      }
    } catch (const ProcessCrashed&) {
      crashed = true;
    }
    if (crashed) rec.crashed.store(true, std::memory_order_relaxed);
    rec.finished.store(true, std::memory_order_release);
    // Its spawner may wait for it: a thread that ended in its prefix (a crash, a failed
    // assert) is over; what it stopped (the run, its process) is visible with this flag.
    rec.reached.store(true, std::memory_order_release);
    if (rec.process != none) b_.recs[rec.process].proc_live.fetch_sub(1, std::memory_order_acq_rel);
    if (inst.live.fetch_sub(1, std::memory_order_acq_rel) == 1) inst.done.store(true, std::memory_order_release);
    return false;
  }

  // ---- stopping ----------------------------------------------------------------------------
  void check_stop() {
    if (__builtin_expect(b_.abort.load(std::memory_order_relaxed) || c_.inst->stopped.load(std::memory_order_relaxed), 0))
      throw Stopping{};
    if (c_.proc_stop && c_.proc_stop->load(std::memory_order_relaxed)) throw ProcessCrashed{};
  }

  template <class Ready>
  void wait_until(Ready ready) {
    std::atomic<std::uint32_t>& polls = c_.rec->wait_polls;
    for (std::uint32_t n = 0;; ++n) {
      if (ready()) return;
      // A failed poll: the watchdog's evidence that the wait cannot go on (see Runner::watch).
      // seq_cst: the watchdog's looks and the polls are in one total order (Runner::watch).
      polls.store(polls.load(std::memory_order_relaxed) + 1, std::memory_order_seq_cst);
      check_stop();
      backoff(n);
    }
  }

  // Entering and leaving a blocking wait: the details of a deadlock (read after the batch)
  // and the flag the watchdog reads (a deadlock needs every unfinished thread of the
  // instance inside a wait).
  void block(WaitKind kind, std::uint32_t target = 0) {
    ThreadRec& r = *c_.rec;
    r.blocked = Blocked{true, c_.body, c_.pc, static_cast<std::int64_t>(target)};
    r.wait_target.store(target, std::memory_order_relaxed);
    const std::uint64_t seq = (r.wait_state.load(std::memory_order_relaxed) >> 2) + 1;
    r.wait_state.store(seq << 2 | kind, std::memory_order_release);
  }
  void unblock() {
    ThreadRec& r = *c_.rec;
    r.blocked.is = false;
    r.wait_state.store(r.wait_state.load(std::memory_order_relaxed) & ~std::uint64_t{3}, std::memory_order_release);
  }

  // ---- findings ----------------------------------------------------------------------------
  std::string where(std::uint32_t site) const { return findings::where(m_, site); }
  std::string name() const { return thread_name(m_, *c_.rec); }
  std::uint32_t site() const { return m_.bodies[c_.body].code[c_.pc].site; }

  [[noreturn]] void stop_instance(Finding f) {
    ws_.findings.push_back(LocalFinding{c_.index, std::move(f)});
    c_.inst->stopped.store(true, std::memory_order_relaxed);
    throw Stopping{};
  }

  // A crash in a process ends that process only; in a thread it ends the run.
  [[noreturn]] void crash(const std::string& what) {
    const std::uint32_t s = site();
    if (c_.rec->process == none) stop_instance(findings::crash(name(), findings::place(m_, s), what));
    ThreadRec& proc = b_.recs[c_.rec->process];
    if (ws_.notes.size() < 100)
      ws_.notes.push_back(findings::process_crash_note(thread_name(m_, proc), where(s), what));
    proc.crashed.store(true, std::memory_order_relaxed);
    proc.proc_stop.store(true, std::memory_order_relaxed);
    throw ProcessCrashed{};
  }

  [[noreturn]] void livelock() {
    const std::uint32_t s = site();
    // The controlled runtime's livelock (the bound is per thread here: docs/runtime.md).
    Finding f = findings::livelock(b_.o.max_steps, {{name(), findings::place(m_, s)}});
    f.details.push_back(fmt::format("(stress: {} took more than {} steps in one run)", name(), b_.o.max_steps));
    stop_instance(std::move(f));
  }

  // ---- memory ------------------------------------------------------------------------------
  void touch(std::uint32_t cell, std::uint32_t site, bool write) {
    if (c_.slots) tsan::access(c_.slots[cell], (*b_.body_pcs)[c_.body], (*b_.site_pcs)[2 * site + (write ? 1 : 0)], write);
  }
  std::uint32_t element(const Variable& v, std::int64_t index) {
    if (index < 0 || index >= static_cast<std::int64_t>(v.size))
      crash(findings::crash_text::out_of_range(v.name, index, v.size));
    return v.first_cell + static_cast<std::uint32_t>(index);
  }
  std::int64_t pop() {
    const std::int64_t v = c_.stack.back();
    c_.stack.pop_back();
    return v;
  }

  // ---- sync --------------------------------------------------------------------------------
  Mutex& mutex(std::int32_t a) { return b_.mutexes[c_.index * m_.mutexes.size() + static_cast<std::size_t>(a)]; }
  Cond& cond(std::int32_t a) { return b_.conds[c_.index * m_.conds.size() + static_cast<std::size_t>(a)]; }
  Semaphore& sem(std::int32_t a) { return b_.sems[c_.index * m_.semaphores.size() + static_cast<std::size_t>(a)]; }
  Queue& queue(std::int32_t a) { return b_.queues[c_.index * m_.queues.size() + static_cast<std::size_t>(a)]; }

  bool try_lock(Mutex& mu) {
    std::uint32_t expected = none;
    return mu.owner.load(std::memory_order_relaxed) == none &&
           mu.owner.compare_exchange_strong(expected, c_.id, std::memory_order_acquire, std::memory_order_relaxed);
  }
  void lock(Mutex& mu, std::uint32_t site) {
    if (!try_lock(mu)) {
      block(wait_sync);
      wait_until([&] { return try_lock(mu); });
      unblock();
    }
    mu.site.store(site, std::memory_order_relaxed);
  }
  void unlock(std::int32_t a, std::uint32_t site) {
    Mutex& mu = mutex(a);
    const std::uint32_t owner = mu.owner.load(std::memory_order_relaxed);
    if (owner != c_.id) {
      const std::string& mname = m_.mutexes[static_cast<std::size_t>(a)];
      const std::string& text = m_.sites[site].text;
      if (owner == none) crash(findings::crash_text::bad_unlock(text, mname, {}));
      ThreadRec& o = b_.recs[owner];
      o.ready.load(std::memory_order_acquire);  // its name fields were written before ready
      crash(findings::crash_text::bad_unlock(text, mname, thread_name(m_, o)));
    }
    mu.owner.store(none, std::memory_order_release);
  }

  void cond_wait(const Instr& i) {
    Mutex& mu = mutex(i.b);
    Cond& c = cond(i.a);
    if (mu.owner.load(std::memory_order_relaxed) != c_.id)
      crash(findings::crash_text::wait_without_mutex(m_.conds[static_cast<std::size_t>(i.a)], m_.mutexes[static_cast<std::size_t>(i.b)]));
    c_.rec->notified.store(false, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> g(c.mu);
      c.waiters.push_back(c_.id);
    }
    unlock(i.b, i.site);
    block(wait_sync);
    try {
      wait_until([&] { return c_.rec->notified.load(std::memory_order_acquire); });
    } catch (...) {
      // A thread of a crashed process must not swallow a later notify.
      std::lock_guard<std::mutex> g(c.mu);
      c.waiters.erase(std::remove(c.waiters.begin(), c.waiters.end(), c_.id), c.waiters.end());
      throw;
    }
    if (!try_lock(mu)) wait_until([&] { return try_lock(mu); });
    unblock();
    mu.site.store(i.site, std::memory_order_relaxed);
  }

  void notify(const Instr& i, bool all) {
    Cond& c = cond(i.a);
    std::lock_guard<std::mutex> g(c.mu);
    if (c.waiters.empty()) return;
    const std::size_t n = all ? c.waiters.size() : 1;
    for (std::size_t w = 0; w < n; ++w) b_.recs[c.waiters[w]].notified.store(true, std::memory_order_release);
    c.waiters.erase(c.waiters.begin(), c.waiters.begin() + static_cast<std::ptrdiff_t>(n));
  }

  // Spawns, then waits until the child's invisible prefix is over (it reached its first
  // step or ended), as the controlled runtime runs the prefix with the spawn: a crash or a
  // failed assert there happens before the spawner's next step. Re-executable at the
  // wait (main parks there; c_.pending_spawn says the spawn was made). Returns false when
  // main parked.
  bool spawn(const Instr& i) {
    std::uint32_t k = c_.pending_spawn;
    bool waited = k != none;
    if (k == none) {
      k = make_spawn(i);
      // Nothing the child does before its first step could be seen: no need to wait.
      if ((*b_.trivial_prefix)[b_.rec(c_.index, k).body]) return true;
    }
    ThreadRec& child = b_.rec(c_.index, k);
    if (!child.reached.load(std::memory_order_acquire)) {
      block(wait_spawn, k);
      waited = true;
      if (pipelined_) {
        c_.pending_spawn = k;
        return false;
      }
      wait_until([&] { return child.reached.load(std::memory_order_acquire); });
    }
    if (waited) unblock();
    c_.pending_spawn = none;
    // The child may have crashed its process or stopped the run.
    check_stop();
    return true;
  }

  std::uint32_t make_spawn(const Instr& i) {
    const Module::Spawn& sp = m_.spawns[static_cast<std::size_t>(i.a)];
    const bool process = m_.bodies[sp.body].kind == DeclKind::process;
    const std::uint32_t k = c_.inst->spawned.fetch_add(1, std::memory_order_relaxed);
    if (k >= b_.W) {
      // More threads than workers: the runner starts the next batch with more.
      std::uint32_t need = b_.need_workers.load(std::memory_order_relaxed);
      while (need < k + 1 && !b_.need_workers.compare_exchange_weak(need, k + 1, std::memory_order_relaxed)) {
      }
      b_.abort.store(true, std::memory_order_relaxed);
      throw Stopping{};
    }
    ThreadRec& c = b_.rec(c_.index, k);
    c.body = sp.body;
    c.spawn = i.a;
    c.number = (process ? c_.inst->process_counter : c_.inst->thread_counter).fetch_add(1, std::memory_order_relaxed) + 1;
    c.args.assign(sp.args, 0);
    for (std::uint32_t a = sp.args; a > 0; --a) c.args[a - 1] = pop();
    c.is_process = process;
    if (process) {
      // A copy of the spawner's memory, as after fork.
      c.process = b_.rec_index(c_.index, k);
      c.own_space = std::make_unique<std::atomic<std::int64_t>[]>(m_.cell_count);
      for (std::uint32_t x = 0; x < m_.cell_count; ++x)
        c.own_space[x].store(c_.mem[x].load(std::memory_order_relaxed), std::memory_order_relaxed);
      c.mem = c.own_space.get();
      if (c_.slots) {
        c.own_slots.resize(m_.cell_count);
        for (auto& s : c.own_slots) s = new std::int64_t(0);
        c.slots = c.own_slots.data();
      }
      c.proc_live.store(1, std::memory_order_relaxed);
    } else {
      c.process = c_.rec->process;
      c.mem = c_.mem;
      c.slots = c_.slots;
      if (c.process != none) b_.recs[c.process].proc_live.fetch_add(1, std::memory_order_relaxed);
    }
    c_.inst->live.fetch_add(1, std::memory_order_relaxed);
    c.ready.store(true, std::memory_order_release);
    c_.stack.push_back(k);
    return k;
  }

  // Re-executable up to the wait (main parks there): the handle stays on the stack until
  // the join goes on. Returns false when main parked (no exception: it happens in most
  // instances, and a throw costs microseconds).
  bool join() {
    const std::int64_t h = c_.stack.back();
    const std::uint32_t count = std::min(c_.inst->spawned.load(std::memory_order_relaxed), b_.W);
    if (h < 0 || h >= static_cast<std::int64_t>(count)) crash(findings::crash_text::not_a_thread(h));
    if (h == static_cast<std::int64_t>(k_)) crash(findings::crash_text::joins_itself(name()));
    ThreadRec& t = b_.rec(c_.index, static_cast<std::uint32_t>(h));
    if (!t.ready.load(std::memory_order_acquire)) wait_until([&] { return t.ready.load(std::memory_order_acquire); });
    auto over = [&] {
      return t.is_process ? t.proc_live.load(std::memory_order_acquire) == 0 : t.finished.load(std::memory_order_acquire);
    };
    if (!over()) {
      block(wait_join, static_cast<std::uint32_t>(h));
      if (pipelined_) return false;
      wait_until(over);
    }
    unblock();
    // A thread that crashed stopped the run before it finished: the joiner must not go on.
    check_stop();
    if (t.joined.exchange(true, std::memory_order_relaxed)) crash(findings::crash_text::already_joined(thread_name(m_, t)));
    c_.stack.pop_back();
    c_.stack.push_back(t.is_process ? (t.crashed.load(std::memory_order_relaxed) ? 1 : 0) : t.result);
    return true;
  }

  void noise() {
    switch (rng_.next() % 3) {
      case 0: std::this_thread::yield(); break;
      case 1:
        for (auto n = rng_.next() % 256; n > 0; --n) cpu_relax();
        break;
      default: std::this_thread::sleep_for(std::chrono::microseconds(1 + rng_.next() % 50)); break;
    }
  }

  // ---- the interpreter ----------------------------------------------------------------------
  // The controlled runtime's default bounds: the same scenario spins or recurses too deep
  // at the same point in both runtimes.
  static constexpr std::uint64_t max_local = ExecOptions{}.max_local_instructions;
  static constexpr std::uint32_t max_depth = ExecOptions{}.max_call_depth;

  // This runtime's side of the interpreter core (vm/interpreter.hpp): findings stop the
  // instance, `any` is random, output is not captured under stress.
  struct Local {
    Worker& w;
    [[noreturn]] void spin(const Instr& i) { w.stop_instance(vm::spin_finding(w.m_, w.name(), i.site, max_local)); }
    [[noreturn]] void crash(const std::string& what) { w.crash(what); }
    [[noreturn]] void assert_failed(const Instr& i, const std::string& shown) {
      w.stop_instance(vm::assert_finding(w.m_, w.name(), i, shown));
    }
    std::int64_t choose(std::int64_t lo, std::int64_t hi) {
      const std::uint64_t range = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
      const std::uint64_t r = range == 0 ? w.rng_.next() : w.rng_.next() % range;  // 0: the whole int64 range
      return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + r);
    }
    static std::uint32_t max_call_depth() { return max_depth; }
    static void print(const Instr&, const std::int64_t*) {}
  };

  // Returns true when main parked at a join (pc stays there), false when the thread ended.
  bool interpret() {
    const StressOptions& o = b_.o;
    bool resumed = c_.resume;
    if (!resumed) {
      c_.body = c_.rec->body;
      c_.pc = 0;
      c_.locals_base = 0;
      c_.locals.assign(m_.bodies[c_.body].frame_size, 0);
      std::copy(c_.rec->args.begin(), c_.rec->args.end(), c_.locals.begin());
      c_.stack.clear();
      c_.frames.clear();
      c_.steps = 0;
      c_.announced = false;
      c_.pending_spawn = none;
    }
    c_.resume = false;
    c_.code = m_.bodies[c_.body].code.data();
    Local cx{*this};
    auto& s = c_.stack;
    for (;;) {
      // A fresh budget after each step: the bound is on local instructions between two steps.
      vm::run_local(m_, c_, cx, max_local);
      const Instr& i = c_.code[c_.pc];
      if (__builtin_expect(!c_.announced, 0)) {
        c_.announced = true;
        c_.rec->reached.store(true, std::memory_order_release);  // its spawner may go on
      }
      check_stop();
      if (!resumed) {  // a resumed join was counted when it parked
        ws_.progress.store(++progress_, std::memory_order_relaxed);
        if (++c_.steps > o.max_steps) livelock();
        if (o.noise > 0 && rng_.unit() < o.noise) noise();
      }
      resumed = false;
      switch (i.op) {
        case Op::read: {
          const std::uint32_t cell = m_.shared[static_cast<std::size_t>(i.a)].first_cell;
          touch(cell, i.site, false);
          s.push_back(c_.mem[cell].load(std::memory_order_relaxed));
          break;
        }
        case Op::write: {
          const std::uint32_t cell = m_.shared[static_cast<std::size_t>(i.a)].first_cell;
          touch(cell, i.site, true);
          c_.mem[cell].store(pop(), std::memory_order_relaxed);
          break;
        }
        case Op::read_elem: {
          const std::uint32_t cell = element(m_.shared[static_cast<std::size_t>(i.a)], pop());
          touch(cell, i.site, false);
          s.push_back(c_.mem[cell].load(std::memory_order_relaxed));
          break;
        }
        case Op::write_elem: {
          const std::int64_t value = pop();
          const std::uint32_t cell = element(m_.shared[static_cast<std::size_t>(i.a)], pop());
          touch(cell, i.site, true);
          c_.mem[cell].store(value, std::memory_order_relaxed);
          break;
        }
        case Op::atomic_load:
          s.push_back(c_.mem[m_.atomics[static_cast<std::size_t>(i.a)].first_cell].load(load_order(static_cast<MemOrder>(i.aux))));
          tsan_relaxed_read(i);
          break;
        case Op::atomic_store:
          tsan_relaxed_write(i);
          c_.mem[m_.atomics[static_cast<std::size_t>(i.a)].first_cell].store(pop(), store_order(static_cast<MemOrder>(i.aux)));
          break;
        case Op::atomic_fetch_add: {
          tsan_relaxed_read(i);
          tsan_relaxed_write(i);
          const std::int64_t d = pop();
          s.push_back(c_.mem[m_.atomics[static_cast<std::size_t>(i.a)].first_cell].fetch_add(d, rmw_order(static_cast<MemOrder>(i.aux))));
          break;
        }
        case Op::atomic_exchange: {
          tsan_relaxed_read(i);
          tsan_relaxed_write(i);
          const std::int64_t v = pop();
          s.push_back(c_.mem[m_.atomics[static_cast<std::size_t>(i.a)].first_cell].exchange(v, rmw_order(static_cast<MemOrder>(i.aux))));
          break;
        }
        case Op::atomic_fetch_sub:
        case Op::atomic_fetch_and:
        case Op::atomic_fetch_or:
        case Op::atomic_fetch_xor: {
          tsan_relaxed_read(i);
          tsan_relaxed_write(i);
          const std::int64_t d = pop();
          auto& cell = c_.mem[m_.atomics[static_cast<std::size_t>(i.a)].first_cell];
          const auto mo = rmw_order(static_cast<MemOrder>(i.aux));
          s.push_back(i.op == Op::atomic_fetch_sub   ? cell.fetch_sub(d, mo)
                      : i.op == Op::atomic_fetch_and ? cell.fetch_and(d, mo)
                      : i.op == Op::atomic_fetch_or  ? cell.fetch_or(d, mo)
                                                     : cell.fetch_xor(d, mo));
          break;
        }
        case Op::atomic_cmpxchg:
        case Op::atomic_cmpxchg_weak: {
          tsan_relaxed_read(i);
          tsan_relaxed_write(i);
          const std::int64_t desired = pop();
          std::int64_t expected = pop();
          auto& cell = c_.mem[m_.atomics[static_cast<std::size_t>(i.a)].first_cell];
          const auto mo = rmw_order(static_cast<MemOrder>(i.aux));
          const auto fail = load_order(static_cast<MemOrder>(i.b));
          if (i.op == Op::atomic_cmpxchg) {
            cell.compare_exchange_strong(expected, desired, mo, fail);
          } else {
            s.push_back(cell.compare_exchange_weak(expected, desired, mo, fail) ? 1 : 0);
          }
          s.push_back(expected);  // the value it saw, on success too (weak: into the local)
          break;
        }
        case Op::try_put: {
          Queue& q = queue(i.a);
          const std::int64_t v = pop();
          std::lock_guard<std::mutex> g(q.mu);
          if (q.closed) {
            s.push_back(-1);
          } else if (q.items.size() >= q.capacity) {
            s.push_back(0);
          } else {
            q.items.push_back(v);
            s.push_back(1);
          }
          break;
        }
        case Op::try_get: {
          Queue& q = queue(i.a);
          const std::int64_t old = pop();
          std::lock_guard<std::mutex> g(q.mu);
          if (!q.items.empty()) {
            s.push_back(1);
            s.push_back(q.items.front());
            q.items.pop_front();
          } else {
            s.push_back(q.closed ? -1 : 0);
            s.push_back(old);
          }
          break;
        }
        case Op::queue_size: {
          Queue& q = queue(i.a);
          std::lock_guard<std::mutex> g(q.mu);
          s.push_back(static_cast<std::int64_t>(q.items.size()));
          break;
        }
        case Op::queue_close: {
          Queue& q = queue(i.a);
          bool twice = false;
          {
            std::lock_guard<std::mutex> g(q.mu);
            twice = q.closed;
            q.closed = true;
          }
          if (twice) crash(findings::crash_text::closed_twice(m_.queues[static_cast<std::size_t>(i.a)]));
          break;
        }
        case Op::atomic_cas: {
          tsan_relaxed_read(i);
          tsan_relaxed_write(i);
          const std::int64_t desired = pop();
          std::int64_t expected = pop();
          const bool ok = c_.mem[m_.atomics[static_cast<std::size_t>(i.a)].first_cell].compare_exchange_strong(
              expected, desired, rmw_order(static_cast<MemOrder>(i.aux)));
          s.push_back(ok ? 1 : 0);
          break;
        }
        case Op::lock: lock(mutex(i.a), i.site); break;
        case Op::try_lock: {
          Mutex& mu = mutex(i.a);
          const bool got = try_lock(mu);
          if (got) mu.site.store(i.site, std::memory_order_relaxed);
          s.push_back(got ? 1 : 0);
          break;
        }
        case Op::unlock: unlock(i.a, i.site); break;
        case Op::wait: cond_wait(i); break;
        case Op::notify_one: notify(i, false); break;
        case Op::notify_all: notify(i, true); break;
        case Op::sem_acquire: {
          Semaphore& se = sem(i.a);
          auto take = [&] {
            std::int64_t v = se.count.load(std::memory_order_relaxed);
            while (v > 0)
              if (se.count.compare_exchange_weak(v, v - 1, std::memory_order_acquire, std::memory_order_relaxed)) return true;
            return false;
          };
          if (!take()) {
            block(wait_sync);
            wait_until(take);
            unblock();
          }
          break;
        }
        case Op::sem_release: {
          // As in the controlled runtime: a release past INT64_MAX permits is a crash, not a wrap.
          Semaphore& se = sem(i.a);
          std::int64_t v = se.count.load(std::memory_order_relaxed);
          do {
            if (v == std::numeric_limits<std::int64_t>::max())
              crash(findings::crash_text::semaphore_overflow(m_.semaphores[static_cast<std::size_t>(i.a)]));
          } while (!se.count.compare_exchange_weak(v, v + 1, std::memory_order_release, std::memory_order_relaxed));
          break;
        }
        case Op::put: {
          Queue& q = queue(i.a);
          const std::int64_t v = pop();
          bool closed = false;
          auto put = [&] {
            std::lock_guard<std::mutex> g(q.mu);
            if (q.closed) return closed = true;
            if (q.items.size() >= q.capacity) return false;
            q.items.push_back(v);
            return true;
          };
          if (!put()) {
            block(wait_sync);
            wait_until(put);
            unblock();
          }
          if (closed) crash(findings::crash_text::put_on_closed(m_.queues[static_cast<std::size_t>(i.a)]));
          break;
        }
        case Op::get: {
          Queue& q = queue(i.a);
          std::int64_t v = 0;
          auto get = [&] {
            std::lock_guard<std::mutex> g(q.mu);
            if (q.items.empty()) {
              if (!q.closed) return false;
              v = queue_closed_value;
              return true;
            }
            v = q.items.front();
            q.items.pop_front();
            return true;
          };
          if (!get()) {
            block(wait_sync);
            wait_until(get);
            unblock();
          }
          s.push_back(v);
          break;
        }
        case Op::spawn:
          if (!spawn(i)) return true;
          break;
        case Op::join:
          if (!join()) return true;
          break;
        case Op::yield: std::this_thread::yield(); break;
        case Op::sleep: std::this_thread::sleep_for(std::chrono::microseconds(10)); break;
        case Op::fence: {
          const MemOrder mo = static_cast<MemOrder>(i.aux);
          std::atomic_thread_fence(mo == MemOrder::unspecified ? std::memory_order_seq_cst : rmw_order(mo));
          // TSan does not model fences: order every fence of the instance with each other
          // (over-approximation, as in the controlled runtime's race detector).
          if (b_.use_tsan) {
            for (const void* a : c_.tsan_read) tsan::acquire(a);
            c_.tsan_read.clear();
            c_.tsan_fenced = true;
            tsan::release(&c_.inst->fence_standin);
            tsan::acquire(&c_.inst->fence_standin);
          }
          break;
        }
        case Op::end:
          c_.rec->result = pop();
          return false;
        default: break;
      }
      ++c_.pc;
    }
  }
};

}  // namespace

void run_worker(Batch& b, std::uint32_t k) {
  try {
    Worker(b, k).run();
  } catch (const std::exception& e) {
    // Never let a worker take the process down (std::terminate): the batch ends.
    b.workers[k].notes.push_back(fmt::format("internal error in stress worker {}: {}", k, e.what()));
    b.abort.store(true, std::memory_order_relaxed);
  }
  std::lock_guard<std::mutex> g(b.done_mu);
  ++b.workers_done;
  b.done_cv.notify_all();
}

}  // namespace interleave::stress_detail
