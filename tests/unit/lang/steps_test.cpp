// Visible steps: statement_steps / expression_steps give each statement's scheduling points
// in evaluation order, and explain() annotates a whole program with them.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "frontend_helpers.hpp"
#include "interleave/steps.hpp"

using namespace interleave;
using interleave::test::decl_named;
using interleave::test::load;
using interleave::test::main_body;

namespace {

// "line:col op" for each step.
std::vector<std::string> describe_steps(const std::vector<StepInfo>& steps) {
  std::vector<std::string> out;
  for (const auto& s : steps) out.push_back(std::to_string(s.loc.line) + ":" + std::to_string(s.loc.col) + " " + s.operation);
  return out;
}

const std::string decls =
    "const K = 2\nshared balance = 0\nshared arr[4] = 0\natomic x = 0\nmutex m\ncond c\nsemaphore s = 1\n"
    "queue q[2]\nthread w(n):\n    yield\nfn f(v):\n    return v\n";  // 12 lines

// The steps of each statement of main (body lines follow the 12 declaration lines).
struct Loaded {
  LoadResult r;
  std::vector<std::string> steps(std::size_t i) const {
    return describe_steps(statement_steps(*r.program, main_body(*r.program).at(i)));
  }
};

Loaded main_with(const std::string& body) { return Loaded{load(decls + "main:\n" + body)}; }

using Steps = std::vector<std::string>;

}  // namespace

TEST_CASE("steps: 'balance = balance + n' is a read then a write, on the same line", "[steps]") {
  const auto r = load("shared balance = 0\nthread t(n):\n    balance = balance + n\nmain:\n    spawn t(1)\n");
  REQUIRE(r.ok());
  const auto steps = statement_steps(*r.program, decl_named(*r.program, "t").body.at(0));
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].operation == "read balance");
  CHECK(steps[1].operation == "write balance");
  CHECK(steps[0].loc.line == 3);
  CHECK(steps[1].loc.line == 3);
  CHECK(steps[0].loc.col == 15);  // the read of the right-hand side
  CHECK(steps[1].loc.col == 5);   // the assignment target
}

TEST_CASE("steps: locals, parameters, constants, arithmetic and print of locals are no steps", "[steps]") {
  const auto m = main_with("    let a = K * 2\n    a = a + K\n    print \"a\", a, thread_name()\n    let b = f(a)\n"
                           "    if a > 1:\n        yield\n    for i in range(a):\n        yield\n    assert a == b\n"
                           "    let r = any(0, K)\n");
  REQUIRE(m.r.ok());
  for (std::size_t i = 0; i < 8; ++i) {
    INFO("statement " << i);
    CHECK(m.steps(i).empty());
  }
}

TEST_CASE("steps: break, continue and crash are no steps", "[steps]") {
  const auto m = main_with("    while 1:\n        break\n    repeat 2:\n        continue\n    crash \"x\"\n");
  REQUIRE(m.r.ok());
  const auto& b = main_body(*m.r.program);
  CHECK(statement_steps(*m.r.program, b.at(0).body.at(0)).empty());
  CHECK(statement_steps(*m.r.program, b.at(1).body.at(0)).empty());
  CHECK(m.steps(2).empty());
}

TEST_CASE("steps: atomic operations name their memory order, seq_cst by default", "[steps]") {
  const auto m = main_with(
      "    let a = x.load(acquire)\n    x.store(a, release)\n    let b = x.fetch_add(1)\n    let ok = x.cas(0, 1, acq_rel)\n"
      "    let e = x.exchange(5, relaxed)\n    let y = x\n    x = x + 1\n    let z = x.load()\n");
  REQUIRE(m.r.ok());
  CHECK(m.steps(0) == Steps{"14:13 load x (acquire)"});
  CHECK(m.steps(1) == Steps{"15:5 store x (release)"});
  CHECK(m.steps(2) == Steps{"16:13 fetch_add x (seq_cst)"});
  CHECK(m.steps(3) == Steps{"17:14 cas x (acq_rel)"});
  CHECK(m.steps(4) == Steps{"18:13 exchange x (relaxed)"});
  CHECK(m.steps(5) == Steps{"19:13 load x (seq_cst)"});  // a plain read of an atomic
  CHECK(m.steps(6) == Steps{"20:9 load x (seq_cst)", "20:5 store x (seq_cst)"});  // two steps: updates can be lost
  CHECK(m.steps(7) == Steps{"21:13 load x (seq_cst)"});
}

TEST_CASE("steps: array elements: index reads first, then the value, then the write", "[steps]") {
  const auto m = main_with("    arr[1] = arr[K - 1] + 1\n    arr[balance] = 0\n    let v = arr[arr[0]]\n");
  REQUIRE(m.r.ok());
  CHECK(m.steps(0) == Steps{"14:14 read arr[K - 1]", "14:5 write arr[1]"});
  CHECK(m.steps(1) == Steps{"15:9 read balance", "15:5 write arr[balance]"});
  CHECK(m.steps(2) == Steps{"16:17 read arr[0]", "16:13 read arr[arr[0]]"});
}

