// Which race detectors saw a finding: a small bit set, so that "seen by both" is a union
// and "seen by the built-in one" a test of one bit, not string surgery. Reports name them
// with names(): "happens-before" (the built-in detector), "tsan" (ThreadSanitizer).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace interleave {

enum class Detector : std::uint8_t { happens_before = 1, tsan = 2 };

constexpr std::string_view name(Detector d) { return d == Detector::happens_before ? "happens-before" : "tsan"; }

class Detectors {
 public:
  constexpr Detectors() = default;
  constexpr Detectors(Detector d) : bits_(static_cast<std::uint8_t>(d)) {}  // NOLINT: a detector is a set of one

  constexpr bool has(Detector d) const { return (bits_ & static_cast<std::uint8_t>(d)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr Detectors& operator|=(Detectors o) {
    bits_ |= o.bits_;
    return *this;
  }
  friend constexpr Detectors operator|(Detectors a, Detectors b) { return a |= b; }
  friend constexpr bool operator==(Detectors, Detectors) = default;

  // The names, sorted (the JSON report's found_by arrays).
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (Detector d : {Detector::happens_before, Detector::tsan})
      if (has(d)) out.emplace_back(name(d));
    return out;
  }

 private:
  std::uint8_t bits_ = 0;
};

}  // namespace interleave
