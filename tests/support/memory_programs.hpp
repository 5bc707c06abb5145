// A rapidcheck generator of small race-free programs over atomics (for the memory-model
// and partial-order-reduction properties).
#pragma once

#include <rapidcheck.h>

#include <string>

namespace interleave::test {

template <typename T>
T uniform_in(T lo, T hi_exclusive) {
  return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange<T>(lo, hi_exclusive));
}

// 2 or 3 threads of 1 to 3 operations on atomics x and y: stores, loads into the thread's
// own registers, fetch_add, exchange, cas and fences, with random orders.
inline std::string memory_program(bool seq_cst_only) {
  static const char* const vars[] = {"x", "y"};
  static const char* const stores[] = {"relaxed", "release", "seq_cst"};
  static const char* const loads[] = {"relaxed", "acquire", "seq_cst"};
  static const char* const rmws[] = {"relaxed", "acquire", "release", "acq_rel", "seq_cst"};
  const int threads = uniform_in(2, 4);
  std::string decls = "atomic x = 0\natomic y = 0\n", body, observe = "x, y";
  for (int t = 0; t < threads; ++t) {
    body += "\nthread t" + std::to_string(t) + ":\n";
    const int ops = uniform_in(1, threads == 3 ? 3 : 4);  // small enough for DFS without reduction
    for (int k = 0; k < ops; ++k) {
      const std::string v = vars[uniform_in(0, 2)];
      const std::string value = std::to_string(uniform_in(1, 4));
      const std::string reg = "r" + std::to_string(t) + "_" + std::to_string(k);
      auto order = [&](const char* const* table, int n) { return seq_cst_only ? std::string("seq_cst") : std::string(table[uniform_in(0, n)]); };
      switch (uniform_in(0, 6)) {
        case 0:
        case 1: body += "    " + v + ".store(" + value + ", " + order(stores, 3) + ")\n"; break;
        case 2:
        case 3:
          decls += "shared " + reg + " = -1\n";
          observe += ", " + reg;
          body += "    " + reg + " = " + v + ".load(" + order(loads, 3) + ")\n";
          break;
        case 4: {
          decls += "shared " + reg + " = -1\n";
          observe += ", " + reg;
          const int rmw = uniform_in(0, 3);
          const std::string o = order(rmws, 5);
          if (rmw == 0) body += "    " + reg + " = " + v + ".fetch_add(" + value + ", " + o + ")\n";
          else if (rmw == 1) body += "    " + reg + " = " + v + ".exchange(" + value + ", " + o + ")\n";
          else body += "    " + reg + " = " + v + ".cas(" + std::to_string(uniform_in(0, 3)) + ", " + value + ", " + o + ")\n";
          break;
        }
        default: body += "    fence\n"; break;
      }
    }
  }
  return decls + body + "\nobserve " + observe + "\n";
}

}  // namespace interleave::test
