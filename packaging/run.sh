#!/usr/bin/env bash
# Set-up + release build + the main job: train the default benchmark and print its metrics.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash packaging/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
./build/release/app/netsurf-cli train --benchmark mnist_fnn --quant 'q<6,2,1>' --pruning 0.125 "$@"
