// Source-DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas, JACM 2017, Algorithm 1),
// stateless: every run replays the path to the deepest node with work left, then goes on.
//
// The runtime reports each step's footprint (scheduler.hpp). From the footprints of the run
// so far, each step gets a vector clock of the happens-before relation of the trace: program
// order plus the order of dependent steps. When a step j is dependent with an earlier step i
// of another thread and i is not ordered before j through any other step, the pair is a race
// that another class reverses: at the node where i was chosen, some thread that can start
// "the steps after i that do not depend on i, then j" (the initials of v = notdep(i).j) must
// be explored; one is added unless the node's backtrack set already holds one. Sleep sets
// make the exploration of each class happen once: a thread explored from a node sleeps in
// its later siblings' subtrees until a step dependent with its step runs; a run in which
// every runnable thread sleeps is abandoned.
//
// Locks: acquiring mutex m writes object mutex(m); releasing it writes mutex_free(m), which
// only try_lock reads. So a lock races with the previous acquisition (the one its reversal
// moves), not with the unlock that enabled it, which cannot be reversed.
#include <algorithm>
#include <string>
#include <unordered_map>

#include "interleave/scheduler.hpp"

namespace interleave {

namespace {

using Footprint = std::vector<StepAccess>;

bool has_global(std::span<const StepAccess> a) {
  return std::any_of(a.begin(), a.end(),
                     [](const StepAccess& x) { return footprint::kind_of(x.object) == footprint::global; });
}

bool dependent(std::span<const StepAccess> a, std::span<const StepAccess> b) {
  if (has_global(a) || has_global(b)) return true;
  for (const StepAccess& x : a)
    for (const StepAccess& y : b)
      if (x.object == y.object && (x.write || y.write)) return true;
  return false;
}

void add_to(Footprint& into, std::span<const StepAccess> from) {
  for (const StepAccess& x : from) {
    auto it = std::find_if(into.begin(), into.end(), [&](const StepAccess& y) { return y.object == x.object; });
    if (it == into.end()) into.push_back(x);
    else it->write = it->write || x.write;
  }
}

bool contains(const std::vector<ThreadId>& v, ThreadId t) { return std::find(v.begin(), v.end(), t) != v.end(); }

}  // namespace

struct DporScheduler::Impl {
  struct SleepEntry {
    ThreadId thread = 0;
    Footprint fp;
  };
  struct Node {
    bool is_value = false;
    std::uint64_t values = 0, index = 0;  // a value node
    // A thread node. `backtrack` holds every thread to explore here, `done` those whose
    // subtree is finished; `chosen` is being explored.
    std::vector<ThreadId> enabled, backtrack, done;
    ThreadId chosen = 0;
    // Preemption bounding: who ran before, whether it could go on, and the preemptions on
    // the path before this node.
    ThreadId current = 0;
    bool current_can_continue = false;
    unsigned preemptions = 0;
    std::vector<SleepEntry> sleep;     // asleep on arrival
    std::vector<SleepEntry> explored;  // each explored thread's step: its footprint (over all value choices)
  };
  struct Event {
    std::uint32_t dense = 0;  // the thread, densely numbered
    std::uint32_t node = 0;   // the thread node where it was chosen
    std::uint32_t local = 0;  // 1-based index among its thread's steps
    std::vector<std::uint32_t> vc;  // by dense thread: how many of its steps happen before (or are) this one
  };
  struct Object {
    std::uint64_t run = 0;  // the run the rest belongs to
    std::int64_t last_write = -1;
    std::vector<std::uint32_t> reads;  // since the last write, newest per thread
  };

  int bound = -1;  // < 0: unbounded
  std::vector<Node> stack;
  std::size_t depth = 0;
  unsigned path_preemptions = 0;  // on this run's path so far
  std::size_t current_node = 0;
  std::vector<SleepEntry> pending_sleep;  // for the next new thread node
  bool complete = false;
  bool run_pruned = false;
  std::uint64_t runs = 0, executions = 0, pruned = 0;

