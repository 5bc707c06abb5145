#include "findings.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace interleave::findings {

namespace {

std::string_view access_kind(bool write) { return write ? "write" : "read"; }
std::string_view plural(std::uint64_t n) { return n == 1 ? "" : "s"; }

}  // namespace

Place place(const Module& m, std::uint32_t site) {
  const Site& s = m.sites[site];
  return Place{where(m, site), s.loc, s.text};
}

std::string where(const Module& m, std::uint32_t site) { return fmt::format("{}:{}", m.path, m.sites[site].loc.line); }

// ---- crash ------------------------------------------------------------------------------
Finding crash(std::string_view thread, const Place& at, std::string_view what) {
  Finding f;
  f.kind = FindingKind::crash;
  f.summary = fmt::format("{} crashed at {}: {}", thread, at.where, what);
  f.details.push_back(fmt::format("statement: {}", at.statement));
  f.details.push_back("a crash in a thread ends the whole program");
  f.locations = {at.loc};
  f.key = fmt::format("crash:{}", at.loc.line);
  return f;
}

namespace {
std::string heap_event(std::string_view what, const HeapEvent& e) {
  return fmt::format("{} by {} at {} (step {}): {}", what, e.thread, e.at.where, e.step, e.at.statement);
}
}  // namespace

Finding memory_error(std::string_view kind, std::string_view what, const HeapEvent& access, std::string_view block,
                     const std::optional<HeapEvent>& alloc, const std::optional<HeapEvent>& freed) {
  Finding f;
  f.kind = FindingKind::memory;
  f.summary = fmt::format("{}: {} by {} at {}", kind, what, access.thread, access.at.where);
  f.details.push_back(heap_event(what, access));
  if (!block.empty()) f.details.push_back(std::string(block));
  f.locations = {access.at.loc};
  if (alloc) {
    f.details.push_back(heap_event("allocated", *alloc));
    f.locations.push_back(alloc->at.loc);
  }
  if (freed) {
    f.details.push_back(heap_event("freed", *freed));
    f.locations.push_back(freed->at.loc);
  }
  f.key = fmt::format("memory:{}:{}", kind, access.at.loc.line);
  return f;
}

Finding leak(const std::vector<std::pair<std::string, HeapEvent>>& blocks, std::size_t cells) {
  Finding f;
  f.kind = FindingKind::memory;
  f.summary = fmt::format("leak: {} block{} ({} cell{}) never freed", blocks.size(), blocks.size() == 1 ? "" : "s", cells,
                          cells == 1 ? "" : "s");
  constexpr std::size_t shown = 8;
  for (std::size_t k = 0; k < blocks.size() && k < shown; ++k) {
    f.details.push_back(heap_event(fmt::format("{} allocated", blocks[k].first), blocks[k].second));
    f.locations.push_back(blocks[k].second.at.loc);
  }
  if (blocks.size() > shown) f.details.push_back(fmt::format("and {} more", blocks.size() - shown));
  f.details.push_back("every thread had finished: nothing can free them any more");
  f.key = fmt::format("memory:leak:{}", blocks.empty() ? 0 : blocks.front().second.at.loc.line);
  return f;
}

Finding too_many_threads(std::uint32_t max_threads) {
  Finding f;
  f.kind = FindingKind::crash;
  f.summary = fmt::format("more than {} threads were started", max_threads);
  f.details.push_back("a spawn inside an unbounded loop?");
  f.key = "crash:threads";
  return f;
}

std::string process_crash_note(std::string_view process, std::string_view where, std::string_view what) {
  return fmt::format("process {} crashed at {}: {} (the rest of the run went on)", process, where, what);
}

