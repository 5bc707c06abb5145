// Shared helpers for runtime tests: compile scenario text to a Module, run it under a
// scheduler, and look at the findings and the trace.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "interleave/bytecode.hpp"
#include "interleave/execution.hpp"
#include "interleave/explore.hpp"
#include "interleave/frontend.hpp"
#include "interleave/schedule.hpp"
#include "interleave/scheduler.hpp"

namespace interleave::test {

// Loads and compiles a scenario; throws with the rendered diagnostics when it has errors.
// The path is "t.scn", so finding locations read "t.scn:LINE".
inline Module compile_text(const std::string& text) {
  LoadResult r = load_text("t.scn", text);
  if (!r.ok()) throw std::runtime_error("scenario does not load:\n" + r.render());
  return compile(*r.program);
}

// A lock-order deadlock that every run reaches, on real threads too: the semaphores make
// each thread hold its first mutex before either reaches for its second. The blocked
// locks are on lines 10 and 16.
inline const char* const forced_lock_order_deadlock = R"(mutex a
mutex b
semaphore first = 0
semaphore second = 0

thread t1:
    a.lock()
    first.release()
    second.acquire()
    b.lock()

thread t2:
    b.lock()
    second.release()
    first.acquire()
    a.lock()
)";

inline ExecOptions traced(ExecOptions o = {}) {
  o.record_trace = true;
  o.capture_output = true;
  return o;
}

// One run under the given scheduler (new_run() is called first).
inline RunResult run_once(const Module& m, Scheduler& s, ExecOptions o = traced()) {
  if (!s.new_run()) throw std::runtime_error("the scheduler has no run left");
  Execution e(m, o);
  return e.run(s);
}

// One run under a lenient replay of the given thread choices (an empty list: the
// replay default, i.e. the current thread keeps running, else the lowest runnable).
inline RunResult run_choices(const Module& m, const std::vector<std::uint64_t>& threads, ExecOptions o = traced()) {
  Schedule s;
  for (auto t : threads) s.choices.push_back(Choice{Choice::thread, t});
  ReplayScheduler r(s, false);
  return run_once(m, r, o);
}

// The default deterministic run: no preemptions, lowest runnable thread first.
inline RunResult run_default(const Module& m, ExecOptions o = traced()) { return run_choices(m, {}, o); }

// Schedule's defaulted operator== is deleted (Choice has no operator==): compare here.
inline bool same_choices(const Schedule& a, const Schedule& b) {
  return std::equal(a.choices.begin(), a.choices.end(), b.choices.begin(), b.choices.end(),
                    [](const Choice& x, const Choice& y) { return x.kind == y.kind && x.value == y.value; });
}

inline std::vector<std::string> summaries(const RunResult& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) out.push_back(f.summary);
  return out;
}

inline std::vector<std::string> keys(const RunResult& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) out.push_back(f.key);
  return out;
}

inline std::vector<std::string> effects(const RunResult& r) {
  std::vector<std::string> out;
  for (const auto& t : r.trace) out.push_back(t.thread + ": " + t.effect);
  return out;
}

inline bool has_kind(const RunResult& r, FindingKind k) {
  return std::any_of(r.findings.begin(), r.findings.end(), [&](const Finding& f) { return f.kind == k; });
}

// The only finding of a run; throws when there is not exactly one.
inline const Finding& only_finding(const RunResult& r) {
  if (r.findings.size() != 1) {
    std::string all;
    for (const auto& f : r.findings) all += "\n  " + f.summary;
    throw std::runtime_error("expected exactly one finding, got " + std::to_string(r.findings.size()) + all);
  }
  return r.findings.front();
}

// Every run of an exhaustive DFS (at most `max_runs`); `visit` sees each RunResult.
// `complete`, when given, says whether DFS ran every schedule.
template <typename Visit>
std::uint64_t dfs_all(const Module& m, int bound, ExecOptions o, Visit&& visit, std::uint64_t max_runs = 1'000'000,
                      bool* complete = nullptr) {
  DfsScheduler dfs(bound);
  Execution e(m, o);
  std::uint64_t runs = 0;
  while (runs < max_runs && dfs.new_run()) {
    ++runs;
    visit(e.run(dfs));
  }
  if (complete) *complete = dfs.complete() || (runs == max_runs && !dfs.new_run());
  return runs;
}

inline std::uint64_t binomial(std::uint64_t n, std::uint64_t k) {
  std::uint64_t r = 1;
  for (std::uint64_t i = 1; i <= k; ++i) r = r * (n - k + i) / i;
  return r;
}

}  // namespace interleave::test