  // This run's events and what the race analysis keeps.
  std::vector<Event> events;
  std::size_t n_events = 0;
  std::unordered_map<ThreadId, std::uint32_t> dense_of;  // stable across runs
  std::vector<ThreadId> thread_of;                       // by dense id
  std::vector<std::int64_t> last_of;                     // by dense id: its last event this run
  std::vector<std::vector<std::uint32_t>> start_vc;      // by dense id: the clock of the step that spawned it
  std::vector<std::uint8_t> has_start;
  std::unordered_map<std::uint64_t, Object> objects;
  std::int64_t last_global = -1;
  // Scratch.
  std::vector<std::uint32_t> deps, ordered, base;
  std::vector<std::int64_t> first_in_v;  // by dense id: its first event in v (-1: none)

  std::uint32_t dense(ThreadId t) {
    auto [it, added] = dense_of.try_emplace(t, static_cast<std::uint32_t>(thread_of.size()));
    if (added) thread_of.push_back(t);
    const std::uint32_t d = it->second;
    if (last_of.size() <= d) {
      last_of.resize(d + 1, -1);
      start_vc.resize(d + 1);
      has_start.resize(d + 1, 0);
      first_in_v.resize(d + 1, -1);
    }
    return d;
  }
  static std::uint32_t clock(const Event& e, std::uint32_t d) { return d < e.vc.size() ? e.vc[d] : 0; }
  // Whether event i happens before (or is) event k.
  bool hb(std::size_t i, std::size_t k) const { return clock(events[k], events[i].dense) >= events[i].local; }

  static bool is_preemption(const Node& n, ThreadId q) { return n.current_can_continue && q != n.current; }
  // Whether choosing q at thread node n keeps the path within the bound.
  bool fits(const Node& n, ThreadId q) const {
    return bound < 0 || n.preemptions + (is_preemption(n, q) ? 1u : 0u) <= static_cast<unsigned>(bound);
  }

  void reset_run() {
    depth = 0;
    path_preemptions = 0;
    pending_sleep.clear();
    n_events = 0;
    std::fill(last_of.begin(), last_of.end(), -1);
    std::fill(has_start.begin(), has_start.end(), 0);
    last_global = -1;
    run_pruned = false;
  }

  ThreadId pick(std::span<const ThreadId> runnable, ThreadId current, bool yielded) {
    if (depth < stack.size()) {
      current_node = depth++;
      const Node& n = stack[current_node];
      path_preemptions = n.preemptions + (is_preemption(n, n.chosen) ? 1u : 0u);
      return n.chosen;
    }
    Node n;
    n.current = current;
    n.current_can_continue = !yielded && std::find(runnable.begin(), runnable.end(), current) != runnable.end();
    n.preemptions = path_preemptions;
    n.enabled.assign(runnable.begin(), runnable.end());
    // After a yield the others go (as DFS does): fairness keeps spin loops that yield finite.
    if (yielded && n.enabled.size() > 1 && contains(n.enabled, current))
      n.enabled.erase(std::find(n.enabled.begin(), n.enabled.end(), current));
    n.sleep = std::move(pending_sleep);
    pending_sleep.clear();
    auto asleep = [&](ThreadId t) {
      return std::any_of(n.sleep.begin(), n.sleep.end(), [t](const SleepEntry& e) { return e.thread == t; });
    };
    // The current thread goes on when it can (fewer preemptions in the first runs).
    ThreadId chosen = prune_run;
    if (!yielded && contains(n.enabled, current) && !asleep(current)) chosen = current;
    for (std::size_t k = 0; chosen == prune_run && k < n.enabled.size(); ++k)
      if (!asleep(n.enabled[k]) && fits(n, n.enabled[k])) chosen = n.enabled[k];
    // Every awake thread would exceed the preemption bound (or all sleep): abandon the run.
    if (chosen == prune_run) {
      run_pruned = true;
      return prune_run;
    }
    n.chosen = chosen;
    n.backtrack.push_back(chosen);
    path_preemptions = n.preemptions + (is_preemption(n, chosen) ? 1u : 0u);
    stack.push_back(std::move(n));
    current_node = depth++;
    return chosen;
  }

  std::int64_t choose(std::int64_t lo, std::int64_t hi) {
    std::uint64_t index = 0;
    if (depth < stack.size()) {
      index = stack[depth++].index;
    } else {
      Node n;
      n.is_value = true;
      n.values = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
      if (n.values == 0) n.values = ~std::uint64_t{0};  // the whole int64 range
      stack.push_back(std::move(n));
      ++depth;
    }
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + index);
  }

