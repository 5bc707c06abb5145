// The inputs every command shares: scenario paths, --set values, and loading each program.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>

#include "commands.hpp"

namespace interleave::cli {

std::vector<std::string> collect_scenarios(const std::vector<std::string>& paths, bool& ok) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      fmt::print(stderr, "{}: error: no such file or directory\n", path);
      ok = false;
      continue;
    }
    if (!fs::is_directory(status)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec) && it->path().extension() == ".scn") found.push_back(it->path().string());
    }
    if (ec) {
      fmt::print(stderr, "{}: error: cannot read directory: {}\n", path, ec.message());
      ok = false;
    }
    std::sort(found.begin(), found.end());
    if (found.empty()) {
      fmt::print(stderr, "{}: error: no *.scn files in this directory\n", path);
      ok = false;
    }
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

bool parse_sets(const std::vector<std::string>& sets, Overrides& out) {
  bool ok = true;
  for (const auto& s : sets) {
    const auto eq = s.find('=');
    std::int64_t value = 0;
    const std::string name = s.substr(0, eq == std::string::npos ? s.size() : eq);
    bool good = eq != std::string::npos && eq > 0;
    if (good) {
      const char* first = s.data() + eq + 1;
      const char* last = s.data() + s.size();
      const auto [ptr, err] = std::from_chars(first, last, value);
      good = first != last && err == std::errc() && ptr == last;
    }
    if (!good) {
      fmt::print(stderr, "error: --set '{}' is not NAME=INTEGER (for example --set ITER=100)\n", s);
      ok = false;
      continue;
    }
    out[name] = value;
  }
  return ok;
}

int for_each_program(const CommonOptions& options,
                     const std::function<bool(const Program&, const SourceFile&, bool first)>& use) {
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

}  // namespace interleave::cli
