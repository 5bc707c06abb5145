#include "transport.hpp"

#include <cctype>
#include <string_view>

namespace interleave::lsp {

namespace {

constexpr std::string_view key = "content-length:";
constexpr std::size_t max_header_bytes = 8192;  // the other header lines (Content-Type)
constexpr std::size_t max_skipped_shown = 200;

// Lines of the form "Name: value", Name of letters, digits and '-' (the headers of the
// protocol); anything else that was skipped is worth a note.
bool only_headers(std::string_view s) {
  while (!s.empty()) {
    const auto end = s.find('\n');
    std::string_view line = s.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto colon = line.find(':');
    if (!line.empty() && (colon == std::string_view::npos || colon == 0 ||
                          line.substr(0, colon).find_first_not_of(
                              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") != std::string_view::npos))
      return false;
    if (end == std::string_view::npos) break;
    s.remove_prefix(end + 1);
  }
  return true;
}

}  // namespace

Frame read_frame(std::istream& in, std::size_t limit) {
  std::string skipped;  // as sent, across header lines that were not one
  bool skipped_more = false;
  for (;;) {
    Frame f;
    // Find "Content-Length:" (headers are case-insensitive), skipping whatever precedes it.
    std::string window, lowered;
    int c = 0;
    while (lowered != key) {
      if ((c = in.get()) == std::char_traits<char>::eof()) return f;
      window.push_back(static_cast<char>(c));
      lowered.push_back(static_cast<char>(std::tolower(c)));
      if (window.size() > key.size()) {
        if (skipped.size() < max_skipped_shown) skipped.push_back(window.front());
        else skipped_more = true;
        window.erase(0, 1);
        lowered.erase(0, 1);
      }
    }
    // Bytes before the header that were not headers themselves (a body sent without one).
    if (skipped_more || !only_headers(skipped)) f.skipped = skipped + (skipped_more ? "..." : "");
    while ((c = in.get()) == ' ' || c == '\t') {
    }
    std::size_t size = 0;
    bool digits = false, overflow = false;
    for (; c >= '0' && c <= '9'; c = in.get()) {
      digits = true;
      if (size > (SIZE_MAX - 9) / 10) overflow = true;
      else size = size * 10 + static_cast<std::size_t>(c - '0');
    }
    if (c == std::char_traits<char>::eof()) return f;
    if (!digits) {  // "Content-Length: x": not a header; look for the next one
      skipped += window + static_cast<char>(c);
      continue;
    }
    if (overflow || size > limit) {
      f.status = Frame::too_large;
      f.size = overflow ? SIZE_MAX : size;
      return f;
    }
    // The rest of the header, up to the empty line (a lone "\n\n" is taken too).
    std::string rest(1, static_cast<char>(c));
    const auto ended = [&] {
      return rest.ends_with("\r\n\r\n") || rest.ends_with("\n\n");
    };
    while (rest.size() < max_header_bytes && !ended()) {
      if ((c = in.get()) == std::char_traits<char>::eof()) return f;
      rest.push_back(static_cast<char>(c));
    }
    if (!ended()) continue;  // no end of the header: look for the next one
    f.body.resize(size);
    in.read(f.body.data(), static_cast<std::streamsize>(size));
    if (static_cast<std::size_t>(in.gcount()) != size) return Frame{};
    f.status = Frame::message;
    return f;
  }
}

std::string frame(const std::string& body) {
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace interleave::lsp
