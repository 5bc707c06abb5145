// One self-contained HTML page from the JSON report (docs/reports.md, "HTML report"):
// inline CSS, a little inline JS (copy buttons, a self-check the browser test reads) and
// an SVG swimlane per finding. A Content-Security-Policy forbids every fetch, so a page
// that tried one would show a console error.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "document.hpp"
#include "interleave/report.hpp"
#include "timeline.hpp"

namespace interleave {

namespace {

using namespace report_doc;
using timeline::Event;
using timeline::Op;

// The timeline draws at most this many steps; the trace table below it has them all.
constexpr std::size_t max_drawn_steps = 400;
constexpr double lane_w = 260, left = 48, top = 44, row_h = 26, label_chars = 30;
// Within a lane: the held-mutex name, the band and the step circle, then the step's text.
constexpr double step_at = 40;

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // Control characters are not allowed in HTML text; tab and line breaks are.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') out += ' ';
        else out += c;
    }
  }
  return out;
}

// A label cut to fit its lane, on a UTF-8 boundary.
std::string cut(const std::string& s, std::size_t n) {
  if (s.size() <= n) return s;
  std::size_t end = n - 1;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end) + "\xE2\x80\xA6";  // …
}

std::string plural(std::uint64_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

const char* const css = R"CSS(
:root{--fg:#1b1f24;--muted:#57606a;--bg:#fff;--line:#d0d7de;--pass:#116329;--fail:#b3261e;--warn:#8a5a00;
--accent:#0b57d0;--sync:#0b57d0;--race:#c5221f;--held:#e8f0fe;--lane:#f6f8fa}
*{box-sizing:border-box}
body{font:1rem/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;
max-width:72rem;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.3rem;margin-top:2rem;border-bottom:1px solid var(--line)}
h3{font-size:1.1rem;margin-top:1.5rem}
code,pre{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9em}
pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}
.meta{color:var(--muted)}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5rem 0}
th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:var(--lane)}
table.scenarios{width:100%}table.scenarios td:last-child{overflow-wrap:anywhere;min-width:8em}
table.scenarios code{overflow-wrap:anywhere}
figure{margin:1rem 0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.verdict{font-weight:700;padding:0 .4em;border-radius:.3em;border:2px solid currentColor}
.verdict.pass{color:var(--pass)}.verdict.fail{color:var(--fail)}
.tag{font-size:.8em;font-weight:700;padding:0 .4em;border-radius:.3em;border:1px solid currentColor}
.tag.expected{color:var(--muted)}.tag.unexpected{color:var(--fail)}
.finding{border:1px solid var(--line);border-radius:.5rem;padding:0 1rem 1rem;margin:1rem 0}
.problems li,.notes li{color:var(--fail)}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-100vw}.skip:focus{left:1rem;top:1rem;background:var(--bg);padding:.5rem}
svg.swimlanes{display:block;height:auto;width:100%;font-family:ui-monospace,"DejaVu Sans Mono",monospace}
svg .lane-bg{fill:var(--lane)}svg .lane-name{font-weight:700;font-size:13px}
svg .lane-line{stroke:var(--line);stroke-width:2}
svg .held{fill:var(--held);stroke:#a8c7fa}
svg .held-label{font-size:9px;fill:var(--accent)}
svg .step circle{fill:#fff;stroke:var(--fg);stroke-width:1.5}
svg .step text{font-size:11px}svg .stepno{font-size:10px;fill:var(--muted)}
svg .final{font-size:11px;font-style:italic;fill:var(--muted)}
svg .step:focus{outline:none}svg .step:focus circle{stroke:var(--accent);stroke-width:4}
svg .step.memory circle{fill:#fff8c5}
svg .step.race circle,svg .step.lost circle{stroke:var(--race);stroke-width:3;fill:#fde7e9}
svg .step.race text,svg .step.lost text{fill:var(--race);font-weight:700}
svg .edge{fill:none;stroke:var(--sync);stroke-width:1.5}
svg .edge.missing{stroke:var(--race);stroke-dasharray:5 4;stroke-width:2}
svg .missing-label{fill:var(--race);font-size:11px;font-weight:700}
svg .preempt{stroke:var(--warn);stroke-width:2;fill:none}
svg .preempt-label{fill:var(--warn);font-size:10px}
svg .arrow{fill:var(--sync)}svg .arrow.missing{fill:var(--race)}
.legend{font-size:.85em;color:var(--muted)}
.source .ln{color:var(--muted);display:inline-block;min-width:3ch;text-align:right;margin-right:1ch;user-select:none}
.source .hl{background:#fff3b0;display:inline-block;width:100%;font-weight:700}
.replay{display:flex;gap:.5rem;align-items:flex-start;flex-wrap:wrap;background:var(--lane);padding:.5rem;border-radius:.4rem}
.replay pre{flex:1 1 20rem}
button{font:inherit;padding:.2rem .8rem;cursor:pointer}
.bar{display:inline-block;width:10rem;max-width:40vw;height:1em;background:var(--lane);border:1px solid var(--line);
vertical-align:middle}
.fill{display:block;height:100%;background:var(--accent)}
tr.forbidden .fill{background:var(--fail)}tr.interesting .fill{background:var(--warn)}
tr.forbidden td:first-child{color:var(--fail);font-weight:700}
)CSS";

// Copy buttons, and the self-check: each finding's drawn lanes and steps and each
// histogram's rows, written into #selftest for the browser test (tests/browser/).
const char* const js = R"JS(
(function(){
  var errors=[];
  window.addEventListener('error',function(e){errors.push(String(e.message));});
  document.querySelectorAll('button.copy').forEach(function(b){
    b.addEventListener('click',function(){
      var code=document.getElementById(b.getAttribute('data-target'));
      function done(){b.textContent='Copied';setTimeout(function(){b.textContent='Copy';},1500);}
      function select(){var r=document.createRange();r.selectNodeContents(code);var s=window.getSelection();
        s.removeAllRanges();s.addRange(r);try{document.execCommand('copy');done();}catch(x){}}
      if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(code.textContent).then(done,select);}
      else select();
    });
  });
  function check(){
    var out={findings:[],histograms:[],errors:errors,overflow:false};
    document.querySelectorAll('article.finding').forEach(function(a){
      var svg=a.querySelector('svg.swimlanes');
      var r={id:a.id,lanes:0,steps:0,drawn:false};
      if(svg){
        var lanes=svg.querySelectorAll('.lane'),steps=svg.querySelectorAll('.step');
        r.lanes=lanes.length;r.steps=steps.length;
        r.drawn=svg.getBoundingClientRect().width>0&&Array.prototype.every.call(lanes,function(l){return l.getBBox().height>0;})
          &&Array.prototype.every.call(steps,function(s){return s.getBBox().width>0;});
      }
      out.findings.push(r);
    });
    document.querySelectorAll('section.histogram').forEach(function(h){
      var rows=h.querySelectorAll('tr.outcome'),bars=0,drawn=true;
      rows.forEach(function(tr){tr.querySelectorAll('.bar').forEach(function(b){bars++;
        var w=b.querySelector('.fill').getBoundingClientRect().width;
        if(Number(b.getAttribute('data-count'))>0&&!(w>0))drawn=false;});});
      out.histograms.push({id:h.id,rows:rows.length,bars:bars,drawn:drawn});
    });
    out.overflow=document.documentElement.scrollWidth>document.documentElement.clientWidth+1;
    document.getElementById('selftest').textContent=JSON.stringify(out);
  }
  if(document.readyState==='complete')check();else window.addEventListener('load',check);
})();
)JS";

double lane_x(std::size_t lane) { return left + lane_w * static_cast<double>(lane) + step_at; }
double row_y(std::size_t row) { return top + row_h * static_cast<double>(row) + row_h / 2; }

std::string swimlanes(const std::string& id, const FindingDoc& f, const timeline::Timeline& t) {
  const std::size_t shown = std::min(t.events.size(), max_drawn_steps);
  const std::size_t n = t.lanes.size();
  const double width = left + lane_w * static_cast<double>(n) + 8;
  // A last row for each thread's state after the trace (ended, waits forever...).
  const bool finals = shown == t.events.size() &&
                      std::any_of(t.final_state.begin(), t.final_state.end(), [](const std::string& s) { return !s.empty(); });
  const double height = top + row_h * static_cast<double>(shown + (finals ? 1 : 0)) + 12;
  std::string out = fmt::format(
      "<svg class=\"swimlanes\" viewBox=\"0 0 {0} {1}\" style=\"min-width:{2}em;max-width:{6}em\" role=\"group\" "
      "aria-label=\"{3}: {4} in {5} lanes\" xmlns=\"http://www.w3.org/2000/svg\">\n",
      width, height, 12 * n, esc(f.summary), esc(plural(shown, "step")), n, 4 + 16 * n);
  out += fmt::format("<defs><marker id=\"{0}-a\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
                     "markerHeight=\"7\" orient=\"auto-start-reverse\"><path class=\"arrow\" d=\"M0 0L10 5L0 10z\"/>"
                     "</marker><marker id=\"{0}-m\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
                     "markerHeight=\"7\" orient=\"auto-start-reverse\"><path class=\"arrow missing\" "
                     "d=\"M0 0L10 5L0 10z\"/></marker></defs>\n", id);
  for (std::size_t l = 0; l < n; ++l) {
    const double x0 = left + lane_w * static_cast<double>(l);
    out += fmt::format("<g class=\"lane\" data-lane=\"{}\"><rect class=\"lane-bg\" x=\"{}\" y=\"4\" width=\"{}\" height=\"{}\" "
                       "rx=\"6\"/><text class=\"lane-name\" x=\"{}\" y=\"26\">{}</text>"
                       "<line class=\"lane-line\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/></g>\n",
                       esc(t.lanes[l]), x0 + 3, lane_w - 6, height - 8, x0 + 12, esc(cut(t.lanes[l], 26)), lane_x(l),
                       top, lane_x(l), height - 8);
  }
  // Who holds which mutex: a band along the holder's lane from taking it to giving it back.
  std::map<std::pair<std::size_t, std::string>, std::size_t> taken;
  auto band = [&](std::size_t lane, const std::string& m, std::size_t from, std::size_t to) {
    const double y0 = row_y(from) - 8, y1 = row_y(to) + 8;
    out += fmt::format("<g class=\"held-by\"><title>{} holds {} (steps {}-{})</title><rect class=\"held\" x=\"{}\" y=\"{}\" "
                       "width=\"20\" height=\"{}\" rx=\"4\"/><text class=\"held-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text></g>\n",
                       esc(t.lanes[lane]), esc(m), t.events[from].step, t.events[to].step, lane_x(lane) - 10, y0,
                       y1 - y0, lane_x(lane) - 12, y0 + 12, esc(cut(m, 5)));
  };
  for (std::size_t k = 0; k < shown; ++k) {
    const Event& e = t.events[k];
    const bool take = e.op == Op::lock || e.op == Op::try_lock || e.op == Op::wake;
    const bool give = e.op == Op::unlock || e.op == Op::wait;
    const std::string& m = e.op == Op::wait || e.op == Op::wake ? e.mutex : e.object;
    if (take) taken[{e.lane, m}] = k;
    if (give) {
      if (auto it = taken.find({e.lane, m}); it != taken.end()) {
        band(e.lane, m, it->second, k);
        taken.erase(it);
      }
    }
  }
  for (const auto& [key, from] : taken) band(key.first, key.second, from, shown - 1);
  // Synchronises-with edges, from the releasing step to the acquiring one.
  for (const auto& edge : t.sync) {
    if (edge.from >= shown || edge.to >= shown) continue;
    const Event& a = t.events[edge.from];
    const Event& b = t.events[edge.to];
    const double x1 = lane_x(a.lane), y1 = row_y(edge.from), x2 = lane_x(b.lane), y2 = row_y(edge.to);
    const double dx = x2 > x1 ? -8 : 8;
    out += fmt::format("<path class=\"edge sync\" d=\"M{} {}C{} {} {} {} {} {}\" marker-end=\"url(#{}-a)\"><title>{}</title>"
                       "</path>\n", x1, y1, (x1 + x2) / 2, y1, (x1 + x2) / 2, y2, x2 + dx, y2, id, esc(edge.label));
  }
  if (t.race && t.race->second < shown) {
    const Event& a = t.events[t.race->first];
    const Event& b = t.events[t.race->second];
    const double x1 = lane_x(a.lane), y1 = row_y(a.index), x2 = lane_x(b.lane), y2 = row_y(b.index);
    const double bend = std::max(x1, x2) + lane_w * 0.35;
    out += fmt::format("<path class=\"edge missing\" d=\"M{} {}C{} {} {} {} {} {}\" marker-end=\"url(#{}-m)\"><title>missing "
                       "happens-before edge: {}</title></path><text class=\"missing-label\" x=\"{}\" y=\"{}\">no "
                       "happens-before</text>\n", x1 + 8, y1, bend, y1, bend, y2, x2 + 8, y2, id, esc(t.race->missing),
                       std::min(bend, width - 110), (y1 + y2) / 2);
  }
  for (std::size_t k = 0; k < shown; ++k) {
    const Event& e = t.events[k];
    const double y = row_y(k);
    if (e.preempted_lane) {
      const double px = lane_x(*e.preempted_lane);
      out += fmt::format("<g class=\"preemption\"><title>step {}: {} preempts {}</title><path class=\"preempt\" d=\"M{} {}l6 -6l6 "
                         "6l6 -6l6 6\"/><text class=\"preempt-label\" x=\"{}\" y=\"{}\">preempted</text></g>\n",
                         e.step, esc(t.lanes[e.lane]), esc(t.lanes[*e.preempted_lane]), px - 12, y + 3, px + 16, y + 4);
    }
    std::string cls = "step";
    if (timeline::is_memory(e.op)) cls += " memory";
    if (e.race >= 0) cls += " race";
    if (e.lost_notify) cls += " lost";
    std::string text = timeline::label(e);
    if (e.race >= 0) text = "RACE " + text;
    if (e.lost_notify) text = "LOST " + text;
    const std::string full = fmt::format("step {}, {}, line {}: {} ({})", e.step, t.lanes[e.lane], e.line,
                                         timeline::label(e), e.source ? e.source->statement : "");
    out += fmt::format("<text class=\"stepno\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", left - 8, y + 4, e.step);
    out += fmt::format("<g class=\"{}\" tabindex=\"0\" aria-label=\"{}\"><title>{}</title><circle cx=\"{}\" cy=\"{}\" r=\"6\"/>"
                       "<text x=\"{}\" y=\"{}\">{}</text></g>\n",
                       cls, esc(full), esc(full), lane_x(e.lane), y, lane_x(e.lane) + 10, y + 4,
                       esc(cut(text, static_cast<std::size_t>(label_chars))));
  }
  if (finals)
    for (std::size_t l = 0; l < n; ++l)
      if (!t.final_state[l].empty())
        out += fmt::format("<text class=\"final\" x=\"{}\" y=\"{}\">{}</text>\n", lane_x(l) + 10, row_y(shown) + 4,
                           esc(cut("then: " + t.final_state[l], static_cast<std::size_t>(label_chars))));
  return out + "</svg>\n";
}

std::string source_block(const std::string& id, const std::string& text, const std::set<std::int64_t>& lines) {
  std::string out = "<pre class=\"source\"><code>";
  std::size_t start = 0;
  std::int64_t number = 1;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end == text.size() && start == end) break;  // no empty line after the last newline
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const bool hl = lines.count(number) > 0;
    out += fmt::format("<span{} id=\"{}-L{}\"><span class=\"ln\">{}</span>{}</span>\n", hl ? " class=\"hl\"" : "", id, number,
                       number, esc(line));
    start = end + 1;
    ++number;
  }
  return out + "</code></pre>\n";
}

