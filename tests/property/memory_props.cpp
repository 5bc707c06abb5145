// Properties of the memory models on generated race-free programs (atomics, and registers
// that only their own thread writes): the x86 mapping of C++ atomics is sound, so
// outcomes(sc) ⊆ outcomes(tso) ⊆ outcomes(rc11); with only seq_cst atomics and fences,
// outcomes(rc11) = outcomes(sc). Outcomes are every register and every atomic's final
// value, over every schedule (DFS to the end).
#include <catch2/catch.hpp>
#include <rapidcheck/catch.h>

#include <set>
#include <string>
#include <vector>

#include "memory_programs.hpp"
#include "runtime_helpers.hpp"

namespace {

using namespace interleave;
using namespace interleave::test;

using Outcomes = std::set<std::vector<std::int64_t>>;

// Every outcome under `model`; false when DFS could not finish within the budget.
bool outcomes(const Module& m, MemoryModel model, Outcomes& out) {
  ExecOptions o;
  o.memory = model;
  o.detect_races = false;
  o.max_steps = 200;
  bool complete = false;
  dfs_all(
      m, -1, o,
      [&](const RunResult& r) {
        RC_ASSERT(r.findings.empty());
        out.insert(r.observed);
      },
      50'000, &complete);
  return complete;
}

std::string show(const Outcomes& o) {
  std::string s;
  for (const auto& t : o) {
    s += "(";
    for (std::size_t i = 0; i < t.size(); ++i) s += (i ? "," : "") + std::to_string(t[i]);
    s += ") ";
  }
  return s;
}

}  // namespace

TEST_CASE("memory models: outcomes(sc) ⊆ outcomes(tso) ⊆ outcomes(rc11) on race-free programs", "[property][memory]") {
  rc::prop("sc ⊆ tso ⊆ rc11", [] {
    const std::string text = memory_program(false);
    RC_LOG() << text;
    const Module m = compile_text(text);
    Outcomes sc, tso, rc11;
    RC_PRE(outcomes(m, MemoryModel::sc, sc) && outcomes(m, MemoryModel::tso, tso) && outcomes(m, MemoryModel::rc11, rc11));
    RC_LOG() << "sc: " << show(sc) << "\ntso: " << show(tso) << "\nrc11: " << show(rc11);
    RC_ASSERT(std::includes(tso.begin(), tso.end(), sc.begin(), sc.end()));
    RC_ASSERT(std::includes(rc11.begin(), rc11.end(), tso.begin(), tso.end()));
  });
}

TEST_CASE("memory models: with only seq_cst atomics, outcomes(rc11) = outcomes(sc)", "[property][memory]") {
  rc::prop("seq_cst only: rc11 = sc", [] {
    const std::string text = memory_program(true);
    RC_LOG() << text;
    const Module m = compile_text(text);
    Outcomes sc, rc11;
    RC_PRE(outcomes(m, MemoryModel::sc, sc) && outcomes(m, MemoryModel::rc11, rc11));
    RC_LOG() << "sc: " << show(sc) << "\nrc11: " << show(rc11);
    RC_ASSERT(rc11 == sc);
  });
}
