// Version 2 arrays of objects (docs/language.md, "Arrays of objects"): `mutex locks[N]`,
// `atomic flags[N] = 0`, `cond cvs[N]`, `semaphore slots[N] = 1`, `queue inbox[N][CAP]`,
// reached by a run-time index; each element is an object of its own, named NAME[k] in
// traces and findings, and an index out of range is a crash.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "runtime_helpers.hpp"

namespace interleave::test {

TEST_CASE("v2 arrays: each element is an object named NAME[k]", "[v2][arrays]") {
  const Module m = compile_text(R"(mutex locks[3]
atomic flags[2] = 7
cond cvs[2]
semaphore slots[2] = 1
queue inbox[2][4]

main:
    yield
)");
  CHECK(m.mutexes == std::vector<std::string>{"locks[0]", "locks[1]", "locks[2]"});
  REQUIRE(m.atomics.size() == 2);
  CHECK(m.atomics[1].name == "flags[1]");
  CHECK(m.atomics[1].init == 7);
  CHECK(m.conds == std::vector<std::string>{"cvs[0]", "cvs[1]"});
  CHECK(m.semaphore_init == std::vector<std::int64_t>{1, 1});
  CHECK(m.queues == std::vector<std::string>{"inbox[0]", "inbox[1]"});
  CHECK(m.queue_capacity == std::vector<std::int64_t>{4, 4});
}

TEST_CASE("v2 arrays: methods, with, reads and writes reach the element the index names", "[v2][arrays]") {
  const Module m = compile_text(R"(mutex locks[2]
atomic flags[3] = 0
queue inbox[2][2]
shared got = 0
shared sum = 0

main:
    let i = 2
    flags[i] = 5
    flags[1].store(4, release)
    with locks[i - 1]:
        inbox[i - 1].put(flags[i] + flags[1].load(acquire))
    got = inbox[1].get()
    sum = flags[0] + flags[1] + flags[2]

observe got, sum
)");
  const RunResult r = run_default(m);
  REQUIRE(r.findings.empty());
  CHECK(r.observed == std::vector<std::int64_t>{9, 9});
  const auto e = effects(r);
  CHECK(e[0] == "MainThread: store flags[2] <- 5 (seq_cst)");
  CHECK(std::find(e.begin(), e.end(), "MainThread: lock locks[1]") != e.end());
  CHECK(std::find(e.begin(), e.end(), "MainThread: put inbox[1] <- 9") != e.end());
}

TEST_CASE("v2 arrays: an index out of range is a crash that names the array", "[v2][arrays]") {
  const Module m = compile_text("mutex locks[2]\n\nmain:\n    let i = 2\n    locks[i].lock()\n");
  const RunResult r = run_default(m);
  const Finding& f = only_finding(r);
  CHECK(f.kind == FindingKind::crash);
  CHECK_THAT(f.summary, Catch::Contains("index 2 is out of range for locks (size 2)"));
  CHECK_THAT(f.summary, Catch::Contains("t.scn:5"));
}

TEST_CASE("v2 arrays: per-account locks in transfer order deadlock on named elements", "[v2][arrays]") {
  const Module m = compile_text(R"(mutex locks[2]
shared balance[2] = 100

thread transfer(from, to):
    with locks[from]:
        with locks[to]:
            balance[from] = balance[from] - 1
            balance[to] = balance[to] + 1

main:
    let a = spawn transfer(0, 1)
    let b = spawn transfer(1, 0)
    join a
    join b
)");
  std::set<std::string> found;
  dfs_all(m, -1, traced(), [&](const RunResult& r) { for (const auto& f : r.findings) { std::string all = f.summary; for (const auto& d : f.details) all += "\n" + d; found.insert(all); } });
  REQUIRE(found.size() >= 1);
  bool named = false;
  for (const auto& s : found) named = named || (s.find("deadlock") == 0 && s.find("locks[0]") != std::string::npos &&
                                                s.find("locks[1]") != std::string::npos);
  CHECK(named);
}

TEST_CASE("v2 arrays: cond elements wait with mutex elements", "[v2][arrays]") {
  const Module m = compile_text(R"(mutex ms[2]
cond cvs[2]
shared ready[2] = 0

thread waiter(k):
    with ms[k]:
        while ready[k] == 0:
            cvs[k].wait(ms[k])

main:
    let w = spawn waiter(1)
    with ms[1]:
        ready[1] = 1
        cvs[1].notify_one()
    join w
)");
  bool complete = false;
  std::uint64_t findings = 0;
  dfs_all(m, -1, traced(), [&](const RunResult& r) { findings += r.findings.size(); }, 100000, &complete);
  CHECK(complete);
  CHECK(findings == 0);
}

}  // namespace interleave::test
