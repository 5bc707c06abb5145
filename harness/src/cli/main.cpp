// The `interleave` command line. Exit codes: 0 success / as expected, 1 findings differ from
// expectations, 2 a file or the command line cannot be used, 3 internal error.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <system_error>
#include <vector>

#include "commands.hpp"
#include "interleave/sched_registry.hpp"

namespace {

// Every numeric option has a documented range (docs/cli.md). CLI11 alone would wrap
// "-1" into 2^64-1 and let NaN through a Range, so each value is parsed strictly here
// first: no sign on unsigned options, no trailing text, no empty string.
template <typename T>
CLI::Validator integer_in(T lo, T hi) {
  const std::string range = fmt::format("an integer from {} to {}", lo, hi);
  return CLI::Validator(
      [lo, hi, range](std::string& input) -> std::string {
        T value{};
        const char* first = input.data();
        const char* last = first + input.size();
        const auto [ptr, err] = std::from_chars(first, last, value);
        if (first == last || err != std::errc() || ptr != last || value < lo || value > hi)
          return fmt::format("'{}' is not {}", input, range);
        return {};
      },
      fmt::format("{}..{}", lo, hi));
}

CLI::Validator seconds_in(double lo, double hi) {
  const std::string range = fmt::format("a number of seconds from {} to {}", lo, hi);
  return CLI::Validator(
      [lo, hi, range](std::string& input) -> std::string {
        double value = 0;
        const char* first = input.data();
        const char* last = first + input.size();
        const auto [ptr, err] = std::from_chars(first, last, value);
        if (first == last || err != std::errc() || ptr != last || !std::isfinite(value) || value < lo || value > hi)
          return fmt::format("'{}' is not {}", input, range);
        return {};
      },
      fmt::format("{}..{}", lo, hi));
}

CLI::Validator probability() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        double value = 0;
        const char* first = input.data();
        const char* last = first + input.size();
        const auto [ptr, err] = std::from_chars(first, last, value);
        if (first == last || err != std::errc() || ptr != last || !(value >= 0.0 && value <= 1.0))
          return fmt::format("'{}' is not a probability from 0 to 1", input);
        return {};
      },
      "0..1");
}

