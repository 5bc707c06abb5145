// libFuzzer target: any bytes through the whole front end, and programs that load through
// the controlled runtime. The input must yield either a program or diagnostics whose
// positions lie inside the file; rendering must not fail; a program must run a few
// schedules without the harness crashing, whatever the scenario does.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "interleave/bytecode.hpp"
#include "interleave/execution.hpp"
#include "interleave/frontend.hpp"
#include "interleave/printer.hpp"
#include "interleave/scheduler.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  const interleave::LoadResult r = interleave::load_text("fuzz.scn", text);
  if (r.ok()) {
    // A program that loads prints to a canonical form that loads again, unchanged.
    const std::string canonical = interleave::print(*r.program);
    const interleave::LoadResult again = interleave::load_text("fuzz.scn", canonical);
    if (!again.ok() || interleave::print(*again.program) != canonical) std::abort();
    // With its comments and blank lines (`interleave format`): a fixpoint that loads, with
    // every comment kept in order.
    const std::string formatted = interleave::print(*r.program, r.trivia);
    const interleave::LoadResult kept = interleave::load_text("fuzz.scn", formatted);
    if (!kept.ok() || interleave::print(*kept.program, kept.trivia) != formatted ||
        kept.trivia.comments.size() != r.trivia.comments.size())
      std::abort();
    for (std::size_t i = 0; i < r.trivia.comments.size(); ++i)
      if (kept.trivia.comments[i].text != r.trivia.comments[i].text) std::abort();
    // Small bounds keep each input fast: spins end as livelocks, spawn loops at the thread cap.
    const interleave::Module module = interleave::compile(*r.program);
    interleave::ExecOptions o;
    o.max_steps = 2000;
    o.max_local_instructions = 20'000;
    o.max_threads = 64;
    o.record_trace = true;
    interleave::Execution exec(module, o);
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      auto sched = interleave::make_random_scheduler(seed);
      sched->new_run();
      (void)exec.run(*sched);
    }
    return 0;
  }
  if (!r.diagnostics.has_errors()) std::abort();
  for (const auto& d : r.diagnostics.all()) {
    if (d.loc.line > r.file->line_count() + 1) std::abort();
    if (d.message.empty()) std::abort();
  }
  (void)r.render();
  return 0;
}
