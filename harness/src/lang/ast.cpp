#include "interleave/ast.hpp"

namespace interleave {

std::string_view spelling(BinOp op) {
  switch (op) {
    case BinOp::add: return "+";
    case BinOp::sub: return "-";
    case BinOp::mul: return "*";
    case BinOp::div: return "/";
    case BinOp::mod: return "%";
    case BinOp::eq: return "==";
    case BinOp::ne: return "!=";
    case BinOp::lt: return "<";
    case BinOp::le: return "<=";
    case BinOp::gt: return ">";
    case BinOp::ge: return ">=";
    case BinOp::and_: return "and";
    case BinOp::or_: return "or";
    case BinOp::bit_and: return "&";
    case BinOp::bit_or: return "|";
    case BinOp::bit_xor: return "^";
    case BinOp::shl: return "<<";
    case BinOp::shr: return ">>";
  }
  return "?";
}

std::string_view spelling(MemOrder order) {
  switch (order) {
    case MemOrder::unspecified: return "";
    case MemOrder::relaxed: return "relaxed";
    case MemOrder::acquire: return "acquire";
    case MemOrder::release: return "release";
    case MemOrder::acq_rel: return "acq_rel";
    case MemOrder::seq_cst: return "seq_cst";
  }
  return "?";
}

namespace {

constexpr std::optional<FindingKind> finding_kind_of(ExpectKind kind) {
  switch (kind) {
    case ExpectKind::clean: return std::nullopt;
    case ExpectKind::race: return FindingKind::race;
    case ExpectKind::failure: return FindingKind::failure;
    case ExpectKind::deadlock: return FindingKind::deadlock;
    case ExpectKind::livelock: return FindingKind::livelock;
    case ExpectKind::crash: return FindingKind::crash;
    case ExpectKind::forbidden: return FindingKind::forbidden;
    case ExpectKind::memory: return FindingKind::memory;
  }
  return std::nullopt;
}

constexpr ExpectKind all_expect_kinds[] = {ExpectKind::clean,    ExpectKind::race,  ExpectKind::failure, ExpectKind::deadlock,
                                           ExpectKind::livelock, ExpectKind::crash, ExpectKind::forbidden,
                                           ExpectKind::memory};

// The expectations are exactly the expectable kinds of the table (and clean).
static_assert([] {
  for (const auto& k : finding_kinds) {
    std::size_t n = 0;
    for (ExpectKind e : all_expect_kinds) n += finding_kind_of(e) == k.kind ? 1 : 0;
    if (n != (k.expectable ? 1u : 0u)) return false;
  }
  return true;
}());

}  // namespace

std::optional<FindingKind> finding_kind(ExpectKind kind) { return finding_kind_of(kind); }

std::optional<ExpectKind> expect_kind(FindingKind kind) {
  for (ExpectKind e : all_expect_kinds)
    if (finding_kind_of(e) == kind) return e;
  return std::nullopt;
}

std::string_view spelling(ExpectKind kind) {
  const auto k = finding_kind_of(kind);
  return k ? spelling(*k) : "clean";
}

std::string_view spelling(DeclKind kind) {
  switch (kind) {
    case DeclKind::scenario: return "scenario";
    case DeclKind::about: return "about";
    case DeclKind::constant: return "const";
    case DeclKind::shared: return "shared";
    case DeclKind::atomic: return "atomic";
    case DeclKind::mutex: return "mutex";
    case DeclKind::cond: return "cond";
    case DeclKind::semaphore: return "semaphore";
    case DeclKind::queue: return "queue";
    case DeclKind::thread: return "thread";
    case DeclKind::process: return "process";
    case DeclKind::fn: return "fn";
    case DeclKind::main: return "main";
    case DeclKind::final: return "final";
    case DeclKind::always: return "always";
    case DeclKind::observe: return "observe";
    case DeclKind::expect: return "expect";
    case DeclKind::outcome: return "outcome";
    case DeclKind::memory: return "memory";
    case DeclKind::option: return "option";
  }
  return "?";
}

std::string_view spelling(RefKind kind) {
  switch (kind) {
    case RefKind::unresolved: return "unresolved";
    case RefKind::constant: return "const";
    case RefKind::shared: return "shared";
    case RefKind::atomic: return "atomic";
    case RefKind::mutex: return "mutex";
    case RefKind::cond: return "cond";
    case RefKind::semaphore: return "semaphore";
    case RefKind::queue: return "queue";
    case RefKind::thread: return "thread";
    case RefKind::process: return "process";
    case RefKind::fn: return "fn";
    case RefKind::local: return "local";
    case RefKind::builtin: return "builtin";
  }
  return "?";
}

namespace {

bool same_ptr(const ExprPtr& a, const ExprPtr& b) {
  if (!a || !b) return !a && !b;
  return same_syntax(*a, *b);
}

bool same_exprs(const std::vector<ExprPtr>& a, const std::vector<ExprPtr>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same_ptr(a[i], b[i])) return false;
  return true;
}

bool same_stmt(const Stmt& a, const Stmt& b) {
  if (a.kind != b.kind || a.name != b.name || !same_ptr(a.index, b.index) || !same_ptr(a.value, b.value) ||
      !same_ptr(a.range_lo, b.range_lo) || !same_ptr(a.range_hi, b.range_hi) || !same_syntax(a.body, b.body) ||
      a.has_else != b.has_else || !same_syntax(a.else_body, b.else_body) || a.message != b.message ||
      a.duration_ns != b.duration_ns || a.order != b.order || a.elifs.size() != b.elifs.size() ||
      a.print_args.size() != b.print_args.size())
    return false;
  for (std::size_t i = 0; i < a.elifs.size(); ++i)
    if (!same_ptr(a.elifs[i].cond, b.elifs[i].cond) || !same_syntax(a.elifs[i].body, b.elifs[i].body)) return false;
  for (std::size_t i = 0; i < a.print_args.size(); ++i) {
    const auto& x = a.print_args[i];
    const auto& y = b.print_args[i];
    if (x.is_string != y.is_string || x.text != y.text || !same_ptr(x.expr, y.expr)) return false;
  }
  return true;
}

bool same_decl(const Decl& a, const Decl& b) {
  if (a.kind != b.kind || a.name != b.name || !same_ptr(a.init, b.init) || !same_ptr(a.size, b.size) ||
      !same_ptr(a.count, b.count) ||
      a.params.size() != b.params.size() || !same_syntax(a.body, b.body) || !same_exprs(a.exprs, b.exprs) ||
      a.message != b.message || a.expect != b.expect || a.expect_names != b.expect_names || a.outcome != b.outcome ||
      a.outcome_else != b.outcome_else)
    return false;
  for (std::size_t i = 0; i < a.params.size(); ++i)
    if (a.params[i].name != b.params[i].name) return false;
  return true;
}

}  // namespace

