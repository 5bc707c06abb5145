// Version 2 operations (docs/language.md, "Version 2"): the fetch RMWs, bitwise operators,
// compare_exchange(_weak), fences with an order and the queue's try_put/try_get/size/close,
// in the controlled runtime and under every memory model.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <limits>
#include <set>

#include "runtime_helpers.hpp"

namespace interleave::test {

namespace {

constexpr MemoryModel all_models[] = {MemoryModel::sc, MemoryModel::tso, MemoryModel::rc11};

ExecOptions under(MemoryModel mm) {
  ExecOptions o;
  o.memory = mm;
  return o;
}

// Every observe tuple of a finished run under exhaustive DFS, which must complete.
std::set<std::vector<std::int64_t>> outcomes(const Module& m, MemoryModel mm) {
  std::set<std::vector<std::int64_t>> seen;
  bool complete = false;
  dfs_all(m, -1, under(mm), [&](const RunResult& r) { if (r.finished) seen.insert(r.observed); }, 1'000'000, &complete);
  REQUIRE(complete);
  return seen;
}

// Every finding summary under exhaustive DFS.
std::set<std::string> all_findings(const Module& m, MemoryModel mm) {
  std::set<std::string> seen;
  bool complete = false;
  dfs_all(m, -1, under(mm), [&](const RunResult& r) { for (const auto& f : r.findings) seen.insert(f.summary); },
          1'000'000, &complete);
  REQUIRE(complete);
  return seen;
}

}  // namespace

TEST_CASE("v2: fetch_sub, fetch_and, fetch_or and fetch_xor give the old value and wrap", "[v2][atomic]") {
  const Module m = compile_text(R"(atomic x = 12
atomic w = -9223372036854775808
shared r1 = 0
shared r2 = 0
shared r3 = 0
shared r4 = 0
shared r5 = 0

main:
    r1 = x.fetch_sub(2)
    r2 = x.fetch_and(7, relaxed)
    r3 = x.fetch_or(16, release)
    r4 = x.fetch_xor(1, acq_rel)
    r5 = w.fetch_sub(1, acquire)

observe r1, r2, r3, r4, r5, x, w
)");
  for (MemoryModel mm : all_models) {
    INFO(spelling(mm));
    CHECK(outcomes(m, mm) == std::set<std::vector<std::int64_t>>{
                                 {12, 10, 2, 18, std::numeric_limits<std::int64_t>::min(), 19,
                                  std::numeric_limits<std::int64_t>::max()}});
  }
  const RunResult r = run_default(m);
  CHECK(effects(r)[0] == "MainThread: fetch_sub x 2 -> 12 (seq_cst)");
  CHECK(effects(r)[2] == "MainThread: fetch_and x 7 -> 10 (relaxed)");
}

TEST_CASE("v2: concurrent fetch_sub never loses an update under any model", "[v2][atomic]") {
  const Module m = compile_text(R"(atomic n = 2

thread a:
    n.fetch_sub(1, relaxed)

thread b:
    n.fetch_sub(1, relaxed)

observe n
)");
  for (MemoryModel mm : all_models) CHECK(outcomes(m, mm) == std::set<std::vector<std::int64_t>>{{0}});
}

TEST_CASE("v2: bitwise operators have C's values and precedence; shifts are C++20's", "[v2][bitwise]") {
  const Module m = compile_text(R"(shared r = 0
shared s = 0
shared t = 0
shared u = 0
shared v = 0
shared w = 0

main:
    let x = 12
    r = 1 | 2 ^ 3 & 6
    s = ~x
    t = -8 >> 1
    u = 1 << 63
    v = 3 << 62
    w = x & 4 | 1 << 2 + 1

observe r, s, t, u, v, w
)");
  const RunResult res = run_default(m);
  REQUIRE(res.findings.empty());
  // 1 | (2 ^ (3 & 6)) = 1 | (2 ^ 2) = 1; ~12 = -13; arithmetic right shift; bits shifted out are lost;
  // (12 & 4) | (1 << 3) = 12.
  CHECK(res.observed == std::vector<std::int64_t>{1, -13, -4, std::numeric_limits<std::int64_t>::min(),
                                                  std::numeric_limits<std::int64_t>::min() + (std::int64_t{1} << 62), 12});
}

TEST_CASE("v2: a shift by a negative amount or by 64 or more is a crash that names the amount", "[v2][bitwise]") {
  for (const auto& [amount, text] : {std::pair{"64", "shift by 64: the amount must be 0 to 63"},
                                     std::pair{"-1", "shift by -1: the amount must be 0 to 63"}}) {
    const Module m = compile_text(std::string("shared r = 0\n\nmain:\n    let n = ") + amount + "\n    r = 1 << n\n");
    const RunResult res = run_default(m);
    const Finding& f = only_finding(res);
    CHECK(f.kind == FindingKind::crash);
    CHECK_THAT(f.summary, Catch::Contains(text));
    CHECK_THAT(f.summary, Catch::Contains("t.scn:5"));
  }
  const Module shr = compile_text("shared r = 0\n\nmain:\n    let n = 99\n    r = -1 >> n\n");
  CHECK_THAT(only_finding(run_default(shr)).summary, Catch::Contains("shift by 99"));
}

TEST_CASE("v2: compare_exchange gives the value it saw and stores only when it equals expected", "[v2][atomic]") {
  const Module m = compile_text(R"(atomic x = 5
shared a = 0
shared b = 0

main:
    a = x.compare_exchange(5, 7)
    b = x.compare_exchange(5, 9, acq_rel, acquire)

observe a, b, x
)");
  for (MemoryModel mm : all_models) CHECK(outcomes(m, mm) == std::set<std::vector<std::int64_t>>{{5, 7, 7}});
  const RunResult r = run_default(m);
  CHECK(effects(r)[0] == "MainThread: compare_exchange x 5 -> 7 succeeded (seq_cst)");
  CHECK(effects(r)[2] == "MainThread: compare_exchange x 5 -> 9 failed, was 7 (acquire)");
}

TEST_CASE("v2: compare_exchange_weak gives a status and writes the value it saw back into its local",
          "[v2][atomic]") {
  const Module m = compile_text(R"(atomic x = 5
shared a = 0
shared b = 0

main:
    let seen = 3
    a = x.compare_exchange_weak(seen, 9, acq_rel)
    b = seen

observe a, b, x
)");
  for (MemoryModel mm : all_models) CHECK(outcomes(m, mm) == std::set<std::vector<std::int64_t>>{{0, 5, 5}});
  CHECK(effects(run_default(m))[0] == "MainThread: compare_exchange_weak x 3 -> 9 failed, was 5 (acquire)");
}

TEST_CASE("v2: compare_exchange_weak retry loops count every increment under every model", "[v2][atomic]") {
  const Module m = compile_text(R"(atomic n = 0

thread inc:
    let seen = n.load(relaxed)
    let done = 0
    while not done:
        done = n.compare_exchange_weak(seen, seen + 1, release, relaxed)

main:
    let a = spawn inc()
    let b = spawn inc()
    join a
    join b

observe n
)");
  for (MemoryModel mm : all_models) CHECK(outcomes(m, mm) == std::set<std::vector<std::int64_t>>{{2}});
}

TEST_CASE("v2: a compare_exchange retry loop counts every increment under every model", "[v2][atomic]") {
  const Module m = compile_text(R"(atomic n = 0

thread inc:
    let seen = n.load(relaxed)
    while true:
        let got = n.compare_exchange(seen, seen + 1, relaxed)
        if got == seen:
            break
        seen = got

main:
    let a = spawn inc()
    let b = spawn inc()
    join a
    join b

observe n
)");
  for (MemoryModel mm : all_models) CHECK(outcomes(m, mm) == std::set<std::vector<std::int64_t>>{{2}});
}

TEST_CASE("v2: a failed compare_exchange is a load with the failure order", "[v2][atomic][rc11]") {
  // The reader's compare_exchange fails once the flag is 1; only an acquire failure order
  // synchronises with the release store, so only then must it see data == 1.
  const std::string text = R"(atomic flag = 0
shared data = 0
shared r = 0
shared seen = 0

thread writer:
    data = 1
    flag.store(1, release)

thread reader:
    seen = flag.compare_exchange(0, 0, relaxed, ORDER)
    if seen == 1:
        r = data

observe seen, r
)";
  auto with = [&](const char* order) {
    std::string t = text;
    t.replace(t.find("ORDER"), 5, order);
    return compile_text(t);
  };
  const Module acquire = with("acquire");
  CHECK(all_findings(acquire, MemoryModel::rc11).empty());
  const Module relaxed = with("relaxed");
  const auto found = all_findings(relaxed, MemoryModel::rc11);
  REQUIRE(found.size() == 1);
  CHECK_THAT(*found.begin(), Catch::StartsWith("race on data"));
}

