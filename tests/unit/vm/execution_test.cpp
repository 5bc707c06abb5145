// The controlled runtime: what each construct does in one run, which steps it takes, and
// the exact findings (summary, details, key, step) it reports.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "interleave/execution.hpp"
#include "runtime_helpers.hpp"

using namespace interleave;
using namespace interleave::test;

namespace {

using Lines = std::vector<std::string>;

std::string read_seed(const std::string& name) {
  std::ifstream in(std::string(INTERLEAVE_SOURCE_DIR) + "/scenarios/seed/" + name);
  if (!in) throw std::runtime_error("cannot open seed scenario " + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* const balance_unlocked = R"(shared balance = 0

thread run_thread(n):
    balance = balance + n
    balance = balance - n

main:
    let t1 = spawn run_thread(5)
    let t2 = spawn run_thread(8)
    join t1
    join t2

final balance == 0
)";

// Default thread picks (current, else lowest runnable) and the highest value for any().
class HighValues : public Scheduler {
 public:
  bool new_run() override { return true; }
  ThreadId pick(std::span<const ThreadId> runnable, ThreadId current, bool) override {
    return std::binary_search(runnable.begin(), runnable.end(), current) ? current : runnable.front();
  }
  std::int64_t choose(std::int64_t, std::int64_t hi) override { return hi; }
  std::string name() const override { return "high"; }
};

}  // namespace

TEST_CASE("execution: each shared read and write is a step, traced with its value and line", "[execution]") {
  const Module m = compile_text(balance_unlocked);
  const RunResult r = run_default(m);
  CHECK(effects(r) == Lines{
                          "MainThread: spawn run_thread as Thread-1",
                          "MainThread: spawn run_thread as Thread-2",
                          "Thread-1: read balance -> 0",
                          "Thread-1: write balance <- 5",
                          "Thread-1: read balance -> 5",
                          "Thread-1: write balance <- 0",
                          "Thread-1: end",
                          "MainThread: join Thread-1 -> 0",
                          "Thread-2: read balance -> 0",
                          "Thread-2: write balance <- 8",
                          "Thread-2: read balance -> 8",
                          "Thread-2: write balance <- 0",
                          "Thread-2: end",
                          "MainThread: join Thread-2 -> 0",
                          "MainThread: end",
                      });
  CHECK(r.steps == 15);
  CHECK(r.preemptions == 0);
  CHECK(r.finished);
  REQUIRE(r.trace.size() == 15);
  CHECK(r.trace[2].number == 3);
  CHECK(r.trace[2].loc.line == 4);
  CHECK(r.trace[2].statement == "balance = balance + n");
  CHECK(r.trace[5].loc.line == 5);
  CHECK(r.trace[5].statement == "balance = balance - n");
  // The race is reported although the two threads ran one after the other.
  const Finding& f = only_finding(r);
  CHECK(f.kind == FindingKind::race);
  CHECK(f.summary == "race on balance");
  CHECK(f.key == "race:balance");
  CHECK(f.variable == "balance");
  CHECK(f.step == 9);
  CHECK(f.details == Lines{"write by Thread-1 at t.scn:5 (step 6): balance = balance - n",
                           "read by Thread-2 at t.scn:4 (step 9): balance = balance + n",
                           "nothing orders them: no lock, join, queue, semaphore or release/acquire atomic creates a "
                           "happens-before edge between the two (relaxed atomics create none)"});
  REQUIRE(f.locations.size() == 2);
  CHECK(f.locations[0].line == 5);
  CHECK(f.locations[1].line == 4);
}

TEST_CASE("execution: the lost update fails `final` with the variable's value", "[execution]") {
  const Module m = compile_text(balance_unlocked);
  // main spawns both; T1 reads 0, T2 reads 0, T1 writes 5, T2 writes 8, ...
  const RunResult r = run_choices(m, {0, 0, 1, 2, 1, 2});
  REQUIRE(r.findings.size() == 2);
  CHECK(r.findings[0].summary == "race on balance");
  CHECK(r.findings[0].step == 5);  // T1's write after T2's read: two reads alone are no race
  CHECK(r.findings[0].details[0] == "read by Thread-2 at t.scn:4 (step 4): balance = balance + n");
  const Finding& f = r.findings[1];
  CHECK(f.kind == FindingKind::failure);
  CHECK(f.summary == "final balance == 0 failed when every thread had finished");
  CHECK(f.key == "failure:final:13");
  CHECK(f.details == Lines{"with balance = -5"});
  CHECK(r.finished);  // every thread ran to its end; the final check came after
}

TEST_CASE("execution: a mutex orders the critical sections: no race, balance 0", "[execution][mutex]") {
  const Module m = compile_text(read_seed("balance_locked.scn"));
  std::uint64_t runs = 0;
  dfs_all(m, 2, ExecOptions{}, [&](const RunResult& r) {
    ++runs;
    CHECK(r.findings.empty());
    CHECK(r.finished);
  });
  CHECK(runs == 97);  // every schedule with at most 2 preemptions
  const RunResult r = run_default(compile_text(R"(shared x = 0
mutex m

thread a:
    with m:
        x = 1
)"));
  CHECK(effects(r) == Lines{"a: lock m", "a: write x <- 1", "a: unlock m", "a: end"});
}

TEST_CASE("execution: try_lock gives 1 when it takes the mutex and 0 when it is busy", "[execution][mutex]") {
  const Module m = compile_text(R"(mutex m

thread holder:
    m.lock()
    yield
    m.unlock()

thread other:
    let got = m.try_lock()
    print "got", got
)");
  const RunResult busy = run_choices(m, {0, 1, 1});
  CHECK(busy.output == Lines{"got 0"});
  CHECK(effects(busy)[1] == "other: try_lock m -> busy");
  CHECK(busy.findings.empty());
  const RunResult free = run_choices(m, {1, 1, 0});
  CHECK(free.output == Lines{"got 1"});
  CHECK(effects(free)[0] == "other: try_lock m -> locked");
  // other ends holding m; holder then waits for a mutex held by a finished thread.
  const Finding& f = only_finding(free);
  CHECK(f.kind == FindingKind::deadlock);
  CHECK(f.details == Lines{"holder at t.scn:4 (m.lock()): waits to lock m, held by other (which has finished without "
                           "unlocking it) since t.scn:9"});
}

TEST_CASE("execution: unlocking a mutex the thread does not hold is a crash at its line", "[execution][mutex]") {
  const Module m = compile_text(R"(mutex m

thread a:
    m.lock()
    yield

thread b:
    m.unlock()
)");
  const RunResult not_locked = run_choices(m, {1});
  const Finding& f1 = only_finding(not_locked);
  CHECK(f1.kind == FindingKind::crash);
  CHECK(f1.summary == "b crashed at t.scn:8: unlock of m, which is not locked (was it unlocked twice?)");
  CHECK(f1.key == "crash:8");
  CHECK(f1.details == Lines{"statement: m.unlock()", "a crash in a thread ends the whole program"});
  CHECK(f1.step == 1);
  const RunResult held = run_choices(m, {0, 1});
  CHECK(only_finding(held).summary == "b crashed at t.scn:8: unlock of m, which is held by a");
  CHECK(only_finding(held).step == 2);
}

TEST_CASE("execution: relocking one's own mutex is a deadlock that names the holder", "[execution][mutex][deadlock]") {
  const Module m = compile_text(R"(mutex m

thread a:
    m.lock()
    m.lock()
)");
  const RunResult r = run_default(m);
  const Finding& f = only_finding(r);
  CHECK(f.kind == FindingKind::deadlock);
  CHECK(f.summary == "deadlock: 1 thread blocked forever");
  CHECK(f.details == Lines{"a at t.scn:5 (m.lock()): waits to lock m, held by itself since t.scn:4 (a mutex is not "
                           "recursive)"});
  CHECK(f.key == "deadlock:5");
  CHECK(f.step == 1);
}

TEST_CASE("execution: a mutex held by a finished thread deadlocks its next locker", "[execution][deadlock]") {
  const Module m = compile_text(read_seed("lock_never_released.scn"));
  const RunResult r = run_default(m);
  const Finding& f = only_finding(r);
  CHECK(f.kind == FindingKind::deadlock);
  CHECK(f.summary == "deadlock: 2 threads blocked forever");
  CHECK(f.details == Lines{"MainThread at t.scn:33 (join w): waits to join Waiter, which is blocked at t.scn:26",
                           "Waiter at t.scn:26 (with lock:): waits to lock lock, held by Forgetful (which has finished "
                           "without unlocking it) since t.scn:21"});
  CHECK(f.key == "deadlock:26:33");
  // Every schedule ends in the same deadlock, and there is no race.
  const auto runs = dfs_all(m, -1, ExecOptions{}, [](const RunResult& x) {
    REQUIRE(x.findings.size() == 1);
    CHECK(x.findings[0].key == "deadlock:26:33");
  });
  CHECK(runs == 1);
}

TEST_CASE("execution: cond wait releases the mutex, notify wakes the waiter, which relocks", "[execution][cond]") {
  const Module m = compile_text(R"(shared ready = 0
mutex m
cond c

thread waiter:
    with m:
        while ready == 0:
            c.wait(m)

thread notifier:
    with m:
        ready = 1
        c.notify_one()
)");
  const RunResult r = run_default(m);
  CHECK(effects(r) == Lines{
                          "waiter: lock m",
                          "waiter: read ready -> 0",
                          "waiter: wait on c (unlocks m)",
                          "notifier: lock m",
                          "notifier: write ready <- 1",
                          "notifier: notify_one c (wakes waiter)",
                          "notifier: unlock m",
                          "notifier: end",
                          "waiter: wake from c (relocks m)",
                          "waiter: read ready -> 1",
                          "waiter: unlock m",
                          "waiter: end",
                      });
  CHECK(r.findings.empty());
  // With the predicate loop, no schedule loses the wakeup and none races.
  const auto runs = dfs_all(m, -1, ExecOptions{}, [](const RunResult& x) {
    CHECK(x.findings.empty());
    CHECK(x.finished);
  });
  CHECK(runs == 10);
}

TEST_CASE("execution: a notify before the wait is lost: the waiter deadlocks", "[execution][cond][deadlock]") {
  const Module m = compile_text(R"(mutex m
cond c

thread waiter:
    with m:
        c.wait(m)

thread notifier:
    with m:
        c.notify_one()
)");
  const RunResult r = run_choices(m, {1});
  CHECK(effects(r) == Lines{"notifier: lock m", "notifier: notify_one c (nobody waits)", "notifier: unlock m",
                            "notifier: end", "waiter: lock m", "waiter: wait on c (unlocks m)"});
  const Finding& f = only_finding(r);
  CHECK(f.kind == FindingKind::deadlock);
  CHECK(f.summary == "deadlock: 1 thread blocked forever");
  CHECK(f.details == Lines{"waiter at t.scn:6 (c.wait(m)): waits on c and no thread will notify it"});
  CHECK(f.key == "deadlock:6");
  CHECK(f.step == 6);
  std::uint64_t deadlocks = 0;
  const auto runs = dfs_all(m, -1, ExecOptions{}, [&](const RunResult& x) { deadlocks += has_kind(x, FindingKind::deadlock); });
  CHECK(runs == 7);
  CHECK(deadlocks == 3);
}

TEST_CASE("execution: waiting without holding the mutex is a crash", "[execution][cond]") {
  const RunResult r = run_default(compile_text("mutex m\ncond c\n\nthread a:\n    c.wait(m)\n"));
  const Finding& f = only_finding(r);
  CHECK(f.kind == FindingKind::crash);
  CHECK(f.summary == "a crashed at t.scn:5: c.wait(m) without holding m");
  CHECK(f.key == "crash:5");
}

TEST_CASE("execution: notify_all wakes every waiter", "[execution][cond]") {
  const Module m = compile_text(R"(shared go = 0
mutex m
cond c

thread w1:
    with m:
        while go == 0:
            c.wait(m)

thread w2:
    with m:
        while go == 0:
            c.wait(m)

thread boss:
    with m:
        go = 1
        c.notify_all()
)");
  const RunResult r = run_default(m);
  CHECK(r.findings.empty());
  CHECK(r.finished);
  const Lines e = effects(r);
  CHECK(std::count(e.begin(), e.end(), "boss: notify_all c (wakes 2)") == 1);
  CHECK(std::count(e.begin(), e.end(), "w1: wake from c (relocks m)") == 1);
  CHECK(std::count(e.begin(), e.end(), "w2: wake from c (relocks m)") == 1);
}

TEST_CASE("execution: a semaphore blocks at zero permits and release gives one back", "[execution][semaphore]") {
  const Module m = compile_text(R"(semaphore s = 1
shared x = 0

thread a:
    s.acquire()
    x = x + 1
    s.release()

thread b:
    s.acquire()
    x = x + 1
    s.release()

final x == 2
)");
  const RunResult r = run_default(m);
  CHECK(effects(r) == Lines{"a: acquire s (0 left)", "a: read x -> 0", "a: write x <- 1", "a: release s (1 available)",
                            "a: end", "b: acquire s (0 left)", "b: read x -> 1", "b: write x <- 2",
                            "b: release s (1 available)", "b: end"});
  CHECK(r.findings.empty());
  // b cannot take the permit while a holds it: in every schedule x ends at 2, with no race.
  dfs_all(m, -1, ExecOptions{}, [](const RunResult& x) { CHECK(x.findings.empty()); });

  const RunResult none = run_default(compile_text("semaphore s = 0\n\nthread a:\n    s.acquire()\n"));
  CHECK(only_finding(none).details == Lines{"a at t.scn:4 (s.acquire()): waits for a permit of s (none left)"});
  CHECK(only_finding(none).key == "deadlock:4");
}

TEST_CASE("execution: a queue is FIFO, put blocks while full and get while empty", "[execution][queue]") {
  const Module m = compile_text(R"(queue q[2]

thread producer:
    q.put(1)
    q.put(2)
    q.put(3)

thread consumer:
    print "got", q.get(), q.get(), q.get()
)");
  const RunResult r = run_default(m);
  CHECK(effects(r) == Lines{"producer: put q <- 1", "producer: put q <- 2", "consumer: get q -> 1", "consumer: get q -> 2",
                            "producer: put q <- 3", "producer: end", "consumer: get q -> 3",
                            "consumer: prints: got 1 2 3", "consumer: end"});
  CHECK(r.findings.empty());

  const RunResult full = run_default(compile_text("queue q[1]\n\nthread a:\n    q.put(1)\n    q.put(2)\n"));
  CHECK(only_finding(full).details == Lines{"a at t.scn:5 (q.put(2)): waits to put into q, which is full (1 item)"});
  const RunResult empty = run_default(compile_text("queue q[1]\n\nthread a:\n    let v = q.get()\n"));
  CHECK(only_finding(empty).details == Lines{"a at t.scn:4 (let v = q.get()): waits to get from q, which is empty"});
  CHECK(only_finding(empty).summary == "deadlock: 1 thread blocked forever");
}

TEST_CASE("execution: thread names, return values through join, fn calls and any()", "[execution][threads]") {
  const Module m = compile_text(R"(fn twice(v):
    return v * 2

thread worker(n):
    print thread_name(), twice(n)
    return n + 100

thread plain:
    yield

main:
    let t1 = spawn worker(1)
    let t2 = spawn worker(2) as "W2"
    let t3 = spawn plain()
    let r1 = join t1
    let r2 = join t2
    let r3 = join t3
    print thread_name(), r1, r2, r3, any(3, 5)
)");
  const RunResult r = run_default(m);
  CHECK(r.output == Lines{"Thread-1 2", "W2 4", "MainThread 101 102 0 3"});
  const Lines e = effects(r);
  Lines spawns;
  for (const auto& x : e)
    if (x.find(": spawn ") != std::string::npos) spawns.push_back(x);
  // Only unnamed spawns take a number.
  CHECK(spawns == Lines{"MainThread: spawn worker as Thread-1", "MainThread: spawn worker as W2",
                        "MainThread: spawn plain as Thread-2"});
  // A print is no step: it runs with the spawn that started the thread.
  CHECK(e[1] == "Thread-1: prints: Thread-1 2");
  CHECK(r.trace[1].number == 1);
  CHECK(std::count(e.begin(), e.end(), "Thread-1: end, returns 101") == 1);
  CHECK(std::count(e.begin(), e.end(), "MainThread: join W2 -> 102") == 1);
  // The run took every default (current thread, lowest value): nothing to record.
  CHECK(r.schedule.choices.empty());
  // any() is a recorded value choice: a run that takes 5 records offset 2, and a strict
  // replay of that schedule gives 5 again.
  HighValues high;
  const RunResult r5 = run_once(m, high);
  CHECK(r5.output.back() == "MainThread 101 102 0 5");
  REQUIRE(r5.schedule.choices.size() >= 1);
  CHECK(r5.schedule.choices.back().kind == Choice::number);
  CHECK(r5.schedule.choices.back().value == 2);
  ReplayScheduler replay(r5.schedule, true);
  const RunResult again = run_once(m, replay);
  CHECK_FALSE(replay.diverged());
  CHECK(again.output == r5.output);
  // DFS explores every value of any(): three endings for each interleaving.
  std::map<std::string, int> endings;
  dfs_all(m, 0, traced(), [&](const RunResult& x) { ++endings[x.output.back()]; });
  CHECK(endings.size() == 3);
  CHECK(endings.count("MainThread 101 102 0 4") == 1);
}

TEST_CASE("execution: without main, each parameterless thread starts at once under its own name",
          "[execution][threads]") {
  const Module m = compile_text(R"(atomic x = 0

thread first:
    x.store(1)

thread second:
    x.store(2)

observe x
)");
  const RunResult r = run_default(m);
  CHECK(effects(r) == Lines{"first: store x <- 1 (seq_cst)", "first: end", "second: store x <- 2 (seq_cst)", "second: end"});
  CHECK(r.steps == 4);
  CHECK(r.observed == std::vector<std::int64_t>{2});
  const RunResult other = run_choices(m, {1, 1, 0});
  CHECK(other.observed == std::vector<std::int64_t>{1});
  CHECK(other.preemptions == 1);  // the first pick away from thread 0 counts as one
}

TEST_CASE("execution: a process works on its own copy and its crash ends only itself", "[execution][process]") {
  const Module m = compile_text(read_seed("process_crash_survives.scn"));
  const RunResult r = run_default(m);
  CHECK(r.findings.empty());
  CHECK(r.finished);
  CHECK(r.notes == Lines{"process Faulty crashed at t.scn:26: child process dies (models a segfault) (the rest of the "
                         "run went on)"});
  CHECK(r.output == Lines{"parent goes on after its child crashed; balance 101"});
  const Lines e = effects(r);
  CHECK(std::count(e.begin(), e.end(), "Faulty: write balance <- 0") == 1);
  CHECK(std::count(e.begin(), e.end(), "MainThread: join Faulty -> 1") == 1);
  CHECK(std::count(e.begin(), e.end(), "MainThread: join Healthy -> 0") == 1);
  CHECK(std::count(e.begin(), e.end(), "MainThread: read balance -> 100") == 2);
  // The same in every schedule: the asserts (join gives 1, balance untouched) always hold.
  dfs_all(m, -1, ExecOptions{}, [](const RunResult& x) {
    CHECK(x.findings.empty());
    CHECK(x.finished);
    CHECK(x.notes.size() == 1);
  });
}

TEST_CASE("execution: runtime errors in a process are notes, join gives 1; default names are Process-N",
          "[execution][process]") {
  const Module m = compile_text(R"(shared x = 7
queue out[2]

process child(d):
    x = 1
    out.put(10 / d)

main:
    let p = spawn child(0)
    let q = spawn child(5)
    let sp = join p
    let sq = join q
    print sp, sq, out.get(), x
)");
  const RunResult r = run_default(m);
  CHECK(r.findings.empty());
  CHECK(r.output == Lines{"1 0 2 7"});
  CHECK(r.notes == Lines{"process Process-1 crashed at t.scn:6: division by zero (the rest of the run went on)"});
}

TEST_CASE("execution: a crash in a thread ends the whole run with a crash finding", "[execution][crash]") {
  const Module m = compile_text(read_seed("thread_crash_ends_run.scn"));
  const RunResult r = run_default(m);
  const Finding& f = only_finding(r);
  CHECK(f.kind == FindingKind::crash);
  CHECK(f.summary == "Faulty crashed at t.scn:15: worker thread dies (models a segfault)");
  CHECK(f.key == "crash:15");
  CHECK_FALSE(r.finished);
  dfs_all(m, -1, ExecOptions{}, [](const RunResult& x) {
    REQUIRE(x.findings.size() == 1);  // the `assert false` after the join never runs
    CHECK(x.findings[0].key == "crash:15");
  });
}

TEST_CASE("execution: runtime errors are crash findings at their line", "[execution][crash]") {
  const Module m = compile_text(R"(shared arr[3] = 0
shared zero = 0

thread a(k):
    let d = zero
    if k == 0:
        print "v", 10 / d
    if k == 1:
        print "v", 10 % d
    if k == 2:
        arr[k + 1] = 1
    if k == 3:
        print arr[-1]
    if k == 4:
        let e = any(5, 4)

main:
    spawn a(any(0, 4))
)");
  std::vector<std::string> seen;
  dfs_all(m, -1, ExecOptions{}, [&](const RunResult& x) {
    // Each value of any() is explored with every interleaving of main's end: keep one each.
    if (seen.empty() || seen.back() != only_finding(x).summary) seen.push_back(only_finding(x).summary);
  });
  CHECK(seen == Lines{"Thread-1 crashed at t.scn:7: division by zero", "Thread-1 crashed at t.scn:9: modulo by zero",
                      "Thread-1 crashed at t.scn:11: index 3 is out of range for arr (size 3)",
                      "Thread-1 crashed at t.scn:13: index -1 is out of range for arr (size 3)",
                      "Thread-1 crashed at t.scn:15: any(5, 4) has an empty range"});
  const RunResult r = run_choices(m, {});
  CHECK(only_finding(r).key == "crash:7");
  CHECK(only_finding(r).locations.at(0).line == 7);
}

TEST_CASE("execution: `crash` with a message, in a fn called by a thread", "[execution][crash]") {
  const RunResult r = run_default(compile_text("fn boom():\n    crash \"bad state\"\n\nthread a:\n    yield\n    boom()\n"));
  const Finding& f = only_finding(r);
  CHECK(f.summary == "a crashed at t.scn:2: bad state");
  CHECK(f.key == "crash:2");
  CHECK(f.step == 1);
}

TEST_CASE("execution: a spin loop without yield is a livelock at the step bound", "[execution][livelock]") {
  const Module m = compile_text(R"(atomic flag = 0

thread spinner:
    while flag.load() == 0:
        let i = 0

thread setter:
    flag.store(1)
)");
  ExecOptions o;
  o.max_steps = 50;
  const RunResult r = run_default(m, o);  // the spinner keeps the processor: unfair
  const Finding& f = only_finding(r);
  CHECK(f.kind == FindingKind::livelock);
  CHECK(f.summary == "livelock: the run did not finish within 50 steps");
  CHECK(f.key == "livelock");  // one livelock per scenario, wherever the threads stand
  CHECK(f.step == 50);
  CHECK(r.steps == 50);
  REQUIRE(f.details.size() == 3);
  CHECK(f.details[1] == "spinner is at t.scn:4: while flag.load() == 0:");
  CHECK(f.details[2] == "setter is at t.scn:8: flag.store(1)");
  // The setter running first ends it.
  const RunResult fair = run_choices(m, {1, 1}, o);
  CHECK(fair.findings.empty());
  CHECK(fair.finished);
}

TEST_CASE("execution: a loop with no visible step at all is a livelock of its own", "[execution][livelock]") {
  ExecOptions o;
  o.max_local_instructions = 10'000;
  const RunResult r = run_default(compile_text("thread a:\n    let i = 0\n    while i >= 0:\n        i = i + 1 - 1\n"), o);
  const Finding& f = only_finding(r);
  CHECK(f.kind == FindingKind::livelock);
  CHECK(f.summary == "a spins without a visible step at t.scn:4");
  CHECK(f.key == "livelock:spin:4");
  CHECK(r.steps == 0);
}

TEST_CASE("execution: a spin loop with yield terminates in every DFS schedule", "[execution][livelock][dfs]") {
  const Module m = compile_text(R"(atomic flag = 0

thread spinner:
    while flag.load() == 0:
        yield

thread setter:
    flag.store(1)
)");
  ExecOptions o;
  o.max_steps = 200;
  DfsScheduler dfs(-1);
  Execution e(m, o);
  std::uint64_t runs = 0;
  while (dfs.new_run()) {
    const RunResult r = e.run(dfs);
    ++runs;
    CHECK(r.findings.empty());
    CHECK(r.finished);
    CHECK(r.steps <= 7);
    REQUIRE(runs < 1000);
  }
  CHECK(dfs.complete());
  CHECK(runs == 6);  // a thread that yielded waits until its next step while others can run
}

TEST_CASE("execution: a failed assert reports its message and operand values", "[execution][failure]") {
  const Module m = compile_text(R"(shared x = 0

thread a:
    x = 5
    assert x + 1 == 7 "x must be six"

thread b:
    assert x "x is set"
)");
  const RunResult r = run_default(m);
  const Finding& f = only_finding(r);
  CHECK(f.kind == FindingKind::failure);
  CHECK(f.summary == "assert x + 1 == 7 \"x must be six\" failed in a at t.scn:5");
  CHECK(f.details == Lines{"message: x must be six", "the condition evaluated as 6 == 7"});
  CHECK(f.key == "failure:assert:5");
  CHECK(f.step == 2);
  REQUIRE(r.trace.size() == 3);
  CHECK(r.trace[2].effect == "assert fails: 6 == 7");
  CHECK(r.trace[2].number == 2);
  const RunResult rb = run_choices(m, {1});
  CHECK(only_finding(rb).details == Lines{"message: x is set", "the condition evaluated as 0"});
  CHECK(only_finding(rb).key == "failure:assert:8");
}

TEST_CASE("execution: always is checked after every step, final at the end", "[execution][failure]") {
  const Module m = compile_text(R"(shared x = 0
shared arr[3] = 0
atomic y = 3

thread a:
    arr[1] = 2
    x = 5
    x = 1

always x < 5 "x stays small"
final x + arr[1] == y
observe x, arr[1], y
)");
  const RunResult r = run_default(m);
  const Finding& f = only_finding(r);
  CHECK(f.summary == "always x < 5 failed after step 2");
  CHECK(f.details == Lines{"message: x stays small", "with x = 5"});
  CHECK(f.key == "failure:always:10");
  CHECK(f.step == 2);
  CHECK(r.observed.empty());

  const Module m2 = compile_text(R"(shared x = 0
shared arr[3] = 0
atomic y = 3

thread a:
    arr[1] = 2
    x = 5

final x + arr[1] == y
observe x, arr[1], y
)");
  const RunResult r2 = run_default(m2);
  const Finding& f2 = only_finding(r2);
  CHECK(f2.summary == "final x + arr[1] == y failed when every thread had finished");
  CHECK(f2.details == Lines{"with x = 5, arr = [0, 2, 0], y = 3"});
  CHECK(f2.key == "failure:final:9");
  CHECK(r2.observed == std::vector<std::int64_t>{5, 2, 3});  // observed before the final check: every finished run counts

  const Module m3 = compile_text("shared x = 0\natomic y = 3\n\nthread a:\n    x = 4\n    y.store(9)\n\nobserve x, x + y, 1\n");
  const RunResult r3 = run_default(m3);
  CHECK(r3.findings.empty());
  CHECK(r3.observed == std::vector<std::int64_t>{4, 13, 1});
}

// v2 (issue 13 item 5): a run that breaks several finals reports each, named ones by name.
TEST_CASE("execution: every failed final of a run is a finding, keyed by its name", "[execution][v2]") {
  const Module m = compile_text(R"(shared x = 0

thread a:
    x = 5

final small: x < 3 "x grew"
final x == 0
final positive: x > 0
final even: x % 2 == 0
)");
  const RunResult r = run_default(m);
  REQUIRE(r.findings.size() == 3);
  CHECK(r.findings[0].key == "failure:final:small");
  CHECK(r.findings[0].property == "small");
  CHECK(r.findings[0].summary == "final small: x < 3 failed when every thread had finished");
  CHECK(r.findings[0].details == Lines{"message: x grew", "with x = 5"});
  CHECK(r.findings[1].key == "failure:final:7");
  CHECK(r.findings[1].property.empty());
  CHECK(r.findings[2].key == "failure:final:even");
}

TEST_CASE("execution: keep_schedule false keeps only the schedules of runs with findings", "[execution]") {
  const Module m = compile_text("atomic x = 0\n\nthread a:\n    x.store(1)\n\nthread b:\n    assert x.load() == 0\n");
  // b first is a choice a replay would not make by default: it is recorded.
  CHECK(run_choices(m, {1}).schedule.choices.size() == 1);
  ExecOptions o;
  o.keep_schedule = false;
  const RunResult clean = run_choices(m, {1}, o);
  CHECK(clean.findings.empty());
  CHECK(clean.schedule.choices.empty());
  CHECK(clean.steps == 4);
  const RunResult bad = run_choices(m, {0, 1}, o);  // a stores, then b runs while a could end
  REQUIRE(bad.findings.size() == 1);
  CHECK(bad.findings[0].key == "failure:assert:7");
  CHECK(same_choices(bad.schedule, Schedule{{Choice{Choice::thread, 0}, Choice{Choice::thread, 1}}}));
}
