#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "document.hpp"
#include "interleave/outcomes.hpp"
#include "lanes.hpp"
#include "interleave/report.hpp"
#include "interleave/tsan_bridge.hpp"

namespace interleave {

std::string replay_command(const ReportContext& ctx, const std::string& token) {
  std::string cmd = "interleave replay " + ctx.file;
  for (const auto& s : ctx.sets) cmd += " --set " + s;
  for (const auto& option : ctx.replay_options) cmd += " " + option;
  return cmd + " --schedule " + token;
}

std::string stress_command(const ReportContext& ctx) {
  std::string cmd = "interleave run --scheduler stress --time 10";
  for (const auto& s : ctx.sets) cmd += " --set " + s;
  return cmd + " " + ctx.file;
}

std::string render_trace(const std::vector<TraceStep>& trace, const std::string& path) {
  const std::string file = std::filesystem::path(path).filename().string();
  std::size_t name_w = 6, where_w = 5, effect_w = 4;
  for (const auto& t : trace) {
    name_w = std::max(name_w, t.thread.size());
    where_w = std::max(where_w, file.size() + 1 + std::to_string(t.loc.line).size());
    effect_w = std::max(effect_w, std::min<std::size_t>(t.effect.size(), 48));
  }
  std::string out = fmt::format("    {:>5}  {:<{}}  {:<{}}  {:<{}}  {}\n", "step", "thread", name_w, "where", where_w,
                                "what", effect_w, "statement");
  // A long trace (a livelock's thousands of steps) shows its start and its end.
  constexpr std::size_t head = 20, tail = 40;
  for (std::size_t k = 0; k < trace.size(); ++k) {
    if (trace.size() > head + tail + 1 && k == head) {
      out += fmt::format("    {:>5}  ... {} steps not shown (replay shows every step)\n", "",
                         trace[trace.size() - tail].number - trace[head].number);
      k = trace.size() - tail;
    }
    const auto& t = trace[k];
    out += fmt::format("    {:>5}  {:<{}}  {:<{}}  {:<{}}  {}\n", t.number, t.thread, name_w,
                       fmt::format("{}:{}", file, t.loc.line), where_w, t.effect, effect_w, t.statement);
  }
  return out;
}

namespace {

// The lanes view reads the JSON report's model; a fresh run's trace becomes one.
report_doc::FindingDoc finding_doc(const std::vector<TraceStep>& trace, const Finding* finding) {
  report_doc::FindingDoc d;
  if (finding) {
    d.kind = std::string(spelling(finding->kind));
    d.details = finding->details;
  }
  for (const auto& t : trace) {
    report_doc::Step s;
    s.step = t.number;
    s.thread = t.thread;
    s.line = t.loc.line;
    s.effect = t.effect;
    s.statement = t.statement;
    s.preempts = t.preempts;
    d.trace.push_back(std::move(s));
  }
  return d;
}

// Lanes are worth it for a few threads, and only where each gets a readable column.
constexpr std::size_t max_auto_lanes = 6;
constexpr std::size_t auto_lane_width = 24;

}  // namespace

std::string render_lanes(const std::vector<TraceStep>& trace, const Finding* finding, const TraceView& view) {
  return render_lanes(finding_doc(trace, finding), LanesStyle{view.width, view.colour, "    "});
}

std::string render_trace_view(const std::vector<TraceStep>& trace, const Finding* finding, const std::string& path,
                              const TraceView& view) {
  if (view.style == TraceView::table) return render_trace(trace, path);
  const report_doc::FindingDoc doc = finding_doc(trace, finding);
  const std::size_t lanes = lanes_of(doc.trace);
  const bool fits = lanes <= max_auto_lanes && view.width >= 20 + auto_lane_width * lanes;
  if (view.style == TraceView::automatic && !fits) return render_trace(trace, path);
  return render_lanes(doc, LanesStyle{view.width, view.colour, "    "});
}

// Both detectors run in a ThreadSanitizer build; a race that only one of them saw is a
// disagreement that the agreement test (docs/development.md) exists to catch.
std::string found_by_line(Detectors found_by) {
  const bool hb = found_by.has(Detector::happens_before);
  const bool ts = found_by.has(Detector::tsan);
  if (hb && ts) return "found by both detectors: the built-in happens-before detector and ThreadSanitizer";
  if (ts) return "found by ThreadSanitizer only (the built-in detector saw no race: a disagreement)";
  return "found by the built-in happens-before detector only (ThreadSanitizer saw no race: a disagreement)";
}

std::string render_finding(const Module& m, const FoundFinding& f, const ReportContext& ctx, const TraceView& view) {
  const std::string_view kind = spelling(f.finding.kind);
  const bool says_kind = f.finding.summary.compare(0, kind.size(), kind) == 0;
  std::string out = fmt::format("  {}{}{}\n", says_kind ? "" : std::string(kind) + ": ", f.finding.summary,
                                !info(f.finding.kind).decides_verdict ? "  [information]"
                                : m.expected.empty()                  ? ""
                                : is_expected(m, f.finding)           ? "  [expected]"
                                                                      : "  [NOT expected]");
  for (const auto& d : f.finding.details) out += "    " + d + "\n";
  if (tsan::available && f.finding.kind == FindingKind::race && !f.token.empty())
    out += "    " + found_by_line(f.found_by) + "\n";
  if (f.stress_occurrences > 0) {
    const bool tsan_saw = f.stress_found_by.has(Detector::tsan);
    out += fmt::format("    stress runtime (real threads): seen in {} run{}{}\n", f.stress_occurrences,
                       f.stress_occurrences == 1 ? "" : "s", tsan_saw ? ", reported by ThreadSanitizer" : "");
  }
  out += fmt::format("    first seen in run {} ({}), in {} run{} in all\n", f.first_run, f.scheduler, f.occurrences,
                     f.occurrences == 1 ? "" : "s");
  if (!f.token.empty()) {
    out += fmt::format("    interleaving: {} step{}, {} preemption{}", f.steps, f.steps == 1 ? "" : "s", f.preemptions,
                       f.preemptions == 1 ? "" : "s");
    if (f.steps != f.original_steps || f.preemptions != f.original_preemptions)
      out += fmt::format(" (minimised from {} steps, {} preemption{})", f.original_steps, f.original_preemptions,
                         f.original_preemptions == 1 ? "" : "s");
    out += "\n";
    out += render_trace_view(f.trace, &f.finding, m.path, view);
  } else {
    out += "    seen on real threads by the stress runtime; the controlled runtime did not reproduce it\n";
  }
  if (f.token.empty())
    out += "    replay: none (seen on real threads only, where no schedule can be replayed); to see it again: " +
           stress_command(ctx) + "\n";
  else
    out += fmt::format("    replay: {}\n", replay_command(ctx, f.token));
  return out;
}

std::string render_observations(const Module& m, const ExploreResult& r) {
  const bool stress = r.stress_runs > 0;
  const bool classified = !m.outcomes.empty() || m.other_outcomes.has_value();
  if (r.observations.empty() && (!stress || r.stress_observations.empty())) return {};
  const std::string label = observe_label(m);
  std::uint64_t total = 0, stress_total = 0;
  for (const auto& [k, n] : r.observations) total += n;
  for (const auto& [k, n] : r.stress_observations) stress_total += n;
  // Every outcome either runtime saw, and the listed ones neither saw (a forbidden outcome
  // that never showed up is worth seeing with its 0).
  std::map<std::vector<std::int64_t>, std::pair<std::uint64_t, std::uint64_t>> rows;
  for (const auto& [k, n] : r.observations) rows[k].first = n;
  if (stress)
    for (const auto& [k, n] : r.stress_observations) rows[k].second = n;
  for (const Outcome& o : m.outcomes) rows.try_emplace(o.values);
  std::size_t w = 7, class_w = 5;
  for (const auto& [k, n] : rows) {
    w = std::max(w, format_tuple(k).size());
    class_w = std::max(class_w, spelling(classify(m, k)).size());
  }
  auto percent = [](std::uint64_t n, std::uint64_t of) {
    return of == 0 ? std::string("-") : fmt::format("{:.2f}%", 100.0 * static_cast<double>(n) / static_cast<double>(of));
  };
  std::string out =
      stress ? fmt::format("  observed {} (controlled runtime: {} finished runs; stress runtime: {} runs, {} finished)\n",
                           label, total, r.stress_runs, stress_total)
             : fmt::format("  observed {} (controlled runtime, {} finished runs)\n", label, total);
  std::string head = stress ? fmt::format("    {:<{}}  {:>10}  {:>8}  {:>10}  {:>8}", "outcome", w, "controlled", "percent",
                                          "stress", "percent")
                            : fmt::format("    {:<{}}  {:>10}  {:>8}", "outcome", w, "runs", "percent");
  if (classified) head += fmt::format("  {:<{}}  description", "class", class_w);
  out += head + "\n";
  for (const auto& [k, n] : rows) {
    std::string row = fmt::format("    {:<{}}  {:>10}  {:>8}", format_tuple(k), w, n.first, percent(n.first, total));
    if (stress) row += fmt::format("  {:>10}  {:>8}", n.second, percent(n.second, stress_total));
    if (classified) {
      const Outcome* o = find_outcome(m, k);
      row += fmt::format("  {:<{}}  {}", spelling(classify(m, k)), class_w, o && o->description ? *o->description : "");
      while (row.back() == ' ') row.pop_back();
    }
    out += row + "\n";
  }
  return out;
}

std::string render_summary_line(const Module& m, const ExploreResult& r, const Verdict& v, const ReportContext& ctx) {
  auto list = [](const std::vector<std::string>& xs) {
    std::string s;
    for (const auto& x : xs) s += (s.empty() ? "" : ", ") + x;
    return s.empty() ? std::string("clean") : s;
  };
  (void)m;
  std::string line = fmt::format("{}  {}  found: {}; expected: {}  ({} runs, {:.2f} s; memory {}; {}{})\n",
                                 v.pass ? "PASS" : "FAIL", ctx.file, list(v.found_detail), list(v.expected_detail), r.runs, r.seconds,
                                 spelling(r.memory), r.strategy,
                                 r.stopped_by_time ? "; stopped by the time budget" : "");
  for (const auto& p : v.problems) line += "  - " + p + "\n";
  return line;
}

}  // namespace interleave
