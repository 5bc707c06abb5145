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

// The run's length up to the finding: steps after it do not matter.
std::uint64_t steps_to(const RunResult& r, const std::string& key) {
  for (const auto& f : r.findings)
    if (f.key == key) return f.step;
  return r.steps;
}

}  // namespace

Schedule minimise(const Module& module, const Schedule& schedule, const std::string& key, const ExecOptions& exec,
                  unsigned max_attempts) {
  ExecOptions o = exec;
  o.record_trace = false;
  o.capture_output = false;
  Execution execution(module, o);
  auto attempt = [&](const Schedule& s, RunResult& out) {
    ReplayScheduler replay(s, false);
    replay.new_run();
    out = execution.run(replay);
    return shows(out, key);
  };

  RunResult best_run;
  if (!attempt(schedule, best_run)) return schedule;  // not reproducible leniently: keep it as it is
  Schedule best = best_run.schedule;
  Score best_score{best_run.preemptions, steps_to(best_run, key)};
  unsigned attempts = 1;

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

  bool improved = true;
  while (improved && attempts < max_attempts) {
    improved = false;
    std::vector<std::uint64_t> values;
    values.reserve(best.choices.size());
    for (const Choice& c : best.choices) values.push_back(c.value << 1 | (c.kind == Choice::number ? 1 : 0));
    auto to_schedule = [](const std::vector<std::uint64_t>& v) {
      Schedule s;
      for (auto x : v) s.choices.push_back(Choice{(x & 1) ? Choice::number : Choice::thread, x >> 1});
      return s;
    };
    // First drop chunks of choices (fewer explicit switches), then lower single choices
    // (lower thread ids and values: canonical, and often the non-preempting thread).
    auto candidates = rc::shrink::removeChunks(values);
    auto lowered = rc::shrink::eachElement(values, [](std::uint64_t x) {
      return rc::seq::map(rc::shrink::towards<std::uint64_t>(x >> 1, 0), [x](std::uint64_t v) { return v << 1 | (x & 1); });
    });
    for (auto* seq : {&candidates, &lowered}) {
      while (auto candidate = seq->next()) {
        if (++attempts > max_attempts) break;
        RunResult r;
        if (!attempt(to_schedule(*candidate), r)) continue;
        const Score score{r.preemptions, steps_to(r, key)};
        if (!(score < best_score)) continue;
        best_score = score;
        best = trimmed(r);
        improved = true;
        break;
      }
      if (improved || attempts > max_attempts) break;
    }
  }
  // A strict, complete schedule: replaying it needs no defaults.
  RunResult final_run;
  attempt(best, final_run);
  return final_run.schedule;
}

}  // namespace interleave
