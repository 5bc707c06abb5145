// The memory models of the controlled runtime: which store an atomic load may read.
//   sc    sequential consistency: every load reads the newest store (interleavings only)
//   tso   x86-TSO: atomic stores wait in a per-thread FIFO store buffer until flushed
//   rc11  the C++ model (RC11, Lahav et al., PLDI 2017), the default
// Plain `shared` variables are the same in every model: a program that reads one while
// another thread writes it has a data race, which is a finding before it is a value.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace interleave {

enum class MemoryModel : std::uint8_t { sc, tso, rc11 };

inline constexpr MemoryModel default_memory_model = MemoryModel::rc11;

constexpr std::string_view spelling(MemoryModel m) {
  switch (m) {
    case MemoryModel::sc: return "sc";
    case MemoryModel::tso: return "tso";
    case MemoryModel::rc11: return "rc11";
  }
  return "rc11";
}

constexpr std::optional<MemoryModel> memory_model_named(std::string_view word) {
  if (word == "sc") return MemoryModel::sc;
  if (word == "tso") return MemoryModel::tso;
  if (word == "rc11") return MemoryModel::rc11;
  return std::nullopt;
}

inline constexpr std::string_view memory_model_words = "rc11, tso or sc";

}  // namespace interleave
