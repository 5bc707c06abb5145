#include "interleave/steps.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>

#include "interleave/printer.hpp"

namespace interleave {

namespace {

std::string order_text(MemOrder o) {
  return std::string(spelling(o == MemOrder::unspecified ? MemOrder::seq_cst : o));
}

// The object a method or `with` works on: NAME, or NAME[INDEX] for an element (v2).
std::string object_name(const std::string& name, const Expr* subscript) {
  return subscript ? fmt::format("{}[{}]", name, print(*subscript)) : name;
}
std::string with_name(const Stmt& s) { return object_name(s.name, s.index.get()); }

void expr_steps(const Program& p, const Expr& e, std::vector<StepInfo>& out) {
  auto add = [&](std::string op) { out.push_back(StepInfo{e.loc, std::move(op)}); };
  if (e.as_handle) {  // v2: passing a handle reads nothing; an element's index may
    if (e.kind == ExprKind::index) expr_steps(p, *e.args[0], out);
    return;
  }
  switch (e.kind) {
    case ExprKind::integer:
    case ExprKind::thread_name:
      return;
    case ExprKind::name:
      if (e.ref.kind == RefKind::shared) add("read " + e.name);
      else if (e.ref.kind == RefKind::atomic) add(fmt::format("load {} (seq_cst)", e.name));
      return;
    case ExprKind::index:
      expr_steps(p, *e.args[0], out);
      if (e.ref.kind == RefKind::atomic) add(fmt::format("load {}[{}] (seq_cst)", e.name, print(*e.args[0])));
      else if (e.ref.kind == RefKind::local) add(fmt::format("read heap cell {}[{}]", e.name, print(*e.args[0])));  // v2 heap
      else add(fmt::format("read {}[{}]", e.name, print(*e.args[0])));
      return;
    case ExprKind::unary:
    case ExprKind::binary:
    case ExprKind::any:
    case ExprKind::call:  // the callee's steps belong to its own body
      for (const auto& a : e.args) expr_steps(p, *a, out);
      if (e.ref.kind == RefKind::builtin)  // v2 heap: alloc(N), alloc_atomic(N), free(P)
        add(e.name == "free" ? "free " + print(*e.args[0]) : fmt::format("{}({})", e.name, print(*e.args[0])));
      return;
    case ExprKind::method: {
      const std::size_t first = e.method == "wait" ? 1 : 0;  // wait's argument names a mutex
      if (e.subscript) expr_steps(p, *e.subscript, out);
      if (first == 1 && !e.args.empty() && e.args[0]->kind == ExprKind::index) expr_steps(p, *e.args[0]->args[0], out);
      for (std::size_t i = first; i < e.args.size(); ++i) expr_steps(p, *e.args[i], out);
      const std::string name = object_name(e.name, e.subscript.get());
      if (e.ref.kind == RefKind::local) {  // v2 heap: an atomic method on a heap cell
        add(fmt::format("{} heap cell {} ({})", e.method, name, order_text(e.order)));
      } else if (e.ref.kind == RefKind::atomic && (e.method == "compare_exchange" || e.method == "compare_exchange_weak")) {
        // The failure order, as C++ derives it when it is not written.
        MemOrder f = e.failure_order;
        if (f == MemOrder::unspecified)
          f = e.order == MemOrder::acq_rel ? MemOrder::acquire : e.order == MemOrder::release ? MemOrder::relaxed : e.order;
        add(fmt::format("{} {} ({}; on failure {})", e.method, name, order_text(e.order), order_text(f)));
      } else if (e.ref.kind == RefKind::atomic) {
        add(fmt::format("{} {} ({})", e.method, name, order_text(e.order)));
      } else if (e.method == "wait" && !e.args.empty()) {
        const Expr& mu = *e.args[0];
        const std::string m = object_name(mu.name, mu.kind == ExprKind::index ? mu.args[0].get() : nullptr);
        add(fmt::format("wait {} (unlocks {})", name, m));
        add(fmt::format("wake from {} (relocks {})", name, m));
      } else {
        add(fmt::format("{} {}", e.method, name));
      }
      return;
    }
    case ExprKind::spawn:
      for (const auto& a : e.args) expr_steps(p, *a, out);
      add(fmt::format("spawn {}{}", e.name, e.spawn_as ? " as " + quote(*e.spawn_as) : std::string{}));
      return;
    case ExprKind::join:
      expr_steps(p, *e.args[0], out);
      add("join " + print(*e.args[0]));
      return;
  }
}

}  // namespace

std::vector<StepInfo> expression_steps(const Program& program, const Expr& expr) {
  std::vector<StepInfo> out;
  expr_steps(program, expr, out);
  return out;
}

std::vector<StepInfo> statement_steps(const Program& p, const Stmt& s) {
  std::vector<StepInfo> out;
  switch (s.kind) {
    case StmtKind::let:
    case StmtKind::expr:
    case StmtKind::if_:
    case StmtKind::while_:
    case StmtKind::repeat:
    case StmtKind::assert_:
      expr_steps(p, *s.value, out);
      break;
    case StmtKind::return_:
      if (s.value) expr_steps(p, *s.value, out);
      break;
    case StmtKind::assign:
      if (s.index) expr_steps(p, *s.index, out);
      expr_steps(p, *s.value, out);
      if (s.ref.kind == RefKind::shared)
        out.push_back({s.name_loc, s.index ? fmt::format("write {}[{}]", s.name, print(*s.index)) : "write " + s.name});
      else if (s.ref.kind == RefKind::atomic)
        out.push_back({s.name_loc, fmt::format("store {} (seq_cst)", with_name(s))});
      else if (s.ref.kind == RefKind::local && s.index)  // v2 heap
        out.push_back({s.name_loc, fmt::format("write heap cell {}[{}]", s.name, print(*s.index))});
      break;
    case StmtKind::for_:
      if (s.range_lo) expr_steps(p, *s.range_lo, out);
      expr_steps(p, *s.range_hi, out);
      break;
    case StmtKind::with:
      if (s.index) expr_steps(p, *s.index, out);
      out.push_back({s.loc, "lock " + with_name(s)});
      break;
    case StmtKind::print:
      for (const auto& a : s.print_args)
        if (a.expr) expr_steps(p, *a.expr, out);
      break;
    case StmtKind::yield: out.push_back({s.loc, "yield"}); break;
    case StmtKind::sleep: out.push_back({s.loc, "sleep " + s.duration_text}); break;
    case StmtKind::fence: out.push_back({s.loc, fmt::format("fence ({})", order_text(s.order))}); break;
    case StmtKind::break_:
    case StmtKind::continue_:
    case StmtKind::crash:
      break;
  }
  return out;
}

namespace {

constexpr std::size_t location_column = 56;  // where file:line annotations start

class Explainer {
 public:
  explicit Explainer(const Program& p) : p_(p) {}

