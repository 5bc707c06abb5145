// explore(): the campaign over runs ties the schedulers together: findings, minimisation,
// tokens, budgets.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "interleave/explore.hpp"
#include "interleave/report.hpp"
#include "interleave/verdict.hpp"
#include "runtime_helpers.hpp"

using namespace interleave;
using namespace interleave::test;

TEST_CASE("explore: DFS on the lost update finds the race and the failure, minimised and tokenised", "[explore]") {
  const Module m = compile_text(R"(shared balance = 0

thread run_thread(n):
    balance = balance + n

main:
    let t1 = spawn run_thread(5)
    let t2 = spawn run_thread(8)
    join t1
    join t2

final balance == 13
expect race on balance
expect failure
)");
  ExploreOptions o;
  o.strategy = Strategy::dfs;
  const ExploreResult r = explore(m, o);
  CHECK(r.exhaustive);
  const auto all = dfs_all(m, -1, ExecOptions{}, [](const RunResult&) {});
  CHECK(all == 69);
  CHECK(r.runs == 69);
  CHECK(r.strategy == "dfs: all 69 interleavings explored");
  REQUIRE(r.findings.size() == 2);
  CHECK(r.findings[0].finding.key == "race:balance");
  CHECK(r.findings[0].occurrences == 69);
  CHECK(r.findings[0].first_run == 1);
  CHECK(r.findings[1].finding.key == "failure:final:12");
  CHECK(r.findings[1].finding.summary == "final balance == 13 failed when every thread had finished");
  for (const auto& ff : r.findings) {
    std::string error;
    const auto decoded = decode_token(ff.token, error);
    REQUIRE(decoded);
    CHECK(decoded->scenario_hash == m.hash);
    CHECK(same_choices(decoded->schedule, ff.schedule));
    const RunResult again = replay(m, ff.schedule, ExecOptions{}, true);
    CHECK(std::count_if(again.findings.begin(), again.findings.end(),
                        [&](const Finding& f) { return f.key == ff.finding.key; }) == 1);
    CHECK_FALSE(ff.trace.empty());
    CHECK(ff.trace.back().number == ff.steps);
  }
  // Minimisation puts fewer preemptions before fewer steps. The shortest race is 5 steps
  // (spawn, spawn, T1 reads, T1 writes, T2 reads) but needs a preemption of T1. Without
  // one, T1 ends first; then T2 reads at step 6, or at step 7 after main's join of T1
  // (what a replay does by default); the test below checks that minimisation reaches 6.
  const FoundFinding& race = r.findings[0];
  CHECK(race.preemptions == 0);
  CHECK(race.steps >= 6);
  CHECK(race.steps <= 7);
  const auto& d = race.finding.details;
  REQUIRE(d.size() == 3);
  const std::string later = " at t.scn:4 (step " + std::to_string(race.steps) + "): balance = balance + n";
  const bool t1_first = d[0] == "write by Thread-1 at t.scn:4 (step 4): balance = balance + n" &&
                        d[1] == "read by Thread-2" + later;
  const bool t2_first = d[0] == "write by Thread-2 at t.scn:4 (step 4): balance = balance + n" &&
                        d[1] == "read by Thread-1" + later;
  CHECK((t1_first || t2_first));
  const Verdict v = judge(m, r);
  CHECK(v.pass);
  CHECK(v.found == std::vector<std::string>{"failure", "race"});
}

TEST_CASE("explore: a clean scenario stays clean under every strategy, within its run budget", "[explore]") {
  const Module m = compile_text(R"(shared balance = 0
mutex lock

thread run_thread(n):
    with lock:
        balance = balance + n

main:
    let t1 = spawn run_thread(5)
    let t2 = spawn run_thread(8)
    join t1
    join t2

final balance == 13
)");
  const auto full = dfs_all(m, -1, ExecOptions{}, [](const RunResult&) {});
  const auto bounded = dfs_all(m, 2, ExecOptions{}, [](const RunResult&) {});
  REQUIRE(bounded < full);
  for (Strategy s : {Strategy::random, Strategy::pct, Strategy::dfs, Strategy::dpor, Strategy::portfolio}) {
    CAPTURE(static_cast<int>(s));
    ExploreOptions o;
    o.strategy = s;
    o.max_runs = 300;
    if (s == Strategy::portfolio) o.max_runs = 4 * (bounded + full);
    const ExploreResult r = explore(m, o);
    CHECK(r.findings.empty());
    CHECK(judge(m, r).pass);
    if (s == Strategy::random || s == Strategy::pct) CHECK(r.runs == 300);
    if (s == Strategy::dfs) {
      CHECK(r.exhaustive);
      CHECK(r.runs == full);
    }
    if (s == Strategy::dpor || s == Strategy::portfolio) {
      // The two orders of the critical sections are the only classes: DPOR proves it clean
      // in 2 runs, where DFS takes `full`.
      CHECK(r.exhaustive);
      CHECK(r.runs == 2);
      CHECK(r.executions == 2);
      CHECK(r.strategy == "dpor: all 2 executions explored");
    }
  }
}

