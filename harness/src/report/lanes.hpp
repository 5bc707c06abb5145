// The lanes view of a finding's trace (docs/reports.md, "Lanes"). Internal to interleave_lib;
// the terminal report reaches it through render_finding (report.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "document.hpp"

namespace interleave {

struct LanesStyle {
  std::size_t width = 0;  // the terminal's columns; 0: unknown, cells are cut at 40 characters
  bool colour = false;    // ANSI colours (a TTY without NO_COLOR)
  std::string indent = "    ";
};

std::string render_lanes(const report_doc::FindingDoc& finding, const LanesStyle& style);
// How many lanes a trace needs: its distinct threads.
std::size_t lanes_of(const std::vector<report_doc::Step>& trace);

}  // namespace interleave
