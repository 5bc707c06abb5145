// Resolver: symbol tables, Refs and constant values, and every name-resolution error with
// its message and position.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "frontend_helpers.hpp"

using namespace interleave;
using interleave::test::decl_named;
using interleave::test::load;
using interleave::test::main_body;
using interleave::test::messages;

namespace {

using Msgs = std::vector<std::string>;

Msgs errors(const std::string& text, const LoadOptions& options = {}) { return messages(load(text, options)); }

// Errors of a main body (lines indented by four spaces) after some declarations.
Msgs main_errors(const std::string& decls, const std::string& body) { return errors(decls + "main:\n" + body); }

const Diagnostic& only(const LoadResult& r) { return test::only_diagnostic(r); }

LoadOptions with_overrides(Overrides o) {
  LoadOptions opts;
  opts.overrides = std::move(o);
  return opts;
}

bool operator_eq(const Ref& a, RefKind k, std::uint32_t index) { return a.kind == k && a.index == index; }

}  // namespace

// ---- what a resolved program holds --------------------------------------------------------

TEST_CASE("resolver: every global goes into the symbol table of its kind, in declaration order", "[resolver]") {
  const auto r = load(
      "const N = 2\nshared a = 0\nshared b[4] = 0\natomic x = 0\nmutex m\nmutex m2\ncond c\nsemaphore s = 1\n"
      "queue q[2]\nthread t:\n    yield\nprocess p:\n    yield\nfn f():\n    return 1\nmain:\n    yield\n");
  REQUIRE(r.ok());
  const auto& p = *r.program;
  REQUIRE(p.constants.size() == 1);
  CHECK(p.constants[0].name == "N");
  CHECK(p.constants[0].decl == 0);
  REQUIRE(p.shared.size() == 2);
  CHECK(p.shared[0].name == "a");
  CHECK(p.shared[1].name == "b");
  CHECK(p.shared[1].decl == 2);
  REQUIRE(p.atomics.size() == 1);
  REQUIRE(p.mutexes.size() == 2);
  CHECK(p.mutexes[1].name == "m2");
  CHECK(p.mutexes[1].decl == 5);
  CHECK(p.conds.size() == 1);
  CHECK(p.semaphores.size() == 1);
  CHECK(p.queues.size() == 1);
  CHECK(p.threads.size() == 1);
  CHECK(p.processes.size() == 1);
  CHECK(p.fns.size() == 1);
  CHECK(p.fns[0].decl == 11);
  REQUIRE(p.main_decl.has_value());
  CHECK(*p.main_decl == 12);
}

TEST_CASE("resolver: names in bodies get Refs to their table entries or frame slots", "[resolver]") {
  const auto r = load(
      "shared other = 0\nshared balance = 0\nshared arr[3] = 0\natomic x = 0\nmutex lock\ncond c\nqueue q[1]\n"
      "const K = 1\nfn f(v):\n    return v\nthread run(n):\n    balance = balance + n\n    with lock:\n"
      "        c.wait(lock)\n    arr[K] = x.load() + f(n) + q.get()\n"
      "main:\n    let t = spawn run(1)\n    join t\n");
  REQUIRE(r.ok());
  const auto& p = *r.program;
  const auto& run = decl_named(p, "run").body;
  REQUIRE(run.size() == 3);
  // balance = balance + n
  CHECK(operator_eq(run[0].ref, RefKind::shared, 1));
  CHECK(operator_eq(run[0].value->args[0]->ref, RefKind::shared, 1));
  CHECK(operator_eq(run[0].value->args[1]->ref, RefKind::local, 0));
  // with lock: c.wait(lock)
  CHECK(operator_eq(run[1].ref, RefKind::mutex, 0));
  const Expr& wait = *run[1].body.at(0).value;
  CHECK(operator_eq(wait.ref, RefKind::cond, 0));
  CHECK(operator_eq(wait.args[0]->ref, RefKind::mutex, 0));
  // arr[K] = x.load() + f(n) + q.get()
  CHECK(operator_eq(run[2].ref, RefKind::shared, 2));
  CHECK(operator_eq(run[2].index->ref, RefKind::constant, 0));
  const Expr& sum = *run[2].value;  // ((x.load() + f(n)) + q.get())
  CHECK(operator_eq(sum.args[0]->args[0]->ref, RefKind::atomic, 0));
  CHECK(operator_eq(sum.args[0]->args[1]->ref, RefKind::fn, 0));
  CHECK(operator_eq(sum.args[1]->ref, RefKind::queue, 0));
  // main: let t = spawn run(1); join t
  const auto& m = main_body(p);
  CHECK(operator_eq(m[0].ref, RefKind::local, 0));
  CHECK(operator_eq(m[0].value->ref, RefKind::thread, 0));
  CHECK(operator_eq(m[1].value->args[0]->ref, RefKind::local, 0));
}

TEST_CASE("resolver: parameters take the first slots, every local gets its own slot", "[resolver]") {
  const auto r = load(
      "thread run(n, k):\n    let a = n\n    for i in range(k):\n        let b = i\n    if a:\n        let c = 1\n"
      "    else:\n        let c2 = 2\nmain:\n    yield\n");
  REQUIRE(r.ok());
  const auto& d = decl_named(*r.program, "run");
  CHECK(d.frame_size == 7);
  CHECK(d.local_names == std::vector<std::string>{"n", "k", "a", "i", "b", "c", "c2"});
  CHECK(operator_eq(d.body[0].ref, RefKind::local, 2));
  CHECK(operator_eq(d.body[1].ref, RefKind::local, 3));  // the for variable
  CHECK(operator_eq(d.body[1].body[0].ref, RefKind::local, 4));
  const auto& m = decl_named(*r.program, "main");
  CHECK(m.frame_size == 0);
  CHECK(m.local_names.empty());
}

TEST_CASE("resolver: a block's locals end with the block, sibling blocks may reuse a name", "[resolver]") {
  CHECK(main_errors("", "    for i in range(2):\n        let y = i\n    for i in range(3):\n        let y = i\n").empty());
  CHECK(main_errors("", "    if 1:\n        let y = 1\n    else:\n        let y = 2\n").empty());
  CHECK(main_errors("", "    if 1:\n        let y = 1\n    print y\n") == Msgs{"4:11: undeclared name 'y'"});
  CHECK(main_errors("", "    let t = 1\n    with_it = t\n") ==
        Msgs{"3:5: assignment to undeclared name 'with_it'"});
}

