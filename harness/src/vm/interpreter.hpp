// The interpreter core of local (invisible) instructions, shared by the controlled runtime
// (vm/execution.cpp) and the stress runtime (stress/worker.cpp): stack ops, locals,
// arithmetic, jumps, loop counters, any, calls and returns, assert, print and crash are
// written once here, so the two runtimes cannot drift apart. Visible steps (memory, sync,
// spawn, join, end) stay in each runtime. The texts and findings of its crashes, failed
// asserts and spins come from model/findings, as every finding does.
//
// A header of templates, so that each runtime's hot loop is compiled with its context
// inlined (no indirect call per instruction).
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../model/findings.hpp"
#include "arithmetic.hpp"
#include "interleave/bytecode.hpp"
#include "interleave/execution.hpp"

namespace interleave::vm {

struct Frame {
  std::uint32_t body;
  std::uint32_t pc;           // where to continue in the caller
  std::uint32_t locals_base;  // the caller's
};

// A scenario thread's interpreter state: plain data, so that the controlled runtime can
// switch threads and the stress runtime can park a thread at a join for nothing.
struct Registers {
  std::uint32_t body = 0;
  const Instr* code = nullptr;  // m.bodies[body].code.data(): one load less per instruction
  std::uint32_t pc = 0;
  std::uint32_t locals_base = 0;
  std::vector<std::int64_t> locals;
  std::vector<std::int64_t> stack;
  std::vector<Frame> frames;

