// Bytecode: each thread, process, fn and main body compiled to a flat instruction array.
// A scenario thread is then plain data (pc, locals, operand stack, call frames), so that
// switching threads costs nothing. Instructions marked "step" in the table below are the
// visible operations of the step rules; a thread always stops in front of one, and the
// scheduler decides which thread performs its next step.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "interleave/ast.hpp"
#include "interleave/memory_model.hpp"

namespace interleave {

enum class Op : std::uint8_t {
  // local computation (invisible)
  push,          // push a (index into Module::constants)
  pop,
  load_local,    // push locals[a]
  store_local,   // locals[a] = pop
  add, sub, mul, div, mod, neg, not_, to_bool,
  eq, ne, lt, le, gt, ge,
  bit_and, bit_or, bit_xor, shl, shr, bit_not,  // v2; a shift out of 0..63 is a crash
  select,        // v2 arrays of objects: pop the index under `aux` values; crash unless in [0, b)
                 // (Module::object_arrays[pad] names the array); pc = a + index (a table of jumps)
  jump,          // pc = a
  jump_if_false, // if pop == 0: pc = a
  jump_if_false_keep,  // if top == 0: pc = a (for `and`); else pop
  jump_if_true_keep,   // if top != 0: pc = a (for `or`); else pop
  count_down,    // loop head of repeat: if locals[a] <= 0: pc = b; else locals[a] -= 1
  count_up,      // loop head of for: if locals[a] >= locals[a + 1]: pc = b; else push locals[a]++
  any,           // pop hi, lo; push a value chosen by the scheduler
  call,          // call body a with b arguments
  ret,           // return pop from a fn
  assert_,       // b = 0: pop cond; b = 1: pop rhs, lhs and compare with BinOp aux; a = message or -1
  print,         // a = Module::prints index; pops b values
  crash,         // a = message or -1
  // visible steps
  read,          // push shared[a]
  write,         // shared[a] = pop
  read_elem,     // pop index; push shared[a][index]
  write_elem,    // pop value, index; shared[a][index] = value
  atomic_load,   // aux = order
  atomic_store,
  atomic_fetch_add,
  atomic_exchange,
  atomic_cas,
  atomic_fetch_sub, atomic_fetch_and, atomic_fetch_or, atomic_fetch_xor,
  atomic_cmpxchg,       // pop desired, expected; push the value seen; b = failure order
  atomic_cmpxchg_weak,  // as atomic_cmpxchg, but push 1/0 and then the value seen; a recorded choice may fail it spuriously
  lock, unlock, try_lock,
  wait,          // cond a, mutex b; two steps: release and sleep, then wake and relock
  notify_one, notify_all,
  sem_acquire, sem_release,
  put, get,
  try_put,       // pop value; push 1 (put), 0 (full) or -1 (closed)
  try_get,       // pop the local's old value; push status (1, 0, -1), then the value to store
  queue_size,    // push the queue's length
  queue_close,
  spawn,         // Module::spawns[a]; pushes the handle
  join,          // pop handle; push result
  yield, sleep, fence,  // fence: aux = order (seq_cst for a bare fence)
  end,           // the thread finishes (its last step); pop result
  // v2 heap (docs/language.md, Version 2): steps, after `end` so that the older values keep their numbers
  alloc,         // pop the size; push the address of a new block; aux = 1: atomic cells (alloc_atomic)
  free_,         // pop an address; free its block (0: nothing)
  heap_read,     // pop index, address; push the cell's value (an atomic cell: a seq_cst load)
  heap_write,    // pop value, index, address; store it (an atomic cell: a seq_cst store)
  heap_atomic,   // an atomic method on a heap cell: pad = the atomic Op, aux = order, b = failure order;
                 // the address and index are under the method's arguments
};

// The heap (v2): each pool has heap_pool_cells cells; plain cell k is at address
// heap_plain_base + k and atomic cell k at heap_atomic_base + k. 0 is the null pointer.
inline constexpr std::uint32_t heap_pool_cells = 256;
inline constexpr std::int64_t heap_plain_base = 1000;
inline constexpr std::int64_t heap_atomic_base = 3000;

// What `get` gives on a closed, empty queue (docs/language.md, Version 2).
inline constexpr std::int64_t queue_closed_value = -1;

// True for instructions that are scheduling points.
constexpr bool is_step(Op op) { return op >= Op::read; }

struct Instr {
  Op op = Op::push;
  std::uint8_t aux = 0;  // memory order, flags
  std::uint16_t pad = 0;
  std::int32_t a = 0;
  std::int32_t b = 0;
  std::uint32_t site = 0;  // index into Module::sites
};
static_assert(sizeof(Instr) == 16);

// Where an instruction comes from: for traces and findings.
struct Site {
  Loc loc;
  std::string text;  // the statement in canonical form, e.g. "balance = balance + n"
};

struct PrintFormat {
  struct Part {
    enum Kind : std::uint8_t { text, value, thread_name } kind;
    std::string literal;
  };
  std::vector<Part> parts;
};

struct Body {
  std::string name;
  DeclKind kind = DeclKind::thread;
  std::uint32_t params = 0;
  std::uint32_t frame_size = 0;
  std::vector<std::string> local_names;
  std::vector<Instr> code;
};

// Where shared state lives: every scalar and array element has its own cell.
struct Variable {
  std::string name;
  std::uint32_t first_cell = 0;
  std::uint32_t size = 0;  // 0 for a scalar (one cell)
  std::int64_t init = 0;
  bool atomic = false;
};

// A final, always or observe expression, compiled to run against memory directly
// (no steps, no races). `shows` lists the variables whose values explain a failure.
struct Property {
  DeclKind kind = DeclKind::final;
  std::uint32_t site = 0;
  std::optional<std::string> message;
  std::string name;  // final/always: `final NAME: ...` (v2); empty: unnamed
  std::vector<Instr> code;
  std::vector<std::uint32_t> shows;  // indices into Module::shared, then atomics (offset by shared.size())
};

// An `outcome` line: the class of one observe tuple, or of every unlisted one (`outcome else`).
struct Outcome {
  std::vector<std::int64_t> values;  // empty for `outcome else`
  OutcomeClass cls = OutcomeClass::acceptable;
  std::optional<std::string> description;
  std::uint32_t site = 0;  // index into Module::sites: the outcome line
};

// An array of objects (v2): its elements are separate objects named "NAME[k]".
struct ObjectArray {
  std::string name;
  std::uint32_t size = 0;
};

struct Module {
  std::string path;
  std::string scenario_name;
  std::uint64_t hash = 0;  // of the canonical program and the const values: replay tokens carry it
  std::optional<MemoryModel> memory;  // the file's `memory` line (or `option memory`)
  std::optional<bool> spurious_wakeups;    // the file's `option spurious_wakeups`
  std::optional<std::uint64_t> max_steps;  // the file's `option max_steps = N`
  std::vector<Body> bodies;
  std::uint32_t main_body = 0;   // the explicit main, or a synthetic one
  bool implicit_main = false;    // no `main:`: every parameterless thread starts at once
  std::vector<std::uint32_t> implicit_threads;  // bodies started by the implicit main
  std::vector<std::int64_t> constants;
  std::vector<Site> sites;
  std::vector<PrintFormat> prints;
  struct Spawn {
    std::uint32_t body = 0;
    std::uint32_t args = 0;
    std::string name;  // the `as` name, or empty for the default
  };
  std::vector<Spawn> spawns;
  std::vector<std::string> messages;  // assert and crash messages
  std::vector<Variable> shared;   // shared (index = Ref index)
  std::vector<Variable> atomics;  // atomic (index = Ref index); cells follow the shared ones
  std::uint32_t cell_count = 0;
  std::vector<std::string> mutexes, conds, queues, semaphores;
  std::vector<std::int64_t> semaphore_init, queue_capacity;
  std::vector<ObjectArray> object_arrays;  // v2: for select's out-of-range crash
  // v2 heap: 0 when the scenario does not allocate; else heap_pool_cells. The plain pool is
  // shared variable heap_var ("heap"), the atomic pool atomics heap_atomic_first onwards.
  std::uint32_t heap_cells = 0;
  std::uint32_t heap_var = 0;
  std::uint32_t heap_atomic_first = 0;
  std::vector<Property> properties;  // in declaration order
  std::vector<ExpectKind> expected;  // the expect kinds (empty: clean)
  std::vector<std::string> expected_race_on;  // variables named by `expect race on`
  std::vector<std::string> expected_failure_of;  // properties named by `expect failure NAME` (v2)
  std::vector<Outcome> outcomes;          // the listed outcomes, in declaration order (outcomes.hpp)
  std::optional<Outcome> other_outcomes;  // `outcome else`: the class of every unlisted tuple
};

// Compiles a resolved program. The Program must outlive nothing: the Module is self-contained.
Module compile(const Program& program);

std::string_view op_name(Op op);

}  // namespace interleave
