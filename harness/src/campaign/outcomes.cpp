// Classification of observe tuples by the scenario's `outcome` lines (outcomes.hpp).
#include "interleave/outcomes.hpp"

#include <fmt/format.h>

#include "../model/findings.hpp"

namespace interleave {

std::string_view spelling(OutcomeClass c) {
  switch (c) {
    case OutcomeClass::unclassified: return "unclassified";
    case OutcomeClass::acceptable: return "acceptable";
    case OutcomeClass::interesting: return "interesting";
    case OutcomeClass::forbidden: return "forbidden";
  }
  return "?";
}

const Outcome* find_outcome(const Module& m, const std::vector<std::int64_t>& tuple) {
  for (const Outcome& o : m.outcomes)
    if (o.values == tuple) return &o;
  return m.other_outcomes ? &*m.other_outcomes : nullptr;
}

OutcomeClass classify(const Module& m, const std::vector<std::int64_t>& tuple) {
  const Outcome* o = find_outcome(m, tuple);
  return o ? o->cls : OutcomeClass::unclassified;
}

std::string format_tuple(const std::vector<std::int64_t>& tuple) {
  std::string s;
  for (std::size_t i = 0; i < tuple.size(); ++i) s += fmt::format("{}{}", i ? ", " : "", tuple[i]);
  return s;
}

std::string observe_label(const Module& m) {
  std::string label;
  for (const Property& p : m.properties) {
    if (p.kind != DeclKind::observe) continue;
    // The observe's site text is "observe EXPR"; each expression has its own property.
    const std::string& text = m.sites[p.site].text;
    label += (label.empty() ? "" : ", ") + (text.rfind("observe ", 0) == 0 ? text.substr(8) : text);
  }
  return label;
}

std::optional<Finding> forbidden_outcome(const Module& m, const std::vector<std::int64_t>& tuple) {
  const Outcome* o = find_outcome(m, tuple);
  if (!o || o->cls != OutcomeClass::forbidden) return std::nullopt;
  return findings::forbidden(observe_label(m), format_tuple(tuple), o->description, findings::place(m, o->site));
}

}  // namespace interleave
