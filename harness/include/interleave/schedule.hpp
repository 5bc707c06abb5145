// A Schedule records every nondeterministic choice of one run, in order: which thread
// takes each step, and each value chosen for any() or for which waiter a notify wakes.
// Replaying it reproduces the run exactly. A replay token is the schedule, encoded, with
// the hash of the scenario it belongs to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace interleave {

struct Choice {
  enum Kind : std::uint8_t { thread, number } kind = thread;
  std::uint64_t value = 0;  // thread id, or (for a number) the chosen value minus the lowest allowed
  friend bool operator==(const Choice&, const Choice&) = default;
};

// A recorded schedule ends with its last choice that differs from the default a replay
// makes past the end (the current thread goes on if it can, else the lowest runnable one;
// values take their lowest); the choices after it are implied.
struct Schedule {
  std::vector<Choice> choices;
  friend bool operator==(const Schedule&, const Schedule&) = default;
};

// "v2-<16 hex digits of the scenario hash>-<8 hex digits of the checksum>-<base64url of the
// choices>": a thread choice is the varint of (id << 1), a number choice the varint 1
// followed by the varint of its value. The checksum (token_checksum) covers the version,
// the hash and the choices, so a token cut short, extended or mistyped when copied from a
// log is refused instead of replaying another run.
std::string encode_token(const Schedule& schedule, std::uint64_t scenario_hash);

struct DecodedToken {
  Schedule schedule;
  std::uint64_t scenario_hash = 0;
};
// nullopt, with `error` set, when the token is malformed, damaged, or a version 1 token
// (no checksum: older Interleave versions printed those).
std::optional<DecodedToken> decode_token(const std::string& token, std::string& error);

// The checksum of a token: FNV-1a over "v2-<hash>-<choices>", folded to 32 bits.
std::uint32_t token_checksum(std::uint64_t scenario_hash, const std::string& choices);

}  // namespace interleave
