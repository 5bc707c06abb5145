// PCT (Burckhardt et al., "A Randomized Scheduler with Probabilistic Guarantees of Finding
// Bugs", ASPLOS 2010): threads get random distinct priorities >= d, the highest-priority
// runnable thread runs, and at d-1 random steps the running thread drops to priority
// d-1, d-2, ... 1. A bug of depth d is found with probability at least 1/(n k^(d-1)).
#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "interleave/scheduler.hpp"

namespace interleave {

namespace {

class PctScheduler final : public Scheduler {
 public:
  PctScheduler(std::uint64_t seed, unsigned depth, std::uint64_t estimated_steps)
      : rng_(seed), depth_(std::max(1u, depth)), estimated_steps_(estimated_steps), learn_(estimated_steps == 0) {}

  bool new_run() override {
    priorities_.clear();
    sparse_.clear();
    step_ = 0;
    change_points_.clear();
    // k: the longest run seen so far estimates the number of steps.
    const std::uint64_t k = std::max<std::uint64_t>(estimated_steps_, 1);
    for (unsigned i = 1; i < depth_; ++i) change_points_.push_back(1 + rng_.below(k));
    lowest_ = 0;
    return true;
  }

  ThreadId pick(std::span<const ThreadId> runnable, ThreadId current, bool yielded) override {
    ++step_;
    for (ThreadId t : runnable) priority(t);
    if (yielded && runnable.size() > 1) slot(current) = --lowest_;  // a yield lets the others go first
    ThreadId best = runnable.front();
    for (ThreadId t : runnable)
      if (slot(t) > slot(best)) best = t;
    for (std::size_t i = 0; i < change_points_.size(); ++i) {
      if (change_points_[i] != step_) continue;
      // The i-th change point: the chosen thread drops below every initial priority.
      slot(best) = static_cast<std::int64_t>(depth_ - 1 - i);
      best = runnable.front();
      for (ThreadId t : runnable)
        if (slot(t) > slot(best)) best = t;
    }
    return best;
  }

  std::int64_t choose(std::int64_t lo, std::int64_t hi) override {
    const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    const std::uint64_t off = span == ~std::uint64_t{0} ? rng_.next() : rng_.below(span + 1);
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + off);
  }

  void end_run(std::uint64_t steps) override {
    if (learn_) estimated_steps_ = std::max(estimated_steps_, steps);
  }
  std::string name() const override { return fmt::format("pct(d={})", depth_); }

 private:
  // Thread ids are small and dense; the memory model's pseudo-threads (tso flushes) have
  // large ids, kept in a map so that a run does not allocate and clear a large vector.
  std::int64_t& slot(ThreadId t) {
    if (t >= dense_limit) {
      auto [it, fresh] = sparse_.try_emplace(t, missing);
      return it->second;
    }
    if (priorities_.size() <= t) priorities_.resize(t + 1, missing);
    return priorities_[t];
  }
  std::int64_t priority(ThreadId t) {
    std::int64_t& p = slot(t);
    if (p == missing) p = static_cast<std::int64_t>(depth_) + static_cast<std::int64_t>(rng_.below(1u << 30));
    return p;
  }

  static constexpr std::int64_t missing = INT64_MIN;
  Rng rng_;
  unsigned depth_;
  static constexpr ThreadId dense_limit = 4096;
  std::vector<std::int64_t> priorities_;
  std::unordered_map<ThreadId, std::int64_t> sparse_;
  std::vector<std::uint64_t> change_points_;
  std::uint64_t step_ = 0;
  std::uint64_t estimated_steps_ = 0;
  bool learn_ = true;
  std::int64_t lowest_ = 0;
};

}  // namespace

std::unique_ptr<Scheduler> make_pct_scheduler(std::uint64_t seed, unsigned depth, std::uint64_t estimated_steps) {
  return std::make_unique<PctScheduler>(seed, depth, estimated_steps);
}

}  // namespace interleave
