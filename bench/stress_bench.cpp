// Throughput of the stress runtime against the physical baseline: a hand-written C++
// program doing the same accesses on std::thread, with the same batching (threads started
// once per batch of B instances, released together by a start flag, each running its body
// over every instance in order) and relaxed atomics for plain cells. The ratio
// baseline/stress is the cost of interpreting the scenario. Run from the release preset:
//   build/stress-release/bench/interleave_stress_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "interleave/frontend.hpp"
#include "interleave/stress.hpp"

namespace {

constexpr std::uint32_t batch = 4096;
// Runs per iteration: state.range(0) (a small value keeps the ctest smoke run short).

// The unlocked balance with ITER=1: main spawns two threads, each reads and writes the
// balance twice, main joins both.
constexpr const char* balance = R"(
shared balance = 0
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

constexpr const char* store_buffering = R"(
atomic x = 0
atomic y = 0
atomic r0 = -1
atomic r1 = -1
thread t0:
    x.store(1, relaxed)
    r0.store(y.load(relaxed), relaxed)
thread t1:
    y.store(1, relaxed)
    r1.store(x.load(relaxed), relaxed)
observe r0, r1
)";

interleave::Module module_of(const char* text) {
  auto r = interleave::load_text("bench.scn", text);
  if (!r.ok()) throw std::runtime_error(r.render());
  return interleave::compile(*r.program);
}

void report(benchmark::State& state, std::uint64_t runs) {
  state.counters["runs/s"] = benchmark::Counter(static_cast<double>(runs), benchmark::Counter::kIsRate);
}

void stress_runs(benchmark::State& state, const char* text, std::uint32_t b) {
  const interleave::Module m = module_of(text);
  interleave::StressOptions o;
  o.max_seconds = 60;
  o.max_runs = static_cast<std::uint64_t>(state.range(0));
  o.batch = b;
  o.tsan = false;
  std::uint64_t runs = 0;
  for (auto _ : state) {
    const auto r = interleave::stress(m, o);
    runs += r.runs;
    benchmark::DoNotOptimize(r.observations.size());
  }
  report(state, runs);
}

void StressBalance(benchmark::State& state) { stress_runs(state, balance, batch); }
void StressBalanceAdaptive(benchmark::State& state) { stress_runs(state, balance, 0); }
void StressStoreBuffering(benchmark::State& state) { stress_runs(state, store_buffering, batch); }
void StressStoreBufferingAdaptive(benchmark::State& state) { stress_runs(state, store_buffering, 0); }

// The baseline's batch: n workers, released together, each running body(k, i) over
// every instance i; then the check of each instance on the calling thread.
template <class Body, class Check>
void physical_batch(std::uint32_t workers, Body body, Check check) {
  std::atomic<bool> start{false};
  std::vector<std::thread> threads;
  for (std::uint32_t k = 0; k < workers; ++k)
    threads.emplace_back([&, k] {
      while (!start.load(std::memory_order_acquire)) std::this_thread::yield();
      for (std::uint32_t i = 0; i < batch; ++i) body(k, i);
    });
  start.store(true, std::memory_order_release);
  for (auto& t : threads) t.join();
  for (std::uint32_t i = 0; i < batch; ++i) check(i);
}

void BaselineBalance(benchmark::State& state) {
  std::uint64_t runs = 0, lost = 0;
  for (auto _ : state) {
    for (std::int64_t done = 0; done < state.range(0); done += batch) {
      auto cells = std::make_unique<std::atomic<std::int64_t>[]>(batch);
      physical_batch(
          2,
          [&](std::uint32_t k, std::uint32_t i) {
            const std::int64_t n = k == 0 ? 5 : 8;
            auto& c = cells[i];
            c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
            c.store(c.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
          },
          [&](std::uint32_t i) { lost += cells[i].load(std::memory_order_relaxed) != 0; });
      runs += batch;
    }
  }
  benchmark::DoNotOptimize(lost);
  report(state, runs);
}

void BaselineStoreBuffering(benchmark::State& state) {
  struct Cells {
    std::atomic<std::int64_t> x{0}, y{0}, r0{-1}, r1{-1};
  };
  std::uint64_t runs = 0, weak = 0;
  for (auto _ : state) {
    for (std::int64_t done = 0; done < state.range(0); done += batch) {
      auto cells = std::make_unique<Cells[]>(batch);
      physical_batch(
          2,
          [&](std::uint32_t k, std::uint32_t i) {
            Cells& c = cells[i];
            if (k == 0) {
              c.x.store(1, std::memory_order_relaxed);
              c.r0.store(c.y.load(std::memory_order_relaxed), std::memory_order_relaxed);
            } else {
              c.y.store(1, std::memory_order_relaxed);
              c.r1.store(c.x.load(std::memory_order_relaxed), std::memory_order_relaxed);
            }
          },
          [&](std::uint32_t i) {
            weak += cells[i].r0.load(std::memory_order_relaxed) == 0 && cells[i].r1.load(std::memory_order_relaxed) == 0;
          });
      runs += batch;
    }
  }
  state.counters["weak"] = static_cast<double>(weak);
  report(state, runs);
}

}  // namespace

BENCHMARK(BaselineBalance)->Arg(65536)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(StressBalance)->Arg(65536)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(StressBalanceAdaptive)->Arg(4096)->Arg(65536)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BaselineStoreBuffering)->Arg(65536)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(StressStoreBuffering)->Arg(65536)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(StressStoreBufferingAdaptive)->Arg(4096)->Arg(65536)->UseRealTime()->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