bool same_syntax(const Expr& a, const Expr& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ExprKind::integer: return a.value == b.value;
    case ExprKind::name: return a.name == b.name;
    case ExprKind::unary: return a.un == b.un && same_exprs(a.args, b.args);
    case ExprKind::binary: return a.bin == b.bin && same_exprs(a.args, b.args);
    case ExprKind::index:
    case ExprKind::call: return a.name == b.name && same_exprs(a.args, b.args);
    case ExprKind::method:
      if ((a.subscript == nullptr) != (b.subscript == nullptr) || (a.subscript && !same_syntax(*a.subscript, *b.subscript)))
        return false;
      return a.name == b.name && a.method == b.method && a.order == b.order &&
             a.failure_order == b.failure_order && same_exprs(a.args, b.args);
    case ExprKind::any:
    case ExprKind::join: return same_exprs(a.args, b.args);
    case ExprKind::thread_name: return true;
    case ExprKind::spawn: return a.name == b.name && a.spawn_as == b.spawn_as && same_exprs(a.args, b.args);
  }
  return false;
}

bool same_syntax(const Block& a, const Block& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same_stmt(a[i], b[i])) return false;
  return true;
}

bool same_syntax(const Program& a, const Program& b) {
  if (a.decls.size() != b.decls.size()) return false;
  for (std::size_t i = 0; i < a.decls.size(); ++i)
    if (!same_decl(a.decls[i], b.decls[i])) return false;
  return true;
}

}  // namespace interleave
