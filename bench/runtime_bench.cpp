// Throughput of the controlled runtime: runs and steps per second on one core, with the
// race detector on (and off, as the in-run baseline for its cost).
//
// The two programs match the reference figures quoted for other checkers:
//  - locked balance: 2 threads, each 5 x (lock; x = x + n; x = x - n; unlock)
//  - atomic stores: 2 threads, each 10 seq_cst stores; DFS must explore C(22, 11) = 705,432
//    interleavings (10 stores and the thread's end are 11 steps per thread).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "interleave/bytecode.hpp"
#include "interleave/execution.hpp"
#include "interleave/frontend.hpp"
#include "interleave/scheduler.hpp"

namespace {

constexpr const char* locked_balance = R"(
shared x = 0
mutex m
thread a:
    repeat 5:
        m.lock()
        x = x + 5
        x = x - 5
        m.unlock()
thread b:
    repeat 5:
        m.lock()
        x = x + 8
        x = x - 8
        m.unlock()
final x == 0
)";

constexpr const char* atomic_stores = R"(
atomic x = 0
thread a:
    repeat 10:
        x.store(1)
thread b:
    repeat 10:
        x.store(2)
)";

// Message passing with relaxed atomics (the MP litmus test): weak outcomes under rc11.
constexpr const char* message_passing = R"(
atomic data = 0
atomic flag = 0
shared r0 = 0
shared r1 = 0
thread writer:
    data.store(1, relaxed)
    flag.store(1, relaxed)
thread reader:
    r0 = flag.load(relaxed)
    r1 = data.load(relaxed)
observe r0, r1
)";

interleave::Module module_of(const char* text) {
  auto r = interleave::load_text("bench.scn", text);
  if (!r.ok()) throw std::runtime_error(r.render());
  return interleave::compile(*r.program);
}

void report(benchmark::State& state, std::uint64_t runs, std::uint64_t steps) {
  state.counters["runs/s"] = benchmark::Counter(static_cast<double>(runs), benchmark::Counter::kIsRate);
  state.counters["steps/s"] = benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsRate);
}

// Random schedules of the locked balance, one run per iteration.
void LockedBalanceRandom(benchmark::State& state) {
  const auto module = module_of(locked_balance);
  interleave::ExecOptions o;
  o.detect_races = state.range(0) != 0;
  interleave::Execution exec(module, o);
  auto sched = interleave::make_random_scheduler(1);
  std::uint64_t runs = 0, steps = 0;
  for (auto _ : state) {
    sched->new_run();
    const auto r = exec.run(*sched);
    if (!r.findings.empty()) state.SkipWithError("the locked balance reported a finding");
    ++runs;
    steps += r.steps;
  }
  report(state, runs, steps);
}
BENCHMARK(LockedBalanceRandom)->ArgName("detector")->Arg(1)->Arg(0);

// Exhaustive DFS of the locked balance: every schedule once.
void LockedBalanceDfs(benchmark::State& state) {
  const auto module = module_of(locked_balance);
  interleave::ExecOptions o;
  interleave::Execution exec(module, o);
  std::uint64_t runs = 0, steps = 0;
  for (auto _ : state) {
    interleave::DfsScheduler dfs(-1);
    std::uint64_t n = 0;
    while (dfs.new_run() && n < 100'000) {
      steps += exec.run(dfs).steps;
      ++n;
    }
    runs += n;
  }
  report(state, runs, steps);
}
BENCHMARK(LockedBalanceDfs)->Unit(benchmark::kMillisecond);

