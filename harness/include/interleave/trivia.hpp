// Trivia: what the parser ignores and the formatter keeps, namely comments and blank lines.
// The lexer collects them; print(program, trivia) puts them back around the statements.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "interleave/source.hpp"

namespace interleave {

struct Comment {
  Loc loc;                // where the '#' is
  std::string text;       // from '#' to the end of the line, trailing blanks removed
  bool trailing = false;  // after code on its line (`x = 1  # why`), else a whole line
};

struct Trivia {
  std::vector<Comment> comments;         // in file order
  std::vector<std::uint32_t> blank_lines;  // lines with nothing but blanks, ascending

  bool is_blank(std::uint32_t line) const {
    return std::binary_search(blank_lines.begin(), blank_lines.end(), line);
  }
};

}  // namespace interleave