void add_common(CLI::App& cmd, interleave::cli::CommonOptions& o) {
  cmd.add_option("paths", o.paths, "Scenario files, or folders searched recursively for *.scn")->required();
  cmd.add_option("--set", o.sets, "Override a const: --set NAME=VALUE (repeatable)")->type_name("NAME=VALUE");
  cmd.add_option("--max-errors", o.max_errors, "Stop reporting a file's errors after this many")
      ->check(integer_in<std::size_t>(1, 10'000))
      ->capture_default_str();
}

void add_run_options(CLI::App& cmd, interleave::cli::RunOptions& o) {
  cmd.add_option("--runs", o.runs, "Runs per scenario (the budget that makes results repeatable)")
      ->check(integer_in<std::uint64_t>(1, interleave::cli::runs_limit))
      ->capture_default_str();
  cmd.add_option("--time", o.seconds, "Seconds per scenario at most (a safety cap)")
      ->check(seconds_in(0.01, interleave::cli::seconds_limit))
      ->capture_default_str();
  cmd.add_option("--seed", o.seed, "Seed of the random and PCT schedulers")
      ->check(integer_in<std::uint64_t>(0, UINT64_MAX))
      ->capture_default_str();
  cmd.add_option("--depth", o.depth, "PCT bug depth d (run --scheduler pct)")
      ->check(integer_in<unsigned>(1, interleave::cli::depth_limit))
      ->capture_default_str();
  cmd.add_option("--preemption-bound", o.preemption_bound, "DFS and DPOR: at most this many preemptions (-1: unbounded)")
      ->check(integer_in<int>(-1, interleave::cli::preemption_bound_limit))
      ->capture_default_str();
  cmd.add_option("--max-steps", o.max_steps, "Steps per run before it counts as a livelock (overrides the file's 'option max_steps')")
      ->check(integer_in<std::uint64_t>(1, interleave::cli::steps_limit))
      ->capture_default_str();
  cmd.add_option("--json", o.reports.json, "Write the JSON report (docs/reports.md) to this file")->type_name("PATH");
  cmd.add_option("--junit", o.reports.junit, "Write a JUnit XML report: a testcase per scenario")->type_name("PATH");
  cmd.add_option("--sarif", o.reports.sarif, "Write a SARIF 2.1.0 report: a result per finding, at its .scn line")->type_name("PATH");
  cmd.add_option("--summary", o.reports.summary, "Write a Markdown summary (for $GITHUB_STEP_SUMMARY)")->type_name("PATH");
  cmd.add_option("--html", o.reports.html,
                 "Write one self-contained HTML report: verdicts, swimlane timelines, sources, histograms")
      ->type_name("PATH");
  cmd.add_option("--dot", o.reports.dot, "Write each finding's execution graph in Graphviz DOT")->type_name("PATH");
  cmd.add_flag("--lanes", o.trace.lanes,
               "Show traces with one column per thread (the default on a terminal wide enough, for at most 6 threads)");
  cmd.add_option("--shard", o.shard,
                 "Make only shard I of N of the campaign (runs split by slot; default from TEST_SHARD_INDEX and "
                 "TEST_TOTAL_SHARDS); merge the shards' JSON reports with 'interleave merge'")
      ->type_name("I/N");
  cmd.add_flag("--full-budget", o.full_budget, "Spend the whole run budget even once every expected finding was seen");
  cmd.add_flag("--verbose", o.verbose, "Show the findings of passing scenarios too");
  cmd.add_flag("--spurious-wakeups,!--no-spurious-wakeups", o.spurious_wakeups,
               "Let cond waiters wake without a notify, as POSIX allows (overrides the file's 'option spurious_wakeups')");
  cmd.add_option("--memory", o.memory,
                 "Memory model of the controlled runtime: rc11 (C++, the default), tso (x86) or sc; "
                 "overrides the file's 'memory' line")
      ->check(CLI::IsMember({"rc11", "tso", "sc"}))
      ->type_name("MODEL");
  cmd.add_flag("--no-minimise", o.no_minimise, "Show findings as first found, without minimising them");
  cmd.add_option("--noise", o.noise, "Stress runtime: probability of noise (yield, spin, sleep) at a step")
      ->check(probability())
      ->capture_default_str();
  cmd.add_flag("--no-tsan", o.no_tsan, "ThreadSanitizer builds: use only the built-in race detector");
  cmd.add_option("--memory-limit", o.memory_limit_mib,
                 "MiB of scenario state a run may take (default: a quarter of physical memory)")
      ->check(integer_in<std::uint64_t>(1, interleave::cli::memory_limit_mib_limit));
}

int run(int argc, char** argv) {
  using namespace interleave::cli;
  CLI::App app{"Interleave: a concurrency-correctness test harness.\n"
               "Scenario files describe small shared-variable programs; Interleave runs them under\n"
               "many interleavings and reports races, failed properties, deadlocks, livelocks and\n"
               "crashes, each with the interleaving that causes it.\n\n"
               "Exit codes: 0 success (findings as expected), 1 findings differ from expectations,\n"
               "2 a file or the command line cannot be used, 3 internal error, 130 interrupted (Ctrl-C;\n"
               "the reports are written with what was done).",
               "interleave"};
  app.set_version_flag("--version", "interleave " INTERLEAVE_VERSION);
  app.require_subcommand(1);

  CommonOptions explain_opts;
  auto* explain = app.add_subcommand(
      "explain", "Check scenario files and print each resolved program: declarations, every body with its\n"
                 "visible steps (the scheduling points) at file:line, properties and expectations");
  add_common(*explain, explain_opts);

  CommonOptions format_opts;
  bool check_only = false;
  bool in_place = false;
  auto* format = app.add_subcommand("format", "Print scenario files in canonical form (comments and blank lines are kept)");
  add_common(*format, format_opts);
  auto* check_flag = format->add_flag("--check", check_only, "Print nothing; exit 2 if a file is not in canonical form");
  format->add_flag("-i,--in-place", in_place, "Rewrite each file in canonical form (files already in it are left alone)")
      ->excludes(check_flag);

  auto* lsp = app.add_subcommand(
      "lsp", "Run a Language Server on standard input and output: diagnostics as you type, explain's steps\n"
             "on hover, formatting (docs/editors.md)");

  RunOptions check_opts;
  auto* check = app.add_subcommand(
      "check", "Run each scenario under the default portfolio (exhaustive search when the space is small,\n"
               "otherwise PCT and random) and compare its findings with its expect lines");
  add_common(*check, check_opts.common);
  add_run_options(*check, check_opts);
  check->add_option("--stress-time", check_opts.stress_seconds,
                    "Seconds of the stress pass on real threads after the controlled runs (0: none)")
      ->check(seconds_in(0.0, 3600.0))
      ->capture_default_str();
  check->add_flag("--all-findings", check_opts.all_findings,
                  "Keep exploring (every stage of the portfolio) until the run or time budget is spent, and list\n"
                  "every distinct finding with its minimised trace and replay command, passing scenarios too");

  RunOptions run_opts;
  run_opts.scheduler = "random";
  run_opts.runs = 1000;
  auto* run = app.add_subcommand("run", "Run scenarios under one scheduler and report every finding and observation");
  add_common(*run, run_opts.common);
  add_run_options(*run, run_opts);
  std::string scheduler_help = "The scheduler:";
  std::vector<std::string> scheduler_names;
  for (const auto& e : interleave::scheduler_registry()) {
    scheduler_help += fmt::format("\n  {:<7} {} ({} runtime)", e.name, e.description, e.runtime);
    scheduler_names.emplace_back(e.name);
  }
  run->add_option("--scheduler", run_opts.scheduler, scheduler_help)
      ->check(CLI::IsMember(scheduler_names))
      ->capture_default_str();

  MergeOptions merge_opts;
  auto* merge = app.add_subcommand("merge", "Combine the JSON reports of a campaign's shards into one report");
  merge->add_option("reports", merge_opts.reports, "The shards' JSON reports")->required();
  merge->add_option("--json", merge_opts.out.json, "Write the merged JSON report here (default: standard output)")->type_name("PATH");
  merge->add_option("--junit", merge_opts.out.junit, "Write a JUnit XML report of the merged campaign")->type_name("PATH");
  merge->add_option("--sarif", merge_opts.out.sarif, "Write a SARIF 2.1.0 report of the merged campaign")->type_name("PATH");
  merge->add_option("--summary", merge_opts.out.summary, "Write a Markdown summary of the merged campaign")->type_name("PATH");
  merge->add_option("--html", merge_opts.out.html, "Write a self-contained HTML report of the merged campaign")->type_name("PATH");
  merge->add_option("--dot", merge_opts.out.dot, "Write the merged campaign's execution graphs in Graphviz DOT")->type_name("PATH");

  RunOptions replay_opts;
  auto* replay = app.add_subcommand("replay", "Replay the run a replay token describes, step by step");
  replay->add_option("file", replay_opts.common.paths, "The scenario file")->required()->expected(1);
  replay->add_option("--schedule", replay_opts.schedule, "The replay token printed with a finding")->required();
  replay->add_option("--set", replay_opts.common.sets, "Override a const: --set NAME=VALUE (as when it was recorded)")
      ->type_name("NAME=VALUE");
  replay->add_option("--max-steps", replay_opts.max_steps, "Step bound (as when it was recorded)")
      ->check(integer_in<std::uint64_t>(1, interleave::cli::steps_limit))
      ->capture_default_str();
  replay->add_flag("--spurious-wakeups,!--no-spurious-wakeups", replay_opts.spurious_wakeups, "As when it was recorded");
  replay->add_option("--memory", replay_opts.memory, "Memory model (as when it was recorded)")
      ->check(CLI::IsMember({"rc11", "tso", "sc"}))
      ->type_name("MODEL");
  replay->add_flag("--lanes", replay_opts.trace.lanes, "Show the run with one column per thread");
  replay->add_flag("--tsan-report", replay_opts.tsan_report,
                   "Also print ThreadSanitizer's own report of each race, with scenario frames (tsan builds)");

  // CLI11 would call an unknown command "a missing subcommand"; name it instead.
  if (argc > 1 && argv[1][0] != '-' && app.get_subcommands([&](CLI::App* sub) { return sub->get_name() == argv[1]; }).empty()) {
    std::string names;
    for (const auto* sub : app.get_subcommands({})) names += (names.empty() ? "" : ", ") + sub->get_name();
    fmt::print(stderr, "interleave: error: unknown command '{}'; the commands are: {}\n", argv[1], names);
    return unusable_input;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "interleave: error: {}\nRun 'interleave --help' for the commands and their options.\n", e.what());
    return unusable_input;
  }
  // The command line wins over a file's `option` lines only where it was given.
  for (auto [cmd, opts] : {std::pair{check, &check_opts}, std::pair{run, &run_opts}, std::pair{replay, &replay_opts}}) {
    opts->max_steps_given = cmd->count("--max-steps") > 0;
    opts->spurious_wakeups_given = cmd->count("--spurious-wakeups") > 0;
  }
  if (explain->parsed()) return explain_command(explain_opts);
  if (format->parsed())
    return format_command(format_opts, in_place ? FormatMode::in_place : check_only ? FormatMode::check : FormatMode::print);
  if (lsp->parsed()) return lsp_command();
  if (check->parsed()) return check_command(check_opts, false);
  if (run->parsed()) return check_command(run_opts, true);
  if (replay->parsed()) {
    if (replay_opts.tsan_report) tsan_report_mode(argv);
    return replay_command(replay_opts);
  }
  if (merge->parsed()) return merge_command(merge_opts);
  return unusable_input;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const int code = run(argc, argv);
    // Output that never reached its reader is not a success (`> /dev/full`, a full disk).
    if (!interleave::cli::flush_stdout()) return interleave::cli::unusable_input;
    return code;
  } catch (const std::system_error& e) {
    // fmt::print throws when standard output cannot be written: that is the environment's
    // fault, not Interleave's.
    if (std::ferror(stdout)) {
      interleave::cli::flush_stdout(e.code().category() == std::generic_category() ||
                                            e.code().category() == std::system_category()
                                        ? e.code().value()
                                        : 0);
      return interleave::cli::unusable_input;
    }
    std::fprintf(stderr, "interleave: internal error: %s\nPlease report this with the command and the scenario file.\n", e.what());
    return interleave::cli::internal_error;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "interleave: internal error: %s\nPlease report this with the command and the scenario file.\n", e.what());
    return interleave::cli::internal_error;
  } catch (...) {
    std::fprintf(stderr, "interleave: internal error\n");
    return interleave::cli::internal_error;
  }
}
