// A happens-before race detector. Each shared cell remembers its last write (an epoch)
// and the last read of every thread; whether two accesses are ordered is causality's
// answer (causality.hpp: the vector clocks). Two accesses race when neither happens
// before the other and at least one is a write. Cells live in address spaces, one per
// process, since a process works on its own copy of the shared variables.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "interleave/causality.hpp"
#include "interleave/hb_listener.hpp"

namespace interleave {

struct Access {
  std::uint32_t thread = 0;
  std::uint32_t step = 0;   // the run's step number
  std::uint32_t site = 0;   // Module::sites index
  bool write = false;
};

struct Race {
  std::uint32_t space = 0;
  std::uint32_t cell = 0;
  Access earlier;  // the access that came first in this run
  Access later;
};

class RaceDetector final : public HbListener {
 public:
  // Reads the clocks of `causality`, which must receive the same events first.
  explicit RaceDetector(const Causality& causality) : causality_(causality) {}

  // Forgets every access; `cells` per address space.
  void reset(std::uint32_t cells);

  // Returns the first race this access completes, if any.
  std::optional<Race> read(std::uint32_t space, std::uint32_t cell, const Access& a) {
    std::optional<Race> race;
    read(HbAccess{a.thread, 0, space, cell, a.site, a.step, false}, race);
    return race;
  }
  std::optional<Race> write(std::uint32_t space, std::uint32_t cell, const Access& a) {
    std::optional<Race> race;
    write(HbAccess{a.thread, 0, space, cell, a.site, a.step, true}, race);
    return race;
  }

  // The race that the last access() completed, if any.
  const std::optional<Race>& found() const { return found_; }

  // ---- HbListener: only accesses and address spaces concern the history ---------------------
  void begin_run(const RunShape& run) override { reset(run.cells); }
  void end_run(const std::vector<std::pair<std::uint32_t, std::uint32_t>>&) override {}
  void add_space(std::uint32_t space, std::uint32_t copy_of) override;
  void add_thread(std::uint32_t, std::optional<std::uint32_t>, std::uint32_t, const std::string&) override {}
  void join(std::uint32_t, std::uint32_t) override {}
  void lock(std::uint32_t, std::uint32_t, bool) override {}
  void unlock(std::uint32_t, std::uint32_t) override {}
  void acquire(std::uint32_t, std::uint32_t) override {}
  void release(std::uint32_t, std::uint32_t) override {}
  void release_join(std::uint32_t, std::uint32_t) override {}
  void copy_sync(std::uint32_t, std::uint32_t) override {}
  void fence(std::uint32_t) override {}
  void fence_half(std::uint32_t, bool, bool) override {}
  void fence_release(std::uint32_t, std::uint32_t) override {}
  void fence_release_join(std::uint32_t, std::uint32_t) override {}
  void fence_acquire_later(std::uint32_t, std::uint32_t) override {}
  void put_item(std::uint32_t, std::uint32_t) override {}
  void get_item(std::uint32_t, std::uint32_t) override {}
  void access(const HbAccess& a) override {
    found_.reset();  // filled in place: no copy of a Race on every access
    a.write ? write(a, found_) : read(a, found_);
  }

 private:
  struct ReadEntry {
    std::uint32_t clock = 0;  // 0: no read
    std::uint32_t step = 0;
    std::uint32_t site = 0;
  };
  struct Cell {
    std::uint32_t w_thread = 0, w_clock = 0, w_step = 0, w_site = 0;  // w_clock 0: never written
    std::vector<ReadEntry> reads;  // by thread
  };

  // `race` is empty on entry and set if the access completes one.
  void read(const HbAccess& a, std::optional<Race>& race);
  void write(const HbAccess& a, std::optional<Race>& race);

  const Causality& causality_;
  std::uint32_t cells_per_space_ = 0;
  std::vector<std::vector<Cell>> spaces_;
  std::optional<Race> found_;
};

}  // namespace interleave
