// The stress runner: batches, their adaptive size, the watchdog, and the findings of a
// campaign. The workers (worker.cpp) interpret the scenario; this file sets each batch
// up, supervises it, and evaluates every instance whose threads all finished.
//
// No supervisor process is needed: every wait of a worker (mutex, cond, semaphore,
// queue, join, a spawn not yet made) is a polling loop that checks the batch's abort
// flag, and the only other waits are std::mutex critical sections of a few
// instructions. So when the watchdog (the thread that called stress()) sees no progress,
// it sets the flag and every worker returns; a scenario cannot block or kill the process
// (its crashes, failed asserts, divisions by zero and bad indices are interpreted).
#include "interleave/stress.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <unordered_map>

#include "../model/findings.hpp"
#include "../model/properties.hpp"
#include "batch.hpp"
#if __has_include("interleave/outcomes.hpp")
#include "interleave/outcomes.hpp"
#define INTERLEAVE_STRESS_OUTCOMES 1
#endif
#include "interleave/schedule.hpp"
#include "interleave/scheduler.hpp"
#include "interleave/tsan_bridge.hpp"

namespace interleave {

using namespace stress_detail;

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Null when the property holds, else the finding (as the controlled runtime's).
std::optional<Finding> check_property(const Module& m, const Property& p, const std::atomic<std::int64_t>* mem,
                                      std::string_view when) {
  auto why = property_violation(m, p, RelaxedCells{mem});
  if (!why) return std::nullopt;
  return findings::property_failed(p.kind, p.name, findings::place(m, p.site), p.message, when, *why);
}

// The threads an instance needs: those of one default controlled run (more are added
// when a batch finds it needs them).
std::uint32_t initial_workers(const Module& m) {
  if (m.implicit_main) return static_cast<std::uint32_t>(m.implicit_threads.size());
  ExecOptions eo;
  eo.detect_races = false;
  eo.tsan = false;
  eo.record_trace = true;
  eo.max_threads = max_workers + 1;
  Execution e(m, eo);
  ReplayScheduler s(Schedule{}, false);
  s.new_run();
  const RunResult r = e.run(s);
  std::uint32_t n = 1;
  for (const auto& t : r.trace)
    if (t.effect.rfind("spawn ", 0) == 0) ++n;
  return n;
}

// Per body: whether the instructions before its first step can neither fail (crash,
// assert, division, any, calls) nor loop without a step (a backward jump). Such a prefix has no effect anyone could see, so
// a spawner need not wait for it to run (a wait that costs a hand-over per spawn).
std::vector<char> trivial_prefixes(const Module& m) {
  std::vector<char> out(m.bodies.size(), 0);
  for (std::size_t b = 0; b < m.bodies.size(); ++b) {
    const auto& code = m.bodies[b].code;
    std::vector<char> seen(code.size(), 0);
    std::vector<std::uint32_t> todo{0};
    bool ok = true;
    while (ok && !todo.empty()) {
      const std::uint32_t pc = todo.back();
      todo.pop_back();
      if (pc >= code.size()) {
        ok = false;
        break;
      }
      if (seen[pc]) continue;
      seen[pc] = 1;
      const Instr& i = code[pc];
      if (is_step(i.op)) continue;
      auto forward = [&](std::int32_t target) {
        if (target <= static_cast<std::int32_t>(pc)) ok = false;
        else todo.push_back(static_cast<std::uint32_t>(target));
      };
      switch (i.op) {
        case Op::push: case Op::pop: case Op::load_local: case Op::store_local: case Op::add: case Op::sub:
        case Op::mul: case Op::neg: case Op::not_: case Op::to_bool: case Op::eq: case Op::ne: case Op::lt:
        case Op::le: case Op::gt: case Op::ge: case Op::print:
        case Op::bit_and: case Op::bit_or: case Op::bit_xor: case Op::shl: case Op::shr: case Op::bit_not:
          todo.push_back(pc + 1);
          break;
        case Op::jump: forward(i.a); break;
        case Op::jump_if_false: case Op::jump_if_false_keep: case Op::jump_if_true_keep:
          forward(i.a);
          todo.push_back(pc + 1);
          break;
        case Op::count_down: case Op::count_up:  // a loop head: its exit is forward
          forward(i.b);
          todo.push_back(pc + 1);
          break;
        default: ok = false; break;
      }
    }
    out[b] = ok ? 1 : 0;
  }
  return out;
}

class Runner {
 public:
  Runner(const Module& m, const StressOptions& o, StressResult& r) : m_(m), o_(o), r_(r) {}

  void run() {
    const auto t0 = Clock::now();
    use_tsan_ = tsan::available && o_.tsan;
    if (use_tsan_) {
      module_id_ = tsan::register_module(m_);
      for (std::uint32_t b = 0; b < m_.bodies.size(); ++b) body_pcs_.push_back(tsan::body_pc(module_id_, b));
      for (std::uint32_t s = 0; s < m_.sites.size(); ++s) {
        site_pcs_.push_back(tsan::site_pc(module_id_, s, false));
        site_pcs_.push_back(tsan::site_pc(module_id_, s, true));
      }
    }
    check_initial_always();
    trivial_prefix_ = trivial_prefixes(m_);
    std::uint32_t workers = initial_workers(m_);
    if (workers > max_workers) return skip(workers);
    // Large batches for cheap scenarios: more instances in flight, more overlap. Bounded
    // so that a batch's records stay a few MB (and TSan's shadow small).
    const std::uint32_t cap = use_tsan_ ? 512 : 16384;
    std::uint32_t batch = o_.batch ? o_.batch : 16;
    deadline_ = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.max_seconds));
    while (r_.runs < o_.max_runs) {
      if (o_.interrupt && o_.interrupt->load()) {
        r_.interrupted = true;
        break;
      }
      if (Clock::now() >= deadline_) {
        r_.stopped_by_time = true;
        break;
      }
      // A batch holds a copy of the cells per instance: the memory budget bounds how many.
      const std::uint64_t per_instance = std::max<std::uint64_t>(1, std::uint64_t{m_.cell_count} * (use_tsan_ ? 40 : 8));
      const std::uint64_t fit = o_.memory_limit ? std::max<std::uint64_t>(1, o_.memory_limit / per_instance) : UINT64_MAX;
      const auto n = static_cast<std::uint32_t>(
          std::min<std::uint64_t>({batch, o_.max_runs - r_.runs, std::max<std::uint32_t>(1, 65536 / std::max<std::uint32_t>(workers, 1)), fit}));
      const auto bt = Clock::now();
      const std::uint32_t need = run_batch(n, workers);
      const double took = since(bt);
      if (r_.interrupted || r_.stopped_by_time) break;
      if (need > 0) {
        if (need > max_workers) return skip(need);
        workers = need;
        continue;
      }
      if (o_.batch == 0) {
        // Grow while a batch is short, so thread start-up is amortised; shrink when long,
        // so the time budget and the watchdog stay responsive.
        if (took < 0.02 && batch < cap) batch = std::min(cap, batch * 2);
        else if (took > 0.2 && batch > 1) batch /= 2;
      }
    }
  }

