// Version 2 heap (docs/language.md, "Heap"): alloc, alloc_atomic, p[i], free. Each is a
// step; misuse is a `memory` finding with the access, allocation and free sites; freed
// blocks are reused most recent first.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "interleave/explore.hpp"
#include "runtime_helpers.hpp"

namespace interleave::test {

TEST_CASE("v2 heap: alloc, reads, writes and free are steps traced with addresses", "[v2][heap]") {
  const Module m = compile_text(R"(shared out = 0

main:
    let p = alloc(2)
    p[1] = 5
    out = p[1] + p[0]
    free(p)
    let q = alloc(2)
    let a = alloc_atomic(1)
    a[0].fetch_add(3, release)
    out = out + a[0].load(acquire) + q - p
    free(q)
    free(a)

observe out
)");
  CHECK(m.heap_cells == heap_pool_cells);
  const RunResult r = run_default(m);
  REQUIRE(r.findings.empty());
  CHECK(r.observed == std::vector<std::int64_t>{8});  // 5 + 0 + 3, and q reuses p's address
  const auto e = effects(r);
  CHECK(e[0] == "MainThread: alloc(2) -> 1000");
  CHECK(e[1] == "MainThread: write heap[1001] <- 5");
  CHECK(e[2] == "MainThread: read heap[1001] -> 5");
  CHECK(e[3] == "MainThread: read heap[1000] -> 0");
  CHECK(e[5] == "MainThread: free heap[1000] (2 cells)");
  CHECK(e[6] == "MainThread: alloc(2) -> 1000");
  CHECK(e[7] == "MainThread: alloc_atomic(1) -> 3000");
  CHECK(e[8] == "MainThread: fetch_add heap[3000] 3 -> 0 (release)");
}

TEST_CASE("v2 heap: a scenario without alloc has no heap", "[v2][heap]") {
  CHECK(compile_text("shared x = 0\n\nmain:\n    x = 1\n").heap_cells == 0);
}

TEST_CASE("v2 heap: use after free names the access, the allocation and the free", "[v2][heap]") {
  const Module m = compile_text("main:\n    let p = alloc(1)\n    free(p)\n    let v = p[0]\n");
  const RunResult r = run_default(m);
  const Finding& f = only_finding(r);
  CHECK(f.kind == FindingKind::memory);
  CHECK(f.summary == "heap-use-after-free: read of heap[1000] by MainThread at t.scn:4");
  REQUIRE(f.details.size() == 4);
  CHECK(f.details[0] == "read of heap[1000] by MainThread at t.scn:4 (step 3): let v = p[0]");
  CHECK(f.details[1] == "the block is heap[1000] .. heap[1000] (1 cell)");
  CHECK(f.details[2] == "allocated by MainThread at t.scn:2 (step 1): let p = alloc(1)");
  CHECK(f.details[3] == "freed by MainThread at t.scn:3 (step 2): free(p)");
  CHECK(f.key == "memory:heap-use-after-free:4");
}

TEST_CASE("v2 heap: double free, bad free, overflow, null and wild pointers", "[v2][heap]") {
  auto one = [](const std::string& body) { return only_finding(run_default(compile_text("main:\n" + body))); };
  const Finding dbl = one("    let p = alloc(1)\n    free(p)\n    free(p)\n");
  CHECK(dbl.summary == "double-free: free of heap[1000] by MainThread at t.scn:4");
  CHECK(dbl.details.back() == "freed by MainThread at t.scn:3 (step 2): free(p)");
  CHECK(one("    let p = alloc(2)\n    free(p + 1)\n").summary ==
        "bad-free: free of heap[1001] (inside a block, at offset 1) by MainThread at t.scn:3");
  CHECK(one("    free(7)\n").summary == "bad-free: free of 7 (an address no alloc gave) by MainThread at t.scn:2");
  CHECK(one("    let p = alloc(2)\n    p[2] = 1\n").summary ==
        "heap-buffer-overflow: write of 1000[2] (offset 2 of a 2-cell block) by MainThread at t.scn:3");
  CHECK(one("    let p = 0\n    let v = p[0]\n").summary ==
        "null-dereference: read of 0[0] (the null pointer) by MainThread at t.scn:3");
  CHECK(one("    let p = 1500\n    p[0] = 1\n").summary ==
        "wild-pointer: write through 1500 (an address no alloc gave) by MainThread at t.scn:3");
  const Finding plain = one("    let p = alloc(1)\n    p[0].fetch_add(1)\n    free(p)\n");
  CHECK(plain.kind == FindingKind::crash);
  CHECK_THAT(plain.summary, Catch::Contains("fetch_add() on heap[1000], a plain cell"));
  // free(0) does nothing, as in C.
  CHECK(run_default(compile_text("main:\n    free(0)\n")).findings.empty());
}

TEST_CASE("v2 heap: a block never freed is a leak at the end of the run", "[v2][heap]") {
  const RunResult r = run_default(compile_text("main:\n    let p = alloc(3)\n    let q = alloc_atomic(1)\n    free(p)\n    let s = alloc(1)\n"));
  REQUIRE(r.finished);
  const Finding& f = only_finding(r);
  CHECK(f.kind == FindingKind::memory);
  CHECK(f.summary == "leak: 2 blocks (2 cells) never freed");
  CHECK(f.details[0] == "heap[3000] (1 cell) allocated by MainThread at t.scn:3 (step 2): let q = alloc_atomic(1)");
  CHECK(f.details[1] == "heap[1003] (1 cell) allocated by MainThread at t.scn:5 (step 4): let s = alloc(1)");
  CHECK(f.key == "memory:leak:3");
}

TEST_CASE("v2 heap: freed blocks are reused most recent first, per size (ABA)", "[v2][heap]") {
  const Module m = compile_text(R"(shared a = 0
shared b = 0
shared c = 0

main:
    let p = alloc(1)
    let q = alloc(1)
    let big = alloc(2)
    free(p)
    free(q)
    free(big)
    a = alloc(1)
    b = alloc(1)
    c = alloc(2)
    let x = a
    free(x)
    x = b
    free(x)
    x = c
    free(x)

observe a, b, c
)");
  const RunResult r = run_default(m);
  REQUIRE(r.findings.empty());
  CHECK(r.observed == std::vector<std::int64_t>{1001, 1000, 1002});
}

TEST_CASE("v2 heap: plain cells race; atomic cells and the allocator order", "[v2][heap]") {
  const Module racy = compile_text(R"(thread w(p):
    p[0] = 1

main:
    let p = alloc(1)
    let t = spawn w(p)
    p[0] = 2
    join t
    free(p)
)");
  bool raced = false;
  dfs_all(racy, -1, traced(), [&](const RunResult& r) {
    for (const auto& f : r.findings) raced = raced || (f.kind == FindingKind::race && f.summary == "race on heap[1000]");
  });
  CHECK(raced);
  const Module atomic = compile_text(R"(thread w(p):
    p[0] = 1

main:
    let p = alloc_atomic(1)
    let t = spawn w(p)
    p[0] = 2
    join t
    free(p)
)");
  std::uint64_t findings = 0;
  bool complete = false;
  dfs_all(atomic, -1, traced(), [&](const RunResult& r) { findings += r.findings.size(); }, 100000, &complete);
  CHECK(complete);
  CHECK(findings == 0);
}

TEST_CASE("v2 heap: DPOR finds the use after free that DFS finds", "[v2][heap][dpor]") {
  const Module m = compile_text(R"(atomic ptr = 0

thread reader:
    let p = ptr.load()
    if p != 0:
        let v = p[0]

main:
    let p = alloc(1)
    ptr.store(p)
    let t = spawn reader()
    ptr.store(0)
    free(p)
    join t
)");
  bool dfs_uaf = false;
  dfs_all(m, -1, traced(), [&](const RunResult& r) {
    for (const auto& f : r.findings) dfs_uaf = dfs_uaf || f.key == "memory:heap-use-after-free:6";
  });
  CHECK(dfs_uaf);
  DporScheduler dpor;
  ExecOptions o;
  o.tsan = false;
  Execution ex(m, o);
  bool dpor_uaf = false;
  for (int runs = 0; runs < 1000 && dpor.new_run(); ++runs) {
    const RunResult r = ex.run(dpor);
    for (const auto& f : r.findings) dpor_uaf = dpor_uaf || f.key == "memory:heap-use-after-free:6";
  }
  CHECK(dpor.complete());
  CHECK(dpor_uaf);
}

}  // namespace interleave::test
