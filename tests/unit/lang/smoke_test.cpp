#include <catch2/catch.hpp>

#include "frontend_helpers.hpp"

TEST_CASE("the unlocked balance loads") {
  const auto r = interleave::test::load("shared balance = 0\nthread t:\n    balance = balance + 1\n");
  REQUIRE(r.ok());
}
