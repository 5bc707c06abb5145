// Happens-before race detection: through the runtime (spawn, join, mutexes, queues,
// semaphores, condition variables, atomics by memory order, processes) and through the
// RaceDetector API directly (over the Causality clocks it reads).
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "interleave/race_detector.hpp"
#include "runtime_helpers.hpp"

using namespace interleave;
using namespace interleave::test;

namespace {

using Lines = std::vector<std::string>;

// The race keys seen over every schedule (DFS), and in how many runs.
struct RaceStats {
  std::uint64_t runs = 0;
  std::uint64_t racy_runs = 0;
  std::set<std::string> keys;
};

RaceStats races_everywhere(const std::string& text, int bound = -1) {
  const Module m = compile_text(text);
  RaceStats s;
  s.runs = dfs_all(m, bound, ExecOptions{}, [&](const RunResult& r) {
    bool racy = false;
    for (const auto& f : r.findings)
      if (f.kind == FindingKind::race) {
        s.keys.insert(f.key);
        racy = true;
      }
    s.racy_runs += racy;
  });
  return s;
}

}  // namespace

TEST_CASE("races: spawn orders the parent's earlier accesses before the child", "[races][spawn]") {
  const auto ordered = races_everywhere(R"(shared x = 0

thread child:
    x = x + 1

main:
    x = 1
    let t = spawn child()
    join t
    x = x + 1
)");
  CHECK(ordered.runs == 1);
  CHECK(ordered.keys.empty());
  const auto after = races_everywhere(R"(shared x = 0

thread child:
    x = 2

main:
    let t = spawn child()
    x = 1
    join t
)");
  CHECK(after.keys == std::set<std::string>{"race:x"});
  CHECK(after.racy_runs == after.runs);  // a property of the program, whatever the timing
  CHECK(after.runs == 3);
}

TEST_CASE("races: join orders the child's accesses before the joiner's later ones", "[races][join]") {
  const auto joined = races_everywhere(R"(shared x = 0

thread child:
    x = 2

main:
    let t = spawn child()
    join t
    x = x + 1
)");
  CHECK(joined.keys.empty());
  // Reading before the join races, even in the run where the child wrote long before.
  const std::string before = R"(shared x = 0

thread child:
    x = 2

main:
    let t = spawn child()
    yield
    let v = x
    join t
)";
  const auto unjoined = races_everywhere(before);
  CHECK(unjoined.keys == std::set<std::string>{"race:x"});
  CHECK(unjoined.racy_runs == unjoined.runs);
  // The child writes and ends before main even yields: still a race.
  const RunResult r = run_choices(compile_text(before), {0, 1, 1, 0, 0});
  const Finding& f = only_finding(r);
  CHECK(f.details == Lines{"write by Thread-1 at t.scn:4 (step 2): x = 2",
                           "read by MainThread at t.scn:9 (step 5): let v = x",
                           "nothing orders them: no lock, join, queue, semaphore or release/acquire atomic creates a "
                           "happens-before edge between the two (relaxed atomics create none)"});
}

TEST_CASE("races: two reads never race; a read and a write or two writes do", "[races]") {
  CHECK(races_everywhere("shared x = 5\n\nthread a:\n    let v = x\n\nthread b:\n    let w = x\n").keys.empty());
  CHECK(races_everywhere("shared x = 5\n\nthread a:\n    let v = x\n\nthread b:\n    x = 1\n").keys ==
        std::set<std::string>{"race:x"});
  CHECK(races_everywhere("shared x = 5\n\nthread a:\n    x = 2\n\nthread b:\n    x = 1\n").keys ==
        std::set<std::string>{"race:x"});
}