 private:
  const Module& m_;
  const StressOptions& o_;
  StressResult& r_;
  bool use_tsan_ = false;
  std::uint32_t module_id_ = 0;
  std::vector<std::uint64_t> body_pcs_, site_pcs_;
  std::vector<char> trivial_prefix_;
  Clock::time_point deadline_;
  std::unordered_map<std::string, std::size_t> by_key_;
  std::set<std::string> notes_;

  void skip(std::uint32_t threads) {
    r_.skipped = true;
    r_.skip_reason = fmt::format("a run of this scenario needs {} threads; the stress runtime runs at most {} per run",
                                 threads, max_workers);
  }

  void add(Finding f, std::uint64_t run) {
    auto [it, fresh] = by_key_.emplace(f.key, r_.findings.size());
    if (fresh) r_.findings.push_back(StressFinding{std::move(f), run, 0});
    ++r_.findings[it->second].occurrences;
  }

  void check_initial_always() {
    std::vector<std::atomic<std::int64_t>> mem(m_.cell_count);
    init_space(mem.data());
    for (const Property& p : m_.properties)
      if (p.kind == DeclKind::always)
        if (auto f = check_property(m_, p, mem.data(), findings::in_initial_state)) add(std::move(*f), 1);
  }

  void init_space(std::atomic<std::int64_t>* mem) const {
    for (std::uint32_t c = 0; c < m_.cell_count; ++c) mem[c].store(0, std::memory_order_relaxed);
    for (const auto& v : m_.shared)
      for (std::uint32_t c = 0; c < std::max<std::uint32_t>(v.size, 1); ++c) mem[v.first_cell + c].store(v.init, std::memory_order_relaxed);
    for (const auto& v : m_.atomics) mem[v.first_cell].store(v.init, std::memory_order_relaxed);
  }

