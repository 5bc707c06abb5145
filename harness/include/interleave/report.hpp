// Reports: findings, traces and histograms for the terminal, and the JSON report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "interleave/bytecode.hpp"
#include "interleave/explore.hpp"
#include "interleave/verdict.hpp"

namespace interleave {

// How the terminal shows a finding's trace: the single-column table, or one lane per
// thread (docs/reports.md, "Lanes"); `automatic` picks lanes for at most 6 threads on a
// terminal wide enough for them.
struct TraceView {
  enum Style { table, lanes, automatic } style = table;
  std::size_t width = 0;  // the terminal's columns; 0: not a terminal
  bool colour = false;    // ANSI colours: a terminal, and NO_COLOR unset
};

struct ReportContext {
  std::string file;                  // as given on the command line
  std::vector<std::string> sets;     // --set NAME=VALUE, for replay commands
  std::vector<std::string> replay_options;  // e.g. --max-steps 50: what the replay needs to run alike
};

std::string replay_command(const ReportContext& ctx, const std::string& token);
// How to look again for a finding that only the stress runtime showed (no token).
std::string stress_command(const ReportContext& ctx);
std::string render_trace(const std::vector<TraceStep>& trace, const std::string& path);
// The trace in lanes, one column per thread; `finding` (may be null) marks a race's accesses.
std::string render_lanes(const std::vector<TraceStep>& trace, const Finding* finding, const TraceView& view);
// The trace as the view asks: lanes, or the table when the view is automatic and they do not fit.
std::string render_trace_view(const std::vector<TraceStep>& trace, const Finding* finding, const std::string& path,
                              const TraceView& view);
std::string render_finding(const Module& module, const FoundFinding& f, const ReportContext& ctx,
                           const TraceView& view = {});
std::string render_observations(const Module& module, const ExploreResult& result);
std::string render_summary_line(const Module& module, const ExploreResult& result, const Verdict& v,
                                const ReportContext& ctx);

// One scenario's entry in the JSON report (docs/reports.md describes every field).
std::string json_scenario(const Module& module, const ExploreResult& result, const Verdict& v,
                          const ReportContext& ctx);
// What a report covers: the command and, for merging, the campaign it belongs to.
struct Campaign {
  std::string command;        // "check", "run" or "merge"
  std::uint64_t seed = 1;
  std::uint64_t runs = 0;     // the run budget per scenario
  unsigned shard_index = 0;
  unsigned shard_count = 1;
};

// The whole report: {"version": 1, "tool": ..., "campaign": ..., "scenarios": [entries]}.
std::string json_report(const std::vector<std::string>& scenario_entries, const Campaign& campaign);

// Combines the JSON reports of the shards of one campaign into one report: run counts and
// observations add up, findings with the same key are one finding (the one from the
// earliest run slot, whose trace and replay token it keeps), verdicts are judged again.
// Throws std::runtime_error when the reports do not belong together.
std::string merge_reports(const std::vector<std::string>& json_reports);

// The other formats are rendered from a JSON report document (json_report's output, or
// the result of `interleave merge`), so that every format can be made from merged shards.
// Each throws std::runtime_error when the document is not a valid report.
std::string junit_report(const std::string& json_report);    // JUnit XML: a testcase per scenario
std::string sarif_report(const std::string& json_report);    // SARIF 2.1.0: a result per finding
std::string summary_report(const std::string& json_report);  // Markdown for $GITHUB_STEP_SUMMARY
// One self-contained HTML page (inline CSS, JS and SVG): the scenarios and their verdicts,
// each finding's swimlane timeline, source, trace and replay command, observe histograms.
// `read_source` gives a scenario file's text (nullopt: not shown); none reads nothing.
using SourceReader = std::function<std::optional<std::string>(const std::string& path)>;
std::string html_report(const std::string& json_report, const SourceReader& read_source = {});
// Graphviz DOT: a digraph per finding with a trace, its execution graph (events per thread,
// program order, reads-from, coherence order, synchronises-with), as herd7 and GenMC draw them.
std::string dot_report(const std::string& json_report);

}  // namespace interleave
