// The findings module (harness/src/model/findings.hpp): the texts and keys of every kind,
// the conversion of ThreadSanitizer reports, and that both runtimes, which build their
// findings with it, give the same bug the same key.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "interleave/finding_kind.hpp"
#include "interleave/stress.hpp"
#include "model/findings.hpp"
#include "runtime_helpers.hpp"

using namespace interleave;
using namespace interleave::test;
namespace fd = interleave::findings;

namespace {

using Lines = std::vector<std::string>;

fd::Place at(std::uint32_t line, std::string statement) {
  return fd::Place{"t.scn:" + std::to_string(line), Loc{line, 5}, std::move(statement)};
}

const FoundFinding* find_kind(const ExploreResult& r, FindingKind k) {
  auto it = std::find_if(r.findings.begin(), r.findings.end(), [&](const FoundFinding& f) { return f.finding.kind == k; });
  return it == r.findings.end() ? nullptr : &*it;
}

const StressFinding* find_kind(const StressResult& r, FindingKind k) {
  auto it = std::find_if(r.findings.begin(), r.findings.end(), [&](const StressFinding& f) { return f.finding.kind == k; });
  return it == r.findings.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("findings: crash, failure and livelock texts and keys", "[findings]") {
  const Finding c = fd::crash("Thread-1", at(9, "let q = 1 / d"), "division by zero");
  CHECK(c.kind == FindingKind::crash);
  CHECK(c.summary == "Thread-1 crashed at t.scn:9: division by zero");
  CHECK(c.details == Lines{"statement: let q = 1 / d", "a crash in a thread ends the whole program"});
  CHECK(c.key == "crash:9");
  CHECK(fd::too_many_threads(10).key == "crash:threads");
  CHECK(fd::process_crash_note("Process-1", "t.scn:4", "crash") ==
        "process Process-1 crashed at t.scn:4: crash (the rest of the run went on)");

  const Finding a = fd::assert_failed("MainThread", at(7, "assert x == 2"), std::string("x moved"), "1 == 2");
  CHECK(a.kind == FindingKind::failure);
  CHECK(a.summary == "assert x == 2 failed in MainThread at t.scn:7");
  CHECK(a.details == Lines{"message: x moved", "the condition evaluated as 1 == 2"});
  CHECK(a.key == "failure:assert:7");

  const Finding p = fd::property_failed(DeclKind::final, "", at(12, "final x == 2"), std::nullopt, fd::when_finished,
                                        fd::property_false("x = 1"));
  CHECK(p.summary == "final x == 2 failed when every thread had finished");
  CHECK(p.details == Lines{"with x = 1"});
  CHECK(p.key == "failure:final:12");
  // A named property (v2): the name is in the summary (the statement) and keys the finding,
  // so two named properties are two findings wherever their lines are.
  const Finding named = fd::property_failed(DeclKind::final, "no_leak", at(12, "final no_leak: refs == 0"), std::nullopt,
                                            fd::when_finished, fd::property_false("refs = 1"));
  CHECK(named.summary == "final no_leak: refs == 0 failed when every thread had finished");
  CHECK(named.property == "no_leak");
  CHECK(named.key == "failure:final:no_leak");
  CHECK(p.property.empty());
  CHECK(fd::property_failed(DeclKind::always, "balanced", at(3, "always balanced: x >= 0"), std::nullopt, fd::after_step(4),
                            "w").key == "failure:always:balanced");
  CHECK(fd::property_false("") == "the expression is false");
  CHECK(fd::property_error("division by zero") == "it cannot be evaluated: division by zero");
  CHECK(fd::property_failed(DeclKind::always, "", at(3, "always x >= 0"), std::nullopt, fd::after_step(4), "w").summary ==
        "always x >= 0 failed after step 4");

  const Finding l = fd::livelock(50, {{"Spinner", at(6, "while flag == 0:")}});
  CHECK(l.summary == "livelock: the run did not finish within 50 steps");
  CHECK(l.details.back() == "Spinner is at t.scn:6: while flag == 0:");
  CHECK(l.key == "livelock");
  CHECK(fd::spin("T", at(8, "while true:"), 1000).key == "livelock:spin:8");
}

TEST_CASE("findings: what a crash says, what a failed property shows", "[findings]") {
  namespace ct = fd::crash_text;
  CHECK(ct::out_of_range("a", 2, 2) == "index 2 is out of range for a (size 2)");
  CHECK(ct::bad_unlock("with m:", "m", "") == "leaving the with block unlocks m, which is not locked (was it unlocked twice?)");
  CHECK(ct::bad_unlock("m.unlock()", "m", "T") == "unlock of m, which is held by T");
  CHECK(ct::wait_without_mutex("c", "m") == "c.wait(m) without holding m");
  CHECK(ct::statement(std::nullopt) == "crash");
  CHECK(ct::statement(std::string("boom")) == "boom");
  const auto cell = [](std::uint32_t k) { return static_cast<std::int64_t>(k); };
  CHECK(fd::shown_variable("x", 0, cell) == "x = 0");
  CHECK(fd::shown_variable("a", 3, cell) == "a = [0, 1, 2]");
  CHECK(fd::shown_variable("big", 20, cell) == "big = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, ...]");
}

TEST_CASE("findings: what a blocked thread waits for", "[findings]") {
  using fd::Wait;
  using S = fd::ThreadState;
  CHECK(fd::describe(Wait::lock("a", "Transfer-BA", Wait::Owner::running, "t.scn:31")) ==
        "waits to lock a, held by Transfer-BA since t.scn:31");
  CHECK(fd::describe(Wait::lock("m", "Forgetful", Wait::Owner::finished, "t.scn:4")) ==
        "waits to lock m, held by Forgetful (which has finished without unlocking it) since t.scn:4");
  CHECK(fd::describe(Wait::lock("m", "P", Wait::Owner::process_crashed, "t.scn:4")) ==
        "waits to lock m, held by P (whose process crashed while it held it) since t.scn:4");
  CHECK(fd::describe(Wait::lock("m", "T", Wait::Owner::itself, "t.scn:4")) ==
        "waits to lock m, held by itself since t.scn:4 (a mutex is not recursive)");
  CHECK(fd::describe(Wait::lock("m", "", Wait::Owner::running, "")) == "waits to lock m");
  CHECK(fd::describe(Wait::cond("c", false, "m")) == "waits on c and no thread will notify it");
  CHECK(fd::describe(Wait::cond("c", true, "m")) == "was woken from c but cannot relock m");
  CHECK(fd::describe(Wait::permit("s")) == "waits for a permit of s (none left)");
  CHECK(fd::describe(Wait::put("q", 1)) == "waits to put into q, which is full (1 item)");
  CHECK(fd::describe(Wait::put("q", 3)) == "waits to put into q, which is full (3 items)");
  CHECK(fd::describe(Wait::get("q")) == "waits to get from q, which is empty");
  CHECK(fd::describe(Wait::join("Worker", S{S::at, "t.scn:5"})) == "waits to join Worker, which is blocked at t.scn:5");
  CHECK(fd::describe(Wait::join_process("Process-1", {{"Process-1", S{S::at, "t.scn:5"}}, {"Thread-2", S{S::crashed, {}}}})) ==
        "waits to join process Process-1, whose threads are still blocked: Process-1 at t.scn:5, Thread-2 crashed");
  CHECK(fd::describe(Wait{}) == "is blocked");

  // The key is the sorted lines, whatever order the runtime lists the threads in.
  const Finding d = fd::deadlock({{"B", at(32, "with a:"), Wait::lock("a", "A", Wait::Owner::running, "t.scn:25")},
                                  {"A", at(26, "with b:"), Wait::lock("b", "B", Wait::Owner::running, "t.scn:31")}});
  CHECK(d.kind == FindingKind::deadlock);
  CHECK(d.summary == "deadlock: 2 threads blocked forever");
  CHECK(d.details[0] == "B at t.scn:32 (with a:): waits to lock a, held by A since t.scn:25");
  CHECK(d.key == "deadlock:26:32");
}

TEST_CASE("findings: races from either detector have one key and summary", "[findings]") {
  const fd::Access earlier{true, "Thread-1", at(4, "x = 2"), 2};
  const fd::Access later{false, "MainThread", at(9, "let v = x"), 5};
  const Finding hb = fd::race("x", "x", earlier, later);
  CHECK(hb.detector == Detector::happens_before);
  CHECK(hb.details == Lines{"write by Thread-1 at t.scn:4 (step 2): x = 2", "read by MainThread at t.scn:9 (step 5): let v = x",
                            "nothing orders them: no lock, join, queue, semaphore or release/acquire atomic creates a "
                            "happens-before edge between the two (relaxed atomics create none)"});
  const Finding ts = fd::tsan_race("x", "x", {true, "Thread-1", at(4, "x = 2"), std::nullopt}, later);
  CHECK(ts.detector == Detector::tsan);
  CHECK(ts.details[0] == "write by Thread-1 at t.scn:4: x = 2");
  CHECK(ts.details[1] == "read by MainThread at t.scn:9: let v = x (step 5)");
  CHECK(hb.key == ts.key);
  CHECK(hb.key == "race:x");
  CHECK(hb.summary == ts.summary);
  CHECK(fd::race("slots", "slots[2]", earlier, later).summary == "race on slots[2]");
  CHECK(fd::race("slots", "slots[2]", earlier, later).key == "race:slots");
}

TEST_CASE("findings: TSan reports become race and potential-deadlock findings", "[findings][tsan]") {
  const Module m = compile_text(
      "shared x = 0\n"
      "shared slots[3] = 0\n"
      "mutex a\n"
      "mutex b\n"
      "thread t:\n"
      "    x = 1\n"
      "    slots[1] = 2\n");
  // A stand-in block per cell (x: cell 0; slots: cells 1..3), as a runtime would map them.
  fd::TsanAddresses addresses;
  addresses.cell = [](std::uintptr_t a) -> std::optional<fd::Cell> {
    if (a == 0x1000) return fd::Cell{0, 0, false};
    if (a == 0x2008) return fd::Cell{1, 1, true};
    return std::nullopt;
  };
  addresses.mutex = [](std::uintptr_t a) -> std::optional<std::string> {
    if (a == 0xa0) return "a";
    if (a == 0xb0) return "b";
    return std::nullopt;
  };

  tsan::Report race;
  race.kind = "data-race";
  tsan::ReportedAccess later{0x2008, true, false, "t", 0, 0, false};
  tsan::ReportedAccess earlier{0x2008, false, false, "MainThread", 0, 0, false};
  race.accesses = {later, earlier};
  auto r = fd::from_tsan(m, race, addresses, 7);
  REQUIRE(r);
  CHECK(r->finding.kind == FindingKind::race);
  CHECK(r->finding.key == "race:slots");
  CHECK(r->finding.summary == "race on slots[1]");
  CHECK(r->finding.details[0] == "read by MainThread");
  CHECK(r->finding.details[1] == "write by t (step 7)");
  REQUIRE(r->cell);
  CHECK(r->cell->var == 1);

  tsan::Report elsewhere = race;
  for (auto& a : elsewhere.accesses) a.address = 0x9999;  // not a scenario location
  CHECK_FALSE(fd::from_tsan(m, elsewhere, addresses));

  tsan::Report inversion;
  inversion.kind = "lock-order-inversion";
  inversion.mutexes = {0xb0, 0xa0, 0xb0};
  r = fd::from_tsan(m, inversion, addresses);
  REQUIRE(r);
  CHECK(r->finding.kind == FindingKind::potential_deadlock);
  CHECK(r->finding.summary == "potential deadlock: lock order inversion between a, b");
  CHECK(r->finding.key == "potential-deadlock:a,b");
  CHECK(r->finding.detector == Detector::tsan);

  tsan::Report other;
  other.kind = "thread-leak";
  CHECK_FALSE(fd::from_tsan(m, other, addresses));
}

// Explore merges the two runtimes' findings by key: the same bug must have the same key.
TEST_CASE("findings: the controlled and the stress runtime give a lock-order bug the same key", "[findings][stress]") {
  SECTION("a lock-order deadlock") {
    const Module m = compile_text(forced_lock_order_deadlock);
    ExploreOptions eo;
    eo.strategy = Strategy::dfs;
    eo.max_runs = 1000;
    const ExploreResult controlled = explore(m, eo);
    const FoundFinding* c = find_kind(controlled, FindingKind::deadlock);
    REQUIRE(c);
    CHECK(c->finding.key == "deadlock:10:16");

    StressOptions so;
    so.max_seconds = 60;
    so.max_runs = 10;
    const StressResult stressed = stress(m, so);
    const StressFinding* s = find_kind(stressed, FindingKind::deadlock);
    REQUIRE(s);
    CHECK(s->finding.key == c->finding.key);
    CHECK(s->finding.summary == c->finding.summary);
  }
  SECTION("a lock-order inversion (ThreadSanitizer)") {
    // Each runtime maps TSan's mutex addresses itself: the controlled runtime's bridge has
    // one stand-in per mutex, the stress runtime one per mutex and instance; TSan may
    // list the cycle from either end. The finding, and so its key, is built once.
    const Module m = compile_text("shared x = 0\nmutex a\nmutex b\nthread t:\n    with a:\n        with b:\n            x = 1\n");
    fd::TsanAddresses controlled, stressed;
    controlled.mutex = [](std::uintptr_t a) -> std::optional<std::string> {
      if (a == 0x10) return "a";
      if (a == 0x20) return "b";
      return std::nullopt;
    };
    stressed.mutex = [](std::uintptr_t a) -> std::optional<std::string> {
      if (a >= 0x7000 && a < 0x7000 + 64 * 2) return (a - 0x7000) / 64 % 2 == 0 ? "a" : "b";
      return std::nullopt;
    };
    tsan::Report from_controlled, from_stress;
    from_controlled.kind = from_stress.kind = "lock-order-inversion";
    from_controlled.mutexes = {0x10, 0x20};
    from_stress.mutexes = {0x7000 + 64, 0x7000};
    const auto c = fd::from_tsan(m, from_controlled, controlled, 12);
    const auto s = fd::from_tsan(m, from_stress, stressed);
    REQUIRE(c);
    REQUIRE(s);
    CHECK(c->finding.key == s->finding.key);
    CHECK(c->finding.summary == s->finding.summary);
    CHECK(c->finding.details == s->finding.details);
  }
}

TEST_CASE("finding kinds: one table, in SARIF rule order", "[findings]") {
  CHECK(finding_kind_count == 8);
  CHECK(spelling(FindingKind::potential_deadlock) == "potential-deadlock");
  CHECK(finding_kind_named("deadlock") == FindingKind::deadlock);
  CHECK_FALSE(finding_kind_named("clean"));
  CHECK(index_of(FindingKind::potential_deadlock) == 6);  // docs/reports.md: the 7th rule
  CHECK_FALSE(info(FindingKind::potential_deadlock).expectable);
  CHECK_FALSE(info(FindingKind::potential_deadlock).decides_verdict);
  CHECK(info(FindingKind::potential_deadlock).sarif_level == "warning");
  CHECK(info(FindingKind::race).sarif_rule == "interleave/race");
  for (const auto& k : finding_kinds) {
    CHECK(k.sarif_rule == "interleave/" + std::string(k.spelling));
    CHECK(expect_kind(k.kind).has_value() == k.expectable);
  }
  CHECK(spelling(ExpectKind::clean) == "clean");
  CHECK(spelling(ExpectKind::forbidden) == "forbidden");
  // v2 heap: memory is the 8th rule, expectable, and decides verdicts.
  CHECK(index_of(FindingKind::memory) == 7);
  CHECK(spelling(ExpectKind::memory) == "memory");
  CHECK(info(FindingKind::memory).decides_verdict);
}

TEST_CASE("detectors: a bit set named for reports", "[findings]") {
  Detectors d;
  CHECK(d.empty());
  CHECK(d.names().empty());
  d |= Detector::tsan;
  CHECK(d.names() == Lines{"tsan"});
  d |= Detector::happens_before;
  CHECK(d.has(Detector::happens_before));
  CHECK(d.names() == Lines{"happens-before", "tsan"});
  CHECK((Detectors(Detector::happens_before) | Detector::tsan) == d);
}
