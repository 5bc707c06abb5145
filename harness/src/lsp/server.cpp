#include "server.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <exception>
#include <stdexcept>

#include "interleave/frontend.hpp"
#include "interleave/printer.hpp"
#include "interleave/steps.hpp"

namespace interleave::lsp {

namespace {

using json = nlohmann::json;

// A request whose params are not what the method needs.
struct BadParams : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string text_at(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) throw BadParams(fmt::format("params: '{}' must be a string", key));
  return it->get<std::string>();
}

const json& object_at(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_object()) throw BadParams(fmt::format("params: '{}' must be an object", key));
  return *it;
}

unsigned unsigned_at(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) throw BadParams(fmt::format("params: '{}' must be a number", key));
  return it->get<unsigned>();
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string response(const json& id, json result) {
  return dump(json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

std::string error_response(const json& id, int code, const std::string& message) {
  return dump(json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
}

std::string notification(const std::string& method, json params) {
  return dump(json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
}

// The code points of a line, each as its UTF-16 width (an invalid byte counts as one, as in
// Interleave's columns).
std::vector<unsigned> widths(const std::string& line) {
  std::vector<unsigned> out;
  for (std::size_t i = 0; i < line.size();) {
    const std::size_t n = utf8_sequence_length(line, i);
    out.push_back(n == 4 ? 2 : 1);
    i += n == 0 ? 1 : n;
  }
  return out;
}

json position(const SourceFile& file, std::uint32_t line, std::uint32_t col) {
  if (line == 0) return json{{"line", 0}, {"character", 0}};
  return json{{"line", line - 1}, {"character", utf16_units(std::string(file.line_text(line)), col - 1)}};
}

json diagnostics_of(const LoadResult& r) {
  json list = json::array();
  if (!r.file) return list;
  for (const Diagnostic& d : r.diagnostics.all()) {
    std::string message = d.message;
    for (const auto& note : d.notes) message += "\nnote: " + note;
    if (!d.help.empty()) message += "\nhelp: " + d.help;
    const std::uint32_t end_col = d.loc.line == 0 ? 1 : d.loc.col + std::max<std::uint32_t>(1, d.length);
    json diag{{"range", {{"start", position(*r.file, d.loc.line, d.loc.col)},
                         {"end", position(*r.file, d.loc.line, end_col)}}},
              {"severity", d.severity == Severity::error ? 1 : d.severity == Severity::warning ? 2 : 3},
              {"source", "interleave"},
              {"message", message}};
    list.push_back(std::move(diag));
  }
  if (r.diagnostics.truncated())
    list.push_back(json{{"range", {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", 0}, {"character", 0}}}}},
                        {"severity", 1},
                        {"source", "interleave"},
                        {"message", fmt::format("too many errors; stopped after {}", r.diagnostics.error_count())}});
  return list;
}

}  // namespace

std::string path_of_uri(const std::string& uri) {
  if (uri.rfind("file://", 0) != 0) return uri;
  std::string path;
  for (std::size_t i = 7; i < uri.size(); ++i) {
    const auto hex = [](char c) {
      return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    };
    if (uri[i] == '%' && i + 2 < uri.size() && hex(uri[i + 1]) >= 0 && hex(uri[i + 2]) >= 0) {
      path += static_cast<char>(hex(uri[i + 1]) * 16 + hex(uri[i + 2]));
      i += 2;
    } else {
      path += uri[i];
    }
  }
  return path;
}

unsigned utf16_units(const std::string& line, unsigned columns) {
  const auto w = widths(line);
  unsigned units = 0;
  for (unsigned i = 0; i < columns; ++i) units += i < w.size() ? w[i] : 1;  // past the end: one each
  return units;
}

unsigned code_points_before(const std::string& line, unsigned units) {
  const auto w = widths(line);
  unsigned seen = 0, i = 0;
  for (; i < w.size() && seen + w[i] <= units; ++i) seen += w[i];
  return i + (units > seen && i == w.size() ? units - seen : 0);
}

std::vector<std::string> Server::handle(const std::string& body) {
  json msg;
  try {
    msg = json::parse(body);
  } catch (const std::exception& e) {
    return {error_response(nullptr, parse_error, fmt::format("the message is not JSON: {}", e.what()))};
  }
  if (!msg.is_object())
    return {error_response(nullptr, invalid_request, "a message must be a JSON object (batches are not supported)")};
  const auto method_it = msg.find("method");
  const bool has_id = msg.contains("id");
  const json id = has_id ? msg["id"] : json(nullptr);
  if (method_it == msg.end()) {
    // A response to a request of ours: the server sends none, so there is nothing to match.
    if (has_id && (msg.contains("result") || msg.contains("error"))) return {};
    return {error_response(id, invalid_request, "a request needs a 'method'")};
  }
  if (!method_it->is_string() || (has_id && !id.is_string() && !id.is_number_integer() && !id.is_null()))
    return {error_response(has_id && (id.is_string() || id.is_number_integer()) ? id : json(nullptr), invalid_request,
                           "'method' must be a string and 'id' a number or a string")};
  const std::string method = method_it->get<std::string>();
  const bool request = has_id;
  static const json no_params = json::object();
  const json& params = msg.contains("params") && msg["params"].is_object() ? msg["params"] : no_params;

  std::vector<std::string> out;
  const auto publish = [&](const std::string& uri) {
    const auto it = documents_.find(uri);
    json diags = json::array();
    if (it != documents_.end() && it->second.size() > max_file_bytes)  // as `interleave check` would refuse it
      diags.push_back(json{{"range", {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", 0}, {"character", 0}}}}},
                           {"severity", 1},
                           {"source", "interleave"},
                           {"message", fmt::format("file is {} bytes; the limit is {} bytes", it->second.size(), max_file_bytes)}});
    else if (it != documents_.end())
      diags = diagnostics_of(load_text(path_of_uri(uri), it->second));
    out.push_back(notification("textDocument/publishDiagnostics", {{"uri", uri}, {"diagnostics", std::move(diags)}}));
  };

  try {
    if (method == "exit") {
      exited_ = true;
      return {};
    }
    if (!initialized_ && method != "initialize") {
      if (request) return {error_response(id, server_not_initialized, "the server is not initialized yet")};
      return {};
    }
    if (shutdown_ && request) return {error_response(id, invalid_request, "the server is shut down; send 'exit'")};

    if (method == "initialize") {
      if (!request) return {};
      if (initialized_) return {error_response(id, invalid_request, "initialize was already sent")};
      initialized_ = true;
      json capabilities{{"textDocumentSync", {{"openClose", true}, {"change", 1}}},  // 1: full text on every change
                        {"hoverProvider", true},
                        {"documentFormattingProvider", true}};
#ifdef INTERLEAVE_VERSION
      const std::string version = INTERLEAVE_VERSION;
#else
      const std::string version = "unknown";
#endif
      return {response(id, {{"capabilities", capabilities}, {"serverInfo", {{"name", "interleave"}, {"version", version}}}})};
    }
    if (method == "initialized") return {};
    if (method == "shutdown") {
      shutdown_ = true;
      return {response(id, nullptr)};
    }
    if (method == "textDocument/didOpen") {
      const json& doc = object_at(params, "textDocument");
      const std::string uri = text_at(doc, "uri");
      documents_[uri] = text_at(doc, "text");
      publish(uri);
      return out;
    }
    if (method == "textDocument/didChange") {
      const std::string uri = text_at(object_at(params, "textDocument"), "uri");
      const auto changes = params.find("contentChanges");
      if (changes == params.end() || !changes->is_array()) throw BadParams("params: 'contentChanges' must be an array");
      // Full sync: each change is the whole text; the last one wins.
      for (const json& change : *changes) {
        if (!change.is_object() || change.contains("range"))
          throw BadParams("only full-text changes are supported (textDocumentSync is 1)");
        documents_[uri] = text_at(change, "text");
      }
      publish(uri);
      return out;
    }
    if (method == "textDocument/didClose") {
      const std::string uri = text_at(object_at(params, "textDocument"), "uri");
      documents_.erase(uri);
      publish(uri);  // an empty list clears the editor's markers
      return out;
    }
    if (method == "textDocument/hover" || method == "textDocument/formatting") {
      const std::string uri = text_at(object_at(params, "textDocument"), "uri");
      const auto it = documents_.find(uri);
      if (it == documents_.end()) throw BadParams(fmt::format("the document {} is not open", uri));
      if (it->second.size() > max_file_bytes) return {response(id, nullptr)};
      const LoadResult r = load_text(path_of_uri(uri), it->second);
      if (method == "textDocument/hover") {
        const json& pos = object_at(params, "position");
        const unsigned line = unsigned_at(pos, "line") + 1;
        unsigned_at(pos, "character");
        if (!r.ok()) return {response(id, nullptr)};  // a file with errors has no steps yet
        const std::string steps = explain_line(*r.program, line);
        if (steps.empty()) return {response(id, nullptr)};
        const std::string text(r.file->line_text(line));
        const auto first = text.find_first_not_of(' ');
        const unsigned start = static_cast<unsigned>(first == std::string::npos ? 0 : count_columns(text.substr(0, first)));
        const unsigned end = static_cast<unsigned>(count_columns(text));
        return {response(id, {{"contents", {{"kind", "markdown"}, {"value", "```\n" + steps + "```"}}},
                              {"range", {{"start", {{"line", line - 1}, {"character", utf16_units(text, start)}}},
                                         {"end", {{"line", line - 1}, {"character", utf16_units(text, end)}}}}}})};
      }
      if (!r.ok()) return {response(id, nullptr)};  // only a file without errors can be formatted
      const std::string formatted = print(*r.program, r.trivia);
      if (formatted == it->second) return {response(id, json::array())};
      // One edit replacing the whole document, from its start to its very end.
      const std::string& text = it->second;
      const auto last_newline = text.rfind('\n');
      const auto lines = std::count(text.begin(), text.end(), '\n');
      const std::string last = last_newline == std::string::npos ? text : text.substr(last_newline + 1);
      json end{{"line", lines}, {"character", utf16_units(last, static_cast<unsigned>(count_columns(last)))}};
      return {response(id, json::array({{{"range", {{"start", {{"line", 0}, {"character", 0}}}, {"end", end}}},
                                          {"newText", formatted}}}))};
    }
    if (request) return {error_response(id, method_not_found, fmt::format("unknown method '{}'", method))};
    return {};  // an unknown notification ($/cancelRequest, $/setTrace, didSave...) is ignored
  } catch (const BadParams& e) {
    if (request) return {error_response(id, invalid_params, e.what())};
    return out;
  } catch (const std::exception& e) {
    if (request) return {error_response(id, internal_error, e.what())};
    return out;
  }
}

}  // namespace interleave::lsp