std::string trace_table(const FindingDoc& f) {
  std::string out = "<div class=\"scroll\"><table class=\"trace\"><thead><tr><th scope=\"col\">step</th><th scope=\"col\">thread"
                    "</th><th scope=\"col\">line</th><th scope=\"col\">what</th><th scope=\"col\">statement</th></tr></thead>"
                    "<tbody>\n";
  for (const auto& s : f.trace)
    out += fmt::format("<tr><td class=\"num\">{}</td><td>{}{}</td><td class=\"num\">{}</td><td><code>{}</code></td><td><code>{}"
                       "</code></td></tr>\n", s.step, esc(s.thread), s.preempts.empty() ? std::string() : " (preempts " + esc(s.preempts) + ")", s.line, esc(s.effect),
                       esc(s.statement));
  out += "</tbody></table></div>\n";
  if (f.trace_truncated) out += "<p class=\"meta\">The report keeps the first steps only; the replay command shows every step.</p>\n";
  return out;
}

std::string finding_article(const std::string& id, const ScenarioDoc& s, const FindingDoc& f,
                            const std::optional<std::string>& source) {
  const timeline::Timeline t = timeline::build(f);
  const std::size_t drawn = std::min(t.events.size(), max_drawn_steps);
  std::string out = fmt::format("<article class=\"finding\" id=\"{}\" data-lanes=\"{}\" data-steps=\"{}\" aria-labelledby=\"{}-h\">\n",
                                id, t.lanes.size(), drawn, id);
  const bool says_kind = f.summary.compare(0, f.kind.size(), f.kind) == 0;  // "deadlock: 2 threads..."
  out += fmt::format("<h3 id=\"{}-h\">{}{} <span class=\"tag {}\">{}</span></h3>\n", id, says_kind ? "" : esc(f.kind) + ": ",
                     esc(f.summary),
                     f.expected ? "expected" : "unexpected", f.expected ? "expected" : "NOT expected");
  out += "<ul class=\"details\">\n";
  for (const auto& d : f.details) out += "<li>" + esc(d) + "</li>\n";
  out += "</ul>\n";
  out += fmt::format("<p class=\"meta\">first seen in run {} ({}), in {} in all; interleaving of {}, {}</p>\n", f.first_run,
                     esc(f.scheduler), plural(f.occurrences, "run"), plural(f.steps, "step"),
                     plural(f.preemptions, "preemption"));
  if (!t.events.empty()) {
    out += "<figure class=\"timeline\"><div class=\"scroll\">\n" + swimlanes(id, f, t) + "</div>\n";
    out += fmt::format("<figcaption class=\"legend\">Threads as lanes, steps top to bottom ({}{}). Blue arrows: "
                       "synchronises-with edges; shaded bands: a mutex held; zigzag: a preemption; red: the racing "
                       "accesses, a lost notify and the missing happens-before edge. Each step can be focused with "
                       "the keyboard and shows its statement.</figcaption></figure>\n",
                       plural(drawn, "step"), drawn < t.events.size() ? fmt::format(" of {}", t.events.size()) : "");
    if (!t.notes.empty()) {
      out += "<ul class=\"notes\">\n";
      for (const auto& n : t.notes) out += "<li>" + esc(n) + "</li>\n";
      out += "</ul>\n";
    }
  } else {
    out += "<p>Seen on real threads by the stress runtime only: there is no interleaving to draw.</p>\n";
  }
  if (source) {
    std::set<std::int64_t> lines;
    for (const auto& l : f.locations) lines.insert(l.line);
    if (t.race) {
      lines.insert(t.events[t.race->first].line);
      lines.insert(t.events[t.race->second].line);
    }
    for (const Event& e : t.events)
      if (e.lost_notify) lines.insert(e.line);
    out += fmt::format("<details open><summary>Source <code>{}</code> (the lines involved highlighted)</summary>\n{}</details>\n",
                       esc(s.file), source_block(id, *source, lines));
  }
  if (!f.trace.empty())
    out += fmt::format("<details><summary>Minimised trace ({})</summary>\n{}</details>\n", plural(f.trace.size(), "step"),
                       trace_table(f));
  out += fmt::format("<div class=\"replay\"><pre><code id=\"{0}-replay\">{1}</code></pre><button type=\"button\" class=\"copy\" "
                     "data-target=\"{0}-replay\" aria-label=\"Copy the replay command\">Copy</button></div>\n",
                     id, esc(f.replay_command));
  return out + "</article>\n";
}

