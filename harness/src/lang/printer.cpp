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
      out += e.name.empty() ? fmt::format("{}", e.value) : e.name;  // true and false keep their names
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

// Prints declarations and statements, putting the comments and blank lines of the source
// back: a whole-line comment before the line that follows it, at that line's indentation; a
// comment after code at the end of its line; a comment at the end of a block, indented
// deeper than the block's header, at the end of the block. One blank line is kept where
// the source had one or more (never right under a block's header).
class Printer {
 public:
  explicit Printer(const Trivia& trivia) : trivia_(trivia) {}

  std::string run(const Program& program) {
    DeclKind prev = DeclKind::scenario;
    bool first = true;
    for (std::size_t i = 0; i < program.decls.size(); ++i) {
      const Decl& d = program.decls[i];
      const std::uint32_t limit = i + 1 < program.decls.size() ? program.decls[i + 1].loc.line : no_limit;
      const bool has_body = d.kind == DeclKind::thread || d.kind == DeclKind::process || d.kind == DeclKind::fn ||
                            d.kind == DeclKind::main;
      // A blank line around bodies and between groups keeps the canonical form readable;
      // outcome lines stay under the observe they classify.
      const bool outcome_group = d.kind == DeclKind::outcome && prev == DeclKind::observe;
      const bool blank = !first && (has_body || (d.kind != prev && !outcome_group));
      first = false;
      prev = d.kind;
      decl(d, blank, limit);
    }
    // Comments after the last declaration.
    while (next_ < trivia_.comments.size()) {
      const Comment& c = trivia_.comments[next_++];
      emit(0, c.text, trivia_.is_blank(c.loc.line - 1));
    }
    return std::move(out_);
  }

 private:
  static constexpr std::uint32_t no_limit = UINT32_MAX;

  // One output line; `blank`: a blank line before it, unless it would open the file or
  // follow a block's header.
  void emit(int depth, const std::string& text, bool blank) {
    if (blank && !out_.empty() && !after_header_) out_ += '\n';
    out_.append(static_cast<std::size_t>(depth) * 4, ' ');
    out_ += text;
    out_ += '\n';
    after_header_ = false;
  }

  // The comments before source line `line`, then the line's own text with its trailing
  // comment. `blank`: the canonical form wants a blank line before this line (and its comments).
  void head(Loc at, int depth, const std::string& text, bool blank) {
    bool first = true;
    while (next_ < trivia_.comments.size() && trivia_.comments[next_].loc.line < at.line) {
      const Comment& c = trivia_.comments[next_++];
      emit(depth, c.text, (first && blank) || trivia_.is_blank(c.loc.line - 1));
      first = false;
    }
    std::string row = text;
    if (next_ < trivia_.comments.size() && trivia_.comments[next_].loc.line == at.line) {
      // A trailing comment keeps its column when the code still fits before it (so aligned
      // comments stay aligned), else it follows two spaces after the code.
      const Comment& c = trivia_.comments[next_++];
      const std::size_t width = static_cast<std::size_t>(depth) * 4 + count_columns(row);
      const std::size_t col = c.loc.col - 1;
      row.append(col >= width + 2 ? col - width : 2, ' ');
      row += c.text;
    }
    emit(depth, row, (first && blank) || (at.line > 1 && trivia_.is_blank(at.line - 1)));
  }

  // A block, its statements at `depth`; header_col is the column of the line that opened
  // it, and `limit` the line of whatever follows the block.
  void block(const Block& b, int depth, std::uint32_t header_col, std::uint32_t limit) {
    after_header_ = true;
    for (std::size_t i = 0; i < b.size(); ++i) stmt(b[i], depth, i + 1 < b.size() ? b[i + 1].loc.line : limit);
    // Comments after the last statement that are indented deeper than the header belong to the block.
    while (next_ < trivia_.comments.size()) {
      const Comment& c = trivia_.comments[next_];
      if (c.loc.line >= limit || c.loc.col <= header_col) break;
      emit(depth, c.text, trivia_.is_blank(c.loc.line - 1));
      ++next_;
    }
  }

