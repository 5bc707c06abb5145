// The JSON report read back and checked: what the JUnit, SARIF, Markdown, HTML and DOT
// renderers (junit.cpp, sarif.cpp, summary.cpp, html.cpp, dot.cpp), the lanes view
// (lanes.cpp) and `merge` (merge.cpp) are made from. Internal to interleave_lib.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "interleave/finding_kind.hpp"

namespace interleave::report_doc {

struct Location {
  std::string file;
  std::int64_t line = 0;
  std::int64_t column = 0;
};

struct Step {
  std::uint64_t step = 0;
  std::string thread;
  std::int64_t line = 0;
  std::string effect;
  std::string statement;
  std::string preempts;  // a preemption: the thread that could have gone on when this one took over
  // The step whose store this read read (0: the initial value), when the runtime recorded
  // it (weak memory models); absent, the timeline derives it (timeline.cpp).
  std::optional<std::uint64_t> reads_from;
};

struct FindingDoc {
  std::string kind, key, summary, variable, property, scheduler, replay_token, replay_command;
  std::vector<std::string> details;
  std::vector<Location> locations;
  bool expected = false;
  std::uint64_t first_run = 0, occurrences = 0, steps = 0, preemptions = 0;
  std::vector<Step> trace;
  bool trace_truncated = false;
  nlohmann::json raw;  // as read, every field: what merge writes back
};

struct ObservationDoc {
  std::vector<std::int64_t> values;
  std::uint64_t count = 0;
  std::optional<std::uint64_t> stress_count;
  nlohmann::json raw;  // as read (class, description...)
};

struct ScenarioDoc {
  std::string file, scenario, strategy;
  bool pass = false;
  std::vector<std::string> problems, expected, expected_race_on, expected_failure_of, found, notes;
  // By name ("race on x", "failure no_leak"); a report without them: the kinds.
  std::vector<std::string> expected_detail, found_detail;
  std::uint64_t runs = 0, steps = 0;
  double seconds = 0;
  bool exhaustive = false, stopped_by_time = false, interrupted = false;
  std::vector<FindingDoc> findings;
  std::vector<ObservationDoc> observations;
  std::optional<std::uint64_t> stress_runs;
  nlohmann::json raw;  // as read, every field: what merge writes back
};

struct ReportDoc {
  std::string command;
  bool has_campaign = false;
  std::uint64_t seed = 0, runs = 0;
  bool has_shard = false;  // campaign.shard: which shard of how many
  std::uint64_t shard_index = 0, shard_count = 1;
  std::vector<ScenarioDoc> scenarios;
};

// One reason a scenario fails: an unexpected finding (`finding` set) or an expected
// finding that was not found (`finding` null).
struct Problem {
  std::string text;
  const FindingDoc* finding = nullptr;
};

namespace detail {

using nlohmann::json;

[[noreturn]] inline void invalid(const std::string& where, const std::string& what) {
  throw std::runtime_error(fmt::format("not a valid interleave JSON report: {}{}{}", where, where.empty() ? "" : ": ", what));
}

inline const json& field(const json& o, const std::string& where, const char* name) {
  auto it = o.find(name);
  if (it == o.end()) invalid(where, fmt::format("'{}' is missing", name));
  return *it;
}

inline std::string str(const json& o, const std::string& where, const char* name, bool required = true) {
  if (!required && !o.contains(name)) return {};
  const json& v = field(o, where, name);
  if (!v.is_string()) invalid(where, fmt::format("'{}' must be a string", name));
  return v.get<std::string>();
}

inline std::uint64_t count(const json& o, const std::string& where, const char* name, bool required = true) {
  if (!required && !o.contains(name)) return 0;
  const json& v = field(o, where, name);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0))
    invalid(where, fmt::format("'{}' must be a non-negative integer", name));
  return v.get<std::uint64_t>();
}

inline std::int64_t integer(const json& o, const std::string& where, const char* name) {
  const json& v = field(o, where, name);
  if (!v.is_number_integer()) invalid(where, fmt::format("'{}' must be an integer", name));
  return v.get<std::int64_t>();
}

inline bool flag(const json& o, const std::string& where, const char* name, bool required = true) {
  if (!required && !o.contains(name)) return false;
  const json& v = field(o, where, name);
  if (!v.is_boolean()) invalid(where, fmt::format("'{}' must be true or false", name));
  return v.get<bool>();
}