TEST_CASE("resolver: constants are evaluated, in any declaration order", "[resolver]") {
  const auto ok = load(
      "shared slots[M] = N - 1\nconst M = N * 2 + 1\nconst N = 3\nqueue q[N]\nsemaphore s = N % 2\n"
      "const T = true and not false\nconst D = -7 / 2\nconst R = -7 % 2\nconst C = 2 < 3\nmain:\n    yield\n");
  REQUIRE(ok.ok());
  const auto& p = *ok.program;
  CHECK(p.const_values == std::map<std::string, std::int64_t>{
                              {"C", 1}, {"D", -3}, {"M", 7}, {"N", 3}, {"R", -1}, {"T", 1}});
  CHECK(decl_named(p, "slots").size_value == 7);
  CHECK(decl_named(p, "slots").init_value == 2);
  CHECK(decl_named(p, "M").init_value == 7);
  CHECK(decl_named(p, "q").size_value == 3);
  CHECK(decl_named(p, "s").init_value == 1);
}

TEST_CASE("resolver: scalars have size_value 0, atomics and semaphores keep their initial values", "[resolver]") {
  const auto r = load("shared a = -4\natomic x = 9\nsemaphore s = 0\nmain:\n    yield\n");
  REQUIRE(r.ok());
  CHECK(decl_named(*r.program, "a").size_value == 0);
  CHECK(decl_named(*r.program, "a").init_value == -4);
  CHECK(decl_named(*r.program, "x").init_value == 9);
  CHECK(decl_named(*r.program, "s").init_value == 0);
}

TEST_CASE("resolver: --set overrides a const before anything that depends on it", "[resolver][overrides]") {
  const auto r = load("const N = 3\nconst M = N * 2\nshared a[M] = N\nmain:\n    yield\n", with_overrides({{"N", 10}}));
  REQUIRE(r.ok());
  const auto& p = *r.program;
  CHECK(p.const_values.at("N") == 10);
  CHECK(p.const_values.at("M") == 20);
  CHECK(decl_named(p, "N").init_value == 10);
  CHECK(decl_named(p, "a").size_value == 20);
  CHECK(decl_named(p, "a").init_value == 10);
  // Overriding a derived const replaces its expression.
  const auto m = load("const N = 3\nconst M = N * 2\nmain:\n    yield\n", with_overrides({{"M", -1}}));
  REQUIRE(m.ok());
  CHECK(m.program->const_values.at("M") == -1);
  CHECK(m.program->const_values.at("N") == 3);
}

TEST_CASE("resolver: --set of a name that is not a const is an error listing the consts", "[resolver][overrides]") {
  const auto r = load("const N = 3\nconst K = 1\nshared x = 0\nmain:\n    yield\n", with_overrides({{"X", 1}}));
  CHECK(messages(r) == Msgs{"0:0: --set X: this scenario has no const named 'X'"});
  CHECK(only(r).help == "its consts are: N, K");
  CHECK(errors("shared x = 0\nmain:\n    yield\n", with_overrides({{"x", 1}})) ==
        Msgs{"0:0: --set x: this scenario has no const named 'x'"});
  const auto none = load("main:\n    yield\n", with_overrides({{"N", 1}}));
  CHECK(only(none).help == "this scenario declares no consts");
}

TEST_CASE("resolver: an overridden const whose overridden value breaks a size is reported", "[resolver][overrides]") {
  CHECK(errors("const N = 3\nshared a[N] = 0\nmain:\n    yield\n", with_overrides({{"N", 0}})) ==
        Msgs{"2:10: array size 0 is out of range"});
}

TEST_CASE("resolver: without 'scenario', the scenario is named after the file's stem", "[resolver]") {
  const auto stem = load_text("some/dir/balance_locked.scn", "about \"a test\"\nmain:\n    yield\n");
  REQUIRE(stem.ok());
  CHECK(stem.program->scenario_name == "balance_locked");
  CHECK(stem.program->about == "a test");
  CHECK(stem.program->path == "some/dir/balance_locked.scn");
  const auto no_about = load("main:\n    yield\n");
  REQUIRE(no_about.ok());
  CHECK(no_about.program->scenario_name == "t");
  CHECK(no_about.program->about.empty());
}

TEST_CASE("resolver: a 'scenario NAME' declaration names the scenario", "[resolver]") {
  // Regression (fixed): Resolver::run() calls collect_globals(), which sets scenario_name from the
  // declaration, and then assigns `p_.scenario_name = stem`, overwriting it.
  const auto named = load_text("some/file.scn", "scenario lost_update\nmain:\n    yield\n");
  REQUIRE(named.ok());
  CHECK(named.program->scenario_name == "lost_update");
}

TEST_CASE("resolver: without main, parameterless threads are enough", "[resolver]") {
  const auto r = load("shared x = 0\nthread a:\n    x = 1\nthread b():\n    x = 2\n");
  REQUIRE(r.ok());
  CHECK_FALSE(r.program->main_decl.has_value());
  CHECK(r.program->threads.size() == 2);
}

// ---- errors: names -----------------------------------------------------------------------

TEST_CASE("resolver: an undeclared name, with a suggestion when one is close", "[resolver][errors]") {
  const auto r = load("shared balance = 0\nmain:\n    let x = balanse + 1\n");
  CHECK(messages(r) == Msgs{"3:13: undeclared name 'balanse'"});
  CHECK(only(r).length == 7);
  CHECK(only(r).help == "did you mean 'balance'?");
  // Locals are candidates too.
  const auto local = load("main:\n    let total = 0\n    print totl\n");
  CHECK(messages(local) == Msgs{"3:11: undeclared name 'totl'"});
  CHECK(only(local).help == "did you mean 'total'?");
  // Nothing close: no help.
  const auto far = load("shared balance = 0\nmain:\n    let x = completely_different\n");
  CHECK(messages(far) == Msgs{"3:13: undeclared name 'completely_different'"});
  CHECK(only(far).help.empty());
}

