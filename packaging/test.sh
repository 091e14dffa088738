#!/usr/bin/env bash
# Set-up + ci build (-O3 -march=x86-64-v3, warnings as errors) + the whole test suite.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash packaging/setup.sh
cmake --preset ci >/dev/null
cmake --build --preset ci
QT_QPA_PLATFORM=offscreen ctest --test-dir build/ci --output-on-failure
