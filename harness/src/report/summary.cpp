// Markdown from the JSON report, for $GITHUB_STEP_SUMMARY: a table of the scenarios and a
// section per failing scenario (docs/reports.md, "Markdown summary").
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "document.hpp"
#include "interleave/report.hpp"

namespace interleave {

namespace {

using namespace report_doc;

// Text in a paragraph, a list item or a table cell: Markdown's special characters
// backslash-escaped, line breaks as spaces (a cell is one line).
std::string md(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    if (std::string_view("\\`*_[]<>|~&#!").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// A code span that holds any text: fenced with more backticks than any run inside it. In
// a table cell '|' is escaped as well, which GitHub's tables allow even in code spans.
std::string code(std::string_view s, bool cell) {
  std::size_t run = 0, longest = 0;
  std::string body;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
    if (c == '\n' || c == '\r') body += ' ';
    else if (c == '|' && cell) body += "\\|";
    else body += c;
  }
  const std::string fence(longest + 1, '`');
  const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

// A fenced code block that holds any text.
std::string code_block(std::string_view s, std::string_view info) {
  std::size_t run = 0, longest = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  return fmt::format("{}{}\n{}\n{}\n", fence, info, s, fence);
}

std::string finding_section(const FindingDoc& f) {
  std::string out = fmt::format("#### {} {}\n\n", md(f.summary), f.expected ? "(expected)" : "(**NOT expected**)");
  for (const auto& d : f.details) out += "- " + md(d) + "\n";
  out += fmt::format("- first seen in run {} ({}), in {} run{} in all; interleaving of {} step{}, {} preemption{}\n\n",
                     f.first_run, md(f.scheduler), f.occurrences, f.occurrences == 1 ? "" : "s", f.steps,
                     f.steps == 1 ? "" : "s", f.preemptions, f.preemptions == 1 ? "" : "s");
  out += code_block(f.replay_command, "sh") + "\n";
  return out;
}

}  // namespace

std::string summary_report(const std::string& json_report) {
  const ReportDoc r = read_report(json_report);
  const auto passing = static_cast<std::size_t>(std::count_if(r.scenarios.begin(), r.scenarios.end(),
                                                              [](const ScenarioDoc& s) { return s.pass; }));
  const std::size_t total = r.scenarios.size();
  std::string headline = fmt::format("all {} scenario{} pass", total, total == 1 ? "" : "s");
  if (total == 0) headline = "no scenarios";
  else if (passing < total) headline = fmt::format("{} of {} scenarios fail", total - passing, total);
  std::string out = "## Interleave: " + headline + "\n\n";
  if (!r.command.empty() || r.has_campaign) {
    std::string line = r.command.empty() ? std::string("Report") : fmt::format("`interleave {}`", md(r.command));
    if (r.has_campaign) line += fmt::format(", seed {}, a budget of {} runs per scenario", r.seed, r.runs);
    out += line + ".\n\n";
  }
  if (total == 0) return out;
  out += "| scenario | verdict | found | expected | runs | strategy |\n";
  out += "|---|---|---|---|--:|---|\n";
  for (const auto& s : r.scenarios)
    out += fmt::format("| {} {} | {} | {} | {} | {} | {} |\n", md(s.scenario), code(s.file, true),
                       s.pass ? "✅ pass" : "❌ **fail**", md(kinds_or_clean(s.found_detail)), md(kinds_or_clean(s.expected_detail)),
                       s.runs, md(s.strategy));
  out += "\n";
  for (const auto& s : r.scenarios) {
    if (s.pass) continue;
    out += fmt::format("### ❌ {} {}\n\n", md(s.scenario), code(s.file, false));
    for (const auto& p : problems_of(s)) out += "- " + md(p.text) + "\n";
    out += "\n";
    if (s.stopped_by_time) out += "The `--time` cap ended the exploration before the run budget.\n\n";
    for (const auto& f : s.findings) out += finding_section(f);
  }
  return out;
}

}  // namespace interleave
