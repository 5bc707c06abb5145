// Replay tokens: "v2-<16 hex digits of the scenario hash>-<8 hex digits of checksum>-<base64url
// of varint choices>".
#include <catch2/catch.hpp>
#include <fmt/format.h>

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

// A token of hash 0xff with a given body and its correct checksum: reaches the body's checks.
std::string sealed(const std::string& body) {
  return fmt::format("v2-00000000000000ff-{:08x}-{}", token_checksum(0xff, body), body);
}

}  // namespace

TEST_CASE("token: the exact encoding of a small schedule", "[token]") {
  // A thread choice is the varint of id << 1 (thread 0 -> 00, thread 1 -> 02); a number
  // choice is the marker 01 and then the varint of its value (2 -> 01 02).
  const Schedule s = make({{Choice::thread, 0}, {Choice::thread, 1}, {Choice::number, 2}});
  CHECK(encode_token(s, 0xff) == sealed("AAIBAg"));
  CHECK(encode_token(Schedule{}, 0x0123456789abcdefull) ==
        fmt::format("v2-0123456789abcdef-{:08x}-", token_checksum(0x0123456789abcdefull, "")));
  // 64 needs two varint bytes: (64 << 1) = 128 -> 0x80 0x01.
  CHECK(encode_token(make({{Choice::thread, 64}}), 0) == fmt::format("v2-0000000000000000-{:08x}-gAE", token_checksum(0, "gAE")));
  // The checksum is pinned: a change to it makes every printed token unreadable.
  CHECK(token_checksum(0xff, "AAIBAg") == 0x90a10682u);
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
  const std::string shape = "a replay token looks like v2-<16 hex digits>-<8 hex digits>-<schedule>";
  for (const std::string bad : {"", "v2-", "v2-00000000000000ff", "v3-00000000000000ff-00000000-AA",
                                "v2-00000000000000ff+00000000-AA", "v2-0000000000000ff-00000000-AA",
                                "x2-00000000000000ff-00000000-", "v2-00000000000000ff-0000000-AA"}) {
    CAPTURE(bad);
    CHECK_FALSE(decode(bad, error));
    CHECK(error == shape);
  }
  for (const std::string bad : {"v2-00000000000000FF-00000000-", "v2-00000000000000fg-00000000-",
                                "v2- 0000000000000ff-00000000-"}) {
    CAPTURE(bad);
    CHECK_FALSE(decode(bad, error));
    CHECK(error == "the token's scenario hash is not 16 hex digits");
  }
  CHECK_FALSE(decode("v2-00000000000000ff-0000000g-", error));
  CHECK(error == "the token's checksum is not 8 hex digits");
  CHECK_FALSE(decode(sealed("AA="), error));
  CHECK(error == "unexpected character '=' in the token");
  CHECK_FALSE(decode(sealed("AA+/"), error));
  CHECK(error == "unexpected character '+' in the token");
  // A varint whose last byte still says "more follows".
  CHECK_FALSE(decode(sealed(body_of({0x80})), error));
  CHECK(error == "the token's schedule is truncated");
  CHECK_FALSE(decode(sealed(body_of({0x02, 0xff, 0xff})), error));
  CHECK(error == "the token's schedule is truncated");
  // More than ten varint bytes cannot be a 64-bit value.
  CHECK_FALSE(decode(sealed(body_of({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})), error));
  CHECK(error == "the token's schedule is corrupt (a value does not fit in 64 bits)");
}

// Regression (issue 14): a token cut short, extended or with one character changed was
// accepted, replayed another run, lost the finding and exited 0.
TEST_CASE("token: a truncated, extended or corrupted token is refused", "[token]") {
  const Schedule s = make({{Choice::thread, 0}, {Choice::thread, 1}, {Choice::number, 2}, {Choice::thread, 1},
                           {Choice::thread, 0}, {Choice::thread, 1}});
  const std::string good = encode_token(s, 0xdeadbeefcafef00dull);
  const std::string damaged =
      "the token is damaged (its checksum does not match: cut short, extended or mistyped?); copy the whole token from "
      "the report again";
  std::string error;
  REQUIRE(decode(good, error));
  for (std::size_t cut = 1; cut + 29 <= good.size(); ++cut) {
    CAPTURE(cut);
    CHECK_FALSE(decode(good.substr(0, good.size() - cut), error));
    CHECK(error == damaged);
  }
  for (const std::string more : {"A", "AA", "Ag", "-"}) {
    CHECK_FALSE(decode(good + more, error));
    CHECK(error == damaged);
  }
  // Every single-character change of the body or the checksum is caught.
  for (std::size_t i = 20; i < good.size(); ++i) {
    if (i == 28) continue;  // the separator: a shape error
    std::string bad = good;
    bad[i] = bad[i] == 'A' ? 'B' : (bad[i] == '0' ? '1' : 'A');
    CAPTURE(i, bad);
    CHECK_FALSE(decode(bad, error));
  }
  CHECK_FALSE(decode("v1-c4f70c455c784658-AAICAgIAAA", error));
  CHECK(error ==
        "this is a version 1 token, printed by an older Interleave; it has no checksum, so a damaged copy cannot be told "
        "from a good one. Run 'interleave check' again to get a current (v2) token");
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
  CHECK_FALSE(decode(sealed("A"), error));
  // "AB" carries 12 bits: byte 0x00 and four stray bits (0001) that are dropped, so it
  // decodes to the same schedule as the canonical "AA".
  CHECK_FALSE(decode(sealed("AB"), error));
  // A tenth varint byte may only add bit 63; 0x7f there overflows and is silently cut.
  CHECK_FALSE(decode(sealed(body_of({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f})), error));
}
