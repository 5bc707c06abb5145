// `interleave merge`: the shards of one campaign, combined into the report of the whole.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "interleave/report.hpp"

namespace interleave {

using nlohmann::json;

namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what);
}

// The verdict of a merged scenario, by judge()'s rules.
void rejudge(json& s) {
  std::vector<JudgedFinding> findings;
  for (const auto& f : s["findings"])
    findings.push_back({f["kind"].get<std::string>(), f.value("variable", ""), f["summary"].get<std::string>(),
                        f["expected"].get<bool>()});
  const Verdict v = judge(findings, s["expected"].get<std::vector<std::string>>(),
                          s["expected_race_on"].get<std::vector<std::string>>(), s["runs"].get<std::uint64_t>());
  s["found"] = v.found;
  s["problems"] = v.problems;
  s["verdict"] = v.pass ? "pass" : "fail";
}

void merge_scenario(json& into, const json& more) {
  require(into["scenario"] == more["scenario"] && into["expected"] == more["expected"],
          fmt::format("{}: the shards disagree on what the scenario is", into["file"].get<std::string>()));
  for (const char* field : {"runs", "steps"}) into[field] = into[field].get<std::uint64_t>() + more[field].get<std::uint64_t>();
  into["seconds"] = into["seconds"].get<double>() + more["seconds"].get<double>();
  for (const char* field : {"exhaustive", "stopped_by_time", "interrupted"})
    into[field] = into.value(field, false) || more.value(field, false);
  // Findings: one per key, from the earliest run slot; occurrences add up.
  std::map<std::string, std::size_t> by_key;
  json& findings = into["findings"];
  for (std::size_t i = 0; i < findings.size(); ++i) by_key[findings[i]["key"].get<std::string>()] = i;
  for (const auto& f : more["findings"]) {
    const auto key = f["key"].get<std::string>();
    auto it = by_key.find(key);
    if (it == by_key.end()) {
      by_key[key] = findings.size();
      findings.push_back(f);
      continue;
    }
    json& have = findings[it->second];
    const auto occurrences = have["occurrences"].get<std::uint64_t>() + f["occurrences"].get<std::uint64_t>();
    if (f["first_run"].get<std::uint64_t>() < have["first_run"].get<std::uint64_t>()) have = f;
    have["occurrences"] = occurrences;
  }
  std::stable_sort(findings.begin(), findings.end(),
                   [](const json& a, const json& b) { return a["first_run"].get<std::uint64_t>() < b["first_run"].get<std::uint64_t>(); });
  // Observations: counts of each runtime add up per outcome; class and description are
  // the scenario's, the same in every shard.
  if (more.contains("stress_runs"))
    into["stress_runs"] = into.value("stress_runs", std::uint64_t{0}) + more["stress_runs"].get<std::uint64_t>();
  std::map<std::vector<std::int64_t>, json> seen;
  for (const json* side : {static_cast<const json*>(&into), &more})
    for (const auto& o : (*side)["observations"]) {
      auto [it, first] = seen.try_emplace(o["values"].get<std::vector<std::int64_t>>(), o);
      if (first) continue;
      json& have = it->second;
      have["count"] = have["count"].get<std::uint64_t>() + o["count"].get<std::uint64_t>();
      if (o.contains("stress_count"))
        have["stress_count"] = have.value("stress_count", std::uint64_t{0}) + o["stress_count"].get<std::uint64_t>();
    }
  json observations = json::array();
  for (auto& [values, o] : seen) {
    if (into.contains("stress_runs") && !o.contains("stress_count")) o["stress_count"] = 0;  // a shard without stress
    observations.push_back(std::move(o));
  }
  into["observations"] = observations;
  std::vector<std::string> notes = into["notes"].get<std::vector<std::string>>();
  for (const auto& n : more["notes"])
    if (std::find(notes.begin(), notes.end(), n.get<std::string>()) == notes.end()) notes.push_back(n.get<std::string>());
  into["notes"] = notes;
}

}  // namespace

std::string merge_reports(const std::vector<std::string>& reports) {
  require(!reports.empty(), "nothing to merge");
  std::vector<json> docs;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    json d = json::parse(reports[i], nullptr, false);
    require(!d.is_discarded() && d.is_object() && d.value("tool", "") == "interleave" && d.value("version", 0) == 1 &&
                d.contains("campaign") && d.contains("scenarios"),
            fmt::format("report {} is not an interleave JSON report (version 1)", i + 1));
    docs.push_back(std::move(d));
  }
  const json& first = docs.front()["campaign"];
  std::set<unsigned> shards;
  for (const auto& d : docs) {
    const json& c = d["campaign"];
    require(c["seed"] == first["seed"] && c["runs"] == first["runs"] && c["shard"]["count"] == first["shard"]["count"],
            "the reports come from different campaigns (seed, run budget or shard count differ)");
    require(shards.insert(c["shard"]["index"].get<unsigned>()).second,
            fmt::format("shard {} appears twice", c["shard"]["index"].get<unsigned>()));
  }
  // Shard 0 first: its strategy line describes the DFS stage that only it reports.
  std::sort(docs.begin(), docs.end(), [](const json& a, const json& b) {
    return a["campaign"]["shard"]["index"].get<unsigned>() < b["campaign"]["shard"]["index"].get<unsigned>();
  });
  json scenarios = json::array();
  std::map<std::string, std::size_t> by_file;
  for (const auto& d : docs) {
    for (const auto& s : d["scenarios"]) {
      const auto file = s["file"].get<std::string>();
      auto it = by_file.find(file);
      if (it == by_file.end()) {
        by_file[file] = scenarios.size();
        scenarios.push_back(s);
      } else {
        merge_scenario(scenarios[it->second], s);
      }
    }
  }
  for (auto& s : scenarios) rejudge(s);
  json out = {{"version", 1},
              {"tool", "interleave"},
              {"command", "merge"},
              {"campaign",
               {{"seed", first["seed"]},
                {"runs", first["runs"]},
                {"shard", {{"index", 0}, {"count", 1}}},
                {"merged_shards", std::vector<unsigned>(shards.begin(), shards.end())},
                {"of_shards", first["shard"]["count"]}}},
              {"scenarios", scenarios}};
  return out.dump(2) + "\n";
}

}  // namespace interleave
