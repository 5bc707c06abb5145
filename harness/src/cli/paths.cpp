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
    // An explicit walk, not recursive_directory_iterator: that one either skips a folder it
    // cannot read (skip_permission_denied), hiding its scenarios so that a CI gate passes on
    // fewer files, or ends the whole walk at it. Here each such folder is an error and the
    // walk goes on. Like the iterator, it does not follow symbolic links to folders.
    std::vector<std::string> found;
    std::vector<fs::path> pending{fs::path(path)};
    while (!pending.empty()) {
      const fs::path folder = std::move(pending.back());
      pending.pop_back();
      fs::directory_iterator it(folder, ec);
      for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        std::error_code entry_ec;
        if (fs::is_directory(it->symlink_status(entry_ec))) {
          pending.push_back(it->path());
        } else if (it->path().extension() == ".scn" && !fs::is_directory(it->status(entry_ec))) {
          found.push_back(it->path().string());  // load_file refuses one that is not a regular file
        }
      }
      if (ec) {
        fmt::print(stderr, "{}: error: cannot read directory: {}\n", folder.string(), ec.message());
        ok = false;
        ec.clear();
      }
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
  return for_each_load(options, [&](const LoadResult& r, bool first) { return use(*r.program, *r.file, first); });
}

int for_each_load(const CommonOptions& options, const std::function<bool(const LoadResult&, bool first)>& use) {
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
    if (!use(r, first)) ok = false;
    first = false;
  }
  if (!flush_stdout()) ok = false;  // here, while errno still says why
  return ok ? static_cast<int>(Exit::ok) : static_cast<int>(unusable_input);
}

}  // namespace interleave::cli
