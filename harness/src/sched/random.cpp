#include <algorithm>
#include <vector>

#include "interleave/scheduler.hpp"

namespace interleave {

namespace {

// Uniformly random among runnable threads; after a yield, among the others when there are any.
class RandomScheduler final : public Scheduler {
 public:
  explicit RandomScheduler(std::uint64_t seed) : rng_(seed) { skips_forced_picks_ = true; }
  bool new_run() override { return true; }
  ThreadId pick(std::span<const ThreadId> runnable, ThreadId current, bool yielded) override {
    catch_up();
    if (yielded && runnable.size() > 1 && std::binary_search(runnable.begin(), runnable.end(), current)) {
      auto i = rng_.below(runnable.size() - 1);
      if (runnable[i] >= current) ++i;  // skip the yielder
      return runnable[i];
    }
    return runnable[rng_.below(runnable.size())];
  }
  std::int64_t choose(std::int64_t lo, std::int64_t hi) override {
    catch_up();
    const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    const std::uint64_t off = span == ~std::uint64_t{0} ? rng_.next() : rng_.below(span + 1);
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + off);
  }
  std::string name() const override { return "random"; }

 private:
  // A pick among one thread draws once (below(1)): the forced picks the runtime skipped.
  void catch_up() {
    rng_.skip(forced_picks_);
    forced_picks_ = 0;
  }

  Rng rng_;
};

}  // namespace

std::unique_ptr<Scheduler> make_random_scheduler(std::uint64_t seed) { return std::make_unique<RandomScheduler>(seed); }

}  // namespace interleave
