// The property evaluator shared by both runtimes (harness/src/model/properties.hpp): the
// same memory read through plain cells (controlled) and relaxed atomic cells (stress)
// gives the same values and the same failure texts, errors included; the finding itself
// is built by model/findings.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../../../harness/src/model/properties.hpp"
#include "runtime_helpers.hpp"

using namespace interleave;
using namespace interleave::test;

namespace {

const char* const scenario = R"(shared x = 1
shared a[3] = 0
shared z = 0

thread t:
    x = 2

final x == 2
final a[x] == 1
final x / z == 1
final a[x + 5] == 0
observe x, a[x + 5]
)";

// Both readers over the same values.
struct Memory {
  std::vector<std::int64_t> plain;
  std::unique_ptr<std::atomic<std::int64_t>[]> atomic;
  explicit Memory(std::vector<std::int64_t> cells) : plain(std::move(cells)), atomic(new std::atomic<std::int64_t>[plain.size()]) {
    for (std::size_t c = 0; c < plain.size(); ++c) atomic[c].store(plain[c]);
  }
};

std::optional<std::string> both(const Module& m, const Property& p, const Memory& mem) {
  const auto controlled = property_violation(m, p, PlainCells{mem.plain.data()});
  const auto stressed = property_violation(m, p, RelaxedCells{mem.atomic.get()});
  CHECK(controlled == stressed);
  return controlled;
}

}  // namespace

TEST_CASE("properties: one evaluator over plain and atomic cells", "[unit][properties]") {
  const Module m = compile_text(scenario);
  REQUIRE(m.properties.size() == 6);  // an observe property per observed expression
  REQUIRE(m.cell_count == 5);  // x, a[0..2], z
  const Memory mem({1, 0, 7, 0, 0});

  CHECK(both(m, m.properties[0], mem) == "with x = 1");
  CHECK(both(m, m.properties[1], mem) == "with a = [0, 7, 0], x = 1");
  CHECK(both(m, m.properties[2], mem) == "it cannot be evaluated: division by zero");
  CHECK(both(m, m.properties[3], mem) == "it cannot be evaluated: index 6 is out of range for a (size 3)");

  // An observe that cannot be evaluated counts as 0.
  CHECK(observed_value(m, m.properties[4], RelaxedCells{mem.atomic.get()}) == 1);
  CHECK(observed_value(m, m.properties[5], PlainCells{mem.plain.data()}) == 0);
  CHECK(observed_value(m, m.properties[5], RelaxedCells{mem.atomic.get()}) == 0);

  const Memory good({2, 0, 0, 1, 2});
  CHECK_FALSE(both(m, m.properties[0], good));
  CHECK_FALSE(both(m, m.properties[1], good));
  CHECK(eval_property(m, m.properties[2], PlainCells{good.plain.data()}) == 1);

  // The finding is model/findings' (as both runtimes build it), from the evaluator's why.
  const Property& p = m.properties[0];
  const Finding f = findings::property_failed(p.kind, p.name, findings::place(m, p.site), p.message, findings::when_finished,
                                              *both(m, p, mem));
  CHECK(f.kind == FindingKind::failure);
  CHECK(f.summary == "final x == 2 failed when every thread had finished");
  CHECK(f.details == std::vector<std::string>{"with x = 1"});
  CHECK(f.key == "failure:final:8");
}
