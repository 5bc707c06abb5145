// AST to bytecode. Every statement gets a Site (its line and canonical text) that its
// instructions point to, so traces and findings can quote the scenario.
#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <unordered_map>

#include "interleave/bytecode.hpp"
#include "interleave/printer.hpp"

namespace interleave {

namespace {

std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

class Compiler {
 public:
  explicit Compiler(const Program& p) : p_(p) {}

  Module run() {
    m_.path = p_.path;
    m_.scenario_name = p_.scenario_name;
    m_.memory = p_.memory;
    m_.spurious_wakeups = p_.spurious_wakeups;
    m_.max_steps = p_.max_steps;
    std::string identity = print(p_);
    for (const auto& [name, value] : p_.const_values) identity += fmt::format("\n{}={}", name, value);
    m_.hash = fnv1a(identity);
    layout_memory();
    // Bodies first get their indices, so spawns and calls can refer to bodies not yet compiled.
    for (std::uint32_t i = 0; i < p_.decls.size(); ++i) {
      const Decl& d = p_.decls[i];
      if (d.kind != DeclKind::thread && d.kind != DeclKind::process && d.kind != DeclKind::fn && d.kind != DeclKind::main)
        continue;
      body_of_decl_[i] = static_cast<std::uint32_t>(m_.bodies.size());
      Body b;
      b.name = d.kind == DeclKind::main ? "main" : d.name;
      b.kind = d.kind;
      b.params = static_cast<std::uint32_t>(d.params.size());
      b.frame_size = d.frame_size;
      b.local_names = d.local_names;
      m_.bodies.push_back(std::move(b));
    }
    for (std::uint32_t i = 0; i < p_.decls.size(); ++i)
      if (auto it = body_of_decl_.find(i); it != body_of_decl_.end()) compile_body(p_.decls[i], it->second);
    if (p_.main_decl) {
      m_.main_body = body_of_decl_.at(*p_.main_decl);
    } else {
      m_.implicit_main = true;
      for (const auto& t : p_.threads)
        if (p_.decls[t.decl].params.empty()) m_.implicit_threads.push_back(body_of_decl_.at(t.decl));
    }
    for (const Decl& d : p_.decls) {
      if (d.kind == DeclKind::final || d.kind == DeclKind::always) compile_property(d, *d.exprs[0]);
      if (d.kind == DeclKind::observe)
        for (const auto& e : d.exprs) compile_property(d, *e);
      if (d.kind == DeclKind::outcome) {
        Outcome o{d.outcome_values, d.outcome, d.message, new_site(d.loc, print_outcome(d))};
        if (d.outcome_else)
          m_.other_outcomes = std::move(o);
        else
          m_.outcomes.push_back(std::move(o));
      }
      if (d.kind == DeclKind::expect) {
        if (d.expect != ExpectKind::clean) m_.expected.push_back(d.expect);
        auto& names = d.expect == ExpectKind::failure ? m_.expected_failure_of : m_.expected_race_on;
        names.insert(names.end(), d.expect_names.begin(), d.expect_names.end());
      }
    }
    return std::move(m_);
  }

