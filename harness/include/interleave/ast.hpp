// The syntax tree of a scenario. The parser builds it; the resolver fills in `Ref`s and
// the symbol tables of `Program`, after which every name is known to be valid.
#pragma once

#include "interleave/memory_model.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "interleave/finding_kind.hpp"
#include "interleave/source.hpp"

namespace interleave {

// The bitwise operators (v2) come last, so that the v1 values keep their numbers.
enum class BinOp : std::uint8_t { add, sub, mul, div, mod, eq, ne, lt, le, gt, ge, and_, or_,
                                  bit_and, bit_or, bit_xor, shl, shr };
enum class UnOp : std::uint8_t { neg, not_, bit_not };
enum class MemOrder : std::uint8_t { unspecified, relaxed, acquire, release, acq_rel, seq_cst };

// What a name denotes once resolved. `index` points into the matching table of Program
// (or the frame slot, for locals).
enum class RefKind : std::uint8_t {
  unresolved, constant, shared, atomic, mutex, cond, semaphore, queue, thread, process, fn, local,
  builtin  // v2 heap: alloc(N) (index 0), alloc_atomic(N) (1), free(P) (2), where no fn has the name
};
struct Ref {
  RefKind kind = RefKind::unresolved;
  std::uint32_t index = 0;
};

enum class ExprKind : std::uint8_t {
  integer,      // value
  name,         // name
  unary,        // un, args[0]
  binary,       // bin, args[0], args[1]
  index,        // name[args[0]]
  call,         // name(args...)
  method,       // name.method(args..., order)
  any,          // any(args[0], args[1])
  thread_name,  // thread_name()
  spawn,        // spawn name(args...) [as "spawn_as"]; only as a statement or a let/assignment value
  join,         // join args[0]; same restriction
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  ExprKind kind = ExprKind::integer;
  Loc loc;                   // where the expression starts
  std::uint32_t length = 1;  // columns it spans, for carets
  std::int64_t value = 0;
  std::string name;
  Loc name_loc;  // the name; for unary and binary expressions, the operator
  std::string method;
  Loc method_loc;
  UnOp un = UnOp::neg;
  BinOp bin = BinOp::add;
  std::vector<ExprPtr> args;
  MemOrder order = MemOrder::unspecified;
  Loc order_loc;
  MemOrder failure_order = MemOrder::unspecified;  // compare_exchange's second order
  Loc failure_order_loc;
  std::optional<std::string> spawn_as;
  ExprPtr subscript;  // v2: a method on one element of an array of objects, name[subscript].method(...)
  bool parenthesized = false;  // parser only: written in parentheses (for the C precedence trap)
  Ref ref;  // resolver: what `name` denotes
  // Resolver, v2 handles: the expression gives a handle to the object it names (an object
  // name, an element `locks[i]`, or a local holding a handle), not a value read from it.
  bool as_handle = false;
  // Resolver, v2 handles: a method's receiver (or wait's mutex) is the handle held in this
  // local slot; `ref.kind` is then the object kind and `ref.index` is unused.
  std::int32_t handle = -1;
  // Levels of the tree from here down (a leaf is 1). The parser bounds it
  // (max_expr_height), so that every pass that walks the tree recursively has a bounded
  // stack, also under ASan.
  std::uint32_t height = 1;
};

struct PrintArg {
  bool is_string = false;
  std::string text;
  ExprPtr expr;
};

enum class StmtKind : std::uint8_t {
  let, assign, expr, if_, while_, repeat, for_, break_, continue_, return_, with,
  assert_, print, yield, sleep, fence, crash
};

struct Stmt;
using Block = std::vector<Stmt>;

struct ElifClause {
  Loc loc;
  ExprPtr cond;
  Block body;
};

struct Stmt {
  StmtKind kind = StmtKind::yield;
  Loc loc;
  std::string name;       // let/for variable, assignment target, `with` mutex
  Loc name_loc;
  ExprPtr index;          // assignment to NAME[index]
  ExprPtr value;          // let/assign value, expression, condition, repeat count, return value
  ExprPtr range_lo;       // for: range(lo, hi) or range(hi) (then range_lo is null)
  ExprPtr range_hi;
  std::vector<PrintArg> print_args;
  Block body;
  std::vector<ElifClause> elifs;
  bool has_else = false;
  Loc else_loc;
  Block else_body;
  std::optional<std::string> message;  // assert, crash
  MemOrder order = MemOrder::unspecified;  // fence ORDER (unspecified: a bare `fence`, seq_cst)
  Loc order_loc;
  std::uint64_t duration_ns = 0;       // sleep
  std::string duration_text;           // sleep, as written in canonical form ("1ms")
  Ref ref;  // resolver: assignment target, let/for slot, `with` mutex
  std::int32_t handle = -1;  // resolver, v2: `with H:` on the mutex handle held in this local slot
};

enum class DeclKind : std::uint8_t {
  scenario, about, constant, shared, atomic, mutex, cond, semaphore, queue,
  thread, process, fn, main, final, always, observe, expect, outcome,
  memory,  // `memory rc11|tso|sc`: the file's memory model
  option   // `option NAME [= VALUE]` (v2): a run option the command line may override
};

// What an `expect` line asks for: clean, or one of the kinds that finding_kinds marks
// expectable (checked at compile time in ast.cpp).
enum class ExpectKind : std::uint8_t { clean, race, failure, deadlock, livelock, crash, forbidden, memory };
// The finding kind an expectation asks for (none for clean), and back.
std::optional<FindingKind> finding_kind(ExpectKind kind);
std::optional<ExpectKind> expect_kind(FindingKind kind);

// How an `outcome` line classifies an observe tuple (jcstress-style). Declared here, not in
// outcomes.hpp, because the syntax tree carries it; outcomes.hpp has the functions.
// unclassified: no `outcome` line matches and there is no `outcome else`.
enum class OutcomeClass : std::uint8_t { unclassified, acceptable, interesting, forbidden };

struct Param {
  std::string name;
  Loc loc;
};

struct Decl {
  DeclKind kind = DeclKind::scenario;
  Loc loc;
  std::string name;        // declared name; scenario name; about text; final/always: the property's name (v2, empty: unnamed)
  Loc name_loc;
  ExprPtr init;            // const/shared/atomic/semaphore initial value
  ExprPtr size;            // shared array size, queue capacity; null for scalars
  ExprPtr count;           // v2: elements of an array of atomics, mutexes, conds, semaphores or queues
  std::vector<Param> params;
  bool has_parens = true;  // `thread worker:` has none
  Block body;
  std::vector<ExprPtr> exprs;          // final/always: one; observe: one or more; outcome: its values
  std::optional<std::string> message;  // final/always; outcome: the description
  OutcomeClass outcome = OutcomeClass::acceptable;  // outcome: the class
  bool outcome_else = false;                        // `outcome else`: every unlisted tuple
  ExpectKind expect = ExpectKind::clean;
  // `expect race on X, Y` (variables) and `expect failure P, Q` (property names, v2).
  std::vector<std::string> expect_names;
  std::vector<Loc> expect_name_locs;

