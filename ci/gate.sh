#!/usr/bin/env bash
# The CI gate: `interleave check` on every scenario with the reports CI publishes, exiting
# with check's exit code (0: every scenario's findings equal its expect lines; 1: some
# differ; 2: a scenario or option cannot be used; see docs/ci.md).
#   ci/gate.sh [PRESET] [PATH...]   PRESET (default tsan) picks build/PRESET/harness/interleave
#                                   (BUILD_DIR=... overrides); PATH defaults to scenarios/
# Reports, in reports/ (REPORTS_DIR=... overrides), replaced on every run:
#   interleave.json  the JSON report          interleave.xml    JUnit XML
#   interleave.sarif SARIF 2.1.0 (code scanning)  summary.md    Markdown summary
# Under GitHub Actions the summary is also appended to $GITHUB_STEP_SUMMARY.
set -euo pipefail
cd "$(dirname "$0")/.."

preset="${1:-tsan}"
if (($# > 0)); then shift; fi
paths=("$@")
if ((${#paths[@]} == 0)); then paths=(scenarios/); fi
build_dir="${BUILD_DIR:-build/$preset}"
bin="$build_dir/harness/interleave"
reports="${REPORTS_DIR:-reports}"

if [[ ! -x $bin ]]; then
  echo "ci/gate.sh: $bin is not built; run ci/test.sh $preset (or cmake --workflow --preset $preset) first" >&2
  exit 2
fi

# The sanitizer settings of the test presets: a sanitizer report in Interleave itself
# fails the gate too (with exit code 66 under TSan).
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:exitcode=66}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

rm -rf "$reports"
mkdir -p "$reports"
rc=0
"$bin" check \
  --json "$reports/interleave.json" \
  --junit "$reports/interleave.xml" \
  --sarif "$reports/interleave.sarif" \
  --summary "$reports/summary.md" \
  "${paths[@]}" || rc=$?

if [[ -n ${GITHUB_STEP_SUMMARY:-} && -f $reports/summary.md ]]; then
  cat "$reports/summary.md" >>"$GITHUB_STEP_SUMMARY"
fi
echo "ci/gate.sh: interleave check exited $rc; reports in $reports/"
exit "$rc"
