#include "interleave/printer.hpp"

#include <fmt/format.h>

namespace interleave {

namespace {

// Binding strength, loosest first; the parser's grammar has the same levels.
enum Prec : int { p_or = 1, p_and, p_not, p_bit_or, p_bit_xor, p_bit_and, p_cmp, p_shift, p_add, p_mul, p_unary, p_primary };

int prec_of(BinOp op) {
  switch (op) {
    case BinOp::or_: return p_or;
    case BinOp::and_: return p_and;
    case BinOp::add:
    case BinOp::sub: return p_add;
    case BinOp::mul:
    case BinOp::div:
    case BinOp::mod: return p_mul;
    case BinOp::bit_or: return p_bit_or;
    case BinOp::bit_xor: return p_bit_xor;
    case BinOp::bit_and: return p_bit_and;
    case BinOp::shl:
    case BinOp::shr: return p_shift;
    default: return p_cmp;
  }
}

int prec_of(const Expr& e) {
  switch (e.kind) {
    case ExprKind::binary: return prec_of(e.bin);
    case ExprKind::unary: return e.un == UnOp::not_ ? p_not : p_unary;
    case ExprKind::integer: return e.value < 0 ? p_unary : p_primary;
    case ExprKind::spawn:
    case ExprKind::join: return 0;
    default: return p_primary;
  }
}

void print_args(std::string& out, const std::vector<ExprPtr>& args, MemOrder order = MemOrder::unspecified,
                MemOrder failure_order = MemOrder::unspecified);

void print_expr(std::string& out, const Expr& e, int min_prec) {
  const bool parens = prec_of(e) < min_prec;
  if (parens) out += '(';
  switch (e.kind) {
    case ExprKind::integer:
      out += fmt::format("{}", e.value);
      break;
    case ExprKind::name:
      out += e.name;
      break;
    case ExprKind::unary:
      if (e.un == UnOp::not_) {
        out += "not ";
        print_expr(out, *e.args[0], p_not);
      } else if (e.un == UnOp::bit_not) {
        out += '~';
        print_expr(out, *e.args[0], p_unary);
      } else {
        out += '-';
        // "-5" would read back as the literal -5, and "--x" is fine but "-(-5)" is clearer.
        if (e.args[0]->kind == ExprKind::integer) {
          out += '(';
          print_expr(out, *e.args[0], 0);
          out += ')';
        } else {
          print_expr(out, *e.args[0], p_unary);
        }
      }
      break;
    case ExprKind::binary: {
      const int p = prec_of(e.bin);
      const bool comparison = p == p_cmp;
      // A comparison under & | ^ is always parenthesised: the parser refuses it bare.
      const bool bitwise = p >= p_bit_or && p <= p_bit_and;
      auto operand = [&](const Expr& a, int min) {
        print_expr(out, a, bitwise && prec_of(a) == p_cmp ? p_cmp + 1 : min);
      };
      operand(*e.args[0], comparison ? p + 1 : p);
      out += fmt::format(" {} ", spelling(e.bin));
      operand(*e.args[1], p + 1);
      break;
    }
    case ExprKind::index:
      out += e.name;
      out += '[';
      print_expr(out, *e.args[0], 0);
      out += ']';
      break;
    case ExprKind::call:
      out += e.name;
      print_args(out, e.args);
      break;
    case ExprKind::method:
      out += e.name;
      if (e.subscript) {
        out += '[';
        print_expr(out, *e.subscript, 0);
        out += ']';
      }
      out += '.';
      out += e.method;
      print_args(out, e.args, e.order, e.failure_order);
      break;
    case ExprKind::any:
      out += "any";
      print_args(out, e.args);
      break;
    case ExprKind::thread_name:
      out += "thread_name()";
      break;
    case ExprKind::spawn:
      out += "spawn ";
      out += e.name;
      print_args(out, e.args);
      if (e.spawn_as) out += " as " + quote(*e.spawn_as);
      break;
    case ExprKind::join:
      out += "join ";
      print_expr(out, *e.args[0], 0);
      break;
  }
  if (parens) out += ')';
}

void print_args(std::string& out, const std::vector<ExprPtr>& args, MemOrder order, MemOrder failure_order) {
  out += '(';
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i) out += ", ";
    print_expr(out, *args[i], 0);
  }
  if (order != MemOrder::unspecified) {
    if (!args.empty()) out += ", ";
    out += spelling(order);
    if (failure_order != MemOrder::unspecified) {
      out += ", ";
      out += spelling(failure_order);
    }
  }
  out += ')';
}

