// Printer: the canonical form of every construct, minimal parentheses, and the round trip
// print(parse(print(x))) == print(x) on every scenario file of the repository.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "frontend_helpers.hpp"
#include "interleave/printer.hpp"

using namespace interleave;
using interleave::test::main_body;
using interleave::test::messages;
using interleave::test::parse_only;

namespace {

// The canonical text of a file, or its errors.
std::string canonical(const std::string& text) {
  const auto r = parse_only(text);
  if (!r.ok()) {
    std::string out = "errors:\n";
    for (const auto& m : messages(r)) out += m + "\n";
    return out;
  }
  return print(*r.program);
}

// The canonical text of one expression, written as the value of a let.
std::string expr(const std::string& src) {
  const auto r = parse_only("main:\n    let v = " + src + "\n");
  if (!r.ok()) return "error";
  return print(*main_body(*r.program).at(0).value);
}

// The canonical text of a main body (lines indented by four spaces).
std::string body(const std::string& lines) { return canonical("main:\n" + lines); }

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("printer: declarations in canonical form, with blank lines between groups and around bodies",
          "[printer]") {
  const std::string text =
      "scenario   demo\nabout   \"say \\\"hi\\\" \\\\ there\"\nconst N=1_000\nconst M = N*2\nshared  balance=0\n"
      "shared slots[N] = -1\natomic ready = 0\nmutex m\nmutex lock\ncond c\nsemaphore s = 2\nqueue q[ 4 ]\n"
      "thread worker:\n  yield\nthread run( a,b ):\n  yield\nthread empty():\n  yield\nprocess child:\n  yield\n"
      "fn f():\n  return\nfn g(x):\n  return x\nmain:\n  yield\nfinal balance==0   \"msg\"\nalways ready<=1\n"
      "observe balance,slots[0]\nexpect race on balance\nexpect failure\nexpect crash\n";
  CHECK(canonical(text) ==
        "scenario demo\n\nabout \"say \\\"hi\\\" \\\\ there\"\n\nconst N = 1000\nconst M = N * 2\n\n"
        "shared balance = 0\nshared slots[N] = -1\n\natomic ready = 0\n\nmutex m\nmutex lock\n\ncond c\n\n"
        "semaphore s = 2\n\nqueue q[4]\n\nthread worker:\n    yield\n\nthread run(a, b):\n    yield\n\n"
        "thread empty:\n    yield\n\nprocess child:\n    yield\n\nfn f():\n    return\n\nfn g(x):\n    return x\n\n"
        "main:\n    yield\n\nfinal balance == 0 \"msg\"\n\nalways ready <= 1\n\nobserve balance, slots[0]\n\n"
        "expect race on balance\nexpect failure\nexpect crash\n");
}

TEST_CASE("printer: statements in canonical form with four-space indentation", "[printer]") {
  CHECK(body("  let  x=1\n  x = x+1\n  data[ i ]=data[i-1]\n  f( 1,2 )\n  m.lock( )\n  x.store(1,release)\n") ==
        "main:\n    let x = 1\n    x = x + 1\n    data[i] = data[i - 1]\n    f(1, 2)\n    m.lock()\n"
        "    x.store(1, release)\n");
  CHECK(body("  if a:\n    yield\n  elif b:\n    fence\n  else:\n    crash \"no\"\n") ==
        "main:\n    if a:\n        yield\n    elif b:\n        fence\n    else:\n        crash \"no\"\n");
  CHECK(body("  while not done:\n   break\n  repeat N:\n   continue\n  for i in range( 4 ):\n   yield\n"
             "  for j in range(1,N):\n   yield\n") ==
        "main:\n    while not done:\n        break\n    repeat N:\n        continue\n    for i in range(4):\n"
        "        yield\n    for j in range(1, N):\n        yield\n");
  CHECK(body("  with m:\n          yield\n  return\n  return 1\n") ==
        "main:\n    with m:\n        yield\n    return\n    return 1\n");
  CHECK(body("  assert x\n  assert x==1 \"x is one\"\n  print \"a\",x,thread_name()\n  yield\n  sleep 1000us\n"
             "  sleep 1500us\n  fence\n  crash\n") ==
        "main:\n    assert x\n    assert x == 1 \"x is one\"\n    print \"a\", x, thread_name()\n    yield\n"
        "    sleep 1ms\n    sleep 1500us\n    fence\n    crash\n");
  CHECK(body("  let t = spawn w(1,2) as \"W\"\n  spawn w( )\n  join t\n  let r = join t\n  t = spawn w()\n") ==
        "main:\n    let t = spawn w(1, 2) as \"W\"\n    spawn w()\n    join t\n    let r = join t\n"
        "    t = spawn w()\n");
}

TEST_CASE("printer: comments and blank lines are dropped", "[printer]") {
  CHECK(canonical("# header\n\nmutex m   # the lock\n\n\nmain:\n    # inside\n    yield  # trailing\n\n") ==
        "mutex m\n\nmain:\n    yield\n");
}

TEST_CASE("printer: print_stmt_head prints the statement's own line only", "[printer]") {
  const auto r = parse_only("main:\n    while x < 3:\n        yield\n    if a:\n        yield\n    else:\n        fence\n");
  REQUIRE(r.ok());
  const auto& b = main_body(*r.program);
  CHECK(print_stmt_head(b.at(0)) == "while x < 3:");
  CHECK(print_stmt_head(b.at(1)) == "if a:");
}

TEST_CASE("printer: quote() escapes quotes and backslashes only", "[printer]") {
  CHECK(quote("plain") == "\"plain\"");
  CHECK(quote("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(quote("a\\b") == "\"a\\\\b\"");
  CHECK(quote("") == "\"\"");
  CHECK(quote("é\t#") == "\"é\t#\"");
}

TEST_CASE("printer: no parentheses where precedence and left grouping make them redundant",
          "[printer][parentheses]") {
  CHECK(expr("(a - b) - c") == "a - b - c");
  CHECK(expr("(a * b) + c") == "a * b + c");
  CHECK(expr("a + (b * c)") == "a + b * c");
  CHECK(expr("((a))") == "a");
  CHECK(expr("(a < b) and (c < d)") == "a < b and c < d");
  CHECK(expr("a or (b and c)") == "a or b and c");
  CHECK(expr("not (a == b)") == "not a == b");
  CHECK(expr("(-x) * y") == "-x * y");
  CHECK(expr("f((a + b))") == "f(a + b)");
  CHECK(expr("arr[(i + 1)]") == "arr[i + 1]");
  CHECK(expr("(a + b) < (c * d)") == "a + b < c * d");
  CHECK(expr("not (not a)") == "not not a");
  CHECK(expr("- (-x)") == "--x");
}

TEST_CASE("printer: parentheses where the tree needs them", "[printer][parentheses]") {
  CHECK(expr("a - (b - c)") == "a - (b - c)");
  CHECK(expr("a / (b * c)") == "a / (b * c)");
  CHECK(expr("(a + b) * c") == "(a + b) * c");
  CHECK(expr("(a or b) and c") == "(a or b) and c");
  CHECK(expr("(not a) == b") == "(not a) == b");
  CHECK(expr("1 + (not a)") == "1 + (not a)");
  CHECK(expr("-(a + b)") == "-(a + b)");
  CHECK(expr("-(a * b)") == "-(a * b)");
  CHECK(expr("(a < b) == (c < d)") == "(a < b) == (c < d)");
  CHECK(expr("a == (b == c)") == "a == (b == c)");
  CHECK(expr("-(not a)") == "-(not a)");
}

TEST_CASE("printer: negative literals and negation of literals stay distinct", "[printer][parentheses]") {
  CHECK(expr("-5") == "-5");
  CHECK(expr("- 5") == "-5");
  CHECK(expr("-(5)") == "-(5)");       // a negation of 5, not the literal -5
  CHECK(expr("-(-5)") == "-(-5)");
  CHECK(expr("2 - -3") == "2 - -3");
  CHECK(expr("x * -1") == "x * -1");
  CHECK(expr("-9223372036854775808") == "-9223372036854775808");
  CHECK(expr("1_000_000") == "1000000");
  CHECK(expr("true") == "true");  // the spelling is kept (issue 12: `while true` stayed `while 1`)
  CHECK(expr("false") == "false");
}

TEST_CASE("printer: calls, methods with orders, any() and thread_name()", "[printer]") {
  CHECK(expr("x.load( acquire )") == "x.load(acquire)");
  CHECK(expr("x.cas(0,1,acq_rel)") == "x.cas(0, 1, acq_rel)");
  CHECK(expr("x.fetch_add(1)") == "x.fetch_add(1)");
  CHECK(expr("any( -1,N )") == "any(-1, N)");
  CHECK(expr("thread_name( )") == "thread_name()");
  CHECK(expr("f()") == "f()");
}

TEST_CASE("printer: the printed form parses back to the same tree", "[printer][roundtrip]") {
  const std::string text =
      "const N = 3\nshared a[N + 1] = -(2)\natomic x = 0\nmutex m\ncond c\nqueue q[2]\n"
      "fn f(p, r):\n    return -(p - r) * (p + -r) % 7\n"
      "thread t(n):\n    let v = not (n == 1) or n < 2 and (n > 3 or n != 4)\n"
      "    while not v:\n        v = v - (1 - 2) - 3\n    with m:\n        c.wait(m)\n"
      "    a[n % (N + 1)] = --n\n    print \"x\", -n, f(1, 2), any(0, n)\nmain:\n    let t1 = spawn t(1) as \"A\\\"B\"\n"
      "    let r = join t1\n    if r:\n        yield\n    elif (r < 1) == (r > 2):\n        sleep 2s\n    else:\n"
      "        crash \"c\\\\d\"\nfinal (a[0] + 1) * 2 == -9223372036854775808 \"m\"\nobserve x, a[1]\n";
  const auto first = parse_only(text);
  REQUIRE(first.ok());
  const std::string printed = print(*first.program);
  const auto second = parse_only(printed);
  INFO(printed);
  REQUIRE(second.ok());
  CHECK(same_syntax(*first.program, *second.program));
  CHECK(print(*second.program) == printed);
}

TEST_CASE("printer: print(parse(print(x))) == print(x) for every scenario file", "[printer][roundtrip][scenarios]") {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(INTERLEAVE_SOURCE_DIR) / "scenarios";
  REQUIRE(fs::is_directory(root));
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file() && entry.path().extension() == ".scn") files.push_back(entry.path());
  REQUIRE(files.size() >= 9);  // at least the seed scenarios
  for (const auto& path : files) {
    INFO(path.string());
    const auto first = parse_text(path.string(), read_file(path));
    if (!first.ok()) {
      // A deliberately broken scenario (if any) has nothing to round-trip.
      WARN("does not parse: " << path.string());
      continue;
    }
    const std::string once = print(*first.program);
    const auto second = parse_text(path.string(), once);
    INFO(once);
    REQUIRE(second.ok());
    CHECK(same_syntax(*first.program, *second.program));
    CHECK(print(*second.program) == once);
  }
}

TEST_CASE("printer: a seed scenario's canonical form", "[printer][scenarios]") {
  const auto r = load_file(std::string(INTERLEAVE_SOURCE_DIR) + "/scenarios/seed/balance_unlocked.scn");
  REQUIRE(r.ok());
  CHECK(print(*r.program) ==
        "about \"two threads update a balance without a lock\"\n\nconst ITER = 2\n\nshared balance = 0\n\n"
        "thread run_thread(n):\n    repeat ITER:\n        balance = balance + n\n        balance = balance - n\n\n"
        "main:\n    let t1 = spawn run_thread(5)\n    let t2 = spawn run_thread(8)\n    join t1\n    join t2\n\n"
        "final balance == 0\n\nexpect race on balance\nexpect failure\n");
}

namespace {

// The canonical text of a file with its comments and blank lines kept.
std::string formatted(const std::string& text) {
  const auto r = parse_only(text);
  if (!r.ok()) return "errors";
  return print(*r.program, r.trivia);
}

std::vector<std::string> comment_texts(const LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& c : r.trivia.comments) out.push_back(c.text);
  return out;
}

}  // namespace