TEST_CASE("steps: evaluation is left to right", "[steps]") {
  const auto m = main_with("    let v = balance + x.load() * arr[2] - q.get()\n    print balance, \"and\", x\n");
  REQUIRE(m.r.ok());
  CHECK(m.steps(0) == Steps{"14:13 read balance", "14:23 load x (seq_cst)", "14:34 read arr[2]", "14:43 get q"});
  CHECK(m.steps(1) == Steps{"15:11 read balance", "15:27 load x (seq_cst)"});
}

TEST_CASE("steps: a with block locks on its line, explain shows the unlock when it is left", "[steps]") {
  const auto m = main_with("    with m:\n        balance = 1\n");
  REQUIRE(m.r.ok());
  CHECK(m.steps(0) == Steps{"14:5 lock m"});  // the block's own statements are not included
  const auto& inner = main_body(*m.r.program).at(0).body.at(0);
  CHECK(describe_steps(statement_steps(*m.r.program, inner)) == Steps{"15:9 write balance"});
}

TEST_CASE("steps: a condition wait is two steps: unlock-and-wait, then wake-and-relock", "[steps]") {
  const auto m = main_with("    with m:\n        c.wait(m)\n        c.notify_one()\n        c.notify_all()\n");
  REQUIRE(m.r.ok());
  const auto& b = main_body(*m.r.program).at(0).body;
  CHECK(describe_steps(statement_steps(*m.r.program, b.at(0))) ==
        Steps{"15:9 wait c (unlocks m)", "15:9 wake from c (relocks m)"});
  CHECK(describe_steps(statement_steps(*m.r.program, b.at(1))) == Steps{"16:9 notify_one c"});
  CHECK(describe_steps(statement_steps(*m.r.program, b.at(2))) == Steps{"17:9 notify_all c"});
}

TEST_CASE("steps: mutex, semaphore and queue operations are one step each", "[steps]") {
  const auto m = main_with(
      "    m.lock()\n    m.unlock()\n    let t = m.try_lock()\n    s.acquire()\n    s.release()\n    q.put(balance)\n"
      "    let g = q.get()\n");
  REQUIRE(m.r.ok());
  CHECK(m.steps(0) == Steps{"14:5 lock m"});
  CHECK(m.steps(1) == Steps{"15:5 unlock m"});
  CHECK(m.steps(2) == Steps{"16:13 try_lock m"});
  CHECK(m.steps(3) == Steps{"17:5 acquire s"});
  CHECK(m.steps(4) == Steps{"18:5 release s"});
  CHECK(m.steps(5) == Steps{"19:11 read balance", "19:5 put q"});
  CHECK(m.steps(6) == Steps{"20:13 get q"});
}

TEST_CASE("steps: yield, sleep and fence", "[steps]") {
  const auto m = main_with("    yield\n    sleep 1500us\n    sleep 2000ms\n    fence\n");
  REQUIRE(m.r.ok());
  CHECK(m.steps(0) == Steps{"14:5 yield"});
  CHECK(m.steps(1) == Steps{"15:5 sleep 1500us"});
  CHECK(m.steps(2) == Steps{"16:5 sleep 2s"});
  CHECK(m.steps(3) == Steps{"17:5 fence (seq_cst)"});
}

TEST_CASE("steps: spawn evaluates its arguments first, join is one step", "[steps]") {
  const auto m = main_with("    let t = spawn w(balance) as \"W\"\n    spawn w(1)\n    join t\n    let r = join t\n");
  REQUIRE(m.r.ok());
  CHECK(m.steps(0) == Steps{"14:21 read balance", "14:13 spawn w as \"W\""});
  CHECK(m.steps(1) == Steps{"15:5 spawn w"});
  CHECK(m.steps(2) == Steps{"16:5 join t"});
  CHECK(m.steps(3) == Steps{"17:13 join t"});
}

TEST_CASE("steps: conditions, loop bounds, assert and return read shared state", "[steps]") {
  const auto m = main_with(
      "    if balance > 0:\n        yield\n    elif x == 1:\n        yield\n    while balance < K:\n        yield\n"
      "    repeat balance:\n        yield\n    for i in range(balance, arr[1]):\n        yield\n    assert x == balance\n"
      "    return balance\n");
  REQUIRE(m.r.ok());
  CHECK(m.steps(0) == Steps{"14:8 read balance"});  // the elif's read is its own
  const auto& iff = main_body(*m.r.program).at(0);
  CHECK(describe_steps(expression_steps(*m.r.program, *iff.elifs.at(0).cond)) == Steps{"16:10 load x (seq_cst)"});
  CHECK(m.steps(1) == Steps{"18:11 read balance"});
  CHECK(m.steps(2) == Steps{"20:12 read balance"});
  CHECK(m.steps(3) == Steps{"22:20 read balance", "22:29 read arr[1]"});
  CHECK(m.steps(4) == Steps{"24:12 load x (seq_cst)", "24:17 read balance"});
  CHECK(m.steps(5) == Steps{"25:12 read balance"});
}

