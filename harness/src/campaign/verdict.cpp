#include "interleave/verdict.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "interleave/finding_kind.hpp"

namespace interleave {

namespace {

// The names an expectation of `kind` lists (empty: any finding of the kind), and the one a
// finding has: a race names its variable, a failure of a named property the property.
const std::vector<std::string>& names_for(const Expectations& e, std::string_view kind) {
  static const std::vector<std::string> none;
  if (kind == spelling(FindingKind::race)) return e.race_on;
  if (kind == spelling(FindingKind::failure)) return e.failure_of;
  return none;
}

const std::string& name_of(const JudgedFinding& f) { return f.variable.empty() ? f.property : f.variable; }

bool covers(const Expectations& e, const JudgedFinding& f) {
  if (std::find(e.kinds.begin(), e.kinds.end(), f.kind) == e.kinds.end()) return false;
  const auto& names = names_for(e, f.kind);
  return names.empty() || std::find(names.begin(), names.end(), name_of(f)) != names.end();
}

JudgedFinding judged(const Finding& f) {
  return {std::string(spelling(f.kind)), f.variable, f.summary, false, f.property};
}

}  // namespace

std::string detail(const std::string& kind, const std::string& variable, const std::string& property) {
  if (!variable.empty()) return fmt::format("{} on {}", kind, variable);
  if (!property.empty()) return fmt::format("{} {}", kind, property);
  return kind;
}

Expectations expectations(const Module& m) {
  Expectations e;
  for (ExpectKind k : m.expected) e.kinds.push_back(std::string(spelling(k)));
  e.race_on = m.expected_race_on;
  e.failure_of = m.expected_failure_of;
  return e;
}

bool is_expected(const Module& m, const Finding& f) { return covers(expectations(m), judged(f)); }

Verdict judge(const std::vector<JudgedFinding>& findings, const Expectations& e, std::uint64_t runs) {
  Verdict v;
  std::set<std::string> found, found_detail, named;  // named: "kind name" of each finding with a name
  for (const auto& f : findings) {
    // Information (TSan's lock-order inversions: a scenario can have one and never
    // deadlock, docs/runtime.md) never decides a verdict.
    const auto kind = finding_kind_named(f.kind);
    if (kind && !info(*kind).decides_verdict) continue;
    found.insert(f.kind);
    found_detail.insert(detail(f.kind, f.variable, f.property));
    if (!name_of(f).empty()) named.insert(f.kind + " " + name_of(f));
    if (!f.expected) v.problems.push_back(fmt::format("unexpected {}", f.summary));
  }
  const std::set<std::string> expected(e.kinds.begin(), e.kinds.end());
  std::set<std::string> expected_detail;
  for (const auto& k : expected) {
    const auto& names = names_for(e, k);
    if (names.empty()) {
      expected_detail.insert(k);
      if (!found.count(k)) v.problems.push_back(fmt::format("expected {}, not found in {} runs", k, runs));
      continue;
    }
    // Each name listed is reported on its own: "expected race on x, not found".
    for (const auto& name : names) {
      const bool race = k == spelling(FindingKind::race);
      const std::string what = race ? detail(k, name, {}) : detail(k, {}, name);
      expected_detail.insert(what);
      if (!named.count(k + " " + name)) v.problems.push_back(fmt::format("expected {}, not found in {} runs", what, runs));
    }
  }
  v.found.assign(found.begin(), found.end());
  v.expected.assign(expected.begin(), expected.end());
  v.found_detail.assign(found_detail.begin(), found_detail.end());
  v.expected_detail.assign(expected_detail.begin(), expected_detail.end());
  v.pass = v.problems.empty();
  return v;
}

Verdict judge(const Module& m, const ExploreResult& r) {
  std::vector<JudgedFinding> findings;
  for (const auto& ff : r.findings) {
    JudgedFinding f = judged(ff.finding);
    f.expected = is_expected(m, ff.finding);
    findings.push_back(std::move(f));
  }
  Verdict v = judge(findings, expectations(m), r.runs);
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
