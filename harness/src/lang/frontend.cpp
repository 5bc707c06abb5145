#include "interleave/frontend.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "interleave/lexer.hpp"
#include "interleave/parser.hpp"

namespace interleave {

namespace {

std::string stem_of(const std::string& path) {
  const std::string stem = std::filesystem::path(path).stem().string();
  return stem.empty() ? std::string("scenario") : stem;
}

LoadResult front_end(std::string path, std::string text, const LoadOptions& options, bool resolve_names) {
  LoadResult r{nullptr, nullptr, DiagnosticSink(options.max_errors), {}};
  r.file = std::make_unique<SourceFile>(path, std::move(text));
  const auto tokens = lex(*r.file, r.diagnostics);
  auto program = std::make_unique<Program>(parse(tokens, path, r.diagnostics));
  // Names are resolved even after syntax errors, so one pass reports both kinds; the
  // parser dropped the bad lines, which keeps the resolver from cascading.
  if (resolve_names && !r.diagnostics.full()) resolve(*program, stem_of(path), options.overrides, r.diagnostics);
  if (!r.diagnostics.has_errors() && !r.diagnostics.truncated()) r.program = std::move(program);
  return r;
}

}  // namespace

std::string LoadResult::render() const {
  if (!io_error.empty()) return io_error + "\n";
  if (!file) return {};
  return render_all(*file, diagnostics);
}

LoadResult load_text(std::string path, std::string text, const LoadOptions& options) {
  return front_end(std::move(path), std::move(text), options, true);
}

LoadResult parse_text(std::string path, std::string text) {
  return front_end(std::move(path), std::move(text), LoadOptions{}, false);
}

LoadResult load_file(const std::string& path, const LoadOptions& options) {
  LoadResult r{nullptr, nullptr, DiagnosticSink(options.max_errors), {}};
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    r.io_error = fmt::format("{}: error: is a directory, not a scenario file", path);
    return r;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    r.io_error = fmt::format("{}: error: cannot open: {}", path, std::strerror(errno));
    return r;
  }
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  if (size < 0) {
    r.io_error = fmt::format("{}: error: cannot read the file", path);
    return r;
  }
  if (static_cast<std::size_t>(size) > max_file_bytes) {
    r.io_error = fmt::format("{}: error: file is {} bytes; scenario files are limited to {} bytes", path,
                             static_cast<long long>(size), max_file_bytes);
    return r;
  }
  std::string text(static_cast<std::size_t>(size), '\0');
  in.seekg(0);
  in.read(text.data(), size);
  if (!in) {
    r.io_error = fmt::format("{}: error: cannot read the file", path);
    return r;
  }
  return load_text(path, std::move(text), options);
}

}  // namespace interleave
