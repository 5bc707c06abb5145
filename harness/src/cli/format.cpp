// `interleave format`: the canonical form of scenario files.
#include <fmt/format.h>

#include <string>

#include "commands.hpp"
#include "interleave/printer.hpp"

namespace interleave::cli {

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