namespace crash_text {
std::string out_of_range(std::string_view variable, std::int64_t index, std::uint32_t size) {
  return fmt::format("index {} is out of range for {} (size {})", index, variable, size);
}
std::string bad_unlock(std::string_view statement, std::string_view mutex, std::string_view owner) {
  // A with block unlocks where it ends: say so, the statement shows no unlock.
  const std::string what = statement.rfind("with ", 0) == 0 ? fmt::format("leaving the with block unlocks {}", mutex)
                                                            : fmt::format("unlock of {}", mutex);
  return owner.empty() ? fmt::format("{}, which is not locked (was it unlocked twice?)", what)
                       : fmt::format("{}, which is held by {}", what, owner);
}
std::string wait_without_mutex(std::string_view cond, std::string_view mutex) {
  return fmt::format("{}.wait({}) without holding {}", cond, mutex, mutex);
}
std::string not_a_thread(std::int64_t handle) { return fmt::format("join of {}, which is not a thread handle", handle); }
std::string joins_itself(std::string_view thread) { return fmt::format("{} joins itself", thread); }
std::string already_joined(std::string_view thread) { return fmt::format("{} was already joined", thread); }
std::string empty_range(std::int64_t lo, std::int64_t hi) { return fmt::format("any({}, {}) has an empty range", lo, hi); }
std::string too_deep(std::uint32_t max_depth) {
  return fmt::format("calls nested deeper than {} (runaway recursion?)", max_depth);
}
std::string semaphore_overflow(std::string_view semaphore) {
  return fmt::format("{}.release() past 9223372036854775807 permits (the most a semaphore holds)", semaphore);
}
std::string put_on_closed(std::string_view queue) {
  return fmt::format("{}.put() on a closed queue (try_put() reports it instead)", queue);
}
std::string closed_twice(std::string_view queue) { return fmt::format("{}.close() of a queue already closed", queue); }
std::string statement(const std::optional<std::string>& message) { return message ? *message : std::string("crash"); }
}  // namespace crash_text

// ---- failure ----------------------------------------------------------------------------
Finding assert_failed(std::string_view thread, const Place& at, const std::optional<std::string>& message,
                      std::string_view shown) {
  Finding f;
  f.kind = FindingKind::failure;
  f.summary = fmt::format("{} failed in {} at {}", at.statement, thread, at.where);
  if (message) f.details.push_back(fmt::format("message: {}", *message));
  f.details.push_back(fmt::format("the condition evaluated as {}", shown));
  f.locations = {at.loc};
  f.key = fmt::format("failure:assert:{}", at.loc.line);
  return f;
}

Finding property_failed(DeclKind kind, std::string_view name, const Place& at, const std::optional<std::string>& message,
                        std::string_view when, std::string_view why) {
  Finding f;
  f.kind = FindingKind::failure;
  f.summary = fmt::format("{} failed {}", at.statement, when);
  if (message) f.details.push_back(fmt::format("message: {}", *message));
  f.details.emplace_back(why);
  f.locations = {at.loc};
  f.property = std::string(name);
  f.key = name.empty() ? fmt::format("failure:{}:{}", spelling(kind), at.loc.line)
                       : fmt::format("failure:{}:{}", spelling(kind), name);
  return f;
}

std::string after_step(std::uint64_t step) { return fmt::format("after step {}", step); }
std::string shown_variable(std::string_view name, std::uint32_t size, const std::function<std::int64_t(std::uint32_t)>& cell) {
  if (size == 0) return fmt::format("{} = {}", name, cell(0));
  std::string out = fmt::format("{} = [", name);
  for (std::uint32_t k = 0; k < size && k < 16; ++k) out += fmt::format("{}{}", k ? ", " : "", cell(k));
  out += size > 16 ? ", ...]" : "]";
  return out;
}
std::string property_false(std::string_view shown) {
  return shown.empty() ? std::string("the expression is false") : fmt::format("with {}", shown);
}
std::string property_error(std::string_view error) { return fmt::format("it cannot be evaluated: {}", error); }

// ---- livelock ---------------------------------------------------------------------------
Finding livelock(std::uint64_t max_steps, const std::vector<Standing>& unfinished) {
  Finding f;
  f.kind = FindingKind::livelock;
  f.summary = fmt::format("livelock: the run did not finish within {} steps", max_steps);
  f.details.push_back("this might be caused by an unfair schedule, e.g. a spin loop that waits for another thread "
                      "without a yield (raise the bound with --max-steps if the scenario is just long)");
  for (const Standing& t : unfinished) {
    f.details.push_back(fmt::format("{} is at {}: {}", t.thread, t.at.where, t.at.statement));
    f.locations.push_back(t.at.loc);
  }
  // One livelock per scenario: where the threads happen to stand when the bound is hit
  // varies from run to run and says little.
  f.key = "livelock";
  return f;
}

Finding spin(std::string_view thread, const Place& at, std::uint64_t instructions) {
  Finding f;
  f.kind = FindingKind::livelock;
  f.summary = fmt::format("{} spins without a visible step at {}", thread, at.where);
  f.details.push_back(fmt::format(
      "it ran {} instructions without touching shared state: a loop whose condition can never change", instructions));
  f.locations = {at.loc};
  f.key = fmt::format("livelock:spin:{}", at.loc.line);
  return f;
}

// ---- deadlock ---------------------------------------------------------------------------
std::string describe(const ThreadState& s) {
  switch (s.what) {
    case ThreadState::at: return fmt::format("at {}", s.where);
    case ThreadState::crashed: return "crashed";
    case ThreadState::finished: return "finished";
    case ThreadState::not_started: return "not started";
    case ThreadState::running: return "running";
  }
  return "running";
}

