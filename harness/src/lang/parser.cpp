#include "interleave/parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <limits>

namespace interleave {

namespace {

struct ParseError {};  // unwinds to the statement being parsed; the diagnostic is already out

constexpr std::string_view statement_help =
    "a statement is one of: let, assignment, if, while, repeat, for, with, a call, "
    "spawn, join, assert, print, yield, sleep, fence, crash, break, continue, return";
constexpr std::string_view declaration_help =
    "a top-level line is one of: scenario, about, const, shared, atomic, mutex, cond, "
    "semaphore, queue, thread, process, fn, main, final, always, observe, outcome, expect, memory, option";

bool is_declaration_keyword(Tok k) {
  return k >= Tok::kw_scenario && k <= Tok::kw_outcome;
}

std::optional<MemOrder> memory_order(std::string_view word) {
  if (word == "relaxed") return MemOrder::relaxed;
  if (word == "acquire") return MemOrder::acquire;
  if (word == "release") return MemOrder::release;
  if (word == "acq_rel") return MemOrder::acq_rel;
  if (word == "seq_cst") return MemOrder::seq_cst;
  return std::nullopt;
}

// The words of an `expect` line: clean, and the expectable finding kinds.
std::optional<ExpectKind> expect_word(std::string_view word) {
  if (word == "clean") return ExpectKind::clean;
  const auto kind = finding_kind_named(word);
  return kind && info(*kind).expectable ? expect_kind(*kind) : std::nullopt;
}

std::string expect_words() {
  std::string out = "clean";
  for (const auto& k : finding_kinds)
    if (k.expectable) out += fmt::format(", {}", k.spelling);
  return out;
}

std::optional<OutcomeClass> outcome_class(std::string_view word) {
  if (word == "acceptable") return OutcomeClass::acceptable;
  if (word == "interesting") return OutcomeClass::interesting;
  if (word == "forbidden") return OutcomeClass::forbidden;
  return std::nullopt;
}

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, DiagnosticSink& sink) : t_(tokens), sink_(sink) {}

  Program run(std::string path) {
    Program program;
    program_ = &program;
    program.path = std::move(path);
    while (!at(Tok::end_of_file)) {
      if (sink_.full()) {
        sink_.stop();
        break;
      }
      if (at(Tok::newline) || at(Tok::dedent)) { ++p_; continue; }
      if (at(Tok::indent)) {
        error(cur(), "unexpected indent", "top-level declarations start in column 1");
        skip_block();
        continue;
      }
      try {
        declaring_.clear();
        parse_declaration(program);
      } catch (const ParseError&) {
        if (!declaring_.empty()) program.broken_names.push_back(declaring_);
        recover();
      }
    }
    return program;
  }

 private:
  // ---- token helpers -------------------------------------------------------------------
  const Token& cur() const { return t_[p_]; }
  const Token& peek(std::size_t n = 1) const { return t_[std::min(p_ + n, t_.size() - 1)]; }
  bool at(Tok k) const { return cur().kind == k; }
  const Token& advance() {
    const Token& tok = t_[p_];
    if (p_ + 1 < t_.size()) ++p_;
    return tok;
  }
  bool accept(Tok k) {
    if (!at(k)) return false;
    advance();
    return true;
  }
  // End column (exclusive) of the previous token, for expression lengths.
  std::uint32_t prev_end_col() const {
    if (p_ == 0) return 1;
    const Token& t = t_[p_ - 1];
    return t.loc.col + t.length;
  }

  std::string found(const Token& tok) const {
    switch (tok.kind) {
      case Tok::identifier: return fmt::format("'{}'", tok.text);
      case Tok::integer:
      case Tok::duration: return fmt::format("'{}'", tok.text);
      default: return std::string(describe(tok.kind));
    }
  }

  [[noreturn]] void fail(const Token& at, std::string message, std::string help = {}) {
    error(at, std::move(message), std::move(help));
    throw ParseError{};
  }
  void error(const Token& at, std::string message, std::string help = {}) {
    // The lexer already explained an invalid token; do not pile on.
    if (at.kind == Tok::error) return;
    sink_.error(at.loc, std::max<std::uint32_t>(1, at.length), std::move(message), std::move(help));
  }

  const Token& expect(Tok k, std::string_view what, std::string help = {}) {
    if (at(Tok::error)) throw ParseError{};
    if (!at(k)) fail(cur(), fmt::format("expected {}, found {}", what, found(cur())), std::move(help));
    return advance();
  }
  std::string expect_name(std::string_view what) {
    if (at(Tok::error)) throw ParseError{};
    if (is_keyword(cur().kind))
      fail(cur(), fmt::format("'{}' is a keyword and cannot be used as {}", cur().text, what),
           "choose another name");
    if (!at(Tok::identifier)) fail(cur(), fmt::format("expected {}, found {}", what, found(cur())));
    return advance().text;
  }
  // The name a top-level declaration introduces, remembered in case its line fails.
  std::string declare_name(std::string_view what) {
    declaring_ = expect_name(what);
    return declaring_;
  }
  void expect_end_of_line() {
    if (at(Tok::error)) throw ParseError{};
    if (at(Tok::newline)) { advance(); return; }
    if (at(Tok::end_of_file)) return;
    fail(cur(), fmt::format("expected end of line, found {}", found(cur())),
         "one statement per line");
  }

  // Skips the rest of a bad line. If the line opened a block, the block is parsed anyway
  // (its own mistakes are worth reporting) and thrown away.
  void recover() {
    bool opened_block = false;
    while (!at(Tok::newline) && !at(Tok::end_of_file) && !at(Tok::indent) && !at(Tok::dedent)) {
      opened_block = at(Tok::colon);
      advance();
    }
    accept(Tok::newline);
    if (at(Tok::indent)) {
      if (opened_block) {
        Block discard;
        parse_block_body(discard);
      } else {
        skip_block();
      }
    }
  }

