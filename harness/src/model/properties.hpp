// The evaluator of final, always and observe properties, shared by the controlled runtime
// (plain int64 cells) and the stress runtime (relaxed atomic cells), so that both compute
// the same values; why one fails is worded by model/findings, which also builds the
// finding (findings::property_failed). A property is compiled to run against memory
// directly: no steps, no races, no crash (errors are PropertyError).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "../vm/arithmetic.hpp"
#include "interleave/bytecode.hpp"
#include "findings.hpp"
#include "interleave/execution.hpp"

namespace interleave {

// A property that cannot be evaluated (an index out of range, a division by zero).
struct PropertyError {
  std::string what;
};

// Cell readers: `std::int64_t operator()(std::uint32_t cell) const`.
struct PlainCells {
  const std::int64_t* mem;
  std::int64_t operator()(std::uint32_t c) const { return mem[c]; }
};
// The stress runtime reads an instance after its threads finished: relaxed suffices (the
// finish flags were acquired).
struct RelaxedCells {
  const std::atomic<std::int64_t>* mem;
  std::int64_t operator()(std::uint32_t c) const { return mem[c].load(std::memory_order_relaxed); }
};

// The value of p in the memory that `cell` reads; throws PropertyError.
template <class Cells>
std::int64_t eval_property(const Module& m, const Property& p, const Cells& cell) {
  std::vector<std::int64_t> s;
  for (std::uint32_t pc = 0;;) {
    const Instr& i = p.code[pc];
    switch (i.op) {
      case Op::push: s.push_back(m.constants[static_cast<std::size_t>(i.a)]); break;
      case Op::read: s.push_back(cell(m.shared[static_cast<std::size_t>(i.a)].first_cell)); break;
      case Op::atomic_load: s.push_back(cell(m.atomics[static_cast<std::size_t>(i.a)].first_cell)); break;
      case Op::read_elem: {
        const std::int64_t idx = s.back();
        s.pop_back();
        const Variable& v = m.shared[static_cast<std::size_t>(i.a)];
        if (idx < 0 || idx >= static_cast<std::int64_t>(v.size)) throw PropertyError{findings::crash_text::out_of_range(v.name, idx, v.size)};
        s.push_back(cell(v.first_cell + static_cast<std::uint32_t>(idx)));
        break;
      }
      case Op::add: case Op::sub: case Op::mul: case Op::div: case Op::mod: case Op::neg: case Op::not_:
      case Op::bit_and: case Op::bit_or: case Op::bit_xor: case Op::shl: case Op::shr: case Op::bit_not:
      case Op::to_bool: case Op::eq: case Op::ne: case Op::lt: case Op::le: case Op::gt: case Op::ge:
        if (const char* error = arithmetic(i.op, s)) throw PropertyError{error};
        break;
      case Op::jump_if_false_keep:
      case Op::jump_if_true_keep:
        if (short_circuit(i.op, s)) { pc = static_cast<std::uint32_t>(i.a); continue; }
        break;
      case Op::jump: pc = static_cast<std::uint32_t>(i.a); continue;
      case Op::select: {  // an element of an array of atomics
        const std::int64_t k = s.back();
        s.pop_back();
        const ObjectArray& a = m.object_arrays[i.pad];
        if (k < 0 || k >= i.b) throw PropertyError{findings::crash_text::out_of_range(a.name, k, a.size)};
        pc = static_cast<std::uint32_t>(i.a + k);
        continue;
      }
      case Op::end: return s.back();
      default: break;
    }
    ++pc;
  }
}

// An observe property's value; 0 when it cannot be evaluated (the tuple is still counted).
template <class Cells>
std::int64_t observed_value(const Module& m, const Property& p, const Cells& cell) {
  try {
    return eval_property(m, p, cell);
  } catch (const PropertyError&) {
    return 0;
  }
}

// The operands that explain a failure: "x = 1, y = [0, 2]" (each variable as
// findings::shown_variable shows it).
template <class Cells>
std::string shown_values(const Module& m, const Property& p, const Cells& cell) {
  std::string out;
  for (std::uint32_t v : p.shows) {
    const Variable& var = v < m.shared.size() ? m.shared[v] : m.atomics[v - m.shared.size()];
    if (!out.empty()) out += ", ";
    out += findings::shown_variable(var.name, var.size, [&](std::uint32_t k) { return cell(var.first_cell + k); });
  }
  return out;
}

// Why p does not hold in this memory (findings::property_false or property_error), or
// nothing when it holds. The finding itself: findings::property_failed.
template <class Cells>
std::optional<std::string> property_violation(const Module& m, const Property& p, const Cells& cell) {
  try {
    if (eval_property(m, p, cell) != 0) return std::nullopt;
    return findings::property_false(p.shows.empty() ? std::string() : shown_values(m, p, cell));
  } catch (const PropertyError& e) {
    return findings::property_error(e.what);
  }
}

}  // namespace interleave
