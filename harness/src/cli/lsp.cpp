// `interleave lsp`: the Language Server (lsp/server.hpp) on standard input and output.
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "commands.hpp"
#include "lsp/server.hpp"
#include "lsp/transport.hpp"

namespace interleave::cli {

namespace {

// Printable and short: what was skipped may be binary or huge.
std::string shown(const std::string& s) {
  std::string out;
  for (char c : s) out += (c >= 0x20 && c < 0x7F) ? c : '?';
  return out;
}

bool send(const std::string& body) {
  const std::string framed = lsp::frame(body);
  return std::fwrite(framed.data(), 1, framed.size(), stdout) == framed.size() && std::fflush(stdout) == 0;
}

}  // namespace

int lsp_command() {
  std::ios::sync_with_stdio(false);
  lsp::Server server;
  for (;;) {
    const lsp::Frame f = lsp::read_frame(std::cin);
    if (!f.skipped.empty())
      fmt::print(stderr, "interleave lsp: ignored input that was not a message (no Content-Length header): {}\n",
                 shown(f.skipped));
    if (f.status == lsp::Frame::end_of_input) {
      // The client went away without `exit`: an error exit, as the protocol says.
      fmt::print(stderr, "interleave lsp: the input ended before an 'exit' notification\n");
      return unusable_input;
    }
    if (f.status == lsp::Frame::too_large) {
      // Its body cannot be skipped without reading it all; the stream is given up.
      fmt::print(stderr, "interleave lsp: a message of {} bytes is over the limit of {} bytes; stopping\n", f.size,
                 lsp::max_message_bytes);
      send(fmt::format(R"({{"jsonrpc":"2.0","id":null,"error":{{"code":-32600,"message":"a message of {} bytes is over the limit of {} bytes"}}}})",
                       f.size, lsp::max_message_bytes));
      return unusable_input;
    }
    for (const auto& reply : server.handle(f.body))
      if (!send(reply)) return unusable_input;  // the client is gone
    if (server.exited()) return server.exit_code() == 0 ? ok : findings_differ;
  }
}

}  // namespace interleave::cli
