#include <catch2/catch.hpp>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "files.hpp"
#include "interleave/ast.hpp"
#include "interleave/frontend.hpp"
#include "interleave/printer.hpp"
#include "interleave/token.hpp"

#ifndef INTERLEAVE_SOURCE_DIR
#error "INTERLEAVE_SOURCE_DIR must name the source tree (see tests/CMakeLists.txt)"
#endif

namespace {

// rapidcheck scales inRange and elementOf with the test's size, which starts at 0 (always
// the lower bound); every choice here is uniform instead, and bounded by the generator.
template <typename T>
T uniform(T lo, T hi_exclusive) {
  return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange<T>(lo, hi_exclusive));
}
template <typename T>
T one_of(const std::vector<T>& items) {
  return items[uniform<std::size_t>(0, items.size())];
}

using interleave::BinOp;
using interleave::Block;
using interleave::Decl;
using interleave::DeclKind;
using interleave::ElifClause;
using interleave::ExpectKind;
using interleave::Expr;
using interleave::ExprKind;
using interleave::ExprPtr;
using interleave::MemOrder;
using interleave::OutcomeClass;
using interleave::Param;
using interleave::PrintArg;
using interleave::Program;
using interleave::Stmt;
using interleave::StmtKind;
using interleave::UnOp;

bool is_memory_order_word(std::string_view w) {
  return w == "relaxed" || w == "acquire" || w == "release" || w == "acq_rel" || w == "seq_cst";
}

// The keywords, for method names (after '.', a keyword is an ordinary method name).
constexpr std::array<std::string_view, 12> some_keywords = {
    "print", "join", "spawn", "wait", "lock", "as", "in", "not", "any", "range", "thread_name", "true"};

// Builds a random, syntactically valid program by drawing values inside a property
// (`*gen`), so that rapidcheck records and shrinks every choice. Programs need not
// resolve: the round trip parses only.
class AstGen {
 public:
  Program program() {
    Program p;
    const int n = uniform(1, 9);
    for (int i = 0; i < n; ++i) p.decls.push_back(decl());
    return p;
  }
  // A deeper expression than programs use, for the expression-only property.
  ExprPtr deep_expr() { return expr(-3); }

 private:
  static constexpr int max_expr_depth = 4;
  static constexpr int max_block_depth = 3;

  template <typename T>
  static T pick(std::initializer_list<T> items) {
    return one_of(std::vector<T>(items));
  }
  static int upto(int n) { return uniform(0, n + 1); }  // 0..n
  static bool coin() { return uniform(0, 2) == 1; }

  // ---- names and literals --------------------------------------------------------------
  // Any identifier that is not a keyword. Memory-order words are names too, except as a
  // bare method argument, where they would read back as the order.
  static std::string name(bool allow_memory_order = true) {
    for (;;) {
      std::string s;
      switch (upto(3)) {
        case 0:
          s = pick<std::string>({"x", "balance", "lock", "t", "n", "worker", "q", "ready", "clean", "race",
                                 "def", "func", "get", "store", "ms", "s", "ns", "_", "_1", "ITER", "Thread",
                                 "relaxed", "seq_cst", "acq_rel", "range_", "iff", "spawned", "joined",
                                 "in_", "or_", "andx", "notx"});
          break;
        default: {
          static const std::string first = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
          static const std::string rest = first + "0123456789";
          s += first[static_cast<std::size_t>(uniform<int>(0, static_cast<int>(first.size())))];
          const int len = upto(6);
          for (int i = 0; i < len; ++i)
            s += rest[static_cast<std::size_t>(uniform<int>(0, static_cast<int>(rest.size())))];
        }
      }
      if (interleave::keyword_kind(s) != interleave::Tok::identifier) continue;
      if (!allow_memory_order && is_memory_order_word(s)) continue;
      return s;
    }
  }

  static std::string method_name() {
    if (uniform(0, 4) == 0)
      return std::string(one_of(std::vector<std::string_view>(some_keywords.begin(), some_keywords.end())));
    return pick<std::string>({"lock", "unlock", "try_lock", "wait", "notify_one", "notify_all", "acquire",
                              "release", "put", "get", "load", "store", "fetch_add", "exchange", "cas",
                              "relaxed", "seq_cst", "frob",
                              // v2
                              "fetch_sub", "fetch_and", "fetch_or", "fetch_xor", "compare_exchange",
                              "compare_exchange_weak", "try_put", "try_get", "size", "close"});
  }