TEST_CASE("resolver: a duplicate global, with a note on the first declaration", "[resolver][errors]") {
  const auto r = load("shared a = 0\natomic a = 1\nmain:\n    yield\n");
  CHECK(messages(r) == Msgs{"2:8: 'a' is already declared"});
  CHECK(only(r).help == "every top-level name must be unique");
  CHECK(only(r).notes == std::vector<std::string>{"the shared variable 'a' is declared at 1:8"});
  // All kinds share one namespace.
  const auto t = load("const worker = 1\nthread worker:\n    yield\nmain:\n    yield\n");
  CHECK(messages(t) == Msgs{"2:8: 'worker' is already declared"});
  CHECK(only(t).notes == std::vector<std::string>{"the const 'worker' is declared at 1:7"});
  CHECK(errors("mutex m\nfn m():\n    return\nmain:\n    yield\n") == Msgs{"2:4: 'm' is already declared"});
}

TEST_CASE("resolver: main, scenario and about may appear only once", "[resolver][errors]") {
  const auto r = load("main:\n    yield\nmain:\n    yield\n");
  CHECK(messages(r) == Msgs{"3:1: 'main' is declared twice"});
  CHECK(only(r).length == 4);
  CHECK(only(r).help == "a scenario has one main body");
  CHECK(only(r).notes == std::vector<std::string>{"the first 'main:' is at 1:1"});
  const auto s = load("scenario a\nscenario b\nmain:\n    yield\n");
  CHECK(messages(s) == Msgs{"2:1: 'scenario' is declared twice"});
  CHECK(only(s).notes == std::vector<std::string>{"the first is at 1:1"});
  CHECK(errors("about \"a\"\nmain:\n    yield\nabout \"b\"\n") == Msgs{"4:1: 'about' is declared twice"});
}

TEST_CASE("resolver: a local or parameter may not shadow a global", "[resolver][errors]") {
  const auto r = load("shared balance = 0\nmain:\n    let balance = 1\n");
  CHECK(messages(r) == Msgs{"3:9: local 'balance' shadows the shared variable declared at 1:8"});
  CHECK(only(r).help == "rename the local; a scenario's names refer to one thing each");
  CHECK(errors("mutex m\nthread t(m):\n    yield\nmain:\n    yield\n") ==
        Msgs{"2:10: local 'm' shadows the mutex declared at 1:7"});
  CHECK(errors("const N = 1\nmain:\n    for N in range(3):\n        yield\n") ==
        Msgs{"3:9: local 'N' shadows the const declared at 1:7"});
  CHECK(errors("fn f():\n    return 1\nmain:\n    let f = 1\n") ==
        Msgs{"4:9: local 'f' shadows the fn declared at 1:4"});
}

TEST_CASE("resolver: a local may not be declared twice in scope", "[resolver][errors]") {
  const auto r = load("main:\n    let x = 1\n    let x = 2\n");
  CHECK(messages(r) == Msgs{"3:9: 'x' is already declared in this body"});
  CHECK(only(r).help == "assign to it without 'let', or choose another name");
  CHECK(only(r).notes == std::vector<std::string>{"the first declaration is at 2:9"});
  // In a nested block, and for a parameter.
  CHECK(main_errors("", "    let x = 1\n    while x:\n        let x = 2\n") ==
        Msgs{"4:13: 'x' is already declared in this body"});
  CHECK(errors("thread t(n):\n    for n in range(2):\n        yield\nmain:\n    yield\n") ==
        Msgs{"2:9: 'n' is already declared in this body"});
  CHECK(errors("thread t(a, a):\n    yield\nmain:\n    yield\n") == Msgs{"1:13: 'a' is already declared in this body"});
}

TEST_CASE("resolver: assignment to an undeclared name", "[resolver][errors]") {
  const auto r = load("main:\n    total = 5\n");
  CHECK(messages(r) == Msgs{"2:5: assignment to undeclared name 'total'"});
  CHECK(only(r).help == "declare a local first: 'let total = ...'");
  const auto typo = load("shared balance = 0\nmain:\n    balanse = balance + 1\n");
  CHECK(messages(typo) == Msgs{"3:5: assignment to undeclared name 'balanse'"});
  CHECK(only(typo).help == "did you mean 'balance'? To declare a local, write 'let balanse = ...'");
  CHECK(only(typo).length == 7);
  // A local used before its `let`.
  CHECK(main_errors("", "    x = 1\n    let x = 2\n") == Msgs{"2:5: assignment to undeclared name 'x'"});
  CHECK(main_errors("", "    nope[0] = 1\n") == Msgs{"2:5: undeclared array 'nope'"});
}

TEST_CASE("resolver: assignment to a const, a mutex or a thread", "[resolver][errors]") {
  const auto r = load("const C = 1\nmain:\n    C = 2\n");
  CHECK(messages(r) == Msgs{"3:5: cannot assign to const 'C'"});
  CHECK(only(r).help == "consts are fixed for a run; change it with --set C=VALUE, or declare a shared variable");
  const auto m = load("mutex m\nmain:\n    m = 1\n");
  CHECK(messages(m) == Msgs{"3:5: cannot assign to mutex 'm'"});
  CHECK(only(m).help == "only locals, shared and atomic variables hold values");
  CHECK(errors("thread w:\n    yield\nmain:\n    w = 1\n") == Msgs{"4:5: cannot assign to thread 'w'"});
  CHECK(errors("queue q[1]\nmain:\n    q = 1\n") == Msgs{"3:5: cannot assign to queue 'q'"});
}

TEST_CASE("resolver: arrays need an index and scalars take none", "[resolver][errors]") {
  const auto read = load("shared arr[4] = 0\nmain:\n    let a = arr\n");
  CHECK(messages(read) == Msgs{"3:13: 'arr' is an array; read one element"});
  CHECK(only(read).help == "arr[INDEX]");
  const auto write = load("shared arr[4] = 0\nmain:\n    arr = 1\n");
  CHECK(messages(write) == Msgs{"3:5: 'arr' is an array; assign to one element"});
  CHECK(only(write).help == "arr[INDEX] = VALUE");
  const auto scalar = load("shared s = 0\nmain:\n    let z = s[0]\n");
  CHECK(messages(scalar) == Msgs{"3:13: 's' is not an array"});
  CHECK(only(scalar).help == "'s' is a shared variable");
  const auto set = load("shared s = 0\nmain:\n    s[1] = 2\n");
  CHECK(messages(set) == Msgs{"3:5: 's' is not an array"});
  CHECK(only(set).help == "it is declared at 1:8 without a size");
  CHECK(errors("atomic x = 0\nmain:\n    x[1] = 2\n") == Msgs{"3:5: 'x' is not an array"});
  // v2 heap: indexing a local reads a heap cell through the pointer it holds.
  CHECK(errors("main:\n    let b = 0\n    let c = b[0]\n").empty());
  CHECK(errors("main:\n    let d = nope[0]\n") == Msgs{"2:13: undeclared array 'nope'"});
}