std::string tuple_text(const std::vector<std::int64_t>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + std::to_string(values[i]);
  return out;
}

std::string histogram(const std::string& id, const ScenarioDoc& s) {
  const bool stress = s.stress_runs.has_value();
  bool classified = false;
  std::uint64_t total = 0, stress_total = 0;
  for (const auto& o : s.observations) {
    total += o.count;
    stress_total += o.stress_count.value_or(0);
    classified = classified || o.raw.contains("class");
  }
  auto bar = [](std::uint64_t n, std::uint64_t of) {
    const double pct = of == 0 ? 0.0 : 100.0 * static_cast<double>(n) / static_cast<double>(of);
    // A rare outcome still gets a visible sliver: it happened, and that is the point.
    const std::string width = n == 0 ? std::string("0") : fmt::format("max(.25em, {:.3f}%)", pct);
    return fmt::format("<span class=\"bar\" data-count=\"{}\" role=\"img\" aria-label=\"{:.2f}%\"><span class=\"fill\" "
                       "style=\"width:{}\"></span></span> {} ({:.2f}%)", n, pct, width, n, pct);
  };
  std::string out = fmt::format("<section class=\"histogram\" id=\"{}-obs\" aria-labelledby=\"{}-obs-h\">\n<h3 id=\"{}-obs-h\">"
                                "Observed outcomes</h3>\n<p class=\"meta\">controlled runtime: {} finished{}</p>\n",
                                id, id, id, plural(total, "run"),
                                stress ? fmt::format("; stress runtime: {}, {} finished", plural(*s.stress_runs, "run"),
                                                     stress_total) : "");
  out += "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">outcome</th>";
  if (classified) out += "<th scope=\"col\">class</th>";
  out += "<th scope=\"col\">controlled</th>";
  if (stress) out += "<th scope=\"col\">stress</th>";
  if (classified) out += "<th scope=\"col\">description</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& o : s.observations) {
    const std::string cls = o.raw.contains("class") && o.raw["class"].is_string() ? o.raw["class"].get<std::string>() : "";
    out += fmt::format("<tr class=\"outcome {}\"><td><code>{}</code></td>", esc(cls), esc(tuple_text(o.values)));
    if (classified) out += "<td>" + esc(cls) + "</td>";
    out += "<td>" + bar(o.count, total) + "</td>";
    if (stress) out += "<td>" + bar(o.stress_count.value_or(0), stress_total) + "</td>";
    if (classified) {
      const std::string d = o.raw.contains("description") && o.raw["description"].is_string()
                                ? o.raw["description"].get<std::string>() : "";
      out += "<td>" + esc(d) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table></div>\n</section>\n";
}

}  // namespace

