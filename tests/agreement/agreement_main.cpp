// The two-detector agreement test (docs/development.md). For each program (scenario files,
// generated programs) it explores with a fixed seed and run budget and compares the set of
// variables with a race seen by the built-in happens-before detector with the set seen by
// ThreadSanitizer through the bridge. Any difference fails the program. TSan's lock-order
// inversions (potential deadlocks) have no built-in counterpart: listed, never compared.
//
//   interleave_agreement --scenarios DIR            every DIR/**/*.scn
//   interleave_agreement --generated FIRST LAST     generated programs, seeds FIRST..LAST
//   options: --runs N (per program) --seed S --max-seconds S (per program) --max-steps N (per run)
//            --dump DIR (write the generated programs)
//            --list (a line per program: runs and both race sets)
//            --hb-only (no TSan needed: explore and count, compare nothing; for timing)
//            --memory rc11|tso|sc (the memory model; default: each file's, else rc11)
//
// Exit codes: 0 every program agrees, 1 a disagreement or a program that does not load,
// 2 bad command line, 77 not a TSan build (ctest SKIP_RETURN_CODE).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "interleave/explore.hpp"
#include "interleave/frontend.hpp"
#include "interleave/tsan_bridge.hpp"
#include "program_generator.hpp"

namespace {

namespace fs = std::filesystem;
using namespace interleave;

constexpr const char* hb_detector = "happens-before";
constexpr const char* tsan_detector = "tsan";

struct Options {
  std::string scenarios;
  bool generated = false;
  std::uint64_t first = 0, last = 0;
  std::uint64_t runs = 1000;
  std::uint64_t seed = 1;
  double max_seconds = 20;
  std::uint64_t max_steps = 5000;  // a longer run is a livelock; the livelock scenarios' runs dominate otherwise
  std::string dump;
  bool hb_only = false;
  bool list = false;
  std::optional<interleave::MemoryModel> memory;
};

struct Candidate {
  std::string name;   // the path, or generated-<seed>.scn
  std::string text;
  bool generated = false;
  std::uint64_t seed = 0;
};

struct Totals {
  std::uint64_t programs = 0, runs = 0, racy = 0, agreed = 0, potential_deadlocks = 0, failed = 0;
};

std::string join(const std::set<std::string>& s) {
  std::string out = "{";
  for (const auto& v : s) out += (out.size() > 1 ? ", " : "") + v;
  return out + "}";
}

// The detectors of a race finding: those the explorer noted, else the finding's own; an
// unlabelled one is the built-in detector's.
std::vector<std::string> detectors(const FoundFinding& f) {
  if (!f.found_by.empty()) return f.found_by.names();
  if (!f.finding.detector.empty()) return f.finding.detector.names();
  return {hb_detector};
}

void print_race(const Candidate& p, const FoundFinding& f) {
  std::string by;
  for (const auto& d : detectors(f)) by += (by.empty() ? "" : ", ") + d;
  std::printf("    %s  [found by: %s; first in run %llu, by %s]\n", f.finding.summary.c_str(), by.c_str(),
              static_cast<unsigned long long>(f.first_run), f.scheduler.c_str());
  for (const auto& d : f.finding.details) std::printf("      %s\n", d.c_str());
  std::printf("      replay: interleave replay %s --schedule %s\n", p.name.c_str(), f.token.c_str());
}

bool load_program(const Candidate& p, Module& out) {
  LoadResult r = load_text(p.name, p.text);
  if (!r.ok()) {
    std::printf("FAIL  %s: does not load\n%s\n", p.name.c_str(), r.render().c_str());
    if (p.generated) std::printf("--- program (seed %llu) ---\n%s---\n", static_cast<unsigned long long>(p.seed), p.text.c_str());
    return false;
  }
  out = compile(*r.program);
  return true;
}

void check(const Candidate& p, const Options& o, Totals& t) {
  ++t.programs;
  Module module;
  if (!load_program(p, module)) {
    ++t.failed;
    return;
  }
  ExploreOptions eo;
  eo.strategy = Strategy::portfolio;
  eo.seed = o.seed;
  eo.max_runs = o.runs;
  eo.max_seconds = o.max_seconds;
  eo.minimise = false;
  eo.stop_when_expected = false;
  eo.exec.tsan = !o.hb_only;
  eo.exec.max_steps = o.max_steps;
  eo.exec.memory = o.memory;
  const ExploreResult res = explore(module, eo);
  t.runs += res.runs;

  std::set<std::string> hb, ts;
  std::vector<const FoundFinding*> races, inversions;
  for (const auto& f : res.findings) {
    if (f.finding.kind == FindingKind::potential_deadlock) {
      inversions.push_back(&f);
      continue;
    }
    if (f.finding.kind != FindingKind::race) continue;
    races.push_back(&f);
    for (const auto& d : detectors(f)) {
      if (d == hb_detector) hb.insert(f.finding.variable);
      if (d == tsan_detector) ts.insert(f.finding.variable);
    }
  }
  if (!hb.empty() || !ts.empty()) ++t.racy;
  if (o.list)
    std::printf("%s: %llu runs, %.2f s, happens-before %s, tsan %s%s\n", p.name.c_str(),
                static_cast<unsigned long long>(res.runs), res.seconds, join(hb).c_str(), join(ts).c_str(),
                res.exhaustive ? " (exhaustive)" : "");
  t.potential_deadlocks += inversions.size();
  for (const auto* f : inversions)
    std::printf("potential deadlock (not compared) in %s: %s; replay: interleave replay %s --schedule %s\n", p.name.c_str(),
                f->finding.summary.c_str(), p.name.c_str(), f->token.c_str());
  if (res.stopped_by_time)
    std::printf("note: %s stopped by the %.0f s cap after %llu runs\n", p.name.c_str(), o.max_seconds,
                static_cast<unsigned long long>(res.runs));
  if (o.hb_only || hb == ts) {
    t.agreed += hb.size();
    return;
  }
  ++t.failed;
  std::printf("FAIL  %s: the detectors disagree (%llu runs, %s)\n", p.name.c_str(), static_cast<unsigned long long>(res.runs),
              res.strategy.c_str());
  std::printf("  races seen by happens-before: %s\n  races seen by tsan:           %s\n", join(hb).c_str(), join(ts).c_str());
  for (const auto* f : races) print_race(p, *f);
  if (p.generated) {
    std::printf("  reproduce: interleave_agreement --generated %llu %llu --dump DIR, then interleave check DIR/%s\n",
                static_cast<unsigned long long>(p.seed), static_cast<unsigned long long>(p.seed), p.name.c_str());
    std::printf("--- %s ---\n%s---\n", p.name.c_str(), p.text.c_str());
  }
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int usage(const std::string& why) {
  std::fprintf(stderr,
               "interleave_agreement: error: %s\n"
               "usage: interleave_agreement (--scenarios DIR | --generated FIRST LAST) [--runs N] [--seed S] "
               "[--max-seconds S] [--max-steps N] [--memory MODEL] [--dump DIR] [--list] [--hb-only]\n",
               why.c_str());
  return 2;
}

bool parse_u64(const char* s, std::uint64_t& out) {
  char* end = nullptr;
  out = std::strtoull(s, &end, 10);
  return end && *end == '\0' && end != s;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](std::uint64_t& out) {
      return i + 1 < argc && parse_u64(argv[++i], out);
    };
    if (a == "--scenarios" && i + 1 < argc) {
      o.scenarios = argv[++i];
    } else if (a == "--generated") {
      if (!value(o.first) || !value(o.last) || o.last < o.first) return usage("--generated takes FIRST LAST, FIRST <= LAST");
      o.generated = true;
    } else if (a == "--runs") {
      if (!value(o.runs) || o.runs == 0) return usage("--runs takes a positive integer");
    } else if (a == "--seed") {
      if (!value(o.seed)) return usage("--seed takes an integer");
    } else if (a == "--max-seconds") {
      std::uint64_t s = 0;
      if (!value(s) || s == 0) return usage("--max-seconds takes a positive integer");
      o.max_seconds = static_cast<double>(s);
    } else if (a == "--max-steps") {
      if (!value(o.max_steps) || o.max_steps == 0) return usage("--max-steps takes a positive integer");
    } else if (a == "--dump" && i + 1 < argc) {
      o.dump = argv[++i];
    } else if (a == "--list") {
      o.list = true;
    } else if (a == "--memory" && i + 1 < argc) {
      o.memory = memory_model_named(argv[++i]);
      if (!o.memory) return usage("--memory takes rc11, tso or sc");
    } else if (a == "--hb-only") {
      o.hb_only = true;
    } else {
      return usage("'" + a + "' is not recognised");
    }
  }
  if (o.scenarios.empty() == !o.generated) return usage("give exactly one of --scenarios DIR and --generated FIRST LAST");

