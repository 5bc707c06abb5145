#!/usr/bin/env bash
# Installs what Interleave needs on Debian 12 with apt-get (as root, or through sudo).
# Idempotent and silent when everything is already present.
set -euo pipefail

packages=(
  cmake ninja-build                # build (CMake 3.25 presets)
  clang-14 libclang-rt-14-dev      # compiler, sanitizer and libFuzzer runtimes
  llvm-14                          # llvm-symbolizer, for readable sanitizer reports
  ccache                           # shares compiled objects between presets and runs
  libfmt-dev libcli11-dev          # formatting, command-line parsing
  nlohmann-json3-dev               # JSON reports
  catch2 librapidcheck-dev         # unit and property tests
  libbenchmark-dev                 # micro-benchmarks (bench/)
  python3 python3-jsonschema       # report tests: JSON report and SARIF against their JSON Schemas
  libxml2-utils                    # report tests: xmllint checks JUnit XML against tests/schemas/junit.xsd
  chromium                         # browser test: renders the HTML report headless (label browser)
  graphviz                         # report test: dot lays out the execution graphs of --dot
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  echo "ci/setup.sh: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ThreadSanitizer before LLVM 18 fails on kernels with high ASLR entropy ("unexpected
# memory mapping"); 28 bits is the highest it accepts.
bits=$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 0)
if ((bits > 28)); then
  if [[ $(id -u) -eq 0 ]] && echo 28 2>/dev/null >/proc/sys/vm/mmap_rnd_bits; then
    echo "ci/setup.sh: lowered vm.mmap_rnd_bits from $bits to 28 for ThreadSanitizer"
  else
    echo "ci/setup.sh: warning: vm.mmap_rnd_bits is $bits; the tsan preset needs 28 (sysctl -w vm.mmap_rnd_bits=28)" >&2
  fi
fi