std::string html_report(const std::string& json_report, const SourceReader& read_source) {
  const ReportDoc r = read_report(json_report);
  const auto failing = static_cast<std::size_t>(
      std::count_if(r.scenarios.begin(), r.scenarios.end(), [](const ScenarioDoc& s) { return !s.pass; }));
  const std::string headline = r.scenarios.empty() ? std::string("no scenarios")
                               : failing == 0     ? fmt::format("all {} pass", plural(r.scenarios.size(), "scenario"))
                                                  : fmt::format("{} of {} fail", failing, plural(r.scenarios.size(), "scenario"));
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
                    "script-src 'unsafe-inline'; img-src data:\">\n";
  out += "<title>Interleave report: " + esc(headline) + "</title>\n<style>" + css + "</style>\n</head>\n<body>\n";
  out += "<a class=\"skip\" href=\"#scenarios\">Skip to the scenarios</a>\n<header>\n<h1>Interleave report: " + esc(headline) +
         "</h1>\n";
  if (!r.command.empty() || r.has_campaign) {
    std::string meta = r.command.empty() ? std::string("report") : "interleave " + r.command;
    if (r.has_campaign) meta += fmt::format(", seed {}, a budget of {} per scenario", r.seed, plural(r.runs, "run"));
    if (r.has_shard && r.shard_count > 1) meta += fmt::format(", shard {} of {}", r.shard_index + 1, r.shard_count);
    out += "<p class=\"meta\">" + esc(meta) + "</p>\n";
  }
  out += "</header>\n<main>\n<section id=\"scenarios\" aria-labelledby=\"scenarios-h\">\n<h2 id=\"scenarios-h\">Scenarios</h2>\n";
  out += "<div class=\"scroll\"><table class=\"scenarios\"><thead><tr><th scope=\"col\">scenario</th><th scope=\"col\">verdict</th>"
         "<th scope=\"col\">found</th><th scope=\"col\">expected</th><th scope=\"col\">runs</th><th scope=\"col\">strategy</th>"
         "</tr></thead><tbody>\n";
  for (std::size_t i = 0; i < r.scenarios.size(); ++i) {
    const auto& s = r.scenarios[i];
    out += fmt::format("<tr class=\"{0}\"><td><a href=\"#s{1}\">{2}</a><br><code>{3}</code></td><td><span class=\"verdict {0}\">{0}"
                       "</span></td><td>{4}</td><td>{5}</td><td class=\"num\">{6}</td><td>{7}</td></tr>\n",
                       s.pass ? "pass" : "fail", i + 1, esc(s.scenario), esc(s.file), esc(kinds_or_clean(s.found_detail)),
                       esc(kinds_or_clean(s.expected_detail)), s.runs, esc(s.strategy));
  }
  out += "</tbody></table></div>\n</section>\n";
  for (std::size_t i = 0; i < r.scenarios.size(); ++i) {
    const auto& s = r.scenarios[i];
    const std::string id = fmt::format("s{}", i + 1);
    out += fmt::format("<section class=\"scenario\" id=\"{0}\" aria-labelledby=\"{0}-h\">\n<h2 id=\"{0}-h\">{1} <span class=\"verdict "
                       "{2}\">{2}</span></h2>\n", id, esc(s.scenario), s.pass ? "pass" : "fail");
    out += fmt::format("<p class=\"meta\"><code>{}</code>: found {}; expected {}; {}, {:.2f} s; {}</p>\n", esc(s.file),
                       esc(kinds_or_clean(s.found_detail)), esc(kinds_or_clean(s.expected_detail)), plural(s.runs, "run"), s.seconds,
                       esc(s.strategy));
    if (!s.problems.empty()) {
      out += "<ul class=\"problems\">\n";
      for (const auto& p : s.problems) out += "<li>" + esc(p) + "</li>\n";
      out += "</ul>\n";
    }
    for (const auto& n : s.notes) out += "<p class=\"meta\">note: " + esc(n) + "</p>\n";
    const std::optional<std::string> source = read_source && !s.findings.empty() ? read_source(s.file) : std::nullopt;
    for (std::size_t j = 0; j < s.findings.size(); ++j)
      out += finding_article(fmt::format("{}-f{}", id, j + 1), s, s.findings[j], source);
    if (!s.observations.empty()) out += histogram(id, s);
    out += "</section>\n";
  }
  out += "</main>\n<output id=\"selftest\" hidden></output>\n<script>" + std::string(js) + "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace interleave