 private:
  void layout_memory() {
    std::uint32_t cell = 0;
    for (const auto& s : p_.shared) {
      const Decl& d = p_.decls[s.decl];
      m_.shared.push_back(Variable{d.name, cell, static_cast<std::uint32_t>(d.size_value), d.init_value, false});
      cell += d.size ? static_cast<std::uint32_t>(d.size_value) : 1;
    }
    // Each element of an array of objects (v2) is an object of its own, named "NAME[k]".
    auto elements = [&](const Symbol& s, std::vector<Elements>& out, auto&& add) {
      const Decl& d = p_.decls[s.decl];
      Elements el;
      el.count = static_cast<std::uint32_t>(d.count ? d.count_value : 0);
      if (el.count > 0) {
        el.array = static_cast<std::uint16_t>(m_.object_arrays.size());
        m_.object_arrays.push_back(ObjectArray{d.name, el.count});
      }
      bool first = true;
      for (std::uint32_t k = 0; k < std::max<std::uint32_t>(el.count, 1); ++k) {
        const std::uint32_t at = add(el.count ? fmt::format("{}[{}]", d.name, k) : d.name, d);
        if (first) el.base = at;
        first = false;
      }
      out.push_back(el);
    };
    // v2 heap: the plain pool is one more shared array, "heap", after the declared ones.
    if (p_.uses_heap) {
      m_.heap_cells = heap_pool_cells;
      m_.heap_var = static_cast<std::uint32_t>(m_.shared.size());
      m_.shared.push_back(Variable{"heap", cell, heap_pool_cells, 0, false});
      cell += heap_pool_cells;
    }
    for (const auto& a : p_.atomics)
      elements(a, atomics_, [&](std::string name, const Decl& d) {
        m_.atomics.push_back(Variable{std::move(name), cell++, 0, d.init_value, true});
        return static_cast<std::uint32_t>(m_.atomics.size() - 1);
      });
    if (p_.uses_heap) {  // the atomic pool: its cells are named by their addresses
      m_.heap_atomic_first = static_cast<std::uint32_t>(m_.atomics.size());
      for (std::uint32_t k = 0; k < heap_pool_cells; ++k)
        m_.atomics.push_back(Variable{fmt::format("heap[{}]", heap_atomic_base + k), cell++, 0, 0, true});
    }
    m_.cell_count = cell;
    for (const auto& s : p_.mutexes)
      elements(s, mutexes_, [&](std::string name, const Decl&) {
        m_.mutexes.push_back(std::move(name));
        return static_cast<std::uint32_t>(m_.mutexes.size() - 1);
      });
    for (const auto& s : p_.conds)
      elements(s, conds_, [&](std::string name, const Decl&) {
        m_.conds.push_back(std::move(name));
        return static_cast<std::uint32_t>(m_.conds.size() - 1);
      });
    for (const auto& s : p_.semaphores)
      elements(s, semaphores_, [&](std::string name, const Decl& d) {
        m_.semaphores.push_back(std::move(name));
        m_.semaphore_init.push_back(d.init_value);
        return static_cast<std::uint32_t>(m_.semaphores.size() - 1);
      });
    for (const auto& s : p_.queues)
      elements(s, queues_, [&](std::string name, const Decl& d) {
        m_.queues.push_back(std::move(name));
        m_.queue_capacity.push_back(d.size_value);
        return static_cast<std::uint32_t>(m_.queues.size() - 1);
      });
  }

  // The objects of one declaration: one (count 0), or an array of them.
  struct Elements {
    std::uint32_t base = 0;   // index of element 0 in the Module's table of that kind
    std::uint32_t count = 0;  // 0: not an array
    std::uint16_t array = no_array;  // Module::object_arrays index
  };
  static constexpr std::uint16_t no_array = 0xffff;
  const Elements& elements_of(Ref r) const {
    switch (r.kind) {
      case RefKind::atomic: return atomics_[r.index];
      case RefKind::mutex: return mutexes_[r.index];
      case RefKind::cond: return conds_[r.index];
      case RefKind::semaphore: return semaphores_[r.index];
      default: return queues_[r.index];
    }
  }
  // Emits emit_one(object) for the object `el` denotes: directly for one object; for an
  // array, through a jump table on the index, which is on the stack under `depth` values.
  template <class F>
  void on_element(const Elements& el, std::uint8_t depth, F&& emit_one) {
    if (el.count == 0 && el.array != no_array) {  // handles to a kind with no objects: unreachable
      emit(Op::crash, message(std::string("no object of this kind exists")));
      return;
    }
    if (el.count == 0) {
      emit_one(static_cast<std::int32_t>(el.base));
      return;
    }
    const std::uint32_t sel = emit(Op::select, 0, static_cast<std::int32_t>(el.count), depth);
    (*code_)[sel].pad = el.array;
    const std::uint32_t table = here();
    patch(sel, table);
    for (std::uint32_t k = 0; k < el.count; ++k) emit(Op::jump);
    std::vector<std::uint32_t> ends;
    for (std::uint32_t k = 0; k < el.count; ++k) {
      patch(table + k, here());
      emit_one(static_cast<std::int32_t>(el.base + k));
      ends.push_back(emit(Op::jump));
    }
    for (std::uint32_t e : ends) patch(e, here());
  }

