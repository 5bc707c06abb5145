// The reduced search (DporScheduler): one run per class of equivalent interleavings, the
// exact counts, and nothing lost: every finding kind is still found, and the schedule of
// any run it makes replays strictly to the same run.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "interleave/explore.hpp"
#include "runtime_helpers.hpp"

using namespace interleave;
using namespace interleave::test;

namespace {

struct Explored {
  std::uint64_t executions = 0, pruned = 0;
  std::set<std::string> keys;
  std::set<std::vector<std::int64_t>> outcomes;
  std::vector<std::pair<Schedule, std::string>> witnesses;  // a schedule per finding key
};

Explored dpor_all(const Module& m, ExecOptions o = {}) {
  o.tsan = false;
  DporScheduler dpor;
  Execution e(m, o);
  Explored out;
  std::uint64_t runs = 0;
  while (dpor.new_run()) {
    REQUIRE(++runs < 1'000'000);
    const RunResult r = e.run(dpor);
    for (const auto& f : r.findings)
      if (out.keys.insert(f.key).second) out.witnesses.emplace_back(r.schedule, f.key);
    if (r.finished) out.outcomes.insert(r.observed);
    CHECK_FALSE((r.pruned && r.finished));
  }
  CHECK(dpor.complete());
  out.executions = dpor.executions();
  out.pruned = dpor.pruned();
  CHECK(out.executions + out.pruned == runs);
  return out;
}

std::string locked(int threads, int iterations) {
  std::string s = "shared balance = 0\nmutex lock\n\nthread worker(n):\n    repeat " + std::to_string(iterations) +
                  ":\n        with lock:\n            balance = balance + n\n            balance = balance - n\n\nmain:\n";
  for (int k = 0; k < threads; ++k) s += "    let t" + std::to_string(k) + " = spawn worker(" + std::to_string(k + 1) + ")\n";
  for (int k = 0; k < threads; ++k) s += "    join t" + std::to_string(k) + "\n";
  return s + "\nfinal balance == 0\n";
}

ExecOptions with(MemoryModel model) {
  ExecOptions o;
  o.memory = model;
  return o;
}

}  // namespace

TEST_CASE("dpor: one execution per order of the critical sections (the multinomial)", "[dpor]") {
  for (MemoryModel model : {MemoryModel::sc, MemoryModel::tso, MemoryModel::rc11}) {
    CAPTURE(spelling(model));
    const Explored two = dpor_all(compile_text(locked(2, 5)), with(model));
    CHECK(two.executions == 252);  // 10! / (5! 5!)
    CHECK(two.pruned == 0);
    CHECK(two.keys.empty());
    CHECK(dpor_all(compile_text(locked(3, 3)), with(model)).executions == 1680);  // 9! / (3!)^3
    CHECK(dpor_all(compile_text(locked(4, 2)), with(model)).executions == 2520);  // 8! / (2!)^4
  }
}

TEST_CASE("dpor: threads that share nothing are one execution", "[dpor]") {
  const Module m = compile_text(R"(shared a = 0
shared b = 0
shared c = 0

thread one:
    a = 1
    a = a + 1

thread two:
    b = 1
    b = b + 1

thread three:
    c = 1
)");
  const Explored e = dpor_all(m);
  CHECK(e.executions == 1);
  // Plain DFS runs every interleaving of 4, 4 and 2 steps (ends included): 10! / (4! 4! 2!).
  CHECK(dfs_all(m, -1, ExecOptions{}, [](const RunResult&) {}) == 3150);
}

TEST_CASE("dpor: store buffering has 3 executions under sc, and the weak outcome only under rc11 and tso", "[dpor]") {
  const Module m = compile_text(R"(atomic x = 0
atomic y = 0
shared r0 = 0
shared r1 = 0

thread t0:
    x.store(1, relaxed)
    r0 = y.load(relaxed)

thread t1:
    y.store(1, relaxed)
    r1 = x.load(relaxed)

observe r0, r1
)");
  const Explored sc = dpor_all(m, with(MemoryModel::sc));
  CHECK(sc.executions == 3);
  CHECK(sc.outcomes == std::set<std::vector<std::int64_t>>{{0, 1}, {1, 0}, {1, 1}});
  for (MemoryModel model : {MemoryModel::tso, MemoryModel::rc11}) {
    CAPTURE(spelling(model));
    CHECK(dpor_all(m, with(model)).outcomes == std::set<std::vector<std::int64_t>>{{0, 0}, {0, 1}, {1, 0}, {1, 1}});
  }
}

TEST_CASE("dpor: every finding kind is found, and each witness replays strictly", "[dpor]") {
  const char* const programs[] = {
      // a race and a final failure
      R"(shared balance = 0

thread run_thread(n):
    balance = balance + n
    balance = balance - n

main:
    let t1 = spawn run_thread(5)
    let t2 = spawn run_thread(8)
    join t1
    join t2

final balance == 0
)",
      // a deadlock that needs one order of two locks
      forced_lock_order_deadlock,
      // an `always` violation that only some interleavings of independent writes show:
      // the property's reads make those writes dependent
      R"(shared x = 0
shared y = 0

thread one:
    x = 1
    x = 0

thread two:
    y = 1
    y = 0

always x + y < 2
)",
      // a lost wakeup: the notify before the wait
      R"(shared ready = 0
mutex m
cond c

thread waiter:
    with m:
        if ready == 0:
            c.wait(m)

