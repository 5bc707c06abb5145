#include <catch2/catch.hpp>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "files.hpp"
#include "interleave/frontend.hpp"
#include "interleave/source.hpp"

#ifndef INTERLEAVE_SOURCE_DIR
#error "INTERLEAVE_SOURCE_DIR must name the source tree (see tests/CMakeLists.txt)"
#endif

namespace {

using interleave::test::read_file;

const std::vector<std::string>& seeds() {
  static const std::vector<std::string> texts = [] {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(
             std::filesystem::path(INTERLEAVE_SOURCE_DIR) / "scenarios"))
      if (entry.is_regular_file() && entry.path().extension() == ".scn") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::vector<std::string> out;
    for (const auto& f : files) out.push_back(read_file(f));
    return out;
  }();
  return texts;
}

// ---- mutations ---------------------------------------------------------------------------

// Uniform choices: rapidcheck's inRange is scaled by the test size, which starts at 0.
template <typename T>
T uniform(T lo, T hi_exclusive) {
  return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange<T>(lo, hi_exclusive));
}
template <typename T>
T one_of(std::initializer_list<T> items) {
  return *(items.begin() + uniform<std::size_t>(0, items.size()));
}
bool coin() { return uniform(0, 2) == 1; }

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) {
      lines.push_back(text.substr(pos));
      break;
    }
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    out += lines[i];
  }
  return out;
}

std::size_t position_in(const std::string& text) {
  return uniform<std::size_t>(0, text.size() + 1);
}

std::string random_bytes(std::size_t max_len) {
  const auto n = uniform<std::size_t>(1, max_len + 1);
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += static_cast<char>(uniform<int>(0, 256));
  return s;
}

// Byte sequences that are not UTF-8: lone continuation, truncated, overlong, surrogate,
// past U+10FFFF, bytes that never occur.
std::string invalid_utf8() {
  return one_of<std::string>({"\x80", "\xBF", "\xC3", "\xE2\x82", "\xF0\x9F\x98", "\xC0\xAF",
                                        "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFE", "\xFF",
                                        "\xF8\x88\x80\x80\x80"});
}

std::string long_token() {
  const auto n = uniform<std::size_t>(1'000, 200'000);
  switch (uniform(0, 5)) {
    case 0: return std::string(n, 'x');                      // a name
    case 1: return std::string(n, '9');                       // an integer far out of range
    case 2: return "\"" + std::string(n, 's') + "\"";         // a string
    case 3: return "\"" + std::string(n, 'u');                // an unterminated string
    default: return std::string(n, '+');                      // operators
  }
}