  // v2 handles: a handle is the object's index in the Module's table of its kind, and an
  // operation through one is a jump table over every object of that kind. Handles are typed
  // statically (the resolver), so the table's range check never fails in practice.
  Elements handle_elements(RefKind kind) {
    auto& cached = handle_tables_[static_cast<std::size_t>(kind)];
    if (cached) return *cached;
    std::size_t n = 0;
    switch (kind) {
      case RefKind::atomic: n = m_.atomics.size(); break;
      case RefKind::mutex: n = m_.mutexes.size(); break;
      case RefKind::cond: n = m_.conds.size(); break;
      case RefKind::semaphore: n = m_.semaphores.size(); break;
      default: n = m_.queues.size(); break;
    }
    Elements el;
    el.count = static_cast<std::uint32_t>(n);
    el.array = static_cast<std::uint16_t>(m_.object_arrays.size());
    m_.object_arrays.push_back(ObjectArray{fmt::format("the {} handles", spelling(kind)), el.count});
    cached = el;
    return el;
  }
  // Pushes the selector of a method's object: a handle, or an element's index; returns the
  // objects it selects among.
  Elements object_selector(const Expr& e) {
    if (e.handle >= 0) {
      emit(Op::load_local, e.handle);
      return handle_elements(e.ref.kind);
    }
    if (e.subscript) expr(*e.subscript);
    return elements_of(e.ref);
  }
  // An expression that gives a handle (Expr::as_handle): the object's index.
  void handle_value(const Expr& e) {
    if (e.ref.kind == RefKind::local) {
      emit(Op::load_local, static_cast<std::int32_t>(e.ref.index));
      return;
    }
    const Elements& el = elements_of(e.ref);
    if (e.kind == ExprKind::index) {
      expr(*e.args[0]);
      on_element(el, 0, [&](std::int32_t obj) { emit(Op::push, constant(obj)); });  // checks the index
    } else {
      emit(Op::push, constant(el.base));
    }
  }

  // ---- emission ------------------------------------------------------------------------
  std::uint32_t here() const { return static_cast<std::uint32_t>(code_->size()); }
  std::uint32_t emit(Op op, std::int32_t a = 0, std::int32_t b = 0, std::uint8_t aux = 0) {
    code_->push_back(Instr{op, aux, 0, a, b, site_});
    return here() - 1;
  }
  void patch(std::uint32_t at, std::uint32_t target) { (*code_)[at].a = static_cast<std::int32_t>(target); }
  std::int32_t constant(std::int64_t v) {
    auto [it, inserted] = constants_.try_emplace(v, static_cast<std::int32_t>(m_.constants.size()));
    if (inserted) m_.constants.push_back(v);
    return it->second;
  }
  std::uint32_t new_site(Loc loc, std::string text) {
    m_.sites.push_back(Site{loc, std::move(text)});
    return static_cast<std::uint32_t>(m_.sites.size() - 1);
  }
  std::int32_t message(const std::optional<std::string>& msg) {
    if (!msg) return -1;
    m_.messages.push_back(*msg);
    return static_cast<std::int32_t>(m_.messages.size() - 1);
  }
  std::int32_t hidden_local() {
    Body& b = m_.bodies[body_];
    b.local_names.push_back("");
    return static_cast<std::int32_t>(b.frame_size++);
  }

  // ---- bodies and statements -----------------------------------------------------------
  struct Loop {
    std::vector<std::uint32_t> breaks, continues;
    std::size_t with_depth;  // withs open outside the loop
  };

  void compile_body(const Decl& d, std::uint32_t index) {
    body_ = index;
    code_ = &m_.bodies[index].code;
    withs_.clear();
    loops_.clear();
    site_ = new_site(d.loc, d.kind == DeclKind::main ? "main:" : fmt::format("{} {}", spelling(d.kind), d.name));
    block(d.body);
    site_ = new_site(d.loc, fmt::format("end of {}", d.kind == DeclKind::main ? "main" : d.name));
    emit(Op::push, constant(0));
    emit(d.kind == DeclKind::fn ? Op::ret : Op::end);
  }

  void block(const Block& b) {
    for (const Stmt& s : b) stmt(s);
  }

  // The implicit unlocks of the `with` blocks a jump leaves, attributed to their `with`
  // lines so that a failing unlock points at the right statement.
  void unlock_withs(std::size_t down_to) {
    const std::uint32_t here_site = site_;
    for (std::size_t i = withs_.size(); i > down_to; --i) {
      site_ = withs_[i - 1].site;
      with_op(Op::unlock, withs_[i - 1]);
    }
    site_ = here_site;
  }