TEST_CASE("v2: compare_exchange_weak may fail spuriously: a recorded choice that replay reproduces", "[v2][atomic]") {
  const Module m = compile_text(R"(atomic x = 0
shared status = 0
shared ok = 0

main:
    let seen = 0
    status = x.compare_exchange_weak(seen, 1)
    ok = x * 10 + seen

observe status, ok
)");
  // Success stores 1; a spurious failure stores nothing, and the value it saw is the expected one.
  for (MemoryModel mm : all_models) CHECK(outcomes(m, mm) == std::set<std::vector<std::int64_t>>{{1, 10}, {0, 0}});
  // Option 0 (the default) is no spurious failure; the run that chose 1 replays exactly.
  std::optional<Schedule> spurious;
  dfs_all(m, -1, traced(), [&](const RunResult& r) {
    if (r.observed == std::vector<std::int64_t>{0, 0}) spurious = r.schedule;
  });
  REQUIRE(spurious);
  ReplayScheduler replay(*spurious, true);
  const RunResult r = run_once(m, replay);
  CHECK(r.observed == std::vector<std::int64_t>{0, 0});
  CHECK(effects(r)[0] == "MainThread: compare_exchange_weak x 0 -> 1 failed spuriously, was 0 (seq_cst)");
  CHECK(run_default(m).observed == std::vector<std::int64_t>{1, 10});
}

