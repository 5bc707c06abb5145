// The LSP base protocol: Content-Length framing, and what happens to input that is not.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "lsp/transport.hpp"

using namespace interleave::lsp;

TEST_CASE("lsp transport: messages are read by their Content-Length", "[lsp]") {
  std::istringstream in("Content-Length: 2\r\n\r\n{}content-length:3\r\nContent-Type: x\r\n\r\n[1]");
  const Frame a = read_frame(in);
  CHECK(a.status == Frame::message);
  CHECK(a.body == "{}");
  const Frame b = read_frame(in);
  CHECK(b.status == Frame::message);
  CHECK(b.body == "[1]");
  CHECK(read_frame(in).status == Frame::end_of_input);
  CHECK(frame("{}") == "Content-Length: 2\r\n\r\n{}");
}

TEST_CASE("lsp transport: what is not a header is skipped up to the next one, and said", "[lsp]") {
  std::istringstream in("{\"no\": \"header\"}\r\nContent-Length: nope\r\n\r\nContent-Length: 4\r\n\r\nnull");
  const Frame f = read_frame(in);
  CHECK(f.status == Frame::message);
  CHECK(f.body == "null");
  CHECK(f.skipped.find("{\"no\": \"header\"}") == 0);
}

TEST_CASE("lsp transport: an oversized or cut-off message is not read", "[lsp]") {
  std::istringstream huge("Content-Length: 99999999999999999999999999\r\n\r\n{}");
  const Frame f = read_frame(huge, 1000);
  CHECK(f.status == Frame::too_large);
  std::istringstream over("Content-Length: 1001\r\n\r\n{}");
  const Frame g = read_frame(over, 1000);
  CHECK(g.status == Frame::too_large);
  CHECK(g.size == 1001);
  std::istringstream cut("Content-Length: 10\r\n\r\n{}");
  CHECK(read_frame(cut).status == Frame::end_of_input);
  std::istringstream no_end("Content-Length: 2\r\n");
  CHECK(read_frame(no_end).status == Frame::end_of_input);
}
