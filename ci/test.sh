#!/usr/bin/env bash
# Configures, builds and runs every test under one preset (default: tsan), as CI does.
#   ci/test.sh [PRESET]      PRESET is default, debug, release, tsan or asan
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
cmake --workflow --preset "${1:-tsan}"