TEST_CASE("v2: compare_exchange_weak never fails spuriously twice in a row, so a retry loop ends", "[v2][atomic]") {
  const Module m = compile_text(R"(atomic x = 0
shared tries = 0

main:
    let n = 0
    let seen = 0
    while not x.compare_exchange_weak(seen, 1):
        n = n + 1
    tries = n

observe tries
)");
  // DFS completes (no livelock), and the loop retries at most once.
  for (MemoryModel mm : all_models) CHECK(outcomes(m, mm) == std::set<std::vector<std::int64_t>>{{0}, {1}});
}

namespace {

// Message passing through relaxed atomics, with the writer's and the reader's fences.
Module mp_with_fences(const char* writer_fence, const char* reader_fence) {
  return compile_text(fmt::format(R"(atomic flag = 0
atomic data = 0
shared r = 0
shared d = 0

thread writer:
    data.store(1, relaxed)
    fence {}
    flag.store(1, relaxed)

thread reader:
    r = flag.load(relaxed)
    fence {}
    d = data.load(relaxed)

observe r, d
)",
                                  writer_fence, reader_fence));
}

}  // namespace

TEST_CASE("v2: fence orders under rc11: release then acquire forbids the stale read, the wrong halves do not",
          "[v2][fence][rc11]") {
  const std::vector<std::int64_t> weak{1, 0};
  CHECK(outcomes(mp_with_fences("release", "acquire"), MemoryModel::rc11).count(weak) == 0);
  CHECK(outcomes(mp_with_fences("acq_rel", "acq_rel"), MemoryModel::rc11).count(weak) == 0);
  CHECK(outcomes(mp_with_fences("seq_cst", "seq_cst"), MemoryModel::rc11).count(weak) == 0);
  CHECK(outcomes(mp_with_fences("acquire", "acquire"), MemoryModel::rc11).count(weak) == 1);
  CHECK(outcomes(mp_with_fences("release", "release"), MemoryModel::rc11).count(weak) == 1);
  // sc and tso never show message-passing reordering, whatever the fences.
  CHECK(outcomes(mp_with_fences("acquire", "release"), MemoryModel::tso).count(weak) == 0);
  CHECK(outcomes(mp_with_fences("acquire", "release"), MemoryModel::sc).count(weak) == 0);
}

