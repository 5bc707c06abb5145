// The evaluator of final, always and observe properties, shared by the controlled runtime
// (plain int64 cells) and the stress runtime (relaxed atomic cells), so that both compute
// the same values and word their failures alike. A property is compiled to run against
// memory directly: no steps, no races, no crash (errors are PropertyError).
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../vm/arithmetic.hpp"
#include "../vm/errors.hpp"
#include "interleave/bytecode.hpp"
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
        if (idx < 0 || idx >= static_cast<std::int64_t>(v.size)) throw PropertyError{vm::errors::index_out_of_range(v, idx)};
        s.push_back(cell(v.first_cell + static_cast<std::uint32_t>(idx)));
        break;
      }
      case Op::add: case Op::sub: case Op::mul: case Op::div: case Op::mod: case Op::neg: case Op::not_:
      case Op::to_bool: case Op::eq: case Op::ne: case Op::lt: case Op::le: case Op::gt: case Op::ge:
        if (const char* error = arithmetic(i.op, s)) throw PropertyError{error};
        break;
      case Op::jump_if_false_keep:
      case Op::jump_if_true_keep:
        if (short_circuit(i.op, s)) { pc = static_cast<std::uint32_t>(i.a); continue; }
        break;
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

// The operands that explain a failure: "x = 1, y = [0, 2]" (arrays cut after 16 elements).
template <class Cells>
std::string shown_values(const Module& m, const Property& p, const Cells& cell) {
  std::string out;
  for (std::uint32_t v : p.shows) {
    const Variable& var = v < m.shared.size() ? m.shared[v] : m.atomics[v - m.shared.size()];
    if (!out.empty()) out += ", ";
    if (var.size == 0) {
      out += fmt::format("{} = {}", var.name, cell(var.first_cell));
    } else {
      out += var.name + " = [";
      for (std::uint32_t k = 0; k < var.size && k < 16; ++k) out += fmt::format("{}{}", k ? ", " : "", cell(var.first_cell + k));
      out += var.size > 16 ? ", ...]" : "]";
    }
  }
  return out;
}

// Why p does not hold in this memory, or nothing when it holds.
template <class Cells>
std::optional<std::string> property_violation(const Module& m, const Property& p, const Cells& cell) {
  try {
    if (eval_property(m, p, cell) != 0) return std::nullopt;
    return p.shows.empty() ? std::string("the expression is false") : "with " + shown_values(m, p, cell);
  } catch (const PropertyError& e) {
    return "it cannot be evaluated: " + e.what;
  }
}

// The finding of a final or always property that failed `when` ("after step 7"), for `why`.
inline Finding property_finding(const Module& m, const Property& p, std::string_view when, std::string why) {
  const Site& s = m.sites[p.site];
  Finding f;
  f.kind = FindingKind::failure;
  f.summary = fmt::format("{} failed {}", s.text, when);
  if (p.message) f.details.push_back(fmt::format("message: {}", *p.message));
  f.details.push_back(std::move(why));
  f.locations = {s.loc};
  f.key = fmt::format("failure:{}:{}", spelling(p.kind), s.loc.line);
  return f;
}

}  // namespace interleave
