// Shared helpers for front-end tests: load text and look at the diagnostics.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "interleave/diagnostics.hpp"
#include "interleave/frontend.hpp"
#include "interleave/lexer.hpp"
#include "interleave/token.hpp"

namespace interleave::test {

inline LoadResult load(const std::string& text, const LoadOptions& options = {}) {
  return load_text("t.scn", text, options);
}

// Lexes and parses only (no name resolution).
inline LoadResult parse_only(const std::string& text) { return parse_text("t.scn", text); }

// The messages of a sink, in file order, as "line:col: message".
inline std::vector<std::string> messages(const DiagnosticSink& sink) {
  std::vector<std::string> out;
  for (const auto& d : sink.all())
    out.push_back(std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + ": " + d.message);
  std::stable_sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    const auto la = std::stoul(a), lb = std::stoul(b);
    if (la != lb) return la < lb;
    return std::stoul(a.substr(a.find(':') + 1)) < std::stoul(b.substr(b.find(':') + 1));
  });
  return out;
}

// The messages of a load, in file order, as "line:col: message".
inline std::vector<std::string> messages(const LoadResult& r) { return messages(r.diagnostics); }

// The only diagnostic of a load; throws when there is not exactly one.
inline const Diagnostic& only_diagnostic(const LoadResult& r) {
  if (r.diagnostics.all().size() != 1)
    throw std::runtime_error("expected exactly one diagnostic, got " +
                             std::to_string(r.diagnostics.all().size()));
  return r.diagnostics.all().front();
}

// Tokens of a text plus the lexer's messages.
struct Lexed {
  std::vector<Token> tokens;
  std::vector<std::string> errors;
  std::vector<Diagnostic> diagnostics;
};

inline Lexed lex_text(const std::string& text) {
  SourceFile file("t.scn", text);
  DiagnosticSink sink;
  Lexed out;
  out.tokens = lex(file, sink);
  out.errors = messages(sink);
  out.diagnostics = sink.all();
  return out;
}

inline std::vector<Tok> kinds(const std::vector<Token>& tokens) {
  std::vector<Tok> out;
  for (const auto& t : tokens) out.push_back(t.kind);
  return out;
}

// The declaration named `name` (first one); throws when there is none.
inline const Decl& decl_named(const Program& p, const std::string& name) {
  for (const auto& d : p.decls)
    if (d.name == name) return d;
  throw std::runtime_error("no declaration named " + name);
}

// The body of `main:`; throws when there is none.
inline const Block& main_body(const Program& p) {
  for (const auto& d : p.decls)
    if (d.kind == DeclKind::main) return d.body;
  throw std::runtime_error("no main");
}

}  // namespace interleave::test