std::string expr_text(const Expr& e) {
  std::string out;
  print_expr(out, e, 0);
  return out;
}

void print_block(std::string& out, const Block& block, int depth);

void line(std::string& out, int depth, const std::string& text) {
  out.append(static_cast<std::size_t>(depth) * 4, ' ');
  out += text;
  out += '\n';
}

void print_stmt(std::string& out, const Stmt& s, int depth) {
  line(out, depth, print_stmt_head(s));
  switch (s.kind) {
    case StmtKind::if_:
      print_block(out, s.body, depth + 1);
      for (const auto& clause : s.elifs) {
        line(out, depth, "elif " + expr_text(*clause.cond) + ":");
        print_block(out, clause.body, depth + 1);
      }
      if (s.has_else) {
        line(out, depth, "else:");
        print_block(out, s.else_body, depth + 1);
      }
      break;
    case StmtKind::while_:
    case StmtKind::repeat:
    case StmtKind::for_:
    case StmtKind::with:
      print_block(out, s.body, depth + 1);
      break;
    default:
      break;
  }
}

void print_block(std::string& out, const Block& block, int depth) {
  for (const Stmt& s : block) print_stmt(out, s, depth);
}

// "[4]" after the name of an array of objects (v2), else nothing.
std::string count_text(const Decl& d) { return d.count ? "[" + expr_text(*d.count) + "]" : std::string(); }

std::string params_text(const Decl& d) {
  std::string out = "(";
  for (std::size_t i = 0; i < d.params.size(); ++i) {
    if (i) out += ", ";
    out += d.params[i].name;
  }
  return out + ")";
}

std::string with_message(std::string text, const std::optional<std::string>& message) {
  if (message) text += " " + quote(*message);
  return text;
}

}  // namespace

std::string quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string print(const Expr& expr) { return expr_text(expr); }

std::string print_stmt_head(const Stmt& s) {
  switch (s.kind) {
    case StmtKind::let: return fmt::format("let {} = {}", s.name, expr_text(*s.value));
    case StmtKind::assign:
      if (s.index) return fmt::format("{}[{}] = {}", s.name, expr_text(*s.index), expr_text(*s.value));
      return fmt::format("{} = {}", s.name, expr_text(*s.value));
    case StmtKind::expr: return expr_text(*s.value);
    case StmtKind::if_: return fmt::format("if {}:", expr_text(*s.value));
    case StmtKind::while_: return fmt::format("while {}:", expr_text(*s.value));
    case StmtKind::repeat: return fmt::format("repeat {}:", expr_text(*s.value));
    case StmtKind::for_:
      if (s.range_lo)
        return fmt::format("for {} in range({}, {}):", s.name, expr_text(*s.range_lo), expr_text(*s.range_hi));
      return fmt::format("for {} in range({}):", s.name, expr_text(*s.range_hi));
    case StmtKind::break_: return "break";
    case StmtKind::continue_: return "continue";
    case StmtKind::return_: return s.value ? "return " + expr_text(*s.value) : "return";
    case StmtKind::with:
      return s.index ? fmt::format("with {}[{}]:", s.name, expr_text(*s.index)) : fmt::format("with {}:", s.name);
    case StmtKind::assert_: return with_message("assert " + expr_text(*s.value), s.message);
    case StmtKind::print: {
      std::string out = "print ";
      for (std::size_t i = 0; i < s.print_args.size(); ++i) {
        if (i) out += ", ";
        const auto& a = s.print_args[i];
        out += a.is_string ? quote(a.text) : expr_text(*a.expr);
      }
      return out;
    }
    case StmtKind::yield: return "yield";
    case StmtKind::sleep: return "sleep " + s.duration_text;
    case StmtKind::fence: return s.order == MemOrder::unspecified ? "fence" : fmt::format("fence {}", spelling(s.order));
    case StmtKind::crash: return s.message ? "crash " + quote(*s.message) : "crash";
  }
  return {};
}

