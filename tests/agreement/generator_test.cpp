// The agreement test's program generator: every program loads without a diagnostic, the
// same seed gives the same program, the corpus covers what creates happens-before, and
// the programs terminate with both verdicts, racy and race-free, about evenly.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "interleave/explore.hpp"
#include "interleave/frontend.hpp"
#include "program_generator.hpp"

namespace {

using interleave::test::generate_program;
using interleave::test::generated_name;

// As many as the agreement test's shards cover (tests/agreement/CMakeLists.txt), and more.
constexpr std::uint64_t checked_seeds = 2000;

std::string shown(std::uint64_t seed, const std::string& text, const std::string& why) {
  return "seed " + std::to_string(seed) + " (" + generated_name(seed) + "): " + why + "\n" + text;
}

TEST_CASE("every generated program loads without diagnostics") {
  for (std::uint64_t seed = 0; seed < checked_seeds; ++seed) {
    const auto g = generate_program(seed);
    const auto r = interleave::load_text(generated_name(seed), g.text);
    if (!r.ok() || !r.diagnostics.all().empty()) FAIL(shown(seed, g.text, "does not load cleanly:\n" + r.render()));
  }
}

TEST_CASE("a seed always gives the same program") {
  for (std::uint64_t seed : {0ull, 1ull, 77ull, 123456789ull})
    CHECK(generate_program(seed).text == generate_program(seed).text);
  CHECK(generate_program(1).text != generate_program(2).text);
}

TEST_CASE("the corpus covers what creates happens-before") {
  std::map<std::string, int> seen;
  int racy = 0;
  for (std::uint64_t seed = 0; seed < checked_seeds; ++seed) {
    const auto g = generate_program(seed);
    for (const auto& f : g.features) ++seen[f];
    racy += g.intended_racy ? 1 : 0;
  }
  for (const char* f :
       {"shape:implicit-main", "shape:named-spawns", "shape:handle-array", "main-takes-part", "param", "array", "with",
        "lock-unlock", "try_lock", "cond", "semaphore", "queue", "flag", "spin", "fence", "cas", "fetch_add",
        "exchange", "order:relaxed", "order:acquire", "order:release", "order:acq_rel", "order:seq_cst",
        "order:default", "process", "loop", "any", "lock-order", "lock-order-inversion", "unjoined",
        "per-thread-array", "weak-flag", "access-before-receive", "write-after-send", "unprotected"}) {
    INFO("feature " << f);
    CHECK(seen[f] >= 5);
  }
  CHECK(racy > static_cast<int>(checked_seeds) * 4 / 10);
  CHECK(racy < static_cast<int>(checked_seeds) * 6 / 10);
}

// The built-in detector alone (no TSan: this runs in every preset). Deadlocks may come
// only from the generated lock-order inversions; nothing else may block, spin forever,
// crash or fail.
TEST_CASE("generated programs terminate, and about half of them race") {
  constexpr std::uint64_t programs = 200;
  int racy = 0;
  for (std::uint64_t seed = 0; seed < programs; ++seed) {
    const auto g = generate_program(seed);
    const auto r = interleave::load_text(generated_name(seed), g.text);
    REQUIRE(r.ok());
    const auto module = interleave::compile(*r.program);
    interleave::ExploreOptions o;
    o.max_runs = 200;
    o.minimise = false;
    o.exec.tsan = false;
    const auto res = interleave::explore(module, o);
    bool has_race = false;
    for (const auto& f : res.findings) {
      if (f.finding.kind == interleave::FindingKind::race) {
        has_race = true;
        continue;
      }
      if (f.finding.kind == interleave::FindingKind::deadlock && g.features.count("lock-order-inversion")) continue;
      if (f.finding.kind == interleave::FindingKind::potential_deadlock) continue;
      FAIL(shown(seed, g.text, "unexpected finding: " + f.finding.summary + " (replay " + f.token + ")"));
    }
    racy += has_race ? 1 : 0;
  }
  INFO(racy << " of " << programs << " programs race");
  CHECK(racy > static_cast<int>(programs) * 3 / 10);
  CHECK(racy < static_cast<int>(programs) * 7 / 10);
}

}  // namespace
