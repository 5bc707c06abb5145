#include <nlohmann/json.hpp>

#include "interleave/report.hpp"

namespace interleave {

using nlohmann::json;

std::string json_scenario(const Module& m, const ExploreResult& r, const Verdict& v, const ReportContext& ctx) {
  json findings = json::array();
  for (const auto& ff : r.findings) {
    json locations = json::array();
    for (const Loc& l : ff.finding.locations) locations.push_back({{"file", m.path}, {"line", l.line}, {"column", l.col}});
    json trace = json::array();
    constexpr std::size_t max_trace = 2000;  // a livelock runs for tens of thousands of steps
    for (std::size_t k = 0; k < ff.trace.size() && k < max_trace; ++k) {
      const auto& t = ff.trace[k];
      trace.push_back({{"step", t.number}, {"thread", t.thread}, {"line", t.loc.line}, {"effect", t.effect},
                       {"statement", t.statement}});
    }
    json f = {{"kind", spelling(ff.finding.kind)},
              {"key", ff.finding.key},
              {"summary", ff.finding.summary},
              {"details", ff.finding.details},
              {"locations", locations},
              {"expected", is_expected(m, ff.finding)},
              {"first_run", ff.first_run},
              {"occurrences", ff.occurrences},
              {"scheduler", ff.scheduler},
              {"steps", ff.steps},
              {"preemptions", ff.preemptions},
              {"replay_token", ff.token},
              {"replay_command", replay_command(ctx, ff.token)},
              {"trace", trace},
              {"trace_truncated", ff.trace.size() > max_trace}};
    if (ff.finding.kind == FindingKind::race) f["variable"] = ff.finding.variable;
    findings.push_back(std::move(f));
  }
  json observations = json::array();
  for (const auto& [values, count] : r.observations) observations.push_back({{"values", values}, {"count", count}});
  json expected_on = m.expected_race_on;
  json j = {{"file", ctx.file},
            {"scenario", m.scenario_name},
            {"verdict", v.pass ? "pass" : "fail"},
            {"problems", v.problems},
            {"expected", v.expected},
            {"expected_race_on", expected_on},
            {"found", v.found},
            {"runs", r.runs},
            {"steps", r.steps},
            {"seconds", r.seconds},
            {"strategy", r.strategy},
            {"exhaustive", r.exhaustive},
            {"stopped_by_time", r.stopped_by_time},
            {"interrupted", r.interrupted},
            {"findings", findings},
            {"observations", observations},
            {"notes", r.notes}};
  return j.dump();
}

std::string json_report(const std::vector<std::string>& entries, const Campaign& c) {
  json scenarios = json::array();
  for (const auto& e : entries) scenarios.push_back(json::parse(e));
  json j = {{"version", 1},
            {"tool", "interleave"},
            {"command", c.command},
            {"campaign",
             {{"seed", c.seed}, {"runs", c.runs}, {"shard", {{"index", c.shard_index}, {"count", c.shard_count}}}}},
            {"scenarios", scenarios}};
  return j.dump(2) + "\n";
}

}  // namespace interleave
