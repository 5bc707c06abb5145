#include "interleave/schedule.hpp"

#include <fmt/format.h>

namespace interleave {

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Each choice is a varint of (value << 1 | kind).
void put_varint(std::string& bytes, std::uint64_t v) {
  while (v >= 0x80) {
    bytes.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  bytes.push_back(static_cast<char>(v));
}

}  // namespace

std::string encode_token(const Schedule& schedule, std::uint64_t scenario_hash) {
  std::string bytes;
  for (const Choice& c : schedule.choices) {
    if (c.kind == Choice::thread) {
      put_varint(bytes, c.value << 1);
    } else {
      put_varint(bytes, 1);  // a marker, so that values keep all 64 bits
      put_varint(bytes, c.value);
    }
  }
  std::string body;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      body += alphabet[(acc >> bits) & 0x3F];
    }
  }
  if (bits > 0) body += alphabet[(acc << (6 - bits)) & 0x3F];
  return fmt::format("v2-{:016x}-{:08x}-{}", scenario_hash, token_checksum(scenario_hash, body), body);
}

std::uint32_t token_checksum(std::uint64_t scenario_hash, const std::string& choices) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const unsigned char c : fmt::format("v2-{:016x}-{}", scenario_hash, choices)) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return static_cast<std::uint32_t>(h ^ (h >> 32));
}

std::optional<DecodedToken> decode_token(const std::string& token, std::string& error) {
  if (token.compare(0, 3, "v1-") == 0) {
    error =
        "this is a version 1 token, printed by an older Interleave; it has no checksum, so a damaged copy cannot be "
        "told from a good one. Run 'interleave check' again to get a current (v2) token";
    return std::nullopt;
  }
  constexpr std::size_t body_at = 29;  // "v2-" 16 hex "-" 8 hex "-"
  if (token.size() < body_at || token.compare(0, 3, "v2-") != 0 || token[19] != '-' || token[28] != '-') {
    error = "a replay token looks like v2-<16 hex digits>-<8 hex digits>-<schedule>";
    return std::nullopt;
  }
  const auto hex = [&](std::size_t from, std::size_t count, std::uint64_t& value) {
    value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      const char c = token[i];
      const int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
      if (d < 0) return false;
      value = (value << 4) | static_cast<std::uint64_t>(d);
    }
    return true;
  };
  DecodedToken out;
  std::uint64_t checksum = 0;
  if (!hex(3, 16, out.scenario_hash)) {
    error = "the token's scenario hash is not 16 hex digits";
    return std::nullopt;
  }
  if (!hex(20, 8, checksum)) {
    error = "the token's checksum is not 8 hex digits";
    return std::nullopt;
  }
  if (checksum != token_checksum(out.scenario_hash, token.substr(body_at))) {
    error = "the token is damaged (its checksum does not match: cut short, extended or mistyped?); copy the whole "
            "token from the report again";
    return std::nullopt;
  }
  std::string bytes;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = body_at; i < token.size(); ++i) {
    const auto pos = alphabet.find(token[i]);
    if (pos == std::string_view::npos) {
      error = fmt::format("unexpected character '{}' in the token", token[i]);
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  // encode_token pads the last character with zero bits, fewer than a byte's worth.
  if (bits >= 6 || (acc & ((1u << bits) - 1)) != 0) {
    error = "the token's schedule is corrupt (it does not end on a whole byte)";
    return std::nullopt;
  }
  std::uint64_t v = 0;
  int shift = 0;
  bool number_next = false;
  for (unsigned char b : bytes) {
    // The tenth byte of a varint holds only the top bit of a 64-bit value.
    if (shift > 63 || (shift == 63 && (b & 0x7E) != 0)) {
      error = "the token's schedule is corrupt (a value does not fit in 64 bits)";
      return std::nullopt;
    }
    v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if (b & 0x80) {
      shift += 7;
      continue;
    }
    if (number_next) {
      out.schedule.choices.push_back(Choice{Choice::number, v});
      number_next = false;
    } else if (v == 1) {
      number_next = true;
    } else if (v & 1) {
      error = "the token's schedule is corrupt (an unknown kind of choice)";
      return std::nullopt;
    } else {
      out.schedule.choices.push_back(Choice{Choice::thread, v >> 1});
    }
    v = 0;
    shift = 0;
  }
  if (shift != 0 || number_next) {
    error = "the token's schedule is truncated";
    return std::nullopt;
  }
  return out;
}

}  // namespace interleave
