// Shared helpers for front-end tests: load text and look at the diagnostics.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "interleave/frontend.hpp"

namespace interleave::test {

inline LoadResult load(const std::string& text, const LoadOptions& options = {}) {
  return load_text("t.scn", text, options);
}

// The messages of a load, in file order, as "line:col: message".
inline std::vector<std::string> messages(const LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics.all())
    out.push_back(std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + ": " + d.message);
  std::stable_sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    const auto la = std::stoul(a), lb = std::stoul(b);
    if (la != lb) return la < lb;
    return std::stoul(a.substr(a.find(':') + 1)) < std::stoul(b.substr(b.find(':') + 1));
  });
  return out;
}

}  // namespace interleave::test
