// Stateless exhaustive search: every run replays the current path's choices, then takes
// the first option at each new choice point; new_run() backtracks to the deepest choice
// with an untried option. The current thread is tried first, so the first run has no
// preemptions and a preemption bound prunes whole subtrees.
#include <fmt/format.h>

#include <algorithm>

#include "interleave/scheduler.hpp"

namespace interleave {

bool DfsScheduler::is_preemption(const Node& n, std::uint64_t index) const {
  return n.values == 0 && n.current_can_continue && option(n, index) != n.current;
}

bool DfsScheduler::new_run() {
  if (complete_) return false;
  if (runs_ > 0) {
    // Backtrack to the deepest node with an option left that respects the bound.
    while (!stack_.empty()) {
      Node& n = stack_.back();
      const std::uint64_t count = n.values ? n.values : n.count;
      const unsigned before = preemptions_before(stack_.size() - 1);
      bool advanced = false;
      while (++n.index < count) {
        const unsigned p = before + (is_preemption(n, n.index) ? 1 : 0);
        if (bound_ < 0 || p <= static_cast<unsigned>(bound_)) {
          n.preemptions = p;
          advanced = true;
          break;
        }
      }
      if (advanced) break;
      options_.resize(n.first);
      stack_.pop_back();
    }
    if (stack_.empty()) {
      complete_ = true;
      return false;
    }
  }
  ++runs_;
  depth_ = 0;
  return true;
}

ThreadId DfsScheduler::pick(std::span<const ThreadId> runnable, ThreadId current, bool yielded) {
  if (depth_ < stack_.size()) {
    const Node& n = stack_[depth_++];
    return option(n, n.index);
  }
  Node n;
  n.first = static_cast<std::uint32_t>(options_.size());
  const bool current_runnable = std::binary_search(runnable.begin(), runnable.end(), current);
  // After a yield the others go first (when there are others): fairness keeps spin loops
  // that yield finite.
  const bool skip_current = yielded && current_runnable && runnable.size() > 1;
  if (current_runnable && !skip_current) options_.push_back(current);
  for (ThreadId t : runnable)
    if (t != current) options_.push_back(t);
  n.count = static_cast<std::uint32_t>(options_.size()) - n.first;
  n.current = current;
  n.current_can_continue = current_runnable && !yielded;
  n.preemptions = preemptions_before(stack_.size()) + (is_preemption(n, 0) ? 1 : 0);
  stack_.push_back(n);
  ++depth_;
  return option(stack_.back(), 0);
}

std::int64_t DfsScheduler::choose(std::int64_t lo, std::int64_t hi) {
  std::uint64_t index = 0;
  if (depth_ < stack_.size()) {
    index = stack_[depth_++].index;
  } else {
    Node n;
    n.first = static_cast<std::uint32_t>(options_.size());
    n.values = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
    if (n.values == 0) n.values = ~std::uint64_t{0};  // the whole int64 range
    n.preemptions = preemptions_before(stack_.size());
    stack_.push_back(n);
    ++depth_;
  }
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + index);
}

std::string DfsScheduler::name() const {
  return bound_ < 0 ? std::string("dfs") : fmt::format("dfs(preemptions<={})", bound_);
}

}  // namespace interleave
