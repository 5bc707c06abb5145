// `interleave check` and `interleave run`: explore each scenario, judge it against its
// expect lines, print and write the reports.
#include <fmt/format.h>

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <thread>

#include "commands.hpp"
#include "interleave/explore.hpp"
#include "interleave/memory_budget.hpp"
#include "interleave/report.hpp"
#include "interleave/sched_registry.hpp"
#include "interleave/tsan_bridge.hpp"

namespace interleave::cli {

namespace {

struct Shard {
  unsigned index = 0;
  unsigned count = 1;
  std::string status_file;  // TEST_SHARD_STATUS_FILE: touched to say sharding is supported
};

// --shard I/N, else the protocol of GoogleTest and Bazel (TEST_TOTAL_SHARDS, TEST_SHARD_INDEX).
std::optional<Shard> shard_of(const RunOptions& o) {
  Shard sh;
  std::string spec = o.shard;
  if (spec.empty()) {
    const char* total = std::getenv("TEST_TOTAL_SHARDS");
    const char* index = std::getenv("TEST_SHARD_INDEX");
    if (total && index && *total && *index) spec = std::string(index) + "/" + total;
    if (const char* status = std::getenv("TEST_SHARD_STATUS_FILE")) sh.status_file = status;
  }
  if (spec.empty()) return sh;
  // from_chars, not sscanf("%u"), which takes "-1" as 4294967295.
  unsigned i = 0, n = 0;
  const auto slash = spec.find('/');
  const auto number = [&](std::size_t from, std::size_t to, unsigned& v) {
    const char* first = spec.data() + from;
    const char* last = spec.data() + to;
    const auto [ptr, err] = std::from_chars(first, last, v);
    return first != last && err == std::errc() && ptr == last;
  };
  if (slash == std::string::npos || !number(0, slash, i) || !number(slash + 1, spec.size(), n) || n == 0 || i >= n) {
    fmt::print(stderr, "error: shard '{}' is not I/N with 0 <= I < N (for example --shard 0/4)\n", spec);
    return std::nullopt;
  }
  sh.index = i;
  sh.count = n;
  return sh;
}

// Ctrl-C stops the exploration cleanly; the reports are still written.
std::atomic<bool> interrupt_requested{false};
extern "C" void on_sigint(int) { interrupt_requested.store(true, std::memory_order_relaxed); }

// Under the TSan bridge a signal is queued for the TSan thread that was current when it
// arrived, which may be a scenario fiber that never collects it. So in tsan builds SIGINT
// is blocked in this thread (and the threads it starts) and a real thread waits for it.
class SigintWatcher {
 public:
  SigintWatcher() {
    if (!tsan::available) return;
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
    thread_ = std::thread([this] {
      const timespec tick{0, 100'000'000};
      while (!done_.load(std::memory_order_acquire))
        if (sigtimedwait(&set_, nullptr, &tick) == SIGINT) interrupt_requested.store(true, std::memory_order_relaxed);
    });
  }
  ~SigintWatcher() {
    if (!tsan::available) return;
    done_.store(true, std::memory_order_release);
    thread_.join();
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigintWatcher(const SigintWatcher&) = delete;
  SigintWatcher& operator=(const SigintWatcher&) = delete;

 private:
  sigset_t set_{}, old_{};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// The line above the findings of `check --all-findings`: how many, and why the search ended.
std::string all_findings_line(const ExploreResult& r) {
  const std::size_t n = r.findings.size();
  const char* why = r.interrupted        ? "interrupted by Ctrl-C"
                    : r.exhaustive       ? "every execution explored"
                    : r.stopped_by_time  ? "the --time budget ended the search"
                                         : "the run budget spent";
  return fmt::format("  {} distinct finding{} (--all-findings: {})\n", n, n == 1 ? "" : "s", why);
}

}  // namespace

int check_command(const RunOptions& o, bool single_scheduler) {
  const auto shard = shard_of(o);
  if (!shard) return unusable_input;
  if (!shard->status_file.empty()) std::ofstream(shard->status_file).flush();
  interrupt_requested.store(false);
  std::signal(SIGINT, on_sigint);
  SigintWatcher watcher;
  // A live line on a terminal; nothing off one (CI logs want the summary only).
  const bool live = isatty(fileno(stderr)) != 0;
  LoadOptions load;
  load.max_errors = o.common.max_errors;
  if (!parse_sets(o.common.sets, load.overrides)) return unusable_input;
  bool usable = true;
  const auto files = collect_scenarios(o.common.paths, usable);
  std::vector<std::string> inputs = o.common.paths;
  inputs.insert(inputs.end(), files.begin(), files.end());
  if (!check_report_paths({{"--json", o.reports.json}, {"--junit", o.reports.junit}, {"--sarif", o.reports.sarif},
                           {"--summary", o.reports.summary}, {"--html", o.reports.html}, {"--dot", o.reports.dot}},
                          inputs))
    return unusable_input;
  bool all_pass = true;
  std::vector<std::string> entries;
  const TraceView view = trace_view(o.trace);
  for (const auto& file : files) {
    const LoadResult lr = load_file(file, load);
    if (!lr.ok()) {
      std::fputs(lr.render().c_str(), stderr);
      usable = false;
      continue;
    }
    const ExecOptions exec = exec_options(o);
    if (const auto over = declarations_over_budget(*lr.program, exec.memory_limit)) {
      std::fputs((render(*lr.file, *over) + fmt::format("{}: 1 error\n", file)).c_str(), stderr);
      usable = false;
      continue;
    }
    const Module module = compile(*lr.program);
    ExploreOptions eo;
    // main.cpp validated the name against the registry.
    eo.strategy = single_scheduler ? find_scheduler(o.scheduler)->strategy : Strategy::portfolio;
    eo.seed = o.seed;
    eo.pct_depth = o.depth;
    eo.preemption_bound = o.preemption_bound;
    eo.max_runs = o.runs;
    eo.max_seconds = o.seconds;
    eo.stop_when_expected = !single_scheduler;
    // --all-findings: no early stop once the expected kinds were seen; every finding shown.
    eo.full_budget = o.full_budget || o.all_findings;
    eo.shard_index = shard->index;
    eo.shard_count = shard->count;
    eo.minimise = !o.no_minimise;
    eo.exec = exec_options(o, module);  // the file's `option` lines, unless the command line chose
    eo.interrupt = &interrupt_requested;
    eo.stress_seconds = single_scheduler ? 0.0 : o.stress_seconds;
    eo.stress_noise = o.noise;
    const bool reports = o.reports.any();
    eo.traces_wanted = [&](const ExploreResult& r) {
      return reports || o.verbose || o.all_findings || single_scheduler || !judge(module, r).pass;
    };
    if (live) {
      eo.on_progress = [&file](const ExploreProgress& p) {
        fmt::print(stderr, "\r\033[K{}: {} of {} runs, {:.0f} runs/s, {} finding{}, {:.0f} s left", file, p.runs, p.budget,
                   p.seconds > 0 ? static_cast<double>(p.runs) / p.seconds : 0.0, p.findings, p.findings == 1 ? "" : "s",
                   p.seconds_left);
        std::fflush(stderr);
      };
    }
    ExploreResult result;
    try {
      result = explore(module, eo);
    } catch (const MemoryLimitExceeded& e) {
      if (live) fmt::print(stderr, "\r\033[K");
      std::fputs(render_memory_error(*lr.file, module, e, exec.memory_limit).c_str(), stderr);
      usable = false;
      continue;
    }
    if (live) fmt::print(stderr, "\r\033[K");
    const Verdict verdict = judge(module, result);
    all_pass = all_pass && verdict.pass;
    ReportContext ctx{file, o.common.sets, {}};
    // The options that change what a run does must come along with the token.
    ctx.replay_options = replay_flags(o, module);
    std::string out = render_summary_line(module, result, verdict, ctx);
    // A passing scenario is one line unless asked; a failing one shows everything.
    if (o.all_findings) out += all_findings_line(result);
    if (!verdict.pass || o.verbose || o.all_findings || single_scheduler) {
      for (const auto& f : result.findings) out += render_finding(module, f, ctx, view);
      out += render_observations(module, result);
      for (const auto& note : result.notes) out += "  note: " + note + "\n";
    }
    if (result.interrupted) out += "  interrupted: the results above cover the runs made before Ctrl-C\n";
    std::fputs(out.c_str(), stdout);
    if (!flush_stdout()) usable = false;
    entries.push_back(json_scenario(module, result, verdict, ctx));
    if (result.interrupted) break;
  }
  std::signal(SIGINT, SIG_DFL);
  const Campaign campaign{single_scheduler ? "run" : "check", o.seed, o.runs, shard->index, shard->count};
  if (!write_reports(json_report(entries, campaign), o.reports)) usable = false;
  if (!flush_stdout()) usable = false;
  // A report that could not be written outranks Ctrl-C: the user must learn it is missing.
  if (interrupt_requested.load()) return usable ? interrupted_exit : static_cast<int>(unusable_input);
  if (!usable) return unusable_input;
  return all_pass ? static_cast<int>(Exit::ok) : static_cast<int>(findings_differ);
}

}  // namespace interleave::cli
