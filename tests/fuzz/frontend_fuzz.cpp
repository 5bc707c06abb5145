// libFuzzer target: any bytes through the whole front end. The input must yield either a
// program or diagnostics whose positions lie inside the file; rendering must not fail.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "interleave/frontend.hpp"
#include "interleave/printer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  const interleave::LoadResult r = interleave::load_text("fuzz.scn", text);
  if (r.ok()) {
    // A program that loads prints to a canonical form that loads again, unchanged.
    const std::string canonical = interleave::print(*r.program);
    const interleave::LoadResult again = interleave::load_text("fuzz.scn", canonical);
    if (!again.ok() || interleave::print(*again.program) != canonical) std::abort();
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