  void stmt(const Stmt& s, int depth, std::uint32_t limit) {
    head(s.loc, depth, print_stmt_head(s), false);
    switch (s.kind) {
      case StmtKind::if_: {
        for (std::size_t i = 0; i <= s.elifs.size(); ++i) {
          const Block& body = i == 0 ? s.body : s.elifs[i - 1].body;
          const std::uint32_t end = i < s.elifs.size() ? s.elifs[i].loc.line : s.has_else ? s.else_loc.line : limit;
          block(body, depth + 1, s.loc.col, end);
          if (i < s.elifs.size()) head(s.elifs[i].loc, depth, "elif " + expr_text(*s.elifs[i].cond) + ":", false);
        }
        if (s.has_else) {
          head(s.else_loc, depth, "else:", false);
          block(s.else_body, depth + 1, s.loc.col, limit);
        }
        break;
      }
      case StmtKind::while_:
      case StmtKind::repeat:
      case StmtKind::for_:
      case StmtKind::with:
        block(s.body, depth + 1, s.loc.col, limit);
        break;
      default:
        break;
    }
  }

  void decl(const Decl& d, bool blank, std::uint32_t limit) {
    std::string text;
    switch (d.kind) {
      case DeclKind::scenario: text = "scenario " + d.name; break;
      case DeclKind::about: text = "about " + quote(d.name); break;
      case DeclKind::memory: text = "memory " + d.name; break;
      case DeclKind::option: text = d.init ? fmt::format("option {} = {}", d.name, expr_text(*d.init)) : "option " + d.name; break;
      case DeclKind::constant: text = fmt::format("const {} = {}", d.name, expr_text(*d.init)); break;
      case DeclKind::shared:
        text = d.size ? fmt::format("shared {}[{}] = {}", d.name, expr_text(*d.size), expr_text(*d.init))
                      : fmt::format("shared {} = {}", d.name, expr_text(*d.init));
        break;
      case DeclKind::atomic: text = fmt::format("atomic {}{} = {}", d.name, count_text(d), expr_text(*d.init)); break;
      case DeclKind::mutex: text = "mutex " + d.name + count_text(d); break;
      case DeclKind::cond: text = "cond " + d.name + count_text(d); break;
      case DeclKind::semaphore: text = fmt::format("semaphore {}{} = {}", d.name, count_text(d), expr_text(*d.init)); break;
      case DeclKind::queue: text = fmt::format("queue {}{}[{}]", d.name, count_text(d), expr_text(*d.size)); break;
      case DeclKind::thread:
      case DeclKind::process:
        text = fmt::format("{} {}{}:", spelling(d.kind), d.name, d.params.empty() ? "" : params_text(d));
        break;
      case DeclKind::fn: text = fmt::format("fn {}{}:", d.name, params_text(d)); break;
      case DeclKind::main: text = "main:"; break;
      case DeclKind::final:
      case DeclKind::always:
        text = with_message(print_property_head(d), d.message);
        break;
      case DeclKind::observe:
        text = "observe ";
        for (std::size_t i = 0; i < d.exprs.size(); ++i) text += (i ? ", " : "") + expr_text(*d.exprs[i]);
        break;
      case DeclKind::outcome: text = print_outcome(d); break;
      case DeclKind::expect:
        text = print_expect(d);
        break;
    }
    head(d.loc, 0, text, blank);
    if (d.kind == DeclKind::thread || d.kind == DeclKind::process || d.kind == DeclKind::fn ||
        d.kind == DeclKind::main)
      block(d.body, 1, d.loc.col, limit);
  }

  const Trivia& trivia_;
  std::string out_;
  std::size_t next_ = 0;       // the first comment not yet printed
  bool after_header_ = false;  // the last line printed opened a block
};

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

std::string print_property_head(const Decl& d) {
  if (d.name.empty()) return fmt::format("{} {}", spelling(d.kind), expr_text(*d.exprs[0]));
  return fmt::format("{} {}: {}", spelling(d.kind), d.name, expr_text(*d.exprs[0]));
}

std::string print_expect(const Decl& d) {
  std::string text = fmt::format("expect {}", spelling(d.expect));
  if (d.expect_names.empty()) return text;
  // `failure` names properties directly (v2); `race` (and, as an error, any other kind)
  // names variables after `on`.
  text += d.expect == ExpectKind::failure ? " " : " on ";
  for (std::size_t i = 0; i < d.expect_names.size(); ++i) text += (i ? ", " : "") + d.expect_names[i];
  return text;
}

std::string print(const Program& program) { return print(program, Trivia{}); }

std::string print(const Program& program, const Trivia& trivia) { return Printer(trivia).run(program); }

}  // namespace interleave
