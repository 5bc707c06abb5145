// File-level options (v2, docs/language.md "File-level options"): `option spurious_wakeups`,
// `option max_steps = N` and `option memory = MODEL` reach the Module; the command line
// wins over them (tests/cli pins that through the interleave command).
#include <catch2/catch.hpp>

#include "frontend_helpers.hpp"
#include "runtime_helpers.hpp"

namespace interleave::test {

namespace {
using Msgs = std::vector<std::string>;
Msgs errors(const std::string& text) { return messages(load(text)); }
}  // namespace

TEST_CASE("option: the file's options reach the module; without them nothing is set", "[option]") {
  const Module m = compile_text("const N = 70\noption spurious_wakeups\noption max_steps = N * 10\noption memory = tso\n\nmain:\n    yield\n");
  CHECK(m.spurious_wakeups == true);
  CHECK(m.max_steps == std::uint64_t{700});
  CHECK(m.memory == MemoryModel::tso);
  const Module plain = compile_text("main:\n    yield\n");
  CHECK_FALSE(plain.spurious_wakeups);
  CHECK_FALSE(plain.max_steps);
  CHECK_FALSE(plain.memory);
}

TEST_CASE("option: 'option' and the option words stay ordinary names", "[option]") {
  // v1 files may use them as names: they keep their meaning.
  const Module m = compile_text("shared option = 1\nshared max_steps = 2\n\nmain:\n    option = max_steps\n");
  CHECK(m.shared.size() == 2);
  CHECK_FALSE(m.max_steps);
}

TEST_CASE("option: mistakes name the valid choices", "[option][errors]") {
  CHECK(errors("option memory = sc\nmemory tso\n\nmain:\n    yield\n") ==
        Msgs{"1:1: the memory model is set twice"});
  CHECK(errors("option max_steps = 100000001\n\nmain:\n    yield\n") ==
        Msgs{"1:20: option max_steps = 100000001 is out of range"});
  CHECK(errors("option max_steps = x\nshared x = 1\n\nmain:\n    yield\n") ==
        Msgs{"1:20: 'x' is a shared variable, not a constant"});
  CHECK(errors("option spurious_wakeups\noption spurious_wakeups\n\nmain:\n    yield\n") ==
        Msgs{"2:8: option 'spurious_wakeups' is set twice"});
}

TEST_CASE("option: a livelock is reported at the file's step bound", "[option]") {
  const Module m = compile_text("option max_steps = 50\natomic x = 0\n\nmain:\n    while x == 0:\n        x.store(0)\n");
  ExecOptions o = traced();
  o.max_steps = *m.max_steps;  // what the command line does when --max-steps is not given
  const RunResult r = run_default(m, o);
  CHECK_THAT(only_finding(r).summary, Catch::StartsWith("livelock: the run did not finish within 50 steps"));
}

}  // namespace interleave::test
