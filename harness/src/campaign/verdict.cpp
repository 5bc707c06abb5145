#include "interleave/verdict.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "interleave/finding_kind.hpp"

namespace interleave {

bool is_expected(const Module& m, const Finding& f) {
  if (std::find(m.expected.begin(), m.expected.end(), expect_kind(f.kind)) == m.expected.end()) return false;
  if (f.kind != FindingKind::race || m.expected_race_on.empty()) return true;
  return std::find(m.expected_race_on.begin(), m.expected_race_on.end(), f.variable) != m.expected_race_on.end();
}

Verdict judge(const std::vector<JudgedFinding>& findings, const std::vector<std::string>& expected_kinds,
              const std::vector<std::string>& expected_race_on, std::uint64_t runs) {
  Verdict v;
  std::set<std::string> found, raced;
  for (const auto& f : findings) {
    // Information (TSan's lock-order inversions: a scenario can have one and never
    // deadlock, docs/runtime.md) never decides a verdict.
    const auto kind = finding_kind_named(f.kind);
    if (kind && !info(*kind).decides_verdict) continue;
    found.insert(f.kind);
    if (kind == FindingKind::race) raced.insert(f.variable);
    if (!f.expected) v.problems.push_back(fmt::format("unexpected {}", f.summary));
  }
  const std::set<std::string> expected(expected_kinds.begin(), expected_kinds.end());
  for (const auto& k : expected) {
    if (found.count(k)) continue;
    if (finding_kind_named(k) == FindingKind::race && !expected_race_on.empty()) continue;  // reported per variable below
    v.problems.push_back(fmt::format("expected {}, not found in {} runs", k, runs));
  }
  for (const auto& var : expected_race_on)
    if (!raced.count(var)) v.problems.push_back(fmt::format("expected race on {}, not found in {} runs", var, runs));
  v.found.assign(found.begin(), found.end());
  v.expected.assign(expected.begin(), expected.end());
  v.pass = v.problems.empty();
  return v;
}

Verdict judge(const Module& m, const ExploreResult& r) {
  std::vector<JudgedFinding> findings;
  for (const auto& ff : r.findings)
    findings.push_back({std::string(spelling(ff.finding.kind)), ff.finding.variable, ff.finding.summary,
                        is_expected(m, ff.finding)});
  std::vector<std::string> expected;
  for (ExpectKind k : m.expected) expected.push_back(std::string(spelling(k)));
  Verdict v = judge(findings, expected, m.expected_race_on, r.runs);
  // `run --scheduler stress` that made no run checked nothing: it must not show PASS.
  if (r.strategy.rfind("stress", 0) == 0 && r.stress_runs == 0) {
    v.pass = false;
    v.problems.push_back("not checked: the stress runtime made no runs (" +
                         (r.stress_skipped.empty() ? std::string("no budget left") : r.stress_skipped) + ")");
  }
  // The hardware showed what the memory model says cannot happen: never a clean verdict.
  for (const auto& e : r.model_errors) {
    v.pass = false;
    v.problems.push_back(e);
  }
  // Nor does a campaign whose every run was cut short by --time (one run took longer).
  if (r.runs == 0 && r.stress_runs == 0 && r.stopped_by_time && r.findings.empty()) {
    v.pass = false;
    v.problems.push_back("not checked: no run finished within the --time budget");
  }
  return v;
}

// A ThreadSanitizer report, a failed assert/final/always or a forbidden outcome that was
// observed, a crash, a deadlock by the watchdog's rule (every unfinished thread in a wait
// that the frozen state can never satisfy), or a loop that spins without reading shared
// state. Not the step bound: on real threads a yield loop whose partner the OS has
// descheduled runs as long as a livelock.
bool stress_finding_decides(const Finding& f) {
  return f.kind != FindingKind::livelock || f.key.rfind("livelock:spin:", 0) == 0;
}

}  // namespace interleave
