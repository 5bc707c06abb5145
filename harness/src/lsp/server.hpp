// The Language Server behind `interleave lsp`: JSON-RPC messages in, JSON-RPC messages out.
// It keeps the open documents, publishes the front end's diagnostics on every change,
// answers hover with explain's steps for the line and formatting with the canonical form
// (comments kept). Transport (framing, stdin/stdout) is the caller's: see transport.hpp.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace interleave::lsp {

// JSON-RPC 2.0 and LSP error codes.
enum ErrorCode : int {
  parse_error = -32700,
  invalid_request = -32600,
  method_not_found = -32601,
  invalid_params = -32602,
  internal_error = -32603,
  server_not_initialized = -32002,
};

class Server {
 public:
  // Handles one message (the JSON text of its body); returns the messages to send, in order.
  // Never throws: a bad message gets a JSON-RPC error (requests) or is ignored (notifications).
  std::vector<std::string> handle(const std::string& body);

  // After `exit`: the process's exit code (0 when `shutdown` came first, else 1).
  bool exited() const { return exited_; }
  int exit_code() const { return shutdown_ ? 0 : 1; }

 private:
  std::map<std::string, std::string> documents_;  // uri -> text
  bool initialized_ = false;
  bool shutdown_ = false;
  bool exited_ = false;
};

// The file path of a file:// URI ("file:///a%20b/x.scn" -> "/a b/x.scn"); other URIs as given.
std::string path_of_uri(const std::string& uri);
// The number of UTF-16 code units in the first `columns` code points of `line` (LSP
// positions count UTF-16 units; Interleave's columns count code points).
unsigned utf16_units(const std::string& line, unsigned columns);
// The code point index of UTF-16 unit offset `units` in `line` (the reverse).
unsigned code_points_before(const std::string& line, unsigned units);

}  // namespace interleave::lsp
