#include <fmt/format.h>

#include <cstdio>

#include "commands.hpp"
#include "interleave/printer.hpp"
#include "interleave/steps.hpp"

namespace interleave::cli {

namespace {

// Loads every scenario named by the options and hands each program to `use`.
template <typename Use>
int for_each_program(const CommonOptions& options, Use use) {
  bool ok = true;
  LoadOptions load;
  load.max_errors = options.max_errors;
  if (!parse_sets(options.sets, load.overrides)) return unusable_input;
  const auto files = collect_scenarios(options.paths, ok);
  bool first = true;
  for (const auto& file : files) {
    const LoadResult r = load_file(file, load);
    if (!r.ok()) {
      std::fputs(r.render().c_str(), stderr);
      ok = false;
      continue;
    }
    if (!use(*r.program, *r.file, first)) ok = false;
    first = false;
  }
  std::fflush(stdout);
  return ok ? static_cast<int>(Exit::ok) : static_cast<int>(unusable_input);
}

}  // namespace

int explain_command(const CommonOptions& options) {
  return for_each_program(options, [](const Program& program, const SourceFile&, bool first) {
    if (!first) fmt::print("\n{}\n\n", std::string(72, '-'));
    fmt::print("{}", explain(program));
    return true;
  });
}

int format_command(const CommonOptions& options, bool check_only) {
  return for_each_program(options, [&](const Program& program, const SourceFile& file, bool) {
    const std::string canonical = print(program);
    if (!check_only) {
      fmt::print("{}", canonical);
      return true;
    }
    if (canonical == file.text()) return true;
    fmt::print(stderr, "{}: not in canonical form (run 'interleave format {}' to see it)\n", file.path(), file.path());
    return false;
  });
}

}  // namespace interleave::cli
