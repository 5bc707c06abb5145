// `interleave merge`: the JSON reports of a campaign's shards become one report.
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <fstream>
#include <iterator>

#include "commands.hpp"
#include "interleave/report.hpp"

namespace interleave::cli {

int merge_command(const MergeOptions& o) {
  std::vector<std::string> docs;
  for (const auto& path : o.reports) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      fmt::print(stderr, "{}: error: cannot open the report\n", path);
      return unusable_input;
    }
    docs.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
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
    return ok;
  }
  if (!write_reports(merged, o.out)) return unusable_input;
  // The merged verdict, as check would give it.
  const auto all_pass = merged.find("\"verdict\": \"fail\"") == std::string::npos;
  return all_pass ? static_cast<int>(Exit::ok) : static_cast<int>(findings_differ);
}

}  // namespace interleave::cli