TEST_CASE("explore: minimisation finds the 6-step race witness without preemptions", "[explore]") {
  // spawn, spawn, T1 reads, T1 writes, T1 ends, T2 reads: 0 preemptions, 6 steps.
  // Regression (fixed): the minimiser once only removed and lowered choices; the replay
  // default after T1's end runs main's join first, so it settled for 7.
  const Module m = compile_text(R"(shared balance = 0

thread run_thread(n):
    balance = balance + n

main:
    let t1 = spawn run_thread(5)
    let t2 = spawn run_thread(8)
    join t1
    join t2
)");
  const RunResult six = run_choices(m, {0, 0, 1, 1, 1, 2});
  REQUIRE(six.findings.size() == 1);
  CHECK(six.findings[0].step == 6);
  CHECK(six.preemptions == 0);
  ExploreOptions o;
  o.strategy = Strategy::dfs;
  const ExploreResult r = explore(m, o);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].preemptions == 0);
  CHECK(r.findings[0].steps == 6);
}

// Issue 14: --time bounds every stage and Ctrl-C stops them, whatever one run costs. The
// mechanism is tested without a clock assertion: a deadline already passed, a flag already set.
namespace {
const char* const spawner = R"(shared x = 0

thread grow:
    x = x + 1
    let a = spawn grow()
    let b = spawn grow()
    join a
    join b

main:
    let t = spawn grow()
    join t
)";
}  // namespace

TEST_CASE("execution: a run past its deadline or after Ctrl-C is cut short, without findings", "[explore][budget]") {
  const Module m = compile_text(spawner);
  ExecOptions past;
  past.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  const RunResult late = run_default(m, past);
  CHECK(late.cut_short);
  CHECK_FALSE(late.finished);
  CHECK(late.findings.empty());
  CHECK(late.steps == 63);  // the deadline is looked at every 64 steps
  std::atomic<bool> stop{true};
  ExecOptions interrupted;
  interrupted.interrupt = &stop;
  CHECK(run_default(m, interrupted).cut_short);
  ExecOptions unbounded;
  unbounded.max_steps = 1000;  // short, so the test is fast: it ends by itself, as a livelock
  const RunResult whole = run_default(m, unbounded);
  CHECK_FALSE(whole.cut_short);
  CHECK_FALSE(whole.findings.empty());
}

TEST_CASE("explore: with the time budget spent, no stage starts and the verdict says nothing was checked",
          "[explore][budget]") {
  const Module m = compile_text(spawner);
  ExploreOptions o;
  o.max_seconds = 1e-9;
  o.stress_seconds = 0.25;
  const ExploreResult r = explore(m, o);
  CHECK(r.runs == 0);
  CHECK(r.stopped_by_time);
  CHECK_FALSE(r.exhaustive);
  CHECK(r.stress_runs == 0);
  CHECK(r.stress_skipped == "the --time budget was spent before it could start");
  const Verdict v = judge(m, r);
  CHECK_FALSE(v.pass);
  CHECK(v.problems == std::vector<std::string>{"not checked: no run finished within the --time budget"});
}

TEST_CASE("explore: Ctrl-C before the first run stops every stage, the stress pass included", "[explore][budget]") {
  const Module m = compile_text(spawner);
  std::atomic<bool> stop{true};
  ExploreOptions o;
  o.interrupt = &stop;
  o.stress_seconds = 0.25;
  const ExploreResult r = explore(m, o);
  CHECK(r.interrupted);
  CHECK(r.runs == 0);
  CHECK(r.stress_runs == 0);
  CHECK_FALSE(r.exhaustive);
}

TEST_CASE("minimise: past its deadline it keeps the schedule it was given", "[explore][budget]") {
  const Module m = compile_text(forced_lock_order_deadlock);
  ExploreOptions o;
  o.strategy = Strategy::dfs;
  o.minimise = false;
  const ExploreResult r = explore(m, o);
  REQUIRE_FALSE(r.findings.empty());
  const auto& f = r.findings.front();
  const Schedule kept = minimise(m, f.schedule, f.finding.key, ExecOptions{}, 4000, 20'000'000,
                                 std::chrono::steady_clock::now() - std::chrono::seconds(1));
  CHECK(same_choices(kept, f.schedule));
}

// Issue 14: `run --scheduler stress` with 0 runs showed PASS.
TEST_CASE("explore: a stress campaign that made no run does not pass, and says why", "[explore][stress]") {
  std::string many = "shared x = 0\n\nthread t:\n    x = 1\n\nmain:\n";
  for (int i = 0; i < 70; ++i) many += fmt::format("    let t{} = spawn t()\n", i);
  const Module m = compile_text(many);
  ExploreOptions o;
  o.strategy = Strategy::stress;
  o.max_runs = 100;
  o.max_seconds = 5;
  const ExploreResult r = explore(m, o);
  CHECK(r.stress_runs == 0);
  CHECK(r.stress_skipped == "a run of this scenario needs 65 threads; the stress runtime runs at most 64 per run");
  const Verdict v = judge(m, r);
  CHECK_FALSE(v.pass);
  CHECK(v.problems.back() ==
        "not checked: the stress runtime made no runs (a run of this scenario needs 65 threads; the stress runtime "
        "runs at most 64 per run)");
}

TEST_CASE("explore: every shard of a stress campaign makes its share of the runs", "[explore][stress][shard]") {
  const Module m = compile_text("shared x = 0\n\nthread a:\n    x = 1\n\nthread b:\n    x = 2\n\nexpect race on x\n");
  for (unsigned shard : {0u, 1u}) {
    ExploreOptions o;
    o.strategy = Strategy::stress;
    o.max_runs = 101;
    o.max_seconds = 60;
    o.shard_index = shard;
    o.shard_count = 2;
    const ExploreResult r = explore(m, o);
    CHECK(r.stress_runs == (shard == 0 ? 51u : 50u));
  }
}
