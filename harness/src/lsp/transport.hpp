// The Language Server Protocol's base protocol: messages framed by a `Content-Length`
// header, as in HTTP. Reading never trusts the peer: a message over the size limit is
// refused before anything is allocated, and bytes that are not a header are skipped up to
// the next `Content-Length:`, so one bad message does not end the session.
#pragma once

#include <cstddef>
#include <istream>
#include <string>

namespace interleave::lsp {

// A message body may be at most this big: a scenario is at most 16 MiB, and JSON escaping
// can double it.
inline constexpr std::size_t max_message_bytes = 40u << 20;

struct Frame {
  enum Status { message, end_of_input, too_large } status = end_of_input;
  std::string body;      // message: the JSON text
  std::size_t size = 0;  // too_large: the Content-Length given
  std::string skipped;   // what was ignored before the header, when it was not a header (at most 200 bytes)
};

Frame read_frame(std::istream& in, std::size_t limit = max_message_bytes);
// The message with its header, ready to write.
std::string frame(const std::string& body);

}  // namespace interleave::lsp
