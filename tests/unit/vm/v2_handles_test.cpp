// Version 2 handles (docs/language.md, "Handles"): a sync object or atomic, or an element
// of an array of them, passed to parameters and held in locals. Operations through a handle
// reach the real object, which traces and findings name; a wrong kind is a load error.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "interleave/frontend.hpp"
#include "runtime_helpers.hpp"

namespace interleave::test {

namespace {
std::vector<std::string> load_errors(const std::string& text) {
  LoadResult r = load_text("t.scn", text);
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics.all()) out.push_back(d.message);
  return out;
}
}  // namespace

TEST_CASE("v2 handles: methods, with and wait through parameters and locals reach the real objects", "[v2][handles]") {
  const Module m = compile_text(R"(mutex locks[2]
atomic counts[2] = 0
queue q[2]
cond cv
shared ready = 0

fn bump(lock, counter, n):
    with lock:
        counter.fetch_add(n, release)

thread waiter(m, c, out):
    with m:
        while ready == 0:
            c.wait(m)
    out.put(7)

main:
    let w = spawn waiter(locks[1], cv, q)
    let k = 1
    bump(locks[k], counts[k], 5)
    let h = counts[0]
    h.store(3, relaxed)
    let guard = locks[1]
    with guard:
        ready = 1
        cv.notify_one()
    let got = q.get()
    join w
    ready = got

observe ready, counts[0], counts[1]
)");
  const RunResult r = run_default(m);
  REQUIRE(r.findings.empty());
  CHECK(r.observed == std::vector<std::int64_t>{7, 3, 5});
  const auto e = effects(r);
  CHECK(std::find(e.begin(), e.end(), "MainThread: lock locks[1]") != e.end());
  CHECK(std::find(e.begin(), e.end(), "MainThread: fetch_add counts[1] 5 -> 0 (release)") != e.end());
  CHECK(std::find(e.begin(), e.end(), "MainThread: store counts[0] <- 3 (relaxed)") != e.end());
  CHECK(std::find(e.begin(), e.end(), "Thread-1: put q <- 7") != e.end());
  // Passing a handle and holding one are not steps: no load of counts[k] before the fetch_add.
  CHECK(std::none_of(e.begin(), e.end(), [](const std::string& s) { return s.find("load counts") != std::string::npos; }));
}

TEST_CASE("v2 handles: a deadlock through handles names the array elements, not the parameters", "[v2][handles]") {
  const Module m = compile_text(R"(mutex locks[2]

fn transfer(first, second):
    with first:
        second.lock()
        second.unlock()

thread teller(a, b):
    transfer(locks[a], locks[b])

main:
    let x = spawn teller(0, 1)
    let y = spawn teller(1, 0)
    join x
    join y
)");
  std::set<std::string> found;
  ExecOptions o = traced();
  o.tsan = false;  // the deadlock itself, not TSan's lock-order report of the same inversion
  dfs_all(m, -1, o, [&](const RunResult& r) {
    for (const auto& f : r.findings) {
      std::string all = f.summary;
      for (const auto& d : f.details) all += "\n" + d;
      found.insert(all);
    }
  });
  REQUIRE(!found.empty());
  for (const auto& s : found) {
    CHECK(s.find("deadlock") == 0);
    CHECK(s.find("waits to lock locks[1]") != std::string::npos);
    CHECK(s.find("waits to lock locks[0]") != std::string::npos);
    CHECK(s.find("lock first") == std::string::npos);
    CHECK(s.find("lock second") == std::string::npos);
  }
}

TEST_CASE("v2 handles: an element index out of range is a crash when the handle is made", "[v2][handles]") {
  const Module m = compile_text("mutex locks[2]\n\nfn f(h):\n    h.lock()\n\nmain:\n    let i = 2\n    f(locks[i])\n");
  const RunResult r = run_default(m);
  const Finding& f = only_finding(r);
  CHECK(f.kind == FindingKind::crash);
  CHECK_THAT(f.summary, Catch::Contains("index 2 is out of range for locks (size 2)"));
  CHECK_THAT(f.summary, Catch::Contains("t.scn:8"));
}

TEST_CASE("v2 handles: the kind is inferred from the uses and checked at load time", "[v2][handles]") {
  CHECK(load_errors("mutex m\ncond c\n\nfn f(h):\n    h.lock()\n\nmain:\n    f(c)\n") ==
        std::vector<std::string>{"parameter 'h' of 'f' (used as a mutex) needs a mutex, but 'c' is a cond"});
  CHECK(load_errors("mutex m\n\nfn f(h):\n    h.wait(m)\n\nmain:\n    f(m)\n") ==
        std::vector<std::string>{"parameter 'h' of 'f' (used as a cond) needs a cond, but 'm' is a mutex"});
  CHECK(load_errors("mutex m\n\nfn f(h):\n    h.lock()\n    let x = h + 1\n\nmain:\n    f(m)\n") ==
        std::vector<std::string>{"'h' holds a mutex, not a value"});
  CHECK(load_errors("mutex m\n\nfn f(h):\n    h.lock()\n    h.notify_one()\n\nmain:\n    f(m)\n") ==
        std::vector<std::string>{"'h' is used as a cond here, but as a mutex at 4:5",
                                 "'notify_one' is not a method of mutex 'h'"});
  // Through a chain of calls: g's parameter is a mutex because it is passed on to f's.
  CHECK(load_errors("mutex m\natomic x = 0\n\nfn f(h):\n    h.lock()\n\nfn g(k):\n    f(k)\n\nmain:\n    g(x)\n") ==
        std::vector<std::string>{"parameter 'k' of 'g' (used as a mutex) needs a mutex, but 'x' is an atomic variable"});
  // A v1 call that passes an atomic's value keeps its meaning: the parameter is a value.
  CHECK(load_errors("atomic x = 0\n\nfn f(v):\n    return v + 1\n\nmain:\n    let y = f(x)\n").empty());
}

}  // namespace interleave::test
