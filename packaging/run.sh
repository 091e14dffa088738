#!/usr/bin/env bash
# Set-up + release build, then:
#   - in an interactive terminal with a display: the desktop application on the default workspace;
#   - with --headless, NETSURF_HEADLESS=1, no terminal or no display: the headless main job (train
#     the default benchmark and print its metrics), so automated runs never wait on a window.
# Other arguments go to the main job (e.g. --epochs 5).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
headless="${NETSURF_HEADLESS:-0}"
args=()
for a in "$@"; do
  if [ "$a" = "--headless" ]; then headless=1; else args+=("$a"); fi
done
if [ ! -t 0 ] || [ ! -t 1 ] || [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then headless=1; fi
bash packaging/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
# The simulated smart-pixel rows as CSV files, for docs/examples/reload_model.py (once; not when
# the public CSVs are in use).
data_dir="${NETSURF_DATA_DIR:-$HOME/.local/share/netsurf/datasets}"
[ -n "${NETSURF_SMARTPIXEL_DIR:-}" ] || [ -f "$data_dir/smartpixel-simulated/netsurf-export.json" ] ||
  ./build/release/app/netsurf-cli datasets --export smartpixel >/dev/null
if [ "$headless" = 1 ]; then
  exec ./build/release/app/netsurf-cli train --benchmark mnist_fnn --quant 'q<6,2,1>' \
    --pruning 0.125 "${args[@]+"${args[@]}"}"
fi
exec ./build/release/app/netsurf-gui