  void skip_block() {
    int depth = 0;
    do {
      if (at(Tok::indent)) ++depth;
      else if (at(Tok::dedent)) --depth;
      else if (at(Tok::end_of_file)) return;
      advance();
    } while (depth > 0);
  }

  // `[COUNT]` after the name of an atomic, mutex, cond or semaphore: an array of them (v2).
  void parse_count(Decl& d) {
    if (!accept(Tok::lbracket)) return;
    d.count = parse_expr();
    expect(Tok::rbracket, "']'");
  }

  // ---- declarations --------------------------------------------------------------------
  void parse_declaration(Program& program) {
    const Token& start = cur();
    Decl d;
    d.loc = start.loc;
    switch (start.kind) {
      case Tok::kw_scenario:
        advance();
        d.kind = DeclKind::scenario;
        d.name_loc = cur().loc;
        d.name = expect_name("a scenario name");
        break;
      case Tok::kw_about:
        advance();
        d.kind = DeclKind::about;
        d.name_loc = cur().loc;
        d.name = expect(Tok::string, "a description in quotes", "about \"what this scenario shows\"").text;
        break;
      case Tok::kw_const:
        advance();
        d.kind = DeclKind::constant;
        parse_named_init(d, "a constant name", "const ITER = 1000");
        break;
      case Tok::kw_shared:
        advance();
        d.kind = DeclKind::shared;
        d.name_loc = cur().loc;
        d.name = declare_name("a variable name");
        if (accept(Tok::lbracket)) {
          d.size = parse_expr();
          expect(Tok::rbracket, "']'");
        }
        expect(Tok::assign, "'=' and an initial value", "shared balance = 0, or shared slots[4] = 0");
        d.init = parse_expr();
        break;
      case Tok::kw_atomic:
        advance();
        d.kind = DeclKind::atomic;
        d.name_loc = cur().loc;
        d.name = declare_name("a variable name");
        parse_count(d);
        expect(Tok::assign, "'=' and an initial value", "atomic ready = 0, or atomic flags[4] = 0");
        d.init = parse_expr();
        break;
      case Tok::kw_mutex:
      case Tok::kw_cond:
        advance();
        d.kind = start.kind == Tok::kw_mutex ? DeclKind::mutex : DeclKind::cond;
        d.name_loc = cur().loc;
        d.name = declare_name(start.kind == Tok::kw_mutex ? "a mutex name" : "a condition variable name");
        parse_count(d);
        break;
      case Tok::kw_semaphore:
        advance();
        d.kind = DeclKind::semaphore;
        d.name_loc = cur().loc;
        d.name = declare_name("a semaphore name");
        parse_count(d);
        expect(Tok::assign, "'=' and a value", "semaphore slots = 2");
        d.init = parse_expr();
        break;
      case Tok::kw_queue:
        advance();
        d.kind = DeclKind::queue;
        d.name_loc = cur().loc;
        d.name = declare_name("a queue name");
        expect(Tok::lbracket, "'[' and a capacity", "queue tasks[8]");
        d.size = parse_expr();
        expect(Tok::rbracket, "']'");
        if (accept(Tok::lbracket)) {  // queue NAME[COUNT][CAP]: an array of queues
          d.count = std::move(d.size);
          d.size = parse_expr();
          expect(Tok::rbracket, "']'");
        }
        break;
      case Tok::kw_thread:
      case Tok::kw_process:
      case Tok::kw_fn: {
        advance();
        d.kind = start.kind == Tok::kw_thread ? DeclKind::thread
                 : start.kind == Tok::kw_process ? DeclKind::process : DeclKind::fn;
        d.name_loc = cur().loc;
        d.name = declare_name(fmt::format("a {} name", describe(start.kind)));
        if (at(Tok::lparen)) {
          parse_params(d);
        } else if (d.kind == DeclKind::fn) {
          fail(cur(), fmt::format("expected '(' after the function name, found {}", found(cur())),
               fmt::format("fn {}(a, b):", d.name));
        } else {
          d.has_parens = false;
        }
        parse_block(d.body);
        program.decls.push_back(std::move(d));
        return;
      }
      case Tok::kw_main:
        advance();
        d.kind = DeclKind::main;
        d.name = "main";
        d.name_loc = start.loc;
        if (at(Tok::lparen))
          fail(cur(), "main takes no parameters", "write 'main:'");
        parse_block(d.body);
        program.decls.push_back(std::move(d));
        return;
      case Tok::kw_final:
      case Tok::kw_always:
        advance();
        d.kind = start.kind == Tok::kw_final ? DeclKind::final : DeclKind::always;
        // `final NAME: EXPR` (v2): a name then ':' cannot start an expression, so an
        // unnamed `final EXPR` keeps its meaning.
        if (at(Tok::identifier) && peek().kind == Tok::colon) {
          d.name_loc = cur().loc;
          d.name = advance().text;
          declaring_ = d.name;  // if the line fails, `expect failure NAME` is not news
          advance();  // ':'
        }
        d.exprs.push_back(parse_expr());
        // `final no_leak refs == 0`: a name, then more than a message; the ':' is missing.
        if (d.name.empty() && d.exprs.back()->kind == ExprKind::name && !at(Tok::newline) &&
            !at(Tok::end_of_file) && !at(Tok::string) && !at(Tok::error))
          fail(cur(), fmt::format("expected end of line, found {}", found(cur())),
               fmt::format("a named property is written '{} {}: EXPR'", start.kind == Tok::kw_final ? "final" : "always",
                           d.exprs.back()->name));
        if (at(Tok::string)) d.message = advance().text;
        break;
      case Tok::kw_observe:
        advance();
        d.kind = DeclKind::observe;
        d.exprs.push_back(parse_expr());
        while (accept(Tok::comma)) d.exprs.push_back(parse_expr());
        break;
      case Tok::kw_outcome: {
        // outcome VALUE, ... CLASS ["description"]  |  outcome else CLASS ["description"]
        advance();
        d.kind = DeclKind::outcome;
        if (accept(Tok::kw_else)) {
          d.outcome_else = true;
        } else {
          if (at(Tok::newline) || at(Tok::end_of_file))
            fail(cur(), fmt::format("expected the outcome's values, found {}", found(cur())),
                 "outcome 0, 0 acceptable, or outcome else forbidden");
          d.exprs.push_back(parse_expr());
          while (accept(Tok::comma)) d.exprs.push_back(parse_expr());
        }
        const Token& k = cur();
        const auto cls = k.kind == Tok::identifier ? outcome_class(k.text) : std::nullopt;
        if (!cls)
          fail(k, k.kind == Tok::identifier ? fmt::format("unknown outcome class {}", found(k))
                                            : fmt::format("expected an outcome class, found {}", found(k)),
               "an outcome is one of: acceptable, interesting, forbidden");
        advance();
        d.outcome = *cls;
        d.name_loc = k.loc;
        if (at(Tok::string)) d.message = advance().text;
        break;
      }
      case Tok::kw_expect: {
        advance();
        d.kind = DeclKind::expect;
        const Token& k = cur();
        const auto kind = (k.kind == Tok::identifier || k.kind == Tok::kw_crash) ? expect_word(k.text) : std::nullopt;
        if (!kind) fail(k, fmt::format("unknown expectation {}", found(k)), "expect one of: " + expect_words());
        advance();
        d.expect = *kind;
        d.name_loc = k.loc;
        if (at(Tok::kw_on)) {
          if (d.expect == ExpectKind::failure)
            fail(cur(), "'expect failure' names its properties without 'on'", "write 'expect failure NAME, ...'");
          advance();
          parse_expect_names(d, "the name of a shared variable");
        } else if (d.expect == ExpectKind::failure && !at(Tok::newline) && !at(Tok::end_of_file)) {
          parse_expect_names(d, "the name of a property");  // `expect failure no_leak, balanced` (v2)
        } else if (d.expect == ExpectKind::race && at(Tok::identifier)) {
          fail(cur(), fmt::format("expected 'on' before the variable, found {}", found(cur())),
               fmt::format("write 'expect race on {}'", cur().text));
        }
        break;
      }
      default:
        if (at(Tok::error)) throw ParseError{};
        // `memory` is not a keyword, so that older scenarios may still use it as a name.
        if (start.kind == Tok::identifier && start.text == "memory" && peek().kind == Tok::identifier) {
          advance();
          d.kind = DeclKind::memory;
          d.name_loc = cur().loc;
          const Token& word = cur();
          if (!memory_model_named(word.text))
            fail(word, fmt::format("unknown memory model '{}'", word.text),
                 fmt::format("the models are {}, e.g. 'memory rc11'", memory_model_words));
          d.name = word.text;
          advance();
          break;
        }
        // `option NAME [= VALUE]` (v2); `option` is not a keyword either.
        if (start.kind == Tok::identifier && start.text == "option" && peek().kind == Tok::identifier) {
          advance();
          d.kind = DeclKind::option;
          d.name_loc = cur().loc;
          d.name = advance().text;
          if (accept(Tok::assign)) d.init = parse_expr();
          break;
        }
        if (start.kind == Tok::identifier && (start.text == "def" || start.text == "func" || start.text == "function"))
          fail(start, fmt::format("unknown declaration '{}'", start.text), "functions are declared with 'fn NAME(PARAMS):'");
        if (start.kind == Tok::identifier || is_keyword(start.kind))
          fail(start, fmt::format("expected a declaration, found {}", found(start)),
               std::string(declaration_help) + "; statements go inside 'main:', a thread or a fn");
        fail(start, fmt::format("expected a declaration, found {}", found(start)), std::string(declaration_help));
    }
    expect_end_of_line();
    program.decls.push_back(std::move(d));
  }