// A sync object used as a value says how to pass it (v2 handles).
const std::string no_handles = "to pass it to a fn, thread or process, use the parameter as one (e.g. 'with first:')";

TEST_CASE("resolver: objects that are not values", "[resolver][errors]") {
  const auto m = load("mutex m\nmain:\n    let v = m + 1\n");
  CHECK(messages(m) == Msgs{"3:13: 'm' is a mutex, not a value"});
  CHECK(only(m).help == "use one of its methods: lock(), unlock(), try_lock(); " + no_handles);
  const auto t = load("thread w:\n    yield\nmain:\n    let v = w\n");
  CHECK(messages(t) == Msgs{"4:13: 'w' is a thread, not a value"});
  CHECK(only(t).help == "start it with 'spawn w(...)'");
  const auto f = load("fn f():\n    return 1\nmain:\n    let v = f\n");
  CHECK(messages(f) == Msgs{"4:13: 'f' is a fn, not a value"});
  CHECK(only(f).help == "call it: f(...)");
  const auto c = load("cond c\nmain:\n    print c\n");
  CHECK(messages(c) == Msgs{"3:11: 'c' is a cond, not a value"});
  CHECK(only(c).help == "use one of its methods: wait(), notify_one(), notify_all(); " + no_handles);
}

// ---- errors: calls, spawns and methods ------------------------------------------------------

TEST_CASE("resolver: wrong number of arguments to a fn or a spawned thread", "[resolver][errors]") {
  const auto f = load("fn f(a):\n    return a\nmain:\n    f(1, 2)\n");
  CHECK(messages(f) == Msgs{"4:5: 'f' takes 1 argument, got 2"});
  CHECK(only(f).help == "f(a) is declared at 1:4");
  const auto w = load("thread w(a, b):\n    yield\nmain:\n    spawn w(1)\n");
  CHECK(messages(w) == Msgs{"4:11: 'w' takes 2 arguments, got 1"});
  CHECK(only(w).help == "w(a, b) is declared at 1:8");
  CHECK(errors("process p:\n    yield\nmain:\n    let h = spawn p(1)\n") == Msgs{"4:19: 'p' takes 0 arguments, got 1"});
  CHECK(errors("fn g():\n    return 0\nmain:\n    let v = g(1) + 1\n") == Msgs{"4:13: 'g' takes 0 arguments, got 1"});
}

TEST_CASE("resolver: calling a thread and spawning a fn", "[resolver][errors]") {
  const auto call = load("thread w(a, b):\n    yield\nmain:\n    w(1, 2)\n");
  CHECK(messages(call) == Msgs{"4:5: 'w' is a thread; it cannot be called"});
  CHECK(only(call).help == "start it with 'spawn w(...)'");
  CHECK(errors("process p:\n    yield\nmain:\n    p()\n") == Msgs{"4:5: 'p' is a process; it cannot be called"});
  const auto spawn = load("fn f(x):\n    return x\nmain:\n    spawn f(1)\n");
  CHECK(messages(spawn) == Msgs{"4:11: cannot spawn fn 'f'"});
  CHECK(only(spawn).help == "call a fn directly: f(...); spawn starts a thread or process");
  const auto mutex = load("mutex m\nmain:\n    spawn m()\n");
  CHECK(messages(mutex) == Msgs{"3:11: cannot spawn mutex 'm'"});
  CHECK(only(mutex).help == "spawn starts a thread or a process");
}

TEST_CASE("resolver: calling or spawning something undeclared or not callable", "[resolver][errors]") {
  const auto f = load("fn square(x):\n    return x\nmain:\n    let v = sqare(2)\n");
  CHECK(messages(f) == Msgs{"4:13: undeclared function 'sqare'"});
  CHECK(only(f).help == "did you mean 'square'?");
  CHECK(errors("thread worker:\n    yield\nmain:\n    spawn wroker()\n") == Msgs{"4:11: undeclared thread 'wroker'"});
  const auto s = load("shared s = 0\nmain:\n    s(1)\n");
  CHECK(messages(s) == Msgs{"3:5: 's' is a shared variable, not a function"});
  CHECK(only(s).help == "functions are declared with 'fn NAME(PARAMS):'");
}

TEST_CASE("resolver: a method on the wrong kind of object", "[resolver][errors]") {
  const auto wait = load("mutex m\nmain:\n    m.wait(m)\n");
  CHECK(messages(wait) == Msgs{"3:7: 'wait' is not a method of mutex 'm'"});
  CHECK(only(wait).length == 4);
  CHECK(only(wait).help == "mutex methods: lock(), unlock(), try_lock()");
  const auto shared = load("shared s = 0\nmain:\n    let v = s.load()\n");
  CHECK(messages(shared) == Msgs{"3:15: 'load' is not a method of shared variable 's'"});
  CHECK(only(shared).help ==
        "read and assign it directly, or declare it 'atomic' for load(), store(), fetch_add(), exchange(), compare_exchange()");
  CHECK(errors("shared s = 0\nmain:\n    s.lock()\n") == Msgs{"3:7: 'lock' is not a method of shared variable 's'"});
  const auto sem = load("semaphore s = 1\nmain:\n    s.foo()\n");
  CHECK(messages(sem) == Msgs{"3:7: 'foo' is not a method of semaphore 's'"});
  CHECK(only(sem).help == "semaphore methods: acquire(), release()");
  CHECK(errors("queue q[1]\nmain:\n    q.lock()\n") == Msgs{"3:7: 'lock' is not a method of queue 'q'"});
  CHECK(errors("atomic x = 0\nmain:\n    x.put(1)\n") == Msgs{"3:7: 'put' is not a method of atomic variable 'x'"});
  const auto thread = load("thread w:\n    yield\nmain:\n    w.lock()\n");
  CHECK(messages(thread) == Msgs{"4:7: 'lock' is not a method of thread 'w'"});
  CHECK(only(thread).help == "only mutex, cond, semaphore, queue and atomic objects have methods");
  // v2 handles: a local used as a mutex must hold one.
  const auto local = load("main:\n    let b = 0\n    b.lock()\n");
  CHECK(messages(local) == Msgs{"2:13: 'b' is used as a mutex, so its value needs a mutex, not a computed value"});
  CHECK(only(local).help == "name the object, an element of an array of mutexes, or a local that holds one");
  CHECK(errors("main:\n    nope.lock()\n") == Msgs{"2:5: undeclared name 'nope'"});
}