TEST_CASE("races: the same mutex orders, different mutexes do not", "[races][mutex]") {
  const auto same = races_everywhere(R"(shared x = 0
mutex m

thread a:
    with m:
        x = x + 1

thread b:
    with m:
        x = x + 2

final x == 3
)");
  CHECK(same.keys.empty());
  CHECK(same.racy_runs == 0);
  const auto different = races_everywhere(R"(shared x = 0
mutex m
mutex n

thread a:
    with m:
        x = x + 1

thread b:
    with n:
        x = x + 2
)");
  CHECK(different.keys == std::set<std::string>{"race:x"});
  CHECK(different.racy_runs == different.runs);
}

TEST_CASE("races: a queue item carries its putter's history to its getter", "[races][queue]") {
  const auto passed = races_everywhere(R"(shared data = 0
queue q[1]

thread producer:
    data = 42
    q.put(1)

thread consumer:
    let v = q.get()
    data = data + v
)");
  CHECK(passed.keys.empty());
  // The put comes before the write: nothing orders the write and the consumer's access.
  const auto early = races_everywhere(R"(shared data = 0
queue q[1]

thread producer:
    q.put(1)
    data = 42

thread consumer:
    let v = q.get()
    data = data + v
)");
  CHECK(early.keys == std::set<std::string>{"race:data"});
}

TEST_CASE("races: each queue item orders only its own put", "[races][queue]") {
  // The consumer gets the first item only: the write after the first put is not ordered.
  const auto r = races_everywhere(R"(shared data = 0
queue q[2]

thread producer:
    q.put(1)
    data = 42
    q.put(2)

thread consumer:
    let v = q.get()
    let d = data
)");
  CHECK(r.keys == std::set<std::string>{"race:data"});
  CHECK(r.racy_runs == r.runs);
}

TEST_CASE("races: semaphore release happens before the acquire that takes its permit", "[races][semaphore]") {
  const auto signalled = races_everywhere(R"(shared data = 0
semaphore done = 0

thread worker:
    data = 7
    done.release()

thread waiter:
    done.acquire()
    data = data + 1

final data == 8
)");
  CHECK(signalled.keys.empty());
  CHECK(signalled.racy_runs == 0);
  const auto wrong_order = races_everywhere(R"(shared data = 0
semaphore done = 0

thread worker:
    done.release()
    data = 7

thread waiter:
    done.acquire()
    data = data + 1
)");
  CHECK(wrong_order.keys == std::set<std::string>{"race:data"});
}

TEST_CASE("races: cond wait and notify order through the mutex", "[races][cond]") {
  const auto r = races_everywhere(R"(shared data = 0
shared ready = 0
mutex m
cond c

thread producer:
    data = 42
    with m:
        ready = 1
        c.notify_one()

thread consumer:
    with m:
        while ready == 0:
            c.wait(m)
    assert data == 42
)");
  CHECK(r.keys.empty());
  CHECK(r.racy_runs == 0);
}

TEST_CASE("races: atomics order by memory order: release/acquire yes, relaxed no", "[races][atomic]") {
  auto with_orders = [](const std::string& store, const std::string& load) {
    return races_everywhere(R"(shared data = 0
atomic ready = 0

thread producer:
    data = 42
    ready.store(1)" + store + R"()

thread consumer:
    if ready.load()" + load + R"() == 1:
        assert data == 42
)");
  };
  CHECK(with_orders(", release", "acquire").keys.empty());
  CHECK(with_orders(", seq_cst", "seq_cst").keys.empty());
  CHECK(with_orders("", "").keys.empty());  // seq_cst by default
  const auto relaxed_store = with_orders(", relaxed", "acquire");
  CHECK(relaxed_store.keys == std::set<std::string>{"race:data"});
  CHECK(relaxed_store.runs == 14);  // rc11: 3 more, where the consumer's load misses an executed store
  CHECK(relaxed_store.racy_runs == 4);  // the runs where the consumer sees 1 and reads data
  CHECK(with_orders(", release", "relaxed").keys == std::set<std::string>{"race:data"});
  CHECK(with_orders(", release", "relaxed").racy_runs == 4);
}

