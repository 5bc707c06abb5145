// `interleave replay`: one run from a token, traced; --tsan-report lets ThreadSanitizer
// print its own report of it.
#include <fmt/format.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "commands.hpp"
#include "interleave/explore.hpp"
#include "interleave/report.hpp"
#include "interleave/tsan_bridge.hpp"

namespace interleave::cli {

void tsan_report_mode(char** argv) {
  if (!tsan::available) return;  // replay_command says why nothing is printed
  // TSan must print reports without stopping the process (halt_on_error) or changing its
  // exit code: both come from TSAN_OPTIONS, which TSan reads at start-up only, so the
  // command starts itself again once with them set.
  if (std::getenv("INTERLEAVE_TSAN_REPORT") == nullptr) {
    const char* old = std::getenv("TSAN_OPTIONS");
    const std::string options = std::string(old ? old : "") + (old && *old ? ":" : "") + "halt_on_error=0:exitcode=0";
    ::setenv("TSAN_OPTIONS", options.c_str(), 1);
    ::setenv("INTERLEAVE_TSAN_REPORT", "1", 1);
    ::execv("/proc/self/exe", argv);
    // Could not start again: go on; TSan may stop at the first report.
  }
  tsan::set_print_raw(true);
}

int replay_command(const RunOptions& o) {
  if (o.tsan_report && !tsan::available)
    fmt::print(stderr, "note: --tsan-report needs a build with ThreadSanitizer (the tsan preset); this one has none\n");
  LoadOptions load;
  load.max_errors = o.common.max_errors;
  if (!parse_sets(o.common.sets, load.overrides)) return unusable_input;
  const std::string& file = o.common.paths.front();
  const LoadResult lr = load_file(file, load);
  if (!lr.ok()) {
    std::fputs(lr.render().c_str(), stderr);
    return unusable_input;
  }
  std::string error;
  const auto token = decode_token(o.schedule, error);
  if (!token) {
    fmt::print(stderr, "error: --schedule: {}\n", error);
    return unusable_input;
  }
  const Module module = compile(*lr.program);
  if (token->scenario_hash != module.hash) {
    fmt::print(stderr,
               "error: the token was recorded for another version of {} (or other --set values): "
               "scenario hash {:016x}, token {:016x}\nRun 'interleave check' again to get a token for this version.\n",
               file, module.hash, token->scenario_hash);
    return unusable_input;
  }
  RunResult r;
  try {
    r = replay(module, token->schedule, exec_options(o, module), true);
  } catch (const MemoryLimitExceeded& e) {
    std::fputs(render_memory_error(*lr.file, module, e, exec_options(o).memory_limit).c_str(), stderr);
    return unusable_input;
  }
  fmt::print("replay of {} ({} steps, {} preemption{})\n", file, r.steps, r.preemptions, r.preemptions == 1 ? "" : "s");
  std::fputs(render_trace_view(r.trace, r.findings.empty() ? nullptr : &r.findings.front(), module.path,
                               trace_view(o.trace)).c_str(), stdout);
  for (const auto& line : r.output) fmt::print("  output: {}\n", line);
  for (const auto& note : r.notes) fmt::print("  note: {}\n", note);
  if (r.findings.empty()) fmt::print("no findings: the run finished cleanly\n");
  for (const auto& f : r.findings) {
    const Detectors hb = Detector::happens_before, ts = Detector::tsan;
    const std::string by = f.detector == ts        ? " (ThreadSanitizer only)"
                           : f.detector == hb      ? " (built-in detector only)"
                           : f.detector == (hb | ts) ? " (both detectors)"
                                                     : "";
    fmt::print("{}{}: {}\n", spelling(f.kind), tsan::available ? by : "", f.summary);
    for (const auto& d : f.details) fmt::print("    {}\n", d);
  }
  return ok;
}

}  // namespace interleave::cli