  // Runs one batch of n instances on w workers. Returns the number of workers an
  // instance turned out to need, when more than w (the batch was abandoned), else 0.
  std::uint32_t run_batch(std::uint32_t n, std::uint32_t w) {
    Batch b(m_, o_);
    b.B = n;
    b.W = w;
    b.seed = o_.seed * 0x9e3779b97f4a7c15ull + r_.batches;
    b.use_tsan = use_tsan_;
    b.module_id = module_id_;
    b.body_pcs = &body_pcs_;
    b.site_pcs = &site_pcs_;
    b.trivial_prefix = &trivial_prefix_;
    const std::size_t cc = m_.cell_count;
    b.inst = std::make_unique<Instance[]>(n);
    b.cells = std::make_unique<std::atomic<std::int64_t>[]>(n * cc);
    if (use_tsan_) {
      // Fresh blocks every batch: TSan's shadow of earlier batches never shows.
      b.slots.resize(n * cc);
      for (auto& s : b.slots) s = new std::int64_t(0);
    }
    b.recs = std::make_unique<ThreadRec[]>(static_cast<std::size_t>(n) * w);
    b.mutexes = std::make_unique<Mutex[]>(n * m_.mutexes.size());
    b.conds = std::make_unique<Cond[]>(n * m_.conds.size());
    b.sems = std::make_unique<Semaphore[]>(n * m_.semaphores.size());
    b.queues = std::make_unique<Queue[]>(n * m_.queues.size());
    b.workers = std::make_unique<WorkerState[]>(w);
    const std::uint32_t first = m_.implicit_main ? static_cast<std::uint32_t>(m_.implicit_threads.size()) : 1;
    for (std::uint64_t i = 0; i < n; ++i) {
      init_space(b.root_space(i));
      for (std::size_t s = 0; s < m_.semaphores.size(); ++s)
        b.sems[i * m_.semaphores.size() + s].count.store(m_.semaphore_init[s], std::memory_order_relaxed);
      for (std::size_t q = 0; q < m_.queues.size(); ++q)
        b.queues[i * m_.queues.size() + q].capacity = static_cast<std::size_t>(m_.queue_capacity[q]);
      for (std::uint32_t k = 0; k < first; ++k) {
        ThreadRec& t = b.rec(i, k);
        t.body = m_.implicit_main ? m_.implicit_threads[k] : m_.main_body;
        t.mem = b.root_space(i);
        t.slots = use_tsan_ ? &b.slots[i * cc] : nullptr;
        t.ready.store(true, std::memory_order_relaxed);
      }
      b.inst[i].live.store(first, std::memory_order_relaxed);
      b.inst[i].spawned.store(first, std::memory_order_relaxed);
      if (first == 0) b.inst[i].done.store(true, std::memory_order_relaxed);
    }

    // Thread creation orders the set-up before every worker's first access (for TSan
    // too); the start flag releases them together.
    std::vector<std::thread> threads;
    threads.reserve(w);
    for (std::uint32_t k = 0; k < w; ++k) threads.emplace_back(run_worker, std::ref(b), k);
    b.start.store(true, std::memory_order_release);
    const std::uint64_t stuck = watch(b);
    const bool deadlocked = stuck < n;
    for (auto& t : threads) t.join();
    ++r_.batches;

    // Joined: every record and cell is ours to read.
    const std::uint64_t base = r_.runs;
    std::vector<LocalFinding> found;
    for (std::uint32_t k = 0; k < w; ++k) {
      for (auto& f : b.workers[k].findings) found.push_back(std::move(f));
      for (auto& note : b.workers[k].notes)
        if (notes_.size() < 100 && notes_.insert(note).second) r_.notes.push_back(note);
    }
    std::stable_sort(found.begin(), found.end(), [](const LocalFinding& x, const LocalFinding& y) { return x.instance < y.instance; });
    std::size_t next = 0;
    std::uint64_t counted = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      for (; next < found.size() && found[next].instance == i; ++next) add(std::move(found[next].finding), base + i + 1);
      const Instance& inst = b.inst[i];
      if (!inst.done.load(std::memory_order_relaxed)) continue;
      ++counted;
      if (!inst.stopped.load(std::memory_order_relaxed)) evaluate(b.root_space(i), base + i + 1);
    }
    for (; next < found.size(); ++next) add(std::move(found[next].finding), base + found[next].instance + 1);
    if (deadlocked) {
      report_deadlock(b, base, stuck);
      ++counted;  // the stuck run
    }
    r_.runs += std::min<std::uint64_t>(counted, n);
    take_tsan_reports(b);
    return b.need_workers.load(std::memory_order_relaxed) > w ? b.need_workers.load(std::memory_order_relaxed) : 0;
  }

  // What the watchdog saw of an instance whose unfinished threads were all in blocking
  // waits: in which waits (wait_state), and their failed polls then.
  struct Frozen {
    std::vector<std::uint64_t> states;
    std::vector<std::uint32_t> polls;
  };

  // Whether every unfinished thread of instance i is inside a blocking wait that cannot
  // go on as things stand: a join whose target has not finished, a spawn whose child has
  // not reached its first step, or a sync wait (mutex, cond, semaphore, queue). A thread
  // outside a wait, even one that makes no progress (descheduled, spinning), means no.
  static bool has_unfinished_thread(Batch& b, std::uint64_t i, std::uint32_t process) {
    for (std::uint32_t k = 0; k < b.W; ++k) {
      const ThreadRec& y = b.rec(i, k);
      if ((b.rec_index(i, k) == process || y.process == process) && y.ready.load(std::memory_order_acquire) &&
          !y.finished.load(std::memory_order_acquire))
        return true;
    }
    return false;
  }

  bool frozen(Batch& b, std::uint64_t i, std::vector<std::uint64_t>& states, std::vector<std::uint32_t>& polls) const {
    states.assign(b.W, 0);
    polls.assign(b.W, 0);
    // A stopped instance (a crash, a failed assert) is ending, not stuck.
    if (b.inst[i].stopped.load(std::memory_order_acquire)) return false;
    bool any = false;
    for (std::uint32_t k = 0; k < b.W; ++k) {
      const ThreadRec& t = b.rec(i, k);
      if (!t.ready.load(std::memory_order_acquire) || t.finished.load(std::memory_order_acquire)) continue;
      const std::uint64_t state = t.wait_state.load(std::memory_order_acquire);
      const std::uint32_t target = t.wait_target.load(std::memory_order_relaxed);
      switch (state & 3) {
        case wait_none: return false;
        case wait_join: {
          if (target >= b.W) return false;
          const ThreadRec& x = b.rec(i, target);
          if (!x.ready.load(std::memory_order_acquire)) return false;
          const bool over = x.is_process ? x.proc_live.load(std::memory_order_acquire) == 0 : x.finished.load(std::memory_order_acquire);
          if (over) return false;
          // A process is live through its unfinished threads, which this loop checks. A
          // thread that has flagged itself finished but not yet left the process's count
          // is between two stores: not a state to judge.
          if (x.is_process && !has_unfinished_thread(b, i, b.rec_index(i, target))) return false;
          break;
        }
        case wait_spawn:
          if (target >= b.W || b.rec(i, target).reached.load(std::memory_order_acquire)) return false;
          break;
        default: polls[k] = t.wait_polls.load(std::memory_order_relaxed); break;
      }
      states[k] = state;
      any = true;
    }
    return any;
  }

  // The watchdog: waits for the workers, aborting the batch when an instance deadlocked,
  // when interrupted, or well past the time budget. Returns the deadlocked instance, or
  // b.B.
  //
  // A deadlock is decided by the instance's state, never by how long it took: at two
  // looks, every unfinished thread was inside the same blocking wait (same wait sequence
  // number, so none left and re-entered it), each join or spawn waited for a thread that
  // had not got there, and each sync waiter (mutex, cond, semaphore, queue) completed at
  // least two failed polls in between. No thread left a wait in between, so nothing
  // changed the sync state, and the second failed poll began after the first look: it saw
  // that frozen state and found its condition false, so it stays false forever. A thread
  // that is merely descheduled, however long, is outside a wait or has not polled, so on a
  // loaded machine a clean run is never a deadlock, and a real one is only found later.
  // Where to look: every instance a worker is at (a deadlocked instance holds its blocked
  // workers) and the lowest unfinished one.
  std::uint64_t watch(Batch& b) {
    std::unique_lock<std::mutex> lock(b.done_mu);
    std::uint64_t stuck = b.B;
    // A deadlock that forms just before the time budget ends is still reported, unless the
    // workers are starved for this long past it (then the batch is given up, not judged).
    const auto grace = std::chrono::seconds(2);
    std::map<std::uint64_t, Frozen> watched;
    std::vector<std::uint64_t> candidates, states;
    std::vector<std::uint32_t> polls;
    std::uint64_t lowest = 0;
    while (b.workers_done < b.W) {
      b.done_cv.wait_for(lock, std::chrono::milliseconds(2));
      if (b.workers_done == b.W || b.abort.load(std::memory_order_relaxed)) continue;
      const auto now = Clock::now();
      while (lowest < b.B && b.inst[lowest].done.load(std::memory_order_acquire)) ++lowest;
      candidates.clear();
      if (lowest < b.B) candidates.push_back(lowest);
      for (std::uint32_t k = 0; k < b.W; ++k) {
        const std::uint64_t at = b.workers[k].at.load(std::memory_order_relaxed);
        if (at < b.B && !b.inst[at].done.load(std::memory_order_acquire)) candidates.push_back(at);
      }
      std::sort(candidates.begin(), candidates.end());
      candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
      std::map<std::uint64_t, Frozen> next;
      for (std::uint64_t i : candidates) {
        if (!frozen(b, i, states, polls)) continue;
        auto it = watched.find(i);
        if (it == watched.end() || it->second.states != states) {
          next.emplace(i, Frozen{states, polls});
          continue;
        }
        Frozen& f = it->second;
        bool polled = true;
        for (std::uint32_t k = 0; k < b.W && polled; ++k)
          if ((states[k] & 3) == wait_sync) polled = polls[k] - f.polls[k] >= 2;
        if (polled && stuck == b.B) stuck = i;
        next.emplace(i, std::move(f));
      }
      watched = std::move(next);
      if (stuck < b.B) b.abort.store(true, std::memory_order_relaxed);
      if (o_.interrupt && o_.interrupt->load()) {
        r_.interrupted = true;
        b.abort.store(true, std::memory_order_relaxed);
      }
      if (now > deadline_ + grace) {
        r_.stopped_by_time = true;
        b.abort.store(true, std::memory_order_relaxed);
      }
    }
    return stuck;
  }

  void evaluate(const std::atomic<std::int64_t>* mem, std::uint64_t run) {
    std::vector<std::int64_t> observed;
    bool observes = false;
    for (const Property& p : m_.properties) {
      if (p.kind != DeclKind::observe) continue;
      observes = true;
      observed.push_back(observed_value(m_, p, RelaxedCells{mem}));
    }
    if (observes) {
      auto [it, fresh] = r_.observations.try_emplace(std::move(observed), 0);
      ++it->second;
#ifdef INTERLEAVE_STRESS_OUTCOMES
      // A forbidden tuple is a finding (once per tuple and batch would do; classification is cheap).
      if (auto f = forbidden_outcome(m_, it->first)) add(std::move(*f), run);
#endif
    }
    for (const Property& p : m_.properties) {
      if (p.kind != DeclKind::final && p.kind != DeclKind::always) continue;
      // `always` is checked in the initial state and at the end of each run only: between
      // steps the other threads' state is not observable without stopping them.
      // Every failed final, as the controlled runtime reports them.
      if (auto f = check_property(m_, p, mem, p.kind == DeclKind::final ? findings::when_finished : findings::at_end_of_run))
        add(std::move(*f), run);
    }
  }

  // ---- deadlock ----------------------------------------------------------------------------
  std::string where(std::uint32_t site) const { return findings::where(m_, site); }
  const Instr& instr_of(const ThreadRec& t) const { return m_.bodies[t.blocked.body].code[t.blocked.pc]; }
  bool unfinished(const ThreadRec& t) const { return t.started && !t.finished.load(std::memory_order_relaxed); }
  findings::ThreadState state(const ThreadRec& t) const {
    using S = findings::ThreadState;
    if (t.crashed.load(std::memory_order_relaxed)) return {S::crashed, {}};
    if (t.finished.load(std::memory_order_relaxed)) return {S::finished, {}};
    if (!t.started) return {S::not_started, {}};
    if (!t.blocked.is) return {S::running, {}};
    return {S::at, where(instr_of(t).site)};
  }

  // The stuck run's threads and what each waits for are the finding, as the controlled
  // runtime reports a deadlock.
  void report_deadlock(Batch& b, std::uint64_t base, std::uint64_t stuck) {
    using findings::Wait;
    std::vector<findings::Blocked> blocked;
    for (std::uint32_t k = 0; k < b.W; ++k) {
      const ThreadRec& t = b.rec(stuck, k);
      if (!unfinished(t) || !t.blocked.is) continue;
      const Instr& i = instr_of(t);
      const auto a = static_cast<std::size_t>(i.a);
      Wait w;
      switch (i.op) {
        case Op::lock: {
          const Mutex& mu = b.mutexes[stuck * m_.mutexes.size() + a];
          const std::uint32_t owner = mu.owner.load(std::memory_order_relaxed);
          if (owner == none) {  // released meanwhile: the owner is not known any more
            w = Wait::lock(m_.mutexes[a], {}, Wait::Owner::running, {});
            break;
          }
          const ThreadRec& o = b.recs[owner];
          const auto state = &o == &t ? Wait::Owner::itself
                             : o.process != none && b.recs[o.process].crashed.load(std::memory_order_relaxed)
                                 ? Wait::Owner::process_crashed
                             : o.finished.load(std::memory_order_relaxed) ? Wait::Owner::finished
                                                                          : Wait::Owner::running;
          w = Wait::lock(m_.mutexes[a], thread_name(m_, o), state, where(mu.site.load(std::memory_order_relaxed)));
          break;
        }
        case Op::wait:
          w = Wait::cond(m_.conds[a], t.notified.load(std::memory_order_relaxed), m_.mutexes[static_cast<std::size_t>(i.b)]);
          break;
        case Op::sem_acquire: w = Wait::permit(m_.semaphores[a]); break;
        case Op::put: w = Wait::put(m_.queues[a], m_.queue_capacity[a]); break;
        case Op::get: w = Wait::get(m_.queues[a]); break;
        case Op::join: {
          const auto target_index = static_cast<std::uint32_t>(t.blocked.join_target);
          const ThreadRec& target = b.rec(stuck, target_index);
          if (target.is_process) {
            std::vector<std::pair<std::string, findings::ThreadState>> inside;
            const std::uint32_t pid = b.rec_index(stuck, target_index);
            for (std::uint32_t x = 0; x < b.W; ++x) {
              const ThreadRec& y = b.rec(stuck, x);
              if (y.process == pid && unfinished(y)) inside.emplace_back(thread_name(m_, y), state(y));
            }
            w = Wait::join_process(thread_name(m_, target), std::move(inside));
          } else {
            w = Wait::join(thread_name(m_, target), state(target));
          }
          break;
        }
        default: break;
      }
      blocked.push_back({thread_name(m_, t), findings::place(m_, i.site), std::move(w)});
    }
    Finding f = findings::deadlock(blocked);
    f.details.push_back("(stress: every unfinished thread of the run was in a wait that its frozen state can never satisfy; the run was stopped)");
    add(std::move(f), base + stuck + 1);
  }

  // ---- ThreadSanitizer ---------------------------------------------------------------------
  // TSan's reports about this batch, as findings (model/findings.hpp converts them; this
  // runtime maps the stand-in blocks, which it owns).
  void take_tsan_reports(Batch& b) {
    if (!use_tsan_) return;
    std::vector<tsan::Report> reports = tsan::take_reports();
    if (reports.empty()) return;
    // Which variable (and element) each stand-in block stands for.
    std::vector<findings::Cell> of_cell(m_.cell_count);
    for (std::uint32_t v = 0; v < m_.shared.size(); ++v) {
      const Variable& var = m_.shared[v];
      for (std::uint32_t c = 0; c < std::max<std::uint32_t>(var.size, 1); ++c)
        of_cell[var.first_cell + c] = findings::Cell{v, c, var.size > 0};
    }
    std::unordered_map<std::uintptr_t, findings::Cell> slots;
    auto map_space = [&](std::int64_t* const* s) {
      for (std::uint32_t c = 0; c < m_.cell_count; ++c) slots.emplace(reinterpret_cast<std::uintptr_t>(s[c]), of_cell[c]);
    };
    for (std::uint64_t i = 0; i < b.B; ++i) map_space(&b.slots[i * m_.cell_count]);
    for (std::uint64_t r = 0; r < static_cast<std::uint64_t>(b.B) * b.W; ++r)
      if (!b.recs[r].own_slots.empty()) map_space(b.recs[r].own_slots.data());
    std::unordered_map<std::uintptr_t, std::string> mutex_names;
    for (std::uint64_t i = 0; i < b.B * m_.mutexes.size(); ++i)
      mutex_names.emplace(reinterpret_cast<std::uintptr_t>(&b.mutexes[i]), m_.mutexes[i % m_.mutexes.size()]);

    findings::TsanAddresses addresses;
    addresses.cell = [&](std::uintptr_t a) -> std::optional<findings::Cell> {
      const auto it = slots.find(a);
      return it == slots.end() ? std::nullopt : std::optional(it->second);
    };
    addresses.mutex = [&](std::uintptr_t a) -> std::optional<std::string> {
      const auto it = mutex_names.find(a);
      return it == mutex_names.end() ? std::nullopt : std::optional(it->second);
    };
    for (const tsan::Report& rep : reports)
      if (auto converted = findings::from_tsan(m_, rep, addresses)) add(std::move(converted->finding), r_.runs);
  }
};

}  // namespace

StressResult stress(const Module& module, const StressOptions& options) {
  const auto t0 = Clock::now();
  StressResult result;
  Runner(module, options, result).run();
  result.seconds = since(t0);
  return result;
}

}  // namespace interleave
