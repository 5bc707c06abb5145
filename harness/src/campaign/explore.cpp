#include "interleave/explore.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "interleave/scheduler.hpp"
#include "interleave/stress.hpp"
#include "interleave/verdict.hpp"

namespace interleave {

namespace {

using Clock = std::chrono::steady_clock;

class Explorer {
 public:
  Explorer(const Module& m, const ExploreOptions& o)
      : m_(m),
        o_(o),
        start_(Clock::now()),
        deadline_(start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.max_seconds))),
        exec_(m, bounded(quiet(o.exec), o, deadline_)) {}

  ExploreResult run() {
    res_.shard_index = o_.shard_index;
    res_.shard_count = std::max(1u, o_.shard_count);
    res_.memory = o_.exec.memory.value_or(m_.memory.value_or(default_memory_model));
    switch (o_.strategy) {
      case Strategy::dfs: {
        // One sequence that cannot be split: shard 0 makes all of it.
        DfsScheduler dfs(o_.preemption_bound);
        if (o_.shard_index == 0) loop(dfs, o_.max_runs);
        res_.exhaustive = dfs.complete() && !cut_;
        res_.strategy = o_.shard_index == 0 ? dfs_label(dfs) : "dfs (made by shard 0)";
        break;
      }
      case Strategy::dpor: {
        DporScheduler dpor(o_.preemption_bound);
        if (o_.shard_index == 0) loop(dpor, o_.max_runs);
        res_.exhaustive = dpor.complete() && !cut_;
        res_.strategy = o_.shard_index == 0 ? dpor_label(dpor) : "dpor (made by shard 0)";
        break;
      }
      case Strategy::random:
      case Strategy::pct:
        slots(0, o_.max_runs);
        res_.strategy = o_.strategy == Strategy::random ? "random" : fmt::format("pct(d={})", o_.pct_depth);
        break;
      case Strategy::portfolio:
        portfolio();
        break;
      case Strategy::stress:
        res_.strategy = "stress";
        break;
    }
    const std::size_t controlled_findings = res_.findings.size();
    for (auto& ff : res_.findings) ff.runtimes = {"controlled"};
    // check's stress pass is made by shard 0; `run --scheduler stress` is all stress, so
    // every shard makes its share of the runs (a shard that made none would pass unchecked).
    if ((o_.strategy == Strategy::stress || (o_.strategy == Strategy::portfolio && o_.stress_seconds > 0 &&
                                              o_.shard_index == 0)) &&
        !res_.interrupted)
      stress_pass();
    compare_stress_outcomes();
    finish_findings(controlled_findings);
    // The time shown is the whole cost, minimisation included.
    res_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    return std::move(res_);
  }

 private:
  // Every run of the campaign ends at the deadline or at Ctrl-C, however long it is.
  static ExecOptions bounded(ExecOptions e, const ExploreOptions& o, Clock::time_point deadline) {
    e.interrupt = o.interrupt;
    e.deadline = std::min(e.deadline, deadline);
    return e;
  }

  double seconds_left() const { return std::chrono::duration<double>(deadline_ - Clock::now()).count(); }

  // Real threads run real C++ atomics, so what they show must be an outcome of the model
  // (x86 hardware is tso, and tso is within rc11). When every execution was explored, an
  // outcome only the hardware showed is a harness error under rc11 and tso, and under sc
  // a weak-memory outcome that model does not explore. A racy program's plain accesses
  // may show anything: no conclusion then.
  void compare_stress_outcomes() {
    if (!res_.exhaustive || res_.stress_observations.empty()) return;
    for (const auto& ff : res_.findings)
      if (ff.finding.kind == FindingKind::race) return;
    for (const auto& [values, count] : res_.stress_observations) {
      if (res_.observations.count(values)) continue;
      const std::string tuple = fmt::format("{}", fmt::join(values, ", "));
      if (res_.memory == MemoryModel::sc)
        res_.notes.push_back(fmt::format(
            "the stress runtime saw outcome {} on real threads ({} runs), which no sc execution has: a weak-memory "
            "outcome that --memory sc does not explore (rc11, the default, and tso do)",
            tuple, count));
      else
        res_.model_errors.push_back(fmt::format(
            "harness error: the stress runtime saw outcome {} on real threads ({} runs), which the {} model does not "
            "allow though every execution was explored; please report it",
            tuple, count, spelling(res_.memory)));
    }
  }

