#include <fmt/format.h>

#include <cstdio>
#include <fstream>

#include "commands.hpp"
#include "interleave/explore.hpp"
#include "interleave/report.hpp"

namespace interleave::cli {

namespace {

ExecOptions exec_options(const RunOptions& o) {
  ExecOptions e;
  e.max_steps = o.max_steps;
  e.spurious_wakeups = o.spurious_wakeups;
  return e;
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    fmt::print(stderr, "error: cannot write {}\n", path);
    return false;
  }
  return true;
}

}  // namespace

int check_command(const RunOptions& o, bool single_scheduler) {
  LoadOptions load;
  load.max_errors = o.common.max_errors;
  if (!parse_sets(o.common.sets, load.overrides)) return unusable_input;
  bool usable = true;
  const auto files = collect_scenarios(o.common.paths, usable);
  bool all_pass = true;
  std::vector<std::string> entries;
  for (const auto& file : files) {
    const LoadResult lr = load_file(file, load);
    if (!lr.ok()) {
      std::fputs(lr.render().c_str(), stderr);
      usable = false;
      continue;
    }
    const Module module = compile(*lr.program);
    ExploreOptions eo;
    eo.strategy = !single_scheduler ? Strategy::portfolio
                  : o.scheduler == "dfs" ? Strategy::dfs
                  : o.scheduler == "pct" ? Strategy::pct
                                         : Strategy::random;
    eo.seed = o.seed;
    eo.pct_depth = o.depth;
    eo.preemption_bound = o.preemption_bound;
    eo.max_runs = o.runs;
    eo.max_seconds = o.seconds;
    eo.stop_when_expected = !single_scheduler;
    eo.minimise = !o.no_minimise;
    eo.exec = exec_options(o);
    const ExploreResult result = explore(module, eo);
    const Verdict verdict = judge(module, result);
    all_pass = all_pass && verdict.pass;
    ReportContext ctx{file, o.common.sets};
    std::string out = render_summary_line(module, result, verdict, ctx);
    // A passing scenario is one line unless asked; a failing one shows everything.
    if (!verdict.pass || o.verbose || single_scheduler) {
      for (const auto& f : result.findings) out += render_finding(module, f, ctx);
      out += render_observations(module, result);
      for (const auto& note : result.notes) out += "  note: " + note + "\n";
    }
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
    if (!o.json.empty()) entries.push_back(json_scenario(module, result, verdict, ctx));
  }
  if (!o.json.empty() && !write_file(o.json, json_report(entries, Campaign{single_scheduler ? "run" : "check", o.seed, o.runs, 0, 1}))) usable = false;
  if (!usable) return unusable_input;
  return all_pass ? static_cast<int>(Exit::ok) : static_cast<int>(findings_differ);
}

int replay_command(const RunOptions& o) {
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
  const RunResult r = replay(module, token->schedule, exec_options(o), true);
  fmt::print("replay of {} ({} steps, {} preemption{})\n", file, r.steps, r.preemptions, r.preemptions == 1 ? "" : "s");
  std::fputs(render_trace(r.trace, module.path).c_str(), stdout);
  for (const auto& line : r.output) fmt::print("  output: {}\n", line);
  for (const auto& note : r.notes) fmt::print("  note: {}\n", note);
  if (r.findings.empty()) fmt::print("no findings: the run finished cleanly\n");
  for (const auto& f : r.findings) {
    fmt::print("{}: {}\n", spelling(f.kind), f.summary);
    for (const auto& d : f.details) fmt::print("    {}\n", d);
  }
  return ok;
}

}  // namespace interleave::cli
