// Replay tokens: "v1-<16 hex digits of the scenario hash>-<base64url of varint choices>".
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "interleave/schedule.hpp"
#include "runtime_helpers.hpp"

using namespace interleave;
using namespace interleave::test;

namespace {

Schedule make(std::vector<Choice> c) {
  Schedule s;
  s.choices = std::move(c);
  return s;
}

std::optional<DecodedToken> decode(const std::string& token, std::string& error) {
  error.clear();
  return decode_token(token, error);
}

// base64url of raw bytes, without padding: the token's body for a chosen byte string.
std::string body_of(const std::vector<std::uint8_t>& bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (auto b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += alphabet[(acc >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += alphabet[(acc << (6 - bits)) & 0x3F];
  return out;
}

const std::string prefix = "v1-00000000000000ff-";

}  // namespace

TEST_CASE("token: the exact encoding of a small schedule", "[token]") {
  // A thread choice is the varint of id << 1 (thread 0 -> 00, thread 1 -> 02); a number
  // choice is the marker 01 and then the varint of its value (2 -> 01 02).
  const Schedule s = make({{Choice::thread, 0}, {Choice::thread, 1}, {Choice::number, 2}});
  CHECK(encode_token(s, 0xff) == "v1-00000000000000ff-AAIBAg");
  CHECK(encode_token(Schedule{}, 0x0123456789abcdefull) == "v1-0123456789abcdef-");
  // 64 needs two varint bytes: (64 << 1) = 128 -> 0x80 0x01.
  CHECK(encode_token(make({{Choice::thread, 64}}), 0) == "v1-0000000000000000-gAE");
}

TEST_CASE("token: encode then decode gives the schedule and hash back", "[token]") {
  const std::vector<Schedule> cases = {
      Schedule{},
      make({{Choice::thread, 0}}),
      make({{Choice::number, 0}}),
      make({{Choice::thread, 3}, {Choice::number, 127}, {Choice::thread, 63}, {Choice::number, 64}}),
      make({{Choice::number, (1ull << 40) + 5}, {Choice::thread, 9999}}),
      make({{Choice::number, (1ull << 62) + 1}}),
  };
  for (std::uint64_t hash : {0ull, 1ull, 0xdeadbeefcafef00dull, ~0ull})
    for (const auto& s : cases) {
      const std::string t = encode_token(s, hash);
      CAPTURE(t);
      std::string error;
      const auto d = decode(t, error);
      REQUIRE(d);
      CHECK(error.empty());
      CHECK(d->scenario_hash == hash);
      CHECK(same_choices(d->schedule, s));
    }
  // A recorded run survives the trip and replays strictly without divergence.
  const Module m = compile_text("atomic x = 0\n\nthread a:\n    x.store(any(0, 300))\n\nthread b:\n    x.store(1)\n");
  auto rnd = make_random_scheduler(5);
  const RunResult r = run_once(m, *rnd);
  std::string error;
  const auto d = decode(encode_token(r.schedule, m.hash), error);
  REQUIRE(d);
  ReplayScheduler replay(d->schedule, true);
  const RunResult again = run_once(m, replay);
  CHECK_FALSE(replay.diverged());
  CHECK(effects(again) == effects(r));
}

TEST_CASE("token: malformed tokens are rejected with a reason", "[token]") {
  std::string error;
  const std::string shape = "a replay token looks like v1-<16 hex digits>-<schedule>";
  for (const std::string bad : {"", "v1-", "v1-00000000000000ff", "v2-00000000000000ff-AA", "v1-00000000000000ff+AA",
                                "v1-0000000000000ff-AA", "x1-00000000000000ff-"}) {
    CAPTURE(bad);
    CHECK_FALSE(decode(bad, error));
    CHECK(error == shape);
  }
  for (const std::string bad : {"v1-00000000000000FF-", "v1-00000000000000fg-", "v1- 0000000000000ff-"}) {
    CAPTURE(bad);
    CHECK_FALSE(decode(bad, error));
    CHECK(error == "the token's scenario hash is not 16 hex digits");
  }
  CHECK_FALSE(decode(prefix + "AA=", error));
  CHECK(error == "unexpected character '=' in the token");
  CHECK_FALSE(decode(prefix + "AA+/", error));
  CHECK(error == "unexpected character '+' in the token");
  // A varint whose last byte still says "more follows".
  CHECK_FALSE(decode(prefix + body_of({0x80}), error));
  CHECK(error == "the token's schedule is truncated");
  CHECK_FALSE(decode(prefix + body_of({0x02, 0xff, 0xff}), error));
  CHECK(error == "the token's schedule is truncated");
  // More than ten varint bytes cannot be a 64-bit value.
  CHECK_FALSE(decode(prefix + body_of({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}), error));
  CHECK(error == "the token's schedule is corrupt (a value does not fit in 64 bits)");
}

TEST_CASE("token: number choices of 2^63 and more survive the round trip", "[token]") {
  // Regression (fixed): any() over the whole int64 range records offsets up to 2^64 - 1;
  // tokens once packed the kind into the value's low bit and lost its top bit.
  const Schedule s = make({{Choice::number, 1ull << 63}, {Choice::number, ~0ull}});
  std::string error;
  const auto d = decode(encode_token(s, 1), error);
  REQUIRE(d);
  CHECK(same_choices(d->schedule, s));

  const Module m = compile_text(
      "shared x = 0\n\nthread a:\n    x = any(-9223372036854775807 - 1, 9223372036854775807)\n\nobserve x\n");
  auto rnd = make_random_scheduler(1);
  const RunResult r = run_once(m, *rnd);
  REQUIRE(r.observed.size() == 1);
  const auto back = decode(encode_token(r.schedule, m.hash), error);
  REQUIRE(back);
  ReplayScheduler replay(back->schedule, true);
  const RunResult again = run_once(m, replay);
  CHECK(again.observed == r.observed);  // seed 1 draws 1227844342346046657
}

TEST_CASE("token: bodies that are not whole varint bytes, or overflow 64 bits, are rejected",
          "[token]") {
  std::string error;
  // Regression (fixed): one base64 character is 6 bits, not a byte; it decoded as empty.
  CHECK_FALSE(decode(prefix + "A", error));
  // "AB" carries 12 bits: byte 0x00 and four stray bits (0001) that are dropped, so it
  // decodes to the same schedule as the canonical "AA".
  CHECK_FALSE(decode(prefix + "AB", error));
  // A tenth varint byte may only add bit 63; 0x7f there overflows and is silently cut.
  CHECK_FALSE(decode(prefix + body_of({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}), error));
}
