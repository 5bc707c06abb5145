// What several commands share: the runtime options, and writing reports.
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <fstream>

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

}  // namespace

ExecOptions exec_options(const RunOptions& o) {
  ExecOptions e;
  e.max_steps = o.max_steps;
  e.spurious_wakeups = o.spurious_wakeups;
  if (!o.memory.empty()) e.memory = memory_model_named(o.memory);
  e.tsan = !o.no_tsan;
  return e;
}

// Writes the reports a command asked for, from one JSON report document.
bool write_reports(const std::string& json_doc, const std::string& json_path, const std::string& junit,
                   const std::string& sarif, const std::string& summary) {
  bool ok = true;
  try {
    if (!json_path.empty()) ok = write_file(json_path, json_doc) && ok;
    if (!junit.empty()) ok = write_file(junit, junit_report(json_doc)) && ok;
    if (!sarif.empty()) ok = write_file(sarif, sarif_report(json_doc)) && ok;
    if (!summary.empty()) ok = write_file(summary, summary_report(json_doc)) && ok;
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: cannot write the reports: {}\n", e.what());
    return false;
  }
  return ok;
}

}  // namespace interleave::cli
