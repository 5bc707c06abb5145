#include "interleave/resolver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <set>
#include <map>
#include <unordered_map>

#include "interleave/printer.hpp"

namespace interleave {

namespace {

// Arrays of objects are compiled to one object per element, reached through a jump table.
constexpr std::int64_t max_object_array = 1024;

std::string_view plural(RefKind k) {
  switch (k) {
    case RefKind::mutex: return "mutexes";
    case RefKind::cond: return "conds";
    case RefKind::semaphore: return "semaphores";
    case RefKind::queue: return "queues";
    default: return "atomic variables";
  }
}

struct Global {
  RefKind kind;
  std::uint32_t index;  // into the Program table of that kind
  std::uint32_t decl;
  bool is_array = false;
};

std::string_view kind_noun(RefKind k) {
  switch (k) {
    case RefKind::constant: return "const";
    case RefKind::shared: return "shared variable";
    case RefKind::atomic: return "atomic variable";
    case RefKind::mutex: return "mutex";
    case RefKind::cond: return "cond";
    case RefKind::semaphore: return "semaphore";
    case RefKind::queue: return "queue";
    case RefKind::thread: return "thread";
    case RefKind::process: return "process";
    case RefKind::fn: return "fn";
    case RefKind::local: return "local variable";
    case RefKind::builtin: return "built-in function";
    case RefKind::unresolved: break;
  }
  return "name";
}

// v2 handles: a parameter or local holds a sync object or atomic when its body uses it as
// one (a method on it, `with` it, `wait` with it, or passing it on to such a parameter).
constexpr std::string_view handles_help =
    "a parameter or local holds a sync object or atomic when the body uses it as one, e.g. 'with first:' "
    "or 'first.lock()'";

struct MethodSig {
  std::string_view name;
  std::size_t args;        // without the memory order
  bool gives_value;
  bool takes_order;
  std::string_view usage;
};

const std::vector<MethodSig>& methods_of(RefKind k) {
  static const std::vector<MethodSig> none;
  static const std::vector<MethodSig> mutex{{"lock", 0, false, false, "m.lock()"},
                                            {"unlock", 0, false, false, "m.unlock()"},
                                            {"try_lock", 0, true, false, "let ok = m.try_lock()"}};
  static const std::vector<MethodSig> cond{{"wait", 1, false, false, "c.wait(m)"},
                                           {"notify_one", 0, false, false, "c.notify_one()"},
                                           {"notify_all", 0, false, false, "c.notify_all()"}};
  static const std::vector<MethodSig> sem{{"acquire", 0, false, false, "s.acquire()"},
                                          {"release", 0, false, false, "s.release()"}};
  static const std::vector<MethodSig> queue{{"put", 1, false, false, "q.put(VALUE)"},
                                            {"get", 0, true, false, "let v = q.get()"},
                                            {"try_put", 1, true, false, "let ok = q.try_put(VALUE)"},
                                            {"try_get", 1, true, false, "let ok = q.try_get(LOCAL)"},
                                            {"size", 0, true, false, "let n = q.size()"},
                                            {"close", 0, false, false, "q.close()"}};
  static const std::vector<MethodSig> atomic{
      {"load", 0, true, true, "x.load([ORDER])"},
      {"store", 1, false, true, "x.store(VALUE[, ORDER])"},
      {"fetch_add", 1, true, true, "x.fetch_add(VALUE[, ORDER])"},
      {"exchange", 1, true, true, "x.exchange(VALUE[, ORDER])"},
      {"cas", 2, true, true, "x.cas(EXPECTED, DESIRED[, ORDER])"},
      {"fetch_sub", 1, true, true, "x.fetch_sub(VALUE[, ORDER])"},
      {"fetch_and", 1, true, true, "x.fetch_and(VALUE[, ORDER])"},
      {"fetch_or", 1, true, true, "x.fetch_or(VALUE[, ORDER])"},
      {"fetch_xor", 1, true, true, "x.fetch_xor(VALUE[, ORDER])"},
      {"compare_exchange", 2, true, true, "x.compare_exchange(EXPECTED, DESIRED[, ORDER[, FAILURE_ORDER]])"},
      {"compare_exchange_weak", 2, true, true, "let ok = x.compare_exchange_weak(LOCAL, DESIRED[, ORDER[, FAILURE_ORDER]])"}};
  switch (k) {
    case RefKind::mutex: return mutex;
    case RefKind::cond: return cond;
    case RefKind::semaphore: return sem;
    case RefKind::queue: return queue;
    case RefKind::atomic: return atomic;
    default: return none;
  }
}

std::string method_list(RefKind k) {
  std::string out;
  for (const auto& m : methods_of(k)) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{}()", m.name);
  }
  return out;
}

// The kind of object a method name belongs to (each name belongs to one kind).
std::optional<RefKind> kind_of_method(std::string_view name) {
  for (RefKind k : {RefKind::mutex, RefKind::cond, RefKind::semaphore, RefKind::queue, RefKind::atomic})
    for (const auto& m : methods_of(k))
      if (m.name == name) return k;
  return std::nullopt;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string loc_text(Loc l) { return fmt::format("{}:{}", l.line, l.col); }

// "a mutex", "an atomic variable".
std::string a_kind(RefKind k) {
  const std::string_view noun = kind_noun(k);
  const bool vowel = !noun.empty() && std::string_view("aeiou").find(noun[0]) != std::string_view::npos;
  return fmt::format("{} {}", vowel ? "an" : "a", noun);
}

// Where a value is used: bodies may do anything; declarations and properties only read state.
enum class Context { body, constant, property };

class Resolver {
 public:
  Resolver(Program& p, const Overrides& overrides, DiagnosticSink& sink)
      : p_(p), overrides_(overrides), sink_(sink) {}

  void run(const std::string& stem) {
    had_syntax_errors_ = sink_.has_errors();
    p_.scenario_name = stem;  // collect_globals() replaces it with a `scenario` declaration's name
    collect_globals();
    check_overrides();
    infer_handles();
    for (std::uint32_t i = 0; i < p_.decls.size(); ++i) resolve_decl(i);
    check_expectations();
    check_outcomes();
    check_something_runs();
  }

 private:
  // ---- diagnostics ---------------------------------------------------------------------
  void error(Loc loc, std::uint32_t len, std::string msg, std::string help = {},
             std::vector<std::string> notes = {}) {
    // After a syntax error dropped a declaration, uses of its name are not news.
    for (const auto& name : p_.broken_names)
      if (msg.find("undeclared") != std::string::npos && msg.find("'" + name + "'") != std::string::npos) return;
    Diagnostic d;
    d.loc = loc;
    d.length = std::max<std::uint32_t>(1, len);
    d.message = std::move(msg);
    d.help = std::move(help);
    d.notes = std::move(notes);
    sink_.report(std::move(d));
  }
  static std::uint32_t len_of(const std::string& name) { return static_cast<std::uint32_t>(name.size()); }

  std::string suggestion(const std::string& name, bool values_only) const {
    std::string best;
    std::size_t best_d = std::max<std::size_t>(1, name.size() / 3) + 1;
    auto consider = [&](const std::string& cand) {
      if (cand == name) return;  // never "did you mean 'x'?" for x itself
      const std::size_t d = edit_distance(name, cand);
      if (d < best_d) { best_d = d; best = cand; }
    };
    for (const auto& [n, g] : globals_)
      if (!values_only || g.kind == RefKind::constant || g.kind == RefKind::shared || g.kind == RefKind::atomic) consider(n);
    for (const auto& scope : scopes_)
      for (const auto& [n, slot] : scope) consider(n);
    return best.empty() ? std::string{} : fmt::format("did you mean '{}'?", best);
  }

  // ---- globals -------------------------------------------------------------------------
  void collect_globals() {
    for (std::uint32_t i = 0; i < p_.decls.size(); ++i) {
      Decl& d = p_.decls[i];
      std::vector<Symbol>* table = nullptr;
      RefKind kind = RefKind::unresolved;
      switch (d.kind) {
        case DeclKind::constant: table = &p_.constants; kind = RefKind::constant; break;
        case DeclKind::shared: table = &p_.shared; kind = RefKind::shared; break;
        case DeclKind::atomic: table = &p_.atomics; kind = RefKind::atomic; break;
        case DeclKind::mutex: table = &p_.mutexes; kind = RefKind::mutex; break;
        case DeclKind::cond: table = &p_.conds; kind = RefKind::cond; break;
        case DeclKind::semaphore: table = &p_.semaphores; kind = RefKind::semaphore; break;
        case DeclKind::queue: table = &p_.queues; kind = RefKind::queue; break;
        case DeclKind::thread: table = &p_.threads; kind = RefKind::thread; break;
        case DeclKind::process: table = &p_.processes; kind = RefKind::process; break;
        case DeclKind::fn: table = &p_.fns; kind = RefKind::fn; break;
        case DeclKind::main:
          if (p_.main_decl)
            error(d.loc, 4, "'main' is declared twice", "a scenario has one main body",
                  {fmt::format("the first 'main:' is at {}", loc_text(p_.decls[*p_.main_decl].loc))});
          else
            p_.main_decl = i;
          continue;
        case DeclKind::memory:
          if (memory_decl_)
            error(d.loc, 6, "'memory' is declared twice", "a scenario has one memory model",
                  {fmt::format("the first is at {}", loc_text(p_.decls[*memory_decl_].loc))});
          else {
            memory_decl_ = i;
            p_.memory = memory_model_named(d.name);
          }
          continue;
        case DeclKind::scenario:
        case DeclKind::about: {
          auto& first = d.kind == DeclKind::scenario ? scenario_decl_ : about_decl_;
          if (first)
            error(d.loc, d.kind == DeclKind::scenario ? 8 : 5,
                  fmt::format("'{}' is declared twice", spelling(d.kind)), {},
                  {fmt::format("the first is at {}", loc_text(p_.decls[*first].loc))});
          else
            first = i;
          continue;
        }
        default:
          continue;
      }
      if (auto it = globals_.find(d.name); it != globals_.end()) {
        const Decl& prev = p_.decls[it->second.decl];
        error(d.name_loc, len_of(d.name), fmt::format("'{}' is already declared", d.name),
              "every top-level name must be unique",
              {fmt::format("the {} '{}' is declared at {}", kind_noun(it->second.kind), d.name, loc_text(prev.name_loc))});
        continue;
      }
      globals_[d.name] = Global{kind, static_cast<std::uint32_t>(table->size()), i,
                                kind == RefKind::shared ? d.size != nullptr : d.count != nullptr};
      table->push_back(Symbol{d.name, i});
    }
    if (scenario_decl_) p_.scenario_name = p_.decls[*scenario_decl_].name;
    if (about_decl_) p_.about = p_.decls[*about_decl_].name;
  }

  void check_overrides() {
    for (const auto& [name, value] : overrides_) {
      auto it = globals_.find(name);
      if (it == globals_.end() || it->second.kind != RefKind::constant) {
        std::string consts;
        for (const auto& c : p_.constants) consts += (consts.empty() ? "" : ", ") + c.name;
        error({}, 1, fmt::format("--set {}: this scenario has no const named '{}'", name, name),
              consts.empty() ? "this scenario declares no consts" : fmt::format("its consts are: {}", consts));
      }
    }
  }

  // ---- constant evaluation -------------------------------------------------------------
  std::optional<std::int64_t> const_value(std::uint32_t decl_index) {
    Decl& d = p_.decls[decl_index];
    if (auto it = p_.const_values.find(d.name); it != p_.const_values.end()) return it->second;
    if (auto o = overrides_.find(d.name); o != overrides_.end()) {
      p_.const_values[d.name] = o->second;
      d.init_value = o->second;
      return o->second;
    }
    if (failed_consts_.count(decl_index)) return std::nullopt;  // reported once, where it is defined
    if (std::find(evaluating_.begin(), evaluating_.end(), decl_index) != evaluating_.end()) {
      failed_consts_.insert(decl_index);
      error(d.name_loc, len_of(d.name), fmt::format("const '{}' is defined in terms of itself", d.name));
      return std::nullopt;
    }
    evaluating_.push_back(decl_index);
    const auto v = d.init ? eval_const(*d.init) : std::nullopt;
    evaluating_.pop_back();
    if (v) {
      p_.const_values[d.name] = *v;
      d.init_value = *v;
    } else {
      failed_consts_.insert(decl_index);
    }
    return v;
  }

  std::optional<std::int64_t> eval_const(Expr& e) {
    switch (e.kind) {
      case ExprKind::integer: return e.value;
      case ExprKind::name: {
        auto it = globals_.find(e.name);
        if (it == globals_.end()) {
          error(e.name_loc, len_of(e.name), fmt::format("undeclared name '{}'", e.name), suggestion(e.name, true));
          return std::nullopt;
        }
        if (it->second.kind != RefKind::constant) {
          error(e.loc, e.length, fmt::format("'{}' is {}, not a constant", e.name, a_kind(it->second.kind)),
                "initial values, sizes and capacities are integers or consts");
          return std::nullopt;
        }
        e.ref = Ref{RefKind::constant, it->second.index};
        return const_value(it->second.decl);
      }
      case ExprKind::unary: {
        const auto v = eval_const(*e.args[0]);
        if (!v) return v;
        if (e.un == UnOp::not_) return *v == 0 ? 1 : 0;
        if (e.un == UnOp::bit_not) return ~*v;
        if (*v == std::numeric_limits<std::int64_t>::min()) return overflow(e);
        return -*v;
      }
      case ExprKind::binary: {
        const auto a = eval_const(*e.args[0]);
        const auto b = eval_const(*e.args[1]);
        if (!a || !b) return std::nullopt;
        std::int64_t r = 0;
        switch (e.bin) {
          case BinOp::add: if (__builtin_add_overflow(*a, *b, &r)) return overflow(e); return r;
          case BinOp::sub: if (__builtin_sub_overflow(*a, *b, &r)) return overflow(e); return r;
          case BinOp::mul: if (__builtin_mul_overflow(*a, *b, &r)) return overflow(e); return r;
          case BinOp::div:
          case BinOp::mod:
            if (*b == 0) {
              error(e.name_loc, 1, fmt::format("{} by zero in a constant", e.bin == BinOp::div ? "division" : "modulo"));
              return std::nullopt;
            }
            if (*a == std::numeric_limits<std::int64_t>::min() && *b == -1) return overflow(e);
            return e.bin == BinOp::div ? *a / *b : *a % *b;
          case BinOp::eq: return *a == *b;
          case BinOp::ne: return *a != *b;
          case BinOp::lt: return *a < *b;
          case BinOp::le: return *a <= *b;
          case BinOp::gt: return *a > *b;
          case BinOp::ge: return *a >= *b;
          case BinOp::and_: return (*a != 0 && *b != 0) ? 1 : 0;
          case BinOp::or_: return (*a != 0 || *b != 0) ? 1 : 0;
          case BinOp::bit_and: return *a & *b;
          case BinOp::bit_or: return *a | *b;
          case BinOp::bit_xor: return *a ^ *b;
          case BinOp::shl:
          case BinOp::shr:
            if (*b < 0 || *b > 63) {
              error(e.name_loc, 2, fmt::format("shift by {} in a constant: the amount must be 0 to 63", *b));
              return std::nullopt;
            }
            return e.bin == BinOp::shl ? static_cast<std::int64_t>(static_cast<std::uint64_t>(*a) << *b) : *a >> *b;
        }
        return std::nullopt;
      }
      default:
        error(e.loc, e.length, "not a constant expression",
              "initial values, sizes and capacities are built from integers, consts and arithmetic");
        return std::nullopt;
    }
  }

  std::optional<std::int64_t> overflow(const Expr& e) {
    error(e.loc, e.length, "constant expression overflows a 64-bit integer");
    return std::nullopt;
  }

  // ---- declarations --------------------------------------------------------------------
  void resolve_decl(std::uint32_t i) {
    Decl& d = p_.decls[i];
    if (d.count) {  // an array of objects (v2)
      if (const auto n = eval_const(*d.count)) {
        if (*n < 1 || *n > max_object_array)
          error(d.count->loc, d.count->length, fmt::format("array size {} is out of range", *n),
                fmt::format("an array of objects has 1 to {} elements", max_object_array));
        else
          d.count_value = *n;
      }
    }
    switch (d.kind) {
      case DeclKind::constant:
        const_value(i);
        break;
      case DeclKind::shared:
        if (d.size) {
          if (const auto n = eval_const(*d.size)) {
            if (*n < 1 || *n > max_array_size)
              error(d.size->loc, d.size->length, fmt::format("array size {} is out of range", *n),
                    fmt::format("an array has 1 to {} elements", max_array_size));
            else
              d.size_value = *n;
          }
        }
        if (d.init) if (const auto v = eval_const(*d.init)) d.init_value = *v;
        break;
      case DeclKind::atomic:
        if (d.init) if (const auto v = eval_const(*d.init)) d.init_value = *v;
        break;
      case DeclKind::semaphore:
        if (d.init) {
          if (const auto v = eval_const(*d.init)) {
            if (*v < 0)
              error(d.init->loc, d.init->length, fmt::format("a semaphore cannot start with {} permits", *v),
                    "the initial count is 0 or more");
            else
              d.init_value = *v;
          }
        }
        break;
      case DeclKind::queue:
        if (d.size) {
          if (const auto n = eval_const(*d.size)) {
            if (*n < 1 || *n > max_queue_capacity)
              error(d.size->loc, d.size->length, fmt::format("queue capacity {} is out of range", *n),
                    fmt::format("a queue holds 1 to {} items", max_queue_capacity));
            else
              d.size_value = *n;
          }
        }
        break;
      case DeclKind::thread:
      case DeclKind::process:
      case DeclKind::fn:
      case DeclKind::main:
        resolve_body(d);
        break;
      case DeclKind::final:
      case DeclKind::always:
      case DeclKind::observe:
        for (auto& e : d.exprs) resolve_expr(*e, Context::property, true);
        break;
      case DeclKind::outcome:
        for (auto& e : d.exprs)
          if (const auto v = outcome_value(*e)) d.outcome_values.push_back(*v);
        break;
      case DeclKind::option:
        resolve_option(d);
        break;
      case DeclKind::expect:
      case DeclKind::scenario:
      case DeclKind::about:
      case DeclKind::memory:
      case DeclKind::mutex:
      case DeclKind::cond:
        break;
    }
  }

  // `option NAME [= VALUE]`: the options a scenario may fix for itself (the command line
  // wins over them).
  void resolve_option(Decl& d) {
    static constexpr std::string_view valid = "the options are: spurious_wakeups, max_steps = N, memory = rc11|tso|sc";
    const auto len = len_of(d.name);
    if (const auto first = options_seen_.find(d.name); first != options_seen_.end()) {
      error(d.name_loc, len, fmt::format("option '{}' is set twice", d.name), "a scenario sets each option once",
            {fmt::format("the first is at {}", loc_text(first->second))});
      return;
    }
    options_seen_.emplace(d.name, d.loc);
    if (d.name == "spurious_wakeups") {
      if (d.init) {
        error(d.init->loc, d.init->length, "option spurious_wakeups takes no value",
              "write 'option spurious_wakeups' to allow them; leave it out to forbid them");
        return;
      }
      p_.spurious_wakeups = true;
    } else if (d.name == "max_steps") {
      if (!d.init) {
        error(d.name_loc, len, "option max_steps needs a value", "option max_steps = 50_000");
        return;
      }
      const auto v = eval_const(*d.init);
      if (!v) return;
      if (*v < 1 || *v > 100'000'000) {
        error(d.init->loc, d.init->length, fmt::format("option max_steps = {} is out of range", *v),
              "the step bound is 1 to 100000000, as for --max-steps");
        return;
      }
      p_.max_steps = static_cast<std::uint64_t>(*v);
    } else if (d.name == "memory") {
      const auto model = d.init && d.init->kind == ExprKind::name ? memory_model_named(d.init->name) : std::nullopt;
      if (!model) {
        error(d.init ? d.init->loc : d.name_loc, d.init ? d.init->length : len, "option memory needs a memory model",
              fmt::format("the models are {}, e.g. 'option memory = rc11'", memory_model_words));
        return;
      }
      if (memory_decl_) {
        error(d.loc, 6, "the memory model is set twice", "keep either the 'memory' line or 'option memory'",
              {fmt::format("the 'memory' line is at {}", loc_text(p_.decls[*memory_decl_].loc))});
        return;
      }
      p_.memory = model;
    } else {
      error(d.name_loc, len, fmt::format("unknown option '{}'", d.name), std::string(valid));
    }
  }

  // The closest of `candidates` to `name` (never `name` itself), as "did you mean 'x'?".
  static std::string closest(const std::string& name, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_d = std::max<std::size_t>(1, name.size() / 3) + 1;
    for (const auto& cand : candidates) {
      if (cand == name) continue;
      const std::size_t d = edit_distance(name, cand);
      if (d < best_d) { best_d = d; best = cand; }
    }
    return best.empty() ? std::string{} : fmt::format("did you mean '{}'?", best);
  }

  static std::string listed(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
  }

  void check_expectations() {
    // Named properties (v2): each name once; `expect failure NAME` must name one of them.
    std::map<std::string, Loc> properties;
    std::vector<std::string> property_names;
    for (const auto& d : p_.decls) {
      if ((d.kind != DeclKind::final && d.kind != DeclKind::always) || d.name.empty()) continue;
      if (auto [it, fresh] = properties.emplace(d.name, d.name_loc); !fresh) {
        error(d.name_loc, len_of(d.name), fmt::format("property '{}' is declared twice", d.name),
              "give each property a name of its own", {fmt::format("the first is at {}", loc_text(it->second))});
        continue;
      }
      property_names.push_back(d.name);
    }
    std::vector<std::string> shared_names;
    for (const auto& s : p_.shared) shared_names.push_back(s.name);

    const Decl* clean = nullptr;
    const Decl* other = nullptr;
    std::vector<const Decl*> seen;
    std::map<std::pair<ExpectKind, std::string>, Loc> named;  // each variable or property once
    for (auto& d : p_.decls) {
      if (d.kind != DeclKind::expect) continue;
      const auto same = std::find_if(seen.begin(), seen.end(), [&](const Decl* s) {
        return s->expect == d.expect && s->expect_names == d.expect_names;
      });
      if (same != seen.end()) {
        error(d.loc, 6, "duplicate expectation", {}, {fmt::format("the same line is at {}", loc_text((*same)->loc))});
        continue;
      }
      seen.push_back(&d);
      (d.expect == ExpectKind::clean ? clean : other) = &d;
      if (d.expect_names.empty()) continue;
      if (d.expect != ExpectKind::race && d.expect != ExpectKind::failure) {
        error(d.expect_name_locs[0], len_of(d.expect_names[0]),
              fmt::format("'on' applies only to 'expect race', not 'expect {}'", spelling(d.expect)),
              "write 'expect race on VARIABLE'");
        continue;
      }
      for (std::size_t k = 0; k < d.expect_names.size(); ++k) {
        const std::string& name = d.expect_names[k];
        const Loc at = d.expect_name_locs[k];
        if (auto [it, fresh] = named.emplace(std::pair{d.expect, name}, at); !fresh) {
          error(at, len_of(name), fmt::format("'{}' is already expected", name), "name each one once",
                {fmt::format("the first is at {}", loc_text(it->second))});
          continue;
        }
        if (d.expect == ExpectKind::failure) {
          if (properties.count(name)) continue;
          // Its line had a syntax error and was dropped: one mistake, one diagnostic.
          if (std::find(p_.broken_names.begin(), p_.broken_names.end(), name) != p_.broken_names.end()) continue;
          const std::string hint = closest(name, property_names);
          error(at, len_of(name), fmt::format("unknown property '{}'", name),
                !hint.empty() ? hint : "name a property with 'final NAME: EXPR' or 'always NAME: EXPR'",
                {property_names.empty() ? std::string("this scenario has no named property")
                                        : fmt::format("the named properties are: {}", listed(property_names))});
          continue;
        }
        auto it = globals_.find(name);
        if (it == globals_.end() && name == "heap" && p_.uses_heap) {
          // v2: the plain heap cells race as the variable `heap`
        } else if (it == globals_.end()) {
          error(at, len_of(name), fmt::format("undeclared name '{}'", name),
                name == "heap" ? std::string("'heap' names the heap cells of a scenario that calls alloc()")
                               : closest(name, shared_names),
                {shared_names.empty() ? std::string("this scenario has no shared variable")
                                      : fmt::format("the shared variables are: {}", listed(shared_names))});
        } else if (it->second.kind != RefKind::shared) {
          error(at, len_of(name),
                fmt::format("'{}' is {}; only plain shared variables can race", name, a_kind(it->second.kind)),
                "name a variable declared with 'shared'");
        }
      }
    }
    if (clean && other)
      error(clean->loc, 6, "'expect clean' contradicts the other expectations", "remove 'expect clean' or the others",
            {fmt::format("'expect {}' is at {}", spelling(other->expect), loc_text(other->loc))});
  }

  // An outcome value is an integer, a negated integer or a const: what observe can record.
  std::optional<std::int64_t> outcome_value(Expr& e) {
    const bool literal = e.kind == ExprKind::integer ||
                         (e.kind == ExprKind::unary && e.un == UnOp::neg && e.args[0]->kind == ExprKind::integer);
    if (e.kind == ExprKind::name) {
      auto it = globals_.find(e.name);
      if (it != globals_.end() && it->second.kind != RefKind::constant) {
        error(e.loc, e.length, fmt::format("'{}' is {}, not a value", e.name, a_kind(it->second.kind)),
              "an outcome lists the values observed, as integers or consts: outcome 0, 1 acceptable");
        return std::nullopt;
      }
    } else if (!literal) {
      error(e.loc, e.length, "an outcome value must be an integer or a const",
            "an outcome lists the values observed, as integers or consts: outcome 0, 1 acceptable");
      return std::nullopt;
    }
    return eval_const(e);
  }

  // Outcome lines need an observe, match its arity, and classify each tuple once.
  void check_outcomes() {
    std::size_t arity = 0;
    std::string observed;
    for (const auto& d : p_.decls)
      if (d.kind == DeclKind::observe)
        for (const auto& e : d.exprs) {
          observed += (arity ? ", " : "") + print(*e);
          ++arity;
        }
    const Decl* other = nullptr;
    std::vector<const Decl*> listed;
    for (const auto& d : p_.decls) {
      if (d.kind != DeclKind::outcome) continue;
      if (arity == 0) {
        // A file whose observe line had a syntax error has lost it: one diagnostic is enough.
        if (!had_syntax_errors_)
          error(d.loc, 7, "'outcome' without an 'observe' declaration",
                "an outcome classifies the tuple that observe records: add e.g. 'observe r0, r1' first");
        continue;
      }
      if (d.outcome_else) {
        if (other)
          error(d.loc, 12, "'outcome else' is declared twice", "one 'outcome else' classifies every unlisted outcome",
                {fmt::format("the first is at {}", loc_text(other->loc))});
        else
          other = &d;
        continue;
      }
      if (d.exprs.size() != arity) {
        const Expr& first = *d.exprs.front();
        const Expr& last = *d.exprs.back();
        error(first.loc, last.loc.line == first.loc.line ? last.loc.col + last.length - first.loc.col : first.length,
              fmt::format("outcome has {} value{}, but observe records {} ({})", d.exprs.size(),
                          d.exprs.size() == 1 ? "" : "s", arity, observed),
              fmt::format("list one value per observed expression, e.g. outcome {} acceptable",
                          [&] {
                            std::string zeros;
                            for (std::size_t i = 0; i < arity; ++i) zeros += i ? ", 0" : "0";
                            return zeros;
                          }()));
        continue;
      }
      if (d.outcome_values.size() != arity) continue;  // a value was already reported
      for (const Decl* s : listed) {
        if (s->outcome_values == d.outcome_values) {
          error(d.exprs.front()->loc, d.exprs.back()->loc.col + d.exprs.back()->length - d.exprs.front()->loc.col,
                fmt::format("duplicate outcome {}", print_values(d.outcome_values)), "list each outcome once",
                {fmt::format("it is classified {} at {}", spelling(s->outcome), loc_text(s->loc))});
          break;
        }
      }
      listed.push_back(&d);
    }
  }

  static std::string print_values(const std::vector<std::int64_t>& vs) {
    std::string out;
    for (std::size_t i = 0; i < vs.size(); ++i) out += fmt::format("{}{}", i ? ", " : "", vs[i]);
    return out;
  }

  void check_something_runs() {
    // A file with syntax errors may have lost its main or threads to them.
    if (p_.main_decl || had_syntax_errors_) return;
    bool any = false;
    for (const auto& t : p_.threads) {
      const Decl& d = p_.decls[t.decl];
      if (d.params.empty()) { any = true; continue; }
      error(d.name_loc, len_of(d.name),
            fmt::format("thread '{}' takes {} parameter{} and there is no 'main:' to spawn it", d.name,
                        d.params.size(), d.params.size() == 1 ? "" : "s"),
            "without 'main:', only threads without parameters are started; add 'main:' that spawns it");
    }
    if (!any && p_.threads.empty())
      error({}, 1, "nothing to run: the scenario has no 'main:' and no thread",
            "declare 'main:' or at least one 'thread NAME:'");
  }


  // ---- v2 handles: which parameters and locals hold objects ----------------------------
  // By name within a body: a name used as an object anywhere in the body (a method on it,
  // `with` it, `wait` with it, passing it to a handle parameter) holds a handle of that
  // kind wherever it is declared in that body. Handles are typed statically, so a wrong
  // kind is an error at load time, never a surprise at run time.
  struct HandleUse {
    RefKind kind;
    Loc loc;
  };
  std::unordered_map<std::uint32_t, std::unordered_map<std::string, HandleUse>> handle_names_;

  bool is_body(const Decl& d) const {
    return d.kind == DeclKind::thread || d.kind == DeclKind::process || d.kind == DeclKind::fn || d.kind == DeclKind::main;
  }

  // Records that `name` (in body `decl`) is used as an object of `kind`; true when new.
  bool use_handle(std::uint32_t decl, const std::string& name, RefKind kind, Loc loc) {
    if (globals_.count(name)) return false;
    auto& names = handle_names_[decl];
    auto [it, inserted] = names.try_emplace(name, HandleUse{kind, loc});
    if (!inserted && it->second.kind != kind) {
      const auto key = std::make_pair(decl, name);
      if (handle_conflicts_.insert(key).second)
        error(loc, len_of(name),
              fmt::format("'{}' is used as {} here, but as {} at {}", name, a_kind(kind), a_kind(it->second.kind),
                          loc_text(it->second.loc)),
              "a parameter or local holds one kind of object; use two names");
    }
    return inserted;
  }

  std::optional<RefKind> param_handle(std::uint32_t decl, std::size_t j) const {
    const Decl& d = p_.decls[decl];
    if (j >= d.params.size()) return std::nullopt;
    auto b = handle_names_.find(decl);
    if (b == handle_names_.end()) return std::nullopt;
    auto it = b->second.find(d.params[j].name);
    if (it == b->second.end()) return std::nullopt;
    return it->second.kind;
  }

  // The body a call or spawn starts, if its name is one.
  std::optional<std::uint32_t> callee_decl(const std::string& name) const {
    auto it = globals_.find(name);
    if (it == globals_.end()) return std::nullopt;
    const RefKind k = it->second.kind;
    if (k != RefKind::fn && k != RefKind::thread && k != RefKind::process) return std::nullopt;
    return it->second.decl;
  }

  // direct: method, with and wait uses; else: arguments passed on to handle parameters.
  bool walk_handles(std::uint32_t decl, const Expr& e, bool direct) {
    bool changed = false;
    if (e.kind == ExprKind::method && direct) {
      if (!e.subscript)
        if (auto k = kind_of_method(e.method)) changed |= use_handle(decl, e.name, *k, e.name_loc);
      if (e.method == "wait" && !e.args.empty() && e.args[0]->kind == ExprKind::name)
        changed |= use_handle(decl, e.args[0]->name, RefKind::mutex, e.args[0]->name_loc);
    }
    if ((e.kind == ExprKind::call || e.kind == ExprKind::spawn) && !direct) {
      if (auto callee = callee_decl(e.name))
        for (std::size_t j = 0; j < e.args.size(); ++j)
          if (e.args[j]->kind == ExprKind::name)
            if (auto k = param_handle(*callee, j)) changed |= use_handle(decl, e.args[j]->name, *k, e.args[j]->name_loc);
    }
    for (const auto& a : e.args) changed |= walk_handles(decl, *a, direct);
    if (e.subscript) changed |= walk_handles(decl, *e.subscript, direct);
    return changed;
  }

  bool walk_handles(std::uint32_t decl, const Block& b, bool direct) {
    bool changed = false;
    for (const Stmt& s : b) {
      if (s.kind == StmtKind::with && direct && !s.index) changed |= use_handle(decl, s.name, RefKind::mutex, s.name_loc);
      for (const Expr* e : {s.index.get(), s.value.get(), s.range_lo.get(), s.range_hi.get()})
        if (e) changed |= walk_handles(decl, *e, direct);
      for (const auto& a : s.print_args)
        if (a.expr) changed |= walk_handles(decl, *a.expr, direct);
      changed |= walk_handles(decl, s.body, direct);
      for (const auto& c : s.elifs) {
        changed |= walk_handles(decl, *c.cond, direct);
        changed |= walk_handles(decl, c.body, direct);
      }
      changed |= walk_handles(decl, s.else_body, direct);
    }
    return changed;
  }

  void infer_handles() {
    for (std::uint32_t i = 0; i < p_.decls.size(); ++i)
      if (is_body(p_.decls[i])) walk_handles(i, p_.decls[i].body, true);
    // Through calls: a fixpoint, as each name gets a kind at most once.
    for (bool changed = true; changed;) {
      changed = false;
      for (std::uint32_t i = 0; i < p_.decls.size(); ++i)
        if (is_body(p_.decls[i])) changed |= walk_handles(i, p_.decls[i].body, false);
    }
  }

  std::optional<RefKind> handle_kind_of_name(const std::string& name) const {
    auto b = handle_names_.find(body_index_);
    if (b == handle_names_.end()) return std::nullopt;
    auto it = b->second.find(name);
    if (it == b->second.end()) return std::nullopt;
    return it->second.kind;
  }
  // The handle kind of a local slot of the body being resolved.
  std::optional<RefKind> slot_handle(std::uint32_t slot) const {
    auto it = slot_kinds_.find(slot);
    if (it == slot_kinds_.end()) return std::nullopt;
    return it->second;
  }

  // An expression that must give a handle to an object of `kind`: the object's name, an
  // element of an array of them, or a local that holds one.
  void resolve_object(Expr& e, RefKind kind, std::string_view where) {
    const std::string want = a_kind(kind);
    if (e.kind == ExprKind::name) {
      if (auto slot = find_local(e.name)) {
        e.ref = Ref{RefKind::local, *slot};
        const auto k = slot_handle(*slot);
        if (k == kind) {
          e.as_handle = true;
          return;
        }
        error(e.name_loc, len_of(e.name),
              k ? fmt::format("{} needs {}, but '{}' holds {}", where, want, e.name, a_kind(*k))
                : fmt::format("{} needs {}, but '{}' is a local value", where, want, e.name),
              std::string(handles_help));
        return;
      }
      auto it = globals_.find(e.name);
      if (it == globals_.end()) {
        error(e.name_loc, len_of(e.name), fmt::format("undeclared name '{}'", e.name), suggestion(e.name, false));
        return;
      }
      const Global& g = it->second;
      if (g.kind != kind) {
        error(e.name_loc, len_of(e.name), fmt::format("{} needs {}, but '{}' is {}", where, want, e.name, a_kind(g.kind)));
        return;
      }
      if (g.is_array) {
        error(e.name_loc, len_of(e.name), fmt::format("'{}' is an array of {}; pass one element", e.name, plural(kind)),
              fmt::format("{}[INDEX]", e.name));
        return;
      }
      e.ref = Ref{kind, g.index};
      e.as_handle = true;
      return;
    }
    if (e.kind == ExprKind::index) {
      resolve_expr(*e.args[0], Context::body, true);
      auto it = globals_.find(e.name);
      if (it != globals_.end() && it->second.kind == kind && it->second.is_array) {
        e.ref = Ref{kind, it->second.index};
        e.as_handle = true;
        return;
      }
      error(e.name_loc, len_of(e.name),
            it == globals_.end() ? fmt::format("undeclared array '{}'", e.name)
                                 : fmt::format("{} needs {}, but '{}' is not an array of {}", where, want, e.name, plural(kind)));
      return;
    }
    resolve_expr(e, Context::body, true);
    error(e.loc, e.length, fmt::format("{} needs {}, not a computed value", where, want),
          fmt::format("name the object, an element of an array of {}, or a local that holds one", plural(kind)));
  }

  // ---- bodies --------------------------------------------------------------------------
  void resolve_body(Decl& d) {
    body_ = &d;
    body_index_ = static_cast<std::uint32_t>(&d - p_.decls.data());
    slot_kinds_.clear();
    scopes_.assign(1, {});
    loop_depth_ = 0;
    for (const Param& param : d.params) {
      const std::uint32_t slot = declare_local(param.name, param.loc);
      if (auto k = handle_kind_of_name(param.name)) slot_kinds_[slot] = *k;
    }
    resolve_block(d.body, false);
    scopes_.clear();
    body_ = nullptr;
  }

  std::uint32_t declare_local(const std::string& name, Loc loc) {
    if (auto g = globals_.find(name); g != globals_.end()) {
      error(loc, len_of(name),
            fmt::format("local '{}' shadows the {} declared at {}", name, kind_noun(g->second.kind),
                        loc_text(p_.decls[g->second.decl].name_loc)),
            "rename the local; a scenario's names refer to one thing each");
    } else {
      for (const auto& scope : scopes_) {
        if (auto it = scope.find(name); it != scope.end()) {
          error(loc, len_of(name), fmt::format("'{}' is already declared in this body", name),
                "assign to it without 'let', or choose another name",
                {fmt::format("the first declaration is at {}", loc_text(local_locs_[it->second]))});
          break;
        }
      }
    }
    const auto slot = static_cast<std::uint32_t>(body_->local_names.size());
    body_->local_names.push_back(name);
    body_->frame_size = slot + 1;
    local_locs_[slot] = loc;
    scopes_.back()[name] = slot;
    return slot;
  }

  std::optional<std::uint32_t> find_local(const std::string& name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it)
      if (auto f = it->find(name); f != it->end()) return f->second;
    return std::nullopt;
  }

  void resolve_block(Block& block, bool new_scope) {
    if (new_scope) scopes_.emplace_back();
    for (Stmt& s : block) resolve_stmt(s);
    if (new_scope) scopes_.pop_back();
  }

  void resolve_loop_body(Block& block) {
    ++loop_depth_;
    resolve_block(block, true);
    --loop_depth_;
  }

  void resolve_stmt(Stmt& s) {
    switch (s.kind) {
      case StmtKind::let:
        if (auto k = handle_kind_of_name(s.name)) {  // v2: the local holds a handle
          resolve_object(*s.value, *k, fmt::format("'{}' is used as {}, so its value", s.name, a_kind(*k)));
          s.ref = Ref{RefKind::local, declare_local(s.name, s.name_loc)};
          slot_kinds_[s.ref.index] = *k;
          break;
        }
        resolve_expr(*s.value, Context::body, true);
        s.ref = Ref{RefKind::local, declare_local(s.name, s.name_loc)};
        break;
      case StmtKind::assign:
        if (!s.index)
          if (auto slot = find_local(s.name))
            if (auto k = slot_handle(*slot)) {  // v2: a handle local takes another object of its kind
              resolve_object(*s.value, *k, fmt::format("'{}' holds {}, so the value assigned", s.name, a_kind(*k)));
              s.ref = Ref{RefKind::local, *slot};
              break;
            }
        if (s.index) resolve_expr(*s.index, Context::body, true);
        resolve_expr(*s.value, Context::body, true);
        resolve_assign_target(s);
        break;
      case StmtKind::expr:
        resolve_expr(*s.value, Context::body, false);
        break;
      case StmtKind::if_:
        resolve_expr(*s.value, Context::body, true);
        resolve_block(s.body, true);
        for (auto& clause : s.elifs) {
          resolve_expr(*clause.cond, Context::body, true);
          resolve_block(clause.body, true);
        }
        if (s.has_else) resolve_block(s.else_body, true);
        break;
      case StmtKind::while_:
      case StmtKind::repeat:
        resolve_expr(*s.value, Context::body, true);
        resolve_loop_body(s.body);
        break;
      case StmtKind::for_:
        if (s.range_lo) resolve_expr(*s.range_lo, Context::body, true);
        resolve_expr(*s.range_hi, Context::body, true);
        scopes_.emplace_back();
        s.ref = Ref{RefKind::local, declare_local(s.name, s.name_loc)};
        resolve_loop_body(s.body);
        scopes_.pop_back();
        break;
      case StmtKind::break_:
      case StmtKind::continue_:
        if (loop_depth_ == 0)
          error(s.loc, s.kind == StmtKind::break_ ? 5 : 8,
                fmt::format("'{}' outside a loop", s.kind == StmtKind::break_ ? "break" : "continue"),
                "it belongs inside while, repeat or for");
        break;
      case StmtKind::return_:
        if (s.value) {
          if (body_->kind == DeclKind::process)
            error(s.value->loc, s.value->length, "a process cannot return a value",
                  "a process sends results through a queue; its join gives its exit status");
          resolve_expr(*s.value, Context::body, true);
        }
        break;
      case StmtKind::with: {
        auto it = globals_.find(s.name);
        if (auto slot = find_local(s.name)) {
          if (slot_handle(*slot) == RefKind::mutex && !s.index) {
            s.ref = Ref{RefKind::mutex, 0};
            s.handle = static_cast<std::int32_t>(*slot);
          } else {
            const auto k = slot_handle(*slot);
            if (!k)
              error(s.name_loc, len_of(s.name), fmt::format("'with' needs a mutex, but '{}' is a local variable", s.name),
                    std::string(handles_help));
            else if (*k == RefKind::mutex)
              error(s.name_loc, len_of(s.name), fmt::format("'{}' holds one mutex, not an array", s.name),
                    fmt::format("with {}:", s.name));
            // else: the conflicting uses of the name are already reported
          }
        } else if (it == globals_.end()) {
          error(s.name_loc, len_of(s.name), fmt::format("undeclared name '{}'", s.name), suggestion(s.name, false));
        } else if (it->second.kind != RefKind::mutex) {
          error(s.name_loc, len_of(s.name),
                fmt::format("'with' needs a mutex, but '{}' is {}", s.name, a_kind(it->second.kind)),
                "declare it with 'mutex NAME'");
        } else if (it->second.is_array != (s.index != nullptr)) {
          error(s.name_loc, len_of(s.name),
                it->second.is_array ? fmt::format("'{}' is an array of mutexes; lock one element", s.name)
                                    : fmt::format("'{}' is not an array", s.name),
                it->second.is_array ? fmt::format("with {}[INDEX]:", s.name) : fmt::format("with {}:", s.name));
        } else {
          s.ref = Ref{RefKind::mutex, it->second.index};
        }
        if (s.index) resolve_expr(*s.index, Context::body, true);
        resolve_block(s.body, true);
        break;
      }
      case StmtKind::assert_:
        resolve_expr(*s.value, Context::body, true);
        break;
      case StmtKind::print:
        for (auto& arg : s.print_args)
          if (arg.expr && arg.expr->kind != ExprKind::thread_name) resolve_expr(*arg.expr, Context::body, true);
        break;
      case StmtKind::yield:
      case StmtKind::sleep:
      case StmtKind::fence:
      case StmtKind::crash:
        break;
    }
  }

  void resolve_assign_target(Stmt& s) {
    if (auto slot = find_local(s.name)) {
      if (s.index && slot_handle(*slot)) {
        error(s.name_loc, len_of(s.name), fmt::format("'{}' holds {}, not a pointer", s.name, a_kind(*slot_handle(*slot))),
              "p[i] = v writes a heap cell through a pointer from alloc() or alloc_atomic()");
        return;
      }
      s.ref = Ref{RefKind::local, *slot};  // with an index (v2 heap): a cell of the block it points to
      return;
    }
    auto it = globals_.find(s.name);
    if (it == globals_.end()) {
      if (s.index) {
        error(s.name_loc, len_of(s.name), fmt::format("undeclared array '{}'", s.name), suggestion(s.name, true));
      } else {
        std::string help = suggestion(s.name, true);
        help = help.empty() ? fmt::format("declare a local first: 'let {} = ...'", s.name)
                            : fmt::format("{} To declare a local, write 'let {} = ...'", help, s.name);
        error(s.name_loc, len_of(s.name), fmt::format("assignment to undeclared name '{}'", s.name), help);
      }
      return;
    }
    const Global& g = it->second;
    const Decl& decl = p_.decls[g.decl];
    switch (g.kind) {
      case RefKind::constant:
        error(s.name_loc, len_of(s.name), fmt::format("cannot assign to const '{}'", s.name),
              fmt::format("consts are fixed for a run; change it with --set {}=VALUE, or declare a shared variable", s.name));
        return;
      case RefKind::shared:
        if (g.is_array && !s.index) {
          error(s.name_loc, len_of(s.name), fmt::format("'{}' is an array; assign to one element", s.name),
                fmt::format("{}[INDEX] = VALUE", s.name));
          return;
        }
        if (!g.is_array && s.index) {
          error(s.name_loc, len_of(s.name), fmt::format("'{}' is not an array", s.name),
                fmt::format("it is declared at {} without a size", loc_text(decl.name_loc)));
          return;
        }
        s.ref = Ref{RefKind::shared, g.index};
        return;
      case RefKind::atomic:
        if (g.is_array != (s.index != nullptr)) {
          error(s.name_loc, len_of(s.name),
                g.is_array ? fmt::format("'{}' is an array; assign to one element", s.name)
                           : fmt::format("'{}' is not an array", s.name),
                g.is_array ? fmt::format("{}[INDEX] = VALUE", s.name) : std::string());
          return;
        }
        s.ref = Ref{RefKind::atomic, g.index};  // a plain store, seq_cst
        return;
      default:
        error(s.name_loc, len_of(s.name), fmt::format("cannot assign to {} '{}'", kind_noun(g.kind), s.name),
              "only locals, shared and atomic variables hold values");
        return;
    }
  }

  // `value` says whether the expression's value is used (false for a call statement).
  void resolve_expr(Expr& e, Context ctx, bool value) {
    auto not_here = [&](std::string_view what) {
      error(e.loc, e.length,
            fmt::format("{} cannot be used in {}", what, ctx == Context::property ? "a property (final, always, observe)" : "a constant"),
            ctx == Context::property ? "properties read only consts, shared and atomic variables"
                                     : "constants are built from integers, consts and arithmetic");
    };
    switch (e.kind) {
      case ExprKind::integer:
        return;
      case ExprKind::unary:
        resolve_expr(*e.args[0], ctx, true);
        return;
      case ExprKind::binary:
        resolve_expr(*e.args[0], ctx, true);
        resolve_expr(*e.args[1], ctx, true);
        return;
      case ExprKind::any:
        if (ctx != Context::body) return not_here("any()");
        for (auto& a : e.args) resolve_expr(*a, ctx, true);
        return;
      case ExprKind::thread_name:
        // Values are integers; a name exists only to be printed (print handles it itself).
        if (ctx != Context::body) return not_here("thread_name()");
        error(e.loc, e.length, "thread_name() can only be an argument of print",
              "print \"running in\", thread_name()");
        return;
      case ExprKind::name:
        resolve_name(e, ctx);
        return;
      case ExprKind::index: {
        resolve_expr(*e.args[0], ctx, true);
        auto it = globals_.find(e.name);
        if (it == globals_.end()) {
          if (auto slot = find_local(e.name); slot && ctx == Context::body) {
            if (auto k = slot_handle(*slot)) {
              error(e.name_loc, len_of(e.name), fmt::format("'{}' holds {}, not a pointer", e.name, a_kind(*k)),
                    "p[i] reads a heap cell through a pointer from alloc() or alloc_atomic()");
              return;
            }
            e.ref = Ref{RefKind::local, *slot};  // v2 heap: a cell of the block the local points to
            return;
          }
          if (find_local(e.name))
            error(e.name_loc, len_of(e.name), fmt::format("'{}' is a local variable, not an array", e.name),
                  "arrays are declared at the top level: shared NAME[SIZE] = 0");
          else
            error(e.name_loc, len_of(e.name), fmt::format("undeclared array '{}'", e.name), suggestion(e.name, true));
          return;
        }
        if (it->second.kind == RefKind::atomic && it->second.is_array) {  // v2: one atomic of an array
          e.ref = Ref{RefKind::atomic, it->second.index};
          return;
        }
        if (it->second.kind != RefKind::shared || !it->second.is_array) {
          error(e.name_loc, len_of(e.name), fmt::format("'{}' is not an array", e.name),
                it->second.is_array ? fmt::format("'{}' is an array of {}: call a method of one element, {}[INDEX].METHOD()",
                                                  e.name, plural(it->second.kind), e.name)
                                    : fmt::format("'{}' is {}", e.name, a_kind(it->second.kind)));
          return;
        }
        e.ref = Ref{RefKind::shared, it->second.index};
        return;
      }
      case ExprKind::call:
        if (ctx != Context::body) return not_here("a function call");
        resolve_call(e, value);
        return;
      case ExprKind::method:
        if (ctx != Context::body) return not_here("a method call");
        resolve_method(e, value);
        return;
      case ExprKind::spawn:
        resolve_spawn(e);
        return;
      case ExprKind::join:
        resolve_expr(*e.args[0], ctx, true);
        return;
    }
  }

  void resolve_name(Expr& e, Context ctx) {
    if (ctx == Context::body) {
      if (auto slot = find_local(e.name)) {
        e.ref = Ref{RefKind::local, *slot};
        if (auto k = slot_handle(*slot))
          error(e.name_loc, len_of(e.name), fmt::format("'{}' holds {}, not a value", e.name, a_kind(*k)),
                fmt::format("use one of its methods: {}; or pass it on to a parameter used as {}", method_list(*k), a_kind(*k)));
        return;
      }
    }
    auto it = globals_.find(e.name);
    if (it == globals_.end()) {
      error(e.name_loc, len_of(e.name), fmt::format("undeclared name '{}'", e.name), suggestion(e.name, ctx != Context::body));
      return;
    }
    const Global& g = it->second;
    switch (g.kind) {
      case RefKind::constant:
      case RefKind::atomic:
        if (g.is_array) {
          error(e.name_loc, len_of(e.name), fmt::format("'{}' is an array; read one element", e.name),
                fmt::format("{}[INDEX]", e.name));
          return;
        }
        e.ref = Ref{g.kind, g.index};
        return;
      case RefKind::shared:
        if (g.is_array) {
          error(e.name_loc, len_of(e.name), fmt::format("'{}' is an array; read one element", e.name),
                fmt::format("{}[INDEX]", e.name));
          return;
        }
        e.ref = Ref{g.kind, g.index};
        return;
      default: {
        const auto& ms = methods_of(g.kind);
        std::string help = ms.empty() ? fmt::format("'{}' is not a value", e.name)
                                      : fmt::format("use one of its methods: {}", method_list(g.kind));
        if (g.kind == RefKind::thread || g.kind == RefKind::process)
          help = fmt::format("start it with 'spawn {}(...)'", e.name);
        if (g.kind == RefKind::fn) help = fmt::format("call it: {}(...)", e.name);
        if (!ms.empty() || g.kind == RefKind::cond)
          help += "; to pass it to a fn, thread or process, use the parameter as one (e.g. 'with first:')";
        error(e.name_loc, len_of(e.name), fmt::format("'{}' is {}, not a value", e.name, a_kind(g.kind)), help);
        return;
      }
    }
  }

  // Arguments: a handle parameter takes an object of its kind, any other a value.
  void resolve_args(Expr& e) {
    const auto callee = callee_decl(e.name);
    for (std::size_t j = 0; j < e.args.size(); ++j) {
      const auto k = callee ? param_handle(*callee, j) : std::nullopt;
      if (k)
        resolve_object(*e.args[j], *k,
                       fmt::format("parameter '{}' of '{}' (used as {})", p_.decls[*callee].params[j].name, e.name, a_kind(*k)));
      else
        resolve_expr(*e.args[j], Context::body, true);
    }
  }

  // v2 heap: alloc(N), alloc_atomic(N) and free(P), where no declaration has the name.
  bool resolve_builtin(Expr& e, bool value) {
    static const std::string_view names[] = {"alloc", "alloc_atomic", "free"};
    const auto* at = std::find(std::begin(names), std::end(names), e.name);
    if (at == std::end(names) || globals_.count(e.name)) return false;
    for (auto& a : e.args) resolve_expr(*a, Context::body, true);
    const bool is_free = e.name == "free";
    if (e.args.size() != 1)
      error(e.name_loc, len_of(e.name), fmt::format("'{}' takes 1 argument, got {}", e.name, e.args.size()),
            is_free ? "free(POINTER)" : fmt::format("let p = {}(CELLS)", e.name));
    if (is_free && value)
      error(e.name_loc, len_of(e.name), "'free()' gives no value", "call it as a statement: free(p)");
    e.ref = Ref{RefKind::builtin, static_cast<std::uint32_t>(at - std::begin(names))};
    if (!is_free) p_.uses_heap = true;
    return true;
  }

  void resolve_call(Expr& e, bool value) {
    if (resolve_builtin(e, value)) return;
    resolve_args(e);
    auto it = globals_.find(e.name);
    if (it == globals_.end()) {
      error(e.name_loc, len_of(e.name), fmt::format("undeclared function '{}'", e.name), suggestion(e.name, false));
      return;
    }
    const Global& g = it->second;
    if (g.kind == RefKind::thread || g.kind == RefKind::process) {
      error(e.name_loc, len_of(e.name), fmt::format("'{}' is {}; it cannot be called", e.name, a_kind(g.kind)),
            fmt::format("start it with 'spawn {}(...)'", e.name));
      return;
    }
    if (g.kind != RefKind::fn) {
      error(e.name_loc, len_of(e.name), fmt::format("'{}' is {}, not a function", e.name, a_kind(g.kind)),
            "functions are declared with 'fn NAME(PARAMS):'");
      return;
    }
    check_arity(e, p_.decls[g.decl]);
    e.ref = Ref{RefKind::fn, g.index};
  }

  void check_arity(const Expr& e, const Decl& callee) {
    if (e.args.size() == callee.params.size()) return;
    std::string params;
    for (const auto& param : callee.params) params += (params.empty() ? "" : ", ") + param.name;
    error(e.name_loc, len_of(e.name),
          fmt::format("'{}' takes {} argument{}, got {}", e.name, callee.params.size(),
                      callee.params.size() == 1 ? "" : "s", e.args.size()),
          fmt::format("{}({}) is declared at {}", e.name, params, loc_text(callee.name_loc)));
  }

  void resolve_spawn(Expr& e) {
    resolve_args(e);
    auto it = globals_.find(e.name);
    if (it == globals_.end()) {
      error(e.name_loc, len_of(e.name), fmt::format("undeclared thread '{}'", e.name), suggestion(e.name, false));
      return;
    }
    const Global& g = it->second;
    if (g.kind != RefKind::thread && g.kind != RefKind::process) {
      error(e.name_loc, len_of(e.name), fmt::format("cannot spawn {} '{}'", kind_noun(g.kind), e.name),
            g.kind == RefKind::fn ? fmt::format("call a fn directly: {}(...); spawn starts a thread or process", e.name)
                                  : std::string("spawn starts a thread or a process"));
      return;
    }
    check_arity(e, p_.decls[g.decl]);
    e.ref = Ref{g.kind, g.index};
  }

  void resolve_method(Expr& e, bool value) {
    if (e.subscript) resolve_expr(*e.subscript, Context::body, true);
    for (auto& a : e.args)
      if (!(e.method == "wait" && &a == &e.args.front())) resolve_expr(*a, Context::body, true);
    Global g{};
    std::optional<std::uint32_t> heap_slot;  // v2 heap: the receiver p[i] is a cell of p's block
    const auto slot = find_local(e.name);
    if (slot && e.subscript && !slot_handle(*slot)) {
      g = Global{RefKind::atomic, 0, 0, true};  // v2 heap: an atomic cell of the block the local points to
      e.handle = -1;
      heap_slot = *slot;
    } else if (slot) {
      const auto k = slot_handle(*slot);
      if (!k || e.subscript) {
        error(e.name_loc, len_of(e.name), fmt::format("'{}' is a local variable; it has no methods", e.name),
              fmt::format("methods belong to mutex, cond, semaphore, queue and atomic objects; {}", handles_help));
        return;
      }
      g = Global{*k, 0, 0, false};  // v2: the object the handle in this slot names
      e.handle = static_cast<std::int32_t>(*slot);
    } else {
      auto it = globals_.find(e.name);
      if (it == globals_.end()) {
        error(e.name_loc, len_of(e.name), fmt::format("undeclared name '{}'", e.name), suggestion(e.name, false));
        return;
      }
      g = it->second;
    }
    const auto& ms = methods_of(g.kind);
    const auto sig = std::find_if(ms.begin(), ms.end(), [&](const MethodSig& m) { return m.name == e.method; });
    if (sig == ms.end()) {
      std::string help = ms.empty() ? "" : fmt::format("{} methods: {}", kind_noun(g.kind), method_list(g.kind));
      if (g.kind == RefKind::shared)
        help = "read and assign it directly, or declare it 'atomic' for load(), store(), fetch_add(), exchange(), compare_exchange()";
      else if (ms.empty())
        help = fmt::format("only mutex, cond, semaphore, queue and atomic objects have methods");
      error(e.method_loc, len_of(e.method),
            heap_slot ? fmt::format("'{}' is not a method of a heap cell", e.method)
                      : fmt::format("'{}' is not a method of {} '{}'", e.method, kind_noun(g.kind), e.name),
            heap_slot ? fmt::format("cells of alloc_atomic() blocks have the atomic methods: {}", method_list(RefKind::atomic)) : help);
      return;
    }
    if (g.is_array != (e.subscript != nullptr)) {
      error(e.name_loc, len_of(e.name),
            g.is_array ? fmt::format("'{}' is an array of {}; call the method on one element", e.name, plural(g.kind))
                       : fmt::format("'{}' is not an array", e.name),
            g.is_array ? fmt::format("{}[INDEX].{}(...)", e.name, e.method) : fmt::format("{}.{}(...)", e.name, e.method));
      return;
    }
    e.ref = Ref{g.kind, g.index};
    if (heap_slot) e.ref = Ref{RefKind::local, *heap_slot};
    if (e.args.size() != sig->args) {
      error(e.method_loc, len_of(e.method),
            fmt::format("'{}' takes {} argument{}, got {}", e.method, sig->args, sig->args == 1 ? "" : "s", e.args.size()),
            std::string(sig->usage));
    }
    if (value && !sig->gives_value) {
      error(e.method_loc, len_of(e.method), fmt::format("'{}()' gives no value", e.method),
            fmt::format("call it as a statement: {}", sig->usage));
    }
    const bool is_cmpxchg = e.method == "compare_exchange" || e.method == "compare_exchange_weak";
    if (e.failure_order != MemOrder::unspecified) {
      const auto len = static_cast<std::uint32_t>(spelling(e.failure_order).size());
      if (!is_cmpxchg)
        error(e.failure_order_loc, len, fmt::format("'{}' takes one memory order", e.method),
              "only compare_exchange and compare_exchange_weak take a second (failure) order");
      else if (e.failure_order == MemOrder::release || e.failure_order == MemOrder::acq_rel)
        error(e.failure_order_loc, len, fmt::format("'{}' is not a valid failure order", spelling(e.failure_order)),
              "a failed compare-exchange is a load: its order is relaxed, acquire or seq_cst");
    }
    if (e.method == "compare_exchange_weak" && g.kind == RefKind::atomic && e.args.size() == 2 &&
        (e.args[0]->kind != ExprKind::name || e.args[0]->ref.kind != RefKind::local)) {
      // A spurious failure sees the expected value, so only a status can report it; the
      // value seen goes back into the local, as C++ writes back `expected`.
      error(e.args[0]->loc, e.args[0]->length, "compare_exchange_weak() takes the expected value in a local variable",
            fmt::format("it gives 1 or 0 and stores the value it saw into the local: let seen = {0}.load(), then "
                        "let ok = {0}.compare_exchange_weak(seen, seen + 1)", e.name));
    }
    if (e.method == "try_get" && g.kind == RefKind::queue && e.args.size() == 1 &&
        (e.args[0]->kind != ExprKind::name || e.args[0]->ref.kind != RefKind::local)) {
      error(e.args[0]->loc, e.args[0]->length, "try_get() stores the value into a local variable",
            fmt::format("let v = 0, then let ok = {}.try_get(v)", e.name));
    }
    if (e.order != MemOrder::unspecified) {
      const bool is_load = e.method == "load";
      const bool is_store = e.method == "store";
      if (!sig->takes_order) {
        error(e.order_loc, static_cast<std::uint32_t>(spelling(e.order).size()),
              fmt::format("'{}' takes no memory order", e.method), "memory orders apply to atomic operations");
      } else if ((is_load && (e.order == MemOrder::release || e.order == MemOrder::acq_rel)) ||
                 (is_store && (e.order == MemOrder::acquire || e.order == MemOrder::acq_rel))) {
        error(e.order_loc, static_cast<std::uint32_t>(spelling(e.order).size()),
              fmt::format("'{}' is not a valid order for {}()", spelling(e.order), e.method),
              is_load ? "a load is relaxed, acquire or seq_cst" : "a store is relaxed, release or seq_cst");
      }
    }
    if (e.method == "wait" && !e.args.empty() && e.args.front()->kind == ExprKind::name &&
        find_local(e.args.front()->name)) {
      Expr& m = *e.args.front();  // v2: wait with the mutex a local holds
      const auto mslot = *find_local(m.name);
      if (slot_handle(mslot) == RefKind::mutex) {
        m.ref = Ref{RefKind::mutex, 0};
        m.handle = static_cast<std::int32_t>(mslot);
      } else {
        error(m.loc, m.length, "wait() needs the mutex that guards the condition",
              fmt::format("'{}' is a local that does not hold a mutex; {}", m.name, handles_help));
      }
    } else if (e.method == "wait" && !e.args.empty()) {
      Expr& m = *e.args.front();
      auto mit = m.kind == ExprKind::name || m.kind == ExprKind::index ? globals_.find(m.name) : globals_.end();
      if (m.kind == ExprKind::index) resolve_expr(*m.args[0], Context::body, true);
      if (mit != globals_.end() && mit->second.kind == RefKind::mutex && mit->second.is_array != (m.kind == ExprKind::index)) {
        error(m.loc, m.length,
              mit->second.is_array ? fmt::format("'{}' is an array of mutexes; wait with one element", m.name)
                                   : fmt::format("'{}' is not an array", m.name),
              mit->second.is_array ? fmt::format("{}.wait({}[INDEX])", e.name, m.name) : fmt::format("{}.wait({})", e.name, m.name));
      } else if (mit == globals_.end() || mit->second.kind != RefKind::mutex) {
        error(m.loc, m.length, "wait() needs the mutex that guards the condition",
              fmt::format("{}.wait(MUTEX), with MUTEX declared by 'mutex NAME'", e.name));
      } else {
        m.ref = Ref{RefKind::mutex, mit->second.index};
      }
    }
  }

  Program& p_;
  const Overrides& overrides_;
  DiagnosticSink& sink_;
  std::unordered_map<std::string, Global> globals_;
  std::optional<std::uint32_t> scenario_decl_, about_decl_, memory_decl_;
  std::map<std::string, Loc> options_seen_;
  bool had_syntax_errors_ = false;
  std::vector<std::uint32_t> evaluating_;
  std::set<std::uint32_t> failed_consts_;
  // Per body.
  Decl* body_ = nullptr;
  std::vector<std::unordered_map<std::string, std::uint32_t>> scopes_;
  std::unordered_map<std::uint32_t, Loc> local_locs_;
  unsigned loop_depth_ = 0;
  std::uint32_t body_index_ = 0;
  std::unordered_map<std::uint32_t, RefKind> slot_kinds_;  // v2: local slots that hold handles
  std::set<std::pair<std::uint32_t, std::string>> handle_conflicts_;  // reported once each
};

}  // namespace

bool resolve(Program& program, const std::string& stem, const Overrides& overrides, DiagnosticSink& sink) {
  const auto before = sink.error_count();
  Resolver(program, overrides, sink).run(stem);
  return sink.error_count() == before && !sink.truncated();
}

}  // namespace interleave