  void stmt(const Stmt& s) {
    site_ = new_site(s.loc, print_stmt_head(s));
    switch (s.kind) {
      case StmtKind::let:
        expr(*s.value);
        emit(Op::store_local, static_cast<std::int32_t>(s.ref.index));
        break;
      case StmtKind::assign:
        if (s.ref.kind == RefKind::local && s.index) {  // v2 heap: p[i] = v
          emit(Op::load_local, static_cast<std::int32_t>(s.ref.index));
          expr(*s.index);
          expr(*s.value);
          emit(Op::heap_write);
        } else if (s.ref.kind == RefKind::shared && s.index) {
          expr(*s.index);
          expr(*s.value);
          emit(Op::write_elem, static_cast<std::int32_t>(s.ref.index));
        } else if (s.ref.kind == RefKind::atomic) {
          if (s.index) expr(*s.index);
          expr(*s.value);
          on_element(atomics_[s.ref.index], s.index ? 1 : 0, [&](std::int32_t a) {
            emit(Op::atomic_store, a, 0, static_cast<std::uint8_t>(MemOrder::seq_cst));
          });
        } else {
          expr(*s.value);
          if (s.ref.kind == RefKind::local) emit(Op::store_local, static_cast<std::int32_t>(s.ref.index));
          else if (s.ref.kind == RefKind::shared) emit(Op::write, static_cast<std::int32_t>(s.ref.index));
          else emit(Op::atomic_store, static_cast<std::int32_t>(s.ref.index), 0, static_cast<std::uint8_t>(MemOrder::seq_cst));
        }
        break;
      case StmtKind::expr:
        if (expr(*s.value)) emit(Op::pop);
        break;
      case StmtKind::if_: {
        std::vector<std::uint32_t> to_end;
        expr(*s.value);
        std::uint32_t skip = emit(Op::jump_if_false);
        block(s.body);
        for (const auto& clause : s.elifs) {
          to_end.push_back(emit(Op::jump));
          patch(skip, here());
          site_ = new_site(clause.loc, "elif " + print(*clause.cond) + ":");
          expr(*clause.cond);
          skip = emit(Op::jump_if_false);
          block(clause.body);
        }
        if (s.has_else) {
          to_end.push_back(emit(Op::jump));
          patch(skip, here());
          block(s.else_body);
        } else {
          patch(skip, here());
        }
        for (auto j : to_end) patch(j, here());
        break;
      }
      case StmtKind::while_: {
        const std::uint32_t top = here();
        const std::uint32_t cond_site = site_;
        expr(*s.value);
        const std::uint32_t exit = emit(Op::jump_if_false);
        loop_body(s.body, top, [&] { site_ = cond_site; emit(Op::jump, static_cast<std::int32_t>(top)); }, exit);
        break;
      }
      case StmtKind::repeat: {
        const std::int32_t counter = hidden_local();
        expr(*s.value);
        emit(Op::store_local, counter);
        const std::uint32_t top = here();
        const std::uint32_t head_site = site_;
        // One instruction per iteration for the loop's bookkeeping: loops are hot.
        const std::uint32_t exit = emit(Op::count_down, counter);
        loop_body(s.body, top, [&] { site_ = head_site; emit(Op::jump, static_cast<std::int32_t>(top)); }, exit);
        break;
      }
      case StmtKind::for_: {
        const std::int32_t counter = hidden_local();
        const std::int32_t limit = hidden_local();  // counter + 1: count_up relies on it
        if (s.range_lo) expr(*s.range_lo);
        else emit(Op::push, constant(0));
        emit(Op::store_local, counter);
        expr(*s.range_hi);
        emit(Op::store_local, limit);
        const std::uint32_t top = here();
        const std::uint32_t head_site = site_;
        const std::uint32_t exit = emit(Op::count_up, counter);
        emit(Op::store_local, static_cast<std::int32_t>(s.ref.index));
        loop_body(s.body, top, [&] { site_ = head_site; emit(Op::jump, static_cast<std::int32_t>(top)); }, exit);
        break;
      }
      case StmtKind::break_:
        unlock_withs(loops_.back().with_depth);
        loops_.back().breaks.push_back(emit(Op::jump));
        break;
      case StmtKind::continue_:
        unlock_withs(loops_.back().with_depth);
        loops_.back().continues.push_back(emit(Op::jump));
        break;
      case StmtKind::return_:
        if (s.value) expr(*s.value);
        else emit(Op::push, constant(0));
        unlock_withs(0);
        emit(m_.bodies[body_].kind == DeclKind::fn ? Op::ret : Op::end);
        break;
      case StmtKind::with: {
        const std::uint32_t with_site = site_;
        With w{s.ref, with_site};
        if (s.handle >= 0) {  // copied: the unlocks use the same mutex even if the local changes
          w.index_slot = hidden_local();
          w.handle = true;
          emit(Op::load_local, s.handle);
          emit(Op::store_local, w.index_slot);
        } else if (s.index) {  // evaluated once: the unlocks use the same element
          w.index_slot = hidden_local();
          expr(*s.index);
          emit(Op::store_local, w.index_slot);
        }
        with_op(Op::lock, w);
        withs_.push_back(w);
        block(s.body);
        withs_.pop_back();
        site_ = with_site;
        with_op(Op::unlock, w);
        break;
      }
      case StmtKind::assert_: {
        const Expr& c = *s.value;
        const bool comparison = c.kind == ExprKind::binary && c.bin >= BinOp::eq && c.bin <= BinOp::ge;
        if (comparison) {
          expr(*c.args[0]);
          expr(*c.args[1]);
          emit(Op::assert_, message(s.message), 1, static_cast<std::uint8_t>(c.bin));
        } else {
          expr(c);
          emit(Op::assert_, message(s.message), 0);
        }
        break;
      }
      case StmtKind::print: {
        PrintFormat f;
        std::int32_t values = 0;
        for (const auto& arg : s.print_args) {
          if (arg.is_string) {
            f.parts.push_back({PrintFormat::Part::text, arg.text});
          } else if (arg.expr->kind == ExprKind::thread_name) {
            f.parts.push_back({PrintFormat::Part::thread_name, {}});
          } else {
            expr(*arg.expr);
            f.parts.push_back({PrintFormat::Part::value, {}});
            ++values;
          }
        }
        m_.prints.push_back(std::move(f));
        emit(Op::print, static_cast<std::int32_t>(m_.prints.size() - 1), values);
        break;
      }
      case StmtKind::yield: emit(Op::yield); break;
      case StmtKind::sleep: emit(Op::sleep, static_cast<std::int32_t>(std::min<std::uint64_t>(s.duration_ns / 1000, INT32_MAX))); break;
      case StmtKind::fence:
        emit(Op::fence, 0, 0, static_cast<std::uint8_t>(s.order == MemOrder::unspecified ? MemOrder::seq_cst : s.order));
        break;
      case StmtKind::crash: emit(Op::crash, message(s.message)); break;
    }
  }

