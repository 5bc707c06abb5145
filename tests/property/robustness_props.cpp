#include <catch2/catch.hpp>
#include <rapidcheck/catch.h>

#include "interleave/frontend.hpp"

// Any bytes at all: the front end returns a program or diagnostics whose positions lie in the file.
TEST_CASE("random bytes give a program or positioned diagnostics") {
  rc::prop("front end never fails on arbitrary bytes", [](const std::string& text) {
    const auto r = interleave::load_text("p.scn", text);
    if (r.ok()) return;
    RC_ASSERT(r.diagnostics.has_errors());
    for (const auto& d : r.diagnostics.all()) RC_ASSERT(d.loc.line <= r.file->line_count() + 1);
  });
}
