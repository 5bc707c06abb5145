// A seeded generator of small, valid scenario programs for the two-detector agreement test
// (docs/development.md). Each program mixes what creates happens-before in the language:
// spawn/join, mutexes (with, lock/unlock, try_lock), condition variables in a predicate
// loop, semaphores, queues, atomics with every memory order, fences and processes. Shared
// variables follow a discipline (locked, owned by one thread, published through a channel,
// read-only); about half the programs break one discipline on purpose, so both verdicts,
// racy and race-free, occur. Blocking operations only wait for lower-numbered threads and
// queues never fill up, so the programs terminate (a lock-order inversion, generated
// rarely, may deadlock).
#pragma once

#include <cstdint>
#include <set>
#include <string>

namespace interleave::test {

struct GeneratedProgram {
  std::uint64_t seed = 0;
  std::string text;                // the scenario, ready for load_text()
  bool intended_racy = false;      // a discipline was broken on purpose (a race is likely, not certain)
  std::set<std::string> features;  // what the program uses, for the generator's coverage test
};

// The same seed gives the same program on every platform (own PRNG, no std distributions).
GeneratedProgram generate_program(std::uint64_t seed);

// A scenario file name for a generated program: "generated-<seed>.scn".
std::string generated_name(std::uint64_t seed);

}  // namespace interleave::test
