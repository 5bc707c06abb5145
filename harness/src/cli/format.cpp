// `interleave format`: the canonical form of scenario files, comments and blank lines kept.
#include <fmt/format.h>

#include <string>

#include "commands.hpp"
#include "interleave/printer.hpp"

namespace interleave::cli {

int format_command(const CommonOptions& options, FormatMode mode) {
  return for_each_load(options, [&](const LoadResult& r, bool) {
    const std::string canonical = print(*r.program, r.trivia);
    const SourceFile& file = *r.file;
    switch (mode) {
      case FormatMode::print:
        fmt::print("{}", canonical);
        return true;
      case FormatMode::check:
        if (canonical == file.text()) return true;
        fmt::print(stderr, "{}: not in canonical form (run 'interleave format -i {}' to format it)\n", file.path(),
                   file.path());
        return false;
      case FormatMode::in_place:
        // A file already in canonical form is not rewritten (its time stamp stays).
        return canonical == file.text() || write_file(file.path(), canonical, "the formatted file", true);
    }
    return false;
  });
}

}  // namespace interleave::cli