TEST_CASE("resolver: every valid method of every kind resolves", "[resolver]") {
  const auto r = load(
      "mutex m\ncond c\nsemaphore s = 1\nqueue q[2]\natomic x = 0\nmain:\n    m.lock()\n    m.unlock()\n"
      "    let t = m.try_lock()\n    with m:\n        c.wait(m)\n        c.notify_one()\n        c.notify_all()\n"
      "    s.acquire()\n    s.release()\n    q.put(1)\n    let g = q.get()\n    q.get()\n"
      "    let a = x.load(relaxed)\n    x.store(1, release)\n    let b = x.fetch_add(1, acq_rel)\n"
      "    let e = x.exchange(2, acquire)\n    let ok = x.cas(2, 3, seq_cst)\n    x.fetch_add(1)\n");
  CHECK(messages(r).empty());
  CHECK(r.ok());
}

TEST_CASE("resolver: a method with the wrong number of arguments", "[resolver][errors]") {
  const auto lock = load("mutex m\nmain:\n    m.lock(1)\n");
  CHECK(messages(lock) == Msgs{"3:7: 'lock' takes 0 arguments, got 1"});
  CHECK(only(lock).help == "m.lock()");
  const auto put = load("queue q[1]\nmain:\n    q.put()\n");
  CHECK(messages(put) == Msgs{"3:7: 'put' takes 1 argument, got 0"});
  CHECK(only(put).help == "q.put(VALUE)");
  const auto cas = load("atomic x = 0\nmain:\n    let ok = x.cas(1, release)\n");
  CHECK(messages(cas) == Msgs{"3:16: 'cas' takes 2 arguments, got 1"});
  CHECK(only(cas).help == "x.cas(EXPECTED, DESIRED[, ORDER])");
  CHECK(errors("cond c\nmain:\n    c.wait()\n") == Msgs{"3:7: 'wait' takes 1 argument, got 0"});
}

TEST_CASE("resolver: a method that gives no value used as a value", "[resolver][errors]") {
  const auto r = load("mutex m\nmain:\n    let v = m.lock()\n");
  CHECK(messages(r) == Msgs{"3:15: 'lock()' gives no value"});
  CHECK(only(r).help == "call it as a statement: m.lock()");
  CHECK(errors("queue q[1]\nmain:\n    assert q.put(1)\n") == Msgs{"3:14: 'put()' gives no value"});
  CHECK(errors("atomic x = 0\nmain:\n    let v = x.store(1) + 1\n") == Msgs{"3:15: 'store()' gives no value"});
}

TEST_CASE("resolver: memory orders that do not fit the operation", "[resolver][errors]") {
  const auto load_rel = load("atomic x = 0\nmain:\n    let y = x.load(release)\n");
  CHECK(messages(load_rel) == Msgs{"3:20: 'release' is not a valid order for load()"});
  CHECK(only(load_rel).length == 7);
  CHECK(only(load_rel).help == "a load is relaxed, acquire or seq_cst");
  CHECK(errors("atomic x = 0\nmain:\n    let y = x.load(acq_rel)\n") ==
        Msgs{"3:20: 'acq_rel' is not a valid order for load()"});
  const auto store_acq = load("atomic x = 0\nmain:\n    x.store(1, acquire)\n");
  CHECK(messages(store_acq) == Msgs{"3:16: 'acquire' is not a valid order for store()"});
  CHECK(only(store_acq).help == "a store is relaxed, release or seq_cst");
  CHECK(errors("atomic x = 0\nmain:\n    x.store(1, acq_rel)\n") ==
        Msgs{"3:16: 'acq_rel' is not a valid order for store()"});
  const auto mutex = load("mutex m\nmain:\n    m.lock(relaxed)\n");
  CHECK(messages(mutex) == Msgs{"3:12: 'lock' takes no memory order"});
  CHECK(only(mutex).help == "memory orders apply to atomic operations");
}

TEST_CASE("resolver: wait() needs a mutex", "[resolver][errors]") {
  const auto r = load("cond c\nshared s = 0\nmain:\n    c.wait(s)\n");
  CHECK(messages(r) == Msgs{"4:12: wait() needs the mutex that guards the condition"});
  CHECK(only(r).help == "c.wait(MUTEX), with MUTEX declared by 'mutex NAME'");
  CHECK(errors("cond c\nmain:\n    c.wait(1)\n") == Msgs{"3:12: wait() needs the mutex that guards the condition"});
  CHECK(errors("cond c\nmain:\n    c.wait(nope)\n") ==
        Msgs{"3:12: wait() needs the mutex that guards the condition"});
}

TEST_CASE("resolver: 'with' needs a declared mutex", "[resolver][errors]") {
  const auto r = load("shared s = 0\nmain:\n    with s:\n        yield\n");
  CHECK(messages(r) == Msgs{"3:10: 'with' needs a mutex, but 's' is a shared variable"});
  CHECK(only(r).help == "declare it with 'mutex NAME'");
  const auto undeclared = load("mutex lock\nmain:\n    with lok:\n        yield\n");
  CHECK(messages(undeclared) == Msgs{"3:10: undeclared name 'lok'"});
  CHECK(only(undeclared).help == "did you mean 'lock'?");
}

// ---- errors: statements ------------------------------------------------------------------

