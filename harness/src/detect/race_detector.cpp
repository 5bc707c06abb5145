#include "interleave/race_detector.hpp"

namespace interleave {

// Everything is cleared in place, keeping capacity: runs are short and many.
void RaceDetector::reset(std::uint32_t cells) {
  cells_per_space_ = cells;
  spaces_.resize(1);
  spaces_[0].resize(cells);
  for (Cell& c : spaces_[0]) {
    c.w_clock = 0;
    c.reads.clear();
  }
  found_.reset();
}

void RaceDetector::add_space(std::uint32_t space, std::uint32_t copy_of) {
  if (spaces_.size() <= space) spaces_.resize(space + 1);
  // The copy is new memory with no history: an access to the original (say by a thread
  // that keeps running in the parent) never conflicts with one to the copy. What the
  // copy's first values came from is ordered before the child by the spawn edge.
  (void)copy_of;
  spaces_[space].assign(cells_per_space_, Cell{});
}

namespace {
Access later(const HbAccess& a) { return Access{a.thread, a.step, a.site, a.write}; }
}  // namespace

// Both take the accessing thread's clock once: whether an earlier access happens before
// this one is then one comparison against it (causality's happened_before, inlined).
void RaceDetector::read(const HbAccess& a, std::optional<Race>& race) {
  Cell& m = spaces_[a.space][a.cell];
  const VectorClock& now = causality_.clock(a.thread);
  if (m.w_clock != 0 && m.w_thread != a.thread && !(m.w_thread < now.size() && m.w_clock <= now[m.w_thread]))
    race = Race{a.space, a.cell, Access{m.w_thread, m.w_step, m.w_site, true}, later(a)};
  if (m.reads.size() <= a.thread) [[unlikely]] m.reads.resize(a.thread + 1);
  m.reads[a.thread] = ReadEntry{now[a.thread], a.step, a.site};
}

void RaceDetector::write(const HbAccess& a, std::optional<Race>& race) {
  Cell& m = spaces_[a.space][a.cell];
  const VectorClock& now = causality_.clock(a.thread);
  const auto before = [&](std::uint32_t t, std::uint32_t clock) { return t < now.size() && clock <= now[t]; };
  if (m.w_clock != 0 && m.w_thread != a.thread && !before(m.w_thread, m.w_clock))
    race = Race{a.space, a.cell, Access{m.w_thread, m.w_step, m.w_site, true}, later(a)};
  // The first read concurrent with this write races with it (unless the last write did);
  // reads ordered before it can no longer race with later writes, which are checked
  // against this one: only concurrent reads are kept.
  for (std::uint32_t t = 0; t < m.reads.size(); ++t) {
    ReadEntry& r = m.reads[t];
    if (r.clock == 0) continue;
    if (t == a.thread || before(t, r.clock)) {
      r.clock = 0;
    } else if (!race) {
      race = Race{a.space, a.cell, Access{t, r.step, r.site, false}, later(a)};
    }
  }
  m.w_thread = a.thread;
  m.w_clock = now[a.thread];
  m.w_step = a.step;
  m.w_site = a.site;
}

}  // namespace interleave