  // NAME, NAME, ... after `expect race on` or `expect failure`.
  void parse_expect_names(Decl& d, std::string_view what) {
    do {
      d.expect_name_locs.push_back(cur().loc);
      d.expect_names.push_back(expect_name(what));
    } while (accept(Tok::comma));
  }

  void parse_named_init(Decl& d, std::string_view what, std::string example) {
    d.name_loc = cur().loc;
    d.name = declare_name(what);
    expect(Tok::assign, "'=' and a value", std::move(example));
    d.init = parse_expr();
  }

  void parse_params(Decl& d) {
    expect(Tok::lparen, "'('");
    if (!at(Tok::rparen)) {
      do {
        Param param;
        param.loc = cur().loc;
        param.name = expect_name("a parameter name");
        d.params.push_back(std::move(param));
      } while (accept(Tok::comma));
    }
    expect(Tok::rparen, "')' or ','");
  }

  // ---- blocks and statements -----------------------------------------------------------
  void parse_block(Block& out) {
    expect(Tok::colon, "':' to open a block");
    if (at(Tok::error)) throw ParseError{};
    if (!at(Tok::newline))
      fail(cur(), fmt::format("expected end of line after ':', found {}", found(cur())),
           "put the block's statements on the following lines, indented");
    advance();
    if (!at(Tok::indent)) {
      error(cur(), "expected an indented block", "indent the block's statements deeper than the line ending in ':'");
      return;
    }
    parse_block_body(out);
  }

