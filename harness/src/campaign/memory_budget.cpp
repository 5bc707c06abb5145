#include "interleave/memory_budget.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>

namespace interleave {

std::uint64_t default_memory_limit() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return std::uint64_t{256} << 20;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) / 4;
}

std::uint64_t state_bytes(std::uint64_t cells, std::uint64_t spaces, std::uint64_t threads) {
  // Saturating: a sum past 2^64 is past any budget.
  const auto mul = [](std::uint64_t a, std::uint64_t b) {
    return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
  };
  const auto add = [](std::uint64_t a, std::uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; };
  return add(mul(mul(cells, std::max<std::uint64_t>(spaces, 1)), state_bytes_per_cell),
             mul(threads, add(state_bytes_per_thread, mul(threads, 8))));
}

std::optional<Diagnostic> declarations_over_budget(const Program& program, std::uint64_t limit) {
  std::uint64_t cells = 0;
  for (const Decl& d : program.decls) {
    if (d.kind != DeclKind::shared && d.kind != DeclKind::atomic) continue;
    cells += d.size_value > 0 ? static_cast<std::uint64_t>(d.size_value) : 1;
    const std::uint64_t bytes = state_bytes(cells, 1, 1);
    if (bytes <= limit) continue;
    Diagnostic diag;
    diag.loc = d.name_loc;
    diag.length = static_cast<std::uint32_t>(std::max<std::size_t>(1, d.name.size()));
    diag.message = fmt::format(
        "the scenario's state would exceed the memory budget here: {} cells need about {} MiB, --memory-limit is {} MiB",
        cells, bytes >> 20, limit >> 20);
    diag.help = "make the arrays smaller, or raise --memory-limit (in MiB)";
    return diag;
  }
  return std::nullopt;
}

}  // namespace interleave