Wait Wait::lock(std::string mutex, std::string owner, Owner state, std::string since) {
  Wait w;
  w.on = On::lock;
  w.object = std::move(mutex);
  w.owner = std::move(owner);
  w.owner_state = state;
  w.since = std::move(since);
  return w;
}
Wait Wait::cond(std::string cond, bool notified, std::string mutex) {
  Wait w;
  w.on = notified ? On::relock : On::cond;
  w.object = std::move(cond);
  w.mutex = std::move(mutex);
  return w;
}
Wait Wait::permit(std::string semaphore) {
  Wait w;
  w.on = On::permit;
  w.object = std::move(semaphore);
  return w;
}
Wait Wait::put(std::string queue, std::int64_t capacity) {
  Wait w;
  w.on = On::put;
  w.object = std::move(queue);
  w.capacity = capacity;
  return w;
}
Wait Wait::get(std::string queue) {
  Wait w;
  w.on = On::get;
  w.object = std::move(queue);
  return w;
}
Wait Wait::join(std::string thread, ThreadState target) {
  Wait w;
  w.on = On::join;
  w.object = std::move(thread);
  w.target = std::move(target);
  return w;
}
Wait Wait::join_process(std::string process, std::vector<std::pair<std::string, ThreadState>> inside) {
  Wait w;
  w.on = On::join_process;
  w.object = std::move(process);
  w.inside = std::move(inside);
  return w;
}

std::string describe(const Wait& w) {
  switch (w.on) {
    case Wait::On::lock: {
      if (w.owner.empty() && w.owner_state != Wait::Owner::itself) return fmt::format("waits to lock {}", w.object);
      const bool self = w.owner_state == Wait::Owner::itself;
      const std::string_view how = w.owner_state == Wait::Owner::process_crashed ? " (whose process crashed while it held it)"
                                   : w.owner_state == Wait::Owner::finished ? " (which has finished without unlocking it)"
                                                                            : "";
      std::string out = fmt::format("waits to lock {}, held by {}{} since {}", w.object, self ? "itself" : w.owner, how, w.since);
      if (self) out += " (a mutex is not recursive)";
      return out;
    }
    case Wait::On::cond: return fmt::format("waits on {} and no thread will notify it", w.object);
    case Wait::On::relock: return fmt::format("was woken from {} but cannot relock {}", w.object, w.mutex);
    case Wait::On::permit: return fmt::format("waits for a permit of {} (none left)", w.object);
    case Wait::On::put:
      return fmt::format("waits to put into {}, which is full ({} item{})", w.object, w.capacity,
                         plural(static_cast<std::uint64_t>(w.capacity)));
    case Wait::On::get: return fmt::format("waits to get from {}, which is empty", w.object);
    case Wait::On::join: return fmt::format("waits to join {}, which is blocked {}", w.object, describe(w.target));
    case Wait::On::join_process: {
      std::string inside;
      for (const auto& [name, state] : w.inside) inside += fmt::format("{}{} {}", inside.empty() ? "" : ", ", name, describe(state));
      return fmt::format("waits to join process {}, whose threads are still blocked: {}", w.object, inside);
    }
    case Wait::On::other: break;
  }
  return "is blocked";
}

Finding deadlock(const std::vector<Blocked>& blocked) {
  Finding f;
  f.kind = FindingKind::deadlock;
  std::vector<std::uint32_t> lines;
  for (const Blocked& b : blocked) {
    lines.push_back(b.at.loc.line);
    f.locations.push_back(b.at.loc);
    f.details.push_back(fmt::format("{} at {} ({}): {}", b.thread, b.at.where, b.at.statement, describe(b.wait)));
  }
  f.summary = fmt::format("deadlock: {} thread{} blocked forever", blocked.size(), plural(blocked.size()));
  // The places, not the threads' names or order: whichever runtime and schedule found it.
  std::sort(lines.begin(), lines.end());
  f.key = "deadlock";
  for (auto l : lines) f.key += fmt::format(":{}", l);
  return f;
}

// ---- race -------------------------------------------------------------------------------
namespace {

Finding race_finding(std::string_view variable, std::string_view cell, Detector by) {
  Finding f;
  f.kind = FindingKind::race;
  f.detector = by;
  f.variable = std::string(variable);
  f.summary = fmt::format("race on {}", cell);
  // One race finding per variable: minimisation then looks for its shortest witness,
  // whichever pair of accesses that is.
  f.key = fmt::format("race:{}", variable);
  return f;
}

}  // namespace

