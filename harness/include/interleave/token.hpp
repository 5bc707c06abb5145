// Tokens of the scenario language. The lexer turns indentation into indent/dedent tokens
// as Python does; a newline always ends a statement (one statement per line).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "interleave/source.hpp"

namespace interleave {

enum class Tok : std::uint8_t {
  end_of_file, newline, indent, dedent,
  error,  // where the lexer reported a mistake; the parser skips the line silently
  identifier, integer, string, duration,
  // punctuation
  lparen, rparen, lbracket, rbracket, comma, colon, dot,
  assign, eq, ne, lt, le, gt, ge, plus, minus, star, slash, percent,
  amp, pipe, caret, tilde, shl, shr,  // bitwise (v2)
  // keywords
  kw_scenario, kw_about, kw_const, kw_shared, kw_atomic, kw_mutex, kw_cond, kw_semaphore,
  kw_queue, kw_thread, kw_process, kw_fn, kw_main, kw_final, kw_always, kw_observe, kw_expect,
  kw_outcome,
  kw_let, kw_if, kw_elif, kw_else, kw_while, kw_repeat, kw_for, kw_in, kw_break, kw_continue,
  kw_return, kw_with, kw_spawn, kw_as, kw_join, kw_assert, kw_print, kw_yield, kw_sleep,
  kw_fence, kw_crash, kw_and, kw_or, kw_not, kw_true, kw_false, kw_on,
  // builtins: reserved, so they cannot be redeclared
  kw_any, kw_range, kw_thread_name,
};

struct Token {
  Tok kind = Tok::end_of_file;
  Loc loc;
  std::uint32_t length = 1;  // in columns, for carets
  std::string text;          // identifier name, decoded string, or the literal's spelling
  std::uint64_t magnitude = 0;  // integer literal value (without sign); duration in nanoseconds
};

// The spelling used in messages: "`:`", "identifier", "end of line"...
std::string_view describe(Tok kind);
// Keyword for an identifier-like word, or Tok::identifier.
Tok keyword_kind(std::string_view word);
bool is_keyword(Tok kind);

}  // namespace interleave