  static ExecOptions quiet(ExecOptions e) {
    e.record_trace = false;
    e.capture_output = false;
    e.keep_schedule = false;  // only runs with findings need theirs
    return e;
  }

  bool sharded() const { return o_.shard_count > 1; }
  bool may_stop_early() const { return o_.stop_when_expected && !o_.full_budget && !sharded(); }

  std::string dfs_label(const DfsScheduler& dfs) const {
    if (!dfs.complete())
      return fmt::format("{} (stopped after {} runs{})", dfs.name(), dfs.runs(),
                         may_stop_early() && expected_seen() ? ": every expected finding seen" : "");
    return fmt::format("{}: all {} interleavings explored", dfs.name(), dfs.runs());
  }

  // The default portfolio. Stage 1, DFS: first with at most two preemptions (most bugs
  // need few, and a plain DFS tries late preemptions first), then, if that space was
  // covered, a plain DFS; finishing it proves the absence of what was not found. It gets
  // up to half the budget (at most max_portfolio_dfs_runs). Stage 2, if DFS did not
  // finish: the remaining slots, where PCT with depths 1, 2, 3 and random take turns.
  void portfolio() {
    const std::uint64_t dfs_budget = std::min(o_.max_runs / 2, max_portfolio_dfs_runs);
    // Other shards replay the DFS stage without reporting it, to learn whether it finished.
    recording_ = o_.shard_index == 0;
    // First the reduced search: one run per class of equivalent interleavings. Finishing it
    // proves the absence of what was not found, in far fewer runs than plain DFS. When it
    // stops, its stage's budget is spent (or the campaign is over). A --preemption-bound
    // asks for the bounded DFS instead.
    if (o_.preemption_bound < 0) {
      DporScheduler dpor;
      loop(dpor, dfs_budget / 2);
      // A space that does not fit half the stage: the bugs that need few preemptions are
      // the common ones, and a depth-first search can spend its budget deep in one corner.
      // So bounded reduced searches (at most 0, then 1, then 2 preemptions) take a quarter
      // of the stage, and the full search then goes on where it stopped.
      std::string bounded_labels;
      bool dpor_last = true;  // whether the full search ran last (so it saw the last finding)
      if (!dpor.complete() && !done()) {
        const std::uint64_t bounded_end = dfs_runs_ + dfs_budget / 4;
        for (int k = 0; k <= 2 && dfs_runs_ < bounded_end && !done(); ++k) {
          DporScheduler b(k);
          loop(b, bounded_end - dfs_runs_);
          bounded_labels += ", " + bounded_label(b);
        }
        dpor_last = !done();
        loop(dpor, dfs_budget > dfs_runs_ ? dfs_budget - dfs_runs_ : 0);
      }
      const std::string label = dpor.complete() ? dpor_label(dpor) : dpor_label(dpor, dpor_last) + bounded_labels;
      recording_ = true;
      if (dpor.complete() && !cut_) {
        res_.exhaustive = true;
        res_.strategy = o_.shard_index != 0 ? label + " (made by shard 0)" : label;
        return;
      }
      if (done()) {
        res_.strategy = label;
        return;
      }
      slots(dfs_budget, o_.max_runs);
      res_.strategy = fmt::format("{}, then pct(d=1,2,3) and random", label);
      return;
    }
    const int bound = std::min(o_.preemption_bound, 2);
    DfsScheduler bounded(bound);
    loop(bounded, dfs_budget);
    std::string label = dfs_label(bounded);
    // A run cut short by the deadline or Ctrl-C ends the DFS early: it proves nothing.
    bool complete = bounded.complete() && o_.preemption_bound == bound && !cut_;
    if (bounded.complete() && !complete && !done()) {
      DfsScheduler full(o_.preemption_bound);
      loop(full, dfs_budget > dfs_runs_ ? dfs_budget - dfs_runs_ : 0);
      label += ", then " + dfs_label(full);
      complete = full.complete() && !cut_;
      if (complete) label = dfs_label(full);
    }
    recording_ = true;
    if (complete) {
      res_.exhaustive = true;
      if (o_.shard_index != 0) label += " (made by shard 0)";
      res_.strategy = label;
      return;
    }
    if (done()) {
      res_.strategy = label;
      return;
    }
    slots(dfs_budget, o_.max_runs);
    res_.strategy = fmt::format("{}, then pct(d=1,2,3) and random", label);
  }

