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

#include "runtime_helpers.hpp"

namespace {

using namespace interleave;
using namespace interleave::test;

template <typename T>
T uniform(T lo, T hi_exclusive) {
  return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange<T>(lo, hi_exclusive));
}

// 2 or 3 threads of 1 to 3 operations on atomics x and y: stores, loads into the thread's
// own registers, fetch_add, exchange, cas and fences, with random orders.
std::string program(bool seq_cst_only) {
  static const char* const vars[] = {"x", "y"};
  static const char* const stores[] = {"relaxed", "release", "seq_cst"};
  static const char* const loads[] = {"relaxed", "acquire", "seq_cst"};
  static const char* const rmws[] = {"relaxed", "acquire", "release", "acq_rel", "seq_cst"};
  const int threads = uniform(2, 4);
  std::string decls = "atomic x = 0\natomic y = 0\n", body, observe = "x, y";
  for (int t = 0; t < threads; ++t) {
    body += "\nthread t" + std::to_string(t) + ":\n";
    const int ops = uniform(1, threads == 3 ? 3 : 4);  // small enough for DFS without reduction
    for (int k = 0; k < ops; ++k) {
      const std::string v = vars[uniform(0, 2)];
      const std::string value = std::to_string(uniform(1, 4));
      const std::string reg = "r" + std::to_string(t) + "_" + std::to_string(k);
      auto order = [&](const char* const* table, int n) { return seq_cst_only ? std::string("seq_cst") : std::string(table[uniform(0, n)]); };
      switch (uniform(0, 6)) {
        case 0:
        case 1: body += "    " + v + ".store(" + value + ", " + order(stores, 3) + ")\n"; break;
        case 2:
        case 3:
          decls += "shared " + reg + " = -1\n";
          observe += ", " + reg;
          body += "    " + reg + " = " + v + ".load(" + order(loads, 3) + ")\n";
          break;
        case 4: {
          decls += "shared " + reg + " = -1\n";
          observe += ", " + reg;
          const int rmw = uniform(0, 3);
          const std::string o = order(rmws, 5);
          if (rmw == 0) body += "    " + reg + " = " + v + ".fetch_add(" + value + ", " + o + ")\n";
          else if (rmw == 1) body += "    " + reg + " = " + v + ".exchange(" + value + ", " + o + ")\n";
          else body += "    " + reg + " = " + v + ".cas(" + std::to_string(uniform(0, 3)) + ", " + value + ", " + o + ")\n";
          break;
        }
        default: body += "    fence\n"; break;
      }
    }
  }
  return decls + body + "\nobserve " + observe + "\n";
}

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
    const std::string text = program(false);
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
    const std::string text = program(true);
    RC_LOG() << text;
    const Module m = compile_text(text);
    Outcomes sc, rc11;
    RC_PRE(outcomes(m, MemoryModel::sc, sc) && outcomes(m, MemoryModel::rc11, rc11));
    RC_LOG() << "sc: " << show(sc) << "\nrc11: " << show(rc11);
    RC_ASSERT(rc11 == sc);
  });
}
