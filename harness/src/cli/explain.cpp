// `interleave explain`: the resolved program with its numbered visible steps.
#include <fmt/format.h>

#include <string>

#include "commands.hpp"
#include "interleave/steps.hpp"

namespace interleave::cli {

int explain_command(const CommonOptions& options) {
  return for_each_program(options, [](const Program& program, const SourceFile&, bool first) {
    if (!first) fmt::print("\n{}\n\n", std::string(72, '-'));
    fmt::print("{}", explain(program));
    return true;
  });
}

}  // namespace interleave::cli
