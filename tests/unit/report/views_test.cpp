// The pictures of a finding, from hand-made JSON reports: the lanes view (exact text), the
// DOT execution graph and the HTML report.
#include <catch2/catch.hpp>

#include <string>

#include "interleave/report.hpp"
#include "report/document.hpp"
#include "report/lanes.hpp"

namespace interleave::test {

namespace {

std::string step(int n, const std::string& thread, int line, const std::string& effect, const std::string& extra = "") {
  return "{\"step\": " + std::to_string(n) + ", \"thread\": \"" + thread + "\", \"line\": " + std::to_string(line) +
         ", \"effect\": \"" + effect + "\", \"statement\": \"s\"" + extra + "}";
}

std::string finding(const std::string& kind, const std::string& summary, const std::string& details,
                    const std::vector<std::string>& trace) {
  std::string steps;
  for (const auto& s : trace) steps += (steps.empty() ? "" : ", ") + s;
  return "{\"kind\": \"" + kind + "\", \"summary\": \"" + summary + "\", \"details\": [" + details +
         "], \"locations\": [{\"file\": \"t.scn\", \"line\": 3, \"column\": 5}], \"expected\": true, "
         "\"replay_token\": \"v1-0123456789abcdef-AA\", \"replay_command\": \"interleave replay t.scn --schedule "
         "v1-0123456789abcdef-AA\", \"trace\": [" + steps + "]}";
}

std::string report(const std::string& findings, const std::string& scenario = "t", const std::string& extra = "") {
  return "{\"version\": 1, \"tool\": \"interleave\", \"command\": \"check\", \"scenarios\": [{\"file\": \"t.scn\", "
         "\"scenario\": \"" + scenario + "\", \"verdict\": \"pass\", \"problems\": [], \"expected\": [], \"found\": [], "
         "\"runs\": 1, \"seconds\": 0, \"strategy\": \"dfs\", \"findings\": [" + findings + "]" + extra + "}]}";
}

std::string lanes(const std::string& doc, std::size_t width = 0, bool colour = false) {
  const auto r = report_doc::read_report(doc);
  return render_lanes(r.scenarios.at(0).findings.at(0), LanesStyle{width, colour, "  "});
}

// The classic lost wakeup, as `replay` shows it: the notifier runs first and its notify is lost.
const std::string lost_wakeup = report(finding(
    "deadlock", "deadlock: 1 thread blocked forever", "\"waiter waits on wake\"",
    {step(1, "notifier", 29, "lock m", ", \"preempts\": \"waiter\""), step(2, "notifier", 29, "notify_one wake (nobody waits)"),
     step(3, "notifier", 29, "unlock m"), step(4, "notifier", 29, "end"), step(5, "waiter", 23, "lock m"),
     step(6, "waiter", 24, "wait on wake (unlocks m)")}));

// A write under a lock and a read without it.
const std::string half_locked = report(finding(
    "race", "race on x", "\"write by A at t.scn:3 (step 2): x = 1\", \"read by B at t.scn:7 (step 4): r = x\"",
    {step(1, "A", 2, "lock m"), step(2, "A", 3, "write x <- 1"), step(3, "A", 4, "unlock m"),
     step(4, "B", 7, "read x -> 1", ", \"preempts\": \"A\"")}));

// Message passing through a relaxed flag: the flag's store is read, but does not synchronise.
const std::string relaxed_flag = report(finding(
    "race", "race on data",
    "\"write by writer at t.scn:3 (step 1): data = 42\", \"read by reader at t.scn:8 (step 5): assert data == 42\"",
    {step(1, "writer", 3, "write data <- 42"), step(2, "writer", 4, "store ready <- 1 (relaxed)"),
     step(3, "writer", 4, "end"), step(4, "reader", 7, "load ready -> 1 (relaxed)"), step(5, "reader", 8, "read data -> 42")}));

}  // namespace

TEST_CASE("lanes: the lost wakeup shows the lost notify, the preemption and the mutex holder", "[report][lanes]") {
  CHECK(lanes(lost_wakeup) ==
        "  lanes: 2 threads, 6 steps, 1 preemption  (> preemption  ! lost notify)\n"
        "    step  waiter                   | notifier                               | mutexes\n"
        "  >    1  (preempted)              | lock m                                 | m: notifier\n"
        "  !    2                           | notify_one wake (nobody waits) <- LOST\n"
        "       3                           | unlock m                               | m: free\n"
        "       4                           | end\n"
        "       5  lock m                   |                                        | m: waiter\n"
        "       6  wait on wake (unlocks m) |                                        | m: free\n"
        "    then  waits forever on wake    | ended\n"
        "  note: step 2: notifier's notify_one reaches no waiter, so it is lost; waiter waits on wake at step 6 and "
        "nothing wakes it\n");
}

TEST_CASE("lanes: a race names its two accesses and the mutex that would order them", "[report][lanes]") {
  CHECK(lanes(half_locked) ==
        "  lanes: 2 threads, 4 steps, 1 preemption  (> preemption  ! racing access)\n"
        "    step  A                    | B                   | mutexes\n"
        "       1  lock m               |                     | m: A\n"
        "  !    2  write x <- 1 <- RACE |\n"
        "       3  unlock m             |                     | m: free\n"
        "  !    4  (preempted)          | read x -> 1 <- RACE\n"
        "  note: race on x: step 2 (write by A) and step 4 (read by B) are not ordered; missing edge: A holds m at step 2 "
        "but B holds no lock at step 4: B locking m there would add the edge unlock m -> lock m between them\n");
}

TEST_CASE("lanes: a relaxed flag is the edge that would order the race if it synchronised", "[report][lanes]") {
  CHECK_THAT(lanes(relaxed_flag),
             Catch::Contains("missing edge: reader reads writer's store ready <- 1 (relaxed) (step 2) at step 4, but "
                             "relaxed/relaxed does not synchronise: a release store and an acquire load there would "
                             "order step 1 before step 5"));
}

TEST_CASE("lanes: a long run of one thread is folded", "[report][lanes]") {
  std::vector<std::string> trace;
  for (int i = 1; i <= 12; ++i) trace.push_back(step(i, "T", 5, "read x -> " + std::to_string(i)));
  trace.push_back(step(13, "U", 9, "write x <- 0"));
  CHECK(lanes(report(finding("failure", "final x == 0 failed", "", trace))) ==
        "  lanes: 2 threads, 13 steps, 0 preemptions\n"
        "    step  T                  | U\n"
        "       1  read x -> 1        |\n"
        "       2  read x -> 2        |\n"
        "       3  read x -> 3        |\n"
        "          ... 7 steps (4-10) |\n"
        "      11  read x -> 11       |\n"
        "      12  read x -> 12       |\n"
        "      13                     | write x <- 0\n");
}

TEST_CASE("lanes: a narrow terminal cuts cells, colour only when asked", "[report][lanes]") {
  const std::string narrow = lanes(lost_wakeup, 60);
  CHECK_THAT(narrow, Catch::Contains("| notify_one wa..\n"));
  CHECK(narrow.find('\033') == std::string::npos);
  CHECK_THAT(lanes(lost_wakeup, 0, true), Catch::Contains("\033[1;31m"));
}

TEST_CASE("dot: the execution graph has program order, reads-from, coherence and synchronises-with", "[report][dot]") {
  const std::string dot = dot_report(relaxed_flag);
  CHECK_THAT(dot, Catch::StartsWith("// Execution graphs"));
  CHECK_THAT(dot, Catch::Contains("digraph \"t #1: race on data\" {"));
  CHECK_THAT(dot, Catch::Contains("subgraph cluster_0 {\n    label=\"writer\";"));
  CHECK_THAT(dot, Catch::Contains("e0 -> e1 [label=\"po\"];"));
  CHECK_THAT(dot, Catch::Contains("e1 -> e3 [xlabel=\"rf\""));  // the flag's store is read by the load
  CHECK_THAT(dot, Catch::Contains("e0 -> e4 [xlabel=\"rf\""));
  CHECK_THAT(dot, Catch::Contains("e0 -> e4 [xlabel=\"race: no hb\""));
  CHECK(dot.find("xlabel=\"sw") == std::string::npos);  // relaxed: nothing synchronises
  // Release/acquire: the same reads-from is a synchronises-with edge.
  std::string ra = relaxed_flag;
  for (const char* from : {"<- 1 (relaxed)", "-> 1 (relaxed)"}) {
    const std::string to = std::string(from).substr(0, 7) + (from[0] == '<' ? "(release)" : "(acquire)");
    ra.replace(ra.find(from), std::string(from).size(), to);
  }
  CHECK_THAT(dot_report(ra), Catch::Contains("e1 -> e3 [xlabel=\"sw: rel -> acq ready\""));
}

TEST_CASE("dot: a recorded reads_from replaces the derived one; stores are in coherence order", "[report][dot]") {
  const std::string doc = report(finding(
      "failure", "final r == 1 failed", "",
      {step(1, "A", 2, "store x <- 1 (relaxed)"), step(2, "A", 3, "store x <- 2 (relaxed)"),
       step(3, "B", 5, "load x -> 0 (relaxed)", ", \"reads_from\": 0"), step(4, "B", 6, "load x -> 1 (relaxed)", ", \"reads_from\": 1")}));
  const std::string dot = dot_report(doc);
  CHECK_THAT(dot, Catch::Contains("e0 -> e1 [xlabel=\"co\""));
  CHECK_THAT(dot, Catch::Contains("init -> e2 [xlabel=\"rf\""));  // the initial value, though x = 2 was stored
  CHECK_THAT(dot, Catch::Contains("e0 -> e3 [xlabel=\"rf\""));
  CHECK(dot.find("e1 -> e3 [xlabel=\"rf\"") == std::string::npos);
}

TEST_CASE("html: one self-contained page, every text escaped, a lane per thread and a mark per step", "[report][html]") {
  const std::string hostile = report(finding("race", "race on x", "\"write by A at t.scn:3 (step 2): x = 1\", "
                                             "\"read by B at t.scn:7 (step 4): <script>alert('x')</script> & \\\"q\\\"\"",
                                             {step(1, "A", 2, "lock m"), step(2, "A", 3, "write x <- 1"),
                                              step(3, "A", 4, "unlock m"), step(4, "B", 7, "read x -> 1")}),
                                     "<b>name</b>",
                                     ", \"observations\": [{\"values\": [0, 1], \"count\": 3, \"stress_count\": 1}], "
                                     "\"stress_runs\": 2");
  const std::string page = html_report(hostile, [](const std::string&) { return std::string("line <1>\nline 2\nx = 1\n"); });
  CHECK_THAT(page, Catch::StartsWith("<!DOCTYPE html>"));
  CHECK(page.find("<script>alert") == std::string::npos);
  CHECK_THAT(page, Catch::Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
  CHECK_THAT(page, Catch::Contains("&lt;b&gt;name&lt;/b&gt;"));
  CHECK_THAT(page, Catch::Contains("line &lt;1&gt;"));
  CHECK_THAT(page, Catch::Contains("<span class=\"hl\" id=\"s1-f1-L3\">"));  // the finding's line
  CHECK_THAT(page, Catch::Contains("data-lanes=\"2\" data-steps=\"4\""));
  // Nothing is fetched: no external URL but the SVG namespace.
  CHECK(page.find("src=") == std::string::npos);
  CHECK(page.find("href=\"http") == std::string::npos);
  CHECK_THAT(page, Catch::Contains("default-src 'none'"));
  auto count = [&](const std::string& what) {
    std::size_t n = 0;
    for (auto at = page.find(what); at != std::string::npos; at = page.find(what, at + 1)) ++n;
    return n;
  };
  CHECK(count("<g class=\"lane\"") == 2);
  CHECK(count("<g class=\"step") == 4);
  CHECK(count("class=\"step memory race\"") == 2);
  CHECK(count("class=\"edge missing\"") == 1);
  CHECK(count("<tr class=\"outcome") == 1);
  CHECK(count("<span class=\"bar\"") == 2);  // controlled and stress
  CHECK_THAT(page, Catch::Contains("interleave replay t.scn --schedule v1-0123456789abcdef-AA</code></pre><button"));
}

}  // namespace interleave::test
