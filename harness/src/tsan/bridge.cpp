// The ThreadSanitizer bridge (tsan_bridge.hpp). Without TSan every function is a no-op.
#include "interleave/tsan_bridge.hpp"

namespace interleave::tsan {

#if 1  // TSan implementation follows in the next commit
std::uint32_t register_module(const Module&) { return 0; }
std::uint64_t site_pc(std::uint32_t, std::uint32_t, bool) { return 0; }
std::uint64_t body_pc(std::uint32_t, std::uint32_t) { return 0; }
void access(const void*, std::uint64_t, std::uint64_t, bool) {}
void release(const void*) {}
void acquire(const void*) {}
void name_current_thread(const std::string&) {}
std::vector<Report> take_reports() { return {}; }
void set_print_raw(bool) {}
#endif

}  // namespace interleave::tsan