  // The PCT step estimate must not depend on earlier runs (a shard has not seen them):
  // the length of the run where every thread goes on as long as it can.
  std::uint64_t probe_steps() {
    if (probe_ == 0) {
      ReplayScheduler idle(Schedule{}, false);
      idle.new_run();
      probe_ = std::max<std::uint64_t>(1, exec_.run(idle).steps);
    }
    return probe_;
  }

  // Slots [first, last) of the campaign that belong to this shard; each run seeded by its slot.
  void slots(std::uint64_t first, std::uint64_t last) {
    const unsigned n = std::max(1u, o_.shard_count);
    std::uint64_t k = first + (o_.shard_index + n - first % n) % n;
    for (; k < last && !done(); k += n) {
      const std::uint64_t seed = slot_seed(o_.seed, k);
      std::unique_ptr<Scheduler> s;
      if (o_.strategy == Strategy::random) {
        s = make_random_scheduler(seed);
      } else if (o_.strategy == Strategy::pct) {
        s = make_pct_scheduler(seed, o_.pct_depth, probe_steps());
      } else {
        const auto turn = static_cast<unsigned>(k % 4);  // pct d=1, 2, 3, then random
        s = turn < 3 ? make_pct_scheduler(seed, turn + 1, probe_steps()) : make_random_scheduler(seed);
      }
      s->new_run();
      one(*s, k);
    }
  }

  // "dpor(pb=1): all 17 executions explored" or "dpor(pb=2) (stopped after 900 executions)".
  std::string bounded_label(const DporScheduler& b) const {
    const std::string abandoned = b.pruned() == 0 ? std::string() : fmt::format(", {} runs abandoned", b.pruned());
    if (!b.complete())
      return fmt::format("{} (stopped after {} executions{}{})", b.name(), b.executions(), abandoned,
                         may_stop_early() && expected_seen() ? ": every expected finding seen" : "");
    return fmt::format("{}: all {} executions explored{}", b.name(), b.executions(), abandoned);
  }

  // `last`: the search ran last, so an early stop was for what it found.
  std::string dpor_label(const DporScheduler& dpor, bool last = true) {
    res_.executions = dpor.executions();
    res_.redundant = dpor.pruned();
    const std::string redundant =
        dpor.pruned() == 0 ? std::string() : fmt::format(", {} redundant runs abandoned", dpor.pruned());
    if (!dpor.complete()) {
      if (last && may_stop_early() && expected_seen())
        return fmt::format("{} (stopped after {} executions{}: every expected finding seen)", dpor.name(), dpor.executions(),
                           redundant);
      // A value choice over a huge range (any() of int64) makes the estimate astronomical:
      // past 10^18 it is only "more than".
      const double estimate = dpor.estimated_total();
      constexpr double cap = 1e18;
      res_.estimated_executions = static_cast<std::uint64_t>(std::min(estimate, cap));
      return fmt::format("{} (stopped after {} executions of {} {}{})", dpor.name(), dpor.executions(),
                         estimate >= cap ? "more than" : "about",
                         estimate >= cap ? std::string("10^18") : std::to_string(res_.estimated_executions), redundant);
    }
    if (dpor.preemption_bound() >= 0)
      return fmt::format("{}: all {} executions with at most {} preemption{} explored{}", dpor.name(), dpor.executions(),
                         dpor.preemption_bound(), dpor.preemption_bound() == 1 ? "" : "s", redundant);
    return fmt::format("dpor: all {} executions explored{}", dpor.executions(), redundant);
  }