TEST_CASE("printer: comments are kept where they were, at the indentation of their code", "[printer][comments]") {
  const std::string text =
      "# header\n#\n# more header\n\nabout   \"x\"\nshared   a = 0   # aligned\nshared b=1 # tight\n"
      "mutex m\n# before the thread\nthread t(n):\n    # first in the body\n    while a<n:   # loop\n"
      "        a=a+1\n        # end of the while body\n    # before the if\n    if a:\n        yield\n"
      "    # before elif\n    elif b:  # elif line\n        yield\n    else:  # else line\n        yield\n"
      "        # end of else\n\n    # end of t\n\n# before main\nmain:\n    spawn t(1)\n# at the end\n";
  CHECK(formatted(text) ==
        "# header\n#\n# more header\n\nabout \"x\"\n\nshared a = 0     # aligned\nshared b = 1  # tight\n\n"
        "mutex m\n\n# before the thread\nthread t(n):\n    # first in the body\n    while a < n:  # loop\n"
        "        a = a + 1\n        # end of the while body\n    # before the if\n    if a:\n        yield\n"
        "    # before elif\n    elif b:  # elif line\n        yield\n    else:  # else line\n        yield\n"
        "        # end of else\n\n    # end of t\n\n# before main\nmain:\n    spawn t(1)\n# at the end\n");
}