  std::string run() {
    out_ += fmt::format("scenario {}\n", p_.scenario_name);
    out_ += fmt::format("  file:  {}\n", p_.path);
    if (!p_.about.empty()) out_ += fmt::format("  about: {}\n", p_.about);
    declarations();
    for (const Decl& d : p_.decls)
      if (d.kind == DeclKind::thread || d.kind == DeclKind::process || d.kind == DeclKind::fn ||
          d.kind == DeclKind::main)
        body(d);
    if (!p_.main_decl) implicit_main();
    properties();
    return std::move(out_);
  }

  // What explain() shows for one source line (its statement and its steps), for hovers.
  std::string rows_of(std::uint32_t line) const {
    const auto it = by_line_.find(line);
    if (it == by_line_.end()) return {};
    std::size_t indent = SIZE_MAX;
    for (const auto& [depth, text] : it->second) indent = std::min(indent, depth);
    std::string out;
    for (const auto& [depth, text] : it->second) out += std::string(depth - indent, ' ') + text + "\n";
    return out;
  }

 private:
  std::string where(Loc l) const { return fmt::format("{}:{}", p_.path, l.line); }

  void record(std::uint32_t line, std::size_t indent, const std::string& text) {
    by_line_[line].emplace_back(indent, text);
  }

  void annotated(std::size_t indent, const std::string& text, Loc l) {
    record(l.line, indent, text);
    std::string row(indent, ' ');
    row += text;
    row.append(row.size() + 2 <= location_column ? location_column - row.size() : 2, ' ');
    out_ += row + where(l) + "\n";
  }

  static std::string count(const Decl& d) { return d.count ? fmt::format("[{}]", d.count_value) : std::string(); }

  void declarations() {
    out_ += "\ndeclarations\n";
    bool any = false;
    for (const Decl& d : p_.decls) {
      std::string text;
      switch (d.kind) {
        case DeclKind::constant: text = fmt::format("const {} = {}", d.name, d.init_value); break;
        case DeclKind::shared:
          text = d.size ? fmt::format("shared {}[{}] = {}", d.name, d.size_value, d.init_value)
                        : fmt::format("shared {} = {}", d.name, d.init_value);
          break;
        case DeclKind::atomic: text = fmt::format("atomic {}{} = {}", d.name, count(d), d.init_value); break;
        case DeclKind::mutex: text = "mutex " + d.name + count(d); break;
        case DeclKind::cond: text = "cond " + d.name + count(d); break;
        case DeclKind::semaphore: text = fmt::format("semaphore {}{} = {}", d.name, count(d), d.init_value); break;
        case DeclKind::queue: text = fmt::format("queue {}{}[{}]", d.name, count(d), d.size_value); break;
        case DeclKind::option: text = d.init ? fmt::format("option {} = {}", d.name, print(*d.init)) : "option " + d.name; break;
        default: continue;
      }
      any = true;
      annotated(2, text, d.name_loc);
    }
    if (!any) out_ += "  (none)\n";
  }

