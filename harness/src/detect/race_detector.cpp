#include "interleave/race_detector.hpp"

#include <algorithm>

namespace interleave {

// Everything is cleared in place, keeping capacity: runs are short and many.
void RaceDetector::reset(std::uint32_t cells, std::uint32_t sync_objects) {
  cells_per_space_ = cells;
  spaces_.resize(1);
  spaces_[0].resize(cells);
  for (Cell& c : spaces_[0]) {
    c.w_clock = 0;
    c.reads.clear();
  }
  threads_ = 0;
  for (auto& v : fence_released_) v.clear();
  for (auto& v : pending_acquire_) v.clear();
  sync_.resize(sync_objects);
  for (auto& v : sync_) v.clear();
  for (auto& q : queue_items_) q.clear();
  std::fill(queue_heads_.begin(), queue_heads_.end(), 0);
}

void RaceDetector::join_into(VectorClock& into, const VectorClock& from) {
  if (into.size() < from.size()) into.resize(from.size(), 0);
  for (std::size_t i = 0; i < from.size(); ++i) into[i] = std::max(into[i], from[i]);
}

void RaceDetector::add_thread(std::uint32_t thread, std::optional<std::uint32_t> parent) {
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

void RaceDetector::fence(std::uint32_t thread) {
  if (fence_released_.size() <= thread) {
    fence_released_.resize(thread + 1);
    pending_acquire_.resize(thread + 1);
  }
  join_into(clocks_[thread], pending_acquire_[thread]);
  pending_acquire_[thread].clear();
  fence_released_[thread].assign(clocks_[thread].begin(), clocks_[thread].end());
  tick(thread);
}

void RaceDetector::fence_release(std::uint32_t thread, std::uint32_t sync) {
  // A plain relaxed store starts a release sequence that carries only a preceding fence.
  if (thread < fence_released_.size()) sync_[sync].assign(fence_released_[thread].begin(), fence_released_[thread].end());
  else sync_[sync].clear();
}

void RaceDetector::fence_release_join(std::uint32_t thread, std::uint32_t sync) {
  if (thread < fence_released_.size()) join_into(sync_[sync], fence_released_[thread]);
}

void RaceDetector::fence_acquire_later(std::uint32_t thread, std::uint32_t sync) {
  if (pending_acquire_.size() <= thread) {
    fence_released_.resize(thread + 1);
    pending_acquire_.resize(thread + 1);
  }
  join_into(pending_acquire_[thread], sync_[sync]);
}

void RaceDetector::join(std::uint32_t joiner, std::uint32_t joined) {
  join_into(clocks_[joiner], clocks_[joined]);
}

void RaceDetector::add_space(std::uint32_t space, std::uint32_t copy_of) {
  if (spaces_.size() <= space) spaces_.resize(space + 1);
  // The copy is new memory with no history: an access to the original (say by a thread
  // that keeps running in the parent) never conflicts with one to the copy. What the
  // copy's first values came from is ordered before the child by the spawn edge.
  (void)copy_of;
  spaces_[space].assign(cells_per_space_, Cell{});
}

void RaceDetector::acquire(std::uint32_t thread, std::uint32_t sync) { join_into(clocks_[thread], sync_[sync]); }

void RaceDetector::release(std::uint32_t thread, std::uint32_t sync) {
  sync_[sync].assign(clocks_[thread].begin(), clocks_[thread].end());
  tick(thread);
}

void RaceDetector::release_join(std::uint32_t thread, std::uint32_t sync) {
  join_into(sync_[sync], clocks_[thread]);
  tick(thread);
}

void RaceDetector::put_item(std::uint32_t thread, std::uint32_t queue) {
  if (queue_items_.size() <= queue) {
    queue_items_.resize(queue + 1);
    queue_heads_.resize(queue + 1, 0);
  }
  auto& items = queue_items_[queue];
  items.emplace_back(clocks_[thread].begin(), clocks_[thread].end());
  tick(thread);
}

void RaceDetector::get_item(std::uint32_t thread, std::uint32_t queue) {
  auto& items = queue_items_[queue];
  auto& head = queue_heads_[queue];
  join_into(clocks_[thread], items[head]);
  if (++head == items.size()) {
    items.clear();
    head = 0;
  }
}

bool RaceDetector::happened_before(std::uint32_t thread, std::uint32_t clock, std::uint32_t observer) const {
  const VectorClock& c = clocks_[observer];
  return thread < c.size() && clock <= c[thread];
}

std::optional<Race> RaceDetector::read(std::uint32_t space, std::uint32_t cell, const Access& a) {
  Cell& m = spaces_[space][cell];
  std::optional<Race> race;
  if (m.w_clock != 0 && m.w_thread != a.thread && !happened_before(m.w_thread, m.w_clock, a.thread))
    race = Race{space, cell, Access{m.w_thread, m.w_step, m.w_site, true}, a};
  if (m.reads.size() <= a.thread) m.reads.resize(a.thread + 1);
  m.reads[a.thread] = ReadEntry{clocks_[a.thread][a.thread], a.step, a.site};
  return race;
}

std::optional<Race> RaceDetector::write(std::uint32_t space, std::uint32_t cell, const Access& a) {
  Cell& m = spaces_[space][cell];
  std::optional<Race> race;
  if (m.w_clock != 0 && m.w_thread != a.thread && !happened_before(m.w_thread, m.w_clock, a.thread))
    race = Race{space, cell, Access{m.w_thread, m.w_step, m.w_site, true}, a};
  for (std::uint32_t t = 0; !race && t < m.reads.size(); ++t) {
    const ReadEntry& r = m.reads[t];
    if (r.clock != 0 && t != a.thread && !happened_before(t, r.clock, a.thread))
      race = Race{space, cell, Access{t, r.step, r.site, false}, a};
  }
  m.w_thread = a.thread;
  m.w_clock = clocks_[a.thread][a.thread];
  m.w_step = a.step;
  m.w_site = a.site;
  // Reads ordered before this write can no longer race with later writes; later reads
  // are checked against this write. Keep only reads that are concurrent with it.
  for (std::uint32_t t = 0; t < m.reads.size(); ++t)
    if (m.reads[t].clock != 0 && (t == a.thread || happened_before(t, m.reads[t].clock, a.thread))) m.reads[t].clock = 0;
  return race;
}

}  // namespace interleave