std::string deep_parens() {
  const auto open = uniform<std::size_t>(1, 5'000);
  const auto close = uniform<std::size_t>(0, open + 2);
  return "let x = " + std::string(open, '(') + "1" + std::string(close, ')');
}

std::string deep_blocks(std::size_t base_indent) {
  const auto depth = uniform<std::size_t>(1, 300);
  const auto step = uniform<std::size_t>(1, 5);
  std::string out;
  for (std::size_t i = 0; i < depth; ++i)
    out += std::string(base_indent + i * step, ' ') + (i % 2 ? "while x:" : "if (((x))):") + "\n";
  out += std::string(base_indent + depth * step, ' ') + "yield\n";
  return out;
}

void mutate(std::string& text) {
  const int kind = uniform(0, 17);
  switch (kind) {
    case 0: {  // delete bytes
      const auto at = position_in(text);
      const auto n = uniform<std::size_t>(1, 40);
      text.erase(std::min(at, text.size()), n);
      break;
    }
    case 1:  // insert random bytes
      text.insert(position_in(text), random_bytes(16));
      break;
    case 2: {  // replace bytes
      const auto at = position_in(text);
      const auto bytes = random_bytes(8);
      text.replace(std::min(at, text.size()), bytes.size(), bytes);
      break;
    }
    case 3:
    case 4:
    case 5:
    case 6: {  // line edits: duplicate, delete, swap, re-indent
      auto lines = split_lines(text);
      const auto i = uniform<std::size_t>(0, lines.size());
      const auto j = uniform<std::size_t>(0, lines.size());
      if (kind == 3) lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i), lines[j]);
      if (kind == 4 && lines.size() > 1) lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(i));
      if (kind == 5) std::swap(lines[i], lines[j]);
      if (kind == 6) {
        const auto delta = uniform(-8, 9);
        if (delta >= 0) lines[i].insert(0, static_cast<std::size_t>(delta), ' ');
        else lines[i].erase(0, std::min(lines[i].find_first_not_of(' '), static_cast<std::size_t>(-delta)));
      }
      text = join_lines(lines);
      break;
    }
    case 7: {  // a tab, in indentation or anywhere
      auto lines = split_lines(text);
      const auto i = uniform<std::size_t>(0, lines.size());
      if (coin()) lines[i].insert(0, "\t");
      else lines[i].insert(uniform<std::size_t>(0, lines[i].size() + 1), "\t");
      text = join_lines(lines);
      break;
    }
    case 8:  // a carriage return
      text.insert(position_in(text), "\r");
      break;
    case 9: {  // CRLF everywhere, or a lone CR as the only line ending
      std::string out;
      const bool lone = coin();
      for (char c : text) {
        if (c == '\n') out += lone ? "\r" : "\r\n";
        else out += c;
      }
      text = out;
      break;
    }
    case 10:  // NUL
      text.insert(position_in(text), std::string(uniform<std::size_t>(1, 4), '\0'));
      break;
    case 11:
    case 12:  // invalid UTF-8, also inside strings and comments
      text.insert(position_in(text), invalid_utf8());
      break;
    case 13:
      text.insert(position_in(text), long_token());
      break;
    case 14: {  // deep parentheses on a line of their own, inside a body or at the top level
      auto lines = split_lines(text);
      const auto i = uniform<std::size_t>(0, lines.size() + 1);
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i),
                   std::string(one_of<std::size_t>({0, 4, 8}), ' ') + deep_parens());
      text = join_lines(lines);
      break;
    }
    case 15: {
      auto lines = split_lines(text);
      const auto i = uniform<std::size_t>(0, lines.size() + 1);
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i),
                   deep_blocks(one_of<std::size_t>({0, 4})));
      text = join_lines(lines);
      break;
    }
    default: {  // a string or comment with odd contents: escapes, control bytes
      const std::string odd = one_of<std::string>({
          "print \"\\", "print \"\\\x01\"", "print \"\\\xFF\"", "print \"\\\t\"", "print \"a\x1B[31m\"",
          "assert x \"\\q\"", "# comment \x07 bell", "crash \"\r\"", "about \"\\\xE2\x82\""});
      auto lines = split_lines(text);
      const auto i = uniform<std::size_t>(0, lines.size() + 1);
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i), "    " + odd);
      text = join_lines(lines);
      break;
    }
  }
}

std::string mutated_seed() {
  const auto& all = seeds();
  RC_ASSERT(!all.empty());
  std::string text = all[uniform<std::size_t>(0, all.size())];
  const int n = uniform(1, 6);
  for (int i = 0; i < n; ++i) mutate(text);
  return text;
}

// ---- checks ------------------------------------------------------------------------------

// The echoed source line ("   12 | text") and the caret line under it ("      | ^~~")
// may hold tabs (the caret line copies them so the caret lines up); nothing else may.
bool is_source_or_caret_line(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  const std::size_t spaces = i;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
  if (i > spaces) return line.substr(i).starts_with(" | ");  // "   12 | text"
  return spaces > 0 && line.substr(i).starts_with("| ");     // "      | ^~~"

}

