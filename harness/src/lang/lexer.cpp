#include "interleave/lexer.hpp"

#include <fmt/format.h>

#include <limits>
#include <optional>

namespace interleave {

namespace {

bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

// A byte sequence as messages may quote it: printable ASCII and valid UTF-8 as they are,
// anything else as \xHH, so a diagnostic never carries control bytes to the terminal.
std::string escape_text(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t n = utf8_sequence_length(s, i);
    if (n > 1 || (n == 1 && b >= 0x20 && b < 0x7F)) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += fmt::format("\\x{:02X}", b);
      ++i;
    }
  }
  return out;
}

// 'é' for a visible character; U+202E for invisible and reordering ones.
std::string quote_code_point(std::string_view cp) {
  std::uint32_t c = static_cast<unsigned char>(cp[0]) & (0x7F >> cp.size());
  for (std::size_t i = 1; i < cp.size(); ++i) c = (c << 6) | (static_cast<unsigned char>(cp[i]) & 0x3F);
  const bool invisible = (c >= 0x80 && c <= 0xA0) || (c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) ||
                         (c >= 0x2066 && c <= 0x2069) || c == 0x061C || c == 0xFEFF;
  return invisible ? fmt::format("U+{:04X}", c) : fmt::format("'{}'", cp);
}

constexpr std::uint64_t int_magnitude_limit = std::uint64_t{1} << 63;  // |INT64_MIN|

class Lexer {
 public:
  Lexer(const SourceFile& file, DiagnosticSink& sink, Trivia* trivia) : file_(file), sink_(sink), trivia_(trivia) {}

  std::vector<Token> run() {
    const std::string_view text = file_.text();
    std::size_t pos = 0;
    std::uint32_t line = 0;
    while (pos < text.size()) {
      if (sink_.full()) {
        sink_.stop();  // input is left that was not checked
        break;
      }
      ++line;
      std::size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view l = text.substr(pos, end - pos);
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      lex_line(l, line);
      pos = end + 1;
    }
    const Loc eof{line + 1, 1};
    while (indents_.size() > 1) {
      indents_.pop_back();
      push(Tok::dedent, eof, 0);
    }
    push(Tok::end_of_file, eof, 0);
    return std::move(tokens_);
  }

 private:
  void push(Tok kind, Loc loc, std::uint32_t length, std::string text = {}, std::uint64_t magnitude = 0) {
    tokens_.push_back(Token{kind, loc, length, std::move(text), magnitude});
  }

  // One lexical error per line: garbage lines give one diagnostic, not hundreds.
  // The error token marks the line for the parser, which then skips it silently: one
  // mistake, one diagnostic.
  void error(Loc loc, std::uint32_t length, std::string message, std::string help = {}) {
    if (line_has_error_) return;
    line_has_error_ = true;
    sink_.error(loc, length, std::move(message), std::move(help));
    push(Tok::error, loc, length);
  }

  void lex_line(std::string_view l, std::uint32_t line) {
    line_has_error_ = false;
    // Indentation: spaces only.
    std::size_t i = 0;
    std::uint32_t col = 1;
    std::optional<std::uint32_t> tab_col;
    std::uint32_t width = 0;  // with tab stops every 4 columns
    while (i < l.size() && (l[i] == ' ' || l[i] == '\t')) {
      if (l[i] == '\t' && !tab_col) tab_col = col;
      width = l[i] == '\t' ? (width / 4 + 1) * 4 : width + 1;
      ++i;
      ++col;
    }
    if (i == l.size() || l[i] == '#') {  // blank or comment-only: no tokens, indentation ignored
      if (tab_col)  // harmless, but still reported, as before
        error({line, *tab_col}, 1, "tab in indentation", "indent with spaces only (4 per level is the convention)");
      check_utf8(l.substr(i), line, col);
      if (i == l.size()) {
        if (trivia_) trivia_->blank_lines.push_back(line);
      } else {
        comment(l.substr(i), {line, col}, false);
      }
      return;
    }
    std::uint32_t indent = col - 1;
    if (tab_col) {
      // Read the line as if it were indented as meant (tab stops every 4 columns, and one
      // level deeper after a line ending in ':'), so that the lines after it keep their
      // own diagnostics instead of being dropped as a misplaced block.
      const bool opens = tokens_.size() >= 2 && tokens_.back().kind == Tok::newline &&
                         tokens_[tokens_.size() - 2].kind == Tok::colon;
      indent = opens && width <= indents_.back() ? indents_.back() + 4 : width;
      if (indent < indents_.back()) {  // a dedent: to the enclosing level it reaches
        std::uint32_t level = 0;
        for (std::uint32_t k : indents_)
          if (k <= indent) level = k;
        indent = level;
      }
    }
    if (indent > indents_.back()) {
      indents_.push_back(indent);
      push(Tok::indent, {line, col}, 1);
    } else if (indent < indents_.back()) {
      while (indent < indents_.back()) {
        indents_.pop_back();
        push(Tok::dedent, {line, col}, 1);
      }
      if (indent != indents_.back()) {
        error({line, col}, 1, "unindent does not match any outer indentation level",
              fmt::format("indent this line by {} spaces to continue the enclosing block",
                          indents_.back()));
      }
    }
    // After the indentation tokens, so that the parser skips this line only.
    if (tab_col)
      error({line, *tab_col}, 1, "tab in indentation", "indent with spaces only (4 per level is the convention)");
    const std::size_t before = tokens_.size();
    lex_tokens(l, i, line, col);
    if (tokens_.size() > before) push(Tok::newline, {line, static_cast<std::uint32_t>(count_columns(l) + 1)}, 1);
  }