  // At an indent token: parses statements up to the matching dedent.
  void parse_block_body(Block& out) {
    if (++block_depth_ > max_block_depth) {
      error(cur(), fmt::format("blocks are nested too deeply (the limit is {})", max_block_depth));
      skip_block();
      --block_depth_;
      return;
    }
    advance();  // indent
    while (!at(Tok::dedent) && !at(Tok::end_of_file) && !sink_.full()) {
      if (at(Tok::newline)) { advance(); continue; }
      if (at(Tok::indent)) {
        error(cur(), "unexpected indent", "only a line ending in ':' opens a deeper block");
        skip_block();
        continue;
      }
      const Tok start = cur().kind;
      try {
        local_declaring_.clear();
        out.push_back(parse_statement());
      } catch (const ParseError&) {
        // A dropped `let` still declared its name, as far as later lines are concerned.
        if (!local_declaring_.empty()) program_->broken_names.push_back(local_declaring_);
        recover();
        // The elif and else of a dropped if belong to it: not "'else' without a matching 'if'".
        if (start == Tok::kw_if) drop_clauses();
      }
    }
    accept(Tok::dedent);
    --block_depth_;
  }

  // Parses (for their own mistakes) and drops the elif/else clauses of an if whose line
  // was dropped.
  void drop_clauses() {
    while (at(Tok::kw_elif) || at(Tok::kw_else)) {
      try {
        if (advance().kind == Tok::kw_elif || accept(Tok::kw_if)) parse_expr();
        Block discard;
        parse_block(discard);
      } catch (const ParseError&) {
        recover();
      }
    }
  }

  Stmt parse_statement() {
    const Token& start = cur();
    Stmt s;
    s.loc = start.loc;
    switch (start.kind) {
      case Tok::kw_let:
        advance();
        s.kind = StmtKind::let;
        s.name_loc = cur().loc;
        s.name = expect_name("a local variable name");
        local_declaring_ = s.name;
        expect(Tok::assign, "'=' and a value", fmt::format("let {} = 0", s.name));
        s.value = parse_rhs();
        break;
      case Tok::kw_if:
        advance();
        s.kind = StmtKind::if_;
        s.value = parse_expr();
        parse_block(s.body);
        while (at(Tok::kw_elif)) {
          ElifClause clause;
          clause.loc = advance().loc;
          clause.cond = parse_expr();
          parse_block(clause.body);
          s.elifs.push_back(std::move(clause));
        }
        while (at(Tok::kw_else) && peek().kind == Tok::kw_if) {
          // Reported, then read as the elif it means, so a following else still fits.
          advance();
          error(cur(), "'else if' is written 'elif'", "elif CONDITION:");
          ElifClause clause;
          clause.loc = advance().loc;
          clause.cond = parse_expr();
          parse_block(clause.body);
          s.elifs.push_back(std::move(clause));
          while (at(Tok::kw_elif)) {
            ElifClause more;
            more.loc = advance().loc;
            more.cond = parse_expr();
            parse_block(more.body);
            s.elifs.push_back(std::move(more));
          }
        }
        if (at(Tok::kw_else)) {
          s.else_loc = advance().loc;
          s.has_else = true;
          parse_block(s.else_body);
        }
        return s;
      case Tok::kw_elif:
      case Tok::kw_else:
        fail(start, fmt::format("'{}' without a matching 'if'", start.text),
             "elif and else continue an if at the same indentation");
      case Tok::kw_while:
        advance();
        s.kind = StmtKind::while_;
        s.value = parse_expr();
        parse_block(s.body);
        return s;
      case Tok::kw_repeat:
        advance();
        s.kind = StmtKind::repeat;
        s.value = parse_expr();
        parse_block(s.body);
        return s;
      case Tok::kw_for:
        advance();
        s.kind = StmtKind::for_;
        s.name_loc = cur().loc;
        s.name = expect_name("a loop variable name");
        expect(Tok::kw_in, "'in'", "for i in range(10):");
        expect(Tok::kw_range, "'range'", "loops count over range(N) or range(A, B)");
        expect(Tok::lparen, "'('");
        s.range_hi = parse_expr();
        if (accept(Tok::comma)) {
          s.range_lo = std::move(s.range_hi);
          s.range_hi = parse_expr();
        }
        expect(Tok::rparen, "')'", "range takes one or two arguments");
        parse_block(s.body);
        return s;
      case Tok::kw_with:
        advance();
        s.kind = StmtKind::with;
        s.name_loc = cur().loc;
        s.name = expect_name("a mutex name");
        if (accept(Tok::lbracket)) {  // one mutex of an array
          s.index = parse_expr();
          expect(Tok::rbracket, "']'");
        }
        parse_block(s.body);
        return s;
      case Tok::kw_break:
      case Tok::kw_continue:
        advance();
        s.kind = start.kind == Tok::kw_break ? StmtKind::break_ : StmtKind::continue_;
        break;
      case Tok::kw_return:
        advance();
        s.kind = StmtKind::return_;
        if (!at(Tok::newline) && !at(Tok::end_of_file)) s.value = parse_expr();
        break;
      case Tok::kw_assert:
        advance();
        s.kind = StmtKind::assert_;
        s.value = parse_expr();
        if (at(Tok::string)) s.message = advance().text;
        break;
      case Tok::kw_print:
        advance();
        s.kind = StmtKind::print;
        do {
          PrintArg arg;
          if (at(Tok::string)) {
            arg.is_string = true;
            arg.text = advance().text;
          } else {
            arg.expr = parse_expr();
          }
          s.print_args.push_back(std::move(arg));
        } while (accept(Tok::comma));
        break;
      case Tok::kw_yield:
        advance();
        s.kind = StmtKind::yield;
        break;
      case Tok::kw_fence:
        advance();
        s.kind = StmtKind::fence;
        if (at(Tok::identifier)) {
          const auto order = memory_order(cur().text);
          if (!order || *order == MemOrder::relaxed)
            fail(cur(), fmt::format("'{}' is not a fence order", cur().text),
                 "a fence is 'fence' (seq_cst) or 'fence acquire|release|acq_rel|seq_cst'");
          s.order_loc = cur().loc;
          s.order = *order;
          advance();
        } else if (at(Tok::lparen)) {
          fail(cur(), "fence is a statement, not a call",
               peek().kind == Tok::identifier ? fmt::format("write 'fence {}'", peek().text) : std::string("write 'fence' or 'fence acquire'"));
        }
        break;
      case Tok::kw_sleep: {
        advance();
        s.kind = StmtKind::sleep;
        if (at(Tok::integer))
          fail(cur(), fmt::format("'{}' needs a unit", cur().text),
               fmt::format("write {}ms (units: ns, us, ms, s)", cur().text));
        const Token& d = expect(Tok::duration, "a duration", "sleep 10ms (units: ns, us, ms, s)");
        s.duration_ns = d.magnitude;
        s.duration_text = canonical_duration(d.magnitude);
        break;
      }
      case Tok::kw_crash:
        advance();
        s.kind = StmtKind::crash;
        if (at(Tok::string)) s.message = advance().text;
        break;
      case Tok::kw_spawn:
      case Tok::kw_join:
        s.kind = StmtKind::expr;
        s.value = parse_rhs();
        break;
      case Tok::identifier: {
        check_c_assignment(start);
        ExprPtr target = parse_expr();
        if (at(Tok::assign)) {
          if (target->kind != ExprKind::name && target->kind != ExprKind::index)
            fail(start, "cannot assign to this expression", "the left of '=' is a variable or an array element");
          advance();
          s.kind = StmtKind::assign;
          s.name = target->name;
          s.name_loc = target->name_loc;
          if (target->kind == ExprKind::index) s.index = std::move(target->args[0]);
          s.value = parse_rhs();
          break;
        }
        if (target->kind != ExprKind::call && target->kind != ExprKind::method) {
          if (target->kind == ExprKind::binary && target->bin == BinOp::eq &&
              (target->args[0]->kind == ExprKind::name || target->args[0]->kind == ExprKind::index))
            fail(start, "this expression is not a statement", "did you mean '=' (assignment)?");
          fail(start, "this expression is not a statement", std::string(statement_help));
        }
        s.kind = StmtKind::expr;
        s.value = std::move(target);
        break;
      }
      default:
        if (at(Tok::error)) throw ParseError{};
        if (is_declaration_keyword(start.kind))
          fail(start, fmt::format("'{}' declarations belong at the top level", start.text),
               "move it out of the body; bodies declare locals with 'let'");
        fail(start, fmt::format("expected a statement, found {}", found(start)), std::string(statement_help));
    }
    expect_end_of_line();
    return s;
  }

