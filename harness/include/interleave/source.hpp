// A loaded scenario file: its path, its bytes, and where each line starts.
// Positions are 1-based; a column counts UTF-8 code points (an invalid byte counts as one),
// which is what editors show.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace interleave {

struct Loc {
  std::uint32_t line = 0;  // 1-based; 0 means "no position"
  std::uint32_t col = 0;   // 1-based, in code points

  friend bool operator==(const Loc&, const Loc&) = default;
};

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  std::uint32_t line_count() const { return static_cast<std::uint32_t>(line_starts_.size()); }
  // The text of line `line` (1-based) without its line terminator; empty when out of range.
  std::string_view line_text(std::uint32_t line) const;
  // Position of byte `offset`.
  Loc loc_of(std::size_t offset) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<std::size_t> line_starts_;
};

// Code points in `s` (an invalid UTF-8 byte counts as one).
std::size_t count_columns(std::string_view s);
// Length of the UTF-8 sequence starting at s[i] if it is valid, else 0.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

}  // namespace interleave