TEST_CASE("resolver: break and continue outside a loop", "[resolver][errors]") {
  const auto r = load("main:\n    break\n");
  CHECK(messages(r) == Msgs{"2:5: 'break' outside a loop"});
  CHECK(only(r).length == 5);
  CHECK(only(r).help == "it belongs inside while, repeat or for");
  const auto c = load("main:\n    if 1:\n        continue\n");
  CHECK(messages(c) == Msgs{"3:9: 'continue' outside a loop"});
  CHECK(only(c).length == 8);
  // Inside loops, also nested in if and with, they are fine; a fn body is not a loop.
  CHECK(main_errors("mutex m\n", "    while 1:\n        with m:\n            if 1:\n                break\n"
                                 "        continue\n    repeat 2:\n        break\n    for i in range(2):\n        continue\n")
            .empty());
  CHECK(errors("fn f():\n    break\nmain:\n    while 1:\n        f()\n") == Msgs{"2:5: 'break' outside a loop"});
}

TEST_CASE("resolver: a process cannot return a value", "[resolver][errors]") {
  const auto r = load("process p:\n    return 1\nmain:\n    spawn p()\n");
  CHECK(messages(r) == Msgs{"2:12: a process cannot return a value"});
  CHECK(only(r).help == "a process sends results through a queue; its join gives its exit status");
  // A bare return is fine, and threads and fns return values.
  CHECK(errors("process p:\n    return\nthread t:\n    return 2\nfn f():\n    return 3\nmain:\n    spawn p()\n")
            .empty());
}

// ---- errors: properties -----------------------------------------------------------------

TEST_CASE("resolver: properties read only consts, shared and atomic variables", "[resolver][errors]") {
  const auto call = load("fn f():\n    return 1\nfinal f() == 1\nmain:\n    yield\n");
  CHECK(messages(call) == Msgs{"3:7: a function call cannot be used in a property (final, always, observe)"});
  CHECK(only(call).length == 3);
  CHECK(only(call).help == "properties read only consts, shared and atomic variables");
  CHECK(errors("always any(1, 2) == 1\nmain:\n    yield\n") ==
        Msgs{"1:8: any() cannot be used in a property (final, always, observe)"});
  CHECK(errors("atomic x = 0\nobserve x.load()\nmain:\n    yield\n") ==
        Msgs{"2:9: a method call cannot be used in a property (final, always, observe)"});
  CHECK(errors("final thread_name() == 1\nmain:\n    yield\n") ==
        Msgs{"1:7: thread_name() cannot be used in a property (final, always, observe)"});
  CHECK(errors("mutex m\nfinal m == 1\nmain:\n    yield\n") == Msgs{"2:7: 'm' is a mutex, not a value"});
  // Locals of a body are not visible.
  CHECK(errors("main:\n    let total = 0\nfinal total == 0\n") == Msgs{"3:7: undeclared name 'total'"});
  // Consts, shared (elements) and atomics are fine.
  CHECK(errors("const N = 2\nshared s = 0\nshared a[2] = 0\natomic x = 0\nfinal s + a[1] == N \"msg\"\n"
               "always x >= 0\nobserve s, a[0], x\nmain:\n    yield\n")
            .empty());
}

// ---- errors: expectations ---------------------------------------------------------------

TEST_CASE("resolver: 'on' only with 'expect race', and only on a shared variable", "[resolver][errors]") {
  const auto r = load("shared s = 0\nexpect deadlock on s\nmain:\n    yield\n");
  CHECK(messages(r) == Msgs{"2:20: 'on' applies only to 'expect race', not 'expect deadlock'"});
  CHECK(only(r).help == "write 'expect race on VARIABLE'");
  // v2: `expect failure` names properties, without 'on' (the parser says so).
  const auto f = load("shared s = 0\nexpect failure on s\nmain:\n    yield\n");
  CHECK(messages(f) == Msgs{"2:16: 'expect failure' names its properties without 'on'"});
  const auto m = load("mutex m\nexpect race on m\nmain:\n    yield\n");
  CHECK(messages(m) == Msgs{"2:16: 'm' is a mutex; only plain shared variables can race"});
  CHECK(only(m).help == "name a variable declared with 'shared'");
  const auto u = load("shared balance = 0\nexpect race on balanse\nmain:\n    yield\n");
  CHECK(messages(u) == Msgs{"2:16: undeclared name 'balanse'"});
  CHECK(only(u).help == "did you mean 'balance'?");
  CHECK(errors("shared a[2] = 0\nexpect race on a\nmain:\n    yield\n").empty());
}

TEST_CASE("resolver: 'expect race on' an atomic names it with the right article", "[resolver][errors]") {
  // Regression (fixed): kind_noun(atomic) is "atomic variable" and the messages say "a {}", giving
  // "'x' is a atomic variable; ..." (also in "'x' is a atomic variable, not a constant").
  CHECK(errors("atomic x = 0\nexpect race on x\nmain:\n    yield\n") ==
        Msgs{"2:16: 'x' is an atomic variable; only plain shared variables can race"});
}

TEST_CASE("resolver: 'expect clean' cannot be combined with other expectations", "[resolver][errors]") {
  const auto r = load("shared s = 0\nexpect clean\nexpect race on s\nmain:\n    yield\n");
  CHECK(messages(r) == Msgs{"2:1: 'expect clean' contradicts the other expectations"});
  CHECK(only(r).length == 6);
  CHECK(only(r).help == "remove 'expect clean' or the others");
  CHECK(only(r).notes == std::vector<std::string>{"'expect race' is at 3:1"});
}

TEST_CASE("resolver: a duplicate expectation", "[resolver][errors]") {
  const auto r = load("expect failure\nexpect deadlock\nexpect failure\nmain:\n    yield\n");
  CHECK(messages(r) == Msgs{"3:1: duplicate expectation"});
  CHECK(only(r).notes == std::vector<std::string>{"the same line is at 1:1"});
  CHECK(errors("shared s = 0\nexpect race on s\nexpect race on s\nmain:\n    yield\n") ==
        Msgs{"3:1: duplicate expectation"});
  // `race` and `race on s` are different expectations.
  CHECK(errors("shared s = 0\nexpect race\nexpect race on s\nmain:\n    yield\n").empty());
}

// ---- errors: what runs ------------------------------------------------------------------

