// The JUnit, SARIF and Markdown renderers, fed with JSON reports of real explorations: what
// each format says about a passing scenario, a missed expectation and an unexpected race.
// The hidden test case at the end writes the rendered files for the schema tests
// (tests/cli/CMakeLists.txt: xmllint against tests/schemas/junit.xsd, jsonschema against
// tests/schemas/sarif-2.1.0-subset.json and docs/report.schema.json).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "interleave/report.hpp"
#include "runtime_helpers.hpp"

using nlohmann::json;

namespace interleave::test {

namespace {

std::string read_source(const std::string& relative) {
  std::ifstream in(std::string(INTERLEAVE_SOURCE_DIR) + "/" + relative, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + relative);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// One scenario's JSON entry, as `interleave check FILE` (run from the source tree) makes it:
// the path as given is relative, and so are the finding locations.
std::string entry(const std::string& path, const std::string& text) {
  LoadResult lr = load_text(path, text);
  if (!lr.ok()) throw std::runtime_error("scenario does not load:\n" + lr.render());
  const Module m = compile(*lr.program);
  ExploreOptions o;
  o.max_runs = 2000;
  o.max_seconds = 1e9;
  o.stop_when_expected = true;
  const ExploreResult r = explore(m, o);
  return json_scenario(m, r, judge(m, r), ReportContext{path, {}, {}});
}

std::string entry(const std::string& relative) { return entry(relative, read_source(relative)); }

// balance_unlocked without its expect lines: an unexpected race and failure.
std::string unexpected_race_entry() {
  std::string text = read_source("scenarios/seed/balance_unlocked.scn");
  for (const char* line : {"expect race on balance\n", "expect failure\n"}) {
    const auto at = text.find(line);
    REQUIRE(at != std::string::npos);
    text.erase(at, std::string(line).size());
  }
  return entry("tests/unit/report/unexpected_race.scn", text);
}

// A report of three scenarios: passing, failing by a missed expectation, failing by
// unexpected findings. Explored once for every test case.
const std::string& sample_report() {
  static const std::string report =
      json_report({entry("scenarios/seed/balance_unlocked.scn"), entry("tests/cli/scenarios/missed_expectation.scn"),
                   unexpected_race_entry()},
                  Campaign{"check", 1, 2000, 0, 1});
  return report;
}

// The <testcase ...> ... </testcase> element whose name attribute is NAME.
std::string testcase(const std::string& xml, const std::string& name) {
  const auto at = xml.find("name=\"" + name + "\"");
  REQUIRE(at != std::string::npos);
  const auto start = xml.rfind("<testcase ", at);
  const auto end = xml.find("</testcase>", at);
  REQUIRE(start != std::string::npos);
  REQUIRE(end != std::string::npos);
  return xml.substr(start, end - start);
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

const json* result_with(const json& sarif, const std::string& rule, const std::string& scenario) {
  for (const auto& r : sarif["runs"][0]["results"])
    if (r["ruleId"] == rule && r["properties"]["scenario"] == scenario) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("report formats: JUnit has a testcase per scenario and a failure per problem", "[report][junit]") {
  const std::string xml = junit_report(sample_report());
  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ", 0) == 0);
  CHECK(xml.find("<testsuite name=\"interleave\" tests=\"3\" failures=\"2\" errors=\"0\"") != std::string::npos);
  CHECK(occurrences(xml, "<testcase ") == 3);

  const std::string pass = testcase(xml, "balance_unlocked");
  CHECK(pass.find("classname=\"scenarios.seed\"") != std::string::npos);
  CHECK(pass.find("file=\"scenarios/seed/balance_unlocked.scn\"") != std::string::npos);
  CHECK(pass.find("<failure") == std::string::npos);
  CHECK(pass.find("<system-out>found: failure, race on balance; expected: failure, race on balance") != std::string::npos);

  const std::string missed = testcase(xml, "missed_expectation");
  CHECK(missed.find("classname=\"tests.cli.scenarios\"") != std::string::npos);
  CHECK(occurrences(missed, "<failure ") == 1);
  CHECK(missed.find("<failure message=\"expected race on data, not found in ") != std::string::npos);
  CHECK(missed.find("type=\"interleave/missed-expectation\"") != std::string::npos);

  const std::string unexpected = testcase(xml, "unexpected_race");
  CHECK(occurrences(unexpected, "<failure ") == 2);  // the race and the final failure
  CHECK(unexpected.find("<failure message=\"unexpected race on balance\" type=\"interleave/race\">race: race on balance\n")
        != std::string::npos);
  CHECK(unexpected.find("type=\"interleave/failure\"") != std::string::npos);
  CHECK(unexpected.find(" step  thread") != std::string::npos);  // the trace table
  CHECK(unexpected.find("unexpected_race.scn:28") != std::string::npos);
  CHECK(unexpected.find("replay: interleave replay tests/unit/report/unexpected_race.scn --schedule v2-") != std::string::npos);
}

TEST_CASE("report formats: JUnit escapes XML and drops characters XML 1.0 forbids", "[report][junit]") {
  json doc = json::parse(sample_report());
  json& s = doc["scenarios"][2];
  s["scenario"] = "a<b>&\"c\"";
  s["problems"][0] = std::string("unexpected race on balance ]]> \x01\x1f") + "\xef\xbf\xbf" + "\tend";
  s["findings"][0]["summary"] = std::string("race on balance ]]> \x01\x1f") + "\xef\xbf\xbf" + "\tend";
  const std::string xml = junit_report(doc.dump());
  CHECK(xml.find("name=\"a&lt;b&gt;&amp;&quot;c&quot;\"") != std::string::npos);
  CHECK(xml.find("message=\"unexpected race on balance ]]&gt; &#9;end\"") != std::string::npos);
  CHECK(xml.find("race: race on balance ]]&gt; \tend\n") != std::string::npos);
  CHECK(xml.find('\x01') == std::string::npos);
  CHECK(xml.find('\x1f') == std::string::npos);
  CHECK(xml.find("\xef\xbf\xbf") == std::string::npos);
}

TEST_CASE("report formats: SARIF locates the unlocked balance race on its lines of the .scn file", "[report][sarif]") {
  const json sarif = json::parse(sarif_report(sample_report()));
  CHECK(sarif["version"] == "2.1.0");
  CHECK(sarif["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json");
  const json& run = sarif["runs"].at(0);
  const json& rules = run["tool"]["driver"]["rules"];
  CHECK(run["tool"]["driver"]["name"] == "interleave");
  REQUIRE(rules.size() == 9);
  CHECK(rules[0]["id"] == "interleave/race");
  CHECK(rules[5]["id"] == "interleave/forbidden");
  CHECK(rules[6]["id"] == "interleave/potential-deadlock");
  CHECK(rules[7]["id"] == "interleave/memory");
  CHECK(rules[8]["id"] == "interleave/missed-expectation");

  // The expected race: a note, at line 28 or 29 (the write at 29, the read at 28).
  const json* race = result_with(sarif, "interleave/race", "balance_unlocked");
  REQUIRE(race);
  CHECK((*race)["level"] == "note");
  CHECK(rules[(*race)["ruleIndex"].get<std::size_t>()]["id"] == "interleave/race");
  const json& where = (*race)["locations"].at(0)["physicalLocation"];
  CHECK(where["artifactLocation"]["uri"] == "scenarios/seed/balance_unlocked.scn");
  const auto line = where["region"]["startLine"].get<int>();
  CHECK((line == 28 || line == 29));
  CHECK(where["region"]["startColumn"].get<int>() >= 1);
  REQUIRE((*race)["relatedLocations"].size() == 1);
  const auto other = (*race)["relatedLocations"][0]["physicalLocation"]["region"]["startLine"].get<int>();
  CHECK(line + other == 28 + 29);
  CHECK((*race)["properties"]["expected"] == true);
  CHECK((*race)["properties"]["replayCommand"].get<std::string>().rfind(
            "interleave replay scenarios/seed/balance_unlocked.scn --schedule v2-", 0) == 0);
  CHECK((*race)["message"]["text"].get<std::string>().rfind("race on balance [expected]\n", 0) == 0);
  // The trace as thread flows: every step once, in executionOrder.
  std::size_t steps = 0;
  for (const auto& flow : (*race)["codeFlows"][0]["threadFlows"]) steps += flow["locations"].size();
  CHECK(steps == json::parse(sample_report())["scenarios"][0]["findings"][0]["trace"].size());

  // The same race, not expected: an error, with another fingerprint (another file).
  const json* bad = result_with(sarif, "interleave/race", "unexpected_race");
  REQUIRE(bad);
  CHECK((*bad)["level"] == "error");
  CHECK((*bad)["partialFingerprints"] != (*race)["partialFingerprints"]);

  // The missed expectation: an error on the scenario file.
  const json* missed = result_with(sarif, "interleave/missed-expectation", "missed_expectation");
  REQUIRE(missed);
  CHECK((*missed)["level"] == "error");
  CHECK((*missed)["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "tests/cli/scenarios/missed_expectation.scn");

  // The fingerprint is FNV-1a of kind, variable and file: the same on every machine and run.
  CHECK((*race)["partialFingerprints"]["interleaveFinding/v1"] == "8e9c031704c3b3c5");
  CHECK(json::parse(sarif_report(sample_report())) == sarif);
}

TEST_CASE("report formats: SARIF URIs are relative references, percent-encoded", "[report][sarif]") {
  json doc = json::parse(sample_report());
  doc["scenarios"][0]["findings"][0]["locations"][0]["file"] = "./my dir/a#b.scn";
  doc["scenarios"][0]["findings"][0]["locations"][1]["file"] = "/abs/x.scn";
  const json sarif = json::parse(sarif_report(doc.dump()));
  const json* race = result_with(sarif, "interleave/race", "balance_unlocked");
  REQUIRE(race);
  CHECK((*race)["locations"][0]["physicalLocation"]["artifactLocation"] == json{{"uri", "my%20dir/a%23b.scn"}, {"uriBaseId", "%SRCROOT%"}});
  CHECK((*race)["relatedLocations"][0]["physicalLocation"]["artifactLocation"] == json{{"uri", "file:///abs/x.scn"}});
}

TEST_CASE("report formats: the Markdown summary has a table row per scenario and a section per failure", "[report][summary]") {
  const std::string md = summary_report(sample_report());
  CHECK(md.rfind("## Interleave: 2 of 3 scenarios fail\n", 0) == 0);
  CHECK(md.find("| scenario | verdict | found | expected | runs | strategy |\n") != std::string::npos);
  CHECK(md.find("| balance\\_unlocked `scenarios/seed/balance_unlocked.scn` | ✅ pass | failure, race on balance | failure, race on balance | ")
        != std::string::npos);
  CHECK(md.find("### ❌ missed\\_expectation `tests/cli/scenarios/missed_expectation.scn`\n\n- expected race on data, not found in ")
        != std::string::npos);
  CHECK(md.find("### ❌ unexpected\\_race") != std::string::npos);
  CHECK(md.find("#### race on balance (**NOT expected**)") != std::string::npos);
  CHECK(md.find("```sh\ninterleave replay tests/unit/report/unexpected_race.scn --schedule v2-") != std::string::npos);
  // The passing scenario has no section of its own.
  CHECK(md.find("### ❌ balance") == std::string::npos);

  json doc = json::parse(sample_report());
  doc["scenarios"][0]["strategy"] = "a | b";
  doc["scenarios"][0]["file"] = "x|y.scn";
  const std::string escaped = summary_report(doc.dump());
  CHECK(escaped.find("`x\\|y.scn`") != std::string::npos);
  CHECK(escaped.find("| a \\| b |\n") != std::string::npos);
}

TEST_CASE("report formats: a document that is not a report is refused with a reason", "[report]") {
  using Render = std::string (*)(const std::string&);
  for (Render render : {Render{junit_report}, Render{sarif_report}, Render{summary_report}}) {
    CHECK_THROWS_WITH(render("{not json"), "not a valid interleave JSON report: the text is not JSON");
    CHECK_THROWS_WITH(render("[1, 2]"), "not a valid interleave JSON report: the document is not a JSON object");
    CHECK_THROWS_WITH(render(R"({"tool": "other", "version": 1, "scenarios": []})"),
                      "not a valid interleave JSON report: 'tool' is not \"interleave\"");
    CHECK_THROWS_WITH(render(R"({"tool": "interleave", "version": 2, "scenarios": []})"),
                      Catch::Contains("'version' is not 1"));
    CHECK_THROWS_WITH(render(R"({"tool": "interleave", "version": 1})"),
                      "not a valid interleave JSON report: 'scenarios' is missing");
    json doc = json::parse(sample_report());
    doc["scenarios"][1]["verdict"] = "maybe";
    CHECK_THROWS_WITH(render(doc.dump()), Catch::Contains("scenarios[1]: 'verdict' must be \"pass\" or \"fail\""));
    doc = json::parse(sample_report());
    doc["scenarios"][0]["findings"][0]["kind"] = "gremlin";
    CHECK_THROWS_WITH(render(doc.dump()), "not a valid interleave JSON report: scenarios[0].findings[0]: unknown finding kind 'gremlin'");
    doc = json::parse(sample_report());
    doc["scenarios"][0]["findings"][0]["locations"][0].erase("line");
    CHECK_THROWS_WITH(render(doc.dump()), Catch::Contains("scenarios[0].findings[0].locations[0]: 'line' is missing"));
    CHECK_THROWS_AS(render(""), std::runtime_error);
  }
  // An empty report is a valid one.
  const std::string empty = json_report({}, Campaign{"check", 1, 10, 0, 1});
  CHECK(junit_report(empty).find("tests=\"0\" failures=\"0\"") != std::string::npos);
  CHECK(json::parse(sarif_report(empty))["runs"][0]["results"].empty());
  CHECK(summary_report(empty).rfind("## Interleave: no scenarios\n", 0) == 0);
}

// Hidden ([.]): run by the ctest fixture "report: render sample reports" to write the
// files that the schema tests validate.
// v2 (issue 13 item 5): named properties and what the expect lines name, in the JSON report,
// again after a merge (judged by the same rules), and in JUnit and Markdown.
const std::string& named_report() {
  static const std::string report =
      json_report({entry("scenarios/classic/refcount_counters.scn"), entry("tests/cli/scenarios/race_on_other_variable.scn")},
                  Campaign{"check", 1, 2000, 0, 1});
  return report;
}

TEST_CASE("report formats: named properties and the names expected, in every format", "[report][v2]") {
  const json doc = json::parse(named_report());
  const json& refcount = doc["scenarios"][0];
  CHECK(refcount["verdict"] == "pass");
  CHECK(refcount["expected_failure_of"] == json({"no_leak", "no_double_free", "no_use_after_free"}));
  CHECK(refcount["found_detail"] == json({"failure no_double_free", "failure no_leak", "failure no_use_after_free"}));
  CHECK(refcount["expected_detail"] == refcount["found_detail"]);
  CHECK(refcount["found"] == json({"failure"}));
  std::set<std::string> properties, keys;
  for (const auto& f : refcount["findings"]) {
    properties.insert(f["property"].get<std::string>());
    keys.insert(f["key"].get<std::string>());
  }
  CHECK(properties == std::set<std::string>{"no_leak", "no_double_free", "no_use_after_free"});
  CHECK(keys == std::set<std::string>{"failure:final:no_leak", "failure:final:no_double_free", "failure:final:no_use_after_free"});

  const json& races = doc["scenarios"][1];
  CHECK(races["verdict"] == "fail");
  CHECK(races["found_detail"] == json({"race on hits", "race on misses"}));
  CHECK(races["expected_detail"] == json({"race on hits"}));
  CHECK(races["problems"] == json({"unexpected race on misses"}));

  // merge judges again, with the same names.
  const json merged = json::parse(merge_reports({named_report()}));
  CHECK(merged["scenarios"][0]["verdict"] == "pass");
  CHECK(merged["scenarios"][0]["found_detail"] == refcount["found_detail"]);
  CHECK(merged["scenarios"][1]["problems"] == json({"unexpected race on misses"}));

  const std::string xml = junit_report(named_report());
  CHECK(xml.find("found: race on hits, race on misses; expected: race on hits") != std::string::npos);
  CHECK(xml.find("final no_leak: refs == 0 and freed &gt; 0 failed") != std::string::npos);
  const std::string md = summary_report(named_report());
  CHECK(md.find("| race on hits, race on misses | race on hits |") != std::string::npos);
  const json sarif = json::parse(sarif_report(named_report()));
  std::set<std::string> sarif_properties;
  for (const auto& r : sarif["runs"][0]["results"])
    if (r["properties"].contains("property")) sarif_properties.insert(r["properties"]["property"].get<std::string>());
  CHECK(sarif_properties == properties);
}

TEST_CASE("report formats: write the sample reports", "[.][report-files]") {
  const std::filesystem::path dir = INTERLEAVE_REPORT_SAMPLES_DIR;
  std::filesystem::create_directories(dir);
  const auto write = [&](const std::string& name, const std::string& text) {
    const auto tmp = dir / (name + ".tmp");
    {
      std::ofstream out(tmp, std::ios::binary);
      out << text;
      REQUIRE(out.good());
    }
    std::filesystem::rename(tmp, dir / name);  // whole files only, for the tests that read them
  };
  const std::string& report = sample_report();
  write("report.json", report);
  write("report.xml", junit_report(report));
  write("report.sarif", sarif_report(report));
  write("report.md", summary_report(report));
  write("named.json", named_report());
  const std::string empty = json_report({}, Campaign{"check", 1, 10, 0, 1});
  write("empty.xml", junit_report(empty));
  write("empty.sarif", sarif_report(empty));
}

}  // namespace interleave::test
