// SARIF 2.1.0 from the JSON report: a rule per finding kind, a result per finding, located
// on the lines of the .scn file (docs/reports.md, "SARIF"; tests/schemas/sarif-2.1.0-subset.json).
#include <fmt/format.h>

#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "document.hpp"
#include "interleave/report.hpp"

namespace interleave {

namespace {

using namespace report_doc;
using json = nlohmann::ordered_json;  // keeps the order of the SARIF specification's examples

// What a rule says: the descriptions of the finding kinds, and of a missed expectation.
struct RuleText {
  std::string_view short_text, full_text;
};

RuleText rule_text(FindingKind kind) {
  switch (kind) {
    case FindingKind::race:
      return {"Data race on a shared variable",
              "Two accesses to the same plain shared location by different threads, at least one a write, that nothing "
              "orders (no spawn/join, mutex, condition variable, semaphore, queue or release/acquire atomic creates a "
              "happens-before edge between them). One race is reported per variable."};
    case FindingKind::failure:
      return {"A property or assertion failed",
              "An assert statement, a final property (checked when every thread has finished) or an always property "
              "(checked between every two steps) evaluated as false in some interleaving."};
    case FindingKind::deadlock:
      return {"Threads blocked forever",
              "Some thread has not finished and no thread can move: each waits for a mutex, condition variable, queue, "
              "semaphore or thread that will never let it go on."};
    case FindingKind::livelock:
      return {"A run did not finish within the step bound",
              "A run exceeded the step bound without finishing, for example threads in an unfair spin loop."};
    case FindingKind::crash:
      return {"A thread crashed",
              "A crash statement, a division or modulo by zero, an index out of range, or a misuse such as unlocking a "
              "mutex the thread does not hold or waiting without the mutex."};
    case FindingKind::forbidden:
      return {"An observe outcome classified forbidden was observed",
              "The tuple that the scenario's observe line records at the end of a run matched an outcome line classified "
              "forbidden (or 'outcome else forbidden'): the program reached a result its author ruled out."};
    case FindingKind::memory:
      return {"A heap memory error",
              "A use after free, a double free, a free of an address that is not a block's start, an index out of a "
              "block's bounds, a null or wild pointer, or (at the end of a run) a block never freed: the access and "
              "the block's allocation and free sites, as AddressSanitizer reports them."};
    case FindingKind::potential_deadlock:
      return {"ThreadSanitizer saw a lock-order inversion",
              "Two or more mutexes are locked in a cycle of orders, each while holding another, so some interleaving may "
              "deadlock; ThreadSanitizer reports it even when none does (for example under a common gate lock). "
              "Information: it does not change the verdict."};
  }
  throw std::logic_error("no SARIF rule text for a finding kind");
}

// The rule of an expected finding that was not found: after the finding kinds' rules.
constexpr std::string_view missed = "missed-expectation";
constexpr RuleText missed_text = {
    "An expected finding was not found",
    "The scenario's expect lines name a finding (or a race on a variable) that no explored interleaving showed: the "
    "bug the scenario demonstrates was missed, or the scenario was fixed without updating its expect lines."};

// A result's ruleIndex is its rule's place: the finding kinds in finding_kinds order, then
// the missed expectation.
std::size_t rule_index(std::string_view kind) {
  if (kind == missed) return finding_kind_count;
  if (const auto k = finding_kind_named(kind)) return index_of(*k);
  throw std::logic_error("no SARIF rule for finding kind " + std::string(kind));
}

std::string rule_id(std::string_view kind) {
  if (const auto k = finding_kind_named(kind)) return std::string(info(*k).sarif_rule);
  return "interleave/" + std::string(kind);
}

// Expected findings are notes (the bug a scenario demonstrates on purpose); information
// keeps its own level whatever the expectations say.
std::string_view result_level(const FindingDoc& f) {
  const FindingKindInfo& k = info(*finding_kind_named(f.kind));  // read_report checked the kind
  return f.expected && k.decides_verdict ? "note" : k.sarif_level;
}

// A file path as a URI reference: '/' separators, "./" dropped, bytes other than
// unreserved characters and '/' percent-encoded; absolute paths become file: URIs.
std::pair<std::string, bool> to_uri(std::string path) {
  for (char& c : path)
    if (c == '\\') c = '/';
  while (path.rfind("./", 0) == 0) path.erase(0, 2);
  const bool drive = path.size() >= 3 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':' && path[2] == '/';
  const bool absolute = drive || (!path.empty() && path[0] == '/');
  std::string out = absolute ? (drive ? "file:///" : "file://") : "";
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto c = static_cast<unsigned char>(path[i]);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/' || (drive && i == 1))
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return {out, absolute};
}

json artifact(const std::string& file) {
  const auto [uri, absolute] = to_uri(file);
  json a = {{"uri", uri}};
  if (!absolute) a["uriBaseId"] = "%SRCROOT%";
  return a;
}

json physical(const std::string& file, std::int64_t line, std::int64_t column) {
  json p = {{"artifactLocation", artifact(file)}};
  if (line >= 1) {
    p["region"] = {{"startLine", line}};
    if (column >= 1) p["region"]["startColumn"] = column;
  }
  return p;
}

// The detail line that names FILE:LINE, if one does: it says what happens there.
std::string detail_at(const FindingDoc& f, const Location& l) {
  const std::string at = fmt::format("{}:{}", l.file, l.line);
  for (const auto& d : f.details) {
    for (auto pos = d.find(at); pos != std::string::npos; pos = d.find(at, pos + 1)) {
      const auto end = pos + at.size();
      if (end == d.size() || !std::isdigit(static_cast<unsigned char>(d[end]))) return d;
    }
  }
  return {};
}

json location(const FindingDoc& f, const Location& l) {
  json loc = {{"physicalLocation", physical(l.file, l.line, l.column)}};
  if (const auto d = detail_at(f, l); !d.empty()) loc["message"] = {{"text", d}};
  return loc;
}

// FNV-1a, 64 bits: a fingerprint that is the same on every machine and every run.
std::string fingerprint(std::initializer_list<std::string_view> parts) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (auto part : parts) {
    for (unsigned char c : part) h = (h ^ c) * 0x100000001b3ull;
    h = (h ^ 0x1Fu) * 0x100000001b3ull;  // a separator, so ("ab","c") differs from ("a","bc")
  }
  return fmt::format("{:016x}", h);
}

// The interleaving as SARIF code flows: one threadFlow per thread, in order of first
// step, whose locations carry the global step number as executionOrder.
json code_flows(const FindingDoc& f, const ScenarioDoc& s) {
  std::vector<std::string> order;
  std::map<std::string, json> flows;
  for (const auto& t : f.trace) {
    auto it = flows.find(t.thread);
    if (it == flows.end()) {
      order.push_back(t.thread);
      it = flows.emplace(t.thread, json{{"id", t.thread}, {"message", {{"text", t.thread}}}, {"locations", json::array()}}).first;
    }
    json loc = {{"physicalLocation", physical(s.file, t.line, 0)},
                {"message", {{"text", fmt::format("step {}: {}", t.step, t.effect)}}}};
    it->second["locations"].push_back({{"location", loc}, {"executionOrder", t.step}});
  }
  json thread_flows = json::array();
  for (const auto& name : order) thread_flows.push_back(flows[name]);
  std::string text = fmt::format("the interleaving: {} step{}, {} preemption{}", f.steps, f.steps == 1 ? "" : "s",
                                 f.preemptions, f.preemptions == 1 ? "" : "s");
  if (f.trace_truncated) text += " (only its first steps are kept; replay shows every step)";
  return json::array({{{"message", {{"text", text}}}, {"threadFlows", thread_flows}}});
}

json finding_result(const FindingDoc& f, const ScenarioDoc& s) {
  std::string text = f.summary + (f.expected ? " [expected]" : " [NOT expected]");
  for (const auto& d : f.details) text += "\n" + d;
  text += "\nreplay: " + f.replay_command;
  json r = {{"ruleId", rule_id(f.kind)},
            {"ruleIndex", rule_index(f.kind)},
            {"level", result_level(f)},
            {"message", {{"text", text}}}};
  json locations = json::array(), related = json::array();
  for (std::size_t i = 0; i < f.locations.size(); ++i) {
    json loc = location(f, f.locations[i]);
    if (i == 0) {
      locations.push_back(std::move(loc));
    } else {
      loc["id"] = i;
      related.push_back(std::move(loc));
    }
  }
  // GitHub code scanning needs a location: a finding without one is shown at the file's top.
  if (locations.empty()) locations.push_back({{"physicalLocation", physical(s.file, 1, 0)}});
  r["locations"] = locations;
  if (!related.empty()) r["relatedLocations"] = related;
  r["partialFingerprints"] = {{"interleaveFinding/v1", fingerprint({f.kind, f.variable.empty() ? f.key : f.variable, s.file})}};
  if (!f.trace.empty()) r["codeFlows"] = code_flows(f, s);
  json props = {{"scenario", s.scenario},
                {"file", s.file},
                {"expected", f.expected},
                {"replayCommand", f.replay_command},
                {"replayToken", f.replay_token},
                {"key", f.key},
                {"firstRun", f.first_run},
                {"occurrences", f.occurrences},
                {"scheduler", f.scheduler},
                {"steps", f.steps},
                {"preemptions", f.preemptions}};
  if (!f.variable.empty()) props["variable"] = f.variable;
  if (!f.property.empty()) props["property"] = f.property;
  r["properties"] = props;
  return r;
}

json missed_result(const Problem& p, const ScenarioDoc& s) {
  // "expected race on x, not found in 20 runs": the part before the run count is stable.
  const std::string what = p.text.substr(0, p.text.find(", not found"));
  std::string text = fmt::format("{} ({}: {} runs, {})", p.text, s.scenario, s.runs, s.strategy);
  json r = {{"ruleId", rule_id(missed)},
            {"ruleIndex", rule_index(missed)},
            {"level", "error"},
            {"message", {{"text", text}}},
            {"locations", json::array({{{"physicalLocation", physical(s.file, 1, 0)}}})},
            {"partialFingerprints", {{"interleaveFinding/v1", fingerprint({missed, what, s.file})}}},
            {"properties",
             {{"scenario", s.scenario},
              {"file", s.file},
              {"expected", false},
              {"runs", s.runs},
              {"exhaustive", s.exhaustive},
              {"strategy", s.strategy}}}};
  return r;
}

}  // namespace