  template <class S>
  void loop(S& s, std::uint64_t runs) {
    for (std::uint64_t i = 0; i < runs && !done() && s.new_run(); ++i) one(s, dfs_runs_++);
  }

  bool done() {
    if (o_.interrupt && o_.interrupt->load(std::memory_order_relaxed)) {
      res_.interrupted = true;
      return true;
    }
    if (cut_) return true;
    {
      // The clock at every run (a few ns): one run may take long, and --time must hold.
      const auto now = Clock::now();
      const double elapsed = std::chrono::duration<double>(now - start_).count();
      if (now > deadline_) {
        res_.stopped_by_time = true;
        return true;
      }
      if (o_.on_progress && elapsed >= next_progress_) {
        next_progress_ = elapsed + 0.2;
        o_.on_progress(ExploreProgress{res_.runs, o_.max_runs, elapsed, std::max(0.0, o_.max_seconds - elapsed),
                                       res_.findings.size()});
      }
    }
    return may_stop_early() && expected_seen();
  }

  bool expected_seen() const {
    if (m_.expected.empty()) return false;
    for (ExpectKind k : m_.expected)
      if (const auto kind = finding_kind(k); kind && !seen_kinds_.count(*kind)) return false;
    for (const auto& v : m_.expected_race_on)
      if (!seen_races_.count(v)) return false;
    for (const auto& p : m_.expected_failure_of)
      if (!seen_properties_.count(p)) return false;
    return true;
  }

  // One run in campaign slot `slot`.
  void one(Scheduler& s, std::uint64_t slot) {
    RunResult r = exec_.run(s);
    if (r.cut_short) {  // unfinished: it counts as no run
      cut_ = true;
      if (o_.interrupt && o_.interrupt->load(std::memory_order_relaxed)) res_.interrupted = true;
      else res_.stopped_by_time = true;
      return;
    }
    if (!recording_) return;
    ++res_.runs;
    res_.steps += r.steps;
    if (!m_.properties.empty() && r.finished && !r.observed.empty()) ++res_.observations[r.observed];
    for (auto& note : r.notes)
      if (notes_.insert(note).second) res_.notes.push_back(note);
    run_keys_.clear();
    for (auto& f : r.findings) {
      auto it = index_.find(f.key);
      if (it != index_.end()) {
        FoundFinding& known = res_.findings[it->second];
        if (std::find(run_keys_.begin(), run_keys_.end(), f.key) == run_keys_.end()) {
          ++known.occurrences;  // a race seen by both detectors in one run is one occurrence
          run_keys_.push_back(f.key);
        }
        note_detector(known, f.detector);
        // The built-in detector's account names both steps; TSan's knows only the later one.
        if (!by_builtin(known.finding) && by_builtin(f) && known.schedule == r.schedule)
          known.finding = std::move(f);
        continue;
      }
      run_keys_.push_back(f.key);
      seen_kinds_.insert(f.kind);
      if (f.kind == FindingKind::race) seen_races_.insert(f.variable);
      if (!f.property.empty()) seen_properties_.insert(f.property);
      index_[f.key] = res_.findings.size();
      FoundFinding ff;
      ff.finding = std::move(f);
      ff.schedule = r.schedule;
      ff.first_run = slot + 1;
      ff.occurrences = 1;
      ff.scheduler = s.name();
      ff.original_steps = ff.finding.step;
      ff.original_preemptions = ff.finding.preemptions;
      note_detector(ff, ff.finding.detector);
      res_.findings.push_back(std::move(ff));
    }
  }