// Exhaustive DFS of the atomic stores: checks the count, then reports the rates.
void AtomicStoresDfs(benchmark::State& state) {
  const auto module = module_of(atomic_stores);
  interleave::ExecOptions o;
  o.detect_races = state.range(0) != 0;
  interleave::Execution exec(module, o);
  std::uint64_t runs = 0, steps = 0;
  for (auto _ : state) {
    interleave::DfsScheduler dfs(-1);
    std::uint64_t n = 0;
    while (dfs.new_run()) {
      steps += exec.run(dfs).steps;
      ++n;
    }
    if (n != 705'432) state.SkipWithError("DFS did not explore exactly C(22, 11) interleavings");
    runs += n;
  }
  report(state, runs, steps);
}
BENCHMARK(AtomicStoresDfs)->ArgName("detector")->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

// Random schedules of the atomic stores.
void AtomicStoresRandom(benchmark::State& state) {
  const auto module = module_of(atomic_stores);
  interleave::Execution exec(module, interleave::ExecOptions{});
  auto sched = interleave::make_random_scheduler(1);
  std::uint64_t runs = 0, steps = 0;
  for (auto _ : state) {
    sched->new_run();
    steps += exec.run(*sched).steps;
    ++runs;
  }
  report(state, runs, steps);
}
BENCHMARK(AtomicStoresRandom);

// Issue 11's raw throughput: random runs as a campaign makes them (no schedule kept for a
// run without findings), race detector on, under the file's model (rc11, the default) and
// sc. Aims: 1.2 M runs/s on the locked balance, 2 M on the stores.
void RandomThroughput(benchmark::State& state) {
  const auto module = module_of(state.range(0) == 0 ? locked_balance : atomic_stores);
  interleave::ExecOptions o;
  o.detect_races = true;
  o.keep_schedule = false;
  if (state.range(1) != 0) o.memory = interleave::MemoryModel::sc;
  interleave::Execution exec(module, o);
  auto sched = interleave::make_random_scheduler(1);
  std::uint64_t runs = 0, steps = 0;
  for (auto _ : state) {
    sched->new_run();
    const auto r = exec.run(*sched);
    if (!r.findings.empty()) state.SkipWithError("a finding in a correct program");
    ++runs;
    steps += r.steps;
  }
  report(state, runs, steps);
}
BENCHMARK(RandomThroughput)->ArgNames({"stores", "sc"})->ArgsProduct({{0, 1}, {0, 1}});

// The cost of a memory model, in one run: random runs of the locked balance (no atomics)
// and of the MP litmus test under sc, tso and rc11, race detector on. The issue's aim:
// rc11 within 1.5x of sc.
void MemoryModels(benchmark::State& state) {
  const auto module = module_of(state.range(0) == 0 ? locked_balance : message_passing);
  interleave::ExecOptions o;
  o.memory = static_cast<interleave::MemoryModel>(state.range(1));
  interleave::Execution exec(module, o);
  auto sched = interleave::make_random_scheduler(1);
  std::uint64_t runs = 0, steps = 0;
  for (auto _ : state) {
    sched->new_run();
    steps += exec.run(*sched).steps;
    ++runs;
  }
  report(state, runs, steps);
}
static_assert(static_cast<int>(interleave::MemoryModel::sc) == 0 && static_cast<int>(interleave::MemoryModel::tso) == 1 &&
              static_cast<int>(interleave::MemoryModel::rc11) == 2);
BENCHMARK(MemoryModels)->ArgNames({"mp", "model"})->ArgsProduct({{0, 1}, {0, 1, 2}});

// Time to prove each program of issue 11's table with the reduced search (one DPOR search
// per iteration), race detector on, and the count checked against GenMC's. GenMC 0.11's
// times on this machine, for the ratio: 0.06, 0.22, 0.23, 3.2, 34 and 0.56 s.
std::string table_program(int k) {
  struct Shape {
    bool stores;
    int threads, per;
  };
  static const Shape shapes[] = {{false, 2, 5}, {false, 3, 3}, {false, 4, 2}, {false, 3, 4}, {false, 2, 10}, {true, 2, 10}};
  const Shape sh = shapes[k];
  std::string s = sh.stores ? "atomic x = 0\n\nthread worker(n):\n    repeat " + std::to_string(sh.per) +
                                  ":\n        x.store(n, seq_cst)\n"
                            : "shared balance = 0\nmutex lock\n\nthread worker(n):\n    repeat " + std::to_string(sh.per) +
                                  ":\n        with lock:\n            balance = balance + n\n            balance = balance - n\n";
  s += "\nmain:\n";
  for (int t = 0; t < sh.threads; ++t) s += "    let t" + std::to_string(t) + " = spawn worker(" + std::to_string(t + 1) + ")\n";
  for (int t = 0; t < sh.threads; ++t) s += "    join t" + std::to_string(t) + "\n";
  return s;
}

void DporProof(benchmark::State& state) {
  static const std::uint64_t expected[] = {252, 1680, 2520, 34650, 184756, 184756};
  const auto k = static_cast<int>(state.range(0));
  const std::string text = table_program(k);
  const auto module = module_of(text.c_str());
  interleave::ExecOptions o;
  o.tsan = false;
  o.memory = state.range(1) == 0 ? interleave::MemoryModel::sc : interleave::MemoryModel::rc11;
  interleave::Execution exec(module, o);
  std::uint64_t runs = 0, steps = 0;
  for (auto _ : state) {
    interleave::DporScheduler dpor;
    while (dpor.new_run()) steps += exec.run(dpor).steps;
    if (dpor.executions() != expected[k] || dpor.pruned() != 0) state.SkipWithError("DPOR did not explore exactly the table's count");
    runs += dpor.runs();
  }
  report(state, runs, steps);
}
BENCHMARK(DporProof)
    ->ArgNames({"program", "rc11"})
    ->ArgsProduct({{0, 1, 2, 3, 4, 5}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
