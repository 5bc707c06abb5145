// The causality component on its own: which events the vector clocks order, edge by edge
// (spawn, join, release/acquire, release sequences, fences, queue items).
#include <catch2/catch.hpp>

#include "interleave/causality.hpp"

using namespace interleave;

namespace {

// Thread `t`'s present event, to ask later whether it happened before another thread's.
struct Event {
  std::uint32_t thread;
  std::uint32_t epoch;
};
Event now(const Causality& c, std::uint32_t t) { return Event{t, c.epoch(t)}; }
bool ordered(const Causality& c, Event e, std::uint32_t observer) { return c.happened_before(e.thread, e.epoch, observer); }

}  // namespace

TEST_CASE("causality: a thread's own events are ordered; independent threads' are not", "[causality]") {
  Causality c;
  c.reset(0);
  c.add_thread(0, std::nullopt);
  c.add_thread(1, std::nullopt);
  CHECK(c.threads() == 2);
  CHECK(c.epoch(0) == 1);  // epochs start at 1: 0 names no event
  const Event a = now(c, 0);
  CHECK(ordered(c, a, 0));
  CHECK_FALSE(ordered(c, a, 1));
  CHECK_FALSE(ordered(c, now(c, 1), 0));
}

TEST_CASE("causality: spawn orders the parent's earlier events before the child, not its later ones", "[causality][spawn]") {
  Causality c;
  c.reset(0);
  c.add_thread(0, std::nullopt);
  const Event before = now(c, 0);
  c.add_thread(1, 0u);
  const Event after = now(c, 0);
  CHECK(ordered(c, before, 1));
  CHECK_FALSE(ordered(c, after, 1));
  CHECK(c.clock(1).size() == 2);
  CHECK(c.clock(1)[0] == before.epoch);  // the child starts from the parent's clock
}

TEST_CASE("causality: join orders everything the joined thread did before the joiner", "[causality][join]") {
  Causality c;
  c.reset(0);
  c.add_thread(0, std::nullopt);
  c.add_thread(1, 0u);
  const Event child = now(c, 1);
  CHECK_FALSE(ordered(c, child, 0));
  c.join(0, 1);
  CHECK(ordered(c, child, 0));
  // Not the other way round: the parent's events after the spawn stay unordered for the child.
  CHECK_FALSE(ordered(c, now(c, 0), 1));
}

TEST_CASE("causality: release/acquire orders the releaser's earlier events only", "[causality][sync]") {
  Causality c;
  c.reset(1);
  c.add_thread(0, std::nullopt);
  c.add_thread(1, std::nullopt);
  const Event before = now(c, 0);
  c.release(0, 0);
  const Event after = now(c, 0);  // release ticks: later events are not released
  CHECK(after.epoch == before.epoch + 1);
  CHECK_FALSE(ordered(c, before, 1));
  c.acquire(1, 0);
  CHECK(ordered(c, before, 1));
  CHECK_FALSE(ordered(c, after, 1));
}

TEST_CASE("causality: a mutex's unlock and lock are a release and an acquire of its sync object", "[causality][sync]") {
  Causality c;
  c.begin_run(RunShape{0, 1, 1});
  c.add_thread(0, std::nullopt);
  c.add_thread(1, std::nullopt);
  c.lock(0, 0, false);
  const Event inside = now(c, 0);
  c.unlock(0, 0);
  c.lock(1, 0, true);
  CHECK(ordered(c, inside, 1));
}

TEST_CASE("causality: a release replaces the object's clock, release_join continues it (release sequences)", "[causality][sync]") {
  Causality c;
  c.reset(2);
  c.add_thread(0, std::nullopt);
  c.add_thread(1, std::nullopt);
  c.add_thread(2, std::nullopt);
  // Object 0: thread 0 releases, thread 1 then stores (replaces): thread 0's release is lost.
  const Event a0 = now(c, 0);
  c.release(0, 0);
  const Event b0 = now(c, 1);
  c.release(1, 0);
  c.acquire(2, 0);
  CHECK(ordered(c, b0, 2));
  CHECK_FALSE(ordered(c, a0, 2));
  // Object 1: thread 0 releases, thread 1's read-modify-write joins: both reach the acquirer.
  c.add_thread(3, std::nullopt);
  const Event a1 = now(c, 0);
  c.release(0, 1);
  const Event b1 = now(c, 1);
  c.release_join(1, 1);
  c.acquire(3, 1);
  CHECK(ordered(c, a1, 3));
  CHECK(ordered(c, b1, 3));
  CHECK(c.sync_clock(1).size() >= 2);
}

