// What several commands share: the runtime options, and writing reports.
#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <optional>

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "commands.hpp"
#include "interleave/memory_budget.hpp"
#include "interleave/report.hpp"

namespace interleave::cli {

namespace {

// A report is written to a temporary file beside it and renamed into place, so a full
// disk or a crash leaves the old report whole, never a truncated one.
bool write_all(int fd, const std::string& text, int& err) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = n < 0 ? errno : EIO;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// The HTML report shows each scenario's source, read from the path the report names.
std::optional<std::string> read_source(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

bool write_file(const std::string& path, const std::string& text, const std::string& thing, bool keep_mode) {
  namespace fs = std::filesystem;
  const auto fail = [&](const std::string& what, int err) {
    fmt::print(stderr, "{}: error: cannot write {}: {}: {}\n", path, thing, what, std::strerror(err));
    return false;
  };
  int err = 0;
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {
    // /dev/stdout, a FIFO, a device: written in place (renaming over it would replace the
    // device node), every write checked.
    const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) return fail("cannot open", errno);
    const bool wrote = write_all(fd, text, err);
    if (::close(fd) != 0 && wrote) return fail("write failed", errno);
    return wrote || fail("write failed", err);
  }
  // A symbolic link to a report stays a link: the file it names is replaced.
  std::error_code ec;
  const fs::path target = exists ? fs::canonical(path, ec) : fs::path(path);
  if (ec) return fail("cannot resolve the path", ec.value());
  const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string temp = (folder / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return fail("cannot create a temporary file in " + folder.string(), errno);
  if (!write_all(fd, text, err)) {
    ::close(fd);
    ::unlink(temp.c_str());
    return fail("write failed", err);
  }
  // mkstemp makes the file 0600; a new file gets the usual 0666 & ~umask, a replaced one
  // (keep_mode) its old permissions.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  const mode_t mode = keep_mode && exists ? (st.st_mode & 07777) : (0666 & ~mask);
  if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0) {
    err = errno;
    ::unlink(temp.c_str());
    return fail("write failed", err);
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    err = errno;
    ::unlink(temp.c_str());
    return fail("cannot rename the temporary file into place", err);
  }
  return true;
}

namespace {

// The same file, whether or not it exists yet: "a/../x.json" and "x.json" are one path.
bool same_file(const std::string& a, const std::string& b) {
  namespace fs = std::filesystem;
  std::error_code ec1, ec2;
  if (fs::equivalent(a, b, ec1)) return true;
  const auto ca = fs::weakly_canonical(a, ec1), cb = fs::weakly_canonical(b, ec2);
  return !ec1 && !ec2 && ca == cb;
}

}  // namespace

TraceView trace_view(const TraceOptions& o) {
  TraceView v;
  const bool tty = isatty(fileno(stdout)) != 0;
  if (tty) {
    winsize ws{};
    if (ioctl(fileno(stdout), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) v.width = ws.ws_col;
    if (const char* columns = std::getenv("COLUMNS"); v.width == 0 && columns) v.width = std::strtoul(columns, nullptr, 10);
    const char* no_colour = std::getenv("NO_COLOR");  // no-color.org: set and not empty
    v.colour = !(no_colour && *no_colour);
  }
  v.style = o.lanes ? TraceView::lanes : tty ? TraceView::automatic : TraceView::table;
  return v;
}

bool check_report_paths(const std::vector<std::pair<std::string, std::string>>& outputs,
                        const std::vector<std::string>& inputs) {
  bool ok = true;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const auto& [option, path] = outputs[i];
    if (path.empty()) continue;
    for (std::size_t j = 0; j < i; ++j) {
      if (!outputs[j].second.empty() && same_file(outputs[j].second, path)) {
        fmt::print(stderr, "{}: error: {} and {} would write to the same file; give each report its own path\n",
                   path, outputs[j].first, option);
        ok = false;
      }
    }
    for (const auto& input : inputs) {
      if (same_file(input, path)) {
        fmt::print(stderr, "{}: error: {} would overwrite an input of this command; give the report another path\n",
                   path, option);
        ok = false;
        break;
      }
    }
  }
  return ok;
}

std::string render_memory_error(const SourceFile& file, const Module& module, const MemoryLimitExceeded& e,
                                std::uint64_t limit) {
  Diagnostic d;
  d.loc = module.sites.at(e.site).loc;
  d.length = static_cast<std::uint32_t>(std::max<std::size_t>(1, module.sites.at(e.site).text.size()));
  d.message = fmt::format(
      "this spawn takes the scenario's state past the memory budget: {} threads need about {} MiB, --memory-limit is "
      "{} MiB",
      e.thread_count, e.bytes >> 20, limit >> 20);
  d.help = "spawn fewer threads or processes, or raise --memory-limit (in MiB)";
  return render(file, d) + fmt::format("{}: 1 error\n", file.path());
}

bool flush_stdout(int reason) {
  errno = 0;
  const bool flushed = std::fflush(stdout) == 0;
  const int err = reason != 0 ? reason : errno;
  if (flushed && !std::ferror(stdout)) return true;
  static bool said = false;  // once, whichever write failed first
  if (!said) fmt::print(stderr, "interleave: error: cannot write to standard output: {}\n",
                        std::strerror(err != 0 ? err : EIO));
  said = true;
  return false;
}

ExecOptions exec_options(const RunOptions& o) {
  ExecOptions e;
  e.memory_limit = o.memory_limit_mib != 0 ? o.memory_limit_mib << 20 : default_memory_limit();
  e.max_steps = o.max_steps;
  e.spurious_wakeups = o.spurious_wakeups;
  if (!o.memory.empty()) e.memory = memory_model_named(o.memory);
  e.tsan = !o.no_tsan;
  return e;
}

ExecOptions exec_options(const RunOptions& o, const Module& m) {
  ExecOptions e = exec_options(o);
  if (!o.max_steps_given && m.max_steps) e.max_steps = *m.max_steps;
  if (!o.spurious_wakeups_given && m.spurious_wakeups) e.spurious_wakeups = *m.spurious_wakeups;
  return e;
}

std::vector<std::string> replay_flags(const RunOptions& o, const Module& m) {
  std::vector<std::string> out;
  const std::uint64_t file_steps = m.max_steps.value_or(ExecOptions{}.max_steps);
  if (o.max_steps_given && o.max_steps != file_steps) out.push_back(fmt::format("--max-steps {}", o.max_steps));
  const bool file_spurious = m.spurious_wakeups.value_or(false);
  if (o.spurious_wakeups_given && o.spurious_wakeups != file_spurious)
    out.push_back(o.spurious_wakeups ? "--spurious-wakeups" : "--no-spurious-wakeups");
  if (!o.memory.empty()) out.push_back("--memory " + o.memory);
  return out;
}

// Writes the reports a command asked for, from one JSON report document.
bool write_reports(const std::string& json_doc, const ReportPaths& p) {
  bool ok = true;
  try {
    if (!p.json.empty()) ok = write_file(p.json, json_doc, "the report") && ok;
    if (!p.junit.empty()) ok = write_file(p.junit, junit_report(json_doc), "the report") && ok;
    if (!p.sarif.empty()) ok = write_file(p.sarif, sarif_report(json_doc), "the report") && ok;
    if (!p.summary.empty()) ok = write_file(p.summary, summary_report(json_doc), "the report") && ok;
    if (!p.html.empty()) ok = write_file(p.html, html_report(json_doc, read_source), "the report") && ok;
    if (!p.dot.empty()) ok = write_file(p.dot, dot_report(json_doc), "the report") && ok;
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: cannot write the reports: {}\n", e.what());
    return false;
  }
  return ok;
}

}  // namespace interleave::cli
