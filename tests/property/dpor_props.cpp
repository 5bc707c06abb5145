// Partial-order reduction must lose nothing: on generated programs, the reduced search
// (DporScheduler) finds exactly the findings (by key) and the observed outcomes that plain
// DFS finds over every schedule, under each memory model. Two generators: the agreement
// test's programs (spawn/join, mutexes, try_lock, conds, semaphores, queues, atomics with
// every order, fences, processes, races on purpose) and the memory-model programs
// (2 or 3 threads of atomics). 10 programs per rapidcheck case, 100 cases: 1,000 programs
// of each kind (fewer under sanitizers, see per_case).
#include <catch2/catch.hpp>
#include <rapidcheck/catch.h>

#include <set>
#include <string>
#include <vector>

#include "memory_programs.hpp"
#include "program_generator.hpp"
#include "runtime_helpers.hpp"

namespace {

using namespace interleave;
using namespace interleave::test;

struct Seen {
  std::set<std::string> keys;
  std::set<std::vector<std::int64_t>> outcomes;
  std::uint64_t runs = 0;
  bool complete = false;
};

ExecOptions options(MemoryModel model) {
  ExecOptions o;
  o.memory = model;
  o.tsan = false;  // the built-in detector only: the same in every build
  o.max_steps = 400;
  return o;
}

void note(Seen& s, const RunResult& r) {
  for (const auto& f : r.findings) s.keys.insert(f.key);
  if (r.finished) s.outcomes.insert(r.observed);
}

Seen by_dfs(const Module& m, MemoryModel model, std::uint64_t budget, int bound = -1) {
  Seen s;
  s.runs = dfs_all(m, bound, options(model), [&](const RunResult& r) { note(s, r); }, budget, &s.complete);
  return s;
}

Seen by_dpor(const Module& m, MemoryModel model, std::uint64_t budget, int bound = -1) {
  Seen s;
  DporScheduler dpor(bound);
  Execution e(m, options(model));
  while (s.runs < budget && dpor.new_run()) {
    ++s.runs;
    note(s, e.run(dpor));
  }
  s.complete = dpor.complete() || (s.runs == budget && !dpor.new_run());
  s.runs = dpor.executions();  // abandoned runs are not executions
  return s;
}

std::string show(const std::set<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += k + " ";
  return out;
}

const MemoryModel models[] = {MemoryModel::sc, MemoryModel::tso, MemoryModel::rc11};

// Programs per rapidcheck case: 10 (1,000 in all) in the default build; a sanitizer makes
// every run 5-20 times slower, so its builds compare 3 per case (300).
#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
constexpr int per_case = 3;
#else
constexpr int per_case = 10;
#endif
#else
constexpr int per_case = 10;
#endif

// Compares the two searches on one program; false when DFS could not finish.
bool agree(const std::string& text, MemoryModel model) {
  const Module m = compile_text(text);
  const Seen full = by_dfs(m, model, 10'000);
  if (!full.complete) return false;
  const Seen reduced = by_dpor(m, model, 10'000);
  RC_LOG() << text << "\nmodel " << spelling(model) << ": dfs " << full.runs << " runs, dpor " << reduced.runs
           << " runs\ndfs keys: " << show(full.keys) << "\ndpor keys: " << show(reduced.keys);
  RC_ASSERT(reduced.complete);
  RC_ASSERT(reduced.keys == full.keys);
  RC_ASSERT(reduced.outcomes == full.outcomes);
  // (Under tso, DFS offers a flush only where it can matter, a reduction of its own, and
  // DPOR offers every flush: their counts do not compare.)
  if (model != MemoryModel::tso) RC_ASSERT(reduced.runs <= full.runs);
  return true;
}

// The bounded reduced search on one program against bounded DFS (both at most `bound`
// preemptions, counted the same way), and the unbounded one against bounded DFS; false
// when DFS could not finish.
bool agree_bounded(const std::string& text, MemoryModel model, int bound) {
  const Module m = compile_text(text);
  const Seen full = by_dfs(m, model, 10'000, bound);
  if (!full.complete) return false;
  const Seen reduced = by_dpor(m, model, 10'000, bound);
  RC_LOG() << text << "\nmodel " << spelling(model) << ", bound " << bound << ": dfs " << full.runs
           << " runs, dpor " << reduced.runs << " runs\ndfs keys: " << show(full.keys)
           << "\ndpor keys: " << show(reduced.keys);
  RC_ASSERT(reduced.complete);
  // Every run it makes is within the bound, so what it finds, bounded DFS finds.
  for (const auto& k : reduced.keys) RC_ASSERT(full.keys.count(k) == 1u);
  for (const auto& o : reduced.outcomes) RC_ASSERT(full.outcomes.count(o) == 1u);
  // Equality holds without yields. With them it may not (a known gap, docs/runtime.md):
  // who runs after a yield is forced, so the switch the conservative backtracking relies
  // on can cost a preemption elsewhere.
  if (text.find("yield") == std::string::npos) {
    RC_ASSERT(reduced.keys == full.keys);
    RC_ASSERT(reduced.outcomes == full.outcomes);
  }
  RC_ASSERT(reduced.runs <= full.runs);
  // The unbounded reduced search must find at least what the bounded DFS finds: this
  // reaches the programs whose full DFS is too big to compare with (often those where a
  // deadlock or a crash stops runs early).
  const Seen unbounded = by_dpor(m, model, 20'000);
  if (unbounded.complete)
    for (const auto& k : full.keys) RC_ASSERT(unbounded.keys.count(k) == 1u);
  return true;
}

}  // namespace

TEST_CASE("dpor: the same findings and outcomes as DFS on generated programs", "[property][dpor]") {
  rc::prop("dpor = dfs (agreement programs, every model)", [] {
    const auto first = *rc::gen::inRange<std::uint64_t>(0, 1'000'000'000);
    int compared = 0;
    for (std::uint64_t k = 0; k < per_case; ++k) {
      const GeneratedProgram p = generate_program(first + k);
      compared += agree(p.text, models[(first + k) % 3]) ? 1 : 0;
    }
    RC_TAG(compared);
  });
}

TEST_CASE("dpor: the same outcomes as DFS on atomics programs", "[property][dpor]") {
  rc::prop("dpor = dfs (memory-model programs, every model)", [] {
    for (int k = 0; k < per_case; ++k) {
      const std::string text = memory_program(*rc::gen::arbitrary<bool>());
      for (MemoryModel model : models) agree(text, model);
    }
  });
}

// Bounded: tso is left out because DFS offers fewer flushes than DPOR there (see agree).
TEST_CASE("dpor: with a preemption bound, the same findings and outcomes as bounded DFS", "[property][dpor]") {
  rc::prop("dpor(pb=k) = dfs(k) (agreement programs, sc and rc11, k = 0, 1, 2)", [] {
    const auto first = *rc::gen::inRange<std::uint64_t>(0, 1'000'000'000);
    int compared = 0;
    for (std::uint64_t k = 0; k < per_case; ++k) {
      const GeneratedProgram p = generate_program(first + k);
      const MemoryModel model = (first + k) % 2 == 0 ? MemoryModel::sc : MemoryModel::rc11;
      compared += agree_bounded(p.text, model, static_cast<int>((first + k) % 3)) ? 1 : 0;
    }
    RC_TAG(compared);
  });
}

namespace {

// v2 heap programs: two threads share a block through an atomic `slot` and write, read,
// free and replace it, so that use after free, double free, races on heap cells and leaks
// all occur; the allocator's footprint and the cells' must keep DPOR exact.
std::string heap_program() {
  const bool atomic_cells = *rc::gen::arbitrary<bool>();
  std::string text = "atomic slot = 0\n\n";
  for (int t = 0; t < 2; ++t) {
    text += "thread t" + std::to_string(t) + ":\n";
    const int ops = *rc::gen::inRange(1, 4);
    for (int i = 0; i < ops; ++i) {
      const std::string q = "q" + std::to_string(i);
      switch (*rc::gen::inRange(0, 5)) {
        case 0: text += "    let " + q + " = slot.load()\n    if " + q + " != 0:\n        " + q + "[0] = " + std::to_string(i + 1) + "\n"; break;
        case 1: text += "    let " + q + " = slot.load()\n    if " + q + " != 0:\n        let v" + std::to_string(i) + " = " + q + "[0]\n"; break;
        case 2: text += "    let " + q + " = slot.load()\n    if " + q + " != 0:\n        free(" + q + ")\n"; break;
        case 3: text += std::string("    slot.store(") + (atomic_cells ? "alloc_atomic" : "alloc") + "(1))\n"; break;
        default: text += "    let " + q + " = slot.exchange(0)\n    if " + q + " != 0:\n        free(" + q + ")\n"; break;
      }
    }
  }
  text += std::string("\nmain:\n    slot.store(") + (atomic_cells ? "alloc_atomic" : "alloc") +
          "(1))\n    let a = spawn t0()\n    let b = spawn t1()\n    join a\n    join b\n";
  return text;
}

}  // namespace

TEST_CASE("dpor: the same findings as DFS on heap programs", "[property][dpor]") {
  rc::prop("dpor = dfs (heap programs, every model)", [] {
    for (int k = 0; k < per_case; ++k) {
      const std::string text = heap_program();
      agree(text, models[static_cast<std::size_t>(k) % 3]);
    }
  });
}
