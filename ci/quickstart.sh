#!/usr/bin/env bash
# The README's first command: install what is needed, build, and run the harness on the
# seed scenarios (the tutorial's programs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
cmake --preset default >/dev/null
cmake --build --preset default
./build/default/harness/interleave check scenarios/seed