TEST_CASE("races: a relaxed read-modify-write does not release, an acq_rel one does", "[races][atomic]") {
  auto spin = [](const std::string& order) {
    return races_everywhere(R"(shared data = 0
atomic ready = 0

thread producer:
    data = 42
    ready.fetch_add(1, )" + order + R"()

thread consumer:
    while ready.load(acquire) == 0:
        yield
    data = 1
)");
  };
  const auto relaxed = spin("relaxed");
  CHECK(relaxed.keys == std::set<std::string>{"race:data"});
  CHECK(relaxed.racy_runs == relaxed.runs);
  CHECK(spin("acq_rel").keys.empty());
  CHECK(spin("release").keys.empty());
}

TEST_CASE("races: a relaxed RMW continues the release sequence", "[races][atomic]") {
  // producer releases; a relaxed fetch_add in between; the acquire load reading the RMW's
  // value still synchronises with the producer's release (C++ release sequence).
  const auto r = races_everywhere(R"(shared data = 0
atomic ready = 0

thread producer:
    data = 42
    ready.store(1, release)

thread bumper:
    ready.fetch_add(1, relaxed)

thread consumer:
    if ready.load(acquire) == 2:
        data = 1
)");
  CHECK(r.keys.empty());
}

TEST_CASE("races: a relaxed store by another thread ends the release sequence", "[races][atomic]") {
  // producer: data = 42, release store of 1; other: relaxed store of 2 afterwards;
  // consumer: acquire load reads 2, which was not written by a release (nor an RMW of a
  // release sequence), so it does not synchronise with the producer: data races.
  const Module m = compile_text(R"(shared data = 0
atomic ready = 0

thread producer:
    data = 42
    ready.store(1, release)

thread other:
    ready.store(2, relaxed)

thread consumer:
    if ready.load(acquire) == 2:
        data = 1
)");
  const RunResult r = run_choices(m, {0, 0, 0, 1, 1, 2, 2, 2});
  CHECK(effects(r) == Lines{"producer: write data <- 42", "producer: store ready <- 1 (release)", "producer: end",
                            "other: store ready <- 2 (relaxed)", "other: end", "consumer: load ready -> 2 (acquire)",
                            "consumer: write data <- 1", "consumer: end"});
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].key == "race:data");
}

TEST_CASE("races: in a process, an atomic and a fence are separate sync objects", "[races][process]") {
  // The same body run as a thread races (the fence releases nothing the load acquires).
  // Regression (fixed): as a process, atomic `a` of the process's memory copy shared its
  // sync object id with the fence (sync_atomic(1, 0) == sync_fence), and the race was missed.
  const std::string body = R"(shared data = 0
atomic a = 0

thread reader:
    let v = a.load()
    data = 2

KIND p:
    let r = spawn reader()
    data = 1
    fence
    join r

main:
    let q = spawn p()
    join q
)";
  auto as = [&](const std::string& kind) {
    std::string text = body;
    text.replace(text.find("KIND"), 4, kind);
    return run_default(compile_text(text));
  };
  const RunResult thread = as("thread");
  REQUIRE(thread.findings.size() == 1);
  CHECK(thread.findings[0].summary == "race on data");
  const RunResult process = as("process");
  CHECK(process.steps == thread.steps);  // the same schedule and steps
  CHECK(same_choices(process.schedule, thread.schedule));
  REQUIRE(process.findings.size() == 1);
  CHECK(process.findings[0].summary == "race on data");
}

TEST_CASE("races: a process writes its own copy and races with nobody", "[races][process]") {
  const auto r = races_everywhere(R"(shared x = 0
queue done[1]

process child:
    x = 5
    done.put(x)

main:
    let p = spawn child()
    x = 1
    let v = done.get()
    join p
    assert x == 1
    assert v == 5
)");
  CHECK(r.keys.empty());
  CHECK(r.racy_runs == 0);
}

