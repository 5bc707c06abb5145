// The memory budget (--memory-limit): a bound on the scenario state the harness allocates
// for one run (shared and atomic cells with their race-detector history, threads with
// their frames and vector clocks, a copy of memory per process). A scenario that needs more
// is refused with an error naming the declaration or spawn, instead of exhausting memory.
#pragma once

#include <cstdint>
#include <optional>

#include "interleave/ast.hpp"
#include "interleave/diagnostics.hpp"

namespace interleave {

// What one cell of scenario state costs the controlled runtime: its value (8 bytes), the
// race detector's last write and reads (40 bytes and more), rounded up.
inline constexpr std::uint64_t state_bytes_per_cell = 64;
// What one thread costs besides its frame: its record, stacks and a vector clock entry in
// every other thread's clock (counted as threads x 8 bytes, see state_bytes).
inline constexpr std::uint64_t state_bytes_per_thread = 1024;

// The default budget: a quarter of physical memory (at least 256 MiB when it cannot be read).
std::uint64_t default_memory_limit();

// The state of a run with `cells` cells per memory space, `spaces` spaces (processes) and
// `threads` threads.
std::uint64_t state_bytes(std::uint64_t cells, std::uint64_t spaces, std::uint64_t threads);

// The first shared/atomic declaration, in file order, whose cells take the state past
// `limit` bytes, as an error diagnostic at its name; nullopt when they all fit.
std::optional<Diagnostic> declarations_over_budget(const Program& program, std::uint64_t limit);

}  // namespace interleave
