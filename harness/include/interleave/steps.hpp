// Visible steps: the operations that are scheduling points under the step rules of the
// language (each shared/atomic read and write, each sync and thread operation, yield,
// sleep, fence). `explain` shows them; the bytecode compiler must emit exactly these.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "interleave/ast.hpp"

namespace interleave {

struct StepInfo {
  Loc loc;
  std::string operation;  // "read balance", "write balance", "lock m", "put q", ...
};

// The steps of one statement's own line, in evaluation order; nested blocks excluded.
// For `with`, the lock (explain() lists the unlock where the block ends).
std::vector<StepInfo> statement_steps(const Program& program, const Stmt& stmt);
std::vector<StepInfo> expression_steps(const Program& program, const Expr& expr);

// The resolved program as text: declarations, each body with its visible steps
// annotated with file:line, the properties and the expectations.
std::string explain(const Program& program);
// What explain() shows for source line `line` (1-based): the statement or declaration on
// it and its numbered steps, without the file:line column; empty when nothing starts there.
std::string explain_line(const Program& program, std::uint32_t line);

}  // namespace interleave