TEST_CASE("resolver: without main, a thread with parameters cannot be started", "[resolver][errors]") {
  const auto r = load("thread w(a):\n    yield\nthread v:\n    yield\n");
  CHECK(messages(r) == Msgs{"1:8: thread 'w' takes 1 parameter and there is no 'main:' to spawn it"});
  CHECK(only(r).help == "without 'main:', only threads without parameters are started; add 'main:' that spawns it");
  CHECK(errors("thread w(a, b):\n    yield\n") ==
        Msgs{"1:8: thread 'w' takes 2 parameters and there is no 'main:' to spawn it"});
  // With main, it is fine.
  CHECK(errors("thread w(a):\n    yield\nmain:\n    spawn w(1)\n").empty());
}

TEST_CASE("resolver: a file with nothing to run", "[resolver][errors]") {
  const auto r = load("");
  CHECK(messages(r) == Msgs{"0:0: nothing to run: the scenario has no 'main:' and no thread"});
  CHECK(only(r).help == "declare 'main:' or at least one 'thread NAME:'");
  CHECK(errors("# only a comment\nshared x = 0\nfinal x == 0\n") ==
        Msgs{"0:0: nothing to run: the scenario has no 'main:' and no thread"});
  CHECK(errors("process p:\n    yield\n") == Msgs{"0:0: nothing to run: the scenario has no 'main:' and no thread"});
}

// ---- errors: constants ------------------------------------------------------------------

TEST_CASE("resolver: a const defined in terms of itself", "[resolver][errors]") {
  CHECK(errors("const A = A + 1\nmain:\n    yield\n") == Msgs{"1:7: const 'A' is defined in terms of itself"});
  // A cycle through two consts is one mistake: reported once, at the first.
  CHECK(errors("const A = B\nconst B = A\nmain:\n    yield\n") == Msgs{"1:7: const 'A' is defined in terms of itself"});
}

TEST_CASE("resolver: a bad const is reported once, however often it is used", "[resolver][errors]") {
  // Regression (fixed): a const whose value failed is not remembered as failed, so each use re-evaluates
  // it and reports the same error again: here three "division by zero" at 1:13.
  CHECK(errors("const A = 1 / 0\nshared x = A\nshared y = A\nmain:\n    yield\n") ==
        Msgs{"1:13: division by zero in a constant"});
  // Likewise `const A = A + A` reports the cycle twice at 1:7.
  CHECK(errors("const A = A + A\nmain:\n    yield\n") == Msgs{"1:7: const 'A' is defined in terms of itself"});
}

TEST_CASE("resolver: constant overflow and division by zero", "[resolver][errors]") {
  const auto add = load("const A = 9223372036854775807 + 1\nmain:\n    yield\n");
  CHECK(messages(add) == Msgs{"1:11: constant expression overflows a 64-bit integer"});
  CHECK(only(add).length == 23);
  CHECK(errors("const B = -9223372036854775808 - 1\nmain:\n    yield\n") ==
        Msgs{"1:11: constant expression overflows a 64-bit integer"});
  CHECK(errors("const F = 3037000500 * 3037000500\nmain:\n    yield\n") ==
        Msgs{"1:11: constant expression overflows a 64-bit integer"});
  CHECK(errors("const D = -9223372036854775808 / -1\nmain:\n    yield\n") ==
        Msgs{"1:11: constant expression overflows a 64-bit integer"});
  CHECK(errors("const E = -(-9223372036854775808)\nmain:\n    yield\n") ==
        Msgs{"1:11: constant expression overflows a 64-bit integer"});
  CHECK(errors("const Z = 1 / 0\nmain:\n    yield\n") == Msgs{"1:13: division by zero in a constant"});
  CHECK(errors("const Z = 5 % (2 - 2)\nmain:\n    yield\n") == Msgs{"1:13: modulo by zero in a constant"});
  // The extremes themselves are fine.
  const auto ok = load("const MIN = -9223372036854775807 - 1\nconst MAX = 9223372036854775807\nmain:\n    yield\n");
  REQUIRE(ok.ok());
  CHECK(ok.program->const_values.at("MIN") == std::numeric_limits<std::int64_t>::min());
  CHECK(ok.program->const_values.at("MAX") == std::numeric_limits<std::int64_t>::max());
}

TEST_CASE("resolver: initial values, sizes and capacities must be constant", "[resolver][errors]") {
  const auto a = load("atomic at = 0\nconst G = at\nmain:\n    yield\n");
  CHECK(messages(a).size() == 1);
  CHECK(only(a).loc == Loc{2, 11});
  CHECK(only(a).help == "initial values, sizes and capacities are integers or consts");
  CHECK(errors("shared y = 0\nshared x = y\nmain:\n    yield\n") ==
        Msgs{"2:12: 'y' is a shared variable, not a constant"});
  const auto any = load("const H = any(1, 2)\nmain:\n    yield\n");
  CHECK(messages(any) == Msgs{"1:11: not a constant expression"});
  CHECK(only(any).length == 9);
  CHECK(only(any).help == "initial values, sizes and capacities are built from integers, consts and arithmetic");
  CHECK(errors("fn f():\n    return 1\nqueue q[f()]\nmain:\n    yield\n") == Msgs{"3:9: not a constant expression"});
  CHECK(errors("const I = nope\nmain:\n    yield\n") == Msgs{"1:11: undeclared name 'nope'"});
}

TEST_CASE("resolver: array size, queue capacity and semaphore permits are range-checked", "[resolver][errors]") {
  const auto zero = load("shared arr[0] = 0\nmain:\n    yield\n");
  CHECK(messages(zero) == Msgs{"1:12: array size 0 is out of range"});
  CHECK(only(zero).help == "an array has 1 to 1048576 elements");
  CHECK(errors("shared arr[1048577] = 0\nmain:\n    yield\n") == Msgs{"1:12: array size 1048577 is out of range"});
  CHECK(errors("shared arr[-1] = 0\nmain:\n    yield\n") == Msgs{"1:12: array size -1 is out of range"});
  const auto q = load("queue q[0]\nmain:\n    yield\n");
  CHECK(messages(q) == Msgs{"1:9: queue capacity 0 is out of range"});
  CHECK(only(q).help == "a queue holds 1 to 1048576 items");
  CHECK(errors("queue q[1048577]\nmain:\n    yield\n") == Msgs{"1:9: queue capacity 1048577 is out of range"});
  const auto s = load("semaphore s = -1\nmain:\n    yield\n");
  CHECK(messages(s) == Msgs{"1:15: a semaphore cannot start with -1 permits"});
  CHECK(only(s).help == "the initial count is 0 or more");
  // The limits themselves are accepted.
  const auto ok = load("shared a[1048576] = 0\nqueue q[1048576]\nshared b[1] = 0\nqueue r[1]\nsemaphore s = 0\n"
                       "main:\n    yield\n");
  REQUIRE(ok.ok());
  CHECK(decl_named(*ok.program, "a").size_value == max_array_size);
  CHECK(decl_named(*ok.program, "q").size_value == max_queue_capacity);
}

