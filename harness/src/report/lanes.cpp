// The lanes view of a trace: one column per thread, so that who ran when, who was
// preempted, who holds which mutex and where the two racing accesses are stand out.
#include "lanes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "timeline.hpp"

namespace interleave {

namespace {

using timeline::Event;
using timeline::Op;

constexpr std::size_t fold_min = 8;          // a run of one thread longer than this is folded
constexpr std::size_t fold_head = 3, fold_tail = 2;
constexpr std::size_t unbounded_cell = 40;   // cell width when the terminal's is unknown
constexpr std::size_t min_cell = 12;

const char* const red = "\033[1;31m";
const char* const yellow = "\033[33m";
const char* const reset = "\033[0m";

std::string fit(const std::string& s, std::size_t w) {
  if (s.size() <= w) return s + std::string(w - s.size(), ' ');
  return s.substr(0, w - 2) + "..";
}

bool marked(const Event& e) { return e.preempted_lane || e.race >= 0 || e.lost_notify; }

std::string cell_text(const Event& e) {
  std::string s = timeline::label(e);
  if (e.race >= 0) s += " <- RACE";
  if (e.lost_notify) s += " <- LOST";
  return s;
}

// What a step does to the mutexes: "m: Notifier", "m: free".
std::string mutex_change(const timeline::Timeline& t, const Event& e) {
  const std::string& who = t.lanes[e.lane];
  switch (e.op) {
    case Op::lock:
    case Op::try_lock: return e.object + ": " + who;
    case Op::unlock: return e.object + ": free";
    case Op::wait: return e.mutex + ": free";
    case Op::wake: return e.mutex + ": " + who;
    default: return {};
  }
}

}  // namespace

std::size_t lanes_of(const std::vector<report_doc::Step>& trace) {
  std::vector<std::string> names;
  for (const auto& s : trace)
    for (const std::string* name : {&s.preempts, &s.thread})
      if (!name->empty() && std::find(names.begin(), names.end(), *name) == names.end()) names.push_back(*name);
  return names.size();
}

std::string render_lanes(const report_doc::FindingDoc& f, const LanesStyle& style) {
  const timeline::Timeline t = timeline::build(f);
  const std::size_t n = t.lanes.size();
  if (n == 0) return {};
  const std::string& in = style.indent;
  std::size_t cap = unbounded_cell;
  if (style.width > 0) {
    const std::size_t fixed = in.size() + 8 + 3 * n + 14;  // gutter, step, separators, a narrow mutex column
    cap = style.width > fixed + n * min_cell ? (style.width - fixed) / n : min_cell;
  }
  bool any_preempt = false, any_race = false, any_lost = false, any_mutex = false;
  for (const Event& e : t.events) {
    any_preempt = any_preempt || e.preempted_lane.has_value();
    any_race = any_race || e.race >= 0;
    any_lost = any_lost || e.lost_notify;
    any_mutex = any_mutex || !mutex_change(t, e).empty();
  }
  // The rows first (gutter mark, step, a cell per lane, the mutex change), then the widths.
  struct Row {
    char mark = ' ';
    std::string step;
    std::vector<std::pair<std::string, const char*>> cells;
    std::string mutexes;
    std::string free;  // a line of its own, outside the columns
  };
  std::vector<Row> rows;
  auto add = [&](char mark, std::string step) {
    rows.push_back({mark, std::move(step), std::vector<std::pair<std::string, const char*>>(n, {"", nullptr}), "", ""});
    return &rows.back();
  };
  {
    Row* head = add(' ', "step");
    for (std::size_t l = 0; l < n; ++l) head->cells[l].first = t.lanes[l];
    head->mutexes = any_mutex ? "mutexes" : "";
  }
  auto plain = [&](const Event& e) { add(' ', std::to_string(e.step))->cells[e.lane].first = cell_text(e); };
  for (std::size_t k = 0; k < t.events.size();) {
    // A long run of one thread with nothing marked: its start, a fold line, its end.
    std::size_t run = k;
    while (run < t.events.size() && t.events[run].lane == t.events[k].lane && !marked(t.events[run]) &&
           mutex_change(t, t.events[run]).empty())
      ++run;
    if (run - k > fold_min) {
      for (std::size_t j = k; j < k + fold_head; ++j) plain(t.events[j]);
      const std::size_t hidden_from = k + fold_head, hidden_to = run - fold_tail;  // [from, to)
      add(' ', "")->cells[t.events[k].lane].first = fmt::format("... {} steps ({}-{})", hidden_to - hidden_from,
                                                               t.events[hidden_from].step, t.events[hidden_to - 1].step);
      for (k = hidden_to; k < run; ++k) plain(t.events[k]);
      continue;
    }
    const Event& e = t.events[k];
    Row* r = add(e.race >= 0 || e.lost_notify ? '!' : e.preempted_lane ? '>' : ' ', std::to_string(e.step));
    r->cells[e.lane] = {cell_text(e), e.race >= 0 || e.lost_notify ? red : nullptr};
    if (e.preempted_lane) r->cells[*e.preempted_lane] = {"(preempted)", yellow};
    r->mutexes = mutex_change(t, e);
    ++k;
  }
  if (std::any_of(t.final_state.begin(), t.final_state.end(), [](const std::string& s) { return !s.empty(); })) {
    Row* r = add(' ', "then");
    for (std::size_t l = 0; l < n; ++l) r->cells[l].first = t.final_state[l];
  }
  // A long trace (a livelock's thousands of steps) shows its start and its end, as the table does.
  constexpr std::size_t head = 20, tail = 40;
  if (rows.size() > 1 + head + tail + 1) {
    const std::size_t cut_from = 1 + head, cut_to = rows.size() - tail;
    Row gap{' ', "", std::vector<std::pair<std::string, const char*>>(n, {"", nullptr}), "",
            fmt::format("... {} rows not shown (replay shows every step)", cut_to - cut_from)};
    rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(cut_from), rows.begin() + static_cast<std::ptrdiff_t>(cut_to));
    rows.insert(rows.begin() + static_cast<std::ptrdiff_t>(cut_from), std::move(gap));
  }
  std::vector<std::size_t> w(n, 0);
  for (const Row& r : rows)
    for (std::size_t l = 0; l < n; ++l) w[l] = std::min(cap, std::max(w[l], r.cells[l].first.size()));
  auto paint = [&](const std::string& s, const char* colour) { return style.colour && colour ? colour + s + reset : s; };

  std::string out = fmt::format("{}lanes: {} thread{}, {} step{}, {} preemption{}", in, n, n == 1 ? "" : "s",
                                t.events.size(), t.events.size() == 1 ? "" : "s", t.preemptions,
                                t.preemptions == 1 ? "" : "s");
  std::string legend;
  if (any_preempt) legend += "  > preemption";
  if (any_race) legend += "  ! racing access";
  if (any_lost) legend += "  ! lost notify";
  out += legend.empty() ? "\n" : "  (" + legend.substr(2) + ")\n";
  for (const Row& r : rows) {
    if (!r.free.empty()) {
      out += in + std::string(8, ' ') + r.free + "\n";
      continue;
    }
    std::string line = in + paint(std::string(1, r.mark), r.mark == ' ' ? nullptr : r.mark == '>' ? yellow : red) +
                       fmt::format("{:>5}  ", r.step);
    for (std::size_t l = 0; l < n; ++l) {
      line += paint(fit(r.cells[l].first, w[l]), r.cells[l].second);
      line += l + 1 < n || !r.mutexes.empty() ? " | " : "";
    }
    line += r.mutexes;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  for (const auto& note : t.notes) out += in + paint("note:", red) + " " + note + "\n";
  return out;
}

}  // namespace interleave
