// `interleave merge`: the shards of one campaign, combined into the report of the whole.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "document.hpp"
#include "interleave/report.hpp"

namespace interleave {

using nlohmann::json;
using namespace report_doc;

namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what);
}

// The shards' scenario entries are read by the renderers' reader (document.hpp) and
// combined on its typed fields; each entry, finding and observation keeps the rest of
// its fields (raw) as the shard wrote them.
void merge_scenario(ScenarioDoc& into, const ScenarioDoc& more) {
  require(into.scenario == more.scenario && into.expected == more.expected,
          fmt::format("{}: the shards disagree on what the scenario is", into.file));
  into.runs += more.runs;
  into.steps += more.steps;
  into.seconds += more.seconds;
  into.exhaustive = into.exhaustive || more.exhaustive;
  into.stopped_by_time = into.stopped_by_time || more.stopped_by_time;
  into.interrupted = into.interrupted || more.interrupted;
  // Findings: one per key, from the earliest run slot; occurrences add up.
  std::map<std::string, std::size_t> by_key;
  for (std::size_t i = 0; i < into.findings.size(); ++i) by_key[into.findings[i].key] = i;
  for (const auto& f : more.findings) {
    auto it = by_key.find(f.key);
    if (it == by_key.end()) {
      by_key[f.key] = into.findings.size();
      into.findings.push_back(f);
      continue;
    }
    FindingDoc& have = into.findings[it->second];
    const auto occurrences = have.occurrences + f.occurrences;
    if (f.first_run < have.first_run) have = f;
    have.occurrences = occurrences;
  }
  std::stable_sort(into.findings.begin(), into.findings.end(),
                   [](const FindingDoc& a, const FindingDoc& b) { return a.first_run < b.first_run; });
  // Observations: counts of each runtime add up per outcome; class and description are
  // the scenario's, the same in every shard.
  if (more.stress_runs) into.stress_runs = into.stress_runs.value_or(0) + *more.stress_runs;
  std::map<std::vector<std::int64_t>, ObservationDoc> seen;
  for (const ScenarioDoc* side : {static_cast<const ScenarioDoc*>(&into), &more})
    for (const auto& o : side->observations) {
      auto [it, first] = seen.try_emplace(o.values, o);
      if (first) continue;
      ObservationDoc& have = it->second;
      have.count += o.count;
      if (o.stress_count) have.stress_count = have.stress_count.value_or(0) + *o.stress_count;
    }
  into.observations.clear();
  for (auto& [values, o] : seen) {
    if (into.stress_runs && !o.stress_count) o.stress_count = 0;  // a shard without stress
    into.observations.push_back(std::move(o));
  }
  for (const auto& n : more.notes)
    if (std::find(into.notes.begin(), into.notes.end(), n) == into.notes.end()) into.notes.push_back(n);
}

// A merged scenario entry, judged again by judge()'s rules.
json scenario_json(const ScenarioDoc& s) {
  std::vector<JudgedFinding> judged;
  for (const auto& f : s.findings) judged.push_back({f.kind, f.variable, f.summary, f.expected, f.property});
  const Verdict v = judge(judged, {s.expected, s.expected_race_on, s.expected_failure_of}, s.runs);
  json out = s.raw;
  out["runs"] = s.runs;
  out["steps"] = s.steps;
  out["seconds"] = s.seconds;
  out["exhaustive"] = s.exhaustive;
  out["stopped_by_time"] = s.stopped_by_time;
  out["interrupted"] = s.interrupted;
  json findings = json::array();
  for (const auto& f : s.findings) {
    json j = f.raw;
    j["occurrences"] = f.occurrences;
    findings.push_back(std::move(j));
  }
  out["findings"] = findings;
  if (s.stress_runs) out["stress_runs"] = *s.stress_runs;
  json observations = json::array();
  for (const auto& o : s.observations) {
    json j = o.raw;
    j["count"] = o.count;
    if (o.stress_count) j["stress_count"] = *o.stress_count;
    observations.push_back(std::move(j));
  }
  out["observations"] = observations;
  out["notes"] = s.notes;
  out["found"] = v.found;
  out["found_detail"] = v.found_detail;
  out["expected_detail"] = v.expected_detail;
  out["problems"] = v.problems;
  out["verdict"] = v.pass ? "pass" : "fail";
  return out;
}

}  // namespace

std::string merge_reports(const std::vector<std::string>& reports) {
  require(!reports.empty(), "nothing to merge");
  std::vector<ReportDoc> docs;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const std::string refused = fmt::format("report {} is not an interleave JSON report (version 1)", i + 1);
    try {
      docs.push_back(read_report(reports[i]));
    } catch (const std::runtime_error&) {
      throw std::runtime_error(refused);
    }
    require(docs.back().has_campaign && docs.back().has_shard, refused);  // only a campaign's shards merge
    // An edited or foreign shard must not slip in: "index 7 of 2" would merge runs the
    // campaign never made.
    const ReportDoc& d = docs.back();
    require(d.shard_count >= 1 && d.shard_index < d.shard_count,
            fmt::format("report {} says it is shard {} of {}; a shard index must be below the shard count", i + 1,
                        d.shard_index, d.shard_count));
    require(d.command == "check" || d.command == "run",
            fmt::format("report {} was written by '{}', not by check or run; only shards of one campaign merge", i + 1,
                        d.command));
  }
  const std::uint64_t seed = docs.front().seed, runs = docs.front().runs, of_shards = docs.front().shard_count;
  std::set<std::uint64_t> shards;
  for (const auto& d : docs) {
    require(d.seed == seed && d.runs == runs && d.shard_count == of_shards && d.command == docs.front().command,
            "the reports come from different campaigns (command, seed, run budget or shard count differ)");
    require(shards.insert(d.shard_index).second, fmt::format("shard {} appears twice", d.shard_index));
  }
  // Shard 0 first: its strategy line describes the DFS stage that only it reports.
  std::sort(docs.begin(), docs.end(), [](const ReportDoc& a, const ReportDoc& b) { return a.shard_index < b.shard_index; });
  std::vector<ScenarioDoc> scenarios;
  std::map<std::string, std::size_t> by_file;
  for (const auto& d : docs) {
    for (const auto& s : d.scenarios) {
      auto it = by_file.find(s.file);
      if (it == by_file.end()) {
        by_file[s.file] = scenarios.size();
        scenarios.push_back(s);
      } else {
        merge_scenario(scenarios[it->second], s);
      }
    }
  }
  json entries = json::array();
  for (const auto& s : scenarios) entries.push_back(scenario_json(s));
  json out = {{"version", 1},
              {"tool", "interleave"},
              {"command", "merge"},
              {"campaign",
               {{"seed", seed},
                {"runs", runs},
                {"shard", {{"index", 0}, {"count", 1}}},
                {"merged_shards", std::vector<std::uint64_t>(shards.begin(), shards.end())},
                {"of_shards", of_shards}}},
              {"scenarios", entries}};
  return out.dump(2) + "\n";
}

}  // namespace interleave
