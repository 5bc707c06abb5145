#include "interleave/causality.hpp"

#include <algorithm>

namespace interleave {

// Everything is cleared in place, keeping capacity: runs are short and many.
void Causality::reset(std::uint32_t sync_objects) {
  threads_ = 0;
  for (auto& v : fence_released_) v.clear();
  for (auto& v : pending_acquire_) v.clear();
  // Never shrunk: each atomic store has its own sync object, and runs reuse them.
  if (sync_.size() < sync_objects) sync_.resize(sync_objects);
  for (auto& v : sync_) v.clear();
  for (auto& q : queue_items_) q.clear();
  std::fill(queue_heads_.begin(), queue_heads_.end(), 0);
}

[[gnu::noinline, gnu::cold]] void Causality::grow_sync(std::uint32_t id) { sync_.resize(id + 1); }

// Clocks have a component per thread: a handful. A plain loop, not a vectorised one whose
// set-up costs more than the few components it would speed up.
void Causality::join_into(VectorClock& into, const VectorClock& from) {
  const std::size_t n = from.size();
  if (into.size() < n) [[unlikely]] into.resize(n, 0);
  std::uint32_t* to = into.data();
  const std::uint32_t* in = from.data();
#pragma clang loop vectorize(disable) interleave(disable)
  for (std::size_t i = 0; i < n; ++i) to[i] = std::max(to[i], in[i]);
}

void Causality::copy_into(VectorClock& into, const VectorClock& from) {
  const std::size_t n = from.size();
  if (into.size() != n) [[unlikely]] {
    into.assign(from.begin(), from.end());
    return;
  }
  std::uint32_t* to = into.data();
  const std::uint32_t* in = from.data();
#pragma clang loop vectorize(disable) interleave(disable)
  for (std::size_t i = 0; i < n; ++i) to[i] = in[i];
}

void Causality::add_thread(std::uint32_t thread, std::optional<std::uint32_t> parent) {
  if (clocks_.size() <= thread) clocks_.resize(thread + 1);
  threads_ = std::max(threads_, thread + 1);
  VectorClock& c = clocks_[thread];
  c.clear();
  if (parent) {
    c.assign(clocks_[*parent].begin(), clocks_[*parent].end());
    tick(*parent);  // the parent's later steps do not happen before the child's
  }
  if (c.size() <= thread) c.resize(thread + 1, 0);
  c[thread] += 1;
}

void Causality::join(std::uint32_t joiner, std::uint32_t joined) { join_into(clocks_[joiner], clocks_[joined]); }

void Causality::ensure_fence_state(std::uint32_t thread) {
  if (fence_released_.size() <= thread) {
    fence_released_.resize(thread + 1);
    pending_acquire_.resize(thread + 1);
  }
}

void Causality::fence(std::uint32_t thread) {
  ensure_fence_state(thread);
  join_into(clocks_[thread], pending_acquire_[thread]);
  pending_acquire_[thread].clear();
  fence_released_[thread].assign(clocks_[thread].begin(), clocks_[thread].end());
  tick(thread);
}

void Causality::fence_half(std::uint32_t thread, bool acquire, bool release) {
  ensure_fence_state(thread);
  if (acquire) {
    join_into(clocks_[thread], pending_acquire_[thread]);
    pending_acquire_[thread].clear();
  }
  if (release) fence_released_[thread].assign(clocks_[thread].begin(), clocks_[thread].end());
  tick(thread);
}

void Causality::fence_release(std::uint32_t thread, std::uint32_t s) {
  // A plain relaxed store starts a release sequence that carries only a preceding fence.
  VectorClock& c = sync(s);
  if (thread < fence_released_.size()) c.assign(fence_released_[thread].begin(), fence_released_[thread].end());
  else c.clear();
}

void Causality::fence_release_join(std::uint32_t thread, std::uint32_t s) {
  VectorClock& c = sync(s);
  if (thread < fence_released_.size()) join_into(c, fence_released_[thread]);
}

void Causality::fence_acquire_later(std::uint32_t thread, std::uint32_t s) {
  ensure_fence_state(thread);
  join_into(pending_acquire_[thread], sync(s));
}

void Causality::acquire(std::uint32_t thread, std::uint32_t s) { join_into(clocks_[thread], sync(s)); }

void Causality::release(std::uint32_t thread, std::uint32_t s) {
  copy_into(sync(s), clocks_[thread]);
  tick(thread);
}

void Causality::release_join(std::uint32_t thread, std::uint32_t s) {
  join_into(sync(s), clocks_[thread]);
  tick(thread);
}

void Causality::copy_sync(std::uint32_t to, std::uint32_t from) {
  if (to == from) return;
  sync(std::max(to, from));  // grows first: the references below stay valid
  sync_[to].assign(sync_[from].begin(), sync_[from].end());
}

void Causality::put_item(std::uint32_t thread, std::uint32_t queue) {
  if (queue_items_.size() <= queue) {
    queue_items_.resize(queue + 1);
    queue_heads_.resize(queue + 1, 0);
  }
  queue_items_[queue].emplace_back(clocks_[thread].begin(), clocks_[thread].end());
  tick(thread);
}

void Causality::get_item(std::uint32_t thread, std::uint32_t queue) {
  auto& items = queue_items_[queue];
  auto& head = queue_heads_[queue];
  join_into(clocks_[thread], items[head]);
  if (++head == items.size()) {
    items.clear();
    head = 0;
  }
}

}  // namespace interleave
