// The lexer: bytes to tokens, with every lexical error reported and recovered from
// (the rest of a bad line is skipped, so one stray byte gives one diagnostic).
#pragma once

#include <vector>

#include "interleave/diagnostics.hpp"
#include "interleave/token.hpp"
#include "interleave/trivia.hpp"

namespace interleave {

// trivia, when given, receives the file's comments and blank lines (for the formatter).
std::vector<Token> lex(const SourceFile& file, DiagnosticSink& sink, Trivia* trivia = nullptr);

}  // namespace interleave
