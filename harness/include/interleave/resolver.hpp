// The resolver: every name resolved before anything runs. It fills the symbol tables of
// Program and the Refs of the tree, evaluates constant initialisers (after --set
// overrides), and reports every misuse: undeclared or duplicate names, a local shadowing
// a global, wrong arity, a method on the wrong kind of object, assignment to a const...
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "interleave/ast.hpp"
#include "interleave/diagnostics.hpp"

namespace interleave {

// Caps that keep a scenario's state small enough to explore.
inline constexpr std::int64_t max_array_size = 1 << 20;
inline constexpr std::int64_t max_queue_capacity = 1 << 20;

using Overrides = std::map<std::string, std::int64_t>;

// Returns true when the program has no errors. `stem` names the scenario when it has
// no `scenario` declaration.
bool resolve(Program& program, const std::string& stem, const Overrides& overrides,
             DiagnosticSink& sink);

}  // namespace interleave