  void executed(ThreadId t, std::span<const StepAccess> fp) {
    Node& n = stack[current_node];
    {
      auto it = std::find_if(n.explored.begin(), n.explored.end(), [t](const SleepEntry& e) { return e.thread == t; });
      if (it == n.explored.end()) n.explored.push_back(SleepEntry{t, Footprint(fp.begin(), fp.end())});
      else add_to(it->fp, fp);
    }
    // Who sleeps after this step: those asleep here, and the threads whose subtrees from
    // here are finished, unless this step is dependent with theirs.
    pending_sleep.clear();
    // With a bound, no sleep sets: a thread asleep after its sibling's steps would have to
    // take over from the running thread to catch up with the order its subtree skipped,
    // and that preemption may exceed the bound, so that order would be lost.
    if (bound >= 0) {
      analyse(t, fp);
      return;
    }
    for (const SleepEntry& e : n.sleep)
      if (!dependent(e.fp, fp)) pending_sleep.push_back(e);
    for (const SleepEntry& e : n.explored)
      if (e.thread != t && contains(n.done, e.thread) && !dependent(e.fp, fp)) pending_sleep.push_back(e);
    analyse(t, fp);
  }

  // A step a thread was about to take when a finding stopped the run: it races like a
  // step at the end of the run, and leaves no trace for the others' pending steps.
  void pending(ThreadId t, std::span<const StepAccess> fp) { analyse(t, fp, true); }

  // Adds the event and the backtrack points its races call for.
  void analyse(ThreadId t, std::span<const StepAccess> fp, bool pseudo = false) {
    const std::uint32_t p = dense(t);
    for (const StepAccess& a : fp)
      if (footprint::kind_of(a.object) == footprint::spawned) dense(static_cast<ThreadId>(footprint::index_of(a.object)));
    if (events.size() <= n_events) events.emplace_back();
    const std::size_t j = n_events++;
    Event& e = events[j];
    e.dense = p;
    e.node = static_cast<std::uint32_t>(current_node);
    if (last_of[p] >= 0) {
      const Event& prev = events[static_cast<std::size_t>(last_of[p])];
      e.local = prev.local + 1;
      e.vc = prev.vc;
    } else {
      e.local = 1;
      if (has_start[p]) e.vc = start_vc[p];
      else e.vc.clear();
    }
    // The earlier events this one depends on, each the newest of its kind.
    deps.clear();
    ordered.clear();
    const bool global = has_global(fp);
    if (global) {
      for (std::size_t d = 0; d < last_of.size(); ++d)
        if (d != p && last_of[d] >= 0) deps.push_back(static_cast<std::uint32_t>(last_of[d]));
    } else {
      for (const StepAccess& a : fp) {
        if (footprint::kind_of(a.object) == footprint::spawned) continue;
        const auto it = objects.find(a.object);
        if (it == objects.end() || it->second.run != runs) continue;
        const Object& o = it->second;
        // A join waits for the end of what it joins: ordered after it in every run, so never
        // a race to reverse.
        const auto kind = footprint::kind_of(a.object);
        if (!a.write && (kind == footprint::thread_end || kind == footprint::process_end)) {
          if (o.last_write >= 0) ordered.push_back(static_cast<std::uint32_t>(o.last_write));
          continue;
        }
        if (o.last_write >= 0) deps.push_back(static_cast<std::uint32_t>(o.last_write));
        if (a.write) deps.insert(deps.end(), o.reads.begin(), o.reads.end());
      }
    }
    if (last_global >= 0) deps.push_back(static_cast<std::uint32_t>(last_global));
    std::sort(deps.begin(), deps.end());
    deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
    // Races: dependent events of other threads not yet ordered before this one, and not
    // ordered before it through another dependent event.
    base.assign(e.vc.begin(), e.vc.end());  // scratch: no allocation once warm
    auto base_has = [&](std::size_t i) {
      const std::uint32_t d = events[i].dense;
      return (d < base.size() ? base[d] : 0) >= events[i].local;
    };
    for (std::uint32_t i : ordered) deps.push_back(i);  // in the clock, though not races
    for (std::uint32_t i : deps) {
      const Event& ev = events[i];
      if (e.vc.size() < ev.vc.size()) e.vc.resize(ev.vc.size(), 0);
      for (std::size_t d = 0; d < ev.vc.size(); ++d) e.vc[d] = std::max(e.vc[d], ev.vc[d]);
    }
    if (e.vc.size() <= p) e.vc.resize(p + 1, 0);
    e.vc[p] = e.local;
    for (std::uint32_t i : deps) {
      if (events[i].dense == p || base_has(i)) continue;
      if (std::find(ordered.begin(), ordered.end(), i) != ordered.end()) continue;
      bool direct = true;
      for (std::uint32_t k : deps)
        if (k != i && hb(i, k)) {
          direct = false;
          break;
        }
      if (direct) race(i, j);
    }
    if (pseudo) {
      --n_events;  // nothing refers to it any more
      return;
    }
    // The object states.
    for (const StepAccess& a : fp) {
      if (footprint::kind_of(a.object) == footprint::spawned) {
        const std::uint32_t c = dense(static_cast<ThreadId>(footprint::index_of(a.object)));
        start_vc[c] = events[j].vc;
        has_start[c] = 1;
        continue;
      }
      Object& o = objects[a.object];
      if (o.run != runs) {
        o.run = runs;
        o.last_write = -1;
        o.reads.clear();
      }
      if (a.write) {
        o.last_write = static_cast<std::int64_t>(j);
        o.reads.clear();
      } else {
        auto same = std::find_if(o.reads.begin(), o.reads.end(), [&](std::uint32_t r) { return events[r].dense == p; });
        if (same != o.reads.end()) *same = static_cast<std::uint32_t>(j);
        else o.reads.push_back(static_cast<std::uint32_t>(j));
      }
    }
    if (global) last_global = static_cast<std::int64_t>(j);
    last_of[p] = static_cast<std::int64_t>(j);
  }