TEST_CASE("races: array elements are separate locations, reported under the array's name", "[races][array]") {
  CHECK(races_everywhere("shared arr[2] = 0\n\nthread a:\n    arr[0] = 1\n\nthread b:\n    arr[1] = 1\n").keys.empty());
  const std::string same = "shared arr[2] = 0\n\nthread a:\n    arr[1] = 1\n\nthread b:\n    arr[1] = 2\n";
  const RunResult r = run_default(compile_text(same));
  const Finding& f = only_finding(r);
  CHECK(f.summary == "race on arr[1]");
  CHECK(f.variable == "arr");
  CHECK(f.key == "race:arr");
}

TEST_CASE("races: one race per variable per run, each variable reported", "[races]") {
  const RunResult r = run_default(compile_text(R"(shared x = 0
shared y = 0

thread a:
    x = 1
    y = 1
    x = 2

thread b:
    x = 3
    y = 2
    x = 4
)"));
  CHECK(summaries(r) == Lines{"race on x", "race on y"});
  CHECK(keys(r) == Lines{"race:x", "race:y"});
  REQUIRE(r.findings.size() == 2);
  CHECK(r.findings[0].step == 5);  // a: 3 writes and its end, then b's first write
  CHECK(r.findings[1].step == 6);
  CHECK(r.finished);  // races do not end the run
}

TEST_CASE("races: detect_races off reports none", "[races]") {
  ExecOptions o = traced();
  o.detect_races = false;
  const RunResult r = run_default(compile_text("shared x = 0\n\nthread a:\n    x = 1\n\nthread b:\n    x = 2\n"), o);
  CHECK(r.findings.empty());
  CHECK(r.finished);
}

TEST_CASE("race detector API: unordered accesses race, sync edges order them", "[races][api]") {
  Causality c;
  RaceDetector d(c);
  c.reset(1);
  d.reset(2);
  c.add_thread(0, std::nullopt);
  c.add_thread(1, std::nullopt);
  CHECK_FALSE(d.write(0, 0, Access{0, 1, 10, true}));
  CHECK_FALSE(d.read(0, 0, Access{0, 2, 11, false}));  // same thread
  const auto race = d.read(0, 0, Access{1, 3, 12, false});
  REQUIRE(race);
  CHECK(race->space == 0);
  CHECK(race->cell == 0);
  CHECK(race->earlier.thread == 0);
  CHECK(race->earlier.step == 1);
  CHECK(race->earlier.site == 10);
  CHECK(race->earlier.write);
  CHECK(race->later.thread == 1);
  CHECK(race->later.step == 3);
  CHECK_FALSE(race->later.write);

  // Through a release and an acquire of sync object 0, cell 1 is ordered.
  CHECK_FALSE(d.write(0, 1, Access{0, 4, 20, true}));
  c.release(0, 0);
  c.acquire(1, 0);
  CHECK_FALSE(d.write(0, 1, Access{1, 5, 21, true}));
  // Nothing orders thread 1's write before thread 0's next read.
  const auto back = d.read(0, 1, Access{0, 6, 22, false});
  REQUIRE(back);
  CHECK(back->earlier.thread == 1);
  CHECK(back->earlier.step == 5);
  CHECK(back->later.step == 6);
}

TEST_CASE("race detector API: a read then a later unordered write races with the read", "[races][api]") {
  Causality c;
  RaceDetector d(c);
  c.reset(0);
  d.reset(1);
  c.add_thread(0, std::nullopt);
  c.add_thread(2, std::nullopt);
  CHECK_FALSE(d.read(0, 0, Access{0, 1, 1, false}));
  CHECK_FALSE(d.read(0, 0, Access{2, 2, 2, false}));
  c.add_thread(1, 0u);  // spawned by 0: ordered after 0's accesses so far
  const auto race = d.write(0, 0, Access{1, 3, 3, true});
  REQUIRE(race);
  CHECK(race->earlier.thread == 2);  // thread 0's read is before the spawn; thread 2's is not ordered
  CHECK_FALSE(race->earlier.write);
  c.join(1, 2);
  CHECK_FALSE(d.write(0, 0, Access{1, 4, 4, true}));
}
