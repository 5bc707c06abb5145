// Schedulers: DFS explores exactly the interleavings (and respects its preemption bound),
// random and PCT are deterministic for a seed, replay reproduces or reports divergence.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "interleave/explore.hpp"
#include "interleave/report.hpp"
#include "runtime_helpers.hpp"

using namespace interleave;
using namespace interleave::test;

namespace {

using Seq = std::vector<std::uint64_t>;

// Two threads without main: `a` atomic stores in the first, `b` in the second. Each
// thread also takes its end as a step: a+1 and b+1 steps.
std::string two_threads(int a, int b) {
  std::string s = "atomic x = 0\n\nthread first:\n";
  for (int i = 0; i < a; ++i) s += "    x.store(" + std::to_string(i + 1) + ")\n";
  if (a == 0) s += "    let unused = 0\n";
  s += "\nthread second:\n";
  for (int i = 0; i < b; ++i) s += "    x.store(" + std::to_string(100 + i) + ")\n";
  if (b == 0) s += "    let unused = 0\n";
  return s;
}

// The thread of each step, from a traced run, numbered by the thread's name: a recorded
// schedule stops at its last choice that differs from the replay default, so the trace
// is where the whole sequence is. "first"/"a" are thread 0, "second"/"b" thread 1.
Seq threads_of(const RunResult& r) {
  Seq out;
  std::uint64_t last = 0;
  for (const auto& t : r.trace) {
    if (t.number == last) continue;  // a print shares its step's number
    last = t.number;
    out.push_back(t.thread == "first" || t.thread == "a" ? 0 : 1);
  }
  return out;
}

// Preemptions of a two-thread schedule as the runtime counts them: choosing another
// thread while the previous one could go on (thread 0 counts as the one before the
// first step).
unsigned preemptions_of(const Seq& seq, std::uint64_t n0, std::uint64_t n1) {
  std::uint64_t left[2] = {n0, n1};
  std::uint64_t current = 0;
  unsigned p = 0;
  for (auto t : seq) {
    if (t != current && left[current] > 0) ++p;
    --left[t];
    current = t;
  }
  return p;
}

// Every sequence of n0 zeros and n1 ones.
std::vector<Seq> all_sequences(std::uint64_t n0, std::uint64_t n1) {
  Seq s(n0, 0);
  s.insert(s.end(), n1, 1);
  std::vector<Seq> out;
  do out.push_back(s);
  while (std::next_permutation(s.begin(), s.end()));
  return out;
}

std::vector<Seq> dfs_schedules(const Module& m, int bound) {
  std::vector<Seq> out;
  dfs_all(m, bound, traced(), [&](const RunResult& r) {
    CHECK(r.findings.empty());
    CHECK(r.finished);
    if (bound >= 0) CHECK(r.preemptions <= static_cast<unsigned>(bound));
    out.push_back(threads_of(r));
  });
  return out;
}

}  // namespace

TEST_CASE("dfs: two straight-line threads of 3 and 4 stores give C(9, 4) = 126 interleavings", "[dfs]") {
  const Module m = compile_text(two_threads(3, 4));
  const auto runs = dfs_schedules(m, -1);
  CHECK(runs.size() == 126);
  CHECK(binomial(9, 4) == 126);
  const std::set<Seq> distinct(runs.begin(), runs.end());
  CHECK(distinct.size() == 126);
  const auto all = all_sequences(4, 5);
  CHECK(distinct == std::set<Seq>(all.begin(), all.end()));
  // The first run is the one without preemptions: the current thread goes on.
  CHECK(runs.front() == Seq{0, 0, 0, 0, 1, 1, 1, 1, 1});
}

TEST_CASE("dfs: counts for other sizes are binomial", "[dfs]") {
  for (int a = 0; a <= 3; ++a)
    for (int b = 0; b <= 3; ++b) {
      CAPTURE(a, b);
      const Module m = compile_text(two_threads(a, b));
      DfsScheduler dfs(-1);
      Execution e(m, ExecOptions{});
      while (dfs.new_run()) e.run(dfs);
      CHECK(dfs.complete());
      CHECK(dfs.runs() == binomial(static_cast<std::uint64_t>(a + b + 2), static_cast<std::uint64_t>(a + 1)));
      CHECK_FALSE(dfs.new_run());  // stays complete
    }
}