  // `continue_target`: where continue jumps (nullopt: to the code `tail` emits first).
  template <typename Tail>
  void loop_body(const Block& body, std::optional<std::uint32_t> continue_target, Tail tail, std::uint32_t exit_jump) {
    loops_.push_back(Loop{{}, {}, withs_.size()});
    block(body);
    const std::uint32_t tail_start = here();
    tail();
    Loop loop = std::move(loops_.back());
    loops_.pop_back();
    for (auto c : loop.continues) patch(c, continue_target.value_or(tail_start));
    Instr& exit = (*code_)[exit_jump];
    if (exit.op == Op::count_down || exit.op == Op::count_up) exit.b = static_cast<std::int32_t>(here());
    else patch(exit_jump, here());
    for (auto b : loop.breaks) patch(b, here());
  }

  // ---- expressions ---------------------------------------------------------------------
  // Returns true when the expression leaves a value on the stack.
  bool expr(const Expr& e) {
    const auto idx = static_cast<std::int32_t>(e.ref.index);
    if (e.as_handle) {
      handle_value(e);
      return true;
    }
    switch (e.kind) {
      case ExprKind::integer:
        emit(Op::push, constant(e.value));
        return true;
      case ExprKind::name:
        switch (e.ref.kind) {
          case RefKind::local: emit(Op::load_local, idx); break;
          case RefKind::constant: emit(Op::push, constant(p_.const_values.at(e.name))); break;
          case RefKind::shared: emit(Op::read, idx); break;
          case RefKind::atomic:
            emit(Op::atomic_load, static_cast<std::int32_t>(atomics_[e.ref.index].base), 0,
                 static_cast<std::uint8_t>(MemOrder::seq_cst));
            break;
          default: assert(false && "resolver let an invalid name through"); break;
        }
        return true;
      case ExprKind::index:
        if (e.ref.kind == RefKind::local) {  // v2 heap: p[i]
          emit(Op::load_local, idx);
          expr(*e.args[0]);
          emit(Op::heap_read);
          return true;
        }
        expr(*e.args[0]);
        if (e.ref.kind == RefKind::atomic)  // one atomic of an array (v2)
          on_element(atomics_[e.ref.index], 0, [&](std::int32_t a) {
            emit(Op::atomic_load, a, 0, static_cast<std::uint8_t>(MemOrder::seq_cst));
          });
        else
          emit(Op::read_elem, idx);
        return true;
      case ExprKind::unary:
        expr(*e.args[0]);
        emit(e.un == UnOp::neg ? Op::neg : e.un == UnOp::not_ ? Op::not_ : Op::bit_not);
        return true;
      case ExprKind::binary: {
        if (e.bin == BinOp::and_ || e.bin == BinOp::or_) {
          expr(*e.args[0]);
          const std::uint32_t j = emit(e.bin == BinOp::and_ ? Op::jump_if_false_keep : Op::jump_if_true_keep);
          expr(*e.args[1]);
          patch(j, here());
          emit(Op::to_bool);
          return true;
        }
        expr(*e.args[0]);
        expr(*e.args[1]);
        static constexpr Op ops[] = {Op::add, Op::sub, Op::mul, Op::div, Op::mod, Op::eq, Op::ne,
                                     Op::lt,  Op::le,  Op::gt,  Op::ge,  Op::pop /* and: above */, Op::pop /* or: above */,
                                     Op::bit_and, Op::bit_or, Op::bit_xor, Op::shl, Op::shr};
        emit(ops[static_cast<int>(e.bin)]);
        return true;
      }
      case ExprKind::any:
        expr(*e.args[0]);
        expr(*e.args[1]);
        emit(Op::any);
        return true;
      case ExprKind::thread_name:
        emit(Op::push, constant(0));  // unreachable: the resolver allows it only in print
        return true;
      case ExprKind::call:
        for (const auto& a : e.args) expr(*a);
        if (e.ref.kind == RefKind::builtin) {  // v2 heap: alloc(N), alloc_atomic(N), free(P)
          if (e.ref.index == 2) {
            emit(Op::free_);
            return false;
          }
          emit(Op::alloc, 0, 0, static_cast<std::uint8_t>(e.ref.index));
          return true;
        }
        emit(Op::call, static_cast<std::int32_t>(body_of_decl_.at(p_.fns[e.ref.index].decl)),
             static_cast<std::int32_t>(e.args.size()));
        return true;
      case ExprKind::spawn: {
        for (const auto& a : e.args) expr(*a);
        const auto& table = e.ref.kind == RefKind::thread ? p_.threads : p_.processes;
        m_.spawns.push_back(Module::Spawn{body_of_decl_.at(table[e.ref.index].decl),
                                          static_cast<std::uint32_t>(e.args.size()), e.spawn_as.value_or("")});
        emit(Op::spawn, static_cast<std::int32_t>(m_.spawns.size() - 1));
        return true;
      }
      case ExprKind::join:
        expr(*e.args[0]);
        emit(Op::join);
        return true;
      case ExprKind::method:
        return method(e);
    }
    return false;
  }