  // `x++`, `x--` and `x += 1` (C, C++, Python): each said as what to write instead.
  void check_c_assignment(const Token& name) {
    const Token& op = peek(1);
    const Token& next = peek(2);
    const bool adjacent = next.loc.line == op.loc.line && next.loc.col == op.loc.col + op.length;
    if ((op.kind == Tok::plus || op.kind == Tok::minus) && next.kind == op.kind && adjacent) {
      const char* sign = op.kind == Tok::plus ? "+" : "-";
      fail(op, fmt::format("'{0}{1}{1}' is not in the language", name.text, sign),
           fmt::format("write '{0} = {0} {1} 1' (a read and a write), or for an atomic '{0}.fetch_{2}(1)' (one step)",
                       name.text, sign, op.kind == Tok::plus ? "add" : "sub"));
    }
    static constexpr Tok compound[] = {Tok::plus, Tok::minus, Tok::star, Tok::slash, Tok::percent, Tok::amp,
                                       Tok::pipe, Tok::caret, Tok::shl, Tok::shr};
    if (next.kind == Tok::assign && adjacent && std::find(std::begin(compound), std::end(compound), op.kind) != std::end(compound)) {
      const std::string o(describe(op.kind).substr(1, op.length));
      const bool rmw = op.kind == Tok::plus || op.kind == Tok::minus || op.kind == Tok::amp || op.kind == Tok::pipe ||
                       op.kind == Tok::caret;
      const char* fetch = op.kind == Tok::plus ? "add" : op.kind == Tok::minus ? "sub" : op.kind == Tok::amp ? "and"
                          : op.kind == Tok::pipe ? "or" : "xor";
      fail(op, fmt::format("compound assignment '{}=' is not in the language", o),
           rmw ? fmt::format("write '{0} = {0} {1} ...' (a read and a write), or for an atomic '{0}.fetch_{2}(...)' (one step)",
                             name.text, o, fetch)
               : fmt::format("write '{0} = {0} {1} ...'", name.text, o));
    }
  }

  static std::string canonical_duration(std::uint64_t ns) {
    if (ns != 0 && ns % 1'000'000'000 == 0) return fmt::format("{}s", ns / 1'000'000'000);
    if (ns != 0 && ns % 1'000'000 == 0) return fmt::format("{}ms", ns / 1'000'000);
    if (ns != 0 && ns % 1'000 == 0) return fmt::format("{}us", ns / 1'000);
    return fmt::format("{}ns", ns);
  }

