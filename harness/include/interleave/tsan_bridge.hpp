// The ThreadSanitizer bridge. In a build with -fsanitize=thread (the tsan preset) every
// logical scenario access is reported to TSan with a fake program counter that symbolises
// to the scenario statement and line, and TSan's reports about scenario accesses are
// captured in-process as plain data. In any other build `available` is false and every
// function is a cheap no-op (take_reports() returns nothing).
//
// The harness's own code runs in TSan's ordinary thread context: only the calls below
// touch scenario state, so TSan never reports on the harness's bookkeeping.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "interleave/bytecode.hpp"

namespace interleave::tsan {

#if defined(__SANITIZE_THREAD__)
inline constexpr bool available = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr bool available = true;
#else
inline constexpr bool available = false;
#endif
#else
inline constexpr bool available = false;
#endif

// Registers a module's sites for symbolisation (idempotent per Module object; the bridge
// copies what it needs, so the Module may die afterwards). Returns the module's id.
std::uint32_t register_module(const Module& module);

// Fake PCs: an access frame "<statement> (read|write) <file>:<line>:<col>" and the
// enclosing frame "thread <body> <file>:<line>:<col>".
std::uint64_t site_pc(std::uint32_t module_id, std::uint32_t site, bool write);
std::uint64_t body_pc(std::uint32_t module_id, std::uint32_t body);

// One logical 8-byte access by the calling OS thread (or the current fiber) to `slot`
// (its own 8-byte-aligned heap block), with the two scenario frames above.
void access(const void* slot, std::uint64_t body_pc, std::uint64_t site_pc, bool write);

// Happens-before edges on a stand-in address, for what TSan cannot see by itself
// (scenario fences in the stress runtime: std::atomic_thread_fence is not understood).
void release(const void* addr);
void acquire(const void* addr);

// Names the calling OS thread (or current fiber) in TSan's reports.
void name_current_thread(const std::string& name);

// A TSan report that involves scenario accesses, decoded.
struct ReportedAccess {
  std::uintptr_t address = 0;
  bool write = false;
  bool atomic = false;
  std::string thread;            // TSan's thread name (the scenario thread's name)
  std::uint32_t module_id = 0;   // decoded from the top fake PC (site_pc), if any
  std::uint32_t site = 0;
  bool has_site = false;
};
struct Report {
  std::string kind;  // TSan's: "data-race", "lock-order-inversion", ...
  std::vector<ReportedAccess> accesses;
  std::vector<std::uintptr_t> mutexes;  // lock-order-inversion: the stand-in mutex addresses
};

// Reports captured since the last call, oldest first. Reports that do not involve
// scenario accesses (a bug in the harness itself) are never captured: TSan prints them
// and fails the process as usual.
std::vector<Report> take_reports();

// When true, TSan also prints each captured report (the raw report, --tsan-raw).
void set_print_raw(bool print);

}  // namespace interleave::tsan