  // C++'s default failure order: the success order without its release half.
  static MemOrder failure_order(const Expr& e) {
    if (e.failure_order != MemOrder::unspecified) return e.failure_order;
    switch (e.order) {
      case MemOrder::unspecified: return MemOrder::seq_cst;
      case MemOrder::acq_rel: return MemOrder::acquire;
      case MemOrder::release: return MemOrder::relaxed;
      default: return e.order;
    }
  }

  bool method(const Expr& e) {
    const auto order = static_cast<std::uint8_t>(e.order == MemOrder::unspecified ? MemOrder::seq_cst : e.order);
    const std::string& m = e.method;
    if (e.ref.kind == RefKind::local) return heap_method(e, order);
    // The object: one, or (v2) one element of an array, whose index is evaluated first and
    // chosen by a jump table after the arguments.
    const Elements el = object_selector(e);
    std::uint8_t depth = 0;  // values the arguments leave above the index
    auto step = [&](Op op, std::int32_t b = 0, std::uint8_t aux = 0) {
      on_element(el, depth, [&](std::int32_t obj) { emit(op, obj, b, aux); });
    };
    switch (e.ref.kind) {
      case RefKind::mutex:
        if (m == "lock") step(Op::lock);
        else if (m == "unlock") step(Op::unlock);
        else { step(Op::try_lock); return true; }
        return false;
      case RefKind::cond:
        if (m == "wait") {
          const Expr& mu = *e.args[0];
          Elements mel;
          if (mu.handle >= 0) {
            emit(Op::load_local, mu.handle);
            mel = handle_elements(RefKind::mutex);
            depth = 1;
          } else {
            mel = mutexes_[mu.ref.index];
            if (mu.kind == ExprKind::index) {
              expr(*mu.args[0]);
              depth = 1;
            }
          }
          on_element(el, depth, [&](std::int32_t c) {
            on_element(mel, 0, [&](std::int32_t mx) { emit(Op::wait, c, mx); });
          });
        } else {
          step(m == "notify_one" ? Op::notify_one : Op::notify_all);
        }
        return false;
      case RefKind::semaphore:
        step(m == "acquire" ? Op::sem_acquire : Op::sem_release);
        return false;
      case RefKind::queue:
        if (m == "put" || m == "try_put") {
          expr(*e.args[0]);
          depth = 1;
          step(m == "put" ? Op::put : Op::try_put);
          return m == "try_put";
        }
        if (m == "try_get") {
          // The local keeps its value unless a value is got: the step gets the old one.
          const auto slot = static_cast<std::int32_t>(e.args[0]->ref.index);
          emit(Op::load_local, slot);
          depth = 1;
          step(Op::try_get);
          emit(Op::store_local, slot);
          return true;
        }
        if (m == "size") {
          step(Op::queue_size);
          return true;
        }
        if (m == "close") {
          step(Op::queue_close);
          return false;
        }
        step(Op::get);
        return true;
      case RefKind::atomic: {
        for (const auto& a : e.args) expr(*a);
        depth = static_cast<std::uint8_t>(e.args.size());
        if (m == "compare_exchange_weak") {
          // Status and the value seen, which goes back into the expected local.
          step(Op::atomic_cmpxchg_weak, static_cast<std::int32_t>(failure_order(e)), order);
          emit(Op::store_local, static_cast<std::int32_t>(e.args[0]->ref.index));
          return true;
        }
        if (m == "load") step(Op::atomic_load, 0, order);
        else if (m == "store") { step(Op::atomic_store, 0, order); return false; }
        else if (m == "fetch_add") step(Op::atomic_fetch_add, 0, order);
        else if (m == "fetch_sub") step(Op::atomic_fetch_sub, 0, order);
        else if (m == "fetch_and") step(Op::atomic_fetch_and, 0, order);
        else if (m == "fetch_or") step(Op::atomic_fetch_or, 0, order);
        else if (m == "fetch_xor") step(Op::atomic_fetch_xor, 0, order);
        else if (m == "exchange") step(Op::atomic_exchange, 0, order);
        else if (m == "compare_exchange") step(Op::atomic_cmpxchg, static_cast<std::int32_t>(failure_order(e)), order);
        else step(Op::atomic_cas, 0, order);
        return true;
      }
      default:
        assert(false && "resolver let an invalid method through");
        return false;
    }
  }

