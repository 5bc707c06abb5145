#include "interleave/frontend.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>

#include "interleave/lexer.hpp"
#include "interleave/parser.hpp"

namespace interleave {

namespace {

std::string stem_of(const std::string& path) {
  const std::string stem = std::filesystem::path(path).stem().string();
  return stem.empty() ? std::string("scenario") : stem;
}

LoadResult front_end(std::string path, std::string text, const LoadOptions& options, bool resolve_names) {
  LoadResult r{nullptr, nullptr, DiagnosticSink(options.max_errors), {}, {}};
  r.file = std::make_unique<SourceFile>(path, std::move(text));
  const auto tokens = lex(*r.file, r.diagnostics, &r.trivia);
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

std::optional<std::string> read_input_file(const std::string& path, std::size_t max_bytes, std::string& error) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it. Checking
  // the opened file, not the name, leaves no window for the name to change.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    error = fmt::format("{}: error: cannot open: {}", path, std::strerror(errno));
    return std::nullopt;
  }
  struct stat st {};
  std::optional<std::string> text;
  if (::fstat(fd, &st) != 0) {
    error = fmt::format("{}: error: cannot read the file: {}", path, std::strerror(errno));
  } else if (S_ISDIR(st.st_mode)) {
    error = fmt::format("{}: error: is a directory, not a file", path);
  } else if (!S_ISREG(st.st_mode)) {
    error = fmt::format("{}: error: is not a regular file (a FIFO, socket or device); give a regular file", path);
  } else if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    error = fmt::format("{}: error: file is {} bytes; the limit is {} bytes", path, static_cast<long long>(st.st_size),
                        max_bytes);
  } else {
    text.emplace();
    char buffer[65536];
    for (;;) {
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        error = fmt::format("{}: error: cannot read the file: {}", path, std::strerror(errno));
        text.reset();
        break;
      }
      if (n == 0) break;
      text->append(buffer, static_cast<std::size_t>(n));
      if (text->size() > max_bytes) {  // it grew while being read
        error = fmt::format("{}: error: file is more than {} bytes; the limit is {} bytes", path, max_bytes, max_bytes);
        text.reset();
        break;
      }
    }
  }
  ::close(fd);
  return text;
}

LoadResult load_file(const std::string& path, const LoadOptions& options) {
  LoadResult r{nullptr, nullptr, DiagnosticSink(options.max_errors), {}, {}};
  std::string error;
  auto text = read_input_file(path, max_file_bytes, error);
  if (!text) {
    r.io_error = std::move(error);
    return r;
  }
  return load_text(path, std::move(*text), options);
}

}  // namespace interleave