  // The value of let/assignment, or a statement of its own: spawn and join live only here.
  ExprPtr parse_rhs() {
    const Token& start = cur();
    if (start.kind == Tok::kw_spawn) {
      advance();
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::spawn;
      e->loc = start.loc;
      e->name_loc = cur().loc;
      e->name = expect_name("the name of a thread or process to spawn");
      if (!at(Tok::lparen))
        fail(cur(), fmt::format("expected '(' after '{}', found {}", e->name, found(cur())),
             fmt::format("spawn {}() (the parentheses are always written)", e->name));
      parse_args(*e, false);
      if (accept(Tok::kw_as)) e->spawn_as = expect(Tok::string, "a thread name in quotes", "spawn worker() as \"Worker-1\"").text;
      e->length = prev_end_col() - e->loc.col;
      return e;
    }
    if (start.kind == Tok::kw_join) {
      advance();
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::join;
      e->loc = start.loc;
      // A handle: a name or an array element, never arithmetic (`join t + 1` reads wrong).
      if (at(Tok::lparen) || at(Tok::minus) || at(Tok::kw_not))
        fail(cur(), "join takes a thread handle", "join t, or join handles[i]");
      e->args.push_back(parse_primary());
      e->length = prev_end_col() - e->loc.col;
      return e;
    }
    return parse_expr();
  }