  // v2 heap: an atomic method on p[i]: the address, the index, the arguments, then one step.
  bool heap_method(const Expr& e, std::uint8_t order) {
    const std::string& m = e.method;
    emit(Op::load_local, static_cast<std::int32_t>(e.ref.index));
    expr(*e.subscript);
    for (const auto& a : e.args) expr(*a);
    static const std::pair<std::string_view, Op> ops[] = {
        {"load", Op::atomic_load}, {"store", Op::atomic_store}, {"fetch_add", Op::atomic_fetch_add},
        {"fetch_sub", Op::atomic_fetch_sub}, {"fetch_and", Op::atomic_fetch_and}, {"fetch_or", Op::atomic_fetch_or},
        {"fetch_xor", Op::atomic_fetch_xor}, {"exchange", Op::atomic_exchange}, {"cas", Op::atomic_cas},
        {"compare_exchange", Op::atomic_cmpxchg}, {"compare_exchange_weak", Op::atomic_cmpxchg_weak}};
    Op op = Op::atomic_load;
    for (const auto& [name, o] : ops)
      if (name == m) op = o;
    const std::int32_t b = op == Op::atomic_cmpxchg || op == Op::atomic_cmpxchg_weak ? static_cast<std::int32_t>(failure_order(e)) : 0;
    const std::uint32_t at = emit(Op::heap_atomic, 0, b, order);
    (*code_)[at].pad = static_cast<std::uint16_t>(op);
    if (op == Op::atomic_cmpxchg_weak) {
      emit(Op::store_local, static_cast<std::int32_t>(e.args[0]->ref.index));
      return true;
    }
    return op != Op::atomic_store;
  }

  void compile_property(const Decl& d, const Expr& e) {
    Property prop;
    prop.kind = d.kind;
    prop.message = d.message;
    prop.name = d.name;
    std::vector<Instr> code;
    code_ = &code;
    site_ = new_site(d.loc, d.kind == DeclKind::observe ? fmt::format("observe {}", print(e)) : print_property_head(d));
    prop.site = site_;
    expr(e);
    emit(Op::end);
    prop.code = std::move(code);
    collect_shows(e, prop.shows);
    m_.properties.push_back(std::move(prop));
  }

  void collect_shows(const Expr& e, std::vector<std::uint32_t>& out) {
    if ((e.kind == ExprKind::name || e.kind == ExprKind::index) &&
        (e.ref.kind == RefKind::shared || e.ref.kind == RefKind::atomic)) {
      const std::uint32_t v = e.ref.kind == RefKind::shared ? e.ref.index : static_cast<std::uint32_t>(m_.shared.size()) + e.ref.index;
      if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    }
    for (const auto& a : e.args) collect_shows(*a, out);
  }