  std::vector<Candidate> programs;
  std::string label;
  if (o.generated) {
    label = "generated " + std::to_string(o.first) + ".." + std::to_string(o.last);
    for (std::uint64_t s = o.first;; ++s) {
      auto g = test::generate_program(s);
      programs.push_back(Candidate{test::generated_name(s), std::move(g.text), true, s});
      if (s == o.last) break;
    }
  } else {
    label = "scenarios in " + o.scenarios;
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::recursive_directory_iterator it(o.scenarios, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file() && it->path().extension() == ".scn") files.push_back(it->path());
    if (ec || files.empty()) return usage("no *.scn files under '" + o.scenarios + "'");
    std::sort(files.begin(), files.end());
    for (const auto& f : files) programs.push_back(Candidate{f.string(), read_all(f), false, 0});
  }
  if (!o.dump.empty()) {
    fs::create_directories(o.dump);
    for (const auto& p : programs)
      if (p.generated) std::ofstream(fs::path(o.dump) / p.name, std::ios::binary) << p.text;
  }

  // Without TSan there is only one detector: comparing it with nothing would pass vacuously.
  if (!tsan::available && !o.hb_only) {
    std::printf("SKIP  agreement (%s): not a ThreadSanitizer build; run it in the tsan preset "
                "(or pass --hb-only to explore with the built-in detector alone)\n",
                label.c_str());
    return 77;
  }

  const auto start = std::chrono::steady_clock::now();
  Totals t;
  for (const auto& p : programs) check(p, o, t);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (o.memory) label += ", memory " + std::string(spelling(*o.memory));
  std::printf("agreement (%s)%s: %llu programs, %llu runs, %llu racy programs, %llu races agreed, %llu potential deadlocks, "
              "%llu failed  (%llu runs per program, seed %llu, %.1f s)\n",
              label.c_str(), o.hb_only ? " [happens-before only]" : "", static_cast<unsigned long long>(t.programs),
              static_cast<unsigned long long>(t.runs), static_cast<unsigned long long>(t.racy),
              static_cast<unsigned long long>(t.agreed), static_cast<unsigned long long>(t.potential_deadlocks),
              static_cast<unsigned long long>(t.failed), static_cast<unsigned long long>(o.runs),
              static_cast<unsigned long long>(o.seed), secs);
  return t.failed == 0 ? 0 : 1;
}