// Empty when the rendering is clean, else what is wrong with it.
std::string render_problem(const std::string& rendered) {
  std::size_t line_start = 0;
  for (std::size_t i = 0; i <= rendered.size(); ++i) {
    if (i < rendered.size() && rendered[i] != '\n') continue;
    const std::string_view line = std::string_view(rendered).substr(line_start, i - line_start);
    for (std::size_t k = 0; k < line.size();) {
      const auto b = static_cast<unsigned char>(line[k]);
      if (b == '\t' && is_source_or_caret_line(line)) {
        ++k;
        continue;
      }
      if (b < 0x20 || b == 0x7F) return "control byte " + std::to_string(b) + " in: " + std::string(line);
      // Invalid UTF-8 is raw binary too: the renderer shows such bytes as '?'.
      const std::size_t n = interleave::utf8_sequence_length(line, k);
      if (n == 0) return "invalid UTF-8 byte " + std::to_string(b) + " in: " + std::string(line);
      k += n;
    }
    line_start = i + 1;
  }
  return {};
}

void check_load(const std::string& text) {
  // No wall-clock bound here: on a loaded machine under TSan a large file legitimately
  // takes seconds. A hang shows as the ctest entry's timeout.
  const auto r = interleave::load_text("m.scn", text);
  RC_ASSERT(r.file != nullptr);
  const std::string rendered = r.render();
  RC_LOG() << "diagnostics:\n" << rendered.substr(0, 4000) << "\n";
  if (r.ok()) {
    RC_ASSERT(!r.diagnostics.has_errors());
  } else {
    RC_ASSERT(r.diagnostics.has_errors());
    RC_ASSERT(!rendered.empty());
  }
  const auto lines = r.file->line_count();
  for (const auto& d : r.diagnostics.all()) {
    RC_LOG() << "at " << d.loc.line << ":" << d.loc.col << " (" << lines << " lines): " << d.message << "\n";
    if (d.loc.line == 0) {  // a file-level diagnostic ("no position")
      RC_ASSERT(d.loc.col == 0u);
      continue;
    }
    RC_ASSERT(d.loc.line <= lines + 1);
    RC_ASSERT(d.loc.col >= 1u);
    // The column lies on the line or just past its end.
    RC_ASSERT(d.loc.col <= interleave::count_columns(r.file->line_text(d.loc.line)) + 1);
  }
  const std::string problem = render_problem(rendered);
  RC_LOG() << problem << "\n";
  RC_ASSERT(problem.empty());
}

}  // namespace

// Any bytes at all: the front end returns a program or diagnostics whose positions lie in the file.
TEST_CASE("random bytes give a program or positioned diagnostics") {
  rc::prop("front end never fails on arbitrary bytes", [](const std::string& text) {
    const auto r = interleave::load_text("p.scn", text);
    if (r.ok()) return;
    RC_ASSERT(r.diagnostics.has_errors());
    for (const auto& d : r.diagnostics.all()) RC_ASSERT(d.loc.line <= r.file->line_count() + 1);
  });
}

TEST_CASE("mutated seed scenarios give a program or clean, positioned diagnostics") {
  REQUIRE(!seeds().empty());
  rc::prop("no crash, no hang, positions in the file, no raw control bytes in the rendering",
           [] { check_load(mutated_seed()); });
}

TEST_CASE("loading is deterministic") {
  rc::prop("the same text loads to the same rendered diagnostics twice", [] {
    const std::string text = mutated_seed();
    const auto a = interleave::load_text("d.scn", text);
    const auto b = interleave::load_text("d.scn", text);
    RC_ASSERT(a.ok() == b.ok());
    RC_ASSERT(a.render() == b.render());
  });
}

// The checks above must be able to fail.
TEST_CASE("the rendering check rejects control bytes outside the source line, and invalid UTF-8") {
  CHECK(render_problem("t.scn:1:1: error: bad \x01 byte\n").size() > 0);
  CHECK(render_problem("t.scn:1:1: error: tab\there\n").size() > 0);
  CHECK(render_problem("t.scn:1:1: error: byte '\xFF'\n").size() > 0);
  CHECK(render_problem("t.scn:1:1: error: unexpected character '\xC3\xA9'\n").empty());
  CHECK(render_problem("    1 | \tx\n      | \t^\n").empty());
  CHECK(render_problem("t.scn:1:1: error: fine\n    1 | x\n      | ^\n").empty());
}