inline std::vector<std::string> strings(const json& o, const std::string& where, const char* name, bool required = true) {
  if (!required && !o.contains(name)) return {};
  const json& v = field(o, where, name);
  if (!v.is_array()) invalid(where, fmt::format("'{}' must be an array of strings", name));
  std::vector<std::string> out;
  for (const auto& e : v) {
    if (!e.is_string()) invalid(where, fmt::format("'{}' must be an array of strings", name));
    out.push_back(e.get<std::string>());
  }
  return out;
}

inline const json& array(const json& o, const std::string& where, const char* name) {
  const json& v = field(o, where, name);
  if (!v.is_array()) invalid(where, fmt::format("'{}' must be an array", name));
  return v;
}

inline FindingDoc read_finding(const json& j, const std::string& where) {
  if (!j.is_object()) invalid(where, "a finding must be an object");
  FindingDoc f;
  f.kind = str(j, where, "kind");
  if (!finding_kind_named(f.kind)) invalid(where, fmt::format("unknown finding kind '{}'", f.kind));
  f.summary = str(j, where, "summary");
  f.details = strings(j, where, "details");
  f.key = str(j, where, "key", false);
  if (f.key.empty()) f.key = f.kind + ":" + f.summary;
  f.variable = str(j, where, "variable", false);
  f.property = str(j, where, "property", false);
  f.expected = flag(j, where, "expected");
  f.first_run = count(j, where, "first_run", false);
  f.occurrences = count(j, where, "occurrences", false);
  f.scheduler = str(j, where, "scheduler", false);
  f.steps = count(j, where, "steps", false);
  f.preemptions = count(j, where, "preemptions", false);
  f.replay_token = str(j, where, "replay_token");
  f.replay_command = str(j, where, "replay_command");
  f.trace_truncated = flag(j, where, "trace_truncated", false);
  const json& locations = array(j, where, "locations");
  for (std::size_t i = 0; i < locations.size(); ++i) {
    const std::string at = fmt::format("{}.locations[{}]", where, i);
    if (!locations[i].is_object()) invalid(at, "a location must be an object");
    f.locations.push_back({str(locations[i], at, "file"), integer(locations[i], at, "line"), integer(locations[i], at, "column")});
  }
  const json& trace = array(j, where, "trace");
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const std::string at = fmt::format("{}.trace[{}]", where, i);
    const json& t = trace[i];
    if (!t.is_object()) invalid(at, "a trace step must be an object");
    Step step;
    step.step = count(t, at, "step");
    step.thread = str(t, at, "thread");
    step.line = integer(t, at, "line");
    step.effect = str(t, at, "effect");
    step.statement = str(t, at, "statement");
    step.preempts = str(t, at, "preempts", false);
    if (t.contains("reads_from")) step.reads_from = count(t, at, "reads_from");
    f.trace.push_back(std::move(step));
  }
  f.raw = j;
  return f;
}

inline ScenarioDoc read_scenario(const json& j, const std::string& where) {
  if (!j.is_object()) invalid(where, "a scenario entry must be an object");
  ScenarioDoc s;
  s.file = str(j, where, "file");
  s.scenario = str(j, where, "scenario");
  const std::string verdict = str(j, where, "verdict");
  if (verdict != "pass" && verdict != "fail") invalid(where, fmt::format("'verdict' must be \"pass\" or \"fail\", not \"{}\"", verdict));
  s.pass = verdict == "pass";
  s.problems = strings(j, where, "problems");
  s.expected = strings(j, where, "expected");
  s.expected_race_on = strings(j, where, "expected_race_on", false);
  s.expected_failure_of = strings(j, where, "expected_failure_of", false);
  s.found = strings(j, where, "found");
  s.expected_detail = j.contains("expected_detail") ? strings(j, where, "expected_detail") : s.expected;
  s.found_detail = j.contains("found_detail") ? strings(j, where, "found_detail") : s.found;
  s.notes = strings(j, where, "notes", false);
  s.runs = count(j, where, "runs");
  s.steps = count(j, where, "steps", false);
  const json& seconds = field(j, where, "seconds");
  if (!seconds.is_number() || seconds.get<double>() < 0) invalid(where, "'seconds' must be a non-negative number");
  s.seconds = seconds.get<double>();
  s.strategy = str(j, where, "strategy");
  s.exhaustive = flag(j, where, "exhaustive", false);
  s.stopped_by_time = flag(j, where, "stopped_by_time", false);
  s.interrupted = flag(j, where, "interrupted", false);
  const json& findings = array(j, where, "findings");
  for (std::size_t i = 0; i < findings.size(); ++i)
    s.findings.push_back(read_finding(findings[i], fmt::format("{}.findings[{}]", where, i)));
  if (j.contains("stress_runs")) s.stress_runs = count(j, where, "stress_runs");
  if (j.contains("observations")) {
    const json& observations = array(j, where, "observations");
    for (std::size_t i = 0; i < observations.size(); ++i) {
      const std::string at = fmt::format("{}.observations[{}]", where, i);
      const json& o = observations[i];
      if (!o.is_object()) invalid(at, "an observation must be an object");
      ObservationDoc d;
      for (const auto& v : array(o, at, "values")) {
        if (!v.is_number_integer()) invalid(at, "'values' must be an array of integers");
        d.values.push_back(v.get<std::int64_t>());
      }
      d.count = count(o, at, "count");
      if (o.contains("stress_count")) d.stress_count = count(o, at, "stress_count");
      d.raw = o;
      s.observations.push_back(std::move(d));
    }
  }
  s.raw = j;
  return s;
}

}  // namespace detail