Finding race(std::string_view variable, std::string_view cell, const Access& earlier, const Access& later) {
  Finding f = race_finding(variable, cell, Detector::happens_before);
  for (const Access* a : {&earlier, &later}) {
    const std::string step = a->step ? fmt::format(" (step {})", *a->step) : "";
    if (a->at) {
      f.details.push_back(fmt::format("{} by {} at {}{}: {}", access_kind(a->write), a->thread, a->at->where, step, a->at->statement));
      f.locations.push_back(a->at->loc);
    } else {
      f.details.push_back(fmt::format("{} by {}{}", access_kind(a->write), a->thread, step));
    }
  }
  f.details.push_back("nothing orders them: no lock, join, queue, semaphore or release/acquire atomic creates a "
                      "happens-before edge between the two (relaxed atomics create none)");
  return f;
}

Finding tsan_race(std::string_view variable, std::string_view cell, const Access& earlier, const Access& later) {
  Finding f = race_finding(variable, cell, Detector::tsan);
  for (const Access* a : {&earlier, &later}) {
    std::string d = a->at ? fmt::format("{} by {} at {}: {}", access_kind(a->write), a->thread, a->at->where, a->at->statement)
                          : fmt::format("{} by {}", access_kind(a->write), a->thread);
    if (a->step) d += fmt::format(" (step {})", *a->step);
    f.details.push_back(std::move(d));
    if (a->at) f.locations.push_back(a->at->loc);
  }
  f.details.push_back("ThreadSanitizer: data race (the two accesses are not ordered by happens-before)");
  return f;
}

Finding potential_deadlock(std::vector<std::string> mutexes) {
  std::sort(mutexes.begin(), mutexes.end());
  mutexes.erase(std::unique(mutexes.begin(), mutexes.end()), mutexes.end());
  Finding f;
  f.kind = FindingKind::potential_deadlock;
  f.detector = Detector::tsan;
  f.summary = fmt::format("potential deadlock: lock order inversion between {}", fmt::join(mutexes, ", "));
  f.details.push_back("ThreadSanitizer: the mutexes are locked in a cycle of orders (each while holding another), "
                      "so some interleaving can deadlock, even if this run did not");
  // The mutexes are its place: two inversions among different mutexes are two findings.
  f.key = fmt::format("potential-deadlock:{}", fmt::join(mutexes, ","));
  return f;
}

// ---- forbidden --------------------------------------------------------------------------
Finding forbidden(std::string_view label, std::string_view tuple, const std::optional<std::string>& description,
                  const Place& declared) {
  Finding f;
  f.kind = FindingKind::forbidden;
  f.key = fmt::format("forbidden:{}", tuple);
  f.summary = fmt::format("forbidden outcome {} = {}", label, tuple);
  if (description) f.details.push_back(fmt::format("description: {}", *description));
  f.details.push_back(fmt::format("declared at {}: {}", declared.where, declared.statement));
  f.locations = {declared.loc};
  return f;
}

// ---- ThreadSanitizer reports --------------------------------------------------------------
std::optional<FromTsan> from_tsan(const Module& m, const tsan::Report& report, const TsanAddresses& addresses,
                                  std::optional<std::uint64_t> step) {
  if (report.kind == "data-race") {
    // TSan lists the current access first, then the earlier one.
    if (report.accesses.size() < 2 || !addresses.cell) return std::nullopt;
    std::optional<Cell> cell;
    for (const auto& a : report.accesses)
      if ((cell = addresses.cell(a.address))) break;
    if (!cell || cell->var >= m.shared.size()) return std::nullopt;
    const auto access = [&](const tsan::ReportedAccess& a, std::optional<std::uint64_t> at_step) {
      Access out{a.write, a.thread, std::nullopt, at_step};
      if (a.has_site && a.site < m.sites.size()) out.at = place(m, a.site);
      return out;
    };
    const Variable& v = m.shared[cell->var];
    const std::string name = cell->element ? fmt::format("{}[{}]", v.name, cell->index) : v.name;
    return FromTsan{tsan_race(v.name, name, access(report.accesses[1], std::nullopt), access(report.accesses[0], step)), cell};
  }
  if (report.kind == "lock-order-inversion") {
    if (!addresses.mutex) return std::nullopt;
    std::vector<std::string> names;
    for (std::uintptr_t a : report.mutexes)
      if (auto name = addresses.mutex(a)) names.push_back(std::move(*name));
    if (names.empty()) return std::nullopt;
    return FromTsan{potential_deadlock(std::move(names)), std::nullopt};
  }
  return std::nullopt;
}

}  // namespace interleave::findings
