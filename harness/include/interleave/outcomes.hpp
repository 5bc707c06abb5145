// Classified observe outcomes, as jcstress classifies the results of its tests: each tuple
// that `observe` records is acceptable, interesting or forbidden according to the
// scenario's `outcome` lines (Module::outcomes, Module::other_outcomes), or unclassified.
// A forbidden tuple is a finding, whichever runtime (controlled or stress) observed it.
// OutcomeClass itself is declared in ast.hpp, with the other syntax enums.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "interleave/bytecode.hpp"
#include "interleave/execution.hpp"

namespace interleave {

// "unclassified", "acceptable", "interesting", "forbidden" (also declared in ast.hpp).
std::string_view spelling(OutcomeClass c);

// The outcome line that classifies `tuple`: a listed one, else `outcome else`, else null.
const Outcome* find_outcome(const Module& module, const std::vector<std::int64_t>& tuple);

// The class of `tuple`; unclassified when no line matches and there is no `outcome else`.
OutcomeClass classify(const Module& module, const std::vector<std::int64_t>& tuple);

// "0, 0": a tuple as reports and finding keys write it.
std::string format_tuple(const std::vector<std::int64_t>& tuple);

// "r0, r1": the observed expressions, as the observe declaration writes them.
std::string observe_label(const Module& module);

// A finding of kind forbidden when `tuple` is classified forbidden, else nullopt:
// key "forbidden:0, 0", summary "forbidden outcome r0, r1 = 0, 0", details the
// description and the outcome line, locations the outcome line. Step and preemptions are
// left 0 for the caller to fill in. Thread-safe (reads the module only).
std::optional<Finding> forbidden_outcome(const Module& module, const std::vector<std::int64_t>& tuple);

}  // namespace interleave
