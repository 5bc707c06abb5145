// The memory models of the controlled runtime (model/memory.hpp): which stores a load may
// read under rc11, tso and sc, the spin-loop rule, the file's `memory` line against
// --memory, and the traces that explain a weak outcome.
#include <catch2/catch.hpp>

#include <deque>
#include <set>

#include "runtime_helpers.hpp"

namespace interleave::test {

namespace {

// Follows a script: thread picks and value choices in order, recording how many options
// each value choice had. Past the script: the current thread, else the lowest; value 0.
class Scripted final : public Scheduler {
 public:
  explicit Scripted(std::vector<Choice> script) : script_(script.begin(), script.end()) {}
  bool new_run() override { return !started_ && (started_ = true); }
  ThreadId pick(std::span<const ThreadId> runnable, ThreadId current, bool) override {
    if (!script_.empty() && script_.front().kind == Choice::thread) {
      const auto t = static_cast<ThreadId>(script_.front().value);
      script_.pop_front();
      REQUIRE(std::binary_search(runnable.begin(), runnable.end(), t));
      return t;
    }
    return std::binary_search(runnable.begin(), runnable.end(), current) ? current : runnable.front();
  }
  std::int64_t choose(std::int64_t lo, std::int64_t hi) override {
    options.push_back(static_cast<std::uint64_t>(hi - lo + 1));
    if (!script_.empty() && script_.front().kind == Choice::number) {
      const auto v = static_cast<std::int64_t>(script_.front().value);
      script_.pop_front();
      return lo + v;
    }
    return lo;
  }
  std::string name() const override { return "scripted"; }
  std::vector<std::uint64_t> options;  // per value choice: how many values it had

 private:
  std::deque<Choice> script_;
  bool started_ = false;
};

Choice thread(std::uint64_t t) { return Choice{Choice::thread, t}; }
Choice value(std::uint64_t v) { return Choice{Choice::number, v}; }

ExecOptions model(MemoryModel m) {
  ExecOptions o = traced();
  o.memory = m;
  return o;
}

RunResult run_script(const Module& m, std::vector<Choice> script, ExecOptions o, std::vector<std::uint64_t>* options = nullptr) {
  Scripted s(std::move(script));
  RunResult r = run_once(m, s, o);
  if (options) *options = s.options;
  return r;
}

// Every observe tuple of every schedule (DFS), and whether DFS finished.
std::set<std::vector<std::int64_t>> outcomes(const Module& m, MemoryModel mm, std::uint64_t& runs) {
  std::set<std::vector<std::int64_t>> seen;
  ExecOptions o;
  o.memory = mm;
  bool complete = false;
  runs = dfs_all(m, -1, o, [&](const RunResult& r) { if (r.finished) seen.insert(r.observed); }, 1'000'000, &complete);
  REQUIRE(complete);
  return seen;
}

const char* const writer_reader = R"(atomic x = 0
shared a = 0
shared b = 0

thread writer:
    x.store(1, relaxed)

thread reader:
    a = x.load(relaxed)
    b = x.load(relaxed)

observe a, b
)";

}  // namespace

TEST_CASE("memory: under rc11 a relaxed load may read an older store, newest first", "[memory]") {
  const Module m = compile_text(writer_reader);
  std::vector<std::uint64_t> options;
  // The writer stores first; the reader's first load may read 1 (option 0) or the initial 0.
  RunResult r = run_script(m, {thread(0), thread(0), thread(1), value(1), value(1)}, model(MemoryModel::rc11), &options);
  REQUIRE(r.finished);
  CHECK(options == std::vector<std::uint64_t>{2, 2});
  CHECK(r.observed == std::vector<std::int64_t>{0, 0});  // a re-read without a yield may stay stale
  const auto e = effects(r);
  CHECK(std::find(e.begin(), e.end(),
                  "reader: load x -> 0 (relaxed; reads the initial value; store x <- 1 at step 1 not yet visible to reader)") !=
        e.end());
  // Under sc nothing is chosen: the load reads 1.
  r = run_script(m, {thread(0), thread(0), thread(1)}, model(MemoryModel::sc), &options);
  CHECK(options.empty());
  CHECK(r.observed == std::vector<std::int64_t>{1, 1});
}

