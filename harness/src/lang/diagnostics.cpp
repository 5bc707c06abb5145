#include "interleave/diagnostics.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace interleave {

bool DiagnosticSink::report(Diagnostic d) {
  if (diags_.size() >= limit_) {
    truncated_ = true;
    return false;
  }
  if (d.severity == Severity::error) ++errors_;
  diags_.push_back(std::move(d));
  return diags_.size() < limit_;
}

bool DiagnosticSink::error(Loc loc, std::uint32_t length, std::string message, std::string help) {
  Diagnostic d;
  d.loc = loc;
  d.length = length == 0 ? 1 : length;
  d.message = std::move(message);
  d.help = std::move(help);
  return report(std::move(d));
}

namespace {

constexpr std::size_t window_before = 60;  // columns of context shown left of the caret
constexpr std::size_t window_width = 120;  // columns shown in all

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
  }
  return "error";
}

// Splits a line into code points (invalid bytes are one each) so the caret lines up.
std::vector<std::string_view> code_points(std::string_view line) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < line.size();) {
    std::size_t n = utf8_sequence_length(line, i);
    if (n == 0) n = 1;
    out.push_back(line.substr(i, n));
    i += n;
  }
  return out;
}

// A printable form of one code point: control characters (C0 and C1), bidirectional
// overrides and invalid bytes become '?', so a diagnostic never writes raw binary or
// text-reordering controls to the terminal.
std::string printable(std::string_view cp) {
  if (cp.size() == 1) {
    const auto b = static_cast<unsigned char>(cp[0]);
    if (b == '\t' || (b >= 0x20 && b < 0x7F)) return std::string(cp);
    return "?";
  }
  if (utf8_sequence_length(cp, 0) != cp.size()) return "?";
  std::uint32_t c = static_cast<unsigned char>(cp[0]) & (0x7F >> cp.size());
  for (std::size_t i = 1; i < cp.size(); ++i) c = (c << 6) | (static_cast<unsigned char>(cp[i]) & 0x3F);
  const bool control = (c >= 0x80 && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
                       c == 0x200E || c == 0x200F || c == 0x061C;
  return control ? "?" : std::string(cp);
}

}  // namespace

std::string render(const SourceFile& file, const Diagnostic& d) {
  std::string out;
  if (d.loc.line == 0) {
    out = fmt::format("{}: {}: {}\n", file.path(), severity_name(d.severity), d.message);
  } else {
    out = fmt::format("{}:{}:{}: {}: {}\n", file.path(), d.loc.line, d.loc.col,
                      severity_name(d.severity), d.message);
    const auto cps = code_points(file.line_text(d.loc.line));
    const std::size_t col0 = d.loc.col - 1;  // 0-based column of the caret
    std::size_t first = 0;
    if (col0 > window_before) first = col0 - window_before;
    const std::size_t last = std::min(cps.size(), first + window_width);
    const std::string gutter = fmt::format("{:>5} | ", d.loc.line);
    std::string text = first > 0 ? "..." : "";
    std::string caret(first > 0 ? 3 : 0, ' ');
    for (std::size_t i = first; i < last; ++i) {
      const std::string shown = printable(cps[i]);
      text += shown;
      if (i < col0) caret += cps[i] == "\t" ? "\t" : std::string(count_columns(shown), ' ');
    }
    if (last < cps.size()) text += "...";
    if (col0 > std::max(last, first)) caret.append(col0 - std::max(last, first), ' ');
    caret += '^';
    const std::size_t span = std::min<std::size_t>(d.length, window_width);
    if (span > 1) caret.append(span - 1, '~');
    out += gutter + text + "\n";
    out += std::string(gutter.size() - 2, ' ') + "| " + caret + "\n";
  }
  for (const auto& note : d.notes) out += fmt::format("      = note: {}\n", note);
  if (!d.help.empty()) out += fmt::format("      = help: {}\n", d.help);
  return out;
}

std::string render_all(const SourceFile& file, const DiagnosticSink& sink) {
  // Stages report in their own order (lexer, parser, resolver); readers want file order.
  std::vector<const Diagnostic*> sorted;
  for (const auto& d : sink.all()) sorted.push_back(&d);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic* a, const Diagnostic* b) {
    return a->loc.line != b->loc.line ? a->loc.line < b->loc.line : a->loc.col < b->loc.col;
  });
  std::string out;
  for (const auto* d : sorted) out += render(file, *d);
  const auto n = sink.error_count();
  if (sink.truncated())
    out += fmt::format("{}: error: too many errors; stopped after {}\n", file.path(), n);
  else if (n > 0)
    out += fmt::format("{}: {} error{}\n", file.path(), n, n == 1 ? "" : "s");
  return out;
}

}  // namespace interleave
