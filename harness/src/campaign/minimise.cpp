// Minimisation of a failing schedule. Candidates come from rapidcheck's sequence shrinks
// (removing chunks of choices, and moving single choices toward the lowest value), each
// replayed leniently: a choice that no longer fits, and every choice past the end, keeps
// the current thread running. So removing choices removes preemptions. A candidate is
// kept when it shows the same finding with fewer preemptions, or as many and fewer steps.
#include <rapidcheck/shrink/Shrink.h>

#include <algorithm>

#include "interleave/explore.hpp"

namespace interleave {

namespace {

struct Score {
  unsigned preemptions;
  std::uint64_t steps;
  bool operator<(const Score& o) const {
    return preemptions != o.preemptions ? preemptions < o.preemptions : steps < o.steps;
  }
};

bool shows(const RunResult& r, const std::string& key) {
  return std::any_of(r.findings.begin(), r.findings.end(), [&](const Finding& f) { return f.key == key; });
}

// The run's length and preemptions up to the finding: what comes after it does not matter.
std::uint64_t steps_to(const RunResult& r, const std::string& key) {
  for (const auto& f : r.findings)
    if (f.key == key) return f.step;
  return r.steps;
}
unsigned preemptions_to(const RunResult& r, const std::string& key) {
  for (const auto& f : r.findings)
    if (f.key == key) return f.preemptions;
  return r.preemptions;
}

}  // namespace

Schedule minimise(const Module& module, const Schedule& schedule, const std::string& key, const ExecOptions& exec,
                  unsigned max_attempts, std::uint64_t max_steps, std::chrono::steady_clock::time_point deadline) {
  ExecOptions o = exec;
  o.offer_all_flushes = true;  // as every replay does
  o.record_trace = false;
  o.capture_output = false;
  o.full_schedule = true;  // every choice is a place where a move can apply
  // An attempt past the deadline is cut short (and shows nothing), so that one slow
  // replay cannot overrun --time.
  o.deadline = std::min(o.deadline, deadline);
  Execution execution(module, o);
  std::uint64_t steps = 0;
  unsigned attempts = 1;
  auto attempt = [&](const Schedule& s, RunResult& out) {
    ReplayScheduler replay(s, false);
    replay.new_run();
    out = execution.run(replay);
    steps += out.steps;
    return shows(out, key);
  };
  // Out of budget: the best schedule so far is kept.
  auto spent = [&] {
    // The clock at every attempt: one attempt may be slow (many threads, long runs).
    return steps > max_steps || (o.interrupt && o.interrupt->load(std::memory_order_relaxed)) ||
           std::chrono::steady_clock::now() > deadline;
  };

  RunResult best_run;
  if (!attempt(schedule, best_run)) return schedule;  // not reproducible leniently: keep it as it is
  Schedule best = best_run.schedule;
  Score best_score{preemptions_to(best_run, key), steps_to(best_run, key)};

  // Keep only the choices up to the finding; the rest is replayed by default.
  auto trimmed = [&](const RunResult& r) {
    Schedule s = r.schedule;
    std::uint64_t picks = 0;
    const std::uint64_t until = steps_to(r, key);
    std::size_t n = 0;
    for (; n < s.choices.size(); ++n) {
      if (s.choices[n].kind == Choice::thread && ++picks > until) break;
    }
    s.choices.resize(n);
    return s;
  };
  best = trimmed(best_run);

  // Candidate moves, tried in this order on the current best schedule:
  //  - remove chunks of choices (rapidcheck's removeChunks): fewer explicit switches;
  //  - give one thread choice to another thread: where the default after a thread's end
  //    would run the wrong one, this finds the shorter witness removal cannot reach;
  //  - lower one number choice toward the lowest value (rapidcheck's towards).
  auto reassignments = [](const Schedule& s) {
    std::uint64_t threads = 0;
    for (const Choice& c : s.choices)
      if (c.kind == Choice::thread) threads = std::max(threads, c.value + 1);
    std::vector<Schedule> out;
    for (std::size_t i = 0; i < s.choices.size(); ++i) {
      if (s.choices[i].kind != Choice::thread) continue;
      for (std::uint64_t t = 0; t < threads; ++t) {
        if (t == s.choices[i].value) continue;
        Schedule c = s;
        c.choices[i].value = t;
        c.choices.resize(i + 1);  // what follows is the default's
        out.push_back(std::move(c));
      }
    }
    return out;
  };
  bool improved = true;
  while (improved && attempts < max_attempts) {
    improved = false;
    auto consider = [&](const Schedule& candidate) {
      if (++attempts > max_attempts || spent()) {
        attempts = max_attempts + 1;
        return true;
      }
      RunResult r;
      if (!attempt(candidate, r)) return false;
      const Score score{preemptions_to(r, key), steps_to(r, key)};
      if (!(score < best_score)) return false;
      best_score = score;
      best = trimmed(r);
      improved = true;
      return true;
    };
    auto chunks = rc::shrink::removeChunks(best.choices);
    while (auto c = chunks.next())
      if (consider(Schedule{*c})) break;
    if (improved || attempts > max_attempts) continue;
    for (const Schedule& c : reassignments(best))
      if (consider(c)) break;
    if (improved || attempts > max_attempts) continue;
    auto lowered = rc::shrink::eachElement(best.choices, [](const Choice& c) {
      return rc::seq::map(rc::shrink::towards<std::uint64_t>(c.value, 0),
                          [kind = c.kind](std::uint64_t v) { return Choice{kind, v}; });
    });
    while (auto c = lowered.next())
      if (consider(Schedule{*c})) break;
  }
  // The schedule of the best run, up to its last choice that differs from the default.
  ExecOptions compact = exec;
  compact.offer_all_flushes = true;
  compact.record_trace = false;
  compact.capture_output = false;
  Execution final_execution(module, compact);
  ReplayScheduler replay(best, false);
  replay.new_run();
  RunResult last = final_execution.run(replay);
  return last.cut_short ? best : last.schedule;  // a cut run's schedule would lose the finding
}

}  // namespace interleave