TEST_CASE("steps: a fn call's steps belong to the fn's body, not the call", "[steps]") {
  const auto m = main_with("    let v = f(balance)\n    f(1)\n");
  REQUIRE(m.r.ok());
  CHECK(m.steps(0) == Steps{"14:15 read balance"});
  CHECK(m.steps(1).empty());
}

TEST_CASE("explain: declarations, bodies with numbered steps and file:line, properties and expectations",
          "[steps][explain]") {
  const auto r = load(
      "const K = 2\nshared balance = 0\nmutex m\ncond c\nthread run(n):\n    with m:\n        balance = balance + n\n"
      "        c.wait(m)\n    let l = K\nthread idle:\n    let x = 1\nfinal balance == 0\nalways balance >= 0\n"
      "observe balance\nexpect race on balance\nmain:\n    spawn run(1)\n");
  REQUIRE(r.ok());
  CHECK(explain(*r.program) ==
        "scenario t\n"
        "  file:  t.scn\n"
        "\n"
        "declarations\n"
        "  const K = 2                                           t.scn:1\n"
        "  shared balance = 0                                    t.scn:2\n"
        "  mutex m                                               t.scn:3\n"
        "  cond c                                                t.scn:4\n"
        "\n"
        "thread run(n)                                           t.scn:5\n"
        "    with m:\n"
        "        [1] lock m                                      t.scn:6\n"
        "        balance = balance + n\n"
        "            [2] read balance                            t.scn:7\n"
        "            [3] write balance                           t.scn:7\n"
        "        c.wait(m)\n"
        "            [4] wait c (unlocks m)                      t.scn:8\n"
        "            [5] wake from c (relocks m)                 t.scn:8\n"
        "        [6] unlock m (leaving the with block)           t.scn:6\n"
        "    let l = K\n"
        "    [7] end                                             t.scn:5\n"
        "\n"
        "thread idle()                                           t.scn:10\n"
        "    let x = 1\n"
        "    [1] end                                             t.scn:10\n"
        "\n"
        "main (thread \"MainThread\")                              t.scn:16\n"
        "    spawn run(1)\n"
        "        [1] spawn run                                   t.scn:17\n"
        "    [2] end                                             t.scn:16\n"
        "\n"
        "properties\n"
        "  final balance == 0   (once every thread has finished)  t.scn:12\n"
        "  always balance >= 0   (between every two steps)       t.scn:13\n"
        "  observe balance   (recorded at the end of every run)  t.scn:14\n"
        "\n"
        "expectations\n"
        "  expect race on balance                                t.scn:15\n");
}

TEST_CASE("explain: without main, every parameterless thread starts at once", "[steps][explain]") {
  const auto r = load_text("dir/two.scn", "about \"two threads\"\nshared b = 0\nthread one:\n    b = 1\nthread two:\n    yield\n");
  REQUIRE(r.ok());
  const auto text = explain(*r.program);
  CHECK(text.rfind("scenario two\n  file:  dir/two.scn\n  about: two threads\n", 0) == 0);
  CHECK(text.find("main (implicit): every thread without parameters starts at once, named after its declaration;\n"
                  "the run ends when all have finished\n"
                  "    start one as \"one\"                                  dir/two.scn:3\n"
                  "    start two as \"two\"                                  dir/two.scn:5\n") != std::string::npos);
  CHECK(text.find("        [1] write b                                     dir/two.scn:4\n") != std::string::npos);
  CHECK(text.find("properties\n  (none)\n") != std::string::npos);
  CHECK(text.find("expectations\n  expect clean   (no expect lines: every run must be free of findings)\n") !=
        std::string::npos);
}

TEST_CASE("explain: a program without declarations says so", "[steps][explain]") {
  const auto r = load("main:\n    yield\n");
  REQUIRE(r.ok());
  CHECK(explain(*r.program).find("declarations\n  (none)\n") != std::string::npos);
}

TEST_CASE("explain: break, continue and return list the unlocks of the with blocks they leave", "[steps][explain]") {
  const auto r = load_text("ctl.scn",
                           "mutex m\nshared x = 0\nfn f(i):\n    with m:\n        return i * 10\nthread t:\n    repeat 3:\n"
                           "        with m:\n            if x == 1:\n                continue\n            x = 1\n");
  REQUIRE(r.ok());
  const auto text = explain(*r.program);
  CHECK(text.find("        return i * 10\n            [2] unlock m (leaving the with block)       ctl.scn:4\n") !=
        std::string::npos);
  CHECK(text.find("                continue\n                    [3] unlock m (leaving the with block)  ctl.scn:8\n") !=
        std::string::npos);
}