  // Message text: quotes, backslashes, '#', tabs, non-ASCII UTF-8 and DEL, never a line
  // break or another control character (those are load errors).
  static std::string text() {
    static const std::vector<std::string> pieces = {
        "a", "Z", " ", "  ", "\"", "\\", "\\\\", "\\\"", "#", "# not a comment", "\t", "é", "→", "中文", "😀",
        "\x7F", "'", ":", "x = 1", "ok", "0", "-", "\xC2\xA0" /* nbsp */, "\xF4\x8F\xBF\xBF" /* U+10FFFF */};
    std::string s;
    const int n = upto(6);
    for (int i = 0; i < n; ++i) s += one_of(pieces);
    return s;
  }

  static std::int64_t integer() {
    switch (upto(5)) {
      case 0: return uniform<std::int64_t>(0, 10);
      case 1: return uniform<std::int64_t>(-10, 0);
      case 2: return pick<std::int64_t>({std::numeric_limits<std::int64_t>::min(),
                                         std::numeric_limits<std::int64_t>::max(),
                                         std::numeric_limits<std::int64_t>::min() + 1, 1'000'000, -1});
      default: return *rc::gen::resize(rc::kNominalSize, rc::gen::arbitrary<std::int64_t>());
    }
  }

  // ---- expressions ---------------------------------------------------------------------
  static ExprPtr make(ExprKind k) {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    return e;
  }

  ExprPtr literal() {
    auto e = make(ExprKind::integer);
    e->value = integer();
    return e;
  }

  ExprPtr name_expr(bool allow_memory_order = true) {
    auto e = make(ExprKind::name);
    e->name = name(allow_memory_order);
    return e;
  }

  void args(Expr& e, int lo, int hi, int depth, bool method_args = false) {
    const int n = uniform(lo, hi + 1);
    for (int i = 0; i < n; ++i) e.args.push_back(expr(depth + 1, method_args));
  }

  // `method_arg`: the expression is a whole argument of a method call.
  ExprPtr expr(int depth = 0, bool method_arg = false) {
    const bool leaf = depth >= max_expr_depth || uniform(0, 3) == 0;
    if (leaf) {
      switch (upto(3)) {
        case 0:
        case 1: return literal();
        case 2: return name_expr(!method_arg);
        default: return make(ExprKind::thread_name);
      }
    }
    switch (upto(10)) {
      case 0: return literal();
      case 1: return name_expr(!method_arg);
      case 2: {  // unary minus, often of a literal (printed "-(5)", not the literal -5)
        auto e = make(ExprKind::unary);
        e->un = UnOp::neg;
        e->args.push_back(coin() ? literal() : expr(depth + 1));
        return e;
      }
      case 3: {
        auto e = make(ExprKind::unary);
        e->un = coin() ? UnOp::not_ : UnOp::bit_not;  // v2: ~
        e->args.push_back(coin() && e->un == UnOp::bit_not ? literal() : expr(depth + 1));
        return e;
      }
      case 4:
      case 5: {
        auto e = make(ExprKind::binary);
        e->bin = pick<BinOp>({BinOp::add, BinOp::sub, BinOp::mul, BinOp::div, BinOp::mod, BinOp::eq, BinOp::ne,
                              BinOp::lt, BinOp::le, BinOp::gt, BinOp::ge, BinOp::and_, BinOp::or_,
                              // v2: C's bitwise operators (a comparison under & | ^ prints in parentheses)
                              BinOp::bit_and, BinOp::bit_or, BinOp::bit_xor, BinOp::shl, BinOp::shr});
        e->args.push_back(expr(depth + 1));
        e->args.push_back(expr(depth + 1));
        return e;
      }
      case 6: {
        auto e = make(ExprKind::index);
        e->name = name();
        e->args.push_back(expr(depth + 1));
        return e;
      }
      case 7: {
        auto e = make(ExprKind::call);
        // v2 heap: the built-ins alloc, alloc_atomic and free are calls by name
        e->name = uniform(0, 3) == 0 ? pick<std::string>({"alloc", "alloc_atomic", "free"}) : name();
        args(*e, 0, 3, depth);
        return e;
      }
      case 8: return method(depth);
      case 9: {
        auto e = make(ExprKind::any);
        args(*e, 2, 2, depth);
        return e;
      }
      default: return make(ExprKind::thread_name);
    }
  }