TEST_CASE("memory: coherence: once a thread read a store it never reads an older one", "[memory]") {
  const Module m = compile_text(writer_reader);
  std::uint64_t runs = 0;
  // CoRR: (1, 0) never, under any model.
  for (auto mm : {MemoryModel::rc11, MemoryModel::tso, MemoryModel::sc})
    CHECK(outcomes(m, mm, runs).count({1, 0}) == 0);
  CHECK(outcomes(m, MemoryModel::rc11, runs) == std::set<std::vector<std::int64_t>>{{0, 0}, {0, 1}, {1, 1}});
}

TEST_CASE("memory: after a yield, a re-read of a location reads a newer store when there is one", "[memory]") {
  const Module m = compile_text(R"(atomic x = 0
shared a = 0
shared b = 0

thread writer:
    x.store(1, relaxed)

thread reader:
    a = x.load(relaxed)
    yield
    b = x.load(relaxed)

observe a, b
)");
  std::vector<std::uint64_t> options;
  // The store first, then a stale first read: after the yield the only option is the store.
  RunResult r = run_script(m, {thread(0), thread(0), thread(1), value(1)}, model(MemoryModel::rc11), &options);
  REQUIRE(r.finished);
  CHECK(options == std::vector<std::uint64_t>{2});
  CHECK(r.observed == std::vector<std::int64_t>{0, 1});
  // A first read is never constrained by an earlier yield, so the data load after a spin
  // may still be stale (the MP bug stays findable): here the yield lets the writer store
  // first, and the reader's first load of x may still read 0.
  const Module first = compile_text(R"(atomic x = 0
shared a = 0

thread writer:
    x.store(1, relaxed)

thread reader:
    yield
    a = x.load(relaxed)

observe a
)");
  std::uint64_t runs = 0;
  CHECK(outcomes(first, MemoryModel::rc11, runs) == std::set<std::vector<std::int64_t>>{{0}, {1}});
}

TEST_CASE("memory: a yielding spin on a relaxed flag explores finitely under every model", "[memory]") {
  const Module m = compile_text(R"(shared data = 0
atomic ready = 0

thread producer:
    data = 42
    ready.store(1, release)

thread consumer:
    while ready.load(acquire) == 0:
        yield
    assert data == 42
)");
  for (auto mm : {MemoryModel::rc11, MemoryModel::tso, MemoryModel::sc}) {
    ExecOptions o;
    o.memory = mm;
    bool complete = false;
    dfs_all(m, -1, o, [](const RunResult& r) { CHECK(r.findings.empty()); }, 10'000, &complete);
    CHECK(complete);
  }
}

TEST_CASE("memory: the file's memory line chooses the model; ExecOptions::memory (--memory) wins", "[memory]") {
  const std::string sb = R"(atomic x = 0
atomic y = 0
shared r0 = 0
shared r1 = 0

thread t0:
    x.store(1, relaxed)
    r0 = y.load(relaxed)

thread t1:
    y.store(1, relaxed)
    r1 = x.load(relaxed)

observe r0, r1
)";
  auto weak_under = [&](const std::string& text, std::optional<MemoryModel> option) {
    ExecOptions o;
    o.memory = option;
    bool weak = false;
    dfs_all(compile_text(text), -1, o, [&](const RunResult& r) { weak = weak || r.observed == std::vector<std::int64_t>{0, 0}; });
    return weak;
  };
  CHECK(weak_under(sb, std::nullopt));                         // rc11 by default
  CHECK_FALSE(weak_under("memory sc\n" + sb, std::nullopt));   // the file says sc
  CHECK(weak_under("memory sc\n" + sb, MemoryModel::tso));     // the command line wins
  CHECK(compile_text("memory tso\n" + sb).memory == MemoryModel::tso);
}

