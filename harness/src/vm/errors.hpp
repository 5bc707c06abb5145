// The texts of the scenario language's runtime errors that both runtimes (and the
// property evaluator) raise, worded once so that a crash reads the same under the
// controlled runtime and under stress.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "interleave/bytecode.hpp"

namespace interleave::vm::errors {

inline std::string index_out_of_range(const Variable& v, std::int64_t index) {
  return fmt::format("index {} is out of range for {} (size {})", index, v.name, v.size);
}

// An unlock (or the end of a `with` block, site) of a mutex the thread does not hold:
// holder is null when nobody holds it.
inline std::string bad_unlock(const Module& m, std::uint32_t mutex, std::uint32_t site, const std::string* holder) {
  const std::string& name = m.mutexes[mutex];
  const std::string what = m.sites[site].text.rfind("with ", 0) == 0 ? fmt::format("leaving the with block unlocks {}", name)
                                                                     : fmt::format("unlock of {}", name);
  return holder ? fmt::format("{}, which is held by {}", what, *holder)
                : fmt::format("{}, which is not locked (was it unlocked twice?)", what);
}

inline std::string wait_without_lock(const Module& m, std::uint32_t cond, std::uint32_t mutex) {
  return fmt::format("{}.wait({}) without holding {}", m.conds[cond], m.mutexes[mutex], m.mutexes[mutex]);
}

inline std::string join_not_a_handle(std::int64_t h) { return fmt::format("join of {}, which is not a thread handle", h); }
inline std::string join_itself(std::string_view thread) { return fmt::format("{} joins itself", thread); }
inline std::string joined_twice(std::string_view thread) { return fmt::format("{} was already joined", thread); }

}  // namespace interleave::vm::errors