  ExprPtr method(int depth) {
    auto e = make(ExprKind::method);
    e->name = name();
    e->method = method_name();
    args(*e, 0, 3, depth, true);
    if (uniform(0, 4) == 0) e->subscript = expr(depth + 1);  // v2: NAME[i].method(...)
    e->order = pick<MemOrder>({MemOrder::unspecified, MemOrder::unspecified, MemOrder::relaxed, MemOrder::acquire,
                               MemOrder::release, MemOrder::acq_rel, MemOrder::seq_cst});
    // v2: compare_exchange's failure order follows the success order.
    if (e->order != MemOrder::unspecified && coin())
      e->failure_order = pick<MemOrder>({MemOrder::relaxed, MemOrder::acquire, MemOrder::seq_cst});
    return e;
  }

  ExprPtr call_or_method(int depth) {
    if (coin()) return method(depth);
    auto e = make(ExprKind::call);
    e->name = name();
    args(*e, 0, 3, depth);
    return e;
  }

  ExprPtr spawn() {
    auto e = make(ExprKind::spawn);
    e->name = name();
    args(*e, 0, 3, 1);
    if (coin()) e->spawn_as = text();
    return e;
  }

  // join takes a handle: a name or an array element.
  ExprPtr join() {
    auto e = make(ExprKind::join);
    if (coin()) {
      e->args.push_back(name_expr());
    } else {
      auto element = make(ExprKind::index);
      element->name = name();
      element->args.push_back(expr(1));
      e->args.push_back(std::move(element));
    }
    return e;
  }

  // The value of a let or an assignment: an expression, or a whole spawn or join.
  ExprPtr rhs() {
    switch (upto(4)) {
      case 0: return spawn();
      case 1: return join();
      default: return expr();
    }
  }

  // ---- statements ----------------------------------------------------------------------
  Block block(int depth) {
    Block b;
    const int n = uniform(1, 4);
    for (int i = 0; i < n; ++i) b.push_back(stmt(depth));
    return b;
  }