TEST_CASE("memory: an unknown model in the file is a diagnostic that lists the models", "[memory]") {
  const LoadResult r = load_text("t.scn", "memory arm\nthread t:\n    yield\n");
  REQUIRE_FALSE(r.ok());
  CHECK(r.render().find("t.scn:1:8: error: unknown memory model 'arm'") != std::string::npos);
  CHECK(r.render().find("the models are rc11, tso or sc") != std::string::npos);
  // `memory` is not a keyword: a variable may still have that name.
  CHECK(load_text("t.scn", "shared memory = 0\nthread t:\n    memory = 1\n").ok());
}

TEST_CASE("memory: tso buffers a store, forwards it to its own thread, and flushes it as a step", "[memory]") {
  const Module m = compile_text(R"(atomic x = 0
shared mine = 0
shared other = 0

thread writer:
    x.store(1, relaxed)
    mine = x.load(relaxed)

thread reader:
    other = x.load(relaxed)

observe mine, other
)");
  // The writer runs to its end with its store still buffered; then the reader reads memory.
  RunResult r = run_script(m, {thread(0), thread(0), thread(0), thread(0), thread(1)}, model(MemoryModel::tso));
  REQUIRE(r.finished);
  CHECK(r.observed == std::vector<std::int64_t>{1, 0});
  const auto e = effects(r);
  CHECK(std::find(e.begin(), e.end(), "writer: store x <- 1 (relaxed; buffered)") != e.end());
  CHECK(std::find(e.begin(), e.end(), "writer: load x -> 1 (relaxed; from its own store buffer)") != e.end());
  CHECK(std::find(e.begin(), e.end(), "writer: flush x <- 1 from writer's store buffer (now visible)") != e.end());
}

TEST_CASE("memory: tso drains the buffer at a fence and at a read-modify-write", "[memory]") {
  const Module m = compile_text(R"(atomic x = 0
atomic y = 0
shared r0 = 0
shared r1 = 0

thread t0:
    x.store(1, relaxed)
    fence
    r0 = y.load(relaxed)

thread t1:
    y.fetch_add(1, relaxed)
    r1 = x.load(relaxed)

observe r0, r1
)");
  std::uint64_t runs = 0;
  CHECK(outcomes(m, MemoryModel::tso, runs).count({0, 0}) == 0);
  CHECK(outcomes(m, MemoryModel::rc11, runs).count({0, 0}) == 1);  // a relaxed RMW is no fence in C++
}

TEST_CASE("memory: with only seq_cst atomics, rc11 and tso give sc's outcomes", "[memory]") {
  const Module m = compile_text(R"(atomic x = 0
atomic y = 0
shared r0 = 0
shared r1 = 0
shared r2 = 0

thread t0:
    x.store(1, seq_cst)
    r0 = y.load(seq_cst)

thread t1:
    y.store(1, seq_cst)
    r1 = x.load(seq_cst)
    x.store(2, seq_cst)

thread t2:
    r2 = x.load(seq_cst)

observe r0, r1, r2, x
)");
  std::uint64_t runs = 0;
  const auto sc = outcomes(m, MemoryModel::sc, runs);
  CHECK(outcomes(m, MemoryModel::rc11, runs) == sc);
  CHECK(outcomes(m, MemoryModel::tso, runs) == sc);
}

TEST_CASE("memory: an rc11 store may go before a newer one in modification order (2+2W)", "[memory]") {
  const Module m = compile_text(R"(atomic x = 0
atomic y = 0

thread t0:
    x.store(1, relaxed)
    y.store(2, relaxed)

thread t1:
    y.store(1, relaxed)
    x.store(2, relaxed)

observe x, y
)");
  // t0 runs first; t1's x = 2 is placed before x = 1 (option 1 of 2): x ends as 1.
  std::vector<std::uint64_t> options;
  RunResult r = run_script(m, {thread(0), thread(0), thread(0), thread(1), value(0), thread(1), value(1)},
                           model(MemoryModel::rc11), &options);
  REQUIRE(r.finished);
  CHECK(r.observed == std::vector<std::int64_t>{1, 1});
  const auto e = effects(r);
  CHECK(std::find(e.begin(), e.end(), "t1: store x <- 2 (relaxed; ordered before the store x <- 1 at step 1)") != e.end());
}

}  // namespace interleave::test