  // The stress runtime on real threads: what the hardware does, which sequentially
  // consistent interleavings cannot show. Its findings merge by key with the controlled
  // runtime's; a finding only it showed has no replay token (real threads cannot be replayed).
  void stress_pass() {
    // The stress pass shares the --time budget: it gets what the controlled runs left.
    const double left = seconds_left();
    if (m_.heap_cells > 0) {  // v2 heap: the stress runtime has no heap (docs/runtime.md)
      res_.stress_skipped = "the scenario uses the heap (alloc), which only the controlled runtime models";
      res_.notes.push_back("stress runtime not run: " + res_.stress_skipped);
      return;
    }
    if (left < 0.01) {
      res_.stopped_by_time = true;
      res_.stress_skipped = "the --time budget was spent before it could start";
      res_.notes.push_back("stress runtime not run: " + res_.stress_skipped);
      return;
    }
    StressOptions so;
    const unsigned n = std::max(1u, o_.shard_count);
    so.seed = o_.seed + o_.shard_index;  // shards of a stress campaign do not repeat each other's noise
    so.max_seconds = std::min(left, o_.strategy == Strategy::stress ? o_.max_seconds : o_.stress_seconds);
    so.max_runs = o_.strategy == Strategy::stress ? (o_.max_runs + n - 1 - o_.shard_index) / n : StressOptions{}.max_runs;
    if (so.max_runs == 0) {
      res_.stress_skipped = fmt::format("shard {} of {} has no share of a budget of {} runs", o_.shard_index, n, o_.max_runs);
      res_.notes.push_back("stress runtime not run: " + res_.stress_skipped);
      return;
    }
    so.noise = o_.stress_noise;
    so.max_steps = o_.exec.max_steps;
    so.tsan = o_.exec.tsan && o_.exec.detect_races;
    so.interrupt = o_.interrupt;
    so.memory_limit = o_.exec.memory_limit;
    const StressResult sr = stress(m_, so);
    if (sr.interrupted) res_.interrupted = true;
    if (sr.skipped) {
      res_.stress_skipped = sr.skip_reason;
      if (notes_.insert("stress: " + sr.skip_reason).second) res_.notes.push_back("stress runtime skipped: " + sr.skip_reason);
      return;
    }
    res_.stress_runs = sr.runs;
    res_.stress_seconds = sr.seconds;
    for (const auto& [values, count] : sr.observations) res_.stress_observations[values] += count;
    for (const auto& note : sr.notes)
      if (notes_.insert(note).second) res_.notes.push_back(note);
    const std::string label = fmt::format("stress, {} runs on real threads", sr.runs);
    res_.strategy = res_.strategy == "stress" ? label : res_.strategy + " + " + label;
    for (const auto& sf : sr.findings) {
      auto it = index_.find(sf.finding.key);
      if (it != index_.end()) {
        FoundFinding& known = res_.findings[it->second];
        if (std::find(known.runtimes.begin(), known.runtimes.end(), "stress") == known.runtimes.end())
          known.runtimes.push_back("stress");
        known.stress_occurrences += sf.occurrences;
        note_stress_detector(known, sf.finding.detector);
        note_detector(known, sf.finding.detector);
        continue;
      }
      if (!stress_finding_decides(sf.finding)) {
        // A long run on real threads is what a descheduled thread looks like too: it
        // decides nothing (docs/runtime.md, "Verdicts"); the controlled runtime's step
        // bound, counted in scheduled steps, is the livelock verdict.
        const std::string note = fmt::format(
            "stress runtime (real threads): {} (in {} run{}); not a verdict: on real threads a thread the OS "
            "has descheduled looks the same, and the controlled runtime did not reach its step bound in {} runs",
            sf.finding.summary, sf.occurrences, sf.occurrences == 1 ? "" : "s", res_.runs);
        if (notes_.insert(note).second) res_.notes.push_back(note);
        continue;
      }
      seen_kinds_.insert(sf.finding.kind);
      if (sf.finding.kind == FindingKind::race) seen_races_.insert(sf.finding.variable);
      if (!sf.finding.property.empty()) seen_properties_.insert(sf.finding.property);
      index_[sf.finding.key] = res_.findings.size();
      FoundFinding ff;
      ff.finding = sf.finding;
      ff.first_run = res_.runs + sf.first_run;
      ff.occurrences = sf.occurrences;
      ff.scheduler = "stress";
      ff.runtimes = {"stress"};
      ff.stress_occurrences = sf.occurrences;
      note_stress_detector(ff, sf.finding.detector);
      ff.original_steps = ff.finding.step;
      note_detector(ff, ff.finding.detector);
      res_.findings.push_back(std::move(ff));
    }
  }

