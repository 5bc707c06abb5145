// The trace's effect texts (vm/execution.cpp writes them) read back into events, and the
// edges between them. Memory is sequentially consistent today, so a read reads the last
// store to its location before it; a step's recorded `reads_from` (weak memory models)
// takes precedence over that derivation.
#include "timeline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

namespace interleave::timeline {

namespace {

bool starts(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The word after `prefix`: "lock m" -> "m".
std::string word_after(std::string_view s, std::size_t from) {
  const std::size_t end = s.find(' ', from);
  return std::string(s.substr(from, end == std::string_view::npos ? std::string_view::npos : end - from));
}

// The text inside the last "(...)": the memory order of an atomic, "wakes T"...
std::string last_paren(std::string_view s) {
  const std::size_t open = s.rfind('(');
  const std::size_t close = s.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return {};
  return std::string(s.substr(open + 1, close - open - 1));
}

std::string after(std::string_view s, std::string_view marker) {
  const std::size_t at = s.find(marker);
  return at == std::string_view::npos ? std::string() : std::string(s.substr(at + marker.size()));
}

void parse(Event& e, std::string_view fx) {
  auto is = [&](std::string_view p) { return starts(fx, p); };
  if (is("read ") || is("write ")) {
    e.op = is("read ") ? Op::read : Op::write;
    e.object = word_after(fx, fx.find(' ') + 1);
    (e.op == Op::read ? e.reads : e.writes) = true;
  } else if (is("load ") || is("store ")) {
    e.op = is("load ") ? Op::load : Op::store;
    e.object = word_after(fx, fx.find(' ') + 1);
    e.order = last_paren(fx);
    (e.op == Op::load ? e.reads : e.writes) = true;
  } else if (is("fetch_add ") || is("exchange ") || is("cas ")) {
    e.op = Op::rmw;
    e.object = word_after(fx, fx.find(' ') + 1);
    e.order = last_paren(fx);
    e.reads = true;
    e.writes = !is("cas ") || fx.find(" succeeded") != std::string_view::npos;  // a failed cas writes nothing
  } else if (is("lock ")) {
    e.op = Op::lock;
    e.object = word_after(fx, 5);
  } else if (is("try_lock ")) {
    e.op = fx.find("-> locked") != std::string_view::npos ? Op::try_lock : Op::other;
    e.object = word_after(fx, 9);
  } else if (is("unlock ")) {
    e.op = Op::unlock;
    e.object = word_after(fx, 7);
  } else if (is("wait on ")) {
    e.op = Op::wait;
    e.object = word_after(fx, 8);
    e.mutex = after(last_paren(fx), "unlocks ");
  } else if (is("wake from ")) {
    e.op = Op::wake;
    e.object = word_after(fx, 10);
    if (!e.object.empty() && e.object.back() == ',') e.object.pop_back();  // "wake from c, spuriously"
    e.mutex = after(last_paren(fx), "relocks ");
  } else if (is("notify_one ") || is("notify_all ")) {
    e.op = Op::notify;
    e.object = word_after(fx, 11);
    const std::string what = last_paren(fx);
    e.lost_notify = what == "nobody waits" || what == "wakes 0";
  } else if (is("acquire ")) {
    e.op = Op::sem_acquire;
    e.object = word_after(fx, 8);
  } else if (is("release ")) {
    e.op = Op::sem_release;
    e.object = word_after(fx, 8);
  } else if (is("put ")) {
    e.op = Op::put;
    e.object = word_after(fx, 4);
  } else if (is("get ")) {
    e.op = Op::get;
    e.object = word_after(fx, 4);
  } else if (is("spawn ")) {
    e.op = Op::spawn;
    e.object = after(fx, " as ");
  } else if (is("join ")) {
    e.op = Op::join;
    const std::size_t arrow = fx.rfind(" -> ");
    e.object = std::string(fx.substr(5, arrow == std::string_view::npos ? std::string_view::npos : arrow - 5));
  } else if (fx == "end" || is("end, ")) {
    e.op = Op::end;
  } else if (fx == "fence") {
    e.op = Op::fence;
  }
}

bool releases(const std::string& order) { return order == "release" || order == "acq_rel" || order == "seq_cst"; }
bool acquires(const std::string& order) { return order == "acquire" || order == "acq_rel" || order == "seq_cst"; }

std::string set_text(const std::vector<std::string>& xs) {
  std::string out;
  for (const auto& x : xs) out += (out.empty() ? "" : ", ") + x;
  return out;
}

// Which happens-before edge would have ordered the race's two accesses.
std::string missing_edge(const Timeline& t, const Event& a, const Event& b) {
  const std::string& A = t.lanes[a.lane];
  const std::string& B = t.lanes[b.lane];
  // A store of A after the first access that B read before the second, without synchronising.
  for (const Edge& rf : t.reads_from) {
    const Event& w = t.events[rf.from];
    const Event& r = t.events[rf.to];
    if (w.lane != a.lane || r.lane != b.lane || w.index <= a.index || r.index >= b.index) continue;
    if (releases(w.order) && acquires(r.order)) continue;
    return fmt::format("{} reads {}'s {} (step {}) at step {}, but {} does not synchronise: a release store and an "
                       "acquire load there would order step {} before step {}",
                       B, A, label(w), w.step, r.step, w.order.empty() ? std::string("a plain access") : w.order + "/" + r.order,
                       a.step, b.step);
  }
  if (!a.held.empty() && !b.held.empty())
    return fmt::format("{} holds {} and {} holds {}: different mutexes; one mutex held around both accesses would order "
                       "them", A, set_text(a.held), B, set_text(b.held));
  if (!a.held.empty() || !b.held.empty()) {
    const Event& holder = a.held.empty() ? b : a;
    const Event& bare = a.held.empty() ? a : b;
    const std::string& m = holder.held.front();
    return fmt::format("{} holds {} at step {} but {} holds no lock at step {}: {} locking {} there would add the edge "
                       "unlock {} -> lock {} between them", t.lanes[holder.lane], m, holder.step, t.lanes[bare.lane],
                       bare.step, t.lanes[bare.lane], m, m, m);
  }
  return fmt::format("neither thread holds a lock, and nothing {} does after step {} is acquired by {} before step {} "
                     "(unlock -> lock, release store -> acquire load, put -> get, notify -> wake, end -> join)",
                     A, a.step, B, b.step);
}

}  // namespace

bool is_memory(Op op) { return op == Op::read || op == Op::write || op == Op::load || op == Op::store || op == Op::rmw; }

std::string label(const Event& e) { return e.source ? e.source->effect : std::string(); }

Timeline build(const report_doc::FindingDoc& f) {
  Timeline t;
  std::map<std::string, std::size_t> lane_of;
  auto lane_for = [&](const std::string& name) {
    auto [it, added] = lane_of.try_emplace(name, t.lanes.size());
    if (added) t.lanes.push_back(name);
    return it->second;
  };
  for (std::size_t i = 0; i < f.trace.size(); ++i) {
    const auto& s = f.trace[i];
    if (starts(s.effect, "prints: ")) continue;  // output, not a step of its own
    // The preempted thread first: it was there before the one that took over.
    std::optional<std::size_t> preempted;
    if (!s.preempts.empty() && s.preempts != s.thread) preempted = lane_for(s.preempts);
    const std::size_t own = lane_for(s.thread);
    Event e;
    e.preempted_lane = preempted;
    e.index = t.events.size();
    e.step = s.step;
    e.lane = own;
    e.line = s.line;
    e.source = &s;
    parse(e, s.effect);
    t.events.push_back(std::move(e));
  }

  std::map<std::string, std::size_t> last_release;         // mutex -> unlock (or wait) event
  std::map<std::pair<std::string, std::string>, std::size_t> pending_wake;  // (cond, thread) -> notify
  std::map<std::string, std::set<std::size_t>> waiting;    // cond -> waiting lanes
  std::map<std::string, std::size_t> last_sem_release;
  std::map<std::string, std::deque<std::size_t>> queued;   // queue -> put events, FIFO
  std::map<std::string, std::size_t> spawned, ended;       // thread name -> spawn / end event
  std::map<std::string, std::size_t> last_store;           // location -> last store
  std::map<std::uint64_t, std::size_t> by_step;
  std::vector<std::set<std::string>> held(t.lanes.size());
  std::vector<bool> seen(t.lanes.size(), false);
  auto sync = [&](std::size_t from, std::size_t to, std::string text) {
    if (t.events[from].lane != t.events[to].lane) t.sync.push_back({from, to, EdgeKind::sync, std::move(text)});
  };
  for (Event& e : t.events) {
    const std::size_t i = e.index;
    const std::string& name = t.lanes[e.lane];
    if (e.preempted_lane) ++t.preemptions;
    if (!seen[e.lane]) {
      seen[e.lane] = true;
      if (auto it = spawned.find(name); it != spawned.end()) sync(it->second, i, "spawn");
    }
    auto take = [&](const std::string& m) {
      if (auto it = last_release.find(m); it != last_release.end()) sync(it->second, i, "unlock " + m + " -> lock " + m);
      held[e.lane].insert(m);
    };
    auto give = [&](const std::string& m) {
      last_release[m] = i;
      held[e.lane].erase(m);
    };
    switch (e.op) {
      case Op::lock:
      case Op::try_lock: take(e.object); break;
      case Op::unlock: give(e.object); break;
      case Op::wait:
        give(e.mutex);
        waiting[e.object].insert(e.lane);
        break;
      case Op::wake:
        if (auto it = pending_wake.find({e.object, name}); it != pending_wake.end()) {
          sync(it->second, i, "notify " + e.object + " -> wake");
          pending_wake.erase(it);
        }
        waiting[e.object].erase(e.lane);
        take(e.mutex);
        break;
      case Op::notify: {
        const std::string woken = after(last_paren(e.source->effect), "wakes ");
        if (starts(e.source->effect, "notify_all ")) {
          for (std::size_t lane : waiting[e.object]) pending_wake[{e.object, t.lanes[lane]}] = i;
        } else if (!e.lost_notify) {
          pending_wake[{e.object, woken}] = i;
        }
        break;
      }
      case Op::sem_release: last_sem_release[e.object] = i; break;
      case Op::sem_acquire:
        if (auto it = last_sem_release.find(e.object); it != last_sem_release.end()) sync(it->second, i, "release -> acquire " + e.object);
        break;
      case Op::put: queued[e.object].push_back(i); break;
      case Op::get:
        if (auto& q = queued[e.object]; !q.empty()) {
          sync(q.front(), i, "put -> get " + e.object);
          q.pop_front();
        }
        break;
      case Op::spawn: spawned[e.object] = i; break;
      case Op::end: ended[name] = i; break;
      case Op::join:
        if (auto it = ended.find(e.object); it != ended.end()) sync(it->second, i, "end -> join");
        break;
      default: break;
    }
    if (e.reads) {
      if (e.source->reads_from) {
        if (auto it = by_step.find(*e.source->reads_from); it != by_step.end()) e.reads_from = it->second;
      } else if (auto it = last_store.find(e.object); it != last_store.end()) {
        e.reads_from = it->second;
      }
      if (e.reads_from) {
        t.reads_from.push_back({*e.reads_from, i, EdgeKind::reads_from, "rf"});
        const Event& w = t.events[*e.reads_from];
        if (releases(w.order) && acquires(e.order)) sync(*e.reads_from, i, "rel -> acq " + e.object);
      }
    }
    if (e.writes) {
      if (auto it = last_store.find(e.object); it != last_store.end())
        t.coherence.push_back({it->second, i, EdgeKind::coherence, "co"});
      last_store[e.object] = i;
      by_step[e.step] = i;
    }
    e.held.assign(held[e.lane].begin(), held[e.lane].end());
  }

  // The race: the two accesses' steps are in its details ("... (step 10): ...").
  if (f.kind == "race") {
    std::vector<std::size_t> access;
    for (const auto& d : f.details) {
      const std::size_t at = d.find("(step ");
      if (at == std::string::npos) continue;
      const std::uint64_t step = std::strtoull(d.c_str() + at + 6, nullptr, 10);
      for (const Event& e : t.events)
        if (e.step == step && is_memory(e.op)) {
          access.push_back(e.index);
          break;
        }
    }
    if (access.size() >= 2) {
      std::sort(access.begin(), access.begin() + 2);
      Race r{access[0], access[1], {}};
      t.events[r.first].race = 0;
      t.events[r.second].race = 1;
      r.missing = missing_edge(t, t.events[r.first], t.events[r.second]);
      const Event& a = t.events[r.first];
      const Event& b = t.events[r.second];
      t.notes.push_back(fmt::format("race on {}: step {} ({} by {}) and step {} ({} by {}) are not ordered; missing "
                                    "edge: {}", a.object, a.step, a.writes ? "write" : "read", t.lanes[a.lane], b.step,
                                    b.writes ? "write" : "read", t.lanes[b.lane], r.missing));
      t.race = std::move(r);
    }
  }
  for (const Event& n : t.events) {
    if (!n.lost_notify) continue;
    std::string then = "nobody waits on " + n.object + " later in this run";
    for (std::size_t k = n.index + 1; k < t.events.size(); ++k) {
      const Event& w = t.events[k];
      if (w.op != Op::wait || w.object != n.object) continue;
      const bool woken = std::any_of(t.events.begin() + static_cast<std::ptrdiff_t>(k) + 1, t.events.end(),
                                     [&](const Event& x) { return x.lane == w.lane && x.op == Op::wake; });
      then = fmt::format("{} waits on {} at step {}{}", t.lanes[w.lane], n.object, w.step,
                         woken ? "" : " and nothing wakes it");
      break;
    }
    t.notes.push_back(fmt::format("step {}: {}'s {} reaches no waiter, so it is lost; {}", n.step, t.lanes[n.lane],
                                  n.source->effect.substr(0, 10), then));
  }

  t.final_state.assign(t.lanes.size(), "");
  for (std::size_t lane = 0; lane < t.lanes.size(); ++lane) {
    const Event* last = nullptr;
    for (const Event& e : t.events)
      if (e.lane == lane) last = &e;
    if (!last) continue;
    if (last->op == Op::end) t.final_state[lane] = "ended";
    else if (starts(label(*last), "crash")) t.final_state[lane] = "crashed";
    else if (last->op == Op::wait) t.final_state[lane] = (f.kind == "deadlock" ? "waits forever on " : "waits on ") + last->object;
    else if (f.kind == "deadlock") t.final_state[lane] = "blocked";
  }
  return t;
}

}  // namespace interleave::timeline
