// Local arithmetic of the scenario language on an operand stack, shared by the controlled
// runtime (thread code and properties) and the stress runtime, so that both compute the
// same values: wrapping two's-complement +, -, *, as the hardware does; division rounding
// toward zero; and the short-circuit of `and` / `or`. arithmetic() returns the error of a
// division by zero, or nullptr.
#pragma once

#include <cstdint>
#include <cstdio>
#include <limits>
#include <vector>

#include "interleave/bytecode.hpp"

namespace interleave {

inline const char* arithmetic(Op op, std::vector<std::int64_t>& s) {
  if (op == Op::neg) {
    s.back() = static_cast<std::int64_t>(0 - static_cast<std::uint64_t>(s.back()));
    return nullptr;
  }
  if (op == Op::bit_not) {
    s.back() = ~s.back();
    return nullptr;
  }
  if (op == Op::not_ || op == Op::to_bool) {
    s.back() = (s.back() != 0) == (op == Op::to_bool);
    return nullptr;
  }
  const std::int64_t b = s.back();
  s.pop_back();
  std::int64_t& a = s.back();
  const auto ua = static_cast<std::uint64_t>(a), ub = static_cast<std::uint64_t>(b);
  switch (op) {
    case Op::add: a = static_cast<std::int64_t>(ua + ub); break;
    case Op::sub: a = static_cast<std::int64_t>(ua - ub); break;
    case Op::mul: a = static_cast<std::int64_t>(ua * ub); break;
    case Op::div:
    case Op::mod:
      if (b == 0) return op == Op::div ? "division by zero" : "modulo by zero";
      if (a == std::numeric_limits<std::int64_t>::min() && b == -1) a = op == Op::div ? a : 0;
      else a = op == Op::div ? a / b : a % b;
      break;
    case Op::bit_and: a = a & b; break;
    case Op::bit_or: a = a | b; break;
    case Op::bit_xor: a = a ^ b; break;
    case Op::shl:
    case Op::shr:
      // C++ leaves these shifts undefined; the scenario gets a crash that names the amount.
      if (b < 0 || b > 63) {
        thread_local char text[64];
        std::snprintf(text, sizeof text, "shift by %lld: the amount must be 0 to 63", static_cast<long long>(b));
        return text;
      }
      a = op == Op::shl ? static_cast<std::int64_t>(ua << b) : a >> b;  // C++20: wrapping, arithmetic
      break;
    case Op::eq: a = a == b; break;
    case Op::ne: a = a != b; break;
    case Op::lt: a = a < b; break;
    case Op::le: a = a <= b; break;
    case Op::gt: a = a > b; break;
    default: a = a >= b; break;
  }
  return nullptr;
}

// `and` / `or` (jump_if_false_keep / jump_if_true_keep): true when the jump is taken, the
// deciding operand staying as the value; else the operand is popped and the right side runs.
inline bool short_circuit(Op op, std::vector<std::int64_t>& s) {
  if ((s.back() != 0) == (op == Op::jump_if_true_keep)) return true;
  s.pop_back();
  return false;
}

}  // namespace interleave
