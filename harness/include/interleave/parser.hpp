// The parser: tokens to a Program. It recovers at line and block boundaries, so one
// file yields every syntax error it has (up to the sink's limit), not just the first.
#pragma once

#include <vector>

#include "interleave/ast.hpp"
#include "interleave/diagnostics.hpp"
#include "interleave/token.hpp"

namespace interleave {

// Limits that keep hostile input from exhausting the stack.
inline constexpr unsigned max_block_depth = 64;
inline constexpr unsigned max_expr_depth = 200;
// The height of an expression tree: `1 + 1 + ... + 1` is a chain as high as it has terms.
// The resolver, compiler, printer and steps walk expressions recursively; 1000 levels keep
// them far below the stack limit (even under ASan, where each level costs more).
inline constexpr unsigned max_expr_height = 1000;

Program parse(const std::vector<Token>& tokens, std::string path, DiagnosticSink& sink);

}  // namespace interleave
