// `interleave merge`: the JSON reports of a campaign's shards become one report.
#include <fmt/format.h>

#include <cstdio>
#include <exception>

#include "commands.hpp"
#include "interleave/report.hpp"

namespace interleave::cli {

namespace {
// A shard's report of many scenarios with traces is a few megabytes; far more is not one.
constexpr std::size_t max_report_bytes = std::size_t{1} << 30;
}  // namespace

int merge_command(const MergeOptions& o) {
  if (!check_report_paths({{"--json", o.out.json}, {"--junit", o.out.junit}, {"--sarif", o.out.sarif},
                           {"--summary", o.out.summary}, {"--html", o.out.html}, {"--dot", o.out.dot}},
                          o.reports))
    return unusable_input;
  std::vector<std::string> docs;
  for (const auto& path : o.reports) {
    std::string error;
    auto text = read_input_file(path, max_report_bytes, error);
    if (!text) {
      fmt::print(stderr, "{}\n", error);
      return unusable_input;
    }
    docs.push_back(std::move(*text));
  }
  std::string merged;
  try {
    merged = merge_reports(docs);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: cannot merge: {}\n", e.what());
    return unusable_input;
  }
  if (!o.out.any()) {
    std::fputs(merged.c_str(), stdout);
    return flush_stdout() ? static_cast<int>(ok) : static_cast<int>(unusable_input);
  }
  if (!write_reports(merged, o.out)) return unusable_input;
  // The merged verdict, as check would give it.
  const auto all_pass = merged.find("\"verdict\": \"fail\"") == std::string::npos;
  return all_pass ? static_cast<int>(Exit::ok) : static_cast<int>(findings_differ);
}

}  // namespace interleave::cli
