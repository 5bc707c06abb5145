// Verdicts: a scenario's findings against its `expect` lines, and which findings may take
// part. One set of rules serves a fresh exploration, `merge` and the stress pass.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "interleave/bytecode.hpp"
#include "interleave/explore.hpp"

namespace interleave {

// The verdict of one scenario: its findings against its `expect` lines.
struct Verdict {
  bool pass = false;
  std::vector<std::string> found;     // distinct kinds found, sorted ("race", "failure")
  std::vector<std::string> expected;  // distinct kinds expected (empty: clean)
  // The same, by name, for the headline: "race on x", "failure no_leak", "deadlock"
  // (sorted; a finding with a variable or a property name says it, whatever its kind).
  std::vector<std::string> found_detail;
  std::vector<std::string> expected_detail;
  std::vector<std::string> problems;  // why it fails: "unexpected deadlock", "expected race on x, not found"
};
Verdict judge(const Module& module, const ExploreResult& result);

// The verdict rules themselves, on plain data, so that a merged JSON report is judged by
// the same code as a fresh exploration.
struct JudgedFinding {
  std::string kind;      // "race", "failure"...
  std::string variable;  // races: the variable
  std::string summary;
  bool expected = false;
  std::string property;  // failures of a named property: its name
};
// What the `expect` lines ask for.
struct Expectations {
  std::vector<std::string> kinds;       // expected kinds (empty: clean)
  std::vector<std::string> race_on;     // `expect race on X, Y`: only these variables may race
  std::vector<std::string> failure_of;  // `expect failure P, Q`: only these properties may fail
};
Verdict judge(const std::vector<JudgedFinding>& findings, const Expectations& expectations, std::uint64_t runs);
Expectations expectations(const Module& module);
// How the headline names a finding: its kind, then " on VARIABLE" or " PROPERTY" when it has one.
std::string detail(const std::string& kind, const std::string& variable, const std::string& property);
bool is_expected(const Module& module, const Finding& finding);

// Whether a finding that only the stress runtime showed, on real threads, may decide a
// verdict: only with evidence that OS scheduling cannot fake (docs/runtime.md, "Verdicts").
bool stress_finding_decides(const Finding& finding);

}  // namespace interleave