std::string sarif_report(const std::string& json_report) {
  const ReportDoc doc = read_report(json_report);
  json rule_list = json::array();
  const auto add_rule = [&](std::string_view id, std::string_view name, const RuleText& text) {
    rule_list.push_back({{"id", id},
                         {"name", name},
                         {"shortDescription", {{"text", text.short_text}}},
                         {"fullDescription", {{"text", text.full_text}}},
                         {"help", {{"text", std::string(text.full_text) +
                                                " Each result carries the command that replays its interleaving "
                                                "(properties.replayCommand); docs/findings.md explains how to read it."}}},
                         {"defaultConfiguration", {{"level", "error"}}},
                         {"properties", {{"tags", {"concurrency", "correctness"}}, {"precision", "very-high"}}}});
  };
  for (const auto& k : finding_kinds) add_rule(k.sarif_rule, k.sarif_name, rule_text(k.kind));
  add_rule(rule_id(missed), "MissedExpectation", missed_text);
  json driver = {{"name", "interleave"}, {"rules", rule_list}};
#ifdef INTERLEAVE_VERSION
  driver["version"] = INTERLEAVE_VERSION;
#endif
  json results = json::array();
  for (const auto& s : doc.scenarios) {
    for (const auto& f : s.findings) results.push_back(finding_result(f, s));
    if (!s.pass)
      for (const auto& p : problems_of(s))
        if (!p.finding) results.push_back(missed_result(p, s));
  }
  json run = {{"tool", {{"driver", driver}}},
              {"invocations", json::array({{{"executionSuccessful", true}}})},
              {"results", results}};
  json props = json::object();
  if (!doc.command.empty()) props["command"] = doc.command;
  if (doc.has_campaign) {
    props["seed"] = doc.seed;
    props["runs"] = doc.runs;
  }
  if (!props.empty()) run["properties"] = props;
  json log = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", json::array({run})}};
  return log.dump(2) + "\n";
}

}  // namespace interleave
