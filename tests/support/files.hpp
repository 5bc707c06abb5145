// Reading test inputs from the source tree.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>

namespace interleave::test {

// The whole file, as bytes; empty when it cannot be read.
inline std::string read_file(const std::filesystem::path& path) {
  std::string text;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return text;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::fclose(f);
  return text;
}

}  // namespace interleave::test
