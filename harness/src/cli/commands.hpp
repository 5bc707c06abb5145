// The `interleave` subcommands. Each returns the process exit code.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "interleave/execution.hpp"
#include "interleave/frontend.hpp"
#include "interleave/report.hpp"

namespace interleave::cli {

// Exit codes, the same for every command.
enum Exit : int { ok = 0, findings_differ = 1, unusable_input = 2, internal_error = 3 };

struct CommonOptions {
  std::vector<std::string> paths;
  std::vector<std::string> sets;  // NAME=VALUE, as given
  std::size_t max_errors = DiagnosticSink::default_limit;
};

// Files named, and folders searched recursively for *.scn (sorted, so output is stable).
// Unusable paths are reported on stderr and make `ok` false.
std::vector<std::string> collect_scenarios(const std::vector<std::string>& paths, bool& ok);
// Parses --set NAME=VALUE options; reports bad ones on stderr.
bool parse_sets(const std::vector<std::string>& sets, Overrides& out);

// Loads every scenario named by the options and hands each program to `use` (its source
// file, and whether it is the first); a file with errors is reported on stderr. The exit
// code: ok, or unusable_input when a file did not load or `use` returned false.
int for_each_program(const CommonOptions& options,
                     const std::function<bool(const Program&, const SourceFile&, bool first)>& use);

// The same, with the whole load (the program, its source file and its comments).
int for_each_load(const CommonOptions& options, const std::function<bool(const LoadResult&, bool first)>& use);

// Writes `text` to `path` through a temporary file in the same folder renamed into place,
// so a full disk or a crash never leaves a truncated file; a device or FIFO is written in
// place. `thing` names the file in errors ("the report"); keep_mode keeps an existing
// file's permissions. False, with the reason on stderr, when it could not be written.
bool write_file(const std::string& path, const std::string& text, const std::string& thing, bool keep_mode = false);

int explain_command(const CommonOptions& options);
enum class FormatMode { print, check, in_place };
int format_command(const CommonOptions& options, FormatMode mode);
// `interleave lsp`: a Language Server on standard input and output (docs/editors.md).
int lsp_command();

}  // namespace interleave::cli

namespace interleave::cli {

// Where the reports go (empty: not written); every one is rendered from the JSON report.
struct ReportPaths {
  std::string json, junit, sarif, summary, html, dot;
  bool any() const { return !(json + junit + sarif + summary + html + dot).empty(); }
};

// How a command shows traces on stdout: --lanes, else lanes when they fit a terminal.
struct TraceOptions {
  bool lanes = false;
};
// The ranges of the numeric options (docs/cli.md, "Limits"). They keep a typo from
// becoming a week-long run or an allocation of the whole address space.
inline constexpr std::uint64_t runs_limit = 1'000'000'000;
inline constexpr double seconds_limit = 86'400;  // --time: a day
inline constexpr unsigned depth_limit = 100;     // --depth: PCT keeps d-1 change points
inline constexpr int preemption_bound_limit = 10'000;
inline constexpr std::uint64_t steps_limit = 100'000'000;
inline constexpr std::uint64_t memory_limit_mib_limit = std::uint64_t{1} << 24;  // 16 TiB

// A scenario whose state would exceed the memory budget: the diagnostic naming the
// declaration or the spawn, rendered, with its exit code (unusable_input).
std::string render_memory_error(const SourceFile& file, const Module& module, const MemoryLimitExceeded& e,
                                std::uint64_t limit);

struct RunOptions {
  CommonOptions common;
  std::string scheduler = "portfolio";  // portfolio (check), random, pct, dfs
  std::uint64_t runs = 20'000;
  std::uint64_t seed = 1;
  unsigned depth = 2;
  int preemption_bound = -1;
  std::uint64_t max_steps = 20'000;
  double seconds = 10.0;
  ReportPaths reports;
  TraceOptions trace;
  std::string shard;                        // "I/N"
  bool full_budget = false;
  bool all_findings = false;  // check: spend the whole budget and list every distinct finding
  bool verbose = false;
  bool spurious_wakeups = false;
  // Given on the command line (else the file's `option` lines decide, then the defaults).
  bool max_steps_given = false;
  bool spurious_wakeups_given = false;
  std::string memory;  // --memory: rc11, tso or sc (empty: the file's, else rc11)
  bool no_minimise = false;
  std::string schedule;  // replay
  bool tsan_report = false;  // replay: let ThreadSanitizer print its own reports
  double stress_seconds = 0.25;  // check: the stress pass on real threads (0: none)
  double noise = 0.0;            // stress: probability of noise at a step
  bool no_tsan = false;          // tsan builds: the built-in detector only
  std::uint64_t memory_limit_mib = 0;  // --memory-limit; 0: the default (memory_budget.hpp)
};

int check_command(const RunOptions& options, bool single_scheduler);  // check, and run (one scheduler)
int replay_command(const RunOptions& options);
// replay --tsan-report: may start the process again with TSAN_OPTIONS set (see replay.cpp).
void tsan_report_mode(char** argv);

struct MergeOptions {
  std::vector<std::string> reports;
  ReportPaths out;
};
int merge_command(const MergeOptions& options);

// The runtime options that --max-steps, --spurious-wakeups and --no-tsan set.
ExecOptions exec_options(const RunOptions& options);
// The same for one scenario: its `option` lines where the command line gave none.
ExecOptions exec_options(const RunOptions& options, const Module& module);
// The options a replay command must carry so that it runs as `options` ran `module`:
// the command line's choices that the file would not make by itself.
std::vector<std::string> replay_flags(const RunOptions& options, const Module& module);
// Writes the reports a command asked for (empty paths: none), all rendered from one JSON
// report document. False, with the reason on stderr, when one could not be written.
bool write_reports(const std::string& json_doc, const ReportPaths& paths);
// The trace view for stdout: lanes when asked, else when stdout is a terminal wide enough;
// colour only on a terminal without NO_COLOR.
TraceView trace_view(const TraceOptions& options);

// Refuses, before any work, report paths that are an input of the command or that two
// reports share: each is (option, path), an empty path is no report. False, with every
// reason on stderr, when one is refused.
bool check_report_paths(const std::vector<std::pair<std::string, std::string>>& outputs,
                        const std::vector<std::string>& inputs);
// Flushes standard output; false, with the OS's reason on stderr (once), when a write to it
// failed (a full disk, /dev/full): a report that did not reach its reader is exit 2.
// reason: the errno of a write that already failed, when the caller knows it.
bool flush_stdout(int reason = 0);

// Exit code after Ctrl-C: the reports were written with what was done.
inline constexpr int interrupted_exit = 130;

}  // namespace interleave::cli