thread notifier:
    ready = 1
    c.notify_one()
)",
      // an assert that needs the increment between the check and the use
      R"(atomic n = 0

thread a:
    if n.load() == 0:
        assert n.load() == 0

thread b:
    n.fetch_add(1)
)",
  };
  const std::set<std::string> kinds[] = {{"race:balance", "failure:final:13"}, {"deadlock"}, {"failure:always:12"},
                                         {"deadlock"}, {"failure:assert:5"}};
  for (std::size_t k = 0; k < std::size(programs); ++k) {
    CAPTURE(k);
    const Module m = compile_text(programs[k]);
    const Explored e = dpor_all(m);
    std::set<std::string> full;
    dfs_all(m, -1, ExecOptions{.tsan = false}, [&](const RunResult& r) {
      for (const auto& f : r.findings) full.insert(f.key);
    });
    CHECK(e.keys == full);
    for (const auto& want : kinds[k]) {
      const bool seen = std::any_of(e.keys.begin(), e.keys.end(), [&](const std::string& key) { return key.rfind(want, 0) == 0; });
      CHECK(seen);
    }
    for (const auto& witness : e.witnesses) {
      const RunResult r = replay(m, witness.first, ExecOptions{}, true);
      const std::string& key = witness.second;
      CHECK(std::any_of(r.findings.begin(), r.findings.end(), [&](const Finding& f) { return f.key == key; }));
    }
  }
}

TEST_CASE("dpor: a spin loop that yields is explored to its end", "[dpor]") {
  const Module m = compile_text(R"(atomic flag = 0
shared data = 0

thread producer:
    data = 42
    flag.store(1, release)

thread consumer:
    while flag.load(acquire) == 0:
        yield
    assert data == 42
)");
  for (MemoryModel model : {MemoryModel::sc, MemoryModel::tso, MemoryModel::rc11}) {
    CAPTURE(spelling(model));
    const Explored e = dpor_all(m, with(model));
    CHECK(e.keys.empty());
    CHECK(e.executions >= 2);
  }
}

TEST_CASE("dpor: the portfolio proves a clean scenario with the reduced search and says how", "[dpor]") {
  ExploreOptions o;
  o.max_runs = 20'000;
  const ExploreResult r = explore(compile_text(locked(3, 3)), o);
  CHECK(r.exhaustive);
  CHECK(r.runs == 1680);
  CHECK(r.executions == 1680);
  CHECK(r.strategy == "dpor: all 1680 executions explored");
}

// A finding that stops a run early must not hide the orders in which the threads that had
// not finished go first. Each program has a finding that needs such an order; DFS finds all.
TEST_CASE("dpor: a run stopped by a finding still leads to the orders where the others go first", "[dpor]") {
  const char* const programs[] = {
      // The assert fails (ending the run) in the step that reads y, before t2 ever runs;
      // only t2 first breaks the final property.
      R"(shared y = 0
shared z = 0

thread t1:
    let a = y
    assert a == 1

thread t2:
    y = 1
    z = 1

final z == 0
)",
      // A lock-order inversion deadlocks in the first order the search reverses; the race
      // on v needs t2 to take both locks before t1 takes its first.
      R"(shared v = 0
shared w = 0
mutex la
mutex lb

thread t1:
    v = 5
    with la:
        with lb:
            w = w + 1

thread t2:
    with lb:
        with la:
            w = w + 1
    v = v + 4
)",
  };
  for (const char* text : programs) {
    const Module m = compile_text(text);
    std::set<std::string> by_dfs;
    ExecOptions o;
    o.tsan = false;
    dfs_all(m, -1, o, [&](const RunResult& r) {
      for (const auto& f : r.findings) by_dfs.insert(f.key);
    });
    INFO(text);
    REQUIRE(by_dfs.size() >= 2);
    CHECK(dpor_all(m).keys == by_dfs);
  }
}

TEST_CASE("dpor: with a preemption bound, every run stays within it and finds what bounded DFS finds", "[dpor]") {
  // The classic thread pool whose main blocks on a full queue once both workers have left:
  // the deadlock needs an early switch, which a depth-first search without a bound reaches
  // late.
  const Module m = compile_text(R"(shared done = 0
queue jobs[2]

thread worker:
    if jobs.size() == 0:
        return
    let j = jobs.get()
    done = done + j

main:
    let a = spawn worker()
    let b = spawn worker()
    jobs.put(1)
    jobs.put(2)
    jobs.put(3)
    join a
    join b
)");
  for (int bound = 0; bound <= 2; ++bound) {
    ExecOptions o;
    o.tsan = false;
    std::set<std::string> by_dfs;
    const std::uint64_t dfs_runs = dfs_all(m, bound, o, [&](const RunResult& r) {
      for (const auto& f : r.findings) by_dfs.insert(f.key);
    });
    DporScheduler dpor(bound);
    Execution e(m, o);
    std::set<std::string> keys;
    std::uint64_t runs = 0;
    while (dpor.new_run()) {
      REQUIRE(++runs < 100'000);
      const RunResult r = e.run(dpor);
      CHECK(r.preemptions <= static_cast<unsigned>(bound));
      for (const auto& f : r.findings) keys.insert(f.key);
    }
    INFO("bound " << bound);
    CHECK(dpor.complete());
    CHECK(keys == by_dfs);
    CHECK(dpor.executions() <= dfs_runs);
    CHECK(dpor.name() == "dpor(pb=" + std::to_string(bound) + ")");
  }
}
