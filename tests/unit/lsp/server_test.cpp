// The Language Server's answers, without a process: positions, diagnostics, hover, errors.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>

#include "lsp/server.hpp"

using namespace interleave::lsp;
using json = nlohmann::json;

namespace {

std::vector<json> send(Server& s, const json& message) {
  std::vector<json> out;
  for (const auto& reply : s.handle(message.dump())) out.push_back(json::parse(reply));
  return out;
}

Server initialized() {
  Server s;
  send(s, {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", json::object()}});
  return s;
}

}  // namespace

TEST_CASE("lsp server: LSP positions count UTF-16 units, Interleave's columns code points", "[lsp]") {
  const std::string line = "x \"\xC3\xA9\xF0\x9F\x98\x80\" y";  // x "é😀" y
  CHECK(utf16_units(line, 0) == 0);
  CHECK(utf16_units(line, 3) == 3);  // x, space, quote
  CHECK(utf16_units(line, 4) == 4);  // é is one unit
  CHECK(utf16_units(line, 5) == 6);  // 😀 is two
  CHECK(utf16_units(line, 20) == 21);  // past the end: one each
  CHECK(code_points_before(line, 6) == 5);
  CHECK(path_of_uri("file:///a%20b/x.scn") == "/a b/x.scn");
  CHECK(path_of_uri("untitled:1") == "untitled:1");
}

TEST_CASE("lsp server: didOpen publishes the front end's diagnostics with help", "[lsp]") {
  Server s = initialized();
  const auto out = send(s, {{"jsonrpc", "2.0"},
                            {"method", "textDocument/didOpen"},
                            {"params", {{"textDocument", {{"uri", "file:///t.scn"}, {"text", "main:\n    x = 1\n"}}}}}});
  REQUIRE(out.size() == 1);
  CHECK(out[0]["method"] == "textDocument/publishDiagnostics");
  const json& d = out[0]["params"]["diagnostics"].at(0);
  CHECK(d["range"] == json{{"start", {{"line", 1}, {"character", 4}}}, {"end", {{"line", 1}, {"character", 5}}}});
  CHECK(d["severity"] == 1);
  CHECK(d["message"] == "assignment to undeclared name 'x'\nhelp: declare a local first: 'let x = ...'");
}

TEST_CASE("lsp server: hover shows explain's steps for the line", "[lsp]") {
  Server s = initialized();
  send(s, {{"jsonrpc", "2.0"},
           {"method", "textDocument/didOpen"},
           {"params", {{"textDocument", {{"uri", "file:///t.scn"}, {"text", "shared b = 0\nmain:\n    b = b + 1\n"}}}}}});
  const auto out = send(s, {{"jsonrpc", "2.0"}, {"id", 2}, {"method", "textDocument/hover"},
                            {"params", {{"textDocument", {{"uri", "file:///t.scn"}}}, {"position", {{"line", 2}, {"character", 4}}}}}});
  REQUIRE(out.size() == 1);
  CHECK(out[0]["result"]["contents"]["value"] == "```\nb = b + 1\n    [1] read b\n    [2] write b\n```");
}

TEST_CASE("lsp server: JSON-RPC errors for bad messages, and silence for unknown notifications", "[lsp]") {
  Server s;
  CHECK(json::parse(s.handle("{").at(0))["error"]["code"] == parse_error);
  CHECK(json::parse(s.handle("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"textDocument/hover\"}").at(0))["error"]["code"] ==
        server_not_initialized);
  s = initialized();
  CHECK(json::parse(s.handle("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"nope\"}").at(0))["error"]["code"] == method_not_found);
  CHECK(s.handle("{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}").empty());
  CHECK(json::parse(s.handle("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"textDocument/hover\",\"params\":{}}").at(0))
            ["error"]["code"] == invalid_params);
  CHECK(json::parse(s.handle("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"x\"}").at(0))["error"]["code"] == invalid_request);
  CHECK(json::parse(s.handle("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"shutdown\"}").at(0))["result"].is_null());
  CHECK_FALSE(s.exited());
  s.handle("{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");
  CHECK(s.exited());
  CHECK(s.exit_code() == 0);
}
