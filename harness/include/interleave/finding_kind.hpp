// The finding kinds and what each one means to the rest of the harness, in one table:
// its spelling (reports, `expect` lines), whether an `expect` line may name it, whether it
// decides a verdict, and its SARIF rule. Everything that treats kinds differently reads
// this table instead of comparing spellings.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace interleave {

// potential_deadlock: ThreadSanitizer's lock-order inversion (a cycle in the lock order,
// whether or not this run deadlocked); forbidden: an observe outcome classified forbidden.
// memory (v2 heap): use after free, double free, an invalid free, out of bounds, a null or
// wild pointer, a leak.
enum class FindingKind : std::uint8_t { race, failure, deadlock, livelock, crash, potential_deadlock, forbidden, memory };

struct FindingKindInfo {
  FindingKind kind;
  std::string_view spelling;     // in reports and `expect` lines: "race", "potential-deadlock"
  bool expectable;               // may be written in an `expect` line
  bool decides_verdict;          // false: information only, never makes a scenario pass or fail
  std::string_view sarif_rule;   // the SARIF rule id
  std::string_view sarif_name;   // the SARIF rule name
  std::string_view sarif_level;  // the level of an unexpected finding's SARIF result (expected ones are notes)
};

// In the order of the SARIF rules (docs/reports.md): a result's ruleIndex is its kind's
// place here, so a new kind goes at the end.
inline constexpr FindingKindInfo finding_kinds[] = {
    {FindingKind::race, "race", true, true, "interleave/race", "DataRace", "error"},
    {FindingKind::failure, "failure", true, true, "interleave/failure", "PropertyFailure", "error"},
    {FindingKind::deadlock, "deadlock", true, true, "interleave/deadlock", "Deadlock", "error"},
    {FindingKind::livelock, "livelock", true, true, "interleave/livelock", "Livelock", "error"},
    {FindingKind::crash, "crash", true, true, "interleave/crash", "Crash", "error"},
    {FindingKind::forbidden, "forbidden", true, true, "interleave/forbidden", "ForbiddenOutcome", "error"},
    // A lock-order inversion need not deadlock (a gate lock can make it harmless):
    // information, which an `expect` line cannot ask for (docs/runtime.md).
    {FindingKind::potential_deadlock, "potential-deadlock", false, false, "interleave/potential-deadlock",
     "PotentialDeadlock", "warning"},
    {FindingKind::memory, "memory", true, true, "interleave/memory", "MemoryError", "error"},
};
inline constexpr std::size_t finding_kind_count = std::size(finding_kinds);

// The table's place of a kind (its SARIF rule index).
constexpr std::size_t index_of(FindingKind kind) {
  for (std::size_t i = 0; i < finding_kind_count; ++i)
    if (finding_kinds[i].kind == kind) return i;
  throw std::logic_error("a finding kind missing from finding_kinds");
}

constexpr const FindingKindInfo& info(FindingKind kind) { return finding_kinds[index_of(kind)]; }
constexpr std::string_view spelling(FindingKind kind) { return info(kind).spelling; }

// The kind spelled so, if any.
constexpr std::optional<FindingKind> finding_kind_named(std::string_view spelling) {
  for (const auto& k : finding_kinds)
    if (k.spelling == spelling) return k.kind;
  return std::nullopt;
}

// Every kind is in the table exactly once.
static_assert([] {
  for (std::uint8_t k = 0; k < finding_kind_count; ++k) {
    std::size_t n = 0;
    for (const auto& e : finding_kinds) n += static_cast<std::uint8_t>(e.kind) == k ? 1 : 0;
    if (n != 1) return false;
  }
  return true;
}());

}  // namespace interleave
