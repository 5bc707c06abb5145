// JUnit XML from the JSON report: a testcase per scenario, a failure per problem of a
// failing scenario (docs/reports.md, "JUnit XML"; tests/schemas/junit.xsd).
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "document.hpp"
#include "interleave/report.hpp"

namespace interleave {

namespace {

using namespace report_doc;

// XML 1.0 allows #x9, #xA, #xD, #x20-#xD7FF, #xE000-#xFFFD and #x10000-#x10FFFF; anything
// else is dropped, and bytes that are not UTF-8 become U+FFFD.
bool xml_char(std::uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

// The code point at s[i] and its length in bytes; {0xFFFD, 1} for a byte that does not
// start a well-formed UTF-8 sequence.
std::pair<std::uint32_t, std::size_t> decode(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return {b, 1};
  std::size_t n = 0;
  std::uint32_t c = 0, min = 0;
  if ((b & 0xE0) == 0xC0) {
    n = 2, c = b & 0x1Fu, min = 0x80;
  } else if ((b & 0xF0) == 0xE0) {
    n = 3, c = b & 0x0Fu, min = 0x800;
  } else if ((b & 0xF8) == 0xF0) {
    n = 4, c = b & 0x07u, min = 0x10000;
  } else {
    return {0xFFFD, 1};
  }
  if (i + n > s.size()) return {0xFFFD, 1};
  for (std::size_t k = 1; k < n; ++k) {
    const auto cb = static_cast<unsigned char>(s[i + k]);
    if ((cb & 0xC0) != 0x80) return {0xFFFD, 1};
    c = (c << 6) | (cb & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return {0xFFFD, 1};
  return {c, n};
}

// Escaped for element text, or for an attribute value (which also keeps its tabs and
// line breaks, that attribute normalisation would otherwise turn into spaces).
std::string escape(std::string_view s, bool attribute) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto [c, n] = decode(s, i);
    if (!xml_char(c)) {
      i += n;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += attribute ? "&quot;" : "\""; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (c == 0xFFFD && n == 1) out += "\xEF\xBF\xBD";
        else out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string attr(std::string_view s) { return escape(s, true); }
std::string text(std::string_view s) { return escape(s, false); }

// "scenarios/seed/x.scn" -> "scenarios.seed"; a file without a directory -> "interleave".
std::string classname(const std::string& file) {
  std::string out, part;
  const auto flush = [&] {
    if (!part.empty() && part != ".") out += (out.empty() ? "" : ".") + (part == ".." ? std::string("parent") : part);
    part.clear();
  };
  const auto slash = file.find_last_of("/\\");
  if (slash == std::string::npos) return "interleave";
  for (char ch : file.substr(0, slash)) {
    if (ch == '/' || ch == '\\') flush();
    else part += ch;
  }
  flush();
  return out.empty() ? "interleave" : out;
}

std::string seconds(double s) { return fmt::format("{:.3f}", s); }

std::string finding_text(const FindingDoc& f, const ScenarioDoc& s) {
  std::string out = fmt::format("{}: {}\n", f.kind, f.summary);
  for (const auto& d : f.details) out += "  " + d + "\n";
  for (const auto& l : f.locations) out += fmt::format("  at {}:{}:{}\n", l.file, l.line, l.column);
  out += fmt::format("first seen in run {} ({}), in {} run{} in all\n", f.first_run, f.scheduler, f.occurrences,
                     f.occurrences == 1 ? "" : "s");
  out += fmt::format("interleaving: {} step{}, {} preemption{}\n", f.steps, f.steps == 1 ? "" : "s", f.preemptions,
                     f.preemptions == 1 ? "" : "s");
  out += trace_table(f, s.file);
  out += "replay: " + f.replay_command + "\n";
  return out;
}

std::string missed_text(const Problem& p, const ScenarioDoc& s) {
  std::string out = p.text + "\n";
  out += fmt::format("expected: {}; found: {}\n", kinds_or_clean(s.expected_detail), kinds_or_clean(s.found_detail));
  out += fmt::format("{} runs ({}){}\n", s.runs, s.strategy,
                     s.exhaustive ? "; every schedule was explored (a bounded proof that it cannot happen)" : "");
  if (s.stopped_by_time) out += "the --time cap ended the exploration before the run budget\n";
  return out;
}

std::string system_out(const ScenarioDoc& s) {
  std::string out = fmt::format("found: {}; expected: {}\n{} runs, {} steps, {:.3f} s; {}\n", kinds_or_clean(s.found_detail),
                                kinds_or_clean(s.expected_detail), s.runs, s.steps, s.seconds, s.strategy);
  for (const auto& f : s.findings)
    out += fmt::format("{}: {} [{}]\n  replay: {}\n", f.kind, f.summary, f.expected ? "expected" : "NOT expected",
                       f.replay_command);
  for (const auto& n : s.notes) out += "note: " + n + "\n";
  return out;
}

}  // namespace

std::string junit_report(const std::string& json_report) {
  const ReportDoc r = read_report(json_report);
  std::size_t failures = 0;
  double total = 0;
  for (const auto& s : r.scenarios) {
    failures += s.pass ? 0 : 1;
    total += s.seconds;
  }
  const std::size_t tests = r.scenarios.size();
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"interleave\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{}\">\n", tests,
                     failures, seconds(total));
  out += fmt::format("  <testsuite name=\"interleave\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"{}\">\n",
                     tests, failures, seconds(total));
  if (!r.command.empty() || r.has_campaign) {
    out += "    <properties>\n";
    if (!r.command.empty()) out += fmt::format("      <property name=\"command\" value=\"{}\"/>\n", attr(r.command));
    if (r.has_campaign) {
      out += fmt::format("      <property name=\"seed\" value=\"{}\"/>\n", r.seed);
      out += fmt::format("      <property name=\"runs\" value=\"{}\"/>\n", r.runs);
    }
    out += "    </properties>\n";
  }
  for (const auto& s : r.scenarios) {
    out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" time=\"{}\">\n", attr(classname(s.file)),
                       attr(s.scenario), attr(s.file), seconds(s.seconds));
    if (!s.pass) {
      for (const auto& p : problems_of(s)) {
        // The SARIF rule ids, so that both formats name a problem alike.
        const std::string type = p.finding ? std::string(info(*finding_kind_named(p.finding->kind)).sarif_rule)
                                           : "interleave/missed-expectation";
        const std::string body = p.finding ? finding_text(*p.finding, s) : missed_text(p, s);
        out += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", attr(p.text), attr(type), text(body));
      }
    }
    out += fmt::format("      <system-out>{}</system-out>\n", text(system_out(s)));
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace interleave