  const Program& p_;
  Module m_;
  std::unordered_map<std::uint32_t, std::uint32_t> body_of_decl_;
  std::unordered_map<std::int64_t, std::int32_t> constants_;
  std::vector<Instr>* code_ = nullptr;
  std::uint32_t body_ = 0;
  std::uint32_t site_ = 0;
  struct With {
    Ref mutex;
    std::uint32_t site;
    std::int32_t index_slot = -1;  // one mutex of an array: the local holding its index
    bool handle = false;           // v2: index_slot holds a mutex handle
  };
  void with_op(Op op, const With& w) {
    if (w.index_slot >= 0) emit(Op::load_local, w.index_slot);
    on_element(w.handle ? handle_elements(RefKind::mutex) : elements_of(w.mutex), 0, [&](std::int32_t m) { emit(op, m); });
  }
  std::optional<Elements> handle_tables_[16];
  std::vector<With> withs_;
  std::vector<Elements> atomics_, mutexes_, conds_, semaphores_, queues_;  // by Program table index
  std::vector<Loop> loops_;
};

}  // namespace

Module compile(const Program& program) { return Compiler(program).run(); }

std::string_view op_name(Op op) {
  switch (op) {
    case Op::push: return "push";
    case Op::pop: return "pop";
    case Op::load_local: return "load_local";
    case Op::store_local: return "store_local";
    case Op::add: return "add";
    case Op::sub: return "sub";
    case Op::mul: return "mul";
    case Op::div: return "div";
    case Op::mod: return "mod";
    case Op::neg: return "neg";
    case Op::not_: return "not";
    case Op::to_bool: return "to_bool";
    case Op::eq: return "eq";
    case Op::ne: return "ne";
    case Op::lt: return "lt";
    case Op::le: return "le";
    case Op::gt: return "gt";
    case Op::ge: return "ge";
    case Op::jump: return "jump";
    case Op::jump_if_false: return "jump_if_false";
    case Op::jump_if_false_keep: return "jump_if_false_keep";
    case Op::jump_if_true_keep: return "jump_if_true_keep";
    case Op::count_down: return "count_down";
    case Op::count_up: return "count_up";
    case Op::any: return "any";
    case Op::call: return "call";
    case Op::ret: return "ret";
    case Op::assert_: return "assert";
    case Op::print: return "print";
    case Op::crash: return "crash";
    case Op::read: return "read";
    case Op::write: return "write";
    case Op::read_elem: return "read_elem";
    case Op::write_elem: return "write_elem";
    case Op::atomic_load: return "load";
    case Op::atomic_store: return "store";
    case Op::atomic_fetch_add: return "fetch_add";
    case Op::atomic_exchange: return "exchange";
    case Op::atomic_cas: return "cas";
    case Op::atomic_fetch_sub: return "fetch_sub";
    case Op::atomic_fetch_and: return "fetch_and";
    case Op::atomic_fetch_or: return "fetch_or";
    case Op::atomic_fetch_xor: return "fetch_xor";
    case Op::atomic_cmpxchg: return "compare_exchange";
    case Op::atomic_cmpxchg_weak: return "compare_exchange_weak";
    case Op::try_put: return "try_put";
    case Op::try_get: return "try_get";
    case Op::queue_size: return "size";
    case Op::queue_close: return "close";
    case Op::bit_and: return "bit_and";
    case Op::bit_or: return "bit_or";
    case Op::bit_xor: return "bit_xor";
    case Op::shl: return "shl";
    case Op::shr: return "shr";
    case Op::bit_not: return "bit_not";
    case Op::select: return "select";
    case Op::lock: return "lock";
    case Op::unlock: return "unlock";
    case Op::try_lock: return "try_lock";
    case Op::wait: return "wait";
    case Op::notify_one: return "notify_one";
    case Op::notify_all: return "notify_all";
    case Op::sem_acquire: return "acquire";
    case Op::sem_release: return "release";
    case Op::put: return "put";
    case Op::get: return "get";
    case Op::spawn: return "spawn";
    case Op::join: return "join";
    case Op::yield: return "yield";
    case Op::sleep: return "sleep";
    case Op::fence: return "fence";
    case Op::end: return "end";
    case Op::alloc: return "alloc";
    case Op::free_: return "free";
    case Op::heap_read: return "heap_read";
    case Op::heap_write: return "heap_write";
    case Op::heap_atomic: return "heap_atomic";
  }
  return "?";
}

}  // namespace interleave
