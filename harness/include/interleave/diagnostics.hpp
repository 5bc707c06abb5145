// Diagnostics: `path:line:col: error: message`, the source line, a caret under the culprit,
// and what would have been valid. Every front-end stage reports into one DiagnosticSink.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "interleave/source.hpp"

namespace interleave {

enum class Severity { error, warning, note };

struct Diagnostic {
  Severity severity = Severity::error;
  Loc loc;
  std::uint32_t length = 1;  // columns underlined, at least one caret
  std::string message;
  std::string help;                // what would have been valid; may be empty
  std::vector<std::string> notes;  // further context, e.g. "previous declaration is at 3:7"
};

class DiagnosticSink {
 public:
  static constexpr std::size_t default_limit = 50;

  explicit DiagnosticSink(std::size_t limit = default_limit) : limit_(limit) {}

  // Returns false once the limit is reached; callers may stop early then.
  bool report(Diagnostic d);
  bool error(Loc loc, std::uint32_t length, std::string message, std::string help = {});

  const std::vector<Diagnostic>& all() const { return diags_; }
  std::size_t error_count() const { return errors_; }
  bool has_errors() const { return errors_ > 0; }
  bool full() const { return diags_.size() >= limit_; }
  bool truncated() const { return truncated_; }
  // A stage that stops early because the sink is full calls this: the report then says so.
  void stop() { truncated_ = true; }

 private:
  std::size_t limit_;
  std::size_t errors_ = 0;
  bool truncated_ = false;
  std::vector<Diagnostic> diags_;
};

// Renders one diagnostic the way a compiler does. Long lines are shown as a window
// around the column so that a 1 MB line does not flood the terminal.
std::string render(const SourceFile& file, const Diagnostic& d);
// Renders all of them, plus a closing "N errors" line (and a note when the limit cut them off).
std::string render_all(const SourceFile& file, const DiagnosticSink& sink);

}  // namespace interleave
