// Execution graphs in Graphviz DOT, as herd7 and GenMC draw them: a cluster of events per
// thread in program order (po), and across them reads-from (rf), coherence order (co) and
// synchronises-with (sw). The racing pair is red, with a dashed edge for the missing
// happens-before edge.
#include <fmt/format.h>

#include <algorithm>

#include "document.hpp"
#include "interleave/report.hpp"
#include "timeline.hpp"

namespace interleave {

namespace {

using namespace report_doc;
using timeline::Event;
using timeline::Op;

// Edges that do not rank events (constraint=false) carry xlabels: with plain labels, dot
// fails on some of them ("trouble in init_rank").
// Graphviz lays out a hundred events with their cross edges in a second, but a livelock's
// thousands take it many minutes, so a graph holds the first events only and says so.
constexpr std::size_t max_events = 100;

// A DOT string literal: quotes and backslashes escaped, line breaks as \n.
std::string dot_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\r') continue;
    out += c;
  }
  return out + "\"";
}

// herd7's event names: W x=1, R x=0, plus the sync operations by name.
std::string event_label(const Event& e, const std::string& file) {
  const std::string where = fmt::format("{}:{}", file, e.line);
  return fmt::format("{}: {}\n{}", e.step, timeline::label(e), where);
}

std::string graph(const ScenarioDoc& s, const FindingDoc& f, std::size_t number) {
  const timeline::Timeline t = timeline::build(f);
  const std::string file = s.file.substr(s.file.find_last_of('/') == std::string::npos ? 0 : s.file.find_last_of('/') + 1);
  const std::size_t shown = std::min(t.events.size(), max_events);
  auto drawn = [&](const timeline::Edge& e) { return e.from < shown && e.to < shown; };
  std::string out = fmt::format("digraph {} {{\n", dot_string(fmt::format("{} #{}: {}", s.scenario, number, f.summary)));
  const std::string part = shown < t.events.size() ? fmt::format(" (the first {} of {} steps)", shown, t.events.size()) : "";
  out += fmt::format("  label={};\n  labelloc=t;\n  fontname=\"monospace\";\n",
                     dot_string(fmt::format("{}: {}{}", s.file, f.summary, part)));
  out += "  node [shape=box, style=rounded, fontname=\"monospace\", fontsize=10];\n";
  out += "  edge [fontname=\"monospace\", fontsize=9];\n";
  // The initial values, which reads with no store before them read.
  bool reads_initial = false;
  for (std::size_t k = 0; k < shown; ++k) reads_initial = reads_initial || (t.events[k].reads && !t.events[k].reads_from);
  if (reads_initial) out += "  init [label=\"initial values\", shape=plaintext];\n";
  for (std::size_t lane = 0; lane < t.lanes.size(); ++lane) {
    out += fmt::format("  subgraph cluster_{} {{\n    label={};\n", lane, dot_string(t.lanes[lane]));
    const Event* prev = nullptr;
    for (std::size_t k = 0; k < shown; ++k) {
      const Event& e = t.events[k];
      if (e.lane != lane) continue;
      std::string attrs = fmt::format("label={}", dot_string(event_label(e, file)));
      if (e.race >= 0) attrs += ", color=red, penwidth=2, fontcolor=red";
      else if (e.lost_notify) attrs += ", color=red, fontcolor=red";
      else if (timeline::is_memory(e.op)) attrs += ", style=\"rounded,bold\"";
      out += fmt::format("    e{} [{}];\n", e.index, attrs);
      if (prev) out += fmt::format("    e{} -> e{} [label=\"po\"];\n", prev->index, e.index);
      prev = &e;
    }
    out += "  }\n";
  }
  for (std::size_t k = 0; k < shown; ++k)
    if (const Event& e = t.events[k]; e.reads && !e.reads_from)
      out += fmt::format("  init -> e{} [xlabel=\"rf\", color=darkgreen, fontcolor=darkgreen, constraint=false];\n", e.index);
  for (const auto& rf : t.reads_from)
    if (drawn(rf)) out += fmt::format("  e{} -> e{} [xlabel=\"rf\", color=darkgreen, fontcolor=darkgreen, constraint=false];\n", rf.from, rf.to);
  for (const auto& co : t.coherence)
    if (drawn(co)) out += fmt::format("  e{} -> e{} [xlabel=\"co\", color=orange, fontcolor=orange, constraint=false];\n", co.from, co.to);
  for (const auto& sw : t.sync)
    if (drawn(sw)) out += fmt::format("  e{} -> e{} [xlabel={}, color=blue, fontcolor=blue, penwidth=1.5, constraint=false];\n", sw.from, sw.to,
                       dot_string("sw: " + sw.label));
  if (t.race && t.race->second < shown)
    out += fmt::format("  e{} -> e{} [xlabel=\"race: no hb\", color=red, fontcolor=red, style=dashed, dir=both, "
                       "constraint=false];\n", t.race->first, t.race->second);
  return out + "}\n";
}

}  // namespace

std::string dot_report(const std::string& json_report) {
  const ReportDoc r = read_report(json_report);
  std::string out = "// Execution graphs of the findings (interleave --dot); render with: dot -Tsvg -O FILE\n";
  for (const auto& s : r.scenarios) {
    std::size_t number = 0;
    for (const auto& f : s.findings) {
      ++number;
      if (f.trace.empty()) continue;  // seen on real threads only: no run to draw
      out += graph(s, f, number);
    }
  }
  return out;
}

}  // namespace interleave