TEST_CASE("causality: sync objects beyond reset's are made on demand and start empty", "[causality][sync]") {
  Causality c;
  c.reset(1);
  c.add_thread(0, std::nullopt);
  c.add_thread(1, std::nullopt);
  CHECK(c.sync_clock(7).empty());
  c.acquire(1, 7);  // nothing released there yet: no edge
  CHECK_FALSE(ordered(c, now(c, 0), 1));
  const Event e = now(c, 0);
  c.release(0, 7);
  c.acquire(1, 7);
  CHECK(ordered(c, e, 1));
  c.reset(1);  // a new run forgets them
  CHECK(c.sync_clock(7).empty());
}

TEST_CASE("causality: fences turn relaxed stores and loads into release and acquire", "[causality][fence]") {
  Causality c;
  c.reset(1);
  c.add_thread(0, std::nullopt);
  c.add_thread(1, std::nullopt);
  // Writer: data; release fence; relaxed store. Reader: relaxed load; acquire fence.
  const Event data = now(c, 0);
  c.fence(0);
  const Event after_fence = now(c, 0);
  c.fence_release(0, 0);
  c.fence_acquire_later(1, 0);
  CHECK_FALSE(ordered(c, data, 1));  // the relaxed load alone acquires nothing
  c.fence(1);
  CHECK(ordered(c, data, 1));
  CHECK_FALSE(ordered(c, after_fence, 1));  // only what came before the writer's fence
}

TEST_CASE("causality: a relaxed store without a fence before it carries nothing", "[causality][fence]") {
  Causality c;
  c.reset(1);
  c.add_thread(0, std::nullopt);
  c.add_thread(1, std::nullopt);
  const Event data = now(c, 0);
  c.release(0, 0);        // a release store...
  c.fence_release(1, 0);  // ...then a relaxed store by a thread that never fenced: the sequence ends
  CHECK(c.sync_clock(0).empty());
  c.fence_acquire_later(1, 0);
  c.fence(1);
  CHECK_FALSE(ordered(c, data, 1));
}

TEST_CASE("causality: a relaxed read-modify-write after a fence joins the fence's clock", "[causality][fence]") {
  Causality c;
  c.reset(1);
  c.add_thread(0, std::nullopt);
  c.add_thread(1, std::nullopt);
  c.add_thread(2, std::nullopt);
  const Event a = now(c, 0);
  c.release(0, 0);
  const Event b = now(c, 1);
  c.fence(1);
  c.fence_release_join(1, 0);  // continues thread 0's release sequence, adds thread 1's fence
  c.acquire(2, 0);
  CHECK(ordered(c, a, 2));
  CHECK(ordered(c, b, 2));
}

TEST_CASE("causality: queue items carry their put's clock to their get, in order", "[causality][queue]") {
  Causality c;
  c.reset(0);
  c.add_thread(0, std::nullopt);
  c.add_thread(1, std::nullopt);
  const Event first = now(c, 0);
  c.put_item(0, 0);
  const Event second = now(c, 0);
  c.put_item(0, 0);
  const Event later = now(c, 0);
  c.get_item(1, 0);
  CHECK(ordered(c, first, 1));
  CHECK_FALSE(ordered(c, second, 1));
  c.get_item(1, 0);
  CHECK(ordered(c, second, 1));
  CHECK_FALSE(ordered(c, later, 1));
  // The queue is empty again: the next item is the first one of a fresh list.
  const Event third = now(c, 0);
  c.put_item(0, 0);
  c.add_thread(2, std::nullopt);
  c.get_item(2, 0);
  CHECK(ordered(c, third, 2));
}

TEST_CASE("causality: a new run forgets every clock", "[causality]") {
  Causality c;
  c.reset(1);
  c.add_thread(0, std::nullopt);
  c.add_thread(1, std::nullopt);
  c.release(0, 0);
  c.fence(0);
  c.put_item(0, 0);
  c.begin_run(RunShape{0, 0, 1});
  CHECK(c.threads() == 0);
  CHECK(c.sync_clock(0).empty());
  c.add_thread(0, std::nullopt);
  c.add_thread(1, std::nullopt);
  CHECK(c.epoch(0) == 1);
  c.fence_release(0, 0);  // no fence in this run
  CHECK(c.sync_clock(0).empty());
}