  // ---- expressions ---------------------------------------------------------------------
  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser) : p(parser) {
      if (++p.expr_depth_ > max_expr_depth) {
        --p.expr_depth_;
        p.fail(p.cur(), fmt::format("expression is nested too deeply (the limit is {})", max_expr_depth));
      }
    }
    ~DepthGuard() { --p.expr_depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
  };

  ExprPtr finish(ExprPtr e) {
    e->length = std::max<std::uint32_t>(1, prev_end_col() - e->loc.col);
    for (const auto& a : e->args) e->height = std::max(e->height, a->height + 1);
    if (e->height > max_expr_height) {
      // At the operator that makes the tree one level too high: the first place to split.
      const bool op = e->kind == ExprKind::binary || e->kind == ExprKind::unary;
      sink_.error(op ? e->name_loc : e->loc, 1,
                  fmt::format("expression has too many levels of operators (the limit is {})", max_expr_height),
                  "split it into several statements, e.g. 'let part = ...' and then 'x = part + ...'");
      throw ParseError{};
    }
    return e;
  }

  ExprPtr binary(BinOp op, const Token& op_tok, ExprPtr lhs, ExprPtr rhs) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::binary;
    e->bin = op;
    e->loc = lhs->loc;
    e->name_loc = op_tok.loc;
    e->args.push_back(std::move(lhs));
    e->args.push_back(std::move(rhs));
    return finish(std::move(e));
  }

  ExprPtr parse_expr() {
    DepthGuard guard(*this);
    ExprPtr lhs = parse_and();
    while (at(Tok::kw_or)) {
      const Token& op = advance();
      lhs = binary(BinOp::or_, op, std::move(lhs), parse_and());
    }
    return lhs;
  }

  ExprPtr parse_and() {
    ExprPtr lhs = parse_not();
    while (at(Tok::kw_and)) {
      const Token& op = advance();
      lhs = binary(BinOp::and_, op, std::move(lhs), parse_not());
    }
    return lhs;
  }

  ExprPtr parse_not() {
    if (at(Tok::kw_not)) {
      DepthGuard guard(*this);
      const Token& op = advance();
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::unary;
      e->un = UnOp::not_;
      e->loc = op.loc;
      e->name_loc = op.loc;
      e->args.push_back(parse_not());
      return finish(std::move(e));
    }
    return parse_bit_or();
  }

  static std::optional<BinOp> comparison_op(Tok k) {
    switch (k) {
      case Tok::eq: return BinOp::eq;
      case Tok::ne: return BinOp::ne;
      case Tok::lt: return BinOp::lt;
      case Tok::le: return BinOp::le;
      case Tok::gt: return BinOp::gt;
      case Tok::ge: return BinOp::ge;
      default: return std::nullopt;
    }
  }

  // C's precedence: | loosest, then ^, then &, all looser than comparisons. A comparison
  // written bare as an operand of one of them is C's classic trap (`x & 1 == 0` is
  // `x & (1 == 0)`), so it is an error that shows both readings.
  ExprPtr bitwise_operand(ExprPtr e, const Token& op) {
    if (e->kind == ExprKind::binary && e->bin >= BinOp::eq && e->bin <= BinOp::ge && !e->parenthesized) {
      sink_.error(e->name_loc, static_cast<std::uint32_t>(spelling(e->bin).size()),
                  fmt::format("comparison '{}' inside bitwise '{}' needs parentheses", spelling(e->bin), op.kind == Tok::amp ? "&" : op.kind == Tok::pipe ? "|" : "^"),
                  "as in C, comparisons bind tighter than & | ^: write '(x & 1) == 0' to test bits, or 'x & (1 == 0)'");
      throw ParseError{};
    }
    return e;
  }

  ExprPtr parse_bit_or() {
    ExprPtr lhs = parse_bit_xor();
    while (at(Tok::pipe)) {
      const Token& op = advance();
      lhs = bitwise_operand(std::move(lhs), op);
      lhs = binary(BinOp::bit_or, op, std::move(lhs), bitwise_operand(parse_bit_xor(), op));
    }
    return lhs;
  }

  ExprPtr parse_bit_xor() {
    ExprPtr lhs = parse_bit_and();
    while (at(Tok::caret)) {
      const Token& op = advance();
      lhs = bitwise_operand(std::move(lhs), op);
      lhs = binary(BinOp::bit_xor, op, std::move(lhs), bitwise_operand(parse_bit_and(), op));
    }
    return lhs;
  }

  ExprPtr parse_bit_and() {
    ExprPtr lhs = parse_comparison();
    while (at(Tok::amp)) {
      const Token& op = advance();
      lhs = bitwise_operand(std::move(lhs), op);
      lhs = binary(BinOp::bit_and, op, std::move(lhs), bitwise_operand(parse_comparison(), op));
    }
    return lhs;
  }

  ExprPtr parse_shift() {
    ExprPtr lhs = parse_additive();
    while (at(Tok::shl) || at(Tok::shr)) {
      const Token& op = advance();
      lhs = binary(op.kind == Tok::shl ? BinOp::shl : BinOp::shr, op, std::move(lhs), parse_additive());
    }
    return lhs;
  }

  ExprPtr parse_comparison() {
    ExprPtr lhs = parse_shift();
    if (const auto op = comparison_op(cur().kind)) {
      const Token& op_tok = advance();
      lhs = binary(*op, op_tok, std::move(lhs), parse_shift());
      if (comparison_op(cur().kind))
        fail(cur(), "comparisons cannot be chained", "write 'a < b and b < c'");
    }
    return lhs;
  }

  ExprPtr parse_additive() {
    ExprPtr lhs = parse_term();
    while (at(Tok::plus) || at(Tok::minus)) {
      const Token& op = advance();
      lhs = binary(op.kind == Tok::plus ? BinOp::add : BinOp::sub, op, std::move(lhs), parse_term());
    }
    return lhs;
  }

  ExprPtr parse_term() {
    ExprPtr lhs = parse_unary();
    while (at(Tok::star) || at(Tok::slash) || at(Tok::percent)) {
      const Token& op = advance();
      const BinOp b = op.kind == Tok::star ? BinOp::mul : op.kind == Tok::slash ? BinOp::div : BinOp::mod;
      lhs = binary(b, op, std::move(lhs), parse_unary());
    }
    return lhs;
  }

  ExprPtr parse_unary() {
    if (at(Tok::tilde)) {
      DepthGuard guard(*this);
      const Token& op = advance();
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::unary;
      e->un = UnOp::bit_not;
      e->loc = op.loc;
      e->name_loc = op.loc;
      e->args.push_back(parse_unary());
      return finish(std::move(e));
    }
    if (!at(Tok::minus)) return parse_primary();
    DepthGuard guard(*this);
    const Token& op = advance();
    if (at(Tok::integer)) {  // a negative literal, so that the full int64 range is writable
      const Token& lit = advance();
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::integer;
      e->loc = op.loc;
      e->value = lit.magnitude == (std::uint64_t{1} << 63) ? std::numeric_limits<std::int64_t>::min()
                                                            : -static_cast<std::int64_t>(lit.magnitude);
      return finish(std::move(e));
    }
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::unary;
    e->un = UnOp::neg;
    e->loc = op.loc;
    e->name_loc = op.loc;
    e->args.push_back(parse_unary());
    return finish(std::move(e));
  }

  void parse_args(Expr& e, bool allow_order) {
    expect(Tok::lparen, "'('");
    if (!at(Tok::rparen)) {
      do {
        if (allow_order && cpp_memory_order(e)) break;
        if (allow_order && at(Tok::identifier) && memory_order(cur().text) &&
            (peek().kind == Tok::rparen || peek().kind == Tok::comma)) {
          e.order_loc = cur().loc;
          e.order = *memory_order(advance().text);
          // compare_exchange takes a second order, for failure: x.compare_exchange(e, d, acq_rel, acquire).
          if (at(Tok::comma) && peek().kind == Tok::identifier && memory_order(peek().text) &&
              peek(2).kind == Tok::rparen) {
            advance();
            e.failure_order_loc = cur().loc;
            e.failure_order = *memory_order(advance().text);
          }
          if (!at(Tok::rparen))
            fail(cur(), "the memory order must be the last argument", "x.store(1, release)");
          break;
        }
        if (at(Tok::string))
          fail(cur(), "strings cannot be arguments", "strings are for print, assert and crash messages, and 'as' names");
        e.args.push_back(parse_expr());
      } while (accept(Tok::comma));
    }
    expect(Tok::rparen, "')' or ','");
  }

  // C++'s spellings of an order (`memory_order_release`, `std::memory_order_release`,
  // `std::memory_order::release`): reported with the word to write, and read as that order
  // so that the call is not also miscounted.
  bool cpp_memory_order(Expr& e) {
    const std::size_t from = p_;
    const Token& first = cur();
    std::size_t k = 0;
    auto tok = [&](std::size_t n) -> const Token& { return peek(n); };
    if (first.kind == Tok::identifier && first.text == "std" && tok(1).kind == Tok::colon && tok(2).kind == Tok::colon) k = 3;
    if (tok(k).kind == Tok::identifier && tok(k).text == "memory_order" && tok(k + 1).kind == Tok::colon &&
        tok(k + 2).kind == Tok::colon && tok(k + 3).kind == Tok::identifier) {
      k += 3;
    } else if (tok(k).kind == Tok::identifier && tok(k).text.rfind("memory_order_", 0) == 0) {
    } else {
      return false;
    }
    const Token& last = tok(k);
    std::string word = last.text;
    if (word.rfind("memory_order_", 0) == 0) word = word.substr(13);
    const auto order = memory_order(word);
    if (!order || (tok(k + 1).kind != Tok::rparen && tok(k + 1).kind != Tok::comma)) return false;
    const std::uint32_t length = last.loc.col + last.length - first.loc.col;
    std::string written;
    for (std::size_t n = 0; n <= k; ++n) written += tok(n).kind == Tok::colon ? ":" : tok(n).text;
    sink_.error(first.loc, length, fmt::format("'{}' is C++'s spelling of a memory order", written),
                fmt::format("write '{}': orders are plain words here, the last arguments of the call", word));
    p_ = from + k + 1;
    if (e.order == MemOrder::unspecified) {
      e.order_loc = first.loc;
      e.order = *order;
    } else {
      e.failure_order_loc = first.loc;
      e.failure_order = *order;
    }
    if (at(Tok::comma)) {
      advance();
      if (!cpp_memory_order(e) && !(at(Tok::identifier) && memory_order(cur().text))) return true;
      if (at(Tok::identifier) && memory_order(cur().text)) {
        e.failure_order_loc = cur().loc;
        e.failure_order = *memory_order(advance().text);
      }
    }
    return true;
  }

  // At '.': NAME.method(ARGS) or NAME[i].method(ARGS).
  void parse_method(Expr& e) {
    advance();
    e.kind = ExprKind::method;
    e.method_loc = cur().loc;
    if (at(Tok::identifier) || is_keyword(cur().kind)) e.method = advance().text;
    else fail(cur(), fmt::format("expected a method name after '.', found {}", found(cur())));
    if (!at(Tok::lparen))
      fail(cur(), fmt::format("expected '(' after '.{}'", e.method), fmt::format("call it: {}.{}()", e.name, e.method));
    parse_args(e, true);
  }

  ExprPtr parse_primary() {
    const Token& tok = cur();
    auto e = std::make_unique<Expr>();
    e->loc = tok.loc;
    switch (tok.kind) {
      case Tok::integer:
        advance();
        if (tok.magnitude == (std::uint64_t{1} << 63)) {
          error(tok, fmt::format("integer literal '{}' is out of range", tok.text),
                "integers are 64-bit: -9223372036854775808 to 9223372036854775807");
        }
        e->kind = ExprKind::integer;
        e->value = static_cast<std::int64_t>(tok.magnitude & ~(std::uint64_t{1} << 63));
        return finish(std::move(e));
      case Tok::kw_true:
      case Tok::kw_false:
        advance();
        e->kind = ExprKind::integer;
        e->value = tok.kind == Tok::kw_true ? 1 : 0;
        e->name = tok.text;  // the printer keeps the spelling: `while true`, not `while 1`
        return finish(std::move(e));
      case Tok::lparen: {
        advance();
        ExprPtr inner = parse_expr();
        expect(Tok::rparen, "')'");
        inner->parenthesized = true;
        return inner;
      }
      case Tok::kw_any:
        advance();
        e->kind = ExprKind::any;
        parse_args(*e, false);
        if (e->args.size() != 2)
          fail(tok, fmt::format("any() takes 2 arguments, got {}", e->args.size()), "any(LO, HI) picks a value in [LO, HI]");
        return finish(std::move(e));
      case Tok::kw_thread_name:
        advance();
        e->kind = ExprKind::thread_name;
        expect(Tok::lparen, "'('", "thread_name()");
        expect(Tok::rparen, "')'", "thread_name() takes no arguments");
        return finish(std::move(e));
      case Tok::kw_spawn:
      case Tok::kw_join:
        fail(tok, fmt::format("'{}' cannot be part of an expression", tok.text),
             fmt::format("use it as a statement or a whole value: 'let t = spawn worker()', 'let r = join t'"));
      case Tok::string:
        fail(tok, "a string cannot be used as a value", "strings are for print, assert and crash messages, and 'as' names");
      case Tok::identifier:
        break;
      case Tok::error:
        throw ParseError{};
      default:
        if (is_keyword(tok.kind))
          fail(tok, fmt::format("expected a value, found keyword {}", describe(tok.kind)));
        fail(tok, fmt::format("expected a value, found {}", found(tok)));
    }
    advance();
    e->name = tok.text;
    e->name_loc = tok.loc;
    if (at(Tok::colon) && peek().kind == Tok::colon && peek().loc.col == cur().loc.col + 1)
      fail(tok, fmt::format("'{}::' is C++ scope syntax", tok.text),
           tok.text == "std" ? "there is no standard library here: drop 'std::' and write the operation itself"
                             : "names have no namespaces here: write the name alone");
    if (at(Tok::lparen)) {
      e->kind = ExprKind::call;
      parse_args(*e, false);
    } else if (at(Tok::lbracket)) {
      advance();
      e->kind = ExprKind::index;
      e->args.push_back(parse_expr());
      expect(Tok::rbracket, "']'");
      if (at(Tok::dot)) {  // a method of one element of an array of objects (v2)
        e->subscript = std::move(e->args[0]);
        e->args.clear();
        parse_method(*e);
      }
    } else if (at(Tok::dot)) {
      parse_method(*e);
    } else {
      e->kind = ExprKind::name;
    }
    return finish(std::move(e));
  }

  const std::vector<Token>& t_;
  DiagnosticSink& sink_;
  std::size_t p_ = 0;
  unsigned block_depth_ = 0;
  unsigned expr_depth_ = 0;
  std::string declaring_;
  std::string local_declaring_;
  Program* program_ = nullptr;
};

}  // namespace

Program parse(const std::vector<Token>& tokens, std::string path, DiagnosticSink& sink) {
  return Parser(tokens, sink).run(std::move(path));
}

}  // namespace interleave