// Parses and checks a JSON report (docs/reports.md); throws std::runtime_error saying
// what is wrong when it is not one.
inline ReportDoc read_report(const std::string& text) {
  using nlohmann::json;
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) detail::invalid("", "the text is not JSON");
  if (!j.is_object()) detail::invalid("", "the document is not a JSON object");
  if (!j.contains("tool") || j["tool"] != "interleave") detail::invalid("", "'tool' is not \"interleave\"");
  if (!j.contains("version") || j["version"] != 1) detail::invalid("", "'version' is not 1 (the only version this build reads)");
  ReportDoc r;
  r.command = detail::str(j, "", "command", false);
  if (j.contains("campaign")) {
    const json& c = j["campaign"];
    if (!c.is_object()) detail::invalid("campaign", "must be an object");
    r.has_campaign = true;
    r.seed = detail::count(c, "campaign", "seed", false);
    r.runs = detail::count(c, "campaign", "runs", false);
    if (c.contains("shard")) {
      const json& shard = c["shard"];
      if (!shard.is_object()) detail::invalid("campaign.shard", "must be an object");
      r.has_shard = true;
      r.shard_index = detail::count(shard, "campaign.shard", "index");
      r.shard_count = detail::count(shard, "campaign.shard", "count");
    }
  }
  const json& scenarios = detail::array(j, "", "scenarios");
  for (std::size_t i = 0; i < scenarios.size(); ++i)
    r.scenarios.push_back(detail::read_scenario(scenarios[i], fmt::format("scenarios[{}]", i)));
  return r;
}

// Why a scenario fails, each problem with the unexpected finding it is about. A failing
// scenario always has at least one problem.
inline std::vector<Problem> problems_of(const ScenarioDoc& s) {
  std::vector<Problem> out;
  std::vector<bool> used(s.findings.size(), false);
  for (const auto& text : s.problems) {
    Problem p{text, nullptr};
    for (std::size_t i = 0; i < s.findings.size() && !p.finding; ++i) {
      if (used[i] || s.findings[i].expected || text != "unexpected " + s.findings[i].summary) continue;
      used[i] = true;
      p.finding = &s.findings[i];
    }
    out.push_back(std::move(p));
  }
  if (!s.pass && out.empty()) out.push_back({"the scenario failed (the report gives no reason)", nullptr});
  return out;
}

inline std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

// "failure, race", or "clean" for none.
inline std::string kinds_or_clean(const std::vector<std::string>& names) { return names.empty() ? "clean" : join(names, ", "); }

// The step table of a trace, like the terminal's: step, thread, file:line, effect, statement.
inline std::string trace_table(const FindingDoc& f, const std::string& path) {
  const std::string file = path.substr(path.find_last_of("/\\") == std::string::npos ? 0 : path.find_last_of("/\\") + 1);
  std::size_t name_w = 6, where_w = 5, effect_w = 4;
  for (const auto& t : f.trace) {
    name_w = std::max(name_w, t.thread.size());
    where_w = std::max(where_w, file.size() + 1 + std::to_string(t.line).size());
    effect_w = std::max(effect_w, std::min<std::size_t>(t.effect.size(), 48));
  }
  std::string out = fmt::format("{:>5}  {:<{}}  {:<{}}  {:<{}}  {}\n", "step", "thread", name_w, "where", where_w, "what",
                                effect_w, "statement");
  for (const auto& t : f.trace)
    out += fmt::format("{:>5}  {:<{}}  {:<{}}  {:<{}}  {}\n", t.step, t.thread, name_w, fmt::format("{}:{}", file, t.line),
                       where_w, t.effect, effect_w, t.statement);
  if (f.trace_truncated) out += "  ... (the report keeps the first steps only; replay shows every step)\n";
  return out;
}

}  // namespace interleave::report_doc
