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
};
Verdict judge(const std::vector<JudgedFinding>& findings, const std::vector<std::string>& expected_kinds,
              const std::vector<std::string>& expected_race_on, std::uint64_t runs);
bool is_expected(const Module& module, const Finding& finding);

// Whether a finding that only the stress runtime showed, on real threads, may decide a
// verdict: only with evidence that OS scheduling cannot fake (docs/runtime.md, "Verdicts").
bool stress_finding_decides(const Finding& finding);

}  // namespace interleave