std::string print_outcome(const Decl& d) {
  std::string text = "outcome ";
  if (d.outcome_else) text += "else";
  for (std::size_t i = 0; i < d.exprs.size(); ++i) text += (i ? ", " : "") + expr_text(*d.exprs[i]);
  return with_message(fmt::format("{} {}", text, spelling(d.outcome)), d.message);
}

std::string print(const Program& program) {
  std::string out;
  DeclKind prev = DeclKind::scenario;
  bool first = true;
  for (const Decl& d : program.decls) {
    const bool has_body = d.kind == DeclKind::thread || d.kind == DeclKind::process || d.kind == DeclKind::fn ||
                          d.kind == DeclKind::main;
    // A blank line around bodies and between groups keeps the canonical form readable;
    // outcome lines stay under the observe they classify.
    const bool outcome_group = d.kind == DeclKind::outcome && prev == DeclKind::observe;
    if (!first && (has_body || (d.kind != prev && !outcome_group))) out += '\n';
    first = false;
    prev = d.kind;
    switch (d.kind) {
      case DeclKind::scenario: line(out, 0, "scenario " + d.name); break;
      case DeclKind::about: line(out, 0, "about " + quote(d.name)); break;
      case DeclKind::memory: line(out, 0, "memory " + d.name); break;
      case DeclKind::option:
        line(out, 0, d.init ? fmt::format("option {} = {}", d.name, expr_text(*d.init)) : "option " + d.name);
        break;
      case DeclKind::constant: line(out, 0, fmt::format("const {} = {}", d.name, expr_text(*d.init))); break;
      case DeclKind::shared:
        if (d.size)
          line(out, 0, fmt::format("shared {}[{}] = {}", d.name, expr_text(*d.size), expr_text(*d.init)));
        else
          line(out, 0, fmt::format("shared {} = {}", d.name, expr_text(*d.init)));
        break;
      case DeclKind::atomic: line(out, 0, fmt::format("atomic {}{} = {}", d.name, count_text(d), expr_text(*d.init))); break;
      case DeclKind::mutex: line(out, 0, "mutex " + d.name + count_text(d)); break;
      case DeclKind::cond: line(out, 0, "cond " + d.name + count_text(d)); break;
      case DeclKind::semaphore:
        line(out, 0, fmt::format("semaphore {}{} = {}", d.name, count_text(d), expr_text(*d.init)));
        break;
      case DeclKind::queue: line(out, 0, fmt::format("queue {}{}[{}]", d.name, count_text(d), expr_text(*d.size))); break;
      case DeclKind::thread:
      case DeclKind::process:
        line(out, 0, fmt::format("{} {}{}:", spelling(d.kind), d.name, d.params.empty() ? "" : params_text(d)));
        print_block(out, d.body, 1);
        break;
      case DeclKind::fn:
        line(out, 0, fmt::format("fn {}{}:", d.name, params_text(d)));
        print_block(out, d.body, 1);
        break;
      case DeclKind::main:
        line(out, 0, "main:");
        print_block(out, d.body, 1);
        break;
      case DeclKind::final:
      case DeclKind::always:
        line(out, 0, with_message(fmt::format("{} {}", spelling(d.kind), expr_text(*d.exprs[0])), d.message));
        break;
      case DeclKind::observe: {
        std::string text = "observe ";
        for (std::size_t i = 0; i < d.exprs.size(); ++i) text += (i ? ", " : "") + expr_text(*d.exprs[i]);
        line(out, 0, text);
        break;
      }
      case DeclKind::outcome: line(out, 0, print_outcome(d)); break;
      case DeclKind::expect:
        line(out, 0, d.expect_on ? fmt::format("expect {} on {}", spelling(d.expect), *d.expect_on)
                                 : fmt::format("expect {}", spelling(d.expect)));
        break;
    }
  }
  return out;
}

}  // namespace interleave
