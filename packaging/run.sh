#!/usr/bin/env bash
# Set-up + release build + the main job: train the default benchmark and print its metrics.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash packaging/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
# The simulated smart-pixel rows as CSV files, for docs/examples/reload_model.py (once; not when
# the public CSVs are in use).
data_dir="${NETSURF_DATA_DIR:-$HOME/.local/share/netsurf/datasets}"
[ -n "${NETSURF_SMARTPIXEL_DIR:-}" ] || [ -f "$data_dir/smartpixel-simulated/netsurf-export.json" ] ||
  ./build/release/app/netsurf-cli datasets --export smartpixel >/dev/null
./build/release/app/netsurf-cli train --benchmark mnist_fnn --quant 'q<6,2,1>' --pruning 0.125 "$@"
