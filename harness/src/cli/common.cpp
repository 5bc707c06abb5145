// What several commands share: the runtime options, and writing reports.
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <fstream>
#include <iterator>
#include <optional>

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

#include "commands.hpp"
#include "interleave/report.hpp"

namespace interleave::cli {

namespace {

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    fmt::print(stderr, "error: cannot write {}\n", path);
    return false;
  }
  return true;
}

// The HTML report shows each scenario's source, read from the path the report names.
std::optional<std::string> read_source(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TraceView trace_view(const TraceOptions& o) {
  TraceView v;
  const bool tty = isatty(fileno(stdout)) != 0;
  if (tty) {
    winsize ws{};
    if (ioctl(fileno(stdout), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) v.width = ws.ws_col;
    if (const char* columns = std::getenv("COLUMNS"); v.width == 0 && columns) v.width = std::strtoul(columns, nullptr, 10);
    const char* no_colour = std::getenv("NO_COLOR");  // no-color.org: set and not empty
    v.colour = !(no_colour && *no_colour);
  }
  v.style = o.lanes ? TraceView::lanes : tty ? TraceView::automatic : TraceView::table;
  return v;
}

ExecOptions exec_options(const RunOptions& o) {
  ExecOptions e;
  e.max_steps = o.max_steps;
  e.spurious_wakeups = o.spurious_wakeups;
  if (!o.memory.empty()) e.memory = memory_model_named(o.memory);
  e.tsan = !o.no_tsan;
  return e;
}

// Writes the reports a command asked for, from one JSON report document.
bool write_reports(const std::string& json_doc, const ReportPaths& p) {
  bool ok = true;
  try {
    if (!p.json.empty()) ok = write_file(p.json, json_doc) && ok;
    if (!p.junit.empty()) ok = write_file(p.junit, junit_report(json_doc)) && ok;
    if (!p.sarif.empty()) ok = write_file(p.sarif, sarif_report(json_doc)) && ok;
    if (!p.summary.empty()) ok = write_file(p.summary, summary_report(json_doc)) && ok;
    if (!p.html.empty()) ok = write_file(p.html, html_report(json_doc, read_source)) && ok;
    if (!p.dot.empty()) ok = write_file(p.dot, dot_report(json_doc)) && ok;
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: cannot write the reports: {}\n", e.what());
    return false;
  }
  return ok;
}

}  // namespace interleave::cli
