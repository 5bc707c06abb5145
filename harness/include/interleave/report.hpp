// Reports: findings, traces and histograms for the terminal, and the JSON report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "interleave/bytecode.hpp"
#include "interleave/explore.hpp"
#include "interleave/verdict.hpp"

namespace interleave {

struct ReportContext {
  std::string file;                  // as given on the command line
  std::vector<std::string> sets;     // --set NAME=VALUE, for replay commands
  std::vector<std::string> replay_options;  // e.g. --max-steps 50: what the replay needs to run alike
};

std::string replay_command(const ReportContext& ctx, const std::string& token);
// How to look again for a finding that only the stress runtime showed (no token).
std::string stress_command(const ReportContext& ctx);
std::string render_trace(const std::vector<TraceStep>& trace, const std::string& path);
std::string render_finding(const Module& module, const FoundFinding& f, const ReportContext& ctx);
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

}  // namespace interleave
