// The `interleave` command line. Exit codes: 0 success / as expected, 1 findings differ from
// expectations, 2 a file or the command line cannot be used, 3 internal error.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <exception>

#include "commands.hpp"

namespace {

void add_common(CLI::App& cmd, interleave::cli::CommonOptions& o) {
  cmd.add_option("paths", o.paths, "Scenario files, or folders searched recursively for *.scn")->required();
  cmd.add_option("--set", o.sets, "Override a const: --set NAME=VALUE (repeatable)")->type_name("NAME=VALUE");
  cmd.add_option("--max-errors", o.max_errors, "Stop reporting a file's errors after this many")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10000}))
      ->capture_default_str();
}

int run(int argc, char** argv) {
  using namespace interleave::cli;
  CLI::App app{"Interleave: a concurrency-correctness test harness.\n"
               "Scenario files describe small shared-variable programs; Interleave runs them under\n"
               "many interleavings and reports races, failed properties, deadlocks, livelocks and\n"
               "crashes, each with the interleaving that causes it.\n\n"
               "Exit codes: 0 success (findings as expected), 1 findings differ from expectations,\n"
               "2 a file or the command line cannot be used, 3 internal error.",
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
  auto* format = app.add_subcommand("format", "Print scenario files in canonical form (comments are dropped)");
  add_common(*format, format_opts);
  format->add_flag("--check", check_only, "Print nothing; exit 2 if a file is not in canonical form");

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
  if (explain->parsed()) return explain_command(explain_opts);
  if (format->parsed()) return format_command(format_opts, check_only);
  return unusable_input;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "interleave: internal error: %s\nPlease report this with the command and the scenario file.\n", e.what());
    return interleave::cli::internal_error;
  } catch (...) {
    std::fprintf(stderr, "interleave: internal error\n");
    return interleave::cli::internal_error;
  }
}