  void comment(std::string_view text, Loc at, bool trailing) {
    if (!trivia_) return;
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    trivia_->comments.push_back(Comment{at, std::string(text), trailing});
  }

  void check_utf8(std::string_view s, std::uint32_t line, std::uint32_t col) {
    for (std::size_t i = 0; i < s.size();) {
      const std::size_t n = utf8_sequence_length(s, i);
      if (n == 0) {
        error({line, col}, 1,
              fmt::format("invalid UTF-8 byte 0x{:02X}", static_cast<unsigned char>(s[i])),
              "scenario files are UTF-8 text");
        return;
      }
      i += n;
      ++col;
    }
  }

  void lex_tokens(std::string_view l, std::size_t i, std::uint32_t line, std::uint32_t col) {
    while (i < l.size()) {
      const char c = l[i];
      const Loc at{line, col};
      if (c == ' ' || c == '\t') { ++i; ++col; continue; }
      if (c == '#') {
        check_utf8(l.substr(i), line, col);
        comment(l.substr(i), at, true);
        return;
      }
      if (is_ident_start(c)) {
        std::size_t j = i;
        while (j < l.size() && is_ident_char(l[j])) ++j;
        std::string word(l.substr(i, j - i));
        const auto len = static_cast<std::uint32_t>(j - i);
        push(keyword_kind(word), at, len, std::move(word));
        col += len;
        i = j;
        continue;
      }
      if (is_digit(c)) { lex_number(l, i, col, line); continue; }
      if (c == '"') { lex_string(l, i, col, line); continue; }
      if (lex_punct(l, i, col, line)) continue;
      // Anything else is a mistake; say what it is and skip it.
      const std::size_t n = utf8_sequence_length(l, i);
      if (n == 0) {
        error(at, 1, fmt::format("invalid UTF-8 byte 0x{:02X}", static_cast<unsigned char>(c)),
              "scenario files are UTF-8 text");
        ++i;
      } else if (n == 1 && (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)) {
        error(at, 1, fmt::format("unexpected control character 0x{:02X}", static_cast<unsigned char>(c)));
        ++i;
      } else {
        error(at, 1, fmt::format("unexpected character {}", quote_code_point(l.substr(i, n))),
              "names are ASCII letters, digits and '_'; text belongs in a \"string\"");
        i += n;
      }
      ++col;
    }
  }

  void lex_number(std::string_view l, std::size_t& i, std::uint32_t& col, std::uint32_t line) {
    const Loc at{line, col};
    std::size_t j = i;
    std::uint64_t value = 0;
    bool overflow = false, bad_underscore = false;
    while (j < l.size() && (is_digit(l[j]) || l[j] == '_')) {
      if (l[j] == '_') {
        if (j + 1 >= l.size() || !is_digit(l[j + 1]) || !is_digit(l[j - 1])) bad_underscore = true;
      } else {
        const auto d = static_cast<std::uint64_t>(l[j] - '0');
        if (value > (int_magnitude_limit - d) / 10) overflow = true;
        else value = value * 10 + d;
      }
      ++j;
    }
    std::size_t k = j;
    while (k < l.size() && is_ident_char(l[k])) ++k;
    const std::string_view suffix = l.substr(j, k - j);
    const auto len = static_cast<std::uint32_t>(k - i);
    std::string spelling(l.substr(i, k - i));
    col += len;
    i = k;
    if (bad_underscore) {
      error(at, len, fmt::format("misplaced '_' in integer '{}'", spelling),
            "'_' may only separate digits, as in 1_000_000");
    } else if (overflow && !(suffix == "ns" || suffix == "us" || suffix == "ms" || suffix == "s")) {
      error(at, len, fmt::format("integer literal '{}' is out of range", spelling),
            "integers are 64-bit: -9223372036854775808 to 9223372036854775807");
    }
    if (suffix.empty()) {
      push(Tok::integer, at, len, std::move(spelling), value);
      return;
    }
    std::uint64_t unit = 0;
    if (suffix == "ns") unit = 1;
    else if (suffix == "us") unit = 1'000;
    else if (suffix == "ms") unit = 1'000'000;
    else if (suffix == "s") unit = 1'000'000'000;
    if (unit == 0) {
      error(at, len, fmt::format("invalid suffix '{}' on integer", suffix),
            "a duration is an integer followed by ns, us, ms or s, as in 10ms");
      push(Tok::integer, at, len, std::move(spelling), value);
      return;
    }
    if (overflow || value > std::numeric_limits<std::uint64_t>::max() / unit / 2) {
      error(at, len, fmt::format("duration '{}' is too long", spelling));
      value = 0;
    }
    push(Tok::duration, at, len, std::move(spelling), value * unit);
  }

