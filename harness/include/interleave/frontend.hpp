// Loading a scenario: read, lex, parse, resolve. The one entry point the commands use.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "interleave/ast.hpp"
#include "interleave/diagnostics.hpp"
#include "interleave/resolver.hpp"
#include "interleave/source.hpp"
#include "interleave/trivia.hpp"

namespace interleave {

// Files above this size are refused rather than read: a scenario is a page of text.
inline constexpr std::size_t max_file_bytes = 16u << 20;

struct LoadOptions {
  Overrides overrides;
  std::size_t max_errors = DiagnosticSink::default_limit;
};

struct LoadResult {
  std::unique_ptr<SourceFile> file;   // null when the file could not be read
  std::unique_ptr<Program> program;   // null when there were errors
  DiagnosticSink diagnostics;
  std::string io_error;               // "cannot open ...: reason", when the file was unreadable
  Trivia trivia;                      // comments and blank lines, for the formatter

  bool ok() const { return program != nullptr; }
  // Every message of this load, rendered: the I/O error or the diagnostics.
  std::string render() const;
};

LoadResult load_file(const std::string& path, const LoadOptions& options = {});
// The whole of a regular file of at most max_bytes. A FIFO, socket or device, a folder, a
// bigger file or a read error gives nullopt and `error` ("PATH: error: ..."); never blocks
// on a FIFO.
std::optional<std::string> read_input_file(const std::string& path, std::size_t max_bytes, std::string& error);
LoadResult load_text(std::string path, std::string text, const LoadOptions& options = {});

// Parses only (no resolution); for the printer round trip.
LoadResult parse_text(std::string path, std::string text);

}  // namespace interleave