  // Event i (earlier) and j race: make sure the node where i was chosen explores a thread
  // that can start notdep(i).j.
  void race(std::size_t i, std::size_t j) {
    Node& n = stack[events[i].node];
    const std::uint32_t di = events[i].dense;
    std::fill(first_in_v.begin(), first_in_v.end(), -1);
    for (std::size_t k = i + 1; k < j; ++k)
      if (clock(events[k], di) < events[i].local && first_in_v[events[k].dense] < 0)
        first_in_v[events[k].dense] = static_cast<std::int64_t>(k);
    if (first_in_v[events[j].dense] < 0) first_in_v[events[j].dense] = static_cast<std::int64_t>(j);
    // A thread is an initial of v when no event of v before its first one happens before it.
    auto initial = [&](std::uint32_t d) {
      if (d >= first_in_v.size() || first_in_v[d] < 0) return false;
      const Event& f = events[static_cast<std::size_t>(first_in_v[d])];
      for (std::size_t s = 0; s < first_in_v.size(); ++s)
        if (s != d && first_in_v[s] >= 0 && clock(f, static_cast<std::uint32_t>(s)) >= events[static_cast<std::size_t>(first_in_v[s])].local)
          return false;
      return true;
    };
    const ThreadId pj = thread_of[events[j].dense];
    bool reversible = false;  // some initial can run at the node
    for (ThreadId q : n.enabled) {
      const auto it = dense_of.find(q);
      if (it != dense_of.end() && initial(it->second)) reversible = true;
    }
    // No initial can run there: the race cannot be reversed (j waited for i: a join for
    // the end of the thread it joins, a wakeup for its notify, an acquire for a release).
    if (!reversible) return;
    // A bound makes steps dependent that are not (Coons, Musuvathi, McKinley, "Bounded
    // partial-order reduction", OOPSLA 2013): reversing the race here may exceed the bound,
    // and even when it does not, the runs it leads to may need a second preemption that an
    // earlier switch avoids. So, as BPOR does, j's thread is also tried at the last context
    // switch before i (every thread that fits there when j's cannot run).
    if (bound >= 0) conservative(events[i].node, pj);
    for (ThreadId q : n.backtrack) {
      const auto it = dense_of.find(q);
      if (it != dense_of.end() && initial(it->second)) return;
    }
    // Prefer the thread of j; any initial that can run at the node (within the bound) will do.
    if (initial(events[j].dense) && contains(n.enabled, pj) && fits(n, pj)) {
      n.backtrack.push_back(pj);
      return;
    }
    for (ThreadId q : n.enabled) {
      const auto it = dense_of.find(q);
      if (it != dense_of.end() && initial(it->second) && fits(n, q)) {
        n.backtrack.push_back(q);
        return;
      }
    }
  }

