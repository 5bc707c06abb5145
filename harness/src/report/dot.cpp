// Execution graphs in Graphviz DOT, as herd7 and GenMC draw them: a cluster of events per
// thread in program order (po), and across them reads-from (rf), coherence order (co) and
// synchronises-with (sw). The racing pair is red, with a dashed edge for the missing
// happens-before edge.
#include <fmt/format.h>

#include "document.hpp"
#include "interleave/report.hpp"
#include "timeline.hpp"

namespace interleave {

namespace {

using namespace report_doc;
using timeline::Event;
using timeline::Op;

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
  std::string out = fmt::format("digraph {} {{\n", dot_string(fmt::format("{} #{}: {}", s.scenario, number, f.summary)));
  out += fmt::format("  label={};\n  labelloc=t;\n  fontname=\"monospace\";\n", dot_string(fmt::format("{}: {}", s.file, f.summary)));
  out += "  node [shape=box, style=rounded, fontname=\"monospace\", fontsize=10];\n";
  out += "  edge [fontname=\"monospace\", fontsize=9];\n";
  // The initial values, which reads with no store before them read.
  bool reads_initial = false;
  for (const Event& e : t.events) reads_initial = reads_initial || (e.reads && !e.reads_from);
  if (reads_initial) out += "  init [label=\"initial values\", shape=plaintext];\n";
  for (std::size_t lane = 0; lane < t.lanes.size(); ++lane) {
    out += fmt::format("  subgraph cluster_{} {{\n    label={};\n", lane, dot_string(t.lanes[lane]));
    const Event* prev = nullptr;
    for (const Event& e : t.events) {
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
  for (const Event& e : t.events)
    if (e.reads && !e.reads_from)
      out += fmt::format("  init -> e{} [label=\"rf\", color=darkgreen, fontcolor=darkgreen, constraint=false];\n", e.index);
  for (const auto& rf : t.reads_from)
    out += fmt::format("  e{} -> e{} [label=\"rf\", color=darkgreen, fontcolor=darkgreen, constraint=false];\n", rf.from, rf.to);
  for (const auto& co : t.coherence)
    out += fmt::format("  e{} -> e{} [label=\"co\", color=orange, fontcolor=orange, constraint=false];\n", co.from, co.to);
  for (const auto& sw : t.sync)
    out += fmt::format("  e{} -> e{} [label={}, color=blue, fontcolor=blue, penwidth=1.5];\n", sw.from, sw.to,
                       dot_string("sw: " + sw.label));
  if (t.race)
    out += fmt::format("  e{} -> e{} [label=\"race: no hb\", color=red, fontcolor=red, style=dashed, dir=both, "
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