TEST_CASE("dfs: a preemption bound keeps exactly the schedules within it", "[dfs]") {
  const Module m = compile_text(two_threads(3, 4));
  const auto all = all_sequences(4, 5);
  std::vector<std::size_t> counts;
  for (int bound = 0; bound <= 4; ++bound) {
    CAPTURE(bound);
    const auto runs = dfs_schedules(m, bound);
    std::set<Seq> expected;
    for (const auto& s : all)
      if (preemptions_of(s, 4, 5) <= static_cast<unsigned>(bound)) expected.insert(s);
    CHECK(std::set<Seq>(runs.begin(), runs.end()) == expected);
    CHECK(runs.size() == expected.size());
    counts.push_back(runs.size());
  }
  // Bound 0: only thread 0 to its end, then thread 1. Bound 1: thread 0 preempted once
  // (3 places) or thread 1 first (one preemption at the start).
  CHECK(counts[0] == 1);
  CHECK(counts[1] == 5);
  CHECK(counts[0] < counts[1]);
  CHECK(counts[1] < counts[2]);
  CHECK(counts[4] < 126);
}

TEST_CASE("dfs: the scheduler's name shows its bound", "[dfs]") {
  CHECK(DfsScheduler(-1).name() == "dfs");
  CHECK(DfsScheduler(2).name() == "dfs(preemptions<=2)");
}

TEST_CASE("dfs: any() values are choice points too", "[dfs]") {
  const Module m = compile_text("shared x = 0\n\nthread a:\n    x = any(-1, 2)\n\nobserve x\n");
  std::vector<std::int64_t> seen;
  const auto runs = dfs_all(m, -1, ExecOptions{}, [&](const RunResult& r) { seen.push_back(r.observed.at(0)); });
  CHECK(runs == 4);
  CHECK(seen == std::vector<std::int64_t>{-1, 0, 1, 2});
}

TEST_CASE("dfs: after a yield the other thread goes first", "[dfs]") {
  const Module m = compile_text("atomic x = 0\n\nthread a:\n    yield\n    x.store(1)\n\nthread b:\n    x.store(2)\n");
  std::vector<Seq> runs;
  dfs_all(m, -1, traced(), [&](const RunResult& r) { runs.push_back(threads_of(r)); });
  // After a's yield, a waits while b can run, until a's own next step: b runs to its end.
  // a first: yield, then b's store and end, then a (1); b first: b ends before or after
  // a's yield (2).
  CHECK(runs == std::vector<Seq>{Seq{0, 1, 1, 0, 0}, Seq{1, 1, 0, 0, 0}, Seq{1, 0, 1, 0, 0}});
}

TEST_CASE("random: the same seed gives the same runs, another seed other runs", "[random]") {
  const Module m = compile_text(two_threads(5, 5));
  auto runs_for = [&](std::uint64_t seed) {
    auto s = make_random_scheduler(seed);
    Execution e(m, traced());
    std::vector<Seq> out;
    for (int i = 0; i < 20; ++i) {
      REQUIRE(s->new_run());
      out.push_back(threads_of(e.run(*s)));
    }
    return out;
  };
  const auto a = runs_for(7);
  CHECK(a == runs_for(7));
  CHECK(a != runs_for(8));
  // Runs differ from one another within a seed, too.
  CHECK(std::set<Seq>(a.begin(), a.end()).size() > 10);
  CHECK(make_random_scheduler(1)->name() == "random");
}