  void body(const Decl& d) {
    step_ = 0;
    std::string head;
    switch (d.kind) {
      case DeclKind::main: head = "main (thread \"MainThread\")"; break;
      case DeclKind::fn: head = fmt::format("fn {}(", d.name); break;
      default: head = fmt::format("{} {}(", spelling(d.kind), d.name); break;
    }
    if (d.kind != DeclKind::main) {
      for (std::size_t i = 0; i < d.params.size(); ++i) head += (i ? ", " : "") + d.params[i].name;
      head += ")";
    }
    out_ += "\n";
    annotated(0, head, d.loc);
    block(d.body, 1);
    // A thread's end is a step too: joins and the final check wait for it.
    if (d.kind != DeclKind::fn) steps({StepInfo{d.loc, "end"}}, 0);
    else if (step_ == 0) out_ += "    (no visible steps)\n";
  }

  void block(const Block& b, std::size_t depth) {
    for (const Stmt& s : b) stmt(s, depth);
  }

  void steps(const std::vector<StepInfo>& list, std::size_t depth) {
    for (const auto& st : list) annotated(depth * 4 + 4, fmt::format("[{}] {}", ++step_, st.operation), st.loc);
  }

  // The implicit unlocks of the `with` blocks that a jump leaves, innermost first, as the
  // compiler emits them.
  void leave_withs(std::size_t down_to, std::size_t depth) {
    for (std::size_t i = withs_.size(); i > down_to; --i)
      steps({StepInfo{withs_[i - 1]->loc, fmt::format("unlock {} (leaving the with block)", with_name(*withs_[i - 1]))}}, depth);
  }

  void stmt(const Stmt& s, std::size_t depth) {
    out_ += std::string(depth * 4, ' ') + print_stmt_head(s) + "\n";
    record(s.loc.line, depth * 4, print_stmt_head(s));
    steps(statement_steps(p_, s), depth);
    if (s.kind == StmtKind::break_ || s.kind == StmtKind::continue_) leave_withs(loops_.empty() ? 0 : loops_.back(), depth);
    if (s.kind == StmtKind::return_) leave_withs(0, depth);
    switch (s.kind) {
      case StmtKind::if_:
        block(s.body, depth + 1);
        for (const auto& clause : s.elifs) {
          out_ += std::string(depth * 4, ' ') + "elif " + print(*clause.cond) + ":\n";
          record(clause.loc.line, depth * 4, "elif " + print(*clause.cond) + ":");
          steps(expression_steps(p_, *clause.cond), depth);
          block(clause.body, depth + 1);
        }
        if (s.has_else) {
          out_ += std::string(depth * 4, ' ') + "else:\n";
          block(s.else_body, depth + 1);
        }
        break;
      case StmtKind::while_:
      case StmtKind::repeat:
      case StmtKind::for_:
        loops_.push_back(withs_.size());
        block(s.body, depth + 1);
        loops_.pop_back();
        break;
      case StmtKind::with:
        withs_.push_back(&s);
        block(s.body, depth + 1);
        withs_.pop_back();
        steps({StepInfo{s.loc, fmt::format("unlock {} (leaving the with block)", with_name(s))}}, depth);
        break;
      default:
        break;
    }
  }

  void implicit_main() {
    out_ += "\nmain (implicit): every thread without parameters starts at once, named after its declaration;\n"
            "the run ends when all have finished\n";
    for (const auto& t : p_.threads) {
      const Decl& d = p_.decls[t.decl];
      if (d.params.empty()) annotated(4, fmt::format("start {} as \"{}\"", d.name, d.name), d.loc);
    }
  }

  void properties() {
    out_ += "\nproperties\n";
    bool any = false;
    for (const Decl& d : p_.decls) {
      std::string text;
      switch (d.kind) {
        case DeclKind::final: text = print_property_head(d) + "   (once every thread has finished)"; break;
        case DeclKind::always: text = print_property_head(d) + "   (between every two steps)"; break;
        case DeclKind::observe: {
          text = "observe ";
          for (std::size_t i = 0; i < d.exprs.size(); ++i) text += (i ? ", " : "") + print(*d.exprs[i]);
          text += "   (recorded at the end of every run)";
          break;
        }
        case DeclKind::outcome:
          text = print_outcome(d);
          text += d.outcome == OutcomeClass::forbidden ? "   (a finding when observed)"
                  : d.outcome == OutcomeClass::interesting ? "   (allowed; worth a look when observed)"
                                                           : "   (allowed)";
          break;
        default: continue;
      }
      any = true;
      annotated(2, text, d.loc);
    }
    if (!any) out_ += "  (none)\n";
    out_ += "\nexpectations\n";
    any = false;
    for (const Decl& d : p_.decls) {
      if (d.kind != DeclKind::expect) continue;
      any = true;
      annotated(2, print_expect(d), d.loc);
    }
    if (!any) out_ += "  expect clean   (no expect lines: every run must be free of findings)\n";
  }

  const Program& p_;
  std::string out_;
  unsigned step_ = 0;
  std::vector<const Stmt*> withs_;   // the with blocks around the current statement
  std::vector<std::size_t> loops_;   // for each enclosing loop, how many withs were open outside it
  std::map<std::uint32_t, std::vector<std::pair<std::size_t, std::string>>> by_line_;  // line -> (indent, row)
};

}  // namespace

std::string explain(const Program& program) { return Explainer(program).run(); }

std::string explain_line(const Program& program, std::uint32_t line) {
  Explainer e(program);
  e.run();
  return e.rows_of(line);
}

}  // namespace interleave