  void lex_string(std::string_view l, std::size_t& i, std::uint32_t& col, std::uint32_t line) {
    const Loc at{line, col};
    std::string value;
    std::size_t j = i + 1;
    std::uint32_t c = col + 1;
    while (j < l.size() && l[j] != '"') {
      if (l[j] == '\\') {
        if (j + 1 < l.size() && (l[j + 1] == '"' || l[j + 1] == '\\')) {
          value += l[j + 1];
          j += 2;
          c += 2;
          continue;
        }
        const std::size_t n = j + 1 < l.size() ? std::max<std::size_t>(1, utf8_sequence_length(l, j + 1)) : 0;
        error({line, c}, 2, fmt::format("unknown escape sequence '\\{}'", escape_text(l.substr(j + 1, n))),
              "the only escapes are \\\" and \\\\");
        j += 1 + n;
        c += 2;
        continue;
      }
      const std::size_t n = utf8_sequence_length(l, j);
      if (n == 0) {
        error({line, c}, 1, fmt::format("invalid UTF-8 byte 0x{:02X} in string", static_cast<unsigned char>(l[j])),
              "scenario files are UTF-8 text");
        ++j;
      } else {
        if (n == 1 && static_cast<unsigned char>(l[j]) < 0x20 && l[j] != '\t')
          error({line, c}, 1, fmt::format("control character 0x{:02X} in string", static_cast<unsigned char>(l[j])));
        value.append(l.substr(j, n));
        j += n;
      }
      ++c;
    }
    if (j >= l.size()) {
      error(at, 1, "unterminated string", "close it with '\"' on the same line");
      col = c;
      i = j;
      push(Tok::string, at, c - at.col, std::move(value));
      return;
    }
    ++j;  // closing quote
    ++c;
    push(Tok::string, at, c - at.col, std::move(value));
    col = c;
    i = j;
  }

  bool lex_punct(std::string_view l, std::size_t& i, std::uint32_t& col, std::uint32_t line) {
    const Loc at{line, col};
    const char c = l[i];
    const char n = i + 1 < l.size() ? l[i + 1] : '\0';
    auto one = [&](Tok t) { push(t, at, 1); ++i; ++col; return true; };
    auto two = [&](Tok t) { push(t, at, 2); i += 2; col += 2; return true; };
    switch (c) {
      case '(': return one(Tok::lparen);
      case ')': return one(Tok::rparen);
      case '[': return one(Tok::lbracket);
      case ']': return one(Tok::rbracket);
      case ',': return one(Tok::comma);
      case ':': return one(Tok::colon);
      case '.': return one(Tok::dot);
      case '+': return one(Tok::plus);
      case '-': return one(Tok::minus);
      case '*': return one(Tok::star);
      case '/': return one(Tok::slash);
      case '%': return one(Tok::percent);
      // Habits of C, C++ and Java: each gets the help that fits it.
      case ';':
        error(at, 1, "unexpected ';'", "a statement ends at the end of its line: remove the ';'");
        break;
      case '{':
      case '}':
        error(at, 1, fmt::format("unexpected '{}'", c),
              "blocks are the lines indented under a line ending in ':', as in Python: 'if x > 0:' and then the "
              "body indented by 4 spaces");
        break;
      case '=': return n == '=' ? two(Tok::eq) : one(Tok::assign);
      case '<': return n == '=' ? two(Tok::le) : n == '<' ? two(Tok::shl) : one(Tok::lt);
      case '>': return n == '=' ? two(Tok::ge) : n == '>' ? two(Tok::shr) : one(Tok::gt);
      case '^': return one(Tok::caret);
      case '~': return one(Tok::tilde);
      case '!':
        if (n == '=') return two(Tok::ne);
        error(at, 1, "unexpected '!'", "write 'not x' for negation, or '!=' for inequality");
        break;
      // '&' and '|' are bitwise operators (v2); C's logical '&&' and '||' are words here.
      case '&':
        if (n != '&') return one(Tok::amp);
        error(at, 2, "unexpected '&&'", "write 'and' ('&' is bitwise and)");
        break;
      case '|':
        if (n != '|') return one(Tok::pipe);
        error(at, 2, "unexpected '||'", "write 'or' ('|' is bitwise or)");
        break;
      default:
        return false;
    }
    // A reported operator mistake (error() marked the line): skip it.
    const std::size_t skip = (n == c) ? 2 : 1;
    i += skip;
    col += static_cast<std::uint32_t>(skip);
    return true;
  }

  const SourceFile& file_;
  DiagnosticSink& sink_;
  Trivia* trivia_;
  std::vector<Token> tokens_;
  std::vector<std::uint32_t> indents_{0};
  bool line_has_error_ = false;
};

}  // namespace

std::vector<Token> lex(const SourceFile& file, DiagnosticSink& sink, Trivia* trivia) {
  return Lexer(file, sink, trivia).run();
}

}  // namespace interleave
