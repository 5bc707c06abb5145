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

void RaceDetector::read(const HbAccess& a, std::optional<Race>& race) {
  const std::uint32_t space = a.space, cell = a.cell;
  Cell& m = spaces_[space][cell];
  if (m.w_clock != 0 && m.w_thread != a.thread && !causality_.happened_before(m.w_thread, m.w_clock, a.thread))
    race = Race{space, cell, Access{m.w_thread, m.w_step, m.w_site, true}, later(a)};
  if (m.reads.size() <= a.thread) m.reads.resize(a.thread + 1);
  m.reads[a.thread] = ReadEntry{causality_.epoch(a.thread), a.step, a.site};
}

void RaceDetector::write(const HbAccess& a, std::optional<Race>& race) {
  const std::uint32_t space = a.space, cell = a.cell;
  Cell& m = spaces_[space][cell];
  if (m.w_clock != 0 && m.w_thread != a.thread && !causality_.happened_before(m.w_thread, m.w_clock, a.thread))
    race = Race{space, cell, Access{m.w_thread, m.w_step, m.w_site, true}, later(a)};
  for (std::uint32_t t = 0; !race && t < m.reads.size(); ++t) {
    const ReadEntry& r = m.reads[t];
    if (r.clock != 0 && t != a.thread && !causality_.happened_before(t, r.clock, a.thread))
      race = Race{space, cell, Access{t, r.step, r.site, false}, later(a)};
  }
  m.w_thread = a.thread;
  m.w_clock = causality_.epoch(a.thread);
  m.w_step = a.step;
  m.w_site = a.site;
  // Reads ordered before this write can no longer race with later writes; later reads
  // are checked against this write. Keep only reads that are concurrent with it.
  for (std::uint32_t t = 0; t < m.reads.size(); ++t)
    if (m.reads[t].clock != 0 && (t == a.thread || causality_.happened_before(t, m.reads[t].clock, a.thread)))
      m.reads[t].clock = 0;
}

}  // namespace interleave
