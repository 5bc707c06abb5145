#include <algorithm>

#include "interleave/scheduler.hpp"

namespace interleave {

bool ReplayScheduler::new_run() {
  if (started_ && strict_) return false;  // a strict replay is one run
  started_ = true;
  next_ = 0;
  diverged_ = false;
  return true;
}

ThreadId ReplayScheduler::pick(std::span<const ThreadId> runnable, ThreadId current, bool) {
  if (next_ < schedule_.choices.size()) {
    const Choice c = schedule_.choices[next_++];
    if (c.kind == Choice::thread && std::binary_search(runnable.begin(), runnable.end(), c.value))
      return static_cast<ThreadId>(c.value);
    diverged_ = true;
  }
  // Past the schedule (or off it): keep the current thread, else the lowest runnable.
  if (std::binary_search(runnable.begin(), runnable.end(), current)) return current;
  return runnable.front();
}

std::int64_t ReplayScheduler::choose(std::int64_t lo, std::int64_t hi) {
  if (next_ < schedule_.choices.size()) {
    // Lenient: a value asked for where a thread choice is recorded (a memory model's
    // choice of store, say, that the schedule was not made with) takes the default and
    // leaves the thread choice for the next pick.
    if (!strict_ && schedule_.choices[next_].kind == Choice::thread) {
      diverged_ = true;
      return lo;
    }
    const Choice c = schedule_.choices[next_++];
    const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    if (c.kind == Choice::number && c.value <= span) return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + c.value);
    diverged_ = true;
  }
  return lo;
}

}  // namespace interleave