  static std::string canonical_duration(std::uint64_t ns) {
    if (ns != 0 && ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
    if (ns != 0 && ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
    if (ns != 0 && ns % 1'000 == 0) return std::to_string(ns / 1'000) + "us";
    return std::to_string(ns) + "ns";
  }

  Stmt stmt(int depth) {
    const bool nested = depth < max_block_depth;
    Stmt s;
    const int kinds = 17;
    StmtKind k = static_cast<StmtKind>(uniform(0, kinds));
    const bool block_kind =
        k == StmtKind::if_ || k == StmtKind::while_ || k == StmtKind::repeat || k == StmtKind::for_ || k == StmtKind::with;
    if (block_kind && !nested) k = StmtKind::yield;
    s.kind = k;
    switch (k) {
      case StmtKind::let:
        s.name = name();
        s.value = rhs();
        break;
      case StmtKind::assign:
        s.name = name();
        if (coin()) s.index = expr(1);
        s.value = rhs();
        break;
      case StmtKind::expr:
        switch (upto(3)) {
          case 0: s.value = spawn(); break;
          case 1: s.value = join(); break;
          default: s.value = call_or_method(0);
        }
        break;
      case StmtKind::if_: {
        s.value = expr();
        s.body = block(depth + 1);
        const int elifs = upto(2);
        for (int i = 0; i < elifs; ++i) {
          ElifClause c;
          c.cond = expr();
          c.body = block(depth + 1);
          s.elifs.push_back(std::move(c));
        }
        if (coin()) {
          s.has_else = true;
          s.else_body = block(depth + 1);
        }
        break;
      }
      case StmtKind::while_:
      case StmtKind::repeat:
        s.value = expr();
        s.body = block(depth + 1);
        break;
      case StmtKind::for_:
        s.name = name();
        if (coin()) s.range_lo = expr(1);
        s.range_hi = expr(1);
        s.body = block(depth + 1);
        break;
      case StmtKind::with:
        s.name = name();
        if (coin()) s.index = expr(1);  // v2: with NAME[i]:
        s.body = block(depth + 1);
        break;
      case StmtKind::break_:
      case StmtKind::continue_:
      case StmtKind::yield:
        break;
      case StmtKind::fence:  // v2: fence ORDER
        s.order = pick<MemOrder>({MemOrder::unspecified, MemOrder::acquire, MemOrder::release, MemOrder::acq_rel,
                                  MemOrder::seq_cst});
        break;
      case StmtKind::return_:
        if (coin()) s.value = expr();
        break;
      case StmtKind::assert_:
        s.value = expr();
        if (coin()) s.message = text();
        break;
      case StmtKind::print: {
        const int n = uniform(1, 4);
        for (int i = 0; i < n; ++i) {
          PrintArg a;
          if (coin()) {
            a.is_string = true;
            a.text = text();
          } else {
            a.expr = expr();
          }
          s.print_args.push_back(std::move(a));
        }
        break;
      }
      case StmtKind::sleep: {
        const std::uint64_t unit = pick<std::uint64_t>({1, 1'000, 1'000'000, 1'000'000'000});
        s.duration_ns = uniform<std::uint64_t>(0, 100'000) * unit + (coin() ? 0 : upto(3));
        s.duration_text = canonical_duration(s.duration_ns);
        break;
      }
      case StmtKind::crash:
        if (coin()) s.message = text();
        break;
    }
    return s;
  }

  // ---- declarations --------------------------------------------------------------------
  std::vector<Param> params() {
    std::vector<Param> ps;
    const int n = upto(3);
    for (int i = 0; i < n; ++i) ps.push_back(Param{name(), {}});
    return ps;
  }

  Decl decl() {
    Decl d;
    d.kind = static_cast<DeclKind>(uniform(0, 20));
    switch (d.kind) {
      case DeclKind::scenario: d.name = name(); break;
      case DeclKind::about: d.name = text(); break;
      case DeclKind::memory: {
        static constexpr const char* models[] = {"rc11", "tso", "sc"};
        d.name = models[uniform(0, 3)];
        break;
      }
      case DeclKind::option:  // v2: option NAME [= VALUE]
        d.name = name();
        if (coin()) d.init = expr(2);
        break;
      case DeclKind::constant:
      case DeclKind::atomic:
      case DeclKind::semaphore:
        d.name = name();
        if (d.kind != DeclKind::constant && coin()) d.count = expr(2);  // v2: arrays of objects
        d.init = expr(2);
        break;
      case DeclKind::shared:
        d.name = name();
        if (coin()) d.size = expr(2);
        d.init = expr(2);
        break;
      case DeclKind::mutex:
      case DeclKind::cond:
        d.name = name();
        if (coin()) d.count = expr(2);
        break;
      case DeclKind::queue:
        d.name = name();
        if (coin()) d.count = expr(2);
        d.size = expr(2);
        break;
      case DeclKind::thread:
      case DeclKind::process:
      case DeclKind::fn:
        d.name = name();
        d.params = params();
        d.has_parens = d.kind == DeclKind::fn || !d.params.empty();
        d.body = block(0);
        break;
      case DeclKind::main:
        d.name = "main";
        d.body = block(0);
        break;
      case DeclKind::final:
      case DeclKind::always:
        if (coin()) d.name = name();  // `final NAME: EXPR` (v2)
        d.exprs.push_back(expr());
        if (coin()) d.message = text();
        break;
      case DeclKind::observe: {
        const int n = uniform(1, 4);
        for (int i = 0; i < n; ++i) d.exprs.push_back(expr());
        break;
      }
      case DeclKind::expect:
        d.expect = pick<ExpectKind>({ExpectKind::clean, ExpectKind::race, ExpectKind::failure, ExpectKind::deadlock,
                                     ExpectKind::livelock, ExpectKind::crash, ExpectKind::forbidden,
                                     ExpectKind::memory});
        // `expect race on X, Y`, `expect failure P, Q` (v2); other kinds print `on` too.
        if (coin())
          for (int i = uniform(1, 3); i > 0; --i) d.expect_names.push_back(name());
        break;
      case DeclKind::outcome: {
        d.outcome = pick<OutcomeClass>({OutcomeClass::acceptable, OutcomeClass::interesting, OutcomeClass::forbidden});
        d.outcome_else = uniform(0, 4) == 0;
        const int n = d.outcome_else ? 0 : uniform(1, 4);
        for (int i = 0; i < n; ++i) d.exprs.push_back(expr());
        if (coin()) d.message = text();
        break;
      }
    }
    return d;
  }
};

using interleave::test::read_file;

std::vector<std::filesystem::path> scenario_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(std::filesystem::path(INTERLEAVE_SOURCE_DIR) / "scenarios"))
    if (entry.is_regular_file() && entry.path().extension() == ".scn") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("printed random programs parse back to the same syntax") {
  rc::prop("parse_text(print(p)) has no diagnostics, is same_syntax as p and prints the same", [] {
    const Program p = AstGen().program();
    const std::string text = interleave::print(p);
    RC_LOG() << "printed:\n" << text << "\n";
    const auto r = interleave::parse_text("gen.scn", text);
    RC_LOG() << "diagnostics:\n" << r.render() << "\n";
    RC_ASSERT(r.ok());
    RC_ASSERT(r.diagnostics.all().empty());
    RC_ASSERT(interleave::same_syntax(p, *r.program));
    RC_ASSERT(interleave::print(*r.program) == text);
  });
}

// Comments and blank lines put anywhere into a random program: the formatter keeps every
// comment in order, prints a fixpoint, and the tree is unchanged (issue 12).
TEST_CASE("comments and blank lines anywhere survive formatting") {
  rc::prop("print(p, trivia) keeps the comments, is a fixpoint and the same tree", [] {
    const Program p = AstGen().program();
    const std::string canonical = interleave::print(p);
    std::vector<std::string> lines;
    for (std::size_t start = 0; start < canonical.size();) {
      const auto end = canonical.find('\n', start);
      lines.push_back(canonical.substr(start, end - start));
      start = end + 1;
    }
    std::string text;
    std::vector<std::string> comments;
    for (const auto& line : lines) {
      for (int extra = uniform(0, 3); extra > 0; --extra) {
        if (uniform(0, 3) == 0) {
          text += std::string(static_cast<std::size_t>(uniform(0, 4)), ' ') + "\n";  // a blank line
          continue;
        }
        comments.push_back("# c" + std::to_string(comments.size()) + (uniform(0, 2) ? ": a: b \"x\"" : ""));
        text += std::string(static_cast<std::size_t>(uniform(0, 14)), ' ') + comments.back() + "\n";
      }
      text += line;
      if (!line.empty() && uniform(0, 3) == 0) {
        comments.push_back("# t" + std::to_string(comments.size()));
        text += std::string(static_cast<std::size_t>(uniform(1, 30)), ' ') + comments.back();
      }
      text += "\n";
    }
    RC_LOG() << "with comments:\n" << text << "\n";
    const auto r = interleave::parse_text("gen.scn", text);
    RC_ASSERT(r.ok());
    RC_ASSERT(interleave::same_syntax(p, *r.program));
    const std::string formatted = interleave::print(*r.program, r.trivia);
    RC_LOG() << "formatted:\n" << formatted << "\n";
    const auto again = interleave::parse_text("gen.scn", formatted);
    RC_ASSERT(again.ok());
    RC_ASSERT(interleave::same_syntax(p, *again.program));
    std::vector<std::string> kept;
    for (const auto& c : again.trivia.comments) kept.push_back(c.text);
    RC_ASSERT(kept == comments);
    RC_ASSERT(interleave::print(*again.program, again.trivia) == formatted);
  });
}

// Single expressions in a value position: the printer's minimal parentheses must keep
// every operator's grouping, including negative literals and unary minus of literals.
TEST_CASE("printed random expressions parse back to the same tree") {
  rc::prop("let v = print(e) reads back as e", [] {
    AstGen gen;
    Program p;
    Decl main;
    main.kind = DeclKind::main;
    main.name = "main";
    Stmt s;
    s.kind = StmtKind::let;
    s.name = "v";
    s.value = gen.deep_expr();
    main.body.push_back(std::move(s));
    p.decls.push_back(std::move(main));
    const std::string text = interleave::print(p);
    RC_LOG() << "printed:\n" << text << "\n";
    const auto r = interleave::parse_text("expr.scn", text);
    RC_LOG() << "diagnostics:\n" << r.render() << "\n";
    RC_ASSERT(r.ok());
    RC_ASSERT(interleave::same_syntax(p, *r.program));
    RC_ASSERT(interleave::print(*r.program) == text);
  });
}

TEST_CASE("the canonical form of every scenario in the repository is a fixed point") {
  const auto files = scenario_files();
  REQUIRE(!files.empty());
  for (const auto& path : files) {
    INFO(path.string());
    const auto first = interleave::load_file(path.string());
    INFO(first.render());
    REQUIRE(first.ok());
    const std::string printed = interleave::print(*first.program);
    const auto second = interleave::load_text(path.string(), printed);
    INFO("printed:\n" << printed << "diagnostics:\n" << second.render());
    REQUIRE(second.ok());
    CHECK(interleave::same_syntax(*first.program, *second.program));
    CHECK(interleave::print(*second.program) == printed);
  }
}

// The round-trip assertions themselves must be able to fail: a changed tree or text is caught.
TEST_CASE("the round-trip checks notice a difference") {
  const auto a = interleave::parse_text("a.scn", "main:\n    let x = 1 - (2 - 3)\n");
  const auto b = interleave::parse_text("b.scn", "main:\n    let x = 1 - 2 - 3\n");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK_FALSE(interleave::same_syntax(*a.program, *b.program));
  CHECK(interleave::print(*a.program) != interleave::print(*b.program));
  CHECK(read_file(std::filesystem::path(INTERLEAVE_SOURCE_DIR) / "scenarios" / "seed" / "balance_locked.scn").size() > 0);
}