TEST_CASE("random: picks only runnable threads and, after a yield, another one", "[random]") {
  auto s = make_random_scheduler(42);
  s->new_run();
  const std::vector<ThreadId> runnable{1, 3, 4};
  for (int i = 0; i < 200; ++i) {
    const ThreadId t = s->pick(runnable, 3, true);
    CHECK(t != 3);
    CHECK((t == 1 || t == 4));
    const ThreadId u = s->pick(runnable, 3, false);
    CHECK(std::count(runnable.begin(), runnable.end(), u) == 1);
    const std::int64_t v = s->choose(-2, 2);
    CHECK(v >= -2);
    CHECK(v <= 2);
  }
  // A lone yielder still runs.
  const std::vector<ThreadId> only{3};
  CHECK(s->pick(only, 3, true) == 3);
  CHECK(s->choose(5, 5) == 5);
}

TEST_CASE("pct: the same seed gives the same runs; depth d switches at most d-1 times by priority", "[pct]") {
  const Module m = compile_text(two_threads(5, 5));
  auto runs_for = [&](std::uint64_t seed, unsigned depth) {
    auto s = make_pct_scheduler(seed, depth);
    Execution e(m, traced());
    std::vector<RunResult> out;
    for (int i = 0; i < 30; ++i) {
      REQUIRE(s->new_run());
      out.push_back(e.run(*s));
    }
    return out;
  };
  auto seqs = [](const std::vector<RunResult>& rs) {
    std::vector<Seq> out;
    for (const auto& r : rs) out.push_back(threads_of(r));
    return out;
  };
  for (unsigned d = 1; d <= 3; ++d) {
    CAPTURE(d);
    const auto a = runs_for(3, d);
    CHECK(seqs(a) == seqs(runs_for(3, d)));
    for (const auto& r : a) {
      // Switches between threads: a run of one thread, then the other, plus at most
      // one extra switch per change point.
      const Seq s = threads_of(r);
      unsigned switches = 0;
      for (std::size_t i = 1; i < s.size(); ++i) switches += s[i] != s[i - 1];
      CHECK(switches <= 1 + 2 * (d - 1));
      CHECK(r.steps == 12);
    }
  }
  // Depth 1: no change points, so both orders appear and nothing else.
  std::set<Seq> d1;
  for (const auto& s : seqs(runs_for(5, 1))) d1.insert(s);
  CHECK(d1 == std::set<Seq>{Seq{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, Seq{1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0}});
  CHECK(seqs(runs_for(3, 2)) != seqs(runs_for(4, 2)));
  CHECK(make_pct_scheduler(1, 3)->name() == "pct(d=3)");
}

TEST_CASE("replay: strict replay reproduces a run and is a single run", "[replay]") {
  const Module m = compile_text(two_threads(2, 2));
  auto rnd = make_random_scheduler(11);
  const RunResult original = run_once(m, *rnd);
  ReplayScheduler replay(original.schedule, true);
  const RunResult again = run_once(m, replay);
  CHECK_FALSE(replay.diverged());
  CHECK(same_choices(again.schedule, original.schedule));
  CHECK(effects(again) == effects(original));
  CHECK_FALSE(replay.new_run());
  CHECK(replay.name() == "replay");
}

TEST_CASE("replay: a choice that does not fit is a divergence; lenient replay keeps the current thread", "[replay]") {
  const Module m = compile_text(two_threads(2, 2));
  Schedule bad;
  bad.choices = {Choice{Choice::thread, 1}, Choice{Choice::thread, 7}, Choice{Choice::number, 0}};
  ReplayScheduler strict(bad, true);
  const RunResult r = run_once(m, strict);
  CHECK(strict.diverged());
  // Thread 1 ran first; 7 is no thread and the number is no thread choice: thread 1 goes on.
  CHECK(threads_of(r) == Seq{1, 1, 1, 0, 0, 0});
  // The recorded schedule stops at its last choice a replay would not make by default.
  CHECK(same_choices(r.schedule, Schedule{{Choice{Choice::thread, 1}}}));

  ReplayScheduler lenient(Schedule{}, false);
  const RunResult d = run_once(m, lenient);
  CHECK(threads_of(d) == Seq{0, 0, 0, 1, 1, 1});
  CHECK(d.schedule.choices.empty());
  CHECK(lenient.new_run());  // lenient replays may run again
  CHECK(lenient.choose(3, 9) == 3);
}
