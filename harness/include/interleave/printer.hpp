// The canonical printer: four-space indentation, one space around binary operators,
// minimal parentheses. print(parse(print(p))) == print(p). With the trivia of the source
// (lexer.hpp), comments and blank lines are kept; without, they are dropped.
#pragma once

#include <string>

#include "interleave/ast.hpp"
#include "interleave/trivia.hpp"

namespace interleave {

std::string print(const Program& program);
std::string print(const Program& program, const Trivia& trivia);
std::string print(const Expr& expr);
std::string print_stmt_head(const Stmt& stmt);  // the statement's own line, without its block
std::string quote(const std::string& text);      // a string literal with \" and \\ escaped
std::string print_outcome(const Decl& outcome);  // `outcome 0, 0 interesting "why"`, canonical
std::string print_property_head(const Decl& property);  // `final no_leak: refs == 0`, without its message
std::string print_expect(const Decl& expect);           // `expect race on x, y`, `expect failure no_leak`

}  // namespace interleave