// ---- whole loads -------------------------------------------------------------------------

TEST_CASE("resolver: names are resolved even after syntax errors, and both are reported", "[resolver]") {
  CHECK(errors("main:\n    let x = (1\n    let y = undeclared\n") ==
        Msgs{"2:15: expected ')', found end of line", "3:13: undeclared name 'undeclared'"});
}

TEST_CASE("resolver: a load with errors has no program, a clean one has", "[resolver]") {
  const auto bad = load("main:\n    break\n");
  CHECK_FALSE(bad.ok());
  CHECK(bad.program == nullptr);
  CHECK(bad.diagnostics.error_count() == 1);
  const auto good = load("main:\n    yield\n");
  CHECK(good.ok());
  CHECK(good.diagnostics.all().empty());
}

TEST_CASE("resolver: every seed scenario loads cleanly", "[resolver][scenarios]") {
  const char* names[] = {"balance_lock_unlock", "balance_locked",         "balance_unlocked",
                         "lock_never_released", "manager_workers",        "named_loop_thread",
                         "process_crash_survives", "thread_crash_ends_run", "thread_result"};
  for (const char* name : names) {
    const auto r = load_file(std::string(INTERLEAVE_SOURCE_DIR) + "/scenarios/seed/" + name + ".scn");
    INFO(name << "\n" << r.render());
    CHECK(r.ok());
    if (r.ok()) CHECK(r.program->scenario_name == name);
  }
}

// ---- v2: named properties and what expect lines name (issue 13 item 5) ---------------------

TEST_CASE("resolver: expect failure names declared properties, with did-you-mean and the list", "[resolver][v2]") {
  const std::string decls =
      "shared refs = 0\nshared frees = 0\nfinal no_leak: refs == 0\nalways no_double_free: frees <= 1\n"
      "main:\n    refs = 1\n";
  CHECK(errors(decls + "expect failure no_leak, no_double_free\n").empty());
  const auto r = load(decls + "expect failure no_leek\n");
  const Diagnostic& d = only(r);
  CHECK(d.message == "unknown property 'no_leek'");
  CHECK(d.loc == Loc{7, 16});
  CHECK(d.length == 7);
  CHECK(d.help == "did you mean 'no_leak'?");
  CHECK(d.notes == std::vector<std::string>{"the named properties are: no_leak, no_double_free"});
  // Far from every name: no guess, the list still says what there is.
  const auto far_r = load(decls + "expect failure balance\n");
  const Diagnostic& far = only(far_r);
  CHECK(far.help == "name a property with 'final NAME: EXPR' or 'always NAME: EXPR'");
  // No named property at all.
  const auto none_r = load("shared x = 0\nfinal x == 0\nmain:\n    x = 1\nexpect failure x\n");
  const Diagnostic& none = only(none_r);
  CHECK(none.message == "unknown property 'x'");
  CHECK(none.notes == std::vector<std::string>{"this scenario has no named property"});
}

TEST_CASE("resolver: never suggests the name written", "[resolver][v2]") {
  // 'ab' is also expected (so it is the closest candidate to itself): 'aa' gets 'ab', and
  // the correct 'ab' line gets nothing.
  const auto r = load("shared x = 0\nfinal ab: x == 0\nmain:\n    x = 1\nexpect failure ab\nexpect failure aa\n");
  const Diagnostic& d = only(r);
  CHECK(d.help == "did you mean 'ab'?");
}

TEST_CASE("resolver: duplicate property names and expectations", "[resolver][v2]") {
  CHECK(errors("shared x = 0\nfinal ok: x == 0\nalways ok: x >= 0\nmain:\n    x = 1\n") ==
        Msgs{"3:8: property 'ok' is declared twice"});
  const auto r = load("shared x = 0\nfinal ok: x == 0\nalways ok: x >= 0\nmain:\n    x = 1\n");
  CHECK(only(r).notes == std::vector<std::string>{"the first is at 2:7"});
  CHECK(errors("shared x = 0\nfinal ok: x == 0\nmain:\n    x = 1\nexpect failure ok, ok\n") ==
        Msgs{"5:20: 'ok' is already expected"});
  CHECK(errors("shared x = 0\nshared y = 0\nmain:\n    x = 1\nexpect race on x\nexpect race on y, x\n") ==
        Msgs{"6:19: 'x' is already expected"});
  // A property may share its name with a variable: property names are their own namespace.
  CHECK(errors("shared x = 0\nfinal x: x == 0\nmain:\n    x = 1\nexpect failure x\n").empty());
  // A named property whose line has a syntax error: its expect line says nothing more.
  CHECK(errors("shared x = 0\nfinal ok: x ==\nmain:\n    x = 1\nexpect failure ok\n") ==
        Msgs{"2:15: expected a value, found end of line"});
}

TEST_CASE("resolver: expect race on names plain shared variables, each of them", "[resolver][v2]") {
  const auto r = load("shared balance = 0\nshared count = 0\natomic flag = 0\nmain:\n    balance = 1\n"
                      "expect race on balance, countt, flag\n");
  CHECK(messages(r) == Msgs{"6:25: undeclared name 'countt'",
                            "6:33: 'flag' is an atomic variable; only plain shared variables can race"});
  const Diagnostic& d = r.diagnostics.all().front();
  CHECK(d.help == "did you mean 'count'?");
  // Only plain shared variables are suggested: not the atomic 'flag' for 'flg'.
  const auto only_shared = load("shared balance = 0\natomic flag = 0\nmain:\n    balance = 1\nexpect race on flg\n");
  CHECK(only(only_shared).help.empty());
  CHECK(d.notes == std::vector<std::string>{"the shared variables are: balance, count"});
  CHECK(errors("shared x = 0\nmain:\n    x = 1\nexpect deadlock on x\n") ==
        Msgs{"4:20: 'on' applies only to 'expect race', not 'expect deadlock'"});
}
