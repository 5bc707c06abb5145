// Throughput of the stress runtime against the physical baseline: a hand-written C++
// program doing the same accesses on std::thread with the same structure as the stress
// runtime runs that scenario: threads started once per batch of B instances and released
// together by a start flag, per-instance state, relaxed atomics for plain cells, and
//  - store buffering (threads, no main): two threads, each running its body over every
//    instance in order, never more than 32 instances ahead of the other;
//  - balance (main spawns two threads and joins them): three threads; main "spawns" an
//    instance's two threads with release flags, each thread waits for its instance's flag,
//    runs its body and sets its finished flag; main "joins" by polling those flags, with
//    up to 256 instances spawned and not yet joined (the stress runtime's parked mains).
// Waits spin, then yield, then sleep, as the stress runtime's backoff. Both report the
// weak outcome they saw (`weak`: per iteration; `weak%`: of all runs): store buffering's
// r0 = r1 = 0, the balance's final != 0 (a lost update), so that readers can see that
// both overlap their threads. The ratio stress/baseline is the cost of interpreting the
// scenario. Run from the release preset:
//   build/stress-release/bench/interleave_stress_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
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

void report(benchmark::State& state, std::uint64_t runs, std::uint64_t weak) {
  state.counters["runs/s"] = benchmark::Counter(static_cast<double>(runs), benchmark::Counter::kIsRate);
  state.counters["weak"] = benchmark::Counter(static_cast<double>(weak), benchmark::Counter::kAvgIterations);
  state.counters["weak%"] = runs ? 100.0 * static_cast<double>(weak) / static_cast<double>(runs) : 0.0;
}

// The runs of a stress result that showed the weak outcome: store buffering's (0, 0)
// observation, or the balance's failed final (a lost update).
std::uint64_t weak_of(const interleave::StressResult& r) {
  std::uint64_t weak = 0;
  if (auto it = r.observations.find({0, 0}); it != r.observations.end()) weak += it->second;
  for (const auto& f : r.findings)
    if (f.finding.key.rfind("failure:final:", 0) == 0) weak += f.occurrences;
  return weak;
}

void stress_runs(benchmark::State& state, const char* text, std::uint32_t b) {
  const interleave::Module m = module_of(text);
  interleave::StressOptions o;
  o.max_seconds = 60;
  o.max_runs = static_cast<std::uint64_t>(state.range(0));
  o.batch = b;
  o.tsan = false;
  std::uint64_t runs = 0, weak = 0;
  for (auto _ : state) {
    const auto r = interleave::stress(m, o);
    runs += r.runs;
    weak += weak_of(r);
    benchmark::DoNotOptimize(r.observations.size());
  }
  report(state, runs, weak);
}

void StressBalance(benchmark::State& state) { stress_runs(state, balance, batch); }
void StressBalanceAdaptive(benchmark::State& state) { stress_runs(state, balance, 0); }
void StressStoreBuffering(benchmark::State& state) { stress_runs(state, store_buffering, batch); }
void StressStoreBufferingAdaptive(benchmark::State& state) { stress_runs(state, store_buffering, 0); }

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// The stress runtime's wait: spin, then yield, then sleep briefly.
inline void backoff(std::uint32_t n) {
  if (n < 512) cpu_relax();
  else if (n < 16384) std::this_thread::yield();
  else std::this_thread::sleep_for(std::chrono::microseconds(50));
}

template <class Ready>
void wait_for(Ready ready) {
  for (std::uint32_t n = 0; !ready(); ++n) backoff(n);
}

struct alignas(64) Position {
  std::atomic<std::uint32_t> at{0};
};

