// The interpreter core of local instructions (harness/src/vm/interpreter.hpp), driven by a
// test context: it stops in front of each visible step, and reports crashes, failed
// asserts, spins and `any` choices through the context, as both runtimes rely on.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "../../../harness/src/vm/interpreter.hpp"
#include "runtime_helpers.hpp"

using namespace interleave;
using namespace interleave::test;

namespace {

struct Stopped {
  std::string what;
};

struct TestCx {
  std::vector<std::string> printed;
  std::int64_t chosen = 0;
  [[noreturn]] void spin(const Instr&) { throw Stopped{"spin"}; }
  [[noreturn]] void crash(const std::string& what) { throw Stopped{"crash: " + what}; }
  [[noreturn]] void assert_failed(const Instr&, const std::string& shown) { throw Stopped{"assert: " + shown}; }
  std::int64_t choose(std::int64_t lo, std::int64_t) { return lo + chosen; }
  static std::uint32_t max_call_depth() { return 4; }
  void print(const Instr& i, const std::int64_t* values) {
    for (std::int32_t k = 0; k < i.b; ++k) printed.push_back(std::to_string(values[k]));
  }
};

vm::Registers start(const Module& m, const std::string& body) {
  vm::Registers r;
  for (std::uint32_t b = 0; b < m.bodies.size(); ++b)
    if (m.bodies[b].name == body) r.body = b;
  r.code = m.bodies[r.body].code.data();
  r.locals.assign(m.bodies[r.body].frame_size, 0);
  return r;
}

// Runs to the next step; the crash/assert/spin text when the context stopped it.
std::string run(const Module& m, vm::Registers& r, TestCx& cx, std::uint64_t budget = 1000) {
  try {
    vm::run_local(m, r, cx, budget);
    return "step " + std::string(op_name(r.at().op));
  } catch (const Stopped& s) {
    return s.what;
  }
}

}  // namespace

TEST_CASE("interpreter: local instructions up to the next step", "[unit][interpreter]") {
  const Module m = compile_text(R"(shared x = 0

fn twice(n):
    return n * 2

thread t:
    let s = 0
    for i in range(0, 4):
        s = s + twice(i)
    print "sum", s
    x = s + any(1, 3)
    let q = 7 / (s - 12)
)");
  TestCx cx;
  cx.chosen = 2;
  vm::Registers r = start(m, "t");
  CHECK(run(m, r, cx) == "step write");
  CHECK(cx.printed == std::vector<std::string>{"12"});
  REQUIRE(r.stack.size() == 1);
  CHECK(r.stack.back() == 15);  // 0 + 2 + 4 + 6, plus any's lo + 2
  CHECK(r.frames.empty());
  r.stack.pop_back();  // the runtime performs the write
  ++r.pc;
  CHECK(run(m, r, cx) == "crash: division by zero");
}

TEST_CASE("interpreter: asserts, spins, recursion and empty any", "[unit][interpreter]") {
  const Module m = compile_text(R"(shared x = 0

fn down(n):
    return down(n + 1)

thread a:
    assert 1 + 1 == 3
    x = 1

thread b:
    let k = 0
    while k == 0:
        k = 0
    x = 1

thread c:
    let v = down(0)
    x = v

thread d:
    let v = any(3, 1)
    x = v
)");
  TestCx cx;
  vm::Registers a = start(m, "a");
  CHECK(run(m, a, cx) == "assert: 2 == 3");
  vm::Registers b = start(m, "b");
  CHECK(run(m, b, cx) == "spin");
  vm::Registers c = start(m, "c");
  CHECK(run(m, c, cx) == "crash: calls nested deeper than 4 (runaway recursion?)");
  vm::Registers d = start(m, "d");
  CHECK(run(m, d, cx) == "crash: any(3, 1) has an empty range");
}
