#include "interleave/explore.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "interleave/scheduler.hpp"

namespace interleave {

namespace {

using Clock = std::chrono::steady_clock;

class Explorer {
 public:
  Explorer(const Module& m, const ExploreOptions& o) : m_(m), o_(o), exec_(m, quiet(o.exec)) {}

  ExploreResult run() {
    start_ = Clock::now();
    switch (o_.strategy) {
      case Strategy::dfs: {
        DfsScheduler dfs(o_.preemption_bound);
        loop(dfs, o_.max_runs);
        res_.exhaustive = dfs.complete();
        res_.strategy = dfs_label(dfs);
        break;
      }
      case Strategy::random: {
        auto s = make_random_scheduler(o_.seed);
        loop(*s, o_.max_runs);
        res_.strategy = s->name();
        break;
      }
      case Strategy::pct: {
        auto s = make_pct_scheduler(o_.seed, o_.pct_depth);
        loop(*s, o_.max_runs);
        res_.strategy = s->name();
        break;
      }
      case Strategy::portfolio:
        portfolio();
        break;
    }
    res_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    finish_findings();
    return std::move(res_);
  }

 private:
  static ExecOptions quiet(ExecOptions e) {
    e.record_trace = false;
    e.capture_output = false;
    e.keep_schedule = false;  // only runs with findings need theirs
    return e;
  }

  std::string dfs_label(const DfsScheduler& dfs) const {
    if (!dfs.complete())
      return fmt::format("{} (stopped after {} runs{})", dfs.name(), dfs.runs(),
                         o_.stop_when_expected && expected_seen() ? ": every expected finding seen" : "");
    return fmt::format("{}: all {} interleavings explored", dfs.name(), dfs.runs());
  }

  // The default portfolio. First DFS with at most two preemptions, on a quarter of the
  // budget: most bugs need few preemptions, and this finds them before a plain DFS would
  // (which tries late preemptions first). If that space was covered, a plain DFS gets up
  // to half the budget, and finishing it proves the absence of what was not found. Where
  // either does not finish, PCT with depths 1, 2, 3 and random take turns run by run.
  void portfolio() {
    const int bound = o_.preemption_bound >= 0 ? std::min(o_.preemption_bound, 2) : 2;
    DfsScheduler bounded(bound);
    loop(bounded, o_.max_runs / 4);
    std::string label = dfs_label(bounded);
    if (bounded.complete() && !done() && o_.preemption_bound != bound) {
      DfsScheduler full(o_.preemption_bound);
      loop(full, o_.max_runs / 2 - std::min(res_.runs, o_.max_runs / 2));
      label += ", then " + dfs_label(full);
      if (full.complete()) {
        res_.exhaustive = true;
        res_.strategy = dfs_label(full);
        return;
      }
    } else if (bounded.complete() && o_.preemption_bound == bound) {
      res_.exhaustive = true;
      res_.strategy = label;
      return;
    }
    if (done()) {
      res_.strategy = label;
      return;
    }
    std::vector<std::unique_ptr<Scheduler>> turns;
    for (unsigned d = 1; d <= 3; ++d) turns.push_back(make_pct_scheduler(o_.seed * 4 + d, d));
    turns.push_back(make_random_scheduler(o_.seed * 4));
    const std::uint64_t left = o_.max_runs - std::min(res_.runs, o_.max_runs);
    for (std::uint64_t i = 0; i < left && !done(); ++i) {
      Scheduler& s = *turns[i % turns.size()];
      s.new_run();
      one(s);
    }
    res_.strategy = fmt::format("{}, then pct(d=1,2,3) and random", label);
  }

  void loop(Scheduler& s, std::uint64_t runs) {
    for (std::uint64_t i = 0; i < runs && !done() && s.new_run(); ++i) one(s);
  }

  bool done() {
    if (o_.max_runs && res_.runs >= o_.max_runs) return true;
    if ((res_.runs & 63) == 0 && std::chrono::duration<double>(Clock::now() - start_).count() > o_.max_seconds) {
      res_.stopped_by_time = true;
      return true;
    }
    return o_.stop_when_expected && expected_seen();
  }

  bool expected_seen() const {
    if (m_.expected.empty()) return false;
    for (ExpectKind k : m_.expected)
      if (!seen_kinds_.count(static_cast<int>(k))) return false;
    for (const auto& v : m_.expected_race_on)
      if (!seen_races_.count(v)) return false;
    return true;
  }

  static int kind_index(FindingKind k) {
    switch (k) {
      case FindingKind::race: return static_cast<int>(ExpectKind::race);
      case FindingKind::failure: return static_cast<int>(ExpectKind::failure);
      case FindingKind::deadlock: return static_cast<int>(ExpectKind::deadlock);
      case FindingKind::livelock: return static_cast<int>(ExpectKind::livelock);
      case FindingKind::crash: return static_cast<int>(ExpectKind::crash);
    }
    return -1;
  }

  void one(Scheduler& s) {
    RunResult r = exec_.run(s);
    ++res_.runs;
    res_.steps += r.steps;
    if (!m_.properties.empty() && r.finished && !r.observed.empty()) ++res_.observations[r.observed];
    for (auto& note : r.notes)
      if (notes_.insert(note).second) res_.notes.push_back(note);
    for (auto& f : r.findings) {
      auto it = index_.find(f.key);
      if (it != index_.end()) {
        ++res_.findings[it->second].occurrences;
        continue;
      }
      seen_kinds_.insert(kind_index(f.kind));
      if (f.kind == FindingKind::race) seen_races_.insert(f.variable);
      index_[f.key] = res_.findings.size();
      FoundFinding ff;
      ff.finding = std::move(f);
      ff.schedule = r.schedule;
      ff.first_run = res_.runs;
      ff.occurrences = 1;
      ff.scheduler = s.name();
      ff.original_steps = ff.finding.step;
      ff.original_preemptions = r.preemptions;
      res_.findings.push_back(std::move(ff));
    }
  }

  void finish_findings() {
    for (auto& ff : res_.findings) {
      if (o_.minimise) ff.schedule = minimise(m_, ff.schedule, ff.finding.key, o_.exec);
      RunResult r = replay(m_, ff.schedule, o_.exec, true);
      ff.preemptions = r.preemptions;
      ff.steps = r.steps;
      for (const auto& f : r.findings) {
        if (f.key != ff.finding.key) continue;
        ff.finding = f;  // the details (step numbers) of the minimised run
        ff.steps = f.step;
        break;
      }
      for (auto& t : r.trace)
        if (t.number <= ff.steps) ff.trace.push_back(std::move(t));
      ff.token = encode_token(ff.schedule, m_.hash);
    }
  }

  const Module& m_;
  const ExploreOptions& o_;
  Execution exec_;
  ExploreResult res_;
  Clock::time_point start_;
  std::map<std::string, std::size_t> index_;
  std::set<int> seen_kinds_;
  std::set<std::string> seen_races_;
  std::set<std::string> notes_;
};

}  // namespace

ExploreResult explore(const Module& module, const ExploreOptions& options) { return Explorer(module, options).run(); }

RunResult replay(const Module& module, const Schedule& schedule, ExecOptions exec, bool strict) {
  exec.record_trace = true;
  exec.capture_output = true;
  Execution e(module, exec);
  ReplayScheduler s(schedule, strict);
  s.new_run();
  return e.run(s);
}

}  // namespace interleave