TEST_CASE("printer: blank lines are kept (one at most), never under a block's header", "[printer][comments]") {
  CHECK(formatted("shared a = 0\n\n\n\nshared b = 0\nmain:\n\n    a = 1\n\n\n    b = 2\n") ==
        "shared a = 0\n\nshared b = 0\n\nmain:\n    a = 1\n\n    b = 2\n");
  // Without trivia, the canonical form of before: no comment, no blank line of the source.
  const auto r = parse_only("# c\nshared a = 0  # d\n\nshared b = 0\n");
  REQUIRE(r.ok());
  CHECK(print(*r.program) == "shared a = 0\nshared b = 0\n");
}

TEST_CASE("printer: '#' in a string is not a comment, and true/false keep their names", "[printer][comments]") {
  CHECK(formatted("main:\n    print \"# not a comment\"  # a comment\n    while true:\n        assert false\n") ==
        "main:\n    print \"# not a comment\"  # a comment\n    while true:\n        assert false\n");
}

TEST_CASE("printer: with comments, every scenario file is a fixpoint, keeps its comments and its tree",
          "[printer][roundtrip][scenarios][comments]") {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(INTERLEAVE_SOURCE_DIR) / "scenarios";
  std::size_t files = 0, comments = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".scn") continue;
    INFO(entry.path().string());
    const auto first = parse_text(entry.path().string(), read_file(entry.path()));
    REQUIRE(first.ok());  // everything under scenarios/ parses
    const std::string once = print(*first.program, first.trivia);
    const auto second = parse_text(entry.path().string(), once);
    INFO(once);
    REQUIRE(second.ok());
    CHECK(same_syntax(*first.program, *second.program));
    CHECK(comment_texts(second) == comment_texts(first));
    CHECK(print(*second.program, second.trivia) == once);
    ++files;
    comments += first.trivia.comments.size();
  }
  CHECK(files >= 100);
  CHECK(comments >= 500);
}