  std::int64_t pop() {
    const std::int64_t v = stack.back();
    stack.pop_back();
    return v;
  }
  const Instr& at() const { return code[pc]; }
};

// ---- the findings of local instructions: built by model/findings, as every finding -------
// The message of an assert or crash statement, if it has one.
inline std::optional<std::string> message(const Module& m, const Instr& i) {
  return i.a >= 0 ? std::optional(m.messages[static_cast<std::size_t>(i.a)]) : std::nullopt;
}

inline Finding assert_finding(const Module& m, std::string_view thread, const Instr& i, std::string_view shown) {
  return findings::assert_failed(thread, findings::place(m, i.site), message(m, i), shown);
}

// A thread that ran `limit` local instructions without a step: its loop cannot end.
inline Finding spin_finding(const Module& m, std::string_view thread, std::uint32_t site, std::uint64_t limit) {
  return findings::spin(thread, findings::place(m, site), limit);
}

// The opcode of a comparison BinOp: the two enums list eq..ge in the same order, so an
// assert compares with the same arithmetic as an expression.
constexpr Op comparison_op(BinOp b) {
  return static_cast<Op>(static_cast<int>(Op::eq) + (static_cast<int>(b) - static_cast<int>(BinOp::eq)));
}
static_assert(comparison_op(BinOp::eq) == Op::eq && comparison_op(BinOp::ne) == Op::ne && comparison_op(BinOp::lt) == Op::lt &&
              comparison_op(BinOp::le) == Op::le && comparison_op(BinOp::gt) == Op::gt && comparison_op(BinOp::ge) == Op::ge);

// Pops an assert's operands and says whether it holds; when it does not, `shown` gets the
// operands as the finding shows them ("3 == 4"). Formats only on failure: asserts that
// hold are the hot case.
inline bool assert_holds(const Instr& i, Registers& r, std::string& shown) {
  if (i.b == 1) {
    const auto bin = static_cast<BinOp>(i.aux);
    const std::int64_t lhs = r.stack.end()[-2], rhs = r.stack.back();
    arithmetic(comparison_op(bin), r.stack);  // a comparison cannot fail
    const bool ok = r.pop() != 0;
    if (!ok) shown = fmt::format("{} {} {}", lhs, spelling(bin), rhs);
    return ok;
  }
  const std::int64_t v = r.pop();
  if (v == 0) shown = fmt::format("{}", v);
  return v != 0;
}

// Runs r's local instructions until it stands in front of its next visible step
// (is_step(r.at().op)), which the runtime then performs itself.
//
// Cx, the runtime's context, provides:
//   [[noreturn]] void spin(const Instr&)     `budget` local instructions ran without a step
//   [[noreturn]] void crash(std::string)     the thread crashes at r's pc
//   [[noreturn]] void assert_failed(const Instr&, std::string shown)
//   std::int64_t choose(std::int64_t lo, std::int64_t hi)   the value of `any` (lo <= hi)
//   std::uint32_t max_call_depth()
//   void print(const Instr&, const std::int64_t* values)    i.b values, in order; popped after
template <class Cx>
inline void run_local(const Module& m, Registers& r, Cx& cx, std::uint64_t budget) {
  // pc and code stay in registers in the loop (stores through the stack's pointers could
  // otherwise alias them); r gets them back before the context can look at r.
  const Instr* code = r.code;
  std::uint32_t pc = r.pc;
  const auto sync = [&] {
    r.code = code;
    r.pc = pc;
  };
  auto& s = r.stack;
  for (;;) {
    const Instr& i = code[pc];
    if (is_step(i.op)) return sync();
    if (__builtin_expect(--budget == 0, 0)) {
      sync();
      cx.spin(i);
    }
    switch (i.op) {
      case Op::push: s.push_back(m.constants[static_cast<std::size_t>(i.a)]); break;
      case Op::pop: s.pop_back(); break;
      case Op::load_local: s.push_back(r.locals[r.locals_base + static_cast<std::uint32_t>(i.a)]); break;
      case Op::store_local: r.locals[r.locals_base + static_cast<std::uint32_t>(i.a)] = r.pop(); break;
      case Op::add: case Op::sub: case Op::mul: case Op::div: case Op::mod: case Op::neg: case Op::not_:
      case Op::bit_and: case Op::bit_or: case Op::bit_xor: case Op::shl: case Op::shr: case Op::bit_not:
      case Op::to_bool: case Op::eq: case Op::ne: case Op::lt: case Op::le: case Op::gt: case Op::ge:
        if (const char* error = arithmetic(i.op, s)) {
          sync();
          cx.crash(error);
        }
        break;
      case Op::jump: pc = static_cast<std::uint32_t>(i.a); continue;
      case Op::select: {
        const auto at = s.end() - 1 - i.aux;
        const std::int64_t k = *at;
        s.erase(at);
        if (k < 0 || k >= i.b) {
          sync();
          cx.crash(findings::crash_text::out_of_range(m.object_arrays[i.pad].name, k, static_cast<std::uint32_t>(i.b)));
        }
        pc = static_cast<std::uint32_t>(i.a + k);
        continue;
      }
      case Op::jump_if_false:
        if (r.pop() == 0) { pc = static_cast<std::uint32_t>(i.a); continue; }
        break;
      case Op::jump_if_false_keep:
      case Op::jump_if_true_keep:
        if (short_circuit(i.op, s)) { pc = static_cast<std::uint32_t>(i.a); continue; }
        break;
      case Op::count_down: {
        std::int64_t& n = r.locals[r.locals_base + static_cast<std::uint32_t>(i.a)];
        if (n <= 0) { pc = static_cast<std::uint32_t>(i.b); continue; }
        --n;
        break;
      }
      case Op::count_up: {
        std::int64_t& n = r.locals[r.locals_base + static_cast<std::uint32_t>(i.a)];
        if (n >= r.locals[r.locals_base + static_cast<std::uint32_t>(i.a) + 1]) { pc = static_cast<std::uint32_t>(i.b); continue; }
        s.push_back(n++);
        break;
      }
      case Op::any: {
        const std::int64_t hi = r.pop();
        const std::int64_t lo = r.pop();
        sync();
        if (lo > hi) cx.crash(findings::crash_text::empty_range(lo, hi));
        s.push_back(cx.choose(lo, hi));
        break;
      }
      case Op::call: {
        if (r.frames.size() >= cx.max_call_depth()) {
          sync();
          cx.crash(findings::crash_text::too_deep(cx.max_call_depth()));
        }
        const Body& callee = m.bodies[static_cast<std::size_t>(i.a)];
        r.frames.push_back(Frame{r.body, pc + 1, r.locals_base});
        const auto base = static_cast<std::uint32_t>(r.locals.size());
        r.locals.resize(base + callee.frame_size, 0);
        for (std::int32_t k = i.b; k > 0; --k) r.locals[base + static_cast<std::uint32_t>(k) - 1] = r.pop();
        r.locals_base = base;
        r.body = static_cast<std::uint32_t>(i.a);
        code = callee.code.data();
        pc = 0;
        continue;
      }
      case Op::ret: {
        const Frame f = r.frames.back();
        r.frames.pop_back();
        r.locals.resize(r.locals_base);
        r.locals_base = f.locals_base;
        r.body = f.body;
        code = m.bodies[f.body].code.data();
        pc = f.pc;
        continue;
      }
      case Op::assert_: {
        std::string shown;
        if (!assert_holds(i, r, shown)) {
          sync();
          cx.assert_failed(i, std::move(shown));
        }
        break;
      }
      case Op::print: {
        const auto n = static_cast<std::size_t>(i.b);
        sync();
        cx.print(i, s.data() + (s.size() - n));
        s.resize(s.size() - n);
        break;
      }
      case Op::crash:
        sync();
        cx.crash(findings::crash_text::statement(message(m, i)));
        break;
      default: break;
    }
    ++pc;
  }
}

}  // namespace interleave::vm