  void conservative(std::size_t node, ThreadId pj) {
    for (std::size_t m = node; m-- > 0;) {
      Node& c = stack[m];
      if (c.is_value || (c.current_can_continue && c.chosen == c.current)) continue;
      if (contains(c.enabled, pj)) {
        if (fits(c, pj) && !contains(c.backtrack, pj)) c.backtrack.push_back(pj);
        return;
      }
      for (ThreadId q : c.enabled)
        if (fits(c, q) && !contains(c.backtrack, q)) c.backtrack.push_back(q);
      return;
    }
  }

  bool new_run() {
    if (complete) return false;
    if (runs > 0) {
      while (!stack.empty()) {
        Node& n = stack.back();
        if (n.is_value) {
          if (++n.index < n.values) break;
          stack.pop_back();
          continue;
        }
        if (!contains(n.done, n.chosen)) n.done.push_back(n.chosen);
        ThreadId next = prune_run;
        for (ThreadId q : n.backtrack) {
          if (contains(n.done, q) || !contains(n.enabled, q) || !fits(n, q)) continue;
          if (std::any_of(n.sleep.begin(), n.sleep.end(), [q](const SleepEntry& e) { return e.thread == q; })) continue;
          next = q;
          break;
        }
        if (next != prune_run) {
          n.chosen = next;
          break;
        }
        stack.pop_back();
      }
      if (stack.empty()) {
        complete = true;
        return false;
      }
    }
    reset_run();
    return true;
  }

  void end_run() {
    ++runs;
    if (run_pruned) ++pruned;
    else ++executions;
    stack.resize(std::min(stack.size(), depth));  // nodes this run did not reach are not on its path
  }
};

double DporScheduler::estimated_total() const {
  const Impl& x = *impl_;
  if (x.complete || x.stack.empty()) return static_cast<double>(x.executions);
  // The share of the tree finished: at each depth, the alternatives before the one taken,
  // each weighing 1/width of its parent's share.
  double finished = 0, share = 1;
  for (const Impl::Node& n : x.stack) {
    const double width = n.is_value ? static_cast<double>(n.values) : static_cast<double>(n.backtrack.size());
    const double before = n.is_value ? static_cast<double>(n.index) : static_cast<double>(n.done.size());
    if (width <= 0) break;
    share /= width;
    finished += before * share;
  }
  finished += share;  // the run just made
  return finished > 0 ? std::max(static_cast<double>(x.executions), static_cast<double>(x.executions) / finished)
                      : static_cast<double>(x.executions);
}

DporScheduler::DporScheduler(int preemption_bound) : impl_(std::make_unique<Impl>()) { impl_->bound = preemption_bound; }
int DporScheduler::preemption_bound() const { return impl_->bound; }
std::string DporScheduler::name() const {
  return impl_->bound < 0 ? "dpor" : "dpor(pb=" + std::to_string(impl_->bound) + ")";
}
DporScheduler::~DporScheduler() = default;
bool DporScheduler::new_run() { return impl_->new_run(); }
ThreadId DporScheduler::pick(std::span<const ThreadId> runnable, ThreadId current, bool yielded) {
  return impl_->pick(runnable, current, yielded);
}
std::int64_t DporScheduler::choose(std::int64_t lo, std::int64_t hi) { return impl_->choose(lo, hi); }
void DporScheduler::end_run(std::uint64_t) { impl_->end_run(); }
void DporScheduler::executed(ThreadId thread, std::span<const StepAccess> fp) { impl_->executed(thread, fp); }
void DporScheduler::pending(ThreadId thread, std::span<const StepAccess> fp) { impl_->pending(thread, fp); }
bool DporScheduler::complete() const { return impl_->complete; }
std::uint64_t DporScheduler::runs() const { return impl_->runs; }
std::uint64_t DporScheduler::executions() const { return impl_->executions; }
std::uint64_t DporScheduler::pruned() const { return impl_->pruned; }

}  // namespace interleave