// Store buffering: two threads started for the batch, released together, each running its
// body over every instance in order and never more than 32 instances ahead of the other
// (the stress runtime's lead bound for scenarios without main).
void BaselineStoreBuffering(benchmark::State& state) {
  struct Cells {
    std::atomic<std::int64_t> x{0}, y{0}, r0{-1}, r1{-1};
  };
  constexpr std::uint32_t lead = 32;
  std::uint64_t runs = 0, weak = 0;
  for (auto _ : state) {
    for (std::int64_t done = 0; done < state.range(0); done += batch) {
      auto cells = std::make_unique<Cells[]>(batch);
      Position pos[2];
      std::atomic<bool> start{false};
      auto body = [&](std::uint32_t k) {
        wait_for([&] { return start.load(std::memory_order_acquire); });
        for (std::uint32_t i = 0; i < batch; ++i) {
          pos[k].at.store(i, std::memory_order_relaxed);
          if (i >= lead) wait_for([&] { return pos[1 - k].at.load(std::memory_order_relaxed) + lead >= i; });
          Cells& c = cells[i];
          if (k == 0) {
            c.x.store(1, std::memory_order_relaxed);
            c.r0.store(c.y.load(std::memory_order_relaxed), std::memory_order_relaxed);
          } else {
            c.y.store(1, std::memory_order_relaxed);
            c.r1.store(c.x.load(std::memory_order_relaxed), std::memory_order_relaxed);
          }
        }
        pos[k].at.store(batch + lead, std::memory_order_relaxed);  // done: never holds the other back
      };
      std::thread t0(body, 0), t1(body, 1);
      start.store(true, std::memory_order_release);
      t0.join();
      t1.join();
      for (std::uint32_t i = 0; i < batch; ++i)
        weak += cells[i].r0.load(std::memory_order_relaxed) == 0 && cells[i].r1.load(std::memory_order_relaxed) == 0;
      runs += batch;
    }
  }
  report(state, runs, weak);
}

// The balance: main spawns two threads per instance and joins them, on three threads.
void BaselineBalance(benchmark::State& state) {
  struct alignas(64) Rec {
    std::atomic<bool> ready{false}, finished{false};
  };
  constexpr std::size_t window = 256;
  std::uint64_t runs = 0, weak = 0;
  for (auto _ : state) {
    for (std::int64_t done = 0; done < state.range(0); done += batch) {
      auto cells = std::make_unique<std::atomic<std::int64_t>[]>(batch);
      auto recs = std::make_unique<Rec[]>(2 * batch);  // instance i's threads: 2i, 2i + 1
      std::atomic<bool> start{false};
      auto thread_body = [&](std::uint32_t k) {
        wait_for([&] { return start.load(std::memory_order_acquire); });
        const std::int64_t n = k == 0 ? 5 : 8;
        for (std::uint32_t i = 0; i < batch; ++i) {
          Rec& r = recs[2 * i + k];
          wait_for([&] { return r.ready.load(std::memory_order_acquire); });
          auto& c = cells[i];
          c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
          c.store(c.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
          r.finished.store(true, std::memory_order_release);
        }
      };
      auto main_body = [&] {
        wait_for([&] { return start.load(std::memory_order_acquire); });
        std::vector<std::uint32_t> open;  // spawned, not yet joined
        open.reserve(window);
        std::uint32_t next = 0;
        for (std::uint32_t idle = 0; next < batch || !open.empty();) {
          bool moved = false;
          for (std::size_t p = 0; p < open.size();) {
            const std::uint32_t i = open[p];
            if (recs[2 * i].finished.load(std::memory_order_acquire) && recs[2 * i + 1].finished.load(std::memory_order_acquire)) {
              open.erase(open.begin() + static_cast<std::ptrdiff_t>(p));
              moved = true;
            } else {
              ++p;
            }
          }
          if (next < batch && open.size() < window) {
            recs[2 * next].ready.store(true, std::memory_order_release);
            recs[2 * next + 1].ready.store(true, std::memory_order_release);
            open.push_back(next++);
            moved = true;
          }
          if (moved) idle = 0;
          else backoff(idle++);
        }
      };
      std::thread m(main_body), t1(thread_body, 0), t2(thread_body, 1);
      start.store(true, std::memory_order_release);
      m.join();
      t1.join();
      t2.join();
      for (std::uint32_t i = 0; i < batch; ++i) weak += cells[i].load(std::memory_order_relaxed) != 0;
      runs += batch;
    }
  }
  report(state, runs, weak);
}

}  // namespace

BENCHMARK(BaselineBalance)->Arg(65536)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(StressBalance)->Arg(65536)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(StressBalanceAdaptive)->Arg(4096)->Arg(65536)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BaselineStoreBuffering)->Arg(65536)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(StressStoreBuffering)->Arg(65536)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(StressStoreBufferingAdaptive)->Arg(4096)->Arg(65536)->UseRealTime()->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
