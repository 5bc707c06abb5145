#include <nlohmann/json.hpp>

#include <map>

#include "interleave/outcomes.hpp"
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
      json step = {{"step", t.number}, {"thread", t.thread}, {"line", t.loc.line}, {"effect", t.effect},
                   {"statement", t.statement}};
      if (!t.preempts.empty()) step["preempts"] = t.preempts;
      if (t.reads_from) step["reads_from"] = *t.reads_from;
      trace.push_back(std::move(step));
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
              {"replay_command", ff.token.empty() ? stress_command(ctx) : replay_command(ctx, ff.token)},
              {"trace", trace},
              {"trace_truncated", ff.trace.size() > max_trace}};
    if (ff.finding.kind == FindingKind::race) f["variable"] = ff.finding.variable;
    if (!ff.finding.property.empty()) f["property"] = ff.finding.property;
    if (!ff.found_by.empty()) f["found_by"] = ff.found_by.names();
    if (!ff.runtimes.empty()) f["runtime"] = ff.runtimes.front();
    if (ff.stress_occurrences > 0)
      f["stress"] = {{"occurrences", ff.stress_occurrences}, {"found_by", ff.stress_found_by.names()}};
    findings.push_back(std::move(f));
  }
  // As in the text report: each outcome either runtime saw, and the listed ones neither saw.
  // Class and description appear when the scenario classifies outcomes, stress_count when
  // the stress runtime ran, so that reports of other scenarios keep their old shape.
  const bool stress = r.stress_runs > 0;
  const bool classified = !m.outcomes.empty() || m.other_outcomes.has_value();
  std::map<std::vector<std::int64_t>, std::pair<std::uint64_t, std::uint64_t>> outcomes;
  for (const auto& [values, count] : r.observations) outcomes[values].first = count;
  if (stress)
    for (const auto& [values, count] : r.stress_observations) outcomes[values].second = count;
  for (const Outcome& o : m.outcomes) outcomes.try_emplace(o.values);
  json observations = json::array();
  for (const auto& [values, counts] : outcomes) {
    json o = {{"values", values}, {"count", counts.first}};
    if (stress) o["stress_count"] = counts.second;
    if (classified) {
      o["class"] = spelling(classify(m, values));
      if (const Outcome* line = find_outcome(m, values); line && line->description) o["description"] = *line->description;
    }
    observations.push_back(std::move(o));
  }
  json expected_on = m.expected_race_on;
  json j = {{"file", ctx.file},
            {"scenario", m.scenario_name},
            {"verdict", v.pass ? "pass" : "fail"},
            {"problems", v.problems},
            {"expected", v.expected},
            {"expected_race_on", expected_on},
            {"expected_failure_of", m.expected_failure_of},
            {"expected_detail", v.expected_detail},
            {"found", v.found},
            {"found_detail", v.found_detail},
            {"runs", r.runs},
            {"steps", r.steps},
            {"seconds", r.seconds},
            {"strategy", r.strategy},
            {"memory", std::string(spelling(r.memory))},
            {"exhaustive", r.exhaustive},
            {"stopped_by_time", r.stopped_by_time},
            {"interrupted", r.interrupted},
            {"findings", findings},
            {"observations", observations},
            {"notes", r.notes}};
  if (stress) j["stress_runs"] = r.stress_runs;
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