  // Resolver results.
  std::int64_t init_value = 0;
  std::int64_t size_value = 0;   // 0 for a scalar
  std::int64_t count_value = 0;  // v2: 0 for one object, else the array's length
  std::uint32_t frame_size = 0;  // local slots a body needs (params first)
  std::vector<std::string> local_names;  // slot -> name, for traces
  std::vector<std::int64_t> outcome_values;  // outcome: its values, evaluated
};

// One entry of a symbol table: the declaration it came from.
struct Symbol {
  std::string name;
  std::uint32_t decl = 0;  // index into Program::decls
};

struct Program {
  std::string path;
  std::vector<Decl> decls;
  // Names of declarations whose line had a syntax error and was dropped: the resolver
  // does not call them undeclared, so one mistake gives one diagnostic.
  std::vector<std::string> broken_names;

  // Filled by the resolver.
  std::string scenario_name;  // `scenario NAME` or the file's stem
  std::string about;
  std::optional<MemoryModel> memory;  // the `memory` line or `option memory = ...`
  std::optional<bool> spurious_wakeups;    // `option spurious_wakeups`
  std::optional<std::uint64_t> max_steps;  // `option max_steps = N`
  bool uses_heap = false;  // v2: some body calls alloc or alloc_atomic
  std::vector<Symbol> constants, shared, atomics, mutexes, conds, semaphores, queues,
      threads, processes, fns;
  std::optional<std::uint32_t> main_decl;
  std::map<std::string, std::int64_t> const_values;
};

// Structural equality that ignores source positions and resolver results:
// what the printer/parser round trip must preserve.
bool same_syntax(const Program& a, const Program& b);
bool same_syntax(const Expr& a, const Expr& b);
bool same_syntax(const Block& a, const Block& b);

std::string_view spelling(BinOp op);
std::string_view spelling(MemOrder order);
std::string_view spelling(ExpectKind kind);
std::string_view spelling(OutcomeClass c);
std::string_view spelling(DeclKind kind);
std::string_view spelling(RefKind kind);

}  // namespace interleave