  static void note_detector(FoundFinding& ff, Detectors detectors) { ff.found_by |= detectors; }
  static void note_stress_detector(FoundFinding& ff, Detectors detectors) { ff.stress_found_by |= detectors; }
  static bool by_builtin(const Finding& f) { return f.detector.has(Detector::happens_before); }

  void finish_findings(std::size_t controlled_findings) {
    // Nothing will show a trace (a PASS without --verbose or a report): the token of the
    // schedule as found is enough, and minimising would only cost time.
    if (o_.traces_wanted && !o_.traces_wanted(res_)) {
      for (std::size_t k = 0; k < controlled_findings; ++k) {
        auto& ff = res_.findings[k];
        ff.steps = ff.original_steps;
        ff.preemptions = ff.original_preemptions;
        ff.token = encode_token(ff.schedule, m_.hash);
      }
      return;
    }
    // The replays that show each trace may run a little past the deadline (5% + 0.25 s in
    // all), so that a finding found in time keeps its trace; past that, it keeps its token.
    const auto grace = deadline_ + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(0.05 * o_.max_seconds + 0.25));
    const ExecOptions shown = bounded(o_.exec, o_, grace);
    for (std::size_t k = 0; k < controlled_findings; ++k) {
      auto& ff = res_.findings[k];
      // Minimisation shares the time budget: it stops, keeping its best so far, when the
      // budget runs out or at Ctrl-C.
      if (o_.minimise) ff.schedule = minimise(m_, ff.schedule, ff.finding.key, shown, 4000, 20'000'000, deadline_);
      RunResult r = replay(m_, ff.schedule, shown, true);
      if (r.cut_short) {
        ff.steps = ff.original_steps;
        ff.preemptions = ff.original_preemptions;
        ff.token = encode_token(ff.schedule, m_.hash);
        const std::string note = "a finding's trace is not shown: the time budget ran out; replay its token to see it";
        if (notes_.insert(note).second) res_.notes.push_back(note);
        continue;
      }
      ff.preemptions = r.preemptions;
      ff.steps = r.steps;
      const Finding* best = nullptr;  // the built-in detector's account, when both saw it
      for (const auto& f : r.findings)
        if (f.key == ff.finding.key && (!best || (!by_builtin(*best) && by_builtin(f)))) best = &f;
      if (best) {
        ff.finding = *best;  // the details (step numbers) of the minimised run
        ff.steps = best->step;
        ff.preemptions = best->preemptions;
      }
      for (auto& t : r.trace)
        if (t.number <= ff.steps) ff.trace.push_back(std::move(t));
      ff.token = encode_token(ff.schedule, m_.hash);
    }
  }

  const Module& m_;
  const ExploreOptions& o_;
  Clock::time_point start_;
  Clock::time_point deadline_;  // start + --time: every stage ends by then
  Execution exec_;
  ExploreResult res_;
  bool cut_ = false;  // a run was cut short: the campaign is over
  std::map<std::string, std::size_t> index_;
  bool recording_ = true;
  std::uint64_t dfs_runs_ = 0;
  std::uint64_t probe_ = 0;
  double next_progress_ = 0.2;
  std::set<FindingKind> seen_kinds_;
  std::set<std::string> seen_races_;
  std::set<std::string> seen_properties_;  // named properties that failed
  std::set<std::string> notes_;
  std::vector<std::string> run_keys_;  // keys already counted in the current run
};

}  // namespace

ExploreResult explore(const Module& module, const ExploreOptions& options) { return Explorer(module, options).run(); }

RunResult replay(const Module& module, const Schedule& schedule, ExecOptions exec, bool strict) {
  exec.record_trace = true;
  exec.capture_output = true;
  exec.offer_all_flushes = true;  // a schedule made by partial-order reduction may flush anywhere
  Execution e(module, exec);
  ReplayScheduler s(schedule, strict);
  s.new_run();
  return e.run(s);
}

}  // namespace interleave