TEST_CASE("v2: only a seq_cst fence forbids store buffering; under tso only it drains the buffer", "[v2][fence]") {
  auto sb = [](const char* order) {
    return compile_text(fmt::format(R"(atomic x = 0
atomic y = 0
shared r0 = 0
shared r1 = 0

thread t0:
    x.store(1, relaxed)
    fence {0}
    r0 = y.load(relaxed)

thread t1:
    y.store(1, relaxed)
    fence {0}
    r1 = x.load(relaxed)

observe r0, r1
)",
                                    order));
  };
  const std::vector<std::int64_t> both_zero{0, 0};
  for (MemoryModel mm : {MemoryModel::tso, MemoryModel::rc11}) {
    INFO(spelling(mm));
    CHECK(outcomes(sb("seq_cst"), mm).count(both_zero) == 0);
    CHECK(outcomes(sb("acq_rel"), mm).count(both_zero) == 1);
    CHECK(outcomes(sb("release"), mm).count(both_zero) == 1);
  }
  CHECK(outcomes(sb("acq_rel"), MemoryModel::sc).count(both_zero) == 0);
}

TEST_CASE("v2: try_put and try_get give a status and never block; size counts", "[v2][queue]") {
  const Module m = compile_text(R"(queue q[1]
shared a = 0
shared b = 0
shared c = 0
shared d = 0
shared e = 0
shared f = 0

main:
    let v = 42
    a = q.try_get(v)
    b = v
    c = q.try_put(7)
    d = q.try_put(8)
    e = q.size()
    f = q.try_get(v) * 100 + v

observe a, b, c, d, e, f
)");
  const RunResult r = run_default(m);
  REQUIRE(r.findings.empty());
  CHECK(r.observed == std::vector<std::int64_t>{0, 42, 1, 0, 1, 107});
  CHECK(effects(r)[0] == "MainThread: try_get q -> 0 (empty)");
  CHECK(effects(r)[5] == "MainThread: try_put q <- 8 -> 0 (full)");
}

TEST_CASE("v2: a closed queue still gives its values, then -1 at once; a blocked get wakes", "[v2][queue]") {
  const Module m = compile_text(R"(queue q[4]
shared data = 0
shared r1 = 0
shared r2 = 0
shared r3 = 0

thread consumer:
    r1 = q.get()
    r2 = q.get()
    r3 = data

main:
    let c = spawn consumer()
    q.put(5)
    data = 9
    q.close()
    join c

observe r1, r2, r3
)");
  // No race on data: the get that sees the queue closed happens after the close.
  for (MemoryModel mm : all_models) {
    INFO(spelling(mm));
    CHECK(all_findings(m, mm).empty());
    CHECK(outcomes(m, mm) == std::set<std::vector<std::int64_t>>{{5, -1, 9}});
  }
  const Module status = compile_text(R"(queue q[2]
shared a = 0
shared b = 0

main:
    let v = 0
    q.close()
    a = q.try_put(1)
    b = q.try_get(v)

observe a, b
)");
  CHECK(run_default(status).observed == std::vector<std::int64_t>{-1, -1});
}

TEST_CASE("v2: put on a closed queue and closing twice are crashes", "[v2][queue]") {
  const Module put = compile_text("queue q[2]\n\nmain:\n    q.close()\n    q.put(1)\n");
  const RunResult r = run_default(put);
  const Finding& f = only_finding(r);
  CHECK(f.kind == FindingKind::crash);
  CHECK_THAT(f.summary, Catch::Contains("q.put() on a closed queue"));
  const Module twice = compile_text("queue q[2]\n\nmain:\n    q.close()\n    q.close()\n");
  CHECK_THAT(only_finding(run_default(twice)).summary, Catch::Contains("q.close() of a queue already closed"));
  // A put blocked on a full queue that is then closed crashes too, instead of waiting forever.
  const Module blocked = compile_text(R"(queue q[1]

thread producer:
    q.put(1)
    q.put(2)

main:
    let p = spawn producer()
    q.close()
    join p
)");
  const auto found = all_findings(blocked, MemoryModel::sc);
  REQUIRE(!found.empty());
  for (const auto& summary : found) CHECK_THAT(summary, Catch::Contains("q.put() on a closed queue"));
}

}  // namespace interleave::test
